-- spec/package/rock_spec.lua: lmigrate-scm-1.rockspec, built as a Lua user
-- would: `luarocks --lua-version 5.4 make --tree TREE` in a copy of the
-- checkout (Debian's luarocks; nothing of this build is used), then a
-- Lua 5.4 program with that tree's paths requires "lmigrate" and migrates a
-- temp SQLite project through lmigrate.run, and the tree's bin/lmigrate
-- runs the CLI with the system Lua. It builds from the sources alone, so
-- the sanitizer build's run (LMIGRATE_SPEC_PRELOAD) would repeat the plain
-- build's: there it is pending, saying so.
local helpers = require("spec.helpers")

if os.getenv("LMIGRATE_SPEC_PRELOAD") then
  pending("the rockspec: built from the sources, not from this (sanitizer) build;"
    .. " it runs with the plain build")
  return
end

local quote = helpers.quote

-- a shell command line without the sanitizer preload -> status, output
local capture = helpers.capture

local PROGRAM = [[
local lmigrate = require("lmigrate")
local dir = ...
local where = package.searchpath("lmigrate.core", package.cpath)
local quiet = { write = function() end }
local status, r = lmigrate.run{ command = "migrate", database = "sqlite:" .. dir .. "/app.db",
                                path = dir .. "/migrations", stdout = quiet }
print("migrate", status, #r.ran, r.ran[1] and r.ran[1].name)
status, r = lmigrate.run{ command = "status", database = "sqlite:" .. dir .. "/app.db",
                          path = dir .. "/migrations", quiet = true, stdout = quiet }
print("status", status, r.migrations[1].migration, r.migrations[1].ran)
status, r = lmigrate.run{ command = "status", database = "sqlite:" .. dir .. "/app.db",
                          path = dir .. "/nowhere", stderr = quiet }
print("missing", status, r.error.kind)
print("core", where)
]]

describe("the rockspec", function()
  local tmp, tree, project

  setup(function()
    tmp = helpers.mktemp_dir()
    tree = tmp .. "/tree"
    local src = tmp .. "/src"
    assert.equals(0, helpers.sh(("mkdir -p %s && cd %s && cp -r CMakeLists.txt cmake src lua bin"
      .. " lmigrate-scm-1.rockspec %s/"):format(quote(src), quote(helpers.source), quote(src))))
    project = helpers.project("sqlite", { example = true })
  end)

  teardown(function()
    if project then project:cleanup() end
    if tmp and not helpers.keep then helpers.sh("rm -rf " .. quote(tmp)) end
  end)

  it("builds with luarocks make into a tree: lmigrate.core, the lua/ tree, bin/lmigrate", function()
    assert(helpers.has_command("luarocks"), "luarocks missing: scripts/install-deps.sh installs it")
    local status, text = capture(("cd %s/src && luarocks --lua-version 5.4 make --tree %s"):format(
      quote(tmp), quote(tree)))
    assert(status == 0, "luarocks make failed:\n" .. text)
    for _, f in ipairs({ "/lib/lua/5.4/lmigrate/core.so", "/share/lua/5.4/lmigrate/init.lua",
                         "/share/lua/5.4/lmigrate/cli.lua", "/bin/lmigrate" }) do
      assert.is_true(helpers.exists(tree .. f), tree .. f)
    end
  end)

  it("lets a Lua program require('lmigrate') and migrate with lmigrate.run", function()
    local file = tmp .. "/program.lua"
    helpers.write_file(file, PROGRAM)
    local status, text = capture(("eval \"$(luarocks --lua-version 5.4 --tree %s path)\" &&"
      .. " lua5.4 %s %s"):format(quote(tree), quote(file), quote(project.dir .. "/databases")))
    assert(status == 0, text)
    local name = "2026_04_12_000000_create_blog_tables"
    assert.truthy(text:find("migrate\t0\t1\t" .. name, 1, true), text)
    assert.truthy(text:find("status\t0\t" .. name .. "\ttrue", 1, true), text)
    assert.truthy(text:find("missing\t2\tusage", 1, true), text)
    -- the module came from the tree, not from this build
    assert.truthy(text:find("core\t" .. tree .. "/lib/lua/5.4/lmigrate/core.so", 1, true), text)
    local db = project.dir .. "/databases/app.db"
    local _, tables = capture("sqlite3 " .. quote(db) .. " .tables")
    assert.truthy(tables:find("posts", 1, true), tables)
  end)

  it("installs the lmigrate command, run by lua5.4", function()
    local lm = tree .. "/bin/lmigrate"
    local status, text = capture(quote(lm) .. " --version")
    assert.equals(0, status, text)
    assert.equals("lmigrate " .. require("lmigrate.core").version .. "\n", text)
    assert.truthy(helpers.read_file(lm):find("lua5.4", 1, true))
    status, text = capture(("(cd %s && %s migrate && %s status)"):format(quote(project.dir),
      quote(lm), quote(lm)))
    assert.equals(0, status, text)
    assert.truthy(text:find("create_blog_tables %.+ %[1%] Ran"), text)
    assert.is_true(helpers.exists(project.dir .. "/databases/database.sqlite"))
  end)
end)
