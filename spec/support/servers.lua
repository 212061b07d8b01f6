-- spec/support/servers.lua: the database servers a spec may need besides
-- SQLite (PostgreSQL, MariaDB), how a spec finds them, and the one rule
-- for a missing one:
--
--   under CI (CI set, non-empty), a spec whose server is missing fails,
--   naming the variable that is unset and what starts the server;
--   elsewhere the spec is marked pending with that reason; a server that
--   is asked for (its variable set, or LMIGRATE_SPEC_DIALECTS names it)
--   but does not answer always fails. Never a silent pass or skip.
--
--   local servers = require("spec.support.servers")
--   local pg = servers.need("postgres", "postgres grammar on a server")
--   if pg then ... pg.url ... end
--
-- A server is a table of SERVERS: its variables, what starts it, how to
-- find and probe it, and its client's command line. A third server is one
-- more entry.
local busted = require("busted")
local shell = require("spec.support.shell")

local getenv, quote = os.getenv, shell.quote

local M = {}

M.CI = (getenv("CI") or "") ~= ""

local SERVERS = {}

-- SQLite needs no server, only its shell for the scripts
SERVERS.sqlite = {
  title = "SQLite",
  client = "sqlite3",
  find = function() return {} end,
  -- sqlite3 on the database file 'target' (or ":memory:")
  command = function(_, target, path)
    return ("sqlite3 -bail %s < %s"):format(quote(target), quote(path))
  end,
}

-- {======================================================
-- PostgreSQL
-- ======================================================

-- the base URL with its database replaced by 'dbname'
local function pg_url_with_db(url, dbname)
  local head, tail = url:match("^(postgres[%w]*://[^/]*)/?[^?]*(.*)$")
  return head .. "/" .. dbname .. tail
end

-- the server's base URL and the variable it came from, or nil
local function pg_base()
  local url = getenv("LMIGRATE_PG_URL")
  if url and url ~= "" then return url, "LMIGRATE_PG_URL" end
  url = getenv("DATABASE_URL")
  if url and url:match("^postgres") then return url, "DATABASE_URL" end
  if (getenv("PGHOST") or "") ~= "" then
    local user = getenv("PGUSER") or "postgres"
    local pass = getenv("PGPASSWORD")
    return ("postgres://%s%s@%s:%s/%s"):format(user, pass and (":" .. pass) or "",
      getenv("PGHOST"), getenv("PGPORT") or "5432", getenv("PGDATABASE") or "postgres"), "PGHOST"
  end
  return nil
end

SERVERS.postgres = {
  title = "PostgreSQL",
  client = "psql",
  unset = "PGHOST is unset (and so are LMIGRATE_PG_URL and a postgres:// DATABASE_URL): "
    .. "`pg_virtualenv -t CMD` runs CMD with a throwaway PostgreSQL server and sets it, "
    .. "as scripts/test.sh does",
  -- -> server, nil | nil, reason, asked
  find = function()
    local base, var = pg_base()
    if not base then return nil, SERVERS.postgres.unset, false end
    local core_ok, core = pcall(require, "lmigrate.core")
    if not core_ok then return nil, "cannot load lmigrate.core: " .. tostring(core), true end
    local conn, msg = core.connect("postgres", pg_url_with_db(base, "postgres"))
    if not conn then
      return nil, ("%s is set, but the PostgreSQL server does not answer: %s"):format(var, msg), true
    end
    conn:close()
    -- conninfo: for lmigrate.core's driver, "" (libpq reads the PG* variables itself) when
    -- PGHOST named the server, else the URL
    return { url = base, var = var, conninfo = var == "PGHOST" and "" or base,
             url_with_db = function(_, db) return pg_url_with_db(base, db) end }
  end,
  -- psql on 'target' (a URL), running the script file 'path'
  command = function(_, target, path)
    return ("psql -X -q -v ON_ERROR_STOP=1 -d %s -f %s"):format(quote(target), quote(path))
  end,
}

-- the environment of a run in which no PG* variable of the spec run can
-- stand in for what a URL or lmigrate.lua says: each is set to something
-- that cannot work; 'extra' is added
local POISON = { PGHOST = "/nonexistent", PGPORT = "1", PGUSER = "lmigrate_nobody",
                 PGPASSWORD = "lmigrate-wrong", PGDATABASE = "lmigrate_nowhere" }
function M.without_pg_env(extra)
  local env = {}
  for k, v in pairs(POISON) do env[k] = v end
  for k, v in pairs(extra or {}) do env[k] = v end
  return env
end

-- }======================================================

-- {======================================================
-- MariaDB (MySQL)
-- ======================================================

local function mariadb_client(socket, db)
  return ("mariadb --no-defaults --user=root --socket=%s --batch --skip-column-names %s")
    :format(quote(socket), db and quote(db) or "")
end

SERVERS.mariadb = {
  title = "MariaDB",
  client = "mariadb",
  unset = "LMIGRATE_MYSQL_SOCKET is unset: `scripts/with-mariadb.sh CMD` runs CMD with a "
    .. "throwaway MariaDB server and sets it, as scripts/test.sh does",
  no_tls = "LMIGRATE_MYSQL_PORT or LMIGRATE_MYSQL_SSL_CA, _CERT, _KEY are unset: the server "
    .. "offers no TLS on TCP (scripts/with-mariadb.sh starts one that does and sets them)",
  find = function()
    local socket = getenv("LMIGRATE_MYSQL_SOCKET")
    if socket == nil or socket == "" then return nil, SERVERS.mariadb.unset, false end
    if not shell.has_command("mariadb") then
      return nil, "LMIGRATE_MYSQL_SOCKET is set, but the mariadb client is not installed "
        .. "(scripts/install-deps.sh installs mariadb-client)", true
    end
    local status, out = shell.capture(mariadb_client(socket) .. " -e 'SELECT 1'")
    if status ~= 0 then
      return nil, ("LMIGRATE_MYSQL_SOCKET is set, but no MariaDB server answers on %s: %s")
        :format(socket, out), true
    end
    local port = getenv("LMIGRATE_MYSQL_PORT")
    -- the TLS material of with-mariadb.sh: the server's CA, a client certificate of it
    local ca, cert, key = getenv("LMIGRATE_MYSQL_SSL_CA"), getenv("LMIGRATE_MYSQL_SSL_CERT"),
                          getenv("LMIGRATE_MYSQL_SSL_KEY")
    local tls = (ca or "") ~= "" and (cert or "") ~= "" and (key or "") ~= ""
                and { ca = ca, cert = cert, key = key } or nil
    return { socket = socket, var = "LMIGRATE_MYSQL_SOCKET",
             database = getenv("LMIGRATE_MYSQL_DATABASE"),   -- made by with-mariadb.sh
             port = (port or "") ~= "" and port or nil,      -- TCP on 127.0.0.1, if it listens
             tls = tls,                                      -- nil: it offers no TLS
             client = function(_, db) return mariadb_client(socket, db) end }
  end,
  -- the mariadb client in database 'target' (nil: none), reading the script file 'path'
  command = function(server, target, path)
    return server:client(target) .. " < " .. quote(path)
  end,
}

-- }======================================================

-- {======================================================
-- Finding a server, and the rule for a missing one
-- ======================================================

local found = {}   -- name -> { server } | { nil, reason, asked }

-- find(name [, { client = true }]) -> server | nil, reason, asked: the
-- server, when its variable is set and it answers; with client = true
-- its command-line client must be installed too
function M.find(name, opts)
  local def = assert(SERVERS[name], name)
  if not found[name] then found[name] = table.pack(def.find()) end
  local server, reason, asked = table.unpack(found[name], 1, 3)
  if server and opts and opts.client and not shell.has_command(def.client) then
    return nil, ("%s is not installed (scripts/install-deps.sh installs it)"):format(def.client), false
  end
  return server, reason, asked
end

-- what a missing server means for this spec file: registers one test
-- saying 'what' goes unchecked and why: failing under CI or when the
-- server was asked for ('asked'), pending elsewhere. (The tail calls here
-- and in need/it_with let busted show the spec's line, not this file's.)
function M.missing(name, what, reason, asked)
  local def = assert(SERVERS[name], name)
  if not reason then reason, asked = select(2, M.find(name)) end
  if M.CI or asked then
    local why = (asked and "" or "CI is set, but ") .. reason
    return busted.it(what .. " needs a " .. def.title .. " server", function() busted.fail(why, 0) end)
  end
  return busted.pending(what .. ": no " .. def.title .. " server: " .. reason)
end

-- need(name, what [, opts]) -> server | nil: the server, or nil after
-- registering what its absence means (missing)
function M.need(name, what, opts)
  local server, reason, asked = M.find(name, opts)
  if not server then return M.missing(name, what, reason, asked) end
  return server
end

-- need_mysql_tls(what) -> the MariaDB server when it offers TLS on TCP
-- (its port and tls: with-mariadb.sh's CA, client certificate and key),
-- else nil after registering what their absence means (missing)
function M.need_mysql_tls(what)
  local server = M.need("mariadb", what)
  if server and not (server.port and server.tls) then
    return M.missing("mariadb", what, SERVERS.mariadb.no_tls, false)
  end
  return server
end

-- it_with(name) -> busted's 'it' when the server is there, else a stand-in
-- that registers each of its tests as missing
function M.it_with(name)
  if M.find(name) then return busted.it end
  return function(what) return M.missing(name, what) end
end

-- runs the script file 'path' with the client of server 'name' on
-- 'target' (a file, URL or database name: see each command); status and
-- output; 'server' is what find returned
function M.run_script(name, server, target, path)
  return shell.capture(SERVERS[name].command(server, target, path))
end

-- }======================================================

-- The statements that make a PostgreSQL script's tables its own, run
-- first in its transaction: a schema first on the search path (public
-- after it, for the extensions), gone with the ROLLBACK. Specs running at
-- once in the one database then never meet each other's tables, nor the
-- names of their sequences (a users_id_seq taken made another users_id_seq1)
local own_schema
function M.pg_own_schema()
  own_schema = own_schema or shell.unique_name("lmigrate_spec")
  return ('CREATE SCHEMA "%s"; SET LOCAL search_path TO "%s", public;\n'):format(own_schema, own_schema)
end

return M
