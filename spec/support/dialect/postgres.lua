-- luacheck: ignore 212/self
-- spec/support/dialect/postgres.lua: PostgreSQL for the specs, on the
-- server spec.support.servers finds ("postgres"). Each project gets a
-- database of its own, named after its temp folder (unique on this host),
-- created from the server's "postgres" database and dropped by teardown.
local base = require("spec.support.dialect.base")

local Postgres = base.new("postgres", "postgres")

local function null() return base.need_core().null end

-- the server found: Postgres.base is its URL
function Postgres:attach(server)
  self.found = server
  self.base = server.url
end

-- a Db on the server's "postgres" database, to create and drop others
function Postgres:admin()
  local conn, msg = base.need_core().connect("postgres", self.found:url_with_db("postgres"))
  if conn == nil then error("postgres: cannot connect: " .. tostring(msg), 2) end
  return base.db(conn, self)
end

function Postgres:setup(project)
  project.pg_db = "lmigrate_spec_" .. assert(project.dir:match("([%w]+)$"))
  local admin = self:admin()
  admin:run("CREATE DATABASE " .. self:ident(project.pg_db))
  admin:close()
end

function Postgres:teardown(project)
  if not project.pg_db then return end
  local admin = self:admin()
  admin:exec("DROP DATABASE IF EXISTS " .. self:ident(project.pg_db) .. " WITH (FORCE)")
  admin:close()
end

function Postgres:url(project) return self.found:url_with_db(project.pg_db) end
function Postgres:target(project) return self:url(project) end
function Postgres:env(project) return { DATABASE_URL = self:url(project) } end

-- an index a failed CREATE INDEX CONCURRENTLY left behind
function Postgres:own_integrity(db)
  local n = tonumber(db:scalar("SELECT count(*) AS n FROM pg_index WHERE NOT indisvalid"))
  return n > 0 and { n .. " invalid index(es)" } or {}
end

function Postgres:tables(db)
  local t = {}
  for _, r in ipairs(db:query("SELECT table_name FROM information_schema.tables "
      .. "WHERE table_schema = current_schema() ORDER BY table_name")) do
    t[#t + 1] = r.table_name
  end
  return t
end

function Postgres:columns(db, tbl)
  local cols = {}
  for _, r in ipairs(db:query("SELECT column_name, data_type, is_nullable, column_default "
      .. "FROM information_schema.columns WHERE table_schema = current_schema() "
      .. "AND table_name = ? ORDER BY ordinal_position", tbl)) do
    cols[#cols + 1] = { name = r.column_name, type = r.data_type,
                        notnull = r.is_nullable == "NO",
                        default = r.column_default ~= null() and r.column_default or nil }
    cols[r.column_name] = cols[#cols]
  end
  return cols
end

function Postgres:foreign_keys(db, tbl)
  local fks = {}
  for _, r in ipairs(db:query([[
    SELECT a.attname AS "from", cf.relname AS "table", af.attname AS "to",
           CASE c.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL'
             WHEN 'r' THEN 'RESTRICT' WHEN 'd' THEN 'SET DEFAULT' ELSE 'NO ACTION' END AS on_delete,
           CASE c.confupdtype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL'
             WHEN 'r' THEN 'RESTRICT' WHEN 'd' THEN 'SET DEFAULT' ELSE 'NO ACTION' END AS on_update
    FROM pg_constraint c
    JOIN pg_class t ON t.oid = c.conrelid
    JOIN pg_class cf ON cf.oid = c.confrelid
    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
    JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = c.confkey[1]
    WHERE c.contype = 'f' AND t.relname = ? ORDER BY c.conname]], tbl)) do
    fks[#fks + 1] = r
  end
  return fks
end

local function index_sets(db, tbl, unique)
  local sets = {}
  for _, r in ipairs(db:query([[
    SELECT i.relname AS name, string_agg(a.attname, ',' ORDER BY k.n) AS cols
    FROM pg_index x
    JOIN pg_class t ON t.oid = x.indrelid
    JOIN pg_class i ON i.oid = x.indexrelid
    CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, n)
    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
    WHERE t.relname = ? AND x.indisunique = ?
    GROUP BY i.relname]], tbl, unique)) do
    sets[r.cols] = r.name
  end
  return sets
end

function Postgres:unique_sets(db, tbl) return index_sets(db, tbl, true) end
function Postgres:indexes(db, tbl) return index_sets(db, tbl, false) end

function Postgres:snapshot(db)
  local out = {}
  for _, r in ipairs(db:query([[
    SELECT table_name, column_name, data_type, is_nullable, column_default
    FROM information_schema.columns WHERE table_schema = current_schema()
    ORDER BY table_name, ordinal_position]])) do
    out[#out + 1] = table.concat({ r.table_name, r.column_name, r.data_type, r.is_nullable,
      tostring(r.column_default ~= null() and r.column_default or "-") }, " ")
  end
  for _, r in ipairs(db:query([[
    SELECT conname, pg_get_constraintdef(c.oid) AS def FROM pg_constraint c
    JOIN pg_namespace n ON n.oid = c.connamespace
    WHERE n.nspname = current_schema() ORDER BY conname]])) do
    out[#out + 1] = "constraint " .. r.conname .. " " .. r.def
  end
  for _, r in ipairs(db:query("SELECT indexname, indexdef FROM pg_indexes "
      .. "WHERE schemaname = current_schema() ORDER BY indexname")) do
    out[#out + 1] = "index " .. r.indexdef
  end
  return table.concat(self:history_lines(db, out), "\n")
end

return Postgres
