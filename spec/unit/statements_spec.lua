-- db/statements.lua (Laravel's DB facade on self.db) without a database:
-- the stand-ins db/init.lua lists are exactly its methods, db:insert
-- tells SQL from a table name, and errors.concurrency knows the
-- deadlocks and serialization failures transaction(fn, attempts) retries.
local statements = require("lmigrate.db.statements")
local errors = require("lmigrate.errors")

describe("db/statements.lua", function()
  it("every method has its stand-in on the DB class, and every stand-in loads a method", function()
    local db = require("lmigrate.db")
    local listed = {}
    for _, name in ipairs(db.statement_names) do
      listed[name] = true
      assert.is_function(statements.methods[name], name)
    end
    for name in pairs(statements.methods) do
      assert.is_true(listed[name], name)
      assert.is_function(rawget(db.class, name), name)
    end
  end)

  it("db:insert takes INSERT, REPLACE and WITH text for SQL, any other string for a table", function()
    local sqls = { "INSERT INTO t VALUES (?)", "  insert\ninto t values (1)", "replace into t values (1)",
                   "WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x" }
    for _, sql in ipairs(sqls) do
      assert.is_true(statements.is_sql(sql), sql)
    end
    for _, tbl in ipairs { "insert", "inserts", "users", "with", "", 42 } do
      assert.is_false(statements.is_sql(tbl), tostring(tbl))
    end
  end)

  it("errors.concurrency: deadlocks and serialization failures of each dialect, nothing else", function()
    local function db(driver, code, errno) return errors.database(driver, "SQL", "msg", code, errno) end
    assert.is_true(errors.concurrency(db("postgres", "40001")))
    assert.is_true(errors.concurrency(db("postgres", "40P01")))
    assert.is_true(errors.concurrency(db("mysql", "40001", 1213)))
    assert.is_true(errors.concurrency(db("mysql", "HY000", 1205)))
    assert.is_true(errors.concurrency(db("sqlite", 5)))
    assert.is_true(errors.concurrency(db("sqlite", 517)))   -- SQLITE_BUSY_SNAPSHOT
    assert.is_true(errors.concurrency(db("sqlite", 6)))
    assert.is_false(errors.concurrency(db("postgres", "23505")))
    assert.is_false(errors.concurrency(db("mysql", "23000", 1062)))
    assert.is_false(errors.concurrency(db("sqlite", 2067)))
    assert.is_false(errors.concurrency("database is locked"))
  end)
end)
