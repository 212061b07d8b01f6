-- spec/grammar/schema_defaults_spec.lua: Laravel's Schema::defaultStringLength
-- and defaultMorphKeyType (morphUsingUuids, morphUsingUlids), process-wide
-- as Laravel's statics: the length string(), char() and morphs' *_type
-- take when the call gives none, and the *_id morphs() and
-- nullable_morphs() make. Exact SQL per dialect; the binary's run with
-- them set in lmigrate.lua is spec/integration/31-laravel_packages_spec.lua's.
local core = require("lmigrate.core")
local schema = require("lmigrate.schema")

local function sql(dialect, fn)
  local t = core.blueprint("posts", "create")
  fn(t)
  return t:to_sql(core.grammar(dialect))
end

local function columns(t)
  t:string("title")
  t:char("code")
  t:string("slug", 40)
  t:morphs("subject")
  t:nullable_morphs("causer")
  t:numeric_morphs("owner")
end

describe("Schema's default string length and morph key type", function()
  after_each(function()
    schema.default_string_length(255)
    schema.default_morph_key_type("int")
  end)

  it("are 255 and int until set", function()
    assert.equals(255, schema.default_string_length())
    assert.equals("int", schema.default_morph_key_type())
    assert.same({ 'CREATE TABLE "posts" ("title" VARCHAR(255) NOT NULL, "code" CHAR(255) NOT NULL, '
      .. '"slug" VARCHAR(40) NOT NULL, "subject_type" VARCHAR(255) NOT NULL, "subject_id" BIGINT NOT NULL '
      .. 'CONSTRAINT "posts_subject_id_unsigned" CHECK ("subject_id" >= 0), "causer_type" VARCHAR(255) NULL, '
      .. '"causer_id" BIGINT NULL CONSTRAINT "posts_causer_id_unsigned" CHECK ("causer_id" >= 0), '
      .. '"owner_type" VARCHAR(255) NOT NULL, "owner_id" BIGINT NOT NULL CONSTRAINT '
      .. '"posts_owner_id_unsigned" CHECK ("owner_id" >= 0))',
      'CREATE INDEX "posts_subject_type_subject_id_index" ON "posts" ("subject_type", "subject_id")',
      'CREATE INDEX "posts_causer_type_causer_id_index" ON "posts" ("causer_type", "causer_id")',
      'CREATE INDEX "posts_owner_type_owner_id_index" ON "posts" ("owner_type", "owner_id")' },
      sql("postgres", columns))
  end)

  it("give string(), char() and morphs' *_type their length, and morphs() uuids (mysql)", function()
    schema.default_string_length(191)
    assert.equals("uuid", schema.morph_using_uuids())
    assert.same({ "CREATE TABLE `posts` (`title` VARCHAR(191) NOT NULL, `code` CHAR(191) NOT NULL, "
      .. "`slug` VARCHAR(40) NOT NULL, `subject_type` VARCHAR(191) NOT NULL, `subject_id` CHAR(36) NOT NULL, "
      .. "`causer_type` VARCHAR(191) NULL, `causer_id` CHAR(36) NULL, `owner_type` VARCHAR(191) NOT NULL, "
      .. "`owner_id` BIGINT UNSIGNED NOT NULL, "
      .. "INDEX `posts_subject_type_subject_id_index` (`subject_type`, `subject_id`), "
      .. "INDEX `posts_causer_type_causer_id_index` (`causer_type`, `causer_id`), "
      .. "INDEX `posts_owner_type_owner_id_index` (`owner_type`, `owner_id`))" },
      sql("mysql", columns))
  end)

  it("make morphs() uuids and ulids on postgres and sqlite; numeric_morphs stays an integer", function()
    schema.morph_using_uuids()
    local pg = sql("postgres", function(t) t:morphs("subject"); t:numeric_morphs("owner") end)
    assert.truthy(pg[1]:find('"subject_id" UUID NOT NULL', 1, true), pg[1])
    assert.truthy(pg[1]:find('"owner_id" BIGINT NOT NULL', 1, true), pg[1])
    assert.equals("ulid", schema.morph_using_ulids())
    assert.same({ 'CREATE TABLE "posts" ("subject_type" VARCHAR(255) NULL, "subject_id" CHAR(26) NULL)',
      'CREATE INDEX "posts_subject_type_subject_id_index" ON "posts" ("subject_type", "subject_id")' },
      sql("sqlite", function(t) t:nullable_morphs("subject") end))
  end)

  it("hold for a blueprint made after the call, not one made before", function()
    local before = core.blueprint("posts", "create")
    schema.default_string_length(100)
    before:string("a")
    local after = core.blueprint("posts", "create")
    after:string("a")
    assert.same({ 'CREATE TABLE "posts" ("a" VARCHAR(255) NOT NULL)' }, before:to_sql(core.grammar("sqlite")))
    assert.same({ 'CREATE TABLE "posts" ("a" VARCHAR(100) NOT NULL)' }, after:to_sql(core.grammar("sqlite")))
  end)

  it("are self.schema's methods too", function()
    local conn = assert(core.connect("sqlite", ":memory:"))
    local g = core.grammar("sqlite")
    local s = schema.new(require("lmigrate.db").new(conn, g), g)
    assert.equals(64, s:default_string_length(64))
    assert.equals("ulid", s:default_morph_key_type("ulid"))
    s:create("posts", function(t) t:string("title"); t:morphs("subject") end)
    assert.equals("varchar(64)", s:get_column_type("posts", "title", true))
    assert.equals("char(26)", s:get_column_type("posts", "subject_id", true))
    conn:close()
  end)

  it("refuse what Laravel refuses", function()
    local ok, err = pcall(schema.default_morph_key_type, "guid")
    assert.is_false(ok)
    assert.matches("the morph key type must be 'uuid', 'ulid', or 'int', got guid", err, 1, true)
    ok, err = pcall(schema.default_string_length, 0)
    assert.is_false(ok)
    assert.matches("expects a length (a whole number from 1 to 65535), got 0", err, 1, true)
    assert.equals(255, schema.default_string_length())
  end)
end)
