-- tests/crash/cases.lua: the bad-input corpus, data only (corpus.lua runs
-- it): every defect of issue #13 that is bad input, and the bad-input
-- cases of spec/integration/04-bad_input_spec.lua. Each case:
--
--   what     what it is (the issue's defect number first, where it has one)
--   files    { [migration name] = source }, written into the migrations folder
--   make     a shell command run in the migrations folder (%s: a case file's path)
--   config   the text of lmigrate.lua
--   args     the command line (default { "migrate" })
--   env      variables added to the dialect's
--   setup    fn(db) run on the database first (before the snapshot)
--   hold     "lock": another process holds the migration lock meanwhile
--   only     the one dialect it runs on
--   partial  (MySQL) it leaves its migration partly applied: the schema
--            statements before the failure committed, journaled
--   mysql    { field = value } over the case's own on MySQL, where a
--            migration runs statement by statement, not in a transaction
--   status   the exit status
--   words    plain strings the output (stderr, then stdout) must hold
--   absent   plain strings it must not hold
--
-- After each run the database must be exactly as before (corpus.lua): on
-- MySQL after `rollback --partial` when the case is partial.
local helpers = require("spec.helpers")

local CASE = "2026_01_02_000000_case"
local LATER = "2026_01_02_000001_later"
local SECRET = "Zq7-corpus-Pw"

local function up(body)
  return helpers.migration { up = body, down = "" }
end

local function create_with(line)
  return up('  self.schema:create("bad", function(t)\n' .. line .. "\n  end)")
end

local M = { CASE = CASE }

M.list = {
  -- issue #13
  { what = "2: COMMIT in up", files = { [CASE] = up('  self.db:execute("COMMIT")') },
    status = 1, words = { "COMMIT is transaction control", CASE .. ".lua:5" } },
  { what = "2: ROLLBACK among other statements", files = { [CASE] = up(
      '  self.schema:create("bad", function(t) t:increments("id") end)\n'
      .. '  self.db:execute("INSERT INTO bad DEFAULT VALUES; ROLLBACK")') },
    status = 1, words = { "ROLLBACK is transaction control", CASE .. ".lua:6" } },
  { what = "2: a COMMIT through the raw connection", files = { [CASE] = up(
      '  self.db.conn:exec("COMMIT")\n  self.db:execute("SELECT 1")') },
    status = 1, words = { "up ended the transaction lmigrate ran it in" },
    -- MySQL: no transaction is open around a migration; the one around its
    -- data statements is, and its COMMIT would leave them out of the journal
    mysql = { files = { [CASE] = up(
      '  self.schema:create("bad", function(t) t:increments("id") end)\n'
      .. '  self.db:insert("bad", { { id = 1 } })\n  self.db.conn:exec("COMMIT")\n'
      .. '  self.db:execute("SELECT 1")') },
      partial = true, words = { "up ended the transaction lmigrate ran its data statements in" } } },
  { what = "3: os.exit in up", files = { [CASE] = up("  os.exit(0)") },
    status = 1, words = { "os.exit()", CASE .. ".lua:5" } },
  { what = "3: os.exit with --atomic", files = { [CASE] = up("  os.exit(0)") },
    args = { "migrate", "--atomic" }, status = 1, words = { "os.exit()" }, absent = { "DONE" },
    mysql = { status = 2, words = { "--atomic is not possible on MySQL" } } },
  { what = "4: --batch past math.maxinteger", args = { "rollback", "--batch", "99999999999999999999" },
    status = 2, words = { "--batch", "99999999999999999999" } },
  { what = "4: --step past math.maxinteger", args = { "rollback", "--step", "9223372036854775808" },
    status = 2, words = { "--step" } },
  { what = "5: lmigrate.lua is a directory", make = "mkdir ../../lmigrate.lua", status = 2,
    words = { "cannot read lmigrate.lua" }, cleanup = "rmdir ../../lmigrate.lua" },
  { what = "7: a stray coroutine.yield", files = { [CASE] = up('  coroutine.yield("x", 1)') },
    status = 1, words = { "coroutine.yield(string, number)", CASE .. ".lua:5" } },
  { what = "8: a password with '/' in --database",
    args = { "status", "--database", "postgres://u:" .. SECRET .. "/x@127.0.0.1:1/db" },
    status = 2, words = { "%2F" }, absent = { SECRET } },
  { what = "8: a password with '@' in --database",
    args = { "status", "--database", "postgres://u:" .. SECRET .. "@x@127.0.0.1:1/db" },
    status = 2, words = { "%40" }, absent = { SECRET } },
  { what = "8: a refused connection with a password",
    args = { "migrate", "--database", "postgres://u:" .. SECRET .. "@127.0.0.1:1/db" },
    status = 3, words = { "Connection refused", "postgres://u@127.0.0.1:1/db" }, absent = { SECRET } },
  { what = "8: a URL libpq quotes",
    args = { "migrate", "--database", "postgres://u:" .. SECRET .. "@[::1/db" },
    status = 3, words = { "IPv6" }, absent = { SECRET } },
  { what = "9: a batch of -1 in the history",
    setup = function(db) db:run("UPDATE migrations SET batch = -1") end,
    teardown = function(db) db:run("UPDATE migrations SET batch = 1") end,
    files = { [CASE] = up("") }, status = 1, words = { "damaged row", "id 1", "'-1'" } },
  { what = "9: a batch of 2147483647 in the history",
    setup = function(db) db:run("UPDATE migrations SET batch = 2147483647") end,
    teardown = function(db) db:run("UPDATE migrations SET batch = 1") end,
    files = { [CASE] = up("") }, status = 1, words = { "2147483647", "new batch" } },
  { what = "9: a batch of 'abc' in the history", only = "sqlite",
    setup = function(db) db:run("UPDATE migrations SET batch = 'abc'") end,
    teardown = function(db) db:run("UPDATE migrations SET batch = 1") end,
    args = { "rollback" }, status = 1, words = { "damaged row", "'abc'" } },
  { what = "10: a directory named *.lua", make = "mkdir %s", status = 1, words = { "is a directory" } },
  { what = "10: a FIFO named *.lua", make = "mkfifo %s", status = 1, words = { "is a fifo" } },
  { what = "10: a link to /dev/zero", make = "ln -s /dev/zero %s", status = 1,
    words = { "is a character device" } },
  { what = "10: a dangling link", make = "ln -s /nonexistent %s", status = 1,
    words = { "is a link to nothing" } },
  { what = "10: error({})", files = { [CASE] = up("  error({})") }, status = 1,
    words = { "an error object (a table) with no message" }, absent = { "table: 0x" } },
  { what = "10: an error whose __tostring raises",
    files = { [CASE] = up("  error(setmetatable({}, { __tostring = function() error('boom') end }))") },
    status = 1, words = { "whose __tostring fails" } },
  { what = "10: migrations.path = {}", config = "return { migrations = { path = {} } }", status = 2,
    words = { "migrations.path must be a folder" } },
  { what = "10: a yield in lmigrate.lua", config = "coroutine.yield(1)\nreturn {}", status = 2,
    words = { "lmigrate.lua", "yield" } },
  { what = "11: a file name with a newline and SQL",
    files = { ["2026_01_02_000000_x\nDROP TABLE users; --"] = up("") }, status = 1,
    words = { "may hold only letters" }, absent = { "\nDROP TABLE" } },
  { what = "11: a file name with a terminal escape", files = { ["2026_01_02_000000_\27[31mred"] = up("") },
    args = { "migrate", "--pretend" }, status = 1, words = { "\\x1b[31m" }, absent = { "\27" } },
  { what = "12: a lock held past --lock-timeout", hold = "lock", files = { [CASE] = up("") },
    args = { "migrate", "--lock-timeout", "1s" }, status = 3, words = { "gave up waiting for the lock" } },
  { what = "12: --lock-timeout that is no duration", args = { "migrate", "--lock-timeout", "soon" },
    status = 2, words = { "--lock-timeout" } },
  -- spec/integration/04-bad_input_spec.lua
  { what = "a Lua syntax error", files = { [CASE] = up("  local x = = 1"), [LATER] = up("") },
    status = 1, words = { CASE .. ".lua:5" } },
  { what = "a file that returns nothing", files = { [CASE] = "local x = 1\n" }, status = 1,
    words = { CASE } },
  { what = "a file that returns a number", files = { [CASE] = "return 42\n" }, status = 1, words = { CASE } },
  { what = "a migration without up", files = { [CASE] = "return { down = function() end }\n" }, status = 1,
    words = { "up" } },
  { what = "a file that raises while loading", files = { [CASE] = "local x = nil\nreturn x.field\n" },
    status = 1, words = { "attempt to index", CASE .. ".lua:2" } },
  { what = "an unknown blueprint method", files = { [CASE] = create_with('    t:strnig("x")') }, status = 1,
    words = { "strnig", CASE .. ".lua:6" } },
  { what = "a wrong argument type", files = { [CASE] = create_with('    t:string(42, "x")') }, status = 1,
    words = { "bad argument" } },
  { what = "a negative length", files = { [CASE] = create_with('    t:string("x", -1)') }, status = 1,
    words = { CASE } },
  { what = "a foreign key without references", files = { [CASE] = create_with(
      '    t:integer("base_id")\n    t:foreign("base_id")') }, status = 1, words = { CASE } },
  { what = "a table that already exists", files = { [CASE] = up(
      '  self.schema:create("base", function(t) t:increments("id") end)') }, status = 1,
    words = { "already exists", "CREATE TABLE" } },
  { what = "an SQL error after a change", files = { [CASE] = up(
      '  self.schema:create("bad", function(t) t:increments("id") end)\n'
      .. '  self.db:execute("INSERT INTO nowhere DEFAULT VALUES")') }, status = 1, words = { "nowhere" },
    mysql = { partial = true, words = { "nowhere", "1 of 2 statements were applied" } } },
  { what = "an unknown command", args = { "frobnicate" }, status = 2, words = { "frobnicate" } },
  { what = "an unknown option", args = { "migrate", "--frobnicate" }, status = 2, words = { "frobnicate" } },
  { what = "an option without its value", args = { "migrate", "--database" }, status = 2,
    words = { "--database" } },
  { what = "a malformed URL", args = { "migrate", "--database", "foo://x" }, status = 2,
    words = { "foo://x" } },
  { what = "an empty sqlite: path", args = { "migrate", "--database", "sqlite:" }, status = 2,
    words = { "no path" } },
  { what = "a malformed DATABASE_URL", env = { DATABASE_URL = "foo://x" }, status = 2,
    words = { "foo://x" } },
  { what = "a path in a missing folder", args = { "migrate", "--database", "sqlite:/nonexistent/dir/x.db" },
    status = 3, words = { "/nonexistent/dir/x.db" } },
  { what = "rollback of a migration whose file is gone",
    setup = function(db)
      db:run("INSERT INTO migrations (migration, batch) VALUES ('2026_01_03_gone', 2)")
    end,
    teardown = function(db) db:run("DELETE FROM migrations WHERE migration = '2026_01_03_gone'") end,
    args = { "rollback" }, status = 1, words = { "2026_01_03_gone", "missing" } },
}

return M
