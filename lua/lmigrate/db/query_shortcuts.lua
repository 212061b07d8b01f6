-- The query builder's shortcuts, calls made of the others (lmigrate.db.query),
-- as Laravel's: first_or_fail, sole, first_where, find_or, exists_or,
-- doesnt_exist_or, update_or_insert, implode, increment_each, decrement_each. Their errors
-- are raised at the user's line, naming the method.
local NULL = require("lmigrate.core").null

return function(M)
  local Builder = M.Builder
  local fail = M.fail

  -- first_or_fail([columns]) -> the first row; raises when there is none
  function Builder:first_or_fail(cols)
    local row = self:first(cols)
    if row == nil then fail("first_or_fail", "no row matches the query") end
    return row
  end

  -- sole([columns]) -> the one row; raises for none and for more than one
  function Builder:sole(cols)
    local rows = self:clone():limit(2):get(cols)
    if rows[1] == nil then fail("sole", "no row matches the query") end
    if rows[2] ~= nil then fail("sole", "more than one row matches the query") end
    return rows[1]
  end

  -- first_where(column, [op,] value) -> the first row where it holds, or nil
  function Builder:first_where(column, ...)
    return self:clone():where(column, ...):first()
  end

  -- find_or(id, [columns,] fn) -> the row whose "id" is id, else fn()'s result
  function Builder:find_or(id, cols, fn)
    if fn == nil and type(cols) == "function" then cols, fn = nil, cols end
    if type(fn) ~= "function" then fail("find_or", "expects a function, got " .. type(fn)) end
    local row = self:find(id, cols)
    if row == nil then return fn() end
    return row
  end

  -- exists_or(fn) -> true when a row matches, else fn()'s result; doesnt_exist_or(fn)
  function Builder:exists_or(fn)
    if type(fn) ~= "function" then fail("exists_or", "expects a function, got " .. type(fn)) end
    if self:exists() then return true end
    return fn()
  end

  function Builder:doesnt_exist_or(fn)
    if type(fn) ~= "function" then fail("doesnt_exist_or", "expects a function, got " .. type(fn)) end
    if self:doesnt_exist() then return true end
    return fn()
  end

  -- increment_each({ column = amount, ... }[, extra values]) -> rows changed;
  -- decrement_each: every column stepped in one UPDATE, by column name
  local function step_each(self, method, op, columns, extra)
    M.table_name(self, method)
    if type(columns) ~= "table" or next(columns) == nil then
      fail(method, "expects the columns to step ({ column = amount, ... }), got " .. type(columns))
    end
    local names, sets = {}, {}
    for c, n in pairs(columns) do
      if type(c) ~= "string" or c == "" then fail(method, "a column to step must be a name") end
      if type(n) ~= "number" then fail(method, ("the amount of '%s' is not a number"):format(c)) end
      names[#names + 1] = c
    end
    table.sort(names)
    for _, c in ipairs(names) do
      sets[#sets + 1], sets[#sets + 2], sets[#sets + 3] = c, columns[c], op
    end
    return M.write(self, "update", method, M.sets_of(method, extra or {}, sets))
  end

  function Builder:increment_each(columns, extra)
    return step_each(self, "increment_each", "+", columns, extra)
  end
  function Builder:decrement_each(columns, extra)
    return step_each(self, "decrement_each", "-", columns, extra)
  end

  -- update_or_insert(attributes, values | function(exists) -> values):
  -- update the rows matching, else insert one
  function Builder:update_or_insert(attrs, values)
    if type(attrs) ~= "table" then fail("update_or_insert", "expects attributes (table)") end
    local exists = self:clone():where(attrs):exists()
    if type(values) == "function" then
      values = values(exists)
      if type(values) ~= "table" then
        fail("update_or_insert", "the function must return the values (table), got " .. type(values))
      end
    end
    values = values or {}
    if not exists then
      local row = {}
      for k, v in pairs(attrs) do row[k] = v end
      for k, v in pairs(values) do row[k] = v end
      return self:insert(row) > 0
    end
    if next(values) == nil then return true end
    return self:clone():where(attrs):limit(1):update(values) > 0
  end

  -- implode(column[, glue = ""]) -> the column's values, as text, joined
  -- (NULL as "", as PHP's implode of null)
  function Builder:implode(column, glue)
    if glue ~= nil and type(glue) ~= "string" then
      fail("implode", "expects the glue to be a string, got " .. type(glue))
    end
    local parts = {}
    for i, v in ipairs(self:pluck(column)) do parts[i] = v == NULL and "" or tostring(v) end
    return table.concat(parts, glue or "")
  end
end
