-- spec/support/real_apps_suite.lua: the checks every real application's
-- ported migration folder gets (spec/fixtures/<app>, its settings in
-- spec/support/apps/<app>.lua), on the dialects it supports: every table
-- the app creates exists, status shows every migration ran, rollback and
-- reset leave only the history table, migrate works again, fresh works, the
-- app's own data steps do what they say, and rows survive the alters of a
-- partial rollback. One spec file an app (spec/integration/30-real_apps_<app>),
-- so that ctest runs the apps side by side.
local busted = require("busted")
local helpers = require("spec.helpers")
local apps = require("spec.support.real_apps")

local describe, pending, assert = busted.describe, busted.pending, busted.assert
local after_each, teardown = busted.after_each, busted.teardown

local fixture_names, copy_fixture, sorted = apps.fixture_names, apps.copy_fixture, apps.sorted
local copy_seeds = apps.copy_seeds

return function(app_name)
  local app = require("spec.support.apps." .. app_name)
  -- One project per app and dialect is migrated once and shared by the tests
  -- that read it or put it back as they found it (migrate, rollback and
  -- migrate, fresh): the apps' folders take seconds to run on MySQL. A test
  -- that fails while the shared project is away from that state drops it;
  -- the next one migrates a new one. The others get a project of their own.
  local names = fixture_names(app.name)

  for _, dialect in helpers.each_dialect() do
    describe(app.name .. "'s migrations [#" .. dialect .. "]", function()
      local project, shared, moving
      local it = busted.it
      if app.only_on and not app.only_on[dialect.name] then
        it = function(what) pending(what .. ": not on " .. dialect.name .. " (" .. app.only_why .. ")") end
      elseif app.not_run then
        -- the app's own limits, by the first word of the test: why it cannot
        local plain = it
        it = function(what, fn)
          local why = app.not_run[what:match("^%S+")]
          if why then return pending(what .. ": " .. why) end
          return plain(what, fn)
        end
      end

      -- url_params: the app's connection settings as the URL's query;
      -- env: the variables its migrations read (Laravel.io's APP_ENV)
      local function new_project()
        local p = helpers.project(dialect)
        local params = app.url_params and app.url_params[dialect.name]
        local env = app.env and app.env[dialect.name]
        if params or env then p.env = dialect:env(p) end
        if params then
          local url = p.env.DATABASE_URL
          p.env.DATABASE_URL = url .. (url:find("?", 1, true) and "&" or "?") .. params
        end
        for k, v in pairs(env or {}) do p.env[k] = v end
        return p
      end

      -- the shared project, every migration run as one batch; moving() marks
      -- that the test takes it away from that state until it returns
      local function migrated()
        if not shared then
          local p = new_project()
          copy_fixture(p, app.name)
          local ok, r = pcall(p.ok, p, "migrate")
          if not ok then
            p:cleanup()
            error(r, 0)
          end
          shared, p.first_run = p, r
        end
        return shared
      end

      after_each(function()
        if project then project:cleanup() end
        project = nil
        if moving and shared then
          shared:cleanup()
          shared = nil
        end
        moving = false
      end)

      teardown(function()
        if shared then shared:cleanup() end
        shared = nil
      end)

      local function own()
        project = new_project()
        return project
      end

      it("migrate creates every table of the app and status shows every migration ran", function()
        local p = migrated()
        local r = p.first_run
        for _, name in ipairs(names) do
          assert.truthy(r.stdout:find(name, 1, true), name .. "\n" .. helpers.describe_run(r))
        end
        assert.same(sorted(app.tables), p:tables())
        local history = p:history()
        assert.equals(#names, #history)
        for i, h in ipairs(history) do
          assert.equals(names[i], h.migration)
          assert.equals(1, h.batch)
        end
        local status = p:ok("status")
        local lines = helpers.lines(status.stdout)
        for _, name in ipairs(names) do
          local i = helpers.line_index(lines, name)
          assert.is_not_nil(i, name .. "\n" .. helpers.describe_run(status))
          assert.truthy(lines[i]:find("Ran", 1, true), lines[i])
        end
        assert.is_nil(status.stdout:find("Pending", 1, true), helpers.describe_run(status))
      end)

      it("leaves the keys and indexes its alters build", function()
        migrated():with_db(app.schema)
      end)

      it("runs its data steps", function()
        migrated():with_db(app.data_steps)
      end)

      -- app.down_fails: the migration whose down fails on this app's dialects under Laravel too
      -- (its error, and why): the rollback and reset of the whole folder are pending, and
      -- rollback and reset are checked to run the downs after it, then stop at it.
      -- app.earlier_down_fails: more such downs, each with the last migration of a folder cut
      -- there (upto): rollback of that folder runs the downs after it, then stops at it, so
      -- the downs between two failing ones are run too
      local fails = app.down_fails
      local whole = it

      -- the number of migrations after 'migration' in 'list'
      local function count_after(list, migration)
        for i, name in ipairs(list) do
          if name == migration then return #list - i end
        end
        error(migration .. " not in the folder")
      end

      -- rolls p (migrated from 'list') back through the downs after fail.migration, then
      -- checks the next rollback stops at its down with its error
      local function rollback_stops(p, list, fail)
        local after = count_after(list, fail.migration)
        if after > 0 then
          local r = p:ok("rollback", "--step", tostring(after))
          for i = #list - after + 1, #list do
            assert.truthy(r.stdout:find(list[i], 1, true), list[i] .. "\n" .. helpers.describe_run(r))
          end
        end
        assert.equals(#list - after, #p:history())
        p:refused(1, { fail.migration, fail.error }, "rollback")
        assert.equals(#list - after, #p:history())
        -- on MySQL the statements of the failed down before the failing one stay; lmigrate
        -- then refuses to migrate until that down is fixed and run on (where Laravel would
        -- migrate over the half-undone migration): PRODUCT.md, migrate --resume
        p:refused(1, { fail.migration, "stopped part-way" }, "migrate")
      end

      if fails then
        if not (app.only_on and not app.only_on[dialect.name]) then
          whole = function(what) pending(what .. ": " .. fails.why) end
        end

        it("rollback runs the downs after the one that fails, then stops at that one", function()
          local p = migrated()
          moving = true   -- (the failed down leaves what it applied: this project is done with)
          rollback_stops(p, names, fails)
        end)

        for _, fail in ipairs(app.earlier_down_fails or {}) do
          it("rollback of the folder up to " .. fail.upto .. " runs the downs after " .. fail.migration
             .. ", then stops at that one", function()
            local p = own()
            copy_fixture(p, app.name, function(name) return name <= fail.upto end)
            local list = {}
            for _, name in ipairs(names) do
              if name <= fail.upto then list[#list + 1] = name end
            end
            p:ok("migrate")
            rollback_stops(p, list, fail)
          end)
        end

        it("reset of a one-migration-per-batch run undoes the batches after the down that fails, then stops",
        function()
          local p = own()
          copy_fixture(p, app.name)
          p:ok("migrate", "--step")
          p:refused(1, { fails.migration, fails.error }, "reset")
          local history = p:history()
          assert.equals(#names - count_after(names, fails.migration), #history)
          assert.equals(fails.migration, history[#history].migration)
        end)
      end

      -- app.pretend_rollback: rollback --pretend of the whole folder prints every down (no
      -- statement runs, so a down that fails for real is printed too, as under Laravel's
      -- pretend) and changes nothing; migrate --pretend on a new database, every up
      if app.pretend_rollback then
        it("rollback --pretend prints every down and changes nothing", function()
          local p = migrated()
          local r = p:ok("rollback", "--pretend")
          for _, name in ipairs(names) do
            assert.truthy(r.stdout:find("-- " .. name .. " (down)", 1, true),
                          name .. "\n" .. helpers.describe_run(r))
          end
          assert.same(sorted(app.tables), p:tables())
          assert.equals(#names, #p:history())
        end)

        it("migrate --pretend on a new database prints every up and changes nothing", function()
          local p = own()
          copy_fixture(p, app.name)
          local r = p:ok("migrate", "--pretend")
          for _, name in ipairs(names) do
            assert.truthy(r.stdout:find("-- " .. name .. " (up)", 1, true),
                          name .. "\n" .. helpers.describe_run(r))
          end
          assert.same({}, p:tables())
        end)
      end

      whole("rollback undoes every migration, leaving the history table; migrate works again", function()
        local p = migrated()
        moving = true
        local r = p:ok("rollback")
        for _, name in ipairs(names) do
          assert.truthy(r.stdout:find(name, 1, true), name .. "\n" .. helpers.describe_run(r))
        end
        assert.same({ "migrations" }, p:tables())
        assert.same({}, p:history())
        p:ok("migrate")
        assert.same(sorted(app.tables), p:tables())
        assert.equals(#names, #p:history())
        p:with_db(app.data_steps)
        moving = false
      end)

      it("fresh drops everything and migrates again as one batch", function()
        local p = migrated()
        moving = true
        p:with_db(function(db)
          db:run("CREATE TABLE " .. db.dialect:ident("not_a_migration") .. " (x INTEGER)")
        end)
        p:ok("fresh")
        assert.same(sorted(app.tables), p:tables())
        local history = p:history()
        assert.equals(#names, #history)
        assert.equals(1, history[#history].batch)
        moving = false
      end)

      whole("reset undoes every batch of a one-migration-per-batch run", function()
        local p = own()
        copy_fixture(p, app.name)
        p:ok("migrate", "--step")
        local history = p:history()
        assert.equals(#names, #history)
        assert.equals(#names, history[#history].batch)
        p:ok("reset")
        assert.same({ "migrations" }, p:tables())
        assert.same({}, p:history())
      end)

      it("its data steps move the rows that were there before them", function()
        local p = own()
        -- each stage's rows go in before the migrations from its name on
        local stages = { { app.stage, app.stage_rows }, table.unpack(app.more_stages or {}) }
        for _, stage in ipairs(stages) do
          copy_fixture(p, app.name, function(name) return name < stage[1] end)
          p:ok("migrate")
          p:with_db(stage[2])
        end
        copy_fixture(p, app.name)
        p:ok("migrate")
        p:with_db(app.staged)
      end)

      -- app.seeds: the app's DatabaseSeeder and factories, ported (spec/fixtures/<app>/seeds):
      -- seed --random-seed 42 makes the rows app.seeds.check promises, and fresh --seed with
      -- the same seed the same rows (app.seeds.rows: the columns no hash, clock or server
      -- random fills). app.seeds.edit(name, text): the one-call change of a scratch copy of
      -- the migrations the seeders need (why: app.seeds.edit_why); without it seed fails
      -- with app.seeds.unedited_error, under Laravel too
      if app.seeds then
        local S = app.seeds
        if S.edit then
          it("seed fails on the migrations as ported: " .. S.edit_why, function()
            local p = own()
            copy_fixture(p, app.name)
            copy_seeds(p, app.name)
            p:ok("migrate")
            local r = p:run("seed", "--random-seed", "42")
            helpers.assert_status(1, r)
            assert.truthy(r.stderr:find(S.unedited_error, 1, true), r.stderr)
          end)
        end
        it("seed runs its DatabaseSeeder; fresh --seed with the same seed gives the same rows", function()
          local p = own()
          copy_fixture(p, app.name, nil, S.edit)
          copy_seeds(p, app.name)
          p:ok("migrate")
          p:ok("seed", "--random-seed", "42")
          p:with_db(S.check)
          local first = p:with_db(S.rows)
          p:ok("fresh", "--seed", "--random-seed", "42")
          p:with_db(S.check)
          assert.same(first, p:with_db(S.rows))
        end)
      end

      it("keeps the rows of the tables a partial rollback alters; migrate puts the columns back", function()
        local p = migrated()
        moving = true   -- (the rows stay: the shared project is done with)
        p:with_db(app.keep_rows)
        p:ok("rollback", "--step", tostring(app.keep_steps))
        assert.equals(#names - app.keep_steps, #p:history())
        p:with_db(app.kept)
        p:ok("migrate")
        assert.equals(#names, #p:history())
        p:with_db(app.kept)
      end)
    end)
  end
end
