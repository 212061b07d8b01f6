-- luacheck: ignore 212/self
-- spec/helpers.lua: what the integration specs share.
--
--   local helpers = require("spec.helpers")
--   for _, dialect in helpers.each_dialect() do
--     describe("migrate [#" .. dialect .. "]", function()
--       local project
--       before_each(function() project = helpers.project(dialect) end)
--       after_each(function() project:cleanup() end)
--       it("runs", function()
--         project:write("2026_01_01_000000_create_a", helpers.migration { up = "...", down = "..." })
--         local r = project:run("migrate")
--         assert.equals(0, r.status, r.stderr)
--       end)
--     end)
--   end
--
-- A project is a temp folder with databases/migrations/, bound to one
-- dialect (one database). project:run() runs the lmigrate binary there
-- (stdout, stderr, exit status kept apart); project:connect() opens the
-- database through lmigrate.core for checks.
local helpers = {}

local getenv = os.getenv

helpers.source = getenv("LMIGRATE_SOURCE") or "."
helpers.build = getenv("LMIGRATE_BUILD") or (helpers.source .. "/build")
helpers.bin = getenv("LMIGRATE_BIN") or (helpers.build .. "/lmigrate")
helpers.example = helpers.source .. "/databases/migrations"
helpers.keep = getenv("LMIGRATE_SPEC_KEEP") == "1"   -- keep temp folders

-- the Lua patterns that mean a sanitizer caught something in a child; UBSan's
-- "runtime error:" comes after file:line:column, which tells it from a Lua
-- error message that happens to say "runtime error"
local SANITIZER_MARKS = { "ERROR: AddressSanitizer", "%d+:%d+: runtime error:", "LeakSanitizer" }

-- {======================================================
-- Shell and files
-- ======================================================

-- 'sh' single-quoting: safe for any byte string
function helpers.quote(s)
  return "'" .. tostring(s):gsub("'", "'\\''") .. "'"
end
local quote = helpers.quote

function helpers.read_file(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local s = f:read("a")
  f:close()
  return s
end

function helpers.write_file(path, data)
  local f = assert(io.open(path, "wb"))
  assert(f:write(data))
  assert(f:close())
end

function helpers.exists(path)
  local f = io.open(path, "rb")
  if f then f:close() return true end
  return false
end

-- runs a shell command, returns its exit status (number)
function helpers.sh(cmd)
  local ok, how, code = os.execute(cmd)
  if how == "signal" then return 128 + code end
  return ok and 0 or code
end

function helpers.mktemp_dir()
  local p = assert(io.popen("mktemp -d \"${TMPDIR:-/tmp}/lmigrate-spec.XXXXXX\""))
  local dir = p:read("l")
  p:close()
  assert(dir and dir ~= "", "mktemp -d failed")
  return dir
end

-- lines of a string, without the line ends
function helpers.lines(s)
  local t = {}
  for line in (s or ""):gmatch("[^\n]*") do
    if line ~= "" then t[#t + 1] = line end
  end
  return t
end

-- index of the first line of 'lines' containing the plain text 'needle'
function helpers.line_index(lines, needle)
  for i, line in ipairs(lines) do
    if line:find(needle, 1, true) then return i end
  end
  return nil
end

function helpers.contains(list, value)
  for _, v in ipairs(list) do
    if v == value then return true end
  end
  return false
end

-- true if 's' matches one of the Lua patterns of 'patterns'
function helpers.matches_any(s, patterns)
  for _, p in ipairs(patterns) do
    if s:find(p) then return true end
  end
  return false
end

-- }======================================================

-- {======================================================
-- Migration sources
-- ======================================================


-- Source of a class-style migration; 'def' = { up = "lua code", down = "lua code",
-- name = "ClassName", header = "code before the class", extra = "code after" }
function helpers.migration(def)
  local name = def.name or "Generated"
  return table.concat({
    'local Migration = require("lmigrate.migration")',
    def.header or "",
    ("local M = Migration:extend(%q)"):format(name),
    "function M:up()",
    def.up or "",
    "end",
    "function M:down()",
    def.down or "",
    "end",
    def.extra or "",
    "return M",
    "",
  }, "\n")
end

-- A migration creating table 'tbl' (id + name) and dropping it again
function helpers.create_table_migration(tbl)
  return helpers.migration {
    up = ('  self.schema:create(%q, function(t)\n    t:increments("id")\n'
          .. '    t:string("name"):nullable()\n  end)'):format(tbl),
    down = ("  self.schema:drop(%q)"):format(tbl),
  }
end

-- }======================================================

-- {======================================================
-- Dialects
-- ======================================================

local core_ok, core = pcall(require, "lmigrate.core")
helpers.core = core_ok and core or nil

local function need_core()
  if not helpers.core then
    error("cannot load lmigrate.core from " .. helpers.build .. ": " .. tostring(core), 2)
  end
  return helpers.core
end

-- A database connection for checks: conn:query/exec/first/scalar/close.
-- Placeholders are '?' on every dialect (lmigrate.core's drivers bind them).
local Db = {}
Db.__index = Db

function Db:query(sql, ...)
  local rows, msg, code = self.conn:query(self.dialect:sql(sql), ...)
  if rows == nil then error(("query failed: %s (%s)\n%s"):format(msg, code, sql), 2) end
  return rows
end

-- nil, msg, code on failure: checks that a statement is refused use this
function Db:exec(sql, ...)
  return self.conn:exec(self.dialect:sql(sql), ...)
end

-- like exec, but raises on failure
function Db:run(sql, ...)
  local n, msg, code = self.conn:exec(self.dialect:sql(sql), ...)
  if n == nil then error(("exec failed: %s (%s)\n%s"):format(msg, code, sql), 2) end
  return n
end

function Db:first(sql, ...)
  return self:query(sql, ...)[1]
end

-- first column of the first row (nil when no row)
function Db:scalar(sql, ...)
  local row = self:query(sql, ...)[1]
  if row == nil then return nil end
  local _, v = next(row)
  return v
end

function Db:count(tbl)
  return tonumber(self:scalar("SELECT COUNT(*) AS n FROM " .. self.dialect:ident(tbl)))
end

function Db:close()
  if self.conn and self.conn.close then self.conn:close() end
  self.conn = nil
end

-- Db:tables(), Db:columns(t), ... forward to the dialect
for _, m in ipairs { "tables", "columns", "foreign_keys", "unique_sets", "indexes",
                     "has_table", "snapshot", "history" } do
  Db[m] = function(self, ...) return self.dialect[m](self.dialect, self, ...) end
end

local Dialect = {}
Dialect.__index = Dialect
Dialect.__tostring = function(d) return d.name end
Dialect.__concat = function(a, b) return tostring(a) .. tostring(b) end

function Dialect:ident(name)
  return '"' .. name:gsub('"', '""') .. '"'
end

function Dialect:sql(sql) return sql end

function Dialect:connect(project)
  local conn, msg = need_core().connect(self.name, self:target(project))
  if conn == nil then error("cannot connect for checks: " .. tostring(msg), 2) end
  local db = setmetatable({ conn = conn, dialect = self }, Db)
  self:prepare(db)
  return db
end

function Dialect:prepare() end

-- names of the tables of the database (no internal ones), sorted
function Dialect:tables() error("abstract") end

function Dialect:has_table(db, name)
  for _, t in ipairs(self:tables(db)) do
    if t == name then return true end
  end
  return false
end

-- the history rows, without ran_at: { {migration=, batch=, checksum=}, ... } by id
function Dialect:history(db)
  if not self:has_table(db, "migrations") then return {} end
  local rows = db:query("SELECT id, migration, batch, checksum FROM migrations ORDER BY id")
  for _, r in ipairs(rows) do
    r.migration = tostring(r.migration):gsub("%.lua$", "")
    r.batch = tonumber(r.batch)
    r.id = tonumber(r.id)
  end
  return rows
end

-- SQLite ---------------------------------------------------------------------

local Sqlite = setmetatable({ name = "sqlite" }, Dialect)

function Sqlite:default_path(project)
  return project.dir .. "/databases/database.sqlite"
end

-- the URL lmigrate is given; the default database of the project
function Sqlite:url(project)
  return "sqlite:" .. self:target(project)
end

function Sqlite:target(project)
  return project.db_path or self:default_path(project)
end

-- nothing to pass: the default database of the project is the one
function Sqlite:env() return {} end

function Sqlite:setup() end
function Sqlite:teardown() end

function Sqlite:prepare(db)
  db:run("PRAGMA foreign_keys = ON")
end

function Sqlite:tables(db)
  local t = {}
  for _, r in ipairs(db:query("SELECT name FROM sqlite_master WHERE type = 'table' "
                              .. "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")) do
    t[#t + 1] = r.name
  end
  return t
end

-- { {name=, type=, notnull=bool, default=text|nil, pk=n}, ... } in column order
function Sqlite:columns(db, tbl)
  local cols = {}
  for _, r in ipairs(db:query("SELECT * FROM pragma_table_info(?) ORDER BY cid", tbl)) do
    cols[#cols + 1] = {
      name = r.name, type = r.type, notnull = tonumber(r.notnull) == 1,
      default = r.dflt_value ~= core.null and r.dflt_value or nil, pk = tonumber(r.pk),
    }
    cols[r.name] = cols[#cols]
  end
  return cols
end

-- { {from=, table=, to=, on_delete=, on_update=}, ... }
function Sqlite:foreign_keys(db, tbl)
  local fks = {}
  for _, r in ipairs(db:query("SELECT * FROM pragma_foreign_key_list(?) ORDER BY id, seq", tbl)) do
    fks[#fks + 1] = { from = r.from, table = r.table, to = r.to,
                      on_delete = r.on_delete, on_update = r.on_update }
  end
  return fks
end

local function index_columns(db, name)
  local cols = {}
  for _, c in ipairs(db:query("SELECT name FROM pragma_index_info(?) ORDER BY seqno", name)) do
    cols[#cols + 1] = c.name
  end
  return table.concat(cols, ",")
end

-- { ["email"] = true, ["post_id,tag_id"] = true }: column sets with a unique index
function Sqlite:unique_sets(db, tbl)
  local sets = {}
  for _, r in ipairs(db:query("SELECT * FROM pragma_index_list(?)", tbl)) do
    if tonumber(r.unique) == 1 then sets[index_columns(db, r.name)] = r.origin end
  end
  return sets
end

-- { ["post_id"] = "index_name" }: column sets with a non-unique index
function Sqlite:indexes(db, tbl)
  local sets = {}
  for _, r in ipairs(db:query("SELECT * FROM pragma_index_list(?)", tbl)) do
    if tonumber(r.unique) == 0 then sets[index_columns(db, r.name)] = r.name end
  end
  return sets
end

-- the whole schema and history, as a string to compare before/after
function Sqlite:snapshot(db)
  local out = {}
  for _, r in ipairs(db:query("SELECT type, name, tbl_name, sql FROM sqlite_master "
                              .. "ORDER BY type, name")) do
    out[#out + 1] = ("%s %s %s: %s"):format(r.type, r.name, r.tbl_name,
                                           r.sql == core.null and "-" or r.sql)
  end
  for _, h in ipairs(self:history(db)) do
    out[#out + 1] = ("history %d %s %d %s"):format(h.id, h.migration, h.batch, tostring(h.checksum))
  end
  return table.concat(out, "\n")
end

-- PostgreSQL -----------------------------------------------------------------
-- Enabled when LMIGRATE_PG_URL, or DATABASE_URL=postgres://..., or PGHOST /
-- PGDATABASE are set. Each project gets a database of its own, created from
-- the server's "postgres" database and dropped by cleanup().

local Postgres = setmetatable({ name = "postgres" }, Dialect)

local function pg_base_url()
  local url = getenv("LMIGRATE_PG_URL")
  if url and url ~= "" then return url end
  url = getenv("DATABASE_URL")
  if url and url:match("^postgres") then return url end
  if getenv("PGHOST") or getenv("PGDATABASE") then
    local user = getenv("PGUSER") or "postgres"
    local pass = getenv("PGPASSWORD")
    return ("postgres://%s%s@%s:%s/%s"):format(user, pass and (":" .. pass) or "",
      getenv("PGHOST") or "localhost", getenv("PGPORT") or "5432",
      getenv("PGDATABASE") or "postgres")
  end
  return nil
end

-- the base URL with its database replaced by 'dbname'
local function pg_url_with_db(url, dbname)
  local head, tail = url:match("^(postgres[%w]*://[^/]*)/?[^?]*(.*)$")
  return head .. "/" .. dbname .. tail
end

function Postgres:admin()
  local conn, msg = need_core().connect("postgres", pg_url_with_db(self.base, "postgres"))
  if conn == nil then error("postgres: cannot connect: " .. tostring(msg), 2) end
  return setmetatable({ conn = conn, dialect = self }, Db)
end

-- the database is named after the project's temp folder, unique on this host
function Postgres:setup(project)
  project.pg_db = "lmigrate_spec_" .. assert(project.dir:match("([%w]+)$"))
  local admin = self:admin()
  admin:run("CREATE DATABASE " .. self:ident(project.pg_db))
  admin:close()
end

function Postgres:teardown(project)
  if not project.pg_db then return end
  local admin = self:admin()
  admin:exec("DROP DATABASE IF EXISTS " .. self:ident(project.pg_db) .. " WITH (FORCE)")
  admin:close()
end

function Postgres:url(project) return pg_url_with_db(self.base, project.pg_db) end
function Postgres:target(project) return self:url(project) end
function Postgres:env(project) return { DATABASE_URL = self:url(project) } end

function Postgres:tables(db)
  local t = {}
  for _, r in ipairs(db:query("SELECT table_name FROM information_schema.tables "
      .. "WHERE table_schema = current_schema() ORDER BY table_name")) do
    t[#t + 1] = r.table_name
  end
  return t
end

function Postgres:columns(db, tbl)
  local cols = {}
  for _, r in ipairs(db:query("SELECT column_name, data_type, is_nullable, column_default "
      .. "FROM information_schema.columns WHERE table_schema = current_schema() "
      .. "AND table_name = ? ORDER BY ordinal_position", tbl)) do
    cols[#cols + 1] = { name = r.column_name, type = r.data_type,
                        notnull = r.is_nullable == "NO",
                        default = r.column_default ~= core.null and r.column_default or nil }
    cols[r.column_name] = cols[#cols]
  end
  return cols
end

function Postgres:foreign_keys(db, tbl)
  local fks = {}
  for _, r in ipairs(db:query([[
    SELECT a.attname AS "from", cf.relname AS "table", af.attname AS "to",
           CASE c.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL'
             WHEN 'r' THEN 'RESTRICT' WHEN 'd' THEN 'SET DEFAULT' ELSE 'NO ACTION' END AS on_delete,
           CASE c.confupdtype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL'
             WHEN 'r' THEN 'RESTRICT' WHEN 'd' THEN 'SET DEFAULT' ELSE 'NO ACTION' END AS on_update
    FROM pg_constraint c
    JOIN pg_class t ON t.oid = c.conrelid
    JOIN pg_class cf ON cf.oid = c.confrelid
    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
    JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = c.confkey[1]
    WHERE c.contype = 'f' AND t.relname = ? ORDER BY c.conname]], tbl)) do
    fks[#fks + 1] = r
  end
  return fks
end

local function pg_index_sets(db, tbl, unique)
  local sets = {}
  for _, r in ipairs(db:query([[
    SELECT i.relname AS name, string_agg(a.attname, ',' ORDER BY k.n) AS cols
    FROM pg_index x
    JOIN pg_class t ON t.oid = x.indrelid
    JOIN pg_class i ON i.oid = x.indexrelid
    CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, n)
    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
    WHERE t.relname = ? AND x.indisunique = ?
    GROUP BY i.relname]], tbl, unique)) do
    sets[r.cols] = r.name
  end
  return sets
end

function Postgres:unique_sets(db, tbl) return pg_index_sets(db, tbl, true) end
function Postgres:indexes(db, tbl) return pg_index_sets(db, tbl, false) end

function Postgres:snapshot(db)
  local out = {}
  for _, r in ipairs(db:query([[
    SELECT table_name, column_name, data_type, is_nullable, column_default
    FROM information_schema.columns WHERE table_schema = current_schema()
    ORDER BY table_name, ordinal_position]])) do
    out[#out + 1] = table.concat({ r.table_name, r.column_name, r.data_type, r.is_nullable,
      tostring(r.column_default ~= core.null and r.column_default or "-") }, " ")
  end
  for _, r in ipairs(db:query([[
    SELECT conname, pg_get_constraintdef(c.oid) AS def FROM pg_constraint c
    JOIN pg_namespace n ON n.oid = c.connamespace
    WHERE n.nspname = current_schema() ORDER BY conname]])) do
    out[#out + 1] = "constraint " .. r.conname .. " " .. r.def
  end
  for _, r in ipairs(db:query("SELECT indexname, indexdef FROM pg_indexes "
      .. "WHERE schemaname = current_schema() ORDER BY indexname")) do
    out[#out + 1] = "index " .. r.indexdef
  end
  for _, h in ipairs(self:history(db)) do
    out[#out + 1] = ("history %d %s %d %s"):format(h.id, h.migration, h.batch, tostring(h.checksum))
  end
  return table.concat(out, "\n")
end

-- each_dialect ---------------------------------------------------------------

helpers.dialects = { sqlite = Sqlite }

-- PostgreSQL joins when its variables are set and the server answers through
-- lmigrate.core's own driver. Asked for by name (LMIGRATE_SPEC_DIALECTS), a
-- server that does not answer is an error; otherwise it is skipped, with a note.
do
  local base = pg_base_url()
  local want = getenv("LMIGRATE_SPEC_DIALECTS") or ""
  if base and core_ok then
    Postgres.base = base
    local ok, err = pcall(function() Postgres:admin():close() end)
    if ok then
      helpers.dialects.postgres = Postgres
    elseif want:find("postgres", 1, true) then
      error("LMIGRATE_SPEC_DIALECTS asks for postgres, but: " .. tostring(err))
    else
      io.stderr:write("spec/helpers: postgres specs skipped: ", tostring(err), "\n")
    end
  end
end

-- Kong's each_strategy: for _, dialect in helpers.each_dialect() do ... end.
-- LMIGRATE_SPEC_DIALECTS=sqlite,postgres narrows the list.
function helpers.each_dialect()
  local want = getenv("LMIGRATE_SPEC_DIALECTS")
  local list = {}
  for _, name in ipairs { "sqlite", "postgres" } do
    if helpers.dialects[name] and (not want or want:find(name, 1, true)) then
      list[#list + 1] = helpers.dialects[name]
    end
  end
  return ipairs(list)
end

-- }======================================================

-- {======================================================
-- Projects
-- ======================================================

local Project = {}
Project.__index = Project

-- a new temp project for 'dialect' (default sqlite); opts.example = true
-- copies the example migrations of databases/migrations into it
function helpers.project(dialect, opts)
  dialect = dialect or Sqlite
  if type(dialect) == "string" then dialect = assert(helpers.dialects[dialect], dialect) end
  local dir = helpers.mktemp_dir()
  local self = setmetatable({ dir = dir, dialect = dialect,
                              migrations = dir .. "/databases/migrations" }, Project)
  assert(helpers.sh("mkdir -p " .. quote(self.migrations)) == 0)
  dialect:setup(self)
  if opts and opts.example then self:copy_example() end
  return self
end

function Project:cleanup()
  if self.cleaned then return end
  self.cleaned = true
  pcall(self.dialect.teardown, self.dialect, self)
  if not helpers.keep then helpers.sh("rm -rf " .. quote(self.dir)) end
end

function Project:path(rel) return self.dir .. "/" .. rel end

local function file_name(name)
  return name:match("%.lua$") and name or (name .. ".lua")
end

-- writes databases/migrations/<name>.lua
function Project:write(name, source)
  local path = self.migrations .. "/" .. file_name(name)
  helpers.write_file(path, source)
  return path
end

function Project:remove(name)
  assert(os.remove(self.migrations .. "/" .. file_name(name)))
end

function Project:copy_example()
  assert(helpers.sh(("cp %s/*.lua %s/"):format(quote(helpers.example), quote(self.migrations))) == 0,
         "cannot copy the example migrations")
end

function Project:url() return self.dialect:url(self) end

function Project:connect() return self.dialect:connect(self) end

-- runs fn(db) on a fresh connection and closes it: keeps no lock while lmigrate runs
function Project:with_db(fn)
  local db = self:connect()
  local ok, a, b = pcall(fn, db)
  db:close()
  if not ok then error(a, 0) end
  return a, b
end

function Project:tables() return self:with_db(function(db) return db:tables() end) end
function Project:columns(t) return self:with_db(function(db) return db:columns(t) end) end
function Project:history() return self:with_db(function(db) return db:history() end) end
function Project:snapshot() return self:with_db(function(db) return db:snapshot() end) end
function Project:has_table(t) return self:with_db(function(db) return db:has_table(t) end) end

-- Runs lmigrate in the project: project:run("migrate", "--step") or
-- project:run({ "migrate" }, { env = { DATABASE_URL = "..." }, cwd = dir }).
-- Returns { status = n, stdout = s, stderr = s, output = stdout .. stderr }.
-- The child gets no DATABASE_URL, LMIGRATE_DEV or LD_PRELOAD of ours; env
-- values of opts.env are set. A sanitizer report on its stderr raises.
function Project:run(args, ...)
  local opts = {}
  if type(args) ~= "table" then
    args = { args, ... }
  else
    opts = ... or {}
  end
  return helpers.run(args, {
    cwd = opts.cwd or self.dir,
    env = opts.env or self.dialect:env(self),
    stdin = opts.stdin,
  })
end

local has_timeout

function helpers.run(args, opts)
  opts = opts or {}
  local out = os.tmpname()
  local err = os.tmpname()
  local cmd = { "cd", quote(opts.cwd or "."), "&&", "exec", "env",
                "-u", "DATABASE_URL", "-u", "LMIGRATE_DEV", "-u", "LD_PRELOAD" }
  if getenv("LMIGRATE_SPEC_PRELOAD") then
    cmd[#cmd + 1] = "ASAN_OPTIONS=detect_leaks=1"
  end
  local keys = {}
  for k in pairs(opts.env or {}) do keys[#keys + 1] = k end
  table.sort(keys)
  for _, k in ipairs(keys) do cmd[#cmd + 1] = quote(k .. "=" .. opts.env[k]) end
  if has_timeout == nil then
    has_timeout = os.execute("command -v timeout >/dev/null 2>&1") and true or false
  end
  if has_timeout then
    cmd[#cmd + 1] = "timeout 120"
  end
  cmd[#cmd + 1] = quote(opts.bin or helpers.bin)
  for _, a in ipairs(args) do cmd[#cmd + 1] = quote(a) end
  local line = table.concat(cmd, " ")
  local shell = ("( %s ) <%s >%s 2>%s; echo $?"):format(line, opts.stdin and quote(opts.stdin)
                                                           or "/dev/null", quote(out), quote(err))
  local p = assert(io.popen(shell, "r"))
  local status = tonumber(p:read("a"):match("(%d+)%s*$"))
  p:close()
  local r = { status = status, stdout = helpers.read_file(out) or "",
              stderr = helpers.read_file(err) or "", command = line }
  os.remove(out)
  os.remove(err)
  r.output = r.stdout .. r.stderr
  for _, mark in ipairs(SANITIZER_MARKS) do
    if r.stderr:find(mark) then
      error(("sanitizer report from: %s\n%s"):format(line, r.stderr), 2)
    end
  end
  if status == 124 then error("lmigrate timed out: " .. line, 2) end
  return r
end

-- true if 's' shows "file:line" ('file' plain text, 'line' not followed by a digit)
function helpers.has_file_line(s, file, line)
  local needle = file .. ":" .. line
  local init = 1
  while true do
    local i, j = s:find(needle, init, true)
    if not i then return false end
    if not s:sub(j + 1, j + 1):match("%d") then return true end
    init = j + 1
  end
end

-- a readable description of a run, for assertion messages
function helpers.describe_run(r)
  return ("$ %s\n[exit %s]\n--- stdout\n%s--- stderr\n%s"):format(r.command, tostring(r.status),
                                                                  r.stdout, r.stderr)
end

-- asserts the exit status, with the output in the failure message
function helpers.assert_status(expected, r)
  assert(r.status == expected, ("expected exit status %d\n%s"):format(expected,
                                                                       helpers.describe_run(r)))
  return r
end

-- runs and asserts exit 0
function Project:ok(...)
  return helpers.assert_status(0, self:run(...))
end

-- }======================================================

-- a time in the progress lines, like 1.23ms or 12ms
helpers.TIME = "%d+%.?%d*%s?ms"

return helpers
