-- Laravel's DB facade on self.db, by its snake_case names, for the raw
-- SQL of ported migrations and seeders: select, select_one, scalar,
-- cursor, statement, affecting_statement, insert (of SQL), update,
-- delete, unprepared, raw, get_driver_name, get_database_name,
-- get_table_prefix, get_query_grammar, pretending, begin_transaction. Each is made of the
-- connection's own execute and query (the self of the call: the DB, the
-- --pretend stand-in, MySQL's journal recorder), so that each is run,
-- recorded or journaled as those are. Bindings are Laravel's: a list
-- (`{ 1, "a" }`) or names (`{ id = 1 }` for `:id`); the values one by one
-- after the SQL, as db:execute takes them, work too.
local core = require("lmigrate.core")

local M = {}

-- the methods, each on the classes install is given
local D = {}
M.methods = D

local NULL = core.null

local function fail(method, msg, level)
  error("lmigrate: db:" .. method .. ": " .. msg, level + 1)
end

-- the names of Laravel's drivers (DB::getDriverName())
local DRIVER_NAMES = { sqlite = "sqlite", postgres = "pgsql", mysql = "mysql" }

-- sql with ':name' for each name of 'named' rewritten to '?' -> sql, the
-- values in their order. The one SQL scanner (core.tokenize) tells a
-- name from the same bytes in a string, an identifier or a comment; a
-- '::' cast or ':=' is no name.
local function named_sql(self, method, sql, named)
  local toks = core.tokenize(sql, self.driver)
  local out, values, at = {}, {}, 1
  for i, t in ipairs(toks) do
    local nx, prev = toks[i + 1], toks[i - 1]
    if t.text == ":" and t.kind == "punct" and nx and nx.kind == "id" and nx.s == t.e + 1
        and nx.text:match("^[%a_][%w_]*$") and not (prev and prev.text == ":" and prev.e + 1 == t.s) then
      local v = named[nx.text]
      if v == nil then
        fail(method, ("the SQL names :%s, which the bindings lack"):format(nx.text), 4)
      end
      out[#out + 1] = sql:sub(at, t.s - 1)
      out[#out + 1] = "?"
      values[#values + 1] = v
      at = nx.e + 1
    elseif t.kind == "punct" and t.text == "?" then
      fail(method, "named bindings and '?' placeholders cannot be mixed", 4)
    end
  end
  out[#out + 1] = sql:sub(at)
  return table.concat(out), values
end

-- the SQL and its values of a call (sql, bindings) or (sql, v1, v2, ...)
-- -> sql, values (a list), their number
local function args(self, method, sql, ...)
  if type(sql) ~= "string" then
    fail(method, "expects SQL text (string), got " .. type(sql), 3)
  end
  local b = ...
  if select("#", ...) == 1 and type(b) == "table" and getmetatable(b) == nil then
    local k = next(b)
    if k ~= nil and math.type(k) ~= "integer" then
      local text, values = named_sql(self, method, sql, b)
      return text, values, #values
    end
    return sql, b, #b
  end
  if select("#", ...) == 1 and b == nil then return sql, {}, 0 end
  local values = table.pack(...)
  return sql, values, values.n
end

local unpack = table.unpack

-- select(sql, bindings) -> { row, ... }; select_from_write_connection too
function D:select(sql, ...)
  local text, v, n = args(self, "select", sql, ...)
  return self:query(text, unpack(v, 1, n))
end
D.select_from_write_connection = D.select

-- select_one(sql, bindings) -> the first row, or nil
function D:select_one(sql, ...)
  local text, v, n = args(self, "select_one", sql, ...)
  return self:query(text, unpack(v, 1, n))[1]
end

-- scalar(sql, bindings) -> the one column of the first row (nil for no
-- row or NULL); a row of several columns raises, as Laravel's
-- MultipleColumnsSelectedException
function D:scalar(sql, ...)
  local text, v, n = args(self, "scalar", sql, ...)
  local row = self:query(text, unpack(v, 1, n))[1]
  if row == nil then return nil end
  local k, value = next(row)
  if next(row, k) ~= nil then
    fail("scalar", "the query selects more than one column", 2)
  end
  if value == NULL then return nil end
  return value
end

-- cursor(sql, bindings) -> an iterator over the rows: for row in db:cursor(...)
function D:cursor(sql, ...)
  local text, v, n = args(self, "cursor", sql, ...)
  local rows, i = self:query(text, unpack(v, 1, n)), 0
  return function()
    i = i + 1
    return rows[i]
  end
end

-- statement(sql, bindings) -> true
function D:statement(sql, ...)
  local text, v, n = args(self, "statement", sql, ...)
  self:execute(text, unpack(v, 1, n))
  return true
end

-- affecting_statement(sql, bindings), update(sql, bindings),
-- delete(sql, bindings) -> the rows affected
local function affecting(method)
  return function(self, sql, ...)
    local text, v, n = args(self, method, sql, ...)
    return self:execute(text, unpack(v, 1, n))
  end
end
D.affecting_statement = affecting("affecting_statement")
D.update = affecting("update")
D.delete = affecting("delete")

-- unprepared(sql) -> true: SQL text with no values, one statement or
-- several (a trigger's body, a dump), sent as it is
function D:unprepared(sql)
  if type(sql) ~= "string" then
    fail("unprepared", "expects SQL text (string), got " .. type(sql), 2)
  end
  self:execute(sql)
  return true
end

-- is the first argument of db:insert SQL (Laravel's DB::insert(sql,
-- bindings)) rather than a table name? An INSERT, REPLACE or WITH and a
-- blank after it: no table's name
function M.is_sql(tbl)
  if type(tbl) ~= "string" then return false end
  local w = tbl:match("^%s*(%a+)%s")
  if w == nil then return false end
  w = w:upper()
  return w == "INSERT" or w == "REPLACE" or w == "WITH"
end

-- insert(sql, bindings) -> true (db:insert(table, rows) asks is_sql first)
function M.insert_sql(self, sql, ...)
  local text, v, n = args(self, "insert", sql, ...)
  self:execute(text, unpack(v, 1, n))
  return true
end

-- raw(sql) -> lmigrate.raw(sql): DB::raw
function D.raw(_, sql)
  if type(sql) ~= "string" then fail("raw", "expects SQL text (string), got " .. type(sql), 2) end
  return core.raw(sql)
end

function D:get_driver_name()
  return DRIVER_NAMES[self.driver] or self.driver
end

-- the database's name: PostgreSQL's and MySQL's current one, SQLite's file
function D:get_database_name()
  if self.driver == "postgres" then return self:query("SELECT current_database() AS n")[1].n end
  if self.driver == "mysql" then return self:query("SELECT DATABASE() AS n")[1].n end
  for _, row in ipairs(self:query("PRAGMA database_list")) do
    if row.name == "main" then return row.file end
  end
end

-- lmigrate has no table prefix: Laravel's default one
function D.get_table_prefix() return "" end

-- get_query_grammar() -> DB::getQueryGrammar(), for the quoting a migration
-- pastes into its raw SQL: wrap(name) and wrap_table(name) quote each
-- dot-separated part of the name as the connection's grammar quotes
-- identifiers (Laravel's wrap; there is no table prefix to add)
function D:get_query_grammar()
  local g = self.grammar
  local function wrap(method, name)
    if type(name) ~= "string" or name == "" then
      fail("get_query_grammar():" .. method, "expects a name (string), got "
        .. (name == "" and "an empty string" or type(name)), 3)
    end
    local parts = {}
    for part in (name .. "."):gmatch("([^.]*)%.") do
      parts[#parts + 1] = part == "*" and "*" or g:quote(part)
    end
    return table.concat(parts, ".")
  end
  return {
    wrap = function(_, name) return wrap("wrap", name) end,
    wrap_table = function(_, name) return wrap("wrap_table", name) end,
  }
end

-- pretending() -> whether the statements are printed, not run (--pretend, lmigrate sql)
function D:pretending()
  return self.pretend == true
end

function D:begin_transaction()
  return self:begin()
end

-- roll_back(): Laravel's DB::rollBack, rollback
function D:roll_back()
  return self:rollback()
end

-- install(class): the methods on it (db/init.lua lists their names for
-- its stand-ins, which load this module at the first call of one)
function M.install(class)
  for name, fn in pairs(D) do class[name] = fn end
end

return M
