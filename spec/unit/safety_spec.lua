-- spec/unit/safety_spec.lua: what the safety lint and online = true need
-- of the blueprint (src/lm_safety.c, grammar/postgres.c, grammar/mysql.c):
-- unsafe_ok(why) recorded where describe shows it; concurrently(),
-- check():not_valid(), validate_foreign/validate_check; bp:online()
-- compiling an alter to its safe forms, the statements that run outside
-- the transaction marked in list.autocommit (with the DROP that undoes a
-- failed CONCURRENTLY build); and lint's rewrite test of a type change.
local core = require("lmigrate.core")

local PG, MY, LITE = core.grammar("postgres"), core.grammar("mysql"), core.grammar("sqlite")

local function alter(build, online)
  local t = core.blueprint("songs", "alter")
  if online then t:online() end
  build(t)
  return t
end

-- the statements, each with its autocommit mark: { sql, mark }
local function compiled(t, g)
  local list = t:to_sql(g or PG)
  local out = {}
  for i, sql in ipairs(list) do out[i] = { sql, list.autocommit and list.autocommit[i] or nil } end
  return out
end

describe("unsafe_ok(why)", function()
  it("is recorded on columns, keys, indexes and commands, and describe shows it", function()
    local t = alter(function(t)
      t:string("a"):unsafe_ok("one")
      t:foreign("b"):references("id"):on("x"):unsafe_ok("two")
      t:index("c"):unsafe_ok("three")
      t:drop_column("d"):unsafe_ok("four")
      t:rename_column("e", "f"):unsafe_ok("five")
      t:check("g > 0", "songs_g_check"):unsafe_ok("six")
    end)
    local d = t:describe()
    assert.equals("one", d.columns[1].unsafe_ok)
    local got = {}
    for i, c in ipairs(d.commands) do got[i] = c.unsafe_ok end
    assert.same({ "two", "three", "four", "five", "six" }, got)
  end)

  it("wants a reason", function()
    local t = core.blueprint("songs", "alter")
    assert.has_error(function() t:string("a"):unsafe_ok() end)
    assert.has_error(function() t:string("a"):unsafe_ok("") end)
    assert.has_error(function() t:drop_column("a"):unsafe_ok(1) end)
  end)
end)

describe("concurrently()", function()
  it("PostgreSQL: CREATE/DROP INDEX CONCURRENTLY, marked, with the DROP of an INVALID index", function()
    assert.same({
      { 'CREATE INDEX CONCURRENTLY "songs_name_index" ON "songs" ("name")',
        'DROP INDEX CONCURRENTLY IF EXISTS "songs_name_index"' },
      { 'DROP INDEX CONCURRENTLY "old"', true },
    }, compiled(alter(function(t)
      t:index("name"):concurrently()
      t:drop_index("old"):concurrently()
    end)))
  end)

  it("unique(): the index CONCURRENTLY, then the constraint USING INDEX", function()
    assert.same({
      { 'CREATE UNIQUE INDEX CONCURRENTLY "songs_title_unique" ON "songs" ("title")',
        'DROP INDEX CONCURRENTLY IF EXISTS "songs_title_unique"' },
      { 'ALTER TABLE "songs" ADD CONSTRAINT "songs_title_unique" UNIQUE USING INDEX'
        .. ' "songs_title_unique"', true },
    }, compiled(alter(function(t) t:unique("title"):concurrently() end)))
  end)

  it("is shown by describe, ignored on a table the blueprint creates", function()
    local t = alter(function(t) t:index("name"):concurrently() end)
    assert.is_true(t:describe().commands[1].concurrently)
    local c = core.blueprint("songs", "create")
    c:increments("id")
    c:index("id"):concurrently()
    assert.same({ 'CREATE TABLE "songs" ("id" SERIAL PRIMARY KEY NOT NULL)' , nil },
      { c:to_sql(PG)[1] })
    assert.equals('CREATE INDEX "songs_id_index" ON "songs" ("id")', c:to_sql(PG)[2])
  end)

  it("MySQL: ALGORITHM=INPLACE, LOCK=NONE; SQLite: a plain CREATE INDEX", function()
    local function build(t)
      t:index("name"):concurrently()
      t:drop_index("old"):concurrently()
    end
    assert.same({ "ALTER TABLE `songs` ADD INDEX `songs_name_index` (`name`), ALGORITHM=INPLACE,"
      .. " LOCK=NONE", "ALTER TABLE `songs` DROP INDEX `old`, ALGORITHM=INPLACE, LOCK=NONE" },
      alter(build):to_sql(MY))
    assert.equals('CREATE INDEX "songs_name_index" ON "songs" ("name")',
      alter(function(t) t:index("name"):concurrently() end):to_sql(LITE)[1])
  end)

  it("is only for index(), unique() and drop_index()", function()
    local t = core.blueprint("songs", "alter")
    assert.has_error(function() t:fulltext("a"):concurrently() end,
      "concurrently() is only for index() and unique(), not fulltext()")
    assert.has_error(function() t:drop_column("a"):concurrently() end,
      "concurrently() is only for drop_index(), not drop_column()")
  end)
end)

describe("NOT VALID and VALIDATE", function()
  it("check():not_valid(), validate_check, validate_foreign on PostgreSQL", function()
    assert.same({
      'ALTER TABLE "songs" ADD CONSTRAINT "songs_p_check" CHECK (p >= 0) NOT VALID',
      'ALTER TABLE "songs" VALIDATE CONSTRAINT "songs_p_check"',
      'ALTER TABLE "songs" VALIDATE CONSTRAINT "songs_artist_id_foreign"',
      'ALTER TABLE "songs" VALIDATE CONSTRAINT "fk"',
    }, alter(function(t)
      t:check("p >= 0", "songs_p_check"):not_valid()
      t:validate_check("songs_p_check")
      t:validate_foreign({ "artist_id" })
      t:validate_foreign("fk")
    end):to_sql(PG))
  end)

  it("a CHECK NOT VALID of a new table comes after its CREATE TABLE", function()
    local c = core.blueprint("songs", "create")
    c:integer("p")
    c:check("p >= 0", "songs_p_check"):not_valid()
    assert.same({ 'CREATE TABLE "songs" ("p" INTEGER NOT NULL)',
      'ALTER TABLE "songs" ADD CONSTRAINT "songs_p_check" CHECK (p >= 0) NOT VALID' }, c:to_sql(PG))
  end)

  it("are PostgreSQL's: MySQL and SQLite say so", function()
    for _, g in ipairs { MY, LITE } do
      assert.has_error(function() alter(function(t) t:validate_check("x") end):to_sql(g) end,
        "validate_check() is not supported on " .. g:name())
    end
    assert.has_error(function()
      alter(function(t) t:check("p > 0", "c"):not_valid() end):to_sql(MY)
    end, "not_valid() of check() is not supported on mysql")
    assert.has_error(function() core.blueprint("songs", "create"):validate_check("x") end,
      "validate_check() is only valid when altering a table (schema:table)")
  end)
end)

describe("bp:online() on PostgreSQL", function()
  it("compiles the unsafe forms to the safe ones, marking what runs outside the transaction", function()
    local t = alter(function(t)
      t:string("genre"):nullable():index()
      t:foreign("artist_id"):references("id"):on("artists")
      t:check("price >= 0", "songs_price_check")
      t:primary("id")
      t:string("name"):change()
      t:drop_index("old")
    end, true)
    assert.is_true(t:describe().online)
    assert.same({
      { 'ALTER TABLE "songs" ADD COLUMN "genre" VARCHAR(255) NULL' },
      { 'CREATE INDEX CONCURRENTLY "songs_genre_index" ON "songs" ("genre")',
        'DROP INDEX CONCURRENTLY IF EXISTS "songs_genre_index"' },
      { 'ALTER TABLE "songs" ADD CONSTRAINT "songs_artist_id_foreign" FOREIGN KEY ("artist_id")'
        .. ' REFERENCES "artists" ("id") NOT VALID' },
      { 'ALTER TABLE "songs" VALIDATE CONSTRAINT "songs_artist_id_foreign"', true },
      { 'ALTER TABLE "songs" ADD CONSTRAINT "songs_price_check" CHECK (price >= 0) NOT VALID' },
      { 'ALTER TABLE "songs" VALIDATE CONSTRAINT "songs_price_check"', true },
      { 'CREATE UNIQUE INDEX CONCURRENTLY "songs_pkey" ON "songs" ("id")',
        'DROP INDEX CONCURRENTLY IF EXISTS "songs_pkey"' },
      { 'ALTER TABLE "songs" ADD CONSTRAINT "songs_pkey" PRIMARY KEY USING INDEX "songs_pkey"', true },
      { 'ALTER TABLE "songs" DROP CONSTRAINT IF EXISTS "songs_name_unsigned", DROP CONSTRAINT IF'
        .. ' EXISTS "songs_name_enum", ALTER COLUMN "name" TYPE VARCHAR(255) USING'
        .. ' "name"::VARCHAR(255), ALTER COLUMN "name" DROP DEFAULT, ALTER COLUMN "name" DROP'
        .. ' IDENTITY IF EXISTS' },
      { 'ALTER TABLE "songs" ADD CONSTRAINT "songs_name_not_null" CHECK ("name" IS NOT NULL)'
        .. ' NOT VALID' },
      { 'ALTER TABLE "songs" VALIDATE CONSTRAINT "songs_name_not_null"', true },
      { 'ALTER TABLE "songs" ALTER COLUMN "name" SET NOT NULL', true },
      { 'ALTER TABLE "songs" DROP CONSTRAINT "songs_name_not_null"', true },
      { 'COMMENT ON COLUMN "songs"."name" IS NULL' },   -- in the transaction: no lock to wait on
      { 'DROP INDEX CONCURRENTLY "old"', true },
    }, compiled(t))
  end)

  it("a not_valid() key is left for the user to validate", function()
    assert.same({ { 'ALTER TABLE "songs" ADD CONSTRAINT "fk" FOREIGN KEY ("a") REFERENCES "x"'
      .. ' ("id") NOT VALID' } }, compiled(alter(function(t)
      t:foreign("a", "fk"):references("id"):on("x"):not_valid()
    end, true)))
  end)

  it("an unnamed CHECK cannot be validated: it says to name it", function()
    assert.has_error(function() alter(function(t) t:check("p > 0") end, true):to_sql(PG) end,
      "online = true validates the check on songs after adding it NOT VALID: give it a name"
        .. " (check(expr, name))")
  end)

  it("changes nothing of a blueprint that creates its table", function()
    local c = core.blueprint("songs", "create"):online()
    c:integer("p"):index()
    assert.same({ 'CREATE TABLE "songs" ("p" INTEGER NOT NULL)',
                  'CREATE INDEX "songs_p_index" ON "songs" ("p")' }, c:to_sql(PG))
  end)
end)

describe("lint: a type change that rewrites the table", function()
  local rewrites = require("lmigrate.lint.run").rewrites
  local CASES = {
    { "character varying(50)", "VARCHAR(100)", false },
    { "character varying(50)", "VARCHAR(20)", true },
    { "character varying(50)", "TEXT", false },
    { "numeric(8,2)", "DECIMAL(10, 2)", false },
    { "numeric(8,2)", "DECIMAL(10, 3)", true },
    { "numeric(8,2)", "DECIMAL(6, 2)", true },
    { "integer", "BIGINT", true },
    { "integer", "INTEGER", false },
    { "text", "VARCHAR(255)", true },
    { "timestamp(0) without time zone", "TIMESTAMP(0)", false },
  }
  for _, c in ipairs(CASES) do
    it(("%s -> %s: %s"):format(c[1], c[2], c[3] and "rewrites" or "no rewrite"), function()
      assert.equals(c[3], rewrites(c[1], c[2]))
    end)
  end
end)
