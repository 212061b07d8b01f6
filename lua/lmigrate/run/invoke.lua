-- Runs a migration's up/down or a seeder's run in a coroutine, so that a
-- driver can wait without blocking, and turns any failure into an
-- lmigrate error naming the file and the line that was running.
local errors = require("lmigrate.errors")
local scheduler = require("lmigrate.run.scheduler")

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

-- os.exit inside a migration or seeder would end lmigrate with the work
-- half done and look like success: while any runs, it raises instead
local real_exit, running = os.exit, 0

local function refuse_exit()
  error("os.exit() inside a migration or seeder: lmigrate ends the run itself"
    .. " (raise an error to make it fail)", 2)
end

-- invoke(entry, instance, method, what, ...) where entry = { name, file }
-- and what is "migration" or "seeder"; the method gets the values after
-- 'what' (a seeder's parameters: self:call_with); raises a migration
-- error on failure
return function(entry, instance, method, what, ...)
  -- a migration without the method does nothing, as Laravel's migrator
  -- skips a down (or up) the migration does not define
  if (what or "migration") == "migration" then
    if instance[method] == nil then return end
  end
  local args = table.pack(...)
  local co = coroutine.create(function() return instance[method](instance, table.unpack(args, 1, args.n)) end)
  running = running + 1
  os.exit = refuse_exit   -- luacheck: ignore 122
  scheduler.guard(true)
  local ok, err = scheduler.run(co)
  scheduler.guard(false)
  running = running - 1
  if running == 0 then os.exit = real_exit end   -- luacheck: ignore 122
  if ok then return end
  local fields = { file = entry.file, line = failing_line(co, entry.file) }
  fields[what or "migration"] = entry.name
  if errors.is(err) then
    -- already placed; or the signal to run it again with foreign keys off
    -- (schema/foreign_keys.lua), for the runner to catch
    if err.migration or err.seeder or err.kind == "restart" then error(err, 0) end
    fields.sql, fields.code, fields.errno = err.sql, err.code, err.errno
    errors.raise("migration", err.message, fields)
  end
  errors.raise("migration", require("lmigrate.suggest").method_hint(errors.text(err)), fields)
end
