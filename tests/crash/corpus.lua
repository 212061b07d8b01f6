-- tests/crash/corpus.lua: runs the bad-input corpus of cases.lua on every
-- dialect, on a database with one migration applied: each case must exit
-- with its status, say its words, hold no traceback, and leave the
-- database exactly as it was (schema and history). On MySQL, which commits
-- each schema statement at once, a case marked `partial` leaves its
-- migration partly applied instead: status says so, and `rollback
-- --partial` must bring the database back to exactly what it was; every
-- other case must leave the journal empty.
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
  local db = project:connect()
  if project.dialect.name == "mysql" then
    db:query("SELECT GET_LOCK(CONCAT('lmigrate:', SHA1(DATABASE())), 0)")
    return function() db:close() end
  end
  -- PostgreSQL: a live lease of another run (run/lease.lua)
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

-- the case as it runs on this dialect: its fields, with those of
-- case[dialect name] over them
local function on(case, dialect)
  local own = case[dialect.name]
  if not own then return case end
  local c = {}
  for k, v in pairs(case) do c[k] = v end
  for k, v in pairs(own) do c[k] = v end
  return c
end

-- MySQL: the case's migration partly applied -> status shows it, and
-- rollback --partial undoes it; a case not marked partial must leave the
-- journal empty. -> whether the database is to be as before now
local function journal(project, case, where)
  if project.dialect.transactional_ddl then return true end
  local rows = project:with_db(function(db) return db:journal() end)
  if not case.partial then
    return p:check(#rows == 0, where, "%d journal row(s) left, the first: %s", #rows,
                   rows[1] and (rows[1].state .. " " .. rows[1].statement) or "")
  end
  local applied = 0
  for _, row in ipairs(rows) do
    if row.state == "applied" then applied = applied + 1 end
  end
  if not p:check(applied > 0, where, "not partly applied, as expected on MySQL") then return true end
  local r = project:run("status")
  p:check(r.stdout:find(("Partly applied (%d of"):format(applied), 1, true), where,
          "status does not show it partly applied\n%s", probe.describe(r))
  r = project:run("rollback", "--partial")
  p:check(r.status == 0, where, "rollback --partial failed\n%s", probe.describe(r))
  p:count(project.dialect, "cases partly applied, undone by rollback --partial")
  return true
end

-- after a case that changed the database: what it left goes (its history
-- rows, its tables), so the next case starts from the base again
local function restore(project)
  project:with_db(function(db)
    db:run("DELETE FROM migrations WHERE migration NOT LIKE ?", BASE .. "%")
    for _, t in ipairs(db:tables()) do
      if t ~= "base" and t ~= "migrations" then db:run("DROP TABLE " .. db.dialect:ident(t)) end
    end
  end)
  if not project.dialect.transactional_ddl then
    project:with_db(function(db) db:exec("DELETE FROM migrations_journal") end)
  end
end

local function run_case(project, case)
  case = on(case, project.dialect)
  local where = ("%s %s"):format(project.dialect, case.what)
  if case.setup then project:with_db(case.setup) end
  local before = project:snapshot()
  local made = files_of(project, case)
  local env = project.dialect:env(project)
  for k, v in pairs(case.env or {}) do env[k] = v end
  local release = case.hold and hold_lock(project)
  local ok, r = pcall(project.run, project, case.args or { "migrate" }, { env = env })
  if release then release() end
  if ok then journal(project, case, where) end   -- status lists the migration while its file is there
  for _, path in ipairs(made) do helpers.sh("rm -rf " .. helpers.quote(path)) end
  if case.cleanup then helpers.sh(("cd %s && %s"):format(helpers.quote(project.migrations), case.cleanup)) end
  os.remove(project:path("lmigrate.lua"))
  local after = project:snapshot()
  if case.teardown then project:with_db(case.teardown) end
  if after ~= before then restore(project) end
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
