-- MySQL's and MariaDB's foreign key switch and checks, for
-- schema/foreign_keys.lua: SET FOREIGN_KEY_CHECKS, a session variable,
-- thrown at once, in a transaction or not. With the checks off a table
-- others reference can be dropped (their rows stay) and any row can be
-- written: every key of the database is checked before the commit.
local inspect = require("lmigrate.schema.inspect")

local M = {}

M.off = "SET FOREIGN_KEY_CHECKS = 0"
M.on = "SET FOREIGN_KEY_CHECKS = 1"
M.drop_when_off = true
-- TRUNCATE fails on a table a key references, even with no child rows
M.truncate_refused = true
-- and DROP TABLE while the keys are enforced: MariaDB's 1451, MySQL 8's
-- 3730 (foreign_keys.lua names the tables once the server has refused)
M.drop_refused = { [1451] = true, [3730] = true }

function M.enforced(db)
  local row = db:first("SELECT @@foreign_key_checks AS `on`")
  return row ~= nil and inspect.truthy(row.on)
end

local KEYS = "SELECT kc.constraint_name AS `name`, kc.table_name AS `table`, "
  .. "kc.column_name AS `column`, kc.referenced_table_name AS `foreign_table`, "
  .. "kc.referenced_column_name AS `foreign_column` FROM information_schema.key_column_usage kc "
  .. "WHERE kc.table_schema = schema() AND kc.referenced_table_name IS NOT NULL "

local ORDER = "ORDER BY kc.table_name, kc.constraint_name, kc.ordinal_position"

-- the foreign keys of other tables referencing table t: { { table, name, columns }, ... }
function M.referencing(db, t)
  return inspect.foreign_keys(db:query(KEYS .. "AND kc.referenced_table_schema = schema() "
    .. "AND kc.referenced_table_name = ? AND kc.table_name <> ? " .. ORDER, t, t))
end

-- every foreign key of the database: with the checks off, any can dangle
function M.checked(db)
  return inspect.foreign_keys(db:query(KEYS .. ORDER))
end

return M
