-- luacheck: ignore 212/self
-- spec/support/dialect/mysql.lua: MySQL (MariaDB) for the specs, on the
-- server spec.support.servers finds ("mariadb": LMIGRATE_MYSQL_SOCKET,
-- user root, no password). As on PostgreSQL, each project gets a database
-- of its own, named after its temp folder, dropped by teardown.
-- lmigrate's own journal table (migrations_journal, run/journal.lua) is
-- left out of tables() and snapshot(), as sqlite_sequence is on SQLite:
-- the journal specs look at it themselves.
local base = require("spec.support.dialect.base")

local Mysql = base.new("mysql", "mariadb")

-- MySQL commits each schema statement at once: a migration runs statement
-- by statement, journaled (lmigrate's run/journal.lua), not in one transaction
Mysql.transactional_ddl = false

local JOURNAL = "migrations_journal"

local function null() return base.need_core().null end

function Mysql:attach(server)
  self.found = server
  self.socket = server.socket
end

function Mysql:ident(name)
  return "`" .. name:gsub("`", "``") .. "`"
end

-- the options of lmigrate.core's driver for this server
function Mysql:options()
  return { user = "root", socket = self.socket }
end

-- a Db on the server, in database 'db' ("" or nil: none)
function Mysql:open(db)
  local conn, msg = base.need_core().connect("mysql", db or "", self:options())
  if conn == nil then error("mysql: cannot connect: " .. tostring(msg), 2) end
  return base.db(conn, self)
end

function Mysql:setup(project)
  project.my_db = "lmigrate_spec_" .. assert(project.dir:match("([%w]+)$"))
  local admin = self:open()
  admin:run("CREATE DATABASE " .. self:ident(project.my_db))
  admin:close()
end

function Mysql:teardown(project)
  if not project.my_db then return end
  local admin = self:open()
  admin:exec("DROP DATABASE IF EXISTS " .. self:ident(project.my_db))
  admin:close()
end

-- the URL of database 'db' on the server (its socket, user root)
function Mysql:url_of(db)
  return ("mysql://root@localhost/%s?socket=%s"):format(db, self.socket)
end

function Mysql:url(project) return self:url_of(project.my_db) end
function Mysql:target(project) return project.my_db end
function Mysql:env(project) return { DATABASE_URL = self:url(project) } end

function Mysql:connect(project)
  return self:open(self:target(project))
end

-- (the journal is <history table>_journal: the one of a history table
-- named in lmigrate.lua is left out too)
function Mysql:tables(db)
  local t, all = {}, {}
  local rows = db:query("SELECT table_name AS name FROM information_schema.tables "
      .. "WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'")
  for _, r in ipairs(rows) do all[r.name] = true end
  for _, r in ipairs(rows) do
    local history = r.name:match("^(.+)_journal$")
    if r.name ~= JOURNAL and not (history and all[history]) then t[#t + 1] = r.name end
  end
  table.sort(t)  -- byte order, as the other dialects give it (not the collation's)
  return t
end

-- CHECK TABLE of each table: InnoDB's own consistency check
function Mysql:own_integrity(db)
  local bad = {}
  for _, t in ipairs(self:tables(db)) do
    for _, r in ipairs(db:query("CHECK TABLE " .. self:ident(t))) do
      if r.Msg_type == "error" or (r.Msg_type == "status" and r.Msg_text ~= "OK") then
        bad[#bad + 1] = ("CHECK TABLE %s: %s"):format(t, tostring(r.Msg_text))
      end
    end
  end
  return bad
end

-- the journal's rows as lmigrate reads them: those of a step that
-- committed (an up's of a migration in the history, a down's of one no
-- longer there), which a kill left before the run's sweep, are stale and
-- left out (lua/lmigrate/run/journal_table.lua)
function Mysql:journal(db)
  if tonumber(db:scalar("SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema ="
      .. " DATABASE() AND table_name = ?", JOURNAL)) == 0 then
    return {}
  end
  local j = self:ident(JOURNAL)
  local rows = db:query("SELECT migration, position, total, state, statement FROM " .. j
    .. " WHERE " .. j .. ".`down` = EXISTS (SELECT 1 FROM `migrations` h WHERE h.migration = "
    .. j .. ".migration) ORDER BY migration, position, id")
  for _, r in ipairs(rows) do
    r.migration = tostring(r.migration):gsub("%.lua$", "")
    r.position, r.total = tonumber(r.position), tonumber(r.total)
  end
  return rows
end

function Mysql:quiesce(db)
  for _ = 1, 600 do
    if tonumber(db:scalar("SELECT COUNT(*) AS n FROM information_schema.processlist"
        .. " WHERE db = DATABASE() AND id <> CONNECTION_ID()")) == 0 then
      return
    end
    base.need_core().wait({}, 0.05)
  end
  error("mysql: another connection still works on the database after 30 s")
end

function Mysql:columns(db, tbl)
  local cols = {}
  for _, r in ipairs(db:query("SELECT column_name AS name, column_type AS type, is_nullable AS n, "
      .. "column_default AS d FROM information_schema.columns WHERE table_schema = DATABASE() "
      .. "AND table_name = ? ORDER BY ordinal_position", tbl)) do
    cols[#cols + 1] = { name = r.name, type = r.type, notnull = r.n == "NO",
                        default = r.d ~= null() and r.d ~= "NULL" and r.d or nil }
    cols[r.name] = cols[#cols]
  end
  return cols
end

function Mysql:foreign_keys(db, tbl)
  local fks = {}
  for _, r in ipairs(db:query([[
    SELECT k.column_name AS `from`, k.referenced_table_name AS `table`,
           k.referenced_column_name AS `to`, c.delete_rule AS on_delete, c.update_rule AS on_update
    FROM information_schema.key_column_usage k
    JOIN information_schema.referential_constraints c
      ON c.constraint_schema = k.constraint_schema AND c.constraint_name = k.constraint_name
    WHERE k.table_schema = DATABASE() AND k.table_name = ? AND k.referenced_table_name IS NOT NULL
      AND c.constraint_schema = DATABASE() AND c.table_name = ?
    ORDER BY k.constraint_name, k.ordinal_position]], tbl, tbl)) do
    fks[#fks + 1] = r
  end
  return fks
end

-- (information_schema: MariaDB reads only this database's tables when the
-- query names table_schema, not constraint_schema: 100 times faster)

-- { ["a,b"] = index name } of the unique (or the other) indexes; the
-- primary key counts as unique, as on PostgreSQL
local function index_sets(db, tbl, unique)
  local sets = {}
  for _, r in ipairs(db:query([[
    SELECT index_name AS name, GROUP_CONCAT(column_name ORDER BY seq_in_index) AS cols
    FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND table_name = ? AND non_unique = ?
    GROUP BY index_name]], tbl, unique and 0 or 1)) do
    sets[r.cols] = r.name
  end
  return sets
end

function Mysql:unique_sets(db, tbl) return index_sets(db, tbl, true) end
function Mysql:indexes(db, tbl) return index_sets(db, tbl, false) end

function Mysql:snapshot(db)
  local out = {}
  for _, r in ipairs(db:query([[
    SELECT table_name AS t, column_name AS c, column_type AS ty, is_nullable AS n,
           column_default AS d, extra AS x
    FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name <> ?
    ORDER BY BINARY table_name, ordinal_position]], JOURNAL)) do
    out[#out + 1] = table.concat({ r.t, r.c, r.ty, r.n, tostring(r.d ~= null() and r.d or "-"),
      r.x }, " ")
  end
  for _, r in ipairs(db:query([[
    SELECT table_name AS t, index_name AS i, non_unique AS u,
           GROUP_CONCAT(column_name ORDER BY seq_in_index) AS cols
    FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name <> ?
    GROUP BY table_name, index_name, non_unique ORDER BY BINARY table_name, BINARY index_name]], JOURNAL)) do
    out[#out + 1] = ("index %s %s %s (%s)"):format(r.t, r.i, r.u, r.cols)
  end
  for _, r in ipairs(db:query([[
    SELECT table_name AS t, constraint_name AS c, constraint_type AS ty
    FROM information_schema.table_constraints WHERE table_schema = DATABASE()
      AND table_name <> ? ORDER BY BINARY table_name, BINARY constraint_name]], JOURNAL)) do
    out[#out + 1] = ("constraint %s %s %s"):format(r.t, r.c, r.ty)
  end
  return table.concat(self:history_lines(db, out), "\n")
end

return Mysql
