-- spec/support/pgbouncer.lua: a PgBouncer in transaction pooling mode in
-- front of the specs' PostgreSQL server, on a loopback port, for the
-- specs of the lease (a session advisory lock does not hold behind it).
--
--   local pgbouncer = require("spec.support.pgbouncer")
--   local bouncer = pgbouncer.need("the lease behind PgBouncer")
--   if bouncer then ... bouncer:url(project.pg_db) ... bouncer:stop() end
--
-- A missing pgbouncer binary fails under CI and is pending elsewhere,
-- with the reason (the rule of spec/support/servers.lua).
local busted = require("busted")
local servers = require("spec.support.servers")
local shell = require("spec.support.shell")

local quote = shell.quote

local M = {}

local Bouncer = {}
Bouncer.__index = Bouncer

-- the binary: Debian's pgbouncer package puts it in /usr/sbin
local function binary()
  for _, p in ipairs { "/usr/sbin/pgbouncer", "/usr/bin/pgbouncer" } do
    if shell.exists(p) then return p end
  end
  if shell.has_command("pgbouncer") then return "pgbouncer" end
  return nil
end

-- user, password, host, port of the server's base URL
local function parts(url)
  local user, pass, host, port = url:match("^postgres[ql]*://([^:@/]*):?([^@/]*)@([^:/]*):?(%d*)")
  return user, pass, host ~= "" and host or "localhost", port ~= "" and port or "5432"
end

local function try_port(bin, dir, pg, port)
  local user, pass, host, pgport = parts(pg.url)
  shell.write_file(dir .. "/users.txt", ('"%s" "%s"\n'):format(user, pass))
  shell.write_file(dir .. "/pgbouncer.ini", table.concat({
    "[databases]",
    ("* = host=%s port=%s user=%s password=%s"):format(host, pgport, user, pass),
    "[pgbouncer]",
    "listen_addr = 127.0.0.1",
    "listen_port = " .. port,
    "unix_socket_dir =",
    "auth_type = trust",
    "auth_file = " .. dir .. "/users.txt",
    "pool_mode = transaction",
    "max_client_conn = 200",
    "default_pool_size = 4",   -- few server connections: clients share them
    "ignore_startup_parameters = extra_float_digits,options",
    "logfile = " .. dir .. "/pgbouncer.log",
    "pidfile = " .. dir .. "/pgbouncer.pid",
    "",
  }, "\n"))
  -- PgBouncer refuses to run as root: then as nobody, in a folder it may write
  local as = ""
  if shell.is_root() then
    shell.sh("chmod 0777 " .. quote(dir))
    as = "setpriv --reuid=65534 --regid=65534 --clear-groups "
  end
  if shell.sh(("%s%s -d -q %s"):format(as, quote(bin), quote(dir .. "/pgbouncer.ini"))) ~= 0 then
    return nil
  end
  local self = setmetatable({ dir = dir, port = port, user = user, pass = pass }, Bouncer)
  local core = require("lmigrate.core")
  -- up to 15 s: a loaded host (the sanitizer build's run) starts it slowly
  for _ = 1, 150 do
    local conn = core.connect("postgres", self:url("postgres"))
    if conn then
      conn:close()
      return self
    end
    core.wait({}, 0.1)
  end
  -- the next port reuses the folder (and its log tells why): only this one goes
  self:kill()
  os.remove(dir .. "/pgbouncer.pid")
  return nil
end

-- start(pg) -> a running PgBouncer in front of 'pg' (what servers.find
-- gave), or nil, why
function M.start(pg)
  local bin = binary()
  if not bin then return nil, "pgbouncer is not installed (scripts/install-deps.sh installs it)" end
  local dir = shell.mktemp_dir()
  math.randomseed(os.time() + tonumber(tostring(dir):match("(%w+)$"), 36) % 100000)
  for _ = 1, 5 do
    local b = try_port(bin, dir, pg, math.random(20000, 60000))
    if b then return b end
  end
  local log = shell.read_file(dir .. "/pgbouncer.log") or "no log"
  if not shell.keep then shell.sh("rm -rf " .. quote(dir)) end
  return nil, "pgbouncer did not start: " .. log
end

-- need(what) -> a running PgBouncer, or nil after registering what its
-- absence means: failing under CI (or when it does not start), pending elsewhere
function M.need(what)
  local pg = servers.need("postgres", what)
  if not pg then return nil end
  local b, why = M.start(pg)
  if b then return b end
  if servers.CI or binary() then
    busted.it(what .. " needs pgbouncer", function() busted.fail(why, 0) end)
  else
    busted.pending(what .. ": " .. why)
  end
  return nil
end

-- a URL of database 'db' through the pooler
function Bouncer:url(db)
  return ("postgres://%s:%s@127.0.0.1:%d/%s"):format(self.user, self.pass, self.port, db)
end

-- its process ends; its folder stays
function Bouncer:kill()
  local pid = shell.read_file(self.dir .. "/pgbouncer.pid")
  if pid and pid:match("%d+") then shell.sh("kill " .. pid:match("%d+")) end
end

function Bouncer:stop()
  self:kill()
  if not shell.keep then shell.sh("rm -rf " .. quote(self.dir)) end
end

return M
