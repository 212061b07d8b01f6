-- Base class of seeders: Seeder:extend("DatabaseSeeder"), with run().
local class = require("lmigrate.class")

local M = {}
M.__index = M
M.__name = "Seeder"

function M:extend(name)
  return class.extend(self, name, "Seeder")
end

-- self:call("PostSeeder"): runs databases/seeds/post_seeder.lua inside
-- this seeder's transaction
function M:call(name)
  if type(name) ~= "string" or name == "" then
    error("lmigrate: self:call expects a seeder class name (string)", 2)
  end
  if not self.seeds then
    error("lmigrate: self:call works only on a seeder run by lmigrate", 2)
  end
  return self.seeds:run(name)
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
