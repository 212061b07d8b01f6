-- Laravel's DB facade on self.db (db/statements.lua), through the binary
-- on each dialect: select, select_one, scalar, cursor, statement,
-- affecting_statement, insert/update/delete of SQL, unprepared scripts,
-- raw, the driver's and database's names, Laravel's bindings (a list,
-- names), --pretend and `lmigrate sql` recording the writes with their
-- values, MySQL's journal taking them statement by statement, and
-- transaction(fn, attempts). A bad call names the file and line.
local helpers = require("spec.helpers")

local FACADE = "2026_01_01_000000_facade"

-- every call, each checked where it runs; the down drops what up made
local SRC = [[
local lmigrate = require("lmigrate")
return {
  up = function(self)
    local db = self.db
    db:statement("CREATE TABLE notes (x INTEGER, body VARCHAR(40))")
    db:unprepared("CREATE TABLE tags (y INTEGER); CREATE TABLE marks (z INTEGER)")
    assert(db:insert("INSERT INTO notes (x, body) VALUES (?, ?)", { 1, "one" }) == true)
    db:insert("insert into notes (x, body) values (:x, :body)", { x = 2, body = "it's :x" })
    db:insert("notes", { x = 3, body = "three" })
    db:insert("INSERT INTO notes (x, body) VALUES (?, ?)", 4, "four")
    assert(db:update("UPDATE notes SET body = ? WHERE x > ?", { "big", 2 }) == 2)
    assert(db:scalar("SELECT count(*) AS n FROM notes") == 4, "scalar")
    assert(db:scalar("SELECT body FROM notes WHERE x = 99") == nil, "no row")
    assert(#db:select("SELECT * FROM notes WHERE x >= :min AND x <= :max", { min = 2, max = 3 }) == 2)
    assert(db:select_one("SELECT body FROM notes WHERE x = ?", { 2 }).body == "it's :x")
    local sum = 0
    for row in db:cursor("SELECT x FROM notes ORDER BY x") do sum = sum + row.x end
    assert(sum == 10, "cursor")
    assert(db:delete("DELETE FROM notes WHERE x = ?", { 4 }) == 1)
    assert(db:affecting_statement("UPDATE notes SET x = x + 10") == 3)
    db:table("notes"):insert({ x = 99, body = db:raw("'raw'") })
    assert(db:scalar("SELECT body FROM notes WHERE x = 99") == "raw")
    assert(db:get_table_prefix() == "" and db:pretending() == false)
    db:insert("INSERT INTO marks (z) VALUES (?)", { #db:get_database_name() })
    -- Schema::getConnection()->getDriverName(): the same connection
    assert(self.schema:get_connection() == db, "Schema::getConnection()")
    local driver = ({ sqlite = 1, pgsql = 2, mysql = 3 })[self.schema:get_connection():get_driver_name()]
    db:insert("INSERT INTO tags (y) VALUES (?)", { driver })
    db:transaction(function() db:statement("UPDATE notes SET x = x") end, 3)
    -- DB::beginTransaction() ... DB::rollBack(): a savepoint inside the migration's
    local before = db:scalar("SELECT count(*) AS n FROM notes")
    db:begin_transaction()
    db:insert("INSERT INTO notes (x, body) VALUES (?, ?)", { 50, "undone" })
    db:roll_back()
    assert(db:scalar("SELECT count(*) AS n FROM notes") == before, "roll_back")
    db:begin_transaction()
    db:insert("INSERT INTO notes (x, body) VALUES (?, ?)", { 51, "kept" })
    db:commit()
    assert(db:scalar("SELECT count(*) AS n FROM notes") == before + 1, "commit")
    db:statement("DELETE FROM notes WHERE x = 51")
    -- DB::getQueryGrammar()->wrapTable()/wrap(): the dialect's quotes around each part
    local grammar = db:get_query_grammar()
    local q = db:get_driver_name() == "mysql" and "`" or '"'
    assert(grammar:wrap_table("notes") == q .. "notes" .. q, grammar:wrap_table("notes"))
    assert(grammar:wrap("notes.x") == q .. "notes" .. q .. "." .. q .. "x" .. q, grammar:wrap("notes.x"))
    assert(grammar:wrap("notes.*") == q .. "notes" .. q .. ".*")
    db:statement("UPDATE " .. grammar:wrap_table("notes") .. " SET " .. grammar:wrap("x") .. " = x")
  end,
  down = function(self)
    self.db:statement("DROP TABLE marks")
    self.db:unprepared("DROP TABLE tags; DROP TABLE notes")
  end,
}
]]

local DRIVER = { sqlite = 1, postgres = 2, mysql = 3 }

local function notes(project)
  return project:with_db(function(db)
    local t = {}
    for _, r in ipairs(db:query("SELECT x, body FROM notes ORDER BY x")) do
      t[#t + 1] = r.x .. "|" .. r.body
    end
    return t
  end)
end

for _, dialect in helpers.each_dialect() do
  describe("Laravel's DB facade on self.db [#" .. dialect .. "]", function()
    local project
    before_each(function() project = helpers.project(dialect) end)
    after_each(function()
      if project then project:cleanup() end
      project = nil
    end)

    it("runs every call, and the down drops what up made", function()
      project:write(FACADE, SRC)
      project:ok("migrate")
      assert.same({ "11|one", "12|it's :x", "13|big", "99|raw" }, notes(project))
      local tags = project:with_db(function(db) return db:query("SELECT y FROM tags")[1].y end)
      assert.equals(DRIVER[dialect.name], tonumber(tags))
      local n = project:with_db(function(db) return db:query("SELECT z FROM marks")[1].z end)
      assert.is_true(tonumber(n) > 0)
      project:ok("rollback")
      assert.is_false(project:has_table("notes"))
      assert.is_false(project:has_table("tags"))
    end)

    it("--pretend and sql print the writes with their values, names kept inside strings", function()
      project:write(FACADE, [[
return {
  up = function(self)
    self.db:statement("CREATE TABLE notes (x INTEGER, body VARCHAR(40))")
    self.db:insert("insert into notes (x, body) values (:x, :body)", { x = 2, body = "it's :x" })
    self.db:update("UPDATE notes SET body = ? WHERE x > ?", { "big", 1 })
    assert(self.db:pretending())
  end,
  down = function(self) self.db:statement("DROP TABLE notes") end,
}
]])
      for _, args in ipairs { { "migrate", "--pretend" }, { "sql" } } do
        local r = project:ok(table.unpack(args))
        assert.truthy(r.stdout:find("insert into notes (x, body) values (2, 'it''s :x')", 1, true), r.stdout)
        assert.truthy(r.stdout:find("UPDATE notes SET body = 'big' WHERE x > 1", 1, true), r.stdout)
      end
      assert.is_false(project:has_table("notes"))
    end)

    it("a binding the SQL names but the list lacks fails at the user's line, nothing kept", function()
      project:write(FACADE, [[
return {
  up = function(self)
    self.db:statement("CREATE TABLE notes (x INTEGER)")
    self.db:select("SELECT * FROM notes WHERE x = :x", { y = 1 })
  end,
  down = function() end,
}
]])
      local r = project:run("migrate")
      helpers.assert_status(1, r)
      assert.truthy(r.stderr:find("db:select: the SQL names :x, which the bindings lack", 1, true), r.stderr)
      assert.truthy(helpers.has_file_line(r.stderr, "databases/migrations/" .. FACADE .. ".lua", 4), r.stderr)
      if dialect.name ~= "mysql" then assert.is_false(project:has_table("notes")) end
    end)

    it("scalar of several columns, '?' mixed with names and a bad attempts fail with what was expected",
       function()
      local cases = {
        { 'self.db:scalar("SELECT 1 AS a, 2 AS b")',
          "db:scalar: the query selects more than one column" },
        { 'self.db:select("SELECT :a, ?", { a = 1 })',
          "named bindings and '?' placeholders cannot be mixed" },
        { 'self.db:transaction(function() end, 0)', "attempts, a whole number >= 1, got 0" },
        { 'self.db:statement(42)', "db:statement: expects SQL text (string), got number" },
        { 'self.db:get_query_grammar():wrap_table(7)',
          "db:get_query_grammar():wrap_table: expects a name (string), got number" },
      }
      for _, c in ipairs(cases) do
        project:write(FACADE, "return { up = function(self)\n  " .. c[1]
          .. "\nend, down = function() end }\n")
        local r = project:run("migrate")
        helpers.assert_status(1, r)
        assert.truthy(r.stderr:find(c[2], 1, true), r.stderr)
        local file = "databases/migrations/" .. FACADE .. ".lua"
        assert.truthy(helpers.has_file_line(r.stderr, file, 2), r.stderr)
      end
    end)
  end)
end

describe("Laravel's DB facade: transaction(fn, attempts) [#sqlite]", function()
  it("runs fn again after a deadlock of the outermost transaction, up to attempts in all", function()
    local project = helpers.project("sqlite")
    -- a seeder's transaction is lmigrate's; a raw connection's db:transaction is outermost
    local DB = require("lmigrate.db")
    local core = helpers.core
    local db = DB.new(assert(core.connect("sqlite", project:path("t.db"))), core.grammar("sqlite"))
    db:execute("CREATE TABLE t (n INTEGER)")
    local errors = require("lmigrate.errors")
    local calls = 0
    local n = db:transaction(function()
      calls = calls + 1
      db:execute("INSERT INTO t VALUES (?)", calls)
      if calls < 3 then error(errors.database("sqlite", "INSERT", "database is locked", 5), 0) end
      return calls
    end, 3)
    assert.equals(3, n)
    assert.same({ { n = 3 } }, db:query("SELECT n FROM t"))
    calls = 0
    local ok, err = pcall(db.transaction, db, function()
      calls = calls + 1
      error(errors.database("sqlite", "INSERT", "database is locked", 5), 0)
    end, 2)
    assert.is_false(ok)
    assert.equals(2, calls)
    assert.truthy(tostring(err.message):find("locked", 1, true))
    calls = 0
    ok = pcall(db.transaction, db, function()
      calls = calls + 1
      error("a Lua error", 0)
    end, 5)
    assert.is_false(ok)
    assert.equals(1, calls)
    db.conn:close()
    project:cleanup()
  end)
end)
