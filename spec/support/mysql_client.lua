-- spec/support/mysql_client.lua: self.db on MariaDB through its command-line
-- client, for the specs that run SQL there before lmigrate has a MySQL driver
-- of its own (src/driver/mysql.c). Each call is one client run in the
-- spec's database: its values are written in by the MySQL grammar's
-- g:interpolate (as `lmigrate sql` prints them), the rows are read from
-- the client's batch output. So no session outlives a call: no
-- transactions, no LAST_INSERT_ID(), and a string with a NUL byte has no
-- literal (interpolate refuses it).
--
--   local db = require("spec.support.mysql_client").new(server, database)
--   db:execute("CREATE TABLE t (a INT)"); db:query("SELECT * FROM t")
local core = require("lmigrate.core")
local DB = require("lmigrate.db")
local shell = require("spec.support.shell")

local M = {}

local Client = {}
Client.__index = Client

-- the client's batch output escapes \0, \b, \n, \r, \t and \\
local ESC = { ["0"] = "\0", b = "\b", n = "\n", r = "\r", t = "\t", ["\\"] = "\\" }

local function unescape(s)
  return (s:gsub("\\(.)", function(c) return ESC[c] or ("\\" .. c) end))
end

-- the rows of the client's batch output (the last result set): header, rows
local function parse(out)
  local rows, header = {}, nil
  for line in out:gmatch("([^\n]*)\n") do
    local fields = {}
    for f in (line .. "\t"):gmatch("([^\t]*)\t") do fields[#fields + 1] = f end
    if not header then
      header = fields
    else
      local row = {}
      for i, name in ipairs(header) do
        local v = fields[i]
        if v == "NULL" then row[name] = core.null else row[name] = unescape(v) end
      end
      rows[#rows + 1] = row
    end
  end
  return rows
end

-- new(server, database): server as spec.support.servers finds "mariadb"
function M.new(server, database)
  return setmetatable({ server = server, database = database,
                        grammar = core.grammar("mysql"), driver = "mysql" }, Client)
end

local function run(self, sql, ...)
  local text, err = self.grammar:interpolate(sql, ...)
  if not text then error("lmigrate: " .. err, 3) end
  local path = os.tmpname()
  shell.write_file(path, text .. ";\n")
  local status, out = shell.capture(self.server:client(self.database)
    .. " --column-names --default-character-set=utf8mb4 < " .. shell.quote(path))
  os.remove(path)
  if status ~= 0 then
    require("lmigrate.errors").raise("database", out, { sql = text })
  end
  return out
end

function Client:execute(sql, ...)
  local out = run(self, sql .. ";\nSELECT ROW_COUNT() AS n", ...)
  return tonumber(parse(out)[1].n)
end

function Client:query(sql, ...)
  return parse(run(self, sql, ...))
end

function Client:first(sql, ...)
  return self:query(sql, ...)[1]
end

-- db:insert's batches, through execute (no connection: as pretend does)
Client.insert = DB.class.insert
function Client.waits() return false end

require("lmigrate.db.query").install(Client)

return M
