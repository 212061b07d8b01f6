-- self:backfill on a key of several columns, through the binary, on every
-- dialect: the walk goes in key order over the whole key (a row value on
-- SQLite and PostgreSQL, the expanded comparison on MySQL), records the
-- whole last key exactly (integers past 2^53, strings with quotes and
-- commas), and a run after a failure goes on after it (a counter column
-- proves that no row is done twice), in the function form and the
-- declarative one; the key is the primary key unless key = {...} names
-- it; a table without one is refused, naming the file and the line.
local helpers = require("spec.helpers")

local CREATE = "2026_01_01_000000_create_tracks"
local FILL = "2026_01_02_000000_fill_tracks"
local BIG = 9007199254740993   -- 2^53 + 1: not a double
local ALBUMS = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, BIG, BIG + 1 }
local CODES = 40
local ROWS = #ALBUMS * CODES

local TABLES = helpers.migration {
  name = "CreateTracks",
  up = ([[
  self.schema:create("tracks", function(t)
    t:big_integer("album_id")
    t:string("code", 40)
    t:integer("counter"):default(0)
    t:integer("counter2"):default(0)
    t:primary({ "album_id", "code" })
  end)
  self.schema:create("plain", function(t)
    t:integer("a")
    t:string("b", 20)
    t:integer("n"):default(0)
  end)
  local odd = { "it's", "a,b", "x;y", "q\"r" }
  local rows = {}
  for _, album in ipairs({ %s }) do
    for j = 1, %d do
      rows[#rows + 1] = { album_id = album, code = odd[j] or ("t%%02d"):format(j) }
    end
  end
  self.db:table("tracks"):insert(rows)
  self.db:table("plain"):insert({ { a = 1, b = "x" }, { a = 1, b = "y" }, { a = 2, b = "x" } })]])
    :format(table.concat(ALBUMS, ", "), CODES),
  down = [[
  self.schema:drop("plain")
  self.schema:drop("tracks")]],
}

-- the function form (batches of 35: an album's rows fall in two batches),
-- failing at the album in the file fail_at, then the declarative form
local FILL_SRC = [[
local lmigrate = require("lmigrate")
return {
  up = function(self)
    self:backfill("tracks", { batch = 35 }, function(rows, db)
      local f = io.open("fail_at")
      local fail = f and math.tointeger(tonumber(f:read("l")))
      if f then f:close() end
      for _, r in ipairs(rows) do
        if r.album_id == fail then error("failing at album " .. r.album_id) end
        db:table("tracks"):where("album_id", r.album_id):where("code", r.code)
          :update({ counter = lmigrate.raw("counter + 1") })
      end
    end)
    self:backfill("tracks", { batch = 45, set = { counter2 = lmigrate.raw("counter2 + 1") },
                              where = { { "counter2", "=", 0 } } })
  end,
  down = function(self)
    self.db:table("tracks"):update({ counter = 0, counter2 = 0 })
  end,
}
]]

local function counts(project)
  return project:with_db(function(db)
    local r = db:first("SELECT COUNT(*) AS n, MIN(counter) AS lo, MAX(counter) AS hi, SUM(counter) AS s,"
      .. " MIN(counter2) AS lo2, MAX(counter2) AS hi2 FROM tracks")
    local t = {}
    for k, v in pairs(r) do t[k] = math.tointeger(tonumber(v)) end
    return t
  end)
end

local function progress(project)
  return project:with_db(function(db)
    if not db:has_table("migrations_backfills") then return {} end
    return db:query("SELECT * FROM migrations_backfills ORDER BY position")
  end)
end

for _, dialect in helpers.each_dialect() do
  describe("self:backfill by a key of several columns [#" .. dialect .. "]", function()
    local project

    before_each(function()
      project = helpers.project(dialect)
      project:write(CREATE, TABLES)
    end)

    after_each(function()
      if project then project:cleanup() end
      project = nil
    end)

    it("walks the primary key in order, each row once", function()
      project:write(FILL, FILL_SRC)
      local r = project:ok("migrate")
      assert.truthy(r.stdout:find("Backfilled tracks: " .. ROWS .. " rows", 1, true), r.stdout)
      assert.same({ n = ROWS, lo = 1, hi = 1, s = ROWS, lo2 = 1, hi2 = 1 }, counts(project))
      assert.same({}, progress(project))
      project:ok("rollback", "--step", "1")
      r = project:ok("migrate", "--pretend")
      assert.truthy(r.stdout:find("-- backfill tracks by album_id,code in batches of 35", 1, true), r.stdout)
    end)

    it("after failures goes on after the whole last key, exact past 2^53", function()
      project:write(FILL, FILL_SRC)
      -- album 3 starts in batch 3: batches 1-2 (70 rows, albums 1 and 2) commit
      helpers.write_file(project:path("fail_at"), "3\n")
      local r = project:run("migrate")
      helpers.assert_status(1, r)
      assert.truthy(r.stderr:find("failing at album 3", 1, true), r.stderr)
      assert.truthy(helpers.has_file_line(r.stderr, "databases/migrations/" .. FILL .. ".lua", 9), r.stderr)
      local c = counts(project)
      assert.same({ 70, 0, 1 }, { c.s, c.lo, c.hi })
      local p = progress(project)
      assert.equals("album_id,code", p[1].key_column)
      assert.equals("tuple", p[1].key_type)
      r = project:ok("status")
      assert.truthy(r.stdout:find("Backfilling tracks (70 rows done, last (album_id, code) (2, '", 1, true),
        r.stdout)
      r = project:ok("status", "--json")
      assert.truthy(r.stdout:find('"backfill_key":["album_id","code"],"backfill_last_key":[2,"', 1, true),
        r.stdout)
      -- BIG + 1 starts at row 441, in batch 13: batch 12 ends at row 420, in album BIG
      helpers.write_file(project:path("fail_at"), tostring(BIG + 1) .. "\n")
      r = project:run("migrate")
      helpers.assert_status(1, r)
      assert.truthy(r.stdout:find("Resuming the backfill of tracks (" .. FILL .. "): 70 rows done, after"
        .. " (album_id, code) (2, '", 1, true), r.stdout)
      c = counts(project)
      assert.same({ 420, 0, 1 }, { c.s, c.lo, c.hi })
      r = project:ok("status")
      assert.truthy(r.stdout:find("(420 rows done, last (album_id, code) (" .. BIG .. ", '", 1, true),
        r.stdout)
      os.remove(project:path("fail_at"))
      project:ok("migrate")
      assert.same({ n = ROWS, lo = 1, hi = 1, s = ROWS, lo2 = 1, hi2 = 1 }, counts(project))
      assert.same({ CREATE, FILL }, project:applied())
      assert.same({}, progress(project))
    end)

    it("refuses a table without a primary key, naming the file and line; key = {...} walks it", function()
      project:ok("migrate")
      project:write(FILL, [[
local lmigrate = require("lmigrate")
return {
  up = function(self)
    self:backfill("plain", { batch = 2, set = { n = lmigrate.raw("n + 1") } })
  end,
  down = function() end,
}
]])
      -- MySQL makes the (empty) progress table before the migration's statements
      local function snapshot()
        return (project:snapshot():gsub("[^\n]*migrations_backfills[^\n]*\n?", ""))
      end
      local before = snapshot()
      local r = project:run("migrate")
      helpers.assert_status(1, r)
      assert.same({}, progress(project))
      assert.truthy(r.stderr:find("table plain has no primary key to walk by", 1, true), r.stderr)
      assert.truthy(r.stderr:find('key = { "a", "b" }', 1, true), r.stderr)
      assert.truthy(helpers.has_file_line(r.stderr, "databases/migrations/" .. FILL .. ".lua", 4), r.stderr)
      assert.equals(before, snapshot())
      project:write(FILL, [[
local lmigrate = require("lmigrate")
return {
  up = function(self)
    self:backfill("plain", { batch = 2, key = { "a", "b" }, set = { n = lmigrate.raw("n + 1") } })
  end,
  down = function() end,
}
]])
      project:ok("migrate")
      local n = project:with_db(function(db)
        return db:query("SELECT a, b, n FROM plain ORDER BY a, b")
      end)
      for _, row in ipairs(n) do assert.equals(1, math.tointeger(tonumber(row.n))) end
      assert.equals(3, #n)
    end)
  end)
end
