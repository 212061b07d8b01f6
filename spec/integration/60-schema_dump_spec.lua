-- schema:dump (Laravel's migration squashing): the schema and the history
-- rows into databases/schema/default-schema.sql by the dialect's dump tool;
-- --prune removes the migration files; migrate on a database where no
-- migration ran loads the file through the dialect's client, then runs the
-- newer migrations; fresh loads it again; --pretend loads nothing; a bad
-- file fails migrate (exit 1) naming the file; a missing client is named
-- with its package (exit 2). On each dialect.
local helpers = require("spec.helpers")

local A = "2026_01_01_000000_create_artists"
local B = "2026_01_02_000000_create_albums"
local C = "2026_01_03_000000_create_tracks"
local FILE = "databases/schema/default-schema.sql"

-- the project's schema file into 'other' (a new project: a new database)
local function carry(project, other)
  assert(helpers.sh("mkdir -p " .. helpers.quote(other:path("databases/schema"))) == 0)
  helpers.write_file(other:path(FILE), assert(helpers.read_file(project:path(FILE))))
end

-- a folder holding only `timeout` (which the spec's runs go through): no client on PATH
local function bare_path(project)
  local dir = project:path("bare-bin")
  assert(helpers.sh("mkdir -p " .. helpers.quote(dir)) == 0)
  local t = select(2, helpers.capture("command -v timeout")):gsub("%s+$", "")
  assert(helpers.sh(("ln -s %s %s/timeout"):format(helpers.quote(t), helpers.quote(dir))) == 0)
  return dir
end

for _, dialect in helpers.each_dialect() do
  describe("schema:dump and loading its file [#" .. dialect .. "]", function()
    local project, other

    before_each(function()
      project = helpers.project(dialect)
      project:write(A, helpers.create_table_migration("artists"))
      project:write(B, helpers.create_table_migration("albums"))
      project:ok("migrate")
    end)

    after_each(function()
      if project then project:cleanup() end
      if other then other:cleanup() end
      project, other = nil, nil
    end)

    it("dumps, prunes, loads on a new database, then runs the newer migration; fresh loads it again",
      function()
      local r = project:ok("schema:dump", "--prune")
      assert.truthy(r.stdout:find("Database schema dumped to " .. FILE, 1, true), r.stdout)
      local text = assert(helpers.read_file(project:path(FILE)))
      assert.truthy(text:find("artists", 1, true), text)
      assert.truthy(text:find(A, 1, true), text)
      assert.truthy(text:find(B, 1, true), text)
      assert.is_false(helpers.exists(project.migrations .. "/" .. A .. ".lua"))
      assert.is_false(helpers.exists(project.migrations .. "/" .. B .. ".lua"))

      other = helpers.project(dialect)
      carry(project, other)
      other:write(A, helpers.create_table_migration("artists"))
      other:write(B, helpers.create_table_migration("albums"))
      other:write(C, helpers.create_table_migration("tracks"))
      r = other:ok("migrate")
      assert.truthy(r.stdout:find("Loading stored database schema.", 1, true), r.stdout)
      assert.truthy(r.stdout:find(C, 1, true), r.stdout)
      assert.falsy(r.stdout:find(A .. " %.%."), r.stdout)
      assert.same({ A, B, C }, other:applied())
      assert.truthy(other:has_table("artists") and other:has_table("albums") and other:has_table("tracks"))
      r = other:ok("status")
      for _, name in ipairs({ A, B, C }) do
        assert.truthy(r.stdout:find(name .. " %.+ %[%d%] Ran"), r.stdout)
      end
      r = other:ok("fresh")
      assert.truthy(r.stdout:find("Loading stored database schema.", 1, true), r.stdout)
      assert.same({ A, B, C }, other:applied())
      other:ok("rollback")
      assert.same({ A, B }, other:applied())
      assert.is_false(other:has_table("tracks"))
    end)

    it("--pretend loads nothing; --schema-path names the file", function()
      project:ok("schema:dump", "--path", "squashed.sql")
      other = helpers.project(dialect)
      other:write(A, helpers.create_table_migration("artists"))
      helpers.write_file(other:path("squashed.sql"), assert(helpers.read_file(project:path("squashed.sql"))))
      local r = other:ok("migrate", "--pretend", "--schema-path", "squashed.sql")
      assert.falsy(r.stdout:find("Loading", 1, true), r.stdout)
      assert.same({}, other:applied())
      r = other:ok("migrate", "--schema-path", "squashed.sql")
      assert.truthy(r.stdout:find("Nothing to migrate.", 1, true), r.stdout)
      assert.same({ A, B }, other:applied())
      other:refused(2, { "--schema-path nowhere.sql: no such file" }, "migrate", "--schema-path",
                    "nowhere.sql")
    end)

    it("a file that does not load fails migrate naming it; SQLite and PostgreSQL keep nothing of it",
      function()
      other = helpers.project(dialect)
      other:write(A, helpers.create_table_migration("artists"))
      assert(helpers.sh("mkdir -p " .. helpers.quote(other:path("databases/schema"))) == 0)
      helpers.write_file(other:path(FILE),
                         "CREATE TABLE kept (id integer);\nCREATE TABEL oops (id integer);\n")
      local r = other:refused(1, { "cannot load the schema file " .. FILE }, "migrate")
      assert.truthy(r.stderr:find("line 2", 1, true) or r.stderr:find(":2:", 1, true), r.stderr)
      assert.equals(dialect.name == "mysql", other:has_table("kept"))
      assert.is_false(other:has_table("artists"))
    end)

    it("a missing client is named with its package (exit 2)", function()
      local env = {}
      for k, v in pairs(project.dialect:env(project)) do env[k] = v end
      env.PATH = bare_path(project)
      local pkg = ({ sqlite = "sqlite3", postgres = "postgresql-client",
                     mysql = "mariadb-client" })[dialect.name]
      local r = project:run({ "schema:dump" }, { env = env })
      helpers.assert_refused(r, 2, { "schema:dump needs", "apt-get install " .. pkg })
    end)
  end)
end
