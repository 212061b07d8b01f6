-- luacheck: ignore 212/self
-- spec/support/dialect/base.lua: what every dialect of the specs shares:
-- the Db connection for checks, and the Dialect base its files extend.
--
-- A dialect file (sqlite.lua, postgres.lua) returns base.new(name, server)
-- with its methods: url/target/env of a project, setup/teardown of its
-- database, and the schema questions (tables, columns, foreign_keys,
-- unique_sets, indexes, snapshot) the specs ask after a run.
local M = {}

local core_ok, core = pcall(require, "lmigrate.core")
M.core = core_ok and core or nil

-- lmigrate.core, or an error naming the build it was looked for in
function M.need_core()
  if not M.core then
    local build = os.getenv("LMIGRATE_BUILD") or "./build"
    error("cannot load lmigrate.core from " .. build .. ": " .. tostring(core), 2)
  end
  return M.core
end

-- {======================================================
-- Db: a database connection for checks
-- ======================================================

-- conn:query/exec/run/first/scalar/count/close. Placeholders are '?' on
-- every dialect (lmigrate.core's drivers bind them).
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
                     "has_table", "snapshot", "history", "integrity", "journal", "quiesce" } do
  Db[m] = function(self, ...) return self.dialect[m](self.dialect, self, ...) end
end

-- a Db on an open lmigrate.core connection
function M.db(conn, dialect)
  return setmetatable({ conn = conn, dialect = dialect }, Db)
end

-- }======================================================

-- {======================================================
-- Dialect: the defaults a dialect file overrides
-- ======================================================

local Dialect = {}
Dialect.__index = Dialect
Dialect.__tostring = function(d) return d.name end
Dialect.__concat = function(a, b) return tostring(a) .. tostring(b) end

-- a new dialect named 'name' (lmigrate.core's driver name), needing the
-- server 'server' of spec.support.servers (nil: none)
function M.new(name, server)
  return setmetatable({ name = name, server = server, transactional_ddl = true }, Dialect)
end

function Dialect:ident(name)
  return '"' .. name:gsub('"', '""') .. '"'
end

function Dialect:sql(sql) return sql end

-- takes the server spec.support.servers found (dialects with a server)
function Dialect:attach() end

function Dialect:connect(project)
  local conn, msg = M.need_core().connect(self.name, self:target(project))
  if conn == nil then error("cannot connect for checks: " .. tostring(msg), 2) end
  local db = M.db(conn, self)
  self:prepare(db)
  return db
end

function Dialect:prepare() end
function Dialect:setup() end
function Dialect:teardown() end

-- names of the tables of the database (no internal ones), sorted
function Dialect:tables() error("abstract") end

function Dialect:has_table(db, name)
  for _, t in ipairs(self:tables(db)) do
    if t == name then return true end
  end
  return false
end

-- what breaks the database's own rules -> { problem text, ... }: the
-- rows of each foreign key that point nowhere, and what the dialect's
-- own check (own_integrity) finds
function Dialect:integrity(db)
  local bad = self:own_integrity(db)
  for _, t in ipairs(self:tables(db)) do
    for _, fk in ipairs(self:foreign_keys(db, t)) do
      local q = ("SELECT count(*) AS n FROM %s c WHERE c.%s IS NOT NULL AND NOT EXISTS "
        .. "(SELECT 1 FROM %s p WHERE p.%s = c.%s)"):format(self:ident(t), self:ident(fk.from),
        self:ident(fk.table), self:ident(fk.to), self:ident(fk.from))
      local n = tonumber(db:scalar(q))
      if n > 0 then bad[#bad + 1] = ("%d row(s) of %s.%s point nowhere"):format(n, t, fk.from) end
    end
  end
  return bad
end

function Dialect:own_integrity() return {} end

-- the rows of lmigrate's statement journal (dialects without
-- transactional DDL: MySQL) -> { {migration=, position=, total=, state=,
-- statement=}, ... } by migration and position; none elsewhere
function Dialect:journal() return {} end

-- waits until no other connection works on the database (MySQL finishes
-- the statement of a client that was killed: the state to check is the one
-- after it); nothing to wait for elsewhere
function Dialect:quiesce() end

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

-- the history as lines of a snapshot
function Dialect:history_lines(db, out)
  for _, h in ipairs(self:history(db)) do
    -- %s: a damaged row's batch (text, NULL) shows too
    out[#out + 1] = ("history %s %s %s %s"):format(tostring(h.id), h.migration, tostring(h.batch),
                                                   tostring(h.checksum))
  end
  return out
end

-- }======================================================

return M
