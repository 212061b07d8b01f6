-- A stand-in for self.db that records statements instead of running
-- them: `migrate --pretend` (reads go to the real connection) and
-- `lmigrate sql` (no connection at all: reading the database fails).
local errors = require("lmigrate.errors")
local DB = require("lmigrate.db")
local txcontrol = require("lmigrate.db.txcontrol")

local Pretend = {}
Pretend.__index = Pretend

local M = {}

-- new(grammar, reader?): reader is the real DB that answers queries; without
-- one the stand-in is offline (`lmigrate sql`): nothing can be read
function M.new(grammar, reader)
  return setmetatable({
    grammar = grammar,
    driver = grammar:name(),
    reader = reader,
    offline = reader == nil,
    statements = {},
    depth = 0,   -- 1 while the migration printed runs in a transaction of lmigrate's
  }, Pretend)
end

function Pretend:execute(sql, ...)
  if type(sql) ~= "string" then
    error("lmigrate: db:execute expects SQL text (string), got " .. type(sql), 2)
  end
  txcontrol.check(self, sql, "execute", 2)
  -- the values written in as literals, by the driver's own placeholder rule
  local text, err = self.grammar:interpolate(sql, ...)
  if not text then errors.raise("database", err, { sql = sql }) end
  self.statements[#self.statements + 1] = text
  return 0
end

-- what the migration called that reads: schema:has_table and
-- schema:has_column run the grammar's own SQL through db:first
local function refuse_read(self, sql)
  local what = "db:query"
  if sql == self.grammar:has_table() then what = "schema:has_table"
  elseif sql == self.grammar:has_column() then what = "schema:has_column" end
  errors.raise("database", ("the migration reads the database (%s), which `lmigrate sql` cannot do:"
    .. " it runs without a connection"):format(what), { sql = sql })
end

function Pretend:query(sql, ...)
  if type(sql) == "string" then txcontrol.check(self, sql, "query", 2) end
  if self.offline then refuse_read(self, sql) end
  return self.reader:query(sql, ...)
end

function Pretend:first(sql, ...)
  return self:query(sql, ...)[1]
end

Pretend.insert = DB.class.insert

function Pretend.begin() end
function Pretend.commit() end
function Pretend.rollback() end

function Pretend:transaction(fn)
  return fn(self)
end

-- the statements recorded since the last call
function Pretend:take()
  local s = self.statements
  self.statements = {}
  return s
end

return M
