-- Output while it runs: on a terminal a migration's name is on screen
-- before its up runs and the same line is completed with its time and
-- DONE; elsewhere the line is written at its end. The dotted lines are
-- as wide as COLUMNS says; --no-color, NO_COLOR and TERM=dumb turn colour
-- off; --verbose (-v) prints each statement with its time; -q, -v, -f and
-- options before the command work; a long seed shows its rows on its line;
-- a backfill's line shows its rows done, rows/s and the time left.
-- The terminal is util-linux `script`.
local helpers = require("spec.helpers")

local quote = helpers.quote
local has_script = os.execute("command -v script >/dev/null 2>&1") and true or false
local tty_it = has_script and it or function(name)
  pending(name .. ": util-linux script is not installed (a pseudo-terminal)")
end

local M1 = "2026_01_01_000000_create_posts"

-- runs lmigrate in 'project' under a pseudo-terminal -> { status, output }
-- (the terminal merges stdout and stderr, and writes \r\n)
local function run_tty(project, args, env)
  local words = { quote(helpers.bin) }
  for _, a in ipairs(args) do words[#words + 1] = quote(a) end
  local cmd = { "cd", quote(project.dir), "&&", "env", "-u", "DATABASE_URL", "-u", "NO_COLOR",
                "-u", "COLUMNS", "-u", "LMIGRATE_ENV", "-u", "APP_ENV", "TERM=xterm" }
  for k, v in pairs(env or {}) do cmd[#cmd + 1] = quote(k .. "=" .. v) end
  local out = os.tmpname()
  cmd[#cmd + 1] = "timeout 60 script -qec " .. quote(table.concat(words, " ")) .. " /dev/null"
  local line = table.concat(cmd, " ")
  local p = assert(io.popen(("( %s ) </dev/null >%s 2>&1; echo $?"):format(line, quote(out))))
  local status = tonumber(p:read("a"):match("(%d+)%s*$"))
  p:close()
  local output = (helpers.read_file(out) or ""):gsub("\r", "")
  os.remove(out)
  return { status = status, output = output, describe = ("$ %s\n[exit %s]\n%s"):format(line,
    tostring(status), output) }
end

local function plain(s) return (s:gsub("\27%[[%d;]*m", "")) end

-- a migration whose up writes <inside> straight to stdout while it runs
local function inside_migration(project)
  project:write(M1, helpers.migration {
    up = '  io.stdout:write("<inside>")\n  io.stdout:flush()\n'
      .. '  self.schema:create("posts", function(t) t:id() end)',
    down = '  self.schema:drop("posts")',
  })
end

describe("output while it runs", function()
  local project
  before_each(function() project = helpers.project("sqlite") end)
  after_each(function() project:cleanup() end)

  tty_it("on a terminal the name is written when the migration starts, its line completed at the end",
    function()
      inside_migration(project)
      local r = run_tty(project, { "migrate" })
      assert.equals(0, r.status, r.describe)
      local line = plain(r.output):match("\n(  " .. M1 .. " [^\n]*)")
      assert.truthy(line, r.describe)
      assert.truthy(line:match("^  " .. M1 .. " <inside>%.+ [%d.]+ms DONE$"), r.describe)
    end)

  it("elsewhere the line is written at the end, after what the migration printed", function()
    inside_migration(project)
    local r = project:run("migrate")
    helpers.assert_status(0, r)
    local at, name = r.stdout:find("<inside>", 1, true), r.stdout:find("  " .. M1, 1, true)
    assert.truthy(at and name and at < name, r.stdout)
  end)

  tty_it("the dotted lines are as wide as COLUMNS", function()
    project:write(M1, helpers.create_table_migration("posts"))
    local r = run_tty(project, { "migrate" }, { COLUMNS = "60" })
    assert.equals(0, r.status, r.describe)
    local line = plain(r.output):match("(  " .. M1 .. " [^\n]*DONE)")
    assert.truthy(line, r.describe)
    assert.equals(60, #line, line)
  end)

  for _, case in ipairs {
    { "--no-color", { "migrate", "--no-color" } },
    { "NO_COLOR=1", { "migrate" }, { NO_COLOR = "1" } },
    { "TERM=dumb", { "migrate" }, { TERM = "dumb" } },
  } do
    tty_it(case[1] .. " has no colour on a terminal", function()
      project:write(M1, helpers.create_table_migration("posts"))
      local r = run_tty(project, case[2], case[3])
      assert.equals(0, r.status, r.describe)
      assert.truthy(r.output:find("DONE", 1, true), r.describe)
      assert.falsy(r.output:find("\27[", 1, true), r.describe)
    end)
  end

  tty_it("and a terminal otherwise has colour", function()
    project:write(M1, helpers.create_table_migration("posts"))
    local r = run_tty(project, { "migrate" })
    assert.truthy(r.output:find("\27[32mDONE", 1, true), r.describe)
  end)

  it("--verbose and -v print each statement as it runs, with its time", function()
    project:write(M1, helpers.create_table_migration("posts"))
    for _, flag in ipairs { "--verbose", "-v" } do
      local r = project:run("migrate", flag)
      helpers.assert_status(0, r)
      assert.truthy(r.stdout:find('\n    [%d.]+ms CREATE TABLE "posts"'), r.stdout)
      assert.truthy(r.stdout:find("  " .. M1 .. " %.+ RUNNING\n"), r.stdout)
      project:ok("rollback")
    end
  end)

  it("-q and options before the command work", function()
    project:write(M1, helpers.create_table_migration("posts"))
    local r = project:run("-q", "migrate")
    helpers.assert_status(0, r)
    assert.equals("", r.stdout)
    project:ok("rollback")
    r = project:run("--quiet", "migrate")
    helpers.assert_status(0, r)
    assert.equals("", r.stdout)
    r = project:run("--database", "sqlite:other.db", "status")
    helpers.assert_status(0, r)
    assert.truthy(r.stdout:find("Pending", 1, true), r.stdout)
  end)

  it("-f is --force", function()
    project:write(M1, helpers.create_table_migration("posts"))
    local env = {}
    for k, v in pairs(project.dialect:env(project)) do env[k] = v end
    env.LMIGRATE_ENV = "production"
    helpers.assert_status(2, project:run({ "migrate" }, { env = env }))
    helpers.assert_status(0, project:run({ "-f", "migrate" }, { env = env }))
  end)

  -- a seeder inserting rows one at a time for about a second
  local function slow_seeder()
    assert.equals(0, helpers.sh("mkdir -p " .. quote(project:path("databases/seeds"))))
    helpers.write_file(project:path("databases/seeds/database_seeder.lua"), [[
local Seeder = require("lmigrate.seeder")
local S = Seeder:extend("DatabaseSeeder")
function S:run()
  self.db:execute("CREATE TABLE IF NOT EXISTS nums (n INTEGER)")
  local t0, i = os.clock(), 0
  while os.clock() - t0 < 1.2 do
    i = i + 1
    self.db:insert("nums", { n = i })
  end
end
return S
]])
  end

  tty_it("a long seed shows its rows and rows/s on its line while it runs", function()
    slow_seeder()
    local r = run_tty(project, { "seed" })
    assert.equals(0, r.status, r.describe)
    local text = plain(r.output):gsub("\27%[K", "")
    assert.truthy(text:find("DatabaseSeeder [^\n]*%d+ rows, %d+ rows/s"), r.describe)
    assert.truthy(text:find("DatabaseSeeder %.+ [%d.]+m?s DONE"), r.describe)
  end)

  it("elsewhere a seed's line is written at its end, without the rows", function()
    slow_seeder()
    local r = project:ok("seed")
    assert.falsy(r.stdout:find("rows/s", 1, true), r.stdout)
    assert.truthy(r.stdout:find("DatabaseSeeder", 1, true), r.stdout)
  end)

  tty_it("a backfill's line shows its rows done, rows/s and the time left, redrawn as it runs", function()
    -- 20 batches, 60ms apart: about 1.2s, the line redrawn every 0.2s
    project:write(M1, helpers.migration {
      up = [[
  self.schema:create("songs", function(t) t:increments("id") t:integer("n"):default(0) end)
  local rows = {}
  for i = 1, 2000 do rows[i] = { n = 0 } end
  self.db:table("songs"):insert(rows)
  self:backfill("songs", { batch = 100, pause = "60ms" }, function() end)]],
      down = '  self.schema:drop("songs")',
    })
    local r = run_tty(project, { "migrate" })
    assert.equals(0, r.status, r.describe)
    local text = plain(r.output)
    local seen, last, left = 0, -1, nil
    local drawn = "  backfill songs: (%d+) rows, (%d+) rows/s, (%d+:%d%d) left\27%[K"
    for done, rate, clock in text:gmatch(drawn) do
      done = tonumber(done)
      assert.truthy(done > last and done < 2000 and tonumber(rate) > 0, r.describe)
      seen, last, left = seen + 1, done, clock
    end
    assert.truthy(seen >= 2, r.describe)
    assert.truthy(left:match("^0:0%d$"), r.describe)
    -- the line is cleared, then the last one says what it did
    assert.truthy(text:find("\27%[K  Backfilled songs: 2000 rows in [%d.]+s %(%d+ rows/s%)%."), r.describe)
  end)
end)
