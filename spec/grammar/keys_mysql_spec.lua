-- spec/grammar/keys_mysql_spec.lua: the SQL of MySQL's indexes, keys,
-- foreign keys, drops and table options, exact, table-driven, each script
-- also run on the MariaDB server (spec.support.grammar) when there is
-- one. What is done with the result (names, columns, actions as
-- information_schema has them) is spec/integration/22-keys_spec.lua's.
local h = require("spec.support.grammar").harness("mysql")

local compile = h.compile

local TEAMS = 'CREATE TABLE `teams` (`id` BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, '
  .. '`code` VARCHAR(9) UNIQUE);'

-- { fn, expected SQL (string or list) [, table = name] [, setup = SQL] }
local CREATE = {
  -- the server names every primary key PRIMARY: a name is not written
  { function(t) t:string("a"); t:string("b"); t:primary({ "a", "b" }) end,
    'CREATE TABLE `users` (`a` VARCHAR(255) NOT NULL, `b` VARCHAR(255) NOT NULL, '
      .. 'PRIMARY KEY (`a`, `b`))' },
  { function(t) t:string("a"); t:primary("a", "users_key", "hash") end,
    'CREATE TABLE `users` (`a` VARCHAR(255) NOT NULL, PRIMARY KEY USING HASH (`a`))' },
  { function(t) t:string("a"); t:string("b"); t:unique({ "a", "b" }); t:unique("b", "b_key", "BTREE") end,
    'CREATE TABLE `users` (`a` VARCHAR(255) NOT NULL, `b` VARCHAR(255) NOT NULL, '
      .. 'UNIQUE KEY `users_a_b_unique` (`a`, `b`), UNIQUE KEY `b_key` USING BTREE (`b`))' },
  { function(t) t:string("a"); t:index("a"):algorithm("hash"); t:index({ "a" }, "a2") end,
    'CREATE TABLE `users` (`a` VARCHAR(255) NOT NULL, INDEX `users_a_index` USING HASH (`a`), '
      .. 'INDEX `a2` (`a`))' },
  { function(t) t:string("email"); t:raw_index("`email`(10)", "users_email_prefix") end,
    'CREATE TABLE `users` (`email` VARCHAR(255) NOT NULL, INDEX `users_email_prefix` (`email`(10)))' },
  { function(t) t:string("Title"); t:index("Title") end,
    'CREATE TABLE `Blog-Posts.v2` (`Title` VARCHAR(255) NOT NULL, '
      .. 'INDEX `blog_posts_v2_title_index` (`Title`))',
    table = "Blog-Posts.v2" },
  -- a default name over 63 bytes is cut and ends with a hash of the whole
  { function(t) t:string("first_very_long_column_name"); t:index("first_very_long_column_name") end,
    'CREATE TABLE `a_rather_long_table_name_for_testing` (`first_very_long_column_name` '
      .. 'VARCHAR(255) NOT NULL, INDEX `a_rather_long_table_name_for_testing_first_very_long_c_14908707` '
      .. '(`first_very_long_column_name`))',
    table = "a_rather_long_table_name_for_testing" },
  -- FULLTEXT has no language: language() is ignored, as Laravel does
  { function(t) t:text("title"); t:text("body"):fulltext(); t:fulltext("title", "ft"):language("english") end,
    'CREATE TABLE `users` (`title` TEXT NOT NULL, `body` TEXT NOT NULL, '
      .. 'FULLTEXT `users_body_fulltext` (`body`), FULLTEXT `ft` (`title`))' },
  -- full_text: Laravel 12's fullText() in snake_case, the same index
  { function(t) t:text("title"); t:text("body"):full_text(); t:full_text({ "title" }, "ft") end,
    'CREATE TABLE `users` (`title` TEXT NOT NULL, `body` TEXT NOT NULL, '
      .. 'FULLTEXT `users_body_fulltext` (`body`), FULLTEXT `ft` (`title`))' },

  -- foreign keys: every action and shorthand
  { function(t)
      t:foreign_id("team_id"):constrained():cascade_on_delete():restrict_on_update()
    end,
    'CREATE TABLE `users` (`team_id` BIGINT UNSIGNED NOT NULL, CONSTRAINT `users_team_id_foreign` '
      .. 'FOREIGN KEY (`team_id`) REFERENCES `teams` (`id`) ON DELETE CASCADE ON UPDATE RESTRICT)',
    setup = TEAMS },
  { function(t)
      t:foreign_id("team_id"):nullable():constrained("teams", "id", "users_team_fk")
        :null_on_delete():null_on_update()
    end,
    'CREATE TABLE `users` (`team_id` BIGINT UNSIGNED NULL, CONSTRAINT `users_team_fk` '
      .. 'FOREIGN KEY (`team_id`) REFERENCES `teams` (`id`) ON DELETE SET NULL ON UPDATE SET NULL)',
    setup = TEAMS },
  { function(t)
      t:foreign_id("team_id"); t:foreign("team_id"):references("id"):on("teams")
        :restrict_on_delete():cascade_on_update()
    end,
    'CREATE TABLE `users` (`team_id` BIGINT UNSIGNED NOT NULL, CONSTRAINT `users_team_id_foreign` '
      .. 'FOREIGN KEY (`team_id`) REFERENCES `teams` (`id`) ON DELETE RESTRICT ON UPDATE CASCADE)',
    setup = TEAMS },
  { function(t)
      t:string("team_code", 9):references("code"):on("teams"):no_action_on_delete():no_action_on_update()
    end,
    'CREATE TABLE `users` (`team_code` VARCHAR(9) NOT NULL, CONSTRAINT `users_team_code_foreign` '
      .. 'FOREIGN KEY (`team_code`) REFERENCES `teams` (`code`) ON DELETE NO ACTION ON UPDATE NO ACTION)',
    setup = TEAMS },

  -- table options, in Laravel's order, quoted
  { function(t)
      t:string("a"); t:engine("InnoDB"); t:charset("utf8mb4"); t:collation("utf8mb4_unicode_ci")
      t:comment("people's")
    end,
    'CREATE TABLE `users` (`a` VARCHAR(255) NOT NULL) DEFAULT CHARACTER SET `utf8mb4` '
      .. "COLLATE 'utf8mb4_unicode_ci' ENGINE = `InnoDB` COMMENT='people''s'" },
  { function(t) t:string("a"); t:inno_db() end,
    'CREATE TABLE `users` (`a` VARCHAR(255) NOT NULL) ENGINE = `InnoDB`' },
  { function(t) t:temporary(); t:string("a"); t:engine("MEMORY") end,
    'CREATE TEMPORARY TABLE `users` (`a` VARCHAR(255) NOT NULL) ENGINE = `MEMORY`' },
}

local ALTER_SETUP = TEAMS
  .. 'CREATE TABLE `users` (`id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, '
  .. '`name` VARCHAR(255) NOT NULL, `email` VARCHAR(255) NOT NULL, `bio` TEXT NULL, '
  .. '`team_id` BIGINT UNSIGNED NULL, `taggable_type` VARCHAR(255) NULL, '
  .. '`taggable_id` BIGINT UNSIGNED NULL, `remember_token` VARCHAR(100) NULL, '
  .. '`created_at` DATETIME NULL, `updated_at` DATETIME NULL, `deleted_at` DATETIME NULL, '
  .. '`location` POINT NOT NULL, '
  .. 'UNIQUE KEY `users_email_unique` (`email`), INDEX `users_name_index` (`name`), '
  .. 'INDEX `users_taggable_type_taggable_id_index` (`taggable_type`, `taggable_id`), '
  .. 'FULLTEXT `users_bio_fulltext` (`bio`), '
  .. 'SPATIAL INDEX `users_location_spatialindex` (`location`), '
  .. 'CONSTRAINT `users_team_id_foreign` FOREIGN KEY (`team_id`) REFERENCES `teams` (`id`));'

-- a table whose primary key can go (no AUTO_INCREMENT on it)
local PLAIN = 'CREATE TABLE `users` (`id` INT NOT NULL PRIMARY KEY, `email` VARCHAR(9) NOT NULL);'

local ALTER = {
  -- indexes and keys added
  { function(t) t:index("name", "name_hash", "hash"); t:spatial_index("location", "loc") end, {
    'ALTER TABLE `users` ADD INDEX `name_hash` USING HASH (`name`)',
    'ALTER TABLE `users` ADD SPATIAL INDEX `loc` (`location`)' } },
  { function(t) t:unique({ "name", "email" }, nil, "btree"); t:fulltext({ "name", "bio" }) end, {
    'ALTER TABLE `users` ADD UNIQUE KEY `users_name_email_unique` USING BTREE (`name`, `email`)',
    'ALTER TABLE `users` ADD FULLTEXT `users_name_bio_fulltext` (`name`, `bio`)' } },
  { function(t) t:string("body"):nullable():fulltext("body_ft") end, {
    'ALTER TABLE `users` ADD COLUMN `body` VARCHAR(255) NULL',
    'ALTER TABLE `users` ADD FULLTEXT `body_ft` (`body`)' } },
  { function(t) t:foreign_id("owner_id"):nullable():constrained("teams"):cascade_on_delete() end, {
    'ALTER TABLE `users` ADD COLUMN `owner_id` BIGINT UNSIGNED NULL',
    'ALTER TABLE `users` ADD CONSTRAINT `users_owner_id_foreign` FOREIGN KEY (`owner_id`) '
      .. 'REFERENCES `teams` (`id`) ON DELETE CASCADE' } },
  { function(t) t:drop_primary(); t:primary({ "id", "email" }, nil, "btree") end, {
    'ALTER TABLE `users` DROP PRIMARY KEY',
    'ALTER TABLE `users` ADD PRIMARY KEY USING BTREE (`id`, `email`)' },
    setup_only = PLAIN },
  { function(t) t:drop_primary({ "id" }) end, 'ALTER TABLE `users` DROP PRIMARY KEY', setup_only = PLAIN },

  -- every drop: a string is the name, a list the default name of its columns
  { function(t) t:drop_index("users_name_index"); t:drop_index({ "taggable_type", "taggable_id" }) end, {
    'ALTER TABLE `users` DROP INDEX `users_name_index`',
    'ALTER TABLE `users` DROP INDEX `users_taggable_type_taggable_id_index`' } },
  { function(t) t:drop_unique("users_email_unique") end,
    'ALTER TABLE `users` DROP INDEX `users_email_unique`' },
  { function(t) t:drop_unique({ "email" }) end, 'ALTER TABLE `users` DROP INDEX `users_email_unique`' },
  { function(t) t:drop_foreign("users_team_id_foreign") end,
    'ALTER TABLE `users` DROP FOREIGN KEY `users_team_id_foreign`' },
  { function(t) t:drop_foreign({ "team_id" }) end,
    'ALTER TABLE `users` DROP FOREIGN KEY `users_team_id_foreign`' },
  { function(t) t:drop_fulltext("users_bio_fulltext"); t:drop_spatial_index({ "location" }) end, {
    'ALTER TABLE `users` DROP INDEX `users_bio_fulltext`',
    'ALTER TABLE `users` DROP INDEX `users_location_spatialindex`' } },
  { function(t) t:drop_full_text("users_bio_fulltext") end,
    'ALTER TABLE `users` DROP INDEX `users_bio_fulltext`' },
  { function(t) t:drop_full_text({ "bio" }) end, 'ALTER TABLE `users` DROP INDEX `users_bio_fulltext`' },
  { function(t) t:drop_fulltext({ "bio" }); t:drop_spatial_index("users_location_spatialindex") end, {
    'ALTER TABLE `users` DROP INDEX `users_bio_fulltext`',
    'ALTER TABLE `users` DROP INDEX `users_location_spatialindex`' } },
  { function(t) t:drop_morphs("taggable") end, {
    'ALTER TABLE `users` DROP INDEX `users_taggable_type_taggable_id_index`',
    'ALTER TABLE `users` DROP COLUMN `taggable_type`, DROP COLUMN `taggable_id`' } },
  { function(t) t:drop_remember_token(); t:drop_soft_deletes_tz(); t:drop_timestamps_tz() end, {
    'ALTER TABLE `users` DROP COLUMN `remember_token`',
    'ALTER TABLE `users` DROP COLUMN `deleted_at`',
    'ALTER TABLE `users` DROP COLUMN `created_at`, DROP COLUMN `updated_at`' } },
  { function(t) t:drop_constrained_foreign_id("team_id") end, {
    'ALTER TABLE `users` DROP FOREIGN KEY `users_team_id_foreign`',
    'ALTER TABLE `users` DROP COLUMN `team_id`' } },
  { function(t) t:drop_foreign_id_for("Taggable") end, 'ALTER TABLE `users` DROP COLUMN `taggable_id`' },
  { function(t) t:drop_constrained_foreign_id_for("teams") end, {
    'ALTER TABLE `users` DROP FOREIGN KEY `users_team_id_foreign`',
    'ALTER TABLE `users` DROP COLUMN `team_id`' } },

  -- renames
  { function(t)
      t:rename_index("users_name_index", "users_nm"); t:rename_index("users_email_unique", "em")
    end, {
    'ALTER TABLE `users` RENAME INDEX `users_name_index` TO `users_nm`',
    'ALTER TABLE `users` RENAME INDEX `users_email_unique` TO `em`' } },
  -- table options: one ALTER TABLE, before rename(), which is last
  { function(t)
      t:rename("people"); t:string("nick"):nullable(); t:engine("InnoDB")
      t:charset("utf8mb4"); t:collation("utf8mb4_bin"); t:comment("people")
    end, {
    'ALTER TABLE `users` ADD COLUMN `nick` VARCHAR(255) NULL',
    "ALTER TABLE `users` DEFAULT CHARACTER SET `utf8mb4` COLLATE 'utf8mb4_bin' ENGINE = `InnoDB` "
      .. "COMMENT='people'",
    'RENAME TABLE `users` TO `people`' } },
}

-- { fn, error [, mode] }
local REFUSED = {
  { function(t) t:foreign_id("a"):constrained():deferrable() end, "deferrable() is not supported on mysql" },
  { function(t) t:foreign_id("a"):constrained():initially_deferred() end,
    "initially_deferred() is not supported on mysql" },
  { function(t) t:foreign_id("a"):constrained():not_valid() end, "not_valid() is not supported on mysql" },
  { function(t) t:string("a"); t:unique("a"):deferrable() end,
    "deferrable() of unique() is not supported on mysql" },
  { function(t) t:string("a"); t:unique("a"):nulls_not_distinct() end,
    "nulls_not_distinct() of unique() is not supported on mysql" },
  { function(t) t:string("a"); t:index("a", nil, "gin") end,
    "algorithm 'gin' of index() (BTREE or HASH) is not supported on mysql" },
}

describe("mysql keys", function()
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
