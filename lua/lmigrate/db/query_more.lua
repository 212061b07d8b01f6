-- More of Laravel 12's query builder (lmigrate.db.query), calls made of the
-- others or of the grammar's rarer statements: update_from (PostgreSQL's
-- UPDATE ... FROM), insert_or_ignore_using, the debugging calls dump, dd,
-- dump_raw_sql, dd_raw_sql, and raw_value, sole_value, explain, chunk_map,
-- reorder_desc, for_page_after_id, for_page_before_id. None of them is on the path of
-- where/first/update: they load with the builder and cost nothing until
-- called. Their errors are raised at the user's line, naming the method.
local NULL = require("lmigrate.core").null

return function(M)
  local Builder = M.Builder
  local fail = M.fail

  -- {======================================================
  -- Writes
  -- ======================================================

  -- update_from(values) -> rows changed: Laravel's updateFrom, the joined
  -- tables in a FROM and their ON in the WHERE (PostgreSQL, SQLite 3.33+);
  -- MySQL's UPDATE t JOIN u ON ... SET, its update with joins. Joins
  -- inner or cross; without joins it is update(values).
  function Builder:update_from(values)
    M.table_name(self, "update_from")
    local sets = M.sets_of("update_from", values)
    if sets[1] == nil then return 0 end
    return M.write(self, "update_from", "update_from", sets)
  end

  local function column_names(method, list)
    if type(list) == "string" then list = { list } end
    if type(list) ~= "table" or list[1] == nil then
      fail(method, "expects columns: a column name or a list of them")
    end
    for i, c in ipairs(list) do
      if type(c) ~= "string" or c == "" then fail(method, ("columns %d is not a column name"):format(i)) end
    end
    return list
  end

  -- insert_or_ignore_using(columns, query | function(query)) -> rows
  -- inserted by INSERT OR IGNORE INTO / INSERT IGNORE INTO / INSERT INTO
  -- ... ON CONFLICT DO NOTHING (cols) SELECT ...: the rows that would break
  -- a unique key are skipped
  function Builder:insert_or_ignore_using(cols, q)
    local method = "insert_or_ignore_using"
    M.table_name(self, method)
    cols = column_names(method, cols)
    return M.write(self, method, method, cols, M.subquery(self, method, q))
  end

  -- }======================================================

  -- {======================================================
  -- dump, dd: the query's SQL and values on stderr
  -- ======================================================

  -- "file:line" of the user's call, as M.raise places an error
  local function user_line()
    local level = 2
    while true do
      local info = debug.getinfo(level, "Sl")
      if info == nil then return "?" end
      if info.what ~= "C" and not info.source:find("lmigrate/db/query", 1, true) then
        return info.short_src .. ":" .. tostring(info.currentline)
      end
      level = level + 1
    end
  end

  -- the SELECT of the query: sql, values, n (its errors at the user's line)
  local function compile(self, method)
    local ok, sql, values, n = pcall(self.g.query_sql, self.g, "select", self, method)
    if not ok then M.raise(sql) end
    return sql, values, n
  end

  -- a value as the dialect's literal (as to_raw_sql writes it), else %q
  local function literal(g, v)
    local ok, s = pcall(g.interpolate, g, "?", v)
    if ok then return s end
    return ("%q"):format(tostring(v))
  end

  local function show(v)
    if type(v) == "string" then return ("%q"):format(v) end
    if v == NULL then return "lmigrate.null" end
    return tostring(v)
  end

  -- writes to stderr: "query:<method> at file:line", the SQL, its values
  -- (raw: the SQL with them written in) and the extra values given
  local function print_query(self, method, raw, ...)
    local sql, values, n = compile(self, method)
    local out = { ("query:%s at %s"):format(method, user_line()) }
    if raw then
      out[#out + 1] = "  SQL: " .. self.g:interpolate(sql, table.unpack(values, 1, n))
    else
      out[#out + 1] = "  SQL: " .. sql
      local shown = {}
      for i = 1, n do shown[i] = literal(self.g, values[i]) end
      out[#out + 1] = "  bindings: " .. (n == 0 and "(none)" or table.concat(shown, ", "))
    end
    for i = 1, select("#", ...) do out[#out + 1] = "  " .. show((select(i, ...))) end
    io.stderr:write(table.concat(out, "\n"), "\n")
    io.stderr:flush()
  end

  -- dump(...) -> self: the SQL with ?, its values, then any values given
  function Builder:dump(...)
    print_query(self, "dump", false, ...)
    return self
  end

  -- dump_raw_sql() -> self: the SQL with its values written in
  function Builder:dump_raw_sql()
    print_query(self, "dump_raw_sql", true)
    return self
  end

  -- dd(): dump(), then stops: an error at the user's line, which fails the
  -- migration or seeder (rolled back as any failure is)
  function Builder:dd(...)
    print_query(self, "dd", false, ...)
    M.raise("lmigrate: query:dd: stopped by dd() (the query is printed above)")
  end

  function Builder:dd_raw_sql()
    print_query(self, "dd_raw_sql", true)
    M.raise("lmigrate: query:dd_raw_sql: stopped by dd_raw_sql() (the query is printed above)")
  end

  -- }======================================================

  -- {======================================================
  -- Reads and order
  -- ======================================================

  -- the value of the row's one column, or of 'column' ("t.c as a" is a);
  -- NULL as nil
  local function value_of(row, column)
    if row == nil then return nil end
    local v
    if type(column) == "string" then
      v = row[column:match("%s[Aa][Ss]%s+(.-)%s*$") or column:match("([^.]*)$")]
    end
    if v == nil then v = select(2, next(row)) end
    if v == NULL then return nil end
    return v
  end

  -- raw_value(sql [, bindings]) -> the value of the SQL expression in the
  -- first row (Laravel's rawValue); nil for no row or NULL. The query's
  -- own select is left out.
  function Builder:raw_value(sql, b)
    local q = self:clone()
    q.cols = nil
    return value_of(q:select_raw(sql, b):first(), nil)
  end

  -- sole_value(column) -> that column of the only row (sole(): raises for
  -- none and for more than one)
  function Builder:sole_value(column)
    M.check_column("sole_value", column)
    return value_of(self:sole({ column }), column)
  end

  -- explain() -> the rows of EXPLAIN <the SELECT> (Laravel's explain):
  -- the server's plan of the query, a read
  function Builder:explain()
    local sql, values, n = compile(self, "explain")
    return self.db:query("EXPLAIN " .. sql, table.unpack(values, 1, n))
  end

  -- chunk_map(fn(row) -> v [, n = 1000]) -> { v, ... }: fn of each row, by
  -- chunk's pages (the query needs an order_by)
  function Builder:chunk_map(fn, n)
    if type(fn) ~= "function" then fail("chunk_map", "expects a function, got " .. type(fn)) end
    local out = {}
    self:chunk(n or 1000, function(rows)
      for _, row in ipairs(rows) do out[#out + 1] = fn(row) end
    end)
    return out
  end

  -- reorder_desc(column): reorder(column, "desc")
  function Builder:reorder_desc(column)
    M.check_column("reorder_desc", column)
    return self:reorder(column, "desc")
  end

  -- the orders without those of 'column': a table (raw, random) is one
  -- slot, a column and its direction two (src/grammar/grammar.h)
  local function orders_without(self, column)
    local orders = rawget(self, "orders")
    if orders == nil then return nil end
    local kept, i = {}, 1
    while i <= #orders do
      local o = orders[i]
      if type(o) == "table" then
        kept[#kept + 1] = o
        i = i + 1
      else
        if o ~= column then kept[#kept + 1], kept[#kept + 2] = o, orders[i + 1] end
        i = i + 2
      end
    end
    return kept[1] ~= nil and kept or nil
  end

  -- for_page_after_id(per_page = 15, last_id, column = "id"): the page of
  -- keys after last_id (nil: the first page), in key order; Laravel's
  -- forPageAfterId. for_page_before_id: before it, from the highest down.
  local function page_by_id(self, method, per, last, column, desc)
    per = per or 15
    column = column or "id"
    M.count_arg(method, per)
    M.check_column(method, column)
    self.orders = orders_without(self, column)
    if last == nil or last == NULL then self:where_not_null(column)
    else self:where(column, desc and "<" or ">", last) end
    return self:order_by(column, desc and "desc" or "asc"):limit(per)
  end

  function Builder:for_page_after_id(per, last, column)
    return page_by_id(self, "for_page_after_id", per, last, column, false)
  end

  function Builder:for_page_before_id(per, last, column)
    return page_by_id(self, "for_page_before_id", per, last, column, true)
  end

  -- }======================================================
end
