-- The pure parts of reading the schema back (lmigrate.schema.inspect:
-- grouping one row per column into Laravel's entries, the booleans every
-- driver or client gives) and of database errors (errors.code), and what
-- SQLite's introspection reads from a CREATE TABLE (collations, generated
-- columns, constraint names), on an in-memory database.
local core = require("lmigrate.core")
local errors = require("lmigrate.errors")
local inspect = require("lmigrate.schema.inspect")

describe("lmigrate.schema.inspect", function()
  it("reads every driver's booleans", function()
    for _, v in ipairs { true, 1, "1", "t", "true", "YES", "y" } do
      assert.is_true(inspect.truthy(v), tostring(v))
    end
    for _, v in ipairs { false, 0, "0", "f", "false", "NO", "", core.null } do
      assert.is_false(inspect.truthy(v), tostring(v))
    end
    assert.is_false(inspect.truthy(nil))
  end)

  it("groups rows in the order their first row came", function()
    local rows = { { k = "b", v = 1 }, { k = "a", v = 2 }, { k = "b", v = 3 } }
    local list = inspect.group(rows, function(r) return r.k end,
      function(r) return { k = r.k, vs = {} } end,
      function(e, r) e.vs[#e.vs + 1] = r.v end)
    assert.same({ { k = "b", vs = { 1, 3 } }, { k = "a", vs = { 2 } } }, list)
  end)

  it("makes Laravel's index entries: lower-cased names, columns in order, no expression columns",
      function()
    assert.same({
      { name = "primary", columns = { "id" }, type = "btree", unique = true, primary = true },
      { name = "t_a,b_index", columns = { "a,b", "c" }, unique = false, primary = false },
    }, inspect.indexes {
      { name = "PRIMARY", column = "id", type = "BTREE", unique = "1", primary = true },
      { name = "t_a,b_index", column = "a,b", unique = 0, primary = false },
      { name = "t_a,b_index", column = core.null, unique = 0, primary = false },
      { name = "t_a,b_index", column = "c", unique = 0, primary = false },
    })
  end)

  it("makes Laravel's foreign key entries, the dialect's action codes as words", function()
    local rules = { c = "cascade", a = "no action" }
    assert.same({
      { name = "fk", columns = { "a", "b" }, foreign_schema = "public", foreign_table = "p",
        foreign_columns = { "x", "y" }, on_update = "no action", on_delete = "cascade" },
    }, inspect.foreign_keys({
      { name = "fk", column = "a", foreign_schema = "public", foreign_table = "p",
        foreign_column = "x", on_update = "a", on_delete = "c" },
      { name = "fk", column = "b", foreign_schema = "public", foreign_table = "p",
        foreign_column = "y", on_update = "a", on_delete = "c" },
    }, rules))
  end)

  it("makes table and view entries, schema-qualified when there is a schema", function()
    assert.same({ name = "t", schema = "s", schema_qualified_name = "s.t", size = 8192 },
      inspect.table_entry { name = "t", schema = "s", size = "8192", comment = core.null })
    assert.same({ name = "v", schema_qualified_name = "v", definition = "SELECT 1" },
      inspect.view_entry { name = "v", definition = "SELECT 1" })
  end)
end)

describe("errors.code", function()
  it("keeps the SQLSTATE of PostgreSQL and MySQL a string, and makes SQLite's code an integer", function()
    assert.equals("23505", errors.code("postgres", "23505"))
    assert.equals(2067, errors.code("sqlite", "2067"))
    assert.equals("23000", errors.code("mysql", "23000"))
    assert.is_nil(errors.code("sqlite", nil))
    local e = errors.database("sqlite", "INSERT", "UNIQUE constraint failed", "2067")
    assert.same({ "database", "INSERT", 2067, "UNIQUE constraint failed" },
      { e.kind, e.sql, e.code, e.message })
    -- MySQL's driver fails with nil, msg, SQLSTATE, error number
    e = errors.database("mysql", "INSERT", "Duplicate entry", "23000", "1062")
    assert.same({ "23000", 1062 }, { e.code, e.errno })
  end)
end)

describe("SQLite introspection of a CREATE TABLE", function()
  local DB = require("lmigrate.db")
  local Schema = require("lmigrate.schema")
  local conn, schema

  before_each(function()
    conn = assert(core.connect("sqlite", ":memory:"))
    local g = core.grammar("sqlite")
    local db = DB.new(conn, g)
    schema = Schema.new(db, g)
    db:execute("CREATE TABLE p (id INTEGER PRIMARY KEY, k TEXT, UNIQUE (id, k))")
    db:execute([[CREATE TABLE "t, 1" ("a b" VARCHAR(3) COLLATE NOCASE,
      g INT GENERATED ALWAYS AS (length("a b") * (2 + 1)) STORED,
      v TEXT AS (upper("a b")),
      pid INTEGER CONSTRAINT t_pid_fk REFERENCES p ON DELETE SET NULL,
      x INTEGER, y TEXT,
      CONSTRAINT "t_xy_fk" FOREIGN KEY (x, y) REFERENCES p (id, k) ON UPDATE CASCADE)]])
  end)

  after_each(function() conn:close() end)

  it("reads collations and generated columns' expressions", function()
    local cols = schema:get_columns("t, 1")
    assert.equals("nocase", cols[1].collation)
    assert.same({ type = "stored", expression = 'length("a b") * (2 + 1)' }, cols[2].generation)
    assert.same({ type = "virtual", expression = 'upper("a b")' }, cols[3].generation)
    assert.is_nil(cols[4].generation)
  end)

  it("reads the constraint names of foreign keys, and the parent's key when none is named",
      function()
    assert.same({
      { name = "t_pid_fk", columns = { "pid" }, foreign_schema = "main", foreign_table = "p",
        foreign_columns = { "id" }, on_update = "no action", on_delete = "set null" },
      { name = "t_xy_fk", columns = { "x", "y" }, foreign_schema = "main", foreign_table = "p",
        foreign_columns = { "id", "k" }, on_update = "cascade", on_delete = "no action" },
    }, schema:get_foreign_keys("t, 1"))
  end)

  it("lists the rowid primary key as 'primary', a composite one by its own index", function()
    local ix = schema:get_indexes("p")
    assert.same({ name = "primary", columns = { "id" }, unique = true, primary = true }, ix[1])
    assert.same({ "id", "k" }, ix[2].columns)
    assert.is_true(ix[2].unique)
    assert.is_false(ix[2].primary)
    conn:exec("CREATE TABLE c (a TEXT, b TEXT, PRIMARY KEY (a, b))")
    local cix = schema:get_indexes("c")
    assert.equals(1, #cix)
    assert.same({ "a", "b" }, cix[1].columns)
    assert.is_true(cix[1].primary)
  end)
end)
