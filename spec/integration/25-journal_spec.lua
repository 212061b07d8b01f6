-- The MySQL journal (lua/lmigrate/run/journal.lua, partial.lua, undo.lua):
-- MySQL commits each schema statement on its own, so lmigrate records each
-- statement of a migration in migrations_journal as it commits. A
-- migration failing at any statement leaves the journal and the schema
-- agreeing; status shows it partly applied; migrate refuses to go past
-- it; `migrate --resume` runs it on once the file is fixed (the applied
-- statements must be unchanged); `rollback --partial` undoes them with the
-- inverse of each builder operation and says what it cannot undo; a
-- kill -9 between two statements leaves the journal and the schema agreeing,
-- and so does one during a schema statement, which MySQL finishes without
-- its client (or not, when the statement is killed too): its row, written
-- "running" before it ran, is settled by the table's fingerprint.
local helpers = require("spec.helpers")
local servers = require("spec.support.servers")

local M1 = "2026_01_01_000001_five"
local PRE = "2026_01_01_000000_create_pre"

-- five statements: 1 CREATE (schema), 2 INSERT (data), 3 ALTER (schema),
-- 4 UPDATE (data), 5 CREATE (schema); the one at 'fail' fails instead
local STATEMENTS = {
  { '  self.schema:create("a", function(t) t:increments("id") t:string("name") end)',
    '  self.db:execute("ALTER TABLE nowhere ADD x INT")' },
  { '  self.db:insert("a", { { name = "one" }, { name = "two" } })',
    '  self.db:execute("INSERT INTO nowhere (x) VALUES (1)")' },
  { '  self.schema:table("a", function(t) t:integer("n"):nullable() end)',
    '  self.db:execute("ALTER TABLE nowhere ADD x INT")' },
  { '  self.db:execute("UPDATE a SET n = ?", 7)',
    '  self.db:execute("UPDATE nowhere SET x = 1")' },
  { '  self.schema:create("b", function(t) t:increments("id") end)',
    '  self.db:execute("CREATE TABLE b (id INT REFERENCES nowhere (id))")' },
}

local function five(fail)
  local up = {}
  for i, st in ipairs(STATEMENTS) do up[i] = st[i == fail and 2 or 1] end
  return helpers.migration {
    name = "Five",
    up = table.concat(up, "\n"),
    down = '  self.schema:drop_if_exists("b")\n  self.schema:drop("a")',
  }
end

-- a migration making tables a and b, its down dropping them
local function two_tables(name)
  return helpers.migration {
    name = name,
    up = '  self.schema:create("a", function(t) t:increments("id") end)\n'
      .. '  self.schema:create("b", function(t) t:increments("id") end)',
    down = '  self.schema:drop("b")\n  self.schema:drop("a")',
  }
end

local function status_json(project)
  local r = project:ok("status", "--json")
  return r.stdout
end

local function journal_rows(db)
  if not db:has_table("migrations") then return {} end
  local ok, rows = pcall(db.query, db, "SELECT position, state FROM migrations_journal ORDER BY id")
  return ok and rows or {}
end

-- the schema the first 'k' statements make: { tables, a's columns }
local function schema_of(project)
  return project:with_db(function(db)
    local cols = {}
    if db:has_table("a") then
      for _, c in ipairs(db:columns("a")) do cols[#cols + 1] = c.name end
    end
    return { tables = db:tables(), a = table.concat(cols, ","), journal = journal_rows(db) }
  end)
end

local function expected_after(applied)
  local tables = { "migrations" }
  if applied >= 1 then tables = { "a", "migrations" } end
  return tables, (applied >= 3 and "id,name,n") or (applied >= 1 and "id,name") or ""
end

local my = servers.need("mariadb", "the MySQL journal [#mysql]")

if my then
  describe("the MySQL journal [#mysql]", function()
    local dialect = helpers.dialects.mysql
    local project

    before_each(function()
      project = helpers.project(dialect)
    end)

    after_each(function()
      if project then project:cleanup() end
      project = nil
    end)

    for fail = 1, #STATEMENTS do
      describe("a migration failing at statement " .. fail .. " of 5", function()
        local r

        before_each(function()
          project:write(M1, five(fail))
          r = helpers.assert_status(1, project:run("migrate"))
        end)

        it("has the journal and the schema agree: statements 1-" .. (fail - 1) .. " applied", function()
          local s = schema_of(project)
          local tables, cols = expected_after(fail - 1)
          assert.same(tables, s.tables)
          assert.equals(cols, s.a)
          assert.same({}, project:history())
          local applied = 0
          for _, row in ipairs(s.journal) do
            if row.state == "applied" then applied = applied + 1 end
          end
          assert.equals(fail - 1, applied)
          if fail == 1 then
            assert.same({}, s.journal)   -- nothing applied: an ordinary failure
            assert.is_nil(r.stderr:find("were applied", 1, true), helpers.describe_run(r))
          else
            assert.truthy(r.stderr:find(("%d of 5 statements were applied"):format(fail - 1), 1, true),
                          helpers.describe_run(r))
            assert.truthy(r.stderr:find(("failed %d: "):format(fail), 1, true), helpers.describe_run(r))
            assert.truthy(r.stderr:find("migrate --resume", 1, true), helpers.describe_run(r))
          end
        end)

        it("status shows it partly applied", function()
          local json = status_json(project)
          if fail == 1 then
            assert.is_nil(json:find('"partial"', 1, true), json)
          else
            assert.truthy(json:find(('"partial":true,"applied_statements":%d,"statements":5,'
              .. '"failed_statement":%d'):format(fail - 1, fail), 1, true), json)
            local st = project:ok("status")
            assert.matches(M1 .. " %.+ Partly applied %(" .. (fail - 1) .. " of 5 statements%)", st.stdout)
          end
        end)

        it("migrate --resume finishes it once the file is fixed", function()
          project:write(M1, five(nil))
          if fail > 1 then
            local again = helpers.assert_status(1, project:run("migrate"))
            assert.matches("partly applied %(" .. (fail - 1) .. " of 5 statements, statement "
              .. fail .. " failed%)", again.stderr)
            assert.same(schema_of(project).tables, (expected_after(fail - 1)))
            project:ok("migrate", "--resume")
          else
            project:ok("migrate")
          end
          local s = schema_of(project)
          assert.same({ "a", "b", "migrations" }, s.tables)
          assert.equals("id,name,n", s.a)
          assert.same({}, s.journal)
          assert.same({ M1 }, (function()
            local t = {}
            for _, h in ipairs(project:history()) do t[#t + 1] = h.migration end
            return t
          end)())
          project:with_db(function(db)   -- each statement ran once
            assert.equals(2, db:count("a"))
            assert.equals(14, tonumber(db:scalar("SELECT SUM(n) AS s FROM a")))
          end)
        end)

        it("rollback --partial undoes it: pending again, the schema as before", function()
          if fail == 1 then
            helpers.assert_status(2, project:run("rollback", "--partial"))
            return
          end
          local u = project:ok("rollback", "--partial")
          assert.truthy(u.stdout:find("is pending again", 1, true), helpers.describe_run(u))
          local s = schema_of(project)
          assert.same({ "migrations" }, s.tables)
          assert.same({}, s.journal)
          assert.is_nil(status_json(project):find('"partial"', 1, true))
          project:write(M1, five(nil))
          project:ok("migrate")
          assert.same({ "a", "b", "migrations" }, schema_of(project).tables)
        end)
      end)
    end

    describe("migrate --resume", function()
      it("refuses when an applied statement changed in the file, and changes nothing", function()
        project:write(M1, five(3))
        helpers.assert_status(1, project:run("migrate"))
        local before = project:snapshot()
        project:write(M1, five(nil):gsub('t:string%("name"%)', 't:string("title")'))
        local r = helpers.assert_status(1, project:run("migrate", "--resume"))
        assert.matches("statement 1 of " .. M1 .. " was applied as `CREATE TABLE `a`", r.stderr)
        assert.matches("rollback %-%-partial", r.stderr)
        assert.equals(before, project:snapshot())
        assert.matches("2 of 5", project:ok("status").stdout)
      end)

      it("says when nothing is partly applied (exit 2)", function()
        project:write(M1, five(nil))
        local r = helpers.assert_status(2, project:run("migrate", "--resume"))
        assert.matches("no migration is partly applied", r.stderr)
      end)

      it("runs the migrations after it in the same batch", function()
        project:write(M1, five(4))
        project:write("2026_01_01_000002_after", helpers.create_table_migration("after_it"))
        helpers.assert_status(1, project:run("migrate"))
        project:write(M1, five(nil))
        local r = project:ok("migrate", "--resume")
        assert.matches("Resuming " .. M1 .. " after its 3 of 5 statements", r.stdout)
        local batches = {}
        for _, h in ipairs(project:history()) do batches[h.migration] = h.batch end
        assert.same({ [M1] = 1, ["2026_01_01_000002_after"] = 1 }, batches)
      end)
    end)

    it("rollback (and reset) refuse while a migration is partly applied", function()
      project:write(PRE, helpers.create_table_migration("pre"))
      project:ok("migrate")
      project:write(M1, five(3))
      helpers.assert_status(1, project:run("migrate"))
      for _, cmd in ipairs { "rollback", "reset", "refresh" } do
        local r = helpers.assert_status(1, project:run(cmd))
        assert.matches("partly applied", r.stderr)
      end
      assert.is_true(project:has_table("pre"))
      project:write(M1, five(nil))
      project:ok("fresh")   -- drops everything, the journal too
      assert.same({ "a", "b", "migrations", "pre" }, schema_of(project).tables)
      assert.same({}, schema_of(project).journal)
    end)

    describe("rollback --partial", function()
      -- every builder operation, on tables made before, then a failure
      local OPS = helpers.migration {
        name = "Ops",
        up = [[
  self.schema:create("fresh", function(t) t:increments("id") t:string("code") end)
  self.schema:table("pre", function(t)
    t:string("added"):nullable()
  end)
  self.schema:table("pre", function(t) t:index("name", "pre_name_idx") end)
  self.schema:table("pre", function(t) t:unique("added", "pre_added_uq") end)
  self.schema:table("pre", function(t) t:drop_column("gone") end)
  self.schema:table("pre", function(t) t:drop_index("pre_old_idx") end)
  self.schema:table("pre", function(t) t:drop_foreign({ "ref_id" }) end)
  self.schema:table("pre", function(t) t:rename_column("renamed", "renamed_to") end)
  self.schema:table("pre", function(t) t:string("changed", 20):nullable():change() end)
  self.schema:table("fresh", function(t)
    t:integer("pre_id"):unsigned():nullable()
    t:foreign("pre_id", "fresh_pre_fk"):references("id"):on("pre")
  end)
  self.schema:drop("doomed")
  self.schema:rename("moved", "moved_to")
  self.db:execute("ALTER TABLE pre COMMENT = 'a comment'")
  self.db:execute("INSERT INTO nowhere (x) VALUES (1)")]],
      }

      before_each(function()
        project:with_db(function(db)
          db:run("CREATE TABLE ref (id INT UNSIGNED PRIMARY KEY)")
          db:run([[CREATE TABLE pre (id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
            name VARCHAR(50), gone INT DEFAULT 3, old INT, renamed INT,
            changed VARCHAR(40) NOT NULL DEFAULT 'x',
            ref_id INT UNSIGNED, KEY pre_old_idx (old),
            CONSTRAINT pre_ref_id_foreign FOREIGN KEY (ref_id) REFERENCES ref (id))]])
          db:run("INSERT INTO pre (name, gone) VALUES ('kept', 5)")
          db:run("CREATE TABLE doomed (id INT PRIMARY KEY, v TEXT)")
          db:run("CREATE TABLE moved (id INT)")
        end)
      end)

      -- the snapshot without the history table, which the run made
      local function schema()
        local lines = {}
        for line in project:snapshot():gmatch("[^\n]+") do
          if not (line:match("^migrations ") or line:match("^%a+ migrations ")) then
            lines[#lines + 1] = line
          end
        end
        return table.concat(lines, "\n")
      end

      it("undoes each builder operation with its inverse: the schema as before", function()
        local before = schema()
        project:write(M1, OPS)
        local r = helpers.assert_status(1, project:run("migrate"))
        assert.truthy(r.stderr:find("14 of 15 statements were applied", 1, true), helpers.describe_run(r))
        local u = project:ok("rollback", "--partial")
        -- the table comment has no known inverse: kept, and said so
        assert.matches("14: ALTER TABLE pre COMMENT = 'a comment' %.+ KEPT", u.stdout)
        assert.matches("Could not undo statement 14 %(ALTER TABLE pre COMMENT = 'a comment'%): "
          .. "no known inverse", u.stdout)
        assert.matches("12: DROP TABLE `doomed` %.+ [%d.]+ms DONE", u.stdout)
        assert.matches("Statement 12 undone: created again empty: the rows are lost", u.stdout)
        assert.matches("Statement 5 undone: its values are lost", u.stdout)
        assert.equals(before, schema())
        project:with_db(function(db)
          assert.equals("kept", db:scalar("SELECT name FROM pre"))
          assert.equals(0, db:count("doomed"))  -- made again, empty
        end)
        assert.same({}, schema_of(project).journal)
      end)

      it("can be run again when an undo fails, and goes on from there", function()
        project:write(M1, OPS)
        helpers.assert_status(1, project:run("migrate"))
        -- something the undo of statement 13 (RENAME TABLE moved_to TO moved) trips on
        project:with_db(function(db) db:run("CREATE TABLE moved (id INT)") end)
        local r = helpers.assert_status(1, project:run("rollback", "--partial"))
        assert.matches("cannot undo statement 13 of " .. M1, r.stderr)
        assert.matches("13 of 15", project:ok("status").stdout)
        project:with_db(function(db) db:run("DROP TABLE moved") end)
        project:ok("rollback", "--partial")
        assert.is_nil(status_json(project):find('"partial"', 1, true))
      end)
    end)

    it("keeps the journal and the schema agreeing after a kill -9 between two statements", function()
      project:write(M1, helpers.migration {
        name = "Killed",
        up = [[
  self.schema:create("a", function(t) t:increments("id") end)
  self.db:execute("SELECT SLEEP(4)")   -- a read: not run by the plan
  self.schema:create("b", function(t) t:increments("id") end)]],
        down = '  self.schema:drop("b")\n  self.schema:drop("a")',
      })
      local env = dialect:env(project)
      local pidfile = project:path("pid")
      helpers.sh(("cd %s && (env -u LD_PRELOAD DATABASE_URL=%s %s migrate >%s 2>&1 & echo $! >%s)")
        :format(helpers.quote(project.dir), helpers.quote(env.DATABASE_URL), helpers.quote(helpers.bin),
                helpers.quote(project:path("out")), helpers.quote(pidfile)))
      local pid = assert(tonumber(helpers.read_file(pidfile)))
      -- wait for the first statement's journal row
      local rows = {}
      for _ = 1, 200 do
        rows = project:with_db(journal_rows)
        if #rows > 0 and rows[1].state == "applied" then break end
        helpers.core.wait({}, 0.05)
      end
      assert.equals(0, helpers.sh("kill -9 " .. pid))
      helpers.sh("while kill -0 " .. pid .. " 2>/dev/null; do sleep 0.05; done")
      assert.same({ { position = 1, state = "applied" } }, rows, helpers.read_file(project:path("out")))
      local s = schema_of(project)
      assert.same({ "a", "migrations" }, s.tables)
      assert.same({ { position = 1, state = "applied" } }, s.journal)
      assert.matches("Partly applied %(1 of 2 statements%)", project:ok("status").stdout)
      local again = helpers.assert_status(1, project:run("migrate"))
      assert.matches("1 of 2 statements, interrupted", again.stderr)
      -- the file without the wait: the applied statement is the same
      project:write(M1, helpers.migration {
        name = "Killed",
        up = [[
  self.schema:create("a", function(t) t:increments("id") end)
  self.schema:create("b", function(t) t:increments("id") end)]],
        down = '  self.schema:drop("b")\n  self.schema:drop("a")',
      })
      project:ok("migrate", "--resume")
      assert.same({ "a", "b", "migrations" }, schema_of(project).tables)
      assert.same({}, schema_of(project).journal)
    end)

    it("journals a down: one that fails part-way is shown, blocks migrate; rollback runs it on", function()
      local function three(fail)
        return helpers.migration {
          name = "ThreeDown",
          up = '  self.schema:create("a", function(t) t:increments("id") end)\n'
            .. '  self.schema:create("b", function(t) t:increments("id") end)\n'
            .. '  self.schema:create("c", function(t) t:increments("id") end)',
          down = '  self.schema:drop("c")\n'
            .. (fail and '  self.db:execute("DROP TABLE nowhere")\n' or '')
            .. '  self.schema:drop("b")\n  self.schema:drop("a")',
        }
      end
      project:write(M1, three(true))
      project:ok("migrate")
      local r = helpers.assert_status(1, project:run("rollback"))
      assert.truthy(r.stderr:find("1 of 4 statements of this down were applied", 1, true),
                    helpers.describe_run(r))
      assert.truthy(r.stderr:find("rollback --step 1", 1, true), helpers.describe_run(r))
      assert.same({ "a", "b", "migrations" }, schema_of(project).tables)
      assert.same({ M1 }, project:applied())
      assert.matches("Partly rolled back %(1 of 4 statements%)", project:ok("status").stdout)
      assert.matches("the down of " .. M1 .. " stopped part%-way %(1 of 4 statements of it applied,"
        .. " statement 2 failed%)", helpers.assert_status(1, project:run("migrate")).stderr)
      helpers.assert_status(1, project:run("rollback", "--partial"))
      -- a changed statement that was applied: refused, nothing runs
      project:write(M1, helpers.migration { name = "ThreeDown", up = "", down = '  self.schema:drop("a")' })
      assert.matches("statement 1 of " .. M1 .. " was applied as",
        helpers.assert_status(1, project:run("rollback")).stderr)
      assert.same({ "a", "b", "migrations" }, schema_of(project).tables)
      project:write(M1, three(false))
      assert.matches("Rolling back " .. M1 .. " on after its 1 of 4 statements",
        project:ok("rollback").stdout)
      assert.same({ "migrations" }, schema_of(project).tables)
      assert.same({}, project:applied())
      assert.same({}, schema_of(project).journal)
    end)

    -- a down's DROP TABLE is journaled without its SHOW CREATE TABLE: its
    -- row's fingerprint is "+" (the table was there), written by the server
    -- as the row goes in; a kill in the DROP is settled by whether it is gone
    describe("a down's DROP TABLE killed in its run", function()
      local TWO = two_tables("TwoDown")

      -- what the run wrote before its DROP TABLE `b`, from a connection that has ended
      local function killed_in_drop(dropped)
        project:write(M1, TWO)
        project:ok("migrate")
        local db = project:connect()
        local sql = "DROP TABLE `b`"
        db:run("INSERT INTO migrations_journal (migration, position, total, state, statement, checksum,"
          .. " `connection`, `down`, fingerprint) VALUES (?, 1, 2, 'running', ?, ?, 2147483000, 1, '+')",
          M1, sql, helpers.core.checksum(sql))
        if dropped then db:run(sql) end
        db:close()
      end

      it("writes each row with '+' as it goes in, and no inverse", function()
        project:write(M1, TWO)
        project:ok("migrate")
        project:with_db(function(db)   -- a trigger keeps what each row was as it went in
          db:run("CREATE TABLE spy (position INT, inverse TEXT, fingerprint TEXT)")
          db:run("CREATE TRIGGER spy_rows AFTER INSERT ON migrations_journal FOR EACH ROW"
            .. " INSERT INTO spy VALUES (NEW.position, NEW.inverse, NEW.fingerprint)")
        end)
        project:ok("rollback")
        local rows = project:with_db(function(db)
          return db:query("SELECT position, inverse, fingerprint FROM spy ORDER BY position")
        end)
        assert.equals(2, #rows)
        for i, r in ipairs(rows) do
          assert.same({ i, helpers.core.null, "+" }, { tonumber(r.position), r.inverse, r.fingerprint })
        end
        assert.same({ "migrations", "spy" }, schema_of(project).tables)
        assert.same({}, schema_of(project).journal)
      end)

      it("applied when the table is gone", function()
        killed_in_drop(true)
        assert.matches("Partly rolled back %(1 of 2 statements%)", project:ok("status").stdout)
        assert.same({ { position = 1, state = "applied" } }, schema_of(project).journal)
        assert.matches("Rolling back " .. M1 .. " on after its 1 of 2 statements",
                       project:ok("rollback").stdout)
        assert.same({ "migrations" }, schema_of(project).tables)
        assert.same({}, schema_of(project).journal)
      end)

      it("not applied when the table is there: its row gone", function()
        killed_in_drop(false)
        assert.is_nil(project:ok("status").stdout:find("Partly", 1, true))
        assert.same({}, schema_of(project).journal)
        project:ok("rollback")
        assert.same({ "migrations" }, schema_of(project).tables)
      end)
    end)

    -- a run's start reads lmigrate's own tables without asking
    -- information_schema first whether they are there: the SELECT's
    -- ER_NO_SUCH_TABLE says so (run/repository.lua, try_read)
    it("reads the history, the journal and the backfills at a run's start without information_schema",
      function()
      local function said(r) return r.stdout .. r.stderr end
      project:write(M1, two_tables("TwoRead"))
      project:ok("migrate", "-v")   -- none of lmigrate's tables there yet
      assert.same({ "a", "b", "migrations" }, schema_of(project).tables)
      for _, cmd in ipairs { "migrate", "status" } do
        local out = said(project:ok(cmd, "-v"))
        assert.is_nil(out:find("information_schema", 1, true), out)
        assert.truthy(out:find("FROM `migrations` ORDER BY id", 1, true), out)
        assert.truthy(out:find("FROM `migrations_journal` ORDER BY", 1, true), out)
      end
      assert.matches(M1 .. " %.+ %[1%] Ran", project:ok("status").stdout)
      -- a history without its journal (the script of `lmigrate sql` applied by hand)
      project:with_db(function(db) db:run("DROP TABLE migrations_journal") end)
      assert.matches(M1 .. " %.+ %[1%] Ran", project:ok("status").stdout)
      project:ok("rollback")
      assert.same({ "migrations" }, schema_of(project).tables)
      assert.same({}, project:history())
    end)

    -- a step's rows stay once it has committed (stale: an up's of a
    -- migration in the history, a down's of one not there) and go in one
    -- DELETE at the end of the run; what a kill left before it is left out
    -- by status and deleted by the next migrate or rollback
    describe("the rows of a step that committed", function()
      local TWO = two_tables("TwoStale")

      -- a row as a step writes it, of a connection that has ended
      local function row(db, down, state, sql)
        db:run("INSERT INTO migrations_journal (migration, position, total, state, statement, checksum,"
          .. " `connection`, `down`, fingerprint) VALUES (?, 1, 2, ?, ?, ?, 2147483000, ?, '-')",
          M1, state, sql, helpers.core.checksum(sql), down)
      end

      it("are left out by status and swept by the next rollback (an up's)", function()
        project:write(M1, TWO)
        project:ok("migrate")
        assert.same({}, schema_of(project).journal)
        project:with_db(function(db) row(db, 0, "running", "CREATE TABLE `b` (`id` INT)") end)
        assert.is_nil(project:ok("status").stdout:find("Partly", 1, true))
        assert.same({ { position = 1, state = "running" } }, schema_of(project).journal)
        project:ok("rollback")
        assert.same({ "migrations" }, schema_of(project).tables)
        assert.same({}, schema_of(project).journal)
      end)

      it("are left out by status and swept by the next migrate (a down's)", function()
        project:write(M1, TWO)
        project:ok("migrate")
        project:ok("rollback")
        project:with_db(function(db) row(db, 1, "applied", "DROP TABLE `b`") end)
        assert.is_nil(project:ok("status").stdout:find("Partly", 1, true))
        project:ok("migrate")
        assert.same({ "a", "b", "migrations" }, schema_of(project).tables)
        assert.same({}, schema_of(project).journal)
      end)

      it("a journal without the column down gets it; its rows of a migration in the history are a down's",
        function()
        project:write(M1, TWO)
        project:ok("migrate")
        project:with_db(function(db)
          db:run("ALTER TABLE migrations_journal DROP COLUMN `down`")
          db:run("DROP TABLE `b`")
          db:run("INSERT INTO migrations_journal (migration, position, total, state, statement, checksum)"
            .. " VALUES (?, 1, 2, 'applied', 'DROP TABLE `b`', ?)", M1,
            helpers.core.checksum("DROP TABLE `b`"))
        end)
        assert.matches("Partly rolled back %(1 of 2 statements%)", project:ok("status").stdout)
        project:ok("rollback")
        assert.same({ "migrations" }, schema_of(project).tables)
        assert.same({}, schema_of(project).journal)
      end)
    end)

    it("refuses to record data statements whose transaction the migration committed itself", function()
      project:write(M1, helpers.migration {
        name = "OwnCommit",
        up = [[
  self.schema:create("a", function(t) t:increments("id") end)
  self.db:insert("a", { { id = 1 } })
  self.db.conn:exec("COMMIT")
  self.db:execute("SELECT 1")]],
        down = '  self.schema:drop("a")',
      })
      local r = helpers.assert_status(1, project:run("migrate"))
      assert.matches("up ended the transaction lmigrate ran its data statements in", r.stderr)
      assert.truthy(r.stderr:find("committed or rolled back by the migration itself 2: INSERT", 1, true),
                    helpers.describe_run(r))
      assert.same({}, project:history())
      assert.same({ { position = 1, state = "applied" } }, schema_of(project).journal)
      project:ok("rollback", "--partial")
      assert.same({ "migrations" }, schema_of(project).tables)
    end)

    -- statement 2 of 3 is a schema statement that takes 4 s; the run is
    -- killed while the server runs it, then (abort) the statement is killed
    -- too -> the journal after the server is done
    local function killed_in_statement(abort)
      project:write(M1, helpers.migration {
        name = "InStatement",
        up = [[
  self.schema:create("a", function(t) t:increments("id") end)
  self.db:execute("CREATE TABLE b AS SELECT SLEEP(4) AS x")
  self.schema:create("c", function(t) t:increments("id") end)]],
        down = '  self.schema:drop("c")\n  self.schema:drop("b")\n  self.schema:drop("a")',
      })
      local env = dialect:env(project)
      local pidfile = project:path("pid")
      helpers.sh(("cd %s && (env -u LD_PRELOAD DATABASE_URL=%s %s migrate >%s 2>&1 & echo $! >%s)")
        :format(helpers.quote(project.dir), helpers.quote(env.DATABASE_URL), helpers.quote(helpers.bin),
                helpers.quote(project:path("out")), helpers.quote(pidfile)))
      local pid = assert(tonumber(helpers.read_file(pidfile)))
      local db = project:connect()
      local conn
      for _ = 1, 200 do   -- statement 2 runs: its row is in, "running"
        local ok, row = pcall(db.first, db, "SELECT state, connection AS c FROM migrations_journal"
          .. " WHERE position = 2")
        if ok and row then
          conn = row.c
          break
        end
        helpers.core.wait({}, 0.05)
      end
      assert.equals(0, helpers.sh("kill -9 " .. pid))
      helpers.sh("while kill -0 " .. pid .. " 2>/dev/null; do sleep 0.05; done")
      assert.is_not_nil(conn, helpers.read_file(project:path("out")))
      -- while the server still runs it, it is not counted as applied
      assert.matches("Partly applied %(1 of 3 statements%)", project:ok("status").stdout)
      if abort then db:run("KILL QUERY " .. math.tointeger(conn)) end
      dialect:quiesce(db)
      db:close()
    end

    it("settles a statement MySQL finished after its run was killed: applied", function()
      killed_in_statement(false)
      assert.same({ "a", "b", "migrations" }, schema_of(project).tables)
      assert.matches("Partly applied %(2 of 3 statements%)", project:ok("status").stdout)
      assert.same({ { position = 1, state = "applied" }, { position = 2, state = "applied" } },
                  schema_of(project).journal)
      project:ok("migrate", "--resume")
      assert.same({ "a", "b", "c", "migrations" }, schema_of(project).tables)
      assert.same({}, schema_of(project).journal)
    end)

    it("settles a statement killed with its run: not applied, its row gone", function()
      killed_in_statement(true)
      assert.same({ "a", "migrations" }, schema_of(project).tables)
      assert.matches("Partly applied %(1 of 3 statements%)", project:ok("status").stdout)
      assert.same({ { position = 1, state = "applied" } }, schema_of(project).journal)
      project:ok("rollback", "--partial")
      assert.same({ "migrations" }, schema_of(project).tables)
      assert.same({}, schema_of(project).journal)
    end)
  end)
end
