-- The PostgreSQL driver of lmigrate.core, against a real server: run it
-- under pg_virtualenv (PGHOST, PGPORT, ...) or with DATABASE_URL set to a
-- postgres:// URL (or LMIGRATE_PG_URL). Without a server it is pending,
-- or fails under CI (spec.support.servers): it never skips silently.
local core = require("lmigrate.core")
local servers = require("spec.support.servers")

local null = core.null

local server = servers.need("postgres", "postgres driver")

-- the server's URL, or "" when libpq's own PG* variables name it (url nil)
local CONNINFO = server and server.conninfo
local url = CONNINFO ~= "" and CONNINFO or nil

-- the same server with a wrong password
local function wrong_password()
  if not url then return "password=lmigrate-wrong-password" end
  local scheme, rest = url:match("^(postgres%a*://)(.*)$")
  local user, after = rest:match("^([^:@/]*)[^@/]*@(.*)$")
  if not user then user, after = "postgres", rest end
  return scheme .. user .. ":lmigrate-wrong-password@" .. after
end

-- waits for the socket as the scheduler does; busy-polls without core.wait
local function wait(state, fd)
  if core.wait then core.wait({ [fd] = state }) end
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

-- runs the coroutines to their ends; returns their results in order
local function schedule(fns)
  local cos, results, live = {}, {}, #fns
  for i, fn in ipairs(fns) do cos[i] = coroutine.create(fn) end
  while live > 0 do
    for i, co in ipairs(cos) do
      if coroutine.status(co) ~= "dead" then
        local r = table.pack(coroutine.resume(co))
        assert(r[1], r[2])
        if coroutine.status(co) == "dead" then
          results[i] = table.pack(table.unpack(r, 2, r.n))
          live = live - 1
        elseif live == 1 then
          wait(r[2], r[3])
        end
      end
    end
  end
  return results
end

describe("postgres driver", function()
  if not CONNINFO then return end

  local conn

  before_each(function()
    conn = assert(core.connect("postgres", CONNINFO))
  end)

  after_each(function()
    conn:close()
  end)

  describe("connect", function()
    it("connects and describes itself without the password", function()
      assert.equals("postgres", conn:driver())
      local s = tostring(conn)
      assert.matches("^lmigrate%.Connection %(postgres: .*@.*:%d+/.*%)$", s)
      local pw = os.getenv("PGPASSWORD")
      if pw and pw ~= "" then assert.is_nil(s:find(pw, 1, true)) end
    end)

    it("returns libpq's message on an unreachable port", function()
      local c, msg, code = core.connect("postgres", "host=127.0.0.1 port=1 connect_timeout=5")
      assert.is_nil(c)
      assert.matches("Connection refused", msg)
      assert.is_nil(msg:match("\n$"))
      assert.equals("08001", code)
    end)

    it("returns libpq's message on an unknown database", function()
      local info = "dbname=lmigrate_no_such_db"
      if url then
        local head, query = url:match("^(%a+://[^/?]*)/?[^?]*(.*)$")
        info = head .. "/lmigrate_no_such_db" .. query
      end
      local c, msg = core.connect("postgres", info)
      assert.is_nil(c)
      assert.matches('database "lmigrate_no_such_db" does not exist', msg)
    end)

    it("returns libpq's message on a wrong password", function()
      local c, msg = core.connect("postgres", wrong_password())
      assert.is_nil(c)
      assert.matches("password authentication failed", msg)
    end)

    it("returns libpq's message on a bad conninfo", function()
      local c, msg = core.connect("postgres", "host=localhost nonsense_key=1")
      assert.is_nil(c)
      assert.matches("nonsense_key", msg)
    end)

    it("connects without blocking: connect_start and poll", function()
      local c = assert(core.connect_start("postgres", CONNINFO))
      local states = {}
      while true do
        local state, fd = c:poll()
        assert.is_not_nil(state, fd)
        states[#states + 1] = state
        if state == "done" then break end
        wait(state, fd)
      end
      assert.is_true(#states > 1)
      assert.same({ { one = 1 } }, (c:query("SELECT 1 AS one")))
      c:close()
    end)

    it("reports a failed non-blocking connect from poll", function()
      local c, msg = core.connect_start("postgres", "host=127.0.0.1 port=1")
      if c then
        repeat
          local state, fd = c:poll()
          if state and state ~= "done" then wait(state, fd) end
          msg = fd
        until state ~= "read" and state ~= "write"
      end
      assert.matches("Connection refused", msg)
    end)

    it("finishes a started connect when a blocking call needs it", function()
      local c = assert(core.connect_start("postgres", CONNINFO))
      assert.same({ { one = 1 } }, (c:query("SELECT 1 AS one")))
      c:close()
    end)

    it("drops NOTICEs", function()
      assert.equals(0, conn:exec("DO $$ BEGIN RAISE NOTICE 'a notice'; END $$"))
      assert.equals(0, conn:exec("DROP TABLE IF EXISTS lmigrate_never_there"))
    end)
  end)

  describe("values", function()
    it("converts results by type", function()
      local rows, cols = conn:query([[SELECT 1::int2 AS a, 2::int4 AS b,
        9223372036854775807::int8 AS c, 42::oid AS d, 1.5::float4 AS e, 2::float8 AS f,
        1.25::numeric AS g, 12::numeric AS h, 'NaN'::numeric AS i, true AS j, false AS k,
        NULL::int AS l, 'text'::text AS m, '\x00ff41'::bytea AS n, 'NaN'::float8 AS o,
        '-Infinity'::float8 AS p, DATE '2026-01-02' AS q, '{"a":1}'::jsonb AS r]])
      local r = rows[1]
      assert.same({ "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n",
                    "o", "p", "q", "r" }, cols)
      assert.equals(1, r.a); assert.equals("integer", math.type(r.a))
      assert.equals(2, r.b); assert.equals("integer", math.type(r.b))
      assert.equals(math.maxinteger, r.c)
      assert.equals(42, r.d); assert.equals("integer", math.type(r.d))
      assert.equals(1.5, r.e); assert.equals("float", math.type(r.e))
      assert.equals(2.0, r.f); assert.equals("float", math.type(r.f))
      assert.equals(1.25, r.g)
      assert.equals(12, r.h)
      assert.equals("NaN", r.i)
      assert.is_true(r.j)
      assert.is_false(r.k)
      assert.equals(null, r.l)
      assert.equals("text", r.m)
      assert.equals("\0\255A", r.n)
      assert.is_true(r.o ~= r.o)
      assert.equals(-math.huge, r.p)
      assert.equals("2026-01-02", r.q)
      assert.equals('{"a": 1}', r.r)
    end)

    it("binds every parameter type", function()
      conn:exec([[CREATE TEMP TABLE v (i bigint, f double precision, s text, b bytea,
                  t boolean, n numeric)]])
      local blob = "a\0b\0\255c"
      assert.equals(1, conn:exec("INSERT INTO v VALUES (?, ?, ?, ?, ?, ?)",
        math.maxinteger, 0.1, "héllo 'x' ?", blob, true, 0.1))
      assert.equals(1, conn:exec("INSERT INTO v VALUES (?, ?, ?, ?, ?, ?)",
        math.mininteger, -1/0, "", null, false, nil))
      local rows = conn:query("SELECT * FROM v ORDER BY i DESC")
      assert.same({ i = math.maxinteger, f = 0.1, s = "héllo 'x' ?", b = blob, t = true,
                    n = 0.1 }, rows[1])
      assert.same({ i = math.mininteger, f = -math.huge, s = "", b = null, t = false,
                    n = null }, rows[2])
      assert.same({ { x = "0.1" } }, (conn:query("SELECT ?::numeric::text AS x", 0.1)))
    end)

    it("keeps every digit of a numeric a Lua number would round, as text", function()
      local r = conn:query([[SELECT 123456789012345678901234.5::numeric AS a,
        0.12345678901234567890::numeric AS b, 123456789012345::numeric AS c,
        1234567890.12345::numeric AS d, -0.000001::numeric AS e,
        99999999999999999999::numeric AS f]])[1]
      assert.equals("123456789012345678901234.5", r.a)
      assert.equals("0.12345678901234567890", r.b)
      assert.equals(123456789012345, r.c); assert.equals("integer", math.type(r.c))
      assert.equals(1234567890.12345, r.d)
      assert.equals(-0.000001, r.e)
      assert.equals("99999999999999999999", r.f)
    end)

    it("binds a string that is not UTF-8 and holds no NUL as bytes (a bytea)", function()
      conn:exec("CREATE TEMP TABLE raw (b bytea)")
      local bytes = "\255\254 caf\233 \128"
      assert.equals(1, conn:exec("INSERT INTO raw VALUES (?)", bytes))
      assert.equals(bytes, conn:query("SELECT b FROM raw")[1].b)
      -- into text, the server refuses it as it refuses any invalid UTF-8
      local ok, msg, code = conn:exec("SELECT length(?::text)", bytes)
      assert.is_nil(ok)
      assert.equals("22021", code, msg)
    end)

    it("raises on a value that is not an SQL value", function()
      assert.has_error(function() conn:exec("SELECT ?", {}) end,
        "bad argument #2 to 'exec' (SQL value expected, got table)")
      assert.has_error(function() conn:query("SELECT ?", print) end)
    end)
  end)

  describe("placeholders", function()
    it("skips ? in strings, identifiers, dollar quotes and comments", function()
      local rows, cols = conn:query([[
        SELECT '?' AS a, 'it''s ?' AS b, E'\'?' AS c, $$?$$ AS d, $q$ ? $$ ? $q$ AS e,
          ? AS "f?", -- a ? in a comment
          /* a ? /* nested ? */ still ? */ ?::int AS g, "a""?" AS h
        FROM (SELECT 1 AS "a""?") AS sub]],
        "one", 2)
      assert.same({ "a", "b", "c", "d", "e", "f?", "g", "h" }, cols)
      assert.same({ a = "?", b = "it's ?", c = "'?", d = "?", e = " ? $$ ? ", ["f?"] = "one",
                    g = 2, h = 1 }, rows[1])
    end)

    it("makes ?? a literal ? (jsonb)", function()
      assert.same({ { has = true } },
        (conn:query([[SELECT ?::jsonb ?? 'a' AS has]], '{"a": 1}')))
    end)

    it("leaves SQL without parameters alone", function()
      assert.same({ { has = true } }, (conn:query([[SELECT '{"a":1}'::jsonb ? 'a' AS has]])))
    end)

    it("makes ?? a literal ? without parameters too, unless a bare ? is there", function()
      assert.same({ { has = true, s = "??" } },
        (conn:query([[SELECT '{"a":1}'::jsonb ?? 'a' AS has, '??' AS s]])))
      -- a bare ? (raw SQL's own operator) beside it: sent as written, as before
      local rows, msg = conn:query([[SELECT '{"a":1}'::jsonb ? 'a' AS has, '{"b":1}'::jsonb ?? 'b' AS b]])
      assert.is_nil(rows)
      assert.truthy(msg:find("operator does not exist", 1, true), msg)
    end)

    it("counts placeholders against the values", function()
      local n, msg = conn:exec("SELECT ?, ?", 1)
      assert.is_nil(n)
      assert.matches("wrong number of parameters: the SQL takes 2, got 1", msg)
      n, msg = conn:exec("SELECT ?", 1, 2)
      assert.is_nil(n)
      assert.matches("takes 1, got 2", msg)
      n, msg = conn:exec("SELECT '?'", 1)
      assert.is_nil(n)
      assert.matches("takes 0, got 1", msg)
    end)

    it("never interpolates: a quote in a value stays data", function()
      conn:exec("CREATE TEMP TABLE q (s text)")
      assert.equals(1, conn:exec("INSERT INTO q VALUES (?)", "'); DROP TABLE q; --"))
      assert.same({ { s = "'); DROP TABLE q; --" } }, (conn:query("SELECT s FROM q")))
    end)
  end)

  describe("exec and query", function()
    it("runs several statements without parameters", function()
      assert.equals(3, conn:exec([[
        CREATE TEMP TABLE t (id serial PRIMARY KEY, a int);
        INSERT INTO t (a) VALUES (1), (2);  -- a comment; with ;
        UPDATE t SET a = 3 WHERE a = 2;
      ]]))
      local rows, cols, n = conn:query("SELECT a FROM t ORDER BY a; UPDATE t SET a = a")
      assert.same({ { a = 1 }, { a = 3 } }, rows)
      assert.same({ "a" }, cols)
      assert.equals(2, n)
    end)

    it("takes one statement with parameters, a trailing ';' allowed", function()
      conn:exec("CREATE TEMP TABLE t (a int)")
      assert.equals(1, conn:exec("INSERT INTO t VALUES (?);  ", 1))
      local n, msg, code = conn:exec("INSERT INTO t VALUES (?); INSERT INTO t VALUES (2)", 1)
      assert.is_nil(n)
      assert.matches("multiple commands", msg)
      assert.equals("42601", code)
    end)

    it("returns nil, message, SQLSTATE on a constraint failure", function()
      conn:exec("CREATE TEMP TABLE u (email text UNIQUE NOT NULL)")
      assert.equals(1, conn:exec("INSERT INTO u VALUES (?)", "a@b"))
      local n, msg, code = conn:exec("INSERT INTO u VALUES (?)", "a@b")
      assert.is_nil(n)
      assert.equals('duplicate key value violates unique constraint "u_email_key"', msg)
      assert.equals("23505", code)
      n, msg, code = conn:exec("INSERT INTO u VALUES (NULL)")
      assert.is_nil(n)
      assert.matches("null value", msg)
      assert.equals("23502", code)
    end)

    it("returns a syntax error, and the connection goes on", function()
      local rows, msg, code = conn:query("SELEC 1")
      assert.is_nil(rows)
      assert.matches("syntax error", msg)
      assert.equals("42601", code)
      assert.same({ { x = 1 } }, (conn:query("SELECT 1 AS x")))
    end)

    it("runs transactions, and an aborted one fails until rolled back", function()
      conn:exec("CREATE TEMP TABLE t (a int)")
      conn:exec("BEGIN")
      conn:exec("INSERT INTO t VALUES (1)")
      assert.is_nil(conn:exec("SELECT 1/0"))
      local _, _, code = conn:exec("SELECT 1")
      assert.equals("25P02", code)
      conn:exec("ROLLBACK")
      assert.same({ { n = 0 } }, (conn:query("SELECT count(*)::int AS n FROM t")))
    end)

    it("returns no insert id, and RETURNING rows", function()
      conn:exec("CREATE TEMP TABLE t (id serial, a int)")
      assert.is_nil(conn:last_insert_id())
      local rows, _, n = conn:query("INSERT INTO t (a) VALUES (?), (?) RETURNING id", 5, 6)
      assert.same({ { id = 1 }, { id = 2 } }, rows)
      assert.equals(2, n)
    end)

    it("gives up on COPY FROM STDIN and drains COPY TO STDOUT", function()
      conn:exec("CREATE TEMP TABLE t (a int)")
      local n, msg, code = conn:exec("COPY t FROM STDIN")
      assert.is_nil(n)
      assert.matches("not supported", msg)
      assert.equals("57014", code)
      assert.equals(1, conn:exec("COPY (SELECT 1) TO STDOUT"))
      assert.same({ { x = 1 } }, (conn:query("SELECT 1 AS x")))
    end)
  end)

  describe("send, poll and result", function()
    it("runs a query in a coroutine, waiting on the socket", function()
      local r = schedule {
        function() return run_async(conn, "SELECT pg_sleep(0.05), ?::int AS x", 7) end,
      }
      local rows, cols, n = table.unpack(r[1], 1, 3)
      assert.same({ "pg_sleep", "x" }, cols)
      assert.equals(7, rows[1].x)
      assert.equals(0, n)
    end)

    it("reports a failure at result", function()
      conn:send("SELECT * FROM lmigrate_nowhere")
      local rows, msg, code = conn:result()  -- result() waits when poll() was skipped
      assert.is_nil(rows)
      assert.matches("does not exist", msg)
      assert.equals("42P01", code)
      assert.is_nil(conn:send("SELECT ?", 1, 2))
      assert.has_error(function() conn:result() end, "no query was sent: call send() first")
    end)

    it("raises on a second send or a blocking call while a query is pending", function()
      assert.is_true(conn:send("SELECT 1"))
      assert.has_error(function() conn:send("SELECT 2") end,
        "a sent query is pending: call result() first")
      assert.has_error(function() conn:exec("SELECT 2") end)
      assert.has_error(function() conn:prepare("SELECT 2") end)
      assert.is_truthy(conn:result())
      assert.same({ { x = 2 } }, (conn:query("SELECT 2 AS x")))
    end)

    it("moves two connections on at once", function()
      local other = assert(core.connect("postgres", CONNINFO))
      local sql = [[SELECT extract(epoch FROM clock_timestamp())::float8 AS t0,
                           pg_sleep(0.3)::text AS slept,
                           extract(epoch FROM clock_timestamp())::float8 AS t1]]
      local r = schedule {
        function() return run_async(conn, sql) end,
        function() return run_async(other, sql) end,
      }
      other:close()
      local a, b = r[1][1][1], r[2][1][1]
      -- each started before the other finished: they overlapped
      assert.is_true(a.t0 < b.t1 and b.t0 < a.t1)
      assert.is_true(math.abs(a.t0 - b.t0) < 0.25)
    end)

    it("works with a large query and large results", function()
      local big = ("x"):rep(1024 * 1024)
      local r = schedule {
        function() return run_async(conn, "SELECT length(?) AS n, repeat('y', 2000000) AS s", big) end,
      }
      local rows = r[1][1]
      assert.equals(1024 * 1024, rows[1].n)
      assert.equals(2000000, #rows[1].s)
    end)
  end)

  describe("prepare", function()
    it("runs a statement many times", function()
      conn:exec("CREATE TEMP TABLE t (a int, b text UNIQUE)")
      local st = assert(conn:prepare("INSERT INTO t VALUES (?, ?)"))
      for i = 1, 50 do assert.equals(1, st:exec(i, "x" .. i)) end
      local n, msg, code = st:exec(51, "x1")
      assert.is_nil(n)
      assert.matches("duplicate key", msg)
      assert.equals("23505", code)
      n, msg = st:exec(1)
      assert.is_nil(n)
      assert.matches("takes 2, got 1", msg)
      assert.equals(1, st:exec(null, nil))
      st:close()
      st:close()
      assert.has_error(function() st:exec(1, "y") end, "attempt to use a closed statement")
      assert.same({ { n = 51 } }, (conn:query("SELECT count(*)::int AS n FROM t")))
      assert.same({}, (conn:query("SELECT name FROM pg_prepared_statements")))
    end)

    it("fails on bad SQL", function()
      local st, msg, code = conn:prepare("SELECT * FROM lmigrate_nowhere WHERE a = ?")
      assert.is_nil(st)
      assert.matches("does not exist", msg)
      assert.equals("42P01", code)
    end)

    it("cannot outlive its connection's close", function()
      local st = assert(conn:prepare("SELECT ?::int AS x"))
      conn:close()
      assert.has_error(function() st:exec(1) end, "attempt to use a closed connection")
      st:close()
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
      local c = assert(core.connect("postgres", CONNINFO))
      assert.is_true(c:send("SELECT pg_sleep(0.05)"))
      c:close()
      local c2 = assert(core.connect("postgres", CONNINFO))
      c2:send("SELECT 1")
      c2 = nil  -- luacheck: ignore
      collectgarbage()
      collectgarbage()
    end)
  end)
end)
