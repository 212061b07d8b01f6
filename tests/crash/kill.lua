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

local p = probe.new("kill", { short = { kills = 20 }, long = { kills = 400 } })

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

local function trial(dialect, project, refs, up, down, i)
  local mode = MODES[(i - 1) % #MODES + 1]
  local where = ("%s kill %d (%s)"):format(dialect, i, mode.name)
  -- the starting state: some migrations pending, or all applied
  local start = fixture.N
  if mode.from == "partial" then
    start = math.random(0, fixture.N - 1)
    if start < fixture.N then project:ok("rollback", "--step", tostring(fixture.N - start)) end
  end
  local span = mode.from == "partial" and up * (fixture.N - start) / fixture.N or down
  local killed, status, text = kill_run(project, mode.args, 0.01 + math.random() * span * 0.95)
  if not killed then
    p:count(dialect, "finished before the kill")
    p:check(status == 0, where, "exit %s without a kill\n%s", tostring(status), text)
  else
    p:count(dialect, "kills")
  end
  local s = fixture.state(project)
  local n = fixture.check(p, where, s, refs)
  if killed and n then
    if mode.name == "atomic" then
      p:check(n == start or n == fixture.N, where, "--atomic left %d of %d..%d applied", n, start, fixture.N)
    end
    if dialect.name == "sqlite" and mode.from == "partial" and (n == 3 or n == 4)
       and mode.name ~= "atomic" then
      p:count(dialect, "kills in a table rebuild")
    end
  end
  -- the next run completes, and leaves all of them applied
  local r = project:run("migrate")
  if p:check(r.status == 0, where, "the next migrate failed\n%s", probe.describe(r)) then
    fixture.check(p, where .. ", then migrate", fixture.state(project), refs)
    p:check(#fixture.state(project).history == fixture.N, where, "the next migrate left migrations pending")
  end
end

for _, dialect in p:each_dialect() do
  p:protect(dialect, function()
    local refs, up, down = fixture.references(p, dialect)
    if not refs then return end
    local project = helpers.project(dialect)
    fixture.prepare(project)
    fixture.write(project)
    project:ok("migrate")
    for i = 1, p.budget.kills do
      if not p:protect(dialect, trial, dialect, project, refs, up, down, i) then break end
    end
    project:cleanup()
  end)
end

p:finish()
