-- Runs seeders: databases/seeds/<snake_name>.lua, each in a transaction
-- of its own (a savepoint inside a calling seeder's), so a seeder that
-- fails leaves no rows behind.
local backfill = require("lmigrate.run.backfill")
local command = require("lmigrate.run.seed_command")
local core = require("lmigrate.core")
local errors = require("lmigrate.errors")
local invoke = require("lmigrate.run.invoke")
local keys = require("lmigrate.schema.foreign_keys")
local names = require("lmigrate.names")
local Pretend = require("lmigrate.db.pretend")
local Schema = require("lmigrate.schema")
local Seeder = require("lmigrate.seeder")
local txcontrol = require("lmigrate.db.txcontrol")

local Seeds = {}
Seeds.__index = Seeds

-- the output of a silent seeder: no line of its own
local QUIET = { start = function() end, finish = function() end }

local M = {}

-- an output that prints nothing (self:seed in a migration linted or printed)
local function nothing() end
M.MUTE = { start = nothing, finish = nothing, info = nothing, warn = nothing, progress = nothing }

-- ctx: { db, schema, path, out[, fake] }: fake, the run's lmigrate.fake
function M.new(ctx)
  return setmetatable(ctx, Seeds)
end

local function load(self, name)
  local file = self.path .. "/" .. names.snake(name) .. ".lua"
  local entry = { name = name, file = file }
  local function bad(msg)
    local line = tostring(msg):match(file:gsub("%p", "%%%0") .. ":(%d+):")
    errors.raise("migration", msg, { seeder = name, file = file, load = true,
                                     line = line and tonumber(line) })
  end
  if not name:match("^[%w_]+$") then bad(("'%s' is not a seeder class name"):format(name)) end
  local chunk, err = loadfile(file, "t")
  if not chunk then
    if not io.open(file, "r") then bad(("no seeder %s: %s does not exist"):format(name, file)) end
    bad(err)
  end
  local ok, class = pcall(chunk)
  if not ok then bad(errors.text(class)) end
  if type(class) ~= "table" or type(class.run) ~= "function" then
    bad(file .. " returns no seeder (expected Seeder:extend(...) with a run function)")
  end
  entry.class = class
  return entry
end

-- a failure of the rows a seeder's inserts left in a COPY (PostgreSQL),
-- raised once it returned, or of the foreign key check or the COMMIT
-- after it: named after the seeder (and the insert's line)
local function placed(err, entry)
  if not errors.is(err) or err.seeder or err.migration then return err end
  return errors.new("migration", err.message, {
    seeder = entry.name, file = entry.file, sql = err.sql, code = err.code,
    line = err.insert_file == entry.file and err.insert_line or nil,
  })
end

-- runs the seeder in a transaction (a savepoint when called by another);
-- its inserts may leave a COPY open while it runs (see db:defer_copies)
local function run_seeder(db, entry, instance, params)
  local was = db:defer_copies(true)
  local ok, err = pcall(invoke, entry, instance, "run", "seeder", params)
  if ok then
    ok, err = pcall(db.finish_copy, db)
    if not ok then err = placed(err, entry) end
  end
  db:defer_copies(was)
  return ok, err
end

-- how long a seed runs before its line shows its rows, and between redraws
local PROGRESS_AFTER, REDRAW = 0.5, 0.2

-- the rows a seed has inserted, shown on a terminal once it takes a while
-- (out:progress: "120000 rows, 85000 rows/s" after the open step's name)
local function progress(out, t0)
  local rows, shown = 0, t0 + PROGRESS_AFTER - REDRAW
  return function(n)
    rows = rows + n
    local now = core.clock()
    if now - shown < REDRAW then return end
    shown = now
    out:progress(("%d rows, %.0f rows/s"):format(rows, rows / math.max(now - t0, 1e-6)))
  end
end

-- the seeder's instance over db; seeds: what its self:call runs; command:
-- Laravel's $this->command, its lines in the run's output
local function instance(entry, db, schema, seeds, fake)
  local class = entry.class
  return setmetatable({ db = db, schema = schema, seeds = seeds, fake = fake,
                        command = seeds.out and command.new(seeds.out) },
    -- a seeder that is a plain table has the base's call and factory too
    { __index = function(_, k)
        local v = class[k]
        if v == nil then v = Seeder[k] end
        return v
      end })
end

-- runs the seeder in its transaction; hooks: { before, after } inside it
-- (run/backfill.lua); params: what its run gets (self:call_with); silent:
-- no line of its own (self:call_silent)
local function seed(self, name, entry, inst, hooks, params, silent)
  local out = silent and QUIET or self.out
  out:start(name)
  local t0 = core.clock()
  local outer = self.db.on_rows == nil
  if outer then self.db.on_rows = progress(self.out, t0) end
  -- keys.run: the transaction (a savepoint in the caller's), and the
  -- foreign key switches (schema/foreign_keys.lua)
  local ok, err = pcall(keys.run, self.db, true, function()
    local done, e = run_seeder(self.db, entry, inst, params)
    if not done then error(e, 0) end
    txcontrol.still_open(self.db, "the seeder", { seeder = name, file = entry.file })
  end, hooks)
  if outer then self.db.on_rows = nil end
  if not ok then
    if keys.is_restart(err) then error(err, 0) end  -- the outermost seeder runs again
    err = placed(err, entry)
    out:finish(name, core.clock() - t0, false, err)
    error(err, 0)
  end
  out:finish(name, core.clock() - t0, true)
end

local function names_of(method, list)
  if type(list) == "string" and list ~= "" then return { list } end
  if type(list) == "table" and list[1] ~= nil then
    for _, n in ipairs(list) do
      if type(n) ~= "string" or n == "" then
        error(("lmigrate: self:%s expects seeder class names (strings), got a %s in the list")
          :format(method, type(n)), 5)
      end
    end
    return list
  end
  error(("lmigrate: self:%s expects a seeder class name (string) or a list of them, got %s")
    :format(method, type(list)), 5)
end

-- call_list(method, classes, silent, params, once): the seeders (a
-- class name or a list, in order) for 'method' (self:call and its kin,
-- self:seed: its errors raise at the caller of that method); params go to
-- each one's run; silent: no line of their own; once: call_once's
function Seeds:call_list(method, classes, silent, params, once)
  local list = names_of(method, classes)
  if params ~= nil and type(params) ~= "table" then
    error(("lmigrate: self:%s expects its parameters as a table, got %s"):format(method, type(params)), 4)
  end
  for _, name in ipairs(list) do
    local called = rawget(self, "called")
    if not called then
      called = {}
      rawset(self, "called", called)
    end
    if not (once and called[name]) then
      called[name] = true
      self:run(name, params, silent and true or nil)
    end
  end
end

-- run(name): the seeder and whatever it calls. The one `lmigrate seed`
-- runs may call self:backfill: its walks go after it commits, and a seed
-- after a kill goes on with them instead of running it again.
function Seeds:run(name, params, silent)
  local entry = load(self, name)
  local fake = self.fake or require("lmigrate.fake")
  local inst = instance(entry, self.db, self.schema, self, fake)
  if self.top or not self.migrator then return seed(self, name, entry, inst, nil, params, silent) end
  self.top = entry
  local ok, err = pcall(backfill.seed, self.migrator, entry, self.out, inst, function(hooks)
    seed(self, name, entry, inst, hooks, params, silent)
  end, function()
    local db = Pretend.new(self.db.grammar, self.db)
    return instance(entry, db, Schema.new(db, self.db.grammar), { run = function() end }, fake)
  end)
  self.top = nil
  if not ok then error(err, 0) end
end

return M
