-- Laravel's seeder calls, through the binary on each dialect: self:call
-- of a list in order, call_with's parameters reaching run(self, params),
-- call_silent without a line of its own, call_once running a seeder the
-- first time only; a failing called seeder leaves no row of the whole
-- seed. self:seed in a migration (Laravel's Artisan::call('db:seed')) runs
-- one inside the migration's transaction. self.command's info, table, alert and warn print in the run's
-- output (--json: events), --quiet holds them back.
local helpers = require("spec.helpers")

local TABLES = helpers.migration {
  name = "CreateRoles",
  up = [[
  self.schema:create("roles", function(t)
    t:increments("id")
    t:string("name")
  end)]],
  down = [[
  self.schema:drop("roles")]],
}

local function write_seed(project, name, body)
  local dir = project:path("databases/seeds")
  assert(helpers.sh("mkdir -p " .. helpers.quote(dir)) == 0)
  helpers.write_file(dir .. "/" .. name .. ".lua", table.concat({
    'local S = require("lmigrate.seeder"):extend("X")',
    "function S:run(params)",
    body,
    "end",
    "return S",
    "",
  }, "\n"))
end

local ROLE = [[
  local n = params and params.count or 1
  for i = 1, n do self.db:table("roles"):insert({ name = (params and params.tag or "r") .. i }) end
  self.command:info("roles seeded: " .. n)]]

local function names(project)
  return project:with_db(function(db)
    local t = {}
    for _, r in ipairs(db:query("SELECT name FROM roles ORDER BY id")) do t[#t + 1] = r.name end
    return t
  end)
end

for _, dialect in helpers.each_dialect() do
  describe("seeder calls [#" .. dialect .. "]", function()
    local project
    before_each(function()
      project = helpers.project(dialect)
      project:write("2026_01_01_000000_create_roles", TABLES)
      project:ok("migrate")
      write_seed(project, "role_seeder", ROLE)
      write_seed(project, "admin_seeder", '  self.db:table("roles"):insert({ name = "admin" })')
    end)
    after_each(function()
      if project then project:cleanup() end
      project = nil
    end)

    it("call of a list, call_with, call_silent and call_once run as Laravel's", function()
      write_seed(project, "database_seeder", [[
  self:call({ "AdminSeeder", "RoleSeeder" })
  self:call_with("RoleSeeder", { count = 2, tag = "w" })
  self:call_silent("RoleSeeder", { tag = "s" })
  self:call_once("AdminSeeder")
  self:call_once({ "AdminSeeder", "RoleSeeder" }, false, { tag = "o" })
  self:call("RoleSeeder", true, { tag = "q" })]])
      local r = project:ok("seed")
      assert.same({ "admin", "r1", "w1", "w2", "s1", "q1" }, names(project))
      local _, lines = r.stdout:gsub("RoleSeeder %.+", "")
      assert.equals(2, lines, r.stdout)   -- the silent ones have no line
      assert.truthy(r.stdout:find("roles seeded: 2", 1, true), r.stdout)
    end)

    it("self:seed in a migration runs the seeder in the migration's transaction; --pretend prints it",
       function()
      project:write("2026_01_02_000000_seed_roles", [[
return {
  up = function(self) self:seed("RoleSeeder", { count = 2, tag = "m" }) end,
  down = function(self) self.db:table("roles"):where("name", "like", "m%"):delete() end,
}
]])
      local r = project:ok("migrate", "--pretend")
      local q = dialect.name == "mysql" and "`" or '"'
      assert.truthy(r.stdout:find(("INSERT INTO %sroles%s"):format(q, q), 1, true), r.stdout)
      assert.same({}, names(project))
      r = project:ok("migrate")
      assert.same({ "m1", "m2" }, names(project))
      assert.falsy(r.stdout:find("RoleSeeder ..", 1, true), r.stdout)   -- Artisan::call prints no line
      assert.truthy(r.stdout:find("roles seeded: 2", 1, true), r.stdout)
      project:ok("rollback")
      assert.same({}, names(project))
      write_seed(project, "broken_seeder", '  self.db:table("roles"):insert({ name = "x" })\n  error("boom")')
      project:write("2026_01_02_000000_seed_roles", [[
return {
  up = function(self) self:seed({ "RoleSeeder", "BrokenSeeder" }) end,
  down = function() end,
}
]])
      r = project:run("migrate")
      helpers.assert_status(1, r)
      assert.truthy(helpers.has_file_line(r.stderr, "databases/seeds/broken_seeder.lua", 4), r.stderr)
      assert.same({}, names(project))
      assert.equals(1, #project:history())
    end)

    it("a called seeder that fails leaves no row of the seed, naming its file and line", function()
      write_seed(project, "broken_seeder", '  self.db:table("roles"):insert({ name = "x" })\n  error("boom")')
      write_seed(project, "database_seeder", '  self:call({ "RoleSeeder", "BrokenSeeder" })')
      local r = project:run("seed")
      helpers.assert_status(1, r)
      assert.truthy(helpers.has_file_line(r.stderr, "databases/seeds/broken_seeder.lua", 4), r.stderr)
      assert.same({}, names(project))
    end)
  end)
end

describe("seeder calls: bad arguments and self.command [#sqlite]", function()
  local project
  before_each(function()
    project = helpers.project("sqlite")
    project:write("2026_01_01_000000_create_roles", TABLES)
    project:ok("migrate")
    write_seed(project, "role_seeder", ROLE)
  end)
  after_each(function()
    if project then project:cleanup() end
    project = nil
  end)

  it("names what was expected at the user's line", function()
    for _, c in ipairs {
      { 'self:call({ "RoleSeeder", 42 })', "expects seeder class names (strings), got a number in the list" },
      { "self:call(nil)", "expects a seeder class name (string) or a list of them, got nil" },
      { 'self:call_with("RoleSeeder", 5)', "self:call_with expects its parameters as a table, got number" },
      { "self.command:info({})", "self.command:info expects text (string), got table" },
    } do
      write_seed(project, "database_seeder", "  " .. c[1])
      local r = project:run("seed")
      helpers.assert_status(1, r)
      assert.truthy(r.stderr:find(c[2], 1, true), r.stderr)
      assert.truthy(helpers.has_file_line(r.stderr, "databases/seeds/database_seeder.lua", 3), r.stderr)
    end
  end)

  it("self.command prints lines, tables and alerts; --quiet holds them back; --json makes events", function()
    write_seed(project, "database_seeder", [[
  self.command:info("hello")
  self.command:table({ "id", "name" }, { { 1, "a" }, { id = 22, name = "bb" } })
  self.command:alert("done")
  self.command:warn("careful")]])
    local r = project:ok("seed")
    assert.truthy(r.stdout:find("  hello\n", 1, true), r.stdout)
    assert.truthy(r.stdout:find("| id | name |", 1, true), r.stdout)
    assert.truthy(r.stdout:find("| 22 | bb   |", 1, true), r.stdout)
    assert.truthy(r.stdout:find("*     done     *", 1, true), r.stdout)
    assert.truthy(r.stderr:find("warning: careful", 1, true), r.stderr)
    r = project:ok("seed", "--quiet")
    assert.falsy(r.stdout:find("hello", 1, true), r.stdout)
    r = project:ok("seed", "--json")
    assert.truthy(r.stdout:find('"message":"hello"', 1, true), r.stdout)
  end)
end)
