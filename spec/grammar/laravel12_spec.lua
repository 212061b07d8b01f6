-- spec/grammar/laravel12_spec.lua: the Laravel 12 column methods of issue
-- 8 lmigrate added last: raw_column(c, sql) (Blueprint::rawColumn: the SQL
-- is the type, the modifiers apply), tsvector(c) (PostgreSQL's; Laravel's
-- other grammars throw), virtual_as_json/stored_as_json(sel) (Laravel's
-- virtualAsJson/storedAsJson: the value at "col->path", read as
-- Laravel's wrapJsonSelector reads it) and computed(c, expr) (SQL
-- Server's: refused everywhere, as Laravel's grammars do). Exact SQL per
-- dialect; each server runs it (the column suite asks what it made of the
-- table) and, for the JSON columns, computes the values from a row.
local core = require("lmigrate.core")
local DB = require("lmigrate.db")
local schema = require("lmigrate.schema")
local columns = require("spec.support.columns")
local grammar = require("spec.support.grammar")
local shell = require("spec.support.shell")

local ROW = [[{"name":"Ada","tags":["x","y"],"n":{"k":7}}]]

-- the values the generated columns a, b, c compute from ROW, through
-- the harness 'h' of 'dialect' (nil without the server)
local function computed_values(h, dialect, sql)
  local insert = ("INSERT INTO %s (%s) VALUES ('%s')"):format(
    dialect == "mysql" and "`users`" or '"users"', dialect == "mysql" and "`meta`" or '"meta"', ROW)
  local select = dialect == "mysql" and "SELECT CONCAT_WS('|', a, b, c) FROM users"
    or "SELECT a || '|' || b || '|' || c FROM users"
  local list = {}
  for i, s in ipairs(sql) do list[i] = s end
  list[#list + 1] = insert
  list[#list + 1] = select
  local script = grammar.statements(list)
  if dialect == "postgres" then
    script = "\\set ON_ERROR_STOP 1\n\\pset tuples_only on\n\\pset format unaligned\nBEGIN;\n"
      .. require("spec.support.servers").pg_own_schema() .. script .. "ROLLBACK;\n"
  elseif dialect == "mysql" then
    local db = "`" .. shell.unique_name("lmigrate_l12") .. "`"
    script = ("CREATE DATABASE %s; USE %s;\n"):format(db, db) .. script
      .. "DROP DATABASE " .. db .. ";\n"
  end
  if not h.server then return nil end
  return h.run(script)
end

local JSON_CASE = {
  sqlite = {
    'CREATE TABLE "users" ("meta" TEXT NOT NULL, '
      .. '"a" VARCHAR(255) AS (json_extract("meta", \'$."name"\')) VIRTUAL, '
      .. '"b" VARCHAR(255) AS (json_extract("meta", \'$."tags"[1]\')) STORED, '
      .. '"c" INTEGER AS (json_extract("meta", \'$."n"."k"\')) VIRTUAL)' },
  postgres = {
    'CREATE TABLE "users" ("meta" JSONB NOT NULL, '
      .. '"a" VARCHAR(255) NOT NULL GENERATED ALWAYS AS ("meta"->>\'name\') STORED, '
      .. '"b" VARCHAR(255) NOT NULL GENERATED ALWAYS AS ("meta"->\'tags\'->>1) STORED, '
      .. '"c" TEXT NOT NULL GENERATED ALWAYS AS ("meta"->\'n\'->>\'k\') STORED)' },
  mysql = {
    'CREATE TABLE `users` (`meta` JSON NOT NULL, '
      .. '`a` VARCHAR(255) AS (json_unquote(json_extract(`meta`, \'$."name"\'))) VIRTUAL, '
      .. '`b` VARCHAR(255) AS (json_unquote(json_extract(`meta`, \'$."tags"[1]\'))) STORED, '
      .. '`c` INT AS (json_unquote(json_extract(`meta`, \'$."n"."k"\'))) VIRTUAL)' },
}

local function json_columns(dialect)
  return function(t)
    if dialect == "postgres" then
      t:jsonb("meta")
      t:string("a"):stored_as_json("meta->name")
      t:string("b"):stored_as_json("meta->tags[1]")
      t:text("c"):stored_as_json("meta->n->k")
    else
      t:json("meta")
      t:string("a"):virtual_as_json("meta->name")
      t:string("b"):stored_as_json("meta->tags[1]")
      t:integer("c"):virtual_as_json("meta->n->k")
    end
  end
end

-- { fn, SQL, cols = what the server reports } per dialect
local CREATE = {
  sqlite = {
    { function(t) t:raw_column("a", "int4"):nullable():default(3)
        t:raw_column("b", core.raw("varchar(10)")):comment("x") end,
      'CREATE TABLE "users" ("a" int4 NULL DEFAULT 3, "b" varchar(10) NOT NULL)',
      cols = { "a|int4|1|3", "b|varchar(10)|0|" } },
    { function(t) t:raw_column("id", "integer"):primary(); t:string("s"):virtual_as_json("upper(id)") end,
      'CREATE TABLE "users" ("id" integer PRIMARY KEY NOT NULL, "s" VARCHAR(255) AS (upper(id)) VIRTUAL)',
      cols = { "id|INTEGER|0|", "s|VARCHAR(255)|1|" },   -- the rowid's, as SQLite names it
      title = "a selector without -> is the expression, as in Laravel" },
    { json_columns("sqlite"), JSON_CASE.sqlite[1],
      cols = { "meta|TEXT|0|", "a|VARCHAR(255)|1|", "b|VARCHAR(255)|1|", "c|INTEGER|1|" } },
  },
  postgres = {
    { function(t) t:raw_column("a", "int4"):nullable():default(3)
        t:raw_column("b", core.raw("varchar(10)")):comment("x") end,
      { 'CREATE TABLE "users" ("a" int4 NULL DEFAULT 3, "b" varchar(10) NOT NULL)',
        'COMMENT ON COLUMN "users"."b" IS \'x\'' },
      cols = { "a|integer|1|3", "b|character varying(10)|0|" } },
    { function(t) t:tsvector("v"); t:tsvector("w"):nullable() end,
      'CREATE TABLE "users" ("v" TSVECTOR NOT NULL, "w" TSVECTOR NULL)',
      cols = { "v|tsvector|0|", "w|tsvector|1|" } },
    { json_columns("postgres"), JSON_CASE.postgres[1],
      cols = { "meta|jsonb|0|", "a|character varying(255)|0|(meta ->> 'name'::text)",
        "b|character varying(255)|0|((meta -> 'tags'::text) ->> 1)",
        "c|text|0|((meta -> 'n'::text) ->> 'k'::text)" } },
  },
  mysql = {
    { function(t) t:raw_column("a", "int unsigned"):nullable():default(3)
        t:raw_column("b", core.raw("varchar(10)")):comment("x") end,
      "CREATE TABLE `users` (`a` int unsigned NULL DEFAULT 3, `b` varchar(10) NOT NULL COMMENT 'x')",
      cols = { "a|int(10) unsigned|1|3", "b|varchar(10)|0|" } },
    { json_columns("mysql"), JSON_CASE.mysql[1],
      cols = { "meta|longtext|0|", "a|varchar(255)|1|NULL", "b|varchar(255)|1|NULL",
        "c|int(11)|1|NULL" } },   -- MariaDB: JSON is LONGTEXT, a generated column's default NULL
  },
}

-- { fn, SQL } of an alter blueprint on SETUP
local SETUP = {
  sqlite = 'CREATE TABLE "users" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "n" INTEGER, "meta" TEXT);',
  postgres = 'CREATE TABLE "users" ("id" BIGSERIAL PRIMARY KEY, "n" INTEGER, "meta" JSONB);',
  mysql = "CREATE TABLE `users` (`id` BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, `n` INT, `meta` JSON);",
}
local ALTER = {
  sqlite = {
    { function(t) t:raw_column("c", "int4"):nullable():default(0) end,
      'ALTER TABLE "users" ADD COLUMN "c" int4 NULL DEFAULT 0' },
    { function(t) t:string("name"):nullable():virtual_as_json("meta->name") end,
      'ALTER TABLE "users" ADD COLUMN "name" VARCHAR(255) AS (json_extract("meta", \'$."name"\')) VIRTUAL' },
  },
  postgres = {
    { function(t) t:string("x"):nullable():instant():lock("none")
        t:after("id", function() t:string("y"):nullable() end) end,
      { 'ALTER TABLE "users" ADD COLUMN "x" VARCHAR(255) NULL',
        'ALTER TABLE "users" ADD COLUMN "y" VARCHAR(255) NULL' },
      title = "instant(), lock() and after() mean nothing here: ignored, as Laravel does" },
    { function(t) t:raw_column("c", "int4"):nullable(); t:tsvector("v"):nullable() end,
      { 'ALTER TABLE "users" ADD COLUMN "c" int4 NULL',
        'ALTER TABLE "users" ADD COLUMN "v" TSVECTOR NULL' } },
    { function(t) t:raw_column("n", "bigint"):change() end, {
      'ALTER TABLE "users" DROP CONSTRAINT IF EXISTS "users_n_unsigned", DROP CONSTRAINT IF EXISTS '
        .. '"users_n_enum", '
        .. 'ALTER COLUMN "n" TYPE bigint USING "n"::bigint, ALTER COLUMN "n" SET NOT NULL, '
        .. 'ALTER COLUMN "n" DROP DEFAULT, ALTER COLUMN "n" DROP IDENTITY IF EXISTS',
      'COMMENT ON COLUMN "users"."n" IS NULL' } },
    { function(t) t:string("name"):stored_as_json("meta->name") end,
      'ALTER TABLE "users" ADD COLUMN "name" VARCHAR(255) NOT NULL '
        .. 'GENERATED ALWAYS AS ("meta"->>\'name\') STORED' },
  },
  mysql = {
    { function(t) t:string("nick"):nullable():instant(); t:integer("k"):nullable():instant():lock("none") end,
      { "ALTER TABLE `users` ADD COLUMN `nick` VARCHAR(255) NULL, ALGORITHM=INSTANT",
        "ALTER TABLE `users` ADD COLUMN `k` INT NULL, ALGORITHM=INSTANT, LOCK=NONE" },
      title = "instant(), lock(mode): Laravel 12's ALGORITHM and LOCK of the ALTER" },
    { function(t) t:big_integer("n"):nullable():change():lock("shared") end,
      "ALTER TABLE `users` MODIFY COLUMN `n` BIGINT NULL, LOCK=SHARED" },
    { function(t) t:after("id", function() t:string("a"):nullable(); t:string("b"):nullable() end) end,
      { "ALTER TABLE `users` ADD COLUMN `a` VARCHAR(255) NULL AFTER `id`",
        "ALTER TABLE `users` ADD COLUMN `b` VARCHAR(255) NULL AFTER `a`" },
      title = "after(column, fn): the columns fn adds, one after the other" },
    { function(t) t:raw_column("c", "mediumint unsigned"):nullable():after("id") end,
      "ALTER TABLE `users` ADD COLUMN `c` mediumint unsigned NULL AFTER `id`" },
    { function(t) t:raw_column("n", "bigint"):nullable():change() end,
      "ALTER TABLE `users` MODIFY COLUMN `n` bigint NULL" },
    { function(t) t:string("name"):virtual_as_json("meta->name") end,
      "ALTER TABLE `users` ADD COLUMN `name` VARCHAR(255) AS (json_unquote(json_extract(`meta`, "
        .. "'$.\"name\"'))) VIRTUAL" },
  },
}

-- { fn, error } per dialect
local REFUSED = {
  sqlite = {
    { function(t) t:tsvector("v") end, "tsvector() is not supported on sqlite" },
  },
  postgres = {
    { function(t) t:json("m"); t:string("a"):virtual_as_json("m->a") end,
      "virtual_as_json() is not supported on postgres (PostgreSQL 18 has virtual generated "
        .. "columns; stored_as_json() works on every version)" },
  },
  mysql = {
    { function(t) t:tsvector("v") end, "tsvector() is not supported on mysql" },
  },
}

for _, dialect in ipairs { "sqlite", "postgres", "mysql" } do
  describe(dialect .. ": Laravel 12's last column methods", function()
    local c = columns.suite(dialect)
    local h = c.h
    describe("create", function() c.cases(CREATE[dialect]) end)
    describe("alter", function()
      h.cases(ALTER[dialect], "alter", function() return SETUP[dialect] end)
    end)

    it("the JSON columns compute the values at their paths", function()
      local sql = h.compile(json_columns(dialect))
      local status, out = computed_values(h, dialect, sql)
      if status == nil then return end
      assert.equals(0, status, out)
      assert.equals("Ada|y|7\n", out)
    end)

    describe("what it refuses", function()
      local refused = { { function(t) t:computed("c", "a + 1") end,
        "computed() is not supported on " .. dialect .. ": it is SQL Server's; give the column "
          .. "a type and stored_as() or virtual_as()" } }
      for _, case in ipairs(REFUSED[dialect]) do refused[#refused + 1] = case end
      for _, case in ipairs(refused) do
        it(case[2], function()
          local ok, err = pcall(h.compile, case[1])
          assert.is_false(ok)
          assert.matches(case[2], tostring(err), 1, true)
        end)
      end
    end)
  end)
end

describe("index(...):online(): Laravel 12's name of concurrently()", function()
  for _, dialect in ipairs { "postgres", "mysql" } do
    it("writes what concurrently() writes on " .. dialect, function()
      local function sql(method)
        local t = core.blueprint("users", "alter")
        t:index("n")[method](t:index("m"))
        t:unique("k")[method](t:unique("j"))
        return t:to_sql(core.grammar(dialect))
      end
      local online = sql("online")
      assert.same(sql("concurrently"), online)
      assert.matches(dialect == "mysql" and "ALGORITHM=INPLACE, LOCK=NONE" or "CONCURRENTLY",
        table.concat(online, "\n"))
    end)
  end

  it("is for index() and unique() only", function()
    local t = core.blueprint("users", "alter")
    local ok, err = pcall(function() t:primary("id"):online() end)
    assert.is_false(ok)
    assert.matches("online() is only for index() and unique(), not primary()", err, 1, true)
  end)
end)

describe("describe() of the new columns", function()
  it("shows the SQL type, the JSON selector, instant and lock", function()
    local t = core.blueprint("users", "alter")
    t:raw_column("a", "int4")
    t:string("b"):stored_as_json("meta->name"):instant():lock("none")
    local cols = t:describe(core.grammar("mysql")).columns
    assert.equals("raw_column", cols[1].type)
    assert.equals("int4", cols[1].definition)
    assert.equals("int4", cols[1].sql_type)
    assert.equals("meta->name", cols[2].stored_as)
    assert.is_true(cols[2].json)
    assert.is_true(cols[2].instant)
    assert.equals("NONE", cols[2].lock)
  end)
end)

describe("lock(mode) takes Laravel's modes", function()
  it("refuses another", function()
    local t = core.blueprint("users", "alter")
    local ok, err = pcall(function() t:string("a"):lock("everything") end)
    assert.is_false(ok)
    assert.matches("invalid option 'everything'", err, 1, true)
  end)
end)

describe("sqlite: raw_column():change() through the table rebuild", function()
  it("gives the column the SQL type and keeps the rows", function()
    local conn = assert(core.connect("sqlite", ":memory:"))
    local g = core.grammar("sqlite")
    local db = DB.new(conn, g)
    local s = schema.new(db, g)
    s:create("users", function(t) t:increments("id"); t:integer("n"):nullable() end)
    db:execute("INSERT INTO users (n) VALUES (41)")
    s:table("users", function(t) t:raw_column("n", "numeric(9, 3)"):default(1):change() end)
    local col = db:first("SELECT type, dflt_value FROM pragma_table_info('users') WHERE name = 'n'")
    assert.equals("numeric(9, 3)", col.type)
    assert.equals("1", col.dflt_value)
    assert.equals(41, db:first("SELECT n FROM users").n)
    conn:close()
  end)
end)
