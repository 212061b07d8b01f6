-- self.db: SQL on one connection. Failures raise database errors (see
-- errors.lua: kind, message, sql, code). On a driver that can wait
-- without blocking (PostgreSQL), a call made inside a coroutine yields
-- ("read"|"write", fd) to the scheduler until the result is ready.
local core = require("lmigrate.core")
local errors = require("lmigrate.errors")
local scheduler = require("lmigrate.run.scheduler")
local txcontrol = require("lmigrate.db.txcontrol")

local DB = {}
DB.__index = DB

local M = { class = DB }

function M.new(conn, grammar)
  local driver = conn:driver()
  return setmetatable({
    conn = conn,
    grammar = grammar,
    driver = driver,
    async = conn:supports("async"),   -- waits on a socket: yields to the scheduler
    depth = 0,         -- open transactions and savepoints
    statements = 0,    -- statements sent so far (schema/foreign_keys.lua asks)
  }, DB)
end

-- raises the database error of 'sql'; a driver's failure is nil, msg,
-- code [, errno] (MySQL's gives the SQLSTATE and then its error number)
function DB:fail(sql, msg, code, errno)
  error(errors.database(self.driver, sql, msg, code, errno), 0)
end

local function check_sql(sql, method)
  if type(sql) ~= "string" then
    error("lmigrate: db:" .. method .. " expects SQL text (string), got " .. type(sql), 3)
  end
end

-- sends and waits through the scheduler: -> rows, columns, affected
local function run_async(conn, sql, ...)
  local ok, msg, code, errno = conn:send(sql, ...)
  if not ok then return nil, msg, code, errno end
  while true do
    local state, fd = conn:poll()
    if state == "done" then break end
    if state == nil then return nil, fd end
    scheduler.wait(state, fd)
  end
  return conn:result()
end

-- whether a call waits through the scheduler: an async driver, in a coroutine
function DB:waits()
  return self.async and coroutine.isyieldable()
end

-- a statement outside any transaction that failed: raised, unless
-- self.on_failure (run/retry.lua: a lock not granted in time, waited out
-- under the lock budget) says to send it again -> true. Only there: a
-- failed statement inside a transaction has aborted it. self.on_send(sql),
-- when set, is told of each statement before it goes (its lock_timeout).
local function failed(self, sql, msg, code, errno)
  local err = errors.database(self.driver, sql, msg, code, errno)
  local again = self.depth == 0 and self.on_failure
  if again and again(err) then return true end
  error(err, 0)
end

-- runs sql -> rows affected; lmigrate's own statements (its transactions)
-- come here without the check of transaction control
local function exec(self, sql, ...)
  if self.copying then self:finish_copy() end
  if self.on_send then self.on_send(sql) end
  repeat
    self.statements = self.statements + 1
    local t0 = self.trace and core.clock()
    if self:waits() then
      -- on failure the second and third values are the message and code
      local rows, cols_or_msg, affected_or_code, errno = run_async(self.conn, sql, ...)
      if t0 then self.trace(sql, core.clock() - t0) end
      if rows then return affected_or_code or 0 end
      failed(self, sql, cols_or_msg, affected_or_code, errno)
    else
      local n, msg, code, errno = self.conn:exec(sql, ...)
      if t0 then self.trace(sql, core.clock() - t0) end
      if n then return n end
      failed(self, sql, msg, code, errno)
    end
  until false
end

-- db:execute(sql, ...) -> rows affected
function DB:execute(sql, ...)
  check_sql(sql, "execute")
  txcontrol.check(self, sql, "execute", 2)
  return exec(self, sql, ...)
end

-- db:query(sql, ...) -> { row, ... }, each row keyed by column name
function DB:query(sql, ...)
  check_sql(sql, "query")
  txcontrol.check(self, sql, "query", 2)
  if self.copying then self:finish_copy() end
  if self.on_send then self.on_send(sql) end
  repeat
    self.statements = self.statements + 1
    local rows, msg, code, errno
    local t0 = self.trace and core.clock()
    if self:waits() then
      rows, msg, code, errno = run_async(self.conn, sql, ...)
    else
      rows, msg, code, errno = self.conn:query(sql, ...)
    end
    if t0 then self.trace(sql, core.clock() - t0) end
    if rows then return rows end
    failed(self, sql, msg, code, errno)
  until false
end

-- db:first(sql, ...) -> the first row, or nil
function DB:first(sql, ...)
  check_sql(sql, "first")
  txcontrol.check(self, sql, "first", 2)
  return self:query(sql, ...)[1]
end

-- db:insert and the COPY it may leave open
for name, fn in pairs(require("lmigrate.db.bulk")) do DB[name] = fn end
-- db:table(name [, alias]) and db:query_builder(): the query builder
require("lmigrate.db.query").install(DB)

function DB:begin()
  if self.depth == 0 then
    exec(self, self.driver == "sqlite" and "BEGIN IMMEDIATE" or "BEGIN")
  else
    exec(self, "SAVEPOINT lmigrate_" .. self.depth)
  end
  self.depth = self.depth + 1
end

function DB:commit()
  self.depth = self.depth - 1
  if self.depth == 0 then
    exec(self, "COMMIT")
  else
    exec(self, "RELEASE SAVEPOINT lmigrate_" .. self.depth)
  end
end

-- rolls back what begin() opened; never raises over the first error
function DB:rollback()
  self:abort_copy()
  if self.depth == 0 then return end
  self.depth = self.depth - 1
  local sql = self.depth == 0 and "ROLLBACK"
    or ("ROLLBACK TO SAVEPOINT lmigrate_" .. self.depth)
  pcall(exec, self, sql)
  if self.depth > 0 then pcall(exec, self, "RELEASE SAVEPOINT lmigrate_" .. self.depth) end
end

-- db:transaction(fn) -> what fn returns; nested calls use savepoints
function DB:transaction(fn)
  if type(fn) ~= "function" then
    error("lmigrate: db:transaction expects a function, got " .. type(fn), 2)
  end
  self:begin()
  local res = table.pack(pcall(fn, self))
  if not res[1] then
    self:rollback()
    error(res[2], 0)
  end
  self:commit()
  return table.unpack(res, 2, res.n)
end

-- db:try(fn) -> true, what fn returns | false, the database error. fn(db)
-- runs in a savepoint (a transaction of its own outside one); a database
-- error inside rolls back to it, so the caller's transaction goes on
-- (PostgreSQL would otherwise refuse every statement after the error).
-- Any other error (a Lua error, a misuse lmigrate raises) is not caught:
-- the savepoint is rolled back and the error goes on up.
function DB:try(fn)
  if type(fn) ~= "function" then
    error("lmigrate: db:try expects a function, got " .. type(fn), 2)
  end
  self:begin()
  local res = table.pack(pcall(fn, self))
  if res[1] then
    self:commit()
    return table.unpack(res, 1, res.n)
  end
  self:rollback()
  local err = res[2]
  if errors.is(err) and err.kind == "database" then return false, err end
  error(err, 0)
end

return M
