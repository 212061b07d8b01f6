-- Runs migrations on one connection: migrate, rollback, status. Each
-- migration and its history row commit together; up/down run in a
-- coroutine so a driver can wait without blocking (see scheduler.lua).
local core = require("lmigrate.core")
local errors = require("lmigrate.errors")
local loader = require("lmigrate.loader")
local scheduler = require("lmigrate.scheduler")

local Migrator = {}
Migrator.__index = Migrator

local M = {}

-- ctx: { db, schema, repo, path, out }
function M.new(ctx)
  return setmetatable(ctx, Migrator)
end

-- the line of 'file' that was running when co failed, if any
local function failing_line(co, file)
  local source = "@" .. file
  local level = 0
  while true do
    local info = debug.getinfo(co, level, "Sl")
    if not info then return nil end
    if info.source == source and info.currentline and info.currentline > 0 then
      return info.currentline
    end
    level = level + 1
  end
end

-- runs instance:method() in a coroutine; raises a migration error
local function invoke(entry, instance, method)
  local co = coroutine.create(function() return instance[method](instance) end)
  local ok, err = scheduler.run(co)
  if ok then return end
  local fields = { migration = entry.name, file = entry.file, line = failing_line(co, entry.file) }
  if errors.is(err) then
    fields.sql, fields.code = err.sql, err.code
    errors.raise("migration", err.message, fields)
  end
  errors.raise("migration", tostring(err), fields)
end

local function instantiate(self, entry)
  return setmetatable({ schema = self.schema, db = self.db }, { __index = entry.class })
end

-- runs one step (up or down) with its history change, in one transaction
-- unless the migration opts out
function Migrator:step(entry, method, record)
  local instance = instantiate(self, entry)
  local db = self.db
  local t0 = core.clock()
  self.out:start(entry.name)
  local ok, err = pcall(function()
    if instance.transaction == false then
      invoke(entry, instance, method)
      record()
    else
      db:begin()
      invoke(entry, instance, method)
      record()
      db:commit()
    end
  end)
  if not ok then
    db:rollback()
    self.out:finish(entry.name, core.clock() - t0, false)
    if errors.is(err) and err.migration == nil then
      err.migration, err.file = entry.name, entry.file
    end
    error(err, 0)
  end
  self.out:finish(entry.name, core.clock() - t0, true)
end

-- the history as a map name -> row, and the highest batch
local function history(self)
  local rows = self.repo:ran()
  local by_name, last = {}, 0
  for _, r in ipairs(rows) do
    by_name[r.migration] = r
    if r.batch > last then last = r.batch end
  end
  return rows, by_name, last
end

-- migrate(): the pending migrations, as one new batch -> count run
function Migrator:migrate()
  local files = loader.discover(self.path)
  local _, ran, last = history(self)
  local pending = {}
  for _, e in ipairs(files) do
    if not ran[e.name] then pending[#pending + 1] = e end
  end
  if #pending == 0 then
    self.out:info("Nothing to migrate.")
    return 0
  end
  -- every file must load before any runs: one bad file changes nothing
  for _, e in ipairs(pending) do loader.load(e) end
  self.repo:create()
  local batch = last + 1
  self.out:info("Running migrations.")
  for _, e in ipairs(pending) do
    self:step(e, "up", function() self.repo:log(e.name, batch, e.checksum) end)
  end
  return #pending
end

-- rollback(): the last batch, newest first -> count rolled back
function Migrator:rollback()
  local rows, _, last = history(self)
  local todo = {}
  for i = #rows, 1, -1 do
    if rows[i].batch == last then todo[#todo + 1] = { name = rows[i].migration } end
  end
  if #todo == 0 then
    self.out:info("Nothing to rollback.")
    return 0
  end
  local files = {}
  for _, e in ipairs(loader.discover(self.path)) do files[e.name] = e.file end
  for _, e in ipairs(todo) do
    e.file = files[e.name]
    if not e.file then
      errors.raise("migration", ("the file of applied migration %s is missing from %s")
        :format(e.name, self.path), { migration = e.name })
    end
    loader.load(e)
    if type(e.class.down) ~= "function" then
      errors.raise("migration", e.file .. ": the migration has no down function",
        { migration = e.name, file = e.file })
    end
  end
  self.out:info("Rolling back migrations.")
  for _, e in ipairs(todo) do
    self:step(e, "down", function() self.repo:delete(e.name) end)
  end
  return #todo
end

-- days from 1970-01-01 to a civil date (Howard Hinnant's algorithm)
local function days_from_civil(y, m, d)
  if m <= 2 then y = y - 1 end
  local era = (y >= 0 and y or y - 399) // 400
  local yoe = y - era * 400
  local doy = (153 * (m + (m > 2 and -3 or 9)) + 2) // 5 + d - 1
  local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
  return era * 146097 + doe - 719468
end

-- "2026-11-26 01:30:00[.123][+01[:00]]" (UTC unless an offset says
-- otherwise) -> seconds since the epoch, or nil
local function epoch(ran_at)
  if type(ran_at) ~= "string" then return nil end
  local y, mo, d, h, mi, s, rest = ran_at:match("^(%d+)-(%d+)-(%d+)[ T](%d+):(%d+):(%d+)(.*)$")
  if not y then return nil end
  local t = days_from_civil(tonumber(y), tonumber(mo), tonumber(d)) * 86400
    + tonumber(h) * 3600 + tonumber(mi) * 60 + tonumber(s)
  local sign, oh, om = rest:match("([+-])(%d%d):?(%d?%d?)$")
  if sign then
    local off = tonumber(oh) * 3600 + (tonumber(om) or 0) * 60
    t = sign == "+" and t - off or t + off
  end
  return t
end

-- whether an applied migration's file changed since it ran. A file last
-- written before the run cannot have changed since, so only newer files
-- are read: status stays one stat per file on a large history.
local function modified(entry, row)
  if type(row.checksum) ~= "string" then return false end
  local ran, mtime = epoch(row.ran_at), core.mtime(entry.file)
  if ran and mtime and mtime < ran then return false end
  return loader.checksum(entry) ~= row.checksum
end

-- status() -> { { migration, ran, batch, ran_at, modified, missing }, ... } in name order
function Migrator:status()
  local files = loader.discover(self.path)
  local rows, ran = history(self)
  local list, seen = {}, {}
  for _, e in ipairs(files) do
    local r = ran[e.name]
    seen[e.name] = true
    local item = { migration = e.name, ran = r ~= nil, modified = false, missing = false }
    if r then
      item.batch, item.ran_at = r.batch, r.ran_at
      item.modified = modified(e, r)
    end
    list[#list + 1] = item
  end
  for _, r in ipairs(rows) do
    if not seen[r.migration] then
      list[#list + 1] = { migration = r.migration, ran = true, batch = r.batch,
                          ran_at = r.ran_at, modified = false, missing = true }
    end
  end
  table.sort(list, function(a, b) return a.migration < b.migration end)
  return list
end

return M
