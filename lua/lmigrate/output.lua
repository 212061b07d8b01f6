-- What lmigrate prints, all of it: one line per migration with its time,
-- colour only on a terminal, nothing but errors with --quiet; a command's
-- result (help, a script, JSON) through print, which --quiet keeps; the
-- production guard's question.
local core = require("lmigrate.core")
local errors = require("lmigrate.errors")
local redact = require("lmigrate.redact")

local Out = {}
Out.__index = Out

local M = {}

local WIDTH = 78
local COLORS = { green = "32", red = "31", yellow = "33", gray = "90", bold = "1" }

-- colour on descriptor fd: a terminal, and NO_COLOR unset or empty (no-color.org)
local function colored(fd)
  local no = os.getenv("NO_COLOR")
  return (no == nil or no == "") and core.isatty(fd)
end

function M.new(opts)
  opts = opts or {}
  return setmetatable({
    quiet = opts.quiet or false,
    color = opts.color == nil and colored(1) or opts.color,
    ecolor = opts.color == nil and colored(2) or opts.color,
    prefix = opts.prefix,
    stdout = opts.stdout or io.stdout,
    stderr = opts.stderr or io.stderr,
  }, Out)
end

function Out:with_prefix(prefix)
  local o = setmetatable({}, { __index = self })
  o.prefix = prefix
  return o
end

-- 's' with its control characters written as \xNN, so that no name or
-- message (a file name, a database's text) moves the cursor or sends a
-- terminal escape; 'lines' keeps newlines and tabs (multi-line messages)
local function safe(s, lines)
  s = tostring(s)
  local pattern = lines and "[%z\1-\8\11-\31\127]" or "[%z\1-\31\127]"
  return (s:gsub(pattern, function(c) return ("\\x%02x"):format(c:byte()) end))
end
M.safe = safe

local function paint(on, color, s)
  if not on then return s end
  return "\27[" .. COLORS[color] .. "m" .. s .. "\27[0m"
end

function Out:write(s)
  if self.quiet then return end
  self.stdout:write(s, "\n")
end

-- print(s): a command's result (help, the sql script, status --json), which
-- is what the user asked for: --quiet does not hold it back
function Out:print(s)
  self.stdout:write(s, "\n")
end

-- ask(question) -> the answer line, or nil at end of input
function Out:ask(question)
  self.stderr:write(question)
  self.stderr:flush()
  return io.stdin:read("l")
end

function Out:info(msg)
  local p = self.prefix and ("[" .. self.prefix .. "] ") or ""
  self:write("  " .. p .. safe(msg, true))
end

-- "  name ........................ detail STATUS"
function Out:row(name, detail, status, color)
  local p = self.prefix and ("[" .. self.prefix .. "] ") or ""
  local left = "  " .. p .. safe(name) .. " "
  local right = " " .. (detail ~= "" and (detail .. " ") or "") .. status
  local dots = math.max(3, WIDTH - #left - #right)
  self:write(left .. paint(self.color, "gray", string.rep(".", dots))
    .. (detail ~= "" and (" " .. paint(self.color, "gray", detail)) or "")
    .. " " .. paint(self.color, color, status))
end

local function ms(seconds)
  local v = seconds * 1000
  if v >= 100 then return ("%.0fms"):format(v) end
  return ("%.2fms"):format(v)
end

function Out:finish(name, seconds, ok)
  self:row(name, ms(seconds), ok and "DONE" or "FAIL", ok and "green" or "red")
end

-- an lmigrate error (or any error value) on stderr; every piece of text in
-- it made terminal-safe (names and messages may come from anywhere)
function Out:error(err)
  local lines = {}
  local p = self.prefix and ("[" .. safe(self.prefix) .. "] ") or ""
  local head = paint(self.ecolor, "red", "lmigrate: ")
  local function text(v) return safe(redact.text(errors.text(v)), true) end
  if type(err) == "table" and err.kind then
    if err.migration or err.seeder then
      lines[#lines + 1] = head .. p .. (err.migration and ("migration " .. safe(err.migration))
        or ("seeder " .. safe(err.seeder))) .. (err.load and " could not be loaded" or " failed")
      if err.file then
        lines[#lines + 1] = "  in " .. safe(err.file) .. (err.line and (":" .. err.line) or "")
      end
      if err.sql then lines[#lines + 1] = "  SQL: " .. text(err.sql) end
      lines[#lines + 1] = "  error: " .. text(err.message)
      for _, d in ipairs(err.details or {}) do lines[#lines + 1] = "  " .. text(d) end
    else
      lines[#lines + 1] = head .. p .. text(err.message)
      if err.sql then lines[#lines + 1] = "  SQL: " .. text(err.sql) end
    end
  else
    lines[#lines + 1] = head .. p .. "internal error: " .. text(err)
  end
  self.stderr:write(table.concat(lines, "\n"), "\n")
end

return M
