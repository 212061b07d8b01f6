-- Hostile names: identifiers are always quoted and values always escaped or
-- bound, so names and defaults with quotes, spaces, semicolons and SQL in
-- them are created literally and nothing else is touched.
local helpers = require("spec.helpers")

local NAMES = {
  'quote"d',
  "it's",
  "with space",
  "semi;colon",
  "); DROP TABLE users; --",
  '"; DROP TABLE users; --',
  "'; DROP TABLE users; --",
  "`back`tick`",
  "[bracket]",
  "x\\y",
}

local DEFAULTS = {
  "it's",
  'say "hi"',
  "'); DROP TABLE users; --",
  '"); DROP TABLE users; --',
  "a;b",
  "\\'",
  "",
}

local USERS = "2026_01_01_000000_create_users"
local HOSTILE = "2026_01_01_000001_create_hostile"

local function users_migration()
  return helpers.migration {
    name = "CreateUsers",
    up = [[
  self.schema:create("users", function(t)
    t:increments("id")
    t:string("name")
  end)
  self.db:execute("INSERT INTO users (name) VALUES (?)", "Ada")]],
    down = '  self.schema:drop("users")',
  }
end

-- table NAMES[i] with a column NAMES[i] (and "v") whose default is DEFAULTS[j]
local function hostile_migration()
  local up, down = {}, {}
  for i, name in ipairs(NAMES) do
    local default = DEFAULTS[(i - 1) % #DEFAULTS + 1]
    up[#up + 1] = ([[
  self.schema:create(%q, function(t)
    t:increments("id")
    t:string(%q):default(%q)
    t:string("v"):nullable()
  end)]]):format(name, name, default)
    table.insert(down, 1, ("  self.schema:drop(%q)"):format(name))
  end
  return helpers.migration { name = "CreateHostile", up = table.concat(up, "\n"),
                             down = table.concat(down, "\n") }
end

local function expected_tables()
  local t = { "migrations", "users" }
  for _, n in ipairs(NAMES) do t[#t + 1] = n end
  table.sort(t)
  return t
end

for _, dialect in helpers.each_dialect() do
  describe("hostile names [#" .. dialect .. "]", function()
    local project

    -- users is batch 1, the hostile tables batch 2
    before_each(function()
      project = helpers.project(dialect)
      project:write(USERS, users_migration())
      project:ok("migrate")
      project:write(HOSTILE, hostile_migration())
    end)

    after_each(function()
      if project then project:cleanup() end
      project = nil
    end)

    it("creates every table with exactly its name, and drops nothing", function()
      project:ok("migrate")
      assert.same(expected_tables(), project:tables())
      project:with_db(function(db)
        assert.equals("Ada", db:scalar("SELECT name FROM users"))
      end)
    end)

    it("creates every column with exactly its name", function()
      project:ok("migrate")
      project:with_db(function(db)
        for _, name in ipairs(NAMES) do
          local got = {}
          for _, c in ipairs(db:columns(name)) do got[#got + 1] = c.name end
          assert.same({ "id", name, "v" }, got, name)
        end
      end)
    end)

    it("stores every default value literally", function()
      project:ok("migrate")
      project:with_db(function(db)
        for i, name in ipairs(NAMES) do
          local default = DEFAULTS[(i - 1) % #DEFAULTS + 1]
          db:run("INSERT INTO " .. dialect:ident(name) .. " (v) VALUES ('row')")
          local value = db:scalar("SELECT " .. dialect:ident(name) .. " AS d FROM "
                                  .. dialect:ident(name))
          assert.equals(default, value, name)
        end
      end)
    end)

    it("rolls back by the same names, leaving users alone", function()
      project:ok("migrate")
      project:ok("rollback")
      assert.same({ "migrations", "users" }, project:tables())
      project:with_db(function(db)
        assert.equals("Ada", db:scalar("SELECT name FROM users"))
      end)
    end)

    it("takes hostile names through rename, has_table, has_column, drop_if_exists", function()
      local NAME = "); DROP TABLE users; --"
      local NEW = "'; DELETE FROM users; --"
      project:write("2026_01_01_000002_rename_hostile", helpers.migration {
        name = "RenameHostile",
        up = ([[
  self.schema:create("checks", function(t)
    t:increments("id")
    t:string("what")
    t:string("result")
  end)
  local function record(what, value)
    self.db:execute("INSERT INTO checks (what, result) VALUES (?, ?)", what, tostring(value))
  end
  record("has_table", self.schema:has_table(%q))
  record("has_column", self.schema:has_column(%q, %q))
  record("has_column_missing", self.schema:has_column(%q, "nope"))
  self.schema:rename(%q, %q)
  record("has_old", self.schema:has_table(%q))
  record("has_new", self.schema:has_table(%q))
  self.schema:drop_if_exists(%q)
  self.schema:drop_if_exists(%q)]]):format(NAME, NAME, NAME, NAME, NAME, NEW, NAME, NEW,
                                           NAME, '"; DROP TABLE users; --'),
      })
      project:ok("migrate")
      project:with_db(function(db)
        local got = {}
        for _, r in ipairs(db:query("SELECT what, result FROM checks")) do got[r.what] = r.result end
        assert.same({ has_table = "true", has_column = "true", has_column_missing = "false",
                      has_old = "false", has_new = "true" }, got)
        local tables = db:tables()
        assert.is_true(helpers.contains(tables, NEW))
        assert.is_false(helpers.contains(tables, NAME))
        assert.is_false(helpers.contains(tables, '"; DROP TABLE users; --'))
        assert.is_true(helpers.contains(tables, "users"))
        assert.equals(1, db:count("users"))
      end)
    end)

    it("binds hostile values and quotes hostile names in db:insert", function()
      local NAME = '"; DROP TABLE users; --'
      local VALUE = "'); DELETE FROM users; --"
      project:write("2026_01_01_000002_insert_hostile", helpers.migration {
        name = "InsertHostile",
        up = ("  self.db:insert(%q, { v = %q })\n  self.db:insert(%q, { [%q] = %q, v = 'x' })")
               :format(NAME, VALUE, NAME, NAME, "semi;colon"),
      })
      project:ok("migrate")
      project:with_db(function(db)
        local rows = db:query("SELECT " .. dialect:ident(NAME) .. " AS c, v FROM "
                              .. dialect:ident(NAME) .. " ORDER BY id")
        assert.equals(2, #rows)
        assert.equals(VALUE, rows[1].v)
        assert.equals("semi;colon", rows[2].c)
        assert.equals(1, db:count("users"))
      end)
    end)
  end)
end
