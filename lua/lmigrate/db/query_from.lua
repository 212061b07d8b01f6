-- The query builder's sources beyond a table's name (lmigrate.db.query), as
-- Laravel's: from_sub(query, alias), from_raw(sql [, bindings]), the joins
-- on a subquery, join_sub, left_join_sub, right_join_sub, cross_join_sub,
-- and the joins on a value, join_where, left_join_where, right_join_where.
return function(M)
  local Builder, Join = M.Builder, M.Join
  local fail, push = M.fail, M.push

  local function alias(method, as)
    if type(as) ~= "string" or as == "" then
      fail(method, "a subquery needs an alias (string), got " .. type(as))
    end
    return as
  end

  -- from_sub(query | function(query), alias): FROM (subquery) AS alias
  function Builder:from_sub(q, as)
    alias("from_sub", as)
    self.tbl, self.as = M.subquery(self, "from_sub", q), as
    return self
  end

  -- from_raw(sql [, bindings]): FROM sql, its ? bound; the table { raw,
  -- bindings } has a metatable, so that clone() keeps it whole (it copies
  -- the plain tables of a query as lists)
  local FROM_RAW = {}
  function Builder:from_raw(sql, b)
    if type(sql) ~= "string" or sql == "" then
      fail("from_raw", "expects SQL text (string), got " .. type(sql))
    end
    self.tbl = setmetatable({ raw = sql, bindings = M.bindings("from_raw", b) }, FROM_RAW)
    self.as = nil
    return self
  end

  -- join_sub(query, alias, first, [op,] second | function(join)) and its kin
  local function join_sub(self, method, kind, q, as, first, ...)
    alias(method, as)
    local j = setmetatable({ db = self.db, g = self.g, kind = kind, tbl = M.subquery(self, method, q),
                             as = as }, Join)
    if type(first) == "function" then
      first(j)
    else
      if first == nil then fail(method, "expects the columns to join on, or a function(join)") end
      local op, second = ...
      M.where_column(j, method, nil, select("#", ...) + 1, first, op, second)
    end
    return push(self, "joins", j)
  end

  function Builder:join_sub(q, as, first, ...)
    return join_sub(self, "join_sub", "INNER", q, as, first, ...)
  end
  function Builder:left_join_sub(q, as, first, ...)
    return join_sub(self, "left_join_sub", "LEFT", q, as, first, ...)
  end
  function Builder:right_join_sub(q, as, first, ...)
    return join_sub(self, "right_join_sub", "RIGHT", q, as, first, ...)
  end

  -- cross_join_sub(query | function(query), alias): CROSS JOIN (subquery) AS alias
  function Builder:cross_join_sub(q, as)
    alias("cross_join_sub", as)
    return push(self, "joins", setmetatable({ db = self.db, g = self.g, kind = "CROSS",
                                              tbl = M.subquery(self, "cross_join_sub", q), as = as }, Join))
  end

  -- join_where(t, column, [op,] value) and its kin: JOIN t ON column op ?,
  -- a value bound (Laravel's joinWhere: the join's where, not its on)
  local function join_where(self, method, kind, tbl, n, column, op, value)
    if (type(tbl) ~= "string" or tbl == "") and not M.is_raw(tbl) then
      fail(method, "expects a table name (string), got " .. (tbl == "" and "an empty string" or type(tbl)))
    end
    if n < 2 then fail(method, "expects a value after the column") end
    local j = setmetatable({ db = self.db, g = self.g, kind = kind, tbl = tbl }, Join)
    M.check_column(method, column)
    M.add_where(j, method, nil, n, column, op, value)
    return push(self, "joins", j)
  end

  function Builder:join_where(t, c, ...)
    local op, v = ...
    return join_where(self, "join_where", "INNER", t, select("#", ...) + 1, c, op, v)
  end
  function Builder:left_join_where(t, c, ...)
    local op, v = ...
    return join_where(self, "left_join_where", "LEFT", t, select("#", ...) + 1, c, op, v)
  end
  function Builder:right_join_where(t, c, ...)
    local op, v = ...
    return join_where(self, "right_join_where", "RIGHT", t, select("#", ...) + 1, c, op, v)
  end
end
