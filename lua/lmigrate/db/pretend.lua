-- A stand-in for self.db that records statements instead of running
-- them: `migrate --pretend` (reads go to the real connection) and
-- `lmigrate sql` (no connection at all: reading the database fails).
local errors = require("lmigrate.errors")
local DB = require("lmigrate.db")
local txcontrol = require("lmigrate.db.txcontrol")

local Pretend = {}
Pretend.__index = Pretend

local M = {}

-- new(grammar, reader?, shadow?): reader is the real DB that answers queries; without
-- one the stand-in is offline (`lmigrate sql`): nothing can be read. On
-- SQLite, 'shadow' (db/shadow.lua) runs every statement recorded, for
-- the table rebuilds to read
function M.new(grammar, reader, shadow)
  return setmetatable({
    grammar = grammar,
    driver = grammar:name(),
    reader = reader,
    shadow = shadow,
    offline = reader == nil,
    pretend = true,    -- nothing runs: schema skips its checks before a drop
    recorded = {},
    created = {},   -- the tables this run creates (true), renames a table to ("renamed") or
                    -- alters ("altered"), lowercased
    depth = 0,   -- 1 while the migration printed runs in a transaction of lmigrate's
    connection_name = reader and reader.connection_name,   -- schema:connection(name)
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
  if self.shadow then
    -- in step with the script; a statement the row-less shadow refuses
    -- fails only where a rebuild asks (rebuild_view)
    local n, msg, code = self.shadow.conn:exec(sql, ...)
    if not n and self.strict then self:fail(sql, msg, code) end
  end
  self.recorded[#self.recorded + 1] = text
  return 0
end

-- rebuild_view() -> the stand-in a SQLite table rebuild runs on: reads
-- answered by the shadow, every statement run there (a failure raises,
-- as it would on the database) and recorded with the others
function Pretend:rebuild_view()
  return setmetatable({ reader = self.shadow, offline = false, strict = true }, { __index = self })
end

-- refuse_read(what [, sql]): offline, reading the database fails, naming
-- what read it (schema:has_table, db:query, ...)
function Pretend:refuse_read(what, sql)
  if not self.offline then return end
  errors.raise("database", ("the migration reads the database (%s), which `lmigrate sql` cannot do:"
    .. " it runs without a connection"):format(what), { sql = sql })
end

-- the table this run creates that 'sql' names, if any
local function names_created(created, sql)
  if type(sql) ~= "string" or next(created) == nil then return nil end
  local text = sql:lower()
  for name in pairs(created) do
    local at = 1
    while true do
      local i, j = text:find(name, at, true)
      if not i then break end
      if not text:sub(i - 1, i - 1):find("[%w_]") and not text:sub(j + 1, j + 1):find("[%w_]") then
        return name
      end
      at = j + 1
    end
  end
end

-- A read of a table that this run creates cannot be answered by the
-- database, where the table is not yet, nor one of a table it renames
-- another to or alters, when the read names what the run's statements
-- made (a renamed column): on SQLite the shadow answers, which ran this
-- run's statements (its rows of the table are the run's); elsewhere the
-- read gets no rows, as every read does under Laravel's pretend, and a
-- comment line in the output says so
function Pretend:query(sql, ...)
  if type(sql) == "string" then txcontrol.check(self, sql, "query", 2) end
  self:refuse_read("db:query", sql)
  local name = names_created(self.created, sql)
  if not name then return self.reader:query(sql, ...) end
  -- (fresh's lint, self.empty: the database's table is the one the wipe drops)
  local ok, rows = false, nil
  if not self.empty then ok, rows = pcall(self.reader.query, self.reader, sql, ...) end
  if ok then return rows end
  if self.shadow then
    local ok2, rows2 = pcall(self.shadow.query, self.shadow, sql, ...)
    if ok2 then return rows2 end
  end
  if not self.empty and not errors.missing_table(rows) and not errors.missing_column(rows) then
    error(rows, 0)
  end
  local how = ({ renamed = "renames a table to", altered = "alters" })[self.created[name]] or "creates"
  local text = (self.grammar:interpolate(sql, ...) or sql):gsub("%s+", " ")
  self.recorded[#self.recorded + 1] = ("-- (a read of %s, which this run %s, has no rows"
    .. " under --pretend: %s)"):format(name, how, text)
  return {}
end

-- the line that prints a recorded statement: SQL ends with ';', a note is as it is
function M.line(text)
  return text:sub(1, 3) == "-- " and text or text .. ";"
end

function Pretend:first(sql, ...)
  return self:query(sql, ...)[1]
end

Pretend.insert = DB.class.insert
-- no COPY to keep open: a seeder's inserts are recorded one by one
function Pretend.defer_copies() return false end
function Pretend.finish_copy() return 0 end
-- the query builder, whose writes are recorded like execute's
require("lmigrate.db.query").install(Pretend, { pretend = true })
-- Laravel's DB::select, DB::statement, ... (made of execute and query)
require("lmigrate.db.statements").install(Pretend)

function Pretend.begin() end
function Pretend.commit() end
function Pretend.rollback() end

function Pretend:transaction(fn)
  return fn(self)
end

-- nothing runs, so nothing fails: true and what fn returns
function Pretend:try(fn)
  return true, fn(self)
end

function Pretend:fail(sql, msg, code)
  error(errors.database(self.driver, sql, msg, code), 0)
end

-- the statements recorded since the last call
function Pretend:take()
  local s = self.recorded
  self.recorded = {}
  return s
end

return M
