-- status [--json]: ran or pending, batch, when it ran, "modified" when an
-- applied migration's file no longer matches the checksum recorded when it
-- ran, "missing" when its file is gone. Then help and --version.
local helpers = require("spec.helpers")
local S = require("spec.support.commands")

local A, B, C = S.A, S.B, S.C

local decoder = require("spec.support.json")
local NULL, json_decode = decoder.NULL, decoder.decode

-- runs status --json, decodes it -> list, { [migration] = item }
local function status_json(project)
  local r = project:ok("status", "--json")
  assert.equals("", r.stderr)
  local list = json_decode(r.stdout)
  assert.equals("table", type(list))
  local by = {}
  for _, item in ipairs(list) do
    assert.equals("table", type(item), r.stdout)
    by[item.migration] = item
  end
  return list, by, r
end

-- the status line (text form) naming 'name'
local function status_line(r, name)
  local lines = helpers.lines(r.stdout)
  local i = helpers.line_index(lines, name)
  assert(i, name .. " not in the status:\n" .. helpers.describe_run(r))
  return lines[i]
end

local RAN_AT = "^%d%d%d%d%-%d%d%-%d%d[ T]%d%d:%d%d:%d%d"

-- appends a comment: same migration, different bytes
local function change(project, name, source)
  project:write(name, source .. "-- changed\n")
end

for _, dialect in helpers.each_dialect() do
  describe("status [#" .. dialect .. "]", function()
    local project

    before_each(function()
      project = helpers.project(dialect)
      S.create_log(project)
    end)

    after_each(function()
      if project then project:cleanup() end
      project = nil
    end)

    describe("--json", function()
      it("is [] when there are no migrations", function()
        local list = status_json(project)
        assert.same({}, list)
      end)

      it("lists pending migrations with ran false and batch, ran_at null; creates nothing", function()
        project:write(A, S.step("a"))
        project:write(B, S.step("b"))
        local list = status_json(project)
        assert.equals(2, #list)
        assert.equals(A, list[1].migration)
        assert.equals(B, list[2].migration)
        for _, item in ipairs(list) do
          assert.is_false(item.ran)
          assert.equals(NULL, item.batch)
          assert.equals(NULL, item.ran_at)
          assert.is_false(item.modified)
          assert.is_true(item.missing == nil or item.missing == false)
        end
        assert.same({ "log" }, project:tables())
      end)

      it("gives each applied migration its batch and when it ran, in name order", function()
        S.three_batches(project)
        project:write(S.D .. "x", S.step("e"))   -- pending, sorts last
        local list, by = status_json(project)
        assert.same({ A, B, C, S.D, S.D .. "x" }, (function()
          local t = {}
          for i, item in ipairs(list) do t[i] = item.migration end
          return t
        end)())
        for name, batch in pairs { [A] = 1, [B] = 2, [C] = 2, [S.D] = 3 } do
          local item = by[name]
          assert.is_true(item.ran, name)
          assert.equals(batch, item.batch, name)
          assert.equals("string", type(item.ran_at), name)
          assert.matches(RAN_AT, item.ran_at)
          assert.is_false(item.modified, name)
        end
        assert.is_false(by[S.D .. "x"].ran)
        assert.equals(NULL, by[S.D .. "x"].batch)
      end)

      it("has the keys migration, ran, batch, ran_at, modified on every item", function()
        project:write(A, S.step("a"))
        project:ok("migrate")
        project:write(B, S.step("b"))
        local list = status_json(project)
        for _, item in ipairs(list) do
          for _, k in ipairs { "migration", "ran", "batch", "ran_at", "modified" } do
            assert(item[k] ~= nil, ("no %q in %s"):format(k, item.migration))
          end
        end
      end)
    end)

    describe("modified", function()
      local sources

      before_each(function()
        sources = { [A] = S.step("a"), [B] = S.step("b"), [C] = S.step("c") }
        for name, src in pairs(sources) do project:write(name, src) end
        project:ok("migrate")
      end)

      it("becomes true when an applied migration's file changes, only for that one", function()
        change(project, B, sources[B])
        local _, by = status_json(project)
        assert.is_false(by[A].modified)
        assert.is_true(by[B].modified)
        assert.is_false(by[C].modified)
        local r = project:ok("status")
        assert.truthy(status_line(r, B):lower():find("modified", 1, true), r.stdout)
        assert.is_nil(status_line(r, A):lower():find("modified", 1, true), r.stdout)
        assert.is_nil(status_line(r, C):lower():find("modified", 1, true), r.stdout)
      end)

      it("becomes false again when the file gets its old content back", function()
        change(project, B, sources[B])
        assert.is_true(select(2, status_json(project))[B].modified)
        project:write(B, sources[B])
        assert.is_false(select(2, status_json(project))[B].modified)
      end)

      it("is false again after the migration runs anew", function()
        change(project, B, sources[B])
        project:ok("rollback")
        project:ok("migrate")
        assert.is_false(select(2, status_json(project))[B].modified)
      end)

      it("stays false for untouched files, even with an mtime older than the run", function()
        assert.equals(0, helpers.sh("touch -d '2000-01-01' " .. helpers.quote(project.migrations
          .. "/" .. A .. ".lua")))
        assert.equals(0, helpers.sh("touch " .. helpers.quote(project.migrations .. "/" .. B .. ".lua")))
        local _, by = status_json(project)
        assert.is_false(by[A].modified)
        assert.is_false(by[B].modified)
        assert.is_false(by[C].modified)
        local r = project:ok("status")
        assert.is_nil(r.stdout:lower():find("modified", 1, true), r.stdout)
      end)

      it("is false for a pending migration, whatever its file", function()
        project:write(S.D, S.step("d"))
        change(project, S.D, S.step("d"))
        local _, by = status_json(project)
        assert.is_false(by[S.D].ran)
        assert.is_false(by[S.D].modified)
      end)
    end)

    describe("missing", function()
      it("shows an applied migration whose file is gone", function()
        project:write(A, S.step("a"))
        project:write(B, S.step("b"))
        project:ok("migrate")
        project:write(C, S.step("c"))
        project:remove(A)
        local list, by, json = status_json(project)
        assert.equals(3, #list)
        assert.equals(A, list[1].migration, "still in name order:\n" .. json.stdout)
        assert.is_true(by[A].missing, json.stdout)
        assert.is_true(by[A].ran)
        assert.equals(1, by[A].batch)
        assert.is_true(json.stdout:find('"missing":true', 1, true) ~= nil, json.stdout)
        assert.is_true(by[B].missing == nil or by[B].missing == false)
        assert.is_false(by[C].ran)
        local r = project:ok("status")
        assert.truthy(status_line(r, A):lower():find("missing", 1, true), r.stdout)
        assert.is_nil(status_line(r, B):lower():find("missing", 1, true), r.stdout)
      end)
    end)

    describe("text", function()
      it("shows batch, Ran and Pending, and changes nothing", function()
        S.three_batches(project)
        project:write(S.D .. "x", S.step("e"))
        local before = project:snapshot()
        local r = project:ok("status")
        S.assert_order(r.stdout, { A, B, C, S.D, S.D .. "x" })
        assert.matches("%[1%].-Ran", status_line(r, A))
        assert.matches("%[2%].-Ran", status_line(r, C))
        assert.matches("%[3%].-Ran", status_line(r, S.D))
        assert.matches("Pending", status_line(r, S.D .. "x"))
        assert.equals(before, project:snapshot())
      end)
    end)
  end)
end

-- {======================================================
-- help and --version: no database involved
-- ======================================================

local COMMON = { "--connection", "--database", "--path", "--quiet" }

-- the options each command must show in its help
local COMMANDS = {
  { "migrate", { "--step", "--atomic", "--pretend", "--seed", "--force" }, COMMON },
  { "rollback", { "--step", "--batch", "--pretend", "--force" }, COMMON },
  { "reset", { "--pretend", "--force" }, COMMON },
  { "refresh", { "--seed", "--force" }, COMMON },
  { "fresh", { "--seed", "--force" }, COMMON },
  { "status", { "--json" }, COMMON },
  { "sql", { "--dialect", "--down" }, COMMON },
  { "seed", { "--class", "--force" }, COMMON },
  { "make:migration", { "--create", "--table" }, {} },
  { "make:seed", {}, {} },
  { "help", {}, {} },
}

local ALIASES = {
  ["migrate:rollback"] = "rollback", ["migrate:reset"] = "reset",
  ["migrate:refresh"] = "refresh", ["migrate:fresh"] = "fresh",
  ["migrate:status"] = "status", ["db:seed"] = "seed",
}

describe("help", function()
  local project

  before_each(function() project = helpers.project("sqlite") end)
  after_each(function()
    if project then project:cleanup() end
    project = nil
  end)

  local function no_database()
    assert.is_false(helpers.exists(project:path("databases/database.sqlite")),
                    "help created a database")
  end

  it("lists every command with a summary", function()
    local r = project:ok("help")
    local lines = helpers.lines(r.stdout)
    for _, c in ipairs(COMMANDS) do
      local found = false
      for _, line in ipairs(lines) do
        local rest = line:match("^%s+(%S+)%s+%S")
        if rest == c[1] then found = true end
      end
      assert(found, c[1] .. " is not listed with a summary:\n" .. r.stdout)
    end
    no_database()
  end)

  it("is what lmigrate prints with no command", function()
    local r = project:ok()
    assert.equals(project:ok("help").stdout, r.stdout)
  end)

  for _, c in ipairs(COMMANDS) do
    local name, own, common = c[1], c[2], c[3]
    it("help " .. name .. " prints its usage and every option it takes", function()
      local r = project:ok("help", name)
      assert.matches("Usage: lmigrate " .. name:gsub("%p", "%%%0") .. "[%s\n]", r.stdout)
      local lines = helpers.lines(r.stdout)
      for _, opt in ipairs(own) do
        local i = helpers.line_index(lines, opt)
        assert(i, opt .. " missing from help " .. name .. ":\n" .. r.stdout)
        -- the option is explained on a line of its own, not only in the usage
        local explained = false
        for _, line in ipairs(lines) do
          if line:match("^%s+" .. opt:gsub("%p", "%%%0") .. "[%s=]") and line:match("%s%s+%a") then
            explained = true
          end
        end
        assert(explained, opt .. " not explained in help " .. name .. ":\n" .. r.stdout)
      end
      for _, opt in ipairs(common) do
        assert.truthy(r.stdout:find(opt, 1, true), opt .. " missing from help " .. name)
      end
      no_database()
    end)
  end

  it("help ALIAS prints the command's help", function()
    for alias, name in pairs(ALIASES) do
      local r = project:ok("help", alias)
      assert.equals(project:ok("help", name).stdout, r.stdout)
    end
  end)

  it("COMMAND --help prints the command's help", function()
    local r = project:ok("migrate", "--help")
    assert.equals(project:ok("help", "migrate").stdout, r.stdout)
    no_database()
  end)

  it("help nosuch fails with exit 2", function()
    local r = helpers.assert_status(2, project:run("help", "nosuch"))
    assert.truthy(r.stderr:find("nosuch", 1, true), helpers.describe_run(r))
    assert.equals("", r.stdout)
  end)

  it("an unknown command fails with exit 2", function()
    local r = helpers.assert_status(2, project:run("nosuch"))
    assert.truthy(r.stderr:find("nosuch", 1, true), helpers.describe_run(r))
    no_database()
  end)

  it("--version prints the version", function()
    local r = project:ok("--version")
    assert.matches("^lmigrate %d+%.%d+%.%d+[%w%.%-+]*\n$", r.stdout)
    assert.equals("", r.stderr)
    no_database()
  end)
end)
