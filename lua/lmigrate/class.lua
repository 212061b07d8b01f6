-- The base classes' extend (Migration:extend("CreateUsersTable"),
-- Seeder:extend("DatabaseSeeder")): a subclass whose instances see its
-- methods, then the base's.
local M = {}

-- extend(base, name, what) -> a new class named 'name' deriving from 'base';
-- 'what' names the base in the error a bad name raises
function M.extend(base, name, what)
  if type(name) ~= "string" or name == "" then
    error("lmigrate: " .. what .. ":extend expects a class name (string)", 3)
  end
  local class = setmetatable({ __name = name }, base)
  class.__index = class
  return class
end

return M
