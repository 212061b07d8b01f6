-- spec/grammar/columns_sqlite_spec.lua: the column conformance suite on
-- SQLite: every column type and modifier (Laravel 12's, by their
-- snake_case names, and Masonite's), its exact SQL, run by sqlite3, and
-- what SQLite then reports of each column: declared type, nullability
-- (1 = NULL) and default, and the table's indexes (spec/support/columns).
local core = require("lmigrate.core")
local c = require("spec.support.columns").suite("sqlite")
local CASES = {
  { function(t) t:id() end,
    'CREATE TABLE "users" ("id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL)',
    cols = { "id|INTEGER|0|" }, },
  { function(t) t:id("key") end,
    'CREATE TABLE "users" ("key" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL)',
    cols = { "key|INTEGER|0|" }, },
  { function(t) t:increments("a") end,
    'CREATE TABLE "users" ("a" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL)',
    cols = { "a|INTEGER|0|" }, },
  { function(t) t:big_increments("a") end,
    'CREATE TABLE "users" ("a" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL)',
    cols = { "a|INTEGER|0|" }, },
  { function(t) t:small_increments("a") end,
    'CREATE TABLE "users" ("a" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL)',
    cols = { "a|INTEGER|0|" }, },
  { function(t) t:medium_increments("a") end,
    'CREATE TABLE "users" ("a" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL)',
    cols = { "a|INTEGER|0|" }, },
  { function(t) t:tiny_increments("a") end,
    'CREATE TABLE "users" ("a" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL)',
    cols = { "a|INTEGER|0|" }, },
  { function(t) t:integer("a", true) end,
    'CREATE TABLE "users" ("a" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL)',
    cols = { "a|INTEGER|0|" }, },
  { function(t) t:big_integer("a", true, true) end,
    'CREATE TABLE "users" ("a" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL)',
    cols = { "a|INTEGER|0|" }, },
  { function(t) t:integer("a");
      t:integer("b", false, true);
      t:big_integer("c", false, true);
      t:small_integer("d");
      t:tiny_integer("e", false, true);
      t:medium_integer("f") end,
    'CREATE TABLE "users" ("a" INTEGER NOT NULL, '
      .. '"b" INTEGER NOT NULL CONSTRAINT "users_b_unsigned" CHECK ("b" >= 0), '
      .. '"c" BIGINT NOT NULL CONSTRAINT "users_c_unsigned" CHECK ("c" >= 0), '
      .. '"d" SMALLINT NOT NULL, '
      .. '"e" TINYINT NOT NULL CONSTRAINT "users_e_unsigned" CHECK ("e" >= 0), '
      .. '"f" MEDIUMINT NOT NULL)',
    cols = { "a|INTEGER|0|", "b|INTEGER|0|", "c|BIGINT|0|", "d|SMALLINT|0|", "e|TINYINT|0|",
      "f|MEDIUMINT|0|" }, },
  { function(t) t:unsigned_integer("a");
      t:unsigned_big_integer("b");
      t:unsigned_small_integer("c");
      t:unsigned_tiny_integer("d");
      t:unsigned_medium_integer("e") end,
    'CREATE TABLE "users" ("a" INTEGER NOT NULL CONSTRAINT "users_a_unsigned" CHECK ("a" >= 0), '
      .. '"b" BIGINT NOT NULL CONSTRAINT "users_b_unsigned" CHECK ("b" >= 0), '
      .. '"c" SMALLINT NOT NULL CONSTRAINT "users_c_unsigned" CHECK ("c" >= 0), '
      .. '"d" TINYINT NOT NULL CONSTRAINT "users_d_unsigned" CHECK ("d" >= 0), '
      .. '"e" MEDIUMINT NOT NULL CONSTRAINT "users_e_unsigned" CHECK ("e" >= 0))',
    cols = { "a|INTEGER|0|", "b|BIGINT|0|", "c|SMALLINT|0|", "d|TINYINT|0|", "e|MEDIUMINT|0|" }, },
  { function(t) t:string("a");
      t:string("b", 100);
      t:char("c");
      t:char("d", 4);
      t:ulid();
      t:ulid("u2", 30) end,
    'CREATE TABLE "users" ("a" VARCHAR(255) NOT NULL, "b" VARCHAR(100) NOT NULL, '
      .. '"c" CHAR(255) NOT NULL, "d" CHAR(4) NOT NULL, "ulid" CHAR(26) NOT NULL, '
      .. '"u2" CHAR(30) NOT NULL)',
    cols = { "a|VARCHAR(255)|0|", "b|VARCHAR(100)|0|", "c|CHAR(255)|0|", "d|CHAR(4)|0|",
      "ulid|CHAR(26)|0|", "u2|CHAR(30)|0|" }, },
  { function(t) t:text("a"); t:tiny_text("b"); t:medium_text("c"); t:long_text("d") end,
    'CREATE TABLE "users" ("a" TEXT NOT NULL, "b" TEXT NOT NULL, "c" TEXT NOT NULL, '
      .. '"d" TEXT NOT NULL)',
    cols = { "a|TEXT|0|", "b|TEXT|0|", "c|TEXT|0|", "d|TEXT|0|" }, },
  { function(t) t:boolean("a"):default(true);
      t:decimal("b");
      t:decimal("c", 10, 4);
      t:unsigned_decimal("d", 5, 1) end,
    'CREATE TABLE "users" ("a" BOOLEAN NOT NULL DEFAULT 1, "b" DECIMAL(8, 2) NOT NULL, '
      .. '"c" DECIMAL(10, 4) NOT NULL, "d" DECIMAL(5, '
      .. '1) NOT NULL CONSTRAINT "users_d_unsigned" CHECK ("d" >= 0))',
    cols = { "a|BOOLEAN|0|1", "b|DECIMAL(8, 2)|0|", "c|DECIMAL(10, 4)|0|", "d|DECIMAL(5, 1)|0|" }, },
  { function(t) t:float("a"); t:float("b", 24); t:double("c") end,
    'CREATE TABLE "users" ("a" FLOAT NOT NULL, "b" FLOAT NOT NULL, "c" DOUBLE NOT NULL)',
    cols = { "a|FLOAT|0|", "b|FLOAT|0|", "c|DOUBLE|0|" }, },
  { function(t) t:date("a");
      t:date_time("b");
      t:datetime("c", 3);
      t:date_time_tz("d");
      t:date_time_tz("e", 6) end,
    'CREATE TABLE "users" ("a" DATE NOT NULL, "b" DATETIME NOT NULL, '
      .. '"c" DATETIME NOT NULL, "d" DATETIME NOT NULL, "e" DATETIME NOT NULL)',
    cols = { "a|DATE|0|", "b|DATETIME|0|", "c|DATETIME|0|", "d|DATETIME|0|", "e|DATETIME|0|" }, },
  { function(t) t:time("a");
      t:time("b", 2);
      t:time_tz("c");
      t:time_tz("d", 4);
      t:timestamp("e");
      t:timestamp("f", 3);
      t:timestamp_tz("g");
      t:timestamp_tz("h", 1);
      t:year("i") end,
    'CREATE TABLE "users" ("a" TIME NOT NULL, "b" TIME NOT NULL, "c" TIME NOT NULL, '
      .. '"d" TIME NOT NULL, "e" TIMESTAMP NOT NULL, "f" TIMESTAMP NOT NULL, '
      .. '"g" TIMESTAMP NOT NULL, "h" TIMESTAMP NOT NULL, "i" INTEGER NOT NULL)',
    cols = { "a|TIME|0|", "b|TIME|0|", "c|TIME|0|", "d|TIME|0|", "e|TIMESTAMP|0|", "f|TIMESTAMP|0|",
      "g|TIMESTAMP|0|", "h|TIMESTAMP|0|", "i|INTEGER|0|" }, },
  { function(t) t:timestamps() end,
    'CREATE TABLE "users" ("created_at" DATETIME NULL DEFAULT CURRENT_TIMESTAMP, '
      .. '"updated_at" DATETIME NULL DEFAULT CURRENT_TIMESTAMP)',
    cols = { "created_at|DATETIME|1|CURRENT_TIMESTAMP", "updated_at|DATETIME|1|CURRENT_TIMESTAMP" }, },
  { function(t) t:timestamps(3) end,
    'CREATE TABLE "users" ("created_at" DATETIME NULL DEFAULT CURRENT_TIMESTAMP, '
      .. '"updated_at" DATETIME NULL DEFAULT CURRENT_TIMESTAMP)',
    cols = { "created_at|DATETIME|1|CURRENT_TIMESTAMP", "updated_at|DATETIME|1|CURRENT_TIMESTAMP" }, },
  { function(t) t:nullable_timestamps() end,
    'CREATE TABLE "users" ("created_at" DATETIME NULL DEFAULT CURRENT_TIMESTAMP, '
      .. '"updated_at" DATETIME NULL DEFAULT CURRENT_TIMESTAMP)',
    cols = { "created_at|DATETIME|1|CURRENT_TIMESTAMP", "updated_at|DATETIME|1|CURRENT_TIMESTAMP" }, },
  { function(t) t:timestamps_tz(2) end,
    'CREATE TABLE "users" ("created_at" TIMESTAMP NULL DEFAULT CURRENT_TIMESTAMP, '
      .. '"updated_at" TIMESTAMP NULL DEFAULT CURRENT_TIMESTAMP)',
    cols = { "created_at|TIMESTAMP|1|CURRENT_TIMESTAMP", "updated_at|TIMESTAMP|1|CURRENT_TIMESTAMP" }, },
  { function(t) t:datetimes() end,
    'CREATE TABLE "users" ("created_at" DATETIME NULL, "updated_at" DATETIME NULL)',
    cols = { "created_at|DATETIME|1|", "updated_at|DATETIME|1|" }, },
  { function(t) t:soft_deletes(); t:soft_deletes_tz("gone_at", 2); t:soft_deletes_datetime("x") end,
    'CREATE TABLE "users" ("deleted_at" DATETIME NULL, "gone_at" TIMESTAMP NULL, '
      .. '"x" DATETIME NULL)',
    cols = { "deleted_at|DATETIME|1|", "gone_at|TIMESTAMP|1|", "x|DATETIME|1|" }, },
  { function(t) t:json("a"); t:jsonb("b"); t:uuid(); t:binary("c"); t:binary("d", 16, true) end,
    'CREATE TABLE "users" ("a" TEXT NOT NULL, "b" TEXT NOT NULL, '
      .. '"uuid" CHAR(36) NOT NULL, "c" BLOB NOT NULL, "d" BLOB NOT NULL)',
    cols = { "a|TEXT|0|", "b|TEXT|0|", "uuid|CHAR(36)|0|", "c|BLOB|0|", "d|BLOB|0|" }, },
  { function(t) t:enum("a", { "x", "y" }):default("x") end,
    'CREATE TABLE "users" ("a" VARCHAR(255) NOT NULL DEFAULT \'x\' '
      .. 'CONSTRAINT "users_a_check" CHECK ("a" IN (\'x\', '
      .. '\'y\')))',
    cols = { "a|VARCHAR(255)|0|'x'" }, },
  { function(t) t:ip_address(); t:mac_address(); t:inet("a"); t:cidr("b"); t:macaddr("c") end,
    'CREATE TABLE "users" ("ip_address" VARCHAR(45) NOT NULL, '
      .. '"mac_address" VARCHAR(17) NOT NULL, "a" VARCHAR(45) NOT NULL, '
      .. '"b" VARCHAR(45) NOT NULL, "c" VARCHAR(17) NOT NULL)',
    cols = { "ip_address|VARCHAR(45)|0|", "mac_address|VARCHAR(17)|0|", "a|VARCHAR(45)|0|",
      "b|VARCHAR(45)|0|", "c|VARCHAR(17)|0|" }, },
  { function(t) t:geometry("a");
      t:geometry("b", "point");
      t:geometry("c", "polygon", 3857);
      t:geography("d");
      t:geography("e", "point");
      t:geography("f", "linestring", 4269);
      t:point("g") end,
    'CREATE TABLE "users" ("a" GEOMETRY NOT NULL, "b" GEOMETRY NOT NULL, '
      .. '"c" GEOMETRY NOT NULL, "d" GEOMETRY NOT NULL, "e" GEOMETRY NOT NULL, '
      .. '"f" GEOMETRY NOT NULL, "g" GEOMETRY NOT NULL)',
    cols = { "a|GEOMETRY|0|", "b|GEOMETRY|0|", "c|GEOMETRY|0|", "d|GEOMETRY|0|", "e|GEOMETRY|0|",
      "f|GEOMETRY|0|", "g|GEOMETRY|0|" }, },
  { function(t) t:morphs("taggable") end,
    {
      'CREATE TABLE "users" ("taggable_type" VARCHAR(255) NOT NULL, '
        .. '"taggable_id" BIGINT NOT NULL CONSTRAINT "users_taggable_id_unsigned" '
        .. 'CHECK ("taggable_id" >= 0))',
      'CREATE INDEX "users_taggable_type_taggable_id_index" ON "users" ("taggable_type", '
        .. '"taggable_id")' },
    cols = { "taggable_type|VARCHAR(255)|0|", "taggable_id|BIGINT|0|" },
    indexes = { "index|users_taggable_type_taggable_id_index|taggable_type,taggable_id" } },
  { function(t) t:nullable_morphs("taggable", "tix") end,
    {
      'CREATE TABLE "users" ("taggable_type" VARCHAR(255) NULL, '
        .. '"taggable_id" BIGINT NULL CONSTRAINT "users_taggable_id_unsigned" CHECK ("taggable_id" >= 0))',
      'CREATE INDEX "tix" ON "users" ("taggable_type", "taggable_id")' },
    cols = { "taggable_type|VARCHAR(255)|1|", "taggable_id|BIGINT|1|" },
    indexes = { "index|tix|taggable_type,taggable_id" } },
  { function(t) t:uuid_morphs("m"); t:nullable_uuid_morphs("n") end,
    {
      'CREATE TABLE "users" ("m_type" VARCHAR(255) NOT NULL, "m_id" CHAR(36) NOT NULL, '
        .. '"n_type" VARCHAR(255) NULL, "n_id" CHAR(36) NULL)',
      'CREATE INDEX "users_m_type_m_id_index" ON "users" ("m_type", "m_id")',
      'CREATE INDEX "users_n_type_n_id_index" ON "users" ("n_type", "n_id")' },
    cols = { "m_type|VARCHAR(255)|0|", "m_id|CHAR(36)|0|", "n_type|VARCHAR(255)|1|", "n_id|CHAR(36)|1|" },
    indexes = { "index|users_m_type_m_id_index|m_type,m_id", "index|users_n_type_n_id_index|n_type,n_id" } },
  { function(t) t:ulid_morphs("m"); t:nullable_ulid_morphs("n") end,
    {
      'CREATE TABLE "users" ("m_type" VARCHAR(255) NOT NULL, "m_id" CHAR(26) NOT NULL, '
        .. '"n_type" VARCHAR(255) NULL, "n_id" CHAR(26) NULL)',
      'CREATE INDEX "users_m_type_m_id_index" ON "users" ("m_type", "m_id")',
      'CREATE INDEX "users_n_type_n_id_index" ON "users" ("n_type", "n_id")' },
    cols = { "m_type|VARCHAR(255)|0|", "m_id|CHAR(26)|0|", "n_type|VARCHAR(255)|1|", "n_id|CHAR(26)|1|" },
    indexes = { "index|users_m_type_m_id_index|m_type,m_id", "index|users_n_type_n_id_index|n_type,n_id" } },
  { function(t) t:remember_token() end,
    'CREATE TABLE "users" ("remember_token" VARCHAR(100) NULL)',
    cols = { "remember_token|VARCHAR(100)|1|" }, },
  { function(t) t:foreign_id("a");
      t:foreign_uuid("b");
      t:foreign_ulid("c");
      t:foreign_ulid("d", 32);
      t:foreign_id_for("categories");
      t:foreign_id_for("users", "owner") end,
    'CREATE TABLE "users" ("a" INTEGER NOT NULL, "b" CHAR(36) NOT NULL, '
      .. '"c" CHAR(26) NOT NULL, "d" CHAR(32) NOT NULL, "category_id" INTEGER NOT NULL, '
      .. '"owner" INTEGER NOT NULL)',
    cols = { "a|INTEGER|0|", "b|CHAR(36)|0|", "c|CHAR(26)|0|", "d|CHAR(32)|0|",
      "category_id|INTEGER|0|", "owner|INTEGER|0|" }, },
  -- modifiers
  { function(t) t:string("a"):nullable():default(nil);
      t:string("b"):nullable():default(core.null);
      t:string("c"):nullable(false) end,
    'CREATE TABLE "users" ("a" VARCHAR(255) NULL DEFAULT NULL, '
      .. '"b" VARCHAR(255) NULL DEFAULT NULL, "c" VARCHAR(255) NOT NULL)',
    cols = { "a|VARCHAR(255)|1|NULL", "b|VARCHAR(255)|1|NULL", "c|VARCHAR(255)|0|" }, },
  -- default(nil) on a NOT NULL column: no default, as Laravel writes none for
  -- default(null) (MySQL refuses NOT NULL DEFAULT NULL)
  { function(t) t:string("a"):default(nil);
      t:integer("b"):nullable(false):default(core.null) end,
    'CREATE TABLE "users" ("a" VARCHAR(255) NOT NULL, "b" INTEGER NOT NULL)',
    cols = { "a|VARCHAR(255)|0|", "b|INTEGER|0|" }, },
  { function(t) t:integer("a"):unsigned(); t:integer("b"):auto_increment() end,
    'CREATE TABLE "users" ("a" INTEGER NOT NULL CONSTRAINT "users_a_unsigned" CHECK ("a" >= 0), '
      .. '"b" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL)',
    cols = { "a|INTEGER|0|", "b|INTEGER|0|" }, },
  { function(t) t:string("a"):charset("utf8mb4"):collation("NOCASE");
      t:string("b"):nullable():comment("hi"):after("a"):first():invisible() end,
    'CREATE TABLE "users" ("a" VARCHAR(255) NOT NULL COLLATE "NOCASE", '
      .. '"b" VARCHAR(255) NULL)',
    cols = { "a|VARCHAR(255)|0|", "b|VARCHAR(255)|1|" }, },
  { function(t) t:integer("a");
      t:integer("b"):stored_as('"a" * 2');
      t:integer("c"):virtual_as(core.raw('"a" + 1')):nullable(false) end,
    'CREATE TABLE "users" ("a" INTEGER NOT NULL, "b" INTEGER AS ("a" * 2) STORED, '
      .. '"c" INTEGER NOT NULL AS ("a" + 1) VIRTUAL)',
    cols = { "a|INTEGER|0|", "b|INTEGER|1|", "c|INTEGER|0|" }, },
  { function(t) t:increments("id"):generated_as():always() end,
    'CREATE TABLE "users" ("id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL)',
    cols = { "id|INTEGER|0|" }, },
  { function(t) t:date("a"):use_current();
      t:year("b"):use_current();
      t:timestamp("c", 3):use_current();
      t:date_time_tz("d"):use_current() end,
    'CREATE TABLE "users" ("a" DATE NOT NULL DEFAULT CURRENT_DATE, '
      .. '"b" INTEGER NOT NULL DEFAULT (CAST(strftime(\'%Y\', \'now\') AS INTEGER)), '
      .. '"c" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, '
      .. '"d" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP)',
    cols = { "a|DATE|0|CURRENT_DATE", "b|INTEGER|0|CAST(strftime('%Y', 'now') AS INTEGER)",
      "c|TIMESTAMP|0|CURRENT_TIMESTAMP", "d|DATETIME|0|CURRENT_TIMESTAMP" }, },
  { function(t) t:increments("id"):from(100) end,
    {
      'CREATE TABLE "users" ("id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL)',
      'DELETE FROM "sqlite_sequence" WHERE "name" = \'users\'',
      'INSERT INTO "sqlite_sequence" ("name", "seq") VALUES (\'users\', 99)' },
    cols = { "id|INTEGER|0|" }, },
  { function(t) t:id():starting_value(7) end,
    {
      'CREATE TABLE "users" ("id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL)',
      'DELETE FROM "sqlite_sequence" WHERE "name" = \'users\'',
      'INSERT INTO "sqlite_sequence" ("name", "seq") VALUES (\'users\', 6)' },
    cols = { "id|INTEGER|0|" }, },
}

describe("sqlite columns", function()
  c.cases(CASES)
end)
