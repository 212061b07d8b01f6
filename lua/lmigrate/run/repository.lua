-- The history table: which migrations ran, in which batch, with which
-- checksum of their file. migrations(id, migration UNIQUE, batch, checksum, ran_at)
local Repo = {}
Repo.__index = Repo

local M = {}

function M.new(db, schema, name)
  local q = db.grammar:quote(name)
  return setmetatable({
    db = db,
    schema = schema,
    name = name,
    select_sql = "SELECT migration, batch, checksum, ran_at FROM " .. q .. " ORDER BY id",
    insert_sql = "INSERT INTO " .. q .. " (migration, batch, checksum) VALUES (?, ?, ?)",
    delete_sql = "DELETE FROM " .. q .. " WHERE migration = ?",
  }, Repo)
end

function Repo:exists()
  return self.schema:has_table(self.name)
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
  if self:exists() then return end
  self.schema:create(self.name, M.define)
end

-- every row, oldest first; none when the table does not exist yet
function Repo:ran()
  if not self:exists() then return {} end
  return self.db:query(self.select_sql)
end

function Repo:log(migration, batch, checksum)
  self.db:execute(self.insert_sql, migration, batch, checksum)
end

function Repo:delete(migration)
  self.db:execute(self.delete_sql, migration)
end

return M
