-- The bulk-loading pieces of lmigrate.core under db:insert (src/driver/bulk.c,
-- src/driver/pg_copy.c, src/driver/my_infile.c): the columns of a list of
-- rows, their values, stmt:exec_rows, COPY's text format and LOAD DATA's,
-- the copy_* methods of a PostgreSQL connection (under pg_virtualenv, or with
-- DATABASE_URL=postgres://...), and the load_* methods of a MySQL one with
-- db:insert on top of them (LMIGRATE_MYSQL_SOCKET, scripts/with-mariadb.sh);
-- without a server those are pending, or fail under CI: spec.support.servers.
local core = require("lmigrate.core")
local servers = require("spec.support.servers")
local shell = require("spec.support.shell")

local null = core.null

local pg_server = servers.find("postgres")
local PG = pg_server and pg_server.conninfo
local pg_it = servers.it_with("postgres")

local my_server = servers.find("mariadb")
local MY = my_server and { user = "root", socket = my_server.socket }
local my_it = servers.it_with("mariadb")

-- runs a copy_* call that may ask to wait until it gives its outcome
local function settle(conn, method, ...)
  local a, b, c = conn[method](conn, ...)
  while a == "read" or a == "write" do
    core.wait({ [b] = a })
    a, b, c = conn[method](conn)
  end
  return a, b, c
end

describe("core.insert_columns", function()
  it("is every key of every row, sorted", function()
    assert.same({ "a", "b", "c" }, core.insert_columns({ { b = 1 }, { c = 2, a = 3 }, { b = 4 } }))
    assert.same({ "x" }, core.insert_columns({ { x = null } }))
  end)

  it("refuses an empty list, a row that is not a table, a key that is not a name", function()
    assert.error_matches(function() core.insert_columns({}) end, "non%-empty list")
    assert.error_matches(function() core.insert_columns({ { a = 1 }, 7 }) end,
                         "row 2 is a number")
    assert.error_matches(function() core.insert_columns({ { a = 1 }, { [1] = 2 } }) end,
                         "row 2 has a number key")
    assert.error_matches(function() core.insert_columns({ {} }) end, "at least one column")
    -- sorted as C strings, "a\0b" would become "a"
    assert.error_matches(function() core.insert_columns({ { ["a\0b"] = 1 } }) end,
                         "row 1 has a column name with a NUL byte")
  end)
end)

describe("odd inputs found by fuzzing", function()
  local function long(n)
    return setmetatable({}, { __len = function() return n end,
                              __index = function() return "a" end })
  end

  it("refuses a list of columns whose __len is too long", function()
    for _, f in ipairs({ core.row_values, core.copy_encode }) do
      assert.error_matches(function() f(long(2147483647), { { a = 1 } }, 1, 1) end,
                           "too many columns")
      assert.error_matches(function() f(long(math.maxinteger), { { a = 1 } }, 1, 1) end,
                           "too many columns")
    end
  end)

  it("does not make room for a range far longer than the list", function()
    assert.error_matches(function() core.copy_encode({ "a" }, { { a = 1 } }, 1, 2 ^ 40) end,
                         "row 2 is missing")
    assert.error_matches(function() core.copy_encode({ "a" }, { { a = 1 } }, 1, math.maxinteger) end,
                         "row 2 is missing")
  end)

  it("ends a range at math.maxinteger", function()
    local rows = { [math.maxinteger] = { a = 7 } }
    local m = math.maxinteger
    assert.same({ 7 }, { core.row_values({ "a" }, rows, m, m) })
    assert.equals("7\n", core.copy_encode({ "a" }, rows, m, m))
  end)
end)

describe("core paths", function()
  it("raises for a path with a NUL byte, which would be cut short", function()
    for _, f in ipairs({ core.listdir, core.isdir, core.mkdir, core.checksum_file, core.lock }) do
      assert.error_matches(function() f("a\0b") end, "path must not contain a NUL byte")
    end
  end)
end)

describe("core.wait", function()
  it("raises for a timeout that is not a non-negative number", function()
    for _, t in ipairs({ 0 / 0, -1, -1 / 0 }) do
      assert.error_matches(function() core.wait({}, t) end, "timeout must be a non%-negative")
    end
  end)

  it("raises for keys that are not descriptors and values not read or write", function()
    assert.error_matches(function() core.wait({ [-1] = "read" }, 0) end, "file descriptors")
    assert.error_matches(function() core.wait({ [2 ^ 40] = "read" }, 0) end, "file descriptors")
    assert.error_matches(function() core.wait({ [1.5] = "read" }, 0) end, "file descriptors")
    assert.error_matches(function() core.wait({ x = "read" }, 0) end, "file descriptors")
    assert.error_matches(function() core.wait({ [0] = "bogus" }, 0) end, "'read' or 'write'")
    assert.error_matches(function() core.wait({ [0] = 1 }, 0) end, "'read' or 'write'")
  end)

  it("raises when it would wait forever on nothing", function()
    assert.error_matches(function() core.wait({}) end, "no descriptor")
    assert.same({}, core.wait({}, 0))
    assert.same({}, core.wait({}, 1e-9))
  end)
end)

describe("core.row_values", function()
  it("flattens rows in column order, NULL for what a row lacks", function()
    local rows = { { a = 1, b = "x" }, { b = false }, { a = 2.5 } }
    assert.same({ 1, "x", null, false, 2.5, null },
                { core.row_values({ "a", "b" }, rows, 1, 3) })
    assert.same({ 2.5, null }, { core.row_values({ "a", "b" }, rows, 3, 3) })
  end)

  it("refuses a value that is not an SQL value, and a bad range", function()
    assert.error_matches(function() core.row_values({ "a" }, { { a = {} } }, 1, 1) end,
                         "row 1, column 'a': a table is not an SQL value")
    assert.error_matches(function() core.row_values({ "a" }, { { a = 1 } }, 1, 2) end,
                         "row 2 is missing")
    assert.has_error(function() core.row_values({ "a" }, { { a = 1 } }, 2, 1) end)
  end)
end)

describe("core.copy_encode", function()
  it("writes COPY's text format: tabs, one line a row, \\N for NULL", function()
    local data = core.copy_encode({ "a", "b", "c", "d" },
      { { a = 1, b = "x", c = true, d = -7 }, { b = null, c = false, d = 0.5 } }, 1, 2)
    assert.equals("1\tx\ttrue\t-7\n\\N\t\\N\tfalse\t0.5\n", data)
  end)

  it("escapes backslash, tab, newline and carriage return", function()
    assert.equals("a\\\\b\\tc\\nd\\re\\\\N\n",
                  core.copy_encode({ "s" }, { { s = "a\\b\tc\nd\re\\N" } }, 1, 1))
  end)

  it("writes numbers that read back the same", function()
    local data = core.copy_encode({ "n" }, { { n = math.mininteger }, { n = 0.1 }, { n = 1e300 },
                                             { n = 1 / 0 }, { n = -1 / 0 } }, 1, 5)
    assert.same({ tostring(math.mininteger), "0.1", "1e+300", "Infinity", "-Infinity" },
                (function() local t = {} for l in data:gmatch("[^\n]+") do t[#t + 1] = l end return t end)())
  end)

  it("gives nil and why for a string with a NUL byte", function()
    local data, why = core.copy_encode({ "s" }, { { s = "ok" }, { s = "a\0b" } }, 1, 2)
    assert.is_nil(data)
    assert.matches("row 2, column 's'", why)
  end)

  it("writes LOAD DATA's format for \"mysql\": booleans 1/0, NUL as \\0", function()
    local data = core.copy_encode({ "a", "b", "c" },
      { { a = true, b = "x\0y\\N\t\n\r", c = false }, { b = null, c = 0.5 } }, 1, 2, "mysql")
    assert.equals("1\tx\\0y\\\\N\\t\\n\\r\t0\n\\N\t\\N\t0.5\n", data)
    assert.equals("1\t\\N\n", core.copy_encode({ "a", "b" }, { { a = 1 } }, 1, 1, "mysql"))
  end)

  it("gives nil and why for NaN and the infinities in the \"mysql\" format", function()
    for _, x in ipairs({ 0 / 0, 1 / 0, -1 / 0 }) do
      local data, why = core.copy_encode({ "n" }, { { n = 1 }, { n = x } }, 1, 2, "mysql")
      assert.is_nil(data)
      assert.matches("row 2, column 'n': NaN or an infinity", why)
    end
    assert.error_matches(function() core.copy_encode({ "n" }, { { n = 1 } }, 1, 1, "csv") end,
                         "invalid option 'csv'")
  end)
end)

describe("stmt:exec_rows [#sqlite]", function()
  local conn

  before_each(function()
    conn = assert(core.connect("sqlite", ":memory:"))
    assert(conn:exec("CREATE TABLE t (a INTEGER, b TEXT)"))
  end)

  after_each(function() conn:close() end)

  it("binds rows[first..last] to a multi-row INSERT", function()
    local stmt = assert(conn:prepare("INSERT INTO t (a, b) VALUES (?, ?), (?, ?)"))
    local rows = { { a = 1, b = "one" }, { a = 2 }, { a = 3, b = "it's" }, { b = "four" } }
    assert.equals(2, stmt:exec_rows({ "a", "b" }, rows, 1, 2))
    assert.equals(2, stmt:exec_rows({ "a", "b" }, rows, 3, 4))
    stmt:close()
    local got = conn:query("SELECT a, b FROM t ORDER BY rowid")
    assert.same({ { a = 1, b = "one" }, { a = 2, b = null }, { a = 3, b = "it's" },
                  { a = null, b = "four" } }, got)
  end)

  it("says how many parameters it takes when the rows do not fit", function()
    local stmt = assert(conn:prepare("INSERT INTO t (a, b) VALUES (?, ?)"))
    local n, msg = stmt:exec_rows({ "a", "b" }, { { a = 1 }, { a = 2 } }, 1, 2)
    assert.is_nil(n)
    assert.matches("wrong number of parameters", msg)
    stmt:close()
  end)

  it("has no COPY", function()
    assert.error_matches(function() conn:copy_begin("COPY t FROM STDIN") end,
      "COPY FROM STDIN is not supported by the sqlite driver")
  end)
end)

describe("COPY FROM STDIN [#postgres]", function()
  local conn

  before_each(function()
    if not PG then return end
    conn = assert(core.connect("postgres", PG))
    assert(conn:exec("CREATE TEMPORARY TABLE t (id INTEGER PRIMARY KEY, s TEXT, f BOOLEAN)"))
  end)

  after_each(function()
    if conn then conn:close() end
    conn = nil
  end)

  pg_it("loads what copy_put sends and counts it at copy_end", function()
    local rows = {}
    for i = 1, 5000 do
      rows[i] = { id = i, s = (i % 2 == 0) and ("it's\t\\" .. i) or null, f = i % 3 == 0 }
    end
    assert.is_true(conn:copy_begin('COPY t (f, id, s) FROM STDIN'))
    assert.is_true(conn:copy_put(core.copy_encode({ "f", "id", "s" }, rows, 1, 2500)))
    assert.is_true(conn:copy_put(core.copy_encode({ "f", "id", "s" }, rows, 2501, 5000)))
    assert.is_true(settle(conn, "copy_flush"))
    assert.equals(5000, settle(conn, "copy_end"))
    local r = conn:query("SELECT COUNT(*) AS n, COUNT(s) AS s, "
                         .. "SUM(CASE WHEN f THEN 1 ELSE 0 END) AS f FROM t")[1]
    assert.same({ n = 5000, s = 2500, f = 1666 }, r)
    assert.equals("it's\t\\4", conn:query("SELECT s FROM t WHERE id = 4")[1].s)
  end)

  pg_it("keeps the connection busy until copy_end", function()
    assert.is_true(conn:copy_begin("COPY t (id) FROM STDIN"))
    assert.error_matches(function() conn:exec("SELECT 1") end, "COPY is in progress")
    assert.error_matches(function() conn:send("SELECT 1") end, "COPY is in progress")
    assert.error_matches(function() conn:copy_begin("COPY t (id) FROM STDIN") end, "pending")
    assert.equals(0, settle(conn, "copy_end"))
    assert.error_matches(function() conn:copy_put("1\n") end, "no COPY in progress")
    assert.equals(1, conn:exec("INSERT INTO t (id) VALUES (1)"))
  end)

  pg_it("reports a bad row with the server's context, then works on", function()
    assert.is_true(conn:copy_begin("COPY t (id) FROM STDIN"))
    assert.is_true(conn:copy_put("1\n2\n2\n"))
    local n, msg, code = settle(conn, "copy_end")
    assert.is_nil(n)
    assert.matches("duplicate key", msg)
    assert.matches("COPY t, line 3", msg, 1, true)
    assert.equals("23505", code)
    assert.same({ { n = 1 } }, conn:query("SELECT 1 AS n"))
  end)

  pg_it("aborts with copy_end(why): nothing loaded", function()
    assert.is_true(conn:copy_begin("COPY t (id) FROM STDIN"))
    assert.is_true(conn:copy_put("1\n2\n"))
    local n, msg = settle(conn, "copy_end", "changed my mind")
    assert.is_nil(n)
    assert.matches("changed my mind", msg, 1, true)
    assert.same({ { n = 0 } }, conn:query("SELECT COUNT(*) AS n FROM t"))
  end)

  pg_it("refuses what is not COPY FROM STDIN, and a failing statement", function()
    local ok, msg = conn:copy_begin("SELECT 1")
    assert.is_nil(ok)
    assert.matches("not a COPY", msg)
    local ok2, msg2, code = conn:copy_begin("COPY nowhere (id) FROM STDIN")
    assert.is_nil(ok2)
    assert.matches("nowhere", msg2)
    assert.equals("42P01", code)
    assert.same({ { n = 1 } }, conn:query("SELECT 1 AS n"))
  end)
end)

-- {======================================================
-- MySQL: LOAD DATA LOCAL INFILE of rows in memory, and db:insert on it
-- ======================================================

-- values that make life hard for LOAD DATA's format, one column each
local HOSTILE = {
  { id = 1, s = "tab\there", t = "new\nline\r\ncrlf", b = true, d = "12345678901234567890.0123456789",
    f = 0.1, blob = "\0\255\254\1\\N\0" },
  { id = 2, s = "", t = "back\\slash \\N \\t \\0 'single' \"double\" `tick`", b = false, f = 1e300,
    blob = "" },
  { id = 3, s = null, t = "NUL\0inside and at the end\0", d = "-0.0000000001", f = -2.5e-300 },
  { id = math.maxinteger, s = "\\N", t = "\u{e9}t\u{e9} \u{2603} \u{1d11e} \u{0}" },
  { id = math.mininteger, s = "N", t = "\\", blob = null },
  { id = 6, s = "\26 ctrl-Z \8 backspace \27 esc", t = ("x"):rep(3000) },
}

local MY_TABLE = "CREATE TABLE t (id BIGINT PRIMARY KEY, s VARCHAR(100) NULL, t MEDIUMTEXT NULL, "
  .. "b TINYINT(1) NULL, d DECIMAL(30,10) NULL, f DOUBLE NULL, blob_ BLOB NULL)"

-- a DECIMAL as the driver gives it back: a number up to 15 significant digits
local function decimal(d)
  if d == nil then return null end
  local digits = d:gsub("[^%d]", ""):gsub("^0+", ""):gsub("0+$", "")
  return #digits > 15 and d or tonumber(d)
end

-- the rows of HOSTILE as the server gives them back
local function expected(r)
  return { id = r.id, s = r.s or null, t = r.t or null, b = r.b == nil and null or (r.b and 1 or 0),
           d = decimal(r.d), f = r.f or null, blob_ = r.blob or null }
end

local function hostile_rows()
  local rows = {}
  for i, r in ipairs(HOSTILE) do
    rows[i] = { id = r.id, s = r.s, t = r.t, b = r.b, d = r.d, f = r.f, blob_ = r.blob }
  end
  return rows
end

-- a load_* call that may ask to wait, run to its outcome
local function load(conn, sql, data)
  local ok, msg, code, errno = conn:load_begin(sql, data)
  if not ok then return nil, msg, code, errno end
  local a, b, c, d = conn:load_end()
  while a == "read" or a == "write" do
    core.wait({ [b] = a })
    a, b, c, d = conn:load_end()
  end
  return a, b, c, d
end

-- a database of its own for the describe block it is called in, made in its
-- setup and dropped in its teardown -> a function giving its name
local function my_database(prefix)
  local name
  setup(function()
    if not MY then return end
    name = shell.unique_name(prefix)
    local admin = assert(core.connect("mysql", "", MY))
    assert(admin:exec("CREATE DATABASE `" .. name .. "`"))
    admin:close()
  end)
  teardown(function()
    if not MY then return end
    local admin = assert(core.connect("mysql", "", MY))
    admin:exec("DROP DATABASE IF EXISTS `" .. name .. "`")
    admin:close()
  end)
  return function() return name end
end

local LOAD = "LOAD DATA LOCAL INFILE 'lmigrate' INTO TABLE t CHARACTER SET utf8mb4 "
  .. "FIELDS TERMINATED BY X'09' ENCLOSED BY '' ESCAPED BY X'5C' LINES TERMINATED BY X'0A' "

describe("LOAD DATA LOCAL INFILE [#mysql]", function()
  local conn

  local name = my_database("lmigrate_load")

  before_each(function()
    if not MY then return end
    conn = assert(core.connect("mysql", name(), MY))
    assert(conn:exec("DROP TABLE IF EXISTS t"))
    assert(conn:exec(MY_TABLE))
  end)

  after_each(function()
    if conn then conn:close() end
    conn = nil
  end)

  my_it("loads the rows of load_begin from memory, exactly, and counts them", function()
    assert.is_true(conn:supports("load"))
    local rows = hostile_rows()
    local cols = core.insert_columns(rows)
    local data = assert(core.copy_encode(cols, rows, 1, #rows, "mysql"))
    local n, warnings = load(conn, LOAD .. "(" .. table.concat(cols, ", ") .. ")", data)
    assert.equals(#rows, n)
    assert.equals(0, warnings)
    local got = assert(conn:query("SELECT * FROM t ORDER BY id"))
    local want = {}
    for i, r in ipairs(HOSTILE) do want[i] = expected(r) end
    table.sort(want, function(a, b) return a.id < b.id end)
    assert.same(want, got)
  end)

  my_it("keeps the connection busy until load_end, and waits without blocking", function()
    local rows = {}
    for i = 1, 20000 do rows[i] = { id = i, t = ("row %d "):format(i):rep(10) } end
    local data = core.copy_encode({ "id", "t" }, rows, 1, #rows, "mysql")
    assert.is_true(conn:load_begin(LOAD .. "(id, t)", data))
    assert.error_matches(function() conn:exec("SELECT 1") end, "LOAD DATA is in progress")
    assert.error_matches(function() conn:send("SELECT 1") end, "LOAD DATA is in progress")
    assert.error_matches(function() conn:poll() end, "LOAD DATA is in progress")
    assert.error_matches(function() conn:load_begin(LOAD .. "(id)", "1\n") end, "LOAD DATA is in progress")
    local waits, a, b, c = 0, conn:load_end()
    while a == "read" or a == "write" do
      waits = waits + 1
      assert.is_true(math.type(b) == "integer" and b >= 0)
      core.wait({ [b] = a })
      a, b, c = conn:load_end()
    end
    assert.is_true(waits > 0)
    assert.equals(20000, a)
    assert.equals(0, b)
    assert.is_nil(c)
    assert.error_matches(function() conn:load_end() end, "no LOAD DATA in progress")
    assert.same({ { n = 20000 } }, conn:query("SELECT COUNT(*) AS n FROM t"))
  end)

  my_it("gives a duplicate key as a warning, which the caller must read", function()
    local n, warnings = load(conn, LOAD .. "(id)", "1\n2\n2\n3\n")
    assert.equals(3, n)
    assert.equals(1, warnings)
    local w = conn:query("SHOW WARNINGS")
    assert.same({ { Level = "Warning", Code = 1062, Message = "Duplicate entry '2' for key 'PRIMARY'" } }, w)
  end)

  my_it("fails as the server says, and sends no file but its own", function()
    local n, msg, code, errno = load(conn, "LOAD DATA LOCAL INFILE 'lmigrate' INTO TABLE nowhere (id)", "1\n")
    assert.is_nil(n)
    assert.matches("nowhere", msg)
    assert.equals("42S02", code)
    assert.equals(1146, errno)
    local _
    n, msg, _, errno = conn:exec("LOAD DATA LOCAL INFILE '/etc/hostname' INTO TABLE t (s)")
    assert.is_nil(n)
    assert.matches("lmigrate sends none but the rows of its own LOAD DATA", msg, 1, true)
    assert.equals(2000, errno)
    n, msg = load(conn, "LOAD DATA LOCAL INFILE '/etc/hostname' INTO TABLE t (s)", "x\n")
    assert.is_nil(n)
    assert.matches("lmigrate sends none", msg, 1, true)
    assert.same({ { n = 0 } }, conn:query("SELECT COUNT(*) AS n FROM t"))
  end)

  my_it("is not a method of the other drivers", function()
    local lite = assert(core.connect("sqlite", ":memory:"))
    assert.is_false(lite:supports("load"))
    assert.error_matches(function() lite:load_begin("LOAD DATA", "") end,
                         "LOAD DATA LOCAL INFILE is not supported by the sqlite driver")
    lite:close()
  end)
end)

describe("db:insert through LOAD DATA [#mysql]", function()
  local DB = require("lmigrate.db")
  local errors = require("lmigrate.errors")
  local conn, db, loads, load_waits

  -- the connection, with its load_begin calls and load_end's waits counted
  local function counting(c)
    return setmetatable({
      load_begin = function(_, ...) loads = loads + 1 return c:load_begin(...) end,
      load_end = function()
        local r = table.pack(c:load_end())
        if type(r[1]) == "string" then load_waits = load_waits + 1 end
        return table.unpack(r, 1, r.n)
      end,
    }, { __index = function(_, k)
      local v = c[k]
      if type(v) == "function" then return function(_, ...) return v(c, ...) end end
      return v
    end })
  end

  local name = my_database("lmigrate_dbload")

  before_each(function()
    if not MY then return end
    conn = assert(core.connect("mysql", name(), MY))
    assert(conn:exec("DROP TABLE IF EXISTS t"))
    assert(conn:exec(MY_TABLE))
    loads, load_waits = 0, 0
    db = DB.new(counting(conn), core.grammar("mysql"))
  end)

  after_each(function()
    if conn then conn:close() end
    conn = nil
  end)

  -- 'n' rows of HOSTILE's kinds, ids from 'base'
  local function many(n, base)
    local rows = {}
    for i = 1, n do
      local r = HOSTILE[(i - 1) % 5 + 1]
      rows[i] = { id = base + i, s = r.s, t = r.t, b = r.b, d = r.d, f = r.f, blob_ = r.blob }
    end
    return rows
  end

  -- the error db:insert raises for 'rows' inside a transaction, rolled back
  local function failure(rows)
    db:begin()
    local ok, err = pcall(db.insert, db, "t", rows)
    db:rollback()
    assert.is_false(ok)
    assert.is_true(errors.is(err), tostring(err))
    return err
  end

  my_it("loads 100 rows or more inside a transaction, exactly as the INSERTs would", function()
    local rows = many(25000, 0)
    rows[#rows + 1] = hostile_rows()[4]
    rows[#rows + 1] = hostile_rows()[5]
    db:begin()
    assert.equals(#rows, db:insert("t", rows))
    db:commit()
    assert.equals(3, loads)  -- 10,000 rows a LOAD
    assert.same({ { n = #rows } }, conn:query("SELECT COUNT(*) AS n FROM t"))
    -- the same rows through the INSERTs, compared row by row
    assert(conn:exec("CREATE TABLE t2 LIKE t"))
    db.load_refused = true
    db:begin()
    assert.equals(#rows, db:insert("t2", rows))
    db:commit()
    assert.equals(3, loads)
    assert.same({ { n = 0 } }, conn:query("SELECT COUNT(*) AS n FROM t JOIN t2 USING (id) WHERE NOT "
      .. "(t.s <=> t2.s AND t.t <=> t2.t AND t.b <=> t2.b AND t.d <=> t2.d AND t.f <=> t2.f"
      .. " AND t.blob_ <=> t2.blob_)"))
    assert.same({ { n = #rows } }, conn:query("SELECT COUNT(*) AS n FROM t JOIN t2 USING (id)"))
    assert.same(expected(HOSTILE[4]), conn:query("SELECT * FROM t WHERE id = ?", math.maxinteger)[1])
  end)

  my_it("reads its escapes the same under NO_BACKSLASH_ESCAPES", function()
    assert(conn:exec("SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES')"))
    local rows = many(200, 0)
    db:begin()
    assert.equals(200, db:insert("t", rows))
    db:commit()
    assert.equals(1, loads)
    for _, i in ipairs({ 1, 2, 3, 4, 5 }) do
      local want = expected(HOSTILE[i])
      want.id = i
      assert.same(want, conn:query("SELECT * FROM t WHERE id = ?", i)[1])
    end
  end)

  my_it("waits for the load through the scheduler inside a coroutine", function()
    local scheduler = require("lmigrate.run.scheduler")
    local co = coroutine.create(function()
      db:begin()
      local n = db:insert("t", many(20000, 0))
      db:commit()
      return n
    end)
    local yields, r = 0
    repeat
      r = table.pack(coroutine.resume(co))
      assert(r[1], r[2])
      if coroutine.status(co) ~= "dead" then
        assert.equals(scheduler.WAIT, r[2])
        yields = yields + 1
        core.wait({ [r[4]] = r[3] })
      end
    until coroutine.status(co) == "dead"
    assert.equals(20000, r[2])
    assert.equals(2, loads)
    assert.is_true(load_waits > 0)
    assert.is_true(yields >= load_waits)
    assert.same({ { n = 20000 } }, conn:query("SELECT COUNT(*) AS n FROM t"))
  end)

  my_it("keeps the INSERTs for fewer rows, and outside a transaction", function()
    db:begin()
    assert.equals(99, db:insert("t", many(99, 0)))
    db:commit()
    assert.equals(500, db:insert("t", many(500, 1000)))
    assert.equals(0, loads)
    assert.same({ { n = 599 } }, conn:query("SELECT COUNT(*) AS n FROM t"))
  end)

  my_it("keeps the INSERTs in a loose sql_mode, where they store what the load would only warn of", function()
    assert(conn:exec("SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION'"))
    local rows = many(200, 0)
    rows[7].s = ("x"):rep(150)   -- VARCHAR(100): truncated with a warning, as Laravel's strict = false
    db:begin()
    assert.equals(200, db:insert("t", rows))
    db:commit()
    assert.equals(0, loads)
    assert.same({ { n = 100 } }, conn:query("SELECT LENGTH(s) AS n FROM t WHERE id = 7"))
  end)

  my_it("fails on a duplicate key as the INSERTs do: same kind, code, errno and message", function()
    local rows = many(3000, 0)
    rows[2500].id = 7
    local loaded = failure(rows)
    assert.equals(1, loads)
    db.load_refused = true
    local inserted = failure(rows)
    assert.equals("database", loaded.kind)
    assert.equals(inserted.kind, loaded.kind)
    assert.equals("23000", loaded.code)
    assert.equals(inserted.code, loaded.code)
    assert.equals(1062, loaded.errno)
    assert.equals(inserted.errno, loaded.errno)
    assert.equals("Duplicate entry '7' for key 'PRIMARY'", loaded.message)
    assert.equals(inserted.message, loaded.message)
    assert.matches("^LOAD DATA LOCAL INFILE 'lmigrate' INTO TABLE `t`", loaded.sql)
    assert.same({ { n = 0 } }, conn:query("SELECT COUNT(*) AS n FROM t"))
  end)

  my_it("fails on a value that does not fit, which LOCAL makes a warning", function()
    local rows = many(200, 0)
    rows[150].s = ("x"):rep(101)
    local err = failure(rows)
    assert.equals(1, loads)
    assert.equals(1265, err.errno)
    assert.equals("Data truncated for column 's' at row 150", err.message)
    rows[150].s, rows[160].b = nil, "yes"
    err = failure(rows)
    assert.equals(1366, err.errno)
    assert.matches("Incorrect integer value: 'yes' for column .*`b` at row 160", err.message)
    assert.same({ { n = 0 } }, conn:query("SELECT COUNT(*) AS n FROM t"))
  end)

  my_it("goes on past a note (a DECIMAL rounded), as the INSERT does", function()
    local rows = many(200, 0)
    rows[10].d = "1.00000000005"
    db:begin()
    assert.equals(200, db:insert("t", rows))
    db:commit()
    assert.equals(1, loads)
    assert.same({ { d = "1.0000000001" } }, conn:query("SELECT CAST(d AS CHAR) AS d FROM t WHERE id = 10"))
  end)

  my_it("sends what LOAD DATA cannot carry (NaN) through the INSERTs, which refuse it", function()
    local rows = many(12000, 0)
    rows[11000].f = 0 / 0
    local err = failure(rows)
    assert.equals(1, loads)  -- the first 10,000 rows, then the rest as INSERTs
    assert.matches("NaN, which MySQL cannot store", err.message)
  end)

  my_it("falls back to the INSERTs, once a connection, when the server refuses LOCAL INFILE", function()
    local admin = assert(core.connect("mysql", "", MY))
    local was = assert(admin:query("SELECT @@GLOBAL.local_infile AS v"))[1].v
    assert(admin:exec("SET GLOBAL local_infile = 0"))
    finally(function()
      admin:exec("SET GLOBAL local_infile = " .. tostring(was))
      admin:close()
    end)
    db:begin()
    assert.equals(3000, db:insert("t", many(3000, 0)))
    assert.equals(3000, db:insert("t", many(3000, 10000)))
    db:commit()
    assert.equals(1, loads)
    assert.is_true(db.load_refused)
    assert.same({ { n = 6000 } }, conn:query("SELECT COUNT(*) AS n FROM t"))
    -- a duplicate still fails, through the INSERTs
    local rows = many(300, 20000)
    rows[300].id = 20001
    local err = failure(rows)
    assert.equals(1062, err.errno)
    assert.matches("^INSERT INTO `t`", err.sql)
    assert.equals(1, loads)
  end)
end)
-- }======================================================
