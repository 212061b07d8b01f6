-- Bad input: each case exits with its status, says what is wrong on stderr,
-- and leaves the database exactly as it was.
--   1  a migration failed (bad file, Lua error, SQL error, missing file)
--   2  bad usage or configuration
--   3  cannot open or connect to the database
local helpers = require("spec.helpers")

local BASE = "2026_01_01_000000_create_base"
local GOOD_BEFORE = "2026_01_01_000001_good_before"
local BAD = "2026_01_01_000002_bad"
local GOOD_AFTER = "2026_01_01_000003_good_after"

-- a migration file whose up is 'body' (lines 4.. of the file)
local function with_up(body)
  return table.concat({
    'local Migration = require("lmigrate.migration")',   -- 1
    'local M = Migration:extend("Bad")',                  -- 2
    "function M:up()",                                    -- 3
    body,                                                 -- 4..
    "end",
    "return M",
    "",
  }, "\n")
end

-- a create of table 'bad' whose callback has 'line' as line 5 of the file
local function create_with(line)
  return with_up(table.concat({
    '  self.schema:create("bad", function(t)',            -- 4
    line,                                                 -- 5
    "  end)",
  }, "\n"))
end

-- Files that cannot be loaded: found before anything runs, so not even the
-- good migration before them runs.
local LOAD_CASES = {
  { what = "a Lua syntax error",
    source = with_up("  local x = = 1"), line = 4,
    patterns = { "unexpected symbol", "expected" } },
  { what = "a file that returns nothing",
    source = 'local Migration = require("lmigrate.migration")\n'
             .. 'local M = Migration:extend("Bad")\nfunction M:up() end\n',
    patterns = { "[Rr]eturn", "[Nn]o migration", "[Nn]ot a migration" } },
  { what = "a file that returns a number",
    source = "return 42\n",
    patterns = { "[Rr]eturn", "[Nn]o migration", "[Nn]ot a migration" } },
  { what = "a migration without up",
    source = "return { down = function(self) end }\n",
    patterns = { "%f[%a]up%f[%A]" } },
  { what = "a file that raises while loading",
    source = 'local x = nil\nreturn x.field\n', line = 2,
    patterns = { "attempt to index" } },
}

-- Migrations that fail when they run: nothing of theirs is left, nothing
-- after them runs.
local RUN_CASES = {
  { what = "an unknown blueprint method",
    source = create_with('    t:strnig("x")'), line = 5,
    patterns = { "strnig" } },
  { what = "a wrong argument type",
    source = create_with('    t:string(42, "x")'), line = 5,
    patterns = { "expected", "bad argument" } },
  { what = "a negative length",
    source = create_with('    t:string("x", -1)'), line = 5,
    patterns = { "length", "positive", "negative", "bad argument" } },
  { what = "a foreign key without references and on",
    source = create_with('    t:integer("base_id")\n    t:foreign("base_id")'),
    patterns = { "[Rr]eferences", "[Ff]oreign" } },
  { what = "a foreign key without on",
    source = create_with('    t:integer("base_id")\n    t:foreign("base_id"):references("id")'),
    patterns = { "%f[%a]on%f[%A]", "[Rr]eferences", "[Ff]oreign" } },
  { what = "a table that already exists",
    source = with_up('  self.schema:create("base", function(t) t:increments("id") end)'),
    patterns = { "already exists" }, sql = "CREATE TABLE" },
}

-- Bad usage or configuration: exit 2; nothing pending runs.
local USAGE_CASES = {
  { what = "an unknown command", args = { "frobnicate" }, patterns = { "frobnicate" } },
  { what = "an unknown option", args = { "migrate", "--frobnicate" },
    patterns = { "frobnicate" } },
  { what = "an option without its value", args = { "migrate", "--database" },
    patterns = { "database" } },
  { what = "a malformed URL in --database", args = { "migrate", "--database", "foo://x" },
    patterns = { "foo" } },
  { what = "an empty sqlite: path", args = { "migrate", "--database", "sqlite:" },
    patterns = { "sqlite:", "path", "empty" } },
  { what = "a malformed DATABASE_URL", args = { "migrate" },
    env = { DATABASE_URL = "foo://x" }, patterns = { "foo" } },
  { what = "an unknown option of status", args = { "status", "--frobnicate" },
    patterns = { "frobnicate" } },
}

-- A database that cannot be opened: exit 3.
local CONNECT_CASES = {
  { what = "--database with a path in a missing folder",
    args = { "migrate", "--database", "sqlite:/nonexistent/dir/x.db" } },
  { what = "DATABASE_URL with a path in a missing folder",
    args = { "migrate" }, env = { DATABASE_URL = "sqlite:/nonexistent/dir/x.db" } },
  { what = "status on a path in a missing folder",
    args = { "status", "--database", "sqlite:/nonexistent/dir/x.db" } },
  { what = "rollback on a path in a missing folder",
    args = { "rollback", "--database", "sqlite:/nonexistent/dir/x.db" } },
}

for _, dialect in helpers.each_dialect() do
  describe("bad input [#" .. dialect .. "]", function()
    local project, before

    before_each(function()
      project = helpers.project(dialect)
      project:write(BASE, helpers.create_table_migration("base"))
      project:ok("migrate")
      before = project:snapshot()
    end)

    after_each(function()
      if project then project:cleanup() end
      project = nil
    end)

    local function assert_says(r, case)
      assert(helpers.matches_any(r.stderr, case.patterns),
             ("stderr does not say what is wrong (%s)\n%s"):format(
               table.concat(case.patterns, " | "), helpers.describe_run(r)))
    end

    -- stderr names the file, and its line when the case has one
    local function assert_names(r, case)
      local file = BAD .. ".lua"
      local ok = case.line and helpers.has_file_line(r.stderr, file, case.line)
                 or (not case.line and r.stderr:find(file, 1, true))
      assert(ok, ("stderr does not name %s%s\n%s"):format(file, case.line and (":" .. case.line) or "",
                                                          helpers.describe_run(r)))
    end

    describe("a file that cannot be loaded stops everything before it runs:", function()
      for _, case in ipairs(LOAD_CASES) do
        it(case.what, function()
          project:write(GOOD_BEFORE, helpers.create_table_migration("good_before"))
          project:write(BAD, case.source)
          project:write(GOOD_AFTER, helpers.create_table_migration("good_after"))
          local r = helpers.assert_status(1, project:run("migrate"))
          assert_names(r, case)
          assert_says(r, case)
          assert.equals(before, project:snapshot())
        end)
      end
    end)

    describe("a migration that fails when it runs leaves nothing:", function()
      for _, case in ipairs(RUN_CASES) do
        it(case.what, function()
          project:write(BAD, case.source)
          project:write(GOOD_AFTER, helpers.create_table_migration("good_after"))
          local r = helpers.assert_status(1, project:run("migrate"))
          assert_names(r, case)
          assert_says(r, case)
          if case.sql then
            assert.truthy(r.stderr:upper():find(case.sql, 1, true),
                          "stderr does not show the SQL\n" .. helpers.describe_run(r))
          end
          assert.equals(before, project:snapshot())
        end)
      end
    end)

    describe("bad usage or configuration exits 2:", function()
      for _, case in ipairs(USAGE_CASES) do
        it(case.what, function()
          project:write(GOOD_AFTER, helpers.create_table_migration("good_after"))
          local r = helpers.assert_status(2, project:run(case.args, { env = case.env }))
          assert_says(r, case)
          assert.equals(before, project:snapshot())
        end)
      end
    end)

    describe("a database that cannot be opened exits 3:", function()
      for _, case in ipairs(CONNECT_CASES) do
        it(case.what, function()
          project:write(GOOD_AFTER, helpers.create_table_migration("good_after"))
          local r = helpers.assert_status(3, project:run(case.args, { env = case.env }))
          assert.truthy(r.stderr:find("/nonexistent/dir/x.db", 1, true), helpers.describe_run(r))
          assert.equals(before, project:snapshot())
          assert.is_false(helpers.exists("/nonexistent/dir/x.db"))
        end)
      end
    end)

    describe("rollback of a migration whose file is gone", function()
      local X = "2026_01_02_000000_create_x"

      it("exits 1 naming the migration, and changes nothing", function()
        project:write(X, helpers.create_table_migration("x"))
        project:ok("migrate")
        local snap = project:snapshot()
        project:remove(X)
        local r = helpers.assert_status(1, project:run("rollback"))
        assert.truthy(r.stderr:find(X, 1, true), helpers.describe_run(r))
        assert.equals(snap, project:snapshot())
        assert.is_true(project:has_table("x"))
      end)

      it("rolls back nothing of the batch when one file is gone", function()
        local Y = "2026_01_02_000001_create_y"
        project:write(X, helpers.create_table_migration("x"))
        project:write(Y, helpers.create_table_migration("y"))
        project:ok("migrate")
        local snap = project:snapshot()
        project:remove(X)   -- y's down could run first, but the batch is checked first
        local r = helpers.assert_status(1, project:run("rollback"))
        assert.truthy(r.stderr:find(X, 1, true), helpers.describe_run(r))
        assert.equals(snap, project:snapshot())
      end)
    end)

    describe("help and version", function()
      it("--version prints lmigrate 0.1.0", function()
        local r = project:ok("--version")
        assert.matches("lmigrate 0%.1%.0", r.stdout)
      end)

      it("help lists the commands", function()
        local r = project:ok("help")
        for _, cmd in ipairs { "migrate", "rollback", "status" } do
          assert.truthy(r.stdout:find(cmd, 1, true), cmd .. " not in help:\n" .. r.stdout)
        end
      end)
    end)
  end)
end
