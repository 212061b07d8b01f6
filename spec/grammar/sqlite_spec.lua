-- spec/grammar/sqlite_spec.lua: the SQL the SQLite grammar writes, exact,
-- table-driven (Lapis style); every expected script also runs in
-- `sqlite3 :memory:`, so it is SQL SQLite really accepts.
local core = require("lmigrate.core")
local h = require("spec.support.grammar").harness("sqlite")

local g, compile = h.g, h.compile

local USERS = 'CREATE TABLE "users" ("id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL);'

-- { fn, expected SQL (string or list) [, setup = SQL] }
local CREATE = {
  { function(t) t:string("email") end,
    'CREATE TABLE "users" ("email" VARCHAR(255) NOT NULL)' },
  { function(t) t:increments("id") end,
    'CREATE TABLE "users" ("id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL)' },
  { function(t) t:big_increments("id") end,
    'CREATE TABLE "users" ("id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL)' },
  { function(t) t:tiny_increments("id") end,
    'CREATE TABLE "users" ("id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL)' },
  { function(t) t:id() end,
    'CREATE TABLE "users" ("id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL)' },
  { function(t) t:id("user_id") end,
    'CREATE TABLE "users" ("user_id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL)' },
  { function(t)
      t:integer("a"); t:big_integer("b"); t:small_integer("c")
      t:tiny_integer("d"); t:medium_integer("e")
    end,
    'CREATE TABLE "users" ("a" INTEGER NOT NULL, "b" BIGINT NOT NULL, "c" SMALLINT NOT NULL, '
      .. '"d" TINYINT NOT NULL, "e" MEDIUMINT NOT NULL)' },
  { function(t) t:unsigned_integer("a"); t:unsigned_big_integer("b") end,
    'CREATE TABLE "users" ("a" INTEGER NOT NULL CONSTRAINT "users_a_unsigned" CHECK ("a" >= 0), '
      .. '"b" BIGINT NOT NULL CONSTRAINT "users_b_unsigned" CHECK ("b" >= 0))' },
  { function(t) t:unsigned_decimal("a", 10, 3) end,
    'CREATE TABLE "users" ("a" DECIMAL(10, 3) NOT NULL CONSTRAINT "users_a_unsigned" '
      .. 'CHECK ("a" >= 0))' },
  { function(t) t:integer("a"):unsigned() end,
    'CREATE TABLE "users" ("a" INTEGER NOT NULL CONSTRAINT "users_a_unsigned" CHECK ("a" >= 0))' },
  { function(t) t:string("a", 100); t:char("b"); t:char("c", 2) end,
    'CREATE TABLE "users" ("a" VARCHAR(100) NOT NULL, "b" CHAR(255) NOT NULL, '
      .. '"c" CHAR(2) NOT NULL)' },
  { function(t) t:text("a"); t:tiny_text("b"); t:medium_text("c"); t:long_text("d") end,
    'CREATE TABLE "users" ("a" TEXT NOT NULL, "b" TEXT NOT NULL, "c" TEXT NOT NULL, '
      .. '"d" TEXT NOT NULL)' },
  { function(t) t:boolean("a") end, 'CREATE TABLE "users" ("a" BOOLEAN NOT NULL)' },
  { function(t) t:decimal("a"); t:decimal("b", 5, 0); t:float("c"); t:double("d") end,
    'CREATE TABLE "users" ("a" DECIMAL(8, 2) NOT NULL, "b" DECIMAL(5, 0) NOT NULL, '
      .. '"c" FLOAT NOT NULL, "d" DOUBLE NOT NULL)' },
  { function(t)
      t:date("a"); t:datetime("b"); t:time("c"); t:timestamp("d"); t:year("e")
    end,
    'CREATE TABLE "users" ("a" DATE NOT NULL, "b" DATETIME NOT NULL, "c" TIME NOT NULL, '
      .. '"d" TIMESTAMP NOT NULL, "e" INTEGER NOT NULL)' },
  { function(t) t:timestamps() end,
    'CREATE TABLE "users" ("created_at" DATETIME NULL DEFAULT CURRENT_TIMESTAMP, '
      .. '"updated_at" DATETIME NULL DEFAULT CURRENT_TIMESTAMP)' },
  { function(t) t:soft_deletes(); t:soft_deletes("removed_at") end,
    'CREATE TABLE "users" ("deleted_at" DATETIME NULL, "removed_at" DATETIME NULL)' },
  { function(t) t:json("a"); t:jsonb("b"); t:uuid("c"); t:binary("d") end,
    'CREATE TABLE "users" ("a" TEXT NOT NULL, "b" TEXT NOT NULL, "c" CHAR(36) NOT NULL, '
      .. '"d" BLOB NOT NULL)' },
  { function(t) t:enum("status", { "draft", "it's live" }) end,
    'CREATE TABLE "users" ("status" VARCHAR(255) NOT NULL '
      .. 'CONSTRAINT "users_status_check" CHECK ("status" IN (\'draft\', \'it\'\'s live\')))' },
  { function(t)
      t:inet("a"); t:ip_address("b"); t:cidr("c"); t:macaddr("d"); t:mac_address("e")
    end,
    'CREATE TABLE "users" ("a" VARCHAR(45) NOT NULL, "b" VARCHAR(45) NOT NULL, '
      .. '"c" VARCHAR(45) NOT NULL, "d" VARCHAR(17) NOT NULL, "e" VARCHAR(17) NOT NULL)' },
  { function(t) t:morphs("taggable") end, {
    'CREATE TABLE "users" ("taggable_type" VARCHAR(255) NOT NULL, "taggable_id" BIGINT NOT NULL '
      .. 'CONSTRAINT "users_taggable_id_unsigned" CHECK ("taggable_id" >= 0))',
    'CREATE INDEX "users_taggable_type_taggable_id_index" ON "users" ("taggable_type", "taggable_id")' } },
  { function(t) t:foreign_id("team_id"); t:foreign_uuid("org_id") end,
    'CREATE TABLE "users" ("team_id" INTEGER NOT NULL, "org_id" CHAR(36) NOT NULL)' },

  -- modifiers
  { function(t) t:string("a"):nullable(); t:string("b"):nullable():nullable(false) end,
    'CREATE TABLE "users" ("a" VARCHAR(255) NULL, "b" VARCHAR(255) NOT NULL)' },
  { function(t)
      t:string("a"):default("it's"); t:integer("b"):default(-3); t:float("c"):default(1.5)
      t:float("d"):default(0.1); t:float("e"):default(2.0)
    end,
    'CREATE TABLE "users" ("a" VARCHAR(255) NOT NULL DEFAULT \'it\'\'s\', '
      .. '"b" INTEGER NOT NULL DEFAULT -3, "c" FLOAT NOT NULL DEFAULT 1.5, '
      .. '"d" FLOAT NOT NULL DEFAULT 0.1, "e" FLOAT NOT NULL DEFAULT 2.0)' },
  { function(t) t:boolean("a"):default(true); t:boolean("b"):default(false) end,
    'CREATE TABLE "users" ("a" BOOLEAN NOT NULL DEFAULT 1, "b" BOOLEAN NOT NULL DEFAULT 0)' },
  { function(t)
      t:string("a"):nullable():default(core.null)
      t:date("b"):default(core.raw("(date('now'))"))
      t:timestamp("c"):use_current()
    end,
    'CREATE TABLE "users" ("a" VARCHAR(255) NULL DEFAULT NULL, '
      .. '"b" DATE NOT NULL DEFAULT (date(\'now\')), '
      .. '"c" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)' },
  { function(t) t:string("a"):default(""):comment("ignored"):after("x") end,
    'CREATE TABLE "users" ("a" VARCHAR(255) NOT NULL DEFAULT \'\')' },
  { function(t) t:string("code"):primary() end,
    'CREATE TABLE "users" ("code" VARCHAR(255) PRIMARY KEY NOT NULL)' },
  { function(t) t:id(); t:string("email"):unique(); t:string("name"):index() end, {
    'CREATE TABLE "users" ("id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, '
      .. '"email" VARCHAR(255) NOT NULL, "name" VARCHAR(255) NOT NULL)',
    'CREATE UNIQUE INDEX "users_email_unique" ON "users" ("email")',
    'CREATE INDEX "users_name_index" ON "users" ("name")' } },
  { function(t) t:string("email"):unique("uq_email"):index("ix_email") end, {
    'CREATE TABLE "users" ("email" VARCHAR(255) NOT NULL)',
    'CREATE UNIQUE INDEX "uq_email" ON "users" ("email")',
    'CREATE INDEX "ix_email" ON "users" ("email")' } },

  -- table-level indexes and constraints
  { function(t) t:string("a"); t:string("b"); t:unique({ "a", "b" }) end, {
    'CREATE TABLE "users" ("a" VARCHAR(255) NOT NULL, "b" VARCHAR(255) NOT NULL)',
    'CREATE UNIQUE INDEX "users_a_b_unique" ON "users" ("a", "b")' } },
  { function(t) t:string("a"); t:unique("a", "only_a") end, {
    'CREATE TABLE "users" ("a" VARCHAR(255) NOT NULL)',
    'CREATE UNIQUE INDEX "only_a" ON "users" ("a")' } },
  { function(t) t:string("a"); t:index({ "a" }); t:index("a", "a_idx") end, {
    'CREATE TABLE "users" ("a" VARCHAR(255) NOT NULL)',
    'CREATE INDEX "users_a_index" ON "users" ("a")',
    'CREATE INDEX "a_idx" ON "users" ("a")' } },
  { function(t)
      t:string("a"):nullable()
      t:index({ "a" }, { where = '"a" IS NOT NULL' })
      t:index("a", { where = "a > ''", name = "a_set" })
    end, {
    'CREATE TABLE "users" ("a" VARCHAR(255) NULL)',
    'CREATE INDEX "users_a_index" ON "users" ("a") WHERE "a" IS NOT NULL',
    'CREATE INDEX "a_set" ON "users" ("a") WHERE a > \'\'' } },
  { function(t) t:integer("a"); t:integer("b"); t:primary({ "a", "b" }) end,
    'CREATE TABLE "users" ("a" INTEGER NOT NULL, "b" INTEGER NOT NULL, PRIMARY KEY ("a", "b"))' },
  { function(t) t:integer("a"); t:primary("a", "users_pk") end,
    'CREATE TABLE "users" ("a" INTEGER NOT NULL, CONSTRAINT "users_pk" PRIMARY KEY ("a"))' },
  { function(t) t:integer("age"); t:check("age >= 18"); t:check("age < 200", "sane_age") end,
    'CREATE TABLE "users" ("age" INTEGER NOT NULL, CHECK (age >= 18), '
      .. 'CONSTRAINT "sane_age" CHECK (age < 200))' },
  { function(t) t:string("a"); t:table_comment("ignored on sqlite") end,
    'CREATE TABLE "users" ("a" VARCHAR(255) NOT NULL)' },

  -- foreign keys
  { function(t)
      t:increments("id")
      t:integer("user_id")
      t:foreign("user_id"):references("id"):on("users"):on_delete("cascade")
    end,
    'CREATE TABLE "posts" ("id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, '
      .. '"user_id" INTEGER NOT NULL, CONSTRAINT "posts_user_id_foreign" FOREIGN KEY '
      .. '("user_id") REFERENCES "users" ("id") ON DELETE CASCADE)',
    table = "posts", setup = USERS },
  { function(t)
      t:foreign_id("user_id"):constrained():on_delete("set null"):on_update("restrict")
    end,
    'CREATE TABLE "posts" ("user_id" INTEGER NOT NULL, CONSTRAINT "posts_user_id_foreign" '
      .. 'FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE SET NULL '
      .. 'ON UPDATE RESTRICT)',
    table = "posts", setup = USERS },
  { function(t) t:foreign_id("category_id"):nullable():constrained() end,
    'CREATE TABLE "posts" ("category_id" INTEGER NULL, CONSTRAINT "posts_category_id_foreign" '
      .. 'FOREIGN KEY ("category_id") REFERENCES "categories" ("id"))',
    table = "posts", setup = 'CREATE TABLE "categories" ("id" INTEGER PRIMARY KEY);' },
  { function(t) t:foreign_id("author_id"):constrained("users", "id"):cascade_on_delete() end,
    'CREATE TABLE "posts" ("author_id" INTEGER NOT NULL, CONSTRAINT "posts_author_id_foreign" '
      .. 'FOREIGN KEY ("author_id") REFERENCES "users" ("id") ON DELETE CASCADE)',
    table = "posts", setup = USERS },
  { function(t)
      t:integer("user_id")
      t:add_foreign("user_id.id.users"):on_delete("no action")
    end,
    'CREATE TABLE "posts" ("user_id" INTEGER NOT NULL, CONSTRAINT "posts_user_id_foreign" '
      .. 'FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE NO ACTION)',
    table = "posts", setup = USERS },
  { function(t)
      t:integer("a"); t:integer("b")
      t:foreign({ "a", "b" }, "ab_fk"):references({ "x", "y" }):on("pairs")
        :on_update("cascade"):on_delete("set default")
    end,
    'CREATE TABLE "posts" ("a" INTEGER NOT NULL, "b" INTEGER NOT NULL, CONSTRAINT "ab_fk" '
      .. 'FOREIGN KEY ("a", "b") REFERENCES "pairs" ("x", "y") ON DELETE SET DEFAULT '
      .. 'ON UPDATE CASCADE)',
    table = "posts", setup = 'CREATE TABLE "pairs" (x, y, PRIMARY KEY (x, y));' },

  -- hostile names are quoted, never pasted
  { function(t) t:string('we"ird'):default("'; DROP TABLE x; --"):unique() end, {
    'CREATE TABLE "we""ird" ("we""ird" VARCHAR(255) NOT NULL DEFAULT \'\'\'; DROP TABLE x; --\')',
    'CREATE UNIQUE INDEX "we""ird_we""ird_unique" ON "we""ird" ("we""ird")' },
    table = 'we"ird' },
}

local ALTER_SETUP = 'CREATE TABLE "users" ("id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, '
  .. '"name" VARCHAR(255) NOT NULL, "email" VARCHAR(255) NOT NULL, "bio" TEXT NULL, '
  .. '"created_at" DATETIME NULL, "updated_at" DATETIME NULL, "deleted_at" DATETIME NULL);'
  .. 'CREATE INDEX "users_name_index" ON "users" ("name");'
  .. 'CREATE UNIQUE INDEX "users_email_unique" ON "users" ("email");'

local ALTER = {
  { function(t) t:string("nick"):nullable() end,
    'ALTER TABLE "users" ADD COLUMN "nick" VARCHAR(255) NULL' },
  { function(t) t:integer("age"):default(0):unsigned():index() end, {
    'ALTER TABLE "users" ADD COLUMN "age" INTEGER NOT NULL DEFAULT 0 '
      .. 'CONSTRAINT "users_age_unsigned" CHECK ("age" >= 0)',
    'CREATE INDEX "users_age_index" ON "users" ("age")' } },
  { function(t) t:string("slug"):nullable():unique() end, {
    'ALTER TABLE "users" ADD COLUMN "slug" VARCHAR(255) NULL',
    'CREATE UNIQUE INDEX "users_slug_unique" ON "users" ("slug")' } },
  { function(t) t:foreign_id("team_id"):nullable():constrained():on_delete("set null") end,
    'ALTER TABLE "users" ADD COLUMN "team_id" INTEGER NULL CONSTRAINT "users_team_id_foreign" '
      .. 'REFERENCES "teams" ("id") ON DELETE SET NULL',
    setup = 'CREATE TABLE "teams" ("id" INTEGER PRIMARY KEY);' },
  { function(t) t:drop_column("bio") end, 'ALTER TABLE "users" DROP COLUMN "bio"' },
  { function(t) t:drop_column("bio", { "created_at" }) end, {
    'ALTER TABLE "users" DROP COLUMN "bio"',
    'ALTER TABLE "users" DROP COLUMN "created_at"' } },
  { function(t) t:drop_timestamps(); t:drop_soft_deletes() end, {
    'ALTER TABLE "users" DROP COLUMN "created_at"',
    'ALTER TABLE "users" DROP COLUMN "updated_at"',
    'ALTER TABLE "users" DROP COLUMN "deleted_at"' } },
  { function(t) t:rename_column("bio", "about") end,
    'ALTER TABLE "users" RENAME COLUMN "bio" TO "about"' },
  { function(t) t:rename_column("bio", "about"); t:string("bio"):nullable() end, {
    'ALTER TABLE "users" RENAME COLUMN "bio" TO "about"',
    'ALTER TABLE "users" ADD COLUMN "bio" VARCHAR(255) NULL' } },
  { function(t) t:drop_index({ "name" }); t:drop_unique("users_email_unique") end, {
    'DROP INDEX "users_name_index"', 'DROP INDEX "users_email_unique"' } },
  { function(t) t:drop_unique({ "email" }); t:drop_index("users_name_index") end, {
    'DROP INDEX "users_email_unique"', 'DROP INDEX "users_name_index"' } },
  { function(t) t:unique({ "name", "email" }); t:index("bio", { where = "bio IS NOT NULL" }) end, {
    'CREATE UNIQUE INDEX "users_name_email_unique" ON "users" ("name", "email")',
    'CREATE INDEX "users_bio_index" ON "users" ("bio") WHERE bio IS NOT NULL' } },
  { function(t) t:string("motto"):nullable(); t:drop_column("motto") end, {
    'ALTER TABLE "users" ADD COLUMN "motto" VARCHAR(255) NULL',
    'ALTER TABLE "users" DROP COLUMN "motto"' } },
}

describe("sqlite grammar", function()
  describe("create", function()
    h.cases(CREATE, "create")

    it("writes CREATE TABLE IF NOT EXISTS", function()
      local sql = compile(function(t) t:id() end, "create_if_not_exists")
      assert.same({ 'CREATE TABLE IF NOT EXISTS "users" ("id" INTEGER PRIMARY KEY '
        .. 'AUTOINCREMENT NOT NULL)' }, sql)
    end)
  end)

  describe("alter", function()
    h.cases(ALTER, "alter", function(case) return ALTER_SETUP .. (case.setup or "") end)

    it("compiles an empty alter blueprint to nothing", function()
      assert.same({}, compile(function() end, "alter"))
    end)
  end)

  describe("what needs a table rebuild", function()
    local REBUILD = {
      { function(t) t:string("name", 100):change() end, "change() of users.name" },
      { function(t) t:foreign("team_id"):references("id"):on("teams") end,
        "adding a foreign key" },
      { function(t) t:foreign_id("team_id"):default(1):constrained() end,
        "adding a foreign key" },
      { function(t) t:drop_foreign("users_team_id_foreign") end, "dropping a foreign key" },
      { function(t) t:drop_foreign("team_id") end, "dropping a foreign key" },
      { function(t) t:drop_primary() end, "dropping the primary key" },
      { function(t) t:primary({ "id", "name" }) end, "adding a primary key" },
      { function(t) t:check("length(name) > 0") end, "adding a check constraint" },
      { function(t) t:timestamp("seen_at"):nullable():use_current() end,
        "adding column users.seen_at with use_current()" },
      { function(t) t:timestamps() end, "adding column users.created_at with use_current()" },
      { function(t) t:increments("n") end, "adding primary key column users.n" },
    }
    for _, case in ipairs(REBUILD) do
      it("to_sql raises for " .. case[2], function()
        assert.has_error(function() compile(case[1], "alter") end,
          case[2] .. " on sqlite needs a table rebuild, which needs to read the table:"
          .. " schema:table does it, to_sql cannot")
      end)

      it("rebuild_plan has a step for " .. case[2], function()
        local t = core.blueprint("users", "alter")
        case[1](t)
        local found = false
        for _, item in ipairs(t:rebuild_plan(g)) do
          if type(item) == "table" and item.what == case[2] then found = true end
        end
        assert.is_true(found)
      end)
    end

    local function plan(fn)
      local t = core.blueprint("users", "alter")
      fn(t)
      return t:rebuild_plan(g)
    end

    it("rebuild_plan: the new definitions, in the blueprint's order", function()
      assert.same({
        { op = "change", what = "change() of users.name", column = "name",
          def = '"name" VARCHAR(100) NULL' },
        'CREATE UNIQUE INDEX "users_name_unique" ON "users" ("name")',
        { op = "constraint", what = "adding a foreign key",
          def = 'CONSTRAINT "users_team_id_foreign" FOREIGN KEY ("team_id") '
            .. 'REFERENCES "teams" ("id") ON DELETE CASCADE' },
        { op = "drop_foreign", what = "dropping a foreign key", name = "users_x_foreign" },
        { op = "drop_primary", what = "dropping the primary key" },
        { op = "constraint", what = "adding a primary key", primary = true,
          def = 'PRIMARY KEY ("id", "name")' },
        { op = "drop_column", what = "dropping column users.age", column = "age",
          sql = 'ALTER TABLE "users" DROP COLUMN "age"' },
        { op = "add", what = "adding column users.seen_at with use_current()", column = "seen_at",
          def = '"seen_at" TIMESTAMP NULL DEFAULT CURRENT_TIMESTAMP' },
      }, plan(function(t)
        t:string("name", 100):nullable():unique():change()
        t:foreign("team_id"):references("id"):on("teams"):on_delete("cascade")
        t:drop_foreign("users_x_foreign")
        t:drop_primary()
        t:primary({ "id", "name" })
        t:drop_column("age")
        t:timestamp("seen_at"):nullable():use_current()
      end))
    end)

    it("rebuild_plan: what ALTER TABLE does in place stays SQL", function()
      assert.same({ 'ALTER TABLE "users" ADD COLUMN "nick" VARCHAR(255) NULL',
                    'ALTER TABLE "users" RENAME COLUMN "a" TO "b"' },
        plan(function(t)
          t:string("nick"):nullable()
          t:rename_column("a", "b")
        end))
    end)

    it("adds a NOT NULL column without a default in place (SQLite refuses it on rows)", function()
      assert.same({ 'ALTER TABLE "users" ADD COLUMN "x" VARCHAR(255) NOT NULL' },
        compile(function(t) t:string("x") end, "alter"))
    end)
  end)

  describe("unsupported features", function()
    it("raises for fulltext()", function()
      assert.has_error(function()
        compile(function(t) t:text("body"); t:fulltext({ "body" }) end)
      end, "fulltext() is not supported on sqlite")
    end)
  end)

  describe("statements outside a blueprint", function()
    it("quotes", function()
      assert.equals('"a""b"', g:quote('a"b'))
      assert.equals("sqlite", g:name())
    end)

    it("drops and renames", function()
      assert.equals('DROP TABLE "users"', g:drop("users"))
      assert.equals('DROP TABLE IF EXISTS "users"', g:drop("users", true))
      assert.equals('ALTER TABLE "users" RENAME TO "people"', g:rename("users", "people"))
    end)

    it("truncates and resets the AUTOINCREMENT counter", function()
      assert.same({ 'DELETE FROM "users"',
        'DELETE FROM "sqlite_sequence" WHERE "name" = \'users\'' }, g:truncate("users"))
      local ok, out = h.accepts(USERS, g:truncate("users"))
      assert(ok, out)
    end)

    it("asks about tables and columns", function()
      local setup = USERS .. ";CREATE TABLE \"sqliteish\" (a);"
      local function run(sql)
        return select(2, h.run(setup .. "\n" .. sql .. ";\n"))
      end
      assert.equals("1\n", run(g:has_table():gsub("%?", "'users'")))
      assert.equals("", run(g:has_table():gsub("%?", "'nope'")))
      local has_column = g:has_column():gsub("%?", "'users'", 1):gsub("%?", "'id'", 1)
      assert.equals("1\n", run(has_column))
      assert.equals("sqliteish\nusers\n", run(g:list_tables()))
    end)
  end)
end)
