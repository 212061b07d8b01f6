-- lmigrate.fake: fake data for seeders (names, emails, words, sentences,
-- numbers in a range, dates, UUIDs, picks from a list), from a seeded
-- generator of its own (splitmix64 on Lua's 64-bit integers): a seed
-- gives the same values on every platform and Lua 5.4 build, whatever
-- else calls math.random. `lmigrate seed --random-seed N` seeds it.
--
--   local fake = require("lmigrate").fake
--   fake.seed(42); fake.name(); fake.integer(1, 6); fake.unique.email()
--
-- fake.new(seed) makes another generator, its own stream (each seeding
-- run gets one: self.fake). fake.x() and fake:x() are the same call.
local core = require("lmigrate.core")
local errors = require("lmigrate.errors")
local words = require("lmigrate.fake.words")

local M = {}

local MAXINT = math.maxinteger

-- a seed from the system when none is given: 0 .. 2^31 - 1
function M.random_seed()
  return string.unpack("<I4", core.random_bytes(4)) & 0x7fffffff
end

-- {======================================================
-- Dates: days since 1970-01-01 and back (Howard Hinnant's algorithms)
-- ======================================================

local function days_from_civil(y, m, d)
  y = m <= 2 and y - 1 or y
  local era = (y >= 0 and y or y - 399) // 400
  local yoe = y - era * 400
  local doy = (153 * (m + (m > 2 and -3 or 9)) + 2) // 5 + d - 1
  local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
  return era * 146097 + doe - 719468
end

local function civil_from_days(z)
  z = z + 719468
  local era = (z >= 0 and z or z - 146096) // 146097
  local doe = z - era * 146097
  local yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
  local doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
  local mp = (5 * doy + 2) // 153
  local d = doy - (153 * mp + 2) // 5 + 1
  local m = mp < 10 and mp + 3 or mp - 9
  return yoe + era * 400 + (m <= 2 and 1 or 0), m, d
end

-- raises 'msg' at the user's line: the first caller outside lmigrate/fake
local function raise(msg)
  errors.raise_at_user(msg, "lmigrate/fake")
end

-- "YYYY-MM-DD[ HH:MM:SS]" or Unix seconds -> Unix seconds
local function seconds_of(method, v)
  if math.type(v) == "integer" then return v end
  local y, mo, d, rest = tostring(v):match("^(%d%d%d%d)%-(%d%d)%-(%d%d)(.*)$")
  local hh, mi, ss = 0, 0, 0
  if y and rest ~= "" then
    hh, mi, ss = rest:match("^[ T](%d%d):(%d%d):(%d%d)$")
  end
  if not y or not hh or tonumber(mo) < 1 or tonumber(mo) > 12 or tonumber(d) < 1 or tonumber(d) > 31 then
    raise(("lmigrate: fake.%s expects a date 'YYYY-MM-DD', 'YYYY-MM-DD HH:MM:SS' or Unix seconds, got %s")
      :format(method, tostring(v)))
  end
  return days_from_civil(tonumber(y), tonumber(mo), tonumber(d)) * 86400
    + tonumber(hh) * 3600 + tonumber(mi) * 60 + tonumber(ss)
end

local function format_date(s)
  local y, m, d = civil_from_days(s // 86400)
  return ("%04d-%02d-%02d"):format(y, m, d)
end

local function format_time(s)
  s = s % 86400
  return ("%02d:%02d:%02d"):format(s // 3600, s // 60 % 60, s % 60)
end

-- }======================================================

-- the default range of dates: fixed, so that a seed gives the same dates every day
local FROM, TO = "1970-01-01 00:00:00", "2029-12-31 23:59:59"

local function bad(method, msg)
  raise("lmigrate: fake." .. method .. " " .. msg)
end

-- new([seed]) -> a generator; without a seed, one from the system
function M.new(seed)
  local f = {}
  local state, seeded = 0, 0

  -- splitmix64: the next 64 random bits
  local function bits()
    state = state + 0x9e3779b97f4a7c15
    local z = state
    z = (z ~ (z >> 30)) * 0xbf58476d1ce4e5b9
    z = (z ~ (z >> 27)) * 0x94d049bb133111eb
    return z ~ (z >> 31)
  end

  -- uniform in 0 .. n - 1 (n >= 1), without the bias of a plain modulo
  local function below(n)
    local limit = MAXINT - ((MAXINT % n) + 1) % n
    while true do
      local x = bits() & MAXINT
      if x <= limit then return x % n end
    end
  end

  local function integer(lo, hi)
    lo, hi = lo or 0, hi or 2147483647
    if math.type(lo) ~= "integer" or math.type(hi) ~= "integer" then
      bad("integer", "expects whole numbers (min, max)")
    end
    if lo > hi then bad("integer", ("expects min <= max, got %d > %d"):format(lo, hi)) end
    if hi - lo < 0 or hi - lo == MAXINT then bad("integer", "range is too wide") end
    return lo + below(hi - lo + 1)
  end

  local function pick(list)
    if type(list) ~= "table" or list[1] == nil then bad("pick", "expects a non-empty list") end
    return list[below(#list) + 1]
  end

  local G = {}
  G.integer = integer
  G.pick = pick
  -- float(min = 0, max = 1[, decimals]): min <= x < max
  function G.float(lo, hi, decimals)
    lo, hi = lo or 0, hi or 1
    if type(lo) ~= "number" or type(hi) ~= "number" or lo > hi then
      bad("float", "expects numbers min <= max")
    end
    local x = lo + (bits() >> 11) * (1 / 2 ^ 53) * (hi - lo)
    if decimals then
      local p = 10 ^ decimals
      x = math.floor(x * p + 0.5) / p
    end
    return x
  end
  -- boolean(chance = 50): true chance% of the time
  function G.boolean(chance)
    return below(100) < (chance or 50)
  end
  -- shuffle(list) -> a new list, the same elements in a random order
  function G.shuffle(list)
    if type(list) ~= "table" then bad("shuffle", "expects a list") end
    local t = table.move(list, 1, #list, 1, {})
    for i = #t, 2, -1 do
      local j = below(i) + 1
      t[i], t[j] = t[j], t[i]
    end
    return t
  end
  function G.first_name() return pick(words.first_names) end
  function G.last_name() return pick(words.last_names) end
  function G.name() return pick(words.first_names) .. " " .. pick(words.last_names) end
  function G.username()
    return (pick(words.first_names) .. "." .. pick(words.last_names)):lower() .. integer(1, 99)
  end
  -- email(): at a domain kept for examples; fake.unique.email() for a unique column
  function G.email()
    return G.username() .. "@" .. pick(words.domains)
  end
  function G.url() return "https://www." .. pick(words.domains) .. "/" .. pick(words.words) end
  function G.word() return pick(words.words) end
  -- words(n = 3) -> n words and spaces
  function G.words(n)
    n = n or 3
    if math.type(n) ~= "integer" or n < 1 then bad("words", "expects a count >= 1") end
    local t = {}
    for i = 1, n do t[i] = pick(words.words) end
    return table.concat(t, " ")
  end
  -- sentence(n = 4..10 words): capitalised, with a full stop
  function G.sentence(n)
    local s = G.words(n or integer(4, 10))
    return s:sub(1, 1):upper() .. s:sub(2) .. "."
  end
  -- paragraph(n = 3 sentences)
  function G.paragraph(n)
    local t = {}
    for i = 1, n or 3 do t[i] = G.sentence() end
    return table.concat(t, " ")
  end
  -- datetime([from[, to]]) -> "YYYY-MM-DD HH:MM:SS" (UTC), from <= it <= to
  function G.datetime(from, to)
    local a, b = seconds_of("datetime", from or FROM), seconds_of("datetime", to or TO)
    if a > b then bad("datetime", "expects from <= to") end
    local s = a + below(b - a + 1)
    return format_date(s) .. " " .. format_time(s)
  end
  -- date([from[, to]]) -> "YYYY-MM-DD"
  function G.date(from, to)
    local a, b = seconds_of("date", from or FROM) // 86400, seconds_of("date", to or TO) // 86400
    if a > b then bad("date", "expects from <= to") end
    return format_date((a + below(b - a + 1)) * 86400)
  end
  function G.time() return format_time(below(86400)) end
  -- uuid(): a version 4 UUID
  function G.uuid()
    local hi, lo = bits(), bits()
    hi = (hi & ~0xf000) | 0x4000                    -- version 4
    lo = (lo & 0x3fffffffffffffff) | (2 << 62)      -- variant 10
    return ("%08x-%04x-%04x-%04x-%012x"):format((hi >> 32) & 0xffffffff, (hi >> 16) & 0xffff,
      hi & 0xffff, (lo >> 48) & 0xffff, lo & 0xffffffffffff)
  end

  -- Faker's names (fake/faker.lua)
  require("lmigrate.fake.faker")(G, { below = below, integer = integer, pick = pick, bits = bits,
    bad = bad, seconds_of = seconds_of, format_date = format_date, format_time = format_time })

  -- fake.x(...) and fake:x(...)
  local function method(fn)
    return function(a, ...)
      if a == f then return fn(...) end
      return fn(a, ...)
    end
  end
  for name, fn in pairs(G) do f[name] = method(fn) end

  -- unique.x(): a value fake.x has not given through unique since the last
  -- seed (or unique.reset()): as Faker's unique()
  local seen = {}
  f.unique = setmetatable({ reset = function() seen = {} end }, { __index = function(_, name)
    local fn = G[name]
    if not fn then error(("lmigrate: fake.unique.%s: no such generator"):format(tostring(name)), 2) end
    return method(function(...)
      local t = seen[name] or {}
      seen[name] = t
      for _ = 1, 10000 do
        local v = fn(...)
        if not t[v] then t[v] = true return v end
      end
      error(("lmigrate: fake.unique.%s: no new value in 10000 tries"):format(name), 3)
    end)
  end })

  -- optional(weight = 0.5, default = nil).x(...): x's value weight of the
  -- time, else default (Faker's optional())
  f.optional = method(function(weight, default)
    weight = weight or 0.5
    if type(weight) ~= "number" or weight < 0 or weight > 1 then
      bad("optional", "expects a weight from 0 to 1")
    end
    local proxy = {}
    return setmetatable(proxy, { __index = function(_, name)
      local fn = G[name]
      if not fn then raise(("lmigrate: fake.optional().%s: no such generator"):format(tostring(name))) end
      return function(a, ...)
        local v
        if a == proxy then v = fn(...) else v = fn(a, ...) end
        if below(1000000) < weight * 1000000 then return v end
        return default
      end
    end })
  end)

  -- seed(n): the same n gives the same values from here on
  f.seed = method(function(n)
    if math.type(n) ~= "integer" then bad("seed", "expects a whole number, got " .. tostring(n)) end
    state, seeded, seen = n, n, {}
  end)
  f.get_seed = method(function() return seeded end)
  f.new = M.new
  f.random_seed = M.random_seed
  f.seed(seed or M.random_seed())
  return f
end

-- the module is a generator itself, lmigrate.fake
return M.new()
