-- luacheck: ignore 212/self
-- spec/support/keys.lua: the databases spec/integration/22-keys_spec.lua
-- runs blueprints on and asks about their keys: SQLite (in memory) and
-- PostgreSQL (a database of its own) through lmigrate's own connection,
-- self.db and self.schema, so the SQLite table rebuild runs for real;
-- MariaDB through the mariadb client until the MySQL driver lands (the
-- blueprint's to_sql, in a database of its own).
--
--   for _, b in ipairs(keys.backends()) do ... b:create("t", fn) ... end
--
-- Every backend answers in one shape: indexes(t) -> { name = { columns =
-- "a,b", unique = bool, primary = bool, method = "btree" | "hash" | "gin"
-- | "gist" | "fulltext" | "spatial" } }, foreign_keys(t) -> { "a,b" = {
-- name = n, table = t, to = "id", on_delete = "CASCADE", on_update = ..,
-- deferrable = bool, deferred = bool } }, count(t), and script(list)
-- running statements (one client session on MariaDB). A missing server
-- is registered by spec.support.servers (pending, or failing under CI).
local core = require("lmigrate.core")
local servers = require("spec.support.servers")
local shell = require("spec.support.shell")

local M = {}

local function null(v) return v == nil or v == core.null end

-- {======================================================
-- Through lmigrate's connection: SQLite and PostgreSQL
-- ======================================================

local Native = {}
Native.__index = Native

function Native:schema()
  local db = require("lmigrate.db").new(self.conn, self.grammar)
  return require("lmigrate.schema").new(db, self.grammar), db
end

function Native:run(sql)
  local n, msg = self.conn:exec(sql)
  if n == nil then error(("%s: %s\n%s"):format(self.name, msg, sql), 2) end
end

function Native:script(list)
  for _, sql in ipairs(list) do self:run(sql) end
end

function Native:query(sql, ...)
  local rows, msg = self.conn:query(sql, ...)
  if rows == nil then error(("%s: %s\n%s"):format(self.name, msg, sql), 2) end
  return rows
end

-- create/alter through self.schema, in a transaction as a migration
-- runs; errors as lmigrate raises them
local function blueprint_in_transaction(self, method, name, fn)
  local schema, db = self:schema()
  db:transaction(function() schema[method](schema, name, fn) end)
end

function Native:create(name, fn) blueprint_in_transaction(self, "create", name, fn) end
function Native:alter(name, fn) blueprint_in_transaction(self, "table", name, fn) end

function Native:count(t)
  return tonumber(self:query("SELECT count(*) AS n FROM " .. self.grammar:quote(t))[1].n)
end

-- }======================================================

-- {======================================================
-- SQLite
-- ======================================================

local Sqlite = setmetatable({ name = "sqlite" }, { __index = Native })
Sqlite.__index = Sqlite

function Sqlite:reset()
  if self.conn then self.conn:close() end
  self.conn = assert(core.connect("sqlite", ":memory:"))
  self.grammar = core.grammar("sqlite")
  self:run("PRAGMA foreign_keys = ON")
end

function Sqlite:close() if self.conn then self.conn:close() end self.conn = nil end

local function sqlite_sql(self, t)
  local row = self:query("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", t)[1]
  return row and row.sql or ""
end

function Sqlite:indexes(t)
  local out = {}
  for _, r in ipairs(self:query("SELECT * FROM pragma_index_list(?)", t)) do
    local cols = {}
    for _, c in ipairs(self:query("SELECT name FROM pragma_index_xinfo(?) WHERE key = 1 "
        .. "ORDER BY seqno", r.name)) do
      cols[#cols + 1] = null(c.name) and "<expr>" or c.name
    end
    out[r.name] = { columns = table.concat(cols, ","), unique = tonumber(r.unique) == 1,
                    primary = r.origin == "pk", method = "btree",
                    partial = tonumber(r.partial) == 1 }
  end
  -- an INTEGER PRIMARY KEY is the rowid: no index, but the primary key
  local pk = {}
  for _, c in ipairs(self:query("SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk", t)) do
    pk[#pk + 1] = c.name
  end
  local has = false
  for _, ix in pairs(out) do has = has or ix.primary end
  if #pk > 0 and not has then
    out.primary = { columns = table.concat(pk, ","), unique = true, primary = true, method = "btree" }
  end
  return out
end

-- the names SQLite does not keep: read from the CREATE TABLE lmigrate wrote
local function sqlite_fk_names(sql)
  local names = {}
  for name, cols in sql:gmatch('CONSTRAINT "([^"]+)" FOREIGN KEY %(([^)]*)%)') do
    names[cols:gsub('"', ""):gsub(",%s*", ",")] = name
  end
  for col, name in sql:gmatch('"([^"]+)" [^,(]-CONSTRAINT "([^"]+)" REFERENCES') do names[col] = name end
  return names
end

function Sqlite:foreign_keys(t)
  local sql = sqlite_sql(self, t)
  local names, out, byid = sqlite_fk_names(sql), {}, {}
  for _, r in ipairs(self:query("SELECT * FROM pragma_foreign_key_list(?) ORDER BY id, seq", t)) do
    local fk = byid[r.id]
    if not fk then
      fk = { table = r.table, on_delete = r.on_delete, on_update = r.on_update, from = {}, to = {} }
      byid[r.id] = fk
    end
    fk.from[#fk.from + 1] = r.from
    fk.to[#fk.to + 1] = null(r.to) and "" or r.to
  end
  for _, fk in pairs(byid) do
    local cols = table.concat(fk.from, ",")
    local name = names[cols]
    local clause = name and sql:match('CONSTRAINT "' .. name:gsub("%p", "%%%0") .. '"[^,]*')
    out[cols] = { name = name, table = fk.table, to = table.concat(fk.to, ","),
                  on_delete = fk.on_delete, on_update = fk.on_update,
                  deferrable = clause ~= nil and clause:find(" DEFERRABLE", 1, true) ~= nil
                    and not clause:find("NOT DEFERRABLE", 1, true),
                  deferred = clause ~= nil and clause:find("INITIALLY DEFERRED", 1, true) ~= nil }
  end
  return out
end

function Sqlite:columns(t)
  local cols = {}
  for _, r in ipairs(self:query("SELECT name FROM pragma_table_info(?) ORDER BY cid", t)) do
    cols[#cols + 1] = r.name
  end
  return table.concat(cols, ",")
end

-- a table made by temporary() is in the temp schema
function Sqlite:temporary(t)
  return self:query("SELECT 1 AS x FROM sqlite_temp_master WHERE type = 'table' AND name = ?", t)[1] ~= nil
end

-- }======================================================

-- {======================================================
-- PostgreSQL
-- ======================================================

local Postgres = setmetatable({ name = "postgres" }, { __index = Native })
Postgres.__index = Postgres

local ACTIONS = { a = "NO ACTION", r = "RESTRICT", c = "CASCADE", n = "SET NULL", d = "SET DEFAULT" }

function Postgres:reset()
  if not self.conn then
    self.dbname = shell.unique_name("lmigrate_keys")
    local admin = assert(core.connect("postgres", self.server:url_with_db("postgres")))
    assert(admin:exec('CREATE DATABASE "' .. self.dbname .. '"'))
    admin:close()
    self.conn = assert(core.connect("postgres", self.server:url_with_db(self.dbname)))
    self.grammar = core.grammar("postgres")
    self:run("SET client_min_messages = warning")
  end
  self:run("DROP SCHEMA public CASCADE")
  self:run("CREATE SCHEMA public")
end

function Postgres:close()
  if not self.conn then return end
  self.conn:close()
  self.conn = nil
  local admin = assert(core.connect("postgres", self.server:url_with_db("postgres")))
  admin:exec('DROP DATABASE IF EXISTS "' .. self.dbname .. '" WITH (FORCE)')
  admin:close()
end

local function truth(v) return v == true or v == "t" or v == 1 end

function Postgres:indexes(t)
  local out = {}
  for _, r in ipairs(self:query([[
    SELECT ic.relname AS name, am.amname AS method, i.indisunique AS uniq, i.indisprimary AS pk,
      string_agg(coalesce(a.attname, '<expr>'), ',' ORDER BY k.ord) AS cols
    FROM pg_index i
    JOIN pg_class tc ON tc.oid = i.indrelid
    JOIN pg_class ic ON ic.oid = i.indexrelid
    JOIN pg_am am ON am.oid = ic.relam
    CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(num, ord)
    LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.num AND k.num > 0
    WHERE tc.oid = ?::regclass
    GROUP BY ic.relname, am.amname, i.indisunique, i.indisprimary]], '"' .. t .. '"')) do
    out[r.name] = { columns = r.cols, unique = truth(r.uniq), primary = truth(r.pk), method = r.method }
  end
  return out
end

function Postgres:foreign_keys(t)
  local out = {}
  for _, r in ipairs(self:query([[
    SELECT c.conname AS name, fc.relname AS ftable, c.confdeltype AS del, c.confupdtype AS upd,
      c.condeferrable AS deferrable, c.condeferred AS deferred, c.convalidated AS valid,
      string_agg(la.attname, ',' ORDER BY k.ord) AS cols,
      string_agg(fa.attname, ',' ORDER BY k.ord) AS fcols
    FROM pg_constraint c
    JOIN pg_class fc ON fc.oid = c.confrelid
    CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(num, ord)
    JOIN pg_attribute la ON la.attrelid = c.conrelid AND la.attnum = k.num
    JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = c.confkey[k.ord]
    WHERE c.contype = 'f' AND c.conrelid = ?::regclass
    GROUP BY c.conname, fc.relname, c.confdeltype, c.confupdtype, c.condeferrable,
      c.condeferred, c.convalidated]], '"' .. t .. '"')) do
    out[r.cols] = { name = r.name, table = r.ftable, to = r.fcols, on_delete = ACTIONS[r.del],
                    on_update = ACTIONS[r.upd], deferrable = truth(r.deferrable),
                    deferred = truth(r.deferred), valid = truth(r.valid) }
  end
  return out
end

function Postgres:columns(t)
  local cols = {}
  for _, r in ipairs(self:query("SELECT attname FROM pg_attribute WHERE attrelid = ?::regclass "
      .. "AND attnum > 0 AND NOT attisdropped ORDER BY attnum", '"' .. t .. '"')) do
    cols[#cols + 1] = r.attname
  end
  return table.concat(cols, ",")
end

function Postgres:temporary(t)
  return self:query("SELECT relpersistence FROM pg_class WHERE oid = ?::regclass",
    '"' .. t .. '"')[1].relpersistence == "t"
end

-- { comment = text }
function Postgres:table_info(t)
  local r = self:query("SELECT obj_description(?::regclass, 'pg_class') AS c", '"' .. t .. '"')[1]
  return { comment = not null(r.c) and r.c or nil }
end

-- }======================================================

-- {======================================================
-- MariaDB, through its client
-- ======================================================

local Mysql = { name = "mysql" }
Mysql.__index = Mysql

-- runs the script text in the database; status, output
function Mysql:client(text)
  local path = os.tmpname()
  shell.write_file(path, "USE `" .. self.dbname .. "`;\n" .. text)
  local status, out = servers.run_script("mariadb", self.server, nil, path)
  os.remove(path)
  return status, out
end

function Mysql:reset()
  self.dbname = self.dbname or shell.unique_name("lmigrate_keys")
  self.grammar = core.grammar("mysql")
  local path = os.tmpname()
  shell.write_file(path, ("DROP DATABASE IF EXISTS `%s`; CREATE DATABASE `%s`;\n")
    :format(self.dbname, self.dbname))
  local status, out = servers.run_script("mariadb", self.server, nil, path)
  os.remove(path)
  assert(status == 0, out)
end

function Mysql:close()
  if not self.dbname then return end
  local path = os.tmpname()
  shell.write_file(path, "DROP DATABASE IF EXISTS `" .. self.dbname .. "`;\n")
  servers.run_script("mariadb", self.server, nil, path)
  os.remove(path)
end

-- the statements, in one session: raises with the server's message
function Mysql:script(list)
  local text = {}
  for _, sql in ipairs(list) do text[#text + 1] = sql .. ";\n" end
  local status, out = self:client(table.concat(text))
  if status ~= 0 then error({ message = out, sql = table.concat(text) }, 2) end
  return out
end

function Mysql:run(sql) self:script({ sql }) end

local function blueprint(self, name, mode, fn)
  local t = core.blueprint(name, mode)
  fn(t)
  self:script(t:to_sql(self.grammar))
end

function Mysql:create(name, fn) blueprint(self, name, "create", fn) end
function Mysql:alter(name, fn) blueprint(self, name, "alter", fn) end

-- rows of tab-separated fields named 'names' (--batch, no column names)
function Mysql:query(sql, names)
  local rows = {}
  for line in self:script({ sql }):gmatch("[^\n]+") do
    local row, i = {}, 1
    for field in (line .. "\t"):gmatch("([^\t]*)\t") do
      row[names[i]] = field ~= "NULL" and field or nil
      i = i + 1
    end
    rows[#rows + 1] = row
  end
  return rows
end

function Mysql:count(t)
  return tonumber(self:query("SELECT count(*) FROM `" .. t .. "`", { "n" })[1].n)
end

function Mysql:indexes(t)
  local out = {}
  for _, r in ipairs(self:query("SELECT INDEX_NAME, GROUP_CONCAT(COALESCE(COLUMN_NAME, '<expr>') "
      .. "ORDER BY SEQ_IN_INDEX), MIN(NON_UNIQUE), INDEX_TYPE FROM information_schema.STATISTICS "
      .. "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '" .. t .. "' GROUP BY INDEX_NAME, INDEX_TYPE",
      { "name", "cols", "non_unique", "type" })) do
    out[r.name] = { columns = r.cols, unique = r.non_unique == "0", primary = r.name == "PRIMARY",
                    method = r.type:lower() }
  end
  return out
end

function Mysql:foreign_keys(t)
  local out = {}
  for _, r in ipairs(self:query("SELECT k.CONSTRAINT_NAME, GROUP_CONCAT(k.COLUMN_NAME ORDER BY "
      .. "k.ORDINAL_POSITION), k.REFERENCED_TABLE_NAME, GROUP_CONCAT(k.REFERENCED_COLUMN_NAME "
      .. "ORDER BY k.ORDINAL_POSITION), r.DELETE_RULE, r.UPDATE_RULE "
      .. "FROM information_schema.KEY_COLUMN_USAGE k JOIN information_schema.REFERENTIAL_CONSTRAINTS r "
      .. "ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME "
      .. "WHERE k.TABLE_SCHEMA = DATABASE() AND k.TABLE_NAME = '" .. t .. "' "
      .. "GROUP BY k.CONSTRAINT_NAME, k.REFERENCED_TABLE_NAME, r.DELETE_RULE, r.UPDATE_RULE",
      { "name", "cols", "table", "to", "on_delete", "on_update" })) do
    out[r.cols] = { name = r.name, table = r.table, to = r.to, on_delete = r.on_delete,
                    on_update = r.on_update, deferrable = false, deferred = false }
  end
  return out
end

function Mysql:columns(t)
  return self:query("SELECT GROUP_CONCAT(COLUMN_NAME ORDER BY ORDINAL_POSITION) FROM "
    .. "information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '" .. t .. "'",
    { "cols" })[1].cols or ""
end

-- { engine =, collation =, comment = }
function Mysql:table_info(t)
  return self:query("SELECT ENGINE, TABLE_COLLATION, TABLE_COMMENT FROM information_schema.TABLES "
    .. "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '" .. t .. "'",
    { "engine", "collation", "comment" })[1]
end

-- }======================================================

-- the backends of this run, in order; a missing server is registered
-- (spec.support.servers) and left out
function M.backends(what)
  local list = { setmetatable({}, Sqlite) }
  local pg = servers.need("postgres", what .. " [#postgres]")
  if pg then list[#list + 1] = setmetatable({ server = pg }, Postgres) end
  local my = servers.need("mariadb", what .. " [#mysql]")
  if my then list[#list + 1] = setmetatable({ server = my }, Mysql) end
  return list
end

return M
