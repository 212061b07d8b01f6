-- luacheck: ignore 212/self
-- spec/support/dialect/sqlite.lua: SQLite for the specs. A project's
-- database is its databases/database.sqlite (or project.db_path); it
-- needs no server.
local base = require("spec.support.dialect.base")

local Sqlite = base.new("sqlite")

local function null() return base.need_core().null end

function Sqlite:default_path(project)
  return project.dir .. "/databases/database.sqlite"
end

-- the URL lmigrate is given; the default database of the project
function Sqlite:url(project)
  return "sqlite:" .. self:target(project)
end

function Sqlite:target(project)
  return project.db_path or self:default_path(project)
end

-- nothing to pass: the default database of the project is the one
function Sqlite:env() return {} end

function Sqlite:prepare(db)
  db:run("PRAGMA foreign_keys = ON")
end

function Sqlite:own_integrity(db)
  local bad = {}
  local r = db:query("PRAGMA integrity_check")
  if #r ~= 1 or r[1].integrity_check ~= "ok" then bad[#bad + 1] = "integrity_check failed" end
  if #db:query("PRAGMA foreign_key_check") > 0 then bad[#bad + 1] = "foreign_key_check failed" end
  return bad
end

function Sqlite:tables(db)
  local t = {}
  for _, r in ipairs(db:query("SELECT name FROM sqlite_master WHERE type = 'table' "
                              .. "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")) do
    t[#t + 1] = r.name
  end
  return t
end

-- { {name=, type=, notnull=bool, default=text|nil, pk=n}, ... } in column order
function Sqlite:columns(db, tbl)
  local cols = {}
  for _, r in ipairs(db:query("SELECT * FROM pragma_table_info(?) ORDER BY cid", tbl)) do
    cols[#cols + 1] = {
      name = r.name, type = r.type, notnull = tonumber(r.notnull) == 1,
      default = r.dflt_value ~= null() and r.dflt_value or nil, pk = tonumber(r.pk),
    }
    cols[r.name] = cols[#cols]
  end
  return cols
end

-- { {from=, table=, to=, on_delete=, on_update=}, ... }
function Sqlite:foreign_keys(db, tbl)
  local fks = {}
  for _, r in ipairs(db:query("SELECT * FROM pragma_foreign_key_list(?) ORDER BY id, seq", tbl)) do
    fks[#fks + 1] = { from = r.from, table = r.table, to = r.to,
                      on_delete = r.on_delete, on_update = r.on_update }
  end
  return fks
end

local function index_columns(db, name)
  local cols = {}
  for _, c in ipairs(db:query("SELECT name FROM pragma_index_info(?) ORDER BY seqno", name)) do
    cols[#cols + 1] = c.name
  end
  return table.concat(cols, ",")
end

-- { ["email"] = true, ["post_id,tag_id"] = true }: column sets with a unique index
function Sqlite:unique_sets(db, tbl)
  local sets = {}
  for _, r in ipairs(db:query("SELECT * FROM pragma_index_list(?)", tbl)) do
    if tonumber(r.unique) == 1 then sets[index_columns(db, r.name)] = r.origin end
  end
  return sets
end

-- { ["post_id"] = "index_name" }: column sets with a non-unique index
function Sqlite:indexes(db, tbl)
  local sets = {}
  for _, r in ipairs(db:query("SELECT * FROM pragma_index_list(?)", tbl)) do
    if tonumber(r.unique) == 0 then sets[index_columns(db, r.name)] = r.name end
  end
  return sets
end

-- the whole schema and history, as a string to compare before/after
function Sqlite:snapshot(db)
  local out = {}
  for _, r in ipairs(db:query("SELECT type, name, tbl_name, sql FROM sqlite_master "
                              .. "ORDER BY type, name")) do
    out[#out + 1] = ("%s %s %s: %s"):format(r.type, r.name, r.tbl_name,
                                           r.sql == null() and "-" or r.sql)
  end
  return table.concat(self:history_lines(db, out), "\n")
end

return Sqlite
