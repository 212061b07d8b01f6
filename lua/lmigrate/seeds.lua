-- Runs seeders: databases/seeds/<snake_name>.lua, each in a transaction
-- of its own (a savepoint inside a calling seeder's), so a seeder that
-- fails leaves no rows behind.
local core = require("lmigrate.core")
local errors = require("lmigrate.errors")
local invoke = require("lmigrate.invoke")

local Seeds = {}
Seeds.__index = Seeds

local M = {}

-- "PostSeeder" -> "post_seeder"
function M.snake(name)
  return (name:gsub("(%l)(%u)", "%1_%2"):gsub("(%u)(%u%l)", "%1_%2"):gsub("[%s%-]+", "_"):lower())
end

-- ctx: { db, schema, path, out }
function M.new(ctx)
  return setmetatable(ctx, Seeds)
end

local function load(self, name)
  local file = self.path .. "/" .. M.snake(name) .. ".lua"
  local entry = { name = name, file = file }
  local function bad(msg) errors.raise("migration", msg, { seeder = name, file = file }) end
  if not name:match("^[%w_]+$") then bad(("'%s' is not a seeder class name"):format(name)) end
  local chunk, err = loadfile(file, "t")
  if not chunk then
    if not io.open(file, "r") then bad(("no seeder %s: %s does not exist"):format(name, file)) end
    bad(err)
  end
  local ok, class = pcall(chunk)
  if not ok then bad(errors.is(class) and class.message or tostring(class)) end
  if type(class) ~= "table" or type(class.run) ~= "function" then
    bad(file .. " returns no seeder (expected Seeder:extend(...) with a run function)")
  end
  entry.class = class
  return entry
end

-- run(name): the seeder and whatever it calls
function Seeds:run(name)
  local entry = load(self, name)
  local instance = setmetatable({ db = self.db, schema = self.schema, seeds = self },
                                { __index = entry.class })
  local t0 = core.clock()
  self.db:begin()
  local ok, err = pcall(invoke, entry, instance, "run", "seeder")
  if not ok then
    self.db:rollback()
    self.out:finish(name, core.clock() - t0, false)
    error(err, 0)
  end
  self.db:commit()
  self.out:finish(name, core.clock() - t0, true)
end

return M
