-- What a hostile probe found (issue #13): each defect's case exits with its
-- status, says what is wrong, and leaves the database as it was.
local helpers = require("spec.helpers")

local A = "2026_01_01_000000_create_a"
local B = "2026_01_01_000001_create_b"

local function up(body)
  return helpers.migration { up = body, down = "" }
end

for _, dialect in helpers.each_dialect() do
  describe("hardening [#" .. dialect .. "]", function()
    local project

    before_each(function() project = helpers.project(dialect) end)
    after_each(function()
      if project then project:cleanup() end
      project = nil
    end)

    -- runs lmigrate, expects 'status', the words of 'patterns', no traceback
    local function refused(status, patterns, ...)
      return project:refused(status, patterns, ...)
    end

    it("os.exit() inside up fails the migration instead of looking like success", function()
      project:write(A, helpers.create_table_migration("a"))
      project:write(B, up('  self.schema:create("b", function(t) t:increments("id") end)\n  os.exit(0)'))
      refused(1, { "os.exit()", B, B .. ".lua:6" }, "migrate")
      assert.same({ A }, project:applied())
      if dialect.name == "mysql" then  -- MySQL committed the CREATE TABLE: undone on request
        assert.truthy(project:has_table("b"))
        project:ok("rollback", "--partial")
      end
      assert.falsy(project:has_table("b"))
      project:remove(A)
      local before = project:snapshot()
      if dialect.name == "mysql" then   -- no --atomic there
        refused(2, { "not possible on MySQL" }, "migrate", "--atomic")
        assert.equals(before, project:snapshot())
        return
      end
      local r = refused(1, { "os.exit()" }, "migrate", "--atomic")
      assert.falsy(r.stdout:find("DONE", 1, true), r.stdout)
      assert.equals(before, project:snapshot())
    end)

    it("numbers past math.maxinteger in --batch and --step are bad usage, not the last batch", function()
      project:write(A, helpers.create_table_migration("a"))
      project:ok("migrate")
      local before = project:snapshot()
      refused(2, { "--batch", "99999999999999999999" }, "rollback", "--batch", "99999999999999999999")
      refused(2, { "--step", "99999999999999999999" }, "rollback", "--step", "99999999999999999999")
      assert.equals(before, project:snapshot())
    end)

    it("a damaged history row is named by its id and migration, exit 1", function()
      project:write(A, helpers.create_table_migration("a"))
      project:ok("migrate")
      project:write(B, helpers.create_table_migration("b"))
      project:with_db(function(db) db:run("UPDATE migrations SET batch = -1") end)
      refused(1, { "damaged row", "id 1", A, "'-1'" }, "migrate")
      refused(1, { "damaged row", A }, "status")
      if dialect.name == "sqlite" then   -- the others' INTEGER refuses text
        project:with_db(function(db) db:run("UPDATE migrations SET batch = 'abc'") end)
        refused(1, { "damaged row", "'abc'" }, "rollback")
      end
      project:with_db(function(db) db:run("UPDATE migrations SET batch = 2147483647") end)
      refused(1, { "2147483647", "new batch" }, "migrate")
      assert.falsy(project:has_table("b"))
    end)

    it("a stray coroutine.yield in up is a clear error with its line", function()
      project:write(A, up('  coroutine.yield("x", {})'))
      refused(1, { "coroutine.yield(string, table)", A .. ".lua:5" }, "migrate")
      assert.same({}, project:history())
    end)

    it("driver waits pass through a migration's own coroutines", function()
      project:write(A, up([[
  self.schema:create("nums", function(t) t:integer("n") end)
  for i = 1, 5 do self.db:execute("INSERT INTO nums (n) VALUES (?)", i) end
  local rows = coroutine.wrap(function()
    for _, r in ipairs(self.db:query("SELECT n FROM nums ORDER BY n")) do coroutine.yield(r.n) end
  end)
  local seen = {}
  for n in rows do seen[#seen + 1] = tostring(n) end
  local co = coroutine.create(function() return self.db:first("SELECT count(*) AS c FROM nums").c end)
  local ok, c = coroutine.resume(co)
  assert(ok and tonumber(c) == 5, "resume saw " .. tostring(c))
  self.db:execute("INSERT INTO nums (n) VALUES (?)", tonumber(table.concat(seen)))]]))
      project:ok("migrate")
      assert.equals(12345, project:with_db(function(db)
        return tonumber(db:scalar("SELECT max(n) FROM nums"))
      end))
    end)

    it("error values that are not messages are described, not printed as table: 0x", function()
      for _, case in ipairs {
        { "  error({})", "an error object (a table) with no message" },
        { "  error(setmetatable({}, { __tostring = function() error('boom') end }))",
          "whose __tostring fails" },
        { "  error({ message = 'from a table' })", "from a table" },
      } do
        project:write(A, up(case[1]))
        local r = refused(1, { case[2] }, "migrate")
        assert.falsy(r.stderr:find("table: 0x", 1, true), r.stderr)
        project:remove(A)
      end
    end)

    it("only regular files are migrations: a folder, a FIFO or a link to a device is refused", function()
      for _, make in ipairs {
        { "mkdir %s", "is a directory" },
        { "mkfifo %s", "is a fifo" },
        { "ln -s /dev/zero %s", "is a character device" },
        { "ln -s /nonexistent %s", "is a link to nothing" },
      } do
        local path = project.migrations .. "/" .. B .. ".lua"
        assert.equals(0, helpers.sh(make[1]:format(helpers.quote(path))))
        refused(1, { B .. ".lua", make[2] }, "migrate")
        refused(1, { make[2] }, "status")
        helpers.sh("rm -rf " .. helpers.quote(path))
      end
      assert.same({}, project:history())
    end)

    it("a file name outside [A-Za-z0-9_.-] is refused at discovery, never printed raw", function()
      local name = "2026_01_01_000002_x\nDROP TABLE users; --"
      helpers.write_file(project.migrations .. "/" .. name .. ".lua", helpers.create_table_migration("x"))
      local r = refused(1, { "may hold only letters" }, "migrate")
      assert.falsy(r.stderr:find("\nDROP TABLE", 1, true), r.stderr)
      r = refused(1, { "may hold only letters" }, "sql")
      assert.equals("", r.stdout)
      os.remove(project.migrations .. "/" .. name .. ".lua")
      helpers.write_file(project.migrations .. "/2026_01_01_000002_\27[31mred.lua", "return {}")
      r = refused(1, { "\\x1b[31m" }, "migrate", "--pretend")
      assert.falsy(r.stderr:find("\27", 1, true), r.stderr)
    end)

    it("hidden files (an editor's .#lock.lua) are not migrations", function()
      project:write(A, helpers.create_table_migration("a"))
      assert.equals(0, helpers.sh("ln -s nobody@host.1234 "
        .. helpers.quote(project.migrations .. "/.#" .. A .. ".lua")))
      project:ok("migrate")
      assert.equals(1, #project:history())
    end)

    it("status --json stays valid UTF-8 with a history row named in Latin-1", function()
      project:write(A, helpers.create_table_migration("a"))
      project:ok("migrate")
      local stored = project:with_db(function(db)
        return db:exec("INSERT INTO migrations (migration, batch) VALUES (?, 1)", "caf\233")
      end)
      if dialect.name ~= "sqlite" then   -- a UTF8 (utf8mb4) database refuses it on its way in
        assert.is_nil(stored)
        return
      end
      local r = project:run("status", "--json")
      helpers.assert_status(0, r)
      assert.truthy(utf8.len(r.stdout), r.stdout)
      assert.truthy(r.stdout:find('"migration":"caf\\u00e9"', 1, true), r.stdout)
    end)

    it("a UTF-8 BOM and a #! first line are accepted, as lua5.4 accepts them", function()
      project:write(A, "\239\187\191" .. helpers.create_table_migration("a"))
      project:write(B, "#!/usr/bin/env lua5.4\n" .. up('  error("line 5")'))
      refused(1, { B .. ".lua:6" }, "migrate")   -- numbered as in the file
      project:write(B, "#!/usr/bin/env lua5.4\n" .. helpers.create_table_migration("b"))
      project:ok("migrate")
      assert.truthy(project:has_table("a") and project:has_table("b"))
    end)

    it("a first run that fails leaves no history table behind", function()
      project:write(A, up('  self.schema:create("a", function(t) t:increments("id") end)\n'
        .. '  self.db:execute("INSERT INTO nowhere (x) VALUES (1)")'))
      refused(1, { "nowhere" }, "migrate")
      if dialect.name == "mysql" then  -- DDL commits there: the journal says what stays
        assert.truthy(project:has_table("a"))
        assert.truthy(project:ok("status").stdout:find("Partly applied (1 of 2 statements)", 1, true))
        return
      end
      assert.falsy(project:has_table("migrations"))
      assert.falsy(project:has_table("a"))
    end)

    describe("lmigrate.lua", function()
      local function config(text) helpers.write_file(project:path("lmigrate.lua"), text) end

      it("one that cannot be read is bad config, not the default database", function()
        assert.equals(0, helpers.sh("mkdir " .. helpers.quote(project:path("lmigrate.lua"))))
        refused(2, { "cannot read lmigrate.lua", "directory" }, "status")
        assert.falsy(helpers.exists(project:path("databases/database.sqlite")))
      end)

      it("one without read permission says so (checked as an unprivileged user)", function()
        config("return {}")
        assert.equals(0, helpers.sh("chmod 000 " .. helpers.quote(project:path("lmigrate.lua"))
          .. " && chmod 777 " .. helpers.quote(project.dir)))
        local r = helpers.run({ "status" }, { cwd = project.dir, env = dialect:env(project),
                                               as_nobody = true })
        helpers.assert_status(2, r)
        assert.truthy(r.stderr:find("cannot read lmigrate.lua: Permission denied", 1, true), r.stderr)
      end)

      it("migrations.path = {} is a clear error", function()
        config("return { migrations = { path = {} } }")
        refused(2, { "migrations.path must be a folder" }, "status")
      end)

      it("a config whose metatable raises is read as plain tables", function()
        config([[return setmetatable({ migrations = { path = "databases/migrations" } },
          { __index = function(_, k) error("no " .. tostring(k)) end })]])
        project:ok("status")
      end)

      it("a yield in lmigrate.lua is a clear error", function()
        config("coroutine.yield(1)\nreturn {}")
        refused(2, { "lmigrate.lua", "yield" }, "status")
      end)
    end)
  end)
end
