-- tests/memory/memcheck.lua: the memory check. The lmigrate binary runs
-- migrate, status, rollback, a failing migration and bad URLs on every
-- dialect of tests/probe.lua (a new dialect there is one more here too)
-- under valgrind (memcheck: zero errors, zero definite leaks); in the
-- sanitizer build, where valgrind cannot run, the same runs go under
-- ASan's LeakSanitizer (shell.run fails on any report).
--
--   tests/run-probe lua5.4 tests/memory/memcheck.lua
local probe = require("probe")
local helpers = require("spec.helpers")

local p = probe.new("memcheck", { short = {}, long = {} })

local ASAN = os.getenv("LMIGRATE_SPEC_PRELOAD") ~= nil
local VALGRIND = "valgrind -q --error-exitcode=97 --leak-check=full --show-leak-kinds=definite"
  .. " --errors-for-leak-kinds=definite --num-callers=30"

-- a URL of the dialect that cannot be reached (else a malformed one)
local UNREACHABLE = {
  sqlite = "sqlite:/nonexistent/dir/x.db",
  postgres = "postgres://u:pw@127.0.0.1:1/db",
  mysql = "mysql://u:pw@127.0.0.1:1/db",
}

local A = "2026_01_01_000001_create_a"
local B = "2026_01_01_000002_fails"

local function write_b(project)
  project:write(B, helpers.migration {
    up = '  self.schema:create("b", function(t) t:increments("id") end)\n'
      .. '  self.db:execute("INSERT INTO nowhere (id) VALUES (1)")', down = "" })
end

-- { what, args, status, before = fn(project) }
local RUNS = {
  { "migrate", { "migrate" }, 0 },
  { "status", { "status" }, 0 },
  { "a failing migration", { "migrate" }, 1, before = write_b },
  { "rollback", { "rollback" }, 0, before = function(project) project:remove(B) end },
  { "an unreachable database", nil, 3 },
  { "a malformed URL", { "migrate", "--database", "nope://u:pw@x" }, 2 },
}

-- MySQL, where valgrind is slowest (the library and its TLS stack load):
-- one migrate applies a and stops in b, which stays partly applied (its
-- CREATE TABLE committed, journaled); rollback --partial undoes it; then
-- the unreachable server. status and the malformed URL are the same code
-- on every dialect, and a down runs through the journal as the up did.
local MYSQL_RUNS = {
  { "migrate, the second migration failing", { "migrate" }, 1, before = write_b },
  { "rollback --partial", { "rollback", "--partial" }, 0 },
  RUNS[5],
}

if not ASAN and not helpers.has_command("valgrind") then
  p:fail("memcheck", "valgrind is not installed (scripts/install-deps.sh installs it)")
end

for _, dialect in p:each_dialect() do
  p:protect(dialect, function()
    local project = helpers.project(dialect)
    project:write(A, helpers.migration {
      up = '  self.schema:create("a", function(t) t:increments("id") t:string("v"):nullable() end)\n'
        .. '  self.db:insert("a", { { v = "x" }, { v = "y" } })',
      down = '  self.schema:drop("a")' })
    for _, run in ipairs(dialect.name == "mysql" and MYSQL_RUNS or RUNS) do
      local what, args, status = run[1], run[2], run[3]
      if run.before then run.before(project) end
      args = args or { "migrate", "--database", UNREACHABLE[dialect.name] or "nope://x" }
      local r = project:run(args, { wrap = not ASAN and VALGRIND or nil })
      local where = ("%s %s"):format(dialect, what)
      p:check(r.status ~= 97 and not r.stderr:find("==%d+==") and not r.stderr:find("definitely lost"),
              where, "valgrind reports errors\n%s", probe.describe(r))
      p:check(r.status == status, where, "exit %s, expected %d\n%s", tostring(r.status), status,
              probe.describe(r))
      p:count(dialect, ASAN and "runs under LeakSanitizer" or "runs under valgrind")
    end
    project:cleanup()
  end)
end

p:finish()
