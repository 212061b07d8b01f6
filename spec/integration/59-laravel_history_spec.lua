-- A database Laravel migrated, moving to lmigrate: its history table is
-- Laravel's migrations(id, migration, batch), without lmigrate's checksum
-- and ran_at. status and --pretend read it as it is and change nothing;
-- the next migrate adds the two columns (the rows there kept, their
-- checksum NULL) with the first migration it records; Laravel's own
-- insert of (migration, batch) still works after; rollback of Laravel's
-- batch and of lmigrate's both work. On each dialect.
local helpers = require("spec.helpers")

local USERS = "2014_10_12_000000_create_users_table"
local POSTS = "2026_01_01_000000_create_posts"

-- Laravel's history table and the users table its migration made, per dialect
local LARAVEL = {
  sqlite = { "CREATE TABLE migrations (id integer primary key autoincrement not null, "
             .. "migration varchar not null, batch integer not null)",
             "CREATE TABLE users (id integer primary key autoincrement not null)" },
  postgres = { "CREATE TABLE migrations (id serial primary key not null, migration varchar(255) not null, "
               .. "batch integer not null)", "CREATE TABLE users (id bigserial primary key not null)" },
  mysql = { "CREATE TABLE migrations (id int unsigned not null auto_increment primary key, "
            .. "migration varchar(255) not null, batch int not null)",
            "CREATE TABLE users (id bigint unsigned not null auto_increment primary key)" },
}

local function columns(project)
  local list = {}
  for _, c in ipairs(project:columns("migrations")) do
    list[#list + 1] = type(c) == "table" and c.name or c
  end
  table.sort(list)
  return list
end

for _, dialect in helpers.each_dialect() do
  describe("a history table of Laravel's [#" .. dialect .. "]", function()
    local project
    before_each(function()
      project = helpers.project(dialect)
      project:write(USERS, helpers.migration {
        up = '  self.schema:create("users", function(t) t:id() end)',
        down = '  self.schema:drop("users")' })
      project:write(POSTS, helpers.migration {
        up = '  self.schema:create("posts", function(t) t:id(); t:foreign_id("user_id"):constrained() end)',
        down = '  self.schema:drop("posts")' })
      project:with_db(function(db)
        for _, sql in ipairs(LARAVEL[dialect.name]) do db:exec(sql) end
        db:exec("INSERT INTO migrations (migration, batch) VALUES ('" .. USERS .. "', 1)")
      end)
    end)
    after_each(function()
      if project then project:cleanup() end
      project = nil
    end)

    it("is read as it is by status and --pretend, which change nothing", function()
      local r = project:ok("status")
      assert.truthy(r.stdout:find(USERS .. " %.+ %[1%] Ran"), r.stdout)
      assert.truthy(r.stdout:find(POSTS .. " %.+ Pending"), r.stdout)
      r = project:ok("status", "--json")
      assert.truthy(r.stdout:find('"modified":false', 1, true), r.stdout)
      r = project:ok("migrate", "--pretend")
      assert.truthy(r.stdout:find("posts", 1, true), r.stdout)
      assert.same({ "batch", "id", "migration" }, columns(project))
    end)

    it("gets lmigrate's columns with the next migration; Laravel's insert and both rollbacks still work",
       function()
      project:ok("migrate")
      assert.same({ "batch", "checksum", "id", "migration", "ran_at" }, columns(project))
      assert.is_true(project:has_table("posts"))
      local h = project:history()
      assert.equals(2, #h)
      assert.equals(USERS, h[1].migration)
      assert.equals(2, tonumber(h[2].batch))
      -- Laravel's migrator writes migration and batch only
      project:with_db(function(db)
        db:exec("INSERT INTO migrations (migration, batch) VALUES ('2026_02_02_000000_laravel_made', 3)")
        db:exec("DELETE FROM migrations WHERE migration = '2026_02_02_000000_laravel_made'")
      end)
      project:ok("rollback")
      assert.is_false(project:has_table("posts"))
      project:ok("rollback")
      assert.is_false(project:has_table("users"))
      assert.equals(0, #project:history())
      project:ok("migrate")
      assert.is_true(project:has_table("posts"))
    end)
  end)
end
