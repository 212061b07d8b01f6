-- tests/probe.lua: what the probes of tests/crash and tests/fuzz share (run
-- by tests/run-probe, with spec/support on the path): the dialects a run
-- has, under the missing-server rule of the specs; a fixed-seed random
-- source; failures recorded without stopping the probe; counts; and the
-- one summary line each probe prints and leaves in $LMIGRATE_BUILD/probes/.
--
--   local probe = require("probe")
--   local p = probe.new("kill", { short = { kills = 20, mysql = { kills = 8 } }, long = { kills = 500 } })
--   for _, dialect in p:each_dialect() do ... p:of(dialect, "kills") ... p:count(dialect, "kills") ... end
--   p:finish()     -- exits: 0 clean, 1 with failures, 77 (ctest: skipped) with no dialect
--
-- The long form: LMIGRATE_PROBE_LONG=1 (or --long); LMIGRATE_PROBE_SEED=N
-- another seed; LMIGRATE_SPEC_DIALECTS=sqlite one dialect.
local servers = require("spec.support.servers")
local shell = require("spec.support.shell")

local M = {}

-- every dialect a probe runs on, in order; a new one is one more name here
-- (and its file in spec/support/dialect/)
M.DIALECTS = { "sqlite", "postgres", "mysql" }

local Probe = {}
Probe.__index = Probe

local function has_arg(a)
  for _, v in ipairs(arg or {}) do
    if v == a then return true end
  end
  return false
end

-- new(name, { short = {...}, long = {...} }) -> the probe; p.budget is
-- the table of the form this run takes
function M.new(name, budgets)
  local long = os.getenv("LMIGRATE_PROBE_LONG") == "1" or has_arg("--long")
  local self = setmetatable({
    name = name, long = long, budget = long and budgets.long or budgets.short,
    seed = tonumber(os.getenv("LMIGRATE_PROBE_SEED")) or 13,
    failures = {}, counts = {}, order = {}, skipped = {}, t0 = os.time(),
    clock0 = require("lmigrate.core").clock(),
  }, Probe)
  math.randomseed(self.seed)
  io.stdout:setvbuf("line")
  return self
end

-- each_dialect() -> ipairs over the dialect objects of spec/support this run
-- has; a missing server fails under CI (or when asked for), else is skipped
-- with its reason; 'names' (optional) another list than M.DIALECTS
function Probe:each_dialect(names)
  local list = {}
  local want = os.getenv("LMIGRATE_SPEC_DIALECTS")
  for _, name in ipairs(names or M.DIALECTS) do
    if not want or want:find(name, 1, true) then
      local d = require("spec.support.dialect." .. name)
      local ok = true
      if d.server then
        local server, reason, asked = servers.find(d.server)
        if server then
          d:attach(server)
        else
          ok = false
          if servers.CI or asked or want then
            self:fail(name, "needs a server: %s", reason)
          else
            self.skipped[#self.skipped + 1] = name .. " (" .. reason .. ")"
          end
        end
      end
      if ok then list[#list + 1] = d end
    end
  end
  self.ran = #list
  return ipairs(list)
end

-- fail(where, fmt, ...): one failure, printed at once and in the summary
function Probe:fail(where, fmt, ...)
  local msg = ("[%s] %s"):format(tostring(where), fmt:format(...))
  self.failures[#self.failures + 1] = msg
  io.stdout:write("FAIL ", msg, "\n")
end

-- check(ok, where, fmt, ...) -> ok: a failure unless ok
function Probe:check(ok, where, fmt, ...)
  if not ok then self:fail(where, fmt, ...) end
  return ok
end

-- count(where, key, n?): adds n (1) to a count the summary reports
function Probe:count(where, key, n)
  local k = tostring(where) .. " " .. key
  if not self.counts[k] then self.order[#self.order + 1] = k end
  self.counts[k] = (self.counts[k] or 0) + (n or 1)
end

-- of(dialect, key) -> the budget's 'key' for 'dialect': budget[dialect
-- name][key] when the form gives one (a slower dialect's short form does
-- less), else budget[key]
function Probe:of(dialect, key)
  local own = self.budget[tostring(dialect)]
  if own and own[key] ~= nil then return own[key] end
  return self.budget[key]
end

-- short_lease(project): an lmigrate.lua giving the project's runs a lease of
-- 5s renewed every second (the default: 30s, 10s). A run killed with
-- SIGKILL holds PostgreSQL's lease (run/lease.lua) until it expires, so
-- the next run of a kill probe waits for it: up to 30s a kill by default.
-- The next run still takes the lease over from the killed one (the same
-- code, sooner), and a live run renewing it has 4s of margin for a stall.
M.LEASE = 'return { lease = "5s", lease_renew = "1s" }\n'
function M.short_lease(project)
  shell.write_file(project:path("lmigrate.lua"), M.LEASE)
end

-- took_over(where, r): counts "leases taken over" when run 'r' took the
-- lease over from a killed run (its message says so)
function Probe:took_over(where, r)
  if (r.stdout .. r.stderr):find("Took over the migration lock", 1, true) then
    self:count(where, "leases taken over")
  end
end

-- the run of lmigrate 'r' (shell.run's result) as a failure's text
function M.describe(r)
  return shell.describe_run(r)
end

-- finish(): prints the summary, writes it to $LMIGRATE_BUILD/probes/<name>.txt, exits
function Probe:finish()
  local parts = {}
  for _, k in ipairs(self.order) do parts[#parts + 1] = ("%s %d"):format(k, self.counts[k]) end
  local secs = require("lmigrate.core").clock() - self.clock0
  local line = ("probe %s (%s, seed %d): %s; %d failure(s) in %.1fs%s"):format(self.name,
    self.long and "long" or "short", self.seed, #parts > 0 and table.concat(parts, ", ") or "nothing ran",
    #self.failures, secs, #self.skipped > 0 and ("; skipped " .. table.concat(self.skipped, ", ")) or "")
  print(line)
  local dir = (os.getenv("LMIGRATE_BUILD") or "build") .. "/probes"
  shell.sh("mkdir -p " .. shell.quote(dir))
  local f = io.open(dir .. "/" .. self.name .. ".txt", "w")
  if f then
    f:write(line, "\n")
    for _, msg in ipairs(self.failures) do f:write("  FAIL ", msg, "\n") end
    f:close()
  end
  if #self.failures > 0 then os.exit(1) end
  if self.ran == 0 then os.exit(77) end
  os.exit(0)
end

-- protect(where, fn, ...): runs fn; an error in it is a failure, not the end of the probe
function Probe:protect(where, fn, ...)
  local ok, err = xpcall(fn, debug.traceback, ...)
  if not ok then self:fail(where, "%s", tostring(err)) end
  return ok
end

return M
