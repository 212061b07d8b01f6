-- Base class of seeders: Seeder:extend("DatabaseSeeder"), with run().
local class = require("lmigrate.class")

local M = {}
M.__index = M
M.__name = "Seeder"

function M:extend(name)
  return class.extend(self, name, "Seeder")
end

-- self:call(names [, silent [, params]]): runs each seeder named (a class
-- name, or a list of them, in order: databases/seeds/<snake_name>.lua)
-- inside this seeder's transaction, as Laravel's $this->call; params go to
-- each one's run(self, params); silent: no line of their own
local function call(self, method, names, silent, params, once)
  if not self.seeds then
    error("lmigrate: self:" .. method .. " works only on a seeder run by lmigrate", 3)
  end
  return self.seeds:call_list(method, names, silent, params, once)
end

function M:call(names, silent, params)
  return call(self, "call", names, silent, params)
end

-- self:call_with(names, params), self:call_silent(names [, params])
function M:call_with(names, params)
  return call(self, "call_with", names, false, params)
end

function M:call_silent(names, params)
  return call(self, "call_silent", names, true, params)
end

-- self:call_once(names [, silent [, params]]): each seeder only the first
-- time this `lmigrate seed` calls it (Laravel's callOnce)
function M:call_once(names, silent, params)
  return call(self, "call_once", names, silent, params, true)
end

-- self:backfill(table, opts[, fn]): as a migration's (lmigrate.migration),
-- after the seeder has committed, resumed by the next seed of it
function M:backfill(tbl, opts, fn)
  return require("lmigrate.run.backfill").call(self, tbl, opts, fn)
end

-- rows built per db:insert call of factory: few enough to hold, many
-- enough that the inserts stay one bulk load (one COPY on PostgreSQL)
local FACTORY_CHUNK = 1000

-- self:factory(table, n, fn(i, fake) -> row) -> rows inserted: n rows built
-- by fn, through db:insert's bulk path; fake is the run's lmigrate.fake
function M:factory(tbl, n, fn)
  if type(tbl) ~= "string" or tbl == "" then
    error("lmigrate: self:factory expects a table name (string), got " .. type(tbl), 2)
  end
  if math.type(n) ~= "integer" or n < 0 then
    error("lmigrate: self:factory expects a number of rows (a whole number >= 0), got "
      .. tostring(n), 2)
  end
  if type(fn) ~= "function" then
    error("lmigrate: self:factory expects a function(i, fake) returning a row, got " .. type(fn), 2)
  end
  local fake = self.fake or require("lmigrate.fake")
  local rows, total = {}, 0
  for i = 1, n do
    local row = fn(i, fake)
    if type(row) ~= "table" then
      error(("lmigrate: self:factory: the function returned a %s for row %d (expected a table "
        .. "of column = value)"):format(type(row), i), 2)
    end
    rows[#rows + 1] = row
    if #rows == FACTORY_CHUNK or i == n then
      total = total + self.db:insert(tbl, rows)
      rows = {}
    end
  end
  return total
end

return M
