-- The production guard: with LMIGRATE_ENV or APP_ENV = production, the
-- commands that change the database (migrate, rollback, reset, refresh,
-- fresh, seed) ask for confirmation on a terminal and refuse without
-- --force when there is none (exit 2, nothing changed). status and
-- --pretend are not guarded. The terminal is util-linux `script`.
local helpers = require("spec.helpers")
local S = require("spec.support.commands")

local A, B, USERS = S.A, S.B, S.USERS
local quote = helpers.quote

local function env(project, extra)
  local e = {}
  for k, v in pairs(project.dialect:env(project)) do e[k] = v end
  for k, v in pairs(extra or {}) do e[k] = v end
  return e
end

local PROD = { LMIGRATE_ENV = "production" }
local APP_PROD = { APP_ENV = "production" }

local has_script = os.execute("command -v script >/dev/null 2>&1") and true or false

-- runs lmigrate under a pseudo-terminal (util-linux script), 'answer'
-- fed on its stdin -> { status, output } (the terminal merges both streams)
local function run_tty(project, args, extra_env, answer)
  local words = { quote(helpers.bin) }
  for _, a in ipairs(args) do words[#words + 1] = quote(a) end
  local inner = table.concat(words, " ")
  local cmd = { "cd", quote(project.dir), "&&", "env", "-u", "DATABASE_URL", "-u", "LMIGRATE_DEV",
                "-u", "LD_PRELOAD", "-u", "LMIGRATE_ENV", "-u", "APP_ENV" }
  local e = env(project, extra_env)
  local keys = {}
  for k in pairs(e) do keys[#keys + 1] = k end
  table.sort(keys)
  for _, k in ipairs(keys) do cmd[#cmd + 1] = quote(k .. "=" .. e[k]) end
  local input, out = os.tmpname(), os.tmpname()
  helpers.write_file(input, answer or "")
  cmd[#cmd + 1] = "timeout 60 script -qec " .. quote(inner) .. " /dev/null"
  local line = table.concat(cmd, " ")
  local p = assert(io.popen(("( %s ) <%s >%s 2>&1; echo $?"):format(line, quote(input), quote(out))))
  local status = tonumber(p:read("a"):match("(%d+)%s*$"))
  p:close()
  local r = { status = status, output = helpers.read_file(out) or "", command = line }
  os.remove(input)
  os.remove(out)
  r.describe = ("$ %s\n[exit %s]\n%s"):format(line, tostring(status), r.output)
  return r
end

-- what each guarded command is run with, and what shows it ran
local GUARDED = {
  { args = { "migrate" }, ran = function(p) return S.batches(p)[B] == 2 end },
  { args = { "rollback" }, ran = function(p) return S.batches(p)[A] == nil end },
  { args = { "reset" }, ran = function(p) return next(S.batches(p)) == nil end },
  { args = { "refresh" }, ran = function(p) return S.batches(p)[B] == 1 end },
  { args = { "fresh" }, ran = function(p) return not p:has_table("log") end },
  { args = { "seed" }, ran = function(p) return S.count(p, "users") == 2 end },
}

for _, dialect in helpers.each_dialect() do
  local tty_it = has_script and it or pending

  describe("production guard [#" .. dialect .. "]", function()
    local project

    -- batch 1: users and a; b pending; a seeder
    before_each(function()
      project = helpers.project(dialect)
      S.create_log(project)
      project:write(USERS, S.USERS_MIGRATION)
      project:write(A, S.step("a"))
      project:ok("migrate")
      project:write(B, S.step("b"))
      S.write_seeder(project)
    end)

    after_each(function()
      if project then project:cleanup() end
      project = nil
    end)

    for _, g in ipairs(GUARDED) do
      local name = g.args[1]

      it(name .. " refuses without a terminal and without --force, changing nothing", function()
        for _, e in ipairs { PROD, APP_PROD } do
          local before = project:snapshot()
          local r = project:run(g.args, { env = env(project, e) })
          assert(r.status == 2, "expected exit 2\n" .. helpers.describe_run(r))
          assert(r.stderr:find("--force", 1, true), "no mention of --force\n" .. helpers.describe_run(r))
          assert.is_nil(r.stdout:find("DONE", 1, true), helpers.describe_run(r))
          assert.equals(before, project:snapshot())
          assert.equals(0, S.count(project, "users"))
          assert.is_false(g.ran(project))
        end
      end)

      it(name .. " --force runs in production", function()
        local r = project:run({ name, "--force", table.unpack(g.args, 2) },
                              { env = env(project, PROD) })
        helpers.assert_status(0, r)
        assert.is_true(g.ran(project), helpers.describe_run(r))
      end)
    end

    it("APP_ENV=production with --force runs too", function()
      helpers.assert_status(0, project:run({ "migrate", "--force" }, { env = env(project, APP_PROD) }))
      assert.equals(2, S.batches(project)[B])
    end)

    it("guards the aliases too", function()
      for _, alias in ipairs { "migrate:rollback", "migrate:reset", "migrate:refresh",
                               "migrate:fresh", "db:seed" } do
        local before = project:snapshot()
        local r = project:run({ alias }, { env = env(project, PROD) })
        assert(r.status == 2, "expected exit 2\n" .. helpers.describe_run(r))
        assert.equals(before, project:snapshot())
      end
    end)

    it("does not guard other environments", function()
      helpers.assert_status(0, project:run({ "migrate" },
                                           { env = env(project, { LMIGRATE_ENV = "staging" }) }))
      assert.equals(2, S.batches(project)[B])
    end)

    it("does not guard status", function()
      local r = project:run({ "status" }, { env = env(project, PROD) })
      helpers.assert_status(0, r)
      assert.truthy(r.stdout:find(B, 1, true))
      helpers.assert_status(0, project:run({ "status", "--json" }, { env = env(project, APP_PROD) }))
    end)

    it("does not guard --pretend, which changes nothing", function()
      local before = project:snapshot()
      for _, args in ipairs { { "migrate", "--pretend" }, { "rollback", "--pretend" },
                              { "reset", "--pretend" } } do
        local r = project:run(args, { env = env(project, PROD) })
        helpers.assert_status(0, r)
        assert.truthy(r.stdout:find("CREATE TABLE", 1, true) or r.stdout:find("DROP TABLE", 1, true),
                      helpers.describe_run(r))
      end
      assert.equals(before, project:snapshot())
    end)

    describe("on a terminal", function()
      tty_it("asks, and answering n cancels: exit 2, nothing changed", function()
        for _, g in ipairs(GUARDED) do
          local before = project:snapshot()
          local r = run_tty(project, g.args, PROD, "n\n")
          assert(r.status == 2, "expected exit 2\n" .. r.describe)
          assert(r.output:lower():find("production", 1, true), "no question\n" .. r.describe)
          assert(r.output:find("%[y/N%]"), "no [y/N]\n" .. r.describe)
          assert.equals(before, project:snapshot())
          assert.is_false(g.ran(project), r.describe)
        end
      end)

      tty_it("an empty answer or end of input cancels too", function()
        local before = project:snapshot()
        for _, answer in ipairs { "\n", "" } do
          local r = run_tty(project, { "migrate" }, APP_PROD, answer)
          assert(r.status == 2, "expected exit 2\n" .. r.describe)
        end
        assert.equals(before, project:snapshot())
      end)

      for _, g in ipairs(GUARDED) do
        tty_it(g.args[1] .. ": answering y runs it", function()
          local r = run_tty(project, g.args, PROD, "y\n")
          assert(r.status == 0, "expected exit 0\n" .. r.describe)
          assert.is_true(g.ran(project), r.describe)
        end)
      end

      tty_it("--force does not ask", function()
        local r = run_tty(project, { "migrate", "--force" }, PROD, "n\n")
        assert(r.status == 0, "expected exit 0\n" .. r.describe)
        assert.is_nil(r.output:find("[y/N]", 1, true), r.describe)
        assert.equals(2, S.batches(project)[B])
      end)

      tty_it("status does not ask", function()
        local r = run_tty(project, { "status" }, PROD, "n\n")
        assert(r.status == 0, "expected exit 0\n" .. r.describe)
        assert.is_nil(r.output:find("[y/N]", 1, true), r.describe)
      end)

      tty_it("outside production nothing asks", function()
        local r = run_tty(project, { "migrate" }, {}, "n\n")
        assert(r.status == 0, "expected exit 0\n" .. r.describe)
        assert.is_nil(r.output:find("[y/N]", 1, true), r.describe)
        assert.equals(2, S.batches(project)[B])
      end)
    end)
  end)
end
