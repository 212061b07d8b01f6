-- spec/grammar/schema_gaps_spec.lua: the Laravel 12 schema calls real
-- applications' migrations make that lmigrate lacked: add_column(type,
-- name, params) (Blueprint::addColumn), Schema's default_time_precision
-- (defaultTimePrecision), the blueprint's properties (`$table->engine =
-- 'InnoDB'`), a column modifier after constrained() refused with its fix,
-- ensure_extension_exists. Exact SQL per dialect, in create and alter;
-- each server runs it and reports what it made (spec/support/columns.lua).
-- The binary's run with rows kept is spec/integration/32-schema_gaps_spec.lua.
local core = require("lmigrate.core")
local schema = require("lmigrate.schema")
local columns = require("spec.support.columns")

local DIALECTS = { "sqlite", "postgres", "mysql" }

local function compile(dialect, fn, mode, table)
  local t = core.blueprint(table or "users", mode or "create")
  fn(t)
  return t:to_sql(core.grammar(dialect))
end

-- {======================================================
-- add_column
-- ======================================================

-- Laravel's addColumn as real migrations call it: an integer's display
-- width, a string default, a comment; unsigned types by Laravel's and
-- lmigrate's names; the type parameters; modifiers as parameters
local function add_columns(t)
  t:add_column("bigIncrements", "id")
  t:add_column("string", "name", { length = 100 })
  t:add_column("integer", "votes", { unsigned = true, length = 11, default = "0", comment = "up" })
  t:add_column("unsignedBigInteger", "user_id"):nullable()
  t:add_column("unsigned_big_integer", "team_id", { nullable = true, index = true })
  t:add_column("decimal", "price", { total = 10, places = 3, default = 0 })
  t:add_column("enum", "status", { allowed = { "a", "b" }, default = "a" })
  t:add_column("tinyInteger", "flag", { autoIncrement = false, unsigned = true, default = 1 })
  t:add_column("dateTime", "seen_at", { precision = 3, nullable = true })
  t:add_column("BOOLEAN", "active", { default = true })
end

local ADD_CREATE = {
  sqlite = {
    { add_columns, {
      'CREATE TABLE "users" ("id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, '
        .. '"name" VARCHAR(100) NOT NULL, "votes" INTEGER NOT NULL DEFAULT \'0\' CONSTRAINT '
        .. '"users_votes_unsigned" CHECK ("votes" >= 0), "user_id" BIGINT NULL CONSTRAINT '
        .. '"users_user_id_unsigned" CHECK ("user_id" >= 0), "team_id" BIGINT NULL CONSTRAINT '
        .. '"users_team_id_unsigned" CHECK ("team_id" >= 0), "price" DECIMAL(10, 3) NOT NULL '
        .. 'DEFAULT 0, "status" VARCHAR(255) NOT NULL DEFAULT \'a\' CONSTRAINT "users_status_check" '
        .. 'CHECK ("status" IN (\'a\', \'b\')), "flag" TINYINT NOT NULL DEFAULT 1 CONSTRAINT '
        .. '"users_flag_unsigned" CHECK ("flag" >= 0), "seen_at" DATETIME NULL, '
        .. '"active" BOOLEAN NOT NULL DEFAULT 1)',
      'CREATE INDEX "users_team_id_index" ON "users" ("team_id")' },
      cols = { "id|INTEGER|0|", "name|VARCHAR(100)|0|", "votes|INTEGER|0|'0'", "user_id|BIGINT|1|",
        "team_id|BIGINT|1|", "price|DECIMAL(10, 3)|0|0", "status|VARCHAR(255)|0|'a'",
        "flag|TINYINT|0|1", "seen_at|DATETIME|1|", "active|BOOLEAN|0|1" },
      indexes = { "index|users_team_id_index|team_id" } },
  },
  postgres = {
    { add_columns, {
      'CREATE TABLE "users" ("id" BIGSERIAL PRIMARY KEY NOT NULL, "name" VARCHAR(100) NOT NULL, '
        .. '"votes" INTEGER NOT NULL DEFAULT \'0\' CONSTRAINT "users_votes_unsigned" CHECK '
        .. '("votes" >= 0), "user_id" BIGINT NULL CONSTRAINT "users_user_id_unsigned" CHECK '
        .. '("user_id" >= 0), "team_id" BIGINT NULL CONSTRAINT "users_team_id_unsigned" CHECK '
        .. '("team_id" >= 0), "price" DECIMAL(10, 3) NOT NULL DEFAULT 0, "status" VARCHAR(255) '
        .. 'NOT NULL DEFAULT \'a\' CONSTRAINT "users_status_check" CHECK ("status" IN (\'a\', '
        .. '\'b\')), "flag" SMALLINT NOT NULL DEFAULT 1 CONSTRAINT "users_flag_unsigned" CHECK '
        .. '("flag" >= 0), "seen_at" TIMESTAMP(3) NULL, "active" BOOLEAN NOT NULL DEFAULT TRUE)',
      'CREATE INDEX "users_team_id_index" ON "users" ("team_id")',
      'COMMENT ON COLUMN "users"."votes" IS \'up\'' },
      cols = { "id|bigint|0|nextval('users_id_seq'::regclass)", "name|character varying(100)|0|",
        "votes|integer|0|0", "user_id|bigint|1|", "team_id|bigint|1|", "price|numeric(10,3)|0|0",
        "status|character varying(255)|0|'a'::character varying", "flag|smallint|0|1",
        "seen_at|timestamp(3) without time zone|1|", "active|boolean|0|true" },
      indexes = { "index|users_pkey|id", "index|users_team_id_index|team_id" } },
  },
  mysql = {
    { add_columns,
      "CREATE TABLE `users` (`id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, "
        .. "`name` VARCHAR(100) NOT NULL, `votes` INT UNSIGNED NOT NULL DEFAULT '0' COMMENT 'up', "
        .. "`user_id` BIGINT UNSIGNED NULL, `team_id` BIGINT UNSIGNED NULL, `price` DECIMAL(10, 3) "
        .. "NOT NULL DEFAULT 0, `status` ENUM('a','b') NOT NULL DEFAULT 'a', `flag` TINYINT UNSIGNED "
        .. "NOT NULL DEFAULT 1, `seen_at` DATETIME(3) NULL, `active` TINYINT(1) NOT NULL DEFAULT 1, "
        .. "INDEX `users_team_id_index` (`team_id`))",
      cols = { "id|bigint(20) unsigned|0|", "name|varchar(100)|0|", "votes|int(10) unsigned|0|0",
        "user_id|bigint(20) unsigned|1|NULL", "team_id|bigint(20) unsigned|1|NULL",
        "price|decimal(10,3)|0|0.000", "status|enum('a','b')|0|'a'", "flag|tinyint(3) unsigned|0|1",
        "seen_at|datetime(3)|1|NULL", "active|tinyint(1)|0|1" },
      indexes = { "index|PRIMARY|id", "index|users_team_id_index|team_id" } },
  },
}

local ADD_SETUP = {
  sqlite = 'CREATE TABLE "users" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "title" VARCHAR(255) NOT NULL);',
  postgres = 'CREATE TABLE "users" ("id" BIGSERIAL PRIMARY KEY, "title" VARCHAR(255) NOT NULL);',
  mysql = "CREATE TABLE `users` (`id` BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, "
    .. "`title` VARCHAR(255) NOT NULL);",
}

local function add_alter(t)
  t:add_column("string", "nick", { length = 40, nullable = true, after = "id" })
  t:add_column("unsignedInteger", "score", { default = 0 })
  t:add_column("string", "title", { length = 100, nullable = true, change = true })
end

local ADD_ALTER = {
  sqlite = {
    { function(t)
        t:add_column("string", "nick", { length = 40, nullable = true, after = "id" })
        t:add_column("unsignedInteger", "score", { default = 0 })
      end,
      { 'ALTER TABLE "users" ADD COLUMN "nick" VARCHAR(40) NULL',
        'ALTER TABLE "users" ADD COLUMN "score" INTEGER NOT NULL DEFAULT 0 CONSTRAINT '
          .. '"users_score_unsigned" CHECK ("score" >= 0)' },
      title = "added (after() means nothing here; change() is the rebuild's, spec 32)" },
  },
  postgres = {
    { add_alter, {
      'ALTER TABLE "users" ADD COLUMN "nick" VARCHAR(40) NULL',
      'ALTER TABLE "users" ADD COLUMN "score" INTEGER NOT NULL DEFAULT 0 CONSTRAINT '
        .. '"users_score_unsigned" CHECK ("score" >= 0)',
      'ALTER TABLE "users" DROP CONSTRAINT IF EXISTS "users_title_unsigned", DROP CONSTRAINT IF '
        .. 'EXISTS "users_title_enum", ALTER COLUMN "title" TYPE VARCHAR(100) USING '
        .. '"title"::VARCHAR(100), ALTER COLUMN "title" DROP NOT NULL, ALTER COLUMN "title" DROP '
        .. 'DEFAULT, ALTER COLUMN "title" DROP IDENTITY IF EXISTS',
      'COMMENT ON COLUMN "users"."title" IS NULL' } },
  },
  mysql = {
    { add_alter, {
      "ALTER TABLE `users` ADD COLUMN `nick` VARCHAR(40) NULL AFTER `id`",
      "ALTER TABLE `users` ADD COLUMN `score` INT UNSIGNED NOT NULL DEFAULT 0",
      "ALTER TABLE `users` MODIFY COLUMN `title` VARCHAR(100) NULL" } },
  },
}

-- every type add_column takes makes what its method makes
local SAME = {
  { "id", "id" }, { "increments", "increments" }, { "integerIncrements", "integer_increments" },
  { "bigIncrements", "big_increments" }, { "smallIncrements", "small_increments" },
  { "mediumIncrements", "medium_increments" }, { "tinyIncrements", "tiny_increments" },
  { "integer", "integer" }, { "bigInteger", "big_integer" }, { "smallInteger", "small_integer" },
  { "mediumInteger", "medium_integer" }, { "tinyInteger", "tiny_integer" },
  { "unsignedInteger", "unsigned_integer" }, { "unsignedBigInteger", "unsigned_big_integer" },
  { "unsignedSmallInteger", "unsigned_small_integer" },
  { "unsignedMediumInteger", "unsigned_medium_integer" },
  { "unsignedTinyInteger", "unsigned_tiny_integer" }, { "unsigned", "unsigned" },
  { "string", "string" }, { "char", "char" }, { "text", "text" }, { "tinyText", "tiny_text" },
  { "mediumText", "medium_text" }, { "longText", "long_text" }, { "boolean", "boolean" },
  { "decimal", "decimal" }, { "unsignedDecimal", "unsigned_decimal" }, { "float", "float" },
  { "double", "double" }, { "date", "date" }, { "year", "year" }, { "dateTime", "date_time" },
  { "datetime", "datetime" }, { "dateTimeTz", "date_time_tz" }, { "time", "time" },
  { "timeTz", "time_tz" }, { "timestamp", "timestamp" }, { "timestampTz", "timestamp_tz" },
  { "json", "json" }, { "jsonb", "jsonb" }, { "uuid", "uuid" }, { "ulid", "ulid" },
  { "binary", "binary" }, { "ipAddress", "ip_address" }, { "inet", "inet" }, { "cidr", "cidr" },
  { "macAddress", "mac_address" }, { "macaddr", "macaddr" }, { "geometry", "geometry" },
  { "geography", "geography" }, { "point", "point" }, { "vector", "vector" },
  { "foreignId", "foreign_id" }, { "foreignUuid", "foreign_uuid" }, { "foreignUlid", "foreign_ulid" },
}

describe("add_column(type, name, params): Laravel's Blueprint::addColumn", function()
  for _, dialect in ipairs(DIALECTS) do
    describe(dialect, function()
      local c = columns.suite(dialect)
      describe("create", function() c.cases(ADD_CREATE[dialect]) end)
      describe("alter", function()
        c.h.cases(ADD_ALTER[dialect], "alter", function() return ADD_SETUP[dialect] end)
      end)

      it("makes of each type what the type's method makes, with and without parameters", function()
        -- the same SQL, or the same refusal (vector() on SQLite, a key column added on SQLite)
        local function same(want, got, what)
          local ok1, a = pcall(compile, dialect, want[1], want[2])
          local ok2, b = pcall(compile, dialect, got[1], got[2])
          assert.equals(ok1, ok2, what)
          if ok1 then assert.same(a, b, what)
          else assert.equals(a:gsub("^.-:%d+: ", ""), (b:gsub("^.-:%d+: ", "")), what) end
        end
        for _, pair in ipairs(SAME) do
          for _, mode in ipairs { "create", "alter" } do
            local want = { function(t) t[pair[2]](t, "c"):nullable() end, mode }
            same(want, { function(t) t:add_column(pair[1], "c", { nullable = true }) end, mode }, pair[1])
            same(want, { function(t) t:add_column(pair[2], "c"):nullable() end, mode }, pair[2])
          end
        end
        local with = {
          { "string", { length = 20 }, function(t) return t:string("c", 20) end },
          { "char", { length = 2 }, function(t) return t:char("c", 2) end },
          { "decimal", { total = 5, places = 1 }, function(t) return t:decimal("c", 5, 1) end },
          { "float", { precision = 24 }, function(t) return t:float("c", 24) end },
          { "binary", { length = 16, fixed = true }, function(t) return t:binary("c", 16, true) end },
          { "timestampTz", { precision = 6 }, function(t) return t:timestamp_tz("c", 6) end },
          { "integer", { autoIncrement = true }, function(t) return t:integer("c", true) end },
          { "bigIncrements", { autoIncrement = false }, function(t) return t:unsigned_big_integer("c") end },
          { "set", { allowed = { "x", "y" } }, function(t) return t:set("c", { "x", "y" }) end },
          { "geometry", { subtype = "polygon", srid = 4326 },
            function(t) return t:geometry("c", "polygon", 4326) end },
          { "raw", { definition = "int" }, function(t) return t:raw_column("c", "int") end },
          { "foreignUlid", { length = 30 }, function(t) return t:foreign_ulid("c", 30) end },
        }
        for _, case in ipairs(with) do
          if not (case[1] == "set" and dialect ~= "mysql") then
            assert.same(compile(dialect, function(t) case[3](t) end),
              compile(dialect, function(t) t:add_column(case[1], "c", case[2]) end), case[1])
          end
        end
      end)
    end)
  end

  it("takes the modifiers by Laravel's camelCase and by snake_case names, in a fixed order", function()
    local function mysql(fn) return compile("mysql", fn, "alter") end
    assert.same(mysql(function(t)
        t:timestamp("at", 2):nullable():default(core.raw("'2020-01-01'")):use_current()
          :use_current_on_update():comment("x"):first()
      end),
      mysql(function(t)
        t:add_column("timestamp", "at", { precision = 2, useCurrentOnUpdate = true, useCurrent = true,
          default = core.raw("'2020-01-01'"), nullable = true, comment = "x", first = true })
      end))
    assert.same(mysql(function(t) t:integer("n"):stored_as("id * 2"):invisible():unique("n_u") end),
      mysql(function(t)
        t:add_column("integer", "n", { storedAs = "id * 2", invisible = true, unique = "n_u" })
      end))
    assert.same(mysql(function(t) t:string("n"):nullable(false) end),
      mysql(function(t) t:add_column("string", "n", { nullable = false, first = false, change = false }) end))
    assert.same(compile("postgres", function(t) t:integer("n"):generated_as("START WITH 10"):always() end),
      compile("postgres", function(t)
        t:add_column("integer", "n", { generatedAs = "START WITH 10", always = true })
      end))
    assert.same(compile("postgres", function(t) t:string("s"):index(false):change() end, "alter"),
      compile("postgres", function(t)
        t:add_column("string", "s", { change = true, index = false })
      end, "alter"))
  end)

  it("ignores an integer's length (a display width Laravel's grammars ignore), only that", function()
    assert.same(compile("mysql", function(t) t:integer("n") end),
      compile("mysql", function(t) t:add_column("integer", "n", { length = 11 }) end))
  end)

  describe("refuses", function()
    local REFUSED = {
      { function(t) t:add_column("tinyint", "x") end, "add_column: unknown column type 'tinyint'" },
      { function(t) t:add_column("timestamps", "x") end, "add_column: unknown column type 'timestamps'" },
      { function(t) t:add_column("string", "x", { lenght = 3 }) end,
        "add_column: unknown parameter 'lenght' of a string column (it takes length, and the column "
          .. "modifiers by name: nullable, default, comment, after, ...)" },
      { function(t) t:add_column("text", "x", { length = 3 }) end,
        "add_column: unknown parameter 'length' of a text column" },
      { function(t) t:add_column("string", "x", { length = 0 }) end,
        "add_column(\"string\", \"x\"): parameter 'length': length must be between 1 and 65535" },
      { function(t) t:add_column("text", "x", { autoIncrement = true }) end,
        "add_column(\"text\", \"x\"): parameter 'auto_increment': auto_increment() needs an "
          .. "integer column (column users.x)" },
      { function(t) t:add_column("string", "x", { first = "yes" }) end,
        "add_column: parameter 'first' must be true or false, got string" },
      { function(t) t:add_column("string", "x", { use_current = true, useCurrent = true }) end,
        "add_column: parameter 'use_current' is given twice, in snake_case and camelCase" },
      { function(t) t:add_column("string", "x", { 3 }) end,
        "add_column: a parameter's name must be a string, got number" },
      { function(t) t:add_column("string", "x", "length") end, "table of parameters or nil expected" },
      { function(t) t:add_column("string", "x", {}, 1) end, "add_column() takes at most 3 argument(s)" },
      { function(t) t:add_column("enum", "x", { values = { "a" } }) end,
        "add_column: unknown parameter 'values' of a enum column (it takes allowed, and the column" },
    }
    for _, case in ipairs(REFUSED) do
      it(case[2], function()
        local ok, err = pcall(compile, "sqlite", case[1])
        assert.is_false(ok)
        assert.matches(case[2], tostring(err), 1, true)
      end)
    end
  end)
end)

-- }======================================================

-- {======================================================
-- default_time_precision
-- ======================================================

local function time_columns(t)
  t:timestamp("a")
  t:date_time("b", 2)
  t:time("c")
  t:timestamp_tz("d"):use_current()
  t:timestamps()
  t:soft_deletes()
end

-- { precision, SQL, cols } per dialect
local TIME_CREATE = {
  sqlite = {
    { 3, 'CREATE TABLE "users" ("a" TIMESTAMP NOT NULL, "b" DATETIME NOT NULL, "c" TIME NOT NULL, '
        .. '"d" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, "created_at" DATETIME NULL DEFAULT '
        .. 'CURRENT_TIMESTAMP, "updated_at" DATETIME NULL DEFAULT CURRENT_TIMESTAMP, "deleted_at" '
        .. 'DATETIME NULL)',
      cols = { "a|TIMESTAMP|0|", "b|DATETIME|0|", "c|TIME|0|", "d|TIMESTAMP|0|CURRENT_TIMESTAMP",
        "created_at|DATETIME|1|CURRENT_TIMESTAMP", "updated_at|DATETIME|1|CURRENT_TIMESTAMP",
        "deleted_at|DATETIME|1|" } },
  },
  postgres = {
    { 0, 'CREATE TABLE "users" ("a" TIMESTAMP(0) NOT NULL, "b" TIMESTAMP(2) NOT NULL, "c" TIME NOT '
        .. 'NULL, "d" TIMESTAMPTZ(0) NOT NULL DEFAULT CURRENT_TIMESTAMP, "created_at" TIMESTAMPTZ(0) '
        .. 'NULL DEFAULT CURRENT_TIMESTAMP, "updated_at" TIMESTAMPTZ(0) NULL DEFAULT CURRENT_TIMESTAMP, '
        .. '"deleted_at" TIMESTAMPTZ(0) NULL)',
      cols = { "a|timestamp(0) without time zone|0|", "b|timestamp(2) without time zone|0|",
        "c|time without time zone|0|", "d|timestamp(0) with time zone|0|CURRENT_TIMESTAMP",
        "created_at|timestamp(0) with time zone|1|CURRENT_TIMESTAMP",
        "updated_at|timestamp(0) with time zone|1|CURRENT_TIMESTAMP",
        "deleted_at|timestamp(0) with time zone|1|" },
      title = "0: Laravel's default, the types as before" },
    { 6, 'CREATE TABLE "users" ("a" TIMESTAMP(6) NOT NULL, "b" TIMESTAMP(2) NOT NULL, "c" TIME(6) NOT '
        .. 'NULL, "d" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP, "created_at" TIMESTAMPTZ(6) '
        .. 'NULL DEFAULT CURRENT_TIMESTAMP, "updated_at" TIMESTAMPTZ(6) NULL DEFAULT CURRENT_TIMESTAMP, '
        .. '"deleted_at" TIMESTAMPTZ(6) NULL)',
      cols = { "a|timestamp(6) without time zone|0|", "b|timestamp(2) without time zone|0|",
        "c|time(6) without time zone|0|", "d|timestamp(6) with time zone|0|CURRENT_TIMESTAMP",
        "created_at|timestamp(6) with time zone|1|CURRENT_TIMESTAMP",
        "updated_at|timestamp(6) with time zone|1|CURRENT_TIMESTAMP",
        "deleted_at|timestamp(6) with time zone|1|" } },
    { false, 'CREATE TABLE "users" ("a" TIMESTAMP NOT NULL, "b" TIMESTAMP(2) NOT NULL, "c" TIME NOT '
        .. 'NULL, "d" TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP, "created_at" TIMESTAMPTZ NULL '
        .. 'DEFAULT CURRENT_TIMESTAMP, "updated_at" TIMESTAMPTZ NULL DEFAULT CURRENT_TIMESTAMP, '
        .. '"deleted_at" TIMESTAMPTZ NULL)',
      cols = { "a|timestamp without time zone|0|", "b|timestamp(2) without time zone|0|",
        "c|time without time zone|0|", "d|timestamp with time zone|0|CURRENT_TIMESTAMP",
        "created_at|timestamp with time zone|1|CURRENT_TIMESTAMP",
        "updated_at|timestamp with time zone|1|CURRENT_TIMESTAMP",
        "deleted_at|timestamp with time zone|1|" },
      title = "false: Laravel's null, no precision (PostgreSQL's own, 6)" },
  },
  mysql = {
    { 0, "CREATE TABLE `users` (`a` TIMESTAMP NOT NULL, `b` DATETIME(2) NOT NULL, `c` TIME NOT NULL, "
        .. "`d` TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, `created_at` DATETIME NULL DEFAULT "
        .. "CURRENT_TIMESTAMP, `updated_at` DATETIME NULL DEFAULT CURRENT_TIMESTAMP, `deleted_at` "
        .. "DATETIME NULL)",
      cols = { "a|timestamp|0|", "b|datetime(2)|0|", "c|time|0|", "d|timestamp|0|current_timestamp()",
        "created_at|datetime|1|current_timestamp()", "updated_at|datetime|1|current_timestamp()",
        "deleted_at|datetime|1|NULL" } },
    { 3, "CREATE TABLE `users` (`a` TIMESTAMP(3) NOT NULL, `b` DATETIME(2) NOT NULL, `c` TIME(3) NOT "
        .. "NULL, `d` TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), `created_at` DATETIME(3) NULL "
        .. "DEFAULT CURRENT_TIMESTAMP(3), `updated_at` DATETIME(3) NULL DEFAULT CURRENT_TIMESTAMP(3), "
        .. "`deleted_at` DATETIME(3) NULL)",
      cols = { "a|timestamp(3)|0|", "b|datetime(2)|0|", "c|time(3)|0|",
        "d|timestamp(3)|0|current_timestamp(3)", "created_at|datetime(3)|1|current_timestamp(3)",
        "updated_at|datetime(3)|1|current_timestamp(3)", "deleted_at|datetime(3)|1|NULL" },
      title = "3: the CURRENT_TIMESTAMP of the same precision, which MySQL requires" },
    { false, "CREATE TABLE `users` (`a` TIMESTAMP NOT NULL, `b` DATETIME(2) NOT NULL, `c` TIME NOT NULL, "
        .. "`d` TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, `created_at` DATETIME NULL DEFAULT "
        .. "CURRENT_TIMESTAMP, `updated_at` DATETIME NULL DEFAULT CURRENT_TIMESTAMP, `deleted_at` "
        .. "DATETIME NULL)",
      cols = { "a|timestamp|0|", "b|datetime(2)|0|", "c|time|0|", "d|timestamp|0|current_timestamp()",
        "created_at|datetime|1|current_timestamp()", "updated_at|datetime|1|current_timestamp()",
        "deleted_at|datetime|1|NULL" } },
  },
}

local TIME_SETUP = {
  sqlite = 'CREATE TABLE "users" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "at" DATETIME);',
  postgres = 'CREATE TABLE "users" ("id" BIGSERIAL PRIMARY KEY, "at" TIMESTAMP(0));',
  mysql = "CREATE TABLE `users` (`id` BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, `at` DATETIME);",
}

local function time_alter(t)
  t:timestamp("seen_at"):nullable()
  t:date_time("at"):nullable():change()
end

local TIME_ALTER = {
  sqlite = {
    { function(t) t:timestamp("seen_at"):nullable() end,
      'ALTER TABLE "users" ADD COLUMN "seen_at" TIMESTAMP NULL',
      title = "SQLite's types have no precision (its change() is the rebuild's: spec 32)" },
  },
  postgres = {
    { time_alter, {
      'ALTER TABLE "users" ADD COLUMN "seen_at" TIMESTAMP(6) NULL',
      'ALTER TABLE "users" DROP CONSTRAINT IF EXISTS "users_at_unsigned", DROP CONSTRAINT IF EXISTS '
        .. '"users_at_enum", '
        .. 'ALTER COLUMN "at" TYPE TIMESTAMP(6) USING "at"::TIMESTAMP(6), ALTER COLUMN '
        .. '"at" DROP NOT NULL, ALTER COLUMN "at" DROP DEFAULT, ALTER COLUMN "at" DROP IDENTITY IF EXISTS',
      'COMMENT ON COLUMN "users"."at" IS NULL' } },
  },
  mysql = {
    { time_alter, {
      "ALTER TABLE `users` ADD COLUMN `seen_at` TIMESTAMP(6) NULL",
      "ALTER TABLE `users` MODIFY COLUMN `at` DATETIME(6) NULL" } },
  },
}

describe("default_time_precision(p): Laravel's Schema::defaultTimePrecision", function()
  after_each(function() schema.default_time_precision(0) end)

  it("is 0 until set; takes 0 to 6 and false (or lmigrate.null), and returns what is in force", function()
    assert.equals(0, schema.default_time_precision())
    assert.equals(6, schema.default_time_precision(6))
    assert.equals(6, schema.default_time_precision())
    assert.is_false(schema.default_time_precision(false))
    assert.equals(3, schema.default_time_precision(3))
    assert.is_false(schema.default_time_precision(core.null))
    assert.equals(0, schema.default_time_precision(0))
    for _, bad in ipairs { 7, -1, 1.5, "3", true } do
      local ok, err = pcall(schema.default_time_precision, bad)
      assert.is_false(ok)
      assert.matches("default_time_precision expects a precision (a whole number from 0 to 6, or false "
        .. "for none), got " .. tostring(bad), err, 1, true)
    end
    assert.equals(0, schema.default_time_precision())
  end)

  for _, dialect in ipairs(DIALECTS) do
    describe(dialect, function()
      local c = columns.suite(dialect)
      for i, case in ipairs(TIME_CREATE[dialect]) do
        it("create #" .. i .. ": " .. (case.title or tostring(case[1])), function()
          schema.default_time_precision(case[1])
          c.check({ time_columns, case[2], cols = case.cols }, "create")
        end)
      end
      it("alter: an added column and a change()d one (6)", function()
        schema.default_time_precision(6)
        for _, case in ipairs(TIME_ALTER[dialect]) do
          c.h.check(case, "alter", TIME_SETUP[dialect])
        end
      end)
    end)
  end

  it("holds for a blueprint made after the call; a precision given wins", function()
    local before = core.blueprint("users", "create")
    schema.default_time_precision(4)
    before:timestamp("a")
    local after = core.blueprint("users", "create")
    after:timestamp("a")
    after:timestamp("b", 1)
    after:timestamp("c", 0)
    assert.same({ 'CREATE TABLE "users" ("a" TIMESTAMP(0) NOT NULL)' },
      before:to_sql(core.grammar("postgres")))
    assert.same({ 'CREATE TABLE "users" ("a" TIMESTAMP(4) NOT NULL, "b" TIMESTAMP(1) NOT NULL, '
      .. '"c" TIMESTAMP(0) NOT NULL)' }, after:to_sql(core.grammar("postgres")))
  end)

  it("shows in describe(): the precision, or false for none", function()
    schema.default_time_precision(5)
    local t = core.blueprint("users", "create")
    t:timestamp("a")
    schema.default_time_precision(false)
    local u = core.blueprint("users", "create")
    u:timestamp("a")
    u:timestamp("b", 2)
    assert.equals(5, t:describe().columns[1].precision)
    assert.is_false(u:describe().columns[1].precision)
    assert.equals(2, u:describe().columns[2].precision)
  end)

  it("is self.schema's method too", function()
    local conn = assert(core.connect("sqlite", ":memory:"))
    local g = core.grammar("sqlite")
    local s = schema.new(require("lmigrate.db").new(conn, g), g)
    assert.equals(6, s:default_time_precision(6))
    assert.equals(6, schema.default_time_precision())
    assert.is_false(s:default_time_precision(false))
    conn:close()
  end)
end)

-- }======================================================

-- {======================================================
-- The blueprint's properties, Laravel's $table->engine = 'InnoDB'
-- ======================================================

local function props(t)
  t.engine = "InnoDB"
  t.charset = "utf8mb4"
  t.collation = "utf8mb4_unicode_ci"
  t:id()
end

describe("the blueprint's properties (t.engine = ...)", function()
  it("are engine(), charset(), collation() on mysql", function()
    assert.same(compile("mysql", function(t) t:engine("InnoDB"); t:charset("utf8mb4")
        t:collation("utf8mb4_unicode_ci"); t:id() end), compile("mysql", props))
    assert.same({ "CREATE TABLE `users` (`id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY) "
      .. "DEFAULT CHARACTER SET `utf8mb4` COLLATE 'utf8mb4_unicode_ci' ENGINE = `InnoDB`" },
      compile("mysql", props))
  end)

  it("mean what the methods mean elsewhere: engine and charset nothing, temporary TEMPORARY", function()
    assert.same({ 'CREATE TEMPORARY TABLE "users" ("id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL)' },
      compile("sqlite", function(t) props(t); t.temporary = true end))
    assert.same(compile("postgres", function(t) t:id() end),
      compile("postgres", function(t) props(t); t.temporary = true; t.temporary = false end))
  end)

  it("refuse any other key and a value of the wrong type", function()
    local cases = {
      { function(t) t.table = "x" end, "cannot set 'table' on a blueprint: its properties are engine, "
          .. "charset, collation and temporary (Laravel's $table->engine = ...)" },
      { function(t) t.engine = 1 end, "engine must be a name (string), got number" },
      { function(t) t.temporary = "yes" end, "temporary must be true or false, got string" },
    }
    for _, case in ipairs(cases) do
      local ok, err = pcall(compile, "mysql", case[1])
      assert.is_false(ok)
      assert.matches(case[2], tostring(err), 1, true)
    end
    local ok, err = pcall(compile, "mysql", function(t) t.temporary = true end, "alter")
    assert.is_false(ok)
    assert.matches("temporary() is only valid when creating a table", err, 1, true)
  end)
end)

-- }======================================================

-- {======================================================
-- A column modifier after constrained()
-- ======================================================

describe("a column modifier called on a foreign key", function()
  local CASES = {
    { function(t) t:foreign_id("user_id"):constrained():nullable() end,
      'nullable() after constrained() would change the foreign key, not the column (Laravel ignores it '
        .. 'and leaves user_id NOT NULL): call it before constrained(): '
        .. 'foreign_id("user_id"):nullable():constrained()' },
    { function(t) t:foreign_id("team_id"):constrained("teams", "id"):cascade_on_delete():default(0) end,
      'default() after constrained() would change the foreign key, not the column (Laravel ignores it '
        .. 'and team_id gets no default): call it before constrained(): '
        .. 'foreign_id("team_id"):default(0):constrained("teams", "id")' },
    { function(t) t:foreign_uuid("owner_id"):constrained():comment("the owner") end,
      'comment() after constrained() would change the foreign key, not the column (Laravel ignores it '
        .. 'and owner_id gets no comment): call it before constrained(): '
        .. 'foreign_uuid("owner_id"):comment("the owner"):constrained()' },
    { function(t) t:foreign_ulid("doc_id"):constrained():index() end,
      "index() after constrained() would change the foreign key, not the column (Laravel ignores it "
        .. 'and doc_id gets no index): call it before constrained(): '
        .. 'foreign_ulid("doc_id"):index():constrained()' },
    { function(t) t:foreign_id_for("User"):constrained():unique() end,
      "unique() after constrained() would change the foreign key, not the column (Laravel ignores it "
        .. "and user_id gets no unique index): call it before constrained(): "
        .. "foreign_id_for(...):unique():constrained()" },
    { function(t) t:foreign_id("user_id"):constrained():after("id") end,
      "after() after constrained() would change the foreign key, not the column (Laravel ignores it and "
        .. 'user_id is not placed): call it before constrained(): '
        .. 'foreign_id("user_id"):after("id"):constrained()' },
    { function(t) t:foreign_id("user_id"):constrained():unsigned() end,
      "unsigned() after constrained() would change the foreign key" },
    { function(t) t:foreign_id("user_id"):constrained():change() end, "(Laravel ignores it and user_id is "
        .. "added, not changed): call it before constrained(): "
        .. "foreign_id(\"user_id\"):change():constrained()",
      mode = "alter" },
    { function(t) t:integer("x_id"):references("id"):on("xs"):nullable() end,
      "nullable() after references() would change the foreign key, not the column (Laravel ignores it and "
        .. 'leaves x_id NOT NULL): call it before references(): '
        .. 'integer("x_id"):nullable():references("id")' },
    { function(t) t:big_integer("y_id"); t:foreign("y_id"):references("id"):on("ys"):nullable() end,
      "nullable() is a column modifier; foreign() makes only the foreign key (Laravel ignores it there and "
        .. 'leaves y_id NOT NULL): call it on the column: big_integer("y_id"):nullable()' },
    { function(t) t:foreign("z_id"):references("id"):on("zs"):default(1) end,
      "default() is a column modifier; foreign() makes only the foreign key (Laravel ignores it there and "
        .. 'z_id gets no default): to change the column, restate it with change(): '
        .. '...("z_id"):default(1):change()',
      mode = "alter" },
    { function(t) t:foreign("user_id"):on_delet("cascade") end,
      "unknown foreign key method 'on_delet' (did you mean 'on_delete'?)" },
  }
  for _, case in ipairs(CASES) do
    it(case[2], function()
      local ok, err = pcall(compile, "postgres", case[1], case.mode)
      assert.is_false(ok)
      assert.matches(case[2], tostring(err), 1, true)
      -- at the line of the call
      assert.matches("schema_gaps_spec.lua:%d+: ", tostring(err))
    end)
  end

  it("before constrained(), the modifiers are the column's", function()
    assert.same({ 'ALTER TABLE "posts" ADD COLUMN "user_id" BIGINT NULL',
      'ALTER TABLE "posts" ADD CONSTRAINT "posts_user_id_foreign" FOREIGN KEY ("user_id") REFERENCES '
        .. '"users" ("id") ON DELETE SET NULL' },
      compile("postgres", function(t) t:foreign_id("user_id"):nullable():constrained():null_on_delete() end,
        "alter", "posts"))
  end)
end)

-- }======================================================

-- {======================================================
-- ensure_extension_exists
-- ======================================================

describe("ensure_extension_exists(name, schema?)", function()
  local function recording(dialect)
    local db = { statements = {} }
    function db.execute(self, sql) self.statements[#self.statements + 1] = sql end
    return schema.new(db, core.grammar(dialect)), db
  end

  it("is PostgreSQL's CREATE EXTENSION IF NOT EXISTS", function()
    local s, db = recording("postgres")
    s:ensure_extension_exists("pg_trgm")
    s:ensure_extension_exists("postgis", "public")
    s:ensure_vector_extension_exists()
    s:ensure_vector_extension_exists("extensions")
    assert.same({ 'CREATE EXTENSION IF NOT EXISTS "pg_trgm"',
      'CREATE EXTENSION IF NOT EXISTS "postgis" SCHEMA "public"', 'CREATE EXTENSION IF NOT EXISTS "vector"',
      'CREATE EXTENSION IF NOT EXISTS "vector" SCHEMA "extensions"' }, db.statements)
  end)

  it("raises on SQLite and MySQL, as Laravel's builder", function()
    for _, dialect in ipairs { "sqlite", "mysql" } do
      local s, db = recording(dialect)
      local ok, err = pcall(s.ensure_extension_exists, s, "pg_trgm")
      assert.is_false(ok)
      assert.matches("schema:ensure_extension_exists: extensions are only supported by PostgreSQL (this "
        .. "connection is " .. dialect .. ")", err, 1, true)
      ok, err = pcall(s.ensure_vector_extension_exists, s)
      assert.is_false(ok)
      assert.matches("schema:ensure_vector_extension_exists: extensions are only supported", err, 1, true)
      assert.same({}, db.statements)
    end
  end)
end)

-- }======================================================
