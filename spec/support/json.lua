-- A small strict JSON decoder for the specs of --json output: null decodes
-- to NULL, so that a key whose value is null stays visible
local M = {}

M.NULL = setmetatable({}, { __tostring = function() return "null" end })

function M.decode(s)
  local pos = 1
  local function fail(msg)
    error(("bad JSON at byte %d: %s\n%s"):format(pos, msg, s), 0)
  end
  local function ws()
    pos = s:find("[^ \t\r\n]", pos) or (#s + 1)
  end
  local function peek() return s:sub(pos, pos) end
  local ESC = { ['"'] = '"', ["\\"] = "\\", ["/"] = "/", b = "\b", f = "\f", n = "\n",
                r = "\r", t = "\t" }
  local function str()
    if peek() ~= '"' then fail("string expected") end
    pos = pos + 1
    local out = {}
    while true do
      local c = peek()
      if c == "" then fail("unterminated string") end
      if c == '"' then pos = pos + 1 break end
      if c == "\\" then
        local e = s:sub(pos + 1, pos + 1)
        if ESC[e] then
          out[#out + 1] = ESC[e]
          pos = pos + 2
        elseif e == "u" then
          local hex = s:sub(pos + 2, pos + 5)
          if not hex:match("^%x%x%x%x$") then fail("bad \\u escape") end
          out[#out + 1] = utf8.char(tonumber(hex, 16))
          pos = pos + 6
        else
          fail("bad escape")
        end
      elseif c:byte() < 32 then
        fail("control character in a string")
      else
        out[#out + 1] = c
        pos = pos + 1
      end
    end
    return table.concat(out)
  end
  local value
  local function object()
    pos = pos + 1
    local obj = {}
    ws()
    if peek() == "}" then pos = pos + 1 return obj end
    while true do
      ws()
      local k = str()
      if obj[k] ~= nil then fail("duplicate key " .. k) end
      ws()
      if peek() ~= ":" then fail("':' expected") end
      pos = pos + 1
      obj[k] = value()
      ws()
      local d = peek()
      pos = pos + 1
      if d == "}" then return obj end
      if d ~= "," then fail("',' or '}' expected") end
    end
  end
  local function array()
    pos = pos + 1
    local list = {}
    ws()
    if peek() == "]" then pos = pos + 1 return list end
    while true do
      list[#list + 1] = value()
      ws()
      local d = peek()
      pos = pos + 1
      if d == "]" then return list end
      if d ~= "," then fail("',' or ']' expected") end
    end
  end
  function value()
    ws()
    local c = peek()
    if c == "{" then return object() end
    if c == "[" then return array() end
    if c == '"' then return str() end
    for word, v in pairs { ["true"] = true, ["false"] = false, ["null"] = M.NULL } do
      if s:sub(pos, pos + #word - 1) == word then
        pos = pos + #word
        return v
      end
    end
    local num = s:match("^-?%d+%.?%d*[eE]?[-+]?%d*", pos)
    if num and num ~= "" and num ~= "-" then
      pos = pos + #num
      return math.tointeger(tonumber(num)) or tonumber(num)
    end
    fail("value expected")
  end
  local v = value()
  ws()
  if pos <= #s then fail("trailing text") end
  return v
end

-- lines(s) -> the JSON value of each line of s (NDJSON)
function M.lines(s)
  local t = {}
  for line in s:gmatch("[^\n]+") do t[#t + 1] = M.decode(line) end
  return t
end

return M
