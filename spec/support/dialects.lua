-- spec/support/dialects.lua: the dialects the integration specs run on.
--
--   for _, dialect in dialects.each_dialect() do
--     describe("migrate [#" .. dialect .. "]", function() ... end)
--   end
--
-- Each dialect is a file of spec/support/dialect/ named in ORDER; one with
-- a server joins when spec.support.servers finds it, and when it does not,
-- each_dialect registers what that means (servers.missing: failing under
-- CI or when LMIGRATE_SPEC_DIALECTS asks for it, pending elsewhere). A new
-- dialect is one file there and one name here (mysql runs on MariaDB:
-- spec/support/dialect/mysql.lua).
local busted = require("busted")
local base = require("spec.support.dialect.base")
local servers = require("spec.support.servers")

local M = {}

local ORDER = { "sqlite", "postgres", "mysql" }

M.core = base.core

-- name -> dialect, for those this run has (a server found, or none needed)
M.dialects = {}

local absent = {}   -- name -> { dialect, reason, asked }

for _, name in ipairs(ORDER) do
  local d = require("spec.support.dialect." .. name)
  if d.server then
    local server, reason, asked = servers.find(d.server)
    if server then
      d:attach(server)
      M.dialects[name] = d
    else
      absent[name] = { d, reason, asked }
    end
  else
    M.dialects[name] = d
  end
end

-- LMIGRATE_SPEC_DIALECTS=sqlite,postgres narrows the list
local function wanted(name)
  local want = os.getenv("LMIGRATE_SPEC_DIALECTS")
  return not want or want:find(name, 1, true) ~= nil, want
end

-- Kong's each_strategy: for _, dialect in dialects.each_dialect() do ... end.
-- A dialect left out is a pending test that says why, or a failing one.
function M.each_dialect()
  local list = {}
  for _, name in ipairs(ORDER) do
    local want, narrowed = wanted(name)
    if not want then
      busted.pending(("[#%s] specs: left out by LMIGRATE_SPEC_DIALECTS=%s"):format(name, narrowed))
    elseif M.dialects[name] then
      list[#list + 1] = M.dialects[name]
    else
      local d, reason, asked = table.unpack(absent[name])
      if narrowed then
        reason, asked = ("LMIGRATE_SPEC_DIALECTS=%s asks for it, but %s"):format(narrowed, reason), true
      end
      servers.missing(d.server, "the [#" .. name .. "] specs of this file", reason, asked)
    end
  end
  return ipairs(list)
end

return M
