-- Base class of migrations: Migration:extend("CreateUsersTable").
local class = require("lmigrate.class")

local M = {}
M.__index = M
M.__name = "Migration"

-- each migration runs in its own transaction unless a class sets false
M.transaction = true

function M:extend(name)
  return class.extend(self, name, "Migration")
end

-- self:get_connection(): Laravel's Migration::getConnection, the class's
-- 'connection' (nil unless set), for self.schema:connection(...)
function M:get_connection()
  return self.connection
end

-- self:backfill(table, { batch, pause, key, where }, function(rows, db) ... end)
-- or self:backfill(table, { set = { column = value }, ... }): a walk of the
-- table in key order, in batches of their own after up (or down) commits
-- (run/backfill.lua)
function M:backfill(tbl, opts, fn)
  return require("lmigrate.run.backfill").call(self, tbl, opts, fn)
end

return M
