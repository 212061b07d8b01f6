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
-- 'connection' (nil unless set): the connection of lmigrate.lua its up and
-- down run on (run/others.lua); overriding it moves the migration too
function M:get_connection()
  return self.connection
end

-- self:backfill(table, { batch, pause, key, where }, function(rows, db) ... end)
-- or self:backfill(table, { set = { column = value }, ... }): a walk of the
-- table in key order, in batches of their own after up (or down) commits
-- (run/backfill.lua)
function M:backfill(tbl, opts, fn)
  if rawget(self, "on_connection") then
    error(("lmigrate: self:backfill in a migration on connection '%s': a backfill walks only the"
      .. " connection being migrated"):format(self.on_connection), 2)
  end
  return require("lmigrate.run.backfill").call(self, tbl, opts, fn)
end

return M
