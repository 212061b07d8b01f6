-- The SQLite table rebuild: what ALTER TABLE cannot do in place is done
-- by rebuilding the table inside the migration's transaction, and every
-- row, index, unique constraint, CHECK, foreign key (in and out),
-- trigger and AUTOINCREMENT counter survives; no cascade fires.
local helpers = require("spec.helpers")

local SETUP = "2026_01_01_000001_setup"
local ALTER = "2026_01_01_000002_alter"

-- items: AUTOINCREMENT id with its counter (4) above the max id (3), a
-- foreign key out (parents), one in with ON DELETE CASCADE (children),
-- a unique index, an index, a CHECK and a trigger
local SETUP_MIGRATION = helpers.migration {
  name = "Setup",
  up = [==[
  for _, sql in ipairs {
    "CREATE TABLE parents (id INTEGER PRIMARY KEY, name TEXT)",
    [[CREATE TABLE items (id INTEGER PRIMARY KEY AUTOINCREMENT,
      parent_id INTEGER CONSTRAINT items_parent_id_foreign REFERENCES parents (id),
      owner_id INTEGER, code VARCHAR(20) NOT NULL, name VARCHAR(50),
      qty INTEGER NOT NULL DEFAULT 0, note TEXT,
      CONSTRAINT items_qty_check CHECK (qty >= 0))]],
    "CREATE UNIQUE INDEX items_code_unique ON items (code)",
    "CREATE INDEX items_name_index ON items (name)",
    "CREATE TABLE log (item_id INTEGER)",
    [[CREATE TRIGGER items_log AFTER INSERT ON items
      BEGIN INSERT INTO log (item_id) VALUES (new.id); END]],
    [[CREATE TABLE children (id INTEGER PRIMARY KEY,
      item_id INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE)]],
    "INSERT INTO parents (id, name) VALUES (1, 'p')",
    [[INSERT INTO items (parent_id, owner_id, code, name, qty, note) VALUES
      (1, 1, 'a1', 'one', 1, NULL), (1, 1, 'b2', 'two', 2, 'x'),
      (NULL, NULL, 'c3', 'three', 3, NULL), (NULL, NULL, 'd4', 'four', 4, NULL)]],
    "DELETE FROM items WHERE id = 4",
    "DELETE FROM log",
    "INSERT INTO children (id, item_id) VALUES (1, 1), (2, 2), (3, 3)",
  } do
    self.db:execute(sql)
  end]==],
  down = [[
  self.db:execute("DROP TABLE children")
  self.db:execute("DROP TABLE items")
  self.db:execute("DROP TABLE log")
  self.db:execute("DROP TABLE parents")]],
}

local function alter(body)
  return helpers.migration {
    name = "Alter",
    up = '  self.schema:table("items", function(t)\n' .. body .. "\n  end)",
  }
end

local function refused(db, sql, ...)
  local n = db:exec(sql, ...)
  return n == nil
end

-- what must hold after any rebuild; skip: checks left out by the case
local function verify(db, skip)
  skip = skip or {}
  assert.same({ "a1", "b2", "c3" }, (function()
    local out = {}
    for _, r in ipairs(db:query("SELECT code FROM items ORDER BY id")) do out[#out + 1] = r.code end
    return out
  end)())
  assert.equal(3, db:count("children"))
  assert.same({}, db:query("PRAGMA foreign_key_check"))
  assert.equal("ok", db:scalar("PRAGMA integrity_check"))
  assert.is_nil(db:first("SELECT name FROM sqlite_master WHERE name LIKE '%lmigrate%'"))
  -- unique and CHECK
  assert.is_true(refused(db, "INSERT INTO items (code) VALUES ('a1')"))
  if not skip.check then
    assert.is_true(refused(db, "INSERT INTO items (code, qty) VALUES ('zz', -1)"))
  end
  if not skip.index then
    assert.truthy(db:first("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'items_name_index'"))
  end
  -- the trigger and the AUTOINCREMENT counter
  db:run("INSERT INTO items (code" .. (skip.no_name and "" or ", name") .. ") VALUES ('e5'"
    .. (skip.no_name and "" or ", 'five'") .. ")")
  local id = tonumber(db:scalar("SELECT max(id) FROM items"))
  if not skip.counter then assert.equal(5, id) end
  assert.equal(1, db:count("log"))
  -- the foreign key out, where kept
  if not skip.parent_fk then
    assert.is_true(refused(db, "UPDATE items SET parent_id = 99 WHERE id = 1"))
  end
  -- the child's foreign key still points at items, and still cascades
  assert.is_true(refused(db, "INSERT INTO children (id, item_id) VALUES (9, 999)"))
  db:run("INSERT INTO children (id, item_id) VALUES (4, ?)", id)
  db:run("DELETE FROM items WHERE id = 1")
  assert.equal(3, db:count("children"))
  assert.is_nil(db:first("SELECT 1 FROM children WHERE item_id = 1"))
end

local CASES = {
  { "change() of a column's type, nullability and default",
    '    t:string("name", 100):change()\n    t:integer("qty"):default(7):change()',
    function(db)
      assert.is_true(refused(db, "INSERT INTO items (code, name) VALUES ('n1', NULL)"))
      db:run("INSERT INTO items (code, name) VALUES ('n2', 'x')")
      assert.equal(7, tonumber(db:scalar("SELECT qty FROM items WHERE code = 'n2'")))
    end, { check = true } },
  { "drop_column of an indexed column", '    t:drop_column("name")',
    function(db)
      assert.is_nil(db:first("SELECT 1 FROM pragma_table_info('items') WHERE name = 'name'"))
      assert.is_nil(db:first("SELECT 1 FROM sqlite_master WHERE name = 'items_name_index'"))
    end, { index = true, no_name = true } },
  { "drop_column of a column in a CHECK", '    t:drop_column("qty")',
    function(db)
      assert.is_nil(db:first("SELECT 1 FROM pragma_table_info('items') WHERE name = 'qty'"))
    end, { check = true } },
  { "adding a foreign key", '    t:foreign("owner_id"):references("id"):on("parents")',
    function(db)
      assert.is_true(refused(db, "UPDATE items SET owner_id = 42 WHERE id = 2"))
    end },
  { "dropping a foreign key", '    t:drop_foreign("items_parent_id_foreign")',
    function(db)
      db:run("UPDATE items SET parent_id = 99 WHERE id = 2")
    end, { parent_fk = true } },
  { "dropping a foreign key by its column", '    t:drop_foreign({ "parent_id" })',
    function(db)
      db:run("UPDATE items SET parent_id = 99 WHERE id = 2")
    end, { parent_fk = true } },
  { "drop_primary() and primary()", '    t:drop_primary()\n    t:primary({ "id" })',
    function(db)
      assert.equal(1, tonumber(db:scalar("SELECT pk FROM pragma_table_info('items') WHERE name = 'id'")))
    end, { counter = true } },
  { "adding a CHECK", '    t:check("length(code) > 1")',
    function(db)
      assert.is_true(refused(db, "INSERT INTO items (code) VALUES ('z')"))
    end },
  { "adding a column with use_current()", '    t:timestamp("seen_at"):nullable():use_current()',
    function(db)
      assert.equal(0, tonumber(db:scalar("SELECT count(*) FROM items WHERE seen_at IS NULL")))
    end },
  { "adding a column with a raw default",
    '    t:string("tag"):default(require("lmigrate").raw("(lower(hex(randomblob(2))))"))',
    function(db)
      assert.equal(0, tonumber(db:scalar("SELECT count(*) FROM items WHERE length(tag) <> 4")))
    end },
  { "timestamps()", "    t:timestamps()",
    function(db)
      assert.truthy(db:first("SELECT 1 FROM pragma_table_info('items') WHERE name = 'updated_at'"))
    end },
}

describe("sqlite table rebuild", function()
  local project

  before_each(function()
    project = helpers.project("sqlite")
    project:write(SETUP, SETUP_MIGRATION)
  end)

  after_each(function()
    if project then project:cleanup() end
    project = nil
  end)

  for _, case in ipairs(CASES) do
    it(case[1] .. " keeps rows, indexes, constraints, triggers, keys and the counter", function()
      project:write(ALTER, alter(case[2]))
      project:ok("migrate")
      project:with_db(function(db)
        verify(db, case[4])
        case[3](db)
      end)
    end)
  end

  it("a failing rebuild rolls back completely", function()
    project:ok("migrate")
    local before = project:with_db(function(db)
      return db:scalar("SELECT sql FROM sqlite_master WHERE name = 'items'")
    end)
    project:write(ALTER, alter('    t:text("note"):change()'))
    local r = helpers.assert_status(1, project:run("migrate"))
    assert.truthy(r.stderr:find("NOT NULL", 1, true), helpers.describe_run(r))
    project:with_db(function(db)
      assert.equal(before, db:scalar("SELECT sql FROM sqlite_master WHERE name = 'items'"))
      assert.equal(1, #db:query("SELECT * FROM migrations"))
      verify(db)
    end)
  end)

  -- the rebuild reads a shadow: an in-memory SQLite with the schema (no rows)
  local function rebuild_printed(r)
    assert.truthy(r.stdout:find('CREATE TABLE "items__lmigrate_new"', 1, true), helpers.describe_run(r))
    assert.truthy(r.stdout:find('"name" VARCHAR(100)', 1, true), helpers.describe_run(r))
    assert.truthy(r.stdout:find('ALTER TABLE "items__lmigrate_new" RENAME TO "items"', 1, true),
      helpers.describe_run(r))
    assert.truthy(r.stdout:find('CREATE UNIQUE INDEX items_code_unique', 1, true), helpers.describe_run(r))
  end

  it("lmigrate sql prints a rebuild, read from the shadow of the schema the script builds", function()
    project:write(ALTER, alter('    t:string("name", 100):change()'))
    local r = helpers.assert_status(0, project:run("sql"))
    rebuild_printed(r)
    assert.is_false(helpers.exists(project:path("databases/database.sqlite")))
  end)

  it("migrate --pretend rebuilds a table an earlier pending migration creates, touching nothing", function()
    project:write(ALTER, alter('    t:string("name", 100):change()'))
    local r = helpers.assert_status(0, project:run("migrate", "--pretend"))
    rebuild_printed(r)
    assert.is_false(helpers.exists(project:path("databases/database.sqlite")))
    project:ok("migrate")   -- and the real run agrees
  end)

  it("migrate --pretend rebuilds an applied table in the shadow; the database stays as it was", function()
    project:ok("migrate")
    local before = project:snapshot()
    project:write(ALTER, alter('    t:string("name", 100):change()'))
    local r = helpers.assert_status(0, project:run("migrate", "--pretend"))
    rebuild_printed(r)
    assert.same(before, project:snapshot())
  end)

  it("a rebuild the shadow refuses fails --pretend as it would fail migrate", function()
    project:write(ALTER, alter('    t:string("nowhere", 10):change()'))
    helpers.assert_status(1, project:run("migrate", "--pretend"))
    assert.is_false(helpers.exists(project:path("databases/database.sqlite")))
  end)
end)
