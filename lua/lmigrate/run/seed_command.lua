-- A seeder's self.command: Laravel's $this->command in a seeder, its
-- lines in the run's output (out: output.lua, or output_json.lua's events
-- under --json), so that a ported seeder's info(), warn() and table()
-- print where lmigrate's own lines go and --quiet holds them back.
local Command = {}
Command.__index = Command

local M = {}

function M.new(out)
  return setmetatable({ out = out }, Command)
end

local function text(method, msg)
  if msg == nil then return "" end
  if type(msg) ~= "string" and type(msg) ~= "number" then
    error(("lmigrate: self.command:%s expects text (string), got %s"):format(method, type(msg)), 3)
  end
  return tostring(msg)
end

-- info, line, comment, question: a line of the run's output
for _, name in ipairs { "info", "line", "comment", "question" } do
  Command[name] = function(self, msg)
    self.out:info(text(name, msg))
  end
end

-- warn, error: on stderr, as lmigrate's warnings ("lmigrate: warning: ");
-- error() stops nothing, as Laravel's prints and goes on
function Command:warn(msg) self.out:warn(text("warn", msg)) end
function Command:error(msg) self.out:warn(text("error", msg)) end

-- new_line(n = 1): n empty lines
function Command:new_line(n)
  for _ = 1, n or 1 do self.out:info("") end
end

-- alert(msg): the line framed in asterisks, as Laravel's
function Command:alert(msg)
  msg = text("alert", msg)
  local bar = ("*"):rep(#msg + 12)
  self.out:info(bar)
  self.out:info("*     " .. msg .. "     *")
  self.out:info(bar)
end

-- table(headers, rows): rows (lists, or tables keyed by the headers) in
-- columns under their headers
function Command:table(headers, rows)
  if type(headers) ~= "table" or type(rows) ~= "table" then
    error("lmigrate: self.command:table expects a list of headers and a list of rows", 2)
  end
  local cells, width = {}, {}
  local function cell(r, i)
    local v = r[i]
    if v == nil then v = r[headers[i]] end
    return v == nil and "" or tostring(v)
  end
  for i, h in ipairs(headers) do width[i] = #tostring(h) end
  for k, r in ipairs(rows) do
    cells[k] = {}
    for i = 1, #headers do
      cells[k][i] = cell(r, i)
      width[i] = math.max(width[i], #cells[k][i])
    end
  end
  local function line(list)
    local parts = {}
    for i = 1, #headers do parts[i] = list[i] .. (" "):rep(width[i] - #list[i]) end
    return "| " .. table.concat(parts, " | ") .. " |"
  end
  local rule = {}
  for i = 1, #headers do rule[i] = ("-"):rep(width[i]) end
  local head = {}
  for i, h in ipairs(headers) do head[i] = tostring(h) end
  self.out:info("+-" .. table.concat(rule, "-+-") .. "-+")
  self.out:info(line(head))
  self.out:info("+-" .. table.concat(rule, "-+-") .. "-+")
  for _, c in ipairs(cells) do self.out:info(line(c)) end
  self.out:info("+-" .. table.concat(rule, "-+-") .. "-+")
end

return M
