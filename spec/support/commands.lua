-- spec/support/commands.lua: what the command specs (12-, 13-, 15-, 16-)
-- share. Every up and down of step() appends to a 'log' table that no
-- migration owns, so the order in which they ran can be read back.
local P = require("spec.support.project")
local shell = require("spec.support.shell")

local S = {}

S.A, S.B = "2026_01_01_000001_step_a", "2026_01_01_000002_step_b"
S.C, S.D = "2026_01_01_000003_step_c", "2026_01_01_000004_step_d"
S.USERS = "2026_01_01_000000_create_users"

-- appends to the log while there is one (fresh drops it)
local LOG_FN = [[
local function log(self, what)
  if self.schema:has_table("log") then
    self.db:execute("INSERT INTO log (what) VALUES (?)", what)
  end
end]]

-- a migration that logs "up x" / "down x" and creates / drops t_x;
-- opts: up_tail (code after the create), down (replaces the down), extra
function S.step(letter, opts)
  opts = opts or {}
  return P.migration {
    name = "Step" .. letter:upper(),
    header = LOG_FN,
    up = ([[
  log(self, "up %s")
  self.schema:create("t_%s", function(t)
    t:increments("id")
    t:string("name"):nullable()
  end)
%s]]):format(letter, letter, opts.up_tail or ""),
    down = opts.down or ([[
  log(self, "down %s")
  self.schema:drop("t_%s")]]):format(letter, letter),
    extra = opts.extra,
  }
end

-- an up tail that fails on the database
S.FAIL_SQL = '  self.db:execute("INSERT INTO nowhere (x) VALUES (1)")'

S.USERS_MIGRATION = P.migration {
  name = "CreateUsers",
  up = [[
  self.schema:create("users", function(t)
    t:increments("id")
    t:string("name")
    t:string("email"):unique()
  end)]],
  down = '  self.schema:drop("users")',
}

-- the seeder of the contract
S.SEEDER = [[
local Seeder = require("lmigrate.seeder")
local DatabaseSeeder = Seeder:extend("DatabaseSeeder")
function DatabaseSeeder:run()
  self.db:insert("users", {
    { name = "Ada", email = "ada@example.com" },
    { name = "Grace", email = "grace@example.com" },
  })
end
return DatabaseSeeder
]]

-- writes databases/seeds/database_seeder.lua (S.SEEDER unless 'source')
function S.write_seeder(project, source)
  assert(shell.sh("mkdir -p " .. shell.quote(project:path("databases/seeds"))) == 0)
  shell.write_file(project:path("databases/seeds/database_seeder.lua"), source or S.SEEDER)
end

function S.count(project, tbl)
  return project:with_db(function(db) return db:count(tbl) end)
end

-- the log table, created outside the migrations
function S.create_log(project)
  project:with_db(function(db)
    if db.dialect.name == "postgres" then
      db:run("CREATE TABLE log (id SERIAL PRIMARY KEY, what VARCHAR(50) NOT NULL)")
    elseif db.dialect.name == "mysql" then
      db:run("CREATE TABLE log (id INTEGER PRIMARY KEY AUTO_INCREMENT, what VARCHAR(50) NOT NULL)")
    else
      db:run("CREATE TABLE log (id INTEGER PRIMARY KEY AUTOINCREMENT, what VARCHAR(50) NOT NULL)")
    end
  end)
end

function S.log_of(project)
  return project:with_db(function(db)
    local t = {}
    for _, r in ipairs(db:query("SELECT what FROM log ORDER BY id")) do t[#t + 1] = r.what end
    return t
  end)
end

-- { [migration] = batch }
function S.batches(project)
  local t = {}
  for _, h in ipairs(project:history()) do t[h.migration] = h.batch end
  return t
end

-- the migration names of the history, by id
function S.names(project)
  local t = {}
  for _, h in ipairs(project:history()) do t[#t + 1] = h.migration end
  return t
end

-- asserts that the plain texts 'needles' appear in 'out' in this order
function S.assert_order(out, needles)
  local from = 1
  for _, needle in ipairs(needles) do
    local i, j = out:find(needle, from, true)
    assert(i, ("%q not in the output (in this order):\n%s"):format(needle, out))
    from = j + 1
  end
end

-- batch 1: a; batch 2: b, c; batch 3: d (the log must exist)
function S.three_batches(project)
  project:write(S.A, S.step("a"))
  project:ok("migrate")
  project:write(S.B, S.step("b"))
  project:write(S.C, S.step("c"))
  project:ok("migrate")
  project:write(S.D, S.step("d"))
  project:ok("migrate")
  local b = S.batches(project)
  assert(b[S.A] == 1 and b[S.B] == 2 and b[S.C] == 2 and b[S.D] == 3, "three_batches failed")
end

return S
