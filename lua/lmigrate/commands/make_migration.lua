-- lmigrate make:migration NAME [--create TABLE | --table TABLE] [--path DIR]
--
-- Writes <migrations folder>/<YYYY_MM_DD_HHMMSS>_<snake name>.lua from a
-- stub, the timestamp being the current UTC time, or one second after the
-- newest migration of the folder when that is not earlier (five calls in
-- one second, or a clock behind a teammate's: the files still run in the
-- order they were made). NAME may be snake_case,
-- CamelCase or words ("create posts table"); the class is its CamelCase.
--
-- Which stub, as Laravel's TableGuesser (which Masonite follows):
--   --create T                                      creates T
--   --table T                                       alters T
--   create_posts_table, create_posts                creates posts
--   add_x_to_posts_table, remove_x_from_posts_table,
--   x_in_posts_table, and the same without _table  alters posts
--   anything else                                   the blank stub
--
-- Exit status: 2 for bad usage (no NAME, a bad NAME, --create with --table);
-- 1 when the file cannot be written, or when it, or a migration of the same
-- name with another timestamp, already exists (Laravel refuses two migrations
-- with one class name): nothing is written then, nothing is overwritten.
local config = require("lmigrate.config")
local core = require("lmigrate.core")
local errors = require("lmigrate.errors")
local names = require("lmigrate.names")
local files = require("lmigrate.files")
local stubs = require("lmigrate.stubs")

local TIMESTAMPED = "^%d%d%d%d_%d%d_%d%d_%d%d%d%d%d%d_(.+)%.lua$"
local STAMP = "^(%d%d%d%d)_(%d%d)_(%d%d)_(%d%d)(%d%d)(%d%d)_.+%.lua$"

local function usage(msg)
  errors.raise("usage", msg .. " (see lmigrate help make:migration)")
end

-- the rightmost "_to_", "_from_" or "_in_" of 'name' with something before
-- it, as the greedy ".+" of Laravel's patterns finds it; 'ok(rest)' decides
-- whether what follows is acceptable. -> the rest, or nil
local function after_last_preposition(name, ok)
  local best, rest
  for _, word in ipairs({ "to", "from", "in" }) do
    local needle = "_" .. word .. "_"
    local init = 2
    while true do
      local i, j = name:find(needle, init, true)
      if not i then break end
      local r = name:sub(j + 1)
      if (best == nil or i > best) and ok(r) then best, rest = i, r end
      init = i + 1
    end
  end
  return rest
end

-- guess(snake) -> stub kind, table | "blank"
local function guess(snake)
  local t = snake:match("^create_(.+)_table$") or snake:match("^create_(.+)$")
  if t then return "create", t end
  t = after_last_preposition(snake, function(r) return r:match("^(.+)_table$") ~= nil end)
  if t then return "table", t:match("^(.+)_table$") end
  t = after_last_preposition(snake, function(r) return r ~= "" end)
  if t then return "table", t end
  return "blank"
end

local function check_table(name, option)
  if name:find("%c") then
    usage(("--%s: the table name %q has a control character"):format(option, name))
  end
  return name
end

-- a migration of the folder, whatever its timestamp, named 'snake'
local function same_name(dir, snake)
  if not core.isdir(dir) then return nil end
  local found = core.listdir(dir) or {}
  table.sort(found)
  for _, f in ipairs(found) do
    if f:match(TIMESTAMPED) == snake then return f end
  end
  return nil
end

-- seconds since 1970 of a UTC date (days from the civil calendar, as in
-- Howard Hinnant's algorithm: os.time would read the table as local time)
local function utc_seconds(y, m, d, hh, mm, ss)
  y = m <= 2 and y - 1 or y
  local era = y // 400
  local yoe = y - era * 400
  local doy = (153 * (m + (m > 2 and -3 or 9)) + 2) // 5 + d - 1
  local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
  local days = era * 146097 + doe - 719468
  return ((days * 24 + hh) * 60 + mm) * 60 + ss
end

-- the timestamp of a new migration of 'dir': now, or one second past the
-- newest timestamp already there
local function next_stamp(dir)
  local now = os.time()
  local newest
  for _, f in ipairs(core.isdir(dir) and core.listdir(dir) or {}) do
    local y, m, d, hh, mm, ss = f:match(STAMP)
    if y then
      local t = utc_seconds(tonumber(y), tonumber(m), tonumber(d), tonumber(hh), tonumber(mm),
        tonumber(ss))
      if not newest or t > newest then newest = t end
    end
  end
  if newest and newest >= now then now = newest + 1 end
  return os.date("!%Y_%m_%d_%H%M%S", now)
end

return function(ctx)
  local opts, args = ctx.opts, ctx.args
  if #args == 0 then usage("make:migration needs a NAME, e.g. create_posts_table") end
  if #args > 1 then
    usage(("make:migration takes one NAME, got %d words (quote a name with spaces)"):format(#args))
  end
  if opts.create and opts.table then usage("use --create or --table, not both") end
  local snake, class = names.parse(args[1], "migration")

  local kind, tbl
  if opts.create then
    kind, tbl = "create", check_table(opts.create, "create")
  elseif opts.table then
    kind, tbl = "table", check_table(opts.table, "table")
  else
    kind, tbl = guess(snake)
  end

  local dir = files.dir((config.folders(opts)))
  local existing = same_name(dir, snake)
  if existing then
    errors.raise("exists", ("a migration named %s already exists: %s (not writing another)")
      :format(snake, files.join(dir, existing)))
  end
  files.mkdir_p(dir)
  local path = files.join(dir, next_stamp(dir) .. "_" .. snake .. ".lua")
  files.write_new(path, stubs.render(kind, { class = class, table = tbl }))
  ctx.out:info("Created migration: " .. path)
  return 0
end
