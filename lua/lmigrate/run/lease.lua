-- The migration lock of PostgreSQL: a lease, so that it holds behind a
-- pooler in transaction mode (PgBouncer), where a session advisory lock
-- lands on a server connection that other clients then use. The lease is
-- a row of lmigrate.leases (one per history table: schema.table) naming
-- its holder (host, pid, a token of the run), when it started, its last
-- heartbeat and when it expires, all from the server's clock. Each
-- statement is a transaction of its own, so any server connection does.
-- The run's second connection renews it (run/side.lua); a lease that
-- expired (its run crashed) is taken over; and each migration checks it
-- just before it commits (fencing): a run that lost it stops there.
local core = require("lmigrate.core")
local errors = require("lmigrate.errors")
local locks = require("lmigrate.run.locks")

local M = {}

local Lease = {}
Lease.__index = Lease

local COLUMNS = "(name text PRIMARY KEY, token text NOT NULL, host text NOT NULL,"
  .. " pid integer NOT NULL, started timestamptz NOT NULL, heartbeat timestamptz NOT NULL,"
  .. " expires timestamptz NOT NULL)"
local SHARED = '"lmigrate"."leases"'
local RACE = { ["23505"] = true, ["42P07"] = true, ["42710"] = true }

-- where the leases are: lmigrate.leases, made when missing; where the
-- role may not create a schema, <history>_lease beside the history table
local function locate(db, history)
  local own = db.grammar:quote(history .. "_lease")
  local r = db:first("SELECT to_regclass('lmigrate.leases') IS NOT NULL AS shared,"
    .. " to_regclass(?) IS NOT NULL AS own", own)
  if r.shared then return SHARED end
  if r.own then return own end
  -- two runs creating it at once: the loser's IF NOT EXISTS does not
  -- see the winner's uncommitted catalog rows and fails (42P07, 42710
  -- "type already exists", 23505 on the catalog's unique index); the
  -- next try sees the table
  local tbl = SHARED
  for try = 1, 5 do
    local ok, err = pcall(function()
      if tbl == SHARED then db:execute("CREATE SCHEMA IF NOT EXISTS lmigrate") end
      db:execute("CREATE TABLE IF NOT EXISTS " .. tbl .. " " .. COLUMNS)
    end)
    if ok then return tbl end
    if not errors.is(err) then error(err, 0) end
    if err.code == "42501" and tbl == SHARED then
      tbl = own
    elseif not RACE[err.code] or try == 5 then
      error(err, 0)
    end
  end
  return tbl
end

local HOLDER = "SELECT host, pid, token, expires < clock_timestamp() AS expired,"
  .. " extract(epoch FROM clock_timestamp() - heartbeat)::float8 AS beat_ago,"
  .. " extract(epoch FROM expires - clock_timestamp())::float8 AS expires_in,"
  .. " extract(epoch FROM clock_timestamp() - started)::float8 AS held_for, started::text AS started"
  .. " FROM %s WHERE name = ?"

local function secs(s) return ("%ds"):format(math.max(0, math.floor(s + 0.5))) end

-- "host pid 12 (its lease renewed 2s ago, expires in 28s)"
function M.describe(r)
  return ("%s pid %d (its lease renewed %s ago, %s)"):format(r.host, math.tointeger(r.pid),
    secs(r.beat_ago), r.expired and ("expired " .. secs(-r.expires_in) .. " ago")
      or ("expires in " .. secs(r.expires_in)))
end

-- key(db, history) -> the lease's name: the history table's schema.table
local function key(db, history)
  return db:first("SELECT current_schema() AS s").s .. "." .. history
end

-- one try: -> true | false, holder text
function Lease:try(db)
  local old = db:first(HOLDER:format(self.tbl), self.key)
  if old and not old.expired then return false, M.describe(old) end
  local got = db:first("INSERT INTO " .. self.tbl .. " AS l (name, token, host, pid, started, heartbeat,"
    .. " expires) VALUES (?, ?, ?, ?::integer, clock_timestamp(), clock_timestamp(),"
    .. " clock_timestamp() + ?::float8 * interval '1 second') ON CONFLICT (name) DO UPDATE SET"
    .. " token = EXCLUDED.token, host = EXCLUDED.host, pid = EXCLUDED.pid, started = EXCLUDED.started,"
    .. " heartbeat = EXCLUDED.heartbeat, expires = EXCLUDED.expires"
    .. " WHERE l.expires < clock_timestamp() RETURNING token",
    self.key, self.token, self.host, self.pid, self.ttl)
  if not got then
    local now = db:first(HOLDER:format(self.tbl), self.key)
    return false, now and M.describe(now)
  end
  if old and self.out then
    self.out:info(("Took over the migration lock from %s: its run stopped renewing it.")
      :format(M.describe(old)))
  end
  return true
end

-- take(db, c, opts) -> the lease, once held: waited for as the other locks
-- are (run/locks.lua: the word after a second, --lock-timeout)
function M.take(db, c, history, what, opts)
  local host, pid = core.whoami()
  local self = setmetatable({
    host = host, pid = pid, out = opts.out,
    token = ("%s:%d:%d:%x"):format(host, pid, os.time(), math.random(0, 0x7fffffff)),
    ttl = c.safety.lease, renew = c.safety.lease_renew, history = history,
  }, Lease)
  self.tbl = locate(db, history)
  self.key = key(db, history)
  locks.wait_for(function() return self:try(db) end, what, opts)
  return self
end

local RENEW = "UPDATE %s SET heartbeat = clock_timestamp(), expires = clock_timestamp()"
  .. " + ?::float8 * interval '1 second' WHERE name = ? AND token = ?"

-- the holder now, for the message of a lost lease
local function thief(self, db)
  local ok, r = pcall(db.first, db, HOLDER:format(self.tbl), self.key)
  return ok and r and M.describe(r) or "nobody (its row is gone: lmigrate lock:release?)"
end

-- heartbeat(db, out): renews it on the second connection; a lease lost is
-- said once (the next commit stops: fence)
function Lease:heartbeat(db, out)
  local ok, n = pcall(db.execute, db, RENEW:format(self.tbl), self.ttl, self.key, self.token)
  if ok and n == 0 and not self.lost then
    self.lost = true
    out:info(("Lost the migration lock: it is now held by %s; this run stops before its next commit.")
      :format(thief(self, db)))
  end
end

-- fence(db): in the migration's transaction, just before it commits:
-- renews the lease there, which keeps its row locked until the commit, or
-- stops the run when another one holds it now
function Lease:fence(db)
  if db:execute(RENEW:format(self.tbl), self.ttl, self.key, self.token) == 1 then return end
  self.lost = true
  errors.raise("migration", ("stopped before committing: this run lost the migration lock, now held"
    .. " by %s (its lease of %s was not renewed in time); the migration was rolled back")
    :format(thief(self, db), secs(self.ttl)))
end

-- retake(db): after lmigrate fresh dropped the tables, the lease's among them
function Lease:retake(db)
  self.tbl = locate(db, self.history)
  self:try(db)
end

-- release(db): the run is over
function Lease:release(db)
  pcall(db.execute, db, "DELETE FROM " .. self.tbl .. " WHERE name = ? AND token = ?", self.key,
    self.token)
end

-- {======================================================
-- lmigrate lock:status and lock:release
-- ======================================================

-- status(db, history) -> the holder's row (host, pid, started, beat_ago,
-- expires_in, expired, held_for) or nil when nobody holds it
function M.status(db, history)
  local r = db:first("SELECT to_regclass('lmigrate.leases') AS a, to_regclass(?) AS b",
    db.grammar:quote(history .. "_lease"))
  local tbl = r.a ~= core.null and SHARED or r.b ~= core.null and db.grammar:quote(history .. "_lease")
  if not tbl then return nil end
  return db:first(HOLDER:format(tbl), key(db, history)), tbl
end

-- breaks(db, history) -> the row it deleted, or nil
function M.breaks(db, history)
  local r, tbl = M.status(db, history)
  if not r then return nil end
  db:execute("DELETE FROM " .. tbl .. " WHERE name = ? AND token = ?", key(db, history), r.token)
  return r
end

-- }======================================================

return M
