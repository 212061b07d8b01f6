-- Base class of seeders: Seeder:extend("DatabaseSeeder"), with run().
local class = require("lmigrate.class")

local M = {}
M.__index = M
M.__name = "Seeder"

function M:extend(name)
  return class.extend(self, name, "Seeder")
end

-- self:call("PostSeeder"): runs databases/seeds/post_seeder.lua inside
-- this seeder's transaction
function M:call(name)
  if type(name) ~= "string" or name == "" then
    error("lmigrate: self:call expects a seeder class name (string)", 2)
  end
  if not self.seeds then
    error("lmigrate: self:call works only on a seeder run by lmigrate", 2)
  end
  return self.seeds:run(name)
end

return M
