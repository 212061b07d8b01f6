-- lmigrate owns a migration's transaction (issue #13, defect 2): a
-- migration that commits or rolls it back itself is an error naming its
-- file and line, and nothing of it is recorded as applied. Transaction
-- control through self.db is refused while lmigrate holds a transaction;
-- one that gets past (the raw connection) is caught by the transaction's
-- state after up/down.
local helpers = require("spec.helpers")

local A = "2026_01_01_000000_create_a"
local B = "2026_01_01_000001_create_b"

local function up(body, extra)
  return helpers.migration { up = body, down = "", extra = extra }
end

-- an up that creates table 'a', then runs 'stmt' (line 6 of the file)
local function create_then(stmt)
  return up('  self.schema:create("a", function(t) t:increments("id") end)\n' .. stmt)
end

for _, dialect in helpers.each_dialect() do
  local pg, my = dialect.name == "postgres", dialect.name == "mysql"
  -- a row of defaults, in the dialect's words
  local DEFAULTS = my and "() VALUES ()" or "DEFAULT VALUES"
  -- MySQL commits DDL at once (each statement journaled, no --atomic) and
  -- its driver cannot tell whether the raw connection ended a transaction
  local not_mysql = my and function(what)
    pending(what .. ": not on MySQL (DDL commits at once; --atomic is refused there)")
  end or it

  describe("the migration's transaction [#" .. dialect .. "]", function()
    local project

    before_each(function() project = helpers.project(dialect) end)
    after_each(function()
      if project then project:cleanup() end
      project = nil
    end)

    local function refused(status, patterns, ...)
      return project:refused(status, patterns, ...)
    end

    local CONTROL = {
      { 'self.db:execute("COMMIT")', "COMMIT" },
      { 'self.db:execute("rollback")', "ROLLBACK" },
      { 'self.db:execute("INSERT INTO a ' .. DEFAULTS .. '; ROLLBACK")', "ROLLBACK" },
      { 'self.db:execute("/* x */ End Transaction")', "END TRANSACTION" },
      { 'self.db:query("BEGIN")', "BEGIN" },
      { 'self.db:first("SAVEPOINT mine")', "SAVEPOINT" },
      { 'self.db:execute("RELEASE SAVEPOINT lmigrate_1")', "RELEASE SAVEPOINT" },
      { 'self.db:execute("ROLLBACK TO SAVEPOINT lmigrate_1")', "ROLLBACK TO" },
    }
    if pg then
      CONTROL[#CONTROL + 1] = { 'self.db:execute("START TRANSACTION")', "START TRANSACTION" }
      CONTROL[#CONTROL + 1] = { 'self.db:execute("ABORT")', "ABORT" }
      CONTROL[#CONTROL + 1] = { 'self.db:execute("PREPARE TRANSACTION \'x\'")', "PREPARE TRANSACTION" }
    end

    for _, case in ipairs(CONTROL) do
      it(case[1] .. " in up is refused, naming the file and line; nothing is recorded", function()
        project:write(A, create_then("  " .. case[1]))
        project:write(B, helpers.create_table_migration("b"))
        refused(1, { case[2] .. " is transaction control", A .. ".lua:6" }, "migrate")
        assert.same({}, project:history())
        assert.falsy(project:has_table("a"))
        assert.falsy(project:has_table("b"))
      end)
    end

    it("is refused in down, with --atomic and in a seeder too", function()
      project:write(A, helpers.migration {
        up = '  self.schema:create("a", function(t) t:increments("id") end)',
        down = '  self.schema:drop("a")\n  self.db:execute("COMMIT")',
      })
      project:ok("migrate")
      local before = project:snapshot()
      refused(1, { "COMMIT is transaction control", A .. ".lua:9" }, "rollback")
      assert.equals(before, project:snapshot())
      if not my then   -- MySQL refuses --atomic itself
        project:write(B, create_then('  self.db:execute("COMMIT")'):gsub('"a"', '"b"'))
        refused(1, { "COMMIT is transaction control" }, "migrate", "--atomic")
        assert.equals(before, project:snapshot())
      end
      assert.equals(0, helpers.sh("mkdir -p " .. helpers.quote(project:path("databases/seeds"))))
      helpers.write_file(project:path("databases/seeds/database_seeder.lua"), [[
local Seeder = require("lmigrate.seeder")
local S = Seeder:extend("DatabaseSeeder")
function S:run()
  self.db:execute("INSERT INTO a ]] .. DEFAULTS .. [[")
  self.db:execute("COMMIT")
end
return S
]])
      refused(1, { "COMMIT is transaction control", "database_seeder.lua:5" }, "seed")
      assert.equals(before, project:snapshot())
    end)

    it("is refused by `sql` and `migrate --pretend` too, whose scripts it would break", function()
      project:write(A, create_then('  self.db:execute("COMMIT")'))
      local r = refused(1, { "COMMIT is transaction control", A .. ".lua:6" }, "sql")
      assert.equals("", r.stdout)
      refused(1, { "COMMIT is transaction control" }, "migrate", "--pretend")
      assert.falsy(project:has_table("migrations"))
    end)

    not_mysql("a COMMIT that gets past self.db (the raw connection) is caught: not recorded, exit 1",
        function()
      project:write(A, create_then('  self.db.conn:exec("COMMIT")\n'
        .. '  self.schema:create("after", function(t) t:increments("id") end)'))
      project:write(B, helpers.create_table_migration("b"))
      local r = refused(1, { "up ended the transaction lmigrate ran it in", A }, "migrate")
      assert.truthy(r.stdout:find("FAIL", 1, true), r.stdout)
      assert.same({}, project:applied())
      assert.falsy(project:has_table("b"))   -- nothing after it ran
      -- what it committed itself stays, as the message says; the next run retries it
      assert.truthy(project:has_table("a"))
    end)

    not_mysql("a ROLLBACK through the raw connection under --atomic does not claim the batch rolled back",
        function()
      project:write(A, helpers.create_table_migration("a0"))
      project:write(B, create_then('  self.db.conn:exec("ROLLBACK")'))
      local r = refused(1, { "up ended the transaction" }, "migrate", "--atomic")
      assert.falsy(r.stdout:find("Rolled back the whole batch", 1, true), r.stdout)
      assert.same({}, project:history())
      assert.falsy(project:has_table("a0"))
    end)

    it("a migration with transaction = false manages its own transactions", function()
      project:write(A, up('  self.db:execute("BEGIN")\n'
        .. '  self.schema:create("a", function(t) t:increments("id") end)\n'
        .. '  self.db:execute("COMMIT")', "M.transaction = false"))
      project:ok("migrate")
      assert.same({ A }, project:applied())
      assert.truthy(project:has_table("a"))
    end)

    it("words in strings, comments and block bodies are not transaction control", function()
      local body = {
        '  self.schema:create("a", function(t) t:increments("id") t:string("note"):nullable() end)',
        [[  self.db:execute("INSERT INTO a (note) VALUES ('COMMIT; ROLLBACK') -- COMMIT")]],
        [[  self.db:execute("/* BEGIN */ SELECT 1; SELECT 'END'")]],
        [[  self.db:execute("INSERT INTO a (note) VALUES (?)", "ROLLBACK")]],
      }
      if pg then
        body[#body + 1] = [[  self.db:execute("DO $x$ BEGIN PERFORM 1; END $x$")]]
      elseif my then
        body[#body + 1] = [[  self.db:execute("CREATE TRIGGER a_t BEFORE INSERT ON a FOR EACH ROW BEGIN ]]
          .. [[IF NEW.note IS NULL THEN SET NEW.note = 'x'; END IF; END")]]
      else
        body[#body + 1] = [[  self.db:execute("CREATE TRIGGER a_t AFTER INSERT ON a BEGIN ]]
          .. [[UPDATE a SET note = 'x' WHERE id = NEW.id AND note IS NULL; END")]]
      end
      project:write(A, up(table.concat(body, "\n")))
      project:ok("migrate")
      assert.same({ A }, project:applied())
      assert.equals(2, project:with_db(function(db) return db:count("a") end))
    end)

    it("self.db:transaction still nests, in a savepoint of lmigrate's own", function()
      project:write(A, up([[
  self.schema:create("a", function(t) t:increments("id") end)
  local ok = pcall(self.db.transaction, self.db, function(db)
    db:execute("INSERT INTO a ]] .. DEFAULTS .. [[")
    error("undo the insert")
  end)
  assert(not ok)
  self.db:transaction(function(db) db:execute("INSERT INTO a ]] .. DEFAULTS .. [[") end)]]))
      project:ok("migrate")
      assert.equals(1, project:with_db(function(db) return db:count("a") end))
    end)
  end)
end
