-- lmigrate make:migration and make:seed: the files they write, the stub each
-- name gets, and that they never overwrite anything.
local helpers = require("spec.helpers")

local TIMESTAMPED = "^(%d%d%d%d_%d%d_%d%d_%d%d%d%d%d%d)_(.+)%.lua$"

-- the .lua files of a folder, sorted ({} when the folder does not exist)
local function files(dir)
  local p = assert(io.popen("ls -1 " .. helpers.quote(dir) .. " 2>/dev/null"))
  local t = {}
  for name in p:lines() do
    if name:match("%.lua$") then t[#t + 1] = name end
  end
  p:close()
  table.sort(t)
  return t
end

local function isdir(path)
  return helpers.sh("test -d " .. helpers.quote(path)) == 0
end

local function utc_now()
  return os.date("!%Y_%m_%d_%H%M%S")
end

-- runs make:migration in 'project' and returns the one new file: name, path, text
local function make(project, ...)
  local before = {}
  for _, f in ipairs(files(project.migrations)) do before[f] = true end
  local r = project:ok("make:migration", ...)
  local new = {}
  for _, f in ipairs(files(project.migrations)) do
    if not before[f] then new[#new + 1] = f end
  end
  assert(#new == 1, ("expected one new file, got %d\n%s"):format(#new, helpers.describe_run(r)))
  local path = project.migrations .. "/" .. new[1]
  return new[1], path, helpers.read_file(path), r
end

-- what a generated migration does: "create", "table" (alter) or "blank", and its table
local function stub_kind(text)
  local created = text:match('self%.schema:create%("([^"]*)", function%(table%)')
  if created then
    assert.truthy(text:find('self.schema:drop("' .. created .. '")', 1, true), text)
    return "create", created
  end
  local altered = text:match('self%.schema:table%("([^"]*)", function%(table%)')
  if altered then
    local _, n = text:gsub('self%.schema:table%("' .. altered:gsub("%p", "%%%0") .. '"', "")
    assert.equals(2, n, "the alter stub alters the table in up and in down\n" .. text)
    return "table", altered
  end
  assert.falsy(text:find("self.schema", 1, true), text)
  return "blank"
end

for _, dialect in helpers.each_dialect() do
  describe("make:migration, then migrate [#" .. dialect .. "]", function()
    local project

    before_each(function() project = helpers.project(dialect) end)
    after_each(function()
      if project then project:cleanup() end
      project = nil
    end)

    it("the create stub creates its table on migrate and drops it on rollback", function()
      local name = make(project, "create_posts_table")
      local r = project:ok("migrate")
      assert.truthy(r.stdout:find(name:gsub("%.lua$", ""), 1, true), r.stdout)
      assert.truthy(project:has_table("posts"))
      local cols = {}
      for _, c in ipairs(project:columns("posts")) do cols[#cols + 1] = c.name end
      assert.same({ "id", "created_at", "updated_at" }, cols)
      assert.equals(1, #project:history())
      project:ok("rollback")
      assert.falsy(project:has_table("posts"))
      assert.equals(0, #project:history())
    end)

    it("the alter stub and the blank stub run and roll back", function()
      project:write("2000_01_01_000000_create_posts_table", helpers.create_table_migration("posts"))
      make(project, "add_title_to_posts_table")
      make(project, "fix_the_data")
      project:ok("migrate")
      assert.equals(3, #project:history())
      assert.truthy(project:has_table("posts"))
      project:ok("rollback")
      assert.equals(0, #project:history())
      assert.falsy(project:has_table("posts"))
    end)
  end)
end

describe("make:migration", function()
  local project

  before_each(function() project = helpers.project("sqlite") end)
  after_each(function()
    if project then project:cleanup() end
    project = nil
  end)

  describe("the file", function()
    it("is named with the current UTC time and the snake name", function()
      local before = utc_now()
      -- a time zone 14 hours east of UTC: local time would be caught
      local r = project:run({ "make:migration", "create_posts_table" }, { env = { TZ = "XXX-14" } })
      local after = utc_now()
      helpers.assert_status(0, r)
      local list = files(project.migrations)
      assert.equals(1, #list)
      local name = list[1]
      assert.truthy(name:match("^%d%d%d%d_%d%d_%d%d_%d%d%d%d%d%d_create_posts_table%.lua$"), name)
      local stamp = name:match(TIMESTAMPED)
      assert.truthy(stamp >= before and stamp <= after,
        ("timestamp %s is not between %s and %s (UTC)"):format(stamp, before, after))
      assert.equals("  Created migration: databases/migrations/" .. name .. "\n", r.stdout)
      assert.equals("", r.stderr)
    end)

    it("follows the contract's example", function()
      local _, _, text = make(project, "create_posts_table")
      assert.equals([[
local Migration = require("lmigrate.migration")

local CreatePostsTable = Migration:extend("CreatePostsTable")

function CreatePostsTable:up()
  self.schema:create("posts", function(table)
    table:id()
    table:timestamps()
  end)
end

function CreatePostsTable:down()
  self.schema:drop("posts")
end

return CreatePostsTable
]], text)
    end)

    it("takes a CamelCase name, or words separated by spaces or dashes", function()
      for _, case in ipairs {
        { "CreatePostsTable", "create_posts_table", "CreatePostsTable" },
        { "create posts table", "create_posts_table", "CreatePostsTable" },
        { "create-posts-table", "create_posts_table", "CreatePostsTable" },
        { "AddHTTPStatusToLogs", "add_http_status_to_logs", "AddHttpStatusToLogs" },
        { "  Fix__the--Data ", "fix_the_data", "FixTheData" },
        { "add_2fa_to_users", "add_2fa_to_users", "Add2faToUsers" },
      } do
        helpers.sh("rm -f " .. helpers.quote(project.migrations) .. "/*.lua")
        local name, _, text = make(project, case[1])
        local _, snake = name:match(TIMESTAMPED)
        assert.equals(case[2], snake, case[1])
        assert.truthy(text:find(("local %s = Migration:extend(%q)"):format(case[3], case[3]), 1, true),
          case[1] .. "\n" .. text)
        assert.truthy(text:find("return " .. case[3] .. "\n", 1, true), text)
      end
    end)

    it("writes two migrations made in the same second side by side", function()
      make(project, "create_posts_table")
      make(project, "create_tags_table")
      assert.equals(2, #files(project.migrations))
    end)

    it("five made in one second get five increasing timestamps, in the order made", function()
      local made = {}
      for i = 1, 5 do made[i] = (make(project, "step_" .. i)) end
      local list = files(project.migrations)
      assert.same(made, list)
      for i = 2, 5 do
        assert.truthy(made[i]:match(TIMESTAMPED) > made[i - 1]:match(TIMESTAMPED), made[i])
      end
    end)

    it("comes after every existing migration, even one stamped in the future", function()
      project:write("2099_12_31_235959_far_future", helpers.migration { up = "", down = "" })
      local name = make(project, "create_posts_table")
      assert.equals("2100_01_01_000000_create_posts_table.lua", name)
      local second = make(project, "create_tags_table")
      assert.equals("2100_01_01_000001_create_tags_table.lua", second)
    end)
  end)

  describe("the stub, without --create or --table, as Laravel and Masonite guess it", function()
    for _, case in ipairs {
      { "create_posts_table", "create", "posts" },
      { "create_posts", "create", "posts" },
      { "CreateUserRolesTable", "create", "user_roles" },
      { "add_title_to_posts_table", "table", "posts" },
      { "add_title_to_posts", "table", "posts" },
      { "remove_votes_from_comments_table", "table", "comments" },
      { "remove_votes_from_comments", "table", "comments" },
      { "add_index_in_users_table", "table", "users" },
      { "add_user_id_to_team_members_table", "table", "team_members" },
      { "move_data_from_a_to_b_table", "table", "b" },
      { "fix_the_data", "blank" },
      { "to_posts", "blank" },
      { "posts_table", "blank" },
    } do
      it(case[1] .. " -> " .. case[2] .. (case[3] and (" " .. case[3]) or ""), function()
        local _, _, text = make(project, case[1])
        local kind, tbl = stub_kind(text)
        assert.equals(case[2], kind, text)
        assert.equals(case[3], tbl, text)
      end)
    end

    it("the blank stub has an empty up and down", function()
      local _, _, text = make(project, "FixTheData")
      assert.equals([[
local Migration = require("lmigrate.migration")

local FixTheData = Migration:extend("FixTheData")

function FixTheData:up()
end

function FixTheData:down()
end

return FixTheData
]], text)
    end)

    it("the alter stub alters the table in up and down", function()
      local _, _, text = make(project, "add_title_to_posts_table")
      assert.equals([[
local Migration = require("lmigrate.migration")

local AddTitleToPostsTable = Migration:extend("AddTitleToPostsTable")

function AddTitleToPostsTable:up()
  self.schema:table("posts", function(table)
  end)
end

function AddTitleToPostsTable:down()
  self.schema:table("posts", function(table)
  end)
end

return AddTitleToPostsTable
]], text)
    end)
  end)

  describe("--create and --table", function()
    it("--create picks the create stub, whatever the name", function()
      local _, _, text = make(project, "fix_the_data", "--create", "posts")
      assert.same({ "create", "posts" }, { stub_kind(text) })
      local _, _, text2 = make(project, "add_title_to_posts_table", "--create=articles")
      assert.same({ "create", "articles" }, { stub_kind(text2) })
    end)

    it("--table picks the alter stub, whatever the name", function()
      local _, _, text = make(project, "create_posts_table", "--table", "users")
      assert.same({ "table", "users" }, { stub_kind(text) })
      local _, _, text2 = make(project, "--table", "comments", "fix_the_data")
      assert.same({ "table", "comments" }, { stub_kind(text2) })
    end)

    it("the table name is written as a Lua string, quotes and all", function()
      local _, path = make(project, "odd", "--create", 'my "odd" table')
      local chunk = assert(loadfile(path))
      assert.is_function(chunk)
      assert.truthy(helpers.read_file(path):find([[self.schema:create("my \"odd\" table"]], 1, true))
    end)

    it("together are bad usage, and nothing is written", function()
      local r = project:run("make:migration", "create_posts_table", "--create", "posts",
                            "--table", "posts")
      helpers.assert_status(2, r)
      assert.truthy(r.stderr:find("--create", 1, true), r.stderr)
      assert.truthy(r.stderr:find("--table", 1, true), r.stderr)
      assert.same({}, files(project.migrations))
    end)

    it("a table name with a control character is bad usage", function()
      local r = project:run("make:migration", "x", "--create", "po\nsts")
      helpers.assert_status(2, r)
      assert.same({}, files(project.migrations))
    end)
  end)

  describe("bad usage (exit 2), nothing written", function()
    it("no NAME", function()
      local r = project:run("make:migration")
      helpers.assert_status(2, r)
      assert.truthy(r.stderr:find("NAME", 1, true), r.stderr)
      helpers.assert_status(2, project:run("make:migration", "--create", "posts"))
      assert.same({}, files(project.migrations))
    end)

    it("two names", function()
      local r = project:run("make:migration", "create", "posts")
      helpers.assert_status(2, r)
      assert.same({}, files(project.migrations))
    end)

    for _, bad in ipairs { "bad!", "posts;rm -rf x", "na\195\175ve", "a.b", "../evil", "x/y",
                           "create_posts_table.lua", "", "___", "- -", "2fa_tokens", "$(id)" } do
      it(("%q"):format(bad), function()
        local r = project:run("make:migration", bad)
        helpers.assert_status(2, r)
        assert.truthy(r.stderr:find("name", 1, true), r.stderr)
        assert.same({}, files(project.migrations))
        assert.same({}, files(project.dir))
        assert.same({}, files(project.dir .. "/databases"))
      end)
    end
  end)

  describe("never overwrites", function()
    it("refuses a second migration of the same name, leaving the first as it was", function()
      local name, path = make(project, "create_posts_table")
      helpers.write_file(path, "-- edited by hand\nreturn { up = function() end }\n")
      local r = project:run("make:migration", "create_posts_table")
      helpers.assert_status(1, r)
      assert.truthy(r.stderr:find("already exists", 1, true), r.stderr)
      assert.truthy(r.stderr:find(name, 1, true), r.stderr)
      assert.equals("", r.stdout)
      assert.same({ name }, files(project.migrations))
      assert.equals("-- edited by hand\nreturn { up = function() end }\n", helpers.read_file(path))
    end)

    it("refuses a name an older migration has, whatever its timestamp or spelling", function()
      local old = project:write("2020_01_01_000000_create_posts_table", "-- old\n")
      for _, name in ipairs { "create_posts_table", "CreatePostsTable", "create posts table" } do
        local r = project:run("make:migration", name)
        helpers.assert_status(1, r)
        assert.truthy(r.stderr:find("2020_01_01_000000_create_posts_table.lua", 1, true), r.stderr)
      end
      assert.same({ "2020_01_01_000000_create_posts_table.lua" }, files(project.migrations))
      assert.equals("-- old\n", helpers.read_file(old))
    end)

    it("a name that only ends like an existing one is another migration", function()
      project:write("2020_01_01_000000_create_posts_table", "-- old\n")
      make(project, "posts_table")
      make(project, "recreate_posts_table")
      assert.equals(3, #files(project.migrations))
    end)
  end)

  describe("the folder", function()
    it("is created when missing", function()
      assert(helpers.sh("rm -rf " .. helpers.quote(project.dir .. "/databases")) == 0)
      local name = make(project, "create_posts_table")
      assert.truthy(name:match("_create_posts_table%.lua$"))
      project:ok("migrate")
      assert.truthy(project:has_table("posts"))
    end)

    it("--path DIR writes there, creating its parents, and migrate --path runs it", function()
      local r = project:ok("make:migration", "create_posts_table", "--path", "db/deep/migrations")
      local list = files(project.dir .. "/db/deep/migrations")
      assert.equals(1, #list)
      assert.truthy(list[1]:match("^%d%d%d%d_%d%d_%d%d_%d%d%d%d%d%d_create_posts_table%.lua$"))
      assert.equals("  Created migration: db/deep/migrations/" .. list[1] .. "\n", r.stdout)
      assert.same({}, files(project.migrations))
      project:ok("migrate", "--path", "db/deep/migrations")
      assert.truthy(project:has_table("posts"))
    end)

    it("--path takes an absolute folder and a trailing slash", function()
      local dir = project.dir .. "/abs/"
      local r = project:ok("make:migration", "create_posts_table", "--path", dir)
      local list = files(dir)
      assert.equals(1, #list)
      assert.equals("  Created migration: " .. project.dir .. "/abs/" .. list[1] .. "\n", r.stdout)
    end)

    it("is migrations.path of lmigrate.lua", function()
      helpers.write_file(project:path("lmigrate.lua"),
        'return { migrations = { path = "schema/migrations" } }\n')
      project:ok("make:migration", "fix_the_data")
      project:ok("make:migration", "create_posts_table")
      assert.equals(2, #files(project.dir .. "/schema/migrations"))
      assert.same({}, files(project.migrations))
    end)

    it("a file where the folder should be is an error (exit 1)", function()
      helpers.write_file(project:path("blocker"), "")
      local r = project:run("make:migration", "create_posts_table", "--path", "blocker/migrations")
      helpers.assert_status(1, r)
      assert.truthy(r.stderr:find("blocker", 1, true), r.stderr)
      assert.equals("", helpers.read_file(project:path("blocker")))
    end)
  end)

  it("--quiet writes the file and prints nothing", function()
    local r = project:run("make:migration", "create_posts_table", "--quiet")
    helpers.assert_status(0, r)
    assert.equals("", r.stdout)
    assert.equals("", r.stderr)
    assert.equals(1, #files(project.migrations))
  end)
end)

describe("make:seed", function()
  local project, seeds

  before_each(function()
    project = helpers.project("sqlite")
    seeds = project.dir .. "/databases/seeds"
  end)
  after_each(function()
    if project then project:cleanup() end
    project = nil
  end)

  it("writes databases/seeds/<snake>.lua from the seeder stub, creating the folder", function()
    assert.falsy(isdir(seeds))
    local r = project:ok("make:seed", "PostSeeder")
    assert.equals("  Created seeder: databases/seeds/post_seeder.lua\n", r.stdout)
    assert.same({ "post_seeder.lua" }, files(seeds))
    assert.equals([[
local Seeder = require("lmigrate.seeder")

local PostSeeder = Seeder:extend("PostSeeder")

function PostSeeder:run()
end

return PostSeeder
]], helpers.read_file(seeds .. "/post_seeder.lua"))
    assert.same({}, files(project.migrations))
  end)

  it("keeps the name as given, snake_cased", function()
    for _, case in ipairs {
      { "post_seeder", "post_seeder.lua", "PostSeeder" },
      { "DatabaseSeeder", "database_seeder.lua", "DatabaseSeeder" },
      { "post", "post.lua", "Post" },
      { "user roles seeder", "user_roles_seeder.lua", "UserRolesSeeder" },
    } do
      project:ok("make:seed", case[1])
      local text = helpers.read_file(seeds .. "/" .. case[2])
      assert.truthy(text, case[1] .. " -> " .. case[2])
      assert.truthy(text:find(('Seeder:extend("%s")'):format(case[3]), 1, true), text)
      assert.truthy(text:find(("function %s:run()"):format(case[3]), 1, true), text)
    end
  end)

  it("never overwrites a seeder (exit 1)", function()
    project:ok("make:seed", "PostSeeder")
    local path = seeds .. "/post_seeder.lua"
    helpers.write_file(path, "-- mine\n")
    for _, name in ipairs { "PostSeeder", "post_seeder" } do
      local r = project:run("make:seed", name)
      helpers.assert_status(1, r)
      assert.truthy(r.stderr:find("already exists", 1, true), r.stderr)
      assert.equals("", r.stdout)
    end
    assert.equals("-- mine\n", helpers.read_file(path))
  end)

  it("writes into seeds.path of lmigrate.lua", function()
    helpers.write_file(project:path("lmigrate.lua"), 'return { seeds = { path = "db/seeders" } }\n')
    project:ok("make:seed", "PostSeeder")
    assert.same({ "post_seeder.lua" }, files(project.dir .. "/db/seeders"))
    assert.falsy(isdir(seeds))
  end)

  it("bad usage (exit 2): no NAME, two names, a bad NAME", function()
    helpers.assert_status(2, project:run("make:seed"))
    helpers.assert_status(2, project:run("make:seed", "Post", "Seeder"))
    for _, bad in ipairs { "Post.Seeder", "../x", "", "9lives", "post/seeder" } do
      local r = project:run("make:seed", bad)
      helpers.assert_status(2, r)
      assert.truthy(r.stderr:find("name", 1, true), r.stderr)
    end
    assert.falsy(isdir(seeds))
  end)

  it("--quiet prints nothing", function()
    local r = project:ok("make:seed", "PostSeeder", "--quiet")
    assert.equals("", r.stdout)
    assert.same({ "post_seeder.lua" }, files(seeds))
  end)

  it("the seeder it writes runs with lmigrate seed --class", function()
    local probe = project:run("seed", "--class", "NoSuchSeeder")
    if probe.stderr:find("module 'lmigrate.commands.seed' not found", 1, true)
        or probe.stderr:find("module 'lmigrate.seeder' not found", 1, true) then
      pending("lmigrate seed is not built yet")
      return
    end
    project:write("2000_01_01_000000_create_posts_table", helpers.create_table_migration("posts"))
    project:ok("migrate")
    project:ok("make:seed", "PostSeeder")
    local path = seeds .. "/post_seeder.lua"
    local text = helpers.read_file(path):gsub("function PostSeeder:run%(%)\n",
      'function PostSeeder:run()\n  self.db:insert("posts", { name = "hello" })\n')
    helpers.write_file(path, text)
    project:ok("seed", "--class", "PostSeeder")
    assert.equals(1, project:with_db(function(db) return db:count("posts") end))
  end)
end)
