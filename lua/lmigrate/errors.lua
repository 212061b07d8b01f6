-- Errors lmigrate raises on purpose: tables, so the CLI can tell bad
-- usage (2), a failed connection (3) and a failed migration (1) apart.
--
-- A database error (what db:try returns, what db:execute raises) is
--   { kind = "database", message = the database's own message,
--     sql = the statement that failed (nil when lmigrate refused before
--           running one), code = see M.code, errno = MySQL's error number }
-- and tostring(err) gives the message and the SQL.
local M = {}

local Error = {}
Error.__index = Error
Error.__name = "lmigrate.Error"

local EXIT = { usage = 2, config = 2, connect = 3 }

function Error:__tostring()
  local parts = { self.message }
  if self.sql then parts[#parts + 1] = "SQL: " .. self.sql end
  return table.concat(parts, "\n")
end

function Error:exit_status()
  return EXIT[self.kind] or 1
end

function M.new(kind, message, fields)
  local e = fields or {}
  e.kind, e.message = kind, message
  return setmetatable(e, Error)
end

function M.raise(kind, message, fields)
  error(M.new(kind, message, fields), 0)
end

-- raise_at_user(msg, part): raises the text msg at the line of the user's
-- code: the first caller that is Lua and not in a file whose chunk name
-- holds 'part' (the module raising it: "lmigrate/hash", "lmigrate/db/query")
function M.raise_at_user(msg, part)
  local level = 2
  while true do
    local info = debug.getinfo(level, "S")
    if info == nil then level = 1 break end
    if info.what ~= "C" and not info.source:find(part, 1, true) then break end
    level = level + 1
  end
  error(msg, level)
end

-- err as the error of the migration entry = { name, file }: an lmigrate
-- error naming no migration gets this one's name and file; a restart
-- (schema/foreign_keys.lua) and any other value stay as they are
function M.placed(entry, err)
  if not M.is(err) or err.migration or err.kind == "restart" then return err end
  return M.new("migration", err.message, { migration = entry.name, file = entry.file,
                                           sql = err.sql, code = err.code, errno = err.errno,
                                           details = err.details })
end

function M.is(v)
  return getmetatable(v) == Error
end

-- code(driver, code) -> the code of a database error as err.code holds
-- it: on PostgreSQL and MySQL the SQLSTATE, a string of 5 characters
-- ("23505", "23000"); on SQLite the extended result code, an integer (2067
-- is SQLITE_CONSTRAINT_UNIQUE); nil when the driver gave none
function M.code(driver, code)
  if code == nil or driver ~= "sqlite" then return code end
  return math.tointeger(tonumber(code)) or code
end

-- database(driver, sql, msg, code [, errno]) -> a database error; a
-- driver that gives an error number after the SQLSTATE (MySQL's: 1062)
-- has it as err.errno
function M.database(driver, sql, msg, code, errno)
  return M.new("database", msg, { sql = sql, code = M.code(driver, code),
                                  errno = math.tointeger(errno) or errno })
end

-- concurrency(err) -> whether a database error is a deadlock or a
-- serialization failure, which another try may get past (Laravel's
-- DetectsConcurrencyErrors, for DB::transaction(fn, attempts)): SQLSTATE
-- 40001 or 40P01, MySQL's 1213 (deadlock) and 1205 (lock wait timeout),
-- SQLite's BUSY and LOCKED
function M.concurrency(err)
  if not M.is(err) or err.kind ~= "database" then return false end
  local code = err.code
  if code == "40001" or code == "40P01" or err.errno == 1213 or err.errno == 1205 then return true end
  if math.type(code) == "integer" then return code & 0xff == 5 or code & 0xff == 6 end
  return false
end

-- missing_table(err) -> whether a database error says a table is not
-- there: SQLSTATE 42P01, MySQL's 1146, SQLite's "no such table"
function M.missing_table(err)
  if not M.is(err) or err.kind ~= "database" then return false end
  return err.code == "42P01" or err.errno == 1146
    or (type(err.message) == "string" and err.message:find("no such table", 1, true) ~= nil)
end

-- missing_column(err) -> whether a database error says a column is not
-- there: SQLSTATE 42703, MySQL's 1054, SQLite's "no such column"
function M.missing_column(err)
  if not M.is(err) or err.kind ~= "database" then return false end
  return err.code == "42703" or err.errno == 1054
    or (type(err.message) == "string" and err.message:find("no such column", 1, true) ~= nil)
end

-- text(v) -> what an error value says, whatever it is: a string, an
-- lmigrate error's message, a table's 'message' field, its __tostring when
-- that works, else what kind of value it is (never "table: 0x55..." and
-- never an error of its own)
function M.text(v)
  local ty = type(v)
  if ty == "string" then return v end
  if ty == "number" or ty == "boolean" or ty == "nil" then return tostring(v) end
  if M.is(v) then return M.text(v.message) end
  local mt = getmetatable(v)
  if type(mt) == "table" and rawget(mt, "__tostring") then
    local ok, s = pcall(tostring, v)
    if ok and type(s) == "string" then return s end
    return ("an error object (a %s) whose __tostring fails: %s"):format(ty, M.text(s))
  end
  if ty == "table" and type(rawget(v, "message")) == "string" then return rawget(v, "message") end
  return ("an error object (a %s) with no message"):format(ty)
end

return M
