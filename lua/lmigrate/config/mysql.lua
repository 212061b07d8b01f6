-- MySQL and MariaDB connections: their URLs (mysql://, mariadb://) and
-- their lmigrate.lua fields, read into the options the driver takes.
local errors = require("lmigrate.errors")
local redact = require("lmigrate.redact")
local safety = require("lmigrate.safety")

local M = {}

local function usage(msg)
  errors.raise("usage", msg)
end

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
M.unescape = unescape   -- a URL's %XX escapes decoded (PostgreSQL's URLs too)

local function mysql_bad(url, why, expected)
  usage(("malformed database URL '%s': %s (expected %s)")
    :format(redact.text(url), why, expected or "mysql://user:pass@host:port/db"))
end

local SSL_MODES = { disabled = true, preferred = true, required = true, verify_ca = true,
                    verify_identity = true, disable = true, prefer = true, require = true,
                    ["verify-ca"] = true, ["verify-identity"] = true, ["verify-full"] = true }

-- what the driver would refuse in 'options' -> nil | why; partial: the
-- options of a url that fields of lmigrate.lua may complete (their CA)
local function mysql_check(options, partial)
  local mode = options.ssl_mode
  if mode and not SSL_MODES[tostring(mode):lower()] then
    return ("ssl-mode '%s' is not one of DISABLED, PREFERRED, REQUIRED, VERIFY_CA, "
      .. "VERIFY_IDENTITY"):format(tostring(mode))
  end
  -- Connector/C checks the server's chain only against a CA it is given
  -- (the driver refuses it too)
  if not partial and mode and tostring(mode):lower():gsub("-", "_") == "verify_ca"
      and not options.ssl_ca and not options.ssl_capath then
    return "ssl-mode VERIFY_CA needs ssl-ca or ssl-capath (the CA to check the server's "
      .. "certificate against)"
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

-- mysql:// or mariadb:// -> { driver = "mysql", database, options };
-- a URL without connect-timeout waits 'timeout' seconds; partial as
-- mysql_check's
function M.parse_url(url, timeout, partial)
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
  local why = mysql_check(options, partial)
  if why then mysql_bad(url, why) end
  local strict, modes = mysql_modes(session.strict, session.modes, true,
    function(w) mysql_bad(url, w) end)
  return { driver = "mysql", database = unescape(db), options = options,
           connect_timeout = options.connect_timeout or timeout, strict = strict, modes = modes }
end

-- }======================================================

-- a MySQL connection of lmigrate.lua: url, or host, port, user,
-- password, database, socket, sslmode (ssl_mode), ssl_ca, ...
local MYSQL_FIELDS = { "host", "port", "user", "password", "database" }

-- the fields of connection 'c' but url, driver, strict and modes, as
-- the driver's options (the database among them); bad(why) raises
local function mysql_fields(name, c)
  local options = {}
  for k, v in pairs(c) do
    local key = k ~= "driver" and k ~= "url" and not MODE_PARAMS[k] and not safety.is_key(k)
      and (mysql_param(k) or k)
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
  return options
end

-- parse_url: config's own (a url of any scheme is read, then refused
-- unless mysql://); timeout as parse_url's. With a url, the fields
-- beside it count too (ssl_ca = ...), and what the URL says wins, as in
-- Laravel's ConfigurationUrlParser.
function M.of(name, c, parse_url, timeout)
  local function bad(why) errors.raise("config", ("lmigrate.lua: connection '%s': %s"):format(name, why)) end
  local strict, modes = mysql_modes(c.strict, c.modes, false, bad)
  local options = mysql_fields(name, c)
  local db = options.database or ""
  options.database = nil
  if c.url then
    local t = parse_url(c.url, true)
    if t.driver ~= "mysql" then
      errors.raise("config", ("lmigrate.lua: connection '%s' (mysql) needs a mysql:// url"):format(name))
    end
    t.name = name
    for k, v in pairs(options) do
      if t.options[k] == nil then t.options[k] = v end
    end
    if t.database == "" then t.database = db end
    local why = mysql_check(t.options)
    if why then bad(why) end
    t.connect_timeout = t.options.connect_timeout or timeout
    if t.strict == nil then t.strict = strict end
    t.modes = t.modes or modes
    return t
  end
  local why = mysql_check(options)
  if why then bad(why) end
  return { name = name, driver = "mysql", database = db, options = options,
           connect_timeout = options.connect_timeout or timeout, strict = strict, modes = modes }
end

return M
