-- `migrate --pretend` and `lint` on a migration that reads a table the
-- run itself creates (Laravel's "create roles, insert admin, look it up,
-- give it the permissions"): the database cannot answer, as the table is
-- not there yet. On SQLite the shadow of --pretend and lint (which ran
-- the run's statements) answers with the run's rows; on PostgreSQL and
-- MySQL the read gets no rows, as every read does under Laravel's
-- pretend, and a comment line of the output says so. A read of a table
-- that is there still reads it, a table the run renames an existing one
-- to, and a column of a table it alters, are read as of one it creates,
-- and a read of a table no one creates still fails. On each dialect.
local helpers = require("spec.helpers")

local THINGS = "2026_01_01_000000_create_things"
local ROLES = "2026_01_02_000000_create_roles"

local ROLES_UP = [[
  self.schema:create("roles", function(t) t:id(); t:string("name") end)
  self.db:table("roles"):insert({ name = "admin" })
  local admin = self.db:table("roles"):where("name", "admin"):first()
  local n = self.db:table("things"):count()
  self.db:table("roles"):where("id", admin and admin.id or 0):update({ name = "n" .. n })]]

for _, dialect in helpers.each_dialect() do
  describe("--pretend and lint reading a table the run creates [#" .. dialect .. "]", function()
    local project
    before_each(function()
      project = helpers.project(dialect)
      project:write(THINGS, helpers.migration {
        up = '  self.schema:create("things", function(t) t:id() end)\n'
          .. '  self.db:table("things"):insert({ { id = 1 }, { id = 2 } })',
        down = '  self.schema:drop("things")' })
      project:ok("migrate")
      project:write(ROLES, helpers.migration { up = ROLES_UP, down = '  self.schema:drop("roles")' })
    end)
    after_each(function()
      if project then project:cleanup() end
      project = nil
    end)

    it("answers from the run's own statements, or with no rows and a note", function()
      local r = project:ok("migrate", "--pretend")
      if dialect.name == "sqlite" then
        -- the shadow holds the admin row (id 1); things is read where it is (2 rows)
        assert.truthy(r.stdout:find([[UPDATE "roles" SET "name" = 'n2' WHERE "id" = 1;]], 1, true), r.stdout)
        assert.is_nil(r.stdout:find("has no rows under --pretend", 1, true), r.stdout)
      else
        assert.truthy(r.stdout:find("-- (a read of roles, which this run creates, has no rows under "
          .. "--pretend: SELECT * FROM ", 1, true), r.stdout)
        assert.truthy(r.stdout:find("= 'n2' WHERE [`\"]id[`\"] = 0;"), r.stdout)
      end
      assert.same({ "migrations", "things" }, project:tables())
      -- lint reaches the UPDATE after the reads: its data-in-ddl finding is of it
      -- (MySQL has no DDL transaction to hold locks in: no finding)
      r = project:run("lint")
      if dialect.name == "mysql" then
        helpers.assert_status(0, r)
      else
        helpers.assert_status(1, r)
        assert.truthy(r.stdout:find("[data-in-ddl-transaction] : UPDATE", 1, true), r.stdout)
      end
      assert.is_nil((r.stdout .. r.stderr):find("not linted past", 1, true), r.stdout .. r.stderr)
    end)

    -- Pterodactyl's 2017_10_02_202007 down reads service_options, which the run's earlier
    -- down (2017_10_06_214053) renamed eggs to: the database has no such table yet
    it("reads a table the run renames an existing one to as one it creates", function()
      project:write(ROLES, helpers.migration {
        up = '  self.schema:rename("things", "items")\n'
          .. '  local n = #self.db:table("items"):get()\n'
          .. '  self.db:table("items"):insert({ id = 10 + n })',
        down = '  self.schema:rename("items", "things")' })
      local r = project:ok("migrate", "--pretend")
      -- (SQLite's shadow holds the schema, without the rows: no rows either way)
      assert.truthy(r.stdout:find("VALUES (10);", 1, true), r.stdout)
      if dialect.name ~= "sqlite" then
        assert.truthy(r.stdout:find("-- (a read of items, which this run renames a table to, has no rows "
          .. "under --pretend: SELECT * FROM ", 1, true), r.stdout)
      end
      assert.same({ "migrations", "things" }, project:tables())
      assert.equals(0, #project:with_db(function(db)
        return db:query("SELECT * FROM " .. db.dialect:ident("things") .. " WHERE id = 10")
      end))
    end)

    -- Pterodactyl's 2016_08_30_213301 down reads servers.allocation, which the run's earlier
    -- down (2017_02_02_175548) renamed back from allocation_id: the database has no such column
    it("reads a column the run renames as of a table it creates", function()
      project:write(ROLES, helpers.migration {
        up = '  self.schema:table("things", function(t) t:rename_column("id", "thing_id") end)\n'
          .. '  local n = #self.db:select("SELECT thing_id FROM things")\n'
          .. '  self.db:table("things"):insert({ thing_id = 20 + n })',
        down = '  self.schema:table("things", function(t) t:rename_column("thing_id", "id") end)' })
      local r = project:ok("migrate", "--pretend")
      assert.truthy(r.stdout:find("VALUES (20);", 1, true), r.stdout)
      if dialect.name ~= "sqlite" then
        assert.truthy(r.stdout:find("-- (a read of things, which this run alters, has no rows under "
          .. "--pretend: SELECT thing_id FROM things)", 1, true), r.stdout)
      end
      assert.truthy(project:columns("things").id)
    end)

    it("still fails on a table that no migration creates", function()
      project:write(ROLES, helpers.migration {
        up = '  self.schema:create("roles", function(t) t:id() end)\n'
          .. '  self.db:table("nowhere"):count()', down = "" })
      local r = project:run("migrate", "--pretend")
      helpers.assert_status(1, r)
      assert.truthy(r.stderr:find(ROLES .. ".lua:", 1, true), r.stderr)
      assert.truthy(r.stderr:find("nowhere", 1, true), r.stderr)
    end)
  end)
end
