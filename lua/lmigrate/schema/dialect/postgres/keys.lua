-- PostgreSQL's foreign key switch and checks, for schema/foreign_keys.lua.
-- As in Laravel, "off" is SET CONSTRAINTS ALL DEFERRED: the keys declared
-- DEFERRABLE are checked at COMMIT instead of at each statement, and the
-- others still at each statement. It lasts until the transaction ends.
-- PostgreSQL has no switch that lets a referenced table be dropped.
local inspect = require("lmigrate.schema.inspect")

local M = {}

M.off = "SET CONSTRAINTS ALL DEFERRED"
M.on = "SET CONSTRAINTS ALL IMMEDIATE"
-- the setting ends with the transaction: nothing to restore after it
M.scoped = true

function M.enforced() return true end

local KEYS = [[SELECT c.oid AS id, c.conname AS name, tc.relname AS "table",
    la.attname AS "column", fc.relname AS foreign_table, fa.attname AS foreign_column
  ]] .. require("lmigrate.schema.dialect.postgres.introspect").KEYS_FROM

-- the foreign keys of other tables referencing table t: { { table, name, columns }, ... }
function M.referencing(db, t)
  return inspect.foreign_keys(db:query(KEYS .. [[fc.relname = ? AND fn.nspname = current_schema()
    AND c.conrelid <> c.confrelid ORDER BY tc.relname, c.conname, k.ord]], t))
end

-- the keys a migration with the keys "off" can leave dangling: only the
-- deferrable ones wait; the others are checked at each statement
function M.checked(db)
  return inspect.foreign_keys(db:query(KEYS .. [[c.condeferrable AND tn.nspname = current_schema()
    ORDER BY tc.relname, c.conname, k.ord]]))
end

return M
