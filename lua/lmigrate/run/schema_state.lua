-- Migration squashing, as Laravel's schema:dump and its SchemaState:
-- dump(c, history, path) writes the database's schema as its dialect's
-- dump tool gives it (sqlite3 .schema, pg_dump --schema-only,
-- mariadb-dump --no-data --routines), then the rows of the history table;
-- load(c, path) runs such a file through the dialect's client (the file
-- holds client syntax: psql's COPY ... FROM stdin, DELIMITER lines), and
-- prepare(m, opts) does that for migrate and fresh on a database where no
-- migration has run. The clients: run/schema_client.lua.
local core = require("lmigrate.core")
local errors = require("lmigrate.errors")
local files = require("lmigrate.files")
local client = require("lmigrate.run.schema_client")

local M = {}

M.DIR = "databases/schema"

-- the schema file of connection c: databases/schema/<name>-schema.sql
-- (the connection's name in lmigrate.lua; "default" for a URL)
function M.default_path(c)
  return ("%s/%s-schema.sql"):format(M.DIR, c.name)
end

local function read(path)
  local f, err = io.open(path, "rb")
  if not f then errors.raise("io", "cannot read " .. tostring(err)) end
  local s = f:read("a")
  f:close()
  return s
end

local function write(path, text, mode)
  local f, err = io.open(path, mode or "wb")
  if not f then errors.raise("io", "cannot write " .. tostring(err)) end
  f:write(text)
  f:close()
end

-- runs the client spec; a failure raises 'what' with the client's message
local function must(spec, what)
  local ok, msg = client.run(spec)
  if not ok then
    errors.raise("migration", ("%s: %s failed%s"):format(what, spec.command[1],
      msg ~= "" and (":\n  " .. msg:gsub("\n", "\n  ")) or ""))
  end
end

-- the SQLite file the CLI opens: a path or a file: URI; :memory: is
-- lmigrate's own connection's alone
local function sqlite_target(c, what)
  local db = c.database
  if db == ":memory:" or db == "" or (db:match("^file:") and db:match("mode=memory")) then
    errors.raise("usage", ("%s: an in-memory SQLite database is not reachable by sqlite3"):format(what))
  end
  return db
end

local function pg_base(c)
  local info, password = client.pg_split(c.conninfo or "")
  return info, password and { PGPASSWORD = password } or nil
end

local function mysql_database(c, what)
  if (c.database or "") == "" then
    errors.raise("config", ("%s: the connection names no database"):format(what))
  end
  return c.database
end

-- {======================================================
-- dump
-- ======================================================

local DUMP = {}

function DUMP.sqlite(c, history, path, what, rows)
  local tool = client.tool(what, "sqlite3")
  local db = sqlite_target(c, what)
  if not files.exists(db) then errors.raise("config", ("%s: no SQLite database at %s"):format(what, db)) end
  local tmp = os.tmpname()
  local ok, err = pcall(function()
    must({ command = { tool, "-batch", db, ".schema" }, stdout = tmp }, what)
    local out = {}
    for line in read(tmp):gmatch("[^\n]+") do
      if not line:find("sqlite_sequence", 1, true) then out[#out + 1] = line end
    end
    if rows then
      must({ command = { tool, "-batch", db, ".dump " .. client.quote(history) }, stdout = tmp }, what)
    end
    -- .dump's pattern is a LIKE: the rows of this table alone
    local quoted = '"' .. history:gsub('"', '""') .. '"'
    for line in (rows and read(tmp) or ""):gmatch("[^\n]+") do
      local rest = line:match("^INSERT INTO (.*)$")
      if rest and (rest:sub(1, #history + 1) == history .. " "
          or rest:sub(1, #quoted + 1) == quoted .. " ") then
        out[#out + 1] = line
      end
    end
    write(path, table.concat(out, "\n") .. "\n")
  end)
  os.remove(tmp)
  if not ok then error(err, 0) end
end

function DUMP.postgres(c, history, path, what, with_rows)
  local tool = client.tool(what, "pg_dump")
  local info, env = pg_base(c)
  local function ident(name) return '"' .. name:gsub('"', '""') .. '"' end
  local base = { tool, "--no-password", "--no-owner", "--no-acl", "--dbname=" .. info }
  -- not the lease of the run (run/lease.lua): migrate has made its own
  -- before the file loads
  local schema = { table.unpack(base) }
  for _, a in ipairs({ "--schema-only", "--exclude-schema=lmigrate",
                       "--exclude-table=" .. ident(history .. "_lease") }) do
    schema[#schema + 1] = a
  end
  must({ command = schema, env = env, stdout = path }, what)
  if not with_rows then return end
  local rows = { table.unpack(base) }
  rows[#rows + 1] = "--data-only"
  rows[#rows + 1] = "--table=" .. ident(history)
  must({ command = rows, env = env, stdout = path, append = true }, what)
end

function DUMP.mysql(c, history, path, what, with_rows)
  local tool = client.tool(what, "mariadb-dump", "mysqldump")
  local db = mysql_database(c, what)
  local options = client.mysql_options(c.options or {})
  local base = { tool, "--no-tablespaces", "--skip-add-locks", "--skip-comments", "--skip-set-charset",
                 "--tz-utc" }
  local schema = { table.unpack(base) }
  for _, a in ipairs({ "--routines", "--no-data", "--result-file=" .. path, db }) do
    schema[#schema + 1] = a
  end
  must({ command = schema, options = options }, what)
  -- the next id of each table is the database's, not the schema's (Laravel's removeAutoIncrementingState)
  write(path, (read(path):gsub("%s+AUTO_INCREMENT=%d+", "")))
  if not with_rows then return end
  local rows = { table.unpack(base) }
  for _, a in ipairs({ "--no-create-info", "--skip-extended-insert", "--skip-routines", "--skip-triggers",
                       "--compact", "--complete-insert", db, history }) do
    rows[#rows + 1] = a
  end
  must({ command = rows, options = options, stdout = path, append = true }, what)
end

-- dump(c, history, path): the schema of connection c and the rows of its
-- history table 'history' (none when has_history is false) into 'path'
function M.dump(c, history, path, has_history)
  local what = "schema:dump"
  files.mkdir_p(path:match("^(.*)/[^/]*$") or ".")
  DUMP[c.driver](c, history, path, what, has_history)
end

-- }======================================================

-- {======================================================
-- load
-- ======================================================

local LOAD = {}

-- in one transaction: a bad statement leaves the database as it was
function LOAD.sqlite(c, path, what, before)
  local tool = client.tool(what, "sqlite3")
  local db = sqlite_target(c, what)
  local wrap = os.tmpname()
  write(wrap, "BEGIN;\n" .. (before and (before .. ";\n") or "") .. ".read " .. client.quote(path)
    .. "\nCOMMIT;\n")
  local ok, err = pcall(must, { command = { tool, "-batch", "-bail", db }, stdin = wrap }, what)
  os.remove(wrap)
  if not ok then error(err, 0) end
end

-- in one transaction too; psql names the file and line of a failure
function LOAD.postgres(c, path, what, before)
  local tool = client.tool(what, "psql")
  local info, env = pg_base(c)
  local cmd = { tool, "--no-password", "--no-psqlrc", "--quiet", "--single-transaction",
                "--set=ON_ERROR_STOP=1", "--dbname=" .. info }
  if before then cmd[#cmd + 1] = "--command=" .. before end
  cmd[#cmd + 1] = "--file=" .. path
  must({ command = cmd, env = env, stdout = "/dev/null" }, what)
end

-- statement by statement (MySQL commits each schema statement): a failure
-- leaves what ran before it; the client stops at the first
function LOAD.mysql(c, path, what)
  local tool = client.tool(what, "mariadb", "mysql")
  local db = mysql_database(c, what)
  must({ command = { tool, "--database=" .. db }, options = client.mysql_options(c.options or {}),
         stdin = path, stdout = "/dev/null" }, what)
end

-- load(c, path, before?): the schema file 'path' into connection c;
-- 'before', a statement, runs first (in the file's transaction, where it has one)
function M.load(c, path, before)
  LOAD[c.driver](c, path, "cannot load the schema file " .. path, before)
end

-- the schema file migrate would load on connection c, or nil: --schema-path
-- (which must be there), else the connection's default file when it is
function M.path(c, opts)
  if opts.schema_path then
    if not files.exists(opts.schema_path) then
      errors.raise("usage", ("--schema-path %s: no such file"):format(opts.schema_path))
    end
    return opts.schema_path
  end
  local path = M.default_path(c)
  return files.exists(path) and path or nil
end

-- prepare(m, opts): before migrate (and fresh) runs, on a database where
-- no migration ran (no history table, or an empty one), the schema file is
-- loaded, its history rows with it; --pretend loads nothing (Laravel's
-- either). An empty history table goes first: the file creates it.
function M.prepare(m, opts)
  if opts.pretend then return end
  local c = m.connection
  local path = M.path(c, opts)
  if not path or #m.repo:ran() > 0 then return end
  m.out:info("Loading stored database schema.")
  local t0 = core.clock()
  local drop = m.repo:exists() and ("DROP TABLE " .. m.db.grammar:quote(m.repo.name)) or nil
  if drop and c.driver == "mysql" then m.db:execute(drop) drop = nil end
  m.repo:forget()
  local ok, err = pcall(M.load, c, path, drop)
  m.repo:forget()
  if not ok then error(err, 0) end
  m.out:row(path, ("%.2fms"):format((core.clock() - t0) * 1000), "DONE", "green")
end

return M
