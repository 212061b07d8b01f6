-- The shadow of `migrate --pretend` and `lmigrate sql` on SQLite: an
-- in-memory SQLite holding a copy of the database's schema (no rows), in
-- which every statement printed really runs, so that a table rebuild,
-- which must read the table it rebuilds, reads it there (a table an
-- earlier pending migration creates included); the real database is
-- never touched. db/pretend.lua keeps it in step; the rebuild reads it
-- (schema/dialect/sqlite/rebuild.lua).
local core = require("lmigrate.core")
local DB = require("lmigrate.db")

local M = {}

-- the schema of a SQLite database, tables first, as it was written
local SCHEMA = [[SELECT "sql" FROM "sqlite_master" WHERE "sql" IS NOT NULL
  AND "name" NOT LIKE 'sqlite_%' ORDER BY CASE "type" WHEN 'table' THEN 0 WHEN 'index' THEN 1
  WHEN 'view' THEN 2 ELSE 3 END, "rowid"]]

-- open(grammar, source?) -> a DB on a new in-memory SQLite with the schema
-- of 'source' (a DB on SQLite; nil: empty), foreign keys off (it has no
-- rows to check), and a close function
function M.open(grammar, source)
  local conn = assert(core.connect("sqlite", ":memory:"))
  assert(conn:exec("PRAGMA foreign_keys = OFF"))
  if source then
    for _, row in ipairs(source:query(SCHEMA)) do
      local ok, msg = conn:exec(row.sql)
      if not ok then
        conn:close()
        error(("the shadow database cannot copy the schema: %s: %s"):format(row.sql, msg), 0)
      end
    end
  end
  return DB.new(conn, grammar), function() conn:close() end
end

return M
