-- The command-line clients of schema:dump and of loading a schema file
-- (sqlite3; pg_dump and psql; mariadb-dump and mariadb, else mysqldump
-- and mysql): which one is there, and running it with the connection's
-- credentials. No password is ever on a command line (ps shows those):
-- the command runs from a script file only its owner reads (os.tmpname
-- makes it with mode 0600), which exports PGPASSWORD, or names a MySQL
-- option file of the same kind holding the password.
local errors = require("lmigrate.errors")
local redact = require("lmigrate.redact")
local unescape = require("lmigrate.config.mysql").unescape

local M = {}

-- the Debian package of each client, for the message of a missing one
M.PACKAGE = { sqlite3 = "sqlite3", pg_dump = "postgresql-client", psql = "postgresql-client",
              ["mariadb-dump"] = "mariadb-client", mariadb = "mariadb-client",
              mysqldump = "mariadb-client", mysql = "mariadb-client" }

-- a word for sh, quoted
function M.quote(s)
  return "'" .. tostring(s):gsub("'", "'\\''") .. "'"
end
local quote = M.quote

local function on_path(tool)
  return os.execute("command -v " .. quote(tool) .. " >/dev/null 2>&1") == true
end

-- tool(what, names...) -> the first of 'names' on PATH; none: an error
-- (exit 2) naming the tool and its package; 'what' is the work it was for
function M.tool(what, ...)
  local names = { ... }
  for _, n in ipairs(names) do
    if on_path(n) then return n end
  end
  errors.raise("config", ("%s needs %s, which is not on PATH (Debian: apt-get install %s)")
    :format(what, table.concat(names, " or "), M.PACKAGE[names[1]]))
end

local function temp(text)
  local name = os.tmpname()
  local f = assert(io.open(name, "w"))
  f:write(text or "")
  f:close()
  return name
end

local function slurp(name)
  local f = io.open(name, "rb")
  if not f then return "" end
  local s = f:read("a")
  f:close()
  return s
end

-- a PostgreSQL conninfo (a URL or key=value pairs) -> the same without
-- its password, and the password (nil: none; libpq then reads PGPASSWORD
-- or ~/.pgpass itself)
function M.pg_split(info)
  local password
  local head, pass, tail = info:match("^(postgres[ql]*://[^:@/]*):([^@/]*)(@.*)$")
  if pass then info, password = head .. tail, unescape(pass) end
  local url = info:match("^postgres[ql]*://") ~= nil
  -- a password=... parameter of the URL, or a pair of the key=value form,
  -- whose quoted value runs to the first quote no backslash escapes
  local a, b, v = info:find("password=([^%s&']*)")
  if a and v == "" and info:sub(b + 1, b + 1) == "'" then
    local i = b + 2
    while i <= #info and info:sub(i, i) ~= "'" do
      i = i + (info:sub(i, i) == "\\" and 2 or 1)
    end
    b, v = i, info:sub(b + 1, i)
  end
  if a then
    local q = v:match("^'(.*)'$")
    password = q and q:gsub("\\(.)", "%1") or (url and unescape(v) or v)
    info = (info:sub(1, a - 1) .. info:sub(b + 1)):gsub("%?&", "?"):gsub("&&", "&"):gsub("[?&]$", "")
  end
  return info, password
end

-- a MySQL option file's value, quoted
local function option_value(v)
  return '"' .. tostring(v):gsub("\\", "\\\\"):gsub('"', '\\"') .. '"'
end

-- the [client] option file of a MySQL connection's options: its login,
-- where the server is, its TLS files
function M.mysql_options(o)
  local lines = { "[client]" }
  local function put(k, v)
    if v ~= nil and v ~= "" then lines[#lines + 1] = k .. "=" .. option_value(v) end
  end
  put("user", o.user)
  put("password", o.password)
  put("host", o.host)
  put("port", o.port)
  put("socket", o.socket)
  for _, k in ipairs({ "ssl_ca", "ssl_capath", "ssl_cert", "ssl_key", "ssl_cipher" }) do
    put(k:gsub("_", "-"), o[k])
  end
  local mode = o.ssl_mode and tostring(o.ssl_mode):lower():gsub("-", "_")
  if mode == "disabled" or mode == "disable" then lines[#lines + 1] = "skip-ssl"
  elseif mode == "verify_identity" or mode == "verify_full" then
    lines[#lines + 1] = "ssl-verify-server-cert"
  end
  return table.concat(lines, "\n") .. "\n"
end

-- run{ command = argv list, env = { NAME = value }, options = MySQL option
-- file text (its path goes first, as --defaults-extra-file), stdin = path,
-- stdout = path, append = true } -> ok, the client's message (stderr)
function M.run(spec)
  local files = {}
  local words = {}
  for i, w in ipairs(spec.command) do words[i] = quote(w) end
  if spec.options then
    files[#files + 1] = temp(spec.options)
    table.insert(words, 2, quote("--defaults-extra-file=" .. files[#files]))
  end
  local err = temp()
  files[#files + 1] = err
  local lines = {}
  for k, v in pairs(spec.env or {}) do lines[#lines + 1] = ("export %s=%s"):format(k, quote(v)) end
  local cmd = "exec " .. table.concat(words, " ")
  if spec.stdin then cmd = cmd .. " < " .. quote(spec.stdin) end
  if spec.stdout then cmd = cmd .. (spec.append and " >> " or " > ") .. quote(spec.stdout) end
  lines[#lines + 1] = cmd .. " 2> " .. quote(err)
  local script = temp(table.concat(lines, "\n") .. "\n")
  files[#files + 1] = script
  local ok = os.execute("/bin/sh " .. quote(script) .. " </dev/null")
  local msg = slurp(err)
  for _, f in ipairs(files) do os.remove(f) end
  return ok == true, redact.text((msg:gsub("%s+$", "")))
end

return M
