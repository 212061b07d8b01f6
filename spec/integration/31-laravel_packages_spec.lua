-- The shapes of Laravel packages' migrations (Pulse, Telescope, Cashier,
-- Filament, Nova; README, "Laravel packages checked"), in short migrations
-- of our own, run on real SQLite, PostgreSQL and MariaDB: what each
-- dialect makes of Pulse's per-driver key_hash, Telescope's key to a uuid
-- column, Cashier's columns added with after() and index() and dropped by
-- a list, and Nova's change() of its ids to big integers; rows kept by the
-- alters and rollbacks while child rows reference the altered table; and
-- a rollback leaving the schema as it was, a migrate after it making the
-- same schema again.
local helpers = require("spec.helpers")

local M = helpers.migration

local MIGRATIONS = {
  { "2026_01_01_000001_create_users", M {
    up = [[
  self.schema:create("users", function(t)
    t:id()
    t:string("name")
    t:string("email"):unique()
    t:remember_token()
    t:timestamps()
  end)]],
    down = [[  self.schema:drop("users")]] } },
  -- Pulse: key_hash as each driver has it, part of a unique key
  { "2026_01_01_000002_create_pulse_values", M {
    up = [[
  local driver = self.db.driver
  self.schema:create("pulse_values", function(t)
    t:id()
    t:unsigned_integer("timestamp")
    t:string("type")
    t:medium_text("key")
    if driver == "mysql" then
      t:char("key_hash", 16):charset("binary"):virtual_as("unhex(md5(`key`))")
    elseif driver == "postgres" then
      t:uuid("key_hash"):stored_as('md5("key")::uuid')
    else
      t:string("key_hash")
    end
    t:medium_text("value")
    t:index("timestamp")
    t:unique({ "type", "key_hash" })
  end)]],
    down = [[  self.schema:drop_if_exists("pulse_values")]] } },
  -- Telescope: a sequence, a uuid unique, tags keyed on both columns and
  -- referencing the uuid with ON DELETE CASCADE
  { "2026_01_01_000003_create_entries", M {
    up = [[
  self.schema:create("entries", function(t)
    t:big_increments("sequence")
    t:uuid("uuid")
    t:string("type", 20)
    t:boolean("shown"):default(true)
    t:unique("uuid")
    t:index({ "type", "shown" })
  end)
  self.schema:create("entries_tags", function(t)
    t:uuid("entry_uuid")
    t:string("tag")
    t:primary({ "entry_uuid", "tag" })
    t:index("tag")
    t:foreign("entry_uuid"):references("uuid"):on("entries"):on_delete("cascade")
  end)]],
    down = [[
  self.schema:drop_if_exists("entries_tags")
  self.schema:drop_if_exists("entries")]] } },
  -- Filament: children of users, cascading
  { "2026_01_01_000004_create_imports", M {
    up = [[
  self.schema:create("imports", function(t)
    t:id()
    t:unsigned_integer("processed_rows"):default(0)
    t:foreign_id("user_id"):constrained():cascade_on_delete()
  end)]],
    down = [[  self.schema:drop_if_exists("imports")]] } },
  -- Nova: increments ids made big integers, one of them indexed
  { "2026_01_01_000005_create_events", M {
    up = [[
  self.schema:create("events", function(t)
    t:increments("id")
    t:unsigned_integer("user_id"):index()
    t:text("original"):nullable()
  end)]],
    down = [[  self.schema:drop_if_exists("events")]] } },
  { "2026_01_01_000006_events_big_ids", M {
    up = [[
  self.schema:table("events", function(t)
    t:big_increments("id"):change()
    t:unsigned_big_integer("user_id"):change()
    t:medium_text("original"):nullable():change()
  end)]],
    down = [[
  self.schema:table("events", function(t)
    t:increments("id"):change()
    t:unsigned_integer("user_id"):change()
    t:text("original"):nullable():change()
  end)]] } },
  -- Cashier: columns of users placed with after(), one indexed; down drops
  -- the index by its column and the columns by a list
  { "2026_01_01_000007_add_customer_columns", M {
    up = [[
  self.schema:table("users", function(t)
    t:string("stripe_id"):nullable():index():after("remember_token")
    t:string("pm_last_four", 4):nullable():after("stripe_id")
    t:timestamp("trial_ends_at"):nullable()
  end)]],
    down = [[
  self.schema:table("users", function(t)
    t:drop_index({ "stripe_id" })
    t:drop_column({ "stripe_id", "pm_last_four", "trial_ends_at" })
  end)]] } },
}

local function rows(db)
  local uuid = "0b5a1f52-6d1e-4c39-9d53-4d0e2a4c0a11"
  db:run("INSERT INTO users (name, email) VALUES ('a', 'a@x'), ('b', 'b@x')")
  db:run("INSERT INTO imports (user_id) VALUES (1), (1), (2)")
  db:run("INSERT INTO entries (uuid, type) VALUES ('" .. uuid .. "', 'request')")
  db:run("INSERT INTO entries_tags (entry_uuid, tag) VALUES ('" .. uuid .. "', 'x'), ('"
    .. uuid .. "', 'y')")
  db:run("INSERT INTO pulse_values (timestamp, type, " .. db.dialect:ident("key")
    .. ", value" .. (db.dialect.name == "sqlite" and ", key_hash" or "") .. ") VALUES (1, 't', 'k', 'v'"
    .. (db.dialect.name == "sqlite" and ", 'h'" or "") .. ")")
end

local function counts(db)
  return { db:count("users"), db:count("imports"), db:count("entries_tags"),
           db:count("pulse_values") }
end

-- the schema without the history's rows
local function schema(p)
  return (p:snapshot():gsub("history [^\n]*\n?", ""))
end

for _, dialect in helpers.each_dialect() do
  describe("Laravel packages' shapes [#" .. dialect .. "]", function()
    local p
    before_each(function()
      p = helpers.project(dialect)
      for _, m in ipairs(MIGRATIONS) do p:write(m[1], m[2]) end
    end)
    after_each(function() if p then p:cleanup() end end)

    it("makes each package's keys and nullability as Laravel's grammar of the dialect", function()
      p:ok("migrate")
      p:with_db(function(db)
        local hash = db:columns("pulse_values").key_hash
        -- Laravel's PostgreSQL grammar writes NOT NULL on every column, its
        -- MySQL and SQLite grammars nothing on a generated one
        assert.equals(dialect.name == "sqlite" or dialect.name == "postgres", hash.notnull)
        assert.truthy(db:unique_sets("pulse_values")["type,key_hash"])
        assert.truthy(db:unique_sets("entries").uuid)
        assert.truthy(db:indexes("entries")["type,shown"])
        local fk = db:foreign_keys("entries_tags")[1]
        assert.same({ "entries", "uuid", "CASCADE" }, { fk.table, fk.to, fk.on_delete:upper() })
        assert.truthy(db:indexes("users").stripe_id)
        assert.truthy(db:indexes("events").user_id)
        if dialect.name == "postgres" then
          -- the serial's sequence follows its column to BIGINT
          assert.equals("bigint", db:scalar("SELECT format_type(seqtypid, NULL) AS t FROM pg_sequence "
            .. "WHERE seqrelid = pg_get_serial_sequence('events', 'id')::regclass"))
        end
        rows(db)
        -- the cascade of Telescope's tags from the uuid they reference
        db:run("DELETE FROM entries")
        assert.equals(0, db:count("entries_tags"))
      end)
    end)

    it("rolls back with rows kept while children reference the altered table; migrate again", function()
      p:ok("migrate")
      local full = schema(p)
      p:with_db(rows)
      local before = p:with_db(counts)
      p:ok("rollback", "--step", "2")   -- Cashier's down, then Nova's: users and events altered
      assert.same(before, p:with_db(counts))
      assert.is_nil(p:columns("users").stripe_id)
      p:ok("migrate")
      assert.same(before, p:with_db(counts))
      p:with_db(function(db) db:run("DELETE FROM users WHERE id = 1") end)
      assert.equals(1, p:with_db(function(db) return db:count("imports") end))
      p:ok("reset")
      assert.same({ "migrations" }, p:tables())
      p:ok("migrate")
      assert.equals(full, schema(p))
    end)

    -- Laravel's Schema::defaultStringLength(191) and morphUsingUuids() of
    -- an app's service provider: lmigrate.lua's top, for every run
    it("takes the default string length and morph key type lmigrate.lua sets", function()
      local f = assert(io.open(p:path("lmigrate.lua"), "w"))
      f:write('local schema = require("lmigrate.schema")\n',
              'schema.default_string_length(191)\nschema.morph_using_uuids()\nreturn {}\n')
      f:close()
      p:write("2026_01_01_000008_create_activity", M {
        up = [[
  assert(self.schema:default_morph_key_type() == "uuid")
  self.schema:create("activity", function(t)
    t:id()
    t:string("log_name"):nullable()
    t:nullable_morphs("subject", "subject")
  end)]],
        down = [[  self.schema:drop("activity")]] })
      p:ok("migrate")
      p:with_db(function(db)
        local cols = db:columns("activity")
        local want = { sqlite = "VARCHAR(191)", postgres = "character varying",
                       mysql = "varchar(191)" }
        assert.equals(want[dialect.name], cols.log_name.type)
        assert.equals(({ sqlite = "CHAR(36)", postgres = "uuid", mysql = "char(36)" })[dialect.name],
          cols.subject_id.type)
        assert.truthy(db:indexes("activity")["subject_type,subject_id"])
      end)
      p:ok("rollback")
      assert.same({ "migrations" }, p:tables())
    end)
  end)
end
