-- spec/unit/schema_model_spec.lua: the offline schema of `lmigrate sql`
-- (lua/lmigrate/schema/model.lua): on the stand-in db without a
-- connection, self.schema's reads answer from the schema the script has
-- built so far: after creates, alters, renames and drops, in the shapes
-- the online reads return, each dialect's way; raw SQL is not read; a
-- data read still fails.
local core = require("lmigrate.core")
local Pretend = require("lmigrate.db.pretend")
local Schema = require("lmigrate.schema")

local DIALECTS = { "sqlite", "postgres", "mysql" }

-- a schema on an offline stand-in db for 'dialect'
local function offline(dialect)
  local g = core.grammar(dialect)
  local db = Pretend.new(g)
  return Schema.new(db, g), db
end

local function raises(msg, fn)
  local ok, err = pcall(fn)
  assert.is_false(ok, "expected an error containing: " .. msg)
  err = type(err) == "table" and err.message or tostring(err)
  assert(err:find(msg, 1, true), "expected '" .. msg .. "' in: " .. err)
end

local function names(list)
  local t = {}
  for i, v in ipairs(list) do t[i] = v.name end
  return t
end

local function by_name(list)
  local t = {}
  for _, v in ipairs(list) do t[v.name] = v end
  return t
end

-- users (id, email unique, name nullable with a default, timestamps) and
-- posts (id, user_id referencing users, title indexed)
local function blog(schema)
  schema:create("users", function(t)
    t:id()
    t:string("email"):unique()
    t:string("name", 40):nullable():default("x")
    t:timestamps()
  end)
  schema:create("posts", function(t)
    t:id()
    t:foreign_id("user_id"):constrained():cascade_on_delete()
    t:string("title"):index()
  end)
end

describe("the offline schema, empty", function()
  for _, d in ipairs(DIALECTS) do
    it(d .. ": knows no table", function()
      local schema = offline(d)
      assert.is_false(schema:has_table("users"))
      assert.same({}, schema:get_tables())
      assert.same({}, schema:get_views())
      assert.same({}, schema:get_columns("users"))
      assert.same({}, schema:get_column_listing("users"))
      assert.same({}, schema:get_indexes("users"))
      assert.same({}, schema:get_foreign_keys("users"))
      assert.is_false(schema:has_column("users", "id"))
      assert.is_false(schema:has_columns("users", { "id" }))
      assert.is_false(schema:has_index("users", "users_pkey"))
      raises("there is no column named 'id' on table 'users'", function()
        schema:get_column_type("users", "id")
      end)
    end)
  end

  it("still refuses a data read, with today's message", function()
    local _, db = offline("postgres")
    raises("the migration reads the database (db:query), which `lmigrate sql` cannot do", function()
      db:query("SELECT 1")
    end)
    raises("db:query", function() db:first("SELECT 1") end)
  end)
end)

describe("the offline schema after creates", function()
  it("has the tables, sorted, in Laravel's shape", function()
    for _, d in ipairs(DIALECTS) do
      local schema = offline(d)
      blog(schema)
      assert.is_true(schema:has_table("users"))
      assert.is_false(schema:has_table("Users"))   -- names are exact, as has_table's query
      local tables = schema:get_tables()
      assert.same({ "posts", "users" }, names(tables))
      local sch = d == "sqlite" and "main" or nil
      assert.same({ name = "posts", schema = sch, schema_qualified_name = sch and "main.posts" or "posts" },
        tables[1])
    end
  end)

  it("has the columns in order, not case-sensitive for has_column", function()
    for _, d in ipairs(DIALECTS) do
      local schema = offline(d)
      blog(schema)
      assert.same({ "id", "email", "name", "created_at", "updated_at" },
        schema:get_column_listing("users"))
      assert.is_true(schema:has_column("users", "EMAIL"))
      assert.is_true(schema:has_columns("users", { "id", "Name" }))
      assert.is_false(schema:has_columns("users", { "id", "nick" }))
      local c = by_name(schema:get_columns("users"))
      assert.is_true(c.id.auto_increment)
      assert.is_false(c.id.nullable)
      assert.is_false(c.email.auto_increment)
      assert.is_true(c.name.nullable)
      assert.equals("'x'", c.name.default)
      assert.equals("CURRENT_TIMESTAMP", c.created_at.default)
      assert.is_nil(c.id.default)
    end
  end)

  -- { dialect, column, type_name, type } of what the grammar declares
  local TYPES = {
    { "sqlite", "id", "integer", "integer" }, { "sqlite", "name", "varchar", "varchar(40)" },
    { "sqlite", "created_at", "datetime", "datetime" }, { "sqlite", "d", "decimal", "decimal(8, 2)" },
    { "sqlite", "e", "varchar", "varchar(255)" }, { "sqlite", "b", "boolean", "boolean" },
    { "postgres", "id", "int8", "bigint" }, { "postgres", "name", "varchar", "character varying(40)" },
    { "postgres", "created_at", "timestamptz", "timestamp(0) with time zone" },
    { "postgres", "d", "numeric", "numeric(8,2)" }, { "postgres", "f", "float8", "double precision" },
    { "postgres", "r", "float4", "real" }, { "postgres", "c", "bpchar", "character(2)" },
    { "postgres", "t", "time", "time without time zone" }, { "postgres", "j", "jsonb", "jsonb" },
    { "postgres", "b", "bool", "boolean" }, { "postgres", "u", "uuid", "uuid" },
    { "mysql", "id", "bigint", "bigint unsigned" }, { "mysql", "name", "varchar", "varchar(40)" },
    { "mysql", "d", "decimal", "decimal(8,2)" }, { "mysql", "e", "enum", "enum('a, b','c')" },
    { "mysql", "b", "tinyint", "tinyint(1)" }, { "mysql", "ui", "int", "int unsigned" },
    { "mysql", "u", "char", "char(36)" },
  }
  for _, case in ipairs(TYPES) do
    it(("%s: %s is %s"):format(case[1], case[2], case[4]), function()
      local schema = offline(case[1])
      schema:create("kinds", function(t)
        t:id()
        t:string("name", 40)
        t:timestamps()
        t:decimal("d")
        t:float("f")
        t:float("r", 24)
        t:char("c", 2)
        t:time("t")
        t:jsonb("j")
        t:enum("e", { "a, b", "c" })
        t:boolean("b")
        t:unsigned_integer("ui")
        t:uuid("u")
      end)
      local c = by_name(schema:get_columns("kinds"))[case[2]]
      assert.equals(case[3], c.type_name)
      assert.equals(case[4], c.type)
      assert.equals(case[3], schema:get_column_type("kinds", case[2]))
      assert.equals(case[4], schema:get_column_type("kinds", case[2]:upper(), true))
    end)
  end

  it("has comments where the dialect keeps them, generated columns, collations", function()
    for _, d in ipairs(DIALECTS) do
      local schema = offline(d)
      schema:create("t", function(t)
        t:integer("a"):comment("it's a")
        t:integer("b"):stored_as("a * 2")
        t:string("s"):collation("C")
        t:integer("n"):nullable():default(nil)
      end)
      local c = by_name(schema:get_columns("t"))
      assert.equals(d ~= "sqlite" and "it's a" or nil, c.a.comment)
      assert.same({ type = "stored", expression = "a * 2" }, c.b.generation)
      assert.is_nil(c.b.default)
      assert.equals("C", c.s.collation)
      assert.equals(d == "sqlite" and "NULL" or nil, c.n.default)
    end
  end)

  it("has the indexes: the primary key first, by the dialect's name, then by name", function()
    local want = {
      sqlite = { { name = "primary", columns = { "id" }, unique = true, primary = true },
                 { name = "users_email_unique", columns = { "email" }, unique = true, primary = false } },
      postgres = { { name = "users_pkey", columns = { "id" }, type = "btree", unique = true, primary = true },
                   { name = "users_email_unique", columns = { "email" }, type = "btree", unique = true,
                     primary = false } },
      mysql = { { name = "primary", columns = { "id" }, type = "btree", unique = true, primary = true },
                { name = "users_email_unique", columns = { "email" }, type = "btree", unique = true,
                  primary = false } },
    }
    for _, d in ipairs(DIALECTS) do
      local schema = offline(d)
      blog(schema)
      assert.same(want[d], schema:get_indexes("users"))
      assert.is_true(schema:has_index("users", "USERS_EMAIL_UNIQUE"))
      assert.is_true(schema:has_index("users", { "email" }, "unique"))
      assert.is_true(schema:has_index("users", { "id" }, "primary"))
      assert.is_false(schema:has_index("users", { "email" }, "primary"))
      assert.is_true(schema:has_index("posts", { "title" }))
      assert.is_false(schema:has_index("posts", { "title" }, "unique"))
    end
  end)

  it("names the primary key as each dialect does", function()
    local s = offline("sqlite")
    s:create("pairs", function(t) t:integer("a") t:string("b") t:primary({ "a", "b" }) end)
    s:create("codes", function(t) t:string("code"):primary() end)
    assert.equals("sqlite_autoindex_pairs_1", s:get_indexes("pairs")[1].name)
    assert.equals("sqlite_autoindex_codes_1", s:get_indexes("codes")[1].name)
    local p = offline("postgres")
    p:create("pairs", function(t) t:integer("a") t:primary({ "a" }, "pairs_key") end)
    assert.same({ name = "pairs_key", columns = { "a" }, type = "btree", unique = true, primary = true },
      p:get_indexes("pairs")[1])
  end)

  it("types each index kind as the dialect does", function()
    local want = { postgres = { ft = "gin", sp = "gist", h = "hash", raw = "btree" },
                   mysql = { ft = "fulltext", sp = "spatial", h = "btree" } }
    for _, d in ipairs { "postgres", "mysql" } do
      local schema = offline(d)
      schema:create("docs", function(t)
        t:text("body")
        t:geometry("g")
        t:string("k")
        t:fulltext("body", "ft")
        t:spatial_index("g", "sp")
        t:index("k", "h", "hash")
        if d == "postgres" then t:raw_index("lower(k)", "raw") end
      end)
      local ix = by_name(schema:get_indexes("docs"))
      for name, ty in pairs(want[d]) do assert.equals(ty, ix[name].type, d .. " " .. name) end
      assert.is_true(schema:has_index("docs", "ft", want[d].ft))
      if d == "postgres" then assert.same({}, ix.raw.columns) end
    end
  end)

  it("has the foreign keys in Laravel's shape", function()
    for _, d in ipairs(DIALECTS) do
      local schema = offline(d)
      blog(schema)
      schema:table("posts", function(t)
        t:foreign_id("editor_id"):nullable()
        t:foreign("editor_id", "posts_editor"):references("id"):on("users")
      end)
      local action = d == "mysql" and "restrict" or "no action"
      assert.same({
        { name = "posts_user_id_foreign", columns = { "user_id" },
          foreign_schema = d == "sqlite" and "main" or nil, foreign_table = "users",
          foreign_columns = { "id" }, on_update = action, on_delete = "cascade" },
        { name = "posts_editor", columns = { "editor_id" }, foreign_schema = d == "sqlite" and "main" or nil,
          foreign_table = "users", foreign_columns = { "id" }, on_update = action, on_delete = action },
      }, schema:get_foreign_keys("posts"))
    end
  end)

  it("on MySQL indexes a foreign key's columns, as InnoDB does, unless an index begins with them", function()
    local schema = offline("mysql")
    blog(schema)
    schema:create("tags", function(t)
      t:foreign_id("post_id"):constrained()
      t:foreign_id("user_id")
      t:index({ "user_id", "post_id" })
      t:foreign("user_id"):references("id"):on("users")
    end)
    assert.same({ "tags_post_id_foreign", "tags_user_id_post_id_index" }, names(schema:get_indexes("tags")))
    assert.same({ "primary", "posts_title_index", "posts_user_id_foreign" },
      names(schema:get_indexes("posts")))
    local pg = offline("postgres")
    blog(pg)
    assert.same({ "posts_pkey", "posts_title_index" }, names(pg:get_indexes("posts")))
  end)

  it("leaves out what remove_column took out, and what a failing blueprint asked", function()
    local schema = offline("sqlite")
    schema:create("books", function(t)
      t:id()
      t:text("description_html")
      t:remove_column("description_html")
    end)
    assert.same({ "id" }, schema:get_column_listing("books"))
    assert.has_error(function()
      schema:create("sets", function(t) t:set("s", { "a" }) end)   -- not on sqlite
    end)
    assert.is_false(schema:has_table("sets"))
  end)
end)

describe("the offline schema after alters", function()
  -- (SQLite changes a column by a table rebuild, which reads the table:
  -- lmigrate sql cannot, with or without the model)
  it("adds columns last, and changes one where it is", function()
    for _, d in ipairs { "postgres", "mysql" } do
      local schema = offline(d)
      blog(schema)
      schema:table("users", function(t)
        t:string("nick", 20):nullable()
        t:string("name", 80):change()
      end)
      assert.same({ "id", "email", "name", "created_at", "updated_at", "nick" },
        schema:get_column_listing("users"))
      local c = by_name(schema:get_columns("users"))
      assert.is_false(c.name.nullable)   -- change() gives the new definition, whole
      assert.is_nil(c.name.default)
      assert.truthy(c.name.type:find("80", 1, true), c.name.type)
    end
  end)

  it("places a column by after() and first() on MySQL only, as its grammar writes them", function()
    local want = {
      mysql = { "lead", "id", "email", "nick", "name", "created_at", "updated_at" },
      sqlite = { "id", "email", "name", "created_at", "updated_at", "nick", "lead" },
    }
    for d, order in pairs(want) do
      local schema = offline(d)
      blog(schema)
      schema:table("users", function(t)
        t:string("nick"):nullable():after("email")
        t:string("lead"):nullable():first()
      end)
      assert.same(order, schema:get_column_listing("users"), d)
    end
  end)

  it("adds and drops keys and indexes, by name or by their columns", function()
    for _, d in ipairs(DIALECTS) do
      local schema = offline(d)
      blog(schema)
      schema:table("users", function(t)
        t:index({ "name", "email" }, "users_name_email")
        t:unique("name")
        t:drop_unique({ "email" })
      end)
      assert.is_true(schema:has_index("users", { "name", "email" }))
      assert.is_true(schema:has_index("users", "users_name_unique", "unique"))
      assert.is_false(schema:has_index("users", "users_email_unique"))
      schema:table("users", function(t) t:drop_index("users_name_email") end)
      -- SQLite renames an index by reading it, and drops or adds a key by
      -- a table rebuild, which reads the table: not offline
      if d ~= "sqlite" then
        schema:table("users", function(t)
          t:rename_index("users_name_unique", "users_name_uq")
          t:drop_primary()
        end)
        assert.same({ "users_name_uq" }, names(schema:get_indexes("users")))
        schema:table("posts", function(t) t:drop_foreign({ "user_id" }) end)
        assert.same({}, schema:get_foreign_keys("posts"))
        schema:table("posts", function(t) t:primary("title", "posts_title_pk") end)
        assert.is_true(schema:has_index("posts", { "title" }, "primary"))
      end
    end
  end)

  it("drops a column with the indexes and keys over it; MySQL keeps an index of several", function()
    for _, d in ipairs(DIALECTS) do
      local schema = offline(d)
      blog(schema)
      schema:table("posts", function(t) t:index({ "title", "user_id" }, "posts_both") end)
      schema:table("posts", function(t) t:drop_column("title") end)
      assert.same({ "id", "user_id" }, schema:get_column_listing("posts"))
      local ix = by_name(schema:get_indexes("posts"))
      assert.is_nil(ix.posts_title_index)
      if d == "mysql" then
        assert.same({ "user_id" }, ix.posts_both.columns)
      else
        assert.is_nil(ix.posts_both)
      end
      schema:drop_columns("posts", { "user_id" })
      assert.same({}, schema:get_foreign_keys("posts"))
      assert.same({ "id" }, schema:get_column_listing("posts"))
    end
  end)

  it("renames a column in its table's keys and in the keys that reference it", function()
    for _, d in ipairs(DIALECTS) do
      local schema = offline(d)
      blog(schema)
      schema:table("users", function(t) t:rename_column("id", "user_key") end)
      schema:table("posts", function(t) t:rename_column("user_id", "author_id") end)
      assert.same({ "user_key" }, schema:get_indexes("users")[1].columns)
      local fk = schema:get_foreign_keys("posts")[1]
      assert.same({ "author_id" }, fk.columns)
      assert.same({ "user_key" }, fk.foreign_columns)
      assert.is_true(schema:has_column("posts", "author_id"))
      assert.is_true(by_name(schema:get_columns("users")).user_key.auto_increment)
    end
  end)

  it("renames a table, last of its blueprint, and the keys referencing it follow", function()
    for _, d in ipairs(DIALECTS) do
      local schema = offline(d)
      blog(schema)
      schema:table("users", function(t)
        t:rename("members")
        t:string("bio"):nullable()   -- added to users, before the rename
      end)
      assert.is_false(schema:has_table("users"))
      assert.is_true(schema:has_column("members", "bio"))
      assert.equals("members", schema:get_foreign_keys("posts")[1].foreign_table)
      schema:rename("posts", "articles")
      assert.same({ "articles", "members" }, names(schema:get_tables()))
      assert.same({ "id", "user_id", "title" }, schema:get_column_listing("articles"))
    end
  end)

  it("keeps the table options the dialect reads", function()
    local my, pg = offline("mysql"), offline("postgres")
    for _, schema in ipairs { my, pg } do
      schema:create("t", function(t)
        t:id()
        t:engine("MyISAM")
        t:collation("utf8mb4_bin")
        t:comment("first")
      end)
      schema:table("t", function(t) t:comment("it's t") end)
    end
    assert.same({ name = "t", schema_qualified_name = "t", comment = "it's t", engine = "MyISAM",
                  collation = "utf8mb4_bin" }, my:get_tables()[1])
    assert.same({ name = "t", schema_qualified_name = "t", comment = "it's t" }, pg:get_tables()[1])
  end)
end)

describe("the offline schema, drops and what it does not know", function()
  it("forgets a dropped table, with drop and drop_if_exists", function()
    for _, d in ipairs(DIALECTS) do
      local schema, db = offline(d)
      blog(schema)
      db:take()
      schema:drop("posts")
      schema:drop_if_exists("users")
      schema:drop_if_exists("never_made")
      assert.same({}, schema:get_tables())
      assert.is_false(schema:has_table("users"))
      assert.same({}, schema:get_columns("posts"))
      assert.equals(3, #db:take())
    end
  end)

  it("drop_all_tables drops every table it knows, with the keys off around it", function()
    local want = {
      sqlite = { "PRAGMA foreign_keys = OFF", "PRAGMA foreign_keys = OFF",
                 'DROP TABLE IF EXISTS "posts"', 'DROP TABLE IF EXISTS "users"',
                 "PRAGMA foreign_keys = ON" },
      postgres = { "SET CONSTRAINTS ALL DEFERRED", 'DROP TABLE IF EXISTS "posts" CASCADE',
                   'DROP TABLE IF EXISTS "users" CASCADE' },
    }
    for d, sql in pairs(want) do
      local schema, db = offline(d)
      blog(schema)
      db:take()
      schema:drop_all_tables()
      assert.same(sql, db:take(), d)
      assert.same({}, schema:get_tables())
      schema:drop_all_views()   -- it knows of none
      assert.same({}, db:take())
    end
  end)

  it("does not read raw SQL: a table made by db:execute is not found", function()
    local schema, db = offline("sqlite")
    db:execute("CREATE TABLE legacy (id INTEGER PRIMARY KEY, name TEXT)")
    assert.is_false(schema:has_table("legacy"))
    assert.same({}, schema:get_columns("legacy"))
    assert.is_false(schema:has_column("legacy", "name"))
  end)

  it("knows a table it did not make from the alter or rename that names it", function()
    for _, d in ipairs(DIALECTS) do
      local schema = offline(d)
      schema:table("legacy", function(t) t:string("note"):nullable():index() end)
      assert.is_true(schema:has_table("legacy"))
      assert.same({ "note" }, schema:get_column_listing("legacy"))
      assert.is_true(schema:has_index("legacy", { "note" }))
      schema:rename("old_stuff", "stuff")
      assert.is_true(schema:has_table("stuff"))
      assert.same({}, schema:get_columns("stuff"))
    end
  end)

  it("create_if_not_exists leaves a table it knows; create makes it anew", function()
    local schema = offline("postgres")
    blog(schema)
    schema:create_if_not_exists("users", function(t) t:string("other") end)
    assert.same({ "id", "email", "name", "created_at", "updated_at" }, schema:get_column_listing("users"))
    schema:create("users", function(t) t:string("other") end)
    assert.same({ "other" }, schema:get_column_listing("users"))
    assert.same({}, schema:get_indexes("users"))
  end)

  it("answers when_table_has_column and when_table_doesnt_have_column", function()
    local schema, db = offline("sqlite")
    blog(schema)
    db:take()
    schema:when_table_doesnt_have_column("users", "bio", function(t) t:text("bio"):nullable() end)
    schema:when_table_doesnt_have_column("users", "BIO", function(t) t:text("again") end)
    schema:when_table_has_column("users", "bio", function(t) t:drop_column("bio") end)
    schema:when_table_has_column("users", "bio", function(t) t:text("never") end)
    assert.same({ 'ALTER TABLE "users" ADD COLUMN "bio" TEXT NULL',
                  'ALTER TABLE "users" DROP COLUMN "bio"' }, db:take())
    assert.is_false(schema:has_column("users", "bio"))
  end)

  it("refuses every read once it stopped following the script, saying where", function()
    local schema = offline("mysql")
    blog(schema)
    schema.model:incomplete("2026_01_01_000000_x, whose up fails offline: it reads")
    for _, call in ipairs {
      { "has_table", "users" }, { "has_column", "users", "id" }, { "get_columns", "users" },
      { "get_tables" }, { "get_indexes", "users" }, { "get_foreign_keys", "users" },
      { "has_index", "users", "users_email_unique" }, { "get_column_type", "users", "id" },
    } do
      raises("schema:" .. call[1], function() schema[call[1]](schema, table.unpack(call, 2)) end)
      raises("stops at 2026_01_01_000000_x, whose up fails offline", function()
        schema[call[1]](schema, table.unpack(call, 2))
      end)
    end
  end)

  it("is not there online, nor in --pretend (its reads go to the database)", function()
    local g = core.grammar("sqlite")
    assert.is_nil(Schema.new(Pretend.new(g, { query = function() return {} end }), g).model)
    assert.is_nil(Schema.new({ grammar = g }, g).model)
  end)
end)
