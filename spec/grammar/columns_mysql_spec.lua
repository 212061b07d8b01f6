-- spec/grammar/columns_mysql_spec.lua: the column conformance suite on
-- MySQL/MariaDB: every column type and modifier (Laravel 12's, by their
-- snake_case names, and Masonite's), its exact SQL, run by the mariadb
-- client in a database of its own, and what information_schema then says
-- of each column (column_type, nullability with 1 = NULL, default) and
-- of the indexes. MariaDB 10.11 has no VECTOR: its SQL is checked only.
local core = require("lmigrate.core")
local c = require("spec.support.columns").suite("mysql")
local CASES = {
  { function(t) t:id() end,
    'CREATE TABLE `users` (`id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY)',
    cols = { "id|bigint(20) unsigned|0|" },
    indexes = { "index|PRIMARY|id" } },
  { function(t) t:id("key") end,
    'CREATE TABLE `users` (`key` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY)',
    cols = { "key|bigint(20) unsigned|0|" },
    indexes = { "index|PRIMARY|key" } },
  { function(t) t:increments("a") end,
    'CREATE TABLE `users` (`a` INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY)',
    cols = { "a|int(10) unsigned|0|" },
    indexes = { "index|PRIMARY|a" } },
  { function(t) t:big_increments("a") end,
    'CREATE TABLE `users` (`a` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY)',
    cols = { "a|bigint(20) unsigned|0|" },
    indexes = { "index|PRIMARY|a" } },
  { function(t) t:small_increments("a") end,
    'CREATE TABLE `users` (`a` SMALLINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY)',
    cols = { "a|smallint(5) unsigned|0|" },
    indexes = { "index|PRIMARY|a" } },
  { function(t) t:medium_increments("a") end,
    'CREATE TABLE `users` (`a` MEDIUMINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY)',
    cols = { "a|mediumint(8) unsigned|0|" },
    indexes = { "index|PRIMARY|a" } },
  { function(t) t:tiny_increments("a") end,
    'CREATE TABLE `users` (`a` TINYINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY)',
    cols = { "a|tinyint(3) unsigned|0|" },
    indexes = { "index|PRIMARY|a" } },
  { function(t) t:integer("a", true) end,
    'CREATE TABLE `users` (`a` INT NOT NULL AUTO_INCREMENT PRIMARY KEY)',
    cols = { "a|int(11)|0|" },
    indexes = { "index|PRIMARY|a" } },
  { function(t) t:big_integer("a", true, true) end,
    'CREATE TABLE `users` (`a` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY)',
    cols = { "a|bigint(20) unsigned|0|" },
    indexes = { "index|PRIMARY|a" } },
  { function(t) t:integer("a");
      t:integer("b", false, true);
      t:big_integer("c", false, true);
      t:small_integer("d");
      t:tiny_integer("e", false, true);
      t:medium_integer("f") end,
    'CREATE TABLE `users` (`a` INT NOT NULL, `b` INT UNSIGNED NOT NULL, '
      .. '`c` BIGINT UNSIGNED NOT NULL, `d` SMALLINT NOT NULL, `e` TINYINT UNSIGNED NOT NULL, '
      .. '`f` MEDIUMINT NOT NULL)',
    cols = { "a|int(11)|0|", "b|int(10) unsigned|0|", "c|bigint(20) unsigned|0|", "d|smallint(6)|0|",
      "e|tinyint(3) unsigned|0|", "f|mediumint(9)|0|" }, },
  { function(t) t:unsigned_integer("a");
      t:unsigned_big_integer("b");
      t:unsigned_small_integer("c");
      t:unsigned_tiny_integer("d");
      t:unsigned_medium_integer("e") end,
    'CREATE TABLE `users` (`a` INT UNSIGNED NOT NULL, `b` BIGINT UNSIGNED NOT NULL, '
      .. '`c` SMALLINT UNSIGNED NOT NULL, `d` TINYINT UNSIGNED NOT NULL, '
      .. '`e` MEDIUMINT UNSIGNED NOT NULL)',
    cols = { "a|int(10) unsigned|0|", "b|bigint(20) unsigned|0|", "c|smallint(5) unsigned|0|",
      "d|tinyint(3) unsigned|0|", "e|mediumint(8) unsigned|0|" }, },
  { function(t) t:string("a");
      t:string("b", 100);
      t:char("c");
      t:char("d", 4);
      t:ulid();
      t:ulid("u2", 30) end,
    'CREATE TABLE `users` (`a` VARCHAR(255) NOT NULL, `b` VARCHAR(100) NOT NULL, '
      .. '`c` CHAR(255) NOT NULL, `d` CHAR(4) NOT NULL, `ulid` CHAR(26) NOT NULL, '
      .. '`u2` CHAR(30) NOT NULL)',
    cols = { "a|varchar(255)|0|", "b|varchar(100)|0|", "c|char(255)|0|", "d|char(4)|0|",
      "ulid|char(26)|0|", "u2|char(30)|0|" }, },
  { function(t) t:text("a"); t:tiny_text("b"); t:medium_text("c"); t:long_text("d") end,
    'CREATE TABLE `users` (`a` TEXT NOT NULL, `b` TINYTEXT NOT NULL, '
      .. '`c` MEDIUMTEXT NOT NULL, `d` LONGTEXT NOT NULL)',
    cols = { "a|text|0|", "b|tinytext|0|", "c|mediumtext|0|", "d|longtext|0|" }, },
  { function(t) t:boolean("a"):default(true);
      t:decimal("b");
      t:decimal("c", 10, 4);
      t:unsigned_decimal("d", 5, 1) end,
    'CREATE TABLE `users` (`a` TINYINT(1) NOT NULL DEFAULT 1, `b` DECIMAL(8, '
      .. '2) NOT NULL, `c` DECIMAL(10, 4) NOT NULL, `d` DECIMAL(5, 1) UNSIGNED NOT NULL)',
    cols = { "a|tinyint(1)|0|1", "b|decimal(8,2)|0|", "c|decimal(10,4)|0|",
      "d|decimal(5,1) unsigned|0|" }, },
  { function(t) t:float("a"); t:float("b", 24); t:double("c") end,
    'CREATE TABLE `users` (`a` DOUBLE NOT NULL, `b` FLOAT(24) NOT NULL, '
      .. '`c` DOUBLE NOT NULL)',
    cols = { "a|double|0|", "b|float|0|", "c|double|0|" }, },
  { function(t) t:date("a");
      t:date_time("b");
      t:datetime("c", 3);
      t:date_time_tz("d");
      t:date_time_tz("e", 6) end,
    'CREATE TABLE `users` (`a` DATE NOT NULL, `b` DATETIME NOT NULL, '
      .. '`c` DATETIME(3) NOT NULL, `d` DATETIME NOT NULL, `e` DATETIME(6) NOT NULL)',
    cols = { "a|date|0|", "b|datetime|0|", "c|datetime(3)|0|", "d|datetime|0|", "e|datetime(6)|0|" }, },
  { function(t) t:time("a");
      t:time("b", 2);
      t:time_tz("c");
      t:time_tz("d", 4);
      t:timestamp("e");
      t:timestamp("f", 3);
      t:timestamp_tz("g");
      t:timestamp_tz("h", 1);
      t:year("i") end,
    'CREATE TABLE `users` (`a` TIME NOT NULL, `b` TIME(2) NOT NULL, `c` TIME NOT NULL, '
      .. '`d` TIME(4) NOT NULL, `e` TIMESTAMP NOT NULL, `f` TIMESTAMP(3) NOT NULL, '
      .. '`g` TIMESTAMP NOT NULL, `h` TIMESTAMP(1) NOT NULL, `i` YEAR NOT NULL)',
    cols = { "a|time|0|", "b|time(2)|0|", "c|time|0|", "d|time(4)|0|", "e|timestamp|0|",
      "f|timestamp(3)|0|", "g|timestamp|0|", "h|timestamp(1)|0|", "i|year(4)|0|" }, },
  { function(t) t:timestamps() end,
    'CREATE TABLE `users` (`created_at` DATETIME NULL DEFAULT CURRENT_TIMESTAMP, '
      .. '`updated_at` DATETIME NULL DEFAULT CURRENT_TIMESTAMP)',
    cols = { "created_at|datetime|1|current_timestamp()", "updated_at|datetime|1|current_timestamp()" }, },
  { function(t) t:timestamps(3) end,
    'CREATE TABLE `users` (`created_at` DATETIME(3) NULL DEFAULT CURRENT_TIMESTAMP(3), '
      .. '`updated_at` DATETIME(3) NULL DEFAULT CURRENT_TIMESTAMP(3))',
    cols = { "created_at|datetime(3)|1|current_timestamp(3)",
      "updated_at|datetime(3)|1|current_timestamp(3)" }, },
  { function(t) t:nullable_timestamps() end,
    'CREATE TABLE `users` (`created_at` DATETIME NULL DEFAULT CURRENT_TIMESTAMP, '
      .. '`updated_at` DATETIME NULL DEFAULT CURRENT_TIMESTAMP)',
    cols = { "created_at|datetime|1|current_timestamp()", "updated_at|datetime|1|current_timestamp()" }, },
  { function(t) t:timestamps_tz(2) end,
    'CREATE TABLE `users` (`created_at` TIMESTAMP(2) NULL DEFAULT CURRENT_TIMESTAMP(2), '
      .. '`updated_at` TIMESTAMP(2) NULL DEFAULT CURRENT_TIMESTAMP(2))',
    cols = { "created_at|timestamp(2)|1|current_timestamp(2)",
      "updated_at|timestamp(2)|1|current_timestamp(2)" }, },
  { function(t) t:datetimes() end,
    'CREATE TABLE `users` (`created_at` DATETIME NULL, `updated_at` DATETIME NULL)',
    cols = { "created_at|datetime|1|NULL", "updated_at|datetime|1|NULL" }, },
  { function(t) t:soft_deletes(); t:soft_deletes_tz("gone_at", 2); t:soft_deletes_datetime("x") end,
    'CREATE TABLE `users` (`deleted_at` DATETIME NULL, `gone_at` TIMESTAMP(2) NULL, '
      .. '`x` DATETIME NULL)',
    cols = { "deleted_at|datetime|1|NULL", "gone_at|timestamp(2)|1|NULL", "x|datetime|1|NULL" }, },
  { function(t) t:json("a"); t:jsonb("b"); t:uuid(); t:binary("c"); t:binary("d", 16, true) end,
    'CREATE TABLE `users` (`a` JSON NOT NULL, `b` JSON NOT NULL, '
      .. '`uuid` CHAR(36) NOT NULL, `c` BLOB NOT NULL, `d` BINARY(16) NOT NULL)',
    cols = { "a|longtext|0|", "b|longtext|0|", "uuid|char(36)|0|", "c|blob|0|", "d|binary(16)|0|" }, },
  { function(t) t:enum("a", { "x", "y" }):default("x") end,
    'CREATE TABLE `users` (`a` ENUM(\'x\',\'y\') NOT NULL DEFAULT \'x\')',
    cols = { "a|enum('x','y')|0|'x'" }, },
  { function(t) t:ip_address(); t:mac_address(); t:inet("a"); t:cidr("b"); t:macaddr("c") end,
    'CREATE TABLE `users` (`ip_address` VARCHAR(45) NOT NULL, '
      .. '`mac_address` VARCHAR(17) NOT NULL, `a` VARCHAR(45) NOT NULL, '
      .. '`b` VARCHAR(45) NOT NULL, `c` VARCHAR(17) NOT NULL)',
    cols = { "ip_address|varchar(45)|0|", "mac_address|varchar(17)|0|", "a|varchar(45)|0|",
      "b|varchar(45)|0|", "c|varchar(17)|0|" }, },
  { function(t) t:set("a", { "x", "y" }):default("x") end,
    'CREATE TABLE `users` (`a` SET(\'x\',\'y\') NOT NULL DEFAULT \'x\')',
    cols = { "a|set('x','y')|0|'x'" }, },
  { function(t) t:geometry("a");
      t:geometry("b", "point");
      t:geometry("c", "polygon", 3857);
      t:geography("d");
      t:geography("e", "point");
      t:geography("f", "linestring", 4269);
      t:point("g") end,
    'CREATE TABLE `users` (`a` GEOMETRY NOT NULL, `b` POINT NOT NULL, '
      .. '`c` POLYGON /*!80003 SRID 3857 */ /*M!100100 REF_SYSTEM_ID=3857 */ NOT NULL, '
      .. '`d` GEOMETRY /*!80003 SRID 4326 */ /*M!100100 REF_SYSTEM_ID=4326 */ NOT NULL, '
      .. '`e` POINT /*!80003 SRID 4326 */ /*M!100100 REF_SYSTEM_ID=4326 */ NOT NULL, '
      .. '`f` LINESTRING /*!80003 SRID 4269 */ /*M!100100 REF_SYSTEM_ID=4269 */ NOT NULL, '
      .. '`g` POINT NOT NULL)',
    cols = { "a|geometry|0|", "b|point|0|", "c|polygon|0|", "d|geometry|0|", "e|point|0|",
      "f|linestring|0|", "g|point|0|" }, },
  { function(t) t:morphs("taggable") end,
    'CREATE TABLE `users` (`taggable_type` VARCHAR(255) NOT NULL, '
      .. '`taggable_id` BIGINT UNSIGNED NOT NULL, '
      .. 'INDEX `users_taggable_type_taggable_id_index` (`taggable_type`, `taggable_id`))',
    cols = { "taggable_type|varchar(255)|0|", "taggable_id|bigint(20) unsigned|0|" },
    indexes = { "index|users_taggable_type_taggable_id_index|taggable_type,taggable_id" } },
  { function(t) t:nullable_morphs("taggable", "tix") end,
    'CREATE TABLE `users` (`taggable_type` VARCHAR(255) NULL, '
      .. '`taggable_id` BIGINT UNSIGNED NULL, INDEX `tix` (`taggable_type`, `taggable_id`))',
    cols = { "taggable_type|varchar(255)|1|NULL", "taggable_id|bigint(20) unsigned|1|NULL" },
    indexes = { "index|tix|taggable_type,taggable_id" } },
  { function(t) t:uuid_morphs("m"); t:nullable_uuid_morphs("n") end,
    'CREATE TABLE `users` (`m_type` VARCHAR(255) NOT NULL, `m_id` CHAR(36) NOT NULL, '
      .. '`n_type` VARCHAR(255) NULL, `n_id` CHAR(36) NULL, '
      .. 'INDEX `users_m_type_m_id_index` (`m_type`, `m_id`), '
      .. 'INDEX `users_n_type_n_id_index` (`n_type`, `n_id`))',
    cols = { "m_type|varchar(255)|0|", "m_id|char(36)|0|", "n_type|varchar(255)|1|NULL",
      "n_id|char(36)|1|NULL" },
    indexes = { "index|users_m_type_m_id_index|m_type,m_id", "index|users_n_type_n_id_index|n_type,n_id" } },
  { function(t) t:ulid_morphs("m"); t:nullable_ulid_morphs("n") end,
    'CREATE TABLE `users` (`m_type` VARCHAR(255) NOT NULL, `m_id` CHAR(26) NOT NULL, '
      .. '`n_type` VARCHAR(255) NULL, `n_id` CHAR(26) NULL, '
      .. 'INDEX `users_m_type_m_id_index` (`m_type`, `m_id`), '
      .. 'INDEX `users_n_type_n_id_index` (`n_type`, `n_id`))',
    cols = { "m_type|varchar(255)|0|", "m_id|char(26)|0|", "n_type|varchar(255)|1|NULL",
      "n_id|char(26)|1|NULL" },
    indexes = { "index|users_m_type_m_id_index|m_type,m_id", "index|users_n_type_n_id_index|n_type,n_id" } },
  { function(t) t:remember_token() end,
    'CREATE TABLE `users` (`remember_token` VARCHAR(100) NULL)',
    cols = { "remember_token|varchar(100)|1|NULL" }, },
  { function(t) t:foreign_id("a");
      t:foreign_uuid("b");
      t:foreign_ulid("c");
      t:foreign_ulid("d", 32);
      t:foreign_id_for("categories");
      t:foreign_id_for("users", "owner") end,
    'CREATE TABLE `users` (`a` BIGINT UNSIGNED NOT NULL, `b` CHAR(36) NOT NULL, '
      .. '`c` CHAR(26) NOT NULL, `d` CHAR(32) NOT NULL, '
      .. '`category_id` BIGINT UNSIGNED NOT NULL, `owner` BIGINT UNSIGNED NOT NULL)',
    cols = { "a|bigint(20) unsigned|0|", "b|char(36)|0|", "c|char(26)|0|", "d|char(32)|0|",
      "category_id|bigint(20) unsigned|0|", "owner|bigint(20) unsigned|0|" }, },
  -- modifiers
  { function(t) t:string("a"):nullable():default(nil);
      t:string("b"):nullable():default(core.null);
      t:string("c"):nullable(false) end,
    'CREATE TABLE `users` (`a` VARCHAR(255) NULL DEFAULT NULL, '
      .. '`b` VARCHAR(255) NULL DEFAULT NULL, `c` VARCHAR(255) NOT NULL)',
    cols = { "a|varchar(255)|1|NULL", "b|varchar(255)|1|NULL", "c|varchar(255)|0|" }, },
  -- default(nil) on a NOT NULL column: no default, as Laravel writes none for
  -- default(null) (MySQL refuses NOT NULL DEFAULT NULL)
  { function(t) t:string("a"):default(nil);
      t:integer("b"):nullable(false):default(core.null) end,
    'CREATE TABLE `users` (`a` VARCHAR(255) NOT NULL, `b` INT NOT NULL)',
    cols = { "a|varchar(255)|0|", "b|int(11)|0|" }, },
  { function(t) t:integer("a"):unsigned(); t:integer("b"):auto_increment() end,
    'CREATE TABLE `users` (`a` INT UNSIGNED NOT NULL, '
      .. '`b` INT NOT NULL AUTO_INCREMENT PRIMARY KEY)',
    cols = { "a|int(10) unsigned|0|", "b|int(11)|0|" },
    indexes = { "index|PRIMARY|b" } },
  { function(t) t:string("a"):charset("utf8mb4"):collation("utf8mb4_bin");
      t:string("b"):nullable():comment("hi"):after("a"):first():invisible() end,
    'CREATE TABLE `users` (`a` VARCHAR(255) CHARACTER SET `utf8mb4` COLLATE `utf8mb4_bin` NOT NULL, '
      .. '`b` VARCHAR(255) NULL INVISIBLE COMMENT \'hi\')',
    cols = { "a|varchar(255)|0|", "b|varchar(255)|1|NULL" }, },
  { function(t) t:integer("a");
      t:integer("b"):stored_as("`a` * 2");
      t:integer("c"):virtual_as(core.raw("`a` + 1")):nullable() end,
    'CREATE TABLE `users` (`a` INT NOT NULL, `b` INT AS (`a` * 2) STORED, '
      .. '`c` INT AS (`a` + 1) VIRTUAL)',
    cols = { "a|int(11)|0|", "b|int(11)|1|NULL", "c|int(11)|1|NULL" }, },
  { function(t) t:increments("id"):generated_as():always() end,
    'CREATE TABLE `users` (`id` INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY)',
    cols = { "id|int(10) unsigned|0|" },
    indexes = { "index|PRIMARY|id" } },
  { function(t) t:timestamp("a", 3):use_current():use_current_on_update();
      t:date_time("b"):nullable():use_current_on_update() end,
    'CREATE TABLE `users` (`a` TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) '
      .. 'ON UPDATE CURRENT_TIMESTAMP(3), '
      .. '`b` DATETIME NULL ON UPDATE CURRENT_TIMESTAMP)',
    cols = { "a|timestamp(3)|0|current_timestamp(3)", "b|datetime|1|NULL" }, },
  { function(t) t:date("a"):use_current();
      t:year("b"):use_current();
      t:timestamp("c", 3):use_current();
      t:date_time_tz("d"):use_current() end,
    'CREATE TABLE `users` (`a` DATE NOT NULL DEFAULT (CURDATE()), '
      .. '`b` YEAR NOT NULL DEFAULT (YEAR(CURDATE())), '
      .. '`c` TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), '
      .. '`d` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP)',
    cols = { "a|date|0|curdate()", "b|year(4)|0|year(curdate())",
      "c|timestamp(3)|0|current_timestamp(3)", "d|datetime|0|current_timestamp()" }, },
  { function(t) t:increments("id"):from(100) end,
    {
      'CREATE TABLE `users` (`id` INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY)',
      'ALTER TABLE `users` AUTO_INCREMENT = 100' },
    cols = { "id|int(10) unsigned|0|" },
    indexes = { "index|PRIMARY|id" } },
  { function(t) t:id():starting_value(7) end,
    {
      'CREATE TABLE `users` (`id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY)',
      'ALTER TABLE `users` AUTO_INCREMENT = 7' },
    cols = { "id|bigint(20) unsigned|0|" },
    indexes = { "index|PRIMARY|id" } },
}

describe("mysql columns", function()
  c.cases(CASES)
end)
