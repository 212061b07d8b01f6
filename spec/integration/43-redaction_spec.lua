-- No password in what lmigrate prints (issue #13, defect 8): every error
-- path's output, lmigrate's own messages and libpq's, is searched for the
-- password it was given. A password with '/' or '@' that libpq would read
-- as part of the host is refused before libpq sees it (exit 2).
local helpers = require("spec.helpers")
local servers = require("spec.support.servers")

local ONE = "2026_01_01_000001_create_one"
local SECRET = "Zq7-secret-Pw"

local env = servers.without_pg_env

-- the run's status is 'status', its output names 'says', and no piece of
-- 'secret' longer than 2 bytes shows in stdout or stderr
local function clean(r, status, says, secret)
  helpers.assert_status(status, r)
  if says then
    assert(r.stderr:find(says, 1, true), ("stderr does not say %q\n%s"):format(says, helpers.describe_run(r)))
  end
  secret = secret or SECRET
  for piece in secret:gmatch("[^/@%%:]+") do
    if #piece > 2 then
      assert(not r.output:find(piece, 1, true),
        ("%q of the password is printed\n%s"):format(piece, helpers.describe_run(r)))
    end
  end
  assert.is_nil(r.stderr:find("stack traceback", 1, true), helpers.describe_run(r))
end

describe("passwords in messages", function()
  local project

  before_each(function()
    project = helpers.project("sqlite")   -- a folder: nothing connects to its database
    project:write(ONE, helpers.create_table_migration("one"))
  end)
  after_each(function()
    if project then project:cleanup() end
    project = nil
  end)

  local function config(text) helpers.write_file(project:path("lmigrate.lua"), text) end

  -- { what, URL, exit status, words of the message }
  local URLS = {
    { "a password with '/'", "postgres://u:" .. SECRET .. "/x@127.0.0.1:1/db", 2, "%2F" },
    { "a password with '@'", "postgres://u:" .. SECRET .. "@x@127.0.0.1:1/db", 2, "%40" },
    { "a bad %-escape", "postgres://u:" .. SECRET .. "%zz@127.0.0.1:1/db", 2, "%25" },
    { "a space", "postgres://u:" .. SECRET .. " x@127.0.0.1:1/db", 2, "spaces are not allowed" },
    { "an unknown scheme", "pgsql://u:" .. SECRET .. "@127.0.0.1:1/db", 2, "malformed database URL" },
    { "a refused connection", "postgres://u:" .. SECRET .. "@127.0.0.1:1/db", 3, "Connection refused" },
    { "?password=", "postgres://u@127.0.0.1:1/db?password=" .. SECRET, 3, "Connection refused" },
    { "a URL libpq quotes (IPv6)", "postgres://u:" .. SECRET .. "@[::1/db", 3, "IPv6" },
    { "a bad URL parameter libpq quotes", "postgres://u:" .. SECRET .. "@127.0.0.1:1/db?sslmode=bogus",
      3, "bogus" },
  }

  for _, case in ipairs(URLS) do
    for _, cmd in ipairs { "migrate", "status", "rollback" } do
      it(cmd .. ": " .. case[1] .. " in --database", function()
        clean(project:run({ cmd, "--database", case[2] }, { env = env() }), case[3], case[4])
      end)
    end
    it(case[1] .. " in DATABASE_URL", function()
      clean(project:run({ "migrate" }, { env = env { DATABASE_URL = case[2] } }), case[3], case[4])
    end)
    it(case[1] .. " in lmigrate.lua's url", function()
      config(("return { default = 'main', connections = { main = { driver = 'postgres', url = %q } } }")
        :format(case[2]))
      clean(project:run({ "migrate" }, { env = env() }), case[3], case[4])
    end)
  end

  it("a password field of lmigrate.lua, with several connections", function()
    config(([[return { connections = {
      a = { driver = "postgres", host = "127.0.0.1", port = 1, user = "u", password = %q, database = "d" },
      b = { driver = "postgres", url = "postgres://u:%s@127.0.0.1:1/d" } } }]]):format(SECRET, SECRET))
    local r = project:run({ "migrate", "--connection", "a,b" }, { env = env() })
    clean(r, 1, "Connection refused")
    assert.truthy(r.stderr:find("[a]", 1, true) and r.stderr:find("[b]", 1, true), r.stderr)
  end)

  local pg = helpers.dialects.postgres
  local with_server = servers.it_with("postgres")

  -- the spec server's URL with 'password' for its password
  local function pg_url(password, db)
    local scheme, user, host = pg.base:match("^(postgres%w*)://([^:@/]*):?[^@/]*@([^/]*)/")
    return ("%s://%s:%s@%s/%s"):format(scheme, user, password, host, db or "postgres")
  end

  with_server("a wrong password: the server's message, without it", function()
    clean(project:run({ "migrate", "--database", pg_url(SECRET) }, { env = env() }), 3,
          "password authentication failed")
  end)

  with_server("a migration that fails, a seeder that fails, status: none shows the real password", function()
    local real = pg.base:match("^postgres%w*://[^:@/]*:([^@/]*)@")
    assert(real and #real > 2, "the spec server's URL has no password to look for: " .. pg.base)
    local db = helpers.project(pg)
    db:write(ONE, helpers.migration { up = '  self.db:execute("SELECT * FROM nowhere")', down = "" })
    local url = db:url()
    local ok, err = pcall(function()
      clean(db:run({ "migrate", "--database", url }, { env = env() }), 1, "nowhere", real)
      clean(db:run({ "status", "--database", url }, { env = env() }), 0, nil, real)
      clean(db:run({ "status", "--json", "--database", url }, { env = env() }), 0, nil, real)
      clean(db:run({ "seed", "--database", url }, { env = env() }), 1, "seeder", real)
      clean(db:run({ "migrate", "--database", url .. "&" }, { env = env() }), 3, nil, real)
    end)
    db:cleanup()
    if not ok then error(err, 0) end
  end)
end)
