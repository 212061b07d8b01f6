-- The history table: which migrations ran, in which batch, with which
-- checksum of their file. migrations(id, migration UNIQUE, batch, checksum, ran_at)
-- Laravel's own, migrations(id, migration, batch), is read as it is (an
-- application moving to lmigrate brings its database with it) and gets
-- the two columns of lmigrate's with the next migration recorded; Laravel's
-- migrator, which writes migration and batch only, goes on working with it.
local core = require("lmigrate.core")
local errors = require("lmigrate.errors")

local Repo = {}
Repo.__index = Repo

local M = {}

function M.new(db, schema, name)
  local q = db.grammar:quote(name)
  return setmetatable({
    db = db,
    schema = schema,
    name = name,
    select_sql = "SELECT id, migration, batch, checksum, ran_at FROM " .. q .. " ORDER BY id",
    laravel_sql = "SELECT id, migration, batch FROM " .. q .. " ORDER BY id",
    insert_sql = "INSERT INTO " .. q .. " (migration, batch, checksum) VALUES (?, ?, ?)",
    delete_sql = "DELETE FROM " .. q .. " WHERE migration = ?",
  }, Repo)
end

-- whether the history table exists; read once outside a transaction (a
-- table made inside one may yet be rolled back), until the history
-- changes (log, delete, create) or forget
function Repo:exists()
  if self.known then return true end
  local there = self.schema:has_table(self.name)
  self.known = there and self.db.depth == 0
  return there
end

-- the history is read again from the next call on (lmigrate fresh dropped it)
function Repo:forget()
  self.known, self.rows = nil, nil
end

-- the history table's columns, for create and for `lmigrate sql`
function M.define(t)
  t:increments("id")
  t:string("migration"):unique()
  t:integer("batch")
  t:string("checksum", 64):nullable()
  t:datetime("ran_at"):use_current()
end

function Repo:create()
  if self:exists() then
    if self.laravel == nil then self:ran() end
    if self.laravel then self:upgrade() end
    return
  end
  self:forget()
  self.schema:create(self.name, M.define)
end

-- Laravel's history table gets lmigrate's columns (checksum NULL for
-- the rows there: status cannot tell whether their files changed)
function Repo:upgrade()
  self.schema:table(self.name, function(t)
    t:string("checksum", 64):nullable()
    t:datetime("ran_at"):use_current()
  end)
  self:forget()
  self.laravel = false
end

-- the largest batch the history holds: its batch column is INTEGER, 32 bits
-- on PostgreSQL and MySQL (SQLite is held to the same)
M.MAX_BATCH = 2147483647

-- a row the history table should not hold (edited by hand, a damaged
-- file): raised naming the row, before anything is decided from it
local function damaged(self, r, what)
  errors.raise("migration", ("the history table %s has a damaged row (id %s, migration %s): %s")
    :format(self.name, tostring(r.id), type(r.migration) == "string" and r.migration or "?", what))
end

local function check(self, r)
  if type(r.migration) ~= "string" or r.migration == "" then
    damaged(self, r, "its migration is not a name")
  end
  local b = r.batch
  if math.type(b) ~= "integer" or b < 1 or b > M.MAX_BATCH then
    damaged(self, r, ("its batch is %s, expected a whole number from 1 to %d")
      :format(b == core.null and "NULL" or ("'" .. tostring(b) .. "'"), M.MAX_BATCH))
  end
end

-- M.try_read(db, sql) -> the rows of 'sql', a SELECT of one of lmigrate's
-- own tables on MySQL; or nil, errno when it failed as ER_NO_SUCH_TABLE
-- (1146: the table is not there) or ER_BAD_FIELD_ERROR (1054: a column is
-- not, the journal's before an upgrade). The SELECT so tells what asking
-- information_schema first would (a round trip, 0.15-0.35 ms of the
-- server's at each run's start: bench/README.md, MySQL); a statement that
-- fails there changes nothing, neither the session nor an open transaction
-- (on PostgreSQL it would abort the transaction: MySQL only)
function M.try_read(db, sql)
  local ok, rows = pcall(db.query, db, sql)
  if ok then return rows end
  local errno = errors.is(rows) and rows.errno
  if errno == 1146 or errno == 1054 then return nil, errno end
  error(rows, 0)
end

-- whether a database error is "no such column" (the checksum of select_sql)
local function no_column(db, err)
  if not errors.is(err) or err.kind ~= "database" then return false end
  if db.driver == "postgres" then return err.code == "42703" end
  return tostring(err.message):find("no such column", 1, true) ~= nil
end

-- the rows of Laravel's history table, which has no checksum and ran_at
local function laravel_rows(self)
  self.laravel = true
  return self.db:query(self.laravel_sql)
end

-- the rows of select_sql, or nil when the table does not exist
local function read(self)
  local db = self.db
  if self.laravel then return db:query(self.laravel_sql) end
  if self.known or db.driver ~= "mysql" then
    if not self:exists() then return nil end
    local ok, rows = pcall(db.query, db, self.select_sql)
    if ok then return rows end
    -- PostgreSQL's failed SELECT has aborted an open transaction: no second one there
    if not no_column(db, rows) or (db.driver == "postgres" and db.depth > 0) then error(rows, 0) end
    return laravel_rows(self)
  end
  local rows, errno = M.try_read(db, self.select_sql)
  if errno == 1054 then rows = laravel_rows(self) end
  if rows then self.known = db.depth == 0 end
  return rows
end

-- every row, oldest first, each checked; none when the table does not
-- exist yet. Read once until the history changes: a run's start asks
-- three times (the pending migrations, and on MySQL the journal's reader
-- twice); not to be changed by the caller
function Repo:ran()
  if self.rows then return self.rows end
  local rows = read(self)
  if not rows then return {} end
  for _, r in ipairs(rows) do check(self, r) end
  if self.known then self.rows = rows end
  return rows
end

function Repo:log(migration, batch, checksum)
  self.rows = nil
  self.db:execute(self.insert_sql, migration, batch, checksum)
end

function Repo:delete(migration)
  self.rows = nil
  self.db:execute(self.delete_sql, migration)
end

return M
