-- lmigrate: the values a migration or seeder may need besides self.schema and self.db.
local core = require("lmigrate.core")

local M = {}

M.version = core.version
-- SQL NULL, in rows read and in values bound
M.null = core.null

-- a default value pasted verbatim: column:default(lmigrate.raw("CURRENT_DATE"))
function M.raw(sql)
  return core.raw(sql)
end

-- lmigrate.fake (lmigrate/fake/init.lua), loaded on first use
return setmetatable(M, { __index = function(t, k)
  if k ~= "fake" then return nil end
  local fake = require("lmigrate.fake")
  rawset(t, "fake", fake)
  return fake
end })
