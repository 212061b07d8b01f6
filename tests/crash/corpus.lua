-- tests/crash/corpus.lua: runs the bad-input corpus of cases.lua on every
-- dialect, on a database with one migration applied: each case must exit
-- with its status, say its words, hold no traceback, and leave the
-- database exactly as it was (schema and history).
--
--   tests/run-probe lua5.4 tests/crash/corpus.lua [--long]
-- (the long form runs the corpus three times, in shuffled orders)
local probe = require("probe")
local cases = require("crash.cases")
local helpers = require("spec.helpers")

local p = probe.new("corpus", { short = { passes = 1 }, long = { passes = 3 } })

local BASE = "2026_01_01_000000_create_base"

-- holds the migration lock as another process would, until release()
local function hold_lock(project)
  if project.dialect.name == "sqlite" then
    local lk = assert(helpers.core.lock(project.dialect:target(project)))
    return function() lk:release() end
  end
  -- PostgreSQL: a live lease of another run (run/lease.lua)
  local db = project:connect()
  db:run("CREATE SCHEMA IF NOT EXISTS lmigrate")
  db:run("CREATE TABLE IF NOT EXISTS lmigrate.leases (name text PRIMARY KEY, token text NOT NULL,"
    .. " host text NOT NULL, pid integer NOT NULL, started timestamptz NOT NULL,"
    .. " heartbeat timestamptz NOT NULL, expires timestamptz NOT NULL)")
  db:run("INSERT INTO lmigrate.leases VALUES (current_schema() || '.migrations', 'probe', 'probehost',"
    .. " 4242, now(), now(), now() + interval '1 hour')")
  return function()
    db:run("DELETE FROM lmigrate.leases WHERE token = 'probe'")
    db:close()
  end
end

local function files_of(project, case)
  local made = {}
  for name, source in pairs(case.files or {}) do made[#made + 1] = project:write(name, source) end
  if case.make then
    local path = project.migrations .. "/" .. cases.CASE .. ".lua"
    assert(helpers.sh(("cd %s && " .. case.make):format(helpers.quote(project.migrations),
      helpers.quote(path))) == 0, case.make)
    made[#made + 1] = path
  end
  if case.config then helpers.write_file(project:path("lmigrate.lua"), case.config) end
  return made
end

local function run_case(project, case)
  local where = ("%s %s"):format(project.dialect, case.what)
  if case.setup then project:with_db(case.setup) end
  local before = project:snapshot()
  local made = files_of(project, case)
  local env = project.dialect:env(project)
  for k, v in pairs(case.env or {}) do env[k] = v end
  local release = case.hold and hold_lock(project)
  local ok, r = pcall(project.run, project, case.args or { "migrate" }, { env = env })
  if release then release() end
  for _, path in ipairs(made) do helpers.sh("rm -rf " .. helpers.quote(path)) end
  if case.cleanup then helpers.sh(("cd %s && %s"):format(helpers.quote(project.migrations), case.cleanup)) end
  os.remove(project:path("lmigrate.lua"))
  local after = project:snapshot()
  if case.teardown then project:with_db(case.teardown) end
  if not p:check(ok, where, "%s", tostring(r)) then return end
  local out = r.stderr .. r.stdout
  p:check(r.status == case.status, where, "exit %s, expected %d\n%s", tostring(r.status), case.status,
          probe.describe(r))
  for _, w in ipairs(case.words or {}) do
    p:check(out:find(w, 1, true), where, "%q not in the output\n%s", w, probe.describe(r))
  end
  for _, w in ipairs(case.absent or {}) do
    p:check(not out:find(w, 1, true), where, "%q in the output\n%s", w, probe.describe(r))
  end
  for _, w in ipairs { "stack traceback", "internal error" } do
    p:check(not out:find(w, 1, true), where, "%s\n%s", w, probe.describe(r))
  end
  p:check(after == before, where, "the database changed\n%s", probe.describe(r))
  p:count(project.dialect, "cases")
end

for _, dialect in p:each_dialect() do
  p:protect(dialect, function()
    local project = helpers.project(dialect)
    project:write(BASE, helpers.create_table_migration("base"))
    project:ok("migrate")
    for pass = 1, p.budget.passes do
      local order = {}
      for i = 1, #cases.list do order[i] = i end
      if pass > 1 then
        for i = #order, 2, -1 do
          local j = math.random(i)
          order[i], order[j] = order[j], order[i]
        end
      end
      for _, i in ipairs(order) do
        local case = cases.list[i]
        if not case.only or case.only == dialect.name then p:protect(dialect, run_case, project, case) end
      end
    end
    project:cleanup()
  end)
end

p:finish()
