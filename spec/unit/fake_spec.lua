-- lmigrate.fake (lua/lmigrate/fake/) and self:factory: the same values for
-- the same seed (pinned, so that a seed keeps its rows across versions),
-- values in their ranges and formats, generators of their own, and the
-- factory's rows going to db:insert in chunks.
local fake = require("lmigrate.fake")
local lmigrate = require("lmigrate")
local Seeder = require("lmigrate.seeder")

local function sample(f)
  return { f.name(), f.email(), f.integer(1, 6), f.word(), f.date(), f.uuid(), f.pick({ "a", "b", "c" }) }
end

describe("lmigrate.fake", function()
  it("is lmigrate.fake", function()
    assert.equal(fake, lmigrate.fake)
  end)

  it("gives the same values for the same seed, and others for another", function()
    fake.seed(42)
    local a = sample(fake)
    fake.seed(42)
    assert.same(a, sample(fake))
    fake.seed(43)
    assert.are_not.same(a, sample(fake))
    assert.equal(43, fake.get_seed())
  end)

  it("keeps what a seed gives from one version to the next", function()
    local f = fake.new(42)
    assert.same({ f.integer(1, 1000000), f.integer(1, 1000000), f.name(), f.uuid(), f.date() },
                { 499606, 892292, "Priya Adams", "09bc585a-2448-43f2-9e44-31fa3c80db06", "1997-08-17" })
  end)

  it("new(seed) is a stream of its own", function()
    local a, b = fake.new(7), fake.new(7)
    local x = a.integer(1, 100000)
    fake.integer(1, 10)   -- the module's own stream does not move theirs
    assert.equal(x, b.integer(1, 100000))
  end)

  it("takes fake:x() as fake.x()", function()
    local a, b = fake.new(9), fake.new(9)
    assert.equal(a.integer(5, 50), b:integer(5, 50))
    assert.equal(a.pick({ 1, 2, 3 }), b:pick({ 1, 2, 3 }))
  end)

  it("integer(min, max): whole numbers in the range, every one of them", function()
    local f, seen = fake.new(1), {}
    for _ = 1, 2000 do
      local n = f.integer(-3, 3)
      assert.is_true(math.type(n) == "integer" and n >= -3 and n <= 3, tostring(n))
      seen[n] = true
    end
    for n = -3, 3 do assert.is_true(seen[n], "never " .. n) end
    assert.equal(5, f.integer(5, 5))
    assert.is_true(f.integer(math.mininteger // 4, math.maxinteger // 4) ~= nil)
    assert.has_error(function() f.integer(math.mininteger, math.maxinteger) end,
      "lmigrate: fake.integer range is too wide")
    assert.has_error(function() f.integer(2, 1) end, "lmigrate: fake.integer expects min <= max, got 2 > 1")
    assert.has_error(function() f.integer(1.5, 2) end,
      "lmigrate: fake.integer expects whole numbers (min, max)")
  end)

  it("float, boolean, pick, shuffle", function()
    local f = fake.new(2)
    for _ = 1, 500 do
      local x = f.float(1.5, 2.5)
      assert.is_true(x >= 1.5 and x < 2.5)
    end
    assert.equal(3.14, f.float(3.14, 3.14, 2))
    local trues = 0
    for _ = 1, 1000 do if f.boolean(30) then trues = trues + 1 end end
    assert.is_true(trues > 220 and trues < 380, tostring(trues))
    assert.is_false(f.boolean(0))
    assert.is_true(f.boolean(100))
    local list = { "x", "y", "z" }
    for _ = 1, 50 do assert.truthy(({ x = 1, y = 1, z = 1 })[f.pick(list)]) end
    local s = f.shuffle({ 1, 2, 3, 4, 5 })
    table.sort(s)
    assert.same({ 1, 2, 3, 4, 5 }, s)
    assert.has_error(function() f.pick({}) end, "lmigrate: fake.pick expects a non-empty list")
  end)

  it("names, emails, words, sentences in their formats", function()
    local f = fake.new(3)
    for _ = 1, 200 do
      assert.matches("^%u%a+ %u%a+$", f.name())
      assert.matches("^[%l]+%.[%l]+%d+@example%.[comrgnet]+$", f.email())
      assert.matches("^%l+$", f.word())
      assert.matches("^%l+ %l+ %l+ %l+$", f.words(4))
      local s = f.sentence()
      assert.matches("^%u[%l ]+%.$", s)
      local n = select(2, s:gsub(" ", ""))
      assert.is_true(n >= 3 and n <= 9, s)
      assert.matches("^%u.*%. %u.*%. %u.*%.$", f.paragraph())
      assert.matches("^https://www%.example%.%a+/%l+$", f.url())
    end
  end)

  it("dates, datetimes and times in their range", function()
    local f = fake.new(4)
    for _ = 1, 500 do
      local d = f.date("2024-02-27", "2024-03-01")
      assert.truthy(d >= "2024-02-27" and d <= "2024-03-01", d)
      local dt = f.datetime("1999-12-31 23:59:58", "2000-01-01 00:00:01")
      assert.truthy(dt >= "1999-12-31 23:59:58" and dt <= "2000-01-01 00:00:01", dt)
      assert.matches("^%d%d:[0-5]%d:[0-5]%d$", f.time())
      local any = f.date()
      assert.truthy(any >= "1970-01-01" and any <= "2029-12-31", any)
    end
    assert.equal("1970-01-01", f.date(0, 86399))
    assert.equal("2000-02-29 12:00:00", f.datetime("2000-02-29 12:00:00", "2000-02-29 12:00:00"))
    assert.has_error(function() f.date("yesterday") end,
      "lmigrate: fake.date expects a date 'YYYY-MM-DD', 'YYYY-MM-DD HH:MM:SS' or Unix seconds, got yesterday")
    assert.has_error(function() f.date("2024-02-02", "2024-02-01") end,
      "lmigrate: fake.date expects from <= to")
  end)

  it("version 4 UUIDs", function()
    local f, seen = fake.new(5), {}
    for _ = 1, 500 do
      local u = f.uuid()
      assert.matches("^%x%x%x%x%x%x%x%x%-%x%x%x%x%-4%x%x%x%-[89ab]%x%x%x%-%x%x%x%x%x%x%x%x%x%x%x%x$", u)
      assert.is_nil(seen[u])
      seen[u] = true
    end
  end)

  it("unique.x() never gives a value twice, until the next seed", function()
    local f, seen = fake.new(6), {}
    for _ = 1, 6 do
      local n = f.unique.integer(1, 6)
      assert.is_nil(seen[n])
      seen[n] = true
    end
    assert.has_error(function() f.unique.integer(1, 6) end,
                     "lmigrate: fake.unique.integer: no new value in 10000 tries")
    f.unique.reset()
    assert.is_number(f.unique.integer(1, 6))
    assert.has_error(function() return f.unique.nothing end,
      "lmigrate: fake.unique.nothing: no such generator")
  end)
end)

describe("self:factory", function()
  -- a seeder whose db records db:insert
  local function seeder()
    local calls = {}
    local db = { insert = function(_, tbl, rows)
      calls[#calls + 1] = { tbl, #rows, rows[1] }
      return #rows
    end }
    return setmetatable({ db = db, fake = fake.new(11) }, { __index = Seeder }), calls
  end

  it("builds n rows with fn(i, fake), through db:insert in chunks of 1000", function()
    local s, calls = seeder()
    local got = s:factory("users", 2500, function(i, f) return { id = i, name = f.name() } end)
    assert.equal(2500, got)
    assert.equal(3, #calls)
    assert.same({ "users", 1000 }, { calls[1][1], calls[1][2] })
    assert.same({ 1000, 500 }, { calls[2][2], calls[3][2] })
    assert.equal(2001, calls[3][3].id)
    assert.equal(fake.new(11).name(), calls[1][3].name)
  end)

  it("zero rows insert nothing", function()
    local s, calls = seeder()
    assert.equal(0, s:factory("users", 0, function() return {} end))
    assert.equal(0, #calls)
  end)

  it("refuses bad arguments and a row that is not a table", function()
    local s = seeder()
    assert.has_error(function() s:factory(1, 1, print) end,
      "lmigrate: self:factory expects a table name (string), got number")
    assert.has_error(function() s:factory("t", -1, print) end,
      "lmigrate: self:factory expects a number of rows (a whole number >= 0), got -1")
    assert.has_error(function() s:factory("t", 1, {}) end,
      "lmigrate: self:factory expects a function(i, fake) returning a row, got table")
    assert.has_error(function() s:factory("t", 2, function(i) return i == 2 and "x" or {} end) end,
      "lmigrate: self:factory: the function returned a string for row 2 (expected a table of column = value)")
  end)
end)

describe("lmigrate.fake's Faker names", function()
  it("are the seeded stream's: the same seed, the same values", function()
    local function faker_sample(f)
      return { f.number_between(1, 10), f.company(), f.city(), f.address(), f.phone_number(),
               f.date_time_between("2020-01-01", "2020-12-31"), f.random_elements({ 1, 2, 3, 4 }, 2),
               f.hex_color(), f.ipv4(), f.text(80), f.optional(0.5, "-").word(), f.md5() }
    end
    assert.same(faker_sample(fake.new(7)), faker_sample(fake.new(7)))
    assert.are_not.same(faker_sample(fake.new(7)), faker_sample(fake.new(8)))
  end)

  it("give Faker's forms", function()
    local f = fake.new(3)
    for _ = 1, 50 do
      local n = f.number_between(5, 7)
      assert.truthy(n >= 5 and n <= 7)
      assert.matches("^%d%d%d$", tostring(f.random_number(3, true)))
      assert.truthy(f.random_digit() <= 9)
      assert.truthy(f.random_digit_not_null() >= 1)
      assert.matches("^%l$", f.random_letter())
      assert.matches("^%d%d%-%l%l$", f.bothify("##-??"))
      assert.matches("^%d%d%d%d%d$", f.postcode())
      assert.matches("^#%x%x%x%x%x%x$", f.hex_color())
      assert.matches("^%d+%.%d+%.%d+%.%d+$", f.ipv4())
      assert.matches("^%x%x:%x%x:%x%x:%x%x:%x%x:%x%x$", f.mac_address():lower())
      assert.matches("^%x+$", f.sha256())
      assert.equal(64, #f.sha256())
      assert.matches("^%d+ %u%a+ %a+$", f.street_address())
      assert.matches("^%u%u$", f.state_abbr())
      assert.matches("^%u%u$", f.country_code())
      assert.matches("@", f.free_email())
      assert.truthy(#f.text(50) <= 50)
      assert.matches("%.$", f.text(50))
      local lat = f.latitude()
      assert.truthy(lat >= -90 and lat <= 90)
      assert.matches("^%d%d%d%d%-%d%d%-%d%dT%d%d:%d%d:%d%d%+0000$", f.iso8601())
      local pw = f.password(8, 8)
      assert.equal(8, #pw)
      local picked = f.random_elements({ "a", "b", "c", "d" }, 3)
      assert.equal(3, #picked)
      assert.are_not.equal(picked[1], picked[2])
      assert.are_not.equal(picked[2], picked[3])
    end
    assert.equal(3, #f.sentences(3))
    assert.equal("string", type(f.sentences(3, true)))
    assert.matches("^%l+%-%l+%-%l+$", f.slug(3, false))
  end)

  -- Faker's slug($nbWords = 6, $variableNbWords = true): the count varied to
  -- (int)(n * mt_rand(60, 140) / 100) + 1 words unless told not to; Laravel.io's
  -- factories call it bare (spec/fixtures/laravelio/seeds)
  it("slug varies its count of words as Faker's, unless variable_nb_words is false", function()
    local f = fake.new(11)
    local seen = {}
    for _ = 1, 300 do
      local _, dashes = f.slug():gsub("%-", "")
      assert.truthy(dashes + 1 >= 4 and dashes + 1 <= 9, "slug() words: " .. dashes + 1)
      seen[dashes + 1] = true
      local _, three = f.slug(3):gsub("%-", "")
      assert.truthy(three + 1 >= 2 and three + 1 <= 5, "slug(3) words: " .. three + 1)
      local _, six = f.slug(6, false):gsub("%-", "")
      assert.equal(6, six + 1)
    end
    assert.truthy(seen[4] and seen[9], "slug() gives from 4 to 9 words")
    assert.equal("", f.slug(0))
    assert.equal(fake.new(3).slug(), fake.new(3).slug(), "the seeded stream")
  end)

  it("take strtotime's relative dates and the date forms fake.date takes", function()
    local f = fake.new(5)
    local now = os.time()
    local function secs(stamp)
      local y, mo, d, h, mi, s = stamp:match("^(%d+)%-(%d+)%-(%d+) (%d+):(%d+):(%d+)$")
      return os.time({ year = y, month = mo, day = d, hour = h, min = mi, sec = s, isdst = false })
        - os.time({ year = 1970, month = 1, day = 1, hour = 0, isdst = false })
    end
    for _ = 1, 20 do
      local t = secs(f.date_time_between("-1 week", "now"))
      assert.truthy(t >= now - 604800 - 2 and t <= now + 2, t)
      t = secs(f.date_time_between("3 days ago", "+1 day"))
      assert.truthy(t >= now - 3 * 86400 - 2 and t <= now + 86400 + 2, t)
      local y = tonumber(f.date_time_between("-1 year"):sub(1, 4))
      assert.truthy(y >= tonumber(os.date("!%Y")) - 1)
      assert.matches("^2020%-01%-01 ", f.date_time_between("2020-01-01", "2020-01-01 23:59:59"))
      assert.truthy(f.unix_time() <= os.time())
    end
    assert.has_error(function() f.date_time_between("2021-01-01", "2020-01-01") end,
      "lmigrate: fake.date_time_between expects start <= end")
    assert.has_error(function() f.date_time_between("someday") end)
  end)

  it("optional(weight, default): the value weight of the time, else the default", function()
    local f = fake.new(9)
    local got, none = 0, 0
    for _ = 1, 1000 do
      if f.optional(0.3, "none").word() == "none" then none = none + 1 else got = got + 1 end
    end
    assert.truthy(got > 200 and got < 400, got)
    assert.is_nil(f:optional(0):company())
    assert.is_not_nil(f.optional(1).company())
    assert.has_error(function() f.optional(2) end, "lmigrate: fake.optional expects a weight from 0 to 1")
    assert.has_error(function() return f.optional().nothing end,
      "lmigrate: fake.optional().nothing: no such generator")
  end)

  it("unique has them too", function()
    local f = fake.new(1)
    local seen = {}
    for _ = 1, 9 do
      local d = f.unique.random_digit_not_null()
      assert.is_nil(seen[d])
      seen[d] = true
    end
    assert.has_error(function() f.unique.random_digit_not_null() end)
  end)

  it("name the user's line in their errors", function()
    local ok, err = pcall(function() fake.random_number(0) end)
    assert.is_false(ok)
    assert.matches("fake_spec%.lua:%d+: lmigrate: fake%.random_number expects 1 to 18 digits", err)
    ok, err = pcall(function() fake.date_time_between("bogus date") end)
    assert.is_false(ok)
    assert.matches("fake_spec%.lua:%d+: lmigrate: fake%.date_time_between expects a date", err)
  end)
end)
