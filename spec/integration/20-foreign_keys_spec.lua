-- Foreign keys switched off inside a migration, and no silent cascade
-- (schema/foreign_keys.lua): the cascade trap (a parent dropped and
-- recreated with keys disabled keeps every child row; the same drop with
-- keys enforced is refused, naming the child table), the check before the
-- commit (a migration leaving a new dangling reference rolls back, naming
-- the table, the key and a sample row), keys on again after a migration,
-- transaction = false, --atomic, seeders, the SQLite rebuild with keys
-- off, truncate, and a failing history write or COMMIT naming the
-- migration. On MySQL (DDL commits at once) the journal names what stayed.
local helpers = require("spec.helpers")
local servers = require("spec.support.servers")

local SETUP = "2026_01_01_000001_setup"
local STEP = "2026_01_01_000002_step"
local NEXT = "2026_01_01_000003_next"

-- parents (a, b) and children (1 -> a, 2 -> b, 3 -> b) with ON DELETE CASCADE
local SETUP_MIGRATION = helpers.migration {
  name = "Setup",
  up = [[
  self.schema:create("parents", function(t)
    t:increments("id")
    t:string("name")
  end)
  self.schema:create("children", function(t)
    t:increments("id")
    t:integer("parent_id"):unsigned()
    t:string("label", 10):nullable()
    t:foreign("parent_id"):references("id"):on("parents"):on_delete("cascade")
  end)
  self.db:insert("parents", { { name = "a" }, { name = "b" } })
  self.db:insert("children", { { parent_id = 1 }, { parent_id = 2 }, { parent_id = 2 } })]],
  down = '  self.schema:drop("children")\n  self.schema:drop("parents")',
}

-- the parents dropped and made again with one more column; 'how' turns
-- the keys off: "first" (before anything runs), "late" (after a query),
-- "without" (without_foreign_key_constraints); 'refill' = false leaves
-- the new parents empty
local function recreate(how, refill)
  local body = {
    '  local rows = self.db:query("SELECT id, name FROM parents ORDER BY id")',
    "  local function swap()",
    '    self.schema:drop("parents")',
    '    self.schema:create("parents", function(t)',
    '      t:increments("id")',
    '      t:string("name")',
    '      t:string("extra"):nullable()',
    "    end)",
    refill == false and "" or '    self.db:insert("parents", rows)',
    "  end",
  }
  if how == "first" then table.insert(body, 1, "  self.schema:disable_foreign_key_constraints()") end
  if how == "late" then body[#body + 1] = "  self.schema:disable_foreign_key_constraints()" end
  if how == "without" then
    body[#body + 1] = "  self.schema:without_foreign_key_constraints(swap)"
  else
    body[#body + 1] = "  swap()"
    if how then body[#body + 1] = "  self.schema:enable_foreign_key_constraints()" end
  end
  return helpers.migration { name = "Step", up = table.concat(body, "\n"), down = "" }
end

local function count(project, t)
  return project:with_db(function(db) return db:count(t) end)
end

local function applied(project)
  local t = {}
  for _, h in ipairs(project:history()) do t[#t + 1] = h.migration end
  return t
end

local function has(s, text)
  assert.truthy(s:find(text, 1, true), s)
end

-- the parents have their old columns, rows and the history only SETUP
local function nothing_applied(project)
  assert.same({ SETUP }, applied(project))
  assert.equals(3, count(project, "children"))
  assert.equals(2, count(project, "parents"))
  local cols = project:columns("parents")
  assert.is_nil(cols.extra)
end

-- the keys hold, and cascade, after the run: a dangling child is refused,
-- deleting parent 2 deletes its two children (unless 'refused_only': the
-- parents are gone)
local function keys_enforced(project, refused_only)
  project:with_db(function(db)
    assert.is_nil((db:exec("INSERT INTO children (parent_id) VALUES (99)")))
    if refused_only then return end
    db:run("DELETE FROM parents WHERE id = 2")
    assert.equals(1, db:count("children"))
  end)
end

for _, dialect in helpers.each_dialect() do
  local name = dialect.name
  -- it, where 'cond' holds; else a pending test that says why not
  local function only(cond, why)
    if cond then return it end
    return function(what) pending(what .. ": not on " .. name .. " (" .. why .. ")") end
  end
  local when_can_drop = only(name ~= "postgres", "PostgreSQL never drops a referenced table")
  local sqlite_only = only(name == "sqlite", "SQLite's switch, transaction or rebuild")
  local postgres_only = only(name == "postgres", "PostgreSQL's deferrable keys")

  describe("foreign keys [#" .. name .. "]", function()
    local project

    before_each(function()
      project = helpers.project(dialect)
      project:write(SETUP, SETUP_MIGRATION)
      project:ok("migrate")
    end)

    after_each(function()
      if project then project:cleanup() end
      project = nil
    end)

    describe("the cascade trap", function()
      for _, how in ipairs { "first", "late", "without" } do
        when_can_drop("a parent dropped and recreated with keys disabled (" .. how
            .. ") keeps every child row", function()
          project:write(STEP, recreate(how))
          project:ok("migrate")
          assert.same({ SETUP, STEP }, applied(project))
          assert.equals(3, count(project, "children"))
          assert.equals(2, count(project, "parents"))
          assert.truthy(project:columns("parents").extra)
          keys_enforced(project)
        end)
      end

      it("the same drop with keys enforced is refused, naming the child table", function()
        project:write(STEP, recreate(nil))
        local r = project:run("migrate")
        helpers.assert_status(1, r)
        has(r.stderr, "schema:drop cannot drop table parents")
        has(r.stderr, "table children")
        has(r.stderr, STEP .. ".lua")
        nothing_applied(project)
      end)

      postgres_only("PostgreSQL refuses the drop with keys disabled too, naming the child", function()
        project:write(STEP, recreate("first"))
        local r = project:run("migrate")
        helpers.assert_status(1, r)
        has(r.stderr, "cannot drop table parents: table children (foreign key children_parent_id_foreign)")
        nothing_applied(project)
      end)

      when_can_drop("a migration leaving a new dangling reference rolls back, naming table, key, row",
          function()
        project:write(STEP, recreate("first", false))
        local r = project:run("migrate")
        helpers.assert_status(1, r)
        has(r.stderr, "migration " .. STEP .. " failed")
        has(r.stderr, "3 row(s) of table children are left without their parents row")
        has(r.stderr, "foreign key children_parent_id_foreign (parent_id) references parents(id)")
        has(r.stderr, "parent_id = 1")
        if name == "mysql" then
          -- MySQL committed the DROP and the CREATE: the journal says so
          has(r.stderr, "what it committed stays")
          has(r.stderr, "2 of 2 statements were applied")
          has(r.stderr, "lmigrate migrate --resume")
          assert.same({ SETUP }, applied(project))
        else
          has(r.stderr, "nothing was applied")
          nothing_applied(project)
        end
        keys_enforced(project, name == "mysql")
      end)
    end)

    postgres_only("a deferrable key left dangling with keys disabled rolls back before COMMIT", function()
      project:write(STEP, helpers.migration { up = [[
  self.db:execute("ALTER TABLE children DROP CONSTRAINT children_parent_id_foreign")
  self.db:execute("ALTER TABLE children ADD CONSTRAINT children_parent_id_foreign FOREIGN KEY "
    .. "(parent_id) REFERENCES parents (id) ON DELETE CASCADE DEFERRABLE")
  self.schema:disable_foreign_key_constraints()
  self.db:execute("UPDATE children SET parent_id = 77 WHERE id = 3")]] })
      local r = project:run("migrate")
      helpers.assert_status(1, r)
      has(r.stderr, "1 row(s) of table children are left without their parents row")
      has(r.stderr, "the row with parent_id = 77")
      nothing_applied(project)
    end)

    postgres_only("a failing COMMIT (a deferred key) names the migration and its file", function()
      project:write(STEP, helpers.migration { up = [[
  self.db:execute("ALTER TABLE children DROP CONSTRAINT children_parent_id_foreign")
  self.db:execute("ALTER TABLE children ADD CONSTRAINT children_parent_id_foreign FOREIGN KEY "
    .. "(parent_id) REFERENCES parents (id) DEFERRABLE INITIALLY DEFERRED")
  self.db:execute("UPDATE children SET parent_id = 77 WHERE id = 3")]] })
      local r = project:run("migrate")
      helpers.assert_status(1, r)
      has(r.stderr, "migration " .. STEP .. " failed")
      has(r.stderr, "in databases/migrations/" .. STEP .. ".lua")
      has(r.stderr, "COMMIT")
      nothing_applied(project)
    end)

    it("a failing history write names the migration and its file", function()
      project:write(STEP, helpers.migration { up = ([[
  self.db:insert("migrations", { migration = %q, batch = 9 })]]):format(STEP) })
      local r = project:run("migrate")
      helpers.assert_status(1, r)
      has(r.stderr, "migration " .. STEP .. " failed")
      has(r.stderr, "in databases/migrations/" .. STEP .. ".lua")
      has(r.stderr, "INSERT INTO")
      assert.same({ SETUP }, applied(project))
    end)

    when_can_drop("keys are on again for the next migration, whatever the last one did", function()
      project:write(STEP, helpers.migration { up = "  self.schema:disable_foreign_key_constraints()" })
      project:write(NEXT, helpers.migration { up = [[
  local ok, err = self.db:try(function()
    self.db:execute("INSERT INTO children (parent_id) VALUES (99)")
  end)
  if ok then error("foreign keys are still off") end]] })
      project:ok("migrate")
      assert.same({ SETUP, STEP, NEXT }, applied(project))
      keys_enforced(project)
    end)

    when_can_drop("a dangling reference there before the keys went off is not the migration's",
        function()
      project:with_db(function(db)
        db:run(name == "sqlite" and "PRAGMA foreign_keys = OFF" or "SET FOREIGN_KEY_CHECKS = 0")
        db:run("INSERT INTO children (parent_id) VALUES (42)")
      end)
      project:write(STEP, recreate("first"))
      project:ok("migrate")
      assert.equals(4, count(project, "children"))
      project:write(NEXT, helpers.migration { up = [[
  self.schema:without_foreign_key_constraints(function()
    self.db:execute("INSERT INTO children (parent_id) VALUES (43)")
  end)]] })
      local r = project:run("migrate")
      helpers.assert_status(1, r)
      has(r.stderr, "1 row(s) of table children are left without their parents row")
      has(r.stderr, "parent_id = 43")
      assert.equals(4, count(project, "children"))
    end)

    -- (Koel's 2022_08_01_093952 leaves interactions with two keys on song_id: SQLite
    -- reports a violation per key, and the row was counted twice)
    sqlite_only("a row dangling under two keys of the same columns counts once", function()
      project:write(STEP, helpers.migration { up = [[
  self.schema:table("children", function(t)
    t:foreign("parent_id", "children_parent_id_again"):references("id"):on("parents")
  end)
  self.schema:without_foreign_key_constraints(function()
    self.db:execute("DELETE FROM parents WHERE id = 1")
  end)]] })
      local r = project:run("migrate")
      helpers.assert_status(1, r)
      has(r.stderr, "1 row(s) of table children are left without their parents row")
      has(r.stderr, "parent_id = 1; rolled back")
      nothing_applied(project)
    end)

    sqlite_only("with transaction = false the keys are really off, and the check still runs", function()
      project:write(STEP, helpers.migration { up = [[
  self.schema:without_foreign_key_constraints(function()
    self.db:execute("DELETE FROM parents WHERE id = 1")
  end)]], extra = "M.transaction = false" })
      local r = project:run("migrate")
      helpers.assert_status(1, r)
      has(r.stderr, "1 row(s) of table children are left without their parents row")
      has(r.stderr, "what it did stays")
      -- no cascade fired: the child of parent 1 is still there; no history row
      assert.equals(3, count(project, "children"))
      assert.same({ SETUP }, applied(project))
      project:with_db(function(db) db:run("INSERT INTO parents (id, name) VALUES (1, 'a')") end)
      project:write(STEP, helpers.migration { up = recreate("without"):match(
        "function M:up%(%)\n(.-)\nend\nfunction M:down"), extra = "M.transaction = false" })
      project:ok("migrate")
      assert.equals(3, count(project, "children"))
      keys_enforced(project)
    end)

    sqlite_only("runs a migration again from its start only when the keys go off after it ran SQL",
        function()
      for _, case in ipairs { { "first", "x" }, { "late", "xx" } } do
        local file = project:path("runs_" .. case[1])
        project:write(STEP, helpers.migration { up = ([[
  local f = assert(io.open(%q, "a")) f:write("x") f:close()
]]):format(file) .. recreate(case[1]):match("function M:up%(%)\n(.-)\nend\nfunction M:down") })
        project:ok("migrate")
        assert.equals(case[2], helpers.read_file(file))
        project:ok("rollback")
      end
    end)

    sqlite_only("lmigrate sql turns the keys off before BEGIN: the script keeps the child rows",
        function()
      project:write(STEP, helpers.migration { up = [[
  self.schema:without_foreign_key_constraints(function()
    self.schema:create("parents2", function(t) t:increments("id") t:string("name") end)
    self.db:execute("INSERT INTO parents2 (id, name) SELECT id, name FROM parents")
    self.schema:drop("parents")
    self.schema:rename("parents2", "parents")
  end)]] })
      local r = project:ok("sql")
      has(r.stdout, "\n-- " .. STEP .. "\nPRAGMA foreign_keys = OFF;\nBEGIN;\n")
      has(r.stdout, "\nCOMMIT;\nPRAGMA foreign_keys = ON;\n")
      assert.equals(1, select(2, r.stdout:gsub("PRAGMA foreign_keys = OFF;\nBEGIN;", "")))
      local path, db_file = os.tmpname(), os.tmpname()
      os.remove(db_file)
      helpers.write_file(path, "PRAGMA foreign_keys = ON;\n" .. r.stdout)
      local status, out = servers.run_script("sqlite", {}, db_file, path)
      assert.equals(0, status, out)
      local _, children = helpers.capture("sqlite3 " .. helpers.quote(db_file)
        .. " 'SELECT COUNT(*) FROM children'")
      os.remove(path)
      os.remove(db_file)
      assert.equals("3", children:match("%d+"))
      -- and through migrate
      project:ok("migrate")
      assert.equals(3, count(project, "children"))
      keys_enforced(project)
    end)

    sqlite_only("inside db:transaction: the migration runs again with the keys off; with"
        .. " transaction = false that cannot be, and says so", function()
      local body = recreate("first"):match("function M:up%(%)\n(.-)\nend\nfunction M:down")
      project:write(STEP, helpers.migration { up = "  self.db:transaction(function()\n" .. body
        .. "\n  end)" })
      project:ok("migrate")
      assert.equals(3, count(project, "children"))
      project:ok("rollback")
      project:write(STEP, helpers.migration { up = "  self.db:transaction(function()\n" .. body
        .. "\n  end)", extra = "M.transaction = false" })
      local r = project:run("migrate")
      helpers.assert_status(1, r)
      has(r.stderr, "cannot turn foreign keys off inside db:transaction on sqlite")
      has(r.stderr, STEP .. ".lua:")
      assert.equals(3, count(project, "children"))
    end)

    sqlite_only("--atomic runs the whole batch again with the keys off", function()
      project:with_db(function(db) db:run("DROP TABLE children") db:run("DROP TABLE parents")
        db:run("DELETE FROM migrations") end)
      project:write(STEP, recreate("late"))
      local r = project:ok("migrate", "--atomic")
      has(r.stdout, "running it again with them off")
      assert.same({ SETUP, STEP }, applied(project))
      assert.equals(3, count(project, "children"))
      keys_enforced(project)
    end)

    sqlite_only("a table rebuild with keys disabled does not refuse on the keys it ignores", function()
      project:write(STEP, helpers.migration { up = [[
  local rows = self.db:query("SELECT id, name FROM parents ORDER BY id")
  self.schema:without_foreign_key_constraints(function()
    self.schema:drop("parents")
    -- a rebuild of children while its parents are gone
    self.schema:table("children", function(t) t:string("label", 40):nullable():change() end)
    self.schema:create("parents", function(t) t:increments("id") t:string("name") end)
    self.db:insert("parents", rows)
  end)]] })
      project:ok("migrate")
      assert.equals(3, count(project, "children"))
      keys_enforced(project)
    end)

    describe("truncate", function()
      it("is refused while rows of other tables reference the table, naming them", function()
        project:write(STEP, helpers.migration { up = '  self.schema:truncate("parents")' })
        local r = project:run("migrate")
        helpers.assert_status(1, r)
        has(r.stderr, "schema:truncate cannot empty table parents: table children")
        nothing_applied(project)
      end)

      it("empties a referenced table whose children hold no rows", function()
        project:write(STEP, helpers.migration { up = [[
  self.db:execute("DELETE FROM children")
  self.schema:truncate("parents")]] })
        project:ok("migrate")
        assert.equals(0, count(project, "parents"))
      end)

      when_can_drop("with the keys off empties only the table: the children keep their rows",
          function()
        project:write(STEP, helpers.migration { up = [[
  local rows = self.db:query("SELECT id, name FROM parents ORDER BY id")
  self.schema:without_foreign_key_constraints(function()
    self.schema:truncate("parents")
    self.db:insert("parents", rows)
  end)]] })
        project:ok("migrate")
        assert.equals(3, count(project, "children"))
        assert.equals(2, count(project, "parents"))
      end)
    end)

    sqlite_only("a seeder may turn the keys off, and is checked before it commits", function()
      local dir = project:path("databases/seeds")
      assert(helpers.sh("mkdir -p " .. helpers.quote(dir)) == 0)
      local function seeder(body)
        helpers.write_file(dir .. "/database_seeder.lua", table.concat({
          'local Seeder = require("lmigrate.seeder")',
          'local S = Seeder:extend("DatabaseSeeder")',
          "function S:run()", body, "end", "return S", "" }, "\n"))
      end
      seeder([[
  self.db:insert("parents", { name = "c" })
  self.schema:without_foreign_key_constraints(function()
    self.schema:truncate("parents")
    self.db:insert("parents", { { id = 1, name = "A" }, { id = 2, name = "B" } })
  end)]])
      project:ok("seed")
      assert.equals(3, count(project, "children"))
      assert.equals(2, count(project, "parents"))
      -- a seeder called by another: the outermost runs again with the keys off
      helpers.write_file(dir .. "/inner_seeder.lua", table.concat({
        'local Seeder = require("lmigrate.seeder")',
        'local S = Seeder:extend("InnerSeeder")',
        "function S:run()",
        '  self.schema:without_foreign_key_constraints(function() self.schema:truncate("parents") end)',
        '  self.db:insert("parents", { { id = 1, name = "x" }, { id = 2, name = "y" } })',
        "end", "return S", "" }, "\n"))
      seeder('  self.db:insert("parents", { name = "c" })\n  self:call("InnerSeeder")')
      project:ok("seed")
      assert.equals(3, count(project, "children"))
      assert.equals(2, count(project, "parents"))
      seeder([[
  self.schema:disable_foreign_key_constraints()
  self.db:execute("DELETE FROM parents WHERE id = 2")]])
      local r = project:run("seed")
      helpers.assert_status(1, r)
      has(r.stderr, "seeder DatabaseSeeder failed")
      has(r.stderr, "2 row(s) of table children are left without their parents row")
      assert.equals(2, count(project, "parents"))
    end)
  end)
end

-- MySQL's SQL for the checks, called directly on one MariaDB session
if helpers.dialects.mysql then
  describe("foreign keys' MySQL SQL [#mysql]", function()
    local core = helpers.core
    local keys = require("lmigrate.schema.foreign_keys")
    local mysql = helpers.dialects.mysql
    local dbname, admin, db, schema

    before_each(function()
      dbname = helpers.unique_name("lmigrate_spec")
      admin = mysql:open()
      admin:run("CREATE DATABASE `" .. dbname .. "`")
      local g = core.grammar("mysql")
      db = require("lmigrate.db").new(mysql:open(dbname).conn, g)
      schema = require("lmigrate.schema").new(db, g)
      for _, sql in ipairs {
        "CREATE TABLE parents (id INT PRIMARY KEY)",
        "CREATE TABLE children (id INT PRIMARY KEY, parent_id INT, CONSTRAINT children_parent_fk "
          .. "FOREIGN KEY (parent_id) REFERENCES parents (id) ON DELETE CASCADE)",
        "INSERT INTO parents VALUES (1), (2)",
        "SET FOREIGN_KEY_CHECKS = 0",
        "INSERT INTO children VALUES (1, 1), (2, 2), (3, 9), (4, NULL)",
        "SET FOREIGN_KEY_CHECKS = 1",
      } do db:execute(sql) end
    end)

    after_each(function()
      db.conn:close()
      admin:exec("DROP DATABASE IF EXISTS `" .. dbname .. "`")
      admin:close()
    end)

    it("finds the dangling rows of every key, with a count and samples", function()
      local list = keys.dangling(db)
      assert.equals(1, #list)
      assert.equals("children", list[1].table)
      assert.equals("children_parent_fk", list[1].name)
      assert.same({ "parent_id" }, list[1].columns)
      assert.equals(1, list[1].count)
      assert.same({ "parent_id = 9" }, list[1].samples)
    end)

    it("refuses to drop or truncate the parent while checks are on, naming the child", function()
      local ok, err = pcall(schema.drop, schema, "parents")
      assert.is_false(ok)
      has(err.message, "table children (foreign key children_parent_fk) references it")
      ok, err = pcall(schema.truncate, schema, "parents")
      assert.is_false(ok)
      has(err.message, "schema:truncate cannot empty table parents")
      assert.is_true(schema:has_table("parents"))
    end)

    it("sees every row of a key whose parent table is gone", function()
      db:execute("SET FOREIGN_KEY_CHECKS = 0")
      db:execute("DROP TABLE parents")
      local list = keys.dangling(db)
      assert.equals(3, list[1].count)
    end)
  end)
end

-- SQLite's drop guard reads the keys of the tables whose CREATE TABLE text
-- names the dropped table (dialect/sqlite/keys.lua): names with LIKE's
-- wildcards, another case, quotes and a rename must still be found
describe("foreign keys' SQLite drop guard [#sqlite]", function()
  local core = helpers.core
  local db, schema

  before_each(function()
    local g = core.grammar("sqlite")
    db = require("lmigrate.db").new(assert(core.connect("sqlite", ":memory:")), g)
    schema = require("lmigrate.schema").new(db, g)
    db:execute("PRAGMA foreign_keys = ON")
  end)

  after_each(function() db.conn:close() end)

  local function refused(t, child)
    local ok, err = pcall(schema.drop, schema, t)
    assert.is_false(ok, t .. " was dropped")
    has(err.message, "cannot drop table " .. t .. ": table " .. child)
    assert.is_true(schema:has_table(t))
  end

  it("finds a child naming the parent in another case, with wildcards in the name", function()
    db:execute('CREATE TABLE "a_b%c" (id INTEGER PRIMARY KEY)')
    db:execute('CREATE TABLE "aXbYc" (id INTEGER PRIMARY KEY)')
    db:execute('CREATE TABLE kids (id INTEGER PRIMARY KEY, p INTEGER REFERENCES "A_B%C" (id))')
    refused("a_b%c", "kids")
    schema:drop("aXbYc")   -- '_' and '%' are no wildcards: nothing references it
    assert.is_false(schema:has_table("aXbYc"))
  end)

  it("finds a child of a quoted name and of a renamed parent", function()
    db:execute('CREATE TABLE "we""ird" (id INTEGER PRIMARY KEY)')
    db:execute('CREATE TABLE kids (id INTEGER PRIMARY KEY, p INTEGER REFERENCES "we""ird" (id))')
    refused('we"ird', "kids")
    db:execute("CREATE TABLE old_name (id INTEGER PRIMARY KEY)")
    db:execute("CREATE TABLE kids2 (id INTEGER PRIMARY KEY, p INTEGER REFERENCES old_name (id))")
    db:execute("ALTER TABLE old_name RENAME TO new_name")
    refused("new_name", "kids2")
  end)
end)
