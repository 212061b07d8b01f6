-- spec/grammar/postgres_spec.lua: the SQL the PostgreSQL grammar writes,
-- exact, table-driven (Lapis style). On a server (LMIGRATE_PG_URL, a
-- postgres:// DATABASE_URL or PGHOST, as under `pg_virtualenv -t`, and
-- psql installed) every expected script also runs there inside a
-- transaction that is rolled back; without one that part is pending, or
-- fails under CI (spec.support.servers).
local core = require("lmigrate.core")
local h = require("spec.support.grammar").harness("postgres")

local g, compile = h.g, h.compile

local USERS = 'CREATE TABLE "users" ("id" BIGSERIAL PRIMARY KEY);'

local CREATE = {
  { function(t) t:string("email") end,
    'CREATE TABLE "users" ("email" VARCHAR(255) NOT NULL)' },
  { function(t) t:increments("id") end,
    'CREATE TABLE "users" ("id" SERIAL PRIMARY KEY NOT NULL)' },
  { function(t) t:big_increments("id") end,
    'CREATE TABLE "users" ("id" BIGSERIAL PRIMARY KEY NOT NULL)' },
  { function(t) t:tiny_increments("id") end,
    'CREATE TABLE "users" ("id" SMALLSERIAL PRIMARY KEY NOT NULL)' },
  { function(t) t:id() end,
    'CREATE TABLE "users" ("id" BIGSERIAL PRIMARY KEY NOT NULL)' },
  { function(t)
      t:integer("a"); t:big_integer("b"); t:small_integer("c")
      t:tiny_integer("d"); t:medium_integer("e")
    end,
    'CREATE TABLE "users" ("a" INTEGER NOT NULL, "b" BIGINT NOT NULL, "c" SMALLINT NOT NULL, '
      .. '"d" SMALLINT NOT NULL, "e" INTEGER NOT NULL)' },
  { function(t) t:unsigned_integer("a"); t:unsigned_big_integer("b"); t:unsigned_decimal("c", 6, 2) end,
    'CREATE TABLE "users" ("a" INTEGER NOT NULL CONSTRAINT "users_a_unsigned" CHECK ("a" >= 0), '
      .. '"b" BIGINT NOT NULL CONSTRAINT "users_b_unsigned" CHECK ("b" >= 0), '
      .. '"c" DECIMAL(6, 2) NOT NULL CONSTRAINT "users_c_unsigned" CHECK ("c" >= 0))' },
  { function(t) t:string("a", 100); t:char("b"); t:char("c", 2) end,
    'CREATE TABLE "users" ("a" VARCHAR(100) NOT NULL, "b" CHAR(255) NOT NULL, '
      .. '"c" CHAR(2) NOT NULL)' },
  { function(t) t:text("a"); t:tiny_text("b"); t:medium_text("c"); t:long_text("d") end,
    'CREATE TABLE "users" ("a" TEXT NOT NULL, "b" TEXT NOT NULL, "c" TEXT NOT NULL, '
      .. '"d" TEXT NOT NULL)' },
  { function(t)
      t:boolean("a"):default(true); t:boolean("b"):default(false)
      t:boolean("c"):default(1); t:boolean("d"):default(0)
    end,
    'CREATE TABLE "users" ("a" BOOLEAN NOT NULL DEFAULT TRUE, '
      .. '"b" BOOLEAN NOT NULL DEFAULT FALSE, "c" BOOLEAN NOT NULL DEFAULT TRUE, '
      .. '"d" BOOLEAN NOT NULL DEFAULT FALSE)' },
  { function(t) t:decimal("a"); t:decimal("b", 5, 0); t:float("c"); t:double("d") end,
    'CREATE TABLE "users" ("a" DECIMAL(8, 2) NOT NULL, "b" DECIMAL(5, 0) NOT NULL, '
      .. '"c" DOUBLE PRECISION NOT NULL, "d" DOUBLE PRECISION NOT NULL)' },
  { function(t)
      t:date("a"); t:datetime("b"); t:time("c"); t:timestamp("d"); t:year("e")
    end,
    'CREATE TABLE "users" ("a" DATE NOT NULL, "b" TIMESTAMP(0) NOT NULL, "c" TIME NOT NULL, '
      .. '"d" TIMESTAMP(0) NOT NULL, "e" SMALLINT NOT NULL)' },
  { function(t) t:timestamps(); t:soft_deletes() end,
    'CREATE TABLE "users" ("created_at" TIMESTAMPTZ(0) NULL DEFAULT CURRENT_TIMESTAMP, '
      .. '"updated_at" TIMESTAMPTZ(0) NULL DEFAULT CURRENT_TIMESTAMP, '
      .. '"deleted_at" TIMESTAMPTZ(0) NULL)' },
  { function(t) t:json("a"); t:jsonb("b"); t:uuid("c"); t:binary("d") end,
    'CREATE TABLE "users" ("a" JSON NOT NULL, "b" JSONB NOT NULL, "c" UUID NOT NULL, '
      .. '"d" BYTEA NOT NULL)' },
  { function(t) t:enum("status", { "draft", "it's live" }):default("draft") end,
    'CREATE TABLE "users" ("status" VARCHAR(255) NOT NULL DEFAULT \'draft\' '
      .. 'CONSTRAINT "users_status_check" CHECK ("status" IN (\'draft\', \'it\'\'s live\')))' },
  { function(t)
      t:inet("a"); t:ip_address("b"); t:cidr("c"); t:macaddr("d"); t:mac_address("e")
    end,
    'CREATE TABLE "users" ("a" INET NOT NULL, "b" INET NOT NULL, "c" CIDR NOT NULL, '
      .. '"d" MACADDR NOT NULL, "e" MACADDR NOT NULL)' },
  { function(t) t:morphs("taggable") end, {
    'CREATE TABLE "users" ("taggable_type" VARCHAR(255) NOT NULL, "taggable_id" BIGINT NOT NULL '
      .. 'CONSTRAINT "users_taggable_id_unsigned" CHECK ("taggable_id" >= 0))',
    'CREATE INDEX "users_taggable_type_taggable_id_index" ON "users" ("taggable_type", "taggable_id")' } },
  { function(t) t:foreign_id("team_id"); t:foreign_uuid("org_id") end,
    'CREATE TABLE "users" ("team_id" BIGINT NOT NULL, "org_id" UUID NOT NULL)' },

  -- modifiers
  { function(t)
      t:string("a"):nullable():default(core.null); t:integer("b"):default(-3)
      t:float("c"):default(1.5); t:jsonb("d"):default(core.raw("'{}'::jsonb"))
      t:timestamp("e"):use_current(); t:string("f"):default("it's"):after("a")
    end,
    'CREATE TABLE "users" ("a" VARCHAR(255) NULL DEFAULT NULL, "b" INTEGER NOT NULL DEFAULT -3, '
      .. '"c" DOUBLE PRECISION NOT NULL DEFAULT 1.5, "d" JSONB NOT NULL DEFAULT \'{}\'::jsonb, '
      .. '"e" TIMESTAMP(0) NOT NULL DEFAULT CURRENT_TIMESTAMP, '
      .. '"f" VARCHAR(255) NOT NULL DEFAULT \'it\'\'s\')' },
  { function(t) t:string("code"):primary() end,
    'CREATE TABLE "users" ("code" VARCHAR(255) PRIMARY KEY NOT NULL)' },
  { function(t) t:id(); t:string("email"):unique(); t:string("name"):index() end, {
    'CREATE TABLE "users" ("id" BIGSERIAL PRIMARY KEY NOT NULL, '
      .. '"email" VARCHAR(255) NOT NULL, "name" VARCHAR(255) NOT NULL, '
      .. 'CONSTRAINT "users_email_unique" UNIQUE ("email"))',
    'CREATE INDEX "users_name_index" ON "users" ("name")' } },
  { function(t)
      t:string("name"):comment("what we call them")
      t:table_comment("people's accounts")
    end, {
    'CREATE TABLE "users" ("name" VARCHAR(255) NOT NULL)',
    'COMMENT ON COLUMN "users"."name" IS \'what we call them\'',
    'COMMENT ON TABLE "users" IS \'people\'\'s accounts\'' } },

  -- table-level indexes and constraints
  { function(t) t:string("a"); t:string("b"); t:unique({ "a", "b" }); t:unique("a", "only_a") end,
    'CREATE TABLE "users" ("a" VARCHAR(255) NOT NULL, "b" VARCHAR(255) NOT NULL, '
      .. 'CONSTRAINT "users_a_b_unique" UNIQUE ("a", "b"), CONSTRAINT "only_a" UNIQUE ("a"))' },
  { function(t)
      t:string("a"):nullable()
      t:index({ "a" }); t:index("a", { where = '"a" IS NOT NULL', name = "a_set" })
    end, {
    'CREATE TABLE "users" ("a" VARCHAR(255) NULL)',
    'CREATE INDEX "users_a_index" ON "users" ("a")',
    'CREATE INDEX "a_set" ON "users" ("a") WHERE "a" IS NOT NULL' } },
  { function(t) t:integer("a"); t:integer("b"); t:primary({ "a", "b" }) end,
    'CREATE TABLE "users" ("a" INTEGER NOT NULL, "b" INTEGER NOT NULL, PRIMARY KEY ("a", "b"))' },
  { function(t) t:integer("a"); t:primary("a", "users_pk") end,
    'CREATE TABLE "users" ("a" INTEGER NOT NULL, CONSTRAINT "users_pk" PRIMARY KEY ("a"))' },
  { function(t) t:integer("age"); t:check("age >= 18"); t:check("age < 200", "sane_age") end,
    'CREATE TABLE "users" ("age" INTEGER NOT NULL, CHECK (age >= 18), '
      .. 'CONSTRAINT "sane_age" CHECK (age < 200))' },

  -- foreign keys
  { function(t)
      t:increments("id")
      t:integer("user_id")
      t:foreign("user_id"):references("id"):on("users"):on_delete("cascade")
    end,
    'CREATE TABLE "posts" ("id" SERIAL PRIMARY KEY NOT NULL, "user_id" INTEGER NOT NULL, '
      .. 'CONSTRAINT "posts_user_id_foreign" FOREIGN KEY ("user_id") REFERENCES "users" ("id") '
      .. 'ON DELETE CASCADE)',
    table = "posts", setup = USERS },
  { function(t)
      t:foreign_id("user_id"):nullable():constrained():on_delete("set null"):on_update("restrict")
      t:foreign_id("category_id"):constrained():cascade_on_delete()
    end,
    'CREATE TABLE "posts" ("user_id" BIGINT NULL, "category_id" BIGINT NOT NULL, '
      .. 'CONSTRAINT "posts_user_id_foreign" FOREIGN KEY ("user_id") REFERENCES "users" ("id") '
      .. 'ON DELETE SET NULL ON UPDATE RESTRICT, CONSTRAINT "posts_category_id_foreign" '
      .. 'FOREIGN KEY ("category_id") REFERENCES "categories" ("id") ON DELETE CASCADE)',
    table = "posts",
    setup = USERS .. 'CREATE TABLE "categories" ("id" SERIAL PRIMARY KEY);' },
  { function(t) t:foreign_uuid("org_id"):constrained("orgs", "uid") end,
    'CREATE TABLE "posts" ("org_id" UUID NOT NULL, CONSTRAINT "posts_org_id_foreign" '
      .. 'FOREIGN KEY ("org_id") REFERENCES "orgs" ("uid"))',
    table = "posts", setup = 'CREATE TABLE "orgs" ("uid" UUID PRIMARY KEY);' },
  { function(t)
      t:integer("user_id")
      t:add_foreign("user_id.id.users"):on_delete("no action"):on_update("set default")
    end,
    'CREATE TABLE "posts" ("user_id" INTEGER NOT NULL, CONSTRAINT "posts_user_id_foreign" '
      .. 'FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE NO ACTION '
      .. 'ON UPDATE SET DEFAULT)',
    table = "posts", setup = USERS },

  -- hostile names are quoted, never pasted
  { function(t) t:string('we"ird'):default("'; DROP TABLE x; --"):comment("a\\b") end, {
    'CREATE TABLE "we""ird" ("we""ird" VARCHAR(255) NOT NULL DEFAULT \'\'\'; DROP TABLE x; --\')',
    'COMMENT ON COLUMN "we""ird"."we""ird" IS \'a\\b\'' },
    table = 'we"ird' },
}

local ALTER_SETUP = 'CREATE TABLE "teams" ("id" BIGSERIAL PRIMARY KEY);'
  .. 'CREATE TABLE "users" ("id" SERIAL PRIMARY KEY NOT NULL, '
  .. '"name" VARCHAR(255) NOT NULL, "email" VARCHAR(255) NOT NULL, "bio" TEXT NULL, '
  .. '"age" VARCHAR(10) NULL, "team_id" BIGINT NULL, '
  .. '"created_at" TIMESTAMPTZ NULL, "updated_at" TIMESTAMPTZ NULL, '
  .. '"deleted_at" TIMESTAMPTZ NULL, '
  .. 'CONSTRAINT "users_email_unique" UNIQUE ("email"), '
  .. 'CONSTRAINT "users_team_id_foreign" FOREIGN KEY ("team_id") REFERENCES "teams" ("id"));'
  .. 'CREATE INDEX "users_name_index" ON "users" ("name");'

local ALTER = {
  { function(t) t:string("nick"):nullable():comment("short") end, {
    'ALTER TABLE "users" ADD COLUMN "nick" VARCHAR(255) NULL',
    'COMMENT ON COLUMN "users"."nick" IS \'short\'' } },
  { function(t) t:integer("score"):default(0):unsigned():index():unique() end, {
    'ALTER TABLE "users" ADD COLUMN "score" INTEGER NOT NULL DEFAULT 0 '
      .. 'CONSTRAINT "users_score_unsigned" CHECK ("score" >= 0)',
    'ALTER TABLE "users" ADD CONSTRAINT "users_score_unique" UNIQUE ("score")',
    'CREATE INDEX "users_score_index" ON "users" ("score")' } },
  { function(t) t:timestamps() end, {
    'ALTER TABLE "users" ADD COLUMN "created_at" TIMESTAMPTZ(0) NULL DEFAULT CURRENT_TIMESTAMP',
    'ALTER TABLE "users" ADD COLUMN "updated_at" TIMESTAMPTZ(0) NULL DEFAULT CURRENT_TIMESTAMP' },
    setup_only = 'CREATE TABLE "users" ("id" SERIAL PRIMARY KEY);' },
  { function(t) t:foreign_id("owner_id"):nullable():constrained("teams"):on_delete("set null") end, {
    'ALTER TABLE "users" ADD COLUMN "owner_id" BIGINT NULL',
    'ALTER TABLE "users" ADD CONSTRAINT "users_owner_id_foreign" FOREIGN KEY ("owner_id") '
      .. 'REFERENCES "teams" ("id") ON DELETE SET NULL' } },
  -- nullable(false):default(null):change(): the default dropped, as Laravel's
  { function(t) t:integer("age"):nullable(false):default(nil):change() end, {
    'ALTER TABLE "users" DROP CONSTRAINT IF EXISTS "users_age_unsigned", '
      .. 'DROP CONSTRAINT IF EXISTS "users_age_enum", '
      .. 'ALTER COLUMN "age" TYPE INTEGER USING "age"::INTEGER, '
      .. 'ALTER COLUMN "age" SET NOT NULL, ALTER COLUMN "age" DROP DEFAULT, '
      .. 'ALTER COLUMN "age" DROP IDENTITY IF EXISTS',
    'COMMENT ON COLUMN "users"."age" IS NULL' } },
  -- a change() not restating the comment drops it, as Laravel's grammar
  { function(t) t:integer("age"):nullable():change() end, {
    'ALTER TABLE "users" DROP CONSTRAINT IF EXISTS "users_age_unsigned", '
      .. 'DROP CONSTRAINT IF EXISTS "users_age_enum", '
      .. 'ALTER COLUMN "age" TYPE INTEGER USING "age"::INTEGER, '
      .. 'ALTER COLUMN "age" DROP NOT NULL, ALTER COLUMN "age" DROP DEFAULT, '
      .. 'ALTER COLUMN "age" DROP IDENTITY IF EXISTS',
    'COMMENT ON COLUMN "users"."age" IS NULL' } },
  { function(t) t:integer("age"):nullable():comment("years"):change() end, {
    'ALTER TABLE "users" DROP CONSTRAINT IF EXISTS "users_age_unsigned", '
      .. 'DROP CONSTRAINT IF EXISTS "users_age_enum", '
      .. 'ALTER COLUMN "age" TYPE INTEGER USING "age"::INTEGER, '
      .. 'ALTER COLUMN "age" DROP NOT NULL, ALTER COLUMN "age" DROP DEFAULT, '
      .. 'ALTER COLUMN "age" DROP IDENTITY IF EXISTS',
    'COMMENT ON COLUMN "users"."age" IS \'years\'' } },
  { function(t) t:string("name", 100):default("anon"):change():unique() end, {
    'ALTER TABLE "users" DROP CONSTRAINT IF EXISTS "users_name_unsigned", '
      .. 'DROP CONSTRAINT IF EXISTS "users_name_enum", '
      .. 'ALTER COLUMN "name" TYPE VARCHAR(100) USING "name"::VARCHAR(100), '
      .. 'ALTER COLUMN "name" SET NOT NULL, ALTER COLUMN "name" DROP DEFAULT, '
      .. 'ALTER COLUMN "name" SET DEFAULT \'anon\', '
      .. 'ALTER COLUMN "name" DROP IDENTITY IF EXISTS',
    'ALTER TABLE "users" ADD CONSTRAINT "users_name_unique" UNIQUE ("name")',
    'COMMENT ON COLUMN "users"."name" IS NULL' } },
  -- Laravel's index modifiers on change(): false drops the column's index
  { function(t)
    t:string("email"):unique(false):change()
    t:string("name"):index(false):change()
  end, {
    'ALTER TABLE "users" DROP CONSTRAINT IF EXISTS "users_email_unsigned", '
      .. 'DROP CONSTRAINT IF EXISTS "users_email_enum", '
      .. 'ALTER COLUMN "email" TYPE VARCHAR(255) USING "email"::VARCHAR(255), '
      .. 'ALTER COLUMN "email" SET NOT NULL, ALTER COLUMN "email" DROP DEFAULT, '
      .. 'ALTER COLUMN "email" DROP IDENTITY IF EXISTS',
    'COMMENT ON COLUMN "users"."email" IS NULL',
    'ALTER TABLE "users" DROP CONSTRAINT "users_email_unique"',
    'ALTER TABLE "users" DROP CONSTRAINT IF EXISTS "users_name_unsigned", '
      .. 'DROP CONSTRAINT IF EXISTS "users_name_enum", '
      .. 'ALTER COLUMN "name" TYPE VARCHAR(255) USING "name"::VARCHAR(255), '
      .. 'ALTER COLUMN "name" SET NOT NULL, ALTER COLUMN "name" DROP DEFAULT, '
      .. 'ALTER COLUMN "name" DROP IDENTITY IF EXISTS',
    'COMMENT ON COLUMN "users"."name" IS NULL',
    'DROP INDEX "users_name_index"' } },
  { function(t) t:drop_column("bio", { "age", "name" }) end, {
    'ALTER TABLE "users" DROP COLUMN "bio"',
    'ALTER TABLE "users" DROP COLUMN "age", DROP COLUMN "name"' } },
  { function(t) t:drop_timestamps(); t:drop_soft_deletes() end, {
    'ALTER TABLE "users" DROP COLUMN "created_at", DROP COLUMN "updated_at"',
    'ALTER TABLE "users" DROP COLUMN "deleted_at"' } },
  -- unsigned()'s CHECK follows the column's new name, when there is one
  { function(t) t:rename_column("bio", "about"); t:string("bio"):nullable() end, {
    'ALTER TABLE "users" RENAME COLUMN "bio" TO "about"',
    'DO $lmigrate$ BEGIN IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '
      .. '\'"users"\'::regclass AND conname = \'users_bio_unsigned\') THEN ALTER TABLE "users" '
      .. 'RENAME CONSTRAINT "users_bio_unsigned" TO "users_about_unsigned"; END IF; END $lmigrate$',
    'ALTER TABLE "users" ADD COLUMN "bio" VARCHAR(255) NULL' } },
  { function(t) t:drop_index({ "name" }); t:drop_unique({ "email" }) end, {
    'DROP INDEX "users_name_index"',
    'ALTER TABLE "users" DROP CONSTRAINT "users_email_unique"' } },
  { function(t) t:drop_index("users_name_index"); t:drop_unique("users_email_unique") end, {
    'DROP INDEX "users_name_index"',
    'ALTER TABLE "users" DROP CONSTRAINT "users_email_unique"' } },
  { function(t) t:drop_foreign({ "team_id" }) end,
    'ALTER TABLE "users" DROP CONSTRAINT "users_team_id_foreign"' },
  { function(t) t:drop_foreign("users_team_id_foreign") end,
    'ALTER TABLE "users" DROP CONSTRAINT "users_team_id_foreign"' },
  { function(t) t:drop_primary(); t:primary({ "id", "email" }) end, {
    'ALTER TABLE "users" DROP CONSTRAINT "users_pkey"',
    'ALTER TABLE "users" ADD PRIMARY KEY ("id", "email")' } },
  { function(t) t:unique({ "name", "email" }, "name_email"); t:check("id > 0", "positive") end, {
    'ALTER TABLE "users" ADD CONSTRAINT "name_email" UNIQUE ("name", "email")',
    'ALTER TABLE "users" ADD CONSTRAINT "positive" CHECK (id > 0)' } },
  { function(t) t:index("bio", { where = "bio IS NOT NULL" }); t:table_comment("people") end, {
    'CREATE INDEX "users_bio_index" ON "users" ("bio") WHERE bio IS NOT NULL',
    'COMMENT ON TABLE "users" IS \'people\'' } },
}

describe("postgres grammar", function()
  describe("create", function()
    h.cases(CREATE, "create")

    it("writes CREATE TABLE IF NOT EXISTS", function()
      local sql = compile(function(t) t:id() end, "create_if_not_exists")
      assert.same({ 'CREATE TABLE IF NOT EXISTS "users" ("id" BIGSERIAL PRIMARY KEY NOT NULL)' },
        sql)
    end)
  end)

  describe("alter", function()
    h.cases(ALTER, "alter", function(case) return case.setup_only or ALTER_SETUP end)
  end)

  describe("unsupported features", function()
    it("changes an increments column's type, keeping its sequence", function()
      assert.same({ 'ALTER TABLE "users" DROP CONSTRAINT IF EXISTS "users_id_unsigned", '
        .. 'DROP CONSTRAINT IF EXISTS "users_id_enum", '
        .. 'ALTER COLUMN "id" TYPE BIGINT USING "id"::BIGINT, ALTER COLUMN "id" SET NOT NULL',
        -- a column without a sequence (a plain integer) gets one; one with it keeps it,
        -- of the column's type (ALTER TYPE leaves a serial's AS INTEGER)
        'DO $lmigrate$ DECLARE s text := pg_get_serial_sequence(\'"users"\', \'id\'); BEGIN '
        .. 'IF s IS NULL THEN CREATE SEQUENCE "users_id_seq" AS BIGINT OWNED BY "users"."id"; '
        .. 'ALTER TABLE "users" ALTER COLUMN "id" SET DEFAULT nextval(\'"users_id_seq"\'); '
        .. 'PERFORM setval(\'"users_id_seq"\', coalesce(max("id"), 0) + 1, false) FROM "users"; '
        .. 'ELSE EXECUTE \'ALTER SEQUENCE \' || s || \' AS BIGINT\'; END IF; END $lmigrate$',
        'COMMENT ON COLUMN "users"."id" IS NULL' },
        compile(function(t) t:big_increments("id"):change() end, "alter"))
    end)
  end)

  describe("statements outside a blueprint", function()
    it("quotes", function()
      assert.equals('"a""b"', g:quote('a"b'))
      assert.equals("postgres", g:name())
    end)

    it("drops, renames and truncates", function()
      assert.equals('DROP TABLE "users"', g:drop("users"))
      assert.equals('DROP TABLE IF EXISTS "users"', g:drop("users", true))
      assert.equals('DROP TABLE IF EXISTS "users" CASCADE', g:drop("users", true, true))
      local rename, checks = g:rename("users", "people")
      assert.equals('ALTER TABLE "users" RENAME TO "people"', rename)
      -- unsigned()'s CHECKs go with the table: users_<c>_unsigned -> people_<c>_unsigned
      assert.matches("left%(conname, length%('users_'%)%) = 'users_' AND right%(conname, 9%) = '_unsigned'",
        checks)
      assert.equals('DROP TYPE IF EXISTS "mood" CASCADE', g:drop_object("type", "mood"))
      assert.equals('DROP DOMAIN IF EXISTS "positive" CASCADE', g:drop_object("domain", "positive"))
      assert.matches("RENAME CONSTRAINT %%I TO %%I', r.t, r.k, 'people_' || substr", checks)
      assert.same({ 'TRUNCATE TABLE "users" RESTART IDENTITY CASCADE' }, g:truncate("users"))
      local ok, out = h.accepts(USERS, { g:truncate("users")[1], rename, checks,
        g:drop("people", true, true) })
      assert(ok, out)
    end)

    it("asks about tables and columns with ? placeholders", function()
      assert.equals("SELECT 1 FROM information_schema.tables WHERE table_schema = "
        .. "current_schema() AND table_name = ?", g:has_table())
      assert.equals("SELECT 1 FROM information_schema.columns WHERE table_schema = "
        .. "current_schema() AND table_name = ? AND column_name = ?", g:has_column())
      assert.equals("SELECT tablename AS name FROM pg_catalog.pg_tables WHERE "
        .. "schemaname = current_schema() ORDER BY tablename", g:list_tables())
      local ok, out = h.accepts(USERS, { (g:has_table():gsub("%?", "'users'")),
        (g:has_column():gsub("%?", "'x'")), g:list_tables() })
      assert(ok, out)
    end)
  end)
end)
