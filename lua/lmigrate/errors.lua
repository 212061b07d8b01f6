-- Errors lmigrate raises on purpose: tables, so the CLI can tell bad
-- usage (2), a failed connection (3) and a failed migration (1) apart.
local M = {}

local Error = {}
Error.__index = Error
Error.__name = "lmigrate.Error"

local EXIT = { usage = 2, config = 2, connect = 3 }

function Error:__tostring()
  local parts = { self.message }
  if self.sql then parts[#parts + 1] = "SQL: " .. self.sql end
  return table.concat(parts, "\n")
end

function Error:exit_status()
  return EXIT[self.kind] or 1
end

function M.new(kind, message, fields)
  local e = fields or {}
  e.kind, e.message = kind, message
  return setmetatable(e, Error)
end

function M.raise(kind, message, fields)
  error(M.new(kind, message, fields), 0)
end

function M.is(v)
  return getmetatable(v) == Error
end

return M
