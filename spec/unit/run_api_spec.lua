-- spec/unit/run_api_spec.lua: lmigrate.run, the commands for a Lua
-- program of its own, run in this process on temp SQLite projects (the
-- lua/ tree and the build's lmigrate.core): the exit status and result
-- table of each kind of run, failures returned as values, misuse raised,
-- and what it prints where. The same API from a LuaRocks tree is in
-- spec/package/rock_spec.lua.
local lmigrate = require("lmigrate")
local helpers = require("spec.helpers")

local A = "2026_01_01_000000_create_a"
local B = "2026_01_02_000000_create_b"

-- a file-like sink that keeps what is written
local function sink()
  local s = { text = "" }
  function s:write(...)
    for _, v in ipairs({ ... }) do self.text = self.text .. v end
    return self
  end
  return s
end

describe("lmigrate.run", function()
  local project, out, err

  before_each(function()
    project = helpers.project("sqlite")
    project:write(A, helpers.create_table_migration("a"))
    project:write(B, helpers.create_table_migration("b"))
    out, err = sink(), sink()
  end)

  after_each(function()
    if project then project:cleanup() end
    project = nil
  end)

  -- run{...} on the project's database and migrations, output kept
  local function run(t)
    t.database = t.database or project:url()
    t.path = t.path or project.migrations
    if t.stdout == nil then t.stdout = out end
    if t.stderr == nil then t.stderr = err end
    return lmigrate.run(t)
  end

  it("migrates: status 0, each migration in result.ran, printed as the command line does", function()
    local status, r = run({ command = "migrate" })
    assert.equals(0, status, err.text)
    assert.same({ A, B }, { r.ran[1].name, r.ran[2].name })
    assert.is_true(r.ran[1].ok)
    assert.equals("number", type(r.ran[1].seconds))
    assert.is_nil(r.error)
    assert.same({ "a", "b", "migrations" }, project:tables())
    assert.truthy(out.text:find(A .. " %.+ " .. helpers.TIME .. " DONE"), out.text)
  end)

  it("takes the command's options by name: step, pretend, quiet, --dashed or underscored", function()
    local status = run({ command = "migrate", step = true, quiet = true })
    assert.equals(0, status, err.text)
    assert.equals("", out.text)
    local batches = {}
    for _, row in ipairs(project:history()) do batches[#batches + 1] = row.batch end
    assert.same({ 1, 2 }, batches)
    status = run({ command = "migrate:rollback", step = 1, pretend = false })
    assert.equals(0, status, err.text)
    assert.same({ "a", "migrations" }, project:tables())
  end)

  it("status: result.migrations is the list of lmigrate status", function()
    run({ command = "migrate", step = false })
    project:write("2026_01_03_000000_create_c", helpers.create_table_migration("c"))
    local status, r = run({ command = "status", quiet = true })
    assert.equals(0, status, err.text)
    assert.equals(3, #r.migrations)
    assert.same({ A, true, 1 }, { r.migrations[1].migration, r.migrations[1].ran,
                                  r.migrations[1].batch })
    assert.is_false(r.migrations[3].ran)
  end)

  it("sql: result.output is the script; stdout = false prints nothing", function()
    local status, r = run({ command = "sql", dialect = "postgres", stdout = false })
    assert.equals(0, status, err.text)
    assert.truthy(r.output:find('CREATE TABLE "a"', 1, true), r.output)
    assert.equals("", out.text)
  end)

  it("make:migration takes its NAME in args", function()
    local status = run({ command = "make:migration", args = { "create_posts_table" } })
    assert.equals(0, status, err.text)
    local found = false
    for _, f in ipairs(require("lmigrate.core").listdir(project.migrations)) do
      if f:match("_create_posts_table%.lua$") then found = true end
    end
    assert.is_true(found)
  end)

  it("a failing migration: status 1, result.error names it, nothing raised", function()
    project:write("2026_01_03_000000_broken", helpers.migration {
      up = '  self.db:execute("INSERT INTO nowhere VALUES (1)")' })
    local status, r = run({ command = "migrate" })
    assert.equals(1, status)
    assert.equals("migration", r.error.kind)
    assert.equals("2026_01_03_000000_broken", r.error.migration)
    assert.truthy(err.text:find("nowhere", 1, true), err.text)
    assert.same({ true, true, false }, { r.ran[1].ok, r.ran[2].ok, r.ran[3].ok })
  end)

  it("cannot connect: status 3 and the error, not raised", function()
    local status, r = run({ command = "status", database = "postgres://nobody@127.0.0.1:1/none" })
    assert.equals(3, status)
    assert.equals("connect", r.error.kind)
  end)

  it("bad usage the command line would refuse: status 2", function()
    local status, r = run({ command = "rollback", step = 1, batch = 1 })
    assert.equals(2, status)
    assert.equals("usage", r.error.kind)
    status, r = run({ command = "status", database = "nosuch:x" })
    assert.equals(2, status)
    assert.truthy(r.error.message:find("malformed database URL", 1, true))
  end)

  it("raises on misuse: not a table, an unknown command or option, a value of the wrong type", function()
    local cases = {
      { nil, "expected a table" },
      { { command = "nosuch" }, "unknown command nosuch" },
      { { command = "migrate", nosuch = true }, "'migrate' takes no option 'nosuch'" },
      { { command = "migrate", pretend = "yes" }, "pretend must be true or false" },
      { { command = "rollback", step = 0 }, "step must be a whole number" },
      { { command = "status", database = 5 }, "database must be a string" },
      { { command = "make:migration", args = "x" }, "args must be a list" },
    }
    for _, case in ipairs(cases) do
      local ok, msg = pcall(lmigrate.run, case[1])
      assert.is_false(ok)
      assert.truthy(tostring(msg):find(case[2], 1, true), tostring(msg))
    end
    assert.same({}, project:tables())
  end)

  it("keeps the production guard: without force, status 2", function()
    local script = ("local s, r = require('lmigrate').run{ command = 'migrate', database = %q,"
      .. " path = %q, stderr = false } io.write(s, ' ', r.error and r.error.message or '')")
      :format(project:url(), project.migrations)
    local cmd = ("cd %s && LMIGRATE_ENV=production %s -e %s -e %s </dev/null"):format(
      helpers.quote(helpers.source), "lua5.4",
      helpers.quote(("package.path = './lua/?.lua;./lua/?/init.lua;' .. package.path;"
        .. " package.cpath = %q .. '/lib/?.so;' .. package.cpath"):format(helpers.build)),
      helpers.quote(script))
    local p = assert(io.popen(cmd))
    local text = p:read("a")
    p:close()
    assert.truthy(text:match("^2 refusing to run 'migrate' in production"), text)
    assert.same({}, project:tables())
  end)
end)
