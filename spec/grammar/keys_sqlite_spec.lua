-- spec/grammar/keys_sqlite_spec.lua: the SQL of SQLite's indexes, keys,
-- foreign keys, drops and table options, exact, table-driven, each
-- script also run in `sqlite3 :memory:`; what ALTER TABLE cannot do is a
-- step of bp:rebuild_plan (the table rebuild, lmigrate.sqlite_rebuild).
-- What is done with the result is spec/integration/22-keys_spec.lua's.
local core = require("lmigrate.core")
local h = require("spec.support.grammar").harness("sqlite")

local g, compile = h.g, h.compile

local TEAMS = 'CREATE TABLE "teams" ("id" INTEGER PRIMARY KEY, "code" VARCHAR(9) UNIQUE);'

-- { fn, expected SQL (string or list) [, table = name] [, setup = SQL] }
local CREATE = {
  { function(t) t:string("a"); t:string("b"); t:primary({ "a", "b" }) end,
    'CREATE TABLE "users" ("a" VARCHAR(255) NOT NULL, "b" VARCHAR(255) NOT NULL, '
      .. 'PRIMARY KEY ("a", "b"))' },
  { function(t) t:string("a"); t:primary("a", "users_key", "btree") end,
    'CREATE TABLE "users" ("a" VARCHAR(255) NOT NULL, CONSTRAINT "users_key" PRIMARY KEY ("a"))' },
  { function(t) t:string("a"); t:string("b"); t:unique({ "a", "b" }); t:unique("b", "b_key") end, {
    'CREATE TABLE "users" ("a" VARCHAR(255) NOT NULL, "b" VARCHAR(255) NOT NULL)',
    'CREATE UNIQUE INDEX "users_a_b_unique" ON "users" ("a", "b")',
    'CREATE UNIQUE INDEX "b_key" ON "users" ("b")' } },
  -- btree is what SQLite does: taken, and nothing to write
  { function(t) t:string("a"); t:index("a", nil, "BTree"); t:index("a", "a2"):algorithm("btree") end, {
    'CREATE TABLE "users" ("a" VARCHAR(255) NOT NULL)',
    'CREATE INDEX "users_a_index" ON "users" ("a")',
    'CREATE INDEX "a2" ON "users" ("a")' } },
  { function(t) t:integer("n"); t:index("n", { where = "n > 0" }) end, {
    'CREATE TABLE "users" ("n" INTEGER NOT NULL)',
    'CREATE INDEX "users_n_index" ON "users" ("n") WHERE n > 0' } },
  { function(t) t:string("email"); t:raw_index("lower(email)", "users_email_lower") end, {
    'CREATE TABLE "users" ("email" VARCHAR(255) NOT NULL)',
    'CREATE INDEX "users_email_lower" ON "users" (lower(email))' } },
  { function(t) t:string("Title"); t:index("Title") end, {
    'CREATE TABLE "Blog-Posts.v2" ("Title" VARCHAR(255) NOT NULL)',
    'CREATE INDEX "blog_posts_v2_title_index" ON "Blog-Posts.v2" ("Title")' },
    table = "Blog-Posts.v2" },

  -- foreign keys, inline: every action and shorthand, DEFERRABLE
  { function(t)
      t:foreign_id("team_id"):constrained():cascade_on_delete():restrict_on_update()
    end,
    'CREATE TABLE "users" ("team_id" INTEGER NOT NULL, CONSTRAINT "users_team_id_foreign" '
      .. 'FOREIGN KEY ("team_id") REFERENCES "teams" ("id") ON DELETE CASCADE ON UPDATE RESTRICT)',
    setup = TEAMS },
  { function(t)
      t:foreign_id("team_id"):nullable():constrained("teams", "id", "users_team_fk")
        :null_on_delete():null_on_update()
    end,
    'CREATE TABLE "users" ("team_id" INTEGER NULL, CONSTRAINT "users_team_fk" '
      .. 'FOREIGN KEY ("team_id") REFERENCES "teams" ("id") ON DELETE SET NULL ON UPDATE SET NULL)',
    setup = TEAMS },
  { function(t)
      t:string("team_code"):references("code"):on("teams"):no_action_on_delete():no_action_on_update()
    end,
    'CREATE TABLE "users" ("team_code" VARCHAR(255) NOT NULL, CONSTRAINT "users_team_code_foreign" '
      .. 'FOREIGN KEY ("team_code") REFERENCES "teams" ("code") ON DELETE NO ACTION ON UPDATE NO ACTION)',
    setup = TEAMS },
  { function(t) t:foreign_id("team_id"):constrained():deferrable():initially_deferred() end,
    'CREATE TABLE "users" ("team_id" INTEGER NOT NULL, CONSTRAINT "users_team_id_foreign" '
      .. 'FOREIGN KEY ("team_id") REFERENCES "teams" ("id") DEFERRABLE INITIALLY DEFERRED)',
    setup = TEAMS },
  { function(t) t:foreign_id("team_id"):constrained():deferrable(false) end,
    'CREATE TABLE "users" ("team_id" INTEGER NOT NULL, CONSTRAINT "users_team_id_foreign" '
      .. 'FOREIGN KEY ("team_id") REFERENCES "teams" ("id") NOT DEFERRABLE)',
    setup = TEAMS },

  -- table options: engine, charset, collation and the comment mean nothing here
  { function(t)
      t:temporary(); t:string("a"); t:engine("InnoDB"); t:charset("utf8mb4")
      t:collation("utf8mb4_unicode_ci"); t:comment("people"); t:inno_db()
    end,
    'CREATE TEMPORARY TABLE "users" ("a" VARCHAR(255) NOT NULL)' },
}

local ALTER_SETUP = TEAMS
  .. 'CREATE TABLE "users" ("id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, '
  .. '"name" VARCHAR(255) NOT NULL, "email" VARCHAR(255) NOT NULL, "bio" TEXT NULL, '
  .. '"taggable_type" VARCHAR(255) NULL, "taggable_id" INTEGER NULL, '
  .. '"remember_token" VARCHAR(100) NULL, "created_at" DATETIME NULL, '
  .. '"updated_at" DATETIME NULL, "deleted_at" DATETIME NULL);'
  .. 'CREATE INDEX "users_name_index" ON "users" ("name");'
  .. 'CREATE UNIQUE INDEX "users_email_unique" ON "users" ("email");'
  .. 'CREATE INDEX "users_taggable_type_taggable_id_index" ON "users" ("taggable_type", "taggable_id");'

-- what ALTER TABLE does in place
local ALTER = {
  { function(t) t:index("bio", "bio_idx", "btree"); t:unique({ "name", "bio" }) end, {
    'CREATE INDEX "bio_idx" ON "users" ("bio")',
    'CREATE UNIQUE INDEX "users_name_bio_unique" ON "users" ("name", "bio")' } },
  { function(t) t:drop_index("users_name_index"); t:drop_index({ "taggable_type", "taggable_id" }) end, {
    'DROP INDEX "users_name_index"', 'DROP INDEX "users_taggable_type_taggable_id_index"' } },
  { function(t) t:drop_unique("users_email_unique") end, 'DROP INDEX "users_email_unique"' },
  { function(t) t:drop_unique({ "email" }) end, 'DROP INDEX "users_email_unique"' },
  { function(t) t:drop_morphs("taggable") end, {
    'DROP INDEX "users_taggable_type_taggable_id_index"',
    'ALTER TABLE "users" DROP COLUMN "taggable_type"',
    'ALTER TABLE "users" DROP COLUMN "taggable_id"' } },
  { function(t) t:drop_remember_token(); t:drop_soft_deletes_tz(); t:drop_timestamps_tz() end, {
    'ALTER TABLE "users" DROP COLUMN "remember_token"',
    'ALTER TABLE "users" DROP COLUMN "deleted_at"',
    'ALTER TABLE "users" DROP COLUMN "created_at"',
    'ALTER TABLE "users" DROP COLUMN "updated_at"' } },
  { function(t) t:drop_foreign_id_for("Taggable") end, 'ALTER TABLE "users" DROP COLUMN "taggable_id"',
    setup_only = 'CREATE TABLE "users" ("a" INTEGER, "taggable_id" INTEGER);' },
  { function(t) t:rename("people"); t:string("nick"):nullable() end, {
    'ALTER TABLE "users" ADD COLUMN "nick" VARCHAR(255) NULL',
    'ALTER TABLE "users" RENAME TO "people"' } },
}

-- the rebuild_plan of an alter blueprint
local function plan(fn)
  local t = core.blueprint("users", "alter")
  fn(t)
  return t:rebuild_plan(g)
end

-- { fn, error [, mode] }
local REFUSED = {
  { function(t) t:text("body"); t:fulltext("body") end, "fulltext() is not supported on sqlite" },
  { function(t) t:text("body"):fulltext() end, "fulltext() is not supported on sqlite" },
  { function(t) t:text("body"):full_text() end, "fulltext() is not supported on sqlite" },
  { function(t) t:text("body"); t:full_text("body") end, "fulltext() is not supported on sqlite" },
  { function(t) t:text("body"); t:spatial_index("body") end, "spatial_index() is not supported on sqlite" },
  { function(t) t:text("body"):spatial_index() end, "spatial_index() is not supported on sqlite" },
  { function(t) t:string("a"); t:index("a", nil, "hash") end,
    "algorithm 'hash' of index() is not supported on sqlite" },
  { function(t) t:string("a"); t:unique("a"):deferrable() end,
    "deferrable() of unique() is not supported on sqlite" },
  { function(t) t:string("a"); t:primary("a"):initially_deferred() end,
    "initially_deferred() of primary() is not supported on sqlite" },
  { function(t) t:string("a"); t:unique("a"):nulls_not_distinct() end,
    "nulls_not_distinct() of unique() is not supported on sqlite" },
  { function(t) t:foreign_id("a"):constrained():not_valid() end, "not_valid() is not supported on sqlite" },
  { function(t) t:drop_fulltext("x") end, "drop_fulltext() is not supported on sqlite", "alter" },
  { function(t) t:drop_full_text("x") end, "drop_fulltext() is not supported on sqlite", "alter" },
  { function(t) t:drop_spatial_index({ "x" }) end, "drop_spatial_index() is not supported on sqlite",
    "alter" },
  { function(t) t:rename_index("a", "b") end,
    "rename_index() on sqlite needs to read the index from the database: schema:table does it, to_sql cannot",
    "alter" },
  { function(t) t:drop_foreign("users_team_id_foreign") end,
    "dropping a foreign key on sqlite needs a table rebuild", "alter" },
}

describe("sqlite keys", function()
  describe("create", function()
    h.cases(CREATE, "create")

    it("writes CREATE TEMPORARY TABLE IF NOT EXISTS", function()
      h.check({ function(t) t:temporary(); t:string("a"):unique() end, {
        'CREATE TEMPORARY TABLE IF NOT EXISTS "users" ("a" VARCHAR(255) NOT NULL)',
        'CREATE UNIQUE INDEX "users_a_unique" ON "users" ("a")' } }, "create_if_not_exists")
    end)
  end)

  describe("alter", function()
    h.cases(ALTER, "alter", function(case) return case.setup_only or ALTER_SETUP end)
  end)

  describe("the rebuild's steps", function()
    it("drop_foreign: a string is the constraint's name, a list its columns", function()
      assert.same({
        { op = "drop_foreign", what = "dropping a foreign key", name = "accounts_to_ugi" },
        { op = "drop_foreign", what = "dropping a foreign key", name = "users_team_id_foreign",
          columns = { "team_id" } },
        { op = "drop_foreign", what = "dropping a foreign key", name = "users_a_b_foreign",
          columns = { "a", "b" } },
      }, plan(function(t)
        t:drop_foreign("accounts_to_ugi"); t:drop_foreign({ "team_id" }); t:drop_foreign({ "a", "b" })
      end))
    end)

    it("drop_constrained_foreign_id: the key by its column, then the column", function()
      assert.same({
        { op = "drop_foreign", what = "dropping a foreign key", name = "users_team_id_foreign",
          columns = { "team_id" } },
        { op = "drop_column", what = "dropping column users.team_id", column = "team_id",
          sql = 'ALTER TABLE "users" DROP COLUMN "team_id"' },
      }, plan(function(t) t:drop_constrained_foreign_id("team_id") end))
    end)

    it("drop_primary: with a name, with columns, with neither", function()
      assert.same({
        { op = "drop_primary", what = "dropping the primary key" },
        { op = "drop_primary", what = "dropping the primary key", name = "users_key" },
        { op = "drop_primary", what = "dropping the primary key", columns = { "id" } },
      }, plan(function(t) t:drop_primary(); t:drop_primary("users_key"); t:drop_primary({ "id" }) end))
    end)

    it("a foreign key and a primary key added are constraints of the rebuilt table", function()
      assert.same({
        { op = "constraint", what = "adding a foreign key",
          def = 'CONSTRAINT "users_team_id_foreign" FOREIGN KEY ("team_id") REFERENCES "teams" ("id") '
            .. 'ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED' },
        { op = "constraint", what = "adding a primary key", primary = true,
          def = 'CONSTRAINT "pk" PRIMARY KEY ("id", "name")' },
      }, plan(function(t)
        t:foreign("team_id"):references("id"):on("teams"):cascade_on_delete():initially_deferred()
        t:primary({ "id", "name" }, "pk", "btree")
      end))
    end)

    it("rename_index: read from the database, no rebuild", function()
      assert.same({ { op = "rename_index", what = "renaming an index", from = "a", to = "b" } },
        plan(function(t) t:rename_index("a", "b") end))
    end)
  end)

  describe("what the dialect refuses", function()
    for _, case in ipairs(REFUSED) do
      it(case[2], function()
        local ok, err = pcall(compile, case[1], case[3])
        assert.is_false(ok)
        assert.truthy(tostring(err):find(case[2], 1, true), err)
      end)
    end
  end)
end)
