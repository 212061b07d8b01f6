-- What lmigrate prints, all of it: one line per migration with its time,
-- colour only on a terminal (not with NO_COLOR, TERM=dumb or --no-color),
-- nothing but errors with --quiet; a command's result (help, a script,
-- JSON) through print, which --quiet keeps; the production guard's
-- question. On a terminal a migration's name is written when it starts
-- and its line completed when it ends (start, then finish); elsewhere the
-- line is written at the end. A step that starts while another is still
-- open (a seeder calling another) gets that one a RUNNING line first, so
-- the list is in the order they started. The dotted lines are as wide as
-- the terminal (COLUMNS, else the terminal's own width; 78 elsewhere).
local core = require("lmigrate.core")
local errors = require("lmigrate.errors")
local redact = require("lmigrate.redact")

local Out = {}
Out.__index = Out

local M = { class = Out }

local WIDTH, MIN_WIDTH, MAX_WIDTH = 78, 40, 150
local COLORS = { green = "32", red = "31", yellow = "33", gray = "90", bold = "1" }

-- colour on descriptor fd: a terminal that is not TERM=dumb, and NO_COLOR
-- unset or empty (no-color.org)
local function colored(fd)
  local no = os.getenv("NO_COLOR")
  return (no == nil or no == "") and os.getenv("TERM") ~= "dumb" and core.isatty(fd)
end

-- width() -> the columns of the dotted lines: COLUMNS when it is a
-- number, else stdout's terminal's width, else 78; kept within 40..150
function M.width()
  local w = math.tointeger(tonumber(os.getenv("COLUMNS") or ""))
  if not w or w <= 0 then w = core.termwidth and core.termwidth(1) or nil end
  if not w then return WIDTH end
  return math.max(MIN_WIDTH, math.min(MAX_WIDTH, w))
end

-- opts: quiet, verbose (each statement as it runs), color (false:
-- --no-color; nil: as the terminal and the environment say), width, live
-- (a step's line written at its start; default: stdout is a terminal)
function M.new(opts)
  opts = opts or {}
  local color, ecolor = opts.color, opts.color
  if color == nil then color, ecolor = colored(1), colored(2) end
  return setmetatable({
    quiet = opts.quiet or false,
    verbose = opts.verbose or false,
    color = color,
    ecolor = ecolor,
    prefix = opts.prefix,
    stdout = opts.stdout or io.stdout,
    stderr = opts.stderr or io.stderr,
    width = opts.width or M.width(),
    live = opts.live == nil and core.isatty(1) or opts.live,
    steps = {},    -- the steps started and not finished, innermost last
  }, Out)
end

-- the same output under a connection's name: several run at once, so no
-- line is left open for a step
function Out:with_prefix(prefix)
  local o = setmetatable({}, { __index = self })
  o.prefix = prefix
  o.live = false
  o.steps = {}
  return o
end

-- 's' with its control characters written as \xNN, so that no name or
-- message (a file name, a database's text) moves the cursor or sends a
-- terminal escape; 'lines' keeps newlines and tabs (multi-line messages)
local function safe(s, lines)
  s = tostring(s)
  local pattern = lines and "[%z\1-\8\11-\31\127]" or "[%z\1-\31\127]"
  -- most text has none: find makes no copy, gsub always does
  if not s:find(pattern) then return s end
  return (s:gsub(pattern, function(c) return ("\\x%02x"):format(c:byte()) end))
end
M.safe = safe

local function paint(on, color, s)
  if not on then return s end
  return "\27[" .. COLORS[color] .. "m" .. s .. "\27[0m"
end

-- ends the line a started step left open, before anything else is
-- written: "RUNNING" (finish writes the step's whole line then)
-- a step line that progress() drew over is written back to its name
local function unprogress(self, step)
  if not step.progressed then return end
  self.stdout:write("\r", (self:row_parts(step.name, "", "", "gray")), "\27[K")
  step.progressed = false
end

function Out:close_line()
  local open = rawget(self, "open")
  if open then
    unprogress(self, open)
    local _, rest = self:row_parts(open.name, "", "RUNNING", "yellow")
    self.stdout:write(rest, "\n")
    open.partial, open.shown = false, true
    self.open = nil
  end
end

function Out:write(s)
  if self.quiet then return end
  self:close_line()
  self.stdout:write(s, "\n")
end

-- print(s): a command's result (help, the sql script, status --json), which
-- is what the user asked for: --quiet does not hold it back
function Out:print(s)
  self:close_line()
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

-- the two parts of "  name ........................ detail STATUS": the
-- name, and the dots with what follows them
function Out:row_parts(name, detail, status, color)
  local p = self.prefix and ("[" .. self.prefix .. "] ") or ""
  local left = "  " .. p .. safe(name) .. " "
  local right = " " .. (detail ~= "" and (detail .. " ") or "") .. status
  local dots = math.max(3, self.width - #left - #right)
  return left, paint(self.color, "gray", string.rep(".", dots))
    .. (detail ~= "" and (" " .. paint(self.color, "gray", detail)) or "")
    .. " " .. paint(self.color, color, status)
end

function Out:row(name, detail, status, color)
  local left, rest = self:row_parts(name, detail, status, color)
  self:write(left .. rest)
end

-- start(name): a step (a migration, a seeder) begins. On a terminal its
-- name is written now and the line completed by finish; one still open
-- around it gets its RUNNING line first.
function Out:start(name)
  if self.quiet then return end
  local outer = self.steps[#self.steps]
  if outer and outer.name == name then return end   -- run again (foreign keys off)
  self:close_line()
  if outer and not outer.shown then
    self:row(outer.name, "", "RUNNING", "yellow")
    outer.shown = true
  end
  local step = { name = name }
  self.steps[#self.steps + 1] = step
  if self.live then
    self.stdout:write((self:row_parts(name, "", "", "gray")))
    if self.stdout.flush then self.stdout:flush() end
    step.partial = true
    self.open = step
  elseif self.verbose then
    -- its statements follow: they are under its name
    self:row(name, "", "RUNNING", "yellow")
    step.shown = true
  end
end

local function ms(seconds)
  local v = seconds * 1000
  if v >= 100 then return ("%.0fms"):format(v) end
  return ("%.2fms"):format(v)
end

function Out:finish(name, seconds, ok)
  local step = self.steps[#self.steps]
  if step and step.name == name then self.steps[#self.steps] = nil else step = nil end
  local status, color = ok and "DONE" or "FAIL", ok and "green" or "red"
  if self.quiet then return end
  if step and step.partial and rawget(self, "open") == step then
    unprogress(self, step)
    local _, rest = self:row_parts(name, ms(seconds), status, color)
    self.stdout:write(rest, "\n")
    self.open = nil
    return
  end
  self:row(name, ms(seconds), status, color)
end

-- progress(text): on a terminal, what the open step has done so far
-- ("12000 rows, 8000 rows/s"), drawn after its name until it finishes;
-- nothing elsewhere (a log gets the finished line only)
function Out:progress(text)
  local step = rawget(self, "open")
  if self.quiet or not step then return end
  self.stdout:write("\r", (self:row_parts(step.name, "", "", "gray")), paint(self.color, "gray", text),
    "\27[K")
  if self.stdout.flush then self.stdout:flush() end
  step.progressed = true
end

-- waiting(line, fields): a statement waits for a lock held by another
-- session (run/side.lua); lock_timeout(line, fields): the lock was not
-- granted in time, and what happens next (run/retry.lua). The fields are
-- those of --json's events (output_json.lua); the terminal gets the line.
function Out:waiting(line) self:info(line) end
function Out:lock_timeout(line) self:info(line) end

-- statement(sql, seconds): --verbose, a statement that ran and its time
function Out:statement(sql, seconds)
  if not self.verbose then return end
  local p = self.prefix and ("[" .. self.prefix .. "] ") or ""
  self:write("    " .. p .. paint(self.color, "gray", ms(seconds)) .. " " .. safe(sql, true))
end

-- warn(msg): something the run goes on after, on stderr ("lmigrate:
-- warning: ..."); --quiet keeps it back
function Out:warn(msg)
  if self.quiet then return end
  self:close_line()
  local p = self.prefix and ("[" .. safe(self.prefix) .. "] ") or ""
  self.stderr:write(paint(self.ecolor, "yellow", "lmigrate: warning: ") .. p .. safe(msg, true), "\n")
end

-- an lmigrate error (or any error value) on stderr; every piece of text in
-- it made terminal-safe (names and messages may come from anywhere)
function Out:error(err)
  self:close_line()
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
