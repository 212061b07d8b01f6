-- Configuration: lmigrate.lua, DATABASE_URL and the command line decide
-- which connections a command works on and where the migrations are.
local errors = require("lmigrate.errors")
local redact = require("lmigrate.redact")
local mysql = require("lmigrate.config.mysql")
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

M.unescape = mysql.unescape   -- a URL's %XX escapes decoded

local FORMS = "sqlite:PATH, postgres://user:pass@host:port/db or mysql://user:pass@host:port/db"


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
-- { driver, database | conninfo, options }; partial: a mysql:// url of
-- lmigrate.lua, whose fields beside it may complete it
function M.parse_url(url, partial)
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
  if url:match("^mysql://") or url:match("^mariadb://") then
    return mysql.parse_url(url, M.CONNECT_TIMEOUT, partial)
  end
  usage(("malformed database URL '%s' (expected %s)"):format(redact.text(url), FORMS))
end

-- a PostgreSQL connection's fields, by libpq's keyword
local PG_FIELDS = { "host", "port", "user", "password", "database", "sslmode" }
local PG_KEYWORD = { host = "host", port = "port", user = "user", password = "password",
                     database = "dbname", sslmode = "sslmode" }

-- field(name, c, k) -> the value of field k of connection c, as text, or nil
local function pg_field(name, c, k)
  local v = c[k]
  if v == nil then return nil end
  if type(v) ~= "string" and type(v) ~= "number" then
    errors.raise("config", ("lmigrate.lua: connection '%s': %s must be a string"):format(name, k))
  end
  if k == "password" then
    redact.secret(v, table.concat({ tostring(c.user), tostring(c.host), tostring(c.database) }, " "))
  end
  return tostring(v)
end

-- the libpq keywords a postgres:// URL gives: its user, password, host,
-- port and database, and each parameter of its query
local function url_keywords(url)
  local rest = url:gsub("^[^:]*://", "")
  local query = rest:match("%?(.*)$") or ""
  rest = rest:gsub("%?.*$", "")
  local authority, path = rest:match("^([^/]*)/?(.*)$")
  local userinfo, hostspec = authority:match("^(.*)@(.*)$")
  hostspec = hostspec or authority
  local has = {}
  if userinfo then
    has.user = userinfo:match("^[^:]*") ~= ""
    has.password = userinfo:find(":", 1, true) ~= nil
  end
  has.host = hostspec:gsub(":%d*$", "") ~= ""
  has.port = hostspec:find(":%d+$") ~= nil
  has.dbname = path ~= ""
  for key in query:gmatch("([^&=]+)=[^&]*") do has[key] = true end
  return has
end

-- what libpq connects with. A url's fields beside it count where it is
-- silent, as parameters of its query (Laravel's ConfigurationUrlParser:
-- the URL wins); without a url, the fields as keyword='value' pairs
local function conninfo_of(name, c)
  if c.url then
    local url = M.parse_url(c.url).conninfo
    local has = url_keywords(url)
    for _, k in ipairs(PG_FIELDS) do
      local v = pg_field(name, c, k)
      if v ~= nil and not has[PG_KEYWORD[k]] then
        url = url .. (url:find("?", 1, true) and "&" or "?") .. PG_KEYWORD[k] .. "="
          .. v:gsub("[^%w%-%._~/]", function(ch) return ("%%%02X"):format(ch:byte()) end)
      end
    end
    return url
  end
  local parts = {}
  for _, k in ipairs(PG_FIELDS) do
    local v = pg_field(name, c, k)
    if v ~= nil then
      v = v:gsub("\\", "\\\\"):gsub("'", "\\'")
      parts[#parts + 1] = PG_KEYWORD[k] .. "='" .. v .. "'"
    end
  end
  return table.concat(parts, " ")
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
    return mysql.of(name, c, M.parse_url, M.CONNECT_TIMEOUT)
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
  -- r.named(name): a connection of lmigrate.lua by its name, or nil: the
  -- other connection a migration names (run/others.lua); through the
  -- metatable, so the resolved config stays plain data
  setmetatable(r, { __index = { named = function(name)
    if type(name) ~= "string" or conns[name] == nil then return nil end
    local t = from_config(name, conns[name])
    t.safety = safety.resolve(("lmigrate.lua: connection '%s'"):format(name), conns[name], defaults)
    return t
  end } })
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
