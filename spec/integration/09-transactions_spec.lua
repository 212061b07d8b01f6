-- Transactions: each migration and its history row commit together, and a
-- failure rolls back all of it, DDL included (SQLite and PostgreSQL both
-- have transactional DDL). `M.transaction = false` runs a migration outside
-- a transaction (CREATE INDEX CONCURRENTLY); its history row is written only
-- after it succeeds. MySQL commits DDL on its own: there a migration that
-- fails half-way keeps what it applied, and `rollback --partial` brings the
-- schema back (its data changes stay: they are not undone).
local helpers = require("spec.helpers")

local ITEMS = "2026_01_01_000001_create_items"
local NONTX = "2026_01_01_000002_nontx_index"
local AFTER = "2026_01_01_000003_create_after"

local ITEMS_MIGRATION = helpers.migration {
  name = "CreateItems",
  up = [[
  self.schema:create("items", function(t)
    t:increments("id")
    t:string("name")
  end)
  self.db:insert("items", { { name = "kept 1" }, { name = "kept 2" } })]],
  down = '  self.schema:drop("items")',
}

-- a class-style migration with M.transaction = false
local function nontx(up, down)
  return helpers.migration {
    name = "NonTx",
    up = up,
    down = down or "",
    extra = "M.transaction = false",
  }
end

-- fails unless the history has no row for this migration yet
local CHECK_NO_ROW = [[
  local row = self.db:first("SELECT COUNT(*) AS n FROM migrations WHERE migration LIKE ?",
                            "%_nontx_index%")
  if tonumber(row.n) ~= 0 then error("the history row was written before up ran") end]]

local function names(history)
  local t = {}
  for _, h in ipairs(history) do t[#t + 1] = h.migration end
  return t
end

-- index names of table 'tbl' with their validity (PostgreSQL)
local function pg_indexes(db, tbl)
  local out = {}
  for _, r in ipairs(db:query([[
    SELECT i.relname AS name, x.indisvalid AS valid FROM pg_index x
    JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
    WHERE t.relname = ? ORDER BY i.relname]], tbl)) do
    out[r.name] = r.valid
  end
  return out
end

for _, dialect in helpers.each_dialect() do
  local postgres_only = dialect.name == "postgres" and it or pending

  describe("transactions [#" .. dialect .. "]", function()
    local project

    before_each(function()
      project = helpers.project(dialect)
      project:write(ITEMS, ITEMS_MIGRATION)
    end)

    after_each(function()
      if project then project:cleanup() end
      project = nil
    end)

    describe("M.transaction = false", function()
      postgres_only("runs CREATE INDEX CONCURRENTLY, and records it", function()
        project:write(NONTX, nontx(
          '  self.db:execute("CREATE INDEX CONCURRENTLY items_name_idx ON items (name)")',
          '  self.db:execute("DROP INDEX CONCURRENTLY items_name_idx")'))
        project:write(AFTER, helpers.create_table_migration("after"))
        local r = project:ok("migrate")
        assert.matches("DONE", helpers.lines(r.stdout)[helpers.line_index(helpers.lines(r.stdout), NONTX)])
        assert.same({ ITEMS, NONTX, AFTER }, names(project:history()))
        project:with_db(function(db)
          assert.is_true(pg_indexes(db, "items").items_name_idx)
        end)
      end)

      postgres_only("rolls back with DROP INDEX CONCURRENTLY in down", function()
        project:write(NONTX, nontx(
          '  self.db:execute("CREATE INDEX CONCURRENTLY items_name_idx ON items (name)")',
          '  self.db:execute("DROP INDEX CONCURRENTLY items_name_idx")'))
        project:ok("migrate")
        project:ok("rollback")
        assert.same({}, project:history())
        assert.same({ "migrations" }, project:tables())
      end)

      postgres_only("is needed: CREATE INDEX CONCURRENTLY fails inside a transaction", function()
        project:ok("migrate")
        project:write(NONTX, helpers.migration {
          name = "InTx",
          up = '  self.db:execute("CREATE INDEX CONCURRENTLY items_name_idx ON items (name)")',
        })
        local r = helpers.assert_status(1, project:run("migrate"))
        assert.truthy(r.stderr:find("cannot run inside a transaction block", 1, true),
                      helpers.describe_run(r))
        assert.truthy(r.stderr:find(NONTX, 1, true), helpers.describe_run(r))
        assert.same({ ITEMS }, names(project:history()))
        project:with_db(function(db)
          assert.is_nil(pg_indexes(db, "items").items_name_idx)
        end)
      end)

      postgres_only("works in the plain-table form too", function()
        project:write(NONTX, table.concat({
          "return {",
          "  transaction = false,",
          "  up = function(self)",
          '    self.db:execute("CREATE INDEX CONCURRENTLY items_name_idx ON items (name)")',
          "  end,",
          "  down = function(self)",
          '    self.db:execute("DROP INDEX CONCURRENTLY items_name_idx")',
          "  end,",
          "}",
          "",
        }, "\n"))
        project:ok("migrate")
        assert.same({ ITEMS, NONTX }, names(project:history()))
        project:with_db(function(db)
          assert.is_true(pg_indexes(db, "items").items_name_idx)
        end)
      end)

      it("writes the history row only after up has run", function()
        project:write(NONTX, nontx(CHECK_NO_ROW
          .. '\n  self.db:execute("CREATE INDEX items_name_idx ON items (name)")',
          '  self.db:execute("DROP INDEX items_name_idx")'))
        local r = project:ok("migrate")
        assert.same({ ITEMS, NONTX }, names(project:history()), helpers.describe_run(r))
        project:with_db(function(db)
          assert.truthy(db:indexes("items").name, "index on items(name)")
        end)
      end)

      it("writes no history row when it fails, and nothing after it runs", function()
        project:write(NONTX, nontx(CHECK_NO_ROW
          .. '\n  self.db:execute("CREATE INDEX items_name_idx ON items (name)")'
          .. '\n  self.db:execute("INSERT INTO nowhere (id) VALUES (1)")'))
        project:write(AFTER, helpers.create_table_migration("after"))
        local r = helpers.assert_status(1, project:run("migrate"))
        assert.truthy(r.stderr:find(NONTX, 1, true), helpers.describe_run(r))
        assert.truthy(r.stderr:find("INSERT INTO nowhere (id) VALUES (1)", 1, true),
                      helpers.describe_run(r))
        assert.same({ ITEMS }, names(project:history()))
        assert.is_false(project:has_table("after"))
      end)

      it("writes no history row when it fails with a Lua error", function()
        project:write(NONTX, nontx('  error("boom in a non-transactional migration")'))
        local r = helpers.assert_status(1, project:run("migrate"))
        assert.truthy(r.stderr:find("boom in a non-transactional migration", 1, true),
                      helpers.describe_run(r))
        assert.same({ ITEMS }, names(project:history()))
      end)

      it("runs again once fixed, as the next batch", function()
        project:write(NONTX, nontx('  self.db:execute("INSERT INTO nowhere (id) VALUES (1)")'))
        helpers.assert_status(1, project:run("migrate"))
        project:write(NONTX, nontx('  self.db:execute("CREATE INDEX items_name_idx ON items (name)")'))
        project:ok("migrate")
        local h = project:history()
        assert.same({ ITEMS, NONTX }, names(h))
        assert.same({ 1, 2 }, { h[1].batch, h[2].batch })
      end)
    end)

    describe("a transactional migration that fails half-way", function()
      local HALF = "2026_01_02_000000_half_way"

      -- DDL of every kind, data changes, then a failure
      local function half_way(failure)
        return helpers.migration {
          name = "HalfWay",
          up = [[
  self.schema:create("fresh", function(t)
    t:increments("id")
    t:string("code"):unique()
    t:integer("n"):default(0)
  end)
  self.db:insert("fresh", { code = "a" })
  self.schema:table("items", function(t)
    t:integer("weight"):nullable()
    t:index("name")
  end)
  self.db:execute("UPDATE items SET name = 'changed'")
  self.db:execute("DELETE FROM items WHERE id = 1")
  self.schema:rename("fresh", "renamed")
]] .. failure,
          down = "",
        }
      end

      local function sequences(db)
        if dialect.name ~= "postgres" then return 0 end
        return tonumber(db:scalar("SELECT COUNT(*) AS n FROM pg_class WHERE relkind = 'S'"))
      end

      local before, seqs

      before_each(function()
        project:ok("migrate")
        before = project:snapshot()
        seqs = project:with_db(sequences)
      end)

      -- MySQL: 7 statements applied and kept until rollback --partial, which
      -- undoes the schema statements; the UPDATE and DELETE of items stay
      local function undo_mysql(total)
        local st = project:ok("status")
        assert.matches(HALF .. " %.+ Partly applied %(7 of " .. total .. " statements%)", st.stdout)
        assert.are_not.equal(before, project:snapshot())
        local r = project:ok("rollback", "--partial")
        for _, kept in ipairs { "6: DELETE FROM items", "5: UPDATE items", "2: INSERT INTO `fresh`" } do
          assert.truthy(r.stdout:find(kept, 1, true), helpers.describe_run(r))
        end
        assert.matches("7: RENAME TABLE `fresh` TO `renamed` %.+ [%d.]+ms DONE", r.stdout)
        assert.matches("is pending again", r.stdout)
        return { "changed" }
      end

      local function assert_nothing_left(r, total)
        assert.truthy(r.stderr:find(HALF, 1, true), helpers.describe_run(r))
        local rows = { "kept 1", "kept 2" }
        if dialect.name == "mysql" then rows = undo_mysql(total) end
        assert.equals(before, project:snapshot())
        assert.same({ "items", "migrations" }, project:tables())
        project:with_db(function(db)
          assert.same(rows, (function()
            local t = {}
            for _, row in ipairs(db:query("SELECT name FROM items ORDER BY id")) do
              t[#t + 1] = row.name
            end
            return t
          end)())
          assert.equals(seqs, sequences(db))
        end)
      end

      it("on an SQL error leaves nothing: tables, columns, indexes, rows, history", function()
        project:write(HALF, half_way('  self.db:execute("INSERT INTO nowhere (id) VALUES (1)")'))
        assert_nothing_left(helpers.assert_status(1, project:run("migrate")), 8)
      end)

      it("on a Lua error leaves nothing either", function()
        project:write(HALF, half_way('  error("boom after the DDL")'))
        local r = helpers.assert_status(1, project:run("migrate"))
        assert.truthy(r.stderr:find("boom after the DDL", 1, true), helpers.describe_run(r))
        assert_nothing_left(r, "%?")
      end)

      it("on a constraint violation leaves nothing either", function()
        project:write(HALF, half_way('  self.db:insert("renamed", { code = "a" })'))
        assert_nothing_left(helpers.assert_status(1, project:run("migrate")), 8)
      end)

      it("then runs cleanly once the file is fixed", function()
        project:write(HALF, half_way('  self.db:execute("INSERT INTO nowhere (id) VALUES (1)")'))
        helpers.assert_status(1, project:run("migrate"))
        project:write(HALF, half_way(""))
        project:ok("migrate", dialect.name == "mysql" and "--resume" or nil)
        assert.same({ "items", "migrations", "renamed" }, project:tables())
        assert.same({ ITEMS, HALF }, names(project:history()))
      end)
    end)

    describe("self.db:transaction inside a migration", function()
      it("rolls back only its own work when it fails and the migration goes on", function()
        local INNER = "2026_01_02_000000_inner"
        project:write(INNER, helpers.migration {
          name = "Inner",
          up = [[
  self.db:execute("INSERT INTO items (name) VALUES ('outer')")
  local ok = pcall(function()
    self.db:transaction(function(db)
      db:execute("INSERT INTO items (name) VALUES ('inner')")
      db:execute("INSERT INTO nowhere (id) VALUES (1)")
    end)
  end)
  assert(not ok, "the inner transaction should fail")
  self.db:execute("INSERT INTO items (name) VALUES ('after')")]],
        })
        project:ok("migrate")
        project:with_db(function(db)
          local got = {}
          for _, row in ipairs(db:query("SELECT name FROM items ORDER BY id")) do got[#got + 1] = row.name end
          assert.same({ "kept 1", "kept 2", "outer", "after" }, got)
        end)
        assert.same({ ITEMS, INNER }, names(project:history()))
      end)
    end)
  end)
end
