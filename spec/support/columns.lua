-- spec/support/columns.lua: the column conformance suite's harness
-- (spec/grammar/columns_*_spec.lua). A case is
--   { fn, expected SQL (string or list), cols = { "name|type|nullable|default", ... }
--     [, indexes = { "index|name|columns", ... }] [, table = name] [, setup = SQL] }
-- fn fills a blueprint; its SQL must be exactly the expected; the
-- dialect's own server runs it (after 'setup') and is then asked what it
-- made of the table: each column's type, nullability (1 = NULL) and
-- default as the server reports them, in order, and its indexes. Without
-- the server the SQL is still checked, and the server part is what
-- spec.support.servers registers (pending, or failing under CI).
--
--   local c = require("spec.support.columns").suite("postgres")
--   describe("postgres columns", function() c.cases(CASES) end)
local busted = require("busted")
local luassert = require("luassert")
local grammar = require("spec.support.grammar")
local servers = require("spec.support.servers")
local shell = require("spec.support.shell")

local M = {}

local statements = grammar.statements

-- per dialect: the script around setup, statements and the questions,
-- and the questions about table 't' (one row per line, one text column)
local DIALECTS = {}

DIALECTS.sqlite = {
  wrap = function(body) return ".bail on\nPRAGMA foreign_keys = ON;\n" .. body end,
  columns = [[SELECT name || '|' || type || '|' || (1 - "notnull") || '|' || coalesce(dflt_value, '')
    FROM pragma_table_xinfo('%s') ORDER BY cid;]],
  indexes = [[SELECT 'index|' || il.name || '|' || (SELECT group_concat(name, ',') FROM
    (SELECT name FROM pragma_index_info(il.name) ORDER BY seqno)) FROM pragma_index_list('%s') il
    ORDER BY il.name;]],
}

DIALECTS.postgres = {
  wrap = function(body)
    return "\\set ON_ERROR_STOP 1\nSET client_min_messages = warning;\n\\pset tuples_only on\n"
      .. "\\pset format unaligned\nBEGIN;\n" .. servers.pg_own_schema() .. body
      .. "ROLLBACK;\n"
  end,
  columns = [[SELECT a.attname || '|' || format_type(a.atttypid, a.atttypmod) || '|'
    || CASE WHEN a.attnotnull THEN 0 ELSE 1 END || '|' || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
    FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE a.attrelid = '"%s"'::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum;]],
  indexes = [[SELECT 'index|' || ic.relname || '|' || string_agg(a.attname, ',' ORDER BY k.ord)
    FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
    JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(num, ord) ON true
    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.num
    WHERE i.indrelid = '"%s"'::regclass GROUP BY ic.relname ORDER BY ic.relname;]],
}

DIALECTS.mysql = {
  wrap = function(body, db)
    db = "`" .. db .. "`"
    return ("DROP DATABASE IF EXISTS %s; CREATE DATABASE %s; USE %s;\n"):format(db, db, db) .. body
      .. "DROP DATABASE " .. db .. ";\n"
  end,
  columns = [[SELECT CONCAT_WS('|', column_name, column_type, IF(is_nullable = 'YES', 1, 0),
    IFNULL(column_default, '')) FROM information_schema.columns
    WHERE table_schema = DATABASE() AND table_name = '%s' ORDER BY ordinal_position;]],
  indexes = [[SELECT CONCAT('index|', index_name, '|', GROUP_CONCAT(column_name ORDER BY seq_in_index))
    FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = '%s'
    GROUP BY index_name ORDER BY index_name;]],
}

-- suite(dialect) -> { h, introspect, check, cases }
function M.suite(dialect)
  local d = assert(DIALECTS[dialect], dialect)
  local h = grammar.harness(dialect)
  local s = { h = h }
  local db = shell.unique_name("lmigrate_cols")

  -- runs setup and the statements 'sql', then asks about table 't':
  -- { columns = { line, ... }, indexes = { line, ... } } | nil, output;
  -- nil, nil without the server
  function s.introspect(setup, sql, t)
    if not servers.find(dialect == "mysql" and "mariadb" or dialect, { client = true }) then
      return nil
    end
    local body = (setup or "") .. "\n" .. statements(sql) .. "SELECT '--columns';\n"
      .. d.columns:format(t) .. "\nSELECT '--indexes';\n" .. d.indexes:format(t) .. "\n"
    local status, out = h.run(d.wrap(body, db))
    if status ~= 0 then return nil, out end
    local got, part = { columns = {}, indexes = {} }, nil
    for line in out:gmatch("[^\n]+") do
      if line == "--columns" then part = got.columns
      elseif line == "--indexes" then part = got.indexes
      elseif part then part[#part + 1] = line end
    end
    return got
  end

  -- the case's SQL is exactly the expected; the server makes of it the
  -- columns (and indexes) the case says
  function s.check(case, mode)
    local got = h.compile(case[1], mode, case.table)
    local want = type(case[2]) == "string" and { case[2] } or case[2]
    luassert.same(want, got)
    if not case.cols then return end
    local seen, out = s.introspect(case.setup, got, case.table or "users")
    if seen == nil and out == nil then return end
    luassert(seen, dialect .. " rejected it: " .. tostring(out))
    luassert.same(case.cols, seen.columns)
    if case.indexes then luassert.same(case.indexes, seen.indexes) end
  end

  -- one test per case (the harness registered what a missing server means)
  function s.cases(list, mode)
    for i, case in ipairs(list) do
      busted.it("#" .. i .. ": " .. h.title(case), function() s.check(case, mode) end)
    end
  end

  return s
end

return M
