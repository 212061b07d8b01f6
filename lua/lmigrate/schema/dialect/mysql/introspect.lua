-- What MySQL and MariaDB say of their schema, from the information_schema
-- queries of Laravel 12's MySqlGrammar (compileTables, compileColumns,
-- compileIndexes, compileForeignKeys), shaped as its MySqlProcessor shapes
-- them. The connection's database (schema()), unless one is named.
local inspect = require("lmigrate.schema.inspect")

local M = {}

local value = inspect.value

local schema_arg = inspect.schema_arg

function M.tables(db, schema)
  local list = {}
  for _, r in ipairs(db:query("SELECT table_name AS `name`, table_schema AS `schema`, "
      .. "(data_length + index_length) AS `size`, table_comment AS `comment`, "
      .. "engine AS `engine`, table_collation AS `collation` FROM information_schema.tables "
      .. "WHERE table_type IN ('BASE TABLE', 'SYSTEM VERSIONED') "
      .. "AND table_schema = COALESCE(?, schema()) ORDER BY table_name", schema_arg(schema))) do
    local e = inspect.table_entry(r)
    if e.comment == "" then e.comment = nil end
    list[#list + 1] = e
  end
  return list
end

function M.views(db, schema)
  local list = {}
  for _, r in ipairs(db:query("SELECT table_name AS `name`, table_schema AS `schema`, "
      .. "view_definition AS `definition` FROM information_schema.views "
      .. "WHERE table_schema = COALESCE(?, schema()) ORDER BY table_name", schema_arg(schema))) do
    list[#list + 1] = inspect.view_entry(r)
  end
  return list
end

local GENERATED = { ["STORED GENERATED"] = "stored", ["VIRTUAL GENERATED"] = "virtual",
                    ["PERSISTENT GENERATED"] = "stored" }

function M.columns(db, t)
  local list = {}
  for _, r in ipairs(db:query("SELECT column_name AS `name`, data_type AS `type_name`, "
      .. "column_type AS `type`, collation_name AS `collation`, is_nullable AS `nullable`, "
      .. "column_default AS `default`, column_comment AS `comment`, "
      .. "generation_expression AS `expression`, extra AS `extra` "
      .. "FROM information_schema.columns WHERE table_schema = schema() AND table_name = ? "
      .. "ORDER BY ordinal_position", t)) do
    local extra, expression = value(r.extra) or "", value(r.expression)
    local default = value(r.default)
    -- MariaDB writes a column without a default as the text NULL
    if default == "NULL" then default = nil end
    local gen = GENERATED[extra:upper()]
    list[#list + 1] = inspect.column_entry({
      name = r.name, type_name = r.type_name, type = r.type, collation = r.collation,
      nullable = inspect.truthy(r.nullable), default = not gen and default or nil,
      auto_increment = extra:lower():find("auto_increment", 1, true) ~= nil,
      comment = value(r.comment) ~= "" and r.comment or nil,
      generation = gen and { type = gen, expression = expression } or nil,
    })
  end
  return list
end

function M.indexes(db, t)
  local rows = db:query("SELECT index_name AS `name`, column_name AS `column`, "
    .. "index_type AS `type`, non_unique AS `non_unique` FROM information_schema.statistics "
    .. "WHERE table_schema = schema() AND table_name = ? "
    .. "ORDER BY index_name = 'PRIMARY' DESC, index_name, seq_in_index", t)
  for _, r in ipairs(rows) do
    r.unique = not inspect.truthy(r.non_unique)
    r.primary = r.name == "PRIMARY"
  end
  return inspect.indexes(rows)
end

function M.foreign_keys(db, t)
  return inspect.foreign_keys(db:query("SELECT kc.constraint_name AS `name`, "
    .. "kc.column_name AS `column`, kc.referenced_table_schema AS `foreign_schema`, "
    .. "kc.referenced_table_name AS `foreign_table`, "
    .. "kc.referenced_column_name AS `foreign_column`, rc.update_rule AS `on_update`, "
    .. "rc.delete_rule AS `on_delete` FROM information_schema.key_column_usage kc "
    .. "JOIN information_schema.referential_constraints rc "
    .. "ON kc.constraint_schema = rc.constraint_schema AND kc.constraint_name = rc.constraint_name "
    .. "AND kc.table_name = rc.table_name "
    .. "WHERE kc.table_schema = schema() AND kc.table_name = ? "
    .. "AND kc.referenced_table_name IS NOT NULL ORDER BY kc.constraint_name, kc.ordinal_position", t))
end

-- {======================================================
-- Offline: what MySQL says of what a script declared (schema/model.lua)
-- ======================================================

local INDEX_TYPES = { fulltext = "fulltext", spatial_index = "spatial" }

M.offline = {
  comments = true,
  table_options = true,    -- engine, collation
  shrink_indexes = true,   -- a dropped column leaves an index of several
  -- InnoDB indexes a foreign key's columns (by the key's name) unless an
  -- index begins with them; MariaDB says RESTRICT of a key given no action
  key_index = true,
  action = "restrict",
  column_type = function(c)
    local sql = c.sql_type:gsub("%s*/%*.-%*/", "")   -- the SRID comments
    local base, args = sql:match("^([%a ]-)%s*(%b())$")
    if not base then base, args = sql, "" end
    base = base:lower()
    if base ~= "enum" and base ~= "set" then args = args:gsub(",%s+", ",") end
    local ty = base .. args
    if c.unsigned and not base:find("unsigned", 1, true) then ty = ty .. " unsigned" end
    return base:match("^%a+"), ty
  end,
  primary_name = function() return "primary" end,
  index_type = function(kind) return INDEX_TYPES[kind] or "btree" end,
}

-- }======================================================

return M
