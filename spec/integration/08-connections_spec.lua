-- Named connections of lmigrate.lua: `--connection NAME` picks one, the
-- default is used without it, migrations.path and migrations.table are
-- honoured, and `--connection a,b,c` migrates all of them in one run, at
-- once: a failure on one is reported with its name while the others
-- finish, and the exit status is then 1. A bad lmigrate.lua exits 2.
local helpers = require("spec.helpers")

local ONE = "2026_01_01_000001_create_one"
local TWO = "2026_01_01_000002_create_two"
local THREE = "2026_01_01_000003_create_three"
local ALL = { ONE, TWO, THREE }

-- a Lua literal of a config value (keys sorted, so the file is stable)
local function lua_value(v)
  if type(v) == "table" then
    local keys = {}
    for k in pairs(v) do keys[#keys + 1] = k end
    table.sort(keys)
    local parts = {}
    for _, k in ipairs(keys) do parts[#parts + 1] = ("[%q] = %s"):format(k, lua_value(v[k])) end
    return "{ " .. table.concat(parts, ", ") .. " }"
  elseif type(v) == "string" then
    return ("%q"):format(v)
  end
  return tostring(v)
end

local function write_config(project, cfg)
  helpers.write_file(project:path("lmigrate.lua"), "return " .. lua_value(cfg) .. "\n")
end

-- the parts of a postgres:// URL
local function url_parts(url)
  local user, pass, host, port = url:match("^postgres%w*://([^:@/]*):?([^@/]*)@([^:/]*):?(%d*)/")
  return { user = user, password = pass ~= "" and pass or nil, host = host,
           port = port ~= "" and tonumber(port) or nil }
end

-- Targets: a database a connection of lmigrate.lua points at, with its
-- config entry and a way to check it. On PostgreSQL each is a database of
-- its own, created here and dropped by drop_targets().
local function sqlite_target(project, name, opts)
  local rel = (opts and opts.missing) and ("missing/dir/" .. name .. ".db") or (name .. ".db")
  return { name = name, config = { driver = "sqlite", database = rel },
           check = { db_path = project.dir .. "/" .. rel }, dialect = helpers.dialects.sqlite }
end

local function pg_target(project, name, opts)
  local pg = helpers.dialects.postgres
  local db = project.pg_db .. "_" .. name .. ((opts and opts.missing) and "_absent" or "")
  if not (opts and opts.missing) then
    local admin = pg:admin()
    admin:run("CREATE DATABASE " .. pg:ident(db))
    admin:close()
    project.extra_dbs = project.extra_dbs or {}
    project.extra_dbs[#project.extra_dbs + 1] = db
  end
  local url = pg:url({ pg_db = db })
  local config
  if opts and opts.fields then
    local p = url_parts(url)
    config = { driver = "postgres", host = p.host, port = p.port, user = p.user,
               password = p.password, database = db }
  else
    config = { driver = "postgres", url = url }
  end
  return { name = name, config = config, check = { pg_db = db }, dialect = pg }
end

-- on MySQL (MariaDB) a database of its own too, reached by its socket
local function my_target(project, name, opts)
  local my = helpers.dialects.mysql
  local db = (project.my_db or project.pg_db) .. "_" .. name
    .. ((opts and opts.missing) and "_absent" or "")
  if not (opts and opts.missing) then
    local admin = my:open()
    admin:run("CREATE DATABASE " .. my:ident(db))
    admin:close()
    project.extra_my_dbs = project.extra_my_dbs or {}
    project.extra_my_dbs[#project.extra_my_dbs + 1] = db
  end
  local config = { driver = "mysql", url = my:url_of(db) }
  if opts and opts.fields then
    config = { driver = "mysql", socket = my.socket, user = "root", database = db,
               sslmode = "preferred" }
  end
  return { name = name, config = config, check = { my_db = db }, dialect = my }
end

local function make_target(dialect, project, name, opts)
  if dialect.name == "sqlite" then return sqlite_target(project, name, opts) end
  if dialect.name == "mysql" then return my_target(project, name, opts) end
  return pg_target(project, name, opts)
end

local function drop_targets(project)
  if project.extra_dbs then
    local pg = helpers.dialects.postgres
    local admin = pg:admin()
    for _, db in ipairs(project.extra_dbs) do
      admin:exec("DROP DATABASE IF EXISTS " .. pg:ident(db) .. " WITH (FORCE)")
    end
    admin:close()
  end
  if project.extra_my_dbs then
    local my = helpers.dialects.mysql
    local admin = my:open()
    for _, db in ipairs(project.extra_my_dbs) do
      admin:exec("DROP DATABASE IF EXISTS " .. my:ident(db))
    end
    admin:close()
  end
end

local function with_target(t, fn) return (helpers.with_connection(t.dialect, t.check, fn)) end

local function tables_of(t)
  return with_target(t, function(db) return db:tables() end)
end

-- the migrations recorded in history table 'tbl' of target t, by id
local function history_of(t, tbl)
  tbl = tbl or "migrations"
  return with_target(t, function(db)
    if not db:has_table(tbl) then return {} end
    local out = {}
    for _, r in ipairs(db:query("SELECT migration FROM " .. t.dialect:ident(tbl) .. " ORDER BY id")) do
      out[#out + 1] = tostring(r.migration):gsub("%.lua$", "")
    end
    return out
  end)
end

-- nothing of the PG* (MYSQL_*) variables reaches the server: a connection
-- works only through what lmigrate.lua says
local POISON = {
  postgres = { PGHOST = "/nonexistent", PGPORT = "1", PGUSER = "lmigrate_nobody",
               PGPASSWORD = "lmigrate-wrong", PGDATABASE = "lmigrate_nowhere" },
  mysql = { MYSQL_HOST = "192.0.2.1", MYSQL_TCP_PORT = "1", MYSQL_UNIX_PORT = "/nonexistent",
            MYSQL_PWD = "lmigrate-wrong" },
}

-- a query that sleeps 0.6 s, on the dialects with a server
-- long enough that one after the other (3 s) stands clear of at once plus
-- a loaded host's start of the sanitizer build (1.47 s measured at 0.6 s each)
local SLEEP = { postgres = "SELECT pg_sleep(1.0)", mysql = "SELECT SLEEP(1.0)" }

-- true if a line of 's' contains every plain string of 'words'
local function line_with(s, words)
  for _, line in ipairs(helpers.lines(s)) do
    local all = true
    for _, w in ipairs(words) do
      if not line:find(w, 1, true) then all = false break end
    end
    if all then return true end
  end
  return false
end

for _, dialect in helpers.each_dialect() do
  local postgres_only = dialect.name == "postgres" and it or pending
  local server_only = dialect.name ~= "sqlite" and it or pending
  local env = POISON[dialect.name] or {}

  describe("connections of lmigrate.lua [#" .. dialect .. "]", function()
    local project, targets

    -- writes lmigrate.lua with the targets (and 'extra' merged in)
    local function configure(list, extra)
      local conns = {}
      for _, t in ipairs(list) do conns[t.name] = t.config end
      local cfg = { connections = conns }
      for k, v in pairs(extra or {}) do cfg[k] = v end
      write_config(project, cfg)
    end

    local function run(...)
      return project:run({ ... }, { env = env })
    end

    before_each(function()
      project = helpers.project(dialect)
      for _, name in ipairs(ALL) do
        project:write(name, helpers.create_table_migration(name:match("create_(%a+)$")))
      end
      targets = {}
      for _, name in ipairs { "alpha", "bravo", "charlie" } do
        targets[name] = make_target(dialect, project, name)
      end
    end)

    after_each(function()
      if project then
        pcall(drop_targets, project)
        project:cleanup()
      end
      project = nil
    end)

    local function all_targets()
      return { targets.alpha, targets.bravo, targets.charlie }
    end

    describe("--connection NAME", function()
      it("migrates that connection only", function()
        configure(all_targets(), { default = "alpha" })
        helpers.assert_status(0, run("migrate", "--connection", "bravo"))
        assert.same(ALL, history_of(targets.bravo))
        assert.same({ "migrations", "one", "three", "two" }, tables_of(targets.bravo))
        assert.same({}, tables_of(targets.alpha))
        assert.same({}, tables_of(targets.charlie))
      end)

      it("works for status and rollback too", function()
        configure(all_targets(), { default = "alpha" })
        helpers.assert_status(0, run("migrate", "--connection", "bravo"))
        local r = helpers.assert_status(0, run("status", "--connection", "bravo"))
        assert.truthy(r.stdout:find(THREE, 1, true), helpers.describe_run(r))
        helpers.assert_status(0, run("rollback", "--connection", "bravo"))
        assert.same({}, history_of(targets.bravo))
        assert.same({ "migrations" }, tables_of(targets.bravo))
      end)
    end)

    describe("without --connection", function()
      it("uses the default connection", function()
        configure(all_targets(), { default = "charlie" })
        helpers.assert_status(0, run("migrate"))
        assert.same(ALL, history_of(targets.charlie))
        assert.same({}, tables_of(targets.alpha))
        assert.same({}, tables_of(targets.bravo))
      end)

      it("uses the connection named default when no default is set", function()
        local t = make_target(dialect, project, "default")
        configure({ targets.alpha, t })
        helpers.assert_status(0, run("migrate"))
        assert.same(ALL, history_of(t))
        assert.same({}, tables_of(targets.alpha))
      end)
    end)

    describe("migrations.path and migrations.table", function()
      before_each(function()
        assert.equals(0, helpers.sh("mkdir -p " .. helpers.quote(project:path("db/m"))))
        helpers.write_file(project:path("db/m/2026_02_01_000000_create_elsewhere.lua"),
                           helpers.create_table_migration("elsewhere"))
        configure(all_targets(), { default = "alpha",
                                   migrations = { path = "db/m", table = "schema_history" } })
      end)

      it("runs the migrations of that folder, recorded in that table", function()
        helpers.assert_status(0, run("migrate"))
        assert.same({ "elsewhere", "schema_history" }, tables_of(targets.alpha))
        assert.same({ "2026_02_01_000000_create_elsewhere" },
                    history_of(targets.alpha, "schema_history"))
      end)

      it("are honoured by status and rollback", function()
        helpers.assert_status(0, run("migrate"))
        local r = helpers.assert_status(0, run("status"))
        assert.truthy(r.stdout:find("2026_02_01_000000_create_elsewhere", 1, true),
                      helpers.describe_run(r))
        assert.is_nil(r.stdout:find(ONE, 1, true), helpers.describe_run(r))
        helpers.assert_status(0, run("rollback"))
        assert.same({ "schema_history" }, tables_of(targets.alpha))
        assert.same({}, history_of(targets.alpha, "schema_history"))
      end)

      it("--path overrides migrations.path", function()
        helpers.assert_status(0, run("migrate", "--path", "databases/migrations"))
        assert.same(ALL, history_of(targets.alpha, "schema_history"))
      end)
    end)

    server_only("takes host, port, user, password and database fields (MySQL: socket, sslmode)",
      function()
      local t = make_target(dialect, project, "fields", { fields = true })
      configure({ t }, { default = "fields" })
      local r = helpers.assert_status(0, run("migrate"))
      assert.same(ALL, history_of(t), helpers.describe_run(r))
    end)

    -- the url without its password and database (PGPASSWORD and PGDATABASE
    -- are poisoned): the fields beside it fill them in
    postgres_only("takes the fields beside a url where the url is silent (password, database)", function()
      local t = make_target(dialect, project, "beside")
      local p = url_parts(t.config.url)
      t.config = { driver = "postgres", password = p.password, database = t.check.pg_db,
                   url = ("postgres://%s@%s%s/"):format(p.user, p.host, p.port and (":" .. p.port) or "") }
      configure({ t }, { default = "beside" })
      local r = helpers.assert_status(0, run("migrate"))
      assert.same(ALL, history_of(t), helpers.describe_run(r))
    end)

    describe("--connection a,b,c", function()
      it("migrates every one of them in one run", function()
        configure(all_targets(), { default = "alpha" })
        local r = helpers.assert_status(0, run("migrate", "--connection", "alpha,bravo,charlie"))
        for _, t in ipairs(all_targets()) do
          assert.same(ALL, history_of(t))
          assert.same({ "migrations", "one", "three", "two" }, tables_of(t))
          for _, name in ipairs(ALL) do
            assert.is_true(line_with(r.stdout, { t.name, name, "DONE" }),
                           t.name .. " " .. name .. " not DONE\n" .. helpers.describe_run(r))
          end
        end
      end)

      it("then finds nothing to migrate on any of them", function()
        configure(all_targets(), { default = "alpha" })
        helpers.assert_status(0, run("migrate", "--connection", "alpha,bravo,charlie"))
        local r = helpers.assert_status(0, run("migrate", "--connection", "alpha, bravo ,charlie"))
        assert.is_nil(r.stdout:find("DONE", 1, true), helpers.describe_run(r))
      end)

      it("reports a connection that cannot be opened by name; the others finish; exit 1", function()
        local broken = make_target(dialect, project, "bravo", { missing = true })
        configure({ targets.alpha, broken, targets.charlie }, { default = "alpha" })
        local r = helpers.assert_status(1, run("migrate", "--connection", "alpha,bravo,charlie"))
        assert.is_true(line_with(r.stderr, { "bravo" }), helpers.describe_run(r))
        assert.is_false(line_with(r.stderr, { "alpha" }), helpers.describe_run(r))
        assert.is_false(line_with(r.stderr, { "charlie" }), helpers.describe_run(r))
        assert.is_nil(r.stderr:find("stack traceback", 1, true), helpers.describe_run(r))
        assert.same(ALL, history_of(targets.alpha))
        assert.same(ALL, history_of(targets.charlie))
        if dialect.name == "sqlite" then
          assert.is_false(helpers.exists(project:path("missing/dir/bravo.db")))
        elseif dialect.name == "mysql" then
          assert.truthy(r.stderr:find("Unknown database", 1, true), helpers.describe_run(r))
        else
          assert.truthy(r.stderr:find("does not exist", 1, true), helpers.describe_run(r))
        end
      end)

      it("reports a migration that fails on one connection by name; the others finish; exit 1",
         function()
        with_target(targets.bravo, function(db) db:run("CREATE TABLE two (id INTEGER)") end)
        configure(all_targets(), { default = "alpha" })
        local r = helpers.assert_status(1, run("migrate", "--connection", "alpha,bravo,charlie"))
        assert.is_true(line_with(r.stderr, { "bravo", TWO }), helpers.describe_run(r))
        assert.truthy(r.stderr:find("already exists", 1, true), helpers.describe_run(r))
        assert.is_false(line_with(r.stderr, { "alpha" }), helpers.describe_run(r))
        assert.is_false(line_with(r.stderr, { "charlie" }), helpers.describe_run(r))
        -- the others: complete
        for _, t in ipairs { targets.alpha, targets.charlie } do
          assert.same(ALL, history_of(t))
          assert.same({ "migrations", "one", "three", "two" }, tables_of(t))
          assert.is_true(line_with(r.stdout, { t.name, THREE, "DONE" }), helpers.describe_run(r))
        end
        -- bravo: what ran before the failure stays, nothing after it runs
        assert.same({ ONE }, history_of(targets.bravo))
        assert.same({ "migrations", "one", "two" }, tables_of(targets.bravo))
        assert.is_false(line_with(r.stdout, { "bravo", THREE, "DONE" }), helpers.describe_run(r))
      end)

      it("finishes the others when the first one fails", function()
        with_target(targets.alpha, function(db) db:run("CREATE TABLE one (id INTEGER)") end)
        configure(all_targets(), { default = "alpha" })
        local r = helpers.assert_status(1, run("migrate", "--connection", "alpha,bravo,charlie"))
        assert.is_true(line_with(r.stderr, { "alpha", ONE }), helpers.describe_run(r))
        assert.same({}, history_of(targets.alpha))
        assert.same(ALL, history_of(targets.bravo))
        assert.same(ALL, history_of(targets.charlie))
      end)

      server_only("runs the connections at once, not one after the other", function()
        project:write("2026_01_01_000004_sleep", helpers.migration {
          -- execute, not query: on MySQL the plan of a migration runs its
          -- queries too (run/journal.lua), but not what execute runs
          up = ("  self.db:execute(%q)"):format(SLEEP[dialect.name]),
        })
        configure(all_targets(), { default = "alpha" })
        local t0 = helpers.core.clock()
        helpers.assert_status(0, run("migrate", "--connection", "alpha,bravo,charlie"))
        local elapsed = helpers.core.clock() - t0
        -- one after the other: >= 3 s of sleeping alone
        assert.is_true(elapsed < 2.5, ("3 connections took %.2f s"):format(elapsed))
        for _, t in ipairs(all_targets()) do
          assert.equals(4, #history_of(t))
        end
      end)

      postgres_only("mixes SQLite and PostgreSQL connections in one run", function()
        local lite = sqlite_target(project, "lite")
        configure({ targets.alpha, lite }, { default = "alpha" })
        helpers.assert_status(0, run("migrate", "--connection", "lite,alpha"))
        assert.same(ALL, history_of(targets.alpha))
        assert.same(ALL, history_of(lite))
      end)

      -- SQLite, PostgreSQL (when its server is there too) and MySQL at once
      local mix = (dialect.name == "mysql" and helpers.dialects.postgres) and it or pending
      mix("mixes SQLite, PostgreSQL and MySQL connections in one run", function()
        local lite = sqlite_target(project, "lite")
        project.pg_db = project.my_db
        local pg = pg_target(project, "pg")
        configure({ targets.alpha, lite, pg }, { default = "alpha" })
        local r = helpers.assert_status(0, project:run({ "migrate", "--connection", "lite,pg,alpha" }))
        for _, t in ipairs { targets.alpha, lite, pg } do
          assert.same(ALL, history_of(t), helpers.describe_run(r))
        end
        helpers.assert_status(0, project:run({ "rollback", "--connection", "alpha,lite,pg" }))
        for _, t in ipairs { targets.alpha, lite, pg } do assert.same({}, history_of(t)) end
      end)
    end)
  end)
end

describe("a bad lmigrate.lua exits 2", function()
  local project

  before_each(function()
    project = helpers.project("sqlite")
    project:write(ONE, helpers.create_table_migration("one"))
  end)

  after_each(function()
    if project then project:cleanup() end
    project = nil
  end)

  local function config_source(src)
    helpers.write_file(project:path("lmigrate.lua"), src)
  end

  -- exit 2, stderr matches one of 'patterns', nothing migrated anywhere
  local function assert_refused(r, patterns)
    helpers.assert_status(2, r)
    assert(helpers.matches_any(r.stderr, patterns),
           ("stderr does not say what is wrong (%s)\n%s"):format(table.concat(patterns, " | "),
                                                                helpers.describe_run(r)))
    assert.is_nil(r.stderr:find("stack traceback", 1, true), helpers.describe_run(r))
    assert.is_false(helpers.exists(project:path("a.db")))
    assert.is_false(helpers.exists(project:path("databases/database.sqlite")))
  end

  local GOOD = '  connections = { a = { driver = "sqlite", database = "a.db" } },\n'

  it("a syntax error, with lmigrate.lua:line", function()
    config_source("return {\n" .. GOOD .. "  default = = \"a\",\n}\n")
    local r = project:run("migrate")
    assert_refused(r, { "lmigrate%.lua:3:" })
  end)

  it("an error raised while it runs, with lmigrate.lua:line", function()
    config_source("local x = nil\nreturn { default = x.name }\n")
    assert_refused(project:run("migrate"), { "lmigrate%.lua:2:" })
  end)

  it("a file that returns no table", function()
    config_source("return 42\n")
    assert_refused(project:run("migrate"), { "table" })
  end)

  it("an unknown connection name in --connection", function()
    config_source("return {\n" .. GOOD .. "  default = \"a\",\n}\n")
    assert_refused(project:run("migrate", "--connection", "nope"), { "nope" })
  end)

  it("an unknown name in a list: none of the list is migrated", function()
    config_source("return {\n" .. GOOD .. "  default = \"a\",\n}\n")
    assert_refused(project:run("migrate", "--connection", "a,nope"), { "nope" })
  end)

  it("a default that names no connection", function()
    config_source("return {\n" .. GOOD .. "  default = \"nope\",\n}\n")
    assert_refused(project:run("migrate"), { "nope" })
  end)

  it("connections but no default and no --connection", function()
    config_source("return {\n" .. GOOD .. "}\n")
    assert_refused(project:run("migrate"), { "default" })
  end)

  it("a connection without a driver", function()
    config_source('return { default = "a", connections = { a = { database = "a.db" } } }\n')
    assert_refused(project:run("migrate"), { "driver" })
  end)

  it("a connection with an unknown driver", function()
    config_source('return { default = "a", connections = { a = { driver = "mongo", database = "a.db" } } }\n')
    assert_refused(project:run("migrate"), { "mongo" })
  end)

  it("a sqlite connection without a database", function()
    config_source('return { default = "a", connections = { a = { driver = "sqlite" } } }\n')
    assert_refused(project:run("migrate"), { "database" })
  end)

  it("a connection that is not a table", function()
    config_source('return { default = "a", connections = { a = "sqlite:a.db" } }\n')
    assert_refused(project:run("migrate"), { "table" })
  end)
end)

-- Laravel's 'strict' and 'modes' of a MySQL connection (a URL's ?strict=,
-- ?modes= or lmigrate.lua's fields): the session's sql_mode, set once
-- connected. strict = false is MySQL's loose mode, which BookStack's
-- migrations need (spec/fixtures/bookstack: 'strict' => false).
for _, dialect in helpers.each_dialect() do
  if dialect.name == "mysql" then
    describe("a MySQL connection's strict and modes [#mysql]", function()
      local project

      local RECORD = helpers.migration {
        up = '  self.schema:create("modes", function(t) t:text("mode") end)\n'
          .. '  self.db:insert("modes", { mode = self.db:first("SELECT @@SESSION.sql_mode AS m").m })',
        down = '  self.schema:drop("modes")',
      }
      -- an INSERT that leaves out a NOT NULL column without a default
      local LOOSE = helpers.migration {
        up = '  self.schema:create("people", function(t) t:string("name") t:string("email") end)\n'
          .. '  self.db:insert("people", { name = "Ada" })',
        down = '  self.schema:drop("people")',
      }

      before_each(function()
        project = helpers.project(dialect)
        project:write("2026_01_01_000001_record_mode", RECORD)
      end)

      after_each(function()
        if project then project:cleanup() end
        project = nil
      end)

      local function run_url(params, ...)
        return project:run({ ... }, { env = { DATABASE_URL = project:url() .. "&" .. params } })
      end

      local function run_config(fields, ...)
        helpers.write_file(project:path("lmigrate.lua"), ("return { default = 'm', connections = "
          .. "{ m = { driver = 'mysql', url = %q, %s } } }\n"):format(project:url(), fields))
        return project:run({ ... }, { env = {} })
      end

      local function mode()
        return project:with_db(function(db) return db:scalar("SELECT mode FROM modes") end)
      end

      it("?strict=false: NO_ENGINE_SUBSTITUTION alone; the insert stores the implicit default", function()
        project:write("2026_01_01_000002_loose_insert", LOOSE)
        helpers.assert_status(0, run_url("strict=false", "migrate"))
        assert.equals("NO_ENGINE_SUBSTITUTION", mode())
        assert.same({ { name = "Ada", email = "" } },
                    project:with_db(function(db) return db:query("SELECT name, email FROM people") end))
      end)

      it("neither: the server's own sql_mode (MariaDB's strict default refuses the insert)", function()
        helpers.assert_status(0, project:run("migrate"))
        local global = project:with_db(function(db) return db:scalar("SELECT @@GLOBAL.sql_mode") end)
        assert.equals(global, mode())
        project:write("2026_01_01_000002_loose_insert", LOOSE)
        local r = project:run("migrate")
        helpers.assert_status(1, r)
        assert.matches("doesn't have a default value", r.stderr)
      end)

      it("strict = true in lmigrate.lua: Laravel's strict list", function()
        helpers.assert_status(0, run_config("strict = true", "migrate"))
        assert.equals("ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
          .. "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION", mode())
      end)

      it("modes win over strict, in lmigrate.lua and in the URL", function()
        helpers.assert_status(0, run_config('strict = true, modes = { "error_for_division_by_zero", '
          .. '"NO_ENGINE_SUBSTITUTION" }', "migrate"))
        assert.equals("ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION", mode())
        helpers.assert_status(0, run_config("strict = true", "rollback"))
        helpers.assert_status(0, run_url("strict=true&modes=NO_ZERO_DATE", "migrate"))
        assert.equals("NO_ZERO_DATE", mode())
      end)

      it("a mode the server does not know: exit 2, naming the connection and the mode", function()
        helpers.assert_refused(run_url("modes=NO_SUCH_MODE", "migrate"), 2,
          { "connection 'default'", "refuses sql_mode 'NO_SUCH_MODE' (modes)" })
        assert.same({}, project:tables())
      end)
    end)
  end
end
