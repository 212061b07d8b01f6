-- migrate --json and rollback --json (issue 10), and reset, refresh, fresh
-- and seed's: the run's events, one JSON object a line on stdout, each
-- naming its connection: migrating, migrated, failed, rolling_back,
-- rolled_back, seeding, seeded, step, info, error; on PostgreSQL
-- behind another session's lock, waiting (the lock, the table, who holds
-- it) and lock_timeout (the attempt, its timeout, the retry and the next
-- timeout). The text output without --json is 46-output's and the others'.
local helpers = require("spec.helpers")
local servers = require("spec.support.servers")
local json = require("spec.support.json")

local core = helpers.core
local refused = helpers.assert_refused

local SONGS = "2026_01_01_000001_create_songs"
local ADD = "2026_01_01_000002_add_artist"

-- the events of a run's stdout; every line must be a JSON object
local function events(r)
  local list = json.lines(r.stdout)
  for _, e in ipairs(list) do
    assert.equals("table", type(e), r.stdout)
    assert.equals("string", type(e.event), r.stdout)
  end
  return list
end

-- the events named 'name'
local function named(list, name)
  local t = {}
  for _, e in ipairs(list) do
    if e.event == name then t[#t + 1] = e end
  end
  return t
end

-- databases/seeds/<file>.lua holding a seeder whose run is 'body'
local function seeder(project, file, class, body)
  assert(os.execute("mkdir -p '" .. project:path("databases/seeds") .. "'"))
  helpers.write_file(project:path("databases/seeds/" .. file .. ".lua"), ([[
local Seeder = require("lmigrate.seeder")
local %s = Seeder:extend("%s")
function %s:run() %s end
return %s
]]):format(class, class, class, body, class))
end

local function kinds(list)
  local t = {}
  for i, e in ipairs(list) do t[i] = e.event end
  return t
end

describe("migrate --json, rollback --json: one event a line", function()
  local project
  before_each(function()
    project = helpers.project(helpers.dialects.sqlite)
    project:write(SONGS, helpers.create_table_migration("songs"))
  end)
  after_each(function() project:cleanup() end)

  it("migrate: info, migrating, migrated, each naming the connection", function()
    local r = project:ok("migrate", "--json")
    local list = events(r)
    assert.same({ "info", "migrating", "migrated" }, kinds(list))
    assert.equals("Running migrations.", list[1].message)
    for _, e in ipairs(list) do assert.equals("default", e.connection) end
    assert.equals(SONGS, list[2].migration)
    assert.equals(SONGS, list[3].migration)
    assert.equals("number", type(list[3].ms))
    assert.equals("", r.stderr)
  end)

  it("rollback: rolling_back, rolled_back", function()
    project:ok("migrate")
    local list = events(project:ok("rollback", "--json"))
    assert.same({ "info", "rolling_back", "rolled_back" }, kinds(list))
    assert.equals(SONGS, list[3].migration)
  end)

  it("nothing to migrate: one info event", function()
    project:ok("migrate")
    local list = events(project:ok("migrate", "--json"))
    assert.same({ { event = "info", connection = "default", message = "Nothing to migrate." } }, list)
  end)

  it("a failing migration: failed with its error, then error; the text on stderr, exit 1", function()
    project:write(ADD, helpers.migration { up = '  self.db:execute("SELECT * FROM nowhere")' })
    local r = project:run("migrate", "--json")
    helpers.assert_status(1, r)
    local list = events(r)
    local failed = named(list, "failed")
    assert.equals(1, #failed, r.stdout)
    assert.equals(ADD, failed[1].migration)
    assert.truthy(failed[1].error:find("nowhere", 1, true), r.stdout)
    local err = named(list, "error")
    assert.equals(1, #err, r.stdout)
    assert.equals(ADD, err[1].migration)
    assert.equals("error", list[#list].event)
    assert.truthy(r.stderr:find("migration " .. ADD .. " failed", 1, true), r.stderr)
  end)

  it("several connections: each event names its own", function()
    helpers.write_file(project:path("lmigrate.lua"), [[return { default = "a", connections = {
      a = { driver = "sqlite", database = "a.db" }, b = { driver = "sqlite", database = "b.db" } } }]])
    local list = events(project:ok("migrate", "--json", "--connection", "a,b"))
    local by = {}
    for _, e in ipairs(named(list, "migrated")) do by[e.connection] = e.migration end
    assert.same({ a = SONGS, b = SONGS }, by)
  end)

  it("refuses --json with --pretend (exit 2)", function()
    refused(project:run("migrate", "--json", "--pretend"), 2, { "--json" })
    refused(project:run("rollback", "--json", "--pretend"), 2, { "--json" })
    refused(project:run("reset", "--json", "--pretend"), 2, { "--json" })
  end)

  it("reset: rolling_back, rolled_back of every migration", function()
    project:write(ADD, helpers.migration { up = '  self.db:execute("SELECT 1")' })
    project:ok("migrate", "--step")
    local list = events(project:ok("reset", "--json"))
    assert.same({ "info", "rolling_back", "rolled_back", "rolling_back", "rolled_back" }, kinds(list))
    assert.same({ ADD, SONGS }, { list[3].migration, list[5].migration })
  end)

  it("refresh --seed: the downs, the ups, then the seeders, each with its verbs", function()
    project:ok("migrate")
    seeder(project, "database_seeder", "DatabaseSeeder", 'self.db:execute("SELECT 1")')
    local list = events(project:ok("refresh", "--seed", "--json"))
    assert.same({ "info", "rolling_back", "rolled_back", "info", "migrating", "migrated", "info",
                  "seeding", "seeded" }, kinds(list))
    assert.equals(SONGS, list[3].migration)
    assert.equals(SONGS, list[6].migration)
    assert.equals("DatabaseSeeder", list[9].seeder)
    assert.is_nil(list[9].migration)
    -- fresh: the drop is a step, then the ups
    list = events(project:ok("fresh", "--json"))
    assert.same({ "step", "info", "migrating", "migrated" }, kinds(list))
  end)

  it("seed, migrate --seed: seeding, seeded; a failing seeder: failed with its error, then error", function()
    seeder(project, "database_seeder", "DatabaseSeeder", 'self:call("NextSeeder")')
    seeder(project, "next_seeder", "NextSeeder", 'self.db:execute("SELECT * FROM nowhere")')
    local r = project:run("migrate", "--seed", "--json")
    helpers.assert_status(1, r)
    local list = events(r)
    assert.same({ "info", "migrating", "migrated", "info", "seeding", "seeding", "failed", "failed",
                  "error" }, kinds(list))
    assert.equals("NextSeeder", list[6].seeder)
    assert.equals("NextSeeder", list[7].seeder)
    assert.truthy(list[7].error:find("nowhere", 1, true), r.stdout)
    assert.equals("error", list[9].event)
    assert.truthy(list[9].message:find("nowhere", 1, true), r.stdout)
    seeder(project, "next_seeder", "NextSeeder", 'self.db:execute("SELECT 1")')
    list = events(project:ok("seed", "--json"))
    assert.same({ "info", "seeding", "seeding", "seeded", "seeded" }, kinds(list))
    assert.same({ "DatabaseSeeder", "NextSeeder", "NextSeeder", "DatabaseSeeder" },
                { list[2].seeder, list[3].seeder, list[4].seeder, list[5].seeder })
  end)
end)

if servers.need("postgres", "--json events behind a lock [#postgres]") then
  describe("migrate --json behind another session's lock [#postgres]", function()
    local project, holder, backend
    before_each(function()
      project = helpers.project(helpers.dialects.postgres)
      project:write(SONGS, helpers.create_table_migration("songs"))
      project:ok("migrate")
      project:write(ADD, helpers.migration {
        up = '  self.schema:table("songs", function(t) t:string("artist"):nullable() end)' })
      holder = project:connect()
      backend = math.tointeger(tonumber(holder:scalar("SELECT pg_backend_pid() AS pid")))
      holder:run("BEGIN")
      holder:run("LOCK TABLE songs IN ACCESS SHARE MODE")
    end)
    after_each(function()
      holder:close()
      project:cleanup()
    end)

    it("waiting names the lock, the table and its holder; lock_timeout the retry", function()
      helpers.write_file(project:path("lmigrate.lua"), 'return { lock_budget = "20s" }')
      local run = project:spawn({ "migrate", "--json" })
      project:with_db(function(db)
        local t0 = core.clock()
        while tonumber(db:scalar("SELECT count(*) AS n FROM pg_locks WHERE NOT granted")) == 0 do
          assert.truthy(core.clock() - t0 < 30, "the run never waited")
          core.wait({}, 0.05)
        end
      end)
      core.wait({}, 1.5)
      holder:run("COMMIT")
      local r = run:wait()
      helpers.assert_status(0, r)
      local list = events(r)
      local w = named(list, "waiting")[1]
      assert.truthy(w, r.stdout)
      assert.equals(ADD, w.migration)
      assert.equals("default", w.connection)
      assert.equals("ACCESS EXCLUSIVE", w.lock)
      assert.equals("songs", w.table)
      assert.equals(backend, w.blocker.pid)
      assert.equals("postgres", w.blocker.user)
      assert.equals("idle in transaction", w.blocker.state)
      assert.equals("LOCK TABLE songs IN ACCESS SHARE MODE", w.blocker.query)
      assert.equals("string", type(w.blocker["for"]))
      assert.equals("number", type(w.attempt))
      assert.equals("number", type(w.timeout_ms))
      local t = named(list, "lock_timeout")[1]
      assert.truthy(t, r.stdout)
      assert.same({ event = "lock_timeout", connection = "default", migration = ADD, attempt = 1,
        timeout_ms = 100, retry = "migration", retry_in_ms = 50, next_attempt = 2,
        next_timeout_ms = 100, budget_ms = 20000, spent_ms = t.spent_ms }, t)
      assert.equals("migrated", list[#list].event)
      assert.equals(ADD, list[#list].migration)
    end)
  end)
end
