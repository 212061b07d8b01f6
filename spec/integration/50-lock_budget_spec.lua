-- Lock budgets on PostgreSQL (run/retry.lua): a migration whose ALTER
-- TABLE waits behind another session's lock gives up after its
-- lock_timeout, rolls back, and runs again after GitLab's schedule of
-- timeouts and pauses, saying who holds the lock (read on a second
-- connection while it waits), until it runs or its lock_budget is spent:
-- then it fails, nothing applied, exit 1.
local helpers = require("spec.helpers")
local servers = require("spec.support.servers")

local core = helpers.core
local refused = helpers.assert_refused

local SONGS = "2026_01_01_000001_create_songs"
local ADD = "2026_01_01_000002_add_artist"

local function add_column(extra)
  return helpers.migration {
    name = "AddArtist",
    up = '  self.schema:table("songs", function(t) t:string("artist"):nullable() end)',
    down = '  self.schema:table("songs", function(t) t:drop_column("artist") end)',
    extra = extra,
  }
end

local function has_artist(project)
  return project:columns("songs").artist ~= nil
end

-- a migration without a transaction (transaction = false): it creates
-- albums (no lock to wait for), then adds songs.artist (behind the lock)
local function add_column_alone()
  return helpers.migration {
    name = "AddArtist",
    up = '  self.schema:create("albums", function(t) t:increments("id") end)\n'
      .. '  self.schema:table("songs", function(t) t:string("artist"):nullable() end)',
    down = '  self.schema:drop("albums")',
    extra = "M.transaction = false",
  }
end

local THIRD = "2026_01_01_000003_add_artist"

-- the same two statements in the migration's own transaction (MySQL: each
-- schema statement commits on its own, the journal records them)
local function add_column_second()
  return helpers.migration {
    name = "AddArtist",
    up = '  self.schema:create("albums", function(t) t:increments("id") end)\n'
      .. '  self.schema:table("songs", function(t) t:string("artist"):nullable() end)',
    down = '  self.schema:drop("albums")',
  }
end

-- the MySQL journal's rows: { { position, state } }, oldest first
local function journal_rows(db)
  local ok, rows = pcall(db.query, db, "SELECT position, state FROM migrations_journal ORDER BY id")
  return ok and rows or {}
end

-- waits until 'db' sees the query of another session match 'pattern' (the
-- migrating run has started and waits), up to 30 s
local function until_seen(db, sql)
  local t0 = core.clock()
  while core.clock() - t0 < 30 do
    if tonumber(db:scalar(sql)) > 0 then return end
    core.wait({}, 0.05)
  end
  error("not seen within 30s: " .. sql)
end

-- a project of 'dialect' with songs made and ADD pending, and another
-- session holding a lock on songs (hold(db)): -> project, that session
local function blocked(dialect, hold)
  local project = helpers.project(dialect)
  project:write(SONGS, helpers.create_table_migration("songs"))
  project:ok("migrate")
  project:write(ADD, add_column())
  local holder = project:connect()
  hold(holder)
  return project, holder
end

local function unblock(project, holder)
  if holder then holder:close() end
  if project then project:cleanup() end
end

if servers.need("postgres", "lock budgets [#postgres]") then
  describe("lock budgets, behind another session's lock on the table [#postgres]", function()
    local project, holder, backend

    local function config(lua)
      helpers.write_file(project:path("lmigrate.lua"), "return " .. lua)
    end

    before_each(function()
      project, holder = blocked(helpers.dialects.postgres, function(db)
        backend = math.tointeger(tonumber(db:scalar("SELECT pg_backend_pid() AS pid")))
        db:run("BEGIN")
        db:run("LOCK TABLE songs IN ACCESS SHARE MODE")
      end)
    end)
    after_each(function()
      unblock(project, holder)
      project, holder = nil, nil
    end)

    it("retries, saying who holds the lock, and runs once it is released", function()
      config('{ lock_budget = "20s" }')
      local run = project:spawn({ "migrate" })
      -- its first attempt waits: then past the sixth (about 2 s later)
      project:with_db(function(db)   -- not on holder: its last query is in the line
        until_seen(db, "SELECT count(*) AS n FROM pg_locks WHERE NOT granted")
      end)
      core.wait({}, 2.6)
      holder:run("COMMIT")
      local r = run:wait()
      helpers.assert_status(0, r)
      local out = r.stdout
      assert.truthy(out:find("Lock not granted within 100ms (attempt 1): rolled back, retrying in 50ms",
        1, true), helpers.describe_run(r))
      assert.truthy(out:find("Lock not granted within 500ms (attempt 6): rolled back, retrying in 2s",
        1, true), helpers.describe_run(r))
      assert.truthy(out:find(("Waiting for ACCESS EXCLUSIVE on songs: held by pid %d (postgres@")
        :format(backend),
        1, true), helpers.describe_run(r))
      assert.truthy(out:find("idle in transaction for %ds: LOCK TABLE songs IN ACCESS SHARE MODE"),
        helpers.describe_run(r))
      assert.truthy(out:find(ADD .. " %.+ %d+ms DONE"), helpers.describe_run(r))
      assert.same({ SONGS, ADD }, project:applied())
      assert.is_true(has_artist(project))
    end)

    it("fails after the budget when the lock never comes: nothing applied, exit 1", function()
      config('{ lock_budget = "1.5s", lock_timeout = "300ms" }')
      local t0 = core.clock()
      local r = project:run("migrate")
      local took = core.clock() - t0
      refused(r, 1, { "migration " .. ADD .. " failed",
        "a lock was not granted within the lock budget of 1.5s",
        "each waiting at most 300ms", "nothing of it was applied", "lock timeout" })
      assert.truthy(took < 4, ("took %.1fs"):format(took))
      assert.truthy(r.stdout:find("Lock not granted within 300ms (attempt 4)", 1, true),
        helpers.describe_run(r))
      assert.same({ SONGS }, project:applied())
      holder:run("COMMIT")
      assert.is_false(has_artist(project))
    end)

    it("lock_budget = false: one try within lock_timeout, no retries", function()
      config('{ lock_budget = false, lock_timeout = "400ms" }')
      local t0 = core.clock()
      local r = project:run("migrate")
      refused(r, 1, { "within lock_timeout 400ms (lock_budget = false: no retries)" })
      assert.truthy(core.clock() - t0 < 3)
      assert.falsy(r.stdout:find("Lock not granted", 1, true), helpers.describe_run(r))
      assert.same({ SONGS }, project:applied())
    end)

    it("a migration's own lock_timeout and lock_budget win over lmigrate.lua's", function()
      config('{ lock_budget = "1m" }')
      project:write(ADD, add_column('M.lock_timeout = "200ms"\nM.lock_budget = false'))
      local t0 = core.clock()
      refused(project:run("migrate"), 1, { "within lock_timeout 200ms (lock_budget = false" })
      assert.truthy(core.clock() - t0 < 3)
    end)

    it("a connection's keys win over the top-level ones", function()
      config(([[{ lock_budget = "1m", default = "pg", connections = {
        pg = { driver = "postgres", url = %q, lock_budget = false, lock_timeout = "250ms" } } }]])
        :format(project:url()))
      refused(project:run({ "migrate" }, { env = servers.without_pg_env() }), 1,
        { "within lock_timeout 250ms (lock_budget = false" })
    end)
  end)

  describe("lock budgets without a transaction of the migration's own [#postgres]", function()
    local project, holder

    local function config(lua)
      helpers.write_file(project:path("lmigrate.lua"), "return " .. lua)
    end
    -- the run waits on songs' lock: seen in pg_locks
    local function until_waiting()
      project:with_db(function(db)
        until_seen(db, "SELECT count(*) AS n FROM pg_locks WHERE NOT granted")
      end)
    end

    before_each(function()
      project, holder = blocked(helpers.dialects.postgres, function(db)
        db:run("BEGIN")
        db:run("LOCK TABLE songs IN ACCESS SHARE MODE")
      end)
    end)
    after_each(function()
      unblock(project, holder)
      project, holder = nil, nil
    end)

    it("transaction = false: the statement that timed out runs again alone", function()
      config('{ lock_budget = "20s" }')
      project:write(ADD, add_column_alone())
      local run = project:spawn({ "migrate" })
      until_waiting()
      core.wait({}, 1)
      holder:run("COMMIT")
      local r = run:wait()
      helpers.assert_status(0, r)
      assert.truthy(r.stdout:find("Lock not granted within 100ms (attempt 1): the statement had no"
        .. " effect, running it again in 50ms", 1, true), helpers.describe_run(r))
      assert.truthy(r.stdout:find("Waiting for ACCESS EXCLUSIVE on songs: held by pid", 1, true),
        helpers.describe_run(r))
      assert.same({ SONGS, ADD }, project:applied())
      assert.is_true(has_artist(project))
      assert.is_true(project:has_table("albums"))
    end)

    it("transaction = false: fails after the budget, what ran before the lock stays, exit 1",
      function()
      config('{ lock_budget = "1.5s", lock_timeout = "300ms" }')
      project:write(ADD, add_column_alone())
      local t0 = core.clock()
      local r = project:run("migrate")
      refused(r, 1, { "migration " .. ADD .. " failed",
        "a lock was not granted within the lock budget of 1.5s", "each waiting at most 300ms",
        "what it ran before the lock stays", "lock timeout" })
      assert.truthy(core.clock() - t0 < 4)
      assert.truthy(r.stdout:find("Lock not granted within 300ms (attempt 4): the statement", 1,
        true), helpers.describe_run(r))
      assert.same({ SONGS }, project:applied())
      holder:run("COMMIT")
      assert.is_true(project:has_table("albums"))
      assert.is_false(has_artist(project))
    end)

    it("transaction = false, lock_budget = false: one try within lock_timeout", function()
      config('{ lock_budget = false, lock_timeout = "300ms" }')
      project:write(ADD, add_column_alone())
      local r = project:run("migrate")
      refused(r, 1, { "within lock_timeout 300ms (lock_budget = false: no retries)",
        "what it ran before the lock stays" })
      assert.falsy(r.stdout:find("Lock not granted", 1, true), helpers.describe_run(r))
    end)

    it("transaction = false: CREATE INDEX CONCURRENTLY waits its lock_timeout, once", function()
      config('{ lock_budget = "20s", lock_timeout = "1s" }')
      project:write(ADD, helpers.migration {
        up = '  self.schema:table("songs", function(t) t:index("name"):concurrently() end)',
        extra = "M.transaction = false" })
      holder:run("LOCK TABLE songs IN ROW EXCLUSIVE MODE")   -- a writer: the build waits for it
      local t0 = core.clock()
      local r = project:run("migrate")
      refused(r, 1, { "lock timeout" })
      assert.truthy(core.clock() - t0 >= 0.9, helpers.describe_run(r))
      assert.falsy(r.stdout:find("Lock not granted", 1, true), helpers.describe_run(r))
      assert.falsy(r.stderr:find("already exists", 1, true), helpers.describe_run(r))
    end)

    it("migrate --atomic: the whole batch rolls back and runs again", function()
      config('{ lock_budget = "20s" }')
      project:write(ADD, helpers.create_table_migration("albums"))
      project:write(THIRD, add_column())
      local run = project:spawn({ "migrate", "--atomic" })
      until_waiting()
      core.wait({}, 1)
      holder:run("COMMIT")
      local r = run:wait()
      helpers.assert_status(0, r)
      assert.truthy(r.stdout:find("Lock not granted within 100ms (attempt 1): rolled back the whole"
        .. " batch, running it again in 50ms", 1, true), helpers.describe_run(r))
      assert.same({ SONGS, ADD, THIRD }, project:applied())
      assert.is_true(has_artist(project))
      local batches = {}
      for _, h in ipairs(project:history()) do batches[#batches + 1] = h.batch end
      assert.same({ 1, 2, 2 }, batches)
    end)

    it("migrate --atomic: fails after the budget, nothing of the batch applied, exit 1", function()
      config('{ lock_budget = "1.5s", lock_timeout = "300ms" }')
      project:write(ADD, helpers.create_table_migration("albums"))
      project:write(THIRD, add_column())
      local t0 = core.clock()
      local r = project:run("migrate", "--atomic")
      refused(r, 1, { "a lock was not granted within the lock budget of 1.5s",
        "the batch's transaction is rolled back" })
      assert.truthy(core.clock() - t0 < 4)
      assert.truthy(r.stdout:find("Rolled back the whole batch: nothing was applied.", 1, true),
        helpers.describe_run(r))
      assert.truthy(r.stdout:find("(attempt 4): rolled back the whole batch", 1, true),
        helpers.describe_run(r))
      assert.same({ SONGS }, project:applied())
      holder:run("COMMIT")
      assert.is_false(project:has_table("albums"))
      assert.is_false(has_artist(project))
    end)
  end)

  describe("lock budgets: statement_timeout and the keys' values [#postgres]", function()
    local project
    before_each(function() project = helpers.project(helpers.dialects.postgres) end)
    after_each(function() project:cleanup() end)

    it("statement_timeout binds each statement of a migration", function()
      helpers.write_file(project:path("lmigrate.lua"), 'return { statement_timeout = "300ms" }')
      project:write(SONGS, helpers.migration { up = '  self.db:query("SELECT pg_sleep(2)")' })
      refused(project:run("migrate"), 1, { "statement timeout" })
      assert.same({}, project:applied())
    end)

    for _, case in ipairs {
      { "lock_timeout = \"soon\"", { "lock_timeout must be a duration", "'soon'" } },
      { "lock_budget = true", { "lock_budget must be a duration", "or false" } },
      { "lock_timeout = 0", { "lock_timeout must be a duration" } },
      { "lease = \"10s\", lease_renew = \"10s\"", { "lease_renew (10s) must be shorter than lease (10s)" } },
    } do
      it("refuses " .. case[1] .. " in lmigrate.lua (exit 2)", function()
        helpers.write_file(project:path("lmigrate.lua"), "return { " .. case[1] .. " }")
        refused(project:run("migrate"), 2, case[2])
      end)
    end

    it("refuses a migration's bad lock_timeout, naming its file (exit 2)", function()
      project:write(SONGS, helpers.migration { up = "", extra = 'M.lock_timeout = "2 parsecs"' })
      refused(project:run("migrate"), 2, { SONGS .. ".lua", "lock_timeout must be a duration" })
      assert.same({}, project:applied())
    end)
  end)
end

-- MySQL (MariaDB): lock_wait_timeout and innodb_lock_wait_timeout, in
-- whole seconds; a lock timeout after which the journal holds nothing
-- applied runs again
if servers.need("mariadb", "lock budgets [#mysql]") then
  describe("lock budgets on MySQL, behind another session's open transaction [#mysql]", function()
    local project, holder

    before_each(function()
      project, holder = blocked(helpers.dialects.mysql, function(db)
        db:run("BEGIN")
        db:query("SELECT * FROM songs")   -- a shared metadata lock until COMMIT
      end)
    end)
    after_each(function()
      unblock(project, holder)
      project, holder = nil, nil
    end)

    it("retries and runs once the lock is released", function()
      helpers.write_file(project:path("lmigrate.lua"), 'return { lock_budget = "20s" }')
      local run = project:spawn({ "migrate" })
      core.wait({}, 2.5)
      holder:run("COMMIT")
      local r = run:wait()
      helpers.assert_status(0, r)
      assert.truthy(r.stdout:find("Lock not granted within 1s (attempt 1): rolled back", 1, true),
        helpers.describe_run(r))
      assert.same({ SONGS, ADD }, project:applied())
      assert.is_true(has_artist(project))
    end)

    it("fails after the budget: nothing applied, exit 1", function()
      helpers.write_file(project:path("lmigrate.lua"), 'return { lock_budget = "2s" }')
      local r = project:run("migrate")
      refused(r, 1, { "a lock was not granted within the lock budget of 2s",
        "nothing of it was applied", "Lock wait timeout exceeded" })
      assert.same({ SONGS }, project:applied())
      holder:run("COMMIT")
      assert.is_false(has_artist(project))
    end)

    it("transaction = false: the statement runs again alone, and fails after the budget", function()
      helpers.write_file(project:path("lmigrate.lua"), 'return { lock_budget = "20s" }')
      project:write(ADD, add_column_alone())
      local run = project:spawn({ "migrate" })
      core.wait({}, 2.5)
      holder:run("COMMIT")
      local r = run:wait()
      helpers.assert_status(0, r)
      assert.truthy(r.stdout:find("Lock not granted within 1s (attempt 1): the statement had no"
        .. " effect, running it again", 1, true), helpers.describe_run(r))
      assert.same({ SONGS, ADD }, project:applied())
      assert.is_true(has_artist(project))
    end)

    it("a second statement that times out runs again alone, its journal row kept as it went in",
      function()
      helpers.write_file(project:path("lmigrate.lua"), 'return { lock_budget = "20s" }')
      project:write(ADD, add_column_second())
      local run = project:spawn({ "migrate" })
      -- the first statement has committed, the second waits behind holder
      project:with_db(function(db)
        until_seen(db, "SELECT COUNT(*) AS n FROM information_schema.processlist"
          .. " WHERE info LIKE 'ALTER TABLE%songs%' AND state LIKE '%metadata lock%'")
      end)
      core.wait({}, 2.5)
      assert.same({ { position = 1, state = "applied" }, { position = 2, state = "running" } },
        project:with_db(journal_rows))
      holder:run("COMMIT")
      local r = run:wait()
      helpers.assert_status(0, r)
      assert.truthy(r.stdout:find("Lock not granted within 1s (attempt 1): the statement had no"
        .. " effect, running it again", 1, true), helpers.describe_run(r))
      assert.falsy(r.stdout:find("rolled back, retrying", 1, true), helpers.describe_run(r))
      assert.same({ SONGS, ADD }, project:applied())
      assert.is_true(has_artist(project))
      assert.is_true(project:has_table("albums"))
      assert.same({}, project:with_db(journal_rows))
    end)

    it("a second statement that times out past the budget: partly applied, then --resume", function()
      helpers.write_file(project:path("lmigrate.lua"), 'return { lock_budget = "2s" }')
      project:write(ADD, add_column_second())
      local r = project:run("migrate")
      refused(r, 1, { "a lock was not granted within the lock budget of 2s",
        "what it ran before the lock stays", "Lock wait timeout exceeded", "1 of 2 statements" })
      assert.truthy(r.stdout:find("the statement had no effect, running it again", 1, true),
        helpers.describe_run(r))
      assert.same({ SONGS }, project:applied())
      assert.same({ { position = 1, state = "applied" }, { position = 2, state = "failed" } },
        project:with_db(journal_rows))
      assert.matches("Partly applied %(1 of 2 statements%)", project:ok("status").stdout)
      holder:run("COMMIT")
      project:ok("migrate", "--resume")
      assert.same({ SONGS, ADD }, project:applied())
      assert.is_true(has_artist(project))
      assert.same({}, project:with_db(journal_rows))
    end)

    it("transaction = false: fails after the budget, what ran before stays, exit 1", function()
      helpers.write_file(project:path("lmigrate.lua"), 'return { lock_budget = "2s" }')
      project:write(ADD, add_column_alone())
      local r = project:run("migrate")
      refused(r, 1, { "a lock was not granted within the lock budget of 2s",
        "what it ran before the lock stays", "Lock wait timeout exceeded" })
      assert.same({ SONGS }, project:applied())
      holder:run("COMMIT")
      assert.is_true(project:has_table("albums"))
      assert.is_false(has_artist(project))
    end)
  end)
end
