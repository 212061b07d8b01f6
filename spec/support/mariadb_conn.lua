-- spec/support/mariadb_conn.lua: a stand-in for lmigrate.core's MySQL
-- connection, until the driver lands: each exec/query runs through the
-- mariadb client (values written in by the mysql grammar's g:interpolate),
-- so lmigrate.db and lmigrate.schema can read a real MariaDB. Every call
-- is a session of its own: no transaction or session variable lasts
-- from one call to the next. Values come back as text, SQL NULL as
-- lmigrate.null (a text 'NULL' too: the client's --batch output cannot
-- tell them apart).
--
--   local conn = require("spec.support.mariadb_conn").open(server, "dbname")
--   local db = require("lmigrate.db").new(conn, core.grammar("mysql"))
local core = require("lmigrate.core")
local shell = require("spec.support.shell")

local M = {}

local Conn = {}
Conn.__index = Conn

function M.open(server, database)
  return setmetatable({ server = server, database = database, g = core.grammar("mysql") }, Conn)
end

function Conn.driver() return "mysql" end
function Conn.supports() return false end
function Conn.close() end

local UNESCAPE = { ["\\t"] = "\t", ["\\n"] = "\n", ["\\\\"] = "\\", ["\\0"] = "\0" }

local function field(s)
  if s == "NULL" then return core.null end
  return (s:gsub("\\[tn\\0]", UNESCAPE))
end

local function split(line)
  local out = {}
  for f in (line .. "\t"):gmatch("([^\t]*)\t") do out[#out + 1] = f end
  return out
end

-- runs sql with its values -> status, output
function Conn:run(sql, ...)
  local text, err = self.g:interpolate(sql, ...)
  if not text then return 1, err end
  local path = os.tmpname()
  shell.write_file(path, text .. ";\n")
  local cmd = ("mariadb --no-defaults --user=root --socket=%s --batch %s < %s")
    :format(shell.quote(self.server.socket), shell.quote(self.database), shell.quote(path))
  local status, out = shell.capture(cmd)
  os.remove(path)
  return status, out
end

local function failure(out)
  return nil, out:gsub("\n$", ""), out:match("^ERROR (%d+)")
end

function Conn:query(sql, ...)
  local status, out = self:run(sql, ...)
  if status ~= 0 then return failure(out) end
  local lines = {}
  for line in out:gmatch("([^\n]*)\n") do lines[#lines + 1] = line end
  local rows = {}
  if #lines == 0 then return rows, {} end
  local names = split(lines[1])
  for i = 2, #lines do
    local row = {}
    for j, v in ipairs(split(lines[i])) do row[names[j]] = field(v) end
    rows[#rows + 1] = row
  end
  return rows, names
end

function Conn:exec(sql, ...)
  local status, out = self:run(sql, ...)
  if status ~= 0 then return failure(out) end
  return 0
end

return M
