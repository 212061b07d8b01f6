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

-- a statement held for the one sent ('sent': where each is in the text)
-- failed at position 'at' (the driver's fifth failure value): a BEGIN
-- held with it is rolled back; the error of a tagged one (db:hold) names
-- it, with no code, so that nothing takes it for the statement's own
local function held_failed(self, sent, err, at)
  if sent.commit and at <= sent.commit then self.conn:exec("ROLLBACK") end
  if sent.tag then
    err.sql = sent.sql
    err.message = ("%s did not go in: %s"):format(sent.tag, err.message)
    err.code, err.errno = nil, nil
  end
end

-- a statement outside any transaction that failed: raised, unless
-- self.on_failure (run/retry.lua: a lock not granted in time, waited out
-- under the lock budget) says to send it again -> true. Only there: a
-- failed statement inside a transaction has aborted it. self.on_send(sql),
-- when set, is told of each statement before it goes (its lock_timeout).
local function failed(self, sql, msg, code, errno, at)
  local err = errors.database(self.driver, sql, msg, code, errno)
  local sent = self.sent
  self.sent = nil
  -- a statement held for this one failed: this one did not run (db:ahead),
  -- and is not sent again without it
  if sent and at and at <= sent.before then
    held_failed(self, sent, err, at)
    error(err, 0)
  end
  local again = self.depth == 0 and self.on_failure
  if again and again(err) then return true end
  error(err, 0)
end

-- {======================================================
-- Statements sent ahead of the next one (MySQL): a driver that runs
-- several statements of one query text (CLIENT_MULTI_STATEMENTS) takes
-- them in the same round trip as the statement they precede. The server
-- runs them in order and stops at the first that fails, so whatever
-- follows a failed one does not run.
-- ======================================================

-- db:session(key, sql): the session setting 'key' is to be 'sql' from the
-- next statement on; nothing is sent when the session has it already
-- (run/retry.lua sets MySQL's lock waits around each migration: set back
-- and set again between two of them, nothing is sent)
function DB:session(key, sql)
  local s = self.sessions
  if not s then s = { have = {}, want = {} }; self.sessions = s end
  s.want[key] = sql
  if s.have[key] ~= sql then self.unsent = true end
end

-- db:ahead(rows, sql, ...): 'sql' (its values bound as a statement's),
-- which changes 'rows' rows, runs in the round trip of the next
-- statement, just before it; a failure of either is reported as that
-- statement's, whose count of rows affected leaves those 'rows' out
function DB:ahead(rows, sql, ...)
  local a = self.ahead_sql
  self.ahead_n = (self.ahead_n or 0) + 1
  if not a then
    self.ahead_sql, self.ahead_args, self.ahead_rows = sql, table.pack(...), rows
  else
    self.ahead_sql, self.ahead_rows = a .. "; " .. sql, self.ahead_rows + rows
    -- one copy of the values (select(i, ...) in a loop copies them all each time)
    local args, n = self.ahead_args, select("#", ...)
    table.move({ ... }, 1, n, args.n + 1, args)
    args.n = args.n + n
  end
  self.unsent = true
end

-- the text sent for sql: what is held back, then sql; and the values of
-- all of it when statements ahead have values of their own (else nil)
local function prefixed(self, sql, ...)
  self.unsent = false
  local parts, n, s = {}, 0, self.sessions
  if s then
    for k, v in pairs(s.want) do
      if s.have[k] ~= v then n = n + 1; parts[n] = v; s.have[k] = v end
    end
  end
  local args = self.ahead_args
  if self.ahead_sql then
    -- where each held statement is in the text, for failed()
    self.sent = { before = n + self.ahead_n, commit = self.ahead_commit and n + self.ahead_commit,
                  tag = self.ahead_tag, sql = self.ahead_sql }
    n = n + 1
    parts[n] = self.ahead_sql
  end
  self.ahead_sql, self.ahead_args, self.ahead_rows = nil, nil, nil
  self.ahead_n, self.ahead_commit, self.ahead_tag = nil, nil, nil
  n = n + 1
  parts[n] = sql
  if not args or args.n == 0 then return table.concat(parts, "; "), nil end
  for i = 1, select("#", ...) do args[args.n + i] = select(i, ...) end
  args.n = args.n + select("#", ...)
  return table.concat(parts, "; "), args
end

-- calls f(conn, text, values): those of 'args' when given, else '...'
local function call(f, conn, text, args, ...)
  if args then return f(conn, text, table.unpack(args, 1, args.n)) end
  return f(conn, text, ...)
end

-- db:ahead_with(rows, sql, ...): as db:ahead; what is held already (a
-- step's history row, a journal row's mark: db:hold) commits with 'sql' in
-- one transaction (BEGIN before them, COMMIT after it): one InnoDB commit
-- where there were two, in the same round trip
function DB:ahead_with(rows, sql, ...)
  if not self.ahead_sql or self.depth > 0 then return self:ahead(rows, sql, ...) end
  self.ahead_sql, self.ahead_n = "BEGIN; " .. self.ahead_sql, self.ahead_n + 1
  self:ahead(rows, sql, ...)
  self:ahead(0, "COMMIT")
  self.ahead_commit = self.ahead_n
end

-- db:hold(tag, fn): what fn executes (each statement changing one row)
-- is held for the next statement (db:ahead), not sent now. tag names it in
-- the error when it fails there ("the history row insert of M"). Held so, a
-- statement that fails leaves the one it preceded unrun, and nothing
-- sends it again (on_failure, run/retry.lua's wait, is not asked)
function DB:hold(tag, fn)
  self.holding = 1
  local ok, err = pcall(fn)
  self.holding = nil
  if not ok then error(err, 0) end
  if self.ahead_sql and tag then self.ahead_tag = tag end
end

-- sends what is held back on its own (before a prepared statement)
function DB:flush()
  if not self.unsent then return end
  local text, args = prefixed(self, "DO 0")
  local n, msg, code, errno, at = call(self.conn.exec, self.conn, text, args)
  local sent = self.sent
  self.sent = nil
  if not n then
    local err = errors.database(self.driver, text, msg, code, errno)
    if sent and at and at <= sent.before then held_failed(self, sent, err, at) end
    error(err, 0)
  end
end

-- }======================================================

-- runs sql -> rows affected; lmigrate's own statements (its transactions)
-- come here without the check of transaction control
local function exec(self, sql, ...)
  if self.copying then self:finish_copy() end
  -- db.holding: held for the next statement (run/journal.lua, with a COMMIT to come)
  -- (a number: the rows each changes, db:hold)
  if self.holding then return self:ahead(self.holding == true and 0 or self.holding, sql, ...) or 0 end
  if self.on_send then self.on_send(sql) end
  repeat
    self.statements = self.statements + 1
    local text, args, before = sql, nil, self.ahead_rows or 0
    if self.unsent then text, args = prefixed(self, sql, ...) end
    local t0 = self.trace and core.clock()
    if self:waits() then
      -- on failure the second and third values are the message and code
      local rows, cols_or_msg, affected_or_code, errno, at = call(run_async, self.conn, text, args, ...)
      if t0 then self.trace(sql, core.clock() - t0) end
      if rows then self.sent = nil; return (affected_or_code or 0) - before end
      failed(self, sql, cols_or_msg, affected_or_code, errno, at)
    else
      local n, msg, code, errno, at = call(self.conn.exec, self.conn, text, args, ...)
      if t0 then self.trace(sql, core.clock() - t0) end
      if n then self.sent = nil; return n - before end
      failed(self, sql, msg, code, errno, at)
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
    local text, args = sql, nil
    if self.unsent then text, args = prefixed(self, sql, ...) end
    local rows, msg, code, errno, at
    local t0 = self.trace and core.clock()
    if self:waits() then
      rows, msg, code, errno, at = call(run_async, self.conn, text, args, ...)
    else
      rows, msg, code, errno, at = call(self.conn.query, self.conn, text, args, ...)
    end
    if t0 then self.trace(sql, core.clock() - t0) end
    if rows then self.sent = nil; return rows end
    failed(self, sql, msg, code, errno, at)
  until false
end

-- db:first(sql, ...) -> the first row, or nil
function DB:first(sql, ...)
  check_sql(sql, "first")
  txcontrol.check(self, sql, "first", 2)
  return self:query(sql, ...)[1]
end

-- db:insert and the COPY it may leave open (db/bulk.lua), db:table(name
-- [, alias]) and db:query_builder() (the query builder, db/query.lua): each
-- module is loaded at the first call of one of its methods, which then
-- replace these stand-ins, so that a run calling none of them (a migrate of
-- schema statements, a no-op) does not load them (bench/README.md, MySQL)
local function lazy(module, names, install)
  for _, name in ipairs(names) do
    DB[name] = function(...)
      install(require(module))
      return DB[name](...)
    end
  end
end
lazy("lmigrate.db.bulk", { "insert", "finish_copy", "abort_copy", "defer_copies" },
  function(bulk) for name, fn in pairs(bulk) do DB[name] = fn end end)
lazy("lmigrate.db.query", { "table", "query_builder" }, function(q) q.install(DB) end)
-- Laravel's DB::select, DB::statement, DB::unprepared, ... (db/statements.lua)
M.statement_names = { "select", "select_from_write_connection", "select_one", "scalar", "cursor",
  "statement", "affecting_statement", "update", "delete", "unprepared", "raw", "get_driver_name",
  "get_database_name", "get_table_prefix", "get_query_grammar", "pretending", "begin_transaction",
  "roll_back" }
lazy("lmigrate.db.statements", M.statement_names, function(s) s.install(DB) end)

-- db:begin([ahead]): ahead, the BEGIN goes with the next statement (db:ahead)
function DB:begin(ahead)
  if self.depth == 0 and ahead then
    self:ahead(0, "BEGIN")
  elseif self.depth == 0 then
    exec(self, self.driver == "sqlite" and "BEGIN IMMEDIATE" or "BEGIN")
  else
    exec(self, "SAVEPOINT lmigrate_" .. self.depth)
  end
  self.depth = self.depth + 1
end

function DB:commit()
  self.depth = self.depth - 1
  if self.depth == 0 and self.ahead_sql then
    -- a statement held for the COMMIT that fails leaves the transaction
    -- open; the error shows what the round trip held
    local held = self.ahead_sql
    local ok, err = pcall(exec, self, "COMMIT")
    if not ok then
      pcall(exec, self, "ROLLBACK")
      if errors.is(err) then err.sql = held .. "; COMMIT" end
      error(err, 0)
    end
  elseif self.depth == 0 then
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

-- db:transaction(fn [, attempts]) -> what fn returns; nested calls use
-- savepoints. As Laravel's DB::transaction, a deadlock or serialization
-- failure (errors.concurrency) of an outermost transaction runs fn again,
-- up to 'attempts' times in all (1: no retry); inside another (a
-- migration's own) it goes up to that one's owner
function DB:transaction(fn, attempts)
  if type(fn) ~= "function" then
    error("lmigrate: db:transaction expects a function, got " .. type(fn), 2)
  end
  if attempts ~= nil and (math.type(attempts) ~= "integer" or attempts < 1) then
    error("lmigrate: db:transaction expects attempts, a whole number >= 1, got " .. tostring(attempts), 2)
  end
  for attempt = 1, attempts or 1 do
    self:begin()
    local res = table.pack(pcall(fn, self))
    if res[1] then
      self:commit()
      return table.unpack(res, 2, res.n)
    end
    self:rollback()
    if attempt == (attempts or 1) or self.depth > 0 or not errors.concurrency(res[2]) then
      error(res[2], 0)
    end
  end
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
