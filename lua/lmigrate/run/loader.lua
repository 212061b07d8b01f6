-- Finding migration files and loading them into runnable objects.
local core = require("lmigrate.core")
local errors = require("lmigrate.errors")
local output = require("lmigrate.output")

local M = {}

-- what a migration's file name may hold: it reaches SQL scripts, terminals
-- and JSON, so nothing that could be read as anything but a name
local NAME = "^[%w_%-%.]+$"

local function refuse(dir, file, why)
  errors.raise("migration", ("%s: %s"):format(file, why), { file = file, dir = dir })
end

-- discover(dir) -> { { name = "2026_..._x", file = "dir/2026_..._x.lua" }, ... } in name order.
-- Every *.lua entry must be a regular file (or a link to one) with a safe
-- name: anything else stops the run before it reads a file.
function M.discover(dir)
  local names, kinds = core.listdir(dir)
  -- the default folder not made yet (a new project): no migrations
  if not names and dir == require("lmigrate.config").DEFAULT_MIGRATIONS
      and not core.filetype(dir) then
    return {}
  end
  if not names then
    errors.raise("usage", "cannot read the migrations folder: " .. kinds)
  end
  -- plain string sorting is far faster than a comparator on 1000 entries
  local sorted, n = {}, 0
  for i = 1, #names do
    -- hidden files (an editor's .#lock.lua) are not migrations, as Laravel's *_*.php glob skips them
    local name = names[i]:match("^(.+)%.lua$")
    if name and names[i]:sub(1, 1) ~= "." then
      local file = dir .. "/" .. names[i]
      if not name:match(NAME) then
        refuse(dir, output.safe(file), "a migration's file name may hold only letters, digits, "
          .. "'_', '-' and '.'")
      end
      if kinds[i] ~= "file" then
        refuse(dir, file, ("is a %s, not a migration file"):format(kinds[i] == "missing"
          and "link to nothing" or kinds[i]))
      end
      n = n + 1
      sorted[n] = name
    end
  end
  table.sort(sorted)
  local list = {}
  for i = 1, n do
    list[i] = { name = sorted[i], file = dir .. "/" .. sorted[i] .. ".lua" }
  end
  return list
end

local function read(file)
  local f, err = io.open(file, "rb")
  if not f then return nil, err end
  local src = f:read("a")
  f:close()
  return src
end

-- a file that cannot be loaded (read, compiled, run to its class): the
-- message says so, not that the migration failed; its line, when Lua names one
local function bad(entry, message)
  local line = tostring(message):match(entry.file:gsub("%p", "%%%0") .. ":(%d+):")
  errors.raise("migration", message, { migration = entry.name, file = entry.file,
                                       line = line and tonumber(line), load = true })
end

-- the file's chunk, compiled; sets entry.checksum. Not kept between
-- loads: a batch checks that every file loads before any runs, then loads
-- each again as it runs, and a thousand kept chunks (with what their
-- closures hold) were 4.5 MB of a 1000-migration run's peak
local function compiled(entry)
  local src, err = read(entry.file)
  if not src then bad(entry, "cannot read the file: " .. err) end
  entry.checksum = core.checksum(src)
  -- as lua5.4 (luaL_loadfile) reads a file: a UTF-8 BOM, then a first
  -- line starting with '#' (#!/usr/bin/env lua) left out, line numbers kept
  local text = src:gsub("^\239\187\191", ""):gsub("^#[^\n]*", "")
  local chunk, lerr = load(text, "@" .. entry.file, "t")
  if not chunk then bad(entry, lerr) end
  return chunk
end

-- load(entry) -> the migration class or table the file returns (each
-- load a class of its own); sets entry.checksum. Raises a migration
-- error naming the file.
function M.load(entry)
  local ok, m = pcall(compiled(entry))
  if not ok then
    bad(entry, errors.text(m))
  end
  if type(m) ~= "table" then
    bad(entry, ("%s returns %s, expected a migration (Migration:extend(...) or a table with up and down)")
      :format(entry.file, m == nil and "nothing" or ("a " .. type(m))))
  end
  if type(m.up) ~= "function" then
    bad(entry, entry.file .. ": the migration has no up function")
  end
  -- a plain table has the base class's methods too (self:backfill)
  if getmetatable(m) == nil then setmetatable(m, { __index = require("lmigrate.migration") }) end
  entry.class = m
  return m
end

-- checksum(entry) -> the file's checksum, without running it
function M.checksum(entry)
  return core.checksum_file(entry.file)
end

-- instance(class, db, schema, runner, fields): what a migration's up and
-- down run on: self.db, self.schema and the class's methods; runner: the
-- run's { seeds = folder, out = output } that self:seed needs (nil: the
-- default seeds folder, no output of its own)
function M.instance(class, db, schema, runner, fields)
  local inst = { db = db, schema = schema, runner = runner }
  for k, v in pairs(fields or {}) do inst[k] = v end
  return setmetatable(inst, { __index = class })
end

return M
