-- spec/grammar/columns_postgres_spec.lua: the column conformance suite on
-- PostgreSQL: every column type and modifier (Laravel 12's, by their
-- snake_case names, and Masonite's), its exact SQL, run in a transaction
-- rolled back, and what the server then reports of each column
-- (format_type, nullability with 1 = NULL, default) and of the indexes.
-- The spatial types need PostGIS (scripts/install-deps.sh installs it;
-- the case creates the extension); vector needs pgvector, which Debian 12
-- does not package: its SQL is checked, not run.
local core = require("lmigrate.core")
local c = require("spec.support.columns").suite("postgres")
local GIS = "CREATE EXTENSION IF NOT EXISTS postgis;"
local CASES = {
  { function(t) t:id() end,
    'CREATE TABLE "users" ("id" BIGSERIAL PRIMARY KEY NOT NULL)',
    cols = { "id|bigint|0|nextval('users_id_seq'::regclass)" },
    indexes = { "index|users_pkey|id" } },
  { function(t) t:id("key") end,
    'CREATE TABLE "users" ("key" BIGSERIAL PRIMARY KEY NOT NULL)',
    cols = { "key|bigint|0|nextval('users_key_seq'::regclass)" },
    indexes = { "index|users_pkey|key" } },
  { function(t) t:increments("a") end,
    'CREATE TABLE "users" ("a" SERIAL PRIMARY KEY NOT NULL)',
    cols = { "a|integer|0|nextval('users_a_seq'::regclass)" },
    indexes = { "index|users_pkey|a" } },
  { function(t) t:big_increments("a") end,
    'CREATE TABLE "users" ("a" BIGSERIAL PRIMARY KEY NOT NULL)',
    cols = { "a|bigint|0|nextval('users_a_seq'::regclass)" },
    indexes = { "index|users_pkey|a" } },
  { function(t) t:small_increments("a") end,
    'CREATE TABLE "users" ("a" SMALLSERIAL PRIMARY KEY NOT NULL)',
    cols = { "a|smallint|0|nextval('users_a_seq'::regclass)" },
    indexes = { "index|users_pkey|a" } },
  { function(t) t:medium_increments("a") end,
    'CREATE TABLE "users" ("a" SERIAL PRIMARY KEY NOT NULL)',
    cols = { "a|integer|0|nextval('users_a_seq'::regclass)" },
    indexes = { "index|users_pkey|a" } },
  { function(t) t:tiny_increments("a") end,
    'CREATE TABLE "users" ("a" SMALLSERIAL PRIMARY KEY NOT NULL)',
    cols = { "a|smallint|0|nextval('users_a_seq'::regclass)" },
    indexes = { "index|users_pkey|a" } },
  { function(t) t:integer("a", true) end,
    'CREATE TABLE "users" ("a" SERIAL PRIMARY KEY NOT NULL)',
    cols = { "a|integer|0|nextval('users_a_seq'::regclass)" },
    indexes = { "index|users_pkey|a" } },
  { function(t) t:big_integer("a", true, true) end,
    'CREATE TABLE "users" ("a" BIGSERIAL PRIMARY KEY NOT NULL)',
    cols = { "a|bigint|0|nextval('users_a_seq'::regclass)" },
    indexes = { "index|users_pkey|a" } },
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
      .. '"e" SMALLINT NOT NULL CONSTRAINT "users_e_unsigned" CHECK ("e" >= 0), '
      .. '"f" INTEGER NOT NULL)',
    cols = { "a|integer|0|", "b|integer|0|", "c|bigint|0|", "d|smallint|0|", "e|smallint|0|",
      "f|integer|0|" }, },
  { function(t) t:unsigned_integer("a");
      t:unsigned_big_integer("b");
      t:unsigned_small_integer("c");
      t:unsigned_tiny_integer("d");
      t:unsigned_medium_integer("e") end,
    'CREATE TABLE "users" ("a" INTEGER NOT NULL CONSTRAINT "users_a_unsigned" CHECK ("a" >= 0), '
      .. '"b" BIGINT NOT NULL CONSTRAINT "users_b_unsigned" CHECK ("b" >= 0), '
      .. '"c" SMALLINT NOT NULL CONSTRAINT "users_c_unsigned" CHECK ("c" >= 0), '
      .. '"d" SMALLINT NOT NULL CONSTRAINT "users_d_unsigned" CHECK ("d" >= 0), '
      .. '"e" INTEGER NOT NULL CONSTRAINT "users_e_unsigned" CHECK ("e" >= 0))',
    cols = { "a|integer|0|", "b|bigint|0|", "c|smallint|0|", "d|smallint|0|", "e|integer|0|" }, },
  { function(t) t:string("a");
      t:string("b", 100);
      t:char("c");
      t:char("d", 4);
      t:ulid();
      t:ulid("u2", 30) end,
    'CREATE TABLE "users" ("a" VARCHAR(255) NOT NULL, "b" VARCHAR(100) NOT NULL, '
      .. '"c" CHAR(255) NOT NULL, "d" CHAR(4) NOT NULL, "ulid" CHAR(26) NOT NULL, '
      .. '"u2" CHAR(30) NOT NULL)',
    cols = { "a|character varying(255)|0|", "b|character varying(100)|0|", "c|character(255)|0|",
      "d|character(4)|0|", "ulid|character(26)|0|", "u2|character(30)|0|" }, },
  { function(t) t:text("a"); t:tiny_text("b"); t:medium_text("c"); t:long_text("d") end,
    'CREATE TABLE "users" ("a" TEXT NOT NULL, "b" TEXT NOT NULL, "c" TEXT NOT NULL, '
      .. '"d" TEXT NOT NULL)',
    cols = { "a|text|0|", "b|text|0|", "c|text|0|", "d|text|0|" }, },
  { function(t) t:boolean("a"):default(true);
      t:decimal("b");
      t:decimal("c", 10, 4);
      t:unsigned_decimal("d", 5, 1) end,
    'CREATE TABLE "users" ("a" BOOLEAN NOT NULL DEFAULT TRUE, "b" DECIMAL(8, '
      .. '2) NOT NULL, "c" DECIMAL(10, 4) NOT NULL, "d" DECIMAL(5, '
      .. '1) NOT NULL CONSTRAINT "users_d_unsigned" CHECK ("d" >= 0))',
    cols = { "a|boolean|0|true", "b|numeric(8,2)|0|", "c|numeric(10,4)|0|", "d|numeric(5,1)|0|" }, },
  { function(t) t:float("a"); t:float("b", 24); t:double("c") end,
    'CREATE TABLE "users" ("a" DOUBLE PRECISION NOT NULL, "b" FLOAT(24) NOT NULL, '
      .. '"c" DOUBLE PRECISION NOT NULL)',
    cols = { "a|double precision|0|", "b|real|0|", "c|double precision|0|" }, },
  { function(t) t:date("a");
      t:date_time("b");
      t:datetime("c", 3);
      t:date_time_tz("d");
      t:date_time_tz("e", 6) end,
    'CREATE TABLE "users" ("a" DATE NOT NULL, "b" TIMESTAMP(0) NOT NULL, '
      .. '"c" TIMESTAMP(3) NOT NULL, "d" TIMESTAMPTZ(0) NOT NULL, "e" TIMESTAMPTZ(6) NOT NULL)',
    cols = { "a|date|0|", "b|timestamp(0) without time zone|0|", "c|timestamp(3) without time zone|0|",
      "d|timestamp(0) with time zone|0|", "e|timestamp(6) with time zone|0|" }, },
  { function(t) t:time("a");
      t:time("b", 2);
      t:time_tz("c");
      t:time_tz("d", 4);
      t:timestamp("e");
      t:timestamp("f", 3);
      t:timestamp_tz("g");
      t:timestamp_tz("h", 1);
      t:year("i") end,
    'CREATE TABLE "users" ("a" TIME NOT NULL, "b" TIME(2) NOT NULL, "c" TIMETZ NOT NULL, '
      .. '"d" TIMETZ(4) NOT NULL, "e" TIMESTAMP(0) NOT NULL, "f" TIMESTAMP(3) NOT NULL, '
      .. '"g" TIMESTAMPTZ(0) NOT NULL, "h" TIMESTAMPTZ(1) NOT NULL, "i" SMALLINT NOT NULL)',
    cols = { "a|time without time zone|0|", "b|time(2) without time zone|0|",
      "c|time with time zone|0|", "d|time(4) with time zone|0|",
      "e|timestamp(0) without time zone|0|", "f|timestamp(3) without time zone|0|",
      "g|timestamp(0) with time zone|0|", "h|timestamp(1) with time zone|0|", "i|smallint|0|" }, },
  { function(t) t:timestamps() end,
    'CREATE TABLE "users" ("created_at" TIMESTAMPTZ(0) NULL DEFAULT CURRENT_TIMESTAMP, '
      .. '"updated_at" TIMESTAMPTZ(0) NULL DEFAULT CURRENT_TIMESTAMP)',
    cols = { "created_at|timestamp(0) with time zone|1|CURRENT_TIMESTAMP",
      "updated_at|timestamp(0) with time zone|1|CURRENT_TIMESTAMP" }, },
  { function(t) t:timestamps(3) end,
    'CREATE TABLE "users" ("created_at" TIMESTAMPTZ(3) NULL DEFAULT CURRENT_TIMESTAMP, '
      .. '"updated_at" TIMESTAMPTZ(3) NULL DEFAULT CURRENT_TIMESTAMP)',
    cols = { "created_at|timestamp(3) with time zone|1|CURRENT_TIMESTAMP",
      "updated_at|timestamp(3) with time zone|1|CURRENT_TIMESTAMP" }, },
  { function(t) t:nullable_timestamps() end,
    'CREATE TABLE "users" ("created_at" TIMESTAMPTZ(0) NULL DEFAULT CURRENT_TIMESTAMP, '
      .. '"updated_at" TIMESTAMPTZ(0) NULL DEFAULT CURRENT_TIMESTAMP)',
    cols = { "created_at|timestamp(0) with time zone|1|CURRENT_TIMESTAMP",
      "updated_at|timestamp(0) with time zone|1|CURRENT_TIMESTAMP" }, },
  { function(t) t:timestamps_tz(2) end,
    'CREATE TABLE "users" ("created_at" TIMESTAMPTZ(2) NULL DEFAULT CURRENT_TIMESTAMP, '
      .. '"updated_at" TIMESTAMPTZ(2) NULL DEFAULT CURRENT_TIMESTAMP)',
    cols = { "created_at|timestamp(2) with time zone|1|CURRENT_TIMESTAMP",
      "updated_at|timestamp(2) with time zone|1|CURRENT_TIMESTAMP" }, },
  { function(t) t:datetimes() end,
    'CREATE TABLE "users" ("created_at" TIMESTAMP(0) NULL, '
      .. '"updated_at" TIMESTAMP(0) NULL)',
    cols = { "created_at|timestamp(0) without time zone|1|",
      "updated_at|timestamp(0) without time zone|1|" }, },
  { function(t) t:soft_deletes(); t:soft_deletes_tz("gone_at", 2); t:soft_deletes_datetime("x") end,
    'CREATE TABLE "users" ("deleted_at" TIMESTAMPTZ(0) NULL, '
      .. '"gone_at" TIMESTAMPTZ(2) NULL, "x" TIMESTAMP(0) NULL)',
    cols = { "deleted_at|timestamp(0) with time zone|1|", "gone_at|timestamp(2) with time zone|1|",
      "x|timestamp(0) without time zone|1|" }, },
  { function(t) t:json("a"); t:jsonb("b"); t:uuid(); t:binary("c"); t:binary("d", 16, true) end,
    'CREATE TABLE "users" ("a" JSON NOT NULL, "b" JSONB NOT NULL, "uuid" UUID NOT NULL, '
      .. '"c" BYTEA NOT NULL, "d" BYTEA NOT NULL)',
    cols = { "a|json|0|", "b|jsonb|0|", "uuid|uuid|0|", "c|bytea|0|", "d|bytea|0|" }, },
  { function(t) t:enum("a", { "x", "y" }):default("x") end,
    'CREATE TABLE "users" ("a" VARCHAR(255) NOT NULL DEFAULT \'x\' '
      .. 'CONSTRAINT "users_a_check" CHECK ("a" IN (\'x\', '
      .. '\'y\')))',
    cols = { "a|character varying(255)|0|'x'::character varying" }, },
  { function(t) t:ip_address(); t:mac_address(); t:inet("a"); t:cidr("b"); t:macaddr("c") end,
    'CREATE TABLE "users" ("ip_address" INET NOT NULL, "mac_address" MACADDR NOT NULL, '
      .. '"a" INET NOT NULL, "b" CIDR NOT NULL, "c" MACADDR NOT NULL)',
    cols = { "ip_address|inet|0|", "mac_address|macaddr|0|", "a|inet|0|", "b|cidr|0|", "c|macaddr|0|" }, },
  { function(t) t:geometry("a");
      t:geometry("b", "point");
      t:geometry("c", "polygon", 3857);
      t:geography("d");
      t:geography("e", "point");
      t:geography("f", "linestring", 4269);
      t:point("g") end,
    'CREATE TABLE "users" ("a" GEOMETRY NOT NULL, "b" GEOMETRY(point) NOT NULL, '
      .. '"c" GEOMETRY(polygon, 3857) NOT NULL, "d" GEOGRAPHY NOT NULL, "e" GEOGRAPHY(point, '
      .. '4326) NOT NULL, "f" GEOGRAPHY(linestring, 4269) NOT NULL, '
      .. '"g" GEOMETRY(point) NOT NULL)',
    cols = { "a|geometry|0|", "b|geometry(Point)|0|", "c|geometry(Polygon,3857)|0|", "d|geography|0|",
      "e|geography(Point,4326)|0|", "f|geography(LineString,4269)|0|", "g|geometry(Point)|0|" },
    setup = GIS },
  { function(t) t:morphs("taggable") end,
    {
      'CREATE TABLE "users" ("taggable_type" VARCHAR(255) NOT NULL, '
        .. '"taggable_id" BIGINT NOT NULL CONSTRAINT "users_taggable_id_unsigned" '
        .. 'CHECK ("taggable_id" >= 0))',
      'CREATE INDEX "users_taggable_type_taggable_id_index" ON "users" ("taggable_type", '
        .. '"taggable_id")' },
    cols = { "taggable_type|character varying(255)|0|", "taggable_id|bigint|0|" },
    indexes = { "index|users_taggable_type_taggable_id_index|taggable_type,taggable_id" } },
  { function(t) t:nullable_morphs("taggable", "tix") end,
    {
      'CREATE TABLE "users" ("taggable_type" VARCHAR(255) NULL, '
        .. '"taggable_id" BIGINT NULL CONSTRAINT "users_taggable_id_unsigned" CHECK ("taggable_id" >= 0))',
      'CREATE INDEX "tix" ON "users" ("taggable_type", "taggable_id")' },
    cols = { "taggable_type|character varying(255)|1|", "taggable_id|bigint|1|" },
    indexes = { "index|tix|taggable_type,taggable_id" } },
  { function(t) t:uuid_morphs("m"); t:nullable_uuid_morphs("n") end,
    {
      'CREATE TABLE "users" ("m_type" VARCHAR(255) NOT NULL, "m_id" UUID NOT NULL, '
        .. '"n_type" VARCHAR(255) NULL, "n_id" UUID NULL)',
      'CREATE INDEX "users_m_type_m_id_index" ON "users" ("m_type", "m_id")',
      'CREATE INDEX "users_n_type_n_id_index" ON "users" ("n_type", "n_id")' },
    cols = { "m_type|character varying(255)|0|", "m_id|uuid|0|", "n_type|character varying(255)|1|",
      "n_id|uuid|1|" },
    indexes = { "index|users_m_type_m_id_index|m_type,m_id", "index|users_n_type_n_id_index|n_type,n_id" } },
  { function(t) t:ulid_morphs("m"); t:nullable_ulid_morphs("n") end,
    {
      'CREATE TABLE "users" ("m_type" VARCHAR(255) NOT NULL, "m_id" CHAR(26) NOT NULL, '
        .. '"n_type" VARCHAR(255) NULL, "n_id" CHAR(26) NULL)',
      'CREATE INDEX "users_m_type_m_id_index" ON "users" ("m_type", "m_id")',
      'CREATE INDEX "users_n_type_n_id_index" ON "users" ("n_type", "n_id")' },
    cols = { "m_type|character varying(255)|0|", "m_id|character(26)|0|",
      "n_type|character varying(255)|1|", "n_id|character(26)|1|" },
    indexes = { "index|users_m_type_m_id_index|m_type,m_id", "index|users_n_type_n_id_index|n_type,n_id" } },
  { function(t) t:remember_token() end,
    'CREATE TABLE "users" ("remember_token" VARCHAR(100) NULL)',
    cols = { "remember_token|character varying(100)|1|" }, },
  { function(t) t:foreign_id("a");
      t:foreign_uuid("b");
      t:foreign_ulid("c");
      t:foreign_ulid("d", 32);
      t:foreign_id_for("categories");
      t:foreign_id_for("users", "owner") end,
    'CREATE TABLE "users" ("a" BIGINT NOT NULL, "b" UUID NOT NULL, '
      .. '"c" CHAR(26) NOT NULL, "d" CHAR(32) NOT NULL, "category_id" BIGINT NOT NULL, '
      .. '"owner" BIGINT NOT NULL)',
    cols = { "a|bigint|0|", "b|uuid|0|", "c|character(26)|0|", "d|character(32)|0|",
      "category_id|bigint|0|", "owner|bigint|0|" }, },
  -- modifiers
  { function(t) t:string("a"):nullable():default(nil);
      t:string("b"):nullable():default(core.null);
      t:string("c"):nullable(false) end,
    'CREATE TABLE "users" ("a" VARCHAR(255) NULL DEFAULT NULL, '
      .. '"b" VARCHAR(255) NULL DEFAULT NULL, "c" VARCHAR(255) NOT NULL)',
    cols = { "a|character varying(255)|1|NULL::character varying",
      "b|character varying(255)|1|NULL::character varying", "c|character varying(255)|0|" }, },
  -- default(nil) on a NOT NULL column: no default, as Laravel writes none for
  -- default(null) (MySQL refuses NOT NULL DEFAULT NULL)
  { function(t) t:string("a"):default(nil);
      t:integer("b"):nullable(false):default(core.null) end,
    'CREATE TABLE "users" ("a" VARCHAR(255) NOT NULL, "b" INTEGER NOT NULL)',
    cols = { "a|character varying(255)|0|", "b|integer|0|" }, },
  { function(t) t:integer("a"):unsigned(); t:integer("b"):auto_increment() end,
    'CREATE TABLE "users" ("a" INTEGER NOT NULL CONSTRAINT "users_a_unsigned" CHECK ("a" >= 0), '
      .. '"b" SERIAL PRIMARY KEY NOT NULL)',
    cols = { "a|integer|0|", "b|integer|0|nextval('users_b_seq'::regclass)" },
    indexes = { "index|users_pkey|b" } },
  { function(t) t:string("a"):charset("utf8mb4"):collation("C");
      t:string("b"):nullable():comment("hi"):after("a"):first():invisible() end,
    {
      'CREATE TABLE "users" ("a" VARCHAR(255) COLLATE "C" NOT NULL, "b" VARCHAR(255) NULL)',
      'COMMENT ON COLUMN "users"."b" IS \'hi\'' },
    cols = { "a|character varying(255)|0|", "b|character varying(255)|1|" }, },
  { function(t) t:integer("a");
      t:integer("b"):stored_as('"a" * 2');
      t:integer("c"):stored_as(core.raw('"a" + 1')):nullable() end,
    -- NOT NULL unless nullable(), a generated column too, as Laravel's PostgreSQL grammar
    'CREATE TABLE "users" ("a" INTEGER NOT NULL, '
      .. '"b" INTEGER NOT NULL GENERATED ALWAYS AS ("a" * 2) STORED, '
      .. '"c" INTEGER NULL GENERATED ALWAYS AS ("a" + 1) STORED)',
    cols = { "a|integer|0|", "b|integer|0|(a * 2)", "c|integer|1|(a + 1)" }, },
  { function(t) t:integer("id"):generated_as();
      t:big_integer("b"):generated_as("START WITH 10 INCREMENT BY 2"):always() end,
    'CREATE TABLE "users" ("id" INTEGER NOT NULL GENERATED BY DEFAULT AS IDENTITY, '
      .. '"b" BIGINT NOT NULL GENERATED ALWAYS AS IDENTITY (START WITH 10 INCREMENT BY 2))',
    cols = { "id|integer|0|", "b|bigint|0|" }, },
  { function(t) t:increments("id"):generated_as():always() end,
    'CREATE TABLE "users" ("id" INTEGER PRIMARY KEY NOT NULL GENERATED ALWAYS AS IDENTITY)',
    cols = { "id|integer|0|" },
    indexes = { "index|users_pkey|id" } },
  { function(t) t:date("a"):use_current();
      t:year("b"):use_current();
      t:timestamp("c", 3):use_current();
      t:date_time_tz("d"):use_current() end,
    'CREATE TABLE "users" ("a" DATE NOT NULL DEFAULT CURRENT_DATE, '
      .. '"b" SMALLINT NOT NULL DEFAULT EXTRACT(YEAR FROM CURRENT_DATE), '
      .. '"c" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, '
      .. '"d" TIMESTAMPTZ(0) NOT NULL DEFAULT CURRENT_TIMESTAMP)',
    cols = { "a|date|0|CURRENT_DATE", "b|smallint|0|EXTRACT(year FROM CURRENT_DATE)",
      "c|timestamp(3) without time zone|0|CURRENT_TIMESTAMP",
      "d|timestamp(0) with time zone|0|CURRENT_TIMESTAMP" }, },
  { function(t) t:increments("id"):from(100) end,
    {
      'CREATE TABLE "users" ("id" SERIAL PRIMARY KEY NOT NULL)',
      'SELECT setval(pg_get_serial_sequence(\'"users"\', \'id\'), 100, false)' },
    cols = { "id|integer|0|nextval('users_id_seq'::regclass)" },
    indexes = { "index|users_pkey|id" } },
  { function(t) t:id():starting_value(7) end,
    {
      'CREATE TABLE "users" ("id" BIGSERIAL PRIMARY KEY NOT NULL)',
      'SELECT setval(pg_get_serial_sequence(\'"users"\', \'id\'), 7, false)' },
    cols = { "id|bigint|0|nextval('users_id_seq'::regclass)" },
    indexes = { "index|users_pkey|id" } },
}

describe("postgres columns", function()
  c.cases(CASES)
end)
