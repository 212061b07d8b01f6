-- spec/unit/config_spec.lua: lua/lmigrate/config/ without the binary:
-- parse_url for every URL form and the malformed ones, and resolve() with
-- a fake getenv and a temp lmigrate.lua (resolve's third argument): which of
-- DATABASE_URL, --database and --connection wins, the defaults, named
-- connections, and the errors (lmigrate error objects: "usage" for the
-- command line and URLs, "config" for lmigrate.lua).
local config = require("lmigrate.config")
local errors = require("lmigrate.errors")
local shell = require("spec.support.shell")

-- the error object fn raises (and that it raises one)
local function raised(fn)
  local ok, e = pcall(fn)
  assert(not ok, "no error raised")
  assert(errors.is(e), "not an lmigrate error: " .. tostring(e))
  return e
end

local function assert_raises(kind, message, fn)
  local e = raised(fn)
  assert.equals(kind, e.kind)
  assert.equals(message, e.message)
  assert.equals(2, e:exit_status())
end

local PG_FORM = "(expected sqlite:PATH, postgres://user:pass@host:port/db or "
  .. "mysql://user:pass@host:port/db)"
local MY_FORM = "(expected mysql://user:pass@host:port/db)"

describe("config.parse_url", function()
  -- { url, what it becomes }
  local FORMS = {
    { "sqlite:db.sqlite", { driver = "sqlite", database = "db.sqlite" } },
    { "sqlite:databases/app.db", { driver = "sqlite", database = "databases/app.db" } },
    { "sqlite:/var/lib/app.db", { driver = "sqlite", database = "/var/lib/app.db" } },
    { "sqlite://rel.db", { driver = "sqlite", database = "rel.db" } },
    { "sqlite:///abs/app.db", { driver = "sqlite", database = "/abs/app.db" } },
    { "sqlite::memory:", { driver = "sqlite", database = ":memory:" } },
    { "sqlite:with space.db", { driver = "sqlite", database = "with space.db" } },
    { "postgres://u:p@localhost:5432/app", { driver = "postgres", connect_timeout = 10,
      conninfo = "postgres://u:p@localhost:5432/app" } },
    { "postgresql://u@db.example.com/app?sslmode=disable", {
      driver = "postgres", connect_timeout = 10,
      conninfo = "postgresql://u@db.example.com/app?sslmode=disable" } },
    { "postgres:///app?host=/run/postgresql", { driver = "postgres", connect_timeout = 10,
      conninfo = "postgres:///app?host=/run/postgresql" } },
    { "mysql://user:pass@host:3306/app", { driver = "mysql", database = "app", connect_timeout = 10,
      options = { user = "user", password = "pass", host = "host", port = 3306 } } },
    { "mariadb://root@localhost/app?socket=/run/mysqld/mysqld.sock", { driver = "mysql", connect_timeout = 10,
      database = "app", options = { user = "root", host = "localhost",
                                    socket = "/run/mysqld/mysqld.sock" } } },
    { "mysql:///app?socket=%2Frun%2Fmy.sock&ssl-mode=REQUIRED&connect_timeout=5",
      { driver = "mysql", database = "app", connect_timeout = 5,
        options = { socket = "/run/my.sock", ssl_mode = "REQUIRED", connect_timeout = 5 } } },
    { "mysql://u%40x:p%3Aw%2F@[::1]:3307/d%20b?sslmode=verify_identity&ssl-ca=/ca.pem",
      { driver = "mysql", database = "d b", connect_timeout = 10, options = { user = "u@x", password = "p:w/",
        host = "::1", port = 3307, ssl_mode = "verify_identity", ssl_ca = "/ca.pem" } } },
    { "mysql://h", { driver = "mysql", database = "", connect_timeout = 10, options = { host = "h" } } },
    { "mysql://u:@h/", { driver = "mysql", database = "", connect_timeout = 10,
                         options = { user = "u", password = "", host = "h" } } },
    -- Laravel's strict and modes (the session's sql_mode), kept out of the driver's options
    { "mysql://h/d?strict=false", { driver = "mysql", database = "d", connect_timeout = 10,
                                    options = { host = "h" }, strict = false } },
    { "mysql://h/d?strict=TRUE&socket=/s", { driver = "mysql", database = "d", connect_timeout = 10,
                                             options = { host = "h", socket = "/s" }, strict = true } },
    { "mysql://h/d?strict=0", { driver = "mysql", database = "d", connect_timeout = 10,
                                options = { host = "h" }, strict = false } },
    { "mysql://h/d?modes=strict_trans_tables,NO_ZERO_DATE", { driver = "mysql", database = "d",
      connect_timeout = 10, options = { host = "h" }, modes = "STRICT_TRANS_TABLES,NO_ZERO_DATE" } },
  }

  for _, case in ipairs(FORMS) do
    it("reads " .. case[1], function()
      assert.same(case[2], config.parse_url(case[1]))
    end)
  end

  -- { url, the message of the usage error }
  local MALFORMED = {
    { "", "empty database URL " .. PG_FORM },
    { "sqlite:", "malformed database URL 'sqlite:': no path after 'sqlite:' (expected sqlite:PATH)" },
    { "sqlite://", "malformed database URL 'sqlite://': no path after 'sqlite:' (expected sqlite:PATH)" },
    { "postgres://u@h/my db", "malformed database URL 'postgres://u@h/my db': spaces are not allowed" },
    { "postgresql://u@h/db\t", "malformed database URL 'postgresql://u@h/db\t': spaces are not allowed" },
    { "mysql://root@localhost/my app", "malformed database URL 'mysql://root@localhost/my app': "
      .. "spaces are not allowed " .. MY_FORM },
    { "mysql://h:/db", "malformed database URL 'mysql://h:/db': no port after ':' " .. MY_FORM },
    { "mysql://h:x/db", "malformed database URL 'mysql://h:x/db': a bad host or port 'h:x' " .. MY_FORM },
    { "mysql://h/a/b", "malformed database URL 'mysql://h/a/b': a database name cannot hold '/' "
      .. MY_FORM },
    { "mysql://h/db?sock=/s", "malformed database URL 'mysql://h/db?sock=/s': unknown parameter "
      .. "'sock' (expected socket, ssl-mode, ssl-ca, ssl-capath, ssl-cert, ssl-key, ssl-cipher, "
      .. "connect-timeout, charset, strict, modes)" },
    { "mysql://h/db?socket=", "malformed database URL 'mysql://h/db?socket=': parameter 'socket' "
      .. "has no value " .. MY_FORM },
    { "mysql://h/db?ssl-mode=sometimes", "malformed database URL 'mysql://h/db?ssl-mode=sometimes': "
      .. "ssl-mode 'sometimes' is not one of DISABLED, PREFERRED, REQUIRED, VERIFY_CA, "
      .. "VERIFY_IDENTITY " .. MY_FORM },
    { "mysql://u:pw@h/db?ssl-mode=VERIFY_CA", "malformed database URL 'mysql://u@h/db?ssl-mode=VERIFY_CA': "
      .. "ssl-mode VERIFY_CA needs ssl-ca or ssl-capath (the CA to check the server's certificate "
      .. "against) " .. MY_FORM },
    { "mysql://h/db?connect-timeout=5s", "malformed database URL 'mysql://h/db?connect-timeout=5s': "
      .. "connect-timeout must be a whole number, got '5s' " .. MY_FORM },
    { "mysql://h/db?strict=no", "malformed database URL 'mysql://h/db?strict=no': "
      .. "strict must be true or false, got 'no' " .. MY_FORM },
    { "mysql://h/db?modes=A;B", "malformed database URL 'mysql://h/db?modes=A;B': "
      .. "modes[1] must be an sql_mode name (letters and '_'), got 'A;B' " .. MY_FORM },
    { "mysql://h/db?strict=", "malformed database URL 'mysql://h/db?strict=': parameter 'strict' "
      .. "has no value " .. MY_FORM },
    { "mysql:/h/db", "malformed database URL 'mysql:/h/db' " .. PG_FORM },
    { "db.sqlite", "malformed database URL 'db.sqlite' " .. PG_FORM },
    { "SQLITE:db.sqlite", "malformed database URL 'SQLITE:db.sqlite' " .. PG_FORM },
    { "postgres:/app", "malformed database URL 'postgres:/app' " .. PG_FORM },
    { "postgres//u@h/app", "malformed database URL 'postgres//u@h/app' " .. PG_FORM },
  }

  for _, case in ipairs(MALFORMED) do
    it(("refuses %q"):format(case[1]), function()
      assert_raises("usage", case[2], function() config.parse_url(case[1]) end)
    end)
  end

  it("refuses what is not a string", function()
    for _, v in ipairs { false, 42, {} } do
      assert_raises("usage", "empty database URL " .. PG_FORM, function() config.parse_url(v) end)
    end
    assert_raises("usage", "empty database URL " .. PG_FORM, function() config.parse_url(nil) end)
  end)
end)

describe("config.resolve", function()
  local path

  before_each(function() path = os.tmpname() end)
  after_each(function() os.remove(path) end)

  -- resolve(opts) with lmigrate.lua = 'source' (nil: no file) and the
  -- environment 'env' (nothing else of the real one)
  -- and each connection's safety keys (tested below) left out
  local function resolve(source, opts, env, keep)
    if source then shell.write_file(path, source) else os.remove(path) end
    local r = config.resolve(opts or {}, function(k) return (env or {})[k] end, path)
    for _, c in ipairs(keep and {} or r.connections) do c.safety = nil end
    return r
  end

  describe("the lock budget and lease keys", function()
    it("default to lock_timeout 5s, lock_budget 10m, a 30s lease renewed every 10s", function()
      assert.same({ lock_timeout = 5, lock_budget = 600, lease = 30, lease_renew = 10 },
        resolve(nil, {}, {}, true).connections[1].safety)
    end)

    it("are read at the top of lmigrate.lua and per connection, the connection's winning", function()
      local r = resolve([[return { lock_timeout = "2s", lock_budget = false, default = "a",
        connections = { a = { driver = "sqlite", database = "a.db", lock_budget = "30s",
          statement_timeout = "1m", lease = "1m", lease_renew = "500ms" } } }]], {}, {}, true)
      assert.same({ lock_timeout = 2, lock_budget = 30, statement_timeout = 60, lease = 60,
                    lease_renew = 0.5 }, r.connections[1].safety)
      r = resolve('return { lock_budget = false, lock_timeout = "250ms" }', {},
        { DATABASE_URL = "sqlite:x.db" }, true)
      assert.same({ lock_timeout = 0.25, lock_budget = false, lease = 30, lease_renew = 10 },
        r.connections[1].safety)
    end)

    it("are not MySQL connection options", function()
      local r = resolve([[return { default = "m", connections = { m = { driver = "mysql",
        socket = "/s", database = "d", lock_timeout = "1s" } } }]], {}, {}, true)
      assert.is_nil(r.connections[1].options.lock_timeout)
      assert.equals(1, r.connections[1].safety.lock_timeout)
    end)

    for _, case in ipairs {
      { 'lock_timeout = "soon"',
        [[lmigrate.lua: lock_timeout must be a duration like "5s" or "500ms", got 'soon']] },
      { "lock_timeout = 0", [[lmigrate.lua: lock_timeout must be a duration like "5s" or "500ms", got 0]] },
      { "lock_budget = true", [[lmigrate.lua: lock_budget must be a duration like "5s" or "500ms" (or false:]]
        .. [[ no retries), got true]] },
      { "lease = false", [[lmigrate.lua: lease must be a duration like "5s" or "500ms", got false]] },
      { 'lease = "5s", lease_renew = "5s"',
        "lmigrate.lua: lease_renew (5s) must be shorter than lease (5s)" },
    } do
      it("refuses " .. case[1], function()
        assert_raises("config", case[2], function() resolve("return { " .. case[1] .. " }") end)
      end)
    end

    it("names the connection of a bad value", function()
      assert_raises("config", [[lmigrate.lua: connection 'a': lock_budget must be a duration like "5s" or]]
        .. [[ "500ms" (or false: no retries), got 'lots']], function()
        resolve([[return { default = "a", connections = { a = { driver = "sqlite",
          database = "a.db", lock_budget = "lots" } } }]])
      end)
    end)
  end)

  local DEFAULT = { name = "default", driver = "sqlite", database = "databases/database.sqlite" }

  local TWO = [[return {
    default = "main",
    connections = {
      main = { driver = "sqlite", database = "main.db" },
      other = { driver = "postgres", url = "postgres://u@h/other" },
    },
  }]]

  describe("without lmigrate.lua", function()
    it("works on databases/database.sqlite with the default folders and table", function()
      assert.same({ connections = { DEFAULT }, migrations = "databases/migrations",
                    table = "migrations", seeds = "databases/seeds" }, resolve(nil))
      assert.equals(config.DEFAULT_DATABASE, DEFAULT.database)
    end)

    it("takes DATABASE_URL", function()
      assert.same({ { name = "default", driver = "sqlite", database = "env.db" } },
        resolve(nil, {}, { DATABASE_URL = "sqlite:env.db" }).connections)
    end)

    it("ignores an empty DATABASE_URL", function()
      assert.same({ DEFAULT }, resolve(nil, {}, { DATABASE_URL = "" }).connections)
    end)

    it("lets --database win over DATABASE_URL", function()
      assert.same({ { name = "default", driver = "postgres", connect_timeout = 10,
                      conninfo = "postgres://u@h/cli" } },
        resolve(nil, { database = "postgres://u@h/cli" }, { DATABASE_URL = "sqlite:env.db" })
          .connections)
    end)

    it("takes --path for the migrations folder", function()
      assert.equals("db/m", resolve(nil, { path = "db/m" }).migrations)
    end)

    it("refuses a malformed DATABASE_URL or --database (usage)", function()
      assert_raises("usage", "malformed database URL 'nope' " .. PG_FORM,
        function() resolve(nil, {}, { DATABASE_URL = "nope" }) end)
      assert_raises("usage", "malformed database URL 'nope' " .. PG_FORM,
        function() resolve(nil, { database = "nope" }) end)
    end)

    it("refuses --connection: there are no connections", function()
      assert_raises("config", "unknown connection 'main' (lmigrate.lua defines no connections)",
        function() resolve(nil, { connection = "main" }) end)
    end)
  end)

  describe("with connections", function()
    it("takes the default one", function()
      assert.same({ { name = "main", driver = "sqlite", database = "main.db" } },
        resolve(TWO).connections)
    end)

    it("takes the connection named default when there is no default key", function()
      assert.same({ { name = "default", driver = "sqlite", database = "d.db" } }, resolve([[
        return { connections = { default = { driver = "sqlite", database = "d.db" },
                                 x = { driver = "sqlite", database = "x.db" } } }]]).connections)
    end)

    it("lets DATABASE_URL win over the default connection", function()
      assert.same({ { name = "default", driver = "sqlite", database = "env.db" } },
        resolve(TWO, {}, { DATABASE_URL = "sqlite:env.db" }).connections)
    end)

    it("lets --connection win over DATABASE_URL", function()
      assert.same({ { name = "other", driver = "postgres", connect_timeout = 10,
                      conninfo = "postgres://u@h/other" } },
        resolve(TWO, { connection = "other" }, { DATABASE_URL = "sqlite:env.db" }).connections)
    end)

    it("lets --database win over --connection", function()
      assert.same({ { name = "default", driver = "sqlite", database = "cli.db" } },
        resolve(TWO, { connection = "other", database = "sqlite:cli.db" }).connections)
    end)

    it("takes a list for --connection, in its order, trimmed", function()
      local conns = resolve(TWO, { connection = " other, main ,," }).connections
      assert.same({ "other", "main" }, { conns[1].name, conns[2].name })
    end)

    it("refuses an empty --connection list (usage)", function()
      assert_raises("usage", "--connection needs a connection name",
        function() resolve(TWO, { connection = " , " }) end)
    end)

    it("refuses an unknown connection", function()
      assert_raises("config", "unknown connection 'nope'",
        function() resolve(TWO, { connection = "main,nope" }) end)
      assert_raises("config", "unknown connection 'nope'", function()
        resolve('return { default = "nope", connections = { a = { driver = "sqlite", '
          .. 'database = "a.db" } } }')
      end)
    end)

    it("refuses connections without a default", function()
      assert_raises("config", 'lmigrate.lua defines connections but no default'
        .. ' (set default = "name" or pass --connection NAME)', function()
        resolve('return { connections = { a = { driver = "sqlite", database = "a.db" } } }')
      end)
    end)
  end)

  describe("a connection", function()
    -- { the connection's table in lmigrate.lua, what it becomes (name "c") }
    local FORMS = {
      { '{ driver = "sqlite", database = "app.db" }',
        { name = "c", driver = "sqlite", database = "app.db" } },
      { '{ driver = "sqlite", url = "sqlite:u.db" }',
        { name = "c", driver = "sqlite", database = "u.db" } },
      { '{ driver = "postgres", url = "postgres://u:p@h:5432/db" }',
        { name = "c", driver = "postgres", connect_timeout = 10, conninfo = "postgres://u:p@h:5432/db" } },
      { '{ driver = "postgresql", url = "postgresql://u@h/db" }',
        { name = "c", driver = "postgres", connect_timeout = 10, conninfo = "postgresql://u@h/db" } },
      -- fields beside a url count where it is silent, as its query's parameters
      { '{ driver = "postgres", url = "postgres://u@h/db", password = "p w&", sslmode = "require", '
          .. 'host = "other", database = "other" }',
        { name = "c", driver = "postgres", connect_timeout = 10,
          conninfo = "postgres://u@h/db?password=p%20w%26&sslmode=require" } },
      { '{ driver = "postgres", url = "postgres://h?sslmode=disable", user = "u", port = 6432, '
          .. 'database = "d", sslmode = "require" }',
        { name = "c", driver = "postgres", connect_timeout = 10,
          conninfo = "postgres://h?sslmode=disable&port=6432&user=u&dbname=d" } },
      { '{ driver = "postgres", url = "postgres://u:p@[::1]:5433/?dbname=x", host = "h", port = 1, '
          .. 'password = "q", database = "d" }',
        { name = "c", driver = "postgres", connect_timeout = 10,
          conninfo = "postgres://u:p@[::1]:5433/?dbname=x" } },
      { '{ driver = "postgres", url = "postgres:///app?host=/run/postgresql", host = "h", user = "u" }',
        { name = "c", driver = "postgres", connect_timeout = 10,
          conninfo = "postgres:///app?host=/run/postgresql&user=u" } },
      { '{ driver = "postgres", host = "h", port = 5433, user = "u", password = "p", '
          .. 'database = "d", sslmode = "disable" }',
        { name = "c", driver = "postgres", connect_timeout = 10,
          conninfo = "host='h' port='5433' user='u' password='p' dbname='d' sslmode='disable'" } },
      -- libpq's quoting: a quote and a backslash are escaped with a backslash
      { [[{ driver = "postgres", host = "h", password = "it's \\ x" }]],
        { name = "c", driver = "postgres", connect_timeout = 10,
          conninfo = [[host='h' password='it\'s \\ x']] } },
      { '{ driver = "postgres" }', { name = "c", driver = "postgres", connect_timeout = 10, conninfo = "" } },
      { '{ driver = "postgres", connect_timeout = "2m" }',
        { name = "c", driver = "postgres", connect_timeout = 120, conninfo = "" } },
      { '{ driver = "postgres", url = "postgres://h/d?connect_timeout=4" }',
        { name = "c", driver = "postgres", connect_timeout = 4,
          conninfo = "postgres://h/d?connect_timeout=4" } },
      { '{ driver = "mysql", url = "mysql://u:p@h:3306/app" }',
        { name = "c", driver = "mysql", database = "app",
          options = { user = "u", password = "p", host = "h", port = 3306 }, connect_timeout = 10 } },
      { '{ driver = "mysql", host = "h", port = "3307", user = "u", password = "p", '
          .. 'database = "d", sslmode = "required" }',
        { name = "c", driver = "mysql", database = "d", options = { host = "h", port = 3307,
          user = "u", password = "p", ssl_mode = "required" }, connect_timeout = 10 } },
      { '{ driver = "mariadb", socket = "/run/mysqld/mysqld.sock", user = "root", '
          .. 'database = "app", ssl_mode = "DISABLED", connect_timeout = 3 }',
        { name = "c", driver = "mysql", database = "app", options = {
          socket = "/run/mysqld/mysqld.sock", user = "root", ssl_mode = "DISABLED",
          connect_timeout = 3 }, connect_timeout = 3 } },
      { '{ driver = "mysql" }', { name = "c", driver = "mysql", database = "", options = {},
        connect_timeout = 10 } },
      { '{ driver = "mysql", database = "d", strict = false }', { name = "c", driver = "mysql",
        database = "d", options = {}, connect_timeout = 10, strict = false } },
      { '{ driver = "mysql", modes = { "STRICT_TRANS_TABLES", "no_zero_date" }, strict = true }',
        { name = "c", driver = "mysql", database = "", options = {}, connect_timeout = 10,
          strict = true, modes = "STRICT_TRANS_TABLES,NO_ZERO_DATE" } },
      { '{ driver = "mysql", modes = {} }', { name = "c", driver = "mysql", database = "",
        options = {}, connect_timeout = 10, modes = "" } },
      -- with a url: its parameters win, as in Laravel's ConfigurationUrlParser, and the
      -- fields beside it count (an ssl_ca is not dropped)
      { '{ driver = "mysql", url = "mysql://u@h:3306/app?ssl-mode=VERIFY_CA", ssl_ca = "/ca.pem", '
          .. 'password = "p", host = "other", database = "d", connect_timeout = 4 }',
        { name = "c", driver = "mysql", database = "app", options = { user = "u", password = "p",
          host = "h", port = 3306, ssl_mode = "VERIFY_CA", ssl_ca = "/ca.pem", connect_timeout = 4 },
          connect_timeout = 4 } },
      { '{ driver = "mysql", url = "mysql://u@h?ssl_ca=%2Fu.pem", database = "d", ["ssl-ca"] = "/f.pem" }',
        { name = "c", driver = "mysql", database = "d", options = { user = "u", host = "h",
          ssl_ca = "/u.pem" }, connect_timeout = 10 } },
      { '{ driver = "mysql", ssl_mode = "verify-ca", ssl_capath = "/etc/ssl/certs" }',
        { name = "c", driver = "mysql", database = "", options = { ssl_mode = "verify-ca",
          ssl_capath = "/etc/ssl/certs" }, connect_timeout = 10 } },
      { '{ driver = "mysql", url = "mysql://h/d?strict=true", strict = false, modes = { "ANSI" } }',
        { name = "c", driver = "mysql", database = "d", options = { host = "h" }, connect_timeout = 10,
          strict = true, modes = "ANSI" } },
    }

    for _, case in ipairs(FORMS) do
      it("reads " .. case[1], function()
        assert.same({ case[2] }, resolve("return { default = 'c', connections = { c = "
          .. case[1] .. " } }").connections)
      end)
    end

    -- { the connection's table, the message of the config error }
    local BAD = {
      { '"sqlite:x.db"', "lmigrate.lua: connection 'c' must be a table" },
      { '{ database = "x.db" }',
        [[lmigrate.lua: connection 'c' has driver missing (expected "sqlite", "postgres" or "mysql")]] },
      { '{ driver = "oracle" }',
        [[lmigrate.lua: connection 'c' has driver 'oracle' (expected "sqlite", "postgres" or "mysql")]] },
      { '{ driver = "mysql", sslmode = "sometimes" }', "lmigrate.lua: connection 'c': ssl-mode "
        .. "'sometimes' is not one of DISABLED, PREFERRED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY" },
      { '{ driver = "mysql", sslmode = "VERIFY_CA" }', "lmigrate.lua: connection 'c': ssl-mode "
        .. "VERIFY_CA needs ssl-ca or ssl-capath (the CA to check the server's certificate against)" },
      { '{ driver = "mysql", url = "mysql://h/d?ssl-mode=verify_ca", ssl_cert = "/c.pem" }',
        "lmigrate.lua: connection 'c': ssl-mode VERIFY_CA needs ssl-ca or ssl-capath (the CA to "
        .. "check the server's certificate against)" },
      { '{ driver = "mysql", url = "mysql://h/d", sslca = "/ca.pem" }',
        "lmigrate.lua: connection 'c' (mysql) has an unknown field 'sslca'" },
      { '{ driver = "mysql", port = "33o6" }',
        "lmigrate.lua: connection 'c': port must be a whole number, got '33o6'" },
      { '{ driver = "mysql", hostname = "h" }',
        "lmigrate.lua: connection 'c' (mysql) has an unknown field 'hostname'" },
      { '{ driver = "mysql", password = 12 }', "lmigrate.lua: connection 'c': password must be a string" },
      { '{ driver = "mysql", url = "postgres://u@h/db" }',
        "lmigrate.lua: connection 'c' (mysql) needs a mysql:// url" },
      { '{ driver = "mysql", strict = "false" }',
        "lmigrate.lua: connection 'c': strict must be true or false, got string" },
      { '{ driver = "mysql", modes = "ANSI" }',
        "lmigrate.lua: connection 'c': modes must be a list of sql_mode names, got string" },
      { [[{ driver = "mysql", modes = { "ANSI", "x'y" } }]],
        "lmigrate.lua: connection 'c': modes[2] must be an sql_mode name (letters and '_'), got 'x'y'" },
      { '{ driver = "sqlite" }', [[lmigrate.lua: connection 'c' (sqlite) needs database = "path"]] },
      { '{ driver = "sqlite", database = "" }',
        [[lmigrate.lua: connection 'c' (sqlite) needs database = "path"]] },
      { '{ driver = "postgres", port = { 5432 } }', "lmigrate.lua: connection 'c': port must be a string" },
      { '{ driver = "postgres", password = true }',
        "lmigrate.lua: connection 'c': password must be a string" },
    }

    for _, case in ipairs(BAD) do
      it("refuses " .. case[1], function()
        assert_raises("config", case[2], function()
          resolve("return { default = 'c', connections = { c = " .. case[1] .. " } }")
        end)
      end)
    end

    it("refuses a malformed url (usage)", function()
      assert_raises("usage", "malformed database URL 'nope' " .. PG_FORM, function()
        resolve('return { default = "c", connections = { c = { driver = "postgres", url = "nope" } } }')
      end)
    end)
  end)

  describe("the migrations and seeds sections", function()
    it("takes the folders and the history table", function()
      local r = resolve('return { migrations = { path = "m", table = "history" }, '
        .. 'seeds = { path = "s" } }')
      assert.same({ "m", "history", "s" }, { r.migrations, r.table, r.seeds })
    end)

    it("lets --path win over migrations.path", function()
      assert.equals("cli", resolve('return { migrations = { path = "m" } }', { path = "cli" }).migrations)
    end)

    it("refuses a history table that is not a name", function()
      for _, v in ipairs { '""', "5" } do
        assert_raises("config", "lmigrate.lua: migrations.table must be a table name (string)",
          function() resolve("return { migrations = { table = " .. v .. " } }") end)
      end
    end)

    it("refuses a section that is not a table", function()
      for _, key in ipairs { "migrations", "connections", "seeds" } do
        assert_raises("config", ("lmigrate.lua: '%s' must be a table, got string"):format(key),
          function() resolve("return { " .. key .. " = 'x' }") end)
      end
    end)
  end)

  describe("lmigrate.lua itself", function()
    it("refuses a syntax error, naming the file and line", function()
      local e = raised(function() resolve("return {\n  default = \n") end)
      assert.equals("config", e.kind)
      assert.truthy(e.message:find(path .. ":3:", 1, true), e.message)
    end)

    it("refuses an error while it runs, with its message", function()
      local e = raised(function() resolve('error("no such thing")') end)
      assert.equals("config", e.kind)
      assert.truthy(e.message:find("no such thing", 1, true), e.message)
    end)

    it("keeps the message of an lmigrate error raised inside", function()
      assert_raises("config", "from inside", function()
        resolve('require("lmigrate.errors").raise("usage", "from inside")')
      end)
    end)

    it("refuses a file that returns no table", function()
      assert_raises("config", path .. ": must return a table, got number",
        function() resolve("return 42") end)
      assert_raises("config", path .. ": must return a table, got nil", function() resolve("") end)
    end)

    it("reads an empty table as no configuration", function()
      assert.same({ DEFAULT }, resolve("return {}").connections)
    end)
  end)
end)
