-- What SQLite says of its schema, as Laravel 12's SQLite grammar reads it
-- (pragma_table_xinfo, pragma_index_list, pragma_foreign_key_list) and its
-- SQLiteProcessor shapes it. What the pragmas do not tell, a column's
-- collation, a generated column's expression and a foreign key's
-- constraint name, is read from the table's CREATE TABLE (Laravel reads
-- the first two with regular expressions and has no name: lmigrate names
-- its keys, and drop_foreign goes by that name).
local core = require("lmigrate.core")
local ddl = require("lmigrate.schema.dialect.sqlite.ddl")
local inspect = require("lmigrate.schema.inspect")

local M = {}

local value = inspect.value

-- the name of a declared type: "varchar(255)" -> "varchar"
local function type_name(ty)
  return ty:match("^[^(]*"):match("^(.-)%s*$")
end

local function word(tok, w)
  return tok and tok.kind == "id" and tok.text:upper() == w
end

local function create_sql(db, t)
  local row = db:first("SELECT \"sql\" FROM \"sqlite_master\" WHERE \"type\" = 'table' "
    .. "AND \"name\" = ?", t)
  return row and value(row.sql)
end

function M.tables(db)
  local list = {}
  for _, r in ipairs(db:query(db.grammar:list_tables())) do
    list[#list + 1] = inspect.table_entry({ name = r.name, schema = "main" })
  end
  return list
end

function M.views(db)
  local list = {}
  for _, r in ipairs(db:query("SELECT \"name\", \"sql\" FROM \"sqlite_master\" "
      .. "WHERE \"type\" = 'view' ORDER BY \"name\"")) do
    list[#list + 1] = inspect.view_entry({ name = r.name, schema = "main", definition = r.sql })
  end
  return list
end

-- the text between the parenthesis at toks[i] and the one closing it
local function enclosed(text, toks, i)
  local depth = 0
  for j = i, #toks do
    if toks[j].text == "(" then depth = depth + 1
    elseif toks[j].text == ")" then
      depth = depth - 1
      if depth == 0 then return text:sub(toks[i].e + 1, toks[j].s - 1) end
    end
  end
end

-- the collation and the generation expression of one column definition
local function definition(text)
  local toks = core.tokenize(text)
  local collation, expression
  for k, t in ipairs(toks) do
    if word(t, "COLLATE") and toks[k + 1] then collation = toks[k + 1].name:lower() end
    if word(t, "AS") and toks[k + 1] and toks[k + 1].text == "(" and not expression then
      expression = enclosed(text, toks, k + 1)
    end
  end
  return collation, expression
end

-- the column definitions of table t's CREATE TABLE, by lower-cased name
local function definitions(db, t)
  local by = {}
  local sql = create_sql(db, t)
  for _, it in ipairs(sql and ddl.items(sql) or {}) do
    if it.column then by[it.column:lower()] = it.text end
  end
  return by
end

local GENERATED = { [2] = "virtual", [3] = "stored" }

function M.columns(db, t)
  local rows = db:query("SELECT \"name\", \"type\", \"notnull\", \"dflt_value\", \"pk\", \"hidden\" "
    .. "FROM pragma_table_xinfo(?) ORDER BY \"cid\"", t)
  local pks, defs = 0, definitions(db, t)
  for _, r in ipairs(rows) do
    if tonumber(r.pk) > 0 then pks = pks + 1 end
  end
  local list = {}
  for _, r in ipairs(rows) do
    local ty = tostring(r.type):lower()
    local collation, expression = definition(defs[r.name:lower()] or "")
    local gen = GENERATED[tonumber(r.hidden)]
    list[#list + 1] = inspect.column_entry({
      name = r.name, type_name = type_name(ty), type = ty,
      collation = collation, nullable = tonumber(r.notnull) == 0, default = r.dflt_value,
      -- INTEGER PRIMARY KEY is the rowid: it counts up by itself
      auto_increment = pks == 1 and tonumber(r.pk) > 0 and ty == "integer",
      generation = gen and { type = gen, expression = expression } or nil,
    })
  end
  return list
end

function M.indexes(db, t)
  local rows = {}
  for _, r in ipairs(db:query("SELECT \"name\" FROM pragma_table_xinfo(?) WHERE \"pk\" > 0 "
      .. "ORDER BY \"pk\", \"cid\"", t)) do
    rows[#rows + 1] = { name = "primary", column = r.name, unique = true, primary = true }
  end
  local listed = db:query("SELECT il.\"name\" AS \"name\", il.\"unique\" AS \"unique\", "
    .. "il.\"origin\" AS \"origin\", ii.\"name\" AS \"column\" "
    .. "FROM pragma_index_list(?) il, pragma_index_info(il.\"name\") ii "
    .. "ORDER BY il.\"name\", ii.\"seqno\"", t)
  local pk_index = false
  for _, r in ipairs(listed) do
    -- a primary key that is not the rowid has an index of its own: that one, not 'primary'
    if r.origin == "pk" then pk_index = true end
    rows[#rows + 1] = { name = r.name, column = r.column, unique = r.unique,
                        primary = r.origin == "pk" }
  end
  local list = inspect.indexes(rows)
  if pk_index and list[1] and list[1].name == "primary" then table.remove(list, 1) end
  return list
end

-- the constraint names of table t's foreign keys, by "col,col\0parent" (lower case)
local function fk_names(db, t)
  local names = {}
  local sql = create_sql(db, t)
  for _, it in ipairs(sql and ddl.items(sql) or {}) do
    local toks = core.tokenize(it.text)
    for k = 1, #toks - 2 do
      if word(toks[k], "CONSTRAINT") then
        local name, cols, j = toks[k + 1].name, {}, k + 2
        if it.column and word(toks[j], "REFERENCES") then
          cols = { it.column }
        elseif word(toks[j], "FOREIGN") and word(toks[j + 1], "KEY") then
          j = j + 3
          while toks[j] and toks[j].text ~= ")" do
            if toks[j].kind == "id" then cols[#cols + 1] = toks[j].name end
            j = j + 1
          end
          j = j + 1
        end
        if word(toks[j], "REFERENCES") and toks[j + 1] and #cols > 0 then
          names[table.concat(cols, ","):lower() .. "\0" .. toks[j + 1].name:lower()] = name
        end
      end
    end
  end
  return names
end

-- the primary key columns of table t, for REFERENCES t without a column list
local function primary_columns(db, t)
  local cols = {}
  for _, r in ipairs(db:query("SELECT \"name\" FROM pragma_table_info(?) WHERE \"pk\" > 0 "
      .. "ORDER BY \"pk\"", t)) do
    cols[#cols + 1] = r.name
  end
  return cols
end

function M.foreign_keys(db, t)
  local rows = db:query("SELECT \"id\", \"table\", \"from\", \"to\", \"on_update\", \"on_delete\" "
    .. "FROM pragma_foreign_key_list(?) ORDER BY \"id\" DESC, \"seq\"", t)
  for _, r in ipairs(rows) do
    r.column, r.foreign_table, r.foreign_column, r.foreign_schema = r.from, r.table, r.to, "main"
    r.table = nil
  end
  local list = inspect.foreign_keys(rows)
  local names = fk_names(db, t)
  for _, fk in ipairs(list) do
    fk.name = names[table.concat(fk.columns, ","):lower() .. "\0" .. fk.foreign_table:lower()]
    if #fk.foreign_columns == 0 then fk.foreign_columns = primary_columns(db, fk.foreign_table) end
  end
  return list
end

-- {======================================================
-- Offline: what SQLite says of what a script declared (schema/model.lua)
-- ======================================================

M.offline = {
  schema = "main",
  comments = false,       -- SQLite keeps none
  null_default = true,    -- DEFAULT NULL reads back as "NULL"
  action = "no action",   -- of a foreign key given none
  column_type = function(c)
    local ty = c.sql_type:lower()
    return type_name(ty), ty
  end,
  -- the key of the rowid (one INTEGER column) is "primary"; any other
  -- has an index of SQLite's own, the table's first
  primary_name = function(t)
    local cols = t.primary.columns
    for _, c in ipairs(#cols == 1 and t.columns or {}) do
      if c.name:lower() == cols[1]:lower() and c.sql_type:upper() == "INTEGER" then
        return "primary"
      end
    end
    return "sqlite_autoindex_" .. t.name .. "_1"
  end,
  index_type = function() return nil end,
}

-- }======================================================

return M
