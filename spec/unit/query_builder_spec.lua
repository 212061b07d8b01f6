-- The query builder's bad calls: each raises "lmigrate: query:<method>: ..."
-- at the line of the call that was wrong (the user's, not the builder's),
-- before anything runs; and what the builder leaves to each dialect
-- (its operators, MySQL's UPDATE and DELETE forms). The SQL of the good
-- calls is spec/grammar/query_spec.lua.
local lmigrate = require("lmigrate")
local h = require("spec.support.query")

local null, raw = lmigrate.null, lmigrate.raw
local THIS = debug.getinfo(1, "S").short_src

-- fn() raises a message with 'pattern' (plain text), at this file's line 'line'
local function raises(line, text, fn)
  local ok, err = pcall(fn)
  assert.is_false(ok, "no error")
  assert.is_string(err)
  assert.truthy(err:find(text, 1, true), err)
  assert.truthy(err:find(THIS .. ":" .. line .. ":", 1, true), "not at line " .. line .. ": " .. err)
end

local function here() return debug.getinfo(2, "l").currentline end

local db = h.recorder("sqlite")

describe("query builder bad calls", function()
  it("an unknown operator", function()
    local l = here() + 2
    raises(l, "lmigrate: query:where: unknown operator '=='", function()
      db:table("t"):where("a", "==", 1)
    end)
  end)

  it("an operator of another dialect", function()
    local l = here() + 2
    raises(l, "query:or_where: operator 'ilike' is not supported on sqlite", function()
      db:table("t"):or_where("a", "ilike", "x")
    end)
    assert.has_error(function() h.recorder("mysql"):table("t"):where("a", "~*", "x") end)
    assert.has_no.errors(function() h.recorder("postgres"):table("t"):where("a", "~*", "x") end)
  end)

  it("a column that is not a name", function()
    local l = here() + 2
    raises(l, "query:where: expects a column name (string) or lmigrate.raw(sql), got number", function()
      db:table("t"):where(5, 1)
    end)
    l = here() + 1
    raises(l, "query:order_by: expects a column name", function() db:table("t"):order_by({}) end)
    l = here() + 1
    raises(l, "query:select: expects a column name", function() db:table("t"):select("a", 7) end)
    l = here() + 1
    raises(l, "query:where_in: expects a column name", function() db:table("t"):where_in(nil, { 1 }) end)
  end)

  it("a nil value, and lmigrate.null where it cannot be", function()
    local l = here() + 2
    raises(l, "query:where: the value is nil (for IS NULL use where_null", function()
      db:table("t"):where("a", nil)
    end)
    l = here() + 1
    raises(l, "query:where: the value is nil", function() db:table("t"):where("a", "=", nil) end)
    l = here() + 1
    raises(l, "query:where: expects a value after the column", function() db:table("t"):where("a") end)
    l = here() + 1
    raises(l, "lmigrate.null takes '=' or '<>', not '>'", function() db:table("t"):where("a", ">", null) end)
    l = here() + 1
    raises(l, "query:where_between: the value is nil", function() db:table("t"):where_between("a", { 1 }) end)
  end)

  it("a value that is not an SQL value", function()
    local l = here() + 1
    raises(l, "query:where: expects an SQL value", function() db:table("t"):where("a", "=", {}) end)
    l = here() + 2
    raises(l, "query:where_in: value 2 of the list is a table", function()
      db:table("t"):where_in("a", { 1, {} })
    end)
    l = here() + 2
    raises(l, "query:where_in: expects a list of values or a subquery, got number", function()
      db:table("t"):where_in("a", 5)
    end)
    l = here() + 2
    raises(l, "query:update: the value of 'a' is a function", function()
      db:table("t"):update({ a = print })
    end)
    l = here() + 1
    raises(l, "query:update: expects the values to set", function() db:table("t"):update(5) end)
    l = here() + 2
    raises(l, "query:where_integer_in_raw: value 2 of the list is not an integer", function()
      db:table("t"):where_integer_in_raw("a", { 1, "2" })
    end)
    l = here() + 1
    raises(l, "query:select_raw: binding 1 is a table", function() db:table("t"):select_raw("?", { {} }) end)
  end)

  it("a row value the compiled INSERT cannot take, named by row and column", function()
    local l = here() + 2
    raises(l, "query:insert_or_ignore: row 2, column 'a', is a table, not an SQL value", function()
      db:table("t"):insert_or_ignore({ { a = 1 }, { a = {} } })
    end)
  end)

  it("raw SQL whose ? do not match its values, when it runs", function()
    local q = db:table("t"):select_raw("? + ?", { 1 })
    local l = here() + 1
    raises(l, "query:get: the SQL '? + ?' takes 2 value(s), got 1", function() q:get() end)
    q = db:table("t"):where_raw("a = ?")
    l = here() + 1
    raises(l, "query:delete: the SQL 'a = ?' takes 1 value(s), got 0", function() q:delete() end)
  end)

  it("limits, directions, aliases, sizes", function()
    local l = here() + 1
    raises(l, "query:limit: expects a whole number >= 0, got -1", function() db:table("t"):limit(-1) end)
    l = here() + 1
    raises(l, "query:offset: expects a whole number >= 0, got 1.5", function() db:table("t"):offset(1.5) end)
    l = here() + 2
    raises(l, "query:order_by: the direction must be 'asc' or 'desc', got up", function()
      db:table("t"):order_by("a", "up")
    end)
    l = here() + 1
    raises(l, "query:from: a subquery needs an alias", function() db:table():from(function() end) end)
    l = here() + 1
    raises(l, "query:select_sub: expects an alias", function() db:table("t"):select_sub(function() end) end)
    l = here() + 1
    raises(l, "query:chunk: needs an order_by", function() db:table("t"):chunk(10, function() end) end)
    l = here() + 2
    raises(l, "query:chunk_by_id: expects a chunk size (a whole number >= 1), got 0", function()
      db:table("t"):chunk_by_id(0, function() end)
    end)
    l = here() + 1
    raises(l, "query:join: expects the columns to join on", function() db:table("t"):join("u") end)
  end)

  it("a method that does not exist", function()
    local l = here() + 2
    raises(l, "lmigrate: unknown query builder method 'frobnicate'", function()
      db:table("t"):frobnicate()
    end)
  end)

  it("writes need a table", function()
    local l = here() + 1
    raises(l, "query:insert: needs a table: db:table(name)", function() db:table():insert({ a = 1 }) end)
    l = here() + 2
    raises(l, "query:update: needs a table", function()
      db:table():from(function(q) return q end, "x"):update({ a = 1 })
    end)
    l = here() + 2
    raises(l, "query:insert_get_id: expects one row", function()
      db:table("t"):insert_get_id({ { a = 1 } })
    end)
    l = here() + 2
    raises(l, "query:upsert: expects unique_by: a column name or a list of them", function()
      db:table("t"):upsert({ a = 1 })
    end)
  end)

  it("names with a NUL byte or an empty part, when the SQL is written", function()
    local l = here() + 1
    raises(l, "query:get: a name must not contain a NUL byte", function() db:table("a\0b"):get() end)
    l = here() + 1
    raises(l, "query:get: 'a..b' has an empty name part", function() db:table("t"):select("a..b"):get() end)
  end)

  it("an error the compiler raises is placed once, at the user's line, by reads and writes alike", function()
    local args = { first = {}, get = {}, update = { { a = 1 } }, delete = {}, count = {} }
    for call, a in pairs(args) do
      local q = db:table("t"):where("a.", 1)
      local l = here() + 1
      local ok, err = pcall(function() return q[call](q, table.unpack(a)) end)
      assert.is_false(ok)
      assert.equal(("%s:%d: lmigrate: query:%s: 'a.' has an empty name part"):format(THIS, l, call), err)
    end
  end)

  it("an error inside a group points at the group's line", function()
    local l = here() + 2
    raises(l, "query:where: unknown operator '=>'", function()
      db:table("t"):where(function(q) q:where("a", "=>", 1) end)
    end)
  end)

  -- the building methods are C functions (src/lm_query_build.c): a tail
  -- call to one leaves the user's frame in place, so the error names the
  -- line that made it, not its caller's (as a tail call to Lua did)
  it("a bad call made as a tail call points at its own line", function()
    local cases = {
      { "query:where: unknown operator '=>'", function(q) return q:where("a", "=>", 1) end },
      { "query:where_in: value 1 of the list is a table", function(q) return q:where_in("a", { {} }) end },
      { "query:order_by: the direction must be", function(q) return q:order_by("a", "up") end },
      { "query:join: expects the columns to join on", function(q) return q:join("u") end },
      { "query:limit: expects a whole number", function(q) return q:limit(-1) end },
    }
    local first = here() - 7
    for i, c in ipairs(cases) do
      raises(first + i, c[1], function() c[2](db:table("t")) end)
    end
  end)
end)

describe("query builder, what each dialect takes", function()
  it("PostgreSQL's ? operators are written ??, the driver's literal '?'", function()
    local pg = h.recorder("postgres")
    pg:table("t"):where("data", "?", "key"):where("data", "?|", raw("array['a']")):get()
    assert.equal([[SELECT * FROM "t" WHERE "data" ?? ? AND "data" ??| array['a'] ]], pg.log[1].sql .. " ")
    assert.same({ "key" }, pg.log[1].values)
  end)

  it("operators are taken in any case and written upper-case", function()
    local r = h.recorder("sqlite")
    r:table("t"):where("a", "NOT LIKE", "x%"):where("b", "Glob", "y*"):get()
    assert.equal('SELECT * FROM "t" WHERE "a" NOT LIKE ? AND "b" GLOB ?', r.log[1].sql)
  end)

  it("MySQL: no ORDER BY or LIMIT in an UPDATE with a join, no OFFSET in an UPDATE or DELETE", function()
    local my = h.recorder("mysql")
    local l = here() + 2
    raises(l, "query:update: an update with a join cannot have order_by or limit on mysql", function()
      my:table("a"):join("b", "b.id", "a.b_id"):limit(1):update({ x = 1 })
    end)
    l = here() + 2
    raises(l, "query:delete: offset() is not supported in an update or delete on mysql", function()
      my:table("a"):order_by("id"):limit(1):offset(2):delete()
    end)
    -- SQLite and PostgreSQL take them all, through the row ids
    assert.has_no.errors(function()
      h.recorder("sqlite"):table("a"):join("b", "b.id", "a.b_id"):limit(1):offset(2):update({ x = 1 })
    end)
  end)
end)

describe("g:query_sql, the C side of the builder", function()
  local core = require("lmigrate.core")
  local g = core.grammar("postgres")

  it("compiles a plain description; the method name is optional", function()
    local sql, values, n = g:query_sql("select", { tbl = "t", wheres = {
      { type = "basic", column = "a", operator = "=", value = 1 } } })
    assert.equal('SELECT * FROM "t" WHERE "a" = ?', sql)
    assert.same({ 1 }, values)
    assert.equal(1, n)
  end)

  it("takes a limit for select in place of the query's own, the union's after a union", function()
    assert.equal('SELECT * FROM "t" LIMIT 1 OFFSET 2',
                 (g:query_sql("select", { tbl = "t", lim = 5, off = 2 }, "first", 1)))
    assert.equal('(SELECT * FROM "t" LIMIT 5) UNION (SELECT * FROM "u") LIMIT 1',
                 (g:query_sql("select", { tbl = "t", lim = 5, unions = { { query = { tbl = "u" } } },
                                          ulim = 3 }, "first", 1)))
    assert.has_error(function() g:query_sql("select", { tbl = "t" }, "first", -1) end)
  end)

  it("writes IN lists of values, of raw SQL, of integers; LIMIT's digits", function()
    local now = core.raw("now()")
    local sql, values, n = g:query_sql("select", { tbl = "t", lim = 1234567890123, wheres = {
      { type = "in", column = "a", values = { 1, "x", true } },
      { type = "in", column = "b", values = { 2, now }, negate = true, boolean_or = true },
      { type = "in_int", column = "c", values = { -9223372036854775807 - 1, 0, 42 } } } })
    assert.equal('SELECT * FROM "t" WHERE "a" IN (?, ?, ?) OR "b" NOT IN (?, now()) AND '
      .. '"c" IN (-9223372036854775808, 0, 42) LIMIT 1234567890123', sql)
    assert.same({ 1, "x", true, 2 }, values)
    assert.equal(4, n)
  end)

  it("writes update's SET list: column, value, op (false, + or -) for each column", function()
    local sql, values = g:query_sql("update", { tbl = "t" }, "update", { "a", 1, false, "n", 2, "+" })
    assert.equal('UPDATE "t" SET "a" = ?, "n" = "n" + ?', sql)
    assert.same({ 1, 2 }, values)
    assert.has_error(function() g:query_sql("update", { tbl = "t" }, "update", { "a", 1 }) end,
      "lmigrate: query:update: the values to set are not in threes (a bug in query_run.lua)")
  end)

  it("refuses what is no description, naming the method", function()
    assert.has_error(function() g:query_sql("select", 5) end)
    assert.has_error(function() g:query_sql("frob", {}) end)
    assert.equal("SELECT *", (g:query_sql("select", {}, "get")))   -- no table: no FROM
    assert.has_error(function() g:query_sql("update", {}, "update", {}) end,
                     "lmigrate: query:update: the query has no table (from)")
    assert.has_error(function()
      g:query_sql("select", { tbl = "t",
        wheres = { { type = "basic", column = 7, operator = "=", value = 1 } } }, "get")
    end, "lmigrate: query:get: a column must be a name (string) or lmigrate.raw(sql), got number")
    assert.has_error(function()
      g:query_sql("insert", { tbl = "t" }, "insert", { { a = {} } }, { "a" }, 1, 1)
    end, "lmigrate: query:insert: row 1, column 'a', is a table, not an SQL value (string, number, "
      .. "boolean, lmigrate.null or lmigrate.raw(sql))")
  end)
end)
