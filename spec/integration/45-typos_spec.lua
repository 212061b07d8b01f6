-- Typos get suggestions: an unknown command, option, blueprint, column or
-- schema method says "did you mean ...?", a Laravel camelCase name gets
-- its snake_case name, a file that does not compile says it could not be
-- loaded (with its path and line), and an unknown key of lmigrate.lua is
-- refused naming it (exit 2).
local helpers = require("spec.helpers")

local M1 = "2026_01_01_000000_create_posts"

local function has(s, needle)
  assert(s:find(needle, 1, true), ("expected %q in:\n%s"):format(needle, s))
end

describe("typos", function()
  local project
  before_each(function() project = helpers.project("sqlite") end)
  after_each(function() project:cleanup() end)

  local function migrate_with(body)
    project:write(M1, helpers.migration {
      up = '  self.schema:create("posts", function(table)\n    table:id()\n' .. body .. "\n  end)",
      down = '  self.schema:drop_if_exists("posts")',
    })
    return project:run("migrate")
  end

  it("an unknown command names the nearest one", function()
    local r = project:run("migrat")
    helpers.assert_status(2, r)
    has(r.stderr, "unknown command 'migrat' (did you mean 'migrate'?)")
    r = project:run("migrate:statuss")
    has(r.stderr, "did you mean 'migrate:status'?")
  end)

  it("a word far from every command gets no guess", function()
    local r = project:run("deploy")
    helpers.assert_status(2, r)
    assert.falsy(r.stderr:find("did you mean", 1, true), r.stderr)
  end)

  it("an unknown option names the nearest option of that command", function()
    local r = project:run("migrate", "--pretnd")
    helpers.assert_status(2, r)
    has(r.stderr, "unknown option '--pretnd' for 'migrate' (did you mean '--pretend'?)")
    r = project:run("status", "--jsno")
    has(r.stderr, "did you mean '--json'?")
  end)

  it("a Laravel camelCase blueprint method gets its snake_case name", function()
    local r = migrate_with('    table:foreignId("user_id")')
    helpers.assert_status(1, r)
    has(r.stderr, "unknown blueprint method 'foreignId' (did you mean 'foreign_id'?)")
    has(r.stderr, M1 .. ".lua:7")
  end)

  it("a mistyped blueprint and column method get the nearest name", function()
    local r = migrate_with('    table:strng("title")')
    has(r.stderr, "unknown blueprint method 'strng' (did you mean 'string'?)")
    r = migrate_with('    table:string("title"):nulable()')
    has(r.stderr, "unknown column method 'nulable' (did you mean 'nullable'?)")
  end)

  it("a camelCase schema method gets its name (dropIfExists -> drop_if_exists)", function()
    project:write(M1, helpers.migration { up = '  self.schema:dropIfExists("posts")', down = "" })
    local r = project:run("migrate")
    helpers.assert_status(1, r)
    has(r.stderr, "(did you mean 'drop_if_exists'?)")
    project:write(M1, helpers.migration { up = '  self.schema:hasTabel("posts")', down = "" })
    has(project:run("migrate").stderr, "(did you mean 'has_table'?)")
  end)

  it("a syntax error says the file could not be loaded, with its path and line", function()
    project:write(M1, "local M = require('lmigrate.migration'):extend('A')\nfunction M:up(\n"
      .. "  x = 1\nend\nreturn M\n")
    local r = project:run("migrate")
    helpers.assert_status(1, r)
    has(r.stderr, "migration " .. M1 .. " could not be loaded")
    assert.falsy(r.stderr:find("failed", 1, true), r.stderr)
    has(r.stderr, "databases/migrations/" .. M1 .. ".lua:3")
  end)

  it("an unknown key of lmigrate.lua is refused naming it (exit 2)", function()
    helpers.write_file(project:path("lmigrate.lua"), 'return { migration = { path = "x" } }\n')
    local r = project:run("status")
    helpers.assert_status(2, r)
    has(r.stderr, "unknown key 'migration' (did you mean 'migrations'?)")
    helpers.write_file(project:path("lmigrate.lua"), 'return { seeds = { folder = "x" } }\n')
    r = project:run("migrate")
    helpers.assert_status(2, r)
    has(r.stderr, "unknown key 'seeds.folder'")
  end)
end)

describe("a migration without down", function()
  local project
  before_each(function() project = helpers.project("sqlite") end)
  after_each(function() project:cleanup() end)

  local NO_DOWN = 'local Migration = require("lmigrate.migration")\n'
    .. 'local M = Migration:extend("CreatePosts")\n'
    .. 'function M:up()\n  self.schema:create("posts", function(t) t:id() end)\nend\nreturn M\n'

  it("is found when it is loaded: migrate warns naming it, and runs it", function()
    project:write(M1, NO_DOWN)
    local r = project:run("migrate")
    helpers.assert_status(0, r)
    has(r.stderr, "warning: " .. M1 .. " has no down function")
    has(r.stdout, M1)
    assert.is_true(project:has_table("posts"))
  end)

  it("--pretend warns too; --quiet does not", function()
    project:write(M1, NO_DOWN)
    has(project:run("migrate", "--pretend").stderr, M1 .. " has no down function")
    assert.equals("", project:run("migrate", "--quiet").stderr)
  end)

  it("a migration with a down gets no warning", function()
    project:write(M1, helpers.create_table_migration("posts"))
    assert.equals("", project:run("migrate").stderr)
  end)
end)
