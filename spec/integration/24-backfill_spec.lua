-- self:backfill through the binary, on every dialect: the walk runs after
-- up commits, in batches of their own; its progress is recorded with each
-- batch; a failure at batch k leaves batches 1..k-1 done and recorded, and
-- the next run goes on from batch k (a counter column proves that no row
-- is done twice); the migration is recorded once, when the walk is done;
-- status shows the walk under way.
local helpers = require("spec.helpers")

local CREATE = "2026_01_01_000000_create_songs"
local FILL = "2026_01_02_000000_fill_songs"
local ROWS, BATCH = 2000, 300

local TABLES = helpers.migration {
  name = "CreateSongs",
  up = ([[
  self.schema:create("songs", function(t)
    t:increments("id")
    t:string("title")
    t:integer("counter"):default(0)
    t:string("slug"):nullable()
  end)
  local rows = {}
  for i = 1, %d do rows[i] = { title = "song " .. i } end
  self.db:table("songs"):insert(rows)]]):format(ROWS),
  down = [[
  self.schema:drop("songs")]],
}

-- the function form (fails at the id in the file fail_at, when there is
-- one), then the declarative form on the column the up added
local FILL_SRC = ([[
local lmigrate = require("lmigrate")
return {
  up = function(self)
    self.schema:table("songs", function(t) t:string("code"):nullable() end)
    self:backfill("songs", { batch = %d }, function(rows, db)
      local f = io.open("fail_at")
      local fail = f and tonumber(f:read("l"))
      if f then f:close() end
      local ids = {}
      for i, r in ipairs(rows) do
        if r.id == fail then error("failing at id " .. r.id) end
        ids[i] = r.id
      end
      db:table("songs"):where_in("id", ids):update({ slug = lmigrate.raw("title"),
                                                    counter = lmigrate.raw("counter + 1") })
    end)
    self:backfill("songs", { batch = 450, set = { code = "c" }, where = { { "code", "=", lmigrate.null } } })
  end,
  down = function(self)
    self.schema:table("songs", function(t) t:drop_column("code") end)
  end,
}
]]):format(BATCH)

local function counts(project)
  return project:with_db(function(db)
    local r = db:query("SELECT COUNT(*) AS n, SUM(counter) AS s, MIN(counter) AS lo, MAX(counter) AS hi,"
      .. " SUM(CASE WHEN slug = title THEN 1 ELSE 0 END) AS slugs,"
      .. " SUM(CASE WHEN code = 'c' THEN 1 ELSE 0 END) AS codes FROM songs")[1]
    local t = {}
    for k, v in pairs(r) do t[k] = math.tointeger(tonumber(v)) end
    return t
  end)
end

local function counter_sum(project)
  return project:with_db(function(db)
    return math.tointeger(tonumber(db:query("SELECT SUM(counter) AS s FROM songs")[1].s))
  end)
end

local function progress_rows(project)
  return project:with_db(function(db)
    if not db:has_table("migrations_backfills") then return 0 end
    return math.tointeger(tonumber(db:query("SELECT COUNT(*) AS n FROM migrations_backfills")[1].n))
  end)
end

for _, dialect in helpers.each_dialect() do
  describe("self:backfill [#" .. dialect .. "]", function()
    local project

    before_each(function()
      project = helpers.project(dialect)
      project:write(CREATE, TABLES)
    end)

    after_each(function()
      if project then project:cleanup() end
      project = nil
    end)

    it("fills every row once, records the migration once, and leaves no progress row", function()
      project:write(FILL, FILL_SRC)
      local r = project:ok("migrate")
      assert.truthy(r.stdout:find("Backfilled songs: " .. ROWS .. " rows", 1, true), r.stdout)
      assert.same({ n = ROWS, s = ROWS, lo = 1, hi = 1, slugs = ROWS, codes = ROWS }, counts(project))
      assert.same({ CREATE, FILL }, project:applied())
      assert.equals(0, progress_rows(project))
      project:ok("rollback", "--step", "1")
      assert.same({ CREATE }, project:applied())
    end)

    it("after a failure at batch k goes on from batch k, no batch twice", function()
      -- id 1000 is in batch 4 (901-1200): batches 1-3 commit, 900 rows
      project:write(FILL, FILL_SRC)
      helpers.write_file(project:path("fail_at"), "1000\n")
      local r = project:run("migrate")
      helpers.assert_status(1, r)
      assert.truthy(r.stderr:find("failing at id 1000", 1, true), r.stderr)
      assert.truthy(helpers.has_file_line(r.stderr, "databases/migrations/" .. FILL .. ".lua", 11), r.stderr)
      assert.same({ CREATE }, project:applied())
      local c = counts(project)
      assert.equals(900, c.s)
      assert.equals(900, c.slugs)
      assert.equals(0, c.codes)
      -- status: the walk under way, its rows and last key
      r = project:ok("status")
      assert.truthy(r.stdout:find("Backfilling songs (900 rows done, last id 900)", 1, true), r.stdout)
      r = project:ok("status", "--json")
      assert.truthy(r.stdout:find('"backfill":true,"backfill_table":"songs","backfill_rows":900,'
        .. '"backfill_key":"id","backfill_last_key":"900"', 1, true), r.stdout)
      -- no rollback below it meanwhile: its up has committed
      local before = project:snapshot()
      r = project:run("rollback")
      helpers.assert_status(2, r)
      assert.truthy(r.stderr:find("the backfill of songs by " .. FILL .. " is under way (900 rows done", 1,
        true), r.stderr)
      assert.equals(before, project:snapshot())
      -- failing again at the same batch changes nothing
      helpers.assert_status(1, project:run("migrate"))
      assert.equals(900, counts(project).s)
      os.remove(project:path("fail_at"))
      r = project:ok("migrate")
      assert.truthy(r.stdout:find("Resuming the backfill of songs", 1, true), r.stdout)
      assert.same({ n = ROWS, s = ROWS, lo = 1, hi = 1, slugs = ROWS, codes = ROWS }, counts(project))
      assert.same({ CREATE, FILL }, project:applied())
      assert.equals(0, progress_rows(project))
      r = project:ok("status")
      assert.falsy(r.stdout:find("Backfilling", 1, true), r.stdout)
      project:ok("migrate")
      assert.same({ CREATE, FILL }, project:applied())
    end)

    it("--quiet prints nothing; --pretend names the walk and runs nothing", function()
      project:ok("migrate")
      project:write(FILL, FILL_SRC)
      local r = project:ok("migrate", "--pretend")
      assert.truthy(r.stdout:find("-- backfill songs by id in batches of " .. BATCH, 1, true), r.stdout)
      assert.equals(0, counter_sum(project))
      r = project:ok("migrate", "--quiet")
      assert.equals("", r.stdout)
      assert.equals(ROWS, counter_sum(project))
    end)

    -- a migration that only walks (no schema statement: on MySQL nothing of
    -- its own is journaled) registers its progress rows in one transaction:
    -- a failure (or a kill) between them leaves none, never 1 of 2
    it("registers a walk-only migration's progress rows all or none", function()
      project:write(FILL, FILL_SRC)
      project:ok("migrate")
      local WALK = "2026_01_03_000000_walk_songs"
      project:write(WALK, [[
local lmigrate = require("lmigrate")
return {
  up = function(self)
    self:backfill("songs", { batch = 700, set = { counter = lmigrate.raw("counter + 1") } })
    self:backfill("songs", { batch = 900, set = { slug = "walked" } })
  end,
  down = function() end,
}
]])
      local refuse = {
        sqlite = { "CREATE TRIGGER refuse_second BEFORE INSERT ON migrations_backfills WHEN NEW.position = 2"
          .. " BEGIN SELECT RAISE(ABORT, 'refused by the trigger'); END" },
        postgres = { "CREATE FUNCTION refuse_second() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
          .. " IF NEW.position = 2 THEN RAISE EXCEPTION 'refused by the trigger'; END IF; RETURN NEW; END $$",
          "CREATE TRIGGER refuse_second BEFORE INSERT ON migrations_backfills FOR EACH ROW"
          .. " EXECUTE FUNCTION refuse_second()" },
        mysql = { "CREATE TRIGGER refuse_second BEFORE INSERT ON migrations_backfills FOR EACH ROW BEGIN"
          .. " IF NEW.position = 2 THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused by the trigger';"
          .. " END IF; END" },
      }
      project:with_db(function(db)
        for _, sql in ipairs(refuse[dialect.name]) do db:run(sql) end
      end)
      local r = helpers.assert_status(1, project:run("migrate"))
      assert.truthy(r.stderr:find("refused by the trigger", 1, true), r.stderr)
      assert.equals(0, progress_rows(project))
      assert.same({ CREATE, FILL }, project:applied())
      assert.equals(ROWS, counter_sum(project))
      project:with_db(function(db) db:run("DROP TRIGGER refuse_second" .. (dialect.name == "postgres"
        and " ON migrations_backfills" or "")) end)
      project:ok("migrate")
      assert.same({ CREATE, FILL, WALK }, project:applied())
      assert.equals(2 * ROWS, counter_sum(project))
      assert.equals(0, progress_rows(project))
    end)

    it("refuses --atomic and bad options, naming the file and line, changing nothing", function()
      project:ok("migrate")
      project:write(FILL, FILL_SRC)
      local before = project:snapshot()
      local r = project:run("migrate", "--atomic")
      -- MySQL refuses --atomic itself (2), without transactional DDL; elsewhere
      -- the backfill's call fails the batch, which rolls back whole
      if dialect.name ~= "mysql" then
        helpers.assert_status(1, r)
        assert.truthy(r.stderr:find("--atomic cannot run a backfill", 1, true), r.stderr)
      else
        helpers.assert_status(2, r)
      end
      assert.equals(before, project:snapshot())
      project:write(FILL, [[
return {
  up = function(self)
    self:backfill("songs", { batch = 0 }, function() end)
  end,
  down = function() end,
}
]])
      r = project:run("migrate")
      helpers.assert_status(1, r)
      assert.truthy(r.stderr:find("batch must be a whole number >= 1, got 0", 1, true), r.stderr)
      assert.truthy(helpers.has_file_line(r.stderr, "databases/migrations/" .. FILL .. ".lua", 3), r.stderr)
      assert.equals(before, project:snapshot())
    end)
  end)
end
