-- What PostgreSQL says of its schema, from the catalog queries of Laravel
-- 12's PostgresGrammar (compileTables, compileColumns, compileIndexes,
-- compileForeignKeys), shaped as its PostgresProcessor shapes them. The
-- connection's current schema, as has_table and fresh use, unless a
-- schema is named (get_tables and get_views take one).
local inspect = require("lmigrate.schema.inspect")

local M = {}

local value = inspect.value

local schema_arg = inspect.schema_arg

function M.tables(db, schema)
  local list = {}
  for _, r in ipairs(db:query([[SELECT c.relname AS name, n.nspname AS schema,
      pg_total_relation_size(c.oid) AS size, obj_description(c.oid, 'pg_class') AS comment
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND n.nspname = COALESCE(?, current_schema())
    ORDER BY c.relname]], schema_arg(schema))) do
    list[#list + 1] = inspect.table_entry(r)
  end
  return list
end

function M.views(db, schema)
  local list = {}
  for _, r in ipairs(db:query([[SELECT viewname AS name, schemaname AS schema, definition
    FROM pg_views WHERE schemaname = COALESCE(?, current_schema()) ORDER BY viewname]],
      schema_arg(schema))) do
    list[#list + 1] = inspect.view_entry(r)
  end
  return list
end

-- the user-defined types (Laravel's getTypes): enums, composites, domains,
-- ranges and the rest, not those a table or an extension brings; 'implicit'
-- for the array and multirange types PostgreSQL makes beside each one
local TYPTYPES = { b = "base", c = "composite", d = "domain", e = "enum", p = "pseudo", r = "range",
                m = "multirange" }
local CATEGORIES = { A = "array", B = "boolean", C = "composite", D = "date_time", E = "enum",
                     G = "geometric", I = "network_address", N = "numeric", P = "pseudo", R = "range",
                     S = "string", T = "timespan", U = "user_defined", V = "bit_string", X = "unknown",
                     Z = "internal_use" }

function M.types(db, schema)
  local list = {}
  for _, r in ipairs(db:query([[SELECT t.typname AS name, n.nspname AS schema, t.typtype AS type,
      t.typcategory AS category, ((t.typinput = 'array_in'::regproc AND t.typoutput = 'array_out'::regproc)
        OR t.typtype = 'm') AS implicit
    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    LEFT JOIN pg_class c ON c.oid = t.typrelid
    LEFT JOIN pg_type el ON el.oid = t.typelem
    LEFT JOIN pg_class ce ON ce.oid = el.typrelid
    WHERE ((t.typrelid = 0 AND (ce.relkind = 'c' OR ce.relkind IS NULL)) OR c.relkind = 'c')
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid IN (t.oid, t.typelem) AND d.deptype = 'e')
      AND n.nspname = COALESCE(?, current_schema())
    ORDER BY t.typname]], schema_arg(schema))) do
    list[#list + 1] = { name = r.name, schema = r.schema, type = TYPTYPES[r.type] or r.type,
                        category = CATEGORIES[r.category] or r.category,
                        implicit = r.implicit == true or r.implicit == "t" }
  end
  return list
end

local GENERATED = { s = "stored", v = "virtual" }

function M.columns(db, t)
  local list = {}
  for _, r in ipairs(db:query([[SELECT a.attname AS name, t.typname AS type_name,
      format_type(a.atttypid, a.atttypmod) AS type,
      (SELECT tc.collcollate FROM pg_catalog.pg_collation tc WHERE tc.oid = a.attcollation) AS collation,
      NOT a.attnotnull AS nullable,
      (SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d
        WHERE d.adrelid = c.oid AND d.adnum = a.attnum) AS "default",
      a.attgenerated AS generated, a.attidentity AS identity,
      col_description(c.oid, a.attnum) AS comment
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_type t ON t.oid = a.atttypid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relname = ? AND n.nspname = current_schema() AND a.attnum > 0 AND NOT a.attisdropped
    ORDER BY a.attnum]], t)) do
    local default, gen = value(r.default), GENERATED[value(r.generated) or ""]
    list[#list + 1] = inspect.column_entry({
      name = r.name, type_name = r.type_name, type = r.type, collation = r.collation,
      nullable = inspect.truthy(r.nullable), default = not gen and default or nil,
      auto_increment = (default ~= nil and default:match("^nextval%(") ~= nil)
        or (value(r.identity) or "") ~= "",
      comment = r.comment,
      generation = gen and { type = gen, expression = default } or nil,
    })
  end
  return list
end

function M.indexes(db, t)
  return inspect.indexes(db:query([[SELECT ic.relname AS name, am.amname AS type,
      i.indisunique AS "unique", i.indisprimary AS "primary", a.attname AS "column"
    FROM pg_index i JOIN pg_class tc ON tc.oid = i.indrelid
    JOIN pg_namespace tn ON tn.oid = tc.relnamespace
    JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
    CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(num, ord)
    LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.num
    WHERE tc.relname = ? AND tn.nspname = current_schema()
    ORDER BY i.indisprimary DESC, ic.relname, k.ord]], t))
end

-- pg_constraint's action codes
M.RULES = { a = "no action", r = "restrict", c = "cascade", n = "set null", d = "set default" }

-- the foreign keys' catalog, one row per column (k.ord) of each key c:
-- tc its table, fc the table it references, la/fa their columns
M.KEYS_FROM = [[FROM pg_constraint c JOIN pg_class tc ON tc.oid = c.conrelid
    JOIN pg_namespace tn ON tn.oid = tc.relnamespace
    JOIN pg_class fc ON fc.oid = c.confrelid JOIN pg_namespace fn ON fn.oid = fc.relnamespace
    CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(num, ord)
    JOIN pg_attribute la ON la.attrelid = c.conrelid AND la.attnum = k.num
    JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = c.confkey[k.ord]
    WHERE c.contype = 'f' AND ]]

function M.foreign_keys(db, t)
  return inspect.foreign_keys(db:query([[SELECT c.conname AS name, la.attname AS "column",
      fn.nspname AS foreign_schema, fc.relname AS foreign_table, fa.attname AS foreign_column,
      c.confupdtype AS on_update, c.confdeltype AS on_delete
    ]] .. M.KEYS_FROM .. [[tc.relname = ? AND tn.nspname = current_schema()
    ORDER BY c.conname, k.ord]], t), M.RULES)
end

-- {======================================================
-- Offline: what PostgreSQL says of what a script declared
-- (schema/model.lua)
-- ======================================================

-- the grammar's types as pg_type's typname and format_type's text (%s:
-- the type's arguments)
local TYPES = {
  SERIAL = { "int4", "integer" }, BIGSERIAL = { "int8", "bigint" },
  SMALLSERIAL = { "int2", "smallint" }, INTEGER = { "int4", "integer" },
  BIGINT = { "int8", "bigint" }, SMALLINT = { "int2", "smallint" },
  VARCHAR = { "varchar", "character varying%s" }, CHAR = { "bpchar", "character%s" },
  BOOLEAN = { "bool", "boolean" }, DECIMAL = { "numeric", "numeric%s" },
  ["DOUBLE PRECISION"] = { "float8", "double precision" }, REAL = { "float4", "real" },
  TIMESTAMP = { "timestamp", "timestamp%s without time zone" },
  TIMESTAMPTZ = { "timestamptz", "timestamp%s with time zone" },
  TIME = { "time", "time%s without time zone" }, TIMETZ = { "timetz", "time%s with time zone" },
}

local INDEX_TYPES = { primary = "btree", fulltext = "gin", spatial_index = "gist" }

M.offline = {
  comments = true,
  action = "no action",   -- of a foreign key given none
  column_type = function(c)
    local base, args = c.sql_type:match("^([%a ]-)%s*(%b())$")
    if not base then base, args = c.sql_type, "" end
    args = args:gsub(",%s+", ",")
    if base == "FLOAT" then   -- FLOAT(p): a real up to 24 bits
      base, args = (tonumber(args:match("%d+")) or 53) <= 24 and "REAL" or "DOUBLE PRECISION", ""
    end
    local known = TYPES[base]
    if not known then return base:lower(), base:lower() .. args end
    return known[1], known[2]:format(args)
  end,
  -- an unnamed primary key is <table>_pkey, after the table it was made in
  name_primary = function(table_name) return table_name .. "_pkey" end,
  primary_name = function(t) return t.primary.name end,
  index_type = function(kind, algorithm)
    return INDEX_TYPES[kind] or (algorithm and algorithm:lower()) or "btree"
  end,
}

-- }======================================================

return M
