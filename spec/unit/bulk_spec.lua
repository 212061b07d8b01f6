-- The bulk-loading pieces of lmigrate.core under db:insert (src/driver/bulk.c,
-- src/driver/pg_copy.c): the columns of a list of rows, their values,
-- stmt:exec_rows, COPY's text format, and the copy_* methods of a PostgreSQL
-- connection (under pg_virtualenv, or with DATABASE_URL=postgres://...;
-- without a server those are pending, or fail under CI: spec.support.servers).
local core = require("lmigrate.core")
local servers = require("spec.support.servers")

local null = core.null

local pg_server = servers.find("postgres")
local PG = pg_server and pg_server.conninfo
local pg_it = servers.it_with("postgres")

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
