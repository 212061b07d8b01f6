-- --json of migrate, rollback, reset, refresh, fresh and seed: what the run
-- says, as events, one JSON object a line on stdout (NDJSON), for a deploy
-- pipeline to read as it goes. Each event names the connection; the
-- terminal's lines become "migrating" and "migrated" (a down: "rolling_back",
-- "rolled_back"; a seeder: "seeding", "seeded"),
-- "failed", "waiting" (who holds the lock a statement waits for, from the
-- second connection: run/side.lua), "lock_timeout" (the lock not granted
-- in time, and the retry: run/retry.lua), "statement" (--verbose),
-- "lint", "info" and "error". Warnings and the error's text stay on stderr
-- as they are. The sink is an Out (output.lua) whose methods write events.
local errors = require("lmigrate.errors")
local json = require("lmigrate.json")
local redact = require("lmigrate.redact")
local output = require("lmigrate.output")

local Json = setmetatable({}, { __index = output.class })
Json.__index = Json

local M = {}

-- the order of an event's fields: these first, the rest sorted
local FIRST = { "event", "connection", "migration", "seeder" }

-- the verbs of a direction, and the field naming its steps
local VERBS = {
  up = { "migrating", "migrated", key = "migration" },
  down = { "rolling_back", "rolled_back", key = "migration" },
  seed = { "seeding", "seeded", key = "seeder" },
}

local function ms(seconds) return math.floor(seconds * 1000 + 0.5) end
M.ms = ms

-- new(out, connection, direction) -> the sink over 'out' (its stdout,
-- stderr and --quiet, --verbose); 'connection' names the events of a run
-- on one connection (several: with_prefix names each)
function M.new(out, connection, direction)
  local o = setmetatable({}, Json)
  o.base, o.connection, o.verbs = out, connection, VERBS[direction or "up"]
  o.live, o.steps, o.json = false, {}, true
  o.stdout, o.stderr, o.quiet, o.verbose = out.stdout, out.stderr, out.quiet, out.verbose
  o.width, o.color, o.ecolor = out.width, false, out.ecolor
  return o
end

-- phase(out, direction): the steps from now on are ups, downs or seeders
-- (refresh rolls back, then migrates, then seeds); nothing without --json
function M.phase(out, direction)
  if getmetatable(out) == Json then out.verbs = VERBS[direction] end
end

function Json:with_prefix(prefix)
  local o = M.new(self.base, prefix)
  o.verbs, o.prefix = self.verbs, prefix
  return o
end

-- event(t): one line; t.event first, then the connection and the migration
-- or seeder (the step open now, unless t names one)
function Json:event(t)
  t.connection = t.connection or self.connection
  local open, key = self.steps[#self.steps], self.verbs.key
  if t[key] == nil and open and t.event ~= "info" then t[key] = open.name end
  local keys, seen = {}, {}
  for _, k in ipairs(FIRST) do
    if t[k] ~= nil then keys[#keys + 1], seen[k] = k, true end
  end
  local rest = {}
  for k in pairs(t) do
    if not seen[k] then rest[#rest + 1] = k end
  end
  table.sort(rest)
  for _, k in ipairs(rest) do keys[#keys + 1] = k end
  self.stdout:write(json.encode(t, keys), "\n")
  if self.stdout.flush then self.stdout:flush() end
end

-- no line is left open, no progress drawn over one
function Json.close_line() end
function Json.progress() end

-- a line of text (the lint's, a note): an info event
function Json:write(s)
  if self.quiet then return end
  self:event({ event = "info", message = (tostring(s):gsub("^%s+", "")) })
end

function Json:info(msg) self:write(msg) end

function Json:print(s) self:event({ event = "info", message = tostring(s) }) end

function Json:row(name, detail, status)
  self:event({ event = "step", name = name, detail = detail ~= "" and detail or nil,
               status = status })
end

function Json:start(name)
  local outer = self.steps[#self.steps]
  if outer and outer.name == name then return end   -- run again (foreign keys off)
  self.steps[#self.steps + 1] = { name = name }
  self:event({ event = self.verbs[1], [self.verbs.key] = name })
end

-- finish(name, seconds, ok, err): err, the failure's (the failed event's error)
function Json:finish(name, seconds, ok, err)
  local step = self.steps[#self.steps]
  if step and step.name == name then self.steps[#self.steps] = nil end
  self:event({ event = ok and self.verbs[2] or "failed", [self.verbs.key] = name, ms = ms(seconds),
               error = err and redact.text(errors.text(errors.is(err) and err.message or err))
                 or nil })
end

function Json:statement(sql, seconds)
  if not self.verbose then return end
  self:event({ event = "statement", sql = sql, ms = ms(seconds) })
end

-- waiting(line, w): a statement waits for a lock (run/side.lua's fields)
function Json:waiting(_, w)
  self:event(w)
end

-- lock_timeout(line, t): the lock was not granted in time (run/retry.lua's fields)
function Json:lock_timeout(_, t)
  self:event(t)
end

-- error(err): the event, and the text on stderr as always
function Json:error(err)
  local t = { event = "error", message = redact.text(errors.text(errors.is(err) and err.message
    or err)) }
  if errors.is(err) then
    t.migration, t.seeder, t.file = err.migration, err.seeder, err.file
    t.sql = err.sql and redact.text(err.sql) or nil
    t.code = err.code
  end
  self:event(t)
  output.class.error(self, err)
end

-- run(out, cfg, direction, fn): fn(sink) under the sink; a failure gets
-- its error event (the text goes to stderr as without --json) -> fn's result
function M.run(out, cfg, direction, fn)
  local one = #cfg.connections == 1 and cfg.connections[1].name or nil
  local sink = M.new(out, one, direction)
  local ok, err = pcall(fn, sink)
  if ok then return err end
  if not (errors.is(err) and err.reported) then
    sink:error(err)
    if errors.is(err) then err.reported = true end
  end
  error(err, 0)
end

return M
