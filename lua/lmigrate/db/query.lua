-- self.db:table(name [, alias]): Laravel's query builder, by its
-- snake_case names. A builder only collects its query, as plain fields
-- that the C grammar reads raw (src/grammar/query.c: tbl, as, cols, dist,
-- joins, wheres, groups, havings, orders, lim, off, lock, unions, uorders,
-- ulim, uoff) and compiles per dialect with the schema builder's quoting
-- and a '?' for every value. The where family is query_where.lua, the
-- terminal calls (get, insert, update, chunk_by_id, ...) query_run.lua:
-- they run the SQL through db:query and db:execute, so --pretend prints
-- the writes and the reads still read, as for raw SQL.
local core = require("lmigrate.core")
local errors = require("lmigrate.errors")

local M = {}

local NULL = core.null
local RAW = getmetatable(core.raw("1"))

local Builder = {}
Builder.__index = Builder
M.Builder = Builder

-- a join clause: a builder whose wheres are its ON conditions
local Join = setmetatable({}, { __index = Builder })
Join.__index = Join
M.Join = Join

-- the fields a builder may lack; any other missing key is a method that
-- does not exist
local FIELDS = {}
for f in ("db g tbl as cols dist joins wheres groups havings orders lim off lock "
          .. "unions uorders ulim uoff kind"):gmatch("%S+") do FIELDS[f] = true end
setmetatable(Builder, { __index = function(_, k)
  if FIELDS[k] then return nil end
  M.raise(("lmigrate: unknown query builder method '%s'"):format(tostring(k)))
end })

-- {======================================================
-- Helpers shared with query_where.lua and query_run.lua
-- ======================================================

-- raises 'msg' at the line of the user's code that called the builder:
-- the first caller outside these files (and C)
function M.raise(msg)
  errors.raise_at_user(msg, "lmigrate/db/query")
end

-- raises "lmigrate: query:<method>: <msg>" at the user's line
function M.fail(method, msg)
  M.raise("lmigrate: query:" .. method .. ": " .. msg)
end
local fail = M.fail

function M.is_raw(v)
  return getmetatable(v) == RAW
end

function M.is_builder(v)
  local mt = getmetatable(v)
  return mt == Builder or mt == Join
end
local is_builder = M.is_builder

-- an SQL value: bound, or pasted for lmigrate.raw
function M.is_value(v)
  local t = type(v)
  return t == "string" or t == "number" or t == "boolean" or v == NULL
    or (t == "userdata" and getmetatable(v) == RAW)
end

-- a column: a name ("t.c", "c as a") or lmigrate.raw(sql)
function M.check_column(method, c)
  if (type(c) ~= "string" or c == "") and getmetatable(c) ~= RAW then
    fail(method, "expects a column name (string) or lmigrate.raw(sql), got "
      .. (c == "" and "an empty string" or type(c)))
  end
  return c
end
local check_column = M.check_column

-- the building methods are C functions (src/lm_query_build.c): on Builder
-- select, join, left_join, right_join, cross_join, where, or_where, the
-- where_in and where_null families, order_by, limit (take), offset (skip);
-- on M new (db:table), push(self, list, item, ...) (adds 'item', or the
-- slots of a flat clause, to the list field 'list' -> self), add_where
-- (where()'s clause, for query_where.lua), BASIC and SLOTS (a flat
-- clause's kind and length: src/grammar/grammar.h has their layout) and
-- op_here (each grammar's operators, which check_op fills). Their rare
-- shapes and their errors call this module's helpers (fail, check_column,
-- columns, join_on, count_arg; query_where.lua's where_group, ...)
core.query_build(M)
local push = M.push

-- a builder on the same connection, with no table
function M.new_like(self, mt)
  return setmetatable({ db = self.db, g = self.g }, mt or getmetatable(self))
end
local new_like = M.new_like

-- the query of 'q' (a builder, or a function filling a new one) -> builder
function M.subquery(self, method, q)
  if type(q) == "function" then
    local sub = new_like(self, Builder)
    local r = q(sub)
    return is_builder(r) and r or sub
  end
  if not is_builder(q) then
    fail(method, "expects a query builder or a function(query), got " .. type(q))
  end
  return q
end
local subquery = M.subquery

-- }======================================================

-- {======================================================
-- Tables and columns
-- ======================================================

-- db:table(name [, alias]) is M.new(db, name, alias), in C: a name (the
-- common case) needs none of from()'s checks, any other table goes
-- through b:from(tbl, alias)

-- from(table [, alias]), from(lmigrate.raw), from(subquery, alias)
function Builder:from(tbl, as)
  if type(tbl) == "function" or is_builder(tbl) then
    if type(as) ~= "string" or as == "" then fail("from", "a subquery needs an alias") end
    tbl = subquery(self, "from", tbl)
  elseif (type(tbl) ~= "string" or tbl == "") and getmetatable(tbl) ~= RAW then
    fail("from", "expects a table name (string), got " .. (tbl == "" and "an empty string" or type(tbl)))
  end
  if as ~= nil and (type(as) ~= "string" or as == "") then
    fail("from", "expects an alias (string), got " .. type(as))
  end
  self.tbl, self.as = tbl, as
  return self
end

-- new_query(): Laravel's newQuery, a builder with no table
function Builder:new_query()
  return new_like(self, Builder)
end

-- clone(): the same query, whose later calls leave this one as it is
function Builder:clone()
  local c = setmetatable({}, getmetatable(self))
  for k, v in pairs(self) do
    if type(v) == "table" and not is_builder(v) and getmetatable(v) == nil then
      c[k] = table.move(v, 1, #v, 1, {})
    else
      c[k] = v
    end
  end
  return c
end

-- the columns of select(...) / get(...): names, lists of names, raws
function M.columns(method, list, ...)
  for i = 1, select("#", ...) do
    local c = select(i, ...)
    if type(c) == "table" and getmetatable(c) == nil then
      for k, v in pairs(c) do
        if math.type(k) ~= "integer" then
          fail(method, ("got the key '%s': a subquery is select_sub(fn, alias)"):format(tostring(k)))
        end
        list[#list + 1] = check_column(method, v)
      end
    else
      list[#list + 1] = check_column(method, c)
    end
  end
  return list
end

-- select("a", "b as c", { "t.*" }, lmigrate.raw("count(*) as n")) replaces
-- the columns: in C, names (the common call) the list of the arguments as
-- they are; anything else through M.columns, which checks it

function Builder:add_select(...)
  local cols = rawget(self, "cols") or {}
  self.cols = M.columns("add_select", cols, ...)
  return self
end

-- the bindings of raw SQL: a list of SQL values
function M.bindings(method, b)
  if b == nil then return nil end
  if type(b) ~= "table" then b = { b } end
  for i = 1, #b do
    if not M.is_value(b[i]) then
      fail(method, ("binding %d is a %s, not an SQL value"):format(i, type(b[i])))
    end
  end
  return b
end

local function raw_sql(method, sql)
  if type(sql) ~= "string" or sql == "" then
    fail(method, "expects SQL text (string), got " .. type(sql))
  end
  return sql
end

-- select_raw(sql, bindings): one more column, SQL with its own ?
function Builder:select_raw(sql, b)
  return push(self, "cols", { raw = raw_sql("select_raw", sql), bindings = M.bindings("select_raw", b) })
end

-- select_sub(query | function(query), alias): (subquery) AS alias
function Builder:select_sub(q, as)
  if type(as) ~= "string" or as == "" then fail("select_sub", "expects an alias (string)") end
  return push(self, "cols", { sub = subquery(self, "select_sub", q), as = as })
end

-- distinct() | distinct(bool) | distinct(col, ...) | distinct({ cols }): with
-- columns, PostgreSQL's DISTINCT ON (cols) and COUNT(DISTINCT cols), as Laravel
function Builder:distinct(...)
  local first = ...
  if select("#", ...) == 0 then
    self.dist = true
  elseif type(first) == "boolean" and select("#", ...) == 1 then
    self.dist = first or nil
  else
    self.dist = M.columns("distinct", {}, ...)
  end
  return self
end

-- }======================================================

-- {======================================================
-- Joins
-- ======================================================

-- join(t, first, op, second), join(t, first, second) (most joins),
-- left_join, right_join: in C, the slots kind, t, first, op, second in
-- the joins (src/grammar/grammar.h), which the grammar writes as the Join
-- they stand for: no table in place of a Join, its ON clause and their
-- list. join(t, function(join)) and
-- cross_join(t) are a Join builder, made here:
function M.join_on(self, method, kind, tbl, fn)
  local j = setmetatable({ db = self.db, g = self.g, kind = kind, tbl = tbl }, Join)
  if type(fn) == "function" then
    fn(j)
  elseif kind ~= "CROSS" then
    fail(method, "expects the columns to join on, or a function(join)")
  end
  return push(self, "joins", j)
end

-- }======================================================

-- {======================================================
-- Grouping, order, limits, unions, locks
-- ======================================================

function Builder:group_by(...)
  for _, c in ipairs(M.columns("group_by", {}, ...)) do push(self, "groups", c) end
  return self
end

function Builder:group_by_raw(sql, b)
  return push(self, "groups", { raw = raw_sql("group_by_raw", sql),
                                bindings = M.bindings("group_by_raw", b) })
end

-- after a union, order_by, limit and offset are the union's (as in Laravel)
local function orders(self)
  return rawget(self, "unions") and "uorders" or "orders"
end

-- order_by(column [, dir]) is in C: the slots column, dir in the list
-- (no table of their own)

function Builder:order_by_desc(column)
  return self:order_by(column, "desc")
end

function Builder:latest(column)
  return self:order_by(column or "created_at", "desc")
end

function Builder:oldest(column)
  return self:order_by(column or "created_at", "asc")
end

function Builder:order_by_raw(sql, b)
  return push(self, orders(self), { raw = raw_sql("order_by_raw", sql),
                                    bindings = M.bindings("order_by_raw", b) })
end

function Builder:in_random_order()
  return push(self, orders(self), { random = true })
end

-- reorder([column, dir]): drops the orders given so far
function Builder:reorder(column, dir)
  self[orders(self)] = nil
  if column ~= nil then return self:order_by(column, dir) end
  return self
end

local math_type = math.type

-- a count: limit(n), offset(n) (in C: they ask this of what is none), for_page
function M.count_arg(method, n)
  if math_type(n) ~= "integer" or n < 0 then
    fail(method, "expects a whole number >= 0, got " .. tostring(n))
  end
  return n
end
local count_arg = M.count_arg

-- for_page(page, per_page = 15)
function Builder:for_page(page, per)
  per = per or 15
  count_arg("for_page", page)
  count_arg("for_page", per)
  return self:offset(math.max(0, page - 1) * per):limit(per)
end

-- union(query | function(query)[, all])
function Builder:union(q, all)
  return push(self, "unions", { query = subquery(self, "union", q), all = all and true or nil })
end

function Builder:union_all(q)
  return self:union(q, true)
end

function Builder:lock_for_update()
  self.lock = "update"
  return self
end

function Builder:shared_lock()
  self.lock = "share"
  return self
end

-- when(value, fn[, default]): fn(query, value) when value is truthy, else default
function Builder:when(value, fn, default)
  if value then fn(self, value) elseif default then default(self, value) end
  return self
end

-- unless(value, fn(query, value)[, default]): when's other way round
function Builder:unless(value, fn, default)
  if not value then fn(self, value) elseif default then default(self, value) end
  return self
end

-- tap(fn(query)) -> self, after fn
function Builder:tap(fn)
  fn(self)
  return self
end

-- }======================================================

-- install(class[, { pretend = true }]): db:table(name [, alias]) and
-- db:query_builder() on the DB class (db/init.lua) or on pretend's stand-in,
-- whose writes are recorded (pretend = true)
function M.install(class, opts)
  class.table = M.new   -- db:table(name, as) is M.new(db, name, as)
  -- Laravel's DB::query(): a builder with no table, as self.db:table()
  function class:query_builder()
    return M.new(self)
  end
  class.records_writes = opts and opts.pretend or nil
end

require("lmigrate.db.query_where")(M)
require("lmigrate.db.query_where_dialect")(M)
require("lmigrate.db.query_from")(M)
require("lmigrate.db.query_run")(M)
require("lmigrate.db.query_shortcuts")(M)
require("lmigrate.db.query_more")(M)

return M
