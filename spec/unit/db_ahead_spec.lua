-- spec/unit/db_ahead_spec.lua: what self.db holds back for the next
-- statement's round trip on MySQL (lua/lmigrate/db/init.lua: db:ahead,
-- db:session, db.holding, db:begin(true)), against a real MariaDB
-- (LMIGRATE_MYSQL_SOCKET; pending without one, failing under CI). The
-- checks read the server's own counters of this connection (statements,
-- not packets) and its in-transaction flag.
local core = require("lmigrate.core")
local DB = require("lmigrate.db")
local servers = require("spec.support.servers")
local shell = require("spec.support.shell")

local server = servers.need("mariadb", "db:ahead on MySQL")
local OPTS = { user = "root", socket = server and server.socket }

describe("self.db on MySQL: statements held for the next round trip", function()
  if not OPTS.socket then return end
  local NAME, conn, db

  setup(function()
    NAME = shell.unique_name("lmigrate_ahead")
    local admin = assert(core.connect("mysql", "", OPTS))
    assert(admin:exec("CREATE DATABASE `" .. NAME .. "`"))
    admin:close()
  end)

  teardown(function()
    local admin = assert(core.connect("mysql", "", OPTS))
    admin:exec("DROP DATABASE IF EXISTS `" .. NAME .. "`")
    admin:close()
  end)

  before_each(function()
    conn = assert(core.connect("mysql", NAME, OPTS))
    db = DB.new(conn, core.grammar("mysql"))
    db:execute("CREATE TABLE IF NOT EXISTS t (id INT PRIMARY KEY, v VARCHAR(20))")
    db:execute("DELETE FROM t")
  end)

  after_each(function() conn:close() end)

  -- this session's count of a status variable (read outside db, so uncounted by it)
  local function status(var)
    local rows = assert(conn:query("SHOW SESSION STATUS LIKE '" .. var .. "'"))
    return tonumber(rows[1].Value)
  end

  it("runs db:ahead's statement with the next one, values bound, its rows left out of the count", function()
    db:ahead(1, "INSERT INTO t (id, v) VALUES (?, ?)", 1, "it's")
    assert.equals(0, db:execute("UPDATE t SET v = ? WHERE id = 2", "x"))
    assert.same({ { id = 1, v = "it's" } }, db:query("SELECT id, v FROM t"))
  end)

  it("runs nothing of a round trip after its failing statement", function()
    db:ahead(1, "INSERT INTO t (id, v) VALUES (?, ?)", 1, "a")
    db:execute("SELECT 1")
    db:ahead(1, "INSERT INTO t (id, v) VALUES (1, 'dup')")
    assert.has_error(function() db:execute("INSERT INTO t (id, v) VALUES (3, 'c')") end)
    assert.same({ { id = 1, v = "a" } }, db:query("SELECT id, v FROM t ORDER BY id"))
  end)

  it("sends a session setting once, and nothing when it is set back and again between statements", function()
    local set = "SET SESSION lock_wait_timeout = 7"
    local before = status("Com_set_option")
    db:session("lock_wait", set)
    assert.equals(7, db:first("SELECT @@lock_wait_timeout AS n").n)
    assert.equals(before + 1, status("Com_set_option"))
    db:session("lock_wait", "SET SESSION lock_wait_timeout = DEFAULT")
    db:session("lock_wait", set)
    db:execute("SELECT 1")
    assert.equals(before + 1, status("Com_set_option"))
    db:session("lock_wait", "SET SESSION lock_wait_timeout = DEFAULT")
    assert.is_true(db:first("SELECT @@lock_wait_timeout AS n").n > 7)
  end)

  it("holds a transaction's statements for its COMMIT: nothing is sent before it, BEGIN included", function()
    local q0 = status("Questions")
    db:begin(true)
    db.holding = true
    assert.equals(0, db:execute("INSERT INTO t (id, v) VALUES (?, ?)", 5, "e"))
    db.holding = nil
    db:ahead(0, "DELETE FROM t WHERE id = ?", 6)
    -- the server has seen nothing of it: no transaction, no statement but the SHOW
    assert.is_false(conn:in_transaction())
    assert.equals(q0 + 1, status("Questions"))
    db:commit()
    -- then BEGIN, INSERT, DELETE and COMMIT at once
    assert.equals(q0 + 6, status("Questions"))
    assert.same({ { id = 5, v = "e" } }, db:query("SELECT id, v FROM t"))
  end)

  it("rolls back when a statement held for the COMMIT fails, and shows them", function()
    db:execute("INSERT INTO t (id, v) VALUES (1, 'a')")
    db:begin(true)
    db.holding = true
    db:execute("INSERT INTO t (id, v) VALUES (2, 'b')")
    db:execute("INSERT INTO t (id, v) VALUES (1, 'dup')")
    db.holding = nil
    local ok, err = pcall(db.commit, db)
    assert.is_false(ok)
    assert.truthy(err.sql:find("INSERT INTO t (id, v) VALUES (1, 'dup'); COMMIT", 1, true))
    assert.is_false(conn:in_transaction())
    assert.same({ { id = 1, v = "a" } }, db:query("SELECT id, v FROM t ORDER BY id"))
  end)

  it("sends what it holds before a prepared statement (db:insert)", function()
    db:session("lock_wait", "SET SESSION lock_wait_timeout = 9")
    db:flush()
    assert.equals(9, assert(conn:query("SELECT @@lock_wait_timeout AS n"))[1].n)
  end)
end)
