-- spec/grammar/change_rows_spec.lua: change() on tables that hold rows, on
-- every dialect. SQLite rebuilds the table (lmigrate.schema on a real
-- connection): the rows, the primary key and its AUTOINCREMENT counter,
-- the foreign keys (inline REFERENCES and table constraints), UNIQUE, the
-- indexes and the children's rows (ON DELETE CASCADE) all survive.
-- PostgreSQL (lmigrate.schema in a transaction rolled back) and MariaDB
-- (the mysql grammar's SQL through the mariadb client) change the column
-- in place; the CHECKs lmigrate derived from unsigned() and enum() give
-- way to what the new definition needs, and the rows stay.
local core = require("lmigrate.core")
local DB = require("lmigrate.db")
local schema = require("lmigrate.schema")
local servers = require("spec.support.servers")
local harness = require("spec.support.grammar")

-- a schema on connection 'conn' of 'dialect'
local function open(dialect, conn)
  local g = core.grammar(dialect)
  local db = DB.new(conn, g)
  return schema.new(db, g), db
end

-- the users table of every case, with teams above it and posts below
local function build(s, db)
  s:create("teams", function(t) t:id() end)
  s:create("users", function(t)
    t:increments("id")
    t:foreign_id("team_id"):nullable():constrained():cascade_on_delete()
    t:string("email"):unique()
    t:unsigned_integer("score"):default(0)
    t:enum("level", { "low", "high" }):default("low")
    t:string("name"):index()
  end)
  s:create("posts", function(t)
    t:id()
    t:unsigned_integer("user_id")
    t:foreign("user_id"):references("id"):on("users"):on_delete("cascade")
  end)
  db:execute("INSERT INTO teams (id) VALUES (1)")
  for i = 1, 3 do
    db:execute("INSERT INTO users (team_id, email, score, level, name) VALUES (1, ?, ?, ?, ?)",
      "u" .. i .. "@example.com", i * 10, i == 3 and "high" or "low", "n" .. i)
    db:execute("INSERT INTO posts (user_id) VALUES (?)", i)
  end
end

-- the one column x of each row of 'sql', as text
local function rows(db, sql)
  local out = {}
  for _, r in ipairs(db:query(sql)) do out[#out + 1] = tostring(r.x) end
  return out
end

-- from(100): the first row gets id 100
local function starts_at_from(s, db)
  s:create("tickets", function(t) t:increments("id"):from(100); t:string("s"):nullable() end)
  db:execute("INSERT INTO tickets (s) VALUES ('a')")
  assert.equals(100, db:first("SELECT id FROM tickets").id)
end

local USERS = "SELECT id || '|' || team_id || '|' || email || '|' || score || '|' || level "
  .. "|| '|' || name AS x FROM users ORDER BY id"

describe("change() with rows on sqlite", function()
  local conn, s, db
  before_each(function()
    conn = assert(core.connect("sqlite", ":memory:"))
    conn:exec("PRAGMA foreign_keys = ON")
    s, db = open("sqlite", conn)
    build(s, db)
  end)
  after_each(function() conn:close() end)

  local function snapshot()
    return {
      users = rows(db, USERS), posts = #db:query("SELECT * FROM posts"),
      pk = rows(db, "SELECT name AS x FROM pragma_table_info('users') WHERE pk > 0"),
      fks = rows(db, "SELECT \"table\" || '|' || \"from\" || '|' || \"to\" || '|' || on_delete AS x "
        .. "FROM pragma_foreign_key_list('users')"),
      indexes = rows(db, "SELECT name || '|' || \"unique\" AS x FROM pragma_index_list('users') "
        .. "ORDER BY name"),
      check = #db:query("PRAGMA foreign_key_check"),
    }
  end

  local CASES = {
    { "unsigned_integer to string", function(t) t:string("score", 20):nullable():change() end },
    { "the foreign key's column", function(t) t:big_integer("team_id"):nullable():change() end },
    { "the primary key's column", function(t) t:big_increments("id"):change() end },
    { "an indexed column", function(t) t:string("name", 100):change() end },
    { "the unique column", function(t) t:string("email", 190):change() end },
    { "an enum's values", function(t)
      t:enum("level", { "low", "high", "top" }):default("low"):change()
    end },
  }
  for _, case in ipairs(CASES) do
    it("keeps rows, keys and indexes: " .. case[1], function()
      local before = snapshot()
      s:table("users", case[2])
      local after = snapshot()
      assert.same(before, after)
      -- the AUTOINCREMENT counter and the keys still work
      db:execute("INSERT INTO users (email, name) VALUES ('u4@example.com', 'n4')")
      assert.equals(4, db:first("SELECT max(id) AS m FROM users").m)
      assert.has_error(function()
        db:execute("INSERT INTO users (email, name) VALUES ('u4@example.com', 'x')")
      end)
      assert.has_error(function() db:execute("INSERT INTO posts (user_id) VALUES (99)") end)
      db:execute("DELETE FROM teams")   -- the cascades still fire: u4 has no team
      assert.same({ "u4@example.com" }, rows(db, "SELECT email AS x FROM users"))
      assert.equals(0, #db:query("SELECT * FROM posts"))
    end)
  end

  it("keeps a foreign key declared on the column itself (ALTER TABLE ADD COLUMN ... REFERENCES)", function()
    s:table("users", function(t)
      t:foreign_id("owner_id"):nullable():constrained("teams"):null_on_delete()
    end)
    db:execute("UPDATE users SET owner_id = 1")
    local fks = "SELECT \"from\" || '|' || \"table\" || '|' || on_delete AS x "
      .. "FROM pragma_foreign_key_list('users') ORDER BY \"from\""
    local before = rows(db, fks)
    assert.same({ "owner_id|teams|SET NULL", "team_id|teams|CASCADE" }, before)
    s:table("users", function(t) t:big_integer("owner_id"):nullable():change() end)
    assert.same(before, rows(db, fks))
    assert.same({ "1", "1", "1" }, rows(db, "SELECT owner_id AS x FROM users ORDER BY id"))
  end)

  it("replaces the CHECKs it derived: unsigned to string takes text, enum takes its new value", function()
    s:table("users", function(t)
      t:string("score", 20):change()
      t:enum("level", { "low", "high", "top" }):change()
    end)
    db:execute("UPDATE users SET score = 'many', level = 'top' WHERE id = 1")
    assert.has_error(function() db:execute("UPDATE users SET level = 'nope'") end)
  end)

  it("unique(false) and index(false) drop the column's index, as Laravel's index modifiers", function()
    local before = rows(db, USERS)
    s:table("users", function(t)
      t:string("email", 190):unique(false):change()
      t:string("name", 100):index(false):change()
    end)
    assert.same(before, rows(db, USERS))
    assert.same({}, rows(db, "SELECT name AS x FROM pragma_index_list('users')"))
    db:execute("INSERT INTO users (email, name) VALUES ('u1@example.com', 'n1')")   -- no longer unique
  end)

  it("starts an auto-increment where from() says", function() starts_at_from(s, db) end)
end)

describe("change() with rows on postgres", function()
  local pg = servers.need("postgres", "change() with rows on postgres")
  if not pg then return end
  local conn, s, db
  before_each(function()
    conn = assert(core.connect("postgres", pg.conninfo))
    s, db = open("postgres", conn)
    db:execute("BEGIN")
    db:execute(servers.pg_own_schema())
    db:execute("SET LOCAL client_min_messages = warning")
    build(s, db)
  end)
  after_each(function()
    db:execute("ROLLBACK")
    conn:close()
  end)

  -- the statement fails, and the transaction goes on (a savepoint)
  local function refused(sql)
    db:execute("SAVEPOINT refused")
    assert.has_error(function() db:execute(sql) end)
    db:execute("ROLLBACK TO SAVEPOINT refused")
  end

  local function checks()
    return rows(db, "SELECT conname || '|' || pg_get_constraintdef(oid) AS x FROM pg_constraint "
      .. "WHERE conrelid = 'users'::regclass AND contype = 'c' ORDER BY conname")
  end

  it("unsigned_integer to string: the unsigned CHECK goes, the rows stay", function()
    local before = rows(db, USERS)
    s:table("users", function(t) t:string("score", 20):change() end)
    assert.same(before, rows(db, USERS))
    assert.same({ "users_level_check|CHECK (((level)::text = ANY ((ARRAY['low'::character varying, "
      .. "'high'::character varying])::text[])))" }, checks())
    db:execute("UPDATE users SET score = 'many' WHERE id = 1")
  end)

  it("string to unsigned_integer: the rows are cast, the CHECK comes", function()
    s:table("users", function(t) t:string("score", 20):change() end)
    s:table("users", function(t) t:unsigned_integer("score"):default(5):change() end)
    assert.same({ "10", "20", "30" }, rows(db, "SELECT score AS x FROM users ORDER BY id"))
    refused("UPDATE users SET score = -1")
    db:execute("INSERT INTO users (email, name) VALUES ('u4@example.com', 'n4')")
    assert.equals(5, db:first("SELECT score FROM users WHERE name = 'n4'").score)
  end)

  it("an enum's values: the old CHECK gives way to the new", function()
    s:table("users", function(t) t:enum("level", { "low", "high", "top" }):change() end)
    db:execute("UPDATE users SET level = 'top' WHERE id = 1")
    refused("UPDATE users SET level = 'nope'")
  end)

  -- Laravel leaves enum()'s CHECK unnamed, and its users' raw SQL drops
  -- it by the name PostgreSQL chose (Monica's "DROP CONSTRAINT
  -- contacts_gender_check"): lmigrate's name is that one, cut as
  -- PostgreSQL cuts it
  it("names an enum's CHECK as PostgreSQL names an unnamed one, long names cut alike", function()
    local long_t, long_c = ("t"):rep(40) .. "ä", ("Ab"):rep(20)
    db:execute(("CREATE TABLE %q (%q text CHECK (%q IN ('a')), short text CHECK (short IN ('a')))")
      :format(long_t, long_c, long_c))
    local function pg_names(tbl)
      return rows(db, ("SELECT conname AS x FROM pg_constraint WHERE conrelid = '%s'::regclass "
        .. "AND contype = 'c' ORDER BY conname"):format(tbl))
    end
    local theirs = pg_names(('"%s"'):format(long_t))
    db:execute(('DROP TABLE "%s"'):format(long_t))
    s:create(long_t, function(t) t:enum(long_c, { "a" }); t:enum("short", { "a" }) end)
    assert.same(theirs, pg_names(('"%s"'):format(long_t)))
    db:execute("ALTER TABLE users DROP CONSTRAINT users_level_check")
    db:execute("UPDATE users SET level = 'any' WHERE id = 1")
  end)

  it("keeps a CHECK named <table>_<column>_check when the column changes to another type", function()
    db:execute("ALTER TABLE users ADD CONSTRAINT users_name_check CHECK (name <> '')")
    s:table("users", function(t) t:string("name", 100):change() end)
    refused("UPDATE users SET name = '' WHERE id = 1")
    s:table("users", function(t) t:string("level", 20):change() end)   -- an enum no more
    db:execute("ALTER TABLE users DROP CONSTRAINT users_level_check")   -- Monica's raw SQL
  end)

  it("change() drops the CHECK an earlier lmigrate named <table>_<column>_enum", function()
    db:execute("ALTER TABLE users RENAME CONSTRAINT users_level_check TO users_level_enum")
    s:table("users", function(t) t:enum("level", { "low", "high", "top" }):change() end)
    assert.same({ "users_level_check" }, rows(db, "SELECT conname AS x FROM pg_constraint "
      .. "WHERE conrelid = 'users'::regclass AND conname LIKE 'users_level%'"))
    db:execute("UPDATE users SET level = 'top' WHERE id = 1")
  end)

  it("increments to big_increments keeps the sequence and the key", function()
    s:table("users", function(t) t:big_increments("id"):change() end)
    db:execute("INSERT INTO users (email, name) VALUES ('u4@example.com', 'n4')")
    assert.equals(4, db:first("SELECT max(id) AS m FROM users").m)
    assert.equals("bigint", db:first("SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute "
      .. "WHERE attrelid = 'users'::regclass AND attname = 'id'").t)
    assert.equals(3, #db:query("SELECT * FROM posts"))
    -- the sequence too: ALTER TYPE leaves a serial's AS INTEGER, stopping it at 2^31 - 1
    local SEQ = "SELECT format_type(seqtypid, NULL) AS t, seqmax::text AS m FROM pg_sequence "
      .. "WHERE seqrelid = pg_get_serial_sequence('users', 'id')::regclass"
    assert.same({ t = "bigint", m = "9223372036854775807" }, db:first(SEQ))
    db:execute("SELECT setval(pg_get_serial_sequence('users', 'id'), 3000000000)")
    db:execute("INSERT INTO users (email, name) VALUES ('u5@example.com', 'n5')")
    assert.equals(3000000001, db:first("SELECT max(id) AS m FROM users").m)
    db:execute("DELETE FROM users WHERE id > 4")
    db:execute("SELECT setval(pg_get_serial_sequence('users', 'id'), 4)")
    s:table("users", function(t) t:increments("id"):change() end)   -- and back (Nova's down)
    assert.same({ t = "integer", m = "2147483647" }, db:first(SEQ))
  end)

  it("a comment not restated is dropped; unique(false) and index(false) drop the indexes", function()
    local comment = "SELECT coalesce(col_description('users'::regclass, attnum), '-') AS x "
      .. "FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'name'"
    s:table("users", function(t) t:string("name"):comment("shown"):change() end)
    assert.same({ "shown" }, rows(db, comment))
    local before = rows(db, USERS)
    s:table("users", function(t)
      t:string("email", 190):unique(false):change()
      t:string("name", 100):index(false):change()
    end)
    assert.same(before, rows(db, USERS))
    assert.same({ "-" }, rows(db, comment))
    assert.same({ "users_pkey" }, rows(db, "SELECT indexname AS x FROM pg_indexes WHERE tablename = 'users'"))
  end)

  -- Laravel's docs: bigIncrements('id')->primary()->change() on a plain column
  it("a plain integer made big_increments gets a sequence past its rows, and the key", function()
    s:create("legacy", function(t) t:unsigned_integer("id"); t:string("code") end)
    db:execute("INSERT INTO legacy (id, code) VALUES (1, 'a'), (7, 'b')")
    s:table("legacy", function(t) t:big_increments("id"):primary():change() end)
    db:execute("INSERT INTO legacy (code) VALUES ('c')")
    assert.same({ "1a", "7b", "8c" }, rows(db, "SELECT id || code AS x FROM legacy ORDER BY id"))
    assert.same({ "legacy_pkey" },
      rows(db, "SELECT indexname AS x FROM pg_indexes WHERE tablename = 'legacy'"))
    local before = rows(db, "SELECT pg_get_serial_sequence('legacy', 'id') AS x")
    s:table("legacy", function(t) t:big_increments("id"):change() end)   -- it keeps that one
    assert.same(before, rows(db, "SELECT pg_get_serial_sequence('legacy', 'id') AS x"))
  end)

  it("starts an auto-increment where from() says", function() starts_at_from(s, db) end)
end)

describe("change() with rows on mysql", function()
  local h = harness.harness("mysql")
  local SETUP = "CREATE TABLE `users` (`id` INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, "
    .. "`score` INT UNSIGNED NOT NULL DEFAULT 0, `level` ENUM('low','high') NOT NULL DEFAULT 'low', "
    .. "`name` VARCHAR(255) NOT NULL, INDEX `users_name_index` (`name`));"
    .. "INSERT INTO `users` (`score`, `level`, `name`) VALUES (10, 'low', 'n1'), (20, 'high', 'n2');"

  it("unsigned_integer to string, enum values, a wider indexed column: the rows stay", function()
    local t = core.blueprint("users", "alter")
    t:string("score", 20):change()
    t:enum("level", { "low", "high", "top" }):change()
    t:string("name", 100):change()
    t:increments("id"):from(50)
    local sql = t:to_sql(h.g)
    assert.same({
      "ALTER TABLE `users` MODIFY COLUMN `score` VARCHAR(20) NOT NULL",
      "ALTER TABLE `users` MODIFY COLUMN `level` ENUM('low','high','top') NOT NULL",
      "ALTER TABLE `users` MODIFY COLUMN `name` VARCHAR(100) NOT NULL",
      "ALTER TABLE `users` ADD COLUMN `id` INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY",
      "ALTER TABLE `users` AUTO_INCREMENT = 50" }, sql)
    table.remove(sql, 4)   -- the table has its id
    table.remove(sql, 4)
    sql[#sql + 1] = "UPDATE `users` SET `score` = 'many', `level` = 'top' WHERE `id` = 1"
    sql[#sql + 1] = "SELECT CONCAT_WS('|', `id`, `score`, `level`, `name`) FROM `users` ORDER BY `id`"
    sql[#sql + 1] = "SELECT COUNT(*) FROM information_schema.statistics WHERE table_schema = DATABASE() "
      .. "AND index_name = 'users_name_index'"
    local ok, out = h.accepts(SETUP, sql)
    assert(ok, out)
    if out then assert.equals("1|many|top|n1\n2|20|high|n2\n1\n", out) end
  end)

  -- Laravel's docs: bigIncrements('id')->primary()->change() makes a plain
  -- column the auto-increment key, and the server wants the key in the MODIFY
  it("primary() on a changed column adds the key in its MODIFY (an auto-increment one too)", function()
    local legacy = "CREATE TABLE `legacy` (`id` INT UNSIGNED NOT NULL, `code` VARCHAR(10) NOT NULL);"
      .. "INSERT INTO `legacy` (`id`, `code`) VALUES (1, 'a'), (2, 'b');"
    local t = core.blueprint("legacy", "alter")
    t:big_increments("id"):primary():change()
    local sql = t:to_sql(h.g)
    assert.same({ "ALTER TABLE `legacy` MODIFY COLUMN `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT"
      .. " PRIMARY KEY" }, sql)
    t = core.blueprint("legacy", "alter")
    t:string("code", 20):primary():change()
    assert.same({ "ALTER TABLE `legacy` MODIFY COLUMN `code` VARCHAR(20) NOT NULL PRIMARY KEY" },
      t:to_sql(h.g))
    sql[#sql + 1] = "INSERT INTO `legacy` (`code`) VALUES ('c')"
    sql[#sql + 1] = "SELECT GROUP_CONCAT(CONCAT(`id`, `code`) ORDER BY `id`) FROM `legacy`"
    local ok, out = h.accepts(legacy, sql)
    assert(ok, out)
    if out then assert.equals("1a,2b,3c\n", out) end
  end)
end)
