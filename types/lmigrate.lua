---@meta
-- LuaLS definitions of lmigrate's API: every method of the schema
-- builder (Schema, Blueprint, Column, Foreign, Index), self.db (DB),
-- migrations and seeders, with its parameters. See docs/reference.md
-- ("Editor setup"): point "workspace.library" at this folder.

---@class Grammar
---@class QueryBuilder

-- {======================================================
-- Blueprint: the `table` of schema:create / schema:table
-- ======================================================

---@class Blueprint
local Blueprint = {}

--- BIGINT auto-increment primary key (default "id")
---
--- `table:id()`
---@param name? string
---@return Column
function Blueprint:id(name) end

--- INTEGER auto-increment primary key
---
--- `table:increments("id")`
---@param name string
---@return Column
function Blueprint:increments(name) end

--- BIGINT auto-increment primary key
---
--- `table:big_increments("id")`
---@param name string
---@return Column
function Blueprint:big_increments(name) end

--- MEDIUMINT auto-increment primary key
---
--- `table:medium_increments("id")`
---@param name string
---@return Column
function Blueprint:medium_increments(name) end

--- SMALLINT auto-increment primary key
---
--- `table:small_increments("id")`
---@param name string
---@return Column
function Blueprint:small_increments(name) end

--- TINYINT auto-increment primary key
---
--- `table:tiny_increments("id")`
---@param name string
---@return Column
function Blueprint:tiny_increments(name) end

--- same as increments
---
--- `table:integer_increments("id")`
---@param name string
---@return Column
function Blueprint:integer_increments(name) end

--- INTEGER
---
--- `table:integer("votes")`
---@param name string
---@param auto_increment? boolean
---@param unsigned? boolean
---@return Column
function Blueprint:integer(name, auto_increment, unsigned) end

--- BIGINT
---
--- `table:big_integer("views")`
---@param name string
---@param auto_increment? boolean
---@param unsigned? boolean
---@return Column
function Blueprint:big_integer(name, auto_increment, unsigned) end

--- MEDIUMINT
---
--- `table:medium_integer("n")`
---@param name string
---@param auto_increment? boolean
---@param unsigned? boolean
---@return Column
function Blueprint:medium_integer(name, auto_increment, unsigned) end

--- SMALLINT
---
--- `table:small_integer("rank")`
---@param name string
---@param auto_increment? boolean
---@param unsigned? boolean
---@return Column
function Blueprint:small_integer(name, auto_increment, unsigned) end

--- TINYINT
---
--- `table:tiny_integer("level")`
---@param name string
---@param auto_increment? boolean
---@param unsigned? boolean
---@return Column
function Blueprint:tiny_integer(name, auto_increment, unsigned) end

--- Masonite's name for unsigned_integer
---
--- `table:unsigned("count")`
---@param name string
---@param auto_increment? boolean
---@return Column
function Blueprint:unsigned(name, auto_increment) end

--- INTEGER, no negatives
---
--- `table:unsigned_integer("count")`
---@param name string
---@param auto_increment? boolean
---@return Column
function Blueprint:unsigned_integer(name, auto_increment) end

--- BIGINT, no negatives
---
--- `table:unsigned_big_integer("user_id")`
---@param name string
---@param auto_increment? boolean
---@return Column
function Blueprint:unsigned_big_integer(name, auto_increment) end

--- MEDIUMINT, no negatives
---
--- `table:unsigned_medium_integer("n")`
---@param name string
---@param auto_increment? boolean
---@return Column
function Blueprint:unsigned_medium_integer(name, auto_increment) end

--- SMALLINT, no negatives
---
--- `table:unsigned_small_integer("n")`
---@param name string
---@param auto_increment? boolean
---@return Column
function Blueprint:unsigned_small_integer(name, auto_increment) end

--- TINYINT, no negatives
---
--- `table:unsigned_tiny_integer("n")`
---@param name string
---@param auto_increment? boolean
---@return Column
function Blueprint:unsigned_tiny_integer(name, auto_increment) end

--- DECIMAL, no negatives
---
--- `table:unsigned_decimal("price", 8, 2)`
---@param name string
---@param total? integer
---@param places? integer
---@return Column
function Blueprint:unsigned_decimal(name, total, places) end

--- DECIMAL(total, places), default 8, 2
---
--- `table:decimal("amount", 8, 2)`
---@param name string
---@param total? integer
---@param places? integer
---@return Column
function Blueprint:decimal(name, total, places) end

--- FLOAT(precision), default 53
---
--- `table:float("ratio")`
---@param name string
---@param precision? integer
---@return Column
function Blueprint:float(name, precision) end

--- DOUBLE
---
--- `table:double("score")`
---@param name string
---@return Column
function Blueprint:double(name) end

--- BOOLEAN (MySQL TINYINT(1))
---
--- `table:boolean("active")`
---@param name string
---@return Column
function Blueprint:boolean(name) end

--- VARCHAR(length), default 255
---
--- `table:string("email", 100)`
---@param name string
---@param length? integer
---@return Column
function Blueprint:string(name, length) end

--- CHAR(length), default 255
---
--- `table:char("code", 2)`
---@param name string
---@param length? integer
---@return Column
function Blueprint:char(name, length) end

--- TEXT
---
--- `table:text("body")`
---@param name string
---@return Column
function Blueprint:text(name) end

--- TINYTEXT on MySQL, else TEXT
---
--- `table:tiny_text("note")`
---@param name string
---@return Column
function Blueprint:tiny_text(name) end

--- MEDIUMTEXT on MySQL, else TEXT
---
--- `table:medium_text("body")`
---@param name string
---@return Column
function Blueprint:medium_text(name) end

--- LONGTEXT on MySQL, else TEXT
---
--- `table:long_text("body")`
---@param name string
---@return Column
function Blueprint:long_text(name) end

--- BLOB / BYTEA (VARBINARY/BINARY with a length)
---
--- `table:binary("data")`
---@param name string
---@param length? integer
---@param fixed? boolean
---@return Column
function Blueprint:binary(name, length, fixed) end

--- JSON (SQLite TEXT)
---
--- `table:json("options")`
---@param name string
---@return Column
function Blueprint:json(name) end

--- JSONB on PostgreSQL, else JSON
---
--- `table:jsonb("options")`
---@param name string
---@return Column
function Blueprint:jsonb(name) end

--- UUID (CHAR(36) where there is none)
---
--- `table:uuid("uuid")`
---@param name? string
---@return Column
function Blueprint:uuid(name) end

--- CHAR(26)
---
--- `table:ulid("ulid")`
---@param name? string
---@param length? integer
---@return Column
function Blueprint:ulid(name, length) end

--- ENUM, or VARCHAR with a CHECK
---
--- `table:enum("status", { "draft", "published" })`
---@param name string
---@param values string[]
---@return Column
function Blueprint:enum(name, values) end

--- MySQL SET
---
--- `table:set("flags", { "a", "b" })`
---@param name string
---@param values string[]
---@return Column
function Blueprint:set(name, values) end

--- DATE
---
--- `table:date("born_on")`
---@param name string
---@return Column
function Blueprint:date(name) end

--- DATETIME / TIMESTAMP(0)
---
--- `table:datetime("published_at")`
---@param name string
---@param precision? integer
---@return Column
function Blueprint:datetime(name, precision) end

--- same as datetime
---
--- `table:date_time("published_at")`
---@param name string
---@param precision? integer
---@return Column
function Blueprint:date_time(name, precision) end

--- with time zone
---
--- `table:datetime_tz("published_at")`
---@param name string
---@param precision? integer
---@return Column
function Blueprint:datetime_tz(name, precision) end

--- same as datetime_tz
---
--- `table:date_time_tz("published_at")`
---@param name string
---@param precision? integer
---@return Column
function Blueprint:date_time_tz(name, precision) end

--- TIME
---
--- `table:time("opens_at")`
---@param name string
---@param precision? integer
---@return Column
function Blueprint:time(name, precision) end

--- TIME WITH TIME ZONE
---
--- `table:time_tz("opens_at")`
---@param name string
---@param precision? integer
---@return Column
function Blueprint:time_tz(name, precision) end

--- TIMESTAMP
---
--- `table:timestamp("seen_at")`
---@param name string
---@param precision? integer
---@return Column
function Blueprint:timestamp(name, precision) end

--- TIMESTAMP WITH TIME ZONE
---
--- `table:timestamp_tz("seen_at")`
---@param name string
---@param precision? integer
---@return Column
function Blueprint:timestamp_tz(name, precision) end

--- YEAR (SMALLINT / INTEGER elsewhere)
---
--- `table:year("vintage")`
---@param name string
---@return Column
function Blueprint:year(name) end

--- INET / VARCHAR(45)
---
--- `table:inet("ip")`
---@param name string
---@return Column
function Blueprint:inet(name) end

--- same as inet
---
--- `table:ip_address("visitor")`
---@param name? string
---@return Column
function Blueprint:ip_address(name) end

--- CIDR / VARCHAR(45)
---
--- `table:cidr("network")`
---@param name string
---@return Column
function Blueprint:cidr(name) end

--- MACADDR / VARCHAR(17)
---
--- `table:macaddr("device")`
---@param name string
---@return Column
function Blueprint:macaddr(name) end

--- same as macaddr
---
--- `table:mac_address("device")`
---@param name? string
---@return Column
function Blueprint:mac_address(name) end

--- spatial column (PostGIS on PostgreSQL)
---
--- `table:geometry("area", "polygon", 4326)`
---@param name string
---@param subtype? string
---@param srid? integer
---@return Column
function Blueprint:geometry(name, subtype, srid) end

--- geodetic spatial column
---
--- `table:geography("spot", "point", 4326)`
---@param name string
---@param subtype? string
---@param srid? integer
---@return Column
function Blueprint:geography(name, subtype, srid) end

--- a geometry point
---
--- `table:point("location")`
---@param name string
---@param srid? integer
---@return Column
function Blueprint:point(name, srid) end

--- pgvector's VECTOR(n)
---
--- `table:vector("embedding", 1536)`
---@param name string
---@param dimensions? integer
---@return Column
function Blueprint:vector(name, dimensions) end

--- PostgreSQL's TSVECTOR (not on SQLite or MySQL)
---
--- `table:tsvector("search")`
---@param name string
---@return Column
function Blueprint:tsvector(name) end

--- a column whose type is the SQL given; the modifiers apply
---
--- `table:raw_column("code", "int4")`
---@param name string
---@param definition string
---@return Column
function Blueprint:raw_column(name, definition) end

--- SQL Server's computed column: refused on every dialect here, as
--- Laravel's grammars do (a type with stored_as is the generated column)
---
--- `table:computed("total", "price * qty")`
---@param name string
---@param expression string
---@return Column
function Blueprint:computed(name, expression) end

--- unsigned BIGINT for a foreign key
---
--- `table:foreign_id("user_id"):constrained()`
---@param name string
---@return Column
function Blueprint:foreign_id(name) end

--- UUID for a foreign key
---
--- `table:foreign_uuid("user_id")`
---@param name string
---@return Column
function Blueprint:foreign_uuid(name) end

--- CHAR(26) for a foreign key
---
--- `table:foreign_ulid("user_id")`
---@param name string
---@param length? integer
---@return Column
function Blueprint:foreign_ulid(name, length) end

--- foreign_id("user_id") of a model name
---
--- `table:foreign_id_for("User")`
---@param model string
---@param column? string
---@return Column
function Blueprint:foreign_id_for(model, column) end

--- remember_token VARCHAR(100) NULL
---
--- `table:remember_token()`
function Blueprint:remember_token() end

--- deleted_at, nullable
---
--- `table:soft_deletes()`
---@param name? string
---@param precision? integer
---@return Column
function Blueprint:soft_deletes(name, precision) end

--- deleted_at with time zone, nullable
---
--- `table:soft_deletes_tz()`
---@param name? string
---@param precision? integer
---@return Column
function Blueprint:soft_deletes_tz(name, precision) end

--- deleted_at DATETIME, nullable
---
--- `table:soft_deletes_datetime()`
---@param name? string
---@param precision? integer
---@return Column
function Blueprint:soft_deletes_datetime(name, precision) end

--- created_at and updated_at, nullable, DEFAULT CURRENT_TIMESTAMP
---
--- `table:timestamps()`
---@param precision? integer
function Blueprint:timestamps(precision) end

--- the same with time zone
---
--- `table:timestamps_tz()`
---@param precision? integer
function Blueprint:timestamps_tz(precision) end

--- same as timestamps
---
--- `table:nullable_timestamps()`
---@param precision? integer
function Blueprint:nullable_timestamps(precision) end

--- same as timestamps_tz
---
--- `table:nullable_timestamps_tz()`
---@param precision? integer
function Blueprint:nullable_timestamps_tz(precision) end

--- created_at and updated_at DATETIME
---
--- `table:datetimes()`
---@param precision? integer
function Blueprint:datetimes(precision) end

--- taggable_type and taggable_id, indexed
---
--- `table:morphs("taggable")`
---@param name string
---@param index_name? string
---@param after? string
function Blueprint:morphs(name, index_name, after) end

--- the same, nullable
---
--- `table:nullable_morphs("taggable")`
---@param name string
---@param index_name? string
---@param after? string
function Blueprint:nullable_morphs(name, index_name, after) end

--- with a numeric id
---
--- `table:numeric_morphs("taggable")`
---@param name string
---@param index_name? string
---@param after? string
function Blueprint:numeric_morphs(name, index_name, after) end

--- the same, nullable
---
--- `table:nullable_numeric_morphs("taggable")`
---@param name string
---@param index_name? string
---@param after? string
function Blueprint:nullable_numeric_morphs(name, index_name, after) end

--- with a UUID id
---
--- `table:uuid_morphs("taggable")`
---@param name string
---@param index_name? string
---@param after? string
function Blueprint:uuid_morphs(name, index_name, after) end

--- the same, nullable
---
--- `table:nullable_uuid_morphs("taggable")`
---@param name string
---@param index_name? string
---@param after? string
function Blueprint:nullable_uuid_morphs(name, index_name, after) end

--- with a ULID id
---
--- `table:ulid_morphs("taggable")`
---@param name string
---@param index_name? string
---@param after? string
function Blueprint:ulid_morphs(name, index_name, after) end

--- the same, nullable
---
--- `table:nullable_ulid_morphs("taggable")`
---@param name string
---@param index_name? string
---@param after? string
function Blueprint:nullable_ulid_morphs(name, index_name, after) end

--- a primary key
---
--- `table:primary({ "user_id", "role_id" })`
---@param columns string|string[]
---@param name? string
---@param algorithm? string
---@return Index
function Blueprint:primary(columns, name, algorithm) end

--- a unique index
---
--- `table:unique("email")`
---@param columns string|string[]
---@param name? string
---@param algorithm? string
---@return Index
function Blueprint:unique(columns, name, algorithm) end

--- an index (partial with where)
---
--- `table:index({ "a", "b" }, { where = "a > 0" })`
---@param columns string|string[]
---@param name_or_options? string|table
---@param algorithm? string
---@return Index
function Blueprint:index(columns, name_or_options, algorithm) end

--- a full-text index (MySQL, PostgreSQL)
---
--- `table:fulltext("body"):language("english")`
---@param columns string|string[]
---@param name? string
---@param algorithm? string
---@return Index
function Blueprint:fulltext(columns, name, algorithm) end

--- Laravel 12's name of fulltext
---
--- `table:full_text("body")`
---@param columns string|string[]
---@param name? string
---@param algorithm? string
---@return Index
function Blueprint:full_text(columns, name, algorithm) end

--- a spatial index
---
--- `table:spatial_index("location")`
---@param columns string|string[]
---@param name? string
---@return Index
function Blueprint:spatial_index(columns, name) end

--- an index over an SQL expression
---
--- `table:raw_index("lower(email)", "users_email_lower")`
---@param expression string
---@param name string
---@return Index
function Blueprint:raw_index(expression, name) end

--- a CHECK constraint
---
--- `table:check("price >= 0")`
---@param expression string
---@param name? string
function Blueprint:check(expression, name) end

--- a foreign key
---
--- `table:foreign("user_id"):references("id"):on("users")`
---@param columns string|string[]
---@param name? string
---@return Foreign
function Blueprint:foreign(columns, name) end

--- Masonite's "column.ref_column.ref_table" form
---
--- `table:add_foreign("user_id.id.users")`
---@param spec string
---@param name? string
---@return Foreign
function Blueprint:add_foreign(spec, name) end

--- drop columns
---
--- `table:drop_column("votes", "avatar")`
---@param ... string|string[]
function Blueprint:drop_column(...) end

--- take back a column added earlier in this blueprint
---
--- `table:remove_column("title")`
---@param name string
function Blueprint:remove_column(name) end

--- Laravel's `Blueprint::addColumn`: the column `type` makes (Laravel's type names,
--- `"bigInteger"`, `"dateTimeTz"`, `"ipAddress"`, `"raw"`, ..., or the blueprint's column
--- methods, `"unsigned_big_integer"`, any case), its parameters the method's arguments by name
--- (`length`, `auto_increment`, `unsigned`, `total`, `places`, `precision`, `fixed`, `allowed`,
--- `subtype`, `srid`, `dimensions`, `definition`, `expression`), the rest column modifiers by
--- name (`nullable`, `default`, `comment`, `after`, `change`, ...), camelCase or snake_case
---
--- `table:add_column("string", "name", { length = 100, nullable = true })`
---@param type string
---@param name string
---@param params? table<string, any>
---@return Column
function Blueprint:add_column(type, name, params) end

--- MySQL: the columns fn adds go after column, one after the other
---
--- `table:after("name", function() table:string("nick"):nullable() end)`
---@param column string
---@param fn fun(table: Blueprint)
---@return Blueprint
function Blueprint:after(column, fn) end

--- rename a column
---
--- `table:rename_column("from", "to")`
---@param from string
---@param to string
function Blueprint:rename_column(from, to) end

--- rename the table (in schema:table)
---
--- `table:rename("articles")`
---@param to string
function Blueprint:rename(to) end

--- rename an index
---
--- `table:rename_index("old_name", "new_name")`
---@param from string
---@param to string
function Blueprint:rename_index(from, to) end

--- drop an index
---
--- `table:drop_index({ "a", "b" })`
---@param name_or_columns string|string[]
function Blueprint:drop_index(name_or_columns) end

--- drop a unique index
---
--- `table:drop_unique("users_email_unique")`
---@param name_or_columns string|string[]
function Blueprint:drop_unique(name_or_columns) end

--- drop the primary key
---
--- `table:drop_primary()`
---@param name_or_columns? string|string[]
function Blueprint:drop_primary(name_or_columns) end

--- drop a full-text index
---
--- `table:drop_fulltext({ "body" })`
---@param name_or_columns string|string[]
function Blueprint:drop_fulltext(name_or_columns) end

--- Laravel 12's name of drop_fulltext
---
--- `table:drop_full_text({ "body" })`
---@param name_or_columns string|string[]
function Blueprint:drop_full_text(name_or_columns) end

--- PostgreSQL VALIDATE CONSTRAINT of a NOT VALID foreign key
---
--- `table:validate_foreign({ "user_id" })`
---@param name_or_columns string|string[]
---@return Command
function Blueprint:validate_foreign(name_or_columns) end

--- PostgreSQL VALIDATE CONSTRAINT of a NOT VALID CHECK
---
--- `table:validate_check("posts_score_check")`
---@param name string
---@return Command
function Blueprint:validate_check(name) end

--- compile the unsafe forms to their safe ones (what online = true does)
---
--- `table:online()`
---@return Blueprint
function Blueprint:online() end

--- drop a spatial index
---
--- `table:drop_spatial_index({ "location" })`
---@param name_or_columns string|string[]
function Blueprint:drop_spatial_index(name_or_columns) end

--- drop a foreign key
---
--- `table:drop_foreign({ "user_id" })`
---@param name_or_columns string|string[]
function Blueprint:drop_foreign(name_or_columns) end

--- drop the key, then the column
---
--- `table:drop_constrained_foreign_id("user_id")`
---@param column string
function Blueprint:drop_constrained_foreign_id(column) end

--- drop foreign_id_for's column
---
--- `table:drop_foreign_id_for("User")`
---@param model string
---@param column? string
function Blueprint:drop_foreign_id_for(model, column) end

--- drop its key and column
---
--- `table:drop_constrained_foreign_id_for("User")`
---@param model string
---@param column? string
function Blueprint:drop_constrained_foreign_id_for(model, column) end

--- drop morphs' two columns and index
---
--- `table:drop_morphs("taggable")`
---@param name string
---@param index_name? string
function Blueprint:drop_morphs(name, index_name) end

--- drop created_at and updated_at
---
--- `table:drop_timestamps()`
function Blueprint:drop_timestamps() end

--- the same
---
--- `table:drop_timestamps_tz()`
function Blueprint:drop_timestamps_tz() end

--- drop deleted_at
---
--- `table:drop_soft_deletes()`
---@param name? string
function Blueprint:drop_soft_deletes(name) end

--- the same
---
--- `table:drop_soft_deletes_tz()`
---@param name? string
function Blueprint:drop_soft_deletes_tz(name) end

--- drop remember_token
---
--- `table:drop_remember_token()`
function Blueprint:drop_remember_token() end

--- MySQL storage engine; `table.engine = "InnoDB"` too (Laravel's `$table->engine = ...`, as
--- `table.charset`, `table.collation` and `table.temporary = true`)
---
--- `table:engine("InnoDB")`
---@param name string
function Blueprint:engine(name) end

--- engine("InnoDB")
---
--- `table:inno_db()`
function Blueprint:inno_db() end

--- MySQL table character set
---
--- `table:charset("utf8mb4")`
---@param name string
function Blueprint:charset(name) end

--- MySQL table collation
---
--- `table:collation("utf8mb4_unicode_ci")`
---@param name string
function Blueprint:collation(name) end

--- same as table_comment
---
--- `table:comment("the users")`
---@param text string
function Blueprint:comment(text) end

--- a comment on the table
---
--- `table:table_comment("the users")`
---@param text string
function Blueprint:table_comment(text) end

--- CREATE TEMPORARY TABLE
---
--- `table:temporary()`
function Blueprint:temporary() end

--- Laravel's `$table->create()`: a `schema:table` blueprint creates its table (CREATE TABLE, as `schema:create`); nothing in `schema:create`; refused after a drop, rename or `change()`
---
--- `table:create()`
function Blueprint:create() end

--- the blueprint's table
---
--- `table:table_name()`
---@return string
function Blueprint:table_name() end

--- "create", "alter" or "create_if_not_exists"
---
--- `table:mode()`
---@return string
function Blueprint:mode() end

--- the statements, for tools and tests
---
--- `table:to_sql(core.grammar("postgres"))`
---@param grammar Grammar
---@return string[]
function Blueprint:to_sql(grammar) end

--- to_sql with SQLite's rebuild steps (internal)
---
--- `table:rebuild_plan(core.grammar("sqlite"))`
---@param grammar Grammar
---@return table
function Blueprint:rebuild_plan(grammar) end

--- everything the blueprint holds, as plain tables (internal)
---
--- `table:describe()`
---@param grammar? Grammar
---@return table
function Blueprint:describe(grammar) end

-- }======================================================

-- {======================================================
-- Column: what a column method returns, its modifiers
-- ======================================================

---@class Column
local Column = {}

--- allow NULL (nullable(false): NOT NULL again)
---
--- `table:string("bio"):nullable()`
---@param value? boolean
---@return Column
function Column:nullable(value) end

--- no negatives (MySQL UNSIGNED, else a CHECK)
---
--- `table:integer("n"):unsigned()`
---@return Column
function Column:unsigned() end

--- a default: number, string, boolean, lmigrate.raw(sql), lmigrate.null
---
--- `table:boolean("active"):default(true)`
---@param value any
---@return Column
function Column:default(value) end

--- DEFAULT CURRENT_TIMESTAMP
---
--- `table:timestamp("seen_at"):use_current()`
---@return Column
function Column:use_current() end

--- MySQL ON UPDATE CURRENT_TIMESTAMP
---
--- `table:timestamp("updated_at"):use_current_on_update()`
---@return Column
function Column:use_current_on_update() end

--- a unique index on the column; false: none (on a change()d column, drops the one it has)
---
--- `table:string("email"):unique()`, `table:string("email"):unique(false):change()`
---@param name? string|boolean
---@return Column
function Column:unique(name) end

--- an index on the column; false: none (on a change()d column, drops the one it has)
---
--- `table:string("slug"):index()`
---@param name? string|boolean
---@return Column
function Column:index(name) end

--- the column is the primary key; false: not (on a change()d column, drops the key)
---
--- `table:string("code"):primary()`
---@param value? boolean
---@return Column
function Column:primary(value) end

--- a full-text index on the column; false: none (on a change()d column, drops the one it has)
---
--- `table:text("body"):fulltext()`
---@param name? string|boolean
---@return Column
function Column:fulltext(name) end

--- silence the safety lint for this column, saying why
---
--- `table:string("code"):change():unsafe_ok("tiny table")`
---@param why string
---@return Column
function Column:unsafe_ok(why) end

--- Laravel 12's name of fulltext
---
--- `table:text("body"):full_text()`
---@param name? string|boolean
---@return Column
function Column:full_text(name) end

--- a spatial index on the column; false: none (on a change()d column, drops the one it has)
---
--- `table:point("at"):spatial_index()`
---@param name? string|boolean
---@return Column
function Column:spatial_index(name) end

--- a column comment
---
--- `table:string("name"):comment("display name")`
---@param text string
---@return Column
function Column:comment(text) end

--- MySQL: place after a column
---
--- `table:string("nick"):after("name")`
---@param column string
---@return Column
function Column:after(column) end

--- MySQL: place first
---
--- `table:string("nick"):first()`
---@return Column
function Column:first() end

--- alter the existing column (in schema:table): it gets exactly the definition given, so
--- restate every modifier to keep (nullable, default, comment, ...); its indexes stay
--- unless unique(false), index(false), ... drop them
---
--- `table:string("name", 100):change()`
---@return Column
function Column:change() end

--- MySQL column character set
---
--- `table:string("name"):charset("utf8mb4")`
---@param name string
---@return Column
function Column:charset(name) end

--- column collation
---
--- `table:string("name"):collation("C")`
---@param name string
---@return Column
function Column:collation(name) end

--- auto-increment
---
--- `table:integer("n"):auto_increment()`
---@return Column
function Column:auto_increment() end

--- first value of the sequence
---
--- `table:id():starting_value(1000)`
---@param value integer
---@return Column
function Column:starting_value(value) end

--- same as starting_value
---
--- `table:id():from(1000)`
---@param value integer
---@return Column
function Column:from(value) end

--- GENERATED ALWAYS identity (PostgreSQL)
---
--- `table:integer("n"):generated_as():always()`
---@return Column
function Column:always() end

--- PostgreSQL identity column
---
--- `table:integer("n"):generated_as()`
---@param options? string
---@return Column
function Column:generated_as(options) end

--- a virtual generated column
---
--- `table:integer("total"):virtual_as("price * qty")`
---@param expression string
---@return Column
function Column:virtual_as(expression) end

--- a stored generated column
---
--- `table:integer("total"):stored_as("price * qty")`
---@param expression string
---@return Column
function Column:stored_as(expression) end

--- a virtual generated column of the value at a JSON path, "column->path"
--- (not on PostgreSQL before 18)
---
--- `table:string("name"):virtual_as_json("meta->name")`
---@param selector string
---@return Column
function Column:virtual_as_json(selector) end

--- a stored generated column of the value at a JSON path, "column->path"
---
--- `table:string("name"):stored_as_json("meta->name")`
---@param selector string
---@return Column
function Column:stored_as_json(selector) end

--- MySQL INVISIBLE
---
--- `table:string("secret"):invisible()`
---@return Column
function Column:invisible() end

--- MySQL: ALGORITHM=INSTANT on the column's ALTER TABLE
---
--- `table:string("nick"):nullable():instant()`
---@return Column
function Column:instant() end

--- MySQL: LOCK=NONE, SHARED, DEFAULT or EXCLUSIVE on the column's ALTER TABLE
---
--- `table:string("nick"):nullable():lock("none")`
---@param mode "none"|"shared"|"default"|"exclusive"
---@return Column
function Column:lock(mode) end

--- a foreign key to the plural table's id
---
--- `table:foreign_id("user_id"):constrained()`
---@param table? string
---@param column? string
---@param index_name? string
---@return Foreign
function Column:constrained(table, column, index_name) end

--- a foreign key on this column
---
--- `table:integer("user_id"):references("id"):on("users")`
---@param column string
---@param index_name? string
---@return Foreign
function Column:references(column, index_name) end

-- }======================================================

---@class Foreign
local Foreign = {}

--- the referenced columns
---
--- `table:foreign("user_id"):references("id")`
---@param columns string|string[]
---@return Foreign
function Foreign:references(columns) end

--- the referenced table
---
--- `table:foreign("user_id"):references("id"):on("users")`
---@param table string
---@return Foreign
function Foreign:on(table) end

--- "cascade", "set null", "restrict", "no action", "set default"
---
--- `...:on_delete("cascade")`
---@param action string
---@return Foreign
function Foreign:on_delete(action) end

--- the same, on update
---
--- `...:on_update("cascade")`
---@param action string
---@return Foreign
function Foreign:on_update(action) end

--- on_delete("cascade")
---
--- `...:cascade_on_delete()`
---@return Foreign
function Foreign:cascade_on_delete() end

--- on_update("cascade")
---
--- `...:cascade_on_update()`
---@return Foreign
function Foreign:cascade_on_update() end

--- on_delete("set null")
---
--- `...:null_on_delete()`
---@return Foreign
function Foreign:null_on_delete() end

--- on_update("set null")
---
--- `...:null_on_update()`
---@return Foreign
function Foreign:null_on_update() end

--- on_delete("restrict")
---
--- `...:restrict_on_delete()`
---@return Foreign
function Foreign:restrict_on_delete() end

--- on_update("restrict")
---
--- `...:restrict_on_update()`
---@return Foreign
function Foreign:restrict_on_update() end

--- on_delete("no action")
---
--- `...:no_action_on_delete()`
---@return Foreign
function Foreign:no_action_on_delete() end

--- on_update("no action")
---
--- `...:no_action_on_update()`
---@return Foreign
function Foreign:no_action_on_update() end

--- DEFERRABLE (PostgreSQL, SQLite)
---
--- `...:deferrable()`
---@param value? boolean
---@return Foreign
function Foreign:deferrable(value) end

--- INITIALLY DEFERRED
---
--- `...:deferrable():initially_deferred()`
---@param value? boolean
---@return Foreign
function Foreign:initially_deferred(value) end

--- INITIALLY IMMEDIATE
---
--- `...:initially_immediate()`
---@param value? boolean
---@return Foreign
function Foreign:initially_immediate(value) end

--- PostgreSQL NOT VALID: existing rows not checked
---
--- `...:not_valid()`
---@return Foreign
function Foreign:not_valid() end

--- silence the safety lint for this key, saying why
---
--- `...:unsafe_ok("empty table")`
---@param why string
---@return Foreign
function Foreign:unsafe_ok(why) end

---@class Index
local Index = {}

--- the index method (btree, hash, gin, ...)
---
--- `table:index("email"):algorithm("hash")`
---@param name string
---@return Index
function Index:algorithm(name) end

--- the full-text language
---
--- `table:fulltext("body"):language("english")`
---@param name string
---@return Index
function Index:language(name) end

--- PostgreSQL 15 NULLS NOT DISTINCT
---
--- `table:unique("email"):nulls_not_distinct()`
---@param value? boolean
---@return Index
function Index:nulls_not_distinct(value) end

--- a deferrable unique constraint
---
--- `table:unique("email"):deferrable()`
---@param value? boolean
---@return Index
function Index:deferrable(value) end

--- INITIALLY DEFERRED
---
--- `table:unique("email"):deferrable():initially_deferred()`
---@param value? boolean
---@return Index
function Index:initially_deferred(value) end

--- INITIALLY IMMEDIATE
---
--- `table:unique("email"):initially_immediate()`
---@param value? boolean
---@return Index
function Index:initially_immediate(value) end

--- PostgreSQL CREATE/DROP INDEX CONCURRENTLY (MySQL ALGORITHM=INPLACE, LOCK=NONE)
---
--- `table:index("email"):concurrently()`
---@param value? boolean
---@return Index
function Index:concurrently(value) end

--- Laravel 12's name of concurrently
---
--- `table:index("email"):online()`
---@param value? boolean
---@return Index
function Index:online(value) end

--- silence the safety lint for this index, saying why
---
--- `table:index("email"):unsafe_ok("tiny table")`
---@param why string
---@return Index
function Index:unsafe_ok(why) end

-- {======================================================
-- self.schema
-- ======================================================

---@class Schema
local Schema = {}

--- create a table
---
--- `self.schema:create("posts", function(table) table:id() end)`
---@param name string
---@param fn? fun(table: Blueprint)
---@return Blueprint
function Schema:create(name, fn) end

--- create unless it exists
---
--- `self.schema:create_if_not_exists("posts", function(table) table:id() end)`
---@param name string
---@param fn? fun(table: Blueprint)
---@return Blueprint
function Schema:create_if_not_exists(name, fn) end

--- alter a table
---
--- `self.schema:table("posts", function(table) table:string("title") end)`
---@param name string
---@param fn? fun(table: Blueprint)
---@return Blueprint
function Schema:table(name, fn) end

--- drop a table
---
--- `self.schema:drop("posts")`
---@param name string
function Schema:drop(name) end

--- drop a table if it exists
---
--- `self.schema:drop_if_exists("posts")`
---@param name string
function Schema:drop_if_exists(name) end

--- rename a table
---
--- `self.schema:rename("posts", "articles")`
---@param from string
---@param to string
function Schema:rename(from, to) end

--- whether the table exists
---
--- `self.schema:has_table("posts")`
---@param name string
---@return boolean
function Schema:has_table(name) end

--- whether the column exists (any case)
---
--- `self.schema:has_column("posts", "title")`
---@param table string
---@param column string
---@return boolean
function Schema:has_column(table, column) end

--- whether all exist
---
--- `self.schema:has_columns("posts", { "id", "title" })`
---@param table string
---@param columns string[]
---@return boolean
function Schema:has_columns(table, columns) end

--- whether an index exists
---
--- `self.schema:has_index("posts", { "slug" }, "unique")`
---@param table string
---@param index string|string[]
---@param type? string
---@return boolean
function Schema:has_index(table, index, type) end

--- the tables: { name, schema, size, comment, ... }
---
--- `self.schema:get_tables()`
---@return table[]
function Schema:get_tables() end

--- the views: { name, schema, definition }
---
--- `self.schema:get_views()`
---@return table[]
function Schema:get_views() end

--- the table names, "schema.table" unless schema_qualified is false (Laravel 12's getTableListing)
---
--- `self.schema:get_table_listing(nil, false)`
---@param schema? string
---@param schema_qualified? boolean
---@return string[]
function Schema:get_table_listing(schema, schema_qualified) end

--- whether the view exists (any case)
---
--- `self.schema:has_view("post_titles")`
---@param name string
---@return boolean
function Schema:has_view(name) end

--- the columns: { name, type, type_name, nullable, default, ... }
---
--- `self.schema:get_columns("posts")`
---@param table string
---@return table[]
function Schema:get_columns(table) end

--- the column names
---
--- `self.schema:get_column_listing("posts")`
---@param table string
---@return string[]
function Schema:get_column_listing(table) end

--- a column's type name
---
--- `self.schema:get_column_type("posts", "title")`
---@param table string
---@param column string
---@param full? boolean
---@return string
function Schema:get_column_type(table, column, full) end

--- the indexes: { name, columns, type, unique, primary }
---
--- `self.schema:get_indexes("posts")`
---@param table string
---@return table[]
function Schema:get_indexes(table) end

--- the foreign keys: { name, columns, foreign_table, foreign_columns, on_update, on_delete }
---
--- `self.schema:get_foreign_keys("posts")`
---@param table string
---@return table[]
function Schema:get_foreign_keys(table) end

--- the names of the table's indexes (Laravel 12's `getIndexListing`)
---
--- `self.schema:get_index_listing("posts")`
---@param table string
---@return string[]
function Schema:get_index_listing(table) end

--- drop columns of a table
---
--- `self.schema:drop_columns("posts", { "a", "b" })`
---@param table string
---@param columns string|string[]
function Schema:drop_columns(table, columns) end

--- delete every row
---
--- `self.schema:truncate("logs")`
---@param name string
function Schema:truncate(name) end

--- drop every table (fresh)
---
--- `self.schema:drop_all_tables()`
function Schema:drop_all_tables() end

--- drop every view
---
--- `self.schema:drop_all_views()`
function Schema:drop_all_views() end

--- foreign keys off for this migration
---
--- `self.schema:disable_foreign_key_constraints()`
function Schema:disable_foreign_key_constraints() end

--- and on again (checked before commit)
---
--- `self.schema:enable_foreign_key_constraints()`
function Schema:enable_foreign_key_constraints() end

--- fn with foreign keys off
---
--- `self.schema:without_foreign_key_constraints(function() ... end)`
---@param fn fun()
---@return any
function Schema:without_foreign_key_constraints(fn) end

--- alter only if the column is there
---
--- `self.schema:when_table_has_column("posts", "x", function(table) table:drop_column("x") end)`
---@param table string
---@param column string
---@param fn fun(table: Blueprint)
function Schema:when_table_has_column(table, column, fn) end

--- alter only if it is not
---
--- `self.schema:when_table_doesnt_have_column("posts", "x", function(table) table:string("x") end)`
---@param table string
---@param column string
---@param fn fun(table: Blueprint)
function Schema:when_table_doesnt_have_column(table, column, fn) end

--- alter only if the table has the index (a name, or its columns in order; `type` as
--- `has_index`'s)
---
--- `self.schema:when_table_has_index("posts", { "slug" }, function(table) table:drop_index({ "slug" }) end)`
---@param table string
---@param index string|string[]
---@param fn fun(table: Blueprint)
---@param type? string
function Schema:when_table_has_index(table, index, fn, type) end

--- alter only if the table has not the index
---
--- `self.schema:when_table_doesnt_have_index("posts", { "slug" }, function(table) table:index("slug") end)`
---@param table string
---@param index string|string[]
---@param fn fun(table: Blueprint)
---@param type? string
function Schema:when_table_doesnt_have_index(table, index, fn, type) end

--- PostgreSQL's `CREATE EXTENSION IF NOT EXISTS` (Laravel's `ensureExtensionExists`); raises on
--- SQLite and MySQL
---
--- `self.schema:ensure_extension_exists("pg_trgm")`
---@param name string
---@param schema? string
function Schema:ensure_extension_exists(name, schema) end

--- `ensure_extension_exists("vector")`: pgvector, for `vector()` columns
---
--- `self.schema:ensure_vector_extension_exists()`
---@param schema? string
function Schema:ensure_vector_extension_exists(schema) end

--- Laravel's Schema::connection: this schema for nil or its own connection's name; the
--- schema on another connection of lmigrate.lua (opened once per run, its statements in a
--- transaction there committed just before the migration's); an unknown name raises
---
--- `self.schema:connection("analytics"):create("logs", function(table) table:id() end)`
---@param name? string
---@return Schema
function Schema:connection(name) end

--- PostgreSQL: every user-defined type and domain of the schema, with CASCADE (Laravel's dropAllTypes)
---
--- `self.schema:drop_all_types()`
function Schema:drop_all_types() end

--- PostgreSQL: the user-defined types (Laravel's getTypes)
---
--- `for _, t in ipairs(self.schema:get_types()) do print(t.name, t.type) end`
---@param schema? string
---@return { name: string, schema: string, type: string, category: string, implicit: boolean }[]
function Schema:get_types(schema) end

--- Laravel's Schema::getConnection(): the connection this schema runs on
---
--- `if self.schema:get_connection():get_driver_name() == "sqlite" then ... end`
---@return DB
function Schema:get_connection() end

--- Laravel's `Schema::defaultStringLength`: the length of `string()`, `char()` and the `*_type`
--- column of `morphs()` when the call gives none (255); process-wide, as Laravel's: call it at
--- the top of lmigrate.lua (`require("lmigrate.schema").default_string_length(191)`). Without an
--- argument, the length in force
---
--- `self.schema:default_string_length(191)`
---@param length? integer
---@return integer
function Schema:default_string_length(length) end

--- Laravel's `Schema::defaultTimePrecision`: the precision of `date_time()`, `date_time_tz()`,
--- `time()`, `time_tz()`, `timestamp()`, `timestamp_tz()` and the helpers made of them
--- (`timestamps()`, `datetimes()`, `soft_deletes()`, ...) when the call gives none: 0 (the
--- default: each dialect's type as without it), 1 to 6, or false (Laravel's null; or
--- lmigrate.null): no precision, the database's own. Process-wide, as `default_string_length`.
--- Without an argument, the precision in force
---
--- `self.schema:default_time_precision(6)`
---@param precision? integer|false
---@return integer|false
function Schema:default_time_precision(precision) end

--- Laravel's `Schema::defaultMorphKeyType`: "int" (the default), "uuid" or "ulid", the `*_id` of
--- `morphs()` and `nullable_morphs()`; process-wide, as `default_string_length`. Without an
--- argument, the type in force
---
--- `self.schema:default_morph_key_type("uuid")`
---@param type? "int"|"uuid"|"ulid"
---@return string
function Schema:default_morph_key_type(type) end

--- Laravel's `Schema::morphUsingUuids()`: `default_morph_key_type("uuid")`
---
--- `self.schema:morph_using_uuids()`
---@return string
function Schema:morph_using_uuids() end

--- Laravel's `Schema::morphUsingUlids()`: `default_morph_key_type("ulid")`
---
--- `self.schema:morph_using_ulids()`
---@return string
function Schema:morph_using_ulids() end

-- }======================================================

-- {======================================================
-- self.db
-- ======================================================

---@class DB
---@field driver "sqlite"|"postgres"|"mysql"
local DB = {}

--- run SQL -> rows affected
---
--- `self.db:execute("UPDATE posts SET views = 0 WHERE id = ?", 1)`
---@param sql string
---@param ... any
---@return integer
function DB:execute(sql, ...) end

--- rows, keyed by column name
---
--- `self.db:query("SELECT id, title FROM posts WHERE views > ?", 10)`
---@param sql string
---@param ... any
---@return table[]
function DB:query(sql, ...) end

--- the first row, or nil
---
--- `self.db:first("SELECT count(*) AS n FROM posts")`
---@param sql string
---@param ... any
---@return table?
function DB:first(sql, ...) end

--- insert a row or rows (bulk) -> count
---
--- `self.db:insert("posts", { { title = "a" }, { title = "b" } })`
---@param table string
---@param rows table
---@return integer
function DB:insert(table, rows) end

--- a query builder (docs/query-builder.md)
---
--- `self.db:table("posts"):where("id", 1):first()`
---@param name string
---@param alias? string
---@return QueryBuilder
function DB:table(name, alias) end

--- a query builder with no table yet
---
--- `self.db:query_builder():from("posts"):get()`
---@return QueryBuilder
function DB:query_builder() end

--- fn in a transaction (a savepoint inside one); a deadlock or serialization failure of an outermost one runs fn again, attempts times in all
---
--- `self.db:transaction(function() ... end, 3)`
---@param fn fun()
---@param attempts? integer
---@return any
function DB:transaction(fn, attempts) end

--- Laravel's DB::select: the rows; bindings a list or names (:id)
---
--- `self.db:select("SELECT * FROM users WHERE id = :id", { id = 1 })`
---@param sql string
---@param bindings? table
---@return table[]
function DB:select(sql, bindings) end

--- as select (there is one connection)
---
--- `self.db:select_from_write_connection("SELECT 1")`
---@param sql string
---@param bindings? table
---@return table[]
function DB:select_from_write_connection(sql, bindings) end

--- the first row, or nil
---
--- `self.db:select_one("SELECT * FROM users WHERE id = ?", { 1 })`
---@param sql string
---@param bindings? table
---@return table?
function DB:select_one(sql, bindings) end

--- the one column of the first row (nil for none or NULL); several columns raise
---
--- `self.db:scalar("SELECT count(*) FROM users")`
---@param sql string
---@param bindings? table
---@return any
function DB:scalar(sql, bindings) end

--- an iterator over the rows
---
--- `for row in self.db:cursor("SELECT id FROM users") do ... end`
---@param sql string
---@param bindings? table
---@return fun(): table?
function DB:cursor(sql, bindings) end

--- Laravel's DB::statement: run SQL
---
--- `self.db:statement("ALTER TABLE users ADD COLUMN age INTEGER")`
---@param sql string
---@param bindings? table
---@return boolean
function DB:statement(sql, bindings) end

--- run SQL -> rows affected
---
--- `self.db:affecting_statement("UPDATE users SET age = 0")`
---@param sql string
---@param bindings? table
---@return integer
function DB:affecting_statement(sql, bindings) end

--- Laravel's DB::update -> rows affected
---
--- `self.db:update("UPDATE users SET votes = 100 WHERE name = ?", { "Anita" })`
---@param sql string
---@param bindings? table
---@return integer
function DB:update(sql, bindings) end

--- Laravel's DB::delete -> rows affected
---
--- `self.db:delete("DELETE FROM users WHERE votes < ?", { 1 })`
---@param sql string
---@param bindings? table
---@return integer
function DB:delete(sql, bindings) end

--- SQL with no values, one statement or several, sent as it is
---
--- `self.db:unprepared("CREATE TRIGGER ...; CREATE TRIGGER ...")`
---@param sql string
---@return boolean
function DB:unprepared(sql) end

--- Laravel's DB::raw: lmigrate.raw(sql)
---
--- `self.db:table("users"):update({ n = self.db:raw("n + 1") })`
---@param sql string
---@return userdata
function DB:raw(sql) end

--- Laravel's names: sqlite, pgsql, mysql
---
--- `self.db:get_driver_name() == "pgsql"`
---@return string
function DB:get_driver_name() end

--- the current database (SQLite: its file)
---
--- `self.db:get_database_name()`
---@return string
function DB:get_database_name() end

--- always "": lmigrate has no table prefix
---
--- `self.db:get_table_prefix()`
---@return string
function DB:get_table_prefix() end

---@class lmigrate.QueryGrammar
---@field wrap fun(self: lmigrate.QueryGrammar, name: string): string
---@field wrap_table fun(self: lmigrate.QueryGrammar, name: string): string

--- Laravel's DB::getQueryGrammar(): the connection's quoting of names, for
--- raw SQL; wrap and wrap_table quote each dot-separated part
---
--- `local g = self.db:get_query_grammar(); self.db:statement("ALTER TABLE " .. g:wrap_table("tasks") .. " ...")`
---@return lmigrate.QueryGrammar
function DB:get_query_grammar() end

--- whether the statements are printed, not run (--pretend, sql)
---
--- `if not self.db:pretending() then ... end`
---@return boolean
function DB:pretending() end

--- Laravel's name of begin
---
--- `self.db:begin_transaction()`
function DB:begin_transaction() end

--- Laravel's DB::rollBack: rollback
---
--- `self.db:roll_back()`
function DB:roll_back() end

--- fn in a savepoint: a database error rolls back to it -> false, err
---
--- `local ok, err = self.db:try(function() ... end)`
---@param fn fun()
---@return boolean, table?
function DB:try(fn) end

--- begin a transaction (lmigrate's own; a migration uses transaction; `ahead`: the BEGIN goes with the next statement, internal)
---
--- `self.db:begin()`
---@param ahead? boolean
function DB:begin(ahead) end

--- commit what begin began
---
--- `self.db:commit()`
function DB:commit() end

--- roll back what begin began
---
--- `self.db:rollback()`
function DB:rollback() end

--- keep PostgreSQL COPY open across inserts (internal)
---
--- `self.db:defer_copies(true)`
---@param on boolean
---@return boolean
function DB:defer_copies(on) end

--- end an open COPY (internal)
---
--- `self.db:finish_copy()`
function DB:finish_copy() end

--- abandon an open COPY (internal)
---
--- `self.db:abort_copy()`
function DB:abort_copy() end

--- whether calls yield to the scheduler (internal)
---
--- `self.db:waits()`
---@return boolean
function DB:waits() end

--- raise a database error (internal)
---
--- `self.db:fail(sql, msg, code)`
---@param sql string
---@param msg string
---@param code? string
---@param errno? integer
function DB:fail(sql, msg, code, errno) end

--- run sql in the next statement's round trip, just before it; its `rows` left out of that one's count (MySQL multi-statements; internal)
---
--- `self.db:ahead(1, "INSERT INTO log VALUES (?)", 1)`
---@param rows integer
---@param sql string
---@param ... any
function DB:ahead(rows, sql, ...) end

--- the session setting `key` becomes `sql` with the next statement; nothing sent if it is already (internal)
---
--- `self.db:session("lock_wait", "SET SESSION lock_wait_timeout = 5")`
---@param key string
---@param sql string
function DB:session(key, sql) end

--- send what `ahead`/`session` hold, on its own (internal)
---
--- `self.db:flush()`
function DB:flush() end

--- as `ahead`; what is held already commits with it in one transaction (`BEGIN` before, `COMMIT` after; MySQL's journal; internal)
---
--- `self.db:ahead_with(1, "INSERT INTO log VALUES (?)", 1)`
---@param rows integer
---@param sql string
---@param ... any
function DB:ahead_with(rows, sql, ...) end

--- what `fn` executes (one row each) is held for the next statement; `tag` names it in the error when it fails there (internal)
---
--- `self.db:hold("the history row insert of m", fn)`
---@param tag string|nil
---@param fn function
function DB:hold(tag, fn) end

-- }======================================================

---@class Command
--- the handle of a drop, rename, check or validate_* call: unsafe_ok(why)
local Command = {}

--- silence the safety lint for this command, saying why
---@param why string
---@return Command
function Command:unsafe_ok(why) end

---@class Migration
---@field schema Schema
---@field db DB
---@field transaction boolean? false: run outside a transaction (CREATE INDEX CONCURRENTLY)
---@field connection string? Laravel's $connection: the connection of lmigrate.lua its up/down run on (its history row stays on the run's)
---@field should_run (fun(self: Migration): boolean)? Laravel 12's shouldRun: false skips it (SKIPPED, still pending)
local Migration = {}

--- Laravel's getConnection: the class's connection (nil unless set); overriding it moves the migration
---
--- `self.schema:connection(self:get_connection())`
---@return string?
function Migration:get_connection() end

--- a new migration class
---
--- `local CreatePosts = Migration:extend("CreatePosts")`
---@param name string
---@return Migration
function Migration:extend(name) end

--- Laravel's up: what the migration does
function Migration:up() end

--- Laravel's down: what undoes it (a warning at migrate when missing)
function Migration:down() end

---@class BackfillOptions
---@field batch integer? rows a batch (1000)
---@field pause (string|number)? between batches: "50ms", 1
---@field key (string|string[])? the columns walked, unique together (the primary key)
---@field where (table|string|fun(q: table))? which rows
---@field set table? { column = value }: the declarative form, one UPDATE a batch

--- walk a table in key order in batches after up (or down) commits,
--- resuming after a kill: fn(rows, db) per batch, or options.set/where
--- (docs/query-builder.md)
---
--- `self:backfill("songs", { batch = 1000 }, function(rows, db) ... end)`
---@param table string
---@param options BackfillOptions|fun(rows: table[], db: DB)
---@param fn? fun(rows: table[], db: DB)
function Migration:backfill(table, options, fn) end

--- Laravel's Artisan::call('db:seed', ['--class' => ...]): the seeder (default DatabaseSeeder, or a list in order) inside the migration's transaction; params reach its run(self, params)
---
--- `self:seed("RolesSeeder")`
---@param class? string|string[]
---@param params? table
function Migration:seed(class, params) end

---@class SeedCommand
---@field info fun(self: SeedCommand, text: string)
---@field line fun(self: SeedCommand, text: string)
---@field comment fun(self: SeedCommand, text: string)
---@field question fun(self: SeedCommand, text: string)
---@field warn fun(self: SeedCommand, text: string)
---@field error fun(self: SeedCommand, text: string)
---@field new_line fun(self: SeedCommand, n?: integer)
---@field alert fun(self: SeedCommand, text: string)
---@field table fun(self: SeedCommand, headers: string[], rows: table[])

---@class Seeder
---@field schema Schema
---@field db DB
---@field fake table lmigrate.fake, seeded by --random-seed
---@field command SeedCommand Laravel's $this->command: info, line, comment, question, warn, error, new_line, alert, table
local Seeder = {}

--- a new seeder class
---
--- `local DatabaseSeeder = Seeder:extend("DatabaseSeeder")`
---@param name string
---@return Seeder
function Seeder:extend(name) end

--- run each seeder (a class name or a list, in order) in this seeder's transaction; params go to its run(self, params); silent: no line of its own
---
--- `self:call({ "UserSeeder", "PostSeeder" })`
---@param names string|string[]
---@param silent? boolean
---@param params? table
function Seeder:call(names, silent, params) end

--- as call, with parameters
---
--- `self:call_with("UserSeeder", { count = 10 })`
---@param names string|string[]
---@param params table
function Seeder:call_with(names, params) end

--- as call, without the seeder's line
---
--- `self:call_silent("UserSeeder")`
---@param names string|string[]
---@param params? table
function Seeder:call_silent(names, params) end

--- as call, but a seeder this seed called already is not run again
---
--- `self:call_once("RoleSeeder")`
---@param names string|string[]
---@param silent? boolean
---@param params? table
function Seeder:call_once(names, silent, params) end

--- n rows built by fn, bulk-inserted
---
--- `self:factory("users", 100, function(i, fake) return { name = fake.name() } end)`
---@param table string
---@param n integer
---@param fn fun(i: integer, fake: table): table
---@return integer
function Seeder:factory(table, n, fn) end

--- as Migration:backfill, after the seeder commits (the seeder `lmigrate
--- seed` runs); the next seed of it goes on after a kill
---
--- `self:backfill("songs", { set = { code = "c" } })`
---@param table string
---@param options BackfillOptions|fun(rows: table[], db: DB)
---@param fn? fun(rows: table[], db: DB)
function Seeder:backfill(table, options, fn) end

--- what the seeder does
function Seeder:run() end

---@class HashOptions
---@field rounds? integer bcrypt's rounds, 4 to 31 (default BCRYPT_ROUNDS, else 12)

--- Laravel's Hash facade with its bcrypt driver (docs/query-builder.md)
---@class LmigrateHash
local Hash = {}

--- a new bcrypt hash ("$2y$..."), with a salt of its own: `lmigrate.hash.make("secret")`
---@param value string|number
---@param options? HashOptions
---@return string
function Hash.make(value, options) end

--- whether value is the password of the bcrypt hash (false for an empty one)
---@param value string|number
---@param hashed string?
---@return boolean
function Hash.check(value, hashed) end

--- whether the hash was made with other rounds, or is no bcrypt hash
---@param hashed string
---@param options? HashOptions
---@return boolean
function Hash.needs_rehash(hashed, options) end

--- `{ algo = "2y", algo_name = "bcrypt", options = { cost = 10 } }`, or algo_name "unknown"
---@param hashed string
---@return { algo?: string, algo_name: string, options: { cost?: integer } }
function Hash.info(hashed) end

--- whether value is a bcrypt hash
---@param value any
---@return boolean
function Hash.is_hashed(value) end

--- Laravel's Str helpers (docs/query-builder.md): slug, ascii, random, uuid, uuid7, ulid,
--- is_uuid, is_ulid, snake, kebab, studly, pascal, camel, title, lower, upper, ucfirst,
--- lcfirst, plural, singular, limit
---@class LmigrateStr
---@field slug fun(title: string, separator?: string, language?: string|false, dictionary?: table<string, string>): string
---@field ascii fun(value: string, language?: string): string
---@field random fun(length?: integer): string
---@field uuid fun(): string
---@field uuid7 fun(time?: number): string
---@field ulid fun(time?: number): string
---@field is_uuid fun(value: any): boolean
---@field is_ulid fun(value: any): boolean
---@field snake fun(value: string, delimiter?: string): string
---@field kebab fun(value: string): string
---@field studly fun(value: string): string
---@field pascal fun(value: string): string
---@field camel fun(value: string): string
---@field title fun(value: string): string
---@field lower fun(value: string): string
---@field upper fun(value: string): string
---@field ucfirst fun(value: string): string
---@field lcfirst fun(value: string): string
---@field plural fun(value: string, count?: number): string
---@field singular fun(value: string): string
---@field limit fun(value: string, limit?: integer, ending?: string): string

---@class lmigrate
---@field str LmigrateStr Laravel's Str helpers
---@field null userdata SQL NULL
---@field fake table made-up values (docs/query-builder.md)
---@field hash LmigrateHash bcrypt hashes as Laravel's Hash::make
---@field version string
local lmigrate = {}

--- PHP's md5(): lower-case hex, or the 16 raw bytes with binary
---@param data string|number
---@param binary? boolean
---@return string
function lmigrate.md5(data, binary) end

--- PHP's sha1(): lower-case hex, or the 20 raw bytes with binary
---@param data string|number
---@param binary? boolean
---@return string
function lmigrate.sha1(data, binary) end

--- PHP's hash(algo, data, binary): "md5", "sha1" or "sha256"
---@param algo "md5"|"sha1"|"sha256"
---@param data string|number
---@param binary? boolean
---@return string
function lmigrate.digest(algo, data, binary) end

--- Laravel's bcrypt() helper: `lmigrate.bcrypt("secret")` is lmigrate.hash.make
---@param value string|number
---@param options? HashOptions
---@return string
function lmigrate.bcrypt(value, options) end

--- SQL pasted verbatim: `table:date("d"):default(lmigrate.raw("CURRENT_DATE"))`
---@param sql string
---@return userdata
function lmigrate.raw(sql) end

--- a command from a Lua program: `lmigrate.run{ command = "migrate", database = "sqlite:app.db" }`
---@param t { command: string, database?: string, connection?: string, path?: string, quiet?: boolean, [string]: any }
---@return integer status
function lmigrate.run(t) end

return lmigrate
