-- The lock: several `lmigrate migrate` processes started at once against
-- one database (a deploy with many replicas) apply each migration exactly
-- once, and all of them exit 0. The first holds the lock (a flock on the
-- SQLite file, a PostgreSQL advisory lock, MySQL's GET_LOCK), the others
-- wait for it, then find nothing pending.
local helpers = require("spec.helpers")

-- processes started at once (the MySQL issue asks for 6 there)
local PROCESSES = { sqlite = 4, postgres = 4, mysql = 6 }

local RUNS = "2026_01_01_000001_create_runs"
local SLOW = {
  "2026_01_01_000002_slow_a",
  "2026_01_01_000003_slow_b",
  "2026_01_01_000004_slow_c",
}

-- SQL that keeps the database busy for ~200 ms, so the processes overlap
local SLEEP = {
  sqlite = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
           .. "WHERE x < 1500000) SELECT count(*) AS n FROM c",
  postgres = "SELECT pg_sleep(0.2)",
  mysql = "SELECT SLEEP(0.2) AS s",
}

-- migration 1: the table every migration records its run in
local function runs_migration()
  return helpers.migration {
    name = "CreateRuns",
    up = [[
  self.schema:create("runs", function(t)
    t:increments("id")
    t:string("migration")
  end)
  self.db:insert("runs", { migration = "create_runs" })]],
    down = '  self.schema:drop("runs")',
  }
end

-- a migration that creates table 'tbl', takes its time, and records its run
local function slow_migration(tbl, sleep)
  return helpers.migration {
    name = "Slow",
    up = ([[
  self.schema:create(%q, function(t)
    t:increments("id")
    t:string("name"):nullable()
  end)
  self.db:query(%q)
  self.db:insert("runs", { migration = %q })]]):format(tbl, sleep, tbl),
    down = ("  self.schema:drop(%q)"):format(tbl),
  }
end

-- starts n lmigrate processes at once in the project, waits for all of them;
-- 'args' is one argument list for all, or { list, list, ... } (n = #args)
-- -> { { status, stdout, stderr }, ... }
local function run_at_once(project, n, args)
  local runs = {}
  if type(args[1]) ~= "table" then
    for i = 1, n do runs[i] = { args } end
  else
    for i, a in ipairs(args) do runs[i] = { a } end
  end
  return project:run_at_once(runs)
end

-- how many stdout lines of all runs show 'name' as DONE
local function done_count(results, name)
  local n = 0
  for _, r in ipairs(results) do
    for _, line in ipairs(helpers.lines(r.stdout)) do
      if line:find(name, 1, true) and line:find("DONE", 1, true) then n = n + 1 end
    end
  end
  return n
end

for _, dialect in helpers.each_dialect() do
  local sleep = SLEEP[dialect.name]
  local PROCESSES = PROCESSES[dialect.name]  -- luacheck: ignore 421

  describe("the lock [#" .. dialect .. "]", function()
    local project

    before_each(function()
      project = helpers.project(dialect)
      project:write(RUNS, runs_migration())
      for i, name in ipairs(SLOW) do
        project:write(name, slow_migration("slow_" .. i, sleep))
      end
    end)

    after_each(function()
      if project then project:cleanup() end
      project = nil
    end)

    describe(PROCESSES .. " migrate processes started at once on an empty database", function()
      local results

      before_each(function()
        results = run_at_once(project, PROCESSES, { "migrate" })
      end)

      it("all exit 0", function()
        for _, r in ipairs(results) do helpers.assert_status(0, r) end
      end)

      it("write one history row per migration, all in batch 1", function()
        local history = project:history()
        local seen = {}
        for _, h in ipairs(history) do
          assert.is_nil(seen[h.migration], "recorded twice: " .. h.migration)
          seen[h.migration] = true
          assert.equals(1, h.batch)
        end
        assert.equals(1 + #SLOW, #history)
        assert.is_true(seen[RUNS])
        for _, name in ipairs(SLOW) do assert.is_true(seen[name], name) end
      end)

      it("run each migration's up exactly once", function()
        project:with_db(function(db)
          assert.equals(1 + #SLOW, db:count("runs"))
          for _, r in ipairs(db:query("SELECT migration, COUNT(*) AS n FROM runs GROUP BY migration")) do
            assert.equals(1, tonumber(r.n), "ran more than once: " .. r.migration)
          end
        end)
        assert.same({ "migrations", "runs", "slow_1", "slow_2", "slow_3" }, project:tables())
      end)

      it("report each migration DONE once; the others find nothing to migrate", function()
        assert.equals(1, done_count(results, RUNS))
        for _, name in ipairs(SLOW) do assert.equals(1, done_count(results, name), name) end
        local nothing = 0
        for _, r in ipairs(results) do
          if r.stdout:find("Nothing to migrate.", 1, true) then nothing = nothing + 1 end
          assert.equals("", r.stderr, helpers.describe_run(r))
        end
        assert.equals(PROCESSES - 1, nothing)
      end)
    end)

    describe("processes started at once with a new migration pending", function()
      it("apply it once, as batch 2, and all exit 0", function()
        project:ok("migrate")
        local LATER = "2026_01_02_000000_slow_later"
        project:write(LATER, slow_migration("slow_later", sleep))
        local results = run_at_once(project, PROCESSES, { "migrate" })
        for _, r in ipairs(results) do helpers.assert_status(0, r) end
        assert.equals(1, done_count(results, LATER))
        local history = project:history()
        assert.equals(2 + #SLOW, #history)
        assert.equals(LATER, history[#history].migration)
        assert.equals(2, history[#history].batch)
        project:with_db(function(db)
          assert.equals(1, tonumber(db:scalar("SELECT COUNT(*) AS n FROM runs WHERE migration = ?",
                                              "slow_later")))
        end)
      end)
    end)

    describe("status run while two processes migrate", function()
      it("exits 0 like them, and the migrations end up applied once", function()
        local results = run_at_once(project, 0, { { "migrate" }, { "status" }, { "migrate" } })
        for _, r in ipairs(results) do
          helpers.assert_status(0, r)
          assert.equals("", r.stderr, helpers.describe_run(r))
        end
        assert.equals(1 + #SLOW, #project:history())
        local r = project:ok("status")
        for _, name in ipairs(SLOW) do
          assert.truthy(r.stdout:find(name, 1, true), helpers.describe_run(r))
        end
      end)
    end)
  end)
end
