-- spec/grammar/mysql_spec.lua: the SQL the MySQL grammar writes, exact,
-- table-driven (Lapis style). With LMIGRATE_MYSQL_SOCKET set to a MySQL
-- or MariaDB server's socket (and the mariadb client installed), every
-- expected script also runs there, in a database of its own, unique to
-- the run; without one that part is pending, or fails under CI
-- (spec.support.servers).
local core = require("lmigrate.core")
local h = require("spec.support.grammar").harness("mysql")

local g, compile = h.g, h.compile

local USERS = 'CREATE TABLE `users` (`id` BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY);'

local CREATE = {
  { function(t) t:string("email") end,
    'CREATE TABLE `users` (`email` VARCHAR(255) NOT NULL)' },
  { function(t) t:increments("id") end,
    'CREATE TABLE `users` (`id` INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY)' },
  { function(t) t:big_increments("id") end,
    'CREATE TABLE `users` (`id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY)' },
  { function(t) t:tiny_increments("id"):unsigned() end,
    'CREATE TABLE `users` (`id` TINYINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY)' },
  { function(t) t:id() end,
    'CREATE TABLE `users` (`id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY)' },
  { function(t)
      t:integer("a"); t:big_integer("b"); t:small_integer("c")
      t:tiny_integer("d"); t:medium_integer("e")
    end,
    'CREATE TABLE `users` (`a` INT NOT NULL, `b` BIGINT NOT NULL, `c` SMALLINT NOT NULL, '
      .. '`d` TINYINT NOT NULL, `e` MEDIUMINT NOT NULL)' },
  { function(t)
      t:unsigned_integer("a"); t:unsigned_big_integer("b"); t:unsigned_decimal("c", 6, 2)
      t:small_integer("d"):unsigned()
    end,
    'CREATE TABLE `users` (`a` INT UNSIGNED NOT NULL, `b` BIGINT UNSIGNED NOT NULL, '
      .. '`c` DECIMAL(6, 2) UNSIGNED NOT NULL, `d` SMALLINT UNSIGNED NOT NULL)' },
  { function(t) t:string("a", 100); t:char("b"); t:char("c", 2) end,
    'CREATE TABLE `users` (`a` VARCHAR(100) NOT NULL, `b` CHAR(255) NOT NULL, '
      .. '`c` CHAR(2) NOT NULL)' },
  { function(t) t:text("a"); t:tiny_text("b"); t:medium_text("c"); t:long_text("d") end,
    'CREATE TABLE `users` (`a` TEXT NOT NULL, `b` TINYTEXT NOT NULL, `c` MEDIUMTEXT NOT NULL, '
      .. '`d` LONGTEXT NOT NULL)' },
  { function(t) t:boolean("a"):default(true); t:boolean("b"):default(false) end,
    'CREATE TABLE `users` (`a` TINYINT(1) NOT NULL DEFAULT 1, `b` TINYINT(1) NOT NULL DEFAULT 0)' },
  { function(t) t:decimal("a"); t:decimal("b", 5, 0); t:float("c"); t:double("d") end,
    'CREATE TABLE `users` (`a` DECIMAL(8, 2) NOT NULL, `b` DECIMAL(5, 0) NOT NULL, '
      .. '`c` DOUBLE NOT NULL, `d` DOUBLE NOT NULL)' },
  { function(t)
      t:date("a"); t:datetime("b"); t:time("c"); t:timestamp("d"):nullable(); t:year("e")
    end,
    'CREATE TABLE `users` (`a` DATE NOT NULL, `b` DATETIME NOT NULL, `c` TIME NOT NULL, '
      .. '`d` TIMESTAMP NULL, `e` YEAR NOT NULL)' },
  { function(t) t:timestamps(); t:soft_deletes() end,
    'CREATE TABLE `users` (`created_at` DATETIME NULL DEFAULT CURRENT_TIMESTAMP, '
      .. '`updated_at` DATETIME NULL DEFAULT CURRENT_TIMESTAMP, `deleted_at` DATETIME NULL)' },
  { function(t) t:json("a"); t:jsonb("b"); t:uuid("c"); t:binary("d") end,
    'CREATE TABLE `users` (`a` JSON NOT NULL, `b` JSON NOT NULL, `c` CHAR(36) NOT NULL, '
      .. '`d` BLOB NOT NULL)' },
  { function(t) t:enum("status", { "draft", "it's live" }):default("draft") end,
    "CREATE TABLE `users` (`status` ENUM('draft','it''s live') NOT NULL DEFAULT 'draft')" },
  { function(t)
      t:inet("a"); t:ip_address("b"); t:cidr("c"); t:macaddr("d"); t:mac_address("e")
    end,
    'CREATE TABLE `users` (`a` VARCHAR(45) NOT NULL, `b` VARCHAR(45) NOT NULL, '
      .. '`c` VARCHAR(45) NOT NULL, `d` VARCHAR(17) NOT NULL, `e` VARCHAR(17) NOT NULL)' },
  { function(t) t:morphs("taggable") end,
    'CREATE TABLE `users` (`taggable_type` VARCHAR(255) NOT NULL, '
      .. '`taggable_id` BIGINT UNSIGNED NOT NULL, '
      .. 'INDEX `users_taggable_type_taggable_id_index` (`taggable_type`, `taggable_id`))' },
  { function(t) t:foreign_id("team_id"); t:foreign_uuid("org_id") end,
    'CREATE TABLE `users` (`team_id` BIGINT UNSIGNED NOT NULL, `org_id` CHAR(36) NOT NULL)' },

  -- modifiers
  { function(t)
      t:string("a"):nullable():default(core.null); t:integer("b"):default(-3)
      t:float("c"):default(1.5); t:date("d"):default(core.raw("(CURRENT_DATE)"))
      t:timestamp("e"):use_current(); t:string("f"):default("it's a \\"):after("a")
    end,
    'CREATE TABLE `users` (`a` VARCHAR(255) NULL DEFAULT NULL, `b` INT NOT NULL DEFAULT -3, '
      .. '`c` DOUBLE NOT NULL DEFAULT 1.5, `d` DATE NOT NULL DEFAULT (CURRENT_DATE), '
      .. '`e` TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, '
      .. "`f` VARCHAR(255) NOT NULL DEFAULT 'it''s a \\\\')" },
  { function(t) t:text("a"):default("none"); t:json("b"):nullable():default(core.null) end,
    "CREATE TABLE `users` (`a` TEXT NOT NULL DEFAULT ('none'), `b` JSON NULL DEFAULT NULL)" },
  { function(t) t:string("code"):primary() end,
    'CREATE TABLE `users` (`code` VARCHAR(255) NOT NULL PRIMARY KEY)' },
  { function(t) t:id(); t:string("email"):unique(); t:string("name"):index() end,
    'CREATE TABLE `users` (`id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, '
      .. '`email` VARCHAR(255) NOT NULL, `name` VARCHAR(255) NOT NULL, '
      .. 'UNIQUE KEY `users_email_unique` (`email`), INDEX `users_name_index` (`name`))' },
  { function(t)
      t:string("name"):comment("what we call them")
      t:table_comment("people's accounts")
    end,
    "CREATE TABLE `users` (`name` VARCHAR(255) NOT NULL COMMENT 'what we call them') "
      .. "COMMENT='people''s accounts'" },

  -- table-level indexes and constraints
  { function(t)
      t:string("a"); t:string("b")
      t:unique({ "a", "b" }); t:index("a", "a_idx"); t:primary({ "a", "b" }, "ignored")
    end,
    'CREATE TABLE `users` (`a` VARCHAR(255) NOT NULL, `b` VARCHAR(255) NOT NULL, '
      .. 'UNIQUE KEY `users_a_b_unique` (`a`, `b`), INDEX `a_idx` (`a`), '
      .. 'PRIMARY KEY (`a`, `b`))' },
  { function(t) t:text("title"); t:text("body"); t:fulltext({ "title", "body" }) end,
    'CREATE TABLE `users` (`title` TEXT NOT NULL, `body` TEXT NOT NULL, '
      .. 'FULLTEXT `users_title_body_fulltext` (`title`, `body`))' },
  { function(t) t:integer("age"); t:check("age >= 18"); t:check("age < 200", "sane_age") end,
    'CREATE TABLE `users` (`age` INT NOT NULL, CHECK (age >= 18), '
      .. 'CONSTRAINT `sane_age` CHECK (age < 200))' },

  -- foreign keys
  { function(t)
      t:foreign_id("user_id"):nullable():constrained():on_delete("set null"):on_update("cascade")
    end,
    'CREATE TABLE `posts` (`user_id` BIGINT UNSIGNED NULL, CONSTRAINT `posts_user_id_foreign` '
      .. 'FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE SET NULL '
      .. 'ON UPDATE CASCADE)',
    table = "posts", setup = USERS },
  { function(t)
      t:unsigned_big_integer("user_id")
      t:foreign("user_id"):references("id"):on("users"):on_delete("restrict")
    end,
    'CREATE TABLE `posts` (`user_id` BIGINT UNSIGNED NOT NULL, CONSTRAINT `posts_user_id_foreign` '
      .. 'FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE RESTRICT)',
    table = "posts", setup = USERS },

  -- hostile names are quoted, never pasted
  { function(t) t:string("we`ird"):default("'; DROP TABLE x; --") end,
    "CREATE TABLE `we``ird` (`we``ird` VARCHAR(255) NOT NULL DEFAULT '''; DROP TABLE x; --')",
    table = "we`ird" },
}

local ALTER_SETUP = 'CREATE TABLE `teams` (`id` BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY);'
  .. 'CREATE TABLE `users` (`id` INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, '
  .. '`name` VARCHAR(255) NOT NULL, `email` VARCHAR(255) NOT NULL, `bio` TEXT NULL, '
  .. '`age` VARCHAR(10) NULL, `team_id` BIGINT UNSIGNED NULL, '
  .. '`created_at` DATETIME NULL, `updated_at` DATETIME NULL, `deleted_at` DATETIME NULL, '
  .. 'UNIQUE KEY `users_email_unique` (`email`), INDEX `users_name_index` (`name`), '
  .. 'CONSTRAINT `users_team_id_foreign` FOREIGN KEY (`team_id`) REFERENCES `teams` (`id`));'

local ALTER = {
  { function(t) t:string("nick"):nullable():comment("short"):after("name") end,
    "ALTER TABLE `users` ADD COLUMN `nick` VARCHAR(255) NULL COMMENT 'short' AFTER `name`" },
  { function(t) t:integer("score"):default(0):unsigned():index():unique() end, {
    'ALTER TABLE `users` ADD COLUMN `score` INT UNSIGNED NOT NULL DEFAULT 0',
    'ALTER TABLE `users` ADD UNIQUE KEY `users_score_unique` (`score`)',
    'ALTER TABLE `users` ADD INDEX `users_score_index` (`score`)' } },
  { function(t) t:foreign_id("owner_id"):nullable():constrained("teams"):null_on_delete() end, {
    'ALTER TABLE `users` ADD COLUMN `owner_id` BIGINT UNSIGNED NULL',
    'ALTER TABLE `users` ADD CONSTRAINT `users_owner_id_foreign` FOREIGN KEY (`owner_id`) '
      .. 'REFERENCES `teams` (`id`) ON DELETE SET NULL' } },
  { function(t) t:integer("age"):nullable():change() end,
    'ALTER TABLE `users` MODIFY COLUMN `age` INT NULL' },
  { function(t) t:string("name", 100):default("anon"):comment("c"):change() end,
    "ALTER TABLE `users` MODIFY COLUMN `name` VARCHAR(100) NOT NULL DEFAULT 'anon' COMMENT 'c'" },
  { function(t) t:increments("id"):change() end,
    'ALTER TABLE `users` MODIFY COLUMN `id` INT UNSIGNED NOT NULL AUTO_INCREMENT' },
  -- Laravel's way to drop a default: nullable(false):default(null):change(), no DEFAULT
  { function(t) t:string("name", 100):nullable(false):default(nil):change() end,
    'ALTER TABLE `users` MODIFY COLUMN `name` VARCHAR(100) NOT NULL' },
  -- Laravel's index modifiers on change(): false drops the column's index
  { function(t)
    t:string("email"):unique(false):change()
    t:string("name", 100):index(false):change()
  end, {
    'ALTER TABLE `users` MODIFY COLUMN `email` VARCHAR(255) NOT NULL',
    'ALTER TABLE `users` DROP INDEX `users_email_unique`',
    'ALTER TABLE `users` MODIFY COLUMN `name` VARCHAR(100) NOT NULL',
    'ALTER TABLE `users` DROP INDEX `users_name_index`' } },
  { function(t) t:drop_column("bio", { "age", "name" }) end, {
    'ALTER TABLE `users` DROP COLUMN `bio`',
    'ALTER TABLE `users` DROP COLUMN `age`, DROP COLUMN `name`' } },
  { function(t) t:drop_timestamps(); t:drop_soft_deletes() end, {
    'ALTER TABLE `users` DROP COLUMN `created_at`, DROP COLUMN `updated_at`',
    'ALTER TABLE `users` DROP COLUMN `deleted_at`' } },
  { function(t) t:rename_column("bio", "about"); t:string("bio"):nullable() end, {
    'ALTER TABLE `users` RENAME COLUMN `bio` TO `about`',
    'ALTER TABLE `users` ADD COLUMN `bio` VARCHAR(255) NULL' } },
  { function(t) t:drop_index({ "name" }); t:drop_unique("users_email_unique") end, {
    'ALTER TABLE `users` DROP INDEX `users_name_index`',
    'ALTER TABLE `users` DROP INDEX `users_email_unique`' } },
  { function(t) t:drop_foreign({ "team_id" }) end,
    'ALTER TABLE `users` DROP FOREIGN KEY `users_team_id_foreign`' },
  { function(t) t:drop_primary(); t:primary({ "id", "email" }) end, {
    'ALTER TABLE `users` DROP PRIMARY KEY',
    'ALTER TABLE `users` ADD PRIMARY KEY (`id`, `email`)' },
    setup_only = 'CREATE TABLE `users` (`id` INT NOT NULL PRIMARY KEY, `email` VARCHAR(9) NOT NULL);' },
  { function(t)
      t:unique({ "name", "age" }, "name_age"); t:check("CHAR_LENGTH(name) > 0", "named")
      t:fulltext("bio"); t:index({ "age", "name" })
    end, {
    'ALTER TABLE `users` ADD UNIQUE KEY `name_age` (`name`, `age`)',
    'ALTER TABLE `users` ADD CONSTRAINT `named` CHECK (CHAR_LENGTH(name) > 0)',
    'ALTER TABLE `users` ADD FULLTEXT `users_bio_fulltext` (`bio`)',
    'ALTER TABLE `users` ADD INDEX `users_age_name_index` (`age`, `name`)' } },
  { function(t) t:table_comment("people") end,
    "ALTER TABLE `users` COMMENT='people'" },
}

describe("mysql grammar", function()
  describe("create", function()
    h.cases(CREATE, "create")

    it("writes CREATE TABLE IF NOT EXISTS", function()
      local sql = compile(function(t) t:id() end, "create_if_not_exists")
      assert.same({ 'CREATE TABLE IF NOT EXISTS `users` (`id` BIGINT UNSIGNED NOT NULL '
        .. 'AUTO_INCREMENT PRIMARY KEY)' }, sql)
    end)
  end)

  describe("alter", function()
    h.cases(ALTER, "alter", function(case) return case.setup_only or ALTER_SETUP end)
  end)

  describe("unsupported features", function()
    it("raises for a partial index", function()
      assert.has_error(function()
        compile(function(t) t:integer("a"); t:index("a", { where = "a > 0" }) end)
      end, "a partial index (index() with where) is not supported on mysql")
    end)
  end)

  describe("statements outside a blueprint", function()
    it("quotes", function()
      assert.equals("`a``b`", g:quote("a`b"))
      assert.equals("mysql", g:name())
    end)

    it("drops, renames and truncates", function()
      assert.equals("DROP TABLE `users`", g:drop("users"))
      assert.equals("DROP TABLE IF EXISTS `users`", g:drop("users", true, true))
      assert.equals("RENAME TABLE `users` TO `people`", g:rename("users", "people"))
      assert.same({ "TRUNCATE TABLE `users`" }, g:truncate("users"))
      local ok, out = h.accepts(USERS, { g:truncate("users")[1], g:rename("users", "people"),
        g:drop("people", true) })
      assert(ok, out)
    end)

    it("asks about tables and columns with ? placeholders", function()
      local ok, out = h.accepts(USERS, { (g:has_table():gsub("%?", "'users'")),
        (g:has_column():gsub("%?", "'x'")), g:list_tables() })
      assert(ok, out)
      assert.equals(1, select(2, g:has_table():gsub("%?", "")))
      assert.equals(2, select(2, g:has_column():gsub("%?", "")))
    end)
  end)
end)
