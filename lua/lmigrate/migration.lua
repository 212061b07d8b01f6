-- Base class of migrations: Migration:extend("CreateUsersTable").
local M = {}
M.__index = M
M.__name = "Migration"

-- each migration runs in its own transaction unless a class sets false
M.transaction = true

function M:extend(name)
  if type(name) ~= "string" or name == "" then
    error("lmigrate: Migration:extend expects a class name (string)", 2)
  end
  local class = setmetatable({ __name = name }, self)
  class.__index = class
  return class
end

return M
