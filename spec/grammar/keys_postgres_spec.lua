-- spec/grammar/keys_postgres_spec.lua: the SQL of PostgreSQL's indexes,
-- keys, foreign keys, drops and table options, exact, table-driven, each
-- script also run on the server (spec.support.grammar) when there is one.
-- What is done with the result (names, columns, actions as the catalog
-- has them) is spec/integration/22-keys_spec.lua's.
local h = require("spec.support.grammar").harness("postgres")

local compile = h.compile

local TEAMS = 'CREATE TABLE "teams" ("id" BIGSERIAL PRIMARY KEY, "code" VARCHAR(9) UNIQUE);'

-- { fn, expected SQL (string or list) [, table = name] [, setup = SQL] }
local CREATE = {
  -- primary keys: unnamed, the server names them <table>_pkey
  { function(t) t:string("a"); t:string("b"); t:primary({ "a", "b" }) end,
    'CREATE TABLE "users" ("a" VARCHAR(255) NOT NULL, "b" VARCHAR(255) NOT NULL, '
      .. 'PRIMARY KEY ("a", "b"))' },
  { function(t) t:string("a"); t:primary("a", "users_key") end,
    'CREATE TABLE "users" ("a" VARCHAR(255) NOT NULL, CONSTRAINT "users_key" PRIMARY KEY ("a"))' },
  { function(t) t:integer("a"); t:primary("a"):deferrable():initially_deferred() end,
    'CREATE TABLE "users" ("a" INTEGER NOT NULL, PRIMARY KEY ("a") DEFERRABLE INITIALLY DEFERRED)' },

  -- unique keys are constraints, named <table>_<cols>_unique
  { function(t) t:string("a"); t:string("b"); t:unique({ "a", "b" }) end,
    'CREATE TABLE "users" ("a" VARCHAR(255) NOT NULL, "b" VARCHAR(255) NOT NULL, '
      .. 'CONSTRAINT "users_a_b_unique" UNIQUE ("a", "b"))' },
  { function(t) t:string("a"); t:unique("a", "a_key"):deferrable() end,
    'CREATE TABLE "users" ("a" VARCHAR(255) NOT NULL, '
      .. 'CONSTRAINT "a_key" UNIQUE ("a") DEFERRABLE)' },
  { function(t) t:string("a"); t:unique("a"):deferrable(false) end,
    'CREATE TABLE "users" ("a" VARCHAR(255) NOT NULL, '
      .. 'CONSTRAINT "users_a_unique" UNIQUE ("a") NOT DEFERRABLE)' },
  { function(t) t:string("a"):nullable(); t:unique("a"):nulls_not_distinct() end,
    'CREATE TABLE "users" ("a" VARCHAR(255) NULL, '
      .. 'CONSTRAINT "users_a_unique" UNIQUE NULLS NOT DISTINCT ("a"))' },
  -- an algorithm: a unique index USING it, then the constraint USING INDEX (Laravel's)
  { function(t) t:string("a"); t:unique("a", nil, "btree") end, {
    'CREATE TABLE "users" ("a" VARCHAR(255) NOT NULL)',
    'CREATE UNIQUE INDEX "users_a_unique" ON "users" USING btree ("a")',
    'ALTER TABLE "users" ADD CONSTRAINT "users_a_unique" UNIQUE USING INDEX "users_a_unique"' } },
  { function(t) t:string("a"); t:unique("a"):algorithm("btree"):initially_immediate() end, {
    'CREATE TABLE "users" ("a" VARCHAR(255) NOT NULL)',
    'CREATE UNIQUE INDEX "users_a_unique" ON "users" USING btree ("a")',
    'ALTER TABLE "users" ADD CONSTRAINT "users_a_unique" UNIQUE USING INDEX "users_a_unique" '
      .. 'DEFERRABLE INITIALLY IMMEDIATE' } },

  -- indexes
  { function(t) t:string("a"); t:string("b"); t:index({ "a", "b" }); t:index("b", "b_idx", "hash") end, {
    'CREATE TABLE "users" ("a" VARCHAR(255) NOT NULL, "b" VARCHAR(255) NOT NULL)',
    'CREATE INDEX "users_a_b_index" ON "users" ("a", "b")',
    'CREATE INDEX "b_idx" ON "users" USING hash ("b")' } },
  { function(t) t:integer("n"); t:index("n", { where = "n > 0", algorithm = "brin", name = "pos" }) end, {
    'CREATE TABLE "users" ("n" INTEGER NOT NULL)',
    'CREATE INDEX "pos" ON "users" USING brin ("n") WHERE n > 0' } },
  { function(t) t:string("email"); t:raw_index("lower(email)", "users_email_lower") end, {
    'CREATE TABLE "users" ("email" VARCHAR(255) NOT NULL)',
    'CREATE INDEX "users_email_lower" ON "users" (lower(email))' } },
  -- Laravel's rule: lowercased, '-' and '.' become '_'
  { function(t) t:string("Title"); t:index("Title") end, {
    'CREATE TABLE "Blog-Posts.v2" ("Title" VARCHAR(255) NOT NULL)',
    'CREATE INDEX "blog_posts_v2_title_index" ON "Blog-Posts.v2" ("Title")' },
    table = "Blog-Posts.v2" },

  -- a default name over 63 bytes is cut and ends with a hash of the whole
  { function(t) t:string("first_very_long_column_name"); t:index("first_very_long_column_name") end, {
    'CREATE TABLE "a_rather_long_table_name_for_testing" ("first_very_long_column_name" '
      .. 'VARCHAR(255) NOT NULL)',
    'CREATE INDEX "a_rather_long_table_name_for_testing_first_very_long_c_14908707" ON '
      .. '"a_rather_long_table_name_for_testing" ("first_very_long_column_name")' },
    table = "a_rather_long_table_name_for_testing" },

  -- fulltext: GIN over to_tsvector, as Laravel
  { function(t) t:text("title"); t:full_text("title"); t:text("body"):full_text() end, {
    'CREATE TABLE "users" ("title" TEXT NOT NULL, "body" TEXT NOT NULL)',
    'CREATE INDEX "users_title_fulltext" ON "users" USING gin ((to_tsvector(\'english\', "title")))',
    'CREATE INDEX "users_body_fulltext" ON "users" USING gin ((to_tsvector(\'english\', "body")))' } },
  { function(t) t:text("title"); t:text("body"); t:fulltext({ "title", "body" }) end, {
    'CREATE TABLE "users" ("title" TEXT NOT NULL, "body" TEXT NOT NULL)',
    'CREATE INDEX "users_title_body_fulltext" ON "users" USING gin '
      .. '((to_tsvector(\'english\', "title") || to_tsvector(\'english\', "body")))' } },
  { function(t) t:text("body"):fulltext(); t:text("note"); t:fulltext("note", "ft"):language("simple") end, {
    'CREATE TABLE "users" ("body" TEXT NOT NULL, "note" TEXT NOT NULL)',
    'CREATE INDEX "users_body_fulltext" ON "users" USING gin ((to_tsvector(\'english\', "body")))',
    'CREATE INDEX "ft" ON "users" USING gin ((to_tsvector(\'simple\', "note")))' } },
  { function(t) t:text("body"); t:fulltext("body"):language("it's") end, {
    'CREATE TABLE "users" ("body" TEXT NOT NULL)',
    'CREATE INDEX "users_body_fulltext" ON "users" USING gin ((to_tsvector(\'it\'\'s\', "body")))' },
    sql_only = "no such text search configuration: the quoting is what is checked" },

  -- foreign keys: every action and shorthand
  { function(t)
      t:foreign_id("team_id"):constrained():cascade_on_delete():restrict_on_update()
    end,
    'CREATE TABLE "users" ("team_id" BIGINT NOT NULL, CONSTRAINT "users_team_id_foreign" '
      .. 'FOREIGN KEY ("team_id") REFERENCES "teams" ("id") ON DELETE CASCADE ON UPDATE RESTRICT)',
    setup = TEAMS },
  { function(t)
      t:foreign_id("team_id"):nullable():constrained("teams", "id", "users_team_fk")
        :null_on_delete():null_on_update()
    end,
    'CREATE TABLE "users" ("team_id" BIGINT NULL, CONSTRAINT "users_team_fk" '
      .. 'FOREIGN KEY ("team_id") REFERENCES "teams" ("id") ON DELETE SET NULL ON UPDATE SET NULL)',
    setup = TEAMS },
  { function(t)
      t:foreign_id("team_id"); t:foreign("team_id"):references("id"):on("teams")
        :restrict_on_delete():cascade_on_update()
    end,
    'CREATE TABLE "users" ("team_id" BIGINT NOT NULL, CONSTRAINT "users_team_id_foreign" '
      .. 'FOREIGN KEY ("team_id") REFERENCES "teams" ("id") ON DELETE RESTRICT ON UPDATE CASCADE)',
    setup = TEAMS },
  { function(t)
      t:string("team_code"):references("code"):on("teams"):no_action_on_delete():no_action_on_update()
    end,
    'CREATE TABLE "users" ("team_code" VARCHAR(255) NOT NULL, CONSTRAINT "users_team_code_foreign" '
      .. 'FOREIGN KEY ("team_code") REFERENCES "teams" ("code") ON DELETE NO ACTION ON UPDATE NO ACTION)',
    setup = TEAMS },
  { function(t) t:foreign_id("team_id"):constrained():deferrable():initially_deferred() end,
    'CREATE TABLE "users" ("team_id" BIGINT NOT NULL, CONSTRAINT "users_team_id_foreign" '
      .. 'FOREIGN KEY ("team_id") REFERENCES "teams" ("id") DEFERRABLE INITIALLY DEFERRED)',
    setup = TEAMS },
  { function(t) t:foreign_id("team_id"):constrained():initially_immediate() end,
    'CREATE TABLE "users" ("team_id" BIGINT NOT NULL, CONSTRAINT "users_team_id_foreign" '
      .. 'FOREIGN KEY ("team_id") REFERENCES "teams" ("id") DEFERRABLE INITIALLY IMMEDIATE)',
    setup = TEAMS },
  { function(t) t:foreign_id("team_id"):constrained():deferrable(false) end,
    'CREATE TABLE "users" ("team_id" BIGINT NOT NULL, CONSTRAINT "users_team_id_foreign" '
      .. 'FOREIGN KEY ("team_id") REFERENCES "teams" ("id") NOT DEFERRABLE)',
    setup = TEAMS },
  -- NOT VALID has no inline form: the key comes after the CREATE TABLE
  { function(t) t:foreign_id("team_id"):constrained():not_valid() end, {
    'CREATE TABLE "users" ("team_id" BIGINT NOT NULL)',
    'ALTER TABLE "users" ADD CONSTRAINT "users_team_id_foreign" FOREIGN KEY ("team_id") '
      .. 'REFERENCES "teams" ("id") NOT VALID' },
    setup = TEAMS },
  { function(t) t:foreign_id("author_id"):constrained("teams") end,
    'CREATE TABLE "users" ("author_id" BIGINT NOT NULL, CONSTRAINT "users_author_id_foreign" '
      .. 'FOREIGN KEY ("author_id") REFERENCES "teams" ("id"))',
    setup = TEAMS },
  { function(t) t:add_foreign("team_id.id.teams", "fk_team"):cascade_on_delete(); t:foreign_id("team_id") end,
    'CREATE TABLE "users" ("team_id" BIGINT NOT NULL, CONSTRAINT "fk_team" '
      .. 'FOREIGN KEY ("team_id") REFERENCES "teams" ("id") ON DELETE CASCADE)',
    setup = TEAMS },

  -- table options: engine, charset and collation are MySQL's (ignored, as Laravel)
  { function(t)
      t:temporary(); t:string("a"); t:engine("InnoDB"); t:charset("utf8mb4")
      t:collation("utf8mb4_unicode_ci")
    end,
    'CREATE TEMPORARY TABLE "users" ("a" VARCHAR(255) NOT NULL)' },
  { function(t) t:string("a"); t:comment("people's") end, {
    'CREATE TABLE "users" ("a" VARCHAR(255) NOT NULL)',
    'COMMENT ON TABLE "users" IS \'people\'\'s\'' } },
}

local ALTER_SETUP = TEAMS
  .. 'CREATE TABLE "users" ("id" BIGSERIAL PRIMARY KEY, "name" VARCHAR(255) NOT NULL, '
  .. '"email" VARCHAR(255) NOT NULL, "bio" TEXT NULL, "team_id" BIGINT NULL, '
  .. '"taggable_type" VARCHAR(255) NULL, "taggable_id" BIGINT NULL, '
  .. '"remember_token" VARCHAR(100) NULL, "created_at" TIMESTAMP NULL, '
  .. '"updated_at" TIMESTAMP NULL, "deleted_at" TIMESTAMP NULL, "location" point NULL, '
  .. 'CONSTRAINT "users_email_unique" UNIQUE ("email"), '
  .. 'CONSTRAINT "users_team_id_foreign" FOREIGN KEY ("team_id") REFERENCES "teams" ("id"));'
  .. 'CREATE INDEX "users_name_index" ON "users" ("name");'
  .. 'CREATE INDEX "users_taggable_type_taggable_id_index" ON "users" ("taggable_type", "taggable_id");'
  .. 'CREATE INDEX "users_bio_fulltext" ON "users" USING gin ((to_tsvector(\'english\', "bio")));'
  .. 'CREATE INDEX "users_location_spatialindex" ON "users" USING gist ("location");'

local ALTER = {
  -- indexes and keys added
  { function(t) t:index("bio", "bio_hash", "hash"); t:spatial_index("location", "loc") end, {
    'CREATE INDEX "bio_hash" ON "users" USING hash ("bio")',
    'CREATE INDEX "loc" ON "users" USING gist ("location")' } },
  { function(t) t:unique({ "name", "bio" }, nil, "btree"):deferrable() end, {
    'CREATE UNIQUE INDEX "users_name_bio_unique" ON "users" USING btree ("name", "bio")',
    'ALTER TABLE "users" ADD CONSTRAINT "users_name_bio_unique" UNIQUE USING INDEX '
      .. '"users_name_bio_unique" DEFERRABLE' } },
  { function(t) t:fulltext({ "name", "bio" }):language("simple") end,
    'CREATE INDEX "users_name_bio_fulltext" ON "users" USING gin '
      .. '((to_tsvector(\'simple\', "name") || to_tsvector(\'simple\', "bio")))' },
  { function(t) t:foreign("taggable_id"):references("id"):on("teams"):not_valid():cascade_on_delete() end,
    'ALTER TABLE "users" ADD CONSTRAINT "users_taggable_id_foreign" FOREIGN KEY ("taggable_id") '
      .. 'REFERENCES "teams" ("id") ON DELETE CASCADE NOT VALID' },
  { function(t) t:foreign_id("owner_id"):nullable():constrained("teams"):deferrable() end, {
    'ALTER TABLE "users" ADD COLUMN "owner_id" BIGINT NULL',
    'ALTER TABLE "users" ADD CONSTRAINT "users_owner_id_foreign" FOREIGN KEY ("owner_id") '
      .. 'REFERENCES "teams" ("id") DEFERRABLE' } },
  { function(t) t:drop_primary(); t:primary({ "id", "email" }, nil, nil):deferrable() end, {
    'ALTER TABLE "users" DROP CONSTRAINT "users_pkey"',
    'ALTER TABLE "users" ADD PRIMARY KEY ("id", "email") DEFERRABLE' } },

  -- every drop: a string is the name, a list the default name of its columns
  { function(t) t:drop_index("users_name_index"); t:drop_index({ "taggable_type", "taggable_id" }) end, {
    'DROP INDEX "users_name_index"', 'DROP INDEX "users_taggable_type_taggable_id_index"' } },
  { function(t) t:drop_unique("users_email_unique") end,
    'ALTER TABLE "users" DROP CONSTRAINT "users_email_unique"' },
  { function(t) t:drop_unique({ "email" }) end,
    'ALTER TABLE "users" DROP CONSTRAINT "users_email_unique"' },
  { function(t) t:drop_foreign("users_team_id_foreign") end,
    'ALTER TABLE "users" DROP CONSTRAINT "users_team_id_foreign"' },
  { function(t) t:drop_foreign({ "team_id" }) end,
    'ALTER TABLE "users" DROP CONSTRAINT "users_team_id_foreign"' },
  { function(t) t:drop_primary({ "id" }) end, 'ALTER TABLE "users" DROP CONSTRAINT "users_pkey"' },
  { function(t) t:drop_primary("users_pkey") end, 'ALTER TABLE "users" DROP CONSTRAINT "users_pkey"' },
  { function(t) t:drop_fulltext("users_bio_fulltext") end, 'DROP INDEX "users_bio_fulltext"' },
  { function(t) t:drop_fulltext({ "bio" }) end, 'DROP INDEX "users_bio_fulltext"' },
  { function(t) t:drop_full_text({ "bio" }) end, 'DROP INDEX "users_bio_fulltext"' },
  { function(t) t:drop_spatial_index({ "location" }) end, 'DROP INDEX "users_location_spatialindex"' },
  { function(t) t:drop_spatial_index("users_location_spatialindex") end,
    'DROP INDEX "users_location_spatialindex"' },
  { function(t) t:drop_morphs("taggable") end, {
    'DROP INDEX "users_taggable_type_taggable_id_index"',
    'ALTER TABLE "users" DROP COLUMN "taggable_type", DROP COLUMN "taggable_id"' } },
  { function(t) t:drop_morphs("taggable", "users_name_index") end, {
    'DROP INDEX "users_name_index"',
    'ALTER TABLE "users" DROP COLUMN "taggable_type", DROP COLUMN "taggable_id"' } },
  { function(t) t:drop_remember_token(); t:drop_soft_deletes_tz(); t:drop_timestamps_tz() end, {
    'ALTER TABLE "users" DROP COLUMN "remember_token"',
    'ALTER TABLE "users" DROP COLUMN "deleted_at"',
    'ALTER TABLE "users" DROP COLUMN "created_at", DROP COLUMN "updated_at"' } },
  { function(t) t:drop_soft_deletes("updated_at"); t:drop_soft_deletes_tz("created_at") end, {
    'ALTER TABLE "users" DROP COLUMN "updated_at"', 'ALTER TABLE "users" DROP COLUMN "created_at"' } },
  { function(t) t:drop_constrained_foreign_id("team_id") end, {
    'ALTER TABLE "users" DROP CONSTRAINT "users_team_id_foreign"',
    'ALTER TABLE "users" DROP COLUMN "team_id"' } },
  -- Laravel 12: drop_foreign_id_for drops the column (the model's foreign key)
  { function(t) t:drop_foreign_id_for("Team") end, 'ALTER TABLE "users" DROP COLUMN "team_id"' },
  { function(t) t:drop_foreign_id_for("App\\Models\\Team") end, 'ALTER TABLE "users" DROP COLUMN "team_id"' },
  { function(t) t:drop_foreign_id_for("teams") end, 'ALTER TABLE "users" DROP COLUMN "team_id"' },
  { function(t) t:drop_foreign_id_for("Team", "taggable_id") end,
    'ALTER TABLE "users" DROP COLUMN "taggable_id"' },
  { function(t) t:drop_constrained_foreign_id_for("Team") end, {
    'ALTER TABLE "users" DROP CONSTRAINT "users_team_id_foreign"',
    'ALTER TABLE "users" DROP COLUMN "team_id"' } },

  -- renames: ALTER INDEX renames a unique constraint's index and the constraint
  { function(t)
      t:rename_index("users_name_index", "users_nm"); t:rename_index("users_email_unique", "em")
    end, {
    'ALTER INDEX "users_name_index" RENAME TO "users_nm"',
    'ALTER INDEX "users_email_unique" RENAME TO "em"' } },
  -- rename(): last, after what names the table
  { function(t) t:rename("people"); t:string("nick"):nullable(); t:comment("people") end, {
    'ALTER TABLE "users" ADD COLUMN "nick" VARCHAR(255) NULL',
    'COMMENT ON TABLE "users" IS \'people\'',
    'ALTER TABLE "users" RENAME TO "people"',
    -- unsigned()'s CHECKs take the new name with the table
    'DO $lmigrate$ DECLARE r record; BEGIN FOR r IN SELECT conrelid::regclass AS t, conname AS k '
      .. 'FROM pg_constraint WHERE conrelid = \'"people"\'::regclass AND contype = \'c\' AND '
      .. 'left(conname, length(\'users_\')) = \'users_\' AND right(conname, 9) = \'_unsigned\' LOOP EXECUTE '
      .. 'format(\'ALTER TABLE %s RENAME CONSTRAINT %I TO %I\', r.t, r.k, \'people_\' || '
      .. 'substr(r.k, length(\'users_\') + 1)); END LOOP; END $lmigrate$' } },
  { function(t) t:engine("InnoDB"); t:charset("utf8mb4"); t:collation("utf8mb4_bin") end, {},
    title = "engine, charset and collation: nothing on postgres" },
}

-- { fn, error [, mode] }
local REFUSED = {
  { function(t) t:string("a"); t:primary("a", nil, "hash") end,
    "algorithm() of primary() is not supported on postgres" },
  { function(t) t:string("a"); t:index("a"):deferrable() end,
    "deferrable() is only for primary() and unique(), not index()" },
  { function(t) t:string("a"); t:index("a"):language("english") end,
    "language() is only for fulltext(), not index()" },
  { function(t) t:string("a"); t:fulltext("a"):algorithm("gin") end,
    "algorithm() is only for primary(), unique() and index(), not fulltext()" },
  { function(t) t:string("a"); t:raw_index("lower(a)", "x"):algorithm("hash") end,
    "algorithm() is only for primary(), unique() and index(), not raw_index()" },
  { function(t) t:string("a"); t:primary("a"):nulls_not_distinct() end,
    "nulls_not_distinct() is only for unique(), not primary()" },
  { function(t)
      t:foreign_id("a"):constrained():deferrable(false):initially_deferred()
    end, "initially_deferred() needs a deferrable key, not deferrable(false)" },
}

describe("postgres keys", function()
  describe("create", function() h.cases(CREATE, "create") end)

  describe("alter", function()
    h.cases(ALTER, "alter", function(case) return case.setup_only or ALTER_SETUP end)
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
