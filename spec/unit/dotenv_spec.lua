-- lmigrate.dotenv: a project's .env as phpdotenv reads it, under the
-- real environment, and Laravel's DB_* as a database URL.
local dotenv = require("lmigrate.dotenv")

describe("dotenv.parse", function()
  it("reads bare, 'single' and \"double\" values, export, comments and CRLF", function()
    assert.same({
      A = "1", B = "two words", C = "lit $x \\n", D = "line\nnext \"q\"", E = "", F = "x",
      G = "",
    }, dotenv.parse(table.concat({
      "# a comment", "A=1", "B = two words   # trailing comment", "C='lit $x \\n'",
      'D="line\\nnext \\"q\\""', "E=", "export F=x\r", 'G=""', "not a line", "" }, "\n")))
  end)
end)

describe("dotenv.getenv", function()
  local path
  before_each(function()
    path = os.tmpname()
    local f = assert(io.open(path, "w"))
    f:write("DATABASE_URL=sqlite:file.db\nONLY_FILE=yes\n")
    f:close()
  end)
  after_each(function() os.remove(path) end)

  it("answers from the real environment first, then the file", function()
    local real = { DATABASE_URL = "sqlite:real.db" }
    local get = dotenv.getenv(function(k) return real[k] end, path)
    assert.equals("sqlite:real.db", get("DATABASE_URL"))
    assert.equals("yes", get("ONLY_FILE"))
    assert.is_nil(get("NOWHERE"))
  end)

  it("takes a variable set to \"\" for unset", function()
    local get = dotenv.getenv(function() return "" end, path)
    assert.equals("sqlite:file.db", get("DATABASE_URL"))
  end)

  it("is empty without a file", function()
    local get = dotenv.getenv(function() return nil end, path .. ".missing")
    assert.is_nil(get("DATABASE_URL"))
  end)
end)

describe("dotenv.laravel_url", function()
  local function url(t) return dotenv.laravel_url(function(k) return t[k] end, error) end

  it("is nil without DB_CONNECTION", function()
    assert.is_nil(url({ DB_HOST = "h" }))
  end)

  it("writes pgsql, mysql (with DB_SOCKET) and sqlite as URLs, escaping the password", function()
    assert.equals("postgres://app:p%40ss%2Fw@db:5433/shop", url({ DB_CONNECTION = "pgsql",
      DB_HOST = "db", DB_PORT = "5433", DB_DATABASE = "shop", DB_USERNAME = "app",
      DB_PASSWORD = "p@ss/w" }))
    -- the socket wins over DB_HOST and DB_PORT, as in Laravel's MySqlConnector
    assert.equals("mysql://root@localhost/shop?socket=%2Ftmp%2Fm.sock", url({
      DB_CONNECTION = "mysql", DB_DATABASE = "shop", DB_USERNAME = "root",
      DB_SOCKET = "/tmp/m.sock" }))
    assert.equals("mysql://root@localhost/shop?socket=%2Ftmp%2Fm.sock", url({
      DB_CONNECTION = "mariadb", DB_HOST = "127.0.0.1", DB_PORT = "3306", DB_DATABASE = "shop",
      DB_USERNAME = "root", DB_SOCKET = "/tmp/m.sock" }))
    assert.equals("mysql://u@[::1]:3306/d", url({ DB_CONNECTION = "mariadb", DB_HOST = "::1",
      DB_PORT = "3306", DB_DATABASE = "d", DB_USERNAME = "u" }))
    assert.equals("sqlite:database/database.sqlite", url({ DB_CONNECTION = "sqlite",
      DB_DATABASE = "database/database.sqlite" }))
  end)

  it("an unknown DB_CONNECTION is refused, naming it", function()
    assert.has_error(function() url({ DB_CONNECTION = "sqlsrv" }) end,
      "DB_CONNECTION=sqlsrv: lmigrate knows sqlite, pgsql, mysql and mariadb")
  end)
end)
