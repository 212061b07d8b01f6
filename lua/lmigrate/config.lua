-- Configuration: lmigrate.lua, DATABASE_URL and the command line decide
-- which connections a command works on and where the migrations are.
local errors = require("lmigrate.errors")
local redact = require("lmigrate.redact")
local safety = require("lmigrate.safety")

local M = {}

M.DEFAULT_DATABASE = "databases/database.sqlite"
M.DEFAULT_MIGRATIONS = "databases/migrations"
M.DEFAULT_SEEDS = "databases/seeds"
M.DEFAULT_TABLE = "migrations"
M.CONNECT_TIMEOUT = 10   -- seconds a server has to answer a new connection

-- duration(v) -> seconds | nil: a number of seconds, or text of one with
-- a unit: "30s", "2m", "500ms", "1h", "5" (seconds); never negative
local UNITS = { [""] = 1, s = 1, ms = 0.001, m = 60, h = 3600 }
function M.duration(v)
  if math.type(v) then return v >= 0 and v < math.huge and v or nil end
  if type(v) ~= "string" then return nil end
  local n, unit = v:match("^%s*(%d+%.?%d*)%s*(%a*)%s*$")
  if not n or not UNITS[unit] then return nil end
  return tonumber(n) * UNITS[unit]
end

-- a connection's connect_timeout (a number or duration of lmigrate.lua,
-- or a URL's ?connect_timeout= as libpq reads it), or the default; 0
-- waits for ever, as in libpq
local function connect_timeout(name, v)
  if v == nil then return M.CONNECT_TIMEOUT end
  local s = M.duration(v)
  if not s then
    errors.raise("config", ("connection '%s': connect_timeout must be a number of seconds or a duration"
      .. " like \"5s\", got %s"):format(name, type(v) == "string" and ("'" .. v .. "'") or type(v)))
  end
  return s
end

local function usage(msg)
  errors.raise("usage", msg)
end

local FORMS = "sqlite:PATH, postgres://user:pass@host:port/db or mysql://user:pass@host:port/db"

-- {======================================================
-- MySQL URLs: mysql://user:pass@host:port/db?socket=...&ssl-mode=...
-- ======================================================

-- the URL parameters and connection fields a MySQL connection takes, by
-- their name in the driver's options (a URL may spell '_' as '-')
local MYSQL_PARAMS = { "socket", "ssl_mode", "ssl_ca", "ssl_capath", "ssl_cert", "ssl_key",
                       "ssl_cipher", "connect_timeout", "charset" }
local MYSQL_ALIASES = { sslmode = "ssl_mode" }

local function mysql_param(key)
  key = key:gsub("%-", "_")
  key = MYSQL_ALIASES[key] or key
  for _, k in ipairs(MYSQL_PARAMS) do
    if k == key then return k end
  end
  return nil
end

local function unescape(s)
  return (s:gsub("%%(%x%x)", function(h) return string.char(tonumber(h, 16)) end))
end
M.unescape = unescape   -- a URL's %XX escapes decoded

local function mysql_bad(url, why, expected)
  usage(("malformed database URL '%s': %s (expected %s)")
    :format(redact.text(url), why, expected or "mysql://user:pass@host:port/db"))
end

local SSL_MODES = { disabled = true, preferred = true, required = true, verify_ca = true,
                    verify_identity = true, disable = true, prefer = true, require = true,
                    ["verify-ca"] = true, ["verify-identity"] = true, ["verify-full"] = true }

-- what the driver would refuse in 'options' -> nil | why
local function mysql_check(options)
  local mode = options.ssl_mode
  if mode and not SSL_MODES[tostring(mode):lower()] then
    return ("ssl-mode '%s' is not one of DISABLED, PREFERRED, REQUIRED, VERIFY_CA, "
      .. "VERIFY_IDENTITY"):format(tostring(mode))
  end
  for _, k in ipairs { "port", "connect_timeout" } do
    local v = options[k]
    if v ~= nil and not tostring(v):match("^%d+$") then
      return ("%s must be a whole number, got '%s'"):format(k:gsub("_", "-"), tostring(v))
    end
    if v ~= nil then options[k] = math.tointeger(tonumber(v)) end
  end
  return nil
end

-- the host and port of "host:port", "[v6]:port", "host" or ""
local function mysql_hostport(url, hp)
  local host, port = hp:match("^%[([^%]]*)%]:?(%d*)$")
  if not host then host, port = hp:match("^([^:]*):?(%d*)$") end
  if not host then mysql_bad(url, "a bad host or port '" .. hp .. "'") end
  if hp:match(":$") then mysql_bad(url, "no port after ':'") end
  return host ~= "" and unescape(host) or nil, port ~= "" and tonumber(port) or nil
end

-- Laravel's 'strict' and 'modes' of a MySQL connection, the session's
-- sql_mode (set once connected: run/session.lua): modes is a list of mode
-- names (a URL's modes= a comma list), strict a boolean (a URL's strict=
-- true|false|1|0); -> strict, modes (a comma list); bad(why) raises
local MODE_PARAMS = { strict = true, modes = true }
local URL_BOOLEANS = { ["true"] = true, ["1"] = true, ["false"] = false, ["0"] = false }

local function mysql_modes(strict, modes, from_url, bad)
  if from_url and strict ~= nil then
    local b = URL_BOOLEANS[strict:lower()]
    if b == nil then bad(("strict must be true or false, got '%s'"):format(strict)) end
    strict = b
  elseif strict ~= nil and type(strict) ~= "boolean" then
    bad("strict must be true or false, got " .. type(strict))
  end
  if from_url and modes ~= nil then
    local list = {}
    for m in modes:gmatch("[^,]+") do list[#list + 1] = m end
    modes = list
  elseif modes ~= nil and type(modes) ~= "table" then
    bad("modes must be a list of sql_mode names, got " .. type(modes))
  end
  if modes == nil then return strict, nil end
  for i, m in ipairs(modes) do
    if type(m) ~= "string" or not m:match("^[%a_]+$") then
      bad(("modes[%d] must be an sql_mode name (letters and '_'), got %s"):format(i,
        type(m) == "string" and ("'" .. m .. "'") or type(m)))
    end
  end
  return strict, table.concat(modes, ","):upper()
end

local function mysql_query(url, query, options, session)
  for pair in query:gmatch("[^&]+") do
    local k, v = pair:match("^([^=]+)=(.*)$")
    local key = mysql_param(k or pair)
    if not key and not MODE_PARAMS[k or pair] then
      mysql_bad(url, ("unknown parameter '%s'"):format(k or pair),
        (table.concat(MYSQL_PARAMS, ", "):gsub("_", "-")) .. ", strict, modes")
    end
    if not v or v == "" then mysql_bad(url, "parameter '" .. (k or pair) .. "' has no value") end
    if key then options[key] = unescape(v) else session[k] = unescape(v) end
  end
end

-- mysql:// or mariadb:// -> { driver = "mysql", database, options }
local function parse_mysql(url)
  if url:match("%s") then mysql_bad(url, "spaces are not allowed") end
  local rest = url:match("^mysql://(.*)$") or url:match("^mariadb://(.*)$")
  local main, query = rest:match("^([^?]*)%??(.*)$")
  local auth, hostpart = main:match("^(.*)@([^@]*)$")
  if not auth then hostpart = main end
  local hp, db = hostpart:match("^([^/]*)/?(.*)$")
  if db:find("/", 1, true) then mysql_bad(url, "a database name cannot hold '/'") end
  local options = {}
  if auth then
    local user, pass = auth:match("^([^:]*):(.*)$")
    options.user = unescape(user or auth)
    if pass then options.password = unescape(pass) end
    if options.user == "" then options.user = nil end
  end
  options.host, options.port = mysql_hostport(url, hp)
  local session = {}
  mysql_query(url, query, options, session)
  local why = mysql_check(options)
  if why then mysql_bad(url, why) end
  local strict, modes = mysql_modes(session.strict, session.modes, true,
    function(w) mysql_bad(url, w) end)
  return { driver = "mysql", database = unescape(db), options = options,
           connect_timeout = options.connect_timeout or M.CONNECT_TIMEOUT, strict = strict, modes = modes }
end

-- }======================================================

-- a URL's user information that libpq would read differently from what
-- it says (a password holding '/' or '@', a bad %-escape: libpq then
-- takes part of the password for the host or port, or quotes it in its
-- message) is refused here, naming the URL without it
local function check_userinfo(url)
  local after = url:match("^%a[%w+.-]*://(.*)$")
  if not after then return end
  local authority = after:match("^[^/?#]*")
  local loose = after:match("^([^?]*)@")
  local function bad(why)
    usage(("malformed database URL '%s': %s"):format(redact.text(url), why))
  end
  if loose and not authority:find("@", 1, true) then
    bad("the user or password holds '/' (write it as %2F)")
  end
  local userinfo = authority:match("^(.*)@")
  if userinfo and userinfo:find("@", 1, true) then
    bad("the user or password holds '@' (write it as %40)")
  end
  for esc in (userinfo or ""):gmatch("%%(..?)") do
    if not esc:match("^%x%x$") or esc == "00" then
      bad("the user or password holds a '%' that is no %XX escape (write '%' as %25)")
    end
  end
end

-- parse_url("sqlite:path" | "postgres://..." | "mysql://...") ->
-- { driver, database | conninfo, options }
function M.parse_url(url)
  if type(url) ~= "string" or url == "" then
    usage("empty database URL (expected " .. FORMS .. ")")
  end
  redact.remember(url)
  local path = url:match("^sqlite://(.*)$") or url:match("^sqlite:(.*)$")
  if path then
    if path == "" then
      usage(("malformed database URL '%s': no path after 'sqlite:' (expected sqlite:PATH)")
        :format(redact.text(url)))
    end
    return { driver = "sqlite", database = path }
  end
  if url:match("^postgres://") or url:match("^postgresql://") then
    if not url:match("^postgres[ql]*://[^%s]*$") then
      usage(("malformed database URL '%s': spaces are not allowed"):format(redact.text(url)))
    end
    check_userinfo(url)
    return { driver = "postgres", conninfo = url,
             connect_timeout = connect_timeout("URL", url:match("[?&]connect_timeout=([^&]*)")) }
  end
  if url:match("^mysql://") or url:match("^mariadb://") then return parse_mysql(url) end
  usage(("malformed database URL '%s' (expected %s)"):format(redact.text(url), FORMS))
end

local function conninfo_of(name, c)
  if c.url then return M.parse_url(c.url).conninfo end
  local parts = {}
  local keys = { host = "host", port = "port", user = "user", password = "password",
                 database = "dbname", sslmode = "sslmode" }
  for _, k in ipairs({ "host", "port", "user", "password", "database", "sslmode" }) do
    local v = c[k]
    if v ~= nil then
      if type(v) ~= "string" and type(v) ~= "number" then
        errors.raise("config", ("lmigrate.lua: connection '%s': %s must be a string"):format(name, k))
      end
      if k == "password" then
        redact.secret(v, table.concat({ tostring(c.user), tostring(c.host), tostring(c.database) }, " "))
      end
      v = tostring(v):gsub("\\", "\\\\"):gsub("'", "\\'")
      parts[#parts + 1] = keys[k] .. "='" .. v .. "'"
    end
  end
  return table.concat(parts, " ")
end

-- a MySQL connection of lmigrate.lua: url, or host, port, user,
-- password, database, socket, sslmode (ssl_mode), ssl_ca, ...
local MYSQL_FIELDS = { "host", "port", "user", "password", "database" }

local function mysql_of(name, c)
  local function bad(why) errors.raise("config", ("lmigrate.lua: connection '%s': %s"):format(name, why)) end
  local strict, modes = mysql_modes(c.strict, c.modes, false, bad)
  if c.url then
    local t = M.parse_url(c.url)
    if t.driver ~= "mysql" then
      errors.raise("config", ("lmigrate.lua: connection '%s' (mysql) needs a mysql:// url"):format(name))
    end
    t.name = name
    -- the URL's parameters win, as in Laravel's ConfigurationUrlParser
    if t.strict == nil then t.strict = strict end
    t.modes = t.modes or modes
    return t
  end
  local options = {}
  for k, v in pairs(c) do
    local key = k ~= "driver" and not MODE_PARAMS[k] and not safety.is_key(k) and (mysql_param(k) or k)
    if key then
      local known = mysql_param(key) ~= nil
      for _, f in ipairs(MYSQL_FIELDS) do known = known or f == key end
      if not known then
        errors.raise("config", ("lmigrate.lua: connection '%s' (mysql) has an unknown field '%s'")
          :format(name, tostring(k)))
      end
      local number_ok = key == "port" or key == "connect_timeout"
      if type(v) ~= "string" and not (type(v) == "number" and number_ok) then
        errors.raise("config", ("lmigrate.lua: connection '%s': %s must be a string"):format(name, k))
      end
      options[key] = v
    end
  end
  local db = options.database or ""
  options.database = nil
  local why = mysql_check(options)
  if why then bad(why) end
  return { name = name, driver = "mysql", database = db, options = options,
           connect_timeout = options.connect_timeout or M.CONNECT_TIMEOUT, strict = strict, modes = modes }
end

-- a connection of lmigrate.lua -> { name, driver, database | conninfo, options }
local function from_config(name, c)
  if type(c) ~= "table" then
    errors.raise("config", ("lmigrate.lua: connection '%s' must be a table"):format(name))
  end
  if c.driver == "sqlite" then
    if c.url then
      local t = M.parse_url(c.url)
      t.name = name
      return t
    end
    if type(c.database) ~= "string" or c.database == "" then
      errors.raise("config", ("lmigrate.lua: connection '%s' (sqlite) needs database = \"path\"")
        :format(name))
    end
    return { name = name, driver = "sqlite", database = c.database }
  elseif c.driver == "postgres" or c.driver == "postgresql" then
    local t = { name = name, driver = "postgres", conninfo = conninfo_of(name, c) }
    t.connect_timeout = c.connect_timeout ~= nil and connect_timeout(name, c.connect_timeout)
      or c.url and M.parse_url(c.url).connect_timeout or M.CONNECT_TIMEOUT
    return t
  elseif c.driver == "mysql" or c.driver == "mariadb" then
    return mysql_of(name, c)
  end
  errors.raise("config", ("lmigrate.lua: connection '%s' has driver %s"
    .. " (expected \"sqlite\", \"postgres\" or \"mysql\")")
    :format(name, c.driver == nil and "missing" or ("'" .. tostring(c.driver) .. "'")))
end

-- a plain copy of what lmigrate.lua returned, read without metamethods, so
-- that nothing it does later (a __index that raises, a cycle) surprises
local function plain(v, seen)
  if type(v) ~= "table" then return v end
  seen = seen or {}
  if seen[v] then return seen[v] end
  local t = {}
  seen[v] = t
  local k, x = next(v)
  while k ~= nil do
    t[plain(k, seen)] = plain(x, seen)
    k, x = next(v, k)
  end
  return t
end

-- the keys lmigrate.lua may have, top level and in its sections (a
-- connection's fields are checked by its driver's reader): a key that
-- some module reads is added here, else the file is refused naming it
M.KEYS = {
  default = true, connections = true, strict = true,
  migrations = { path = true, table = true },
  seeds = { path = true },
}
for _, k in ipairs(safety.KEYS) do M.KEYS[k] = true end

-- check_keys(cfg, path): raises (exit 2) on a key of no meaning, with the
-- nearest known one ("migration" for "migrations": a typo read as
-- nothing would silently use the defaults)
function M.check_keys(cfg, path)
  local suggest = require("lmigrate.suggest")
  local function check(t, known, where)
    for k, v in pairs(t) do
      local want = known[k]
      if want == nil then
        errors.raise("config", ("%s: unknown key '%s%s'%s"):format(path, where, tostring(k),
          type(k) == "string" and suggest.hint(k, known, where) or ""))
      end
      if type(want) == "table" and type(v) == "table" then check(v, want, where .. k .. ".") end
    end
  end
  check(cfg, M.KEYS, "")
end

-- the user's lmigrate.lua, or an empty config when there is none; a file
-- that is there but cannot be read (permissions, a folder) is an error
function M.load_file(path)
  local f, err, code = io.open(path, "r")
  if not f then
    if code == 2 then return {} end   -- ENOENT: no config file
    errors.raise("config", "cannot read " .. err)
  end
  local _, rerr = f:read(0)
  f:close()
  if rerr then errors.raise("config", ("cannot read %s: %s"):format(path, rerr)) end
  local chunk, lerr = loadfile(path, "t")
  if not chunk then errors.raise("config", lerr) end
  local ok, cfg = pcall(chunk)
  if not ok then
    local msg = errors.text(cfg)
    if not errors.is(cfg) and msg:sub(1, #path + 1) ~= path .. ":" then msg = path .. ": " .. msg end
    errors.raise("config", msg)
  end
  if type(cfg) ~= "table" then
    errors.raise("config", path .. ": must return a table, got " .. type(cfg))
  end
  cfg = plain(cfg)
  M.check_keys(cfg, path)
  return cfg
end

local function section(cfg, key)
  local s = cfg[key]
  if s == nil then return {} end
  if type(s) ~= "table" then
    errors.raise("config", ("lmigrate.lua: '%s' must be a table, got %s"):format(key, type(s)))
  end
  return s
end

local function split(list)
  local out = {}
  for item in list:gmatch("[^,]+") do
    item = item:match("^%s*(.-)%s*$")
    if item ~= "" then out[#out + 1] = item end
  end
  return out
end

M.FILE = "lmigrate.lua"
M.DOTENV = ".env"   -- read for DATABASE_URL and DB_* (lmigrate.dotenv), under the real environment

-- a folder of lmigrate.lua's section 'key' (migrations, seeds), else 'default'
local function folder(cfg, key, default)
  local path = section(cfg, key).path
  if path == nil then return default end
  if type(path) ~= "string" or path == "" then
    errors.raise("config", ("lmigrate.lua: %s.path must be a folder (string)"):format(key))
  end
  return path
end

-- folders(opts, file?) -> the migrations folder (--path wins) and the seeds
-- folder, without resolving any connection (make:migration, make:seed)
function M.folders(opts, file)
  local cfg = M.load_file(file or M.FILE)
  return opts.path or folder(cfg, "migrations", M.DEFAULT_MIGRATIONS),
         folder(cfg, "seeds", M.DEFAULT_SEEDS), cfg
end

-- resolve(opts, getenv?, file?) -> { connections = { ... }, migrations = path,
-- table = name, seeds = path }; 'file' is the config file (lmigrate.lua)
function M.resolve(opts, getenv, file)
  local dotenv = require("lmigrate.dotenv")
  getenv = dotenv.getenv(getenv or os.getenv, M.DOTENV)
  local migrations_path, seeds_path, cfg = M.folders(opts, file)
  local migrations = section(cfg, "migrations")
  local conns = section(cfg, "connections")
  local defaults = safety.resolve("lmigrate.lua", cfg, safety.DEFAULTS)
  local r = {
    migrations = migrations_path,
    table = migrations.table or M.DEFAULT_TABLE,
    lock_timeout = opts.lock_timeout,   -- seconds, nil: wait as long as it takes
    seeds = seeds_path,
    connections = {},
    strict = cfg.strict,   -- migrate --strict for every run (lint/run.lua)
  }
  if cfg.strict ~= nil and type(cfg.strict) ~= "boolean" then
    errors.raise("config", "lmigrate.lua: strict must be true or false")
  end
  if type(r.table) ~= "string" or r.table == "" then
    errors.raise("config", "lmigrate.lua: migrations.table must be a table name (string)")
  end
  -- --database NAME names a connection of lmigrate.lua when it has one of
  -- that name (Laravel's meaning), else it is a URL
  local database, connection = opts.database, opts.connection
  if database and conns[database] ~= nil and not connection then
    database, connection = nil, database
  end
  local url = database or getenv("DATABASE_URL")
  if database == nil and connection then url = nil end
  if database and not database:find(":", 1, true) and next(conns) then
    usage(("--database '%s' is neither a connection of lmigrate.lua (%s) nor a URL (%s)")
      :format(url, require("lmigrate.suggest").list(conns, url), FORMS))
  end
  if url and url ~= "" then
    local t = M.parse_url(url)
    t.name = "default"
    t.safety = defaults
    r.connections[1] = t
    return r
  end
  local names
  if connection then
    names = split(connection)
    if #names == 0 then usage("--connection needs a connection name") end
  elseif cfg.default ~= nil then
    names = { cfg.default }
  elseif next(conns) == nil then
    -- no connections in lmigrate.lua: Laravel's DB_* (a project's .env), else the default file
    local laravel = dotenv.laravel_url(getenv, function(msg) errors.raise("config", msg) end)
    r.connections[1] = laravel and M.parse_url(laravel)
      or { driver = "sqlite", database = M.DEFAULT_DATABASE }
    r.connections[1].name = "default"
    r.connections[1].safety = defaults
    return r
  elseif conns.default ~= nil then
    names = { "default" }
  else
    errors.raise("config", "lmigrate.lua defines connections but no default"
      .. " (set default = \"name\" or pass --connection NAME)")
  end
  for _, name in ipairs(names) do
    if conns[name] == nil then
      errors.raise("config", ("unknown connection '%s'%s"):format(tostring(name),
        next(conns) and require("lmigrate.suggest").hint(name, conns)
        or " (lmigrate.lua defines no connections)"))
    end
    local t = from_config(name, conns[name])
    t.safety = safety.resolve(("lmigrate.lua: connection '%s'"):format(name), conns[name], defaults)
    r.connections[#r.connections + 1] = t
  end
  return r
end

return M
