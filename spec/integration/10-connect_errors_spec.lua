-- Connecting: an unreachable server, a wrong password, an unknown database
-- or an SQLite file that cannot be opened exit with status 3 and the
-- database's (libpq's, libmariadb's, SQLite's) own message, never a Lua
-- stack traceback, never the password; the URL forms of the contract
-- (postgres://, postgresql://, libpq URL parameters such as
-- ?sslmode=disable; mysql://, mariadb://, ?socket=, ?ssl-mode=) work.
-- MySQL over TLS: 10-connect_tls_spec.lua.
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

-- {======================================================
-- MySQL (MariaDB)
-- ======================================================

-- nothing of the MYSQL_* variables may rescue (or break) a connection
local MY_POISON = { MYSQL_HOST = "192.0.2.1", MYSQL_TCP_PORT = "1", MYSQL_PWD = "lmigrate-wrong" }

describe("MySQL connection errors [#mysql]", function()
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
    local URL = "mysql://lmigrate:secret-pw@127.0.0.1:1/lmigrate"

    for _, cmd in ipairs { "migrate", "status", "rollback", "seed" } do
      it(cmd .. " --database exits 3 with libmariadb's message, no password", function()
        local r = project:run({ cmd, "--database", URL }, { env = MY_POISON })
        assert_cannot_connect(r, { "Can't connect to server on '127.0.0.1'",
                                   "mysql://lmigrate@127.0.0.1:1/lmigrate" })
        assert.is_nil(r.stderr:find("secret-pw", 1, true), "the password is printed\n"
                      .. helpers.describe_run(r))
      end)
    end

    it("a mariadb:// DATABASE_URL exits 3 too", function()
      local env = { DATABASE_URL = "mariadb://lmigrate:secret-pw@127.0.0.1:1/lmigrate" }
      for k, v in pairs(MY_POISON) do env[k] = v end
      local r = project:run({ "migrate" }, { env = env })
      assert_cannot_connect(r, { "Can't connect to server on '127.0.0.1'" })
      assert.is_nil(r.stderr:find("secret-pw", 1, true), helpers.describe_run(r))
    end)

    it("a connection of lmigrate.lua (fields) exits 3, naming the connection, no password", function()
      write_config(project, { driver = "mysql", host = "127.0.0.1", port = 1, user = "lmigrate",
                              password = "secret-pw", database = "lmigrate" })
      local r = project:run({ "migrate" }, { env = MY_POISON })
      assert_cannot_connect(r, { "Can't connect to server", "main" })
      assert.is_nil(r.stderr:find("secret-pw", 1, true), helpers.describe_run(r))
    end)

    it("a socket that is not there exits 3 naming it", function()
      local r = project:run({ "migrate", "--database",
                              "mysql://root@localhost/x?socket=/nonexistent/mysqld.sock" },
                            { env = MY_POISON })
      assert_cannot_connect(r, { "/nonexistent/mysqld.sock" })
    end)
  end)

  it("a malformed mysql:// URL exits 2", function()
    local r = project:run({ "migrate", "--database", "mysql://root@localhost/x?sockt=/s" },
                          { env = {} })
    helpers.assert_status(2, r)
    assert.truthy(r.stderr:find("unknown parameter 'sockt'", 1, true), helpers.describe_run(r))
  end)

  local my = helpers.dialects.mysql
  local with_server = servers.it_with("mariadb")

  describe("on the server", function()
    local user, pw

    -- a user with a password, allowed into lmigrate_spec_* databases
    before_each(function()
      if not my then return end
      user, pw = helpers.unique_name("lm_u"):sub(1, 30), "right-pw-" .. os.time()
      local admin = my:open()
      admin:run(("CREATE USER '%s'@'localhost' IDENTIFIED BY '%s'"):format(user, pw))
      admin:run(("GRANT ALL ON `lmigrate\\_spec\\_%%`.* TO '%s'@'localhost'"):format(user))
      admin:close()
    end)

    after_each(function()
      if not my or not user then return end
      local admin = my:open()
      admin:exec(("DROP USER IF EXISTS '%s'@'localhost'"):format(user))
      admin:close()
    end)

    local function url(pass, db)
      return ("mysql://%s:%s@localhost/%s?socket=%s"):format(user, pass, db, my.socket)
    end

    with_server("a wrong password exits 3 with the server's message, not the password", function()
      local r = project:run({ "migrate", "--database", url("lmigrate-wrong-pw", "") },
                            { env = MY_POISON })
      assert_cannot_connect(r, { "Access denied for user '" .. user .. "'@'localhost'" })
      assert.is_nil(r.stderr:find("lmigrate-wrong-pw", 1, true), helpers.describe_run(r))
    end)

    with_server("an unknown database exits 3 with the server's message", function()
      local r = project:run({ "status", "--database", url(pw, "lmigrate_spec_no_such_db") },
                            { env = MY_POISON })
      assert_cannot_connect(r, { "Unknown database 'lmigrate_spec_no_such_db'" })
      assert.is_nil(r.stderr:find(pw, 1, true), helpers.describe_run(r))
    end)

    with_server("the right password migrates, also from lmigrate.lua fields", function()
      local p = helpers.project(my)
      p:write(ONE, helpers.create_table_migration("one"))
      local ok, err = pcall(function()
        helpers.assert_status(0, p:run({ "migrate", "--database", url(pw, p.my_db) },
                                       { env = MY_POISON }))
        assert.is_true(p:has_table("one"))
        write_config(p, { driver = "mysql", user = user, password = pw, database = p.my_db,
                          socket = my.socket, sslmode = "DISABLED" })
        helpers.assert_status(0, p:run({ "rollback" }, { env = MY_POISON }))
        assert.is_false(p:has_table("one"))
      end)
      p:cleanup()
      if not ok then error(err, 0) end
    end)
  end)
end)

if servers.need("mariadb", "MySQL URL forms [#mysql]") then
  describe("MySQL URL forms [#mysql]", function()
    local my = helpers.dialects.mysql
    local project

    before_each(function()
      project = helpers.project(my)
      project:write(ONE, helpers.create_table_migration("one"))
    end)

    after_each(function()
      if project then project:cleanup() end
      project = nil
    end)

    local function works(url)
      helpers.assert_status(0, project:run({ "migrate", "--database", url }, { env = MY_POISON }))
      assert.equals(1, #project:history())
      helpers.assert_status(0, project:run({ "status", "--database", url }, { env = MY_POISON }))
      helpers.assert_status(0, project:run({ "rollback", "--database", url }, { env = MY_POISON }))
      assert.same({}, project:history())
    end

    local sock = my and my.socket or ""
    local FORMS = {
      { "mysql://root@localhost/DB?socket=S" },
      { "mariadb://root@localhost/DB?socket=S" },
      { "mysql://root@/DB?socket=S", "no host" },
      { "mysql://root:@localhost/DB?socket=S", "an empty password" },
      { "mysql://root@localhost/DB?socket=S&ssl-mode=DISABLED" },
      { "mysql://root@localhost/DB?socket=S&sslmode=preferred&connect_timeout=5" },
      { "mysql://root@localhost/DB?socket=S&ssl-mode=REQUIRED", "a socket counts as secure" },
      { "mysql://root@localhost/DB?socket=" .. sock:gsub("/", "%%2F") .. "&charset=utf8mb4",
        "a percent-encoded socket" },
    }
    for _, form in ipairs(FORMS) do
      it(form[1] .. (form[2] and (" (" .. form[2] .. ")") or "") .. " works", function()
        works((form[1]:gsub("DB", project.my_db):gsub("=S", "=" .. sock)))
      end)
    end

    -- TCP, when the server listens there (scripts/with-mariadb.sh: LMIGRATE_MYSQL_PORT)
    local port = os.getenv("LMIGRATE_MYSQL_PORT")
    local tcp = (port and port ~= "") and it or function(what)
      servers.missing("mariadb", what, "LMIGRATE_MYSQL_PORT is unset: the server listens on "
        .. "no TCP port (scripts/with-mariadb.sh opens one)", false)
    end

    tcp("mysql://root@127.0.0.1:PORT/DB over TCP works", function()
      works(("mysql://root@127.0.0.1:%s/%s"):format(port, project.my_db))
    end)
    -- TLS (the server of with-mariadb.sh offers it; one without it too):
    -- spec/integration/10-connect_tls_spec.lua
  end)
end

-- }======================================================

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
