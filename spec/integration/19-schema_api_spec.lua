-- self.schema, Laravel 12's Schema facade in snake_case, and db:try, on
-- each dialect's real server: lmigrate.schema and lmigrate.db run in this
-- process on a connection of the spec (what a migration's self.schema and
-- self.db are), and what they read back is checked against the shapes of
-- Laravel's processors.
local helpers = require("spec.helpers")
local core = helpers.core
local DB = require("lmigrate.db")
local Schema = require("lmigrate.schema")

-- users (id, email unique, Name nullable with a default), posts (a foreign
-- key to users with ON DELETE CASCADE, an index on two columns), a view
local function setup(schema, db)
  schema:create("users", function(t)
    t:increments("id")
    t:string("email"):unique()
    t:string("Name", 50):nullable():default("anon")
  end)
  schema:create("posts", function(t)
    t:increments("id")
    t:integer("user_id"):unsigned()
    t:string("title")
    t:foreign("user_id"):references("id"):on("users"):on_delete("cascade")
    t:index({ "title", "user_id" })
  end)
  db:execute("CREATE VIEW " .. db.grammar:quote("post_titles") .. " AS SELECT "
    .. db.grammar:quote("title") .. " FROM " .. db.grammar:quote("posts"))
end

local function names(list)
  local t = {}
  for i, e in ipairs(list) do t[i] = e.name end
  return t
end

local function by_name(list, name)
  for _, e in ipairs(list) do
    if e.name == name then return e end
  end
end

local function raises(pattern, fn, ...)
  local ok, err = pcall(fn, ...)
  assert.is_false(ok, "expected an error matching " .. pattern)
  local msg = type(err) == "table" and tostring(err.message) or tostring(err)
  assert.truthy(msg:find(pattern, 1, true), msg)
  return err
end

-- the dialect's code of a UNIQUE violation
local UNIQUE = { sqlite = 2067, postgres = "23505", mysql = "23000" }

-- suite(name, open): open() -> conn, close
local function suite(name, open)
  describe("self.schema [#" .. name .. "]", function()
    local conn, close, db, schema

    before_each(function()
      conn, close = open()
      local g = core.grammar(name)
      db = DB.new(conn, g)
      schema = Schema.new(db, g)
      setup(schema, db)
    end)

    after_each(function()
      if close then close() end
      conn, close = nil, nil
    end)

    it("get_tables and get_views: the tables and views of the schema, as Laravel's arrays", function()
      local tables = schema:get_tables()
      assert.truthy(by_name(tables, "users"))
      assert.truthy(by_name(tables, "posts"))
      assert.is_nil(by_name(tables, "post_titles"))
      for _, t in ipairs(tables) do
        assert.equals("string", type(t.schema))
        assert.equals(t.schema .. "." .. t.name, t.schema_qualified_name)
      end
      local views = schema:get_views()
      assert.same({ "post_titles" }, names(views))
      assert.truthy(views[1].definition:lower():find("title", 1, true), views[1].definition)
      assert.equals(views[1].schema .. ".post_titles", views[1].schema_qualified_name)
    end)

    it("get_table_listing (schema-qualified unless false) and has_view (any case), Laravel 12's", function()
      local tables = schema:get_tables()
      local listing = schema:get_table_listing()
      assert.equals(#tables, #listing)
      for i, t in ipairs(tables) do assert.equals(t.schema_qualified_name, listing[i]) end
      assert.same(names(tables), schema:get_table_listing(nil, false))
      assert.same(listing, schema:get_table_listing(tables[1].schema))
      assert.is_true(schema:has_view("post_titles"))
      assert.is_true(schema:has_view("POST_TITLES"))
      assert.is_false(schema:has_view("posts"))
      raises("schema:has_view expects a table name (string), got nil", schema.has_view, schema)
    end)

    it("get_columns: name, type_name, type, collation, nullable, default, auto_increment, comment",
        function()
      local cols = schema:get_columns("users")
      assert.same({ "id", "email", "Name" }, names(cols))
      local id, email, nm = cols[1], cols[2], cols[3]
      assert.is_true(id.auto_increment)
      assert.is_false(id.nullable)
      assert.is_false(email.auto_increment)
      assert.is_false(email.nullable)
      assert.equals("varchar", email.type_name)
      assert.truthy(email.type:find("255", 1, true), email.type)
      assert.is_true(nm.nullable)
      assert.truthy(tostring(nm.default):find("anon", 1, true), tostring(nm.default))
      assert.is_nil(email.default)
      assert.is_nil(email.generation)
      assert.same({ "id", "email", "Name" }, schema:get_column_listing("users"))
    end)

    it("get_column_type: the type's name, or its whole definition", function()
      assert.equals("varchar", schema:get_column_type("users", "name"))
      assert.truthy(schema:get_column_type("users", "Name", true):find("50", 1, true))
      raises("no column named 'nope' on table 'users'", schema.get_column_type, schema, "users", "nope")
    end)

    it("has_table, has_column and has_columns (columns not case-sensitive, as Laravel's)", function()
      assert.is_true(schema:has_table("users"))
      assert.is_false(schema:has_table("nope"))
      assert.is_true(schema:has_column("users", "name"))
      assert.is_true(schema:has_column("users", "EMAIL"))
      assert.is_false(schema:has_column("users", "nope"))
      assert.is_false(schema:has_column("nope", "id"))
      assert.is_true(schema:has_columns("users", { "ID", "email", "name" }))
      assert.is_false(schema:has_columns("users", { "id", "nope" }))
    end)

    it("get_indexes and has_index by name, by columns, with a type", function()
      local ix = schema:get_indexes("posts")
      local primary, pair
      for _, i in ipairs(ix) do
        if i.primary then primary = i end
        if i.name == "posts_title_user_id_index" then pair = i end
      end
      assert.same({ "id" }, primary.columns)
      assert.is_true(primary.unique)
      assert.same({ "title", "user_id" }, pair.columns)
      assert.is_false(pair.unique)
      assert.is_false(pair.primary)
      if name ~= "sqlite" then assert.equals("btree", pair.type) end
      local email = by_name(schema:get_indexes("users"), "users_email_unique")
      assert.same({ "email" }, email.columns)
      assert.is_true(email.unique)
      assert.is_true(schema:has_index("posts", "posts_title_user_id_index"))
      assert.is_true(schema:has_index("posts", { "title", "user_id" }))
      assert.is_false(schema:has_index("posts", { "user_id", "title" }))
      assert.is_true(schema:has_index("users", "users_email_unique", "unique"))
      assert.is_false(schema:has_index("posts", "posts_title_user_id_index", "unique"))
      assert.is_true(schema:has_index("users", { "id" }, "primary"))
      assert.is_true(schema:has_index("users", { "id" }, "PRIMARY"))
      assert.is_false(schema:has_index("users", "id"))   -- a string is a name, as in Laravel
      assert.is_false(schema:has_index("users", "nope"))
    end)

    it("get_foreign_keys: name, columns, foreign_schema, foreign_table, foreign_columns, actions",
        function()
      local fks = schema:get_foreign_keys("posts")
      assert.equals(1, #fks)
      local fk = fks[1]
      assert.equals("posts_user_id_foreign", fk.name)
      assert.same({ "user_id" }, fk.columns)
      assert.equals("users", fk.foreign_table)
      assert.same({ "id" }, fk.foreign_columns)
      assert.equals("string", type(fk.foreign_schema))
      assert.equals("cascade", fk.on_delete)
      assert.equals(name == "mysql" and "restrict" or "no action", fk.on_update)
      assert.same({}, schema:get_foreign_keys("users"))
    end)

    it("when_table_has_column and when_table_doesnt_have_column alter the table or not", function()
      schema:when_table_doesnt_have_column("users", "age", function(t) t:integer("age"):nullable() end)
      schema:when_table_doesnt_have_column("users", "AGE", function(t) t:integer("nope"):nullable() end)
      schema:when_table_has_column("users", "age", function(t) t:integer("height"):nullable() end)
      schema:when_table_has_column("users", "nope", function(t) t:integer("nope2"):nullable() end)
      assert.same({ "id", "email", "Name", "age", "height" }, schema:get_column_listing("users"))
    end)

    it("drop_columns, rename, create_if_not_exists, truncate, drop_if_exists", function()
      schema:drop_columns("users", { "Name" })
      assert.same({ "id", "email" }, schema:get_column_listing("users"))
      schema:create("tmp", function(t) t:string("a") t:string("b") end)
      schema:drop_columns("tmp", "b")
      assert.same({ "a" }, schema:get_column_listing("tmp"))
      schema:create_if_not_exists("tmp", function(t) t:string("x") end)
      assert.same({ "a" }, schema:get_column_listing("tmp"))
      db:insert("tmp", { { a = "1" }, { a = "2" } })
      schema:truncate("tmp")
      assert.same({}, db:query("SELECT * FROM " .. db.grammar:quote("tmp")))
      schema:rename("tmp", "tmp2")
      assert.is_false(schema:has_table("tmp"))
      assert.is_true(schema:has_table("tmp2"))
      schema:drop_if_exists("tmp2")
      schema:drop_if_exists("tmp2")
      assert.is_false(schema:has_table("tmp2"))
    end)

    it("drop_all_views, then drop_all_tables", function()
      schema:drop_all_views()
      assert.same({}, schema:get_views())
      assert.is_true(schema:has_table("posts"))
      schema:drop_all_tables()
      assert.same({}, schema:get_tables())
    end)

    it("db:insert(t, {}) inserts nothing and returns 0", function()
      assert.equals(0, db:insert("users", {}))
      assert.same({}, db:query("SELECT * FROM " .. db.grammar:quote("users")))
    end)

    it("refuses bad arguments, naming the method", function()
      for _, case in ipairs {
        { "has_table", { 1 }, "schema:has_table expects a table name" },
        { "has_column", { "users", {} }, "schema:has_column expects a column name" },
        { "has_columns", { "users", "id" }, "schema:has_columns expects a list of column names" },
        { "has_columns", { "users", { 1 } }, "schema:has_columns expects a list of column names" },
        { "has_index", { "users", 3 }, "schema:has_index expects an index name or a list" },
        { "has_index", { "users", { 3 } }, "schema:has_index expects a list of column names" },
        { "has_index", { "users", "x", 3 }, "schema:has_index expects an index type" },
        { "get_columns", { nil }, "schema:get_columns expects a table name" },
        { "get_column_type", { "users" }, "schema:get_column_type expects a column name" },
        { "get_tables", { 5 }, "schema:get_tables expects a schema name" },
        { "get_indexes", { false }, "schema:get_indexes expects a table name" },
        { "get_foreign_keys", { {} }, "schema:get_foreign_keys expects a table name" },
        { "drop_columns", { "users", 1 }, "schema:drop_columns expects a column name or a list" },
        { "when_table_has_column", { "users", "id", "x" },
          "schema:when_table_has_column expects a function" },
        { "when_table_doesnt_have_column", { "users", 1, print },
          "schema:when_table_doesnt_have_column expects a column name" },
        { "without_foreign_key_constraints", { 1 },
          "schema:without_foreign_key_constraints expects a function" },
      } do
        raises(case[3], schema[case[1]], schema, table.unpack(case[2], 1, 3))
      end
      raises("db:try expects a function", db.try, db, "x")
    end)

    it("db:try: a database error rolled back to its savepoint, as an object", function()
      db:begin()
      db:insert("users", { email = "a@x" })
      local ok, err = db:try(function(d)
        d:insert("users", { email = "b@x" })
        d:insert("users", { email = "a@x" })
      end)
      assert.is_false(ok)
      assert.equals("database", err.kind)
      assert.equals(UNIQUE[name], err.code)
      assert.truthy(err.sql:find("INSERT INTO", 1, true), err.sql)
      assert.equals("string", type(err.message))
      assert.truthy(tostring(err):find(err.message, 1, true))
      -- the transaction goes on (PostgreSQL's is not aborted), without b@x
      assert.same({ true, 1, "two" }, { db:try(function() return 1, "two" end) })
      db:insert("users", { email = "c@x" })
      db:commit()
      local emails = {}
      for _, r in ipairs(db:query("SELECT email FROM users ORDER BY email")) do
        emails[#emails + 1] = r.email
      end
      assert.same({ "a@x", "c@x" }, emails)
    end)

    it("drop_all_tables inside a migration's transaction trips no foreign key", function()
      schema:create("a_parents", function(t) t:increments("id") end)
      schema:create("b_children", function(t)
        t:integer("parent_id"):unsigned()
        t:foreign("parent_id"):references("id"):on("a_parents"):on_delete("restrict")
      end)
      db:insert("a_parents", { id = 1 })
      db:insert("b_children", { parent_id = 1 })
      require("lmigrate.schema.foreign_keys").run(db, true, function() schema:drop_all_tables() end)
      assert.same({}, schema:get_tables())
    end)

    it("connection(name): this schema for nil and its own name; an unknown one raises", function()
      db.connection_name = "main"
      assert.equals(schema, schema:connection())
      assert.equals(schema, schema:connection("main"))
      raises("schema:connection('other'): lmigrate.lua defines no connection 'other'", function()
        schema:connection("other"):create("x", function(t) t:id() end)
      end)
      assert.is_false(schema:has_table("x"))
    end)

    it("db:try raises a Lua error on, after rolling back", function()
      local ok, err = pcall(db.try, db, function(d)
        d:insert("users", { email = "lua@x" })
        error("not a database error")
      end)
      assert.is_false(ok)
      assert.truthy(tostring(err):find("not a database error", 1, true))
      assert.equals(0, db.depth)
      assert.same({}, db:query("SELECT email FROM users"))
    end)
  end)
end

for _, dialect in helpers.each_dialect() do
  local project
  suite(dialect.name, function()
    project = helpers.project(dialect)
    local spec_db = project:connect()
    return spec_db.conn, function()
      spec_db:close()
      project:cleanup()
    end
  end)
end

-- Laravel's Migration::$connection, getConnection() and shouldRun(): a
-- migration naming its own connection (or none) runs; one naming a
-- connection lmigrate.lua does not define exits 2 before anything runs
-- (one naming another connection runs there: 56-other_connection_spec);
-- one whose should_run() says false is SKIPPED, unrecorded,
-- and runs at a later migrate once it says true (asked just before it runs)
describe("a migration's connection and should_run()", function()
  local project
  before_each(function() project = helpers.project("sqlite") end)
  after_each(function() project:cleanup() end)

  local function write(n, fields, tbl)
    project:write(("2026_01_01_00000%d_m%d"):format(n, n), helpers.migration {
      extra = fields,
      up = ("  self.schema:connection(self:get_connection()):create(%q, function(t) t:id() end)"):format(tbl),
    })
  end

  it("runs with its own connection's name and refuses an unknown one", function()
    write(1, 'M.connection = "default"', "a")
    local r = project:run("migrate")
    assert.equals(0, r.status, r.stderr)
    write(2, 'M.connection = "analytics"', "b")
    r = project:run("migrate")
    assert.equals(2, r.status, r.stderr)
    assert.truthy(r.stderr:find("2026_01_01_000002_m2.lua: the migration's connection 'analytics'"
      .. " is not a connection of lmigrate.lua", 1, true), r.stderr)
    assert.same({ "2026_01_01_000001_m1" }, project:applied())
    assert.is_false(project:has_table("b"))
  end)

  it("skips a migration whose should_run() is false, asking just before it would run", function()
    write(1, 'function M:should_run() return self.schema:has_table("flag") end', "a")
    write(2, "", "flag")
    local r = project:run("migrate")
    assert.equals(0, r.status, r.stderr)
    assert.truthy(r.stdout:find("2026_01_01_000001_m1 %.+ SKIPPED"), r.stdout)
    assert.same({ "2026_01_01_000002_m2" }, project:applied())
    assert.is_false(project:has_table("a"))
    r = project:run("migrate")   -- flag exists now
    assert.equals(0, r.status, r.stderr)
    assert.same({ "2026_01_01_000002_m2", "2026_01_01_000001_m1" }, project:applied())
    assert.is_true(project:has_table("a"))
  end)

  it("a should_run() that raises fails the migration, naming it", function()
    write(1, 'function M:should_run() error("no idea") end', "a")
    local r = project:run("migrate")
    assert.equals(1, r.status, r.stderr)
    assert.truthy(r.stderr:find("should_run(): ", 1, true), r.stderr)
    assert.truthy(r.stderr:find("no idea", 1, true), r.stderr)
    assert.same({}, project:applied())
  end)
end)
