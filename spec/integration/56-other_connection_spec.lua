-- A migration on another connection of lmigrate.lua (Laravel's
-- Migration::$connection and Schema::connection(name)): its up/down run
-- on that connection, in a transaction there, and its history row goes in
-- the history table of the connection being migrated. For each pair of
-- dialects the servers allow (the run's connection, the other one):
-- SQLite with a second SQLite file, SQLite with PostgreSQL both ways,
-- MariaDB with SQLite; a MySQL/MariaDB connection as the other one is
-- refused (exit 2, nothing run).
local helpers = require("spec.helpers")

local USERS = "2026_01_01_000001_create_users"
local EVENTS = "2026_01_01_000002_create_events"
local BOTH = "2026_01_01_000003_create_both"

local function lua_value(v)
  if type(v) ~= "table" then return ("%q"):format(v) end
  local keys = {}
  for k in pairs(v) do keys[#keys + 1] = k end
  table.sort(keys)
  local parts = {}
  for _, k in ipairs(keys) do parts[#parts + 1] = ("[%q] = %s"):format(k, lua_value(v[k])) end
  return "{ " .. table.concat(parts, ", ") .. " }"
end

-- one side of a pair: its dialect, its config entry, what the checks open
local function side(project, dialect, file)
  if dialect.name == "sqlite" then
    return { d = dialect, config = { driver = "sqlite", database = file },
             check = { db_path = project.dir .. "/" .. file } }
  end
  return { d = dialect, config = { driver = dialect.name, url = dialect:url(project) },
           check = project }
end

local function with_db(s, fn) return (helpers.with_connection(s.d, s.check, fn)) end

local function has(s, tbl) return with_db(s, function(db) return s.d:has_table(db, tbl) end) end

local function applied(s)
  local t = {}
  for _, h in ipairs(with_db(s, function(db) return s.d:history(db) end)) do t[#t + 1] = h.migration end
  return t
end

local EVENTS_SRC = helpers.migration {
  extra = 'M.connection = "analytics"',
  up = '  self.schema:create("events", function(t) t:increments("id") t:string("name") end)',
  down = '  self.schema:drop("events")',
}

-- the run's connection and, through schema:connection, the other one
local BOTH_SRC = helpers.migration {
  up = '  self.schema:create("posts", function(t) t:increments("id") end)\n'
    .. '  self.schema:connection("analytics"):create("hits", function(t) t:increments("id") end)',
  down = '  self.schema:connection("analytics"):drop("hits")\n  self.schema:drop("posts")',
}

-- the id column of increments() in the other dialect's CREATE TABLE
local ID_SQL = { sqlite = "AUTOINCREMENT", postgres = "SERIAL" }

for _, dialect in helpers.each_dialect() do
  local sqlite = helpers.dialects.sqlite
  local list = { { run = dialect, other = sqlite } }
  if dialect.name ~= "sqlite" then list[2] = { run = sqlite, other = dialect } end

  for _, pair in ipairs(list) do
    local title = ("a migration on another connection: run on %s, other on %s [#%s]")
      :format(pair.run.name, pair.other.name, dialect.name)
    describe(title, function()
      local project, main, other

      local function run(...)
        return project:run({ ... }, { env = {} })
      end

      before_each(function()
        project = helpers.project(dialect)
        main = side(project, pair.run, "main.db")
        other = side(project, pair.other, "analytics.db")
        helpers.write_file(project:path("lmigrate.lua"), "return " .. lua_value({
          default = "main", connections = { main = main.config, analytics = other.config },
        }) .. "\n")
        project:write(USERS, helpers.create_table_migration("users"))
        project:write(EVENTS, EVENTS_SRC)
      end)

      after_each(function()
        if project then project:cleanup() end
      end)

      if pair.other.name == "mysql" then
        it("refuses a MySQL/MariaDB connection as the other one: exit 2, nothing run", function()
          local r = run("migrate")
          helpers.assert_status(2, r)
          assert.truthy(r.stderr:find(EVENTS .. ".lua: the migration's connection 'analytics' is a"
            .. " MySQL/MariaDB connection", 1, true), r.stderr)
          assert.is_false(has(main, "users"))
          assert.same({}, applied(main))
          r = run("sql")
          helpers.assert_status(2, r)
          assert.truthy(r.stderr:find("MySQL/MariaDB", 1, true), r.stderr)
        end)
        return
      end

      it("migrate, status, rollback: tables on the other connection, history on the run's", function()
        project:write(BOTH, BOTH_SRC)
        helpers.assert_status(0, run("migrate"))
        assert.same({ USERS, EVENTS, BOTH }, applied(main))
        assert.is_true(has(main, "users"))
        assert.is_true(has(main, "posts"))
        assert.is_false(has(main, "events"))
        assert.is_false(has(main, "hits"))
        assert.is_true(has(other, "events"))
        assert.is_true(has(other, "hits"))
        assert.is_false(has(other, "migrations"))
        local r = helpers.assert_status(0, run("status"))
        for _, name in ipairs { USERS, EVENTS, BOTH } do
          assert.truthy(r.stdout:find(name .. " %.+ %[1%] Ran"), r.stdout)
        end
        helpers.assert_status(0, run("refresh"))
        assert.same({ USERS, EVENTS, BOTH }, applied(main))
        assert.is_true(has(other, "hits"))
        helpers.assert_status(0, run("rollback"))
        assert.same({}, applied(main))
        for _, t in ipairs { "users", "posts" } do assert.is_false(has(main, t)) end
        for _, t in ipairs { "events", "hits" } do assert.is_false(has(other, t)) end
      end)

      it("a failing up on the other connection leaves nothing there and records nothing", function()
        project:write("2026_01_01_000004_fails_there", helpers.migration {
          extra = 'M.connection = "analytics"',
          up = '  self.schema:create("t4", function(t) t:increments("id") end)\n  error("boom there")',
        })
        local r = run("migrate")
        helpers.assert_status(1, r)
        assert.truthy(r.stderr:find("2026_01_01_000004_fails_there.lua:%d+: boom there"), r.stderr)
        assert.is_false(has(other, "t4"))
        assert.same({ USERS, EVENTS }, applied(main))
        -- schema:connection(other) in a migration of the run's connection
        project:remove("2026_01_01_000004_fails_there")
        project:write("2026_01_01_000005_fails_here", helpers.migration {
          up = '  self.schema:connection("analytics"):create("t5", function(t) t:increments("id") end)\n'
            .. '  error("boom here")',
        })
        r = run("migrate")
        helpers.assert_status(1, r)
        assert.truthy(r.stderr:find("boom here", 1, true), r.stderr)
        assert.is_false(has(other, "t5"))
        assert.same({ USERS, EVENTS }, applied(main))
      end)

      -- (a MySQL run connection refuses --atomic itself)
      local atomic = pair.run.name ~= "mysql" and it or function() end
      atomic("migrate --atomic refuses a migration on another connection, and schema:connection", function()
        local r = run("migrate", "--atomic")
        helpers.assert_status(2, r)
        assert.truthy(r.stderr:find("migrate --atomic cannot run " .. EVENTS .. ": it runs on another"
          .. " connection", 1, true), r.stderr)
        project:remove(EVENTS)
        project:write(BOTH, BOTH_SRC)
        r = run("migrate", "--atomic")
        helpers.assert_status(1, r)
        assert.truthy(r.stderr:find("inside `migrate --atomic`", 1, true), r.stderr)
        assert.same({}, applied(main))
        assert.is_false(has(other, "hits"))
      end)

      it("an unknown connection name: exit 2 naming the file and the name, nothing run", function()
        project:write("2026_01_01_000006_nowhere", helpers.migration {
          extra = 'function M:get_connection() return "nowhere" end',
          up = '  self.schema:create("t6", function(t) t:increments("id") end)',
        })
        local r = run("migrate")
        helpers.assert_status(2, r)
        assert.truthy(r.stderr:find("2026_01_01_000006_nowhere.lua: the migration's connection"
          .. " 'nowhere' is not a connection of lmigrate.lua", 1, true), r.stderr)
        assert.is_false(has(main, "users"))
        assert.same({}, applied(main))
      end)

      it("--pretend prints the other connection's SQL in its dialect and changes nothing", function()
        project:write(BOTH, BOTH_SRC)
        local r = helpers.assert_status(0, run("migrate", "--pretend"))
        local at = r.stdout:find(("-- %s (up) on connection 'analytics' (%s)"):format(EVENTS,
          pair.other.name), 1, true)
        assert.truthy(at, r.stdout)
        local create = r.stdout:match('CREATE TABLE "events" %b()', at)
        assert.truthy(create and create:find(ID_SQL[pair.other.name], 1, true), r.stdout)
        assert.truthy(r.stdout:find(("-- on connection 'analytics' (%s), schema:connection:\n"
          .. 'CREATE TABLE "hits"'):format(pair.other.name), 1, true), r.stdout)
        assert.is_false(has(main, "users"))
        assert.is_false(has(main, "migrations"))
        assert.is_false(has(other, "events"))
        assert.is_false(has(other, "hits"))
      end)

      it("lmigrate sql writes the migration in its connection's dialect, named", function()
        local r = helpers.assert_status(0, run("sql"))
        local at = r.stdout:find(("-- %s -- on connection 'analytics' (%s): run these statements"
          .. " there"):format(EVENTS, pair.other.name), 1, true)
        assert.truthy(at, r.stdout)
        local create = r.stdout:match('CREATE TABLE "events" %b()', at)
        assert.truthy(create and create:find(ID_SQL[pair.other.name], 1, true), r.stdout)
        assert.truthy(r.stdout:find("-- its history row, on connection 'main' (this script's):\n"
          .. "INSERT INTO", at, true), r.stdout)
        -- schema:connection(other) is not written offline
        project:write(BOTH, BOTH_SRC)
        r = run("sql")
        assert.is_true(r.status ~= 0, r.stdout)
        assert.truthy(r.stderr:find("`lmigrate sql` writes a migration's statements on one"
          .. " connection", 1, true), r.stderr)
      end)

      -- the two databases commit one after the other: a history row that
      -- fails after the other connection committed says what is left
      -- (not on a MySQL run connection: schema:connection does not reach it)
      local window = pair.run.name ~= "mysql" and it or function() end
      window("a history row failing after the other connection committed says so", function()
        project:write("2026_01_01_000007_window", helpers.migration {
          extra = 'M.connection = "analytics"',
          up = '  self.schema:create("w7", function(t) t:increments("id") end)\n'
            .. '  self.schema:connection("main"):rename("migrations", "gone")',
        })
        local r = run("migrate")
        helpers.assert_status(1, r)
        assert.truthy(r.stderr:find("its up committed on connection 'analytics', but its history"
          .. " row on connection 'main' failed: the migration is applied there and not recorded",
          1, true), r.stderr)
        assert.is_true(has(other, "w7"))
      end)

      it("fresh wipes only the run's connection, as Laravel's migrate:fresh", function()
        helpers.assert_status(0, run("migrate"))
        project:remove(EVENTS)
        helpers.assert_status(0, run("fresh"))
        assert.same({ USERS }, applied(main))
        assert.is_true(has(other, "events"))
      end)
    end)
  end
end
