-- The where clauses each dialect writes in its own words (lmigrate.db.query;
-- src/grammar/query_where.c writes them from the grammar's data): a part
-- of a date (where_date, where_time, where_day, where_month, where_year)
-- a pattern (where_like), a JSON value (where_json_contains,
-- where_json_length, where_json_contains_key; a path "c->a->b" anywhere a
-- column is read is query_json.c's) and a full text search
-- (where_full_text), as Laravel's; and where_any, where_all, where_none,
-- one condition over several columns, as a group.
local json = require("lmigrate.json")
local NULL = require("lmigrate.core").null

return function(M)
  local Builder = M.Builder
  local fail, push, check_column, check_op, check_value = M.fail, M.push, M.check_column,
    M.check_op, M.check_value

  -- {======================================================
  -- where_date(column, [op,] value) and its kin
  -- ======================================================

  -- Laravel's whereDay and whereMonth write a number with two digits (05),
  -- which SQLite's strftime('%d') compares as text
  local function two_digits(v)
    local n = math.tointeger(tonumber(v))
    if n and (type(v) == "number" or v:match("^%s*%d+%s*$")) then return ("%02d"):format(n) end
    return v
  end

  local function date(self, method, part, or_, n, column, op, value)
    check_column(method, column)
    if n < 2 then fail(method, "expects a value after the column") end
    if n == 2 then op, value = "=", op end
    op = check_op(self, method, op)
    check_value(method, value)
    if part == "day" or part == "month" then value = two_digits(value) end
    return push(self, "wheres", { type = "date", part = part, column = column, operator = op,
                                  value = value, boolean_or = or_ })
  end

  for _, part in ipairs({ "date", "time", "day", "month", "year" }) do
    local name = "where_" .. part
    Builder[name] = function(self, column, ...)
      local op, v = ...
      return date(self, name, part, nil, select("#", ...) + 1, column, op, v)
    end
    Builder["or_" .. name] = function(self, column, ...)
      local op, v = ...
      return date(self, "or_" .. name, part, true, select("#", ...) + 1, column, op, v)
    end
  end

  -- }======================================================

  -- {======================================================
  -- where_like(column, value [, case_sensitive])
  -- ======================================================

  -- LIKE, without case but on PostgreSQL (ILIKE) and SQLite (ASCII);
  -- case_sensitive: PostgreSQL's LIKE, MySQL's LIKE BINARY, SQLite's GLOB
  local function like(self, method, or_, negate, column, value, case_sensitive)
    check_column(method, column)
    check_value(method, value)
    if case_sensitive ~= nil and type(case_sensitive) ~= "boolean" then
      fail(method, "expects case_sensitive to be a boolean, got " .. type(case_sensitive))
    end
    return push(self, "wheres", { type = "like", column = column, value = value, boolean_or = or_,
                                  negate = negate, case_sensitive = case_sensitive or nil })
  end

  function Builder:where_like(c, v, cs) return like(self, "where_like", nil, nil, c, v, cs) end
  function Builder:or_where_like(c, v, cs) return like(self, "or_where_like", true, nil, c, v, cs) end
  function Builder:where_not_like(c, v, cs) return like(self, "where_not_like", nil, true, c, v, cs) end
  function Builder:or_where_not_like(c, v, cs)
    return like(self, "or_where_not_like", true, true, c, v, cs)
  end

  -- }======================================================

  -- {======================================================
  -- where_json_contains(path, value), where_json_length(path, [op,] n)
  -- ======================================================

  local function json_column(method, column)
    if type(column) ~= "string" or column == "" then
      fail(method, "expects a JSON column or path (string), got " .. type(column))
    end
  end

  -- the value as JSON text (MySQL, PostgreSQL), and itself for SQLite,
  -- whose json_each compares one value: a string, number or boolean
  local function contains(self, method, or_, negate, column, value)
    json_column(method, column)
    local tv = type(value)
    if self.g:name() == "sqlite" and tv ~= "string" and tv ~= "number" and tv ~= "boolean" then
      fail(method, "takes one value (string, number or boolean) on SQLite, got " .. tv)
    end
    if tv ~= "table" and tv ~= "string" and tv ~= "number" and tv ~= "boolean" and value ~= NULL then
      fail(method, "expects a value that JSON can hold, got " .. tv)
    end
    return push(self, "wheres", { type = "json_contains", column = column, value = value,
                                  json = json.encode(value), negate = negate, boolean_or = or_ })
  end

  function Builder:where_json_contains(c, v) return contains(self, "where_json_contains", nil, nil, c, v) end
  function Builder:or_where_json_contains(c, v)
    return contains(self, "or_where_json_contains", true, nil, c, v)
  end
  function Builder:where_json_doesnt_contain(c, v)
    return contains(self, "where_json_doesnt_contain", nil, true, c, v)
  end
  function Builder:or_where_json_doesnt_contain(c, v)
    return contains(self, "or_where_json_doesnt_contain", true, true, c, v)
  end

  local function length(self, method, or_, n, column, op, value)
    json_column(method, column)
    if n < 2 then fail(method, "expects a length after the column") end
    if n == 2 then op, value = "=", op end
    op = check_op(self, method, op)
    check_value(method, value)
    return push(self, "wheres", { type = "json_length", column = column, operator = op, value = value,
                                  boolean_or = or_ })
  end

  function Builder:where_json_length(c, ...)
    local op, v = ...
    return length(self, "where_json_length", nil, select("#", ...) + 1, c, op, v)
  end
  function Builder:or_where_json_length(c, ...)
    local op, v = ...
    return length(self, "or_where_json_length", true, select("#", ...) + 1, c, op, v)
  end

  -- where_json_contains_key(path) and its kin: the key (or index) at the
  -- end of the path is there, whatever its value (JSON null too)
  local function contains_key(self, method, or_, negate, path)
    if type(path) ~= "string" or not path:find("->", 1, true) then
      fail(method, "expects a JSON path (\"column->key\"), got "
        .. (type(path) == "string" and ("'" .. path .. "'") or type(path)))
    end
    return push(self, "wheres", { type = "json_contains_key", column = path, negate = negate,
                                  boolean_or = or_ })
  end

  function Builder:where_json_contains_key(p)
    return contains_key(self, "where_json_contains_key", nil, nil, p)
  end
  function Builder:or_where_json_contains_key(p)
    return contains_key(self, "or_where_json_contains_key", true, nil, p)
  end
  function Builder:where_json_doesnt_contain_key(p)
    return contains_key(self, "where_json_doesnt_contain_key", nil, true, p)
  end
  function Builder:or_where_json_doesnt_contain_key(p)
    return contains_key(self, "or_where_json_doesnt_contain_key", true, true, p)
  end

  -- }======================================================

  -- {======================================================
  -- where_full_text(columns, value [, options])
  -- ======================================================

  -- the modes of each dialect's search (MySQL: natural, boolean;
  -- PostgreSQL: plain, phrase, websearch); a dialect writes its default
  -- for another's, as Laravel's grammars do, so one call runs on both
  local MODES = { natural = true, boolean = true, plain = true, phrase = true, websearch = true }
  local OPTIONS = { mode = true, language = true, expanded = true }

  local function full_text(self, method, or_, columns, value, options)
    if self.g:name() == "sqlite" then
      fail(method, "full text search is not supported on sqlite (SQLite's is an FTS5 virtual "
        .. "table: where_raw(\"t MATCH ?\", { text }))")
    end
    if type(columns) == "string" or M.is_raw(columns) then columns = { columns } end
    if type(columns) ~= "table" or columns[1] == nil then
      fail(method, "expects a column or a list of columns, got " .. type(columns))
    end
    local cols = {}
    for i, c in ipairs(columns) do cols[i] = check_column(method, c) end
    if type(value) ~= "string" and not M.is_raw(value) then
      fail(method, "expects the text to search for (a string), got " .. type(value))
    end
    if options == nil then options = {} end
    if type(options) ~= "table" then fail(method, "expects options (a table), got " .. type(options)) end
    for k in pairs(options) do
      if not OPTIONS[k] then
        fail(method, ("unknown option '%s' (mode, language, expanded)"):format(tostring(k)))
      end
    end
    local mode, language, expanded = options.mode, options.language, options.expanded
    if mode ~= nil and not MODES[mode] then
      fail(method, ("unknown mode '%s' (natural, boolean, plain, phrase, websearch)"):format(tostring(mode)))
    end
    if language ~= nil and (type(language) ~= "string" or language == "" or language:find("\0", 1, true)) then
      fail(method, "expects the language to be the name of a text search configuration (string)")
    end
    if expanded ~= nil and type(expanded) ~= "boolean" then
      fail(method, "expects expanded to be a boolean, got " .. type(expanded))
    end
    return push(self, "wheres", { type = "full_text", columns = cols, value = value, mode = mode,
                                  language = language, expanded = expanded or nil, boolean_or = or_ })
  end

  function Builder:where_full_text(c, v, o) return full_text(self, "where_full_text", nil, c, v, o) end
  function Builder:or_where_full_text(c, v, o) return full_text(self, "or_where_full_text", true, c, v, o) end

  -- }======================================================

  -- {======================================================
  -- where_any(columns, [op,] value), where_all, where_none
  -- ======================================================

  -- one group of column op value for each column, joined by OR (any,
  -- none: NOT of it) or AND (all)
  local function over(self, method, or_, any, negate, n, columns, op, value)
    if type(columns) ~= "table" or M.is_raw(columns) or columns[1] == nil then
      fail(method, "expects a list of columns, got " .. type(columns))
    end
    if n < 2 then fail(method, "expects a value after the columns") end
    if n == 2 then op, value = "=", op end
    op = check_op(self, method, op)
    check_value(method, value)
    for _, c in ipairs(columns) do check_column(method, c) end
    return M.nested(self, or_, function(q)
      for _, c in ipairs(columns) do
        if any then q:or_where(c, op, value) else q:where(c, op, value) end
      end
    end, negate)
  end

  local FORMS = { any = { true, nil }, all = { false, nil }, none = { true, true } }
  for form, how in pairs(FORMS) do
    local name = "where_" .. form
    Builder[name] = function(self, columns, ...)
      local op, v = ...
      return over(self, name, nil, how[1], how[2], select("#", ...) + 1, columns, op, v)
    end
    Builder["or_" .. name] = function(self, columns, ...)
      local op, v = ...
      return over(self, "or_" .. name, true, how[1], how[2], select("#", ...) + 1, columns, op, v)
    end
  end

  -- }======================================================
end
