-- The query builder's reads of one row or one text (lmigrate.db.query),
-- as Laravel's: first_or_fail, sole, first_where, implode. Their errors
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
