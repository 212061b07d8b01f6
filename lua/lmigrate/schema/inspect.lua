-- Reading the schema back: what self.schema:get_tables, get_views,
-- get_columns, get_indexes and get_foreign_keys return, shaped as
-- Laravel 12's Schema builder returns them (its processors' arrays, as Lua
-- tables with the same keys). The SQL is each dialect's, in
-- dialect/<name>/introspect.lua; this file holds what they share: the
-- shapes, and the grouping of one row per column into one entry per index
-- or key (done here rather than with string_agg/group_concat in SQL, so
-- a column name with a comma in it stays whole).
local core = require("lmigrate.core")

local M = {}

local null = core.null

-- the dialect's introspect module, for the grammar of db
function M.dialect(db)
  return require("lmigrate.schema.dialect." .. db.grammar:name() .. ".introspect")
end

-- v, with SQL NULL as nil
function M.value(v)
  if v == null then return nil end
  return v
end

-- a boolean from what a driver or client gives for one: true/false, 1/0,
-- "1"/"0", "t"/"f", "YES"/"NO"
function M.truthy(v)
  if v == nil or v == null or v == false then return false end
  if v == true then return true end
  local s = tostring(v):lower()
  return s == "1" or s == "t" or s == "true" or s == "yes" or s == "y"
end

-- the schema named (get_tables, get_views), or SQL NULL: the current one
function M.schema_arg(schema)
  return schema or null
end

-- a string lower-cased, or nil
function M.lower(v)
  v = M.value(v)
  return v and tostring(v):lower() or nil
end

-- group(rows, key, make, add) -> the entries in the order their first row
-- came: make(row) starts the entry of a new key(row), add(entry, row)
-- adds each row (the first one too)
function M.group(rows, key, make, add)
  local list, by = {}, {}
  for _, row in ipairs(rows) do
    local k = key(row)
    local e = by[k]
    if not e then
      e = make(row)
      by[k] = e
      list[#list + 1] = e
    end
    add(e, row)
  end
  return list
end

-- {======================================================
-- The shapes of Laravel's processors
-- ======================================================

-- get_tables: { name, schema, schema_qualified_name, size, comment, collation, engine }
function M.table_entry(row)
  local name, schema = row.name, M.value(row.schema)
  return {
    name = name,
    schema = schema,
    schema_qualified_name = schema and (schema .. "." .. name) or name,
    size = tonumber(M.value(row.size)),
    comment = M.value(row.comment),
    collation = M.value(row.collation),
    engine = M.value(row.engine),
  }
end

-- get_views: { name, schema, schema_qualified_name, definition }
function M.view_entry(row)
  local e = M.table_entry(row)
  return { name = e.name, schema = e.schema, schema_qualified_name = e.schema_qualified_name,
           definition = M.value(row.definition) }
end

-- get_table_listing: the names of get_tables' 'list', schema-qualified or not
function M.listing(list, qualified)
  local names = {}
  for i, t in ipairs(list) do names[i] = qualified and t.schema_qualified_name or t.name end
  return names
end

-- has_view: whether an entry of 'list' is named 'name', in any case
function M.named(list, name)
  for _, e in ipairs(list) do
    if e.name:lower() == name:lower() then return true end
  end
  return false
end

-- get_columns: { name, type_name, type, collation, nullable, default,
-- auto_increment, comment, generation = nil | { type, expression } }
function M.column_entry(c)
  return {
    name = c.name,
    type_name = c.type_name,
    type = c.type,
    collation = M.value(c.collation),
    nullable = c.nullable and true or false,
    default = M.value(c.default),
    auto_increment = c.auto_increment and true or false,
    comment = M.value(c.comment),
    generation = c.generation,
  }
end

-- get_indexes, from rows with name, column, type, unique, primary: one
-- entry { name (lower-cased), columns, type, unique, primary } per index
function M.indexes(rows)
  return M.group(rows, function(r) return r.name end, function(r)
    return { name = tostring(r.name):lower(), columns = {}, type = M.lower(r.type),
             unique = M.truthy(r.unique), primary = M.truthy(r.primary) }
  end, function(e, r)
    local c = M.value(r.column)
    if c then e.columns[#e.columns + 1] = c end
  end)
end

-- get_foreign_keys, from rows with name (or id), column, foreign_schema,
-- foreign_table, foreign_column, on_update, on_delete: one entry
-- { name, columns, foreign_schema, foreign_table, foreign_columns,
-- on_update, on_delete } per key; 'rules' maps a dialect's action codes
-- to Laravel's words ("cascade", "set null", ...). Rows that also name
-- the key's own table (a query over several) give the entry a 'table'.
function M.foreign_keys(rows, rules)
  local function rule(v)
    v = M.lower(v)
    return v and (rules and rules[v] or v)
  end
  return M.group(rows, function(r) return M.value(r.id) or r.name end, function(r)
    return { name = M.value(r.name), table = M.value(r.table), columns = {},
             foreign_schema = M.value(r.foreign_schema),
             foreign_table = r.foreign_table, foreign_columns = {},
             on_update = rule(r.on_update), on_delete = rule(r.on_delete) }
  end, function(e, r)
    e.columns[#e.columns + 1] = r.column
    e.foreign_columns[#e.foreign_columns + 1] = M.value(r.foreign_column)
  end)
end

-- }======================================================

return M
