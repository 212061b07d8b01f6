-- A stand-in for self.db that records statements instead of running
-- them: `migrate --pretend` (reads go to the real connection) and
-- `lmigrate sql` (no connection at all: reading the database fails).
local errors = require("lmigrate.errors")
local DB = require("lmigrate.db")

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
    depth = 0,
  }, Pretend)
end

-- the index of the quote closing the one at 'pos' (a doubled quote is
-- part of the text), or the end of sql
local function closing(sql, pos, q)
  local i = pos + 1
  while true do
    local j = sql:find(q, i, true)
    if not j then return #sql end
    if sql:sub(j + 1, j + 1) ~= q then return j end
    i = j + 2
  end
end

-- the values of '?' placeholders written in as literals of the dialect,
-- skipping '...' strings, "..." identifiers and comments
function M.interpolate(grammar, sql, ...)
  local n = select("#", ...)
  if n == 0 then return sql end
  local args, i = { ... }, 0
  local out, pos, len = {}, 1, #sql
  while pos <= len do
    local c = sql:sub(pos, pos)
    local stop
    if c == "'" or c == '"' or c == "`" then
      stop = closing(sql, pos, c)
      out[#out + 1] = sql:sub(pos, stop)
    elseif c == "-" and sql:sub(pos + 1, pos + 1) == "-" then
      stop = sql:find("\n", pos, true) or len
      out[#out + 1] = sql:sub(pos, stop)
    elseif c == "?" then
      i = i + 1
      if i > n then
        errors.raise("database", ("the SQL takes more parameters than the %d given"):format(n),
          { sql = sql })
      end
      out[#out + 1] = grammar:literal(args[i])
      stop = pos
    else
      stop = (sql:find("[%?'\"`%-]", pos + 1) or len + 1) - 1
      out[#out + 1] = sql:sub(pos, stop)
    end
    pos = stop + 1
  end
  return table.concat(out)
end

function Pretend:execute(sql, ...)
  if type(sql) ~= "string" then
    error("lmigrate: db:execute expects SQL text (string), got " .. type(sql), 2)
  end
  self.statements[#self.statements + 1] = M.interpolate(self.grammar, sql, ...)
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
