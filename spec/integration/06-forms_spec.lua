-- The forms a migration may take (class, plain table, <close>) and the
-- self.schema / self.db calls a migration makes.
local helpers = require("spec.helpers")

-- a migration whose up records values into the table "results" (k, v): the
-- body calls record(key, value); the first migration creates the table
local RESULTS = "2026_01_01_000000_create_results"
local function results_migration()
  return helpers.migration {
    name = "CreateResults",
    up = [[
  self.schema:create("results", function(t)
    t:increments("id")
    t:string("k")
    t:text("v"):nullable()
  end)]],
    down = '  self.schema:drop("results")',
  }
end

local function probe(body, down)
  return helpers.migration {
    name = "Probe",
    header = 'local lmigrate = require("lmigrate")',
    up = [[
  local function record(k, v)
    self.db:execute("INSERT INTO results (k, v) VALUES (?, ?)", k, tostring(v))
  end
]] .. body,
    down = down,
  }
end

local function results(project)
  return project:with_db(function(db)
    local t = {}
    for _, r in ipairs(db:query("SELECT k, v FROM results ORDER BY id")) do t[r.k] = r.v end
    return t
  end)
end

local function column_names(project, tbl)
  local t = {}
  for _, c in ipairs(project:columns(tbl)) do t[#t + 1] = c.name end
  return t
end

for _, dialect in helpers.each_dialect() do
  describe("migration forms [#" .. dialect .. "]", function()
    local project

    before_each(function()
      project = helpers.project(dialect)
      project:write(RESULTS, results_migration())
    end)

    after_each(function()
      if project then project:cleanup() end
      project = nil
    end)

    describe("a plain-table migration", function()
      it("runs up on migrate and down on rollback", function()
        project:write("2026_01_01_000001_plain", [[
return {
  up = function(self)
    self.schema:create("plain", function(t)
      t:increments("id")
      t:string("name")
    end)
  end,
  down = function(self)
    self.schema:drop("plain")
  end,
}
]])
        local r = project:ok("migrate")
        assert.truthy(r.stdout:find("2026_01_01_000001_plain", 1, true))
        assert.same({ "id", "name" }, column_names(project, "plain"))
        project:ok("rollback")
        assert.is_false(project:has_table("plain"))
      end)
    end)

    describe("the <close> form", function()
      it("creates the table when the variable goes out of scope", function()
        project:write("2026_01_01_000001_close", helpers.migration {
          name = "Close",
          up = [[
  do
    local t <close> = self.schema:create("closed")
    t:increments("id")
    t:string("email"):unique()
    t:integer("n"):default(7)
  end
  self.db:execute("INSERT INTO closed (email) VALUES ('a@b')")]],
          down = '  self.schema:drop("closed")',
        })
        project:ok("migrate")
        assert.same({ "id", "email", "n" }, column_names(project, "closed"))
        project:with_db(function(db)
          assert.equals(7, tonumber(db:scalar("SELECT n FROM closed")))
          assert.truthy(db:unique_sets("closed").email)
        end)
      end)

      it("creates nothing when the scope is left by an error", function()
        project:write("2026_01_01_000001_close", helpers.migration {
          name = "Close",
          up = [[
  local t <close> = self.schema:create("closed")
  t:increments("id")
  error("left by an error")]],
        })
        local r = helpers.assert_status(1, project:run("migrate"))
        assert.matches("left by an error", r.stderr)
        assert.is_false(project:has_table("closed"))
      end)
    end)

    describe("self.schema", function()
      it("create_if_not_exists leaves an existing table and its rows alone", function()
        project:write("2026_01_01_000001_first", helpers.create_table_migration("thing"))
        project:write("2026_01_01_000002_again", helpers.migration {
          name = "Again",
          up = [[
  self.db:execute("INSERT INTO thing (name) VALUES ('kept')")
  self.schema:create_if_not_exists("thing", function(t)
    t:increments("id")
    t:string("other")
  end)
  self.schema:create_if_not_exists("fresh", function(t)
    t:increments("id")
  end)]],
        })
        project:ok("migrate")
        assert.same({ "id", "name" }, column_names(project, "thing"))
        assert.is_true(project:has_table("fresh"))
        project:with_db(function(db)
          assert.equals("kept", db:scalar("SELECT name FROM thing"))
        end)
      end)

      it("drop_if_exists drops a table, and is quiet about a missing one", function()
        project:write("2026_01_01_000001_first", helpers.create_table_migration("thing"))
        project:write("2026_01_01_000002_drop", helpers.migration {
          name = "Drop",
          up = '  self.schema:drop_if_exists("thing")\n  self.schema:drop_if_exists("never_was")',
        })
        project:ok("migrate")
        assert.is_false(project:has_table("thing"))
      end)

      it("drop fails on a missing table", function()
        project:write("2026_01_01_000001_drop", helpers.migration {
          name = "Drop", up = '  self.schema:drop("never_was")',
        })
        local r = helpers.assert_status(1, project:run("migrate"))
        assert.truthy(r.stderr:find("never_was", 1, true), helpers.describe_run(r))
      end)

      it("rename keeps the rows", function()   -- (before and after are MySQL keywords)
        project:write("2026_01_01_000001_first", helpers.create_table_migration("old_name"))
        project:ok("migrate")
        project:write("2026_01_01_000002_rename", helpers.migration {
          name = "Rename",
          up = [[
  self.db:execute("INSERT INTO old_name (name) VALUES ('row')")
  self.schema:rename("old_name", "new_name")]],
          down = '  self.schema:rename("new_name", "old_name")',
        })
        project:ok("migrate")
        assert.is_false(project:has_table("old_name"))
        project:with_db(function(db)
          assert.equals("row", db:scalar("SELECT name FROM new_name"))
        end)
        project:ok("rollback")
        assert.is_true(project:has_table("old_name"))
        assert.is_false(project:has_table("new_name"))
      end)

      it("has_table and has_column see the database as it is", function()
        project:write("2026_01_01_000001_first", helpers.create_table_migration("thing"))
        project:write("2026_01_01_000002_probe", probe([[
  record("has_thing", self.schema:has_table("thing"))
  record("has_nothing", self.schema:has_table("nothing"))
  record("has_name", self.schema:has_column("thing", "name"))
  record("has_email", self.schema:has_column("thing", "email"))
  record("has_column_no_table", self.schema:has_column("nothing", "name"))
  self.schema:create("made_here", function(t) t:increments("id") end)
  record("has_made_here", self.schema:has_table("made_here"))]]))
        project:ok("migrate")
        assert.same({ has_thing = "true", has_nothing = "false", has_name = "true",
                      has_email = "false", has_column_no_table = "false",
                      has_made_here = "true" }, results(project))
      end)

      it("truncate empties a table and keeps it", function()
        project:write("2026_01_01_000001_first", helpers.create_table_migration("thing"))
        project:write("2026_01_01_000002_truncate", probe([[
  self.db:execute("INSERT INTO thing (name) VALUES ('a'), ('b'), ('c')")
  self.schema:truncate("thing")
  record("count", self.db:first("SELECT COUNT(*) AS n FROM thing").n)]]))
        project:ok("migrate")
        assert.equals("0", results(project).count)
        assert.is_true(project:has_table("thing"))
      end)

      it("table() alters an existing table", function()
        project:write("2026_01_01_000001_first", helpers.create_table_migration("thing"))
        project:ok("migrate")
        project:write("2026_01_01_000002_alter", helpers.migration {
          name = "Alter",
          up = [[
  self.schema:table("thing", function(t)
    t:string("email"):nullable()
  end)]],
          down = [[
  self.schema:table("thing", function(t)
    t:drop_column("email")
  end)]],
        })
        project:ok("migrate")
        assert.same({ "id", "name", "email" }, column_names(project, "thing"))
        project:ok("rollback")
        assert.same({ "id", "name" }, column_names(project, "thing"))
      end)
    end)

    describe("self.db", function()
      before_each(function()
        project:write("2026_01_01_000001_items", helpers.migration {
          name = "Items",
          up = [[
  self.schema:create("items", function(t)
    t:increments("id")
    t:string("name")
    t:integer("n")
    t:string("note"):nullable()
  end)]],
          down = '  self.schema:drop("items")',
        })
      end)

      it("execute returns the rows affected and binds ? placeholders", function()
        project:write("2026_01_01_000002_probe", probe([[
  record("insert", self.db:execute("INSERT INTO items (name, n) VALUES (?, ?), (?, ?)", "a", 1, "b", 2))
  record("update", self.db:execute("UPDATE items SET n = n + ? WHERE n >= ?", 10, 1))
  record("delete", self.db:execute("DELETE FROM items WHERE name = ?", "nobody"))
  record("literal", self.db:execute("INSERT INTO items (name, n) VALUES (?, 3)", "it's; --"))]]))
        project:ok("migrate")
        local got = results(project)
        assert.equals("2", got.insert)
        assert.equals("2", got.update)
        assert.equals("0", got.delete)
        assert.equals("1", got.literal)
        project:with_db(function(db)
          assert.equals("it's; --", db:scalar("SELECT name FROM items WHERE n = 3"))
          assert.equals(26, tonumber(db:scalar("SELECT SUM(n) AS s FROM items")))
        end)
      end)

      it("query returns a list of rows keyed by column name", function()
        project:write("2026_01_01_000002_probe", probe([[
  self.db:execute("INSERT INTO items (name, n) VALUES ('a', 1), ('b', 2)")
  local rows = self.db:query("SELECT name, n FROM items WHERE n >= ? ORDER BY n", 1)
  record("count", #rows)
  record("first", rows[1].name .. "=" .. rows[1].n)
  record("second", rows[2].name .. "=" .. rows[2].n)
  record("n_type", math.type(rows[1].n))
  record("empty", #self.db:query("SELECT * FROM items WHERE n > 100"))]]))
        project:ok("migrate")
        assert.same({ count = "2", first = "a=1", second = "b=2", n_type = "integer",
                      empty = "0" }, results(project))
      end)

      it("first returns one row or nil", function()
        project:write("2026_01_01_000002_probe", probe([[
  self.db:execute("INSERT INTO items (name, n) VALUES ('a', 1), ('b', 2)")
  record("first", self.db:first("SELECT name FROM items ORDER BY n DESC").name)
  record("none", self.db:first("SELECT name FROM items WHERE n > 100"))]]))
        project:ok("migrate")
        assert.same({ first = "b", none = "nil" }, results(project))
      end)

      it("insert takes one row or a list of rows", function()
        project:write("2026_01_01_000002_probe", probe([[
  self.db:insert("items", { name = "one", n = 1 })
  self.db:insert("items", {
    { name = "two", n = 2 },
    { name = "three", n = 3 },
    { name = "four", n = 4, note = "x" },
  })
  record("count", self.db:first("SELECT COUNT(*) AS c FROM items").c)]]))
        project:ok("migrate")
        assert.equals("4", results(project).count)
        project:with_db(function(db)
          local names = {}
          for _, r in ipairs(db:query("SELECT name FROM items ORDER BY n")) do
            names[#names + 1] = r.name
          end
          assert.same({ "one", "two", "three", "four" }, names)
        end)
      end)

      it("uses lmigrate.null for SQL NULL both ways", function()
        project:write("2026_01_01_000002_probe", probe([[
  self.db:insert("items", { name = "n", n = 1, note = lmigrate.null })
  self.db:execute("INSERT INTO items (name, n, note) VALUES (?, ?, ?)", "m", 2, lmigrate.null)
  local rows = self.db:query("SELECT note FROM items ORDER BY n")
  record("is_null", rows[1].note == lmigrate.null and rows[2].note == lmigrate.null)
  record("has_key", rows[1].note ~= nil)]]))
        project:ok("migrate")
        assert.same({ is_null = "true", has_key = "true" }, results(project))
        project:with_db(function(db)
          assert.equals(2, tonumber(db:scalar("SELECT COUNT(*) AS c FROM items WHERE note IS NULL")))
        end)
      end)

      it("names the driver", function()
        project:write("2026_01_01_000002_probe", probe('  record("driver", self.db.driver)'))
        project:ok("migrate")
        assert.equals(dialect.name, results(project).driver)
      end)

      it("a failing execute fails the migration and undoes its inserts", function()
        project:write("2026_01_01_000002_probe", probe([[
  self.db:insert("items", { name = "gone", n = 1 })
  self.db:execute("INSERT INTO items (name) VALUES (?)", "no n")]]))
        local r = helpers.assert_status(1, project:run("migrate"))
        assert.truthy(r.stderr:find("2026_01_01_000002_probe", 1, true), helpers.describe_run(r))
        project:with_db(function(db)
          assert.equals(0, db:count("items"))
        end)
      end)
    end)
  end)
end
