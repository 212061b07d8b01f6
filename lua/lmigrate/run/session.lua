-- A command's work on its connections: open each one, hold the lock that
-- keeps two lmigrate processes from migrating one database at once, and
-- run the work on all of them at once when there are several.
local core = require("lmigrate.core")
local errors = require("lmigrate.errors")
local redact = require("lmigrate.redact")
local DB = require("lmigrate.db")
local Schema = require("lmigrate.schema")
local Repository = require("lmigrate.run.repository")
local lease = require("lmigrate.run.lease")
local locks = require("lmigrate.run.locks")
local Migrator = require("lmigrate.run.migrator")
local others = require("lmigrate.run.others")
local scheduler = require("lmigrate.run.scheduler")

local M = {}

-- where a connection points, for messages: never its password
local function describe(c)
  if c.driver == "sqlite" then return c.database end
  if c.driver == "mysql" then
    local o = c.options or {}
    local where = o.socket and ("localhost/" .. c.database .. "?socket=" .. o.socket)
      or ("%s%s/%s"):format(o.host or "localhost", o.port and (":" .. o.port) or "", c.database)
    return "mysql://" .. (o.user and (o.user .. "@") or "") .. where
  end
  local info = c.conninfo or ""
  if info:match("^postgres") then return (redact.text(info):gsub("%?.*$", "")) end
  return "postgres"
end

M.describe = describe

-- a SQLite file that is not there yet: a file path (not :memory:, not a
-- file: URI, which SQLite reads by its own rules) that names nothing
local function sqlite_missing(c)
  local path = c.database
  if c.driver ~= "sqlite" or path == ":memory:" or path == "" or path:match("^file:") then
    return false
  end
  local f = io.open(path, "r")
  if f then f:close() return false end
  return not core.isdir(path)
end

-- the hint of a server saying that the database does not exist
-- (PostgreSQL's 3D000, MySQL's 1049)
local function missing_database_hint(c, msg)
  if c.driver == "postgres" and msg:match('database ".-" does not exist')
      or c.driver == "mysql" and msg:match("[Uu]nknown database") then
    return ("\n  the database does not exist: create it with `lmigrate db:create%s`")
      :format(c.name ~= "default" and (" --connection " .. c.name) or "")
  end
  return ""
end

-- Inside the scheduler the connection is started and polled, yielding its
-- waits, so that several connections are established at once.
-- A SQLite file not there yet: a command that only reads ('readonly':
-- status, --pretend) sees an empty in-memory database instead and leaves
-- no file behind; the others create it (SQLite does), and the folder of
-- the default databases/database.sqlite too (the first run in a new
-- folder). Another path in a missing folder is taken for a typo: it fails.
local function connect(c, opts)
  local target = c.driver == "postgres" and c.conninfo or c.database
  if sqlite_missing(c) then
    local dir = c.database:match("^(.*)/[^/]*$")
    local default = c.database == require("lmigrate.config").DEFAULT_DATABASE
    if dir == nil or dir == "" or core.isdir(dir) or default then
      if opts and opts.readonly then
        target = ":memory:"
      elseif dir and default then
        require("lmigrate.files").mkdir_p(dir)
      end
    end
  end
  local timeout = c.connect_timeout
  local options = c.options or { connect_timeout = timeout }
  local conn, msg
  if coroutine.isyieldable() then
    -- libpq's connect_timeout binds only its blocking connect: this
    -- deadline binds the polled one (a server that accepts and never answers)
    local deadline = timeout and timeout > 0 and core.clock() + timeout or nil
    conn, msg = core.connect_start(c.driver, target, options)
    while conn do
      local state, fd = conn:poll()
      if state == "done" then break end
      if state == nil then conn, msg = nil, fd break end
      if not scheduler.wait(state, fd, deadline) then
        conn:close()
        conn, msg = nil, ("no answer within %gs (connect_timeout)"):format(timeout)
      end
    end
  else
    conn, msg = core.connect(c.driver, target, options)
  end
  if not conn then
    errors.raise("connect", ("cannot connect to %s (%s): %s%s"):format(c.name, describe(c),
      redact.text(msg), missing_database_hint(c, tostring(msg))))
  end
  return conn
end
M.connect = connect

-- the lock held for the whole run: a flock on the SQLite file
-- (run/locks.lua), a MySQL named lock (released before the connection
-- closes; GET_LOCK is bound to the session, and MySQL has no transaction
-- pooler of PgBouncer's kind in common use), a PostgreSQL lease
-- (run/lease.lua); waited for with a word after a second, up to
-- --lock-timeout -> a release function, or nil; and the lease
local function lock(c, db, cfg, out)
  local opts = { timeout = cfg.lock_timeout, out = out }
  if c.driver == "sqlite" then
    local lk = locks.file(c.database, opts)
    return lk and function() lk:release() end
  elseif c.driver == "mysql" then
    return locks.named(db, describe(c), opts)
  end
  local l = lease.take(db, c, cfg.table, describe(c), opts)
  return function() l:release(db) end, l
end

-- the second connection of a PostgreSQL run (run/side.lua): it renews the
-- lease and says who blocks a migration's statement; required only here
-- (a module's load is paid at every start)
local function side_of(c, lk, out)
  local side = require("lmigrate.run.side")
  local s = side.new(function() return DB.new(connect(c), core.grammar(c.driver)) end, out)
  if lk then s:renew(lk) end
  return s
end

-- Laravel's MySqlConnector: 'modes' is the session's sql_mode; else strict
-- = false is NO_ENGINE_SUBSTITUTION alone (MySQL's loose mode: an INSERT
-- leaving out a NOT NULL column without a default stores its implicit
-- default), strict = true Laravel's strict list (NO_AUTO_CREATE_USER only
-- before MySQL 8.0.11, which removed it); neither keeps the server's own
local STRICT_MODES = "ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
  .. "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION"

local function before_8_0_11(version)
  local v = {}
  for n in tostring(version):gmatch("%d+") do v[#v + 1] = tonumber(n) if #v == 3 then break end end
  for i, min in ipairs { 8, 0, 11 } do
    if (v[i] or 0) ~= min then return (v[i] or 0) < min end
  end
  return false
end

local function set_modes(c, db)
  local mode = c.modes
  if mode == nil and c.strict == false then mode = "NO_ENGINE_SUBSTITUTION" end
  if mode == nil and c.strict then
    mode = STRICT_MODES
    if before_8_0_11(db:first("SELECT VERSION() AS v").v) then
      mode = mode:gsub("NO_ENGINE", "NO_AUTO_CREATE_USER,NO_ENGINE")
    end
  end
  if not mode then return end
  local ok, err = pcall(db.execute, db, "SET SESSION sql_mode = ?", mode)
  if not ok then
    -- a mode this server does not know: the connection's setting is wrong
    errors.raise("config", ("connection '%s': the server refuses sql_mode '%s' (%s): %s"):format(
      c.name, mode, c.modes and "modes" or "strict", errors.text(err)))
  end
end

-- the connection c opened -> db, conn
local function open_db(c, out, opts)
  local conn = connect(c, opts)
  local grammar = core.grammar(c.driver)
  local db = DB.new(conn, grammar)
  db.connection_name = c.name   -- schema:connection(name) (schema/init.lua)
  if c.driver == "mysql" then
    local ok, err = pcall(set_modes, c, db)
    if not ok then
      conn:close()
      error(err, 0)
    end
  end
  if out.verbose then db.trace = function(sql, seconds) out:statement(sql, seconds) end end
  return db, conn
end

-- open(c, cfg, out) -> migrator, close function
function M.open(c, cfg, out, opts)
  local db, conn = open_db(c, out, opts)
  local grammar = db.grammar
  local schema = Schema.new(db, grammar)
  -- the other connections its migrations name, opened when first named
  -- (run/others.lua); not locked (Laravel locks none either)
  local pool = others.new({ name = c.name, db = db, schema = schema },
    cfg.named or function() return nil end,
    function(oc) return open_db(oc, out, { readonly = opts and opts.readonly }) end)
  local ok, err, release, l, sd = true, nil, nil, nil, nil
  if opts and opts.lock then
    ok, err = pcall(function()
      release, l = lock(c, db, cfg, out)
      if c.driver == "postgres" then sd = side_of(c, l, out) end
    end)
  end
  if not ok then
    if release then release() end
    pool:close()
    conn:close()
    error(err, 0)
  end
  local m = Migrator.new({
    db = db, schema = schema, path = cfg.migrations, seeds = cfg.seeds, out = out,
    repo = Repository.new(db, schema, cfg.table), connection = c, lease = l, side = sd,
    others = pool,
  })
  return m, function()
    pool:close()
    if sd then sd:close() end
    if release and c.driver ~= "sqlite" then release() end
    conn:close()
    if release and c.driver == "sqlite" then release() end
  end
end

-- each(cfg, out, opts, fn): fn(migrator, connection) on every connection;
-- with several, all at once, each reporting under its name. Raises the
-- first failure after all have finished.
function M.each(cfg, out, opts, fn)
  local conns = cfg.connections
  local function job(c, o)
    return function()
      local m, close = M.open(c, cfg, o, opts)
      local ok, err = pcall(fn, m, c, o)
      close()
      if not ok then error(err, 0) end
    end
  end
  if #conns == 1 then
    -- through all() too: its background tasks (the lease's heartbeat)
    local r = scheduler.all({ job(conns[1], out) })[1]
    if not r.ok then error(r.err, 0) end
    return
  end
  local jobs = {}
  for i, c in ipairs(conns) do jobs[i] = job(c, out:with_prefix(c.name)) end
  local failed
  for i, r in ipairs(scheduler.all(jobs)) do
    if not r.ok then
      local err = r.err
      if errors.is(err) then err.connection = conns[i].name end
      out:with_prefix(conns[i].name):error(err)
      failed = failed or err
    end
  end
  if failed then
    errors.raise("migration", "failed on one or more connections", { reported = true })
  end
end

return M
