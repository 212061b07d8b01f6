-- A backfill's progress as it runs (run/backfill.lua): on a terminal one
-- line, redrawn at most five times a second, with the rows done, rows/s
-- and an estimate of the time left; elsewhere (a log, a pipe, several
-- connections at once) a line every INTERVAL seconds; nothing with --quiet.
-- The last line says how many rows the backfill did, in how long.
local core = require("lmigrate.core")
local safe = require("lmigrate.output").safe

local M = {}

local INTERVAL, REDRAW = 10, 0.2

local P = {}
P.__index = P

local function clock(seconds)
  seconds = math.floor(seconds + 0.5)
  if seconds >= 3600 then
    return ("%d:%02d:%02d"):format(seconds // 3600, seconds % 3600 // 60, seconds % 60)
  end
  return ("%d:%02d"):format(seconds // 60, seconds % 60)
end

-- new(out, b, done, count): count() -> the rows still to walk, read only
-- for a terminal's estimate
function M.new(out, b, done, count)
  local self = setmetatable({ out = out, b = b, start = done, t0 = core.clock(), shown = core.clock() },
    P)
  if out.quiet then self.off = true return self end
  self.tty = out.stdout == io.stdout and not out.prefix and core.isatty(1)
  if self.tty then
    local ok, left = pcall(count)
    self.total = ok and math.tointeger(left) and done + left or nil
  end
  out:info(("Backfilling %s in batches of %d%s."):format(b.table, b.batch,
    done > 0 and (", after %d rows done"):format(done) or ""))
  return self
end

function P:rate(done)
  local dt = core.clock() - self.t0
  return dt > 0 and (done - self.start) / dt or 0
end

function P:update(done)
  if self.off then return end
  local now = core.clock()
  if now - self.shown < (self.tty and REDRAW or INTERVAL) then return end
  self.shown = now
  local rate = self:rate(done)
  local text = ("  backfill %s: %d rows, %.0f rows/s"):format(safe(self.b.table), done, rate)
  if self.tty then
    if self.total and rate > 0 and self.total > done then
      text = text .. (", %s left"):format(clock((self.total - done) / rate))
    end
    self.out.stdout:write("\r", text, "\27[K")
    self.out.stdout:flush()
    self.drawn = true
  else
    self.out:write(text)
  end
end

function P:stop(ok, done)
  if self.off then return end
  if self.drawn then self.out.stdout:write("\r\27[K") end
  if ok then
    local dt = core.clock() - self.t0
    self.out:info(("Backfilled %s: %d rows in %.2fs (%.0f rows/s)."):format(self.b.table, done, dt,
      self:rate(done)))
  end
end

return M
