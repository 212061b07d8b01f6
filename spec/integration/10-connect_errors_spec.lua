-- Connecting: an unreachable server, a wrong password, an unknown database
-- or an SQLite file that cannot be opened exit with status 3 and the
-- database's (libpq's, SQLite's) own message, never a Lua stack traceback;
-- the URL forms of the contract (postgres://, postgresql://, libpq URL
-- parameters such as ?sslmode=disable) work.
local helpers = require("spec.helpers")
local servers = require("spec.support.servers")

local ONE = "2026_01_01_000001_create_one"

-- no PG* variable can rescue a connection: only the URL or lmigrate.lua count
local with_env = servers.without_pg_env

-- exit 3, every plain string of 'says' on stderr, no traceback, nothing on stdout
-- that claims a migration ran
local function assert_cannot_connect(r, says)
  helpers.assert_status(3, r)
  for _, s in ipairs(says) do
    assert(r.stderr:find(s, 1, true), ("stderr does not say %q\n%s"):format(s, helpers.describe_run(r)))
  end
  assert.is_nil(r.stderr:find("stack traceback", 1, true), helpers.describe_run(r))
  assert.is_nil(r.stderr:find("internal error", 1, true), helpers.describe_run(r))
  assert.is_nil(r.stdout:find("DONE", 1, true), helpers.describe_run(r))
end

local function write_config(project, conn)
  local parts = {}
  for k, v in pairs(conn) do parts[#parts + 1] = ("%s = %q"):format(k, tostring(v)) end
  table.sort(parts)
  helpers.write_file(project:path("lmigrate.lua"),
    ("return { default = \"main\", connections = { main = { %s } } }\n"):format(
      table.concat(parts, ", ")))
end

-- the URL of the spec server with its parts replaced: { password=, port=, db=, scheme=, query= }
local function pg_url(base, p)
  local scheme, user, pass, host, port, db = base:match(
    "^(postgres%w*)://([^:@/]*):?([^@/]*)@([^:/]*):?(%d*)/([^?]*)")
  assert(scheme, "cannot parse " .. base)
  pass = p.password or pass
  return ("%s://%s%s@%s%s/%s%s"):format(p.scheme or scheme, user,
    pass ~= "" and (":" .. pass) or "", p.host or host,
    (p.port or port) ~= "" and (":" .. (p.port or port)) or "", p.db or db, p.query or "")
end

describe("PostgreSQL connection errors [#postgres]", function()
  local project

  before_each(function()
    project = helpers.project("sqlite")   -- only a folder: nothing connects to it
    project:write(ONE, helpers.create_table_migration("one"))
  end)

  after_each(function()
    if project then project:cleanup() end
    project = nil
  end)

  describe("an unreachable server (127.0.0.1:1)", function()
    local URL = "postgres://lmigrate:secret-pw@127.0.0.1:1/lmigrate"

    for _, cmd in ipairs { "migrate", "status", "rollback" } do
      it(cmd .. " --database exits 3 with libpq's message", function()
        local r = project:run({ cmd, "--database", URL }, { env = with_env() })
        assert_cannot_connect(r, { "Connection refused" })
        assert.is_nil(r.stderr:find("secret-pw", 1, true), "the password is printed\n"
                      .. helpers.describe_run(r))
      end)
    end

    it("DATABASE_URL exits 3 with libpq's message", function()
      local r = project:run({ "migrate" }, { env = with_env { DATABASE_URL = URL } })
      assert_cannot_connect(r, { "Connection refused" })
    end)

    it("a postgresql:// URL exits 3 with libpq's message", function()
      local r = project:run({ "migrate", "--database",
                              "postgresql://lmigrate@127.0.0.1:1/lmigrate?sslmode=disable" },
                            { env = with_env() })
      assert_cannot_connect(r, { "Connection refused" })
    end)

    it("a connection of lmigrate.lua (url) exits 3, naming the connection", function()
      write_config(project, { driver = "postgres", url = URL })
      local r = project:run({ "migrate" }, { env = with_env() })
      assert_cannot_connect(r, { "Connection refused", "main" })
    end)

    it("a connection of lmigrate.lua (host, port, ...) exits 3, naming the connection", function()
      write_config(project, { driver = "postgres", host = "127.0.0.1", port = 1,
                              user = "lmigrate", password = "secret-pw", database = "lmigrate" })
      local r = project:run({ "migrate" }, { env = with_env() })
      assert_cannot_connect(r, { "Connection refused", "main" })
      assert.is_nil(r.stderr:find("secret-pw", 1, true), "the password is printed\n"
                    .. helpers.describe_run(r))
    end)
  end)

  local pg = helpers.dialects.postgres
  local with_server = servers.it_with("postgres")

  with_server("a wrong password exits 3 with the server's message", function()
    local url = pg_url(pg.base, { password = "lmigrate-wrong-password", db = "postgres" })
    local r = project:run({ "migrate", "--database", url }, { env = with_env() })
    assert_cannot_connect(r, { "password authentication failed" })
    assert.is_nil(r.stderr:find("lmigrate-wrong-password", 1, true), "the password is printed\n"
                  .. helpers.describe_run(r))
  end)

  with_server("a wrong password in DATABASE_URL exits 3 too", function()
    local url = pg_url(pg.base, { password = "lmigrate-wrong-password", db = "postgres" })
    local r = project:run({ "status" }, { env = with_env { DATABASE_URL = url } })
    assert_cannot_connect(r, { "password authentication failed" })
  end)

  with_server("an unknown database exits 3 with the server's message", function()
    local url = pg_url(pg.base, { db = "lmigrate_no_such_database" })
    local r = project:run({ "migrate", "--database", url }, { env = with_env() })
    assert_cannot_connect(r, { "lmigrate_no_such_database", "does not exist" })
  end)

  with_server("an unknown database of lmigrate.lua (fields) exits 3 too", function()
    local user, pass, host, port = pg.base:match("^postgres%w*://([^:@/]*):?([^@/]*)@([^:/]*):?(%d*)/")
    write_config(project, { driver = "postgres", host = host, port = port, user = user,
                            password = pass, database = "lmigrate_no_such_database" })
    local r = project:run({ "migrate" }, { env = with_env() })
    assert_cannot_connect(r, { "lmigrate_no_such_database", "does not exist" })
  end)
end)

if servers.need("postgres", "PostgreSQL URL forms [#postgres]") then
  describe("PostgreSQL URL forms [#postgres]", function()
    local pg = helpers.dialects.postgres
    local project

    before_each(function()
      project = helpers.project(pg)
      -- records what the session says about itself
      project:write(ONE, helpers.migration {
        name = "CreateOne",
        up = [[
  self.schema:create("one", function(t)
    t:increments("id")
    t:string("app"):nullable()
  end)
  self.db:execute("INSERT INTO one (app) SELECT current_setting('application_name')")]],
        down = '  self.schema:drop("one")',
      })
    end)

    after_each(function()
      if project then project:cleanup() end
      project = nil
    end)

    local function assert_migrated()
      local h = project:history()
      assert.equals(1, #h)
      assert.equals(ONE, h[1].migration)
      assert.is_true(project:has_table("one"))
    end

    local FORMS = {
      { what = "postgres://", scheme = "postgres" },
      { what = "postgresql://", scheme = "postgresql" },
      { what = "postgres:// with ?sslmode=disable", scheme = "postgres", query = "?sslmode=disable" },
      { what = "postgresql:// with ?sslmode=disable", scheme = "postgresql",
        query = "?sslmode=disable" },
    }

    for _, form in ipairs(FORMS) do
      it("--database " .. form.what .. " works", function()
        local url = pg_url(pg.base, { scheme = form.scheme, db = project.pg_db, query = form.query })
        local r = project:run({ "migrate", "--database", url }, { env = with_env() })
        helpers.assert_status(0, r)
        assert_migrated()
        helpers.assert_status(0, project:run({ "status", "--database", url }, { env = with_env() }))
        helpers.assert_status(0, project:run({ "rollback", "--database", url }, { env = with_env() }))
        assert.same({}, project:history())
      end)

      it("DATABASE_URL=" .. form.what .. " works", function()
        local url = pg_url(pg.base, { scheme = form.scheme, db = project.pg_db, query = form.query })
        helpers.assert_status(0, project:run({ "migrate" }, { env = with_env { DATABASE_URL = url } }))
        assert_migrated()
      end)
    end

    it("passes the other libpq URL parameters on (application_name, connect_timeout)", function()
      local url = pg_url(pg.base, { db = project.pg_db,
        query = "?sslmode=disable&connect_timeout=10&application_name=lmigrate_spec_app" })
      helpers.assert_status(0, project:run({ "migrate", "--database", url }, { env = with_env() }))
      assert_migrated()
      project:with_db(function(db)
        assert.equals("lmigrate_spec_app", db:scalar("SELECT app FROM one"))
      end)
    end)

    it("--database wins over DATABASE_URL", function()
      local good = pg_url(pg.base, { db = project.pg_db })
      local bad = pg_url(pg.base, { db = "lmigrate_no_such_database" })
      helpers.assert_status(0, project:run({ "migrate", "--database", good },
                                           { env = with_env { DATABASE_URL = bad } }))
      assert_migrated()
    end)
  end)
end

describe("SQLite files that cannot be opened [#sqlite]", function()
  local project

  before_each(function()
    project = helpers.project("sqlite")
    project:write(ONE, helpers.create_table_migration("one"))
    assert.equals(0, helpers.sh("mkdir -p " .. helpers.quote(project:path("a_directory"))))
    helpers.write_file(project:path("not_a_database.db"), ("this is not an SQLite file\n"):rep(200))
  end)

  after_each(function()
    if project then project:cleanup() end
    project = nil
  end)

  local CASES = {
    { what = "a path in a missing folder", path = "missing/dir/x.db" },
    { what = "a directory", path = "a_directory" },
    { what = "a file that is not a database", path = "not_a_database.db",
      says = "not a database" },
  }

  for _, case in ipairs(CASES) do
    describe(case.what, function()
      local function check(r)
        assert_cannot_connect(r, { case.path, case.says })
        assert.is_false(helpers.exists(project:path("missing")))
        assert.equals(("this is not an SQLite file\n"):rep(200),
                      helpers.read_file(project:path("not_a_database.db")))
      end

      it("--database sqlite:PATH exits 3 naming it", function()
        check(project:run({ "migrate", "--database", "sqlite:" .. case.path }, { env = {} }))
      end)

      it("DATABASE_URL=sqlite:PATH exits 3 naming it", function()
        check(project:run({ "status" }, { env = { DATABASE_URL = "sqlite:" .. case.path } }))
      end)

      it("a connection of lmigrate.lua exits 3 naming it", function()
        write_config(project, { driver = "sqlite", database = case.path })
        check(project:run({ "migrate" }, { env = {} }))
      end)
    end)
  end
end)
