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

return M
