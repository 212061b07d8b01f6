-- The where family of the query builder (lmigrate.db.query), HAVING, and a
-- join's ON. Each call adds one clause that src/grammar/query.c writes:
-- the slots of a flat one in the list for a basic one (where(), having():
-- src/grammar/grammar.h, no table to make), else a table { type = ...,
-- boolean_or, ... }.
-- Bad calls raise at the caller's line, naming the method: an operator the
-- dialect does not have, a column that is no name, a nil value (Laravel
-- reads where(c, null) as IS NULL; a nil in Lua is more often a typo, so
-- IS NULL is where_null(c), or the value lmigrate.null).
local core = require("lmigrate.core")

local NULL = core.null

return function(M)
  local Builder, Join = M.Builder, M.Join
  local fail, push, check_column = M.fail, M.push, M.check_column
  local is_builder, is_value, is_raw = M.is_builder, M.is_value, M.is_raw

  -- each grammar's operators: op_here[g] its dialect's (lm_query_build.c
  -- looks an operator up there first), op_all[g] every dialect's
  local op_here, op_all = M.op_here, setmetatable({}, { __mode = "k" })

  local function check_op(self, method, op)
    local g = self.g
    local here = op_here[g]
    if not here then
      here, op_all[g] = g:query_operators()
      op_here[g] = here
    end
    if type(op) ~= "string" then
      fail(method, "expects an operator (string), got " .. type(op))
    end
    if here[op] or here[op:lower()] then return op end
    if op_all[g][op:lower()] then
      fail(method, ("operator '%s' is not supported on %s"):format(op, self.g:name()))
    end
    fail(method, ("unknown operator '%s'"):format(op))
  end

  M.check_op = check_op

  local function check_value(method, v)
    if v == nil then
      fail(method, "the value is nil (for IS NULL use where_null, or the value lmigrate.null)")
    end
    if not is_value(v) then
      fail(method, "expects an SQL value (string, number, boolean, lmigrate.null or "
        .. "lmigrate.raw(sql)), got " .. type(v))
    end
    return v
  end
  M.check_value = check_value

  local add_where = M.add_where   -- where()'s clause (lm_query_build.c)

  -- a group of conditions: fn(query) fills a new builder of the same kind
  local function nested(self, or_, fn, negate)
    local q = M.new_like(self)
    fn(q)
    if rawget(q, "wheres") == nil then return self end   -- an empty group: nothing
    return push(self, "wheres", { type = "nested", query = q, negate = negate, boolean_or = or_ })
  end
  M.nested = nested

  -- where({ a = 1, b = 2 }) (keys sorted) or where({ { "a", 1 }, { "b", ">", 2 } }):
  -- one group, as Laravel's array of wheres
  local function where_table(self, method, or_, t, negate)
    local keys = {}
    for k in pairs(t) do
      if type(k) == "string" then keys[#keys + 1] = k
      elseif math.type(k) ~= "integer" then
        fail(method, "a table of conditions has a key of type " .. type(k))
      end
    end
    table.sort(keys)
    return nested(self, or_, function(q)
      for _, c in ipairs(t) do
        if type(c) ~= "table" then
          fail(method, "a list of conditions holds { column, [operator,] value } tables")
        end
        add_where(q, method, false, c.n or #c, c[1], c[2], c[3])
      end
      for _, k in ipairs(keys) do add_where(q, method, false, 2, k, t[k], nil) end
    end, negate)
  end

  -- where(column, op, value), where(column, value), where(fn), where(table)
  -- are Builder.where and or_where in C (lm_query_build.c), a column name
  -- with a number, string or boolean (most wheres) its basic clause, flat
  -- in the list (grammar.h); the other shapes are asked of these two.

  -- where(fn), where(table): a group -> self; nil for a builder, which is
  -- no column either (check_column raises)
  function M.where_group(self, method, or_, column)
    if type(column) == "function" then return nested(self, or_, column, nil) end
    if type(column) == "table" and not is_builder(column) then
      return where_table(self, method, or_, column, nil)
    end
  end

  -- a value that is no number, string or boolean: lmigrate.null (= null is
  -- IS NULL, <> null IS NOT NULL) or a subquery -> true, its clause added;
  -- else it must be an SQL value (lmigrate.raw), for the basic clause
  function M.where_special(self, method, or_, column, op, value)
    if value == NULL then
      if op ~= "=" and op ~= "<>" and op ~= "!=" then
        fail(method, ("lmigrate.null takes '=' or '<>', not '%s'"):format(op))
      end
      push(self, "wheres", { type = "null", column = column, negate = op ~= "=" or nil,
                             boolean_or = or_ })
      return true
    end
    if type(value) == "function" or is_builder(value) then
      push(self, "wheres", { type = "sub", column = column, operator = op,
        query = M.subquery(self, method, value), boolean_or = or_ })
      return true
    end
    check_value(method, value)
  end

  -- where_not(...): NOT (the same conditions where() takes)
  local function where_not(self, method, or_, n, column, op, value)
    return nested(self, or_, function(q)
      add_where(q, method, nil, n, column, op, value)
    end, true)
  end

  function Builder:where_not(column, ...)
    local op, value = ...
    return where_not(self, "where_not", nil, select("#", ...) + 1, column, op, value)
  end

  function Builder:or_where_not(column, ...)
    local op, value = ...
    return where_not(self, "or_where_not", true, select("#", ...) + 1, column, op, value)
  end

  -- {======================================================
  -- in, null, between, column, raw, exists
  -- ======================================================

  -- where_in(column, values), where_null(column) and their kin are in C
  -- (lm_query_build.c): a list of values or one column name is a flat
  -- clause (src/grammar/grammar.h: LMQ_IN, LMQ_IN_INT or LMQ_NULL, column,
  -- values, negate, boolean_or). These are the other shapes.

  -- where_in(column, subquery)
  function M.where_in_sub(self, method, or_, negate, column, q, ints)
    if ints then fail(method, "expects a list of integers") end
    return push(self, "wheres", { type = "in", column = column, negate = negate, boolean_or = or_,
                                  query = M.subquery(self, method, q) })
  end

  -- c IS [NOT] NULL for a column or each of a list, in the list 'list'
  local function nulls(self, list, method, or_, negate, columns)
    if type(columns) ~= "table" or is_raw(columns) then columns = { columns } end
    for i, c in ipairs(columns) do
      check_column(method, c)
      push(self, list, { type = "null", column = c, negate = negate, boolean_or = i == 1 and or_ or nil })
    end
    if columns[1] == nil then fail(method, "expects a column") end
    return self
  end

  -- where_null({ columns }), where_null(lmigrate.raw), and what is no column
  function M.where_nulls(self, method, or_, negate, columns)
    return nulls(self, "wheres", method, or_, negate, columns)
  end

  -- where_between(column, { low, high })
  local function between(self, method, list, or_, negate, column, range)
    check_column(method, column)
    if type(range) ~= "table" or is_raw(range) then
      fail(method, "expects a list { low, high }, got " .. type(range))
    end
    return push(self, list, { type = "between", column = column, negate = negate, boolean_or = or_,
      low = check_value(method, range[1]), high = check_value(method, range[2]) })
  end

  function Builder:where_between(c, r)
    return between(self, "where_between", "wheres", nil, nil, c, r)
  end

  function Builder:or_where_between(c, r)
    return between(self, "or_where_between", "wheres", true, nil, c, r)
  end

  function Builder:where_not_between(c, r)
    return between(self, "where_not_between", "wheres", nil, true, c, r)
  end

  function Builder:or_where_not_between(c, r)
    return between(self, "or_where_not_between", "wheres", true, true, c, r)
  end

  -- where_between_columns(column, { low_column, high_column }) and its kin
  local function between_columns(self, method, or_, negate, column, range)
    check_column(method, column)
    if type(range) ~= "table" or is_raw(range) then
      fail(method, "expects a list { low_column, high_column }, got " .. type(range))
    end
    check_column(method, range[1])
    check_column(method, range[2])
    return push(self, "wheres", { type = "between", column = column, negate = negate, boolean_or = or_,
      low = range[1], high = range[2], columns = true })
  end

  -- where_value_between(value, { low_column, high_column }) and its kin:
  -- ? BETWEEN low AND high, a value between two columns (Laravel 12)
  local function value_between(self, method, or_, negate, value, range)
    check_value(method, value)
    if type(range) ~= "table" or is_raw(range) then
      fail(method, "expects a list { low_column, high_column }, got " .. type(range))
    end
    check_column(method, range[1])
    check_column(method, range[2])
    return push(self, "wheres", { type = "value_between", value = value, low = range[1], high = range[2],
                                  negate = negate, boolean_or = or_ })
  end

  function Builder:where_value_between(v, r)
    return value_between(self, "where_value_between", nil, nil, v, r)
  end
  function Builder:or_where_value_between(v, r)
    return value_between(self, "or_where_value_between", true, nil, v, r)
  end
  function Builder:where_value_not_between(v, r)
    return value_between(self, "where_value_not_between", nil, true, v, r)
  end
  function Builder:or_where_value_not_between(v, r)
    return value_between(self, "or_where_value_not_between", true, true, v, r)
  end

  function Builder:where_between_columns(c, r)
    return between_columns(self, "where_between_columns", nil, nil, c, r)
  end
  function Builder:or_where_between_columns(c, r)
    return between_columns(self, "or_where_between_columns", true, nil, c, r)
  end
  function Builder:where_not_between_columns(c, r)
    return between_columns(self, "where_not_between_columns", nil, true, c, r)
  end
  function Builder:or_where_not_between_columns(c, r)
    return between_columns(self, "or_where_not_between_columns", true, true, c, r)
  end

  -- where_column(first, op, second), where_column(first, second)
  local function where_column(self, method, or_, n, first, op, second)
    check_column(method, first)
    if n == 2 then op, second = "=", op end
    op = check_op(self, method, op)
    check_column(method, second)
    return push(self, "wheres", { type = "column", first = first, operator = op, second = second,
                                  boolean_or = or_ })
  end
  M.where_column = where_column

  function Builder:where_column(a, ...)
    local op, b = ...
    return where_column(self, "where_column", nil, select("#", ...) + 1, a, op, b)
  end

  function Builder:or_where_column(a, ...)
    local op, b = ...
    return where_column(self, "or_where_column", true, select("#", ...) + 1, a, op, b)
  end

  -- where_row_values({ columns }, op, { values }): (a, b) op (?, ?)
  local function row_values(self, method, or_, columns, op, values)
    if type(columns) ~= "table" or is_raw(columns) or columns[1] == nil then
      fail(method, "expects a list of columns, got " .. type(columns))
    end
    if type(values) ~= "table" or is_raw(values) or #values ~= #columns then
      fail(method, ("expects a list of %d values, one for each column"):format(#columns))
    end
    local cols, vals = {}, {}
    for i, c in ipairs(columns) do cols[i] = check_column(method, c) end
    op = check_op(self, method, op)
    for i = 1, #columns do vals[i] = check_value(method, values[i]) end
    return push(self, "wheres", { type = "row_values", columns = cols, operator = op, values = vals,
                                  boolean_or = or_ })
  end

  function Builder:where_row_values(c, op, v) return row_values(self, "where_row_values", nil, c, op, v) end
  function Builder:or_where_row_values(c, op, v)
    return row_values(self, "or_where_row_values", true, c, op, v)
  end

  -- where_raw(sql, bindings): SQL with its own ?, its values bound
  local function where_raw(self, method, list, or_, sql, b)
    if type(sql) ~= "string" or sql == "" then
      fail(method, "expects SQL text (string), got " .. type(sql))
    end
    return push(self, list, { type = "raw", sql = sql, bindings = M.bindings(method, b), boolean_or = or_ })
  end

  function Builder:where_raw(sql, b) return where_raw(self, "where_raw", "wheres", nil, sql, b) end
  function Builder:or_where_raw(sql, b) return where_raw(self, "or_where_raw", "wheres", true, sql, b) end

  local function exists(self, method, or_, negate, q)
    return push(self, "wheres", { type = "exists", query = M.subquery(self, method, q),
                                  negate = negate, boolean_or = or_ })
  end

  function Builder:where_exists(q) return exists(self, "where_exists", nil, nil, q) end
  function Builder:or_where_exists(q) return exists(self, "or_where_exists", true, nil, q) end
  function Builder:where_not_exists(q) return exists(self, "where_not_exists", nil, true, q) end
  function Builder:or_where_not_exists(q) return exists(self, "or_where_not_exists", true, true, q) end

  -- }======================================================

  -- {======================================================
  -- HAVING and ON
  -- ======================================================

  local function having(self, method, or_, n, column, op, value)
    check_column(method, column)
    if n < 2 then fail(method, "expects a value after the column") end
    if n == 2 then op, value = "=", op end
    op = check_op(self, method, op)
    return push(self, "havings", M.BASIC, column, op, check_value(method, value), or_)
  end

  -- having(fn): a group of HAVING conditions, fn(query) calling having()
  -- and its kin (Laravel's havingNested); the grammar writes a group's
  -- wheres, so the group's havings are handed over as such
  local function having_group(self, or_, fn)
    local q = M.new_like(self)
    fn(q)
    local list = rawget(q, "havings")
    if list == nil then return self end   -- an empty group: nothing
    return push(self, "havings", { type = "nested", query = { wheres = list }, boolean_or = or_ })
  end

  function Builder:having(c, ...)
    if type(c) == "function" and select("#", ...) == 0 then return having_group(self, nil, c) end
    local op, v = ...
    return having(self, "having", nil, select("#", ...) + 1, c, op, v)
  end

  function Builder:or_having(c, ...)
    if type(c) == "function" and select("#", ...) == 0 then return having_group(self, true, c) end
    local op, v = ...
    return having(self, "or_having", true, select("#", ...) + 1, c, op, v)
  end

  function Builder:having_raw(sql, b) return where_raw(self, "having_raw", "havings", nil, sql, b) end
  function Builder:or_having_raw(sql, b) return where_raw(self, "or_having_raw", "havings", true, sql, b) end
  function Builder:having_between(c, r) return between(self, "having_between", "havings", nil, nil, c, r) end
  function Builder:or_having_between(c, r)
    return between(self, "or_having_between", "havings", true, nil, c, r)
  end
  function Builder:having_not_between(c, r)
    return between(self, "having_not_between", "havings", nil, true, c, r)
  end
  function Builder:or_having_not_between(c, r)
    return between(self, "or_having_not_between", "havings", true, true, c, r)
  end

  -- having_null(column | { columns }) and its kin: HAVING c IS [NOT] NULL
  local function having_null(self, method, or_, negate, columns)
    return nulls(self, "havings", method, or_, negate, columns)
  end

  function Builder:having_null(c) return having_null(self, "having_null", nil, nil, c) end
  function Builder:or_having_null(c) return having_null(self, "or_having_null", true, nil, c) end
  function Builder:having_not_null(c) return having_null(self, "having_not_null", nil, true, c) end
  function Builder:or_having_not_null(c) return having_null(self, "or_having_not_null", true, true, c) end

  -- on(first, op, second), on(first, second), on(function(join)): columns compared
  function Join:on(a, ...)
    local op, b = ...
    if type(a) == "function" then return nested(self, nil, a, nil) end
    return where_column(self, "on", nil, select("#", ...) + 1, a, op, b)
  end

  function Join:or_on(a, ...)
    local op, b = ...
    if type(a) == "function" then return nested(self, true, a, nil) end
    return where_column(self, "or_on", true, select("#", ...) + 1, a, op, b)
  end

  -- }======================================================
end
