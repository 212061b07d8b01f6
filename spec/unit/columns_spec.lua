-- spec/unit/columns_spec.lua: the column types' and modifiers' arguments
-- and what a dialect refuses: a bad argument raises naming it, a
-- modifier the column cannot take raises naming the column, and what a
-- dialect has no SQL for raises "<method>() is not supported on <dialect>".
-- No database (the conformance suite, spec/grammar/columns_*_spec.lua,
-- runs what is accepted).
local core = require("lmigrate.core")

local function bp(mode)
  return core.blueprint("users", mode or "create")
end

-- asserts that fn raises an error whose message contains 'msg' (plain)
local function raises(msg, fn)
  local ok, err = pcall(fn)
  assert.is_false(ok, "expected an error containing: " .. msg)
  err = tostring(err)
  assert(err:find(msg, 1, true), "expected '" .. msg .. "' in: " .. err)
end

local function sql(dialect, fn, mode)
  local t = bp(mode)
  fn(t)
  return t:to_sql(core.grammar(dialect))
end

describe("column arguments", function()
  it("refuses lengths, precisions, totals, places, srids and dimensions out of range", function()
    local t = bp()
    raises("bad argument #2 to 'string' (length must be between 1 and 65535)",
      function() t:string("a", -1) end)
    raises("bad argument #2 to 'char' (length must be between 1 and 65535)", function() t:char("a", 0) end)
    raises("bad argument #2 to 'ulid' (length must be between 1 and 65535)", function() t:ulid("a", 0) end)
    raises("bad argument #2 to 'binary' (length must be between 1 and 65535)",
      function() t:binary("a", -4) end)
    raises("bad argument #3 to 'binary' (a fixed binary needs a length)",
      function() t:binary("a", nil, true) end)
    raises("bad argument #2 to 'float' (precision must be between 1 and 53)", function() t:float("a", 54) end)
    raises("bad argument #2 to 'float' (precision must be between 1 and 53)", function() t:float("a", 0) end)
    raises("bad argument #2 to 'decimal' (total must be between 1 and 1000)",
      function() t:decimal("a", -2) end)
    raises("bad argument #3 to 'decimal' (places must be between 0 and the total)",
      function() t:decimal("a", 4, 5) end)
    raises("bad argument #2 to 'timestamp' (precision must be between 0 and 6)",
      function() t:timestamp("a", 7) end)
    raises("bad argument #2 to 'date_time' (precision must be between 0 and 6)",
      function() t:date_time("a", -1) end)
    raises("bad argument #1 to 'timestamps' (precision must be between 0 and 6)",
      function() t:timestamps(9) end)
    raises("bad argument #2 to 'soft_deletes' (precision must be between 0 and 6)",
      function() t:soft_deletes("d", 10) end)
    raises("bad argument #3 to 'geography' (srid must be between 0 and 2147483647)",
      function() t:geography("g", "point", -1) end)
    raises("bad argument #2 to 'vector' (dimensions must be between 1 and 16000)",
      function() t:vector("v", 0) end)
    raises("number has no integer representation", function() t:time("a", 1.5) end)
  end)

  it("refuses a geometry subtype it does not know, and takes any case of one it does", function()
    raises("bad argument #2 to 'geometry' (subtype must be point, linestring, polygon",
      function() bp():geometry("g", "circle") end)
    assert.same({ 'CREATE TABLE "users" ("g" GEOMETRY(multipolygon) NOT NULL)' },
      sql("postgres", function(t) t:geometry("g", "MultiPolygon") end))
  end)

  it("refuses values that are not a list of strings", function()
    local t = bp()
    raises("bad argument #2 to 'enum' (table expected, got string)", function() t:enum("a", "x,y") end)
    raises("bad argument #2 to 'set' (table expected, got no value)", function() t:set("a") end)
    raises("list of values must not be empty", function() t:set("a", {}) end)
    raises("set values must be strings", function() t:set("a", { true }) end)
  end)

  it("refuses flags that are not booleans", function()
    local t = bp()
    raises("bad argument #2 to 'integer' (boolean expected, got string)",
      function() t:integer("a", "yes") end)
    raises("bad argument #3 to 'big_integer' (boolean expected, got number)",
      function() t:big_integer("a", false, 1) end)
    raises("bad argument #1 to 'always' (boolean expected, got string)",
      function() t:integer("a"):generated_as():always("x") end)
  end)

  it("refuses a bad name for a morph, its index or the column it follows", function()
    local t = bp()
    raises("bad argument #1 to 'morphs' (string expected, got no value)", function() t:morphs() end)
    raises("bad argument #2 to 'morphs' (name expected, got number)", function() t:morphs("m", 5) end)
    raises("bad argument #1 to 'foreign_id_for' (string expected, got table)",
      function() t:foreign_id_for({}) end)
  end)
end)

describe("column modifiers", function()
  it("refuses a modifier the column's type cannot take, naming the column", function()
    local t = bp()
    raises("unsigned() needs a numeric column (column users.s)", function() t:string("s"):unsigned() end)
    raises("auto_increment() needs an integer column (column users.d)",
      function() t:decimal("d"):auto_increment() end)
    raises("use_current() needs a date, year, date_time or timestamp column (column users.s)",
      function() t:string("s"):use_current() end)
    raises("use_current_on_update() needs a date_time or timestamp column (column users.d)",
      function() t:date("d"):use_current_on_update() end)
    raises("generated_as() needs an integer column (column users.u)",
      function() t:uuid("u"):generated_as() end)
    raises("bad argument #1 to 'from' (the first value must be at least 1)",
      function() t:increments("id"):from(0) end)
    raises("bad argument #1 to 'stored_as' (SQL expression (string or lmigrate.raw(sql)) expected, "
      .. "got number)", function() t:integer("x"):stored_as(1) end)
  end)

  it("refuses at compile time what only the whole column shows", function()
    for _, case in ipairs {
      { function(t) t:integer("a"):from(10) end, "from() needs an auto-increment column (column users.a)" },
      { function(t) t:integer("a"):always() end, "always() needs generated_as() (column users.a)" },
      { function(t) t:integer("a"):stored_as("1"):default(2) end,
        "a generated column (stored_as, virtual_as) cannot have a default (column users.a)" },
      { function(t) t:increments("a"):stored_as("1") end,
        "a generated column (stored_as, virtual_as) cannot auto-increment (column users.a)" },
    } do
      for _, d in ipairs { "sqlite", "postgres", "mysql" } do
        raises(case[2], function() sql(d, case[1]) end)
      end
    end
  end)

  it("default(nil) and default(lmigrate.null) are DEFAULT NULL; default() is an error", function()
    local want = { 'CREATE TABLE "users" ("a" VARCHAR(255) NULL DEFAULT NULL, '
      .. '"b" INTEGER NULL DEFAULT NULL)' }
    assert.same(want, sql("sqlite", function(t)
      t:string("a"):nullable():default(nil); t:integer("b"):nullable():default(core.null)
    end))
    raises("bad argument #1 to 'default' (a value expected (nil means DEFAULT NULL))",
      function() bp():string("a"):default() end)
  end)

  it("after(), first(), invisible(), charset() and comment() are ignored on SQLite, as in Laravel", function()
    assert.same({ 'CREATE TABLE "users" ("a" INTEGER NULL)' }, sql("sqlite", function(t)
      t:integer("a"):nullable():after("x"):first():invisible():charset("latin1"):comment("c")
    end))
    assert.same({ 'ALTER TABLE "users" ADD COLUMN "a" INTEGER NULL' }, sql("sqlite", function(t)
      t:integer("a"):nullable():after("x"):first():invisible():charset("latin1"):comment("c")
    end, "alter"))
  end)

  it("MySQL writes FIRST and AFTER when altering, not in CREATE TABLE, which has neither", function()
    assert.same({ "ALTER TABLE `users` ADD COLUMN `a` INT NULL FIRST",
                  "ALTER TABLE `users` ADD COLUMN `b` INT NULL AFTER `a`" }, sql("mysql", function(t)
      t:integer("a"):nullable():first(); t:integer("b"):nullable():after("a")
    end, "alter"))
    assert.same({ "CREATE TABLE `users` (`a` INT NULL)" },
      sql("mysql", function(t) t:integer("a"):nullable():after("x") end))
  end)
end)

describe("Masonite's names", function()
  it("t:unsigned(c) is an unsigned integer, t:point(c) a point geometry", function()
    assert.same({ "CREATE TABLE `users` (`v` INT UNSIGNED NOT NULL, `p` POINT NOT NULL)" },
      sql("mysql", function(t) t:unsigned("v"); t:point("p") end))
  end)
end)

describe("what a dialect has no SQL for", function()
  for _, case in ipairs {
    { "sqlite", function(t) t:set("s", { "a" }) end, "set() is not supported on sqlite" },
    { "postgres", function(t) t:set("s", { "a" }) end, "set() is not supported on postgres" },
    { "sqlite", function(t) t:vector("v", 3) end, "vector() is not supported on sqlite" },
    { "sqlite", function(t) t:timestamp("t"):use_current_on_update() end,
      "use_current_on_update() is not supported on sqlite" },
    { "postgres", function(t) t:timestamp("t"):use_current_on_update() end,
      "use_current_on_update() is not supported on postgres" },
    { "sqlite", function(t) t:integer("i"):generated_as() end,
      "generated_as() of a column that does not auto-increment is not supported on sqlite" },
    { "mysql", function(t) t:integer("i"):generated_as() end,
      "generated_as() of a column that does not auto-increment is not supported on mysql" },
    { "postgres", function(t) t:integer("i"):virtual_as("1") end,
      "virtual_as() is not supported on postgres (PostgreSQL 18 has virtual generated columns; "
        .. "stored_as() works on every version)" },
  } do
    it(case[3], function() raises(case[3], function() sql(case[1], case[2]) end) end)
  end

  it("PostgreSQL: vector(n) is pgvector's VECTOR(n), MySQL's VECTOR(n) (MySQL 9, MariaDB 11.7)", function()
    assert.same({ 'CREATE TABLE "users" ("v" VECTOR(3) NOT NULL, "w" VECTOR NULL)' },
      sql("postgres", function(t) t:vector("v", 3); t:vector("w"):nullable() end))
    assert.same({ "CREATE TABLE `users` (`v` VECTOR(1536) NOT NULL)" },
      sql("mysql", function(t) t:vector("v", 1536) end))
  end)

  it("an identity column is generated_as's on PostgreSQL, the AUTO_INCREMENT elsewhere", function()
    local fn = function(t) t:increments("id"):generated_as("START WITH 5"):always() end
    assert.same({ 'CREATE TABLE "users" ("id" INTEGER PRIMARY KEY NOT NULL GENERATED ALWAYS AS IDENTITY '
      .. '(START WITH 5))' }, sql("postgres", fn))
    assert.same({ "CREATE TABLE `users` (`id` INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY)" },
      sql("mysql", fn))
    assert.same({ 'CREATE TABLE "users" ("id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL)' },
      sql("sqlite", fn))
  end)
end)

describe("change() on PostgreSQL", function()
  it("drops the derived CHECKs and adds what the new definition needs", function()
    assert.same({ 'ALTER TABLE "users" DROP CONSTRAINT IF EXISTS "users_level_unsigned", '
      .. 'DROP CONSTRAINT IF EXISTS "users_level_check", DROP CONSTRAINT IF EXISTS "users_level_enum", '
      .. 'ALTER COLUMN "level" TYPE VARCHAR(255) '
      .. 'USING "level"::VARCHAR(255), ALTER COLUMN "level" SET NOT NULL, ALTER COLUMN "level" '
      .. 'DROP DEFAULT, ALTER COLUMN "level" SET DEFAULT \'a\', ALTER COLUMN "level" '
      .. 'DROP IDENTITY IF EXISTS, ADD CONSTRAINT '
      .. '"users_level_check" CHECK ("level" IN (\'a\', \'b\'))',
      'COMMENT ON COLUMN "users"."level" IS NULL' },
      sql("postgres", function(t) t:enum("level", { "a", "b" }):default("a"):change() end, "alter"))
  end)

  it("writes a collation and an identity when the new definition has them", function()
    assert.same({ 'ALTER TABLE "users" DROP CONSTRAINT IF EXISTS "users_n_unsigned", '
      .. 'DROP CONSTRAINT IF EXISTS "users_n_enum", '
      .. 'ALTER COLUMN "n" TYPE INTEGER USING "n"::INTEGER, '
      .. 'ALTER COLUMN "n" SET NOT NULL, ALTER COLUMN "n" DROP DEFAULT, ALTER COLUMN "n" DROP IDENTITY '
      .. 'IF EXISTS, ALTER COLUMN "n" ADD GENERATED BY DEFAULT AS IDENTITY',
      'COMMENT ON COLUMN "users"."n" IS NULL',
      'ALTER TABLE "users" DROP CONSTRAINT IF EXISTS "users_s_unsigned", DROP CONSTRAINT IF EXISTS '
      .. '"users_s_enum", '
      .. 'ALTER COLUMN "s" TYPE VARCHAR(9) COLLATE "C" USING "s"::VARCHAR(9), '
      .. 'ALTER COLUMN "s" DROP NOT NULL, ALTER COLUMN "s" DROP DEFAULT, ALTER COLUMN "s" DROP '
      .. 'IDENTITY IF EXISTS', 'COMMENT ON COLUMN "users"."s" IS NULL' }, sql("postgres", function(t)
        t:integer("n"):generated_as():change()
        t:string("s", 9):nullable():collation("C"):change()
      end, "alter"))
  end)

  it("refuses change() of a generated column", function()
    raises("change() of a generated column is not supported on postgres", function()
      sql("postgres", function(t) t:integer("g"):stored_as("1"):change() end, "alter")
    end)
  end)
end)
