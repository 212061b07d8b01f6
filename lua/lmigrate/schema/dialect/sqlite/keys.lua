-- SQLite's foreign key switch and checks, for schema/foreign_keys.lua.
-- PRAGMA foreign_keys does nothing inside a transaction, so the switch
-- has to be thrown before BEGIN (foreign_keys.lua starts the migration's
-- transaction again, or the migration, when it is asked for inside one).
local inspect = require("lmigrate.schema.inspect")

local M = {}

M.off = "PRAGMA foreign_keys = OFF"
M.on = "PRAGMA foreign_keys = ON"
-- the switch cannot be thrown inside a transaction
M.before_begin = true
-- with the keys off, a table others reference can be dropped: no
-- implicit DELETE runs, their rows stay
M.drop_when_off = true

-- whether table t exists; SQLite's names are not case-sensitive
function M.exists(db, t)
  return db:first("SELECT 1 AS x FROM \"sqlite_master\" WHERE \"type\" = 'table' "
    .. "AND lower(\"name\") = lower(?)", t) ~= nil
end

function M.enforced(db)
  local row = db:first("PRAGMA foreign_keys")
  return row ~= nil and tonumber(row.foreign_keys) == 1
end

-- the LIKE pattern of the tables whose CREATE TABLE text names t: a
-- table that references t names it there (SQLite rewrites that text on a
-- rename), so only those tables' keys need reading. Reading every table's
-- keys made each DROP of a rollback cost as much as the whole schema (1000
-- drops: 4.8 s). A name with a quote character is written doubled or
-- escaped in the text: then every table is read.
local function naming(t)
  if t:find("[\"'`%[%]]") then return "%" end
  return "%" .. t:gsub("[\\%%_]", "\\%0") .. "%"
end

-- the foreign keys of other tables referencing table t:
-- { { table, columns = { ... } }, ... }
function M.referencing(db, t)
  local rows = db:query("SELECT m.\"name\" AS \"table\", f.\"id\" AS \"id\", f.\"from\" AS \"column\" "
    .. "FROM \"sqlite_master\" m, pragma_foreign_key_list(m.\"name\") f "
    .. "WHERE m.\"type\" = 'table' AND m.\"sql\" LIKE ? ESCAPE '\\' AND lower(m.\"name\") <> lower(?) "
    .. "AND lower(f.\"table\") = lower(?) ORDER BY m.\"name\", f.\"id\", f.\"seq\"", naming(t), t, t)
  return inspect.group(rows, function(r) return r.table .. "\0" .. r.id end,
    function(r) return { table = r.table, columns = {} } end,
    function(e, r) e.columns[#e.columns + 1] = r.column end)
end

-- the child's key columns of violation row r, as "rowid 3: parent_id = 7"
local function sample(db, q, r, cols)
  if r.rowid == nil or inspect.value(r.rowid) == nil then return "a row of a WITHOUT ROWID table" end
  local quoted = {}
  for i, c in ipairs(cols) do quoted[i] = q(c) end
  local row = db:first("SELECT " .. table.concat(quoted, ", ") .. " FROM " .. q(r.table)
    .. " WHERE rowid = ?", r.rowid) or {}
  local parts = {}
  for _, c in ipairs(cols) do parts[#parts + 1] = c .. " = " .. tostring(inspect.value(row[c])) end
  return ("rowid %s: %s"):format(tostring(r.rowid), table.concat(parts, ", "))
end

-- the constraint name of table t's key 'key' (see M.dangling), if it has one
local function name_of(db, t, key)
  for _, fk in ipairs(require("lmigrate.schema.dialect.sqlite.introspect").foreign_keys(db, t)) do
    if (t .. "\0" .. table.concat(fk.columns, ",") .. "\0" .. fk.foreign_table):lower() == key then
      return fk.name
    end
  end
end

-- dangling(db, limit) -> the rows whose parent is missing, by foreign
-- key: { { key, table, columns, foreign_table, foreign_columns, count,
-- samples = { text, ... } (at most limit) }, ... } (PRAGMA foreign_key_check).
-- The PRAGMA reports a row once per key it breaks, and a table may have two
-- keys on the same columns (Laravel's SQLite migrations that skip
-- dropForeign leave them): a row counts once under its key.
function M.dangling(db, limit)
  local q = function(s) return db.grammar:quote(s) end
  local by, list, fks = {}, {}, {}
  for _, r in ipairs(db:query("PRAGMA foreign_key_check")) do
    fks[r.table] = fks[r.table] or db:query("SELECT \"id\", \"from\", \"to\" FROM "
      .. "pragma_foreign_key_list(?) ORDER BY \"id\", \"seq\"", r.table)
    local cols, refs = {}, {}
    for _, f in ipairs(fks[r.table]) do
      if f.id == r.fkid then
        cols[#cols + 1] = f.from
        refs[#refs + 1] = inspect.value(f.to)
      end
    end
    local key = (r.table .. "\0" .. table.concat(cols, ",") .. "\0" .. r.parent):lower()
    local d = by[key]
    if not d then
      d = { key = key, table = r.table, name = name_of(db, r.table, key), columns = cols,
            foreign_table = r.parent, foreign_columns = refs, count = 0, samples = {}, rows = {} }
      by[key] = d
      list[#list + 1] = d
    end
    local rowid = inspect.value(r.rowid)
    if rowid == nil or not d.rows[rowid] then
      if rowid ~= nil then d.rows[rowid] = true end
      d.count = d.count + 1
      if #d.samples < limit then d.samples[#d.samples + 1] = sample(db, q, r, cols) end
    end
  end
  return list
end

return M
