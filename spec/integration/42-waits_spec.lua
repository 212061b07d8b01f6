-- The lock and the waits (issue #13, defects 6 and 12): every URL form of
-- an SQLite file takes the lock on the file it names (8 runs with
-- sqlite:file: URLs once applied migrations 21-27 times); a lock another
-- process holds is waited for with a word after a second naming its pid,
-- and --lock-timeout gives up (exit 3); a server that accepts a connection
-- and never answers is given up on after connect_timeout (default 10 s).
local helpers = require("spec.helpers")
local servers = require("spec.support.servers")

local core = helpers.core
local quote = helpers.quote

local RUNS = "2026_01_01_000001_create_runs"

-- migration i: creates table t<i>, takes its time, logs its run in 'runs'
local function slow(i, sleep)
  return helpers.migration {
    up = ([[
  self.schema:create("t%d", function(t) t:increments("id") end)
  self.db:query(%q)
  self.db:insert("runs", { migration = "t%d" })]]):format(i, sleep, i),
    down = ('  self.schema:drop("t%d")'):format(i),
  }
end

local SLEEP = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300000) "
  .. "SELECT count(*) AS n FROM c"

-- this Lua process's pid (the holder of the locks the spec takes)
local function own_pid()
  local f = assert(io.open("/proc/self/stat"))
  local pid = tonumber(f:read("l"):match("^(%d+)"))
  f:close()
  return pid
end

local refused = helpers.assert_refused

describe("SQLite URL forms and the lock [#sqlite]", function()
  local project, file

  before_each(function()
    project = helpers.project("sqlite")
    file = project:path("databases/database.sqlite")
    project:write(RUNS, helpers.migration {
      up = '  self.schema:create("runs", function(t) t:increments("id") t:string("migration") end)',
      down = '  self.schema:drop("runs")' })
    for i = 2, 5 do project:write(("2026_01_01_00000%d_slow"):format(i), slow(i, SLEEP)) end
  end)
  after_each(function()
    if project then project:cleanup() end
    project = nil
  end)

  it("8 runs at once, each with another URL form of one file, apply each migration once", function()
    helpers.write_file(project:path("lmigrate.lua"), ([[return { connections = {
      uri = { driver = "sqlite", database = "file:databases/database.sqlite?cache=private" } } }]]))
    local forms = {
      { "migrate", "--database", "sqlite:databases/database.sqlite" },
      { "migrate", "--database", "sqlite:file:databases/database.sqlite" },
      { "migrate", "--database", "sqlite:file:databases/database.sqlite?mode=rwc" },
      { "migrate", "--database", "sqlite:file://" .. file },
      { "migrate", "--database", "sqlite:file://localhost" .. file .. "#x" },
      { "migrate", "--database", "sqlite://file:" .. file:gsub("database", "data%%62ase", 1) },
      { "migrate", "--database", "sqlite:" .. file },
      { "migrate", "--connection", "uri" },
    }
    local runs = {}
    for i, args in ipairs(forms) do runs[i] = { args } end
    local results = project:run_at_once(runs)
    for _, r in ipairs(results) do helpers.assert_status(0, r) end
    project:with_db(function(db)
      assert.equals(4, db:count("runs"))
      for _, r in ipairs(db:query("SELECT migration, COUNT(*) AS n FROM runs GROUP BY migration")) do
        assert.equals(1, tonumber(r.n), "ran more than once: " .. r.migration)
      end
    end)
    assert.equals(5, #project:history())
  end)

  it("in-memory forms take no lock and leave no file", function()
    for _, url in ipairs { "sqlite::memory:", "sqlite:file::memory:", "sqlite:file:x?mode=memory" } do
      project:ok("migrate", "--database", url)
    end
    local p = io.popen("ls " .. quote(project.dir))
    local listing = p:read("a")
    p:close()
    assert.equals("databases\n", listing)
  end)

  describe("a lock another process holds", function()
    local lk

    before_each(function()
      project:with_db(function() end)   -- the file exists
      lk = assert(core.lock(file))
    end)
    after_each(function() lk:release() end)

    it("is waited for, naming its pid after a second, and the run goes on once it is free", function()
      local t0 = core.clock()
      local run = project:spawn({ "migrate" })
      core.wait({}, 1.6)
      lk:release()
      local r = run:wait()
      helpers.assert_status(0, r)
      assert.truthy(core.clock() - t0 >= 1.5)
      local waiting = r.stdout:find(("Waiting for the lock on databases/database.sqlite, held by pid %d.")
        :format(own_pid()), 1, true)
      assert.truthy(waiting, helpers.describe_run(r))
      assert.truthy(r.stdout:find("DONE", waiting, true), helpers.describe_run(r))
      assert.equals(5, #project:history())
    end)

    it("--lock-timeout gives up (exit 3), changing nothing", function()
      local t0 = core.clock()
      local r = project:run("migrate", "--lock-timeout", "1200ms")
      refused(r, 3, { "gave up waiting for the lock on databases/database.sqlite after 1.2s",
                      ("held by pid %d"):format(own_pid()) })
      assert.truthy(core.clock() - t0 >= 1.1)
      lk:release()
      assert.same({}, project:history())
      refused(project:run("rollback", "--lock-timeout=0"), 0, { "Nothing to rollback" })
    end)

    it("status and --pretend do not wait for it", function()
      project:ok("status")
      project:ok("migrate", "--pretend")
    end)
  end)

  it("--lock-timeout needs a duration", function()
    for _, v in ipairs { "soon", "-1s", "5x", "" } do
      refused(project:run("migrate", "--lock-timeout=" .. v), 2, { "--lock-timeout" })
    end
  end)
end)

-- a TCP port that accepts connections and never answers: perl (postgresql-common's own
-- language, so there with the server) listens on a free port and prints it
local function silent_server()
  local p = assert(io.popen([[perl -MIO::Socket::INET -e '
    my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => 0, Listen => 16) or die;
    $| = 1; print $s->sockport, "\n"; close STDOUT; sleep 60' & echo "pid $!"]]))
  local port, pid
  for line in p:lines() do   -- the two lines come in either order
    pid = pid or tonumber(line:match("^pid (%d+)$"))
    port = port or tonumber(line:match("^(%d+)$"))
  end
  p:close()
  return port, pid
end

describe("a server that accepts and never answers [#postgres] [#mysql]", function()
  local project, port, pid

  before_each(function()
    project = helpers.project("sqlite")   -- only its folder
    project:write(RUNS, helpers.create_table_migration("runs"))
    port, pid = silent_server()
    assert(port and pid, "perl could not listen")
  end)
  after_each(function()
    if pid then helpers.sh("kill " .. pid .. " 2>/dev/null") end
    if project then project:cleanup() end
    project = nil
  end)

  it("is given up on after a URL's connect_timeout (exit 3)", function()
    local t0 = core.clock()
    local r = project:run({ "status", "--database",
      ("postgres://u:pw-pw-pw@127.0.0.1:%d/db?connect_timeout=1"):format(port) }, { env = {} })
    refused(r, 3, { "cannot connect to default", "no answer within 1s (connect_timeout)" })
    assert.truthy(core.clock() - t0 < 5)
  end)

  it("is given up on after lmigrate.lua's connect_timeout, while another connection migrates", function()
    local conns = { ([[hangs = { driver = "postgres", host = "127.0.0.1", port = %d, user = "u",
                       database = "d", connect_timeout = "1500ms" }]]):format(port),
                    'local_db = { driver = "sqlite", database = "databases/database.sqlite" }' }
    helpers.write_file(project:path("lmigrate.lua"),
      "return { connections = { " .. table.concat(conns, ", ") .. " } }")
    local r = project:run({ "migrate", "--connection", "hangs,local_db" }, { env = {} })
    refused(r, 1, { "[hangs]", "no answer within 1.5s", "DONE" })
    assert.equals(1, #project:history())
  end)

  it("a MySQL URL's connect_timeout gives up on it too, under the scheduler (exit 3)", function()
    local t0 = core.clock()
    local r = project:run({ "status", "--database",
      ("mysql://u:pw-pw-pw@127.0.0.1:%d/db?connect_timeout=1"):format(port) }, { env = {} })
    refused(r, 3, { "cannot connect to default", "no answer within 1s (connect_timeout)" })
    assert.truthy(core.clock() - t0 < 5)
  end)

  it("a connect_timeout that is no duration is bad config", function()
    helpers.write_file(project:path("lmigrate.lua"), [[return { default = "x", connections = {
      x = { driver = "postgres", host = "127.0.0.1", connect_timeout = "soon" } } }]])
    refused(project:run({ "status" }, { env = {} }), 2, { "connect_timeout", "'soon'" })
  end)
end)

if servers.need("postgres", "the lease's waits [#postgres]") then
  describe("the PostgreSQL lease, held by another run [#postgres]", function()
    local project, holder

    before_each(function()
      project = helpers.project(helpers.dialects.postgres)
      project:write(RUNS, helpers.create_table_migration("runs"))
      project:ok("lock:status")   -- nothing held; makes no table
      holder = project:connect()
      holder:run("CREATE SCHEMA IF NOT EXISTS lmigrate")
      holder:run("CREATE TABLE IF NOT EXISTS lmigrate.leases (name text PRIMARY KEY, token text NOT NULL,"
        .. " host text NOT NULL, pid integer NOT NULL, started timestamptz NOT NULL,"
        .. " heartbeat timestamptz NOT NULL, expires timestamptz NOT NULL)")
      holder:run("INSERT INTO lmigrate.leases VALUES ('public.migrations', 'other', 'deployhost', 4242,"
        .. " now(), now(), now() + interval '1 minute')")
    end)
    after_each(function()
      if holder then holder:close() end
      if project then project:cleanup() end
      project = nil
    end)

    it("is waited for, naming its holder, until it is released", function()
      local run = project:spawn({ "migrate" })
      local t0 = core.clock()   -- until the run is connected, then past its notice
      while core.clock() - t0 < 30 and tonumber(holder:scalar("SELECT count(*) AS n FROM"
          .. " pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")) == 0 do
        core.wait({}, 0.05)
      end
      core.wait({}, 1.6)
      holder:run("DELETE FROM lmigrate.leases")
      local r = run:wait()
      helpers.assert_status(0, r)
      assert.truthy(r.stdout:find("held by deployhost pid 4242 (its lease renewed", 1, true),
                    helpers.describe_run(r))
      assert.equals(1, #project:history())
    end)

    it("--lock-timeout gives up (exit 3), changing nothing", function()
      refused(project:run("migrate", "--lock-timeout", "1s"), 3,
              { "gave up waiting for the lock", "deployhost pid 4242" })
      assert.same({}, project:history())
    end)
  end)
end
