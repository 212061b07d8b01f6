-- The Laravel 12 schema calls of issue "schema gaps", run by the binary on
-- real SQLite, PostgreSQL and MariaDB: add_column (Laravel's addColumn,
-- with its parameters as Real apps pass them) in a create and in an alter
-- (change = true, after =), Schema's default_time_precision set in
-- lmigrate.lua (an app's service provider), the blueprint's properties
-- (t.engine = "InnoDB"), when_table_has_index / when_table_doesnt_have_index
-- and get_index_listing, rows kept through the alter, its rollback and a
-- migrate again; a column modifier after constrained() stops the run at
-- its line, with the fix, before anything runs; ensure_extension_exists
-- on PostgreSQL and refused elsewhere; t:create() in a schema:table
-- (Laravel 4's $table->create(), Laravel.io's 2014_02_07_155103). The
-- exact SQL of each dialect is spec/grammar/schema_gaps_spec.lua's.
local helpers = require("spec.helpers")

local M = helpers.migration

local USERS = { "2026_02_01_000001_create_users", M {
  up = [[
  self.schema:create("users", function(t)
    t.engine = "InnoDB"
    t.charset = "utf8mb4"
    t.collation = "utf8mb4_unicode_ci"
    t:add_column("bigIncrements", "id")
    t:add_column("string", "name", { length = 100 })
    t:add_column("string", "email"):unique()
    t:add_column("integer", "votes", { unsigned = true, length = 11, default = 0, comment = "up votes" })
    t:add_column("tinyInteger", "status", { default = 1 })
    t:timestamps()
  end)]],
  down = [[  self.schema:drop("users")]] } }

local POSTS = { "2026_02_01_000002_create_posts", M {
  up = [[
  self.schema:create("posts", function(t)
    t:id()
    t:foreign_id("user_id"):nullable():constrained():null_on_delete()
    t:add_column("unsignedBigInteger", "editor_id", { nullable = true, index = true })
    t:add_column("string", "title")
    t:add_column("timestamp", "published_at", { nullable = true })
    t:soft_deletes()
  end)]],
  down = [[  self.schema:drop("posts")]] } }

local ALTER = { "2026_02_01_000003_alter_posts", M {
  up = [[
  self.schema:table("posts", function(t)
    t:add_column("string", "title", { length = 200, nullable = true, change = true })
    t:add_column("string", "slug", { length = 80, nullable = true, after = "title" })
    t:add_column("dateTime", "reviewed_at", { nullable = true })
  end)
  self.schema:when_table_doesnt_have_index("posts", { "slug" }, function(t) t:index("slug") end)
  self.schema:when_table_has_index("posts", { "slug" }, function(t) t:unique({ "title", "slug" }) end)
  self.schema:when_table_has_index("posts", "posts_nothing_index", function(t) t:string("never") end)
  self.schema:when_table_doesnt_have_index("posts", { "slug" }, function(t) t:string("never") end)
  local names = {}
  for _, n in ipairs(self.schema:get_index_listing("posts")) do names[n] = true end
  assert(names.posts_slug_index and names.posts_title_slug_unique, "get_index_listing")]],
  down = [[
  self.schema:when_table_has_index("posts", { "title", "slug" }, function(t)
    t:drop_unique({ "title", "slug" })
  end, "unique")
  self.schema:when_table_has_index("posts", "posts_slug_index", function(t)
    t:drop_index("posts_slug_index")
  end)
  self.schema:table("posts", function(t)
    t:drop_column({ "slug", "reviewed_at" })
    t:add_column("string", "title", { change = true })
  end)]] } }

local function rows(db)
  db:run("INSERT INTO users (name, email) VALUES ('ada', 'ada@x'), ('bob', 'bob@x')")
  db:run("INSERT INTO posts (user_id, editor_id, title) VALUES (1, 2, 'one'), (2, NULL, 'two'), "
    .. "(NULL, NULL, 'three')")
end

local function counts(db)
  return { db:count("users"), db:count("posts"),
           db:scalar("SELECT count(*) AS n FROM posts WHERE user_id IS NULL") }
end

-- the precision the server reports of table.column (SQLite: its type text)
local function precision(db, dialect, tbl, col)
  if dialect.name == "sqlite" then return db:columns(tbl)[col].type end
  return tonumber(db:scalar("SELECT datetime_precision AS p FROM information_schema.columns WHERE "
    .. (dialect.name == "mysql" and "table_schema = DATABASE()" or "table_schema = current_schema()")
    .. " AND table_name = ? AND column_name = ?", tbl, col))
end

-- the declared length of a string column
local function length(db, dialect, tbl, col)
  if dialect.name == "sqlite" then return db:columns(tbl)[col].type end
  return tonumber(db:scalar("SELECT character_maximum_length AS n FROM information_schema.columns WHERE "
    .. (dialect.name == "mysql" and "table_schema = DATABASE()" or "table_schema = current_schema()")
    .. " AND table_name = ? AND column_name = ?", tbl, col))
end

local function schema_of(p)
  return (p:snapshot():gsub("history [^\n]*\n?", ""))
end

local function with_config(p, text)
  local f = assert(io.open(p:path("lmigrate.lua"), "w"))
  f:write(text)
  f:close()
end

for _, dialect in helpers.each_dialect() do
  describe("Laravel 12's schema gaps [#" .. dialect .. "]", function()
    local p
    before_each(function()
      p = helpers.project(dialect)
      -- Schema::defaultTimePrecision(6) of an app's service provider
      with_config(p, 'require("lmigrate.schema").default_time_precision(6)\nreturn {}\n')
    end)
    after_each(function() if p then p:cleanup() end end)

    it("add_column, default_time_precision and t.engine make the columns Laravel's grammar makes", function()
      p:write(USERS[1], USERS[2])
      p:write(POSTS[1], POSTS[2])
      p:ok("migrate")
      p:with_db(function(db)
        local users, posts = db:columns("users"), db:columns("posts")
        assert.is_true(users.name.notnull)
        assert.is_false(posts.user_id.notnull)   -- nullable() before constrained()
        assert.is_false(posts.editor_id.notnull)
        assert.is_true(posts.title.notnull)
        assert.truthy(db:indexes("posts").editor_id)
        assert.truthy(db:unique_sets("users").email)
        local fk = db:foreign_keys("posts")[1]
        assert.same({ "users", "id", "SET NULL" }, { fk.table, fk.to, fk.on_delete:upper() })
        local want = dialect.name == "sqlite" and { "TIMESTAMP", "DATETIME", "DATETIME" } or { 6, 6, 6 }
        assert.same(want, { precision(db, dialect, "posts", "published_at"),
          precision(db, dialect, "users", "created_at"), precision(db, dialect, "posts", "deleted_at") })
        if dialect.name == "mysql" then
          assert.equals("int(10) unsigned", users.votes.type)
          assert.equals("tinyint(4)", users.status.type)
          local t = db:first("SELECT engine, table_collation AS c FROM information_schema.tables "
            .. "WHERE table_schema = DATABASE() AND table_name = 'users'")
          assert.same({ "InnoDB", "utf8mb4_unicode_ci" }, { t.engine, t.c })
          assert.equals("up votes", db:scalar("SELECT column_comment AS c FROM information_schema.columns "
            .. "WHERE table_schema = DATABASE() AND table_name = 'users' AND column_name = 'votes'"))
        elseif dialect.name == "postgres" then
          assert.equals("up votes", db:scalar("SELECT col_description('users'::regclass, attnum) AS c "
            .. "FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'votes'"))
        end
        -- unsigned: MySQL's type, a CHECK elsewhere
        local ok = pcall(db.run, db, "INSERT INTO users (name, email, votes) VALUES ('neg', 'n@x', -1)")
        assert.is_false(ok)
      end)
    end)

    it("alters with rows kept: change = true, after =, the index guards; rollback; migrate again", function()
      p:write(USERS[1], USERS[2])
      p:write(POSTS[1], POSTS[2])
      p:ok("migrate")
      p:with_db(rows)
      local before = p:with_db(counts)
      p:write(ALTER[1], ALTER[2])
      p:ok("migrate")
      local altered = schema_of(p)
      assert.same(before, p:with_db(counts))
      p:with_db(function(db)
        local posts = db:columns("posts")
        assert.is_false(posts.title.notnull)
        local sqlite = dialect.name == "sqlite"
        assert.equals(sqlite and "VARCHAR(200)" or 200, length(db, dialect, "posts", "title"))
        assert.equals(sqlite and "VARCHAR(80)" or 80, length(db, dialect, "posts", "slug"))
        assert.equals(sqlite and "DATETIME" or 6, precision(db, dialect, "posts", "reviewed_at"))
        assert.is_nil(posts.never)
        assert.truthy(db:indexes("posts").slug)
        assert.truthy(db:unique_sets("posts")["title,slug"])
        if dialect.name == "mysql" then   -- after = "title"
          local order = {}
          for i, c in ipairs(posts) do order[c.name] = i end
          assert.equals(order.title + 1, order.slug)
        end
        assert.same({ "one", "two", "three" }, (function()
          local t = {}
          for i, r in ipairs(db:query("SELECT title FROM posts ORDER BY id")) do t[i] = r.title end
          return t
        end)())
        -- the key still holds
        db:run("DELETE FROM users WHERE id = 2")
        assert.equals(2, db:scalar("SELECT count(*) AS n FROM posts WHERE user_id IS NULL"))
      end)
      local kept = p:with_db(counts)
      p:ok("rollback")
      assert.same(kept, p:with_db(counts))
      p:with_db(function(db)
        local posts = db:columns("posts")
        assert.is_true(posts.title.notnull)
        assert.equals(dialect.name == "sqlite" and "VARCHAR(255)" or 255,
          length(db, dialect, "posts", "title"))
        assert.is_nil(posts.slug)
        assert.is_nil(db:indexes("posts").slug)
      end)
      p:ok("migrate")
      assert.same(kept, p:with_db(counts))
      assert.equals(altered, schema_of(p))
    end)

    it("stops at the line of a modifier after constrained(), with the fix, before anything runs", function()
      p:write(USERS[1], USERS[2])
      p:write("2026_02_01_000004_create_teams", M {
        up = [[
  self.schema:create("teams", function(t)
    t:id()
    t:foreign_id("owner_id"):constrained("users"):nullable()
  end)]],
        down = [[  self.schema:drop_if_exists("teams")]] })
      local r = p:run("migrate")
      helpers.assert_status(1, r)
      local msg = 'nullable() after constrained() would change the foreign key, not the column (Laravel '
        .. 'ignores it and leaves owner_id NOT NULL): call it before constrained(): '
        .. 'foreign_id("owner_id"):nullable():constrained("users")'
      assert.truthy(r.stderr:find(msg, 1, true), r.stderr)
      assert.truthy(r.stderr:find("2026_02_01_000004_create_teams.lua:7", 1, true), r.stderr)
      assert.is_false(p:has_table("teams"))
      assert.same({ "2026_02_01_000001_create_users" }, p:applied())
    end)

    it("t:create() in schema:table is a CREATE (Laravel 4's $table->create()); not after a drop", function()
      p:write("2026_02_01_000006_create_visits", M {
        up = [[
  self.schema:table("visits", function(t)
    t:create()
    t:increments("id")
    t:integer("user_id"):index()
    t:timestamp("visited_at")
    t:timestamps()
  end)
  self.schema:create("logs", function(t)
    t:create()
    t:id()
  end)]],
        down = [[
  self.schema:drop("logs")
  self.schema:drop("visits")]] })
      p:ok("migrate")
      p:with_db(function(db)
        local visits = db:columns("visits")
        assert.truthy(visits.id and visits.user_id and visits.visited_at and visits.created_at)
        assert.truthy(db:indexes("visits").user_id)
        db:run("INSERT INTO visits (user_id, visited_at) VALUES (1, '2026-02-01 10:00:00')")
        assert.equals(1, db:scalar("SELECT id FROM visits"))
      end)
      assert.truthy(p:has_table("logs"))
      p:ok("rollback")
      assert.is_false(p:has_table("visits"))
      p:write("2026_02_01_000007_create_bad", M {
        up = [[
  self.schema:table("bad", function(t)
    t:string("x")
    t:drop_column("y")
    t:create()
  end)]],
        down = [[  self.schema:drop_if_exists("bad")]] })
      local r = p:run("migrate")
      helpers.assert_status(1, r)
      local msg = "create() after a drop or rename: a new table has nothing to drop or rename"
      assert.truthy(r.stderr:find(msg, 1, true), r.stderr)
      assert.truthy(r.stderr:find("2026_02_01_000007_create_bad.lua:8", 1, true), r.stderr)
      assert.is_false(p:has_table("bad"))
    end)

    it("ensure_extension_exists: CREATE EXTENSION on PostgreSQL, refused elsewhere", function()
      p:write("2026_02_01_000005_trigrams", M {
        up = [[
  self.schema:ensure_extension_exists("pg_trgm")
  self.schema:ensure_extension_exists("pg_trgm")
  self.schema:create("words", function(t)
    t:id()
    t:string("w")
  end)]],
        down = [[
  self.schema:drop("words")
  self.db:execute("DROP EXTENSION IF EXISTS pg_trgm")]] })
      if dialect.name ~= "postgres" then
        local r = p:run("migrate")
        helpers.assert_status(1, r)
        assert.truthy(r.stderr:find("schema:ensure_extension_exists: extensions are only supported by "
          .. "PostgreSQL (this connection is " .. dialect.name .. ")", 1, true), r.stderr)
        assert.truthy(r.stderr:find("2026_02_01_000005_trigrams.lua:5", 1, true), r.stderr)
        return
      end
      p:ok("migrate")
      p:with_db(function(db)
        assert.equals("pg_trgm", db:scalar("SELECT extname AS e FROM pg_extension WHERE extname = 'pg_trgm'"))
        db:run("INSERT INTO words (w) VALUES ('lmigrate'), ('laravel')")
        assert.equals(1, db:scalar("SELECT count(*) AS n FROM words WHERE w % 'lmigrat'"))
      end)
      p:ok("rollback")
      p:with_db(function(db)
        assert.equals(0, db:scalar("SELECT count(*) AS n FROM pg_extension WHERE extname = 'pg_trgm'"))
      end)
    end)
  end)
end
