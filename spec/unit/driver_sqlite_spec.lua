-- The SQLite driver of lmigrate.core, against real database files.
local core = require("lmigrate.core")

local null = core.null

local function tmpdir()
  local p = assert(io.popen("mktemp -d"))
  local dir = p:read("l")
  p:close()
  return dir
end

describe("sqlite driver", function()
  local dir, conn

  before_each(function()
    dir = tmpdir()
    conn = assert(core.connect("sqlite", dir .. "/test.db"))
  end)

  after_each(function()
    conn:close()
    os.execute("rm -rf '" .. dir .. "'")
  end)

  describe("connect", function()
    it("opens a file, creating it", function()
      assert.equals("sqlite", conn:driver())
      assert.is_truthy(io.open(dir .. "/test.db"))
      assert.matches("^lmigrate%.Connection %(sqlite: .*test%.db%)$", tostring(conn))
    end)

    it("opens :memory:", function()
      local m = assert(core.connect("sqlite", ":memory:"))
      assert.equals(1, m:exec("CREATE TABLE t (a); INSERT INTO t VALUES (1)"))
      assert.equals("lmigrate.Connection (sqlite: :memory:)", tostring(m))
      m:close()
    end)

    it("fails cleanly on a path in a missing directory, naming it", function()
      local path = dir .. "/missing/x.db"
      local c, msg, code = core.connect("sqlite", path)
      assert.is_nil(c)
      assert.is_truthy(msg:find(path, 1, true))
      assert.equals("14", code)  -- SQLITE_CANTOPEN
    end)

    it("fails on a directory and on a file that is not a database", function()
      local c, msg = core.connect("sqlite", dir)
      assert.is_nil(c)
      assert.is_truthy(msg:find(dir, 1, true))
      local f = assert(io.open(dir .. "/junk", "w"))
      f:write(("not a database "):rep(100))
      f:close()
      local c2, msg2, code2 = core.connect("sqlite", dir .. "/junk")
      assert.is_nil(c2)
      assert.matches("not a database", msg2)
      assert.equals("26", code2)  -- SQLITE_NOTADB
    end)

    it("turns foreign keys on", function()
      assert.same({ { foreign_keys = 1 } }, (conn:query("PRAGMA foreign_keys")))
      conn:exec([[CREATE TABLE p (id INTEGER PRIMARY KEY);
                  CREATE TABLE c (p_id INTEGER REFERENCES p (id))]])
      local n, msg, code = conn:exec("INSERT INTO c VALUES (42)")
      assert.is_nil(n)
      assert.matches("FOREIGN KEY constraint failed", msg)
      assert.equals("787", code)  -- SQLITE_CONSTRAINT_FOREIGNKEY
    end)

    it("sets a busy timeout, 30 s unless told", function()
      assert.same({ { timeout = 30000 } }, (conn:query("PRAGMA busy_timeout")))
      local c = assert(core.connect("sqlite", ":memory:", { busy_timeout = 5 }))
      assert.same({ { timeout = 5 } }, (c:query("PRAGMA busy_timeout")))
      c:close()
      assert.has_error(function()
        core.connect("sqlite", ":memory:", { busy_timeout = "soon" })
      end)
    end)

    it("waits for a lock held by another connection, then fails with BUSY", function()
      local other = assert(core.connect("sqlite", dir .. "/test.db", { busy_timeout = 50 }))
      conn:exec("CREATE TABLE t (a)")
      assert.equals(0, conn:exec("BEGIN IMMEDIATE"))
      local n, msg, code = other:exec("INSERT INTO t VALUES (1)")
      assert.is_nil(n)
      assert.matches("locked", msg)
      assert.equals("5", code)  -- SQLITE_BUSY
      conn:exec("ROLLBACK")
      assert.equals(1, other:exec("INSERT INTO t VALUES (1)"))
      other:close()
    end)

    it("raises on an unknown driver or a bad target", function()
      assert.has_error(function() core.connect("oracle", "x") end)
      assert.has_error(function() core.connect("sqlite", "a\0b") end)
      assert.has_error(function() core.connect("sqlite", {}) end)
    end)
  end)

  describe("exec and query", function()
    before_each(function()
      assert(conn:exec([[CREATE TABLE v (id INTEGER PRIMARY KEY, i INTEGER, f REAL,
                         s TEXT, b BLOB, t BOOLEAN)]]))
    end)

    it("round-trips every value type", function()
      local blob = "a\0b\0\255c"
      assert.equals(1, conn:exec("INSERT INTO v (i, f, s, b, t) VALUES (?, ?, ?, ?, ?)",
                                 math.maxinteger, 1.5, "héllo 'x'", blob, true))
      assert.equals(1, conn:exec("INSERT INTO v (i, f, s, b, t) VALUES (?, ?, ?, ?, ?)",
                                 math.mininteger, -0.25, "", null, false))
      assert.equals(1, conn:exec("INSERT INTO v (i) VALUES (?)", nil))
      local rows, cols = conn:query("SELECT i, f, s, b, t FROM v ORDER BY id")
      assert.same({ "i", "f", "s", "b", "t" }, cols)
      assert.equals(3, #rows)
      assert.equals(math.maxinteger, rows[1].i)
      assert.is_true(math.type(rows[1].i) == "integer")
      assert.equals(1.5, rows[1].f)
      assert.is_true(math.type(rows[1].f) == "float")
      assert.equals("héllo 'x'", rows[1].s)
      assert.equals(blob, rows[1].b)
      assert.equals(1, rows[1].t)
      assert.equals(math.mininteger, rows[2].i)
      assert.equals(-0.25, rows[2].f)
      assert.equals("", rows[2].s)
      assert.equals(null, rows[2].b)
      assert.equals(0, rows[2].t)
      assert.equals(null, rows[3].i)
      assert.equals(null, rows[3].s)
    end)

    it("stores a string with a NUL byte as a BLOB, others as TEXT", function()
      conn:exec("INSERT INTO v (s, b) VALUES (?, ?)", "text", "bl\0b")
      assert.same({ { ts = "text", tb = "blob" } },
                  (conn:query("SELECT typeof(s) AS ts, typeof(b) AS tb FROM v")))
    end)

    it("binds floats with integral values as REAL", function()
      conn:exec("INSERT INTO v (f) VALUES (?)", 2.0)
      local rows = conn:query("SELECT f, typeof(?) AS ty FROM v", 3.0)
      assert.equals("real", rows[1].ty)
      assert.is_true(math.type(rows[1].f) == "float")
    end)

    it("returns the affected rows", function()
      assert.equals(3, conn:exec("INSERT INTO v (i) VALUES (1), (2), (3)"))
      assert.equals(2, conn:exec("UPDATE v SET s = 'x' WHERE i > ?", 1))
      assert.equals(0, conn:exec("UPDATE v SET s = 'x' WHERE i > 100"))
      assert.equals(0, conn:exec("CREATE TABLE w (a)"))  -- DDL after DML counts 0
      assert.equals(3, conn:exec("DELETE FROM v"))
    end)

    it("runs several statements without parameters, summing affected rows", function()
      local n = conn:exec([[
        INSERT INTO v (i) VALUES (1);  -- a comment; with a ? in it
        INSERT INTO v (i) VALUES (2), (3);
        /* a block comment */
        CREATE TABLE w (a);
        UPDATE v SET s = ';' ;;
      ]])
      assert.equals(6, n)
      assert.same({ { n = 3 } }, (conn:query("SELECT count(*) AS n FROM v WHERE s = ';'")))
    end)

    it("query returns the rows of the last statement with columns", function()
      local rows, cols, n = conn:query("INSERT INTO v (i) VALUES (7); SELECT i FROM v; UPDATE v SET i = 8")
      assert.same({ { i = 7 } }, rows)
      assert.same({ "i" }, cols)
      assert.equals(2, n)
      rows, cols = conn:query("SELECT 1 AS a WHERE 0")
      assert.same({}, rows)
      assert.same({ "a" }, cols)
    end)

    it("accepts an empty string and comments", function()
      assert.equals(0, conn:exec(""))
      assert.equals(0, conn:exec("  -- nothing\n ; "))
    end)

    it("takes one statement with parameters, trailing ';' allowed", function()
      assert.equals(1, conn:exec("INSERT INTO v (i) VALUES (?);  \n", 1))
      local n, msg = conn:exec("INSERT INTO v (i) VALUES (?); INSERT INTO v (i) VALUES (2)", 1)
      assert.is_nil(n)
      assert.matches("single statement", msg)
      assert.same({ { n = 1 } }, (conn:query("SELECT count(*) AS n FROM v")))
    end)

    it("fails cleanly on too few or too many parameters", function()
      local n, msg = conn:exec("INSERT INTO v (i, s) VALUES (?, ?)", 1)
      assert.is_nil(n)
      assert.matches("wrong number of parameters: the SQL takes 2, got 1", msg)
      n, msg = conn:exec("INSERT INTO v (i) VALUES (?)", 1, 2)
      assert.is_nil(n)
      assert.matches("takes 1, got 2", msg)
      n, msg = conn:exec("INSERT INTO v (i) VALUES (?)")
      assert.is_nil(n)
      assert.matches("takes 1, got 0", msg)
      n, msg = conn:exec("", 1)
      assert.is_nil(n)
      assert.matches("takes 0, got 1", msg)
      assert.same({ { n = 0 } }, (conn:query("SELECT count(*) AS n FROM v")))
    end)

    it("raises on a value that is not an SQL value", function()
      assert.has_error(function() conn:exec("SELECT ?", {}) end,
        "bad argument #2 to 'exec' (SQL value expected, got table)")
      assert.has_error(function() conn:query("SELECT ?, ?", 1, print) end,
        "bad argument #3 to 'query' (SQL value expected, got function)")
      assert.has_error(function() conn:exec("SELECT ?", io.stdout) end)
      assert.has_error(function() conn:exec("SELECT 1\0") end)
      assert.has_error(function() conn:exec(nil) end)
    end)

    it("returns nil, message, code on a constraint failure", function()
      conn:exec("CREATE TABLE u (email TEXT UNIQUE NOT NULL)")
      assert.equals(1, conn:exec("INSERT INTO u VALUES ('a@b')"))
      local n, msg, code = conn:exec("INSERT INTO u VALUES (?)", "a@b")
      assert.is_nil(n)
      assert.equals("UNIQUE constraint failed: u.email", msg)
      assert.equals("2067", code)  -- SQLITE_CONSTRAINT_UNIQUE
      n, msg, code = conn:exec("INSERT INTO u VALUES (NULL)")
      assert.is_nil(n)
      assert.matches("NOT NULL constraint failed", msg)
      assert.equals("1299", code)
    end)

    it("returns nil, message, code on a syntax error", function()
      local n, msg, code = conn:query("SELEC 1")
      assert.is_nil(n)
      assert.matches("syntax error", msg)
      assert.equals("1", code)
      -- and the connection still works
      assert.equals(1, conn:exec("INSERT INTO v (i) VALUES (1)"))
    end)

    it("keeps the rows run before a failing statement of a batch", function()
      local n = conn:exec("INSERT INTO v (i) VALUES (1); INSERT INTO nowhere VALUES (1)")
      assert.is_nil(n)
      assert.same({ { n = 1 } }, (conn:query("SELECT count(*) AS n FROM v")))
    end)

    it("rolls back a failed transaction", function()
      conn:exec("BEGIN")
      conn:exec("INSERT INTO v (i) VALUES (1)")
      conn:exec("ROLLBACK")
      assert.same({ { n = 0 } }, (conn:query("SELECT count(*) AS n FROM v")))
    end)

    it("gives last_insert_id", function()
      conn:exec("INSERT INTO v (i) VALUES (5)")
      conn:exec("INSERT INTO v (i) VALUES (6)")
      assert.equals(2, conn:last_insert_id())
    end)

    it("keeps duplicate column names in the column list", function()
      local rows, cols = conn:query("SELECT 1 AS a, 2 AS a")
      assert.same({ "a", "a" }, cols)
      assert.equals(2, rows[1].a)
    end)
  end)

  describe("send, poll and result", function()
    it("runs at send, and result returns rows, columns, affected", function()
      conn:exec("CREATE TABLE t (a)")
      assert.is_true(conn:send("INSERT INTO t VALUES (?), (?)", 1, 2))
      assert.equals("done", conn:poll())
      local rows, cols, n = conn:result()
      assert.same({}, rows)
      assert.same({}, cols)
      assert.equals(2, n)
      assert.is_true(conn:send("SELECT a FROM t ORDER BY a"))
      assert.equals("done", conn:poll())
      rows, cols, n = conn:result()
      assert.same({ { a = 1 }, { a = 2 } }, rows)
      assert.same({ "a" }, cols)
      assert.equals(0, n)
    end)

    it("reports a failure at result", function()
      assert.is_true(conn:send("INSERT INTO nowhere VALUES (1)"))
      local rows, msg, code = conn:result()
      assert.is_nil(rows)
      assert.matches("no such table", msg)
      assert.equals("1", code)
    end)

    it("raises on result without send, and on a second send", function()
      assert.has_error(function() conn:result() end, "no query was sent: call send() first")
      conn:send("SELECT 1")
      assert.has_error(function() conn:send("SELECT 2") end)
      assert.has_error(function() conn:exec("SELECT 2") end)
      assert.same({ { x = 1 } }, (conn:result() and conn:query("SELECT 1 AS x")))
    end)
  end)

  describe("prepare", function()
    it("runs a statement many times", function()
      conn:exec("CREATE TABLE t (a, b)")
      local st = assert(conn:prepare("INSERT INTO t VALUES (?, ?)"))
      assert.matches("^lmigrate%.Statement", tostring(st))
      for i = 1, 100 do assert.equals(1, st:exec(i, "x" .. i)) end
      assert.equals(1, st:exec(null, nil))
      local n, msg = st:exec(1)
      assert.is_nil(n)
      assert.matches("takes 2, got 1", msg)
      st:close()
      st:close()
      assert.has_error(function() st:exec(1, 2) end, "attempt to use a closed statement")
      assert.same({ { n = 101 } }, (conn:query("SELECT count(*) AS n FROM t")))
    end)

    it("returns constraint failures and keeps working", function()
      conn:exec("CREATE TABLE t (a UNIQUE)")
      local st = assert(conn:prepare("INSERT INTO t VALUES (?)"))
      assert.equals(1, st:exec(1))
      local n, msg, code = st:exec(1)
      assert.is_nil(n)
      assert.matches("UNIQUE", msg)
      assert.equals("2067", code)
      assert.equals(1, st:exec(2))
      -- a failed statement holds no lock: a transaction can still commit
      assert.equals(1, conn:exec("BEGIN; INSERT INTO t VALUES (3); COMMIT"))
      st:close()
    end)

    it("fails on bad SQL or several statements", function()
      local st, msg, code = conn:prepare("INSERT INTO nowhere VALUES (?)")
      assert.is_nil(st)
      assert.matches("no such table", msg)
      assert.equals("1", code)
      st, msg = conn:prepare("SELECT 1; SELECT 2")
      assert.is_nil(st)
      assert.matches("single statement", msg)
      st, msg = conn:prepare("  ")
      assert.is_nil(st)
      assert.matches("no SQL statement", msg)
    end)

    it("outlives nothing: closing the connection closes its use", function()
      conn:exec("CREATE TABLE t (a)")
      local st = assert(conn:prepare("INSERT INTO t VALUES (?)"))
      conn:close()
      assert.has_error(function() st:exec(1) end, "attempt to use a closed connection")
      st:close()
    end)

    it("keeps its connection alive", function()
      local st
      do
        local c = assert(core.connect("sqlite", dir .. "/other.db"))
        c:exec("CREATE TABLE t (a)")
        st = assert(c:prepare("INSERT INTO t VALUES (?)"))
      end
      collectgarbage()
      collectgarbage()
      assert.equals(1, st:exec(1))
    end)
  end)

  describe("close", function()
    it("is idempotent, and a closed connection raises", function()
      conn:close()
      conn:close()
      assert.equals("lmigrate.Connection (closed)", tostring(conn))
      assert.equals("sqlite", conn:driver())
      for _, m in ipairs { "exec", "query", "send", "poll", "result", "prepare", "last_insert_id" } do
        assert.has_error(function() conn[m](conn, "SELECT 1") end,
          "attempt to use a closed connection")
      end
    end)

    it("works with <close> and the garbage collector", function()
      local c = assert(load([[
        local core, path = ...
        local c <close> = assert(core.connect("sqlite", path))
        c:exec("CREATE TABLE t (a)")
        return c
      ]]))(core, dir .. "/close.db")
      assert.equals("lmigrate.Connection (closed)", tostring(c))
      for _ = 1, 50 do core.connect("sqlite", ":memory:") end
      collectgarbage()
    end)
  end)
end)
