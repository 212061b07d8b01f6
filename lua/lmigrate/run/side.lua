-- The second connection of a PostgreSQL run and the coroutine that works
-- on it beside the migrations (scheduler.spawn): it renews the lease
-- (run/lease.lua) every lease_renew seconds, and while a statement of the
-- migration connection has been waiting a moment, it asks pg_locks and
-- pg_blocking_pids who holds the lock and says so, live. The migration's
-- own wait is never blocked by this: both yield to the scheduler. The
-- connection opens when it is first needed (the first heartbeat, a lock
-- timeout, a statement stalled for OPEN_AFTER): a short run opens none.
local core = require("lmigrate.core")
local scheduler = require("lmigrate.run.scheduler")

local M = {}

local Side = {}
Side.__index = Side

-- how often the coroutine looks, and how long a statement waits before it asks
M.TICK = 0.05
M.STALL = 0.05
M.LOOK = 0.25   -- between two looks at one wait
M.OPEN_AFTER = 0.5   -- a statement stalled this long opens the connection
M.REPEAT = 10   -- the same holder is said again after this many seconds

-- the lock the backend 'pid' waits for and who holds it, the first holder
-- (pg_blocking_pids: the holders and the waiters queued before it)
local BLOCKERS = [[
SELECT l.mode, l.locktype, l.relation::regclass::text AS rel, b.pid, b.usename,
  host(b.client_addr) AS addr, b.state,
  extract(epoch FROM clock_timestamp() - coalesce(b.state_change, b.backend_start))::float8 AS secs,
  left(regexp_replace(b.query, '\s+', ' ', 'g'), 60) AS query, length(b.query) AS qlen
FROM pg_locks l
CROSS JOIN LATERAL unnest(pg_blocking_pids(l.pid)) WITH ORDINALITY AS x(pid, n)
JOIN pg_stat_activity b ON b.pid = x.pid
WHERE l.pid = ? AND NOT l.granted
ORDER BY x.n LIMIT 1]]

-- "AccessExclusiveLock" -> "ACCESS EXCLUSIVE"
local function mode_words(mode)
  return (mode:gsub("Lock$", ""):gsub("(%l)(%u)", "%1 %2"):upper())
end

-- 192 s -> 3m12s
local function age(s)
  s = math.floor(s)
  if s < 60 then return s .. "s" end
  if s < 3600 then return ("%dm%02ds"):format(s // 60, s % 60) end
  return ("%dh%02dm"):format(s // 3600, s % 3600 // 60)
end

-- the line of a row of BLOCKERS, the holder's pid, and the fields of the
-- --json event (output_json.lua)
function M.describe(r, null)
  local function v(x) return x ~= null and x or nil end
  local what = mode_words(r.mode) .. " on " .. (v(r.rel) or r.locktype)
  local who = (v(r.usename) or "?") .. "@" .. (v(r.addr) or "local")
  local state = v(r.state) or "running"
  local q = v(r.query)
  if q and v(r.qlen) and r.qlen > #q then q = q .. " ..." end
  local pid = math.tointeger(r.pid)
  local fields = { event = "waiting", lock = mode_words(r.mode), table = v(r.rel),
    locktype = r.locktype, blocker = { pid = pid, user = v(r.usename), addr = v(r.addr),
      state = state, ["for"] = age(r.secs or 0), for_s = math.floor(r.secs or 0), query = q } }
  return ("waiting for %s: held by pid %d (%s, %s for %s%s)"):format(what, pid,
    who, state, age(r.secs or 0), q and q ~= "" and (": " .. q) or ""), pid, fields
end

-- new(open, out) -> the side; open() -> its connection (a DB), when needed
function M.new(open, out)
  local self = setmetatable({ open = open, out = out, watching = nil, said = nil }, Side)
  self.task = scheduler.spawn(function() self:loop() end)
  return self
end

-- watch(main): the migration's transaction began on 'main' (a DB): its
-- backend (the pooler's server connection of this transaction) is watched
function Side:watch(main)
  local row = main:first("SELECT pg_backend_pid() AS pid")
  self.watching = { db = main, pid = row.pid, count = main.statements, since = core.clock() }
end

function Side:unwatch() self.watching = nil end

-- need(): the connection is wanted now (a lock timeout happened)
function Side:need() self.wanted = true end

-- attempt(n, wait): the try of the lock budget now running, and its lock_timeout
function Side:attempt(n, wait) self.try = { n = n, wait = wait } end

-- the step is over: a holder seen is said again for the next one
function Side:forget() self.said = nil end

-- the lease this side renews
function Side:renew(lease) self.lease = lease end

-- connect(now) -> whether the connection is open, opening it; a failure
-- is said once, and tried again after a while
local function connect(self, now)
  if self.db then return true end
  if now < (self.retry_at or 0) then return false end
  local ok, db = pcall(self.open)
  if ok then
    self.db = db
    return true
  end
  self.retry_at = now + 5
  if not self.failed then
    self.failed = true
    self.out:info(("Cannot open a second connection (%s): the lease is not renewed and nobody"
      .. " is named while a lock is waited for."):format(require("lmigrate.errors").text(db)))
  end
  return false
end

local function look(self, w, now)
  if w.db.statements ~= w.count then
    w.count, w.since = w.db.statements, now
    return
  end
  if now - w.since < M.STALL or now < (w.next or 0) then return end
  if not self.db and not self.wanted and now - w.since < M.OPEN_AFTER then return end
  if not connect(self, now) then return end
  w.next = now + M.LOOK
  local ok, r = pcall(self.db.first, self.db, BLOCKERS, w.pid)
  if not ok or not r or self.watching ~= w then return end
  local line, pid, fields = M.describe(r, core.null)
  local s = self.said
  if s and s.pid == pid and s.line:match("^[^(]*") == line:match("^[^(]*")
      and now - s.at < M.REPEAT then return end
  self.said = { pid = pid, line = line, at = now }
  if self.try then
    fields.attempt, fields.timeout_ms = self.try.n, math.floor(self.try.wait * 1000 + 0.5)
  end
  fields.waited_ms = math.floor((now - w.since) * 1000 + 0.5)
  self.out:waiting(line:sub(1, 1):upper() .. line:sub(2) .. ".", fields)
end

function Side:loop()
  local beat = core.clock() + (self.lease and self.lease.renew or 0)
  while not self.task.stopped do
    local now = core.clock()
    if self.lease and now >= beat and connect(self, now) then
      beat = now + self.lease.renew
      self.lease:heartbeat(self.db, self.out)
    end
    local w = self.watching
    if w then look(self, w, now) end
    scheduler.sleep(M.TICK)
  end
end

-- close(): stops the coroutine (after the query it runs, if any) and the connection
function Side:close()
  if self.task then
    self.task.stop()
    while not self.task.done and coroutine.isyieldable() do scheduler.sleep(0.01) end
  end
  if self.db then self.db.conn:close() end
end

return M
