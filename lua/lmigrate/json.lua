-- A JSON encoder for what lmigrate prints: tables that are lists or
-- string-keyed objects, strings, numbers, booleans, nil/lmigrate.null.
local core = require("lmigrate.core")

local M = {}

local ESCAPES = { ['"'] = '\\"', ["\\"] = "\\\\", ["\b"] = "\\b", ["\f"] = "\\f",
                  ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t" }

-- JSON text must be UTF-8: a byte that starts no valid UTF-8 sequence (a
-- file or row named in Latin-1, say) goes as the code point of that byte
local function valid_utf8(s)
  local out, i = {}, 1
  while true do
    local n, bad = utf8.len(s, i)
    if n then
      out[#out + 1] = s:sub(i)
      return table.concat(out)
    end
    out[#out + 1] = s:sub(i, bad - 1)
    out[#out + 1] = ("\\u%04x"):format(s:byte(bad))
    i = bad + 1
  end
end

local function string_of(s)
  s = s:gsub('[%c"\\]', function(c)
    return ESCAPES[c] or ("\\u%04x"):format(c:byte())
  end)
  return '"' .. (utf8.len(s) and s or valid_utf8(s)) .. '"'
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
