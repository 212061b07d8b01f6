-- Batches: each migrate run is one new batch; rollback undoes the last batch
-- in reverse order; status shows Ran [batch] or Pending.
local helpers = require("spec.helpers")
local S = require("spec.support.commands")

local LOG = "2026_01_01_000000_create_log"
local A, B, C = "2026_01_02_000001_step_a", "2026_01_02_000002_step_b", "2026_01_02_000003_step_c"
local D = "2026_01_03_000000_step_d"

-- the log table records every up and down, in the order they ran
local function log_migration()
  return helpers.migration {
    name = "CreateLog",
    up = [[
  self.schema:create("log", function(t)
    t:increments("id")
    t:string("what")
  end)]],
    down = '  self.schema:drop("log")',
  }
end

local function step_migration(letter)
  return helpers.migration {
    name = "Step" .. letter:upper(),
    up = ([[
  self.db:execute("INSERT INTO log (what) VALUES (?)", "up %s")
  self.schema:create("t_%s", function(t)
    t:increments("id")
  end)]]):format(letter, letter),
    down = ([[
  self.db:execute("INSERT INTO log (what) VALUES (?)", "down %s")
  self.schema:drop("t_%s")]]):format(letter, letter),
  }
end

-- the log, in the order it was written; { [migration] = batch }
local log_of, batches = S.log_of, S.batches

-- asserts that the lines of 'out' name 'names' in this order
local function assert_order(out, names)
  local lines = helpers.lines(out)
  local last = 0
  for _, name in ipairs(names) do
    local i = helpers.line_index(lines, name)
    assert(i, name .. " not in the output:\n" .. out)
    assert(i > last, name .. " out of order in:\n" .. out)
    last = i
  end
end

for _, dialect in helpers.each_dialect() do
  local sqlite_only = dialect.name == "sqlite" and it or pending

  describe("batches [#" .. dialect .. "]", function()
    local project

    before_each(function()
      project = helpers.project(dialect)
    end)

    after_each(function()
      if project then project:cleanup() end
      project = nil
    end)

    -- batch 1: the log; batch 2: a, b, c
    local function two_batches()
      project:write(LOG, log_migration())
      project:ok("migrate")
      -- written in reverse: the order is the names', not the files'
      project:write(C, step_migration("c"))
      project:write(B, step_migration("b"))
      project:write(A, step_migration("a"))
      return project:ok("migrate")
    end

    describe("migrate", function()
      it("makes one batch per run", function()
        local r = two_batches()
        assert.same({ [LOG] = 1, [A] = 2, [B] = 2, [C] = 2 }, batches(project))
        assert.is_nil(r.stdout:find(LOG, 1, true), "batch 1 does not run again")
      end)

      it("runs the migrations in name order, one line each", function()
        local r = two_batches()
        assert_order(r.stdout, { A, B, C })
        for _, name in ipairs { A, B, C } do
          local lines = helpers.lines(r.stdout)
          local line = lines[helpers.line_index(lines, name)]
          assert.matches("DONE", line)
          assert.matches(helpers.TIME, line)
        end
        assert.same({ "up a", "up b", "up c" }, log_of(project))
      end)

      it("keeps the history in the order the migrations ran", function()
        two_batches()
        local names = {}
        for _, h in ipairs(project:history()) do names[#names + 1] = h.migration end
        assert.same({ LOG, A, B, C }, names)
      end)
    end)

    describe("rollback", function()
      it("undoes only the last batch, in reverse order", function()
        two_batches()
        local r = project:ok("rollback")
        assert_order(r.stdout, { C, B, A })
        assert.is_nil(r.stdout:find(LOG, 1, true))
        assert.same({ "up a", "up b", "up c", "down c", "down b", "down a" }, log_of(project))
        assert.same({ "log", "migrations" }, project:tables())
        assert.same({ [LOG] = 1 }, batches(project))
      end)

      it("is also migrate:rollback", function()
        two_batches()
        local r = project:ok("migrate:rollback")
        assert_order(r.stdout, { C, B, A })
        assert.same({ [LOG] = 1 }, batches(project))
      end)

      it("undoes batch after batch, then has nothing to roll back", function()
        two_batches()
        project:ok("rollback")
        local r = project:ok("rollback")
        assert.truthy(r.stdout:find(LOG, 1, true), helpers.describe_run(r))
        assert.same({ "migrations" }, project:tables())
        assert.same({}, project:history())
        r = project:ok("rollback")
        assert.matches("Nothing to rollback%.", r.stdout)
      end)

      it("says Nothing to rollback. on a new project", function()
        project:write(LOG, log_migration())
        local r = project:ok("rollback")
        assert.matches("Nothing to rollback%.", r.stdout)
      end)

      it("lets migrate apply the rolled back migrations again as a new batch", function()
        two_batches()
        project:ok("rollback")
        local r = project:ok("migrate")
        assert_order(r.stdout, { A, B, C })
        assert.same({ [LOG] = 1, [A] = 2, [B] = 2, [C] = 2 }, batches(project))
        assert.same({ "log", "migrations", "t_a", "t_b", "t_c" }, project:tables())
      end)

      it("rolls back a migration without a down as a no-op, as Laravel", function()
        project:write(LOG, log_migration())
        project:write(A, table.concat({
          'local Migration = require("lmigrate.migration")',
          'local M = Migration:extend("NoDown")',
          "function M:up()",
          '  self.db:execute("INSERT INTO log (what) VALUES (?)", "up a")',
          "end",
          "return M", "",
        }, "\n"))
        project:write(B, "return { up = function(self) self.db:execute(\"INSERT INTO log (what) "
          .. "VALUES ('up b')\") end }\n")
        project:ok("migrate")
        project:write(C, step_migration("c"))
        project:ok("migrate")
        local r = project:ok("rollback", "--step", "3")
        assert_order(r.stdout, { C, B, A })
        assert.same({ "up a", "up b", "up c", "down c" }, log_of(project))
        assert.same({ [LOG] = 1 }, batches(project))
        project:ok("migrate")
        assert.same({ [LOG] = 1, [A] = 2, [B] = 2, [C] = 2 }, batches(project))
      end)

      it("leaves a pending migration alone", function()
        two_batches()
        project:write(D, step_migration("d"))
        local r = project:ok("rollback")
        assert.is_nil(r.stdout:find(D, 1, true))
        assert.same({ "up a", "up b", "up c", "down c", "down b", "down a" }, log_of(project))
      end)
    end)

    describe("status", function()
      local function status_line(r, name)
        local lines = helpers.lines(r.stdout)
        local i = helpers.line_index(lines, name)
        assert(i, name .. " not in the status:\n" .. helpers.describe_run(r))
        return lines[i]
      end

      it("shows every migration Pending before the first run", function()
        project:write(LOG, log_migration())
        project:write(A, step_migration("a"))
        local r = project:ok("status")
        for _, name in ipairs { LOG, A } do
          local line = status_line(r, name)
          assert.matches("Pending", line)
          assert.is_nil(line:find("Ran", 1, true))
        end
      end)

      it("shows Ran [batch] or Pending for each migration, in name order", function()
        two_batches()
        project:write(D, step_migration("d"))
        local r = project:ok("status")
        assert_order(r.stdout, { LOG, A, B, C, D })
        local line = status_line(r, LOG)
        assert.matches("Ran", line)
        assert.matches("%[1%]", line)
        for _, name in ipairs { A, B, C } do
          line = status_line(r, name)
          assert.matches("Ran", line)
          assert.matches("%[2%]", line)
        end
        line = status_line(r, D)
        assert.matches("Pending", line)
        assert.is_nil(line:find("Ran", 1, true))
      end)

      it("changes nothing", function()
        two_batches()
        project:write(D, step_migration("d"))
        local before = project:snapshot()
        project:ok("status")
        assert.equals(before, project:snapshot())
      end)

      it("follows a rollback", function()
        two_batches()
        project:ok("rollback")
        local r = project:ok("status")
        assert.matches("Ran", status_line(r, LOG))
        for _, name in ipairs { A, B, C } do
          assert.matches("Pending", status_line(r, name))
        end
      end)
    end)

    describe("the database and the migrations folder", function()
      sqlite_only("honours --database sqlite:PATH", function()
        project:write(LOG, log_migration())
        local other = project:path("other.db")
        project:ok("migrate", "--database", "sqlite:" .. other)
        assert.is_true(helpers.exists(other))
        assert.is_false(helpers.exists(project:path("databases/database.sqlite")))
        project.db_path = other
        assert.same({ [LOG] = 1 }, batches(project))
      end)

      sqlite_only("honours DATABASE_URL=sqlite:PATH", function()
        project:write(LOG, log_migration())
        local other = project:path("env.db")
        project:ok({ "migrate" }, { env = { DATABASE_URL = "sqlite:" .. other } })
        assert.is_true(helpers.exists(other))
        assert.is_false(helpers.exists(project:path("databases/database.sqlite")))
      end)

      sqlite_only("lets --database win over DATABASE_URL", function()
        project:write(LOG, log_migration())
        local flag, env = project:path("flag.db"), project:path("env.db")
        project:ok({ "migrate", "--database", "sqlite:" .. flag },
                   { env = { DATABASE_URL = "sqlite:" .. env } })
        assert.is_true(helpers.exists(flag))
        assert.is_false(helpers.exists(env))
      end)

      it("honours --path DIR", function()
        assert.equals(0, helpers.sh("mkdir -p " .. helpers.quote(project:path("elsewhere"))))
        helpers.write_file(project:path("elsewhere/" .. LOG .. ".lua"), log_migration())
        project:write(A, step_migration("a"))   -- in the default folder: not run
        local r = project:ok("migrate", "--path", project:path("elsewhere"))
        assert.truthy(r.stdout:find(LOG, 1, true))
        assert.is_nil(r.stdout:find(A, 1, true))
        assert.same({ [LOG] = 1 }, batches(project))
      end)
    end)
  end)
end
