-- A JSON encoder for what lmigrate prints: tables that are lists or
-- string-keyed objects, strings, numbers, booleans, nil/lmigrate.null.
local core = require("lmigrate.core")

local M = {}

local ESCAPES = { ['"'] = '\\"', ["\\"] = "\\\\", ["\b"] = "\\b", ["\f"] = "\\f",
                  ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t" }

local function string_of(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    return ESCAPES[c] or ("\\u%04x"):format(c:byte())
  end) .. '"'
end

local encode

local function object(t, keys)
  local parts = {}
  for i, k in ipairs(keys) do parts[i] = string_of(k) .. ":" .. encode(t[k]) end
  return "{" .. table.concat(parts, ",") .. "}"
end

function encode(v, keys)
  local ty = type(v)
  if v == nil or v == core.null then return "null" end
  if ty == "boolean" then return tostring(v) end
  if ty == "number" then
    if v ~= v or v == math.huge or v == -math.huge then return "null" end
    return math.type(v) == "integer" and tostring(v) or core.numtext(v)
  end
  if ty == "string" then return string_of(v) end
  if ty == "table" then
    if keys then return object(v, keys) end
    if v[1] ~= nil or next(v) == nil then
      local parts = {}
      for i, x in ipairs(v) do parts[i] = encode(x) end
      return "[" .. table.concat(parts, ",") .. "]"
    end
    local ks = {}
    for k in pairs(v) do ks[#ks + 1] = tostring(k) end
    table.sort(ks)
    return object(v, ks)
  end
  error("lmigrate: cannot encode a " .. ty .. " as JSON", 2)
end

-- encode(v [, keys]) -> JSON text; keys orders the fields of an object
M.encode = encode

return M
