-- The command set: migrate --atomic / --step / --pretend, rollback --step N /
-- --batch N / --pretend, reset, the aliases of the commands, and --quiet.
-- refresh and fresh are in 15-fresh_spec.lua, status and help in
-- 13-status_spec.lua, the production guard in 16-guard_spec.lua.
local helpers = require("spec.helpers")
local S = require("spec.support.commands")

local A, B, C, D, USERS = S.A, S.B, S.C, S.D, S.USERS
local step, batches, log_of, assert_order = S.step, S.batches, S.log_of, S.assert_order

local function assert_exit(expected, r)
  return helpers.assert_status(expected, r)
end

for _, dialect in helpers.each_dialect() do
  local postgres_only = dialect.name == "postgres" and it or pending
  -- MySQL has no transactional DDL: --atomic is refused there
  local atomic_it = dialect.name ~= "mysql" and it or pending
  local mysql_only = dialect.name == "mysql" and it or pending
  local function q(name) return dialect:ident(name) end

  describe("commands [#" .. dialect .. "]", function()
    local project

    before_each(function()
      project = helpers.project(dialect)
      S.create_log(project)
    end)

    after_each(function()
      if project then project:cleanup() end
      project = nil
    end)

    -- {=================================================================
    describe("migrate --atomic", function()
      mysql_only("is refused on MySQL, naming why, and runs nothing", function()
        project:write(A, step("a"))
        local before = project:snapshot()
        local r = assert_exit(2, project:run("migrate", "--atomic"))
        assert.matches("not possible on MySQL: it commits each schema statement at once", r.stderr)
        assert.is_nil(r.stdout:find("DONE", 1, true), helpers.describe_run(r))
        assert.equals(before, project:snapshot())
        assert.same({ "log" }, project:tables())
      end)

      atomic_it("applies every pending migration as one batch", function()
        project:write(A, step("a"))
        project:write(B, step("b"))
        project:write(C, step("c"))
        local r = project:ok("migrate", "--atomic")
        assert_order(r.stdout, { A, B, C })
        assert.same({ A, B, C }, S.names(project))
        assert.same({ [A] = 1, [B] = 1, [C] = 1 }, batches(project))
        assert.same({ "log", "migrations", "t_a", "t_b", "t_c" }, project:tables())
        assert.same({ "up a", "up b", "up c" }, log_of(project))
      end)

      -- the control: without --atomic the first two stay applied
      it("without --atomic, a failing third leaves the first two applied", function()
        project:write(A, step("a"))
        project:write(B, step("b"))
        project:write(C, step("c", { up_tail = S.FAIL_SQL }))
        assert_exit(1, project:run("migrate"))
        assert.same({ A, B }, S.names(project))
      end)

      atomic_it("applies none of them when the third fails: no tables, no history, no rows", function()
        project:write(A, step("a"))
        project:write(B, step("b"))
        project:write(C, step("c", { up_tail = S.FAIL_SQL }))
        local r = assert_exit(1, project:run("migrate", "--atomic"))
        assert.truthy(r.stderr:find(C, 1, true), helpers.describe_run(r))
        assert.truthy(r.stderr:find("nowhere", 1, true), helpers.describe_run(r))
        assert.same({}, project:history())
        local tables = project:tables()
        for _, t in ipairs { "t_a", "t_b", "t_c" } do
          assert.is_false(helpers.contains(tables, t), t .. " survived: " .. table.concat(tables, ","))
        end
        assert.same({}, log_of(project))
        -- and a plain migrate afterwards still sees all three pending
        project:write(C, step("c"))
        project:ok("migrate")
        assert.same({ [A] = 1, [B] = 1, [C] = 1 }, batches(project))
      end)

      atomic_it("on a failure leaves earlier batches alone", function()
        project:write(A, step("a"))
        project:ok("migrate")
        project:write(B, step("b"))
        project:write(C, step("c", { up_tail = '  error("boom in c")' }))
        local r = assert_exit(1, project:run("migrate", "--atomic"))
        assert.truthy(r.stderr:find("boom in c", 1, true), helpers.describe_run(r))
        assert.same({ [A] = 1 }, batches(project))
        assert.same({ "log", "migrations", "t_a" }, project:tables())
        assert.same({ "up a" }, log_of(project))
      end)

      atomic_it("refuses a batch holding a transaction = false migration, and runs nothing", function()
        project:write(A, step("a"))
        project:write(B, step("b", { extra = "M.transaction = false" }))
        project:write(C, step("c"))
        local before = project:snapshot()
        local r = assert_exit(2, project:run("migrate", "--atomic"))
        assert.truthy(r.stderr:find(B, 1, true), "names the migration:\n" .. helpers.describe_run(r))
        assert.matches("transaction", r.stderr)
        assert.is_nil(r.stdout:find("DONE", 1, true), helpers.describe_run(r))
        assert.equals(before, project:snapshot())
        assert.same({}, log_of(project))
        assert.same({ "log" }, project:tables())
      end)

      atomic_it("does not mind a transaction = false migration of an earlier batch", function()
        project:write(A, step("a", { extra = "M.transaction = false" }))
        project:ok("migrate")
        project:write(B, step("b"))
        project:ok("migrate", "--atomic")
        assert.same({ [A] = 1, [B] = 2 }, batches(project))
      end)

      postgres_only("runs the whole batch in a single transaction", function()
        for _, l in ipairs { "a", "b", "c" } do
          project:write(({ a = A, b = B, c = C })[l], step(l, {
            up_tail = '  self.db:execute("INSERT INTO log (what) VALUES (txid_current()::text)")' }))
        end
        project:ok("migrate", "--atomic")
        local log = log_of(project)
        assert.equals(6, #log)
        assert.equals(log[2], log[4])
        assert.equals(log[4], log[6])
      end)

      postgres_only("(the control) without --atomic each migration has its own transaction", function()
        for _, l in ipairs { "a", "b" } do
          project:write(({ a = A, b = B })[l], step(l, {
            up_tail = '  self.db:execute("INSERT INTO log (what) VALUES (txid_current()::text)")' }))
        end
        project:ok("migrate")
        local log = log_of(project)
        assert.are_not.equal(log[2], log[4])
      end)
    end)

    -- {=================================================================
    describe("migrate --step", function()
      it("gives each migration a batch of its own", function()
        project:write(A, step("a"))
        project:write(B, step("b"))
        project:write(C, step("c"))
        project:ok("migrate", "--step")
        assert.same({ [A] = 1, [B] = 2, [C] = 3 }, batches(project))
      end)

      it("numbers on from the last batch", function()
        project:write(A, step("a"))
        project:ok("migrate")
        project:write(B, step("b"))
        project:write(C, step("c"))
        project:ok("migrate", "--step")
        assert.same({ [A] = 1, [B] = 2, [C] = 3 }, batches(project))
      end)

      it("lets a later rollback undo only the last one", function()
        project:write(A, step("a"))
        project:write(B, step("b"))
        project:write(C, step("c"))
        project:ok("migrate", "--step")
        local r = project:ok("rollback")
        assert.truthy(r.stdout:find(C, 1, true))
        assert.is_nil(r.stdout:find(B, 1, true), helpers.describe_run(r))
        assert.same({ [A] = 1, [B] = 2 }, batches(project))
        assert.same({ "log", "migrations", "t_a", "t_b" }, project:tables())
        assert.same({ "up a", "up b", "up c", "down c" }, log_of(project))
      end)
    end)

    -- {=================================================================
    describe("migrate --seed", function()
      it("runs the DatabaseSeeder after the migrations", function()
        project:write(USERS, S.USERS_MIGRATION)
        S.write_seeder(project)
        project:ok("migrate", "--seed")
        assert.equals(2, S.count(project, "users"))
      end)

      it("does not go with --pretend", function()
        project:write(USERS, S.USERS_MIGRATION)
        S.write_seeder(project)
        local r = assert_exit(2, project:run("migrate", "--pretend", "--seed"))
        assert.truthy(r.stderr ~= "")
        assert.same({ "log" }, project:tables())
      end)
    end)

    -- {=================================================================
    describe("--pretend", function()
      it("migrate --pretend prints each pending migration's SQL and creates nothing", function()
        project:write(A, step("a"))
        project:write(B, step("b"))
        assert.same({ "log" }, project:tables())
        local before = project:snapshot()
        local r = project:ok("migrate", "--pretend")
        assert_order(r.stdout, { A, "CREATE TABLE " .. q("t_a"), B, "CREATE TABLE " .. q("t_b") })
        -- the up's own statements are printed with their values, not run
        assert.truthy(r.stdout:find("INSERT INTO log (what) VALUES ('up a')", 1, true), r.stdout)
        assert.is_nil(r.stdout:find("DONE", 1, true))
        assert.same({ "log" }, project:tables())   -- not even the history table
        assert.equals(before, project:snapshot())
        assert.same({}, log_of(project))
      end)

      it("migrate --pretend prints only the pending ones", function()
        project:write(A, step("a"))
        project:ok("migrate")
        project:write(B, step("b"))
        local before = project:snapshot()
        local r = project:ok("migrate", "--pretend")
        assert.truthy(r.stdout:find("CREATE TABLE " .. q("t_b"), 1, true), r.stdout)
        assert.is_nil(r.stdout:find(q("t_a"), 1, true), r.stdout)
        assert.equals(before, project:snapshot())
        assert.same({ [A] = 1 }, batches(project))
      end)

      it("migrate --pretend lets a migration read the database", function()
        project:write(A, helpers.migration {
          up = [[
  if self.schema:has_table("log") then
    self.schema:create("seen_log", function(t) t:increments("id") end)
  else
    self.schema:create("no_log", function(t) t:increments("id") end)
  end]],
        })
        local r = project:ok("migrate", "--pretend")
        assert.truthy(r.stdout:find("CREATE TABLE " .. q("seen_log"), 1, true), r.stdout)
        assert.same({ "log" }, project:tables())
      end)

      it("migrate --pretend takes the SQL the driver runs (?? on PostgreSQL, ? in comments)", function()
        local sql = ({
          postgres = [[SELECT '{"a":1}'::jsonb ?? 'a' AS has, ? AS v /* why? */, $$a?b$$ AS d, $t$?$t$ AS e]],
          mysql = [[SELECT ? AS v /* why? */, 'a\'?b' AS d, "?" AS e, `?` -- why?
FROM (SELECT 1 AS `?`) AS sub # and ?]],
        })[dialect.name] or [[SELECT ? AS v /* why? */, 'a?b' AS d, "?" -- why?
FROM (SELECT 1 AS "?")]]
        project:write(A, helpers.migration {
          up = ("  self.db:query(%q, 42)\n  self.db:execute(%q, 7)"):format(sql, sql),
        })
        project:ok("migrate")   -- the real driver runs it
        project:ok("rollback")
        local r = project:ok("migrate", "--pretend")
        local shown = sql:gsub("%?%?", "?"):gsub("%? AS v", "7 AS v")
        if dialect.name ~= "postgres" then shown = sql:gsub("%? AS v", "7 AS v") end
        assert.truthy(r.stdout:find(shown, 1, true), r.stdout)
      end)

      it("rollback --pretend prints the down SQL of the last batch and changes nothing", function()
        S.three_batches(project)
        local before = project:snapshot()
        local r = project:ok("rollback", "--pretend")
        assert_order(r.stdout, { D, "DROP TABLE " .. q("t_d") })
        assert.truthy(r.stdout:find("INSERT INTO log (what) VALUES ('down d')", 1, true), r.stdout)
        assert.is_nil(r.stdout:find(q("t_c"), 1, true), r.stdout)
        assert.equals(before, project:snapshot())
        assert.same({ "up a", "up b", "up c", "up d" }, log_of(project))
      end)

      it("rollback --step N --pretend and --batch N --pretend print what those would undo", function()
        S.three_batches(project)
        local before = project:snapshot()
        local r = project:ok("rollback", "--step", "2", "--pretend")
        assert_order(r.stdout, { "DROP TABLE " .. q("t_d"), "DROP TABLE " .. q("t_c") })
        assert.is_nil(r.stdout:find(q("t_b"), 1, true), r.stdout)
        r = project:ok("rollback", "--batch", "2", "--pretend")
        assert_order(r.stdout, { "DROP TABLE " .. q("t_c"), "DROP TABLE " .. q("t_b") })
        assert.is_nil(r.stdout:find(q("t_d"), 1, true), r.stdout)
        assert.equals(before, project:snapshot())
      end)

      it("reset --pretend prints every down, newest first, and changes nothing", function()
        S.three_batches(project)
        local before = project:snapshot()
        local r = project:ok("reset", "--pretend")
        assert_order(r.stdout, { "DROP TABLE " .. q("t_d"), "DROP TABLE " .. q("t_c"),
                                 "DROP TABLE " .. q("t_b"), "DROP TABLE " .. q("t_a") })
        assert.equals(before, project:snapshot())
        assert.same({ "up a", "up b", "up c", "up d" }, log_of(project))
      end)
    end)

    -- {=================================================================
    describe("rollback --step N / --batch N", function()
      it("--step N undoes the last N migrations across batches, newest first", function()
        S.three_batches(project)
        local r = project:ok("rollback", "--step", "2")
        assert_order(r.stdout, { D, C })
        assert.same({ [A] = 1, [B] = 2 }, batches(project))
        assert.same({ "up a", "up b", "up c", "up d", "down d", "down c" }, log_of(project))
        assert.same({ "log", "migrations", "t_a", "t_b" }, project:tables())
      end)

      it("--step=N works too, and a step larger than the history undoes everything", function()
        S.three_batches(project)
        project:ok("rollback", "--step=1")
        assert.same({ [A] = 1, [B] = 2, [C] = 2 }, batches(project))
        project:ok("rollback", "--step", "10")
        assert.same({}, project:history())
        assert.same({ "up a", "up b", "up c", "up d", "down d", "down c", "down b", "down a" },
                    log_of(project))
      end)

      it("--batch N undoes only that batch, even when it is not the last", function()
        S.three_batches(project)
        local r = project:ok("rollback", "--batch", "2")
        assert_order(r.stdout, { C, B })
        assert.is_nil(r.stdout:find(D, 1, true), r.stdout)
        assert.is_nil(r.stdout:find(A, 1, true), r.stdout)
        assert.same({ [A] = 1, [D] = 3 }, batches(project))
        assert.same({ "up a", "up b", "up c", "up d", "down c", "down b" }, log_of(project))
        assert.same({ "log", "migrations", "t_a", "t_d" }, project:tables())
      end)

      it("--batch=N works too; a batch that does not exist rolls back nothing", function()
        S.three_batches(project)
        project:ok("rollback", "--batch=1")
        assert.same({ [B] = 2, [C] = 2, [D] = 3 }, batches(project))
        local before = project:snapshot()
        local r = project:ok("rollback", "--batch", "7")
        assert.matches("Nothing to rollback", r.stdout)
        assert.equals(before, project:snapshot())
      end)

      it("refuses bad values with exit 2 and changes nothing", function()
        S.three_batches(project)
        local before = project:snapshot()
        for _, args in ipairs {
          { "rollback", "--step", "0" },
          { "rollback", "--step", "x" },
          { "rollback", "--step", "-1" },
          { "rollback", "--step", "1.5" },
          { "rollback", "--step" },
          { "rollback", "--batch" },
          { "rollback", "--batch", "--pretend" },
          { "rollback", "--batch", "0" },
          { "rollback", "--batch=" },
          { "rollback", "--step", "1", "--batch", "2" },
          { "rollback", "--batch", "2", "--step", "1" },
        } do
          local r = project:run(args)
          assert(r.status == 2, "expected exit 2\n" .. helpers.describe_run(r))
          assert(r.stderr ~= "", "no message\n" .. helpers.describe_run(r))
          assert.equals(before, project:snapshot())
        end
      end)
    end)

    -- {=================================================================
    describe("reset", function()
      it("undoes every batch, newest first, and empties the history", function()
        S.three_batches(project)
        local r = project:ok("reset")
        assert_order(r.stdout, { D, C, B, A })
        assert.same({ "up a", "up b", "up c", "up d", "down d", "down c", "down b", "down a" },
                    log_of(project))
        assert.same({}, project:history())
        assert.same({ "log", "migrations" }, project:tables())
        r = project:ok("reset")
        assert.matches("Nothing to rollback", r.stdout)
      end)

      it("stops at a down that fails, keeping what it has not undone", function()
        S.three_batches(project)
        project:write(B, step("b", { down = '  error("cannot undo b")' }))
        local r = assert_exit(1, project:run("reset"))
        assert.truthy(r.stderr:find("cannot undo b", 1, true), helpers.describe_run(r))
        assert.same({ [A] = 1, [B] = 2 }, batches(project))
        assert.same({ "up a", "up b", "up c", "up d", "down d", "down c" }, log_of(project))
      end)
    end)

    -- {=================================================================
    describe("aliases", function()
      it("migrate:rollback is rollback", function()
        S.three_batches(project)
        project:ok("migrate:rollback")
        assert.same({ [A] = 1, [B] = 2, [C] = 2 }, batches(project))
      end)

      it("migrate:reset is reset", function()
        S.three_batches(project)
        project:ok("migrate:reset")
        assert.same({}, project:history())
        assert.same({ "log", "migrations" }, project:tables())
      end)

      it("migrate:refresh is refresh", function()
        S.three_batches(project)
        project:ok("migrate:refresh")
        assert.same({ [A] = 1, [B] = 1, [C] = 1, [D] = 1 }, batches(project))
      end)

      it("migrate:fresh is fresh", function()
        S.three_batches(project)
        project:ok("migrate:fresh")
        assert.same({ [A] = 1, [B] = 1, [C] = 1, [D] = 1 }, batches(project))
        assert.is_false(helpers.contains(project:tables(), "log"))
      end)

      it("migrate:status is status", function()
        S.three_batches(project)
        local r = project:ok("migrate:status")
        assert.truthy(r.stdout:find(D, 1, true), r.stdout)
        assert.matches("Ran", r.stdout)
      end)

      it("db:seed is seed", function()
        project:write(USERS, S.USERS_MIGRATION)
        S.write_seeder(project)
        project:ok("migrate")
        project:ok("db:seed")
        assert.equals(2, S.count(project, "users"))
      end)
    end)

    -- {=================================================================
    describe("--quiet", function()
      it("migrate and rollback print nothing on stdout", function()
        project:write(A, step("a"))
        local r = project:ok("migrate", "--quiet")
        assert.equals("", r.stdout)
        assert.same({ [A] = 1 }, batches(project))
        r = project:ok("rollback", "--quiet")
        assert.equals("", r.stdout)
        assert.same({}, project:history())
        r = project:ok("migrate", "--quiet", "--step")
        assert.equals("", r.stdout)
        r = project:ok("rollback", "--step", "1", "--quiet")
        assert.equals("", r.stdout)
        r = project:ok("rollback", "--quiet")   -- nothing to roll back
        assert.equals("", r.stdout)
      end)

      it("reset, refresh, fresh and seed print nothing on stdout either", function()
        project:write(USERS, S.USERS_MIGRATION)
        S.write_seeder(project)
        project:ok("migrate")
        for _, args in ipairs {
          { "refresh", "--seed", "--quiet" },
          { "fresh", "--quiet" },
          { "seed", "--quiet" },
          { "reset", "--quiet" },
        } do
          local r = project:ok(args)
          assert(r.stdout == "", "printed:\n" .. helpers.describe_run(r))
        end
        assert.same({}, project:history())
      end)

      it("still reports errors on stderr", function()
        project:write(A, step("a"))
        project:write(B, step("b", { up_tail = S.FAIL_SQL }))
        local r = assert_exit(1, project:run("migrate", "--quiet"))
        assert.equals("", r.stdout)
        assert.truthy(r.stderr:find(B, 1, true), helpers.describe_run(r))
        assert.truthy(r.stderr:find("nowhere", 1, true), helpers.describe_run(r))
        r = assert_exit(2, project:run("rollback", "--quiet", "--step", "0"))
        assert.equals("", r.stdout)
        assert.truthy(r.stderr ~= "")
      end)
    end)
  end)
end
