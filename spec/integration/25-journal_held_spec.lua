-- The MySQL journal's held rows (lua/lmigrate/run/journal.lua, db/init.lua's
-- db:hold and db:ahead_with): a step's history row (a down's removal of it)
-- and a statement's "applied" mark are not sent on their own: they go with
-- the next statement, and when that is the next journal row they commit
-- with it in one transaction. So a kill -9 between two migrations leaves
-- the first as a kill after its last statement would: every statement
-- applied, no history row; status shows it partly applied (N of N),
-- migrate refuses to go past it, and `migrate --resume` records it without
-- running anything again (a down: `rollback --step 1` removes its row). A
-- held row that fails is named in the error, and the statement it went
-- with did not run.
local helpers = require("spec.helpers")
local servers = require("spec.support.servers")

local M1 = "2026_01_01_000001_first"
local M2 = "2026_01_01_000002_second"

-- a migration of one table, its down dropping it; 'wait' (a file name):
-- its 'where' ("up" or "down") first writes the file, then spins in Lua
-- for 10 seconds, sending nothing, unless the file was there already
local function one_table(name, tbl, wait, where)
  local spin = ""
  if wait then
    spin = ([[
  local f = io.open(%q)
  if f then f:close() else
    io.open(%q, "w"):close()
    local t = os.time() + 10
    while os.time() < t do end
  end
]]):format(wait, wait)
  end
  return helpers.migration {
    name = name,
    up = (where == "up" and spin or "")
      .. ('  self.schema:create(%q, function(t) t:increments("id") end)'):format(tbl),
    down = (where == "down" and spin or "") .. ("  self.schema:drop(%q)"):format(tbl),
  }
end

local function history(db)
  local names = {}
  for _, r in ipairs(db:query("SELECT migration FROM migrations ORDER BY id")) do
    names[#names + 1] = r.migration
  end
  return names
end

local my = servers.need("mariadb", "the MySQL journal's held rows [#mysql]")

if my then
  describe("the MySQL journal's held rows [#mysql]", function()
    local dialect = helpers.dialects.mysql
    local project

    before_each(function()
      project = helpers.project(dialect)
    end)

    after_each(function()
      if project then project:cleanup() end
      project = nil
    end)

    -- runs `lmigrate <cmd>` in the background until 'marker' exists (the
    -- second step spinning in its plan, the first's row held), then kills it
    local function killed_at(cmd, marker)
      local env = dialect:env(project)
      local pidfile = project:path("pid")
      helpers.sh(("cd %s && (env -u LD_PRELOAD DATABASE_URL=%s %s %s >%s 2>&1 & echo $! >%s)")
        :format(helpers.quote(project.dir), helpers.quote(env.DATABASE_URL), helpers.quote(helpers.bin),
                cmd, helpers.quote(project:path("out")), helpers.quote(pidfile)))
      local pid = assert(tonumber(helpers.read_file(pidfile)))
      for _ = 1, 400 do
        if helpers.read_file(marker) then break end
        helpers.core.wait({}, 0.05)
      end
      assert.equals(0, helpers.sh("kill -9 " .. pid))
      helpers.sh("while kill -0 " .. pid .. " 2>/dev/null; do sleep 0.05; done")
      assert.is_not_nil(helpers.read_file(marker), helpers.read_file(project:path("out")))
      return helpers.read_file(project:path("out"))
    end

    it("a kill -9 between two migrations: the first shown partly applied, --resume records it", function()
      local marker = project:path("up-spun")
      project:write(M1, one_table("First", "a"))
      project:write(M2, one_table("Second", "b", marker, "up"))
      killed_at("migrate", marker)
      project:with_db(function(db)
        assert.same({}, history(db))
        assert.is_true(db:has_table("a"))
        assert.is_false(db:has_table("b"))
      end)
      assert.matches(M1 .. "[ .]+Partly applied %(1 of 1 statements%)", project:ok("status").stdout)
      local json = project:ok("status", "--json").stdout
      assert.matches('"applied_statements":%s*1', json)
      local again = helpers.assert_status(1, project:run("migrate"))
      assert.matches(M1 .. " is partly applied", again.stderr, 1, true)
      project:ok("migrate", "--resume")
      project:with_db(function(db)
        assert.same({ M1, M2 }, history(db))
        assert.is_true(db:has_table("b"))
        assert.equals(0, tonumber(db:first("SELECT COUNT(*) AS n FROM migrations_journal").n))
      end)
    end)

    it("sends the history row at once after a statement the fingerprint cannot settle", function()
      local marker = project:path("up-spun")
      project:write(M1, helpers.migration {
        name = "First",
        up = '  self.schema:create("a", function(t) t:increments("id") end)\n'
          .. '  self.db:execute("INSERT INTO a (id) VALUES (1)")',
        down = '  self.schema:drop("a")',
        extra = "M.transaction = false",
      })
      project:write(M2, one_table("Second", "b", marker, "up"))
      killed_at("migrate", marker)
      project:with_db(function(db) assert.same({ M1 }, history(db)) end)
      assert.is_nil(project:ok("status").stdout:find("Partly", 1, true))
    end)

    it("a kill -9 between two downs: the first shown part-way, rollback --step 1 finishes it", function()
      local marker = project:path("down-spun")
      project:write(M1, one_table("First", "a", marker, "down"))
      project:write(M2, one_table("Second", "b"))
      project:ok("migrate")
      killed_at("rollback", marker)
      project:with_db(function(db)
        assert.same({ M1, M2 }, history(db))
        assert.is_false(db:has_table("b"))
      end)
      assert.matches(M2 .. "[ .]+%[1%][ .]*Partly rolled back %(1 of 1 statements%)",
                     project:ok("status").stdout)
      helpers.assert_status(1, project:run("migrate"))
      project:ok("rollback", "--step", "1")
      project:with_db(function(db)
        assert.same({ M1 }, history(db))
        assert.is_true(db:has_table("a"))
      end)
    end)

    it("names a held history row that fails; the statement it went with did not run", function()
      project:write(M1, one_table("First", "a"))
      project:write(M2, one_table("Second", "b"))
      project:ok("migrate")
      project:ok("rollback")
      project:with_db(function(db)
        db:run(("CREATE TRIGGER refuse_first BEFORE INSERT ON migrations FOR EACH ROW BEGIN"
          .. " IF NEW.migration = '%s' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused by the"
          .. " trigger'; END IF; END"):format(M1))
      end)
      local r = helpers.assert_status(1, project:run("migrate"))
      assert.matches("the history row insert of " .. M1 .. " did not go in: refused by the trigger",
                     r.stderr, 1, true)
      project:with_db(function(db)
        assert.same({}, history(db))
        assert.is_true(db:has_table("a"))
        assert.is_false(db:has_table("b"))
        -- no transaction left open: the second's journal row went back with it
        local rows = db:query("SELECT migration, state FROM migrations_journal ORDER BY id")
        assert.equals(1, #rows)
        assert.equals(M1, rows[1].migration)
        db:run("DROP TRIGGER refuse_first")
      end)
      assert.matches("Partly applied %(1 of 1 statements%)", project:ok("status").stdout)
      project:ok("migrate", "--resume")
      project:with_db(function(db) assert.same({ M1, M2 }, history(db)) end)
    end)
  end)
end
