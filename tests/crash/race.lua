-- tests/crash/race.lua: the race harness. Each round starts 8 `migrate`
-- processes at once on an empty database, then 4 `migrate` and 4
-- `rollback` at once on a half-migrated one; every process must exit 0
-- with nothing on stderr, and the database must be consistent after each
-- (run/fixture.lua: no up run twice, the schema that of the history). On
-- SQLite half the processes name the file by an SQLite URI (sqlite:file:),
-- which once took no lock at all.
--
--   tests/run-probe lua5.4 tests/crash/race.lua [--long]
local probe = require("probe")
local fixture = require("crash.fixture")
local helpers = require("spec.helpers")

local p = probe.new("race", { short = { rounds = 3, mysql = { rounds = 1 } }, long = { rounds = 40 } })

-- the arguments of process i: on SQLite every other one by a URI
local function args(dialect, i, ...)
  local a = { ... }
  if dialect.name == "sqlite" and i % 2 == 0 then
    a[#a + 1] = "--database"
    a[#a + 1] = "sqlite:file:databases/database.sqlite?mode=rwc"
  end
  return a
end

-- starts the runs at once; each must exit 0 with a quiet stderr
local function race(dialect, project, where, lists)
  local runs = {}
  for i, l in ipairs(lists) do runs[i] = { l } end
  for _, r in ipairs(project:run_at_once(runs)) do
    p:check(r.status == 0 and r.stderr == "", where, "a process failed\n%s", probe.describe(r))
  end
  p:count(dialect, "processes", #lists)
end

local function round(dialect, project, refs, i)
  local where = ("%s round %d"):format(dialect, i)
  project:ok("reset")
  local lists = {}
  for k = 1, 8 do lists[k] = args(dialect, k, "migrate") end
  race(dialect, project, where .. " (8 x migrate)", lists)
  local n = fixture.check(p, where .. " (8 x migrate)", fixture.state(project), refs)
  p:check(n == fixture.N, where, "8 x migrate left %s of %d applied", tostring(n), fixture.N)
  project:ok("rollback", "--step", tostring(fixture.N // 2))
  lists = {}
  for k = 1, 8 do
    lists[k] = k % 2 == 1 and args(dialect, k, "migrate") or args(dialect, k, "rollback", "--step", "2")
  end
  race(dialect, project, where .. " (4 x migrate, 4 x rollback)", lists)
  fixture.check(p, where .. " (4 x migrate, 4 x rollback)", fixture.state(project), refs)
  project:ok("migrate")
  fixture.check(p, where .. ", then migrate", fixture.state(project), refs)
  p:count(dialect, "rounds")
end

for _, dialect in p:each_dialect() do
  p:protect(dialect, function()
    local refs = fixture.references(p, dialect)
    if not refs then return end
    local project = helpers.project(dialect)
    fixture.prepare(project)
    fixture.write(project)
    for i = 1, p:of(dialect, "rounds") do
      if not p:protect(dialect, round, dialect, project, refs, i) then break end
    end
    project:cleanup()
  end)
end

p:finish()
