-- The first run in a new folder: migrate makes databases/ and the SQLite
-- file, the commands that only read never make a database file, a
-- server's missing database is named with db:create to make it, db:drop
-- is guarded, wait waits for a server, and .env gives DATABASE_URL and
-- Laravel's DB_* under the real environment.
local helpers = require("spec.helpers")
local servers = require("spec.support.servers")

local quote = helpers.quote

-- an empty temp folder: no databases/, no lmigrate.lua
local function folder()
  local dir = helpers.mktemp_dir()
  return { dir = dir, path = function(_, rel) return dir .. "/" .. rel end,
           cleanup = function() helpers.sh("rm -rf " .. quote(dir)) end }
end

local NO_ENV = { DB_CONNECTION = "", LMIGRATE_ENV = "", APP_ENV = "" }

local function run(f, args, env)
  local e = {}
  for k, v in pairs(NO_ENV) do e[k] = v end
  for k, v in pairs(env or {}) do e[k] = v end
  return helpers.run(args, { cwd = f.dir, env = e })
end

local function migration(f, name)
  helpers.sh("mkdir -p " .. quote(f:path("databases/migrations")))
  helpers.write_file(f:path("databases/migrations/" .. name .. ".lua"),
    helpers.create_table_migration("posts"))
end

describe("a folder without databases/", function()
  local f
  before_each(function() f = folder() end)
  after_each(function() f.cleanup() end)

  it("migrate creates databases/ and the SQLite file, and says there is nothing to migrate", function()
    local r = run(f, { "migrate" })
    helpers.assert_status(0, r)
    assert.truthy(r.stdout:find("Nothing to migrate", 1, true), r.stdout)
    assert.is_true(helpers.exists(f:path("databases/database.sqlite")))
    helpers.assert_status(0, run(f, { "status" }))
  end)

  it("status, migrate --pretend, rollback --pretend and sql create no database file", function()
    for _, args in ipairs { { "status" }, { "migrate", "--pretend" }, { "rollback", "--pretend" },
                            { "sql" } } do
      helpers.assert_status(0, run(f, args))
      assert.is_false(helpers.exists(f:path("databases")), table.concat(args, " "))
    end
  end)

  it("with a pending migration, status lists it and --pretend prints it, creating nothing", function()
    migration(f, "2026_01_01_000000_create_posts")
    local r = run(f, { "status" })
    helpers.assert_status(0, r)
    assert.truthy(r.stdout:find("2026_01_01_000000_create_posts", 1, true), r.stdout)
    assert.truthy(r.stdout:find("Pending", 1, true), r.stdout)
    r = run(f, { "migrate", "--pretend" })
    helpers.assert_status(0, r)
    assert.truthy(r.stdout:find('CREATE TABLE "posts"', 1, true), r.stdout)
    assert.is_false(helpers.exists(f:path("databases/database.sqlite")))
    helpers.assert_status(0, run(f, { "migrate" }))
    assert.is_true(helpers.exists(f:path("databases/database.sqlite")))
  end)

  it("an explicit path in a missing folder is still an error (exit 3), creating nothing", function()
    local r = run(f, { "migrate", "--database", "sqlite:nowhere/x.db" })
    helpers.assert_status(3, r)
    assert.is_false(helpers.exists(f:path("nowhere")))
  end)
end)

describe("db:create and db:drop on SQLite", function()
  local f
  before_each(function() f = folder() end)
  after_each(function() f.cleanup() end)

  it("create the file (and its folder) and remove it, saying so; twice is no error", function()
    local r = run(f, { "db:create" })
    helpers.assert_status(0, r)
    assert.truthy(r.stdout:find("created", 1, true), r.stdout)
    assert.is_true(helpers.exists(f:path("databases/database.sqlite")))
    r = run(f, { "db:create" })
    helpers.assert_status(0, r)
    assert.truthy(r.stdout:find("already exists", 1, true), r.stdout)
    r = run(f, { "db:drop" })
    helpers.assert_status(0, r)
    assert.is_false(helpers.exists(f:path("databases/database.sqlite")))
    r = run(f, { "db:drop" })
    helpers.assert_status(0, r)
    assert.truthy(r.stdout:find("does not exist", 1, true), r.stdout)
  end)

  it("db:drop in production refuses without --force (exit 2) and drops with it", function()
    helpers.assert_status(0, run(f, { "db:create" }))
    local r = run(f, { "db:drop" }, { LMIGRATE_ENV = "production" })
    helpers.assert_status(2, r)
    assert.truthy(r.stderr:find("production", 1, true), r.stderr)
    assert.is_true(helpers.exists(f:path("databases/database.sqlite")))
    helpers.assert_status(0, run(f, { "db:drop", "--force" }, { LMIGRATE_ENV = "production" }))
    assert.is_false(helpers.exists(f:path("databases/database.sqlite")))
  end)
end)

-- a database of the server that does not exist yet: named, then created and dropped
local function missing_database(url, f)
  local r = run(f, { "migrate", "--database", url })
  helpers.assert_status(3, r)
  assert.truthy(r.stderr:find("does not exist", 1, true), r.stderr)
  assert.truthy(r.stderr:find("lmigrate db:create", 1, true), r.stderr)
  r = run(f, { "db:create", "--database", url })
  helpers.assert_status(0, r)
  assert.truthy(r.stdout:find("created", 1, true), r.stdout)
  helpers.assert_status(0, run(f, { "db:create", "--database", url }))
  migration(f, "2026_01_01_000000_create_posts")
  helpers.assert_status(0, run(f, { "migrate", "--database", url }))
  r = run(f, { "db:drop", "--database", url })
  helpers.assert_status(0, r)
  assert.truthy(r.stdout:find("dropped", 1, true), r.stdout)
  helpers.assert_status(3, run(f, { "status", "--database", url }))
end

describe("a server's database that does not exist [#postgres]", function()
  local pg = servers.need("postgres", "db:create on PostgreSQL")
  if not pg then return end
  local f
  before_each(function() f = folder() end)
  after_each(function() f.cleanup() end)

  it("is named, with db:create to make it; db:create, migrate, db:drop", function()
    local name = helpers.unique_name("lm_fh"):lower()
    missing_database(pg:url_with_db(name), f)
  end)

  it("comes from Laravel's DB_* variables of .env", function()
    local name = helpers.unique_name("lm_env"):lower()
    local user, pass, host, port = pg:url_with_db("x")
      :match("^postgres[%w]*://([^:@]*):?([^@]*)@([^:/]*):?(%d*)/")
    helpers.write_file(f:path(".env"), table.concat({
      "DB_CONNECTION=pgsql", "DB_HOST=" .. host, "DB_PORT=" .. (port ~= "" and port or "5432"),
      "DB_DATABASE=" .. name, "DB_USERNAME=" .. user, 'DB_PASSWORD="' .. pass .. '"', "" }, "\n"))
    local r = run(f, { "status" })
    helpers.assert_status(3, r)
    assert.truthy(r.stderr:find(name, 1, true), r.stderr)
    helpers.assert_status(0, run(f, { "db:create" }))
    helpers.assert_status(0, run(f, { "status" }))
    helpers.assert_status(0, run(f, { "db:drop" }))
  end)
end)

describe("Laravel's DB_SOCKET [#mysql]", function()
  local my = servers.need("mariadb", "DB_SOCKET of .env")
  if not my then return end
  local f
  before_each(function() f = folder() end)
  after_each(function() f.cleanup() end)

  it("wins over DB_HOST and DB_PORT, as in Laravel's MySqlConnector", function()
    helpers.write_file(f:path(".env"), table.concat({
      "DB_CONNECTION=mariadb", "DB_HOST=127.0.0.1", "DB_PORT=1", "DB_SOCKET=" .. my.socket,
      "DB_DATABASE=" .. my.database, "DB_USERNAME=root", "" }, "\n"))
    helpers.assert_status(0, run(f, { "status" }))
    helpers.write_file(f:path(".env"), table.concat({
      "DB_CONNECTION=mysql", "DB_SOCKET=" .. my.socket, "DB_DATABASE=" .. my.database,
      "DB_USERNAME=root", "" }, "\n"))
    helpers.assert_status(0, run(f, { "status" }))
  end)
end)

describe("db:create of a connection of lmigrate.lua's fields [#postgres]", function()
  local pg = servers.need("postgres", "db:create from lmigrate.lua fields")
  if not pg then return end
  local f
  before_each(function() f = folder() end)
  after_each(function() f.cleanup() end)

  it("reads the database name out of the fields, quotes and all", function()
    local name = helpers.unique_name("lm_f'q"):lower()
    local user, pass, host, port = pg:url_with_db("x")
      :match("^postgres[%w]*://([^:@]*):?([^@]*)@([^:/]*):?(%d*)/")
    helpers.write_file(f:path("lmigrate.lua"), ("return { connections = { default = { driver = %q,"
      .. " host = %q, port = %q, user = %q, password = %q, database = %q } } }\n")
      :format("postgres", host, port ~= "" and port or "5432", user, pass, name))
    helpers.assert_status(3, run(f, { "status" }))
    local r = run(f, { "db:create" })
    helpers.assert_status(0, r)
    assert.truthy(r.stdout:find(name, 1, true), r.stdout)
    helpers.assert_status(0, run(f, { "status" }))
    helpers.assert_status(0, run(f, { "db:drop" }))
    helpers.assert_status(3, run(f, { "status" }))
  end)
end)

describe("a server's database that does not exist [#mysql]", function()
  local my = servers.need("mariadb", "db:create on MySQL")
  if not my then return end
  local f
  before_each(function() f = folder() end)
  after_each(function() f.cleanup() end)

  it("is named, with db:create to make it; db:create, migrate, db:drop", function()
    local name = helpers.unique_name("lm_fh"):lower()
    missing_database(("mysql://root@localhost/%s?socket=%s"):format(name, my.socket), f)
  end)
end)

describe("lmigrate wait", function()
  local f
  before_each(function() f = folder() end)
  after_each(function() f.cleanup() end)

  it("returns at once when the database answers", function()
    local r = run(f, { "wait" })
    helpers.assert_status(0, r)
    assert.truthy(r.stdout:find("accepts connections", 1, true), r.stdout)
  end)

  it("gives up after --timeout with the last failure (exit 3)", function()
    local t0 = os.time()
    local r = run(f, { "wait", "--timeout", "2s", "--database", "postgres://u@127.0.0.1:1/x" })
    helpers.assert_status(3, r)
    assert.truthy(os.time() - t0 >= 1, "returned before the timeout")
    assert.truthy(r.stdout:find("Waiting for", 1, true), r.stdout)
    assert.truthy(r.stderr:find("cannot connect", 1, true), r.stderr)
  end)

  it("a bad --timeout is bad usage (exit 2)", function()
    helpers.assert_status(2, run(f, { "wait", "--timeout", "soon" }))
  end)
end)

describe(".env in the project folder", function()
  local f
  before_each(function() f = folder() end)
  after_each(function() f.cleanup() end)

  it("gives DATABASE_URL", function()
    helpers.write_file(f:path(".env"), "# comment\nDATABASE_URL=sqlite:from_env.db\n")
    helpers.assert_status(0, run(f, { "migrate" }))
    assert.is_true(helpers.exists(f:path("from_env.db")))
    assert.is_false(helpers.exists(f:path("databases")))
  end)

  it("never overrides the real environment", function()
    helpers.write_file(f:path(".env"), "DATABASE_URL=sqlite:from_file.db\n")
    helpers.assert_status(0, run(f, { "migrate" }, { DATABASE_URL = "sqlite:from_real.db" }))
    assert.is_true(helpers.exists(f:path("from_real.db")))
    assert.is_false(helpers.exists(f:path("from_file.db")))
  end)

  it("gives Laravel's DB_CONNECTION=sqlite and DB_DATABASE", function()
    helpers.write_file(f:path(".env"), "DB_CONNECTION=sqlite\nDB_DATABASE='laravel.sqlite'\n")
    helpers.assert_status(0, run(f, { "migrate" }))
    assert.is_true(helpers.exists(f:path("laravel.sqlite")))
  end)

  it("an unknown DB_CONNECTION is a configuration error (exit 2)", function()
    helpers.write_file(f:path(".env"), "DB_CONNECTION=sqlsrv\n")
    local r = run(f, { "migrate" })
    helpers.assert_status(2, r)
    assert.truthy(r.stderr:find("sqlsrv", 1, true), r.stderr)
  end)
end)

describe("--database NAME", function()
  local f
  before_each(function()
    f = folder()
    helpers.write_file(f:path("lmigrate.lua"), [[
return { default = "main", connections = {
  main = { driver = "sqlite", database = "main.db" },
  testing = { driver = "sqlite", database = "testing.db" } } }
]])
  end)
  after_each(function() f.cleanup() end)

  it("names a connection of lmigrate.lua (Laravel's meaning)", function()
    helpers.assert_status(0, run(f, { "migrate", "--database", "testing" }))
    assert.is_true(helpers.exists(f:path("testing.db")))
    assert.is_false(helpers.exists(f:path("main.db")))
  end)

  it("a near miss is bad usage with a suggestion", function()
    local r = run(f, { "migrate", "--database", "testin" })
    helpers.assert_status(2, r)
    assert.truthy(r.stderr:find("did you mean 'testing'?", 1, true), r.stderr)
  end)
end)
