-- Lock budgets: every statement of a migration runs under a lock_timeout
-- (and a statement_timeout where configured), so that a migration never
-- queues the traffic of a busy table behind it for longer than that. When
-- the lock is not granted in time (PostgreSQL's SQLSTATE 55P03), the
-- migration's transaction is rolled back and the migration runs again
-- after a pause, with the timeouts and pauses of GitLab's WithLockRetries
-- (short waits first, pauses growing to minutes), until it succeeds or
-- its lock_budget is spent. While a statement waits, the second
-- connection (run/side.lua) says who holds the lock.
local core = require("lmigrate.core")
local safety = require("lmigrate.safety")
local errors = require("lmigrate.errors")
local scheduler = require("lmigrate.run.scheduler")

local M = {}

-- GitLab's Gitlab::Database::WithLockRetries::DEFAULT_TIMING_CONFIGURATION:
-- { lock_timeout of the attempt, pause after it fails }, in seconds. The
-- attempt's wait is capped by the migration's lock_timeout; past the end
-- of the table its last row repeats until the budget is spent.
M.SCHEDULE = {
  { 0.1, 0.05 }, { 0.1, 0.05 }, { 0.2, 0.05 }, { 0.3, 0.1 }, { 0.4, 0.15 },
  { 0.5, 2 }, { 0.5, 2 }, { 0.5, 2 }, { 0.5, 2 }, { 1, 5 }, { 1, 60 },
  { 0.1, 0.05 }, { 0.1, 0.05 }, { 0.2, 0.05 }, { 0.3, 0.1 }, { 0.4, 0.15 },
  { 0.5, 2 }, { 0.5, 2 }, { 0.5, 2 }, { 3, 180 },
  { 0.1, 0.05 }, { 0.1, 0.05 }, { 0.5, 2 }, { 0.5, 2 }, { 5, 120 },
  { 0.5, 0.5 }, { 0.5, 0.5 }, { 7, 300 }, { 0.5, 0.5 }, { 0.5, 0.5 }, { 7, 300 },
  { 0.5, 0.5 }, { 0.5, 0.5 }, { 7, 300 },
  { 0.1, 0.05 }, { 0.1, 0.05 }, { 0.5, 2 }, { 10, 600 },
  { 0.1, 0.05 }, { 0.5, 2 }, { 10, 600 },
}

local function timing(i)
  local row = M.SCHEDULE[math.min(i, #M.SCHEDULE)]
  return row[1], row[2]
end

-- a duration as the messages write it: 100ms, 1.5s, 2m, 1m30s
function M.seconds(s)
  if s < 1 then return ("%dms"):format(math.floor(s * 1000 + 0.5)) end
  if s >= 60 then
    local m, r = s // 60, math.floor(s % 60 + 0.5)
    return r == 0 and ("%dm"):format(m) or ("%dm%ds"):format(m, r)
  end
  return (("%.1f"):format(s):gsub("%.0$", "")) .. "s"
end

local KEYS = { "lock_timeout", "statement_timeout", "lock_budget" }

-- limits(m, entry) -> { lock_timeout, statement_timeout, lock_budget }:
-- the connection's (lmigrate.lua), each overridden by the migration's own
function M.limits(m, entry)
  local base = (m.connection and m.connection.safety) or safety.DEFAULTS
  local t = {}
  for _, k in ipairs(KEYS) do
    t[k] = base[k]
    local v = entry.class and rawget(entry.class, k)
    if v ~= nil then
      local ok, err = pcall(safety.value, entry.file or entry.name, k, v)
      if not ok then   -- bad config (exit 2), named as the migration's
        err.migration, err.file = entry.name, entry.file
        error(err, 0)
      end
      t[k] = err
    end
  end
  return t
end

-- whether err is a lock not granted in time (PostgreSQL 55P03 lock_not_available,
-- MySQL 1205 ER_LOCK_WAIT_TIMEOUT)
function M.is_lock_timeout(err)
  return errors.is(err) and (err.code == "55P03" or err.errno == 1205)
end

-- {======================================================
-- One attempt's timeouts, by driver: ATTEMPT[driver](m, lim, wait, before,
-- after, attempt) runs attempt(before', after') under them -> ok, err, the
-- row of a failure held back (MySQL)
-- ======================================================

local function ms(s) return ("%d"):format(math.max(1, math.floor(s * 1000 + 0.5))) end

-- whole seconds, at least 1: MySQL's lock_wait_timeout and
-- innodb_lock_wait_timeout take no fraction
local function whole(s) return math.max(1, math.ceil(s - 1e-9)) end

local ATTEMPT = {}

-- PostgreSQL: SET LOCAL inside the transaction (it ends with it, and binds
-- behind a transaction pooler), SET for the session outside one (RESET
-- after); the watcher watches the backend of the transaction; the lease
-- is checked last before the commit
function ATTEMPT.postgres(m, lim, wait, before, after, attempt)
  local db, session = m.db, false
  local ok, err = pcall(attempt, function()
    local scope = db.depth > 0 and "SET LOCAL " or "SET "
    session = db.depth == 0
    db:execute(scope .. "lock_timeout = " .. ms(wait))
    if lim.statement_timeout and lim.statement_timeout > 0 then
      db:execute(scope .. "statement_timeout = " .. ms(lim.statement_timeout))
    end
    if m.side then m.side:watch(db) end
    if before then before() end
  end, function()
    if after then after() end
    if m.lease then m.lease:fence(db) end
  end)
  if m.side then m.side:unwatch() end
  if session then
    pcall(db.execute, db, "RESET lock_timeout")
    pcall(db.execute, db, "RESET statement_timeout")
  end
  return ok, err
end

-- MySQL: the session's metadata-lock and row-lock waits (whole seconds),
-- back to the server's defaults after (db:session: both go with the next
-- statement, so between two migrations of the same waits nothing is
-- sent); MariaDB's max_statement_time and
-- MySQL's max_execution_time differ, so statement_timeout is not set here.
-- The journal (run/journal.lua) prints a failed attempt's row: it is held
-- back until the last attempt
function ATTEMPT.mysql(m, _, wait, before, after, attempt)
  local db, out = m.db, m.out
  local n = whole(wait)
  db:session("lock_wait", ("SET SESSION lock_wait_timeout = %d, innodb_lock_wait_timeout = %d")
    :format(n, n))
  local failed
  m.out = setmetatable({ finish = function(o, name, t, done, err)
    if done then return out.finish(o, name, t, done) end
    failed = { name, t, err }
  end }, { __index = out })
  local ok, err = pcall(attempt, before, after)
  m.out = out
  db:session("lock_wait", "SET SESSION lock_wait_timeout = DEFAULT, innodb_lock_wait_timeout = DEFAULT")
  return ok, err, failed
end

-- }======================================================

-- whether a failed attempt may run again: a lock timeout after which
-- nothing stayed (MySQL: no statement of the journal applied)
local function retryable(db, err)
  if not M.is_lock_timeout(err) then return false end
  return db.driver ~= "mysql" or err.details == nil
end

-- the wait of attempt i, begun at t0: the schedule's, within lock_timeout
-- and what the budget has left
local function wait_of(db, lim, budget, i, t0)
  local wait = lim.lock_timeout
  if budget then
    wait = math.min(wait, (timing(i)), math.max(0.01, budget - (core.clock() - t0)))
  end
  if db.driver == "mysql" then wait = whole(wait) end
  return wait
end

local function msec(s) return math.floor(s * 1000 + 0.5) end

-- says that attempt i's lock was not granted within 'wait' and what runs
-- again ('scope': the migration, the statement, the batch) after 'pause';
-- then waits the pause
local WHAT = {
  migration = "rolled back, retrying",
  statement = "the statement had no effect, running it again",
  batch = "rolled back the whole batch, running it again",
}
local function retrying(m, scope, wait, i, pause, spent, budget, lim, migration)
  if m.side then m.side:need() end
  local line = ("Lock not granted within %s (attempt %d): %s in %s (%s of the %s lock budget spent).")
    :format(M.seconds(wait), i, WHAT[scope], M.seconds(pause), M.seconds(spent), M.seconds(budget))
  local next_wait = math.min(lim.lock_timeout, (timing(i + 1)))
  m.out:lock_timeout(line, { event = "lock_timeout", migration = migration, attempt = i,
    timeout_ms = msec(wait), retry = scope, retry_in_ms = msec(pause), spent_ms = msec(spent),
    budget_ms = msec(budget), next_attempt = i + 1, next_timeout_ms = msec(next_wait) })
  scheduler.sleep(pause)
end

-- {======================================================
-- A migration outside a transaction (transaction = false): a statement
-- whose lock is not granted in time has had no effect, so it alone runs
-- again, under the next timeout of the schedule; the statements before
-- it stay done. db.on_failure (db/init.lua) asks at each failure.
-- ======================================================

local SET = {
  postgres = function(db, wait) db:execute("SET lock_timeout = " .. ms(wait)) end,
  -- goes with the statement sent again (db:session, as ATTEMPT.mysql's)
  mysql = function(db, wait)
    db:session("lock_wait", ("SET SESSION lock_wait_timeout = %d, innodb_lock_wait_timeout = %d")
      :format(wait, wait))
  end,
}

-- CREATE INDEX CONCURRENTLY: a build that gives up leaves an INVALID index
-- behind (it is not without effect), and it waits for every older
-- transaction, not a table's queue: it runs once, under lock_timeout itself
local function concurrent_build(sql)
  local s = type(sql) == "string" and sql:upper() or ""
  return s:match("^%s*CREATE%s+UNIQUE%s+INDEX%s+CONCURRENTLY") ~= nil
    or s:match("^%s*CREATE%s+INDEX%s+CONCURRENTLY") ~= nil
end

-- whether the statement that failed with err may run again alone, under
-- the schedule's next wait (st: { i, t0, wait }, the attempt it is at):
-- if so, says so, waits the pause and moves st on -> true
local function next_try(m, lim, budget, st, err)
  if not (budget and M.is_lock_timeout(err)) or concurrent_build(err.sql) then return false end
  local spent = core.clock() - st.t0
  local _, pause = timing(st.i)
  if spent + pause >= budget then return false end
  retrying(m, "statement", st.wait, st.i, pause, spent, budget, lim)
  st.i = st.i + 1
  st.wait = wait_of(m.db, lim, budget, st.i, st.t0)
  if m.side then m.side:attempt(st.i, st.wait) end
  return true
end

-- alone(m, lim, budget, st) -> the db.on_failure and db.on_send of the
-- step; st: { i, t0, wait }, the attempt it is at
local function alone(m, lim, budget, st)
  local db = m.db
  local hook, send
  local function set(wait)
    db.on_failure, db.on_send = nil, nil
    SET[db.driver](db, wait)
    db.on_failure, db.on_send = hook, send
  end
  function hook(err)
    db.on_failure = nil
    if not next_try(m, lim, budget, st, err) then
      db.on_failure = hook
      return false
    end
    set(st.wait)
    return true
  end
  function send(sql)
    local cic = db.driver == "postgres" and concurrent_build(sql)
    if cic ~= (st.cic or false) then
      st.cic = cic
      set(cic and lim.lock_timeout or st.wait)
    end
  end
  return hook, send
end

-- A journaled MySQL migration (run/journal.lua) in a transaction of its
-- own: MySQL commits each schema statement on its own, so once one has,
-- the migration cannot run again from its start. Its next statement whose
-- lock is not granted in time had no effect either way: it alone runs
-- again (the journal asks m.statement_retry(err), Rec:attempts), under the
-- schedule's next wait, set with the statement sent again. Until one has
-- committed, the journal does not ask: the migration runs again (M.step).
local function journaled(m, lim, budget, st)
  return function(err)
    if not next_try(m, lim, budget, st, err) then return false end
    SET.mysql(m.db, st.wait)
    return true
  end
end

-- }======================================================

-- step(m, entry, own, before, after, attempt): runs attempt(before', after')
-- (one try of the step: keys.run, or journal.step on MySQL) until it
-- succeeds, retrying a lock timeout while the budget lasts; before' sets
-- the timeouts and tells the watcher which backend to watch, after'
-- checks the lease (fencing) just before the commit. In a transaction of
-- its own, the step runs again; outside any, the statement
-- (alone); in an --atomic batch, the batch (M.batch).
function M.step(m, entry, own, before, after, attempt)
  local db = m.db
  local run = ATTEMPT[db.driver]
  if not run then return attempt(before, after) end
  local lim = M.limits(m, entry)
  local mode = own and "own" or db.depth > 0 and "batch" or "none"
  local budget = mode ~= "batch" and lim.lock_budget
  local st = { i = 0, t0 = core.clock() }
  while true do
    st.i = st.i + 1
    st.wait = wait_of(db, lim, budget, st.i, st.t0)
    if m.batch_try then st.wait = math.min(st.wait, m.batch_try.wait) end
    if mode == "none" then db.on_failure, db.on_send = alone(m, lim, budget, st) end
    if own and db.driver == "mysql" then m.statement_retry = journaled(m, lim, budget, st) end
    if m.side then m.side:attempt(m.batch_try and m.batch_try.n or st.i, st.wait) end
    local ok, err, failed = run(m, lim, st.wait, before, after, attempt)
    db.on_failure, db.on_send, m.statement_retry = nil, nil, nil
    if ok then
      if m.side then m.side:forget() end
      return
    end
    local spent = core.clock() - st.t0
    local _, pause = timing(st.i)
    local again = own and retryable(db, err) and budget and spent + pause < budget
    if not again then
      if m.side then m.side:forget() end
      if failed then m.out:finish(failed[1], failed[2], false, failed[3]) end
      -- the batch decides (M.batch)
      if M.is_lock_timeout(err) and not m.batch_try and not concurrent_build(err.sql) then
        M.give_up(err, entry, lim, budget, st.i, spent, err.details and "none" or mode)
      end
      error(err, 0)
    end
    retrying(m, "migration", st.wait, st.i, pause, spent, budget, lim)
  end
end

-- batch(m, fn): fn runs an --atomic batch in one transaction; a lock not
-- granted in time rolls all of it back, and it runs again after the
-- schedule's pause, each statement under the schedule's next timeout,
-- within the connection's lock_budget
function M.batch(m, fn)
  local db = m.db
  if not ATTEMPT[db.driver] then return fn() end
  local lim = M.limits(m, {})
  local budget = lim.lock_budget
  local t0, i = core.clock(), 0
  while true do
    i = i + 1
    m.batch_try = { n = i, wait = wait_of(db, lim, budget, i, t0) }
    local ok, err = pcall(fn)
    local wait = m.batch_try.wait
    m.batch_try = nil
    if ok then return end
    local spent = core.clock() - t0
    local _, pause = timing(i)
    if not (M.is_lock_timeout(err) and budget and spent + pause < budget) then
      if M.is_lock_timeout(err) then
        M.give_up(err, { name = err.migration, file = err.file }, lim, budget, i, spent, "batch")
      end
      error(err, 0)
    end
    retrying(m, "batch", wait, i, pause, spent, budget, lim, err.migration)
  end
end

-- raises the failure of a migration whose lock never came: what it waited
-- for, and that nothing of it stayed
local STAYS = {
  own = "it was rolled back, nothing of it was applied",
  batch = "the batch's transaction is rolled back",
  none = "what it ran before the lock stays",
}
function M.give_up(err, entry, lim, budget, attempts, spent, mode)
  local why
  if budget then
    why = ("a lock was not granted within the lock budget of %s (%d attempts in %s, each waiting"
      .. " at most %s)"):format(M.seconds(budget), attempts, M.seconds(spent),
      M.seconds(lim.lock_timeout))
  else
    why = ("a lock was not granted within lock_timeout %s (lock_budget = false: no retries)")
      :format(M.seconds(lim.lock_timeout))
  end
  err.message = ("%s; %s (%s)"):format(why, STAYS[mode], err.message)
  err.migration, err.file = entry.name, entry.file
  error(err, 0)
end

return M
