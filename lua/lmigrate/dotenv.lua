-- The project's .env, as Laravel users have one: KEY=VALUE lines read for
-- DATABASE_URL and Laravel's DB_CONNECTION, DB_HOST, DB_PORT, DB_DATABASE,
-- DB_USERNAME, DB_PASSWORD (DB_SOCKET for MySQL); the real environment
-- always wins over it.
local M = {}

M.FILE = ".env"

-- a value as phpdotenv reads it: 'single' verbatim, "double" with \n \t
-- \" \\ escapes, or bare up to a " #" comment, trimmed
local ESCAPES = { n = "\n", t = "\t", r = "\r", ['"'] = '"', ["\\"] = "\\", ["$"] = "$" }

local function value(raw)
  if raw:sub(1, 1) == "'" then
    return raw:match("^'([^']*)'") or raw:sub(2)
  end
  if raw:sub(1, 1) == '"' then
    local out, i = {}, 2
    while i <= #raw do
      local c = raw:sub(i, i)
      if c == '"' then break end
      if c == "\\" and i < #raw then
        local n = raw:sub(i + 1, i + 1)
        c, i = ESCAPES[n] or ("\\" .. n), i + 1
      end
      out[#out + 1] = c
      i = i + 1
    end
    return table.concat(out)
  end
  return (raw:gsub("%s+#.*$", ""):gsub("^#.*$", ""):match("^(.-)%s*$"))
end

-- parse(text) -> { KEY = value }
function M.parse(text)
  local t = {}
  for line in (text .. "\n"):gmatch("([^\n]*)\n") do
    line = line:gsub("\r$", "")
    local k, v = line:match("^%s*export%s+([%a_][%w_.]*)%s*=%s*(.-)%s*$")
    if not k then k, v = line:match("^%s*([%a_][%w_.]*)%s*=%s*(.-)%s*$") end
    if k then t[k] = value(v) end
  end
  return t
end

-- read(path?) -> { KEY = value }, {} when there is no such file
function M.read(path)
  local f = io.open(path or M.FILE, "r")
  if not f then return {} end
  local text = f:read("a") or ""
  f:close()
  return M.parse(text)
end

-- getenv(real, path?) -> a getenv that answers from 'real' first (a variable set
-- to "" counts as unset, as DATABASE_URL="" does), then .env
function M.getenv(real, path)
  local file
  return function(k)
    local v = real(k)
    if v ~= nil and v ~= "" then return v end   -- set and empty: as unset
    file = file or M.read(path)
    return file[k]
  end
end

local function escape(s)
  return (tostring(s):gsub("[^%w%-._~]", function(c) return ("%%%02X"):format(c:byte()) end))
end

local DRIVERS = { sqlite = "sqlite", pgsql = "postgres", postgres = "postgres",
                  postgresql = "postgres", mysql = "mysql", mariadb = "mysql" }

-- laravel_url(getenv) -> a database URL of the DB_* variables, or nil when
-- DB_CONNECTION is not set; raises 'bad(msg)' for one lmigrate has no driver for
function M.laravel_url(getenv, bad)
  local conn = getenv("DB_CONNECTION")
  if conn == nil or conn == "" then return nil end
  local driver = DRIVERS[conn:lower()]
  if not driver then
    bad(("DB_CONNECTION=%s: lmigrate knows sqlite, pgsql, mysql and mariadb"):format(conn))
  end
  local db = getenv("DB_DATABASE")
  if driver == "sqlite" then
    return (db and db ~= "") and ("sqlite:" .. db) or nil
  end
  local user, pass = getenv("DB_USERNAME"), getenv("DB_PASSWORD")
  local auth = ""
  if user and user ~= "" then
    auth = escape(user) .. ((pass and pass ~= "") and (":" .. escape(pass)) or "") .. "@"
  end
  local host, port = getenv("DB_HOST") or "127.0.0.1", getenv("DB_PORT")
  local socket = getenv("DB_SOCKET")
  if driver ~= "mysql" or socket == "" then socket = nil end
  -- Laravel's MySqlConnector takes the socket over DB_HOST and DB_PORT
  -- (its DSN has unix_socket alone); Connector/C uses the socket for the
  -- host localhost, and TCP for 127.0.0.1
  if socket then host, port = "localhost", nil end
  if host:find(":", 1, true) then host = "[" .. host .. "]" end
  local url = (driver == "postgres" and "postgres://" or "mysql://") .. auth .. host
    .. ((port and port ~= "") and (":" .. port) or "") .. "/" .. escape(db or "")
  if socket then url = url .. "?socket=" .. escape(socket) end
  return url
end

return M
