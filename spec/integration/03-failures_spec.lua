-- Failures while migrating: each migration and its history row are one
-- transaction, so a migration that fails half-way leaves nothing behind,
-- the ones before it stay applied and the ones after it never run. On
-- MySQL, which commits each schema statement on its own, what was applied
-- stays and is reported: status says the migration is partly applied,
-- migrate refuses to go past it, `migrate --resume` goes on once the file
-- is fixed and `rollback --partial` undoes it (the journal spec, 19-, has
-- the rest).
local helpers = require("spec.helpers")

local ONE = "2026_01_01_000001_create_one"
local HALF = "2026_01_01_000002_half_way"
local THREE = "2026_01_01_000003_create_three"

-- creates table 'two', then runs 'sql', which fails
local function half_way(sql)
  return helpers.migration {
    name = "HalfWay",
    up = ([[
  self.schema:create("two", function(t)
    t:increments("id")
    t:string("name")
  end)
  self.db:execute(%q)]]):format(sql),
    down = '  self.schema:drop("two")',
  }
end

-- asserts that no line naming 'name' says DONE
local function assert_not_done(out, name)
  for _, line in ipairs(helpers.lines(out)) do
    if line:find(name, 1, true) then
      assert.is_nil(line:find("DONE", 1, true), "reported as done: " .. line)
    end
  end
end

local function names(history)
  local t = {}
  for _, h in ipairs(history) do t[#t + 1] = h.migration end
  return t
end

for _, dialect in helpers.each_dialect() do
  local sqlite_only = dialect.name == "sqlite" and it or pending
  -- MySQL commits DDL on its own: its branches check what stays
  local transactional = dialect.name ~= "mysql"

  describe("failures [#" .. dialect .. "]", function()
    local project

    before_each(function()
      project = helpers.project(dialect)
    end)

    after_each(function()
      if project then project:cleanup() end
      project = nil
    end)

    describe("a migration that fails half-way", function()
      local r

      before_each(function()
        project:write(ONE, helpers.create_table_migration("one"))
        project:write(HALF, half_way("INSERT INTO nowhere (id) VALUES (1)"))
        project:write(THREE, helpers.create_table_migration("three"))
        r = project:run("migrate")
      end)

      it("exits with status 1", function()
        helpers.assert_status(1, r)
      end)

      it("leaves no table and no history row of its own", function()
        assert.is_false(helpers.contains(names(project:history()), HALF))
        if transactional then
          assert.is_false(project:has_table("two"))
        else  -- the CREATE TABLE committed: status says so
          assert.is_true(project:has_table("two"))
          local st = project:ok("status")
          assert.matches(HALF .. " %.+ Partly applied %(1 of 2 statements%)", st.stdout)
        end
      end)

      it("keeps the migrations before it applied", function()
        assert.is_true(project:has_table("one"))
        assert.same({ ONE }, names(project:history()))
        assert.matches("DONE", helpers.lines(r.stdout)[helpers.line_index(helpers.lines(r.stdout), ONE)])
      end)

      it("does not run the migrations after it", function()
        assert.is_false(project:has_table("three"))
        assert_not_done(r.stdout, THREE)
        assert_not_done(r.stdout, HALF)
      end)

      it("names the file, the SQL and the database's message on stderr", function()
        assert.truthy(r.stderr:find(HALF, 1, true), helpers.describe_run(r))
        assert.truthy(r.stderr:find("INSERT INTO nowhere (id) VALUES (1)", 1, true),
                      helpers.describe_run(r))
        if dialect.name == "sqlite" then
          assert.truthy(r.stderr:find("no such table: nowhere", 1, true), helpers.describe_run(r))
        elseif dialect.name == "mysql" then
          assert.truthy(r.stderr:find("nowhere' doesn't exist", 1, true), helpers.describe_run(r))
          assert.truthy(r.stderr:find("1 of 2 statements were applied", 1, true), helpers.describe_run(r))
          assert.truthy(r.stderr:find("applied 1: CREATE TABLE `two`", 1, true), helpers.describe_run(r))
          assert.truthy(r.stderr:find("failed 2: INSERT INTO nowhere", 1, true), helpers.describe_run(r))
        else
          assert.truthy(r.stderr:find("does not exist", 1, true), helpers.describe_run(r))
        end
      end)

      it("runs the rest as the next batch once the file is fixed", function()
        if transactional then
          project:write(HALF, helpers.create_table_migration("two"))
          project:ok("migrate")
        else  -- MySQL: migrate stops at it until --resume (or rollback --partial)
          project:write(HALF, half_way("INSERT INTO two (name) VALUES ('fixed')"))
          local again = helpers.assert_status(1, project:run("migrate"))
          assert.matches("partly applied .*migrate %-%-resume.*rollback %-%-partial", again.stderr)
          project:ok("migrate", "--resume")
        end
        local got = {}
        for _, h in ipairs(project:history()) do got[h.migration] = h.batch end
        assert.same({ [ONE] = 1, [HALF] = 2, [THREE] = 2 }, got)
        assert.same({ "migrations", "one", "three", "two" }, project:tables())
      end)
    end)

    describe("a statement the database cannot parse", function()
      it("is reported with its SQL and the database's message", function()
        project:write(HALF, half_way("THIS IS NOT SQL"))
        local r = helpers.assert_status(1, project:run("migrate"))
        assert.truthy(r.stderr:find(HALF, 1, true), helpers.describe_run(r))
        assert.truthy(r.stderr:find("THIS IS NOT SQL", 1, true), helpers.describe_run(r))
        assert.matches(transactional and "syntax error" or "error in your SQL syntax", r.stderr)
        assert.equals(not transactional, project:has_table("two"))
      end)
    end)

    describe("a Lua error in up", function()
      local BAD = "2026_01_01_000001_bad"

      it("is reported as file:line with its message, and leaves nothing", function()
        project:write(BAD, table.concat({
          'local Migration = require("lmigrate.migration")',      -- 1
          'local M = Migration:extend("Bad")',                     -- 2
          "function M:up()",                                       -- 3
          '  self.schema:create("bad_table", function(t) t:increments("id") end)',  -- 4
          '  error("boom at five")',                               -- 5
          "end",                                                   -- 6
          "return M",                                              -- 7
          "",
        }, "\n"))
        project:write(THREE, helpers.create_table_migration("three"))
        local r = helpers.assert_status(1, project:run("migrate"))
        assert.is_true(helpers.has_file_line(r.stderr, BAD .. ".lua", 5), helpers.describe_run(r))
        assert.truthy(r.stderr:find("boom at five", 1, true), helpers.describe_run(r))
        assert.is_false(project:has_table("three"))
        assert.same({}, project:history())
        if not transactional then  -- the CREATE TABLE stays until rollback --partial
          assert.is_true(project:has_table("bad_table"))
          project:ok("rollback", "--partial")
        end
        assert.is_false(project:has_table("bad_table"))
      end)

      it("gives the line of a runtime error inside a create callback", function()
        project:write(BAD, table.concat({
          'local Migration = require("lmigrate.migration")',      -- 1
          'local M = Migration:extend("Bad")',                     -- 2
          "function M:up()",                                       -- 3
          '  self.schema:create("bad_table", function(t)',         -- 4
          '    t:increments("id")',                                -- 5
          "    local missing = nil",                               -- 6
          "    t:string(missing.name)",                            -- 7
          "  end)",                                                -- 8
          "end",                                                   -- 9
          "return M",                                              -- 10
          "",
        }, "\n"))
        local r = helpers.assert_status(1, project:run("migrate"))
        assert.is_true(helpers.has_file_line(r.stderr, BAD .. ".lua", 7), helpers.describe_run(r))
        assert.matches("attempt to index", r.stderr)
        assert.is_false(project:has_table("bad_table"))
      end)
    end)

    describe("the database after a failed first run", function()
      it("is exactly as before", function()
        project:write(ONE, helpers.create_table_migration("one"))
        project:ok("migrate")
        project:with_db(function(db) db:run("INSERT INTO one (name) VALUES ('kept')") end)
        local before = project:snapshot()
        project:write(HALF, half_way("INSERT INTO nowhere (id) VALUES (1)"))
        project:write(THREE, helpers.create_table_migration("three"))
        helpers.assert_status(1, project:run("migrate"))
        if not transactional then  -- as before once rollback --partial undid it
          assert.are_not.equal(before, project:snapshot())
          project:ok("rollback", "--partial")
        end
        assert.equals(before, project:snapshot())
        project:with_db(function(db)
          assert.equals("kept", db:scalar("SELECT name FROM one"))
        end)
      end)

      sqlite_only("leaves no journal behind and the file usable", function()
        project:write(HALF, half_way("INSERT INTO nowhere (id) VALUES (1)"))
        helpers.assert_status(1, project:run("migrate"))
        assert.is_false(helpers.exists(project:path("databases/database.sqlite-journal")))
        project:write(HALF, helpers.create_table_migration("two"))
        project:ok("migrate")
        assert.is_true(project:has_table("two"))
      end)
    end)

    describe("a down that fails during rollback", function()
      local X = "2026_01_01_000001_create_x"
      local Y = "2026_01_01_000002_create_y"

      before_each(function()
        project:write(X, helpers.migration {
          name = "CreateX",
          up = '  self.schema:create("x", function(t) t:increments("id") end)',
          down = '  self.schema:drop("x")\n  self.db:execute("DROP TABLE nowhere")',
        })
        project:write(Y, helpers.create_table_migration("y"))
        project:ok("migrate")
      end)

      it("exits 1 naming the file, the SQL and the message", function()
        local r = helpers.assert_status(1, project:run("rollback"))
        assert.truthy(r.stderr:find(X, 1, true), helpers.describe_run(r))
        assert.truthy(r.stderr:find("DROP TABLE nowhere", 1, true), helpers.describe_run(r))
      end)

      it("keeps that migration applied, its table and history row intact", function()
        local r = helpers.assert_status(1, project:run("rollback"))
        assert.same({ X }, names(project:history()))
        if transactional then
          assert.is_true(project:has_table("x"))
        else  -- MySQL committed the DROP TABLE before the down failed: it says so
          assert.is_false(project:has_table("x"))
          assert.truthy(r.stderr:find("applied 1: DROP TABLE `x`", 1, true), helpers.describe_run(r))
        end
      end)

      it("keeps the rollbacks that ran before it (reverse order: y first)", function()
        helpers.assert_status(1, project:run("rollback"))
        assert.is_false(project:has_table("y"))
      end)
    end)
  end)
end
