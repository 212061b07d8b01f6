-- The MySQL driver of lmigrate.core (src/driver/mysql.c), against a real
-- MariaDB: LMIGRATE_MYSQL_SOCKET (scripts/with-mariadb.sh sets it; user
-- root, no password). Without a server it is pending, or fails under CI
-- (spec.support.servers): it never skips silently.
local core = require("lmigrate.core")
local servers = require("spec.support.servers")
local shell = require("spec.support.shell")

local null = core.null

local server = servers.need("mariadb", "mysql driver")

local SOCKET = server and server.socket
local OPTS = { user = "root", socket = SOCKET }

local function wait(state, fd)
  core.wait({ [fd] = state })
end

-- the coroutine form the runner uses: yields (state, fd) until done
local function run_async(conn, sql, ...)
  local ok, msg, code = conn:send(sql, ...)
  if not ok then return nil, msg, code end
  while true do
    local state, fd = conn:poll()
    if state == "done" then break end
    assert.is_true(state == "read" or state == "write")
    assert.is_true(math.type(fd) == "integer" and fd >= 0)
    coroutine.yield(state, fd)
  end
  return conn:result()
end

-- runs the coroutines to their ends, waiting on all their sockets at once
local function schedule(fns)
  local cos, results, waiting, live = {}, {}, {}, #fns
  local function step(i)
    local r = table.pack(coroutine.resume(cos[i]))
    assert(r[1], r[2])
    if coroutine.status(cos[i]) == "dead" then
      results[i] = table.pack(table.unpack(r, 2, r.n))
      live = live - 1
    else
      waiting[r[3]] = { i = i, mode = r[2] }
    end
  end
  for i, fn in ipairs(fns) do cos[i] = coroutine.create(fn) step(i) end
  while live > 0 do
    local want = {}
    for fd, w in pairs(waiting) do want[fd] = w.mode end
    for _, fd in ipairs(core.wait(want)) do
      local w = waiting[fd]
      waiting[fd] = nil
      step(w.i)
    end
  end
  return results
end

describe("mysql driver", function()
  if not SOCKET then return end

  local conn, DB

  setup(function()
    DB = shell.unique_name("lmigrate_drv")
    local admin = assert(core.connect("mysql", "", OPTS))
    assert(admin:exec("CREATE DATABASE `" .. DB .. "`"))
    admin:close()
  end)

  teardown(function()
    local admin = assert(core.connect("mysql", "", OPTS))
    admin:exec("DROP DATABASE IF EXISTS `" .. DB .. "`")
    admin:close()
  end)

  before_each(function()
    conn = assert(core.connect("mysql", DB, OPTS))
  end)

  after_each(function()
    conn:close()
  end)

  describe("connect", function()
    it("connects and describes itself", function()
      assert.equals("mysql", conn:driver())
      assert.is_true(conn:supports("async"))
      assert.is_false(conn:supports("copy"))
      assert.equals("lmigrate.Connection (mysql: root@" .. SOCKET .. "/" .. DB .. ")", tostring(conn))
      assert.same({ { db = DB } }, (conn:query("SELECT DATABASE() AS db")))
      assert.same({ { cs = "utf8mb4" } }, (conn:query("SELECT @@character_set_client AS cs")))
    end)

    it("returns the library's message, 08001 and the error number on an unreachable port", function()
      local c, msg, code, errno = core.connect("mysql", "", { host = "127.0.0.1", port = 1,
                                                              user = "x", password = "secret" })
      assert.is_nil(c)
      assert.equals("Can't connect to server on '127.0.0.1' (111)", msg)
      assert.equals("08001", code)
      assert.equals(2002, errno)
    end)

    it("returns the server's message on an unknown database", function()
      local c, msg, code, errno = core.connect("mysql", "lmigrate_no_such_db", OPTS)
      assert.is_nil(c)
      assert.equals("Unknown database 'lmigrate_no_such_db'", msg)
      assert.equals("08001", code)
      assert.equals(1049, errno)
    end)

    it("returns the server's message on a wrong password", function()
      local c, msg, _, errno = core.connect("mysql", "", { user = "root", password = "wrong",
                                                           socket = SOCKET })
      assert.is_nil(c)
      assert.matches("Access denied for user 'root'@'localhost'", msg)
      assert.equals(1045, errno)
    end)

    it("raises on options it does not know, or of the wrong type", function()
      assert.has_error(function() core.connect("mysql", "", { hots = "x" }) end)
      assert.error_matches(function() core.connect("mysql", "", { port = "x" }) end,
        "option 'port' must be a non%-negative integer")
      assert.error_matches(function() core.connect("mysql", "", { ssl_mode = "sometimes" }) end,
        "option 'ssl_mode' must be DISABLED")
      assert.error_matches(function() core.connect("mysql", "", { user = 1 }) end,
        "option 'user' must be a string")
      -- the library checks a chain only against a CA it is given
      for _, mode in ipairs { "VERIFY_CA", "verify-ca" } do
        assert.error_matches(function() core.connect("mysql", "", { ssl_mode = mode }) end,
          "option 'ssl_mode' VERIFY_CA needs 'ssl_ca' or 'ssl_capath'")
      end
    end)

    it("connects without blocking: connect_start and poll", function()
      local c = assert(core.connect_start("mysql", DB, OPTS))
      local states = {}
      while true do
        local state, fd = c:poll()
        assert.is_not_nil(state, fd)
        states[#states + 1] = state
        if state == "done" then break end
        wait(state, fd)
      end
      -- a poll may finish the whole handshake when the server answers at once
      assert.equals("done", states[#states])
      assert.same({ { one = 1 } }, (c:query("SELECT 1 AS one")))
      c:close()
    end)

    it("reports a failed non-blocking connect from poll, and closes", function()
      local c, msg = core.connect_start("mysql", "", { host = "127.0.0.1", port = 1 })
      if c then
        repeat
          local state, fd = c:poll()
          if state and state ~= "done" then wait(state, fd) end
          msg = fd
        until state ~= "read" and state ~= "write"
        assert.equals("lmigrate.Connection (closed)", tostring(c))
      end
      assert.matches("Can't connect", msg)
    end)

    it("finishes a started connect when a blocking call needs it", function()
      local c = assert(core.connect_start("mysql", DB, OPTS))
      assert.same({ { one = 1 } }, (c:query("SELECT 1 AS one")))
      c:close()
    end)

    it("takes ssl_mode DISABLED and PREFERRED; REQUIRED holds on a socket", function()
      for _, mode in ipairs { "DISABLED", "preferred", "REQUIRED", "require" } do
        local c = assert(core.connect("mysql", DB, { user = "root", socket = SOCKET, ssl_mode = mode }))
        c:close()
      end
    end)
  end)

  describe("values", function()
    it("converts results by column type", function()
      local rows, cols = conn:query([[SELECT CAST(1 AS SIGNED) AS a, 127 AS b,
        9223372036854775807 AS c, 18446744073709551615 AS d, CAST(1.5 AS FLOAT) AS e,
        CAST(2 AS DOUBLE) AS f, CAST(1.25 AS DECIMAL(10,2)) AS g, CAST(12 AS DECIMAL(10,0)) AS h,
        CAST('12345678901234567.89' AS DECIMAL(30,2)) AS i, NULL AS j, 'text' AS k,
        X'00FF41' AS l, DATE '2026-01-02' AS m, TIMESTAMP '2026-01-02 03:04:05' AS n,
        2026 AS o, b'101' AS p, JSON_OBJECT('a', 1) AS q, 0.1 AS r]])
      local r = rows[1]
      assert.same({ "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o",
                    "p", "q", "r" }, cols)
      assert.equals(1, r.a); assert.equals("integer", math.type(r.a))
      assert.equals(127, r.b)
      assert.equals(math.maxinteger, r.c)
      assert.equals("18446744073709551615", r.d)   -- past maxinteger: the digits
      assert.equals(1.5, r.e); assert.equals("float", math.type(r.e))
      assert.equals(2.0, r.f); assert.equals("float", math.type(r.f))
      assert.equals(1.25, r.g)
      assert.equals(12, r.h); assert.equals("integer", math.type(r.h))
      assert.equals("12345678901234567.89", r.i)   -- 19 digits: a double would lose some
      assert.equals(null, r.j)
      assert.equals("text", r.k)
      assert.equals("\0\255A", r.l)
      assert.equals("2026-01-02", r.m)
      assert.equals("2026-01-02 03:04:05", r.n)
      assert.equals(2026, r.o)
      assert.equals("\5", r.p)
      assert.equals('{"a": 1}', r.q)
      assert.equals(0.1, r.r)
      conn:exec("CREATE TEMPORARY TABLE y (y YEAR, t TIME, dt DATETIME(3))")
      conn:exec("INSERT INTO y VALUES (2026, '12:34:56', '2026-01-02 03:04:05.678')")
      assert.same({ { y = 2026, t = "12:34:56", dt = "2026-01-02 03:04:05.678" } },
                  (conn:query("SELECT y, t, dt FROM y")))
    end)

    it("binds every parameter type, and binary strings exactly", function()
      conn:exec([[CREATE TEMPORARY TABLE v (i BIGINT, f DOUBLE, s TEXT, b BLOB, t BOOLEAN,
                  n DECIMAL(10,2))]])
      local blob = "a\0b\0\255c\r\n\\'\""
      assert.equals(1, conn:exec("INSERT INTO v VALUES (?, ?, ?, ?, ?, ?)",
        math.maxinteger, 0.1, "héllo 'x' ? \\ \"", blob, true, 0.1))
      assert.equals(1, conn:exec("INSERT INTO v VALUES (?, ?, ?, ?, ?, ?)",
        math.mininteger, -1.5e300, "", null, false, nil))
      local rows = conn:query("SELECT * FROM v ORDER BY i DESC")
      assert.same({ i = math.maxinteger, f = 0.1, s = "héllo 'x' ? \\ \"", b = blob, t = 1,
                    n = 0.1 }, rows[1])
      assert.same({ i = math.mininteger, f = -1.5e300, s = "", b = null, t = 0, n = null }, rows[2])
    end)

    it("refuses NaN and the infinities, which MySQL cannot store", function()
      local n, msg = conn:exec("SELECT ?", 0 / 0)
      assert.is_nil(n)
      assert.equals("parameter 1 is NaN, which MySQL cannot store", msg)
      n, msg = conn:exec("SELECT ?, ?", 1, math.huge)
      assert.is_nil(n)
      assert.equals("parameter 2 is an infinity, which MySQL cannot store", msg)
    end)

    it("raises on a value that is not an SQL value", function()
      assert.has_error(function() conn:exec("SELECT ?", {}) end,
        "bad argument #2 to 'exec' (SQL value expected, got table)")
    end)
  end)

  describe("placeholders", function()
    it("skips ? in strings, backslash escapes, identifiers and comments (MySQL's rules)", function()
      local rows, cols = conn:query([[
        SELECT '?' AS a, 'it\'s ?' AS b, "dq ?" AS c, ? AS `e?`, -- a ? in a comment
          /* a ? */ ? AS g # and ?
        ]], "one", 2)
      assert.same({ "a", "b", "c", "e?", "g" }, cols)
      assert.same({ a = "?", b = "it's ?", c = "dq ?", ["e?"] = "one", g = 2 }, rows[1])
    end)

    it("counts placeholders against the values", function()
      local n, msg = conn:exec("SELECT ?, ?", 1)
      assert.is_nil(n)
      assert.matches("wrong number of parameters: the SQL takes 2, got 1", msg)
      n, msg = conn:exec("SELECT ?")
      assert.is_nil(n)
      assert.matches("takes 1, got 0", msg)
      n, msg = conn:exec("SELECT '?'", 1)
      assert.is_nil(n)
      assert.matches("takes 0, got 1", msg)
    end)

    it("never interpolates: a quote in a value stays data, under NO_BACKSLASH_ESCAPES too", function()
      conn:exec("CREATE TEMPORARY TABLE q (s TEXT)")
      local evil = "\\'); DROP TABLE q; -- '"
      assert.equals(1, conn:exec("INSERT INTO q VALUES (?)", evil))
      conn:exec("SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES')")
      assert.equals(1, conn:exec("INSERT INTO q VALUES (?)", evil))
      assert.same({ { s = evil }, { s = evil } }, (conn:query("SELECT s FROM q")))
    end)
  end)

  describe("exec and query", function()
    it("runs several statements; the rows of the last one that has some, the affected sum", function()
      assert.equals(3, conn:exec([[
        CREATE TEMPORARY TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, a INT);
        INSERT INTO t (a) VALUES (1), (2);  -- a comment; with ;
        UPDATE t SET a = 3 WHERE a = 2;
      ]]))
      local rows, cols, n = conn:query("SELECT a FROM t ORDER BY a; UPDATE t SET a = a + 1")
      assert.same({ { a = 1 }, { a = 3 } }, rows)
      assert.same({ "a" }, cols)
      assert.equals(2, n)
      assert.equals(1, conn:exec("INSERT INTO t (a) VALUES (9)"))
      assert.equals(3, conn:last_insert_id())
      conn:exec("UPDATE t SET a = 1")
      assert.is_nil(conn:last_insert_id())
    end)

    it("returns nil, message, SQLSTATE, errno on a constraint failure", function()
      conn:exec("CREATE TEMPORARY TABLE u (email VARCHAR(50) NOT NULL UNIQUE)")
      assert.equals(1, conn:exec("INSERT INTO u VALUES (?)", "a@b"))
      local n, msg, code, errno = conn:exec("INSERT INTO u VALUES (?)", "a@b")
      assert.is_nil(n)
      assert.equals("Duplicate entry 'a@b' for key 'email'", msg)
      assert.equals("23000", code)
      assert.equals(1062, errno)
    end)

    it("stops a multi-statement at its failing statement, and the connection goes on", function()
      conn:exec("CREATE TEMPORARY TABLE m (a INT)")
      local n, msg, code = conn:exec("INSERT INTO m VALUES (1); SELEC 1; INSERT INTO m VALUES (2)")
      assert.is_nil(n)
      assert.matches("SQL syntax", msg)
      assert.equals("42000", code)
      assert.same({ { a = 1 } }, (conn:query("SELECT a FROM m")))
    end)

    it("runs transactions and savepoints", function()
      conn:exec("CREATE TEMPORARY TABLE t (a INT) ENGINE=InnoDB")
      conn:exec("BEGIN")
      conn:exec("INSERT INTO t VALUES (1)")
      conn:exec("SAVEPOINT s1")
      conn:exec("INSERT INTO t VALUES (2)")
      conn:exec("ROLLBACK TO SAVEPOINT s1")
      conn:exec("COMMIT")
      assert.same({ { a = 1 } }, (conn:query("SELECT a FROM t")))
    end)
  end)

  describe("send, poll and result", function()
    it("runs a query in a coroutine, waiting on the socket", function()
      local r = schedule { function() return run_async(conn, "SELECT SLEEP(0.05) AS s, ? AS x", 7) end }
      local rows, cols = table.unpack(r[1], 1, 2)
      assert.same({ "s", "x" }, cols)
      assert.equals(7, rows[1].x)
    end)

    it("reports a failure at result", function()
      conn:send("SELECT * FROM lmigrate_nowhere")
      local rows, msg, code, errno = conn:result()
      assert.is_nil(rows)
      assert.matches("doesn't exist", msg)
      assert.equals("42S02", code)
      assert.equals(1146, errno)
      assert.has_error(function() conn:result() end, "no query was sent: call send() first")
    end)

    it("raises on a second send or a blocking call while a query is pending", function()
      assert.is_true(conn:send("SELECT 1"))
      assert.has_error(function() conn:send("SELECT 2") end,
        "a sent query is pending: call result() first")
      assert.has_error(function() conn:exec("SELECT 2") end)
      assert.has_error(function() conn:prepare("SELECT 2") end)
      assert.is_truthy(conn:result())
    end)

    it("moves several connections on at once in one thread", function()
      local others = {}
      for i = 1, 3 do others[i] = assert(core.connect("mysql", DB, OPTS)) end
      local t0 = core.clock()
      local jobs = {}
      for i, c in ipairs(others) do
        jobs[i] = function() return run_async(c, "SELECT SLEEP(0.4) AS s, ? AS i", i) end
      end
      local results = schedule(jobs)
      local elapsed = core.clock() - t0
      for i = 1, 3 do
        assert.equals(i, results[i][1][1].i)
        others[i]:close()
      end
      assert.is_true(elapsed < 1.0, ("three 0.4 s sleeps took %.2f s"):format(elapsed))
    end)

    it("connects several at once through connect_start", function()
      local jobs = {}
      for i = 1, 3 do
        jobs[i] = function()
          local c = assert(core.connect_start("mysql", DB, OPTS))
          while true do
            local state, fd = c:poll()
            if state == "done" then break end
            coroutine.yield(state, fd)
          end
          local rows = run_async(c, "SELECT ? AS i", i)
          c:close()
          return rows[1].i
        end
      end
      local results = schedule(jobs)
      assert.same({ 1, 2, 3 }, { results[1][1], results[2][1], results[3][1] })
    end)
  end)

  describe("prepared statements (server-side)", function()
    it("runs with each value type and rows of many columns (exec_rows)", function()
      conn:exec("CREATE TEMPORARY TABLE t (a INT, b VARCHAR(20), c BLOB, d DOUBLE, e BOOLEAN)")
      local st = assert(conn:prepare("INSERT INTO t VALUES (?, ?, ?, ?, ?), (?, ?, ?, ?, ?)"))
      assert.equals(2, st:exec(1, "x", "\0\255", 1.5, true, null, nil, "", -2.25, false))
      assert.equals(2, st:exec_rows({ "a", "b", "c", "d", "e" },
        { { a = 3, b = "y" }, { a = 4, e = true } }, 1, 2))
      local n, msg = st:exec(1)
      assert.is_nil(n)
      assert.matches("takes 10, got 1", msg)
      st:close()
      st:close()
      assert.has_error(function() st:exec(1, 2, 3, 4, 5, 6, 7, 8, 9, 10) end,
        "attempt to use a closed statement")
      local rows = conn:query("SELECT a, b, c, d, e FROM t ORDER BY a")
      assert.equals(4, #rows)
      assert.same({ a = null, b = null, c = "", d = -2.25, e = 0 }, rows[1])  -- NULL first
      assert.same({ a = 1, b = "x", c = "\0\255", d = 1.5, e = 1 }, rows[2])
      assert.same({ a = 3, b = "y", c = null, d = null, e = null }, rows[3])
    end)

    it("fails on bad SQL, and drops the rows of a SELECT", function()
      local st, msg, code, errno = conn:prepare("SELECT * FROM lmigrate_nowhere WHERE a = ?")
      assert.is_nil(st)
      assert.matches("doesn't exist", msg)
      assert.equals("42S02", code)
      assert.equals(1146, errno)
      st = assert(conn:prepare("SELECT ? AS x"))
      assert.equals(0, st:exec(5))
      st:close()
      assert.same({ { x = 1 } }, (conn:query("SELECT 1 AS x")))
    end)

    it("cannot outlive its connection's close; collected while busy, it waits for the close", function()
      local st = assert(conn:prepare("SELECT ? AS x"))
      conn:close()
      assert.has_error(function() st:exec(1) end, "attempt to use a closed connection")
      st:close()
      local c = assert(core.connect("mysql", DB, OPTS))
      assert(c:prepare("SELECT ? AS x"))   -- dropped at once: collected while busy
      assert.is_true(c:send("SELECT SLEEP(0.05)"))
      collectgarbage()
      collectgarbage()
      assert.is_truthy(c:result())
      c:close()
    end)
  end)

  describe("close", function()
    it("is idempotent, and a closed connection raises", function()
      conn:close()
      conn:close()
      assert.equals("lmigrate.Connection (closed)", tostring(conn))
      for _, m in ipairs { "exec", "query", "send", "poll", "result", "prepare" } do
        assert.has_error(function() conn[m](conn, "SELECT 1") end,
          "attempt to use a closed connection")
      end
    end)

    it("closes with a query in flight", function()
      local c = assert(core.connect("mysql", DB, OPTS))
      assert.is_true(c:send("SELECT SLEEP(0.05)"))
      c:close()
      local c2 = assert(core.connect("mysql", DB, OPTS))
      c2:send("SELECT 1")
      c2 = nil  -- luacheck: ignore
      collectgarbage()
      collectgarbage()
    end)
  end)
end)
