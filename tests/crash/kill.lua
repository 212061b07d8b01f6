-- tests/crash/kill.lua: the kill -9 harness. SIGKILL lands at a random
-- moment of `migrate`, `migrate --atomic`, `migrate --step`, `rollback`
-- and `reset` (the fixture's migrations include two SQLite table
-- rebuilds); after each kill the database must be consistent (the history
-- a prefix of the migrations, the schema and rows exactly those of that
-- prefix, no up run twice, the integrity and foreign-key checks clean; an
-- --atomic run all or nothing) and the next `migrate` must complete.
--
--   tests/run-probe lua5.4 tests/crash/kill.lua [--long]
local probe = require("probe")
local fixture = require("crash.fixture")
local helpers = require("spec.helpers")

-- MySQL's short form does fewer: its DDL is slow
local p = probe.new("kill", { short = { kills = 10, mysql = { kills = 6 } }, long = { kills = 400 } })

-- the modes a kill lands in, in turn: { args, starts from }
local MODES = {
  { name = "migrate", args = { "migrate" }, from = "partial" },
  { name = "rollback", args = { "rollback", "--step", "4" }, from = "full" },
  { name = "atomic", args = { "migrate", "--atomic" }, from = "partial" },
  { name = "migrate", args = { "migrate" }, from = "partial" },
  { name = "reset", args = { "reset" }, from = "full" },
  { name = "step", args = { "migrate", "--step" }, from = "partial" },
}

-- runs lmigrate with 'args' in the project and sends it SIGKILL after
-- 'delay' seconds -> killed (true when the signal found it running), status
local function kill_run(project, args, delay)
  local line = helpers.command_line(args, { cwd = project.dir, env = project.dialect:env(project),
                                            timeout = false })
  local out = os.tmpname()
  local script = ("( %s ) </dev/null >%s 2>&1 & pid=$!\nsleep %.3f\nkill -9 $pid 2>/dev/null\n"
    .. "wait $pid; echo $?"):format(line, helpers.quote(out), delay)
  local f = assert(io.popen("sh -c " .. helpers.quote(script) .. " 2>/dev/null"))
  local status = tonumber(f:read("a"):match("(%d+)%s*$"))
  f:close()
  local text = helpers.read_file(out) or ""
  os.remove(out)
  return status == 137, status, text
end

-- MySQL's --atomic: refused before anything runs (exit 2), so no kill
local function atomic_refused(dialect, project, refs, where, start)
  local r = project:run("migrate", "--atomic")
  p:check(r.status == 2 and r.stderr:find("--atomic is not possible", 1, true), where,
          "--atomic was not refused\n%s", probe.describe(r))
  local n = fixture.check(p, where, fixture.state(project), refs)
  p:check(n == start, where, "a refused --atomic left %s of %d applied", tostring(n), start)
  p:count(dialect, "--atomic trials refused, not killed (no transactional DDL)")
end

-- MySQL, after a kill: the server finishes the statement the run was in,
-- which the journal names as "running"; once it is done, status (as every
-- command) settles the row (applied or not, by the table's fingerprint)
local function settle(dialect, project, where)
  local running = project:with_db(function(db)
    db:quiesce()
    local n = 0
    for _, r in ipairs(db:journal()) do
      if r.state == "running" then n = n + 1 end
    end
    return n
  end)
  if running == 0 then return end
  p:count(dialect, "kills in a schema statement")
  local r = project:run("status")
  p:check(r.status == 0, where, "status failed\n%s", probe.describe(r))
end

-- MySQL: after a kill, migration n + 1 partly applied (j statements the
-- journal names, which fixture.check found in the schema): status says so,
-- migrate refuses to go past it, then (picked at random) migrate --resume
-- completes it, or rollback --partial undoes its statements, after which
-- the schema is that of the n migrations
local function recover(dialect, project, refs, where, n, j)
  p:count(dialect, "kills that left a migration partly applied")
  local name = fixture.NAMES[n + 1]
  local r = project:run("status")
  p:check(r.status == 0 and r.stdout:find(("Partly applied (%d of"):format(j), 1, true), where,
          "status does not show %s partly applied (%d statements)\n%s", name, j, probe.describe(r))
  r = project:run("migrate")
  p:check(r.status == 1 and r.stderr:find(name .. " is partly applied", 1, true), where,
          "migrate did not refuse to go past %s, partly applied\n%s", name, probe.describe(r))
  if math.random(2) == 1 then
    r = project:run("migrate", "--resume")
    if p:check(r.status == 0, where, "migrate --resume failed\n%s", probe.describe(r)) then
      p:count(dialect, "resumed")
    end
  else
    r = project:run("rollback", "--partial")
    if p:check(r.status == 0, where, "rollback --partial failed\n%s", probe.describe(r)) then
      local m, left = fixture.check(p, where .. ", then rollback --partial", fixture.state(project), refs)
      p:check(m == nil or (m == n and left == 0), where, "rollback --partial left %s applied, %s journaled",
              tostring(m), tostring(left))
      p:count(dialect, "undone by rollback --partial")
    end
  end
end

-- MySQL: after a kill in a rollback, the down of migration n stopped after
-- j statements (journaled, in the schema): status shows it, migrate
-- refuses, and rollback --step 1 runs the rest of it
local function finish_down(dialect, project, refs, where, n, j)
  p:count(dialect, "kills that left a down part-way")
  local name = fixture.NAMES[n]
  local r = project:run("status")
  p:check(r.status == 0 and r.stdout:find(("Partly rolled back (%d of"):format(j), 1, true), where,
          "status does not show the down of %s part-way (%d statements)\n%s", name, j, probe.describe(r))
  r = project:run("migrate")
  p:check(r.status == 1 and r.stderr:find("the down of " .. name .. " stopped part-way", 1, true), where,
          "migrate did not refuse to go past the down of %s, part-way\n%s", name, probe.describe(r))
  r = project:run("rollback", "--step", "1")
  if p:check(r.status == 0, where, "rollback --step 1 did not finish the down\n%s", probe.describe(r)) then
    local m, left = fixture.check(p, where .. ", then rollback --step 1", fixture.state(project), refs)
    p:check(m == nil or (m == n - 1 and left == 0), where, "rollback --step 1 left %s applied, %s journaled",
            tostring(m), tostring(left))
  end
end

local function trial(dialect, project, refs, up, down, i)
  local mode = MODES[(i - 1) % #MODES + 1]
  local where = ("%s kill %d (%s)"):format(dialect, i, mode.name)
  -- the starting state: some migrations pending, or all applied
  local start = fixture.N
  if mode.from == "partial" then
    start = math.random(0, fixture.N - 1)
    if start < fixture.N then project:ok("rollback", "--step", tostring(fixture.N - start)) end
  end
  if mode.name == "atomic" and not dialect.transactional_ddl then
    atomic_refused(dialect, project, refs, where, start)
  else
    local span = mode.from == "partial" and up * (fixture.N - start) / fixture.N or down
    local killed, status, text = kill_run(project, mode.args, 0.01 + math.random() * span * 0.95)
    if not killed then
      p:count(dialect, "finished before the kill")
      p:check(status == 0, where, "exit %s without a kill\n%s", tostring(status), text)
    else
      p:count(dialect, "kills")
    end
    if not dialect.transactional_ddl then settle(dialect, project, where) end
    local n, j, in_down = fixture.check(p, where, fixture.state(project), refs)
    if killed and n then
      if mode.name == "atomic" then
        p:check(n == start or n == fixture.N, where, "--atomic left %d of %d..%d applied", n, start,
                fixture.N)
      end
      if dialect.name == "sqlite" and mode.from == "partial" and (n == 3 or n == 4)
         and mode.name ~= "atomic" then
        p:count(dialect, "kills in a table rebuild")
      end
    end
    if n and j > 0 and in_down then
      finish_down(dialect, project, refs, where, n, j)
    elseif n and j > 0 then
      recover(dialect, project, refs, where, n, j)
    end
  end
  -- the next run completes, and leaves all of them applied
  local r = project:run("migrate")
  if p:check(r.status == 0, where, "the next migrate failed\n%s", probe.describe(r)) then
    p:took_over(dialect, r)
    local s = fixture.state(project)
    fixture.check(p, where .. ", then migrate", s, refs)
    p:check(#s.history == fixture.N, where, "the next migrate left migrations pending")
  end
end

for _, dialect in p:each_dialect() do
  p:protect(dialect, function()
    local refs, up, down = fixture.references(p, dialect)
    if not refs then return end
    local project = helpers.project(dialect)
    probe.short_lease(project)
    fixture.prepare(project)
    fixture.write(project)
    project:ok("migrate")
    for i = 1, p:of(dialect, "kills") do
      if not p:protect(dialect, trial, dialect, project, refs, up, down, i) then break end
    end
    project:cleanup()
  end)
end

p:finish()
