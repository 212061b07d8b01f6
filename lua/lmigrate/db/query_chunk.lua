-- The query builder's walks over many rows (lmigrate.db.query): chunk
-- (by offset, in the query's order), chunk_by_id and each_by_id (by key:
-- WHERE id > last ORDER BY id LIMIT n, so rows changed or deleted on the
-- way are not skipped or seen twice), lazy_by_id and lazy_by_id_desc
-- (iterators over those pages), and cursor() (Laravel's lazy cursor, an
-- iterator).
local core = require("lmigrate.core")

local NULL = core.null

return function(M)
  local Builder = M.Builder
  local fail = M.fail

  local function check_size(method, n, fn)
    if math.type(n) ~= "integer" or n < 1 then
      fail(method, "expects a chunk size (a whole number >= 1), got " .. tostring(n))
    end
    if fn ~= nil and type(fn) ~= "function" then
      fail(method, "expects a function, got " .. type(fn))
    end
  end

  -- chunk(n, fn(rows, page)) -> false when fn returned false, else true;
  -- the query must have an order_by
  function Builder:chunk(n, fn)
    check_size("chunk", n, fn)
    if rawget(self, "orders") == nil then
      fail("chunk", "needs an order_by (else pages may repeat or skip rows); or use chunk_by_id")
    end
    local page = 1
    while true do
      local rows = self:clone():for_page(page, n):get()
      if rows[1] == nil then return true end
      if fn(rows, page) == false then return false end
      if #rows < n then return true end
      page = page + 1
    end
  end

  -- whether a clause of 'wheres' is an OR: a table's boolean_or, or the
  -- last slot of a flat clause (src/grammar/grammar.h)
  local function has_or(wheres)
    local i, n, slots = 1, #wheres, M.SLOTS
    while i <= n do
      local w = wheres[i]
      if type(w) == "table" then
        if w.boolean_or then return true end
        i = i + 1
      else
        if wheres[i + slots - 1] then return true end
        i = i + slots
      end
    end
    return false
  end

  -- the page after 'last': the query's own conditions as one group (so an
  -- or_where in them does not escape the key condition), in key order
  -- (desc: descending, the keys below 'last')
  local function page_after(self, n, column, last, desc)
    local q = self:clone()
    local wheres = rawget(self, "wheres")
    if wheres and has_or(wheres) then
      q.wheres = { { type = "nested", query = { wheres = wheres } } }
    end
    if last ~= nil then q:where(column, desc and "<" or ">", last) end
    q.orders, q.off, q.lim = { column, desc and "DESC" or "ASC" }, nil, n
    return q
  end

  local function key_of(method, rows, alias)
    local last = rows[#rows][alias]
    if last == nil or last == NULL then
      fail(method, ("the rows have no value of '%s' to continue after: select it, "
        .. "or name the column (and its alias)"):format(alias))
    end
    return last
  end

  local function by_id(self, method, n, fn, column, alias, desc)
    check_size(method, n, fn)
    column = column or "id"
    alias = alias or column:match("([^.]*)$")
    local last, page = nil, 1
    while true do
      local rows = page_after(self, n, column, last, desc):get()
      if rows[1] == nil then return true end
      if fn(rows, page) == false then return false end
      if #rows < n then return true end
      last = key_of(method, rows, alias)
      page = page + 1
    end
  end

  -- chunk_by_id(n, fn(rows, page)[, column = "id"[, alias]]) -> false when
  -- fn returned false, else true
  function Builder:chunk_by_id(n, fn, column, alias)
    return by_id(self, "chunk_by_id", n, fn, column, alias, false)
  end

  -- chunk_by_id_desc(n, fn(rows, page)[, column[, alias]]): the same, from
  -- the highest key down
  function Builder:chunk_by_id_desc(n, fn, column, alias)
    return by_id(self, "chunk_by_id_desc", n, fn, column, alias, true)
  end

  -- a chunk's function calling fn(row, i) for each row, i counting on
  -- over the chunks; false from fn stops
  local function each_row(fn)
    local i = 0
    return function(rows)
      for _, row in ipairs(rows) do
        i = i + 1
        if fn(row, i) == false then return false end
      end
    end
  end

  -- each_by_id(n, fn(row, i)[, column[, alias]]): fn for each row, in
  -- chunks of n -> false when fn returned false, else true
  function Builder:each_by_id(n, fn, column, alias)
    check_size("each_by_id", n, fn)
    return self:chunk_by_id(n, each_row(fn), column, alias)
  end

  -- each(fn(row, i)[, n = 1000]): as each_by_id, by the query's order (chunk)
  function Builder:each(fn, n)
    n = n or 1000
    check_size("each", n, fn)
    return self:chunk(n, each_row(fn))
  end

  -- lazy([n = 1000]): for row in q:lazy() do ... end, by the query's order
  -- (chunk's pages, by offset), n rows read at a time
  function Builder:lazy(n)
    n = n or 1000
    check_size("lazy", n)
    if rawget(self, "orders") == nil then
      fail("lazy", "needs an order_by (else pages may repeat or skip rows); or use lazy_by_id")
    end
    local rows, i, page, done = {}, 0, 0, false
    return function()
      i = i + 1
      if rows[i] == nil and not done then
        page = page + 1
        rows, i = self:clone():for_page(page, n):get(), 1
        done = #rows < n
      end
      return rows[i]
    end
  end

  local function lazy_by_key(self, method, n, column, alias, desc)
    n = n or 1000
    check_size(method, n)
    column = column or "id"
    alias = alias or column:match("([^.]*)$")
    local rows, i, last, done = {}, 0, nil, false
    return function()
      i = i + 1
      if rows[i] == nil and not done then
        rows, i = page_after(self, n, column, last, desc):get(), 1
        done = #rows < n
        if rows[1] ~= nil then last = key_of(method, rows, alias) end
      end
      return rows[i]
    end
  end

  -- lazy_by_id([n = 1000[, column[, alias]]]): for row in q:lazy_by_id() do ... end,
  -- n rows read at a time
  function Builder:lazy_by_id(n, column, alias)
    return lazy_by_key(self, "lazy_by_id", n, column, alias, false)
  end

  -- lazy_by_id_desc([n = 1000[, column[, alias]]]): the same, from the highest key down
  function Builder:lazy_by_id_desc(n, column, alias)
    return lazy_by_key(self, "lazy_by_id_desc", n, column, alias, true)
  end

  -- cursor(): the rows of the query, for row in q:cursor() do ... end or
  -- q:cursor():each(fn(row)); the query runs once, its rows are read in
  -- full (as PDO's buffered queries do), and rows changed by fn meanwhile
  -- do not move it. For tables too big to hold, lazy_by_id.
  local Cursor = {}
  Cursor.__index = Cursor

  function Cursor:__call()
    self.i = self.i + 1
    return self.rows[self.i]
  end

  -- each(fn(row, i)): false from fn stops -> false then, else true
  function Cursor:each(fn)
    if type(fn) ~= "function" then fail("each", "expects a function, got " .. type(fn)) end
    for row in self do
      if fn(row, self.i) == false then return false end
    end
    return true
  end

  function Builder:cursor()
    return setmetatable({ rows = self:get(), i = 0 }, Cursor)
  end
end
