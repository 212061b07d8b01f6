-- self:backfill in a down and in a seeder, through the binary, on every
-- dialect. A down's backfill runs after the down has committed, in
-- batches of its own; the migration leaves the history only when it has
-- finished; a rollback that failed (or was killed) part-way goes on with
-- the next `rollback`, after the last key done (a counter column proves
-- that no row is done twice), and nothing else migrates or rolls back
-- meanwhile. A seeder's backfill runs after the seeder has committed;
-- the next `seed` of that seeder goes on with it without running the
-- seeder again; the progress is cleared once done.
local helpers = require("spec.helpers")

local CREATE = "2026_01_01_000000_create_songs"
local FILL = "2026_01_02_000000_fill_songs"
local LATER = "2026_01_03_000000_create_later"
local ROWS = 2000

local TABLES = helpers.migration {
  name = "CreateSongs",
  up = ([[
  self.schema:create("songs", function(t)
    t:increments("id")
    t:string("title")
    t:integer("counter"):default(0)
    t:integer("undone"):default(0)
    t:string("code"):nullable()
  end)
  local rows = {}
  for i = 1, %d do rows[i] = { title = "song " .. i } end
  self.db:table("songs"):insert(rows)]]):format(ROWS),
  down = [[
  self.schema:drop("songs")]],
}

-- the function form, failing at the id in the file fail_at when there is one
local FAILING = [[
      local f = io.open("fail_at")
      local fail = f and tonumber(f:read("l"))
      if f then f:close() end
      local ids = {}
      for i, r in ipairs(rows) do
        if r.id == fail then error("failing at id " .. r.id) end
        ids[i] = r.id
      end]]

-- up: a declarative backfill; down: a column dropped, then a function
-- backfill adding 1 to 'undone' (batches of 300) and a declarative one
local FILL_SRC = ([[
local lmigrate = require("lmigrate")
return {
  up = function(self)
    self.schema:table("songs", function(t) t:string("slug"):nullable() end)
    self:backfill("songs", { batch = 700, set = { counter = lmigrate.raw("counter + 1") } })
  end,
  down = function(self)
    self.schema:table("songs", function(t) t:drop_column("slug") end)
    self:backfill("songs", { batch = 300 }, function(rows, db)
%s
      db:table("songs"):where_in("id", ids):update({ undone = lmigrate.raw("undone + 1") })
    end)
    self:backfill("songs", { batch = 450, set = { code = "d" } })
  end,
}
]]):format(FAILING)

local function counts(project)
  return project:with_db(function(db)
    local r = db:query("SELECT COUNT(*) AS n, SUM(counter) AS c, MIN(undone) AS lo, MAX(undone) AS hi,"
      .. " SUM(undone) AS u, SUM(CASE WHEN code = 'd' THEN 1 ELSE 0 END) AS codes FROM songs")[1]
    local t = {}
    for k, v in pairs(r) do t[k] = math.tointeger(tonumber(v)) end
    return t
  end)
end

local function progress_rows(project)
  return project:with_db(function(db)
    if not db:has_table("migrations_backfills") then return 0 end
    return math.tointeger(tonumber(db:query("SELECT COUNT(*) AS n FROM migrations_backfills")[1].n))
  end)
end

local function seeder(project, name, source)
  assert.equals(0, helpers.sh("mkdir -p " .. helpers.quote(project:path("databases/seeds"))))
  helpers.write_file(project:path("databases/seeds/" .. name .. ".lua"), source)
end

-- inserts 500 rows into nums (made by the seeder, once), then walks songs
local SEEDER = ([[
local lmigrate = require("lmigrate")
local Seeder = require("lmigrate.seeder")
local S = Seeder:extend("DatabaseSeeder")
function S:run()
  local rows = {}
  for i = 1, 500 do rows[i] = { n = i } end
  self.db:table("nums"):insert(rows)
  self:backfill("songs", { batch = 300 }, function(rows, db)
%s
    db:table("songs"):where_in("id", ids):update({ undone = lmigrate.raw("undone + 1") })
  end)
end
return S
]]):format(FAILING)

local NUMS = helpers.migration {
  name = "CreateNums",
  up = '  self.schema:create("nums", function(t) t:integer("n") end)',
  down = '  self.schema:drop("nums")',
}

for _, dialect in helpers.each_dialect() do
  describe("self:backfill in a down [#" .. dialect .. "]", function()
    local project

    before_each(function()
      project = helpers.project(dialect)
      project:write(CREATE, TABLES)
      project:write(FILL, FILL_SRC)
      project:ok("migrate", "--step")   -- batches 1 and 2
    end)

    after_each(function()
      if project then project:cleanup() end
      project = nil
    end)

    it("walks after the down commits; the history row goes when it has finished", function()
      assert.same({ n = ROWS, c = ROWS, lo = 0, hi = 0, u = 0, codes = 0 }, counts(project))
      local r = project:ok("rollback", "--step", "1")
      assert.truthy(r.stdout:find("Backfilling songs in batches of 300.", 1, true), r.stdout)
      assert.truthy(r.stdout:find("Backfilled songs: " .. ROWS .. " rows", 1, true), r.stdout)
      assert.same({ n = ROWS, c = ROWS, lo = 1, hi = 1, u = ROWS, codes = ROWS }, counts(project))
      assert.same({ CREATE }, project:applied())
      assert.equals(0, progress_rows(project))
      assert.falsy(helpers.contains(project:columns("songs"), "slug"))
    end)

    it("rollback --pretend names the down's walk and runs nothing", function()
      local r = project:ok("rollback", "--pretend")
      assert.truthy(r.stdout:find("-- backfill songs by id in batches of 300, after down commits", 1, true),
        r.stdout)
      assert.equals(0, counts(project).u)
      assert.same({ CREATE, FILL }, project:applied())
    end)

    it("after a failure at batch k the next rollback goes on from batch k, no batch twice", function()
      helpers.write_file(project:path("fail_at"), "1000\n")
      local r = project:run("rollback", "--step", "1")
      helpers.assert_status(1, r)
      assert.truthy(r.stderr:find("failing at id 1000", 1, true), r.stderr)
      assert.truthy(helpers.has_file_line(r.stderr, "databases/migrations/" .. FILL .. ".lua", 15), r.stderr)
      -- the down committed (its column is gone), 3 batches of 300 done, still in the history
      assert.same({ CREATE, FILL }, project:applied())
      assert.same({ n = ROWS, c = ROWS, lo = 0, hi = 1, u = 900, codes = 0 }, counts(project))
      r = project:ok("status")
      assert.truthy(r.stdout:find("Rolling back: backfilling songs (900 rows done, last id 900)", 1, true),
        r.stdout)
      r = project:ok("status", "--json")
      assert.truthy(r.stdout:find('"backfill":true,"backfill_table":"songs","backfill_rows":900,'
        .. '"backfill_key":"id","backfill_last_key":"900","backfill_down":true', 1, true), r.stdout)
      -- nothing migrates above it meanwhile
      project:write(LATER, helpers.create_table_migration("later"))
      local before = project:snapshot()
      r = project:run("migrate")
      helpers.assert_status(2, r)
      assert.truthy(r.stderr:find("the rollback of " .. FILL .. " is under way", 1, true), r.stderr)
      assert.equals(before, project:snapshot())
      project:remove(LATER)
      -- nor does a rollback of another batch, below it
      r = project:run("rollback", "--batch", "1")
      helpers.assert_status(2, r)
      assert.truthy(r.stderr:find("the rollback of " .. FILL .. " is under way", 1, true), r.stderr)
      assert.equals(before, project:snapshot())
      -- failing again at the same batch changes nothing
      helpers.assert_status(1, project:run("rollback"))
      assert.equals(900, counts(project).u)
      os.remove(project:path("fail_at"))
      r = project:ok("rollback", "--step", "1")
      assert.truthy(r.stdout:find("Resuming the backfill of songs (" .. FILL .. ", its down): 900 rows done,"
        .. " after id 900.", 1, true), r.stdout)
      assert.same({ n = ROWS, c = ROWS, lo = 1, hi = 1, u = ROWS, codes = ROWS }, counts(project))
      assert.same({ CREATE }, project:applied())
      assert.equals(0, progress_rows(project))
      -- and up again: the up's backfill runs once more
      project:ok("migrate")
      assert.same({ CREATE, FILL }, project:applied())
      assert.equals(2 * ROWS, counts(project).c)
    end)
  end)

  describe("self:backfill in a seeder [#" .. dialect .. "]", function()
    local project

    before_each(function()
      project = helpers.project(dialect)
      project:write(CREATE, TABLES)
      project:write("2026_01_02_000000_create_nums", NUMS)
      project:ok("migrate")
      seeder(project, "database_seeder", SEEDER)
    end)

    after_each(function()
      if project then project:cleanup() end
      project = nil
    end)

    local function nums()
      return project:with_db(function(db)
        return math.tointeger(tonumber(db:scalar("SELECT COUNT(*) AS n FROM nums")))
      end)
    end

    it("walks after the seeder commits and clears its progress", function()
      local r = project:ok("seed")
      assert.truthy(r.stdout:find("Backfilled songs: " .. ROWS .. " rows", 1, true), r.stdout)
      assert.same({ lo = 1, hi = 1, u = ROWS }, { lo = counts(project).lo, hi = counts(project).hi,
                                                  u = counts(project).u })
      assert.equals(500, nums())
      assert.equals(0, progress_rows(project))
    end)

    it("after a failure the next seed goes on with the walk, without running the seeder again", function()
      helpers.write_file(project:path("fail_at"), "1000\n")
      local r = project:run("seed")
      helpers.assert_status(1, r)
      assert.truthy(r.stderr:find("failing at id 1000", 1, true), r.stderr)
      assert.truthy(helpers.has_file_line(r.stderr, "databases/seeds/database_seeder.lua", 14), r.stderr)
      assert.equals(500, nums())
      assert.equals(900, counts(project).u)
      assert.equals(1, progress_rows(project))
      os.remove(project:path("fail_at"))
      r = project:ok("seed")
      assert.truthy(r.stdout:find("Resuming the backfill of songs (DatabaseSeeder): 900 rows done, after id"
        .. " 900.", 1, true), r.stdout)
      local c = counts(project)
      assert.same({ 1, 1, ROWS }, { c.lo, c.hi, c.u })
      assert.equals(500, nums())
      assert.equals(0, progress_rows(project))
      -- a seed after it runs the seeder again, as any seed does
      project:ok("seed")
      assert.equals(1000, nums())
      assert.equals(2 * ROWS, counts(project).u)
    end)

    it("is refused in a seeder another one calls, naming its file and line", function()
      seeder(project, "database_seeder", [[
local Seeder = require("lmigrate.seeder")
local S = Seeder:extend("DatabaseSeeder")
function S:run() self:call("SongSeeder") end
return S
]])
      seeder(project, "song_seeder", [[
local Seeder = require("lmigrate.seeder")
local S = Seeder:extend("SongSeeder")
function S:run()
  self:backfill("songs", { set = { code = "d" } })
end
return S
]])
      local before = project:snapshot()
      local r = project:run("seed")
      helpers.assert_status(1, r)
      assert.truthy(r.stderr:find("not in one it calls (self:call)", 1, true), r.stderr)
      assert.truthy(helpers.has_file_line(r.stderr, "databases/seeds/song_seeder.lua", 4), r.stderr)
      assert.equals(before, project:snapshot())
      project:ok("seed", "--class", "SongSeeder")
      assert.equals(ROWS, counts(project).codes)
    end)
  end)
end
