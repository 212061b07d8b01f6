-- The migration lock of one connection, taken before the history is read
-- and held for the whole run: a flock on the SQLite file (whatever URL
-- form names it), a MySQL named lock (PostgreSQL's lease, run/lease.lua,
-- waits here too). A lock another process holds
-- is waited for in the scheduler (the other connections run meanwhile);
-- after a second lmigrate says who holds it, and --lock-timeout gives up.
local core = require("lmigrate.core")
local errors = require("lmigrate.errors")
local scheduler = require("lmigrate.run.scheduler")

local M = {}

-- how long to wait before saying so, and between two tries
M.NOTICE_AFTER = 1
local POLL = 0.1

local function decode(s)
  return (s:gsub("%%(%x%x)", function(h) return string.char(tonumber(h, 16)) end))
end

-- sqlite_file(name) -> the file SQLite opens for the database name 'name'
-- (a path, or a URI filename "file:..."), or nil when it opens none (an
-- in-memory or a temporary database). As https://www.sqlite.org/uri.html
-- reads a URI: "file:" then an optional "//authority" (empty or
-- localhost), the %-decoded path up to '?' or '#', and mode=memory or
-- vfs=memdb meaning no file.
function M.sqlite_file(name)
  if name == "" or name == ":memory:" then return nil end
  local uri = name:match("^file:(.*)$")
  if not uri then return name end
  local path, query = uri:match("^([^?#]*)%??([^#]*)")
  if path:sub(1, 2) == "//" then path = path:match("^//[^/]*(.*)$") end
  for k, v in query:gmatch("([^&=]+)=([^&]*)") do
    k, v = decode(k), decode(v)
    if (k == "mode" and v == "memory") or (k == "vfs" and v == "memdb") then return nil end
  end
  path = decode(path)
  if path == "" or path == ":memory:" then return nil end
  return path
end

-- a duration in seconds as the messages write it: 30s, 1.5s, 2m
local function seconds(s)
  if s >= 60 and s % 60 == 0 then return ("%dm"):format(s // 60) end
  return (("%.1f"):format(s):gsub("%.0$", "")) .. "s"
end

-- who holds it: a pid, or text ("PostgreSQL backend pid 12")
local function holder(who)
  if type(who) == "string" then return "held by " .. who end
  return who and ("held by pid " .. math.tointeger(who)) or "held by another process"
end

-- wait_for(try, what, opts): try() -> lock | false, holder (pid or text); tries
-- until it gets the lock or opts.timeout seconds (nil: forever) passed,
-- saying after NOTICE_AFTER seconds on opts.out that it waits
function M.wait_for(try, what, opts)
  local t0 = core.clock()
  local said = false
  while true do
    local lk, pid = try()
    if lk then return lk end
    local waited = core.clock() - t0
    if opts.timeout and waited >= opts.timeout then
      errors.raise("connect", ("gave up waiting for the lock on %s after %s (--lock-timeout): it is %s")
        :format(what, seconds(opts.timeout), holder(pid)))
    end
    if not said and waited >= M.NOTICE_AFTER and opts.out then
      said = true
      opts.out:info(("Waiting for the lock on %s, %s%s."):format(what, holder(pid),
        opts.timeout and (" (giving up after " .. seconds(opts.timeout) .. ")") or ""))
    end
    local pause = POLL
    if opts.timeout then pause = math.max(0, math.min(pause, opts.timeout - waited)) end
    if not said then pause = math.min(pause, math.max(0.01, M.NOTICE_AFTER - waited)) end
    scheduler.sleep(pause)
  end
end

-- file(database, opts) -> Lock | nil: the flock on the file SQLite opens
-- for 'database'; none for an in-memory database
function M.file(database, opts)
  local path = M.sqlite_file(database)
  if not path then return nil end
  return M.wait_for(function()
    local lk, pid, errno = core.lock(path)
    if lk == nil then errors.raise("connect", ("cannot lock %s: %s"):format(path, pid), { code = errno }) end
    return lk, pid
  end, path, opts)
end

-- MySQL's named lock: lock names are server-wide and at most 64
-- characters, so the name is a hash of the database's (49 characters)
M.NAMED = "CONCAT('lmigrate:', SHA1(DATABASE()))"

-- named(db, what, opts) -> the release function: GET_LOCK, tried without
-- waiting so the scheduler runs the other connections meanwhile (the
-- server also releases it when the connection goes)
function M.named(db, what, opts)
  M.wait_for(function()
    local got = db:first("SELECT GET_LOCK(" .. M.NAMED .. ", 0) AS got").got
    if got == 1 then return true end
    if got ~= 0 then errors.raise("connect", "cannot take the migration lock (GET_LOCK gave NULL)") end
    local row = db:first("SELECT IS_USED_LOCK(" .. M.NAMED .. ") AS id")
    local id = row and math.tointeger(row.id)
    return false, id and ("MySQL connection " .. id .. " (see SHOW PROCESSLIST)")
  end, what, opts)
  return function() pcall(db.query, db, "DO RELEASE_LOCK(" .. M.NAMED .. ")") end
end

return M
