-- The query builder's terminal calls (lmigrate.db.query): the grammar
-- compiles the query (g:query_sql -> SQL with '?', its values; g:query_args
-- -> SQL, the values on the stack, its errors at the user's line) and the
-- connection runs it, reads through db:query and writes through
-- db:execute / db:insert, so that --pretend records the writes. Rows are
-- the row tables db:query returns; SQL NULL in them is lmigrate.null.
local core = require("lmigrate.core")

local NULL = core.null
local unpack, find = table.unpack, string.find

-- rows per INSERT of the compiled inserts (insert_or_ignore, upsert), as
-- db:insert's batches, within SQLite's 32766 parameters
local CHUNK, MAX_PARAMS = 200, 32766

return function(M)
  local Builder = M.Builder
  local fail, is_value, is_raw = M.fail, M.is_value, M.is_raw

  -- the SQL of the query: sql, values, n
  local function compile(self, op, method, ...)
    local ok, sql, values, n = pcall(self.g.query_sql, self.g, op, self, method, ...)
    if not ok then M.raise(sql) end
    return sql, values, n
  end

  -- g:query_args' SQL and values, run: no list made for the values, and
  -- no pcall (its errors are placed at the user's line already); get() and
  -- update() make the same call in place (no vararg call in between)
  local function read(self, op, method, ...)
    return self.db:query(self.g:query_args(op, self, method, ...))
  end

  local function write(self, op, method, ...)
    return self.db:execute(self.g:query_args(op, self, method, ...))
  end

  -- the key a column's value has in a row: "t.c as a" is a, "t.c" is c
  local function key(column)
    if type(column) ~= "string" then return nil end
    local alias = column:match("%s[Aa][Ss]%s+(.-)%s*$")
    return alias or column:match("([^.]*)$")
  end

  -- {======================================================
  -- SQL and reads
  -- ======================================================

  -- to_sql(): the SELECT, with ? for its values (get_bindings)
  function Builder:to_sql()
    return (compile(self, "select", "to_sql"))
  end

  function Builder:get_bindings()
    local _, values, n = compile(self, "select", "get_bindings")
    return table.move(values, 1, n, 1, {})
  end

  -- to_raw_sql(): the SELECT with its values written in, to read
  function Builder:to_raw_sql()
    local sql, values, n = compile(self, "select", "to_raw_sql")
    return (self.g:interpolate(sql, unpack(values, 1, n)))
  end

  -- runs fn with the columns 'cols' when the query selects none (Laravel's onceWithColumns)
  local function with_columns(self, method, cols, fn, ...)
    if cols == nil or rawget(self, "cols") ~= nil then return fn(self, ...) end
    self.cols = M.columns(method, {}, cols)
    local res = table.pack(pcall(fn, self, ...))
    self.cols = nil
    if not res[1] then error(res[2], 0) end
    return unpack(res, 2, res.n)
  end

  local function get(self)
    return read(self, "select", "get")
  end

  -- get([columns]) -> { row, ... }
  function Builder:get(cols)
    if cols == nil then return self.db:query(self.g:query_args("select", self, "get")) end
    return with_columns(self, "get", cols, get)
  end

  -- LIMIT 1 for this one query (the compiler's limit argument, the
  -- union's limit after a union): the builder keeps its own
  local function first(self)
    return self.db:query(self.g:query_args("select", self, "first", 1))[1]
  end

  -- first([columns]) -> the first row, or nil
  function Builder:first(cols)
    if cols == nil then return first(self) end
    return with_columns(self, "first", cols, first)
  end

  -- find(id[, columns]): the row whose "id" is id
  function Builder:find(id, cols)
    return self:clone():where("id", "=", id):first(cols)
  end

  -- value(column) -> that column of the first row; nil for none or NULL
  function Builder:value(column)
    M.check_column("value", column)
    local row = self:clone():select(column):first()
    if row == nil then return nil end
    local v = row[key(column)]
    if v == nil then v = select(2, next(row)) end
    if v == NULL then return nil end
    return v
  end

  -- pluck(column[, key]) -> { value, ... } or { [key] = value }; keeps an
  -- earlier select, as Laravel's does
  function Builder:pluck(column, by)
    M.check_column("pluck", column)
    local rows = with_columns(self, "pluck", by and { column, by } or { column }, get)
    local name, kname = key(column), by and key(by)
    local out = {}
    if rows[1] ~= nil and rows[1][name] == nil then
      fail("pluck", ("the rows have no column '%s'"):format(tostring(name)))
    end
    for i, row in ipairs(rows) do
      if kname then out[row[kname]] = row[name] else out[i] = row[name] end
    end
    return out
  end

  local function aggregate(self, fn, column)
    if column ~= "*" then M.check_column(fn, column) end
    local row = read(self, "aggregate", fn, fn, column)[1]
    local v = row and row.aggregate
    if v == NULL then v = nil end
    return v
  end

  local function number(v)
    if type(v) == "string" then return math.tointeger(tonumber(v)) or tonumber(v) end
    return v
  end

  function Builder:count(column)
    return number(aggregate(self, "count", column or "*")) or 0
  end

  function Builder:min(column) return aggregate(self, "min", column) end
  function Builder:max(column) return aggregate(self, "max", column) end
  -- sum() of no rows is 0, as in Laravel
  function Builder:sum(column) return number(aggregate(self, "sum", column)) or 0 end
  function Builder:avg(column) return number(aggregate(self, "avg", column)) end
  Builder.average = Builder.avg

  function Builder:exists()
    local row = read(self, "exists", "exists")[1]
    local v = row and row.exists
    return v == true or v == 1 or v == "1" or v == "t"
  end

  function Builder:doesnt_exist()
    return not self:exists()
  end

  -- }======================================================

  -- {======================================================
  -- Inserts
  -- ======================================================

  local function table_name(self, method)
    local t = rawget(self, "tbl")
    if type(t) ~= "string" then fail(method, "needs a table: db:table(name)") end
    return t
  end

  -- the rows of an insert: a row or a list of rows -> list
  local function rows_of(method, rows)
    if type(rows) ~= "table" then
      fail(method, "expects a row or a list of rows (table), got " .. type(rows))
    end
    if rows[1] == nil and next(rows) ~= nil then return { rows } end
    return rows
  end

  local function has_raw(rows)
    for _, row in ipairs(rows) do
      if type(row) == "table" then
        for _, v in pairs(row) do
          if type(v) == "userdata" and is_raw(v) then return true end
        end
      end
    end
    return false
  end

  -- the compiled inserts (op "insert", "insert_or_ignore", "upsert"), in
  -- chunks of rows -> rows affected
  local function insert_chunks(self, op, method, rows, ...)
    local cols = core.insert_columns(rows)
    local per = math.max(1, math.min(CHUNK, MAX_PARAMS // #cols))
    local total = 0
    for i = 1, #rows, per do
      total = total + write(self, op, method, rows, cols, i, math.min(#rows, i + per - 1), ...)
    end
    return total
  end

  -- insert(row | rows) -> rows inserted: db:insert (batched, COPY on
  -- PostgreSQL); an empty list inserts nothing. A qualified or aliased
  -- table, or lmigrate.raw values, go through the compiled INSERT.
  function Builder:insert(rows)
    local t = table_name(self, "insert")
    rows = rows_of("insert", rows)
    if rows[1] == nil then return 0 end
    if t:find(".", 1, true) or t:find("%s") or rawget(self, "as") or has_raw(rows) then
      return insert_chunks(self, "insert", "insert", rows)
    end
    return self.db:insert(t, rows)
  end

  -- insert_get_id(row[, sequence = "id"]) -> the id of the new row
  function Builder:insert_get_id(row, seq)
    table_name(self, "insert_get_id")
    if type(row) ~= "table" or row[1] ~= nil then
      fail("insert_get_id", "expects one row (a table of column = value)")
    end
    seq = seq or "id"
    local cols = next(row) == nil and {} or core.insert_columns({ row })
    local db = self.db
    local last = self.g:last_insert_id()
    if last then   -- MySQL: the INSERT, then LAST_INSERT_ID() on the same connection
      write(self, "insert", "insert_get_id", { row }, cols, 1, 1)
      if db.records_writes then return 0 end
      local r = db:first(last)
      return r and number(r.id)
    end
    local sql, values, n = compile(self, "insert", "insert_get_id", { row }, cols, 1, 1, seq)
    if db.records_writes then   -- pretend: recorded, not run
      db:execute(sql, unpack(values, 1, n))
      return 0
    end
    local r = db:query(sql, unpack(values, 1, n))[1]
    return r and number(r[seq])
  end

  -- insert_or_ignore(rows) -> rows inserted; a row breaking a unique key is skipped
  function Builder:insert_or_ignore(rows)
    table_name(self, "insert_or_ignore")
    rows = rows_of("insert_or_ignore", rows)
    if rows[1] == nil then return 0 end
    return insert_chunks(self, "insert_or_ignore", "insert_or_ignore", rows)
  end

  local function names(method, list, what)
    if type(list) == "string" then list = { list } end
    if type(list) ~= "table" or list[1] == nil then
      fail(method, ("expects %s: a column name or a list of them"):format(what))
    end
    for i, c in ipairs(list) do
      if type(c) ~= "string" or c == "" then
        fail(method, ("%s %d is not a column name"):format(what, i))
      end
    end
    return list
  end

  -- upsert(rows, unique_by, update_columns) -> rows affected. update_columns:
  -- nil (every column), a list of columns (their new values) and/or
  -- { column = value }; {} is insert_or_ignore
  function Builder:upsert(rows, unique_by, update)
    table_name(self, "upsert")
    rows = rows_of("upsert", rows)
    if rows[1] == nil then return 0 end
    unique_by = names("upsert", unique_by, "unique_by")
    if update == nil then update = core.insert_columns(rows) end
    if type(update) ~= "table" then fail("upsert", "expects update columns (table), got " .. type(update)) end
    local sets, keys = {}, {}
    for k, v in pairs(update) do
      if math.type(k) == "integer" then
        if type(v) ~= "string" or v == "" then
          fail("upsert", ("update column %d is not a name"):format(k))
        end
      elseif type(k) ~= "string" then
        fail("upsert", "an update column must be a name")
      elseif not is_value(v) then
        fail("upsert", ("the value of '%s' is a %s, not an SQL value"):format(k, type(v)))
      else
        keys[#keys + 1] = k
      end
    end
    for _, c in ipairs(update) do sets[#sets + 1] = c end
    table.sort(keys)
    for _, k in ipairs(keys) do sets[#sets + 1] = { column = k, value = update[k] } end
    if sets[1] == nil then return self:insert_or_ignore(rows) end
    return insert_chunks(self, "upsert", "upsert", rows, unique_by, sets)
  end

  -- insert_using(columns, query | function(query)) -> rows inserted
  function Builder:insert_using(cols, q)
    table_name(self, "insert_using")
    cols = names("insert_using", cols, "columns")
    return write(self, "insert_using", "insert_using", cols, M.subquery(self, "insert_using", q))
  end

  -- }======================================================

  -- {======================================================
  -- Updates and deletes
  -- ======================================================

  -- the value of column c to set: a JSON path's ("c->a", a table too) as
  -- JSON text, unless it is lmigrate.raw (src/grammar/query_json.c)
  local function set_value(c, v)
    if not find(c, "->", 1, true) or is_raw(v) then return v end
    return require("lmigrate.json").encode(v)
  end

  -- the SET list of update(values), flat: column, value, op (false for
  -- "=") for each column, by column name, after those of 'sets' (step's);
  -- one table for them all, as the grammar reads it (addsets)
  local function sets_of(method, values, sets)
    if type(values) ~= "table" then
      fail(method, "expects the values to set (table of column = value), got " .. type(values))
    end
    local one, cols
    for k, v in pairs(values) do
      if type(k) ~= "string" or k == "" then fail(method, "a column to set must be a name") end
      local tv = type(v)
      if tv ~= "number" and tv ~= "string" and tv ~= "boolean" and not is_value(v) then
        -- a table: a JSON path's value, or a column's subquery (c = (SELECT ...))
        local path = k:find("->", 1, true) ~= nil
        if tv ~= "table" or path == M.is_builder(v) then
          fail(method, ("the value of '%s' is a %s, not an SQL value%s"):format(k, tv,
            path and tv == "table" and " (a JSON path takes no subquery)" or ""))
        end
      end
      if one == nil then one = k elseif cols then cols[#cols + 1] = k else cols = { one, k } end
    end
    if one == nil then return sets or {} end
    if cols == nil and sets == nil then return { one, set_value(one, values[one]), false } end
    cols = cols or { one }
    table.sort(cols)
    sets = sets or {}
    for i = 1, #cols do
      local c, j = cols[i], #sets
      sets[j + 1], sets[j + 2], sets[j + 3] = c, set_value(c, values[c]), false
    end
    return sets
  end

  -- update(values) -> rows changed; values may be lmigrate.raw(sql),
  -- lmigrate.null and a query builder (c = (SELECT ...), Laravel 11's)
  function Builder:update(values)
    table_name(self, "update")
    local sets = sets_of("update", values)
    if sets[1] == nil then return 0 end
    return self.db:execute(self.g:query_args("update", self, "update", sets))
  end

  local function step(self, method, op, column, amount, extra)
    table_name(self, method)
    M.check_column(method, column)
    amount = amount or 1
    if type(amount) ~= "number" then fail(method, "expects a number to add, got " .. type(amount)) end
    return write(self, "update", method, sets_of(method, extra or {}, { column, amount, op }))
  end
  M.sets_of, M.table_name, M.write = sets_of, table_name, write   -- for query_shortcuts.lua

  -- increment(column[, amount = 1[, extra values]]) -> rows changed
  function Builder:increment(column, amount, extra)
    return step(self, "increment", "+", column, amount, extra)
  end

  function Builder:decrement(column, amount, extra)
    return step(self, "decrement", "-", column, amount, extra)
  end

  -- delete([id]) -> rows deleted
  function Builder:delete(id)
    table_name(self, "delete")
    if id ~= nil then return self:clone():where("id", "=", id):delete() end
    return write(self, "delete", "delete")
  end

  -- truncate(): every row goes, and the table's id counter restarts
  function Builder:truncate()
    for _, sql in ipairs(self.g:truncate(table_name(self, "truncate"))) do
      self.db:execute(sql)
    end
  end

  -- }======================================================

  require("lmigrate.db.query_chunk")(M)
end
