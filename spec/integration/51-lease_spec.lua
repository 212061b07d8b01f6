-- The lease (run/lease.lua), PostgreSQL's migration lock, behind a
-- PgBouncer in transaction pooling mode (spec/support/pgbouncer.lua):
-- racing runs apply each migration once; a run killed holding the lease
-- is taken over once it expires; a run whose lease was taken stops before
-- it commits. Short leases here (lmigrate.lua's lease, lease_renew).
local helpers = require("spec.helpers")
local pgbouncer = require("spec.support.pgbouncer")

local core = helpers.core
local refused = helpers.assert_refused

local RUNS = "2026_01_01_000001_create_runs"

-- a migration creating 'tbl', busy for 'seconds' in short statements (a
-- killed client's backend notices at the next one), then recording its run
local function busy(tbl, seconds)
  return helpers.migration {
    name = "Busy",
    up = ([[
  self.schema:create(%q, function(t) t:increments("id") end)
  for _ = 1, %d do self.db:query("SELECT pg_sleep(0.1)") end
  self.db:insert("runs", { migration = %q })]]):format(tbl, math.floor(seconds * 10), tbl),
    down = ("  self.schema:drop(%q)"):format(tbl),
  }
end

local function runs_migration()
  return helpers.migration {
    up = [[
  self.schema:create("runs", function(t)
    t:increments("id")
    t:string("migration")
  end)]],
    down = '  self.schema:drop("runs")',
  }
end

local bouncer = pgbouncer.need("the lease behind PgBouncer [#postgres]")
if bouncer then
  describe("the lease behind PgBouncer in transaction pooling mode [#postgres]", function()
    local project, env

    teardown(function() bouncer:stop() end)

    before_each(function()
      project = helpers.project(helpers.dialects.postgres)
      env = { DATABASE_URL = bouncer:url(project.pg_db) }
      project:write(RUNS, runs_migration())
      helpers.write_file(project:path("lmigrate.lua"), 'return { lease = "2s", lease_renew = "0.5s" }')
    end)
    after_each(function()
      if project then project:cleanup() end
      project = nil
    end)

    -- the lease's row, read directly on the server
    local function holder()
      return project:with_db(function(db)
        if not db:scalar("SELECT to_regclass('lmigrate.leases') IS NOT NULL AS ok") then return nil end
        return db:first("SELECT host, pid, token FROM lmigrate.leases")
      end)
    end

    local function wait_for_holder(timeout)
      local t0 = core.clock()
      while core.clock() - t0 < timeout do
        local h = holder()
        if h then return h end
        core.wait({}, 0.05)
      end
      error("no run took the lease within " .. timeout .. "s")
    end

    it("6 racing migrate runs apply each migration once", function()
      for i = 1, 3 do
        project:write(("2026_01_01_00000%d_busy_%d"):format(i + 1, i), busy("busy_" .. i, 0.3))
      end
      local runs = {}
      for i = 1, 6 do runs[i] = { { "migrate" }, { env = env } } end
      local results = project:run_at_once(runs)
      local nothing = 0
      for _, r in ipairs(results) do
        helpers.assert_status(0, r)
        if r.stdout:find("Nothing to migrate.", 1, true) then nothing = nothing + 1 end
      end
      assert.equals(5, nothing)
      assert.equals(4, #project:history())
      project:with_db(function(db)
        for _, r in ipairs(db:query("SELECT migration, COUNT(*) AS n FROM runs GROUP BY migration")) do
          assert.equals(1, tonumber(r.n), "ran more than once: " .. r.migration)
        end
        assert.equals(3, db:count("runs"))
      end)
      assert.is_nil(holder(), "the lease is released at the end")
    end)

    it("a run killed holding the lease is taken over once the lease expires", function()
      project:write("2026_01_01_000002_busy", busy("busy", 20))
      local first = project:spawn({ "migrate" }, { env = env })
      local h = wait_for_holder(10)
      assert.equals(0, os.execute("kill -KILL " .. math.tointeger(tonumber(h.pid))) and 0 or 1)
      first:wait()
      project:write("2026_01_01_000002_busy", busy("busy", 0.1))
      local t0 = core.clock()
      local r = project:run({ "migrate" }, { env = env })
      local took = core.clock() - t0
      helpers.assert_status(0, r)
      assert.truthy(r.stdout:find(("held by %s pid %d"):format(h.host, h.pid), 1, true),
        helpers.describe_run(r))
      assert.truthy(r.stdout:find("Took over the migration lock from", 1, true), helpers.describe_run(r))
      assert.truthy(took < 6, ("took %.1fs"):format(took))
      assert.equals(2, #project:history())
      project:with_db(function(db) assert.equals(1, db:count("runs")) end)
    end)

    it("a run whose lease was taken stops before it commits, nothing of it applied", function()
      project:ok({ "migrate" }, { env = env })
      project:write("2026_01_01_000002_busy", busy("busy", 2))
      local run = project:spawn({ "migrate" }, { env = env })
      wait_for_holder(10)
      project:with_db(function(db)
        db:run("UPDATE lmigrate.leases SET token = 'thief', host = 'thiefhost', pid = 7,"
          .. " expires = now() + interval '1 minute'")
      end)
      local r = run:wait()
      refused(r, 1, { "stopped before committing: this run lost the migration lock, now held by"
        .. " thiefhost pid 7", "rolled back" })
      assert.truthy(r.stdout:find("Lost the migration lock: it is now held by thiefhost pid 7", 1, true),
        helpers.describe_run(r))
      assert.equals(1, #project:history())
      assert.is_false(project:has_table("busy"))
    end)

    it("lock:status names the holder; lock:release breaks its lease", function()
      project:write("2026_01_01_000002_busy", busy("busy", 3))
      local run = project:spawn({ "migrate" }, { env = env })
      local h = wait_for_holder(10)
      local s = project:ok({ "lock:status" }, { env = env })
      assert.truthy(s.stdout:find(("The migration lock is held by %s pid %d (its lease renewed")
        :format(h.host, h.pid), 1, true), helpers.describe_run(s))
      refused(project:run({ "lock:release" }, { env = { DATABASE_URL = env.DATABASE_URL,
        LMIGRATE_ENV = "production" } }), 2, { "refusing to run 'lock:release' in production" })
      local rel = project:ok({ "lock:release", "--force" }, { env = { DATABASE_URL = env.DATABASE_URL,
        LMIGRATE_ENV = "production" } })
      assert.truthy(rel.stdout:find("Released the lease of " .. h.host, 1, true), helpers.describe_run(rel))
      refused(run:wait(), 1, { "stopped before committing", "lock:release?" })
      assert.is_false(project:has_table("busy"))
      assert.truthy(project:ok({ "lock:status" }, { env = env }).stdout
        :find("The migration lock is free.", 1, true))
    end)
  end)
end
