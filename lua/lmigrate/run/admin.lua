-- The database itself, not its schema: db:create and db:drop make and
-- remove the database a connection names (PostgreSQL and MySQL through
-- the server's maintenance database, SQLite as a file), and wait waits
-- for a server to accept connections (a container starting).
local core = require("lmigrate.core")
local errors = require("lmigrate.errors")
local DB = require("lmigrate.db")
local session = require("lmigrate.run.session")

local M = {}

local unescape = require("lmigrate.config").unescape

-- the name of the database of a PostgreSQL connection, and the same
-- connection to its server's "postgres" database instead
local function postgres_target(c)
  local info = c.conninfo
  local head, path, query = info:match("^(postgres[ql]*://[^/?]*)/?([^?]*)(.*)$")
  if head then
    return unescape(path), head .. "/postgres" .. query
  end
  -- key='value' conninfo of lmigrate.lua's fields (config/init.lua writes
  -- \' and \\ escapes); a later key wins in libpq
  local i = select(2, info:find("dbname='", 1, true))
  local name = {}
  while i and i < #info do
    i = i + 1
    local ch = info:sub(i, i)
    if ch == "'" then break end
    if ch == "\\" then i = i + 1 ch = info:sub(i, i) end
    name[#name + 1] = ch
  end
  return i and table.concat(name) or nil, info .. " dbname='postgres'"
end

-- target(c) -> database name, the connection to open for the work
local function target(c)
  if c.driver == "postgres" then
    local name, info = postgres_target(c)
    local t = {}
    for k, v in pairs(c) do t[k] = v end
    t.conninfo = info
    return name, t
  elseif c.driver == "mysql" then
    local t = {}
    for k, v in pairs(c) do t[k] = v end
    t.database = ""
    return c.database, t
  end
  return c.database, nil
end

local EXISTS = {
  postgres = "SELECT 1 AS x FROM pg_database WHERE datname = ?",
  mysql = "SELECT 1 AS x FROM information_schema.schemata WHERE schema_name = ?",
}

local function nameless(c)
  errors.raise("config", ("connection '%s' names no database (add one to its URL or fields)")
    :format(c.name))
end

-- run(c, verb, out): verb "create" or "drop" on the database of 'c';
-- creating one that exists and dropping one that does not say so and
-- succeed (exit 0), as CREATE/DROP ... IF [NOT] EXISTS
function M.run(c, verb, out)
  local name, maint = target(c)
  if name == nil or name == "" then nameless(c) end
  if c.driver == "sqlite" then return M.sqlite(c, verb, out) end
  local conn = session.connect(maint)
  local g = core.grammar(c.driver)
  local db = DB.new(conn, g)
  local ok, err = pcall(function()
    local exists = db:first(EXISTS[c.driver], name) ~= nil
    if verb == "create" and exists then
      out:info(("Database %s already exists."):format(name))
    elseif verb == "drop" and not exists then
      out:info(("Database %s does not exist."):format(name))
    else
      db:execute((verb == "create" and "CREATE DATABASE %s" or "DROP DATABASE %s")
        :format(g:quote(name)))
      out:info(("Database %s %s."):format(name, verb == "create" and "created" or "dropped"))
    end
  end)
  conn:close()
  if not ok then error(err, 0) end
end

function M.sqlite(c, verb, out)
  local path = c.database
  if path == ":memory:" or path:match("^file:") then
    errors.raise("usage", ("db:%s works on a SQLite file path, not '%s'"):format(verb, path))
  end
  local f = io.open(path, "r")
  if f then f:close() end
  if verb == "create" then
    if f then return out:info(("Database %s already exists."):format(path)) end
    session.connect(c):close()   -- creates the file and its folder
    return out:info(("Database %s created."):format(path))
  end
  if not f then return out:info(("Database %s does not exist."):format(path)) end
  local ok, err = os.remove(path)
  if not ok then errors.raise("io", "cannot remove " .. tostring(err)) end
  for _, suffix in ipairs { "-wal", "-shm", "-journal" } do os.remove(path .. suffix) end
  out:info(("Database %s dropped."):format(path))
end

-- wait(c, timeout, out): tries to connect every 0.5 s until the server
-- answers, or raises the last failure (exit 3) after 'timeout' seconds
function M.wait(c, timeout, out)
  local deadline = core.clock() + timeout
  local said = false
  while true do
    local try = {}
    for k, v in pairs(c) do try[k] = v end
    try.connect_timeout = math.max(1, math.min(c.connect_timeout or 10, deadline - core.clock()))
    local ok, conn = pcall(session.connect, try, { readonly = true })
    if ok then
      conn:close()
      out:info(("%s accepts connections."):format(session.describe(c)))
      return
    end
    -- a server that says the database does not exist is up: no use waiting
    if not errors.is(conn) or conn.kind ~= "connect" or core.clock() >= deadline
        or conn.message:find("db:create", 1, true) then
      error(conn, 0)
    end
    if not said then
      out:info(("Waiting for %s (up to %gs) ..."):format(session.describe(c), timeout))
      said = true
    end
    core.wait({}, 0.5)
  end
end

-- command(verb) -> the command db:create or db:drop ('verb'): on each
-- connection, under its name when there are several
function M.command(verb)
  return function(ctx)
    local conns = ctx.config.connections
    for _, c in ipairs(conns) do M.run(c, verb, #conns > 1 and ctx.out:with_prefix(c.name) or ctx.out) end
    return 0
  end
end

return M
