-- spec/unit/blueprint_spec.lua: the Blueprint, Column and Foreign userdata
-- seen from Lua: what they return, and how misuse raises.
local core = require("lmigrate.core")

local g = core.grammar("sqlite")

local function bp(mode, on_close)
  return core.blueprint("users", mode or "create", on_close)
end

-- asserts that fn raises an error whose message contains 'msg' (plain)
local function raises(msg, fn)
  local ok, err = pcall(fn)
  assert.is_false(ok, "expected an error containing: " .. msg)
  err = tostring(err)
  assert(err:find(msg, 1, true), "expected '" .. msg .. "' in: " .. err)
end

describe("core.blueprint", function()
  it("knows its table and mode", function()
    local t = bp("create_if_not_exists")
    assert.equals("users", t:table_name())
    assert.equals("create_if_not_exists", t:mode())
    assert.equals("alter", bp("alter"):mode())
    assert.matches("lmigrate.Blueprint", tostring(t))
  end)

  it("checks its arguments", function()
    raises("name must not be empty", function() core.blueprint("", "create") end)
    raises("NUL", function() core.blueprint("a\0b", "create") end)
    raises("invalid option 'drop'", function() core.blueprint("users", "drop") end)
    raises("function or nil expected", function() core.blueprint("users", "create", 1) end)
  end)

  it("returns the same column from each modifier", function()
    local t = bp()
    local c = t:string("a")
    assert.equals(c, c:nullable())
    assert.equals(c, c:default("x"):unique():index():comment("c"):after("b"))
    assert.equals(c, c:primary():charset("utf8mb4"):collation("C"):first():invisible())
    local n = t:integer("n")
    assert.equals(n, n:unsigned():auto_increment():from(5):generated_as():always())
    local d = t:timestamp("d")
    assert.equals(d, d:use_current():use_current_on_update():stored_as("now()"))
  end)

  it("returns the same foreign key from each of its methods", function()
    local t = bp()
    local f = t:foreign("user_id")
    assert.equals(f, f:references("id"))
    assert.equals(f, f:on("users"):on_delete("cascade"):on_update("set null"))
  end)
end)

describe("misuse", function()
  it("names an unknown method", function()
    local t = bp()
    raises("unknown blueprint method 'strnig'", function() t:strnig("x") end)
    raises("unknown column method 'nulable'", function() t:string("x"):nulable() end)
    raises("unknown foreign key method 'on_delet'", function()
      t:foreign("x"):on_delet("cascade")
    end)
    raises("unknown grammar method 'quoet'", function() g:quoet("x") end)
  end)

  it("rejects bad names", function()
    local t = bp()
    raises("name must not be empty", function() t:string("") end)
    raises("NUL", function() t:string("a\0b") end)
    raises("string expected, got table", function() t:string({}) end)
    raises("string expected, got no value", function() t:integer() end)
  end)

  it("rejects bad lengths, precisions and scales", function()
    local t = bp()
    raises("length must be between 1 and 65535", function() t:string("a", 0) end)
    raises("length must be between 1 and 65535", function() t:char("a", -1) end)
    raises("number has no integer representation", function() t:string("a", 1.5) end)
    raises("total must be between 1 and 1000", function() t:decimal("a", 0) end)
    raises("places must be between 0 and the total", function() t:decimal("a", 4, 5) end)
    raises("places must be between 0 and the total", function() t:decimal("a", 4, -1) end)
  end)

  it("rejects bad enum values", function()
    local t = bp()
    raises("table expected", function() t:enum("a") end)
    raises("must not be empty", function() t:enum("a", {}) end)
    raises("enum values must be strings", function() t:enum("a", { 1 }) end)
  end)

  it("rejects bad default values", function()
    local c = bp():string("a")
    raises("number, string, boolean, nil, lmigrate.null or lmigrate.raw(sql) expected, got table",
      function() c:default({}) end)
    raises("a value expected (nil means DEFAULT NULL)", function() c:default() end)
    raises("finite", function() c:default(1 / 0) end)
    raises("finite", function() c:default(0 / 0) end)
    raises("NUL", function() c:default("a\0") end)
    raises("name must not be empty", function() core.raw("") end)
  end)

  it("rejects a bad nullable flag", function()
    raises("boolean expected", function() bp():string("a"):nullable("yes") end)
  end)

  it("rejects bad referential actions", function()
    local f = bp():foreign("a")
    raises("expected 'cascade', 'set null', 'restrict', 'no action' or 'set default', got 'delete'",
      function() f:on_delete("delete") end)
    raises("got 'nothing'", function() f:on_update("nothing") end)
  end)

  it("rejects bad column lists", function()
    local t = bp()
    raises("column name or list of column names expected", function() t:unique(1) end)
    raises("list of columns must not be empty", function() t:index({}) end)
    raises("list of columns must hold column names", function() t:primary({ "a", 2 }) end)
    raises("name expected", function() t:unique("a", 5) end)
    raises("expected 'column.ref_column.ref_table'", function() t:add_foreign("a.b") end)
    raises("expected 'column.ref_column.ref_table'", function() t:add_foreign("a..c") end)
    raises("expected 'column.ref_column.ref_table'", function() t:add_foreign("a.b.c.d") end)
  end)

  it("keeps alter-only methods out of a create blueprint", function()
    local t = bp()
    for _, m in ipairs({ "drop_column", "rename_column", "drop_index", "drop_unique",
                          "drop_foreign", "drop_primary", "drop_timestamps",
                          "drop_soft_deletes" }) do
      raises(m .. "() is only valid when altering a table (schema:table)", function()
        t[m](t, "a", "b")
      end)
    end
    raises("change() is only valid when altering a table", function()
      t:string("a"):change()
    end)
  end)

  it("allows constrained() only on foreign_id, foreign_uuid and foreign_ulid", function()
    raises("constrained() needs a foreign_id(), foreign_uuid() or foreign_ulid() column", function()
      bp():integer("user_id"):constrained()
    end)
  end)

  it("refuses changes once the blueprint is built", function()
    local t = bp()
    local c = t:string("a")
    local f = t:foreign("b")
    f:references("id"):on("x")
    t:to_sql(g)
    raises("blueprint for 'users' was already built", function() t:string("b") end)
    raises("blueprint for 'users' was already built", function() c:nullable() end)
    raises("blueprint for 'users' was already built", function() f:on_delete("cascade") end)
    assert.same(t:to_sql(g), t:to_sql(g))   -- compiling again is fine
  end)

  it("raises at compile time for an incomplete foreign key", function()
    local t = core.blueprint("posts", "create")
    t:integer("user_id")
    t:foreign("user_id")
    raises("foreign key on posts.user_id needs references() and on()", function()
      t:to_sql(g)
    end)
    t = core.blueprint("posts", "create")
    t:integer("user_id")
    t:foreign("user_id"):on("users")
    raises("foreign key on posts.user_id needs references() and on()", function()
      t:to_sql(g)
    end)
    t = core.blueprint("posts", "create")
    t:integer("a")
    t:foreign("a"):references({ "x", "y" }):on("users")
    raises("foreign key on posts.a covers 1 column(s) but references 2", function()
      t:to_sql(g)
    end)
  end)

  it("raises for a create blueprint without columns", function()
    raises("create blueprint for 'users' has no columns", function() bp():to_sql(g) end)
  end)

  it("raises for an unknown dialect", function()
    raises("unknown dialect 'oracle' (expected sqlite, postgres or mysql)", function()
      core.grammar("oracle")
    end)
  end)

  it("needs a grammar to compile", function()
    raises("lmigrate.Grammar expected", function() bp():to_sql("sqlite") end)
  end)
end)

describe("to-be-closed blueprints", function()
  it("runs on_close at the end of the scope", function()
    local seen
    do
      local t <close> = bp("create", function(b) seen = b:to_sql(g) end)
      t:id()
    end
    assert.same({ 'CREATE TABLE "users" ("id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL)' },
      seen)
  end)

  it("does not run on_close when the scope ends with an error", function()
    local ran = false
    local ok = pcall(function()
      local t <close> = bp("create", function() ran = true end)
      t:id()
      error("boom")
    end)
    assert.is_false(ok)
    assert.is_false(ran)
  end)

  it("lets on_close errors through", function()
    local ok, err = pcall(function()
      local t <close> = bp("create", function(b) b:to_sql(g) end)
      t:foreign("x")
    end)
    assert.is_false(ok)
    assert.matches("needs references%(%) and on%(%)", err)
  end)

  it("is fine without on_close", function()
    assert.has_no.errors(function()
      local t <close> = bp()
      t:id()
    end)
  end)
end)

describe("defaults and names", function()
  local function sql(fn, mode, table)
    local t = core.blueprint(table or "users", mode or "create")
    fn(t)
    return t:to_sql(g)
  end

  it("keeps a default that reads back equal", function()
    local got = sql(function(t)
      t:float("a"):default(1 / 3)
      t:integer("b"):default(math.mininteger)
      t:float("c"):default(1e300)
    end)
    assert.matches('"a" FLOAT NOT NULL DEFAULT 0.3333333333333333,', got[1], 1, true)  -- the shortest
    assert.matches('"b" INTEGER NOT NULL DEFAULT -9223372036854775808', got[1], 1, true)
    assert.matches('"c" FLOAT NOT NULL DEFAULT 1e+300', got[1], 1, true)
  end)

  it("lets the last of default() and use_current() win", function()
    local got = sql(function(t)
      t:timestamp("a"):use_current():default(core.null)
      t:timestamp("b"):default("2020-01-01"):use_current()
    end)
    -- (default(null) on a NOT NULL column is no default, as Laravel's)
    assert.equals('CREATE TABLE "users" ("a" TIMESTAMP NOT NULL, '
      .. '"b" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)', got[1])
  end)

  it("pluralises constrained() tables", function()
    local cases = { user_id = "users", category_id = "categories", box_id = "boxes",
                    status_id = "statuses", day_id = "days", branch_id = "branches",
                    owner = "owners" }
    for col, table in pairs(cases) do
      local got = sql(function(t) t:foreign_id(col):constrained() end, "create", "p")
      assert.matches('REFERENCES "' .. table .. '" ("id")', got[1], 1, true)
    end
  end)

  it("prints raw values", function()
    assert.equals("CURRENT_DATE", tostring(core.raw("CURRENT_DATE")))
  end)
end)

describe("odd inputs found by fuzzing", function()
  it("raises for a blueprint whose __gc already ran", function()
    local t = bp()
    local c = t:string("a")
    local f = t:foreign("a")
    getmetatable(t).__gc(t)
    raises("freed blueprint", function() t:string("b") end)
    raises("freed blueprint", function() t:to_sql(g) end)
    raises("freed blueprint", function() t:table_name() end)
    raises("freed blueprint", function() tostring(t) end)
    raises("freed blueprint", function() c:nullable() end)
    raises("freed blueprint", function() f:on("users") end)
    raises("freed blueprint", function() getmetatable(t).__close(t) end)
    getmetatable(t).__gc(t)  -- twice is fine
  end)

  it("refuses a list whose __len is too long before allocating it", function()
    local function long(n)
      return setmetatable({}, { __len = function() return n end,
                                __index = function() return "a" end })
    end
    local t = bp()
    t:string("a")
    raises("list of columns is too long", function() t:index(long(math.maxinteger)) end)
    raises("list of columns is too long", function() t:unique(long(2 ^ 31)) end)
    raises("list of columns must not be empty", function() t:primary(long(-1)) end)
    raises("list of values is too long", function() t:enum("e", long(2 ^ 32 + 1)) end)
    t:index(long(2))  -- a __len within bounds is honoured
    assert.matches('CREATE INDEX "users_a_a_index" ON "users" ("a", "a")',
                   t:to_sql(g)[2], 1, true)
  end)

  it("writes literals for scripts, and refuses NaN and infinity", function()
    for _, d in ipairs({ "sqlite", "postgres", "mysql" }) do
      local gd = core.grammar(d)
      assert.equals("'it''s'", gd:literal("it's"))
      assert.equals("42", gd:literal(42))
      assert.equals("NULL", gd:literal(core.null))
      raises("NaN and infinity have no SQL literal", function() gd:literal(0 / 0) end)
      raises("NaN and infinity have no SQL literal", function() gd:literal(1 / 0) end)
      raises("SQL value", function() gd:literal({}) end)
    end
  end)
end)

-- t:remove_column(name), Laravel's removeColumn: the column leaves the
-- blueprint's pending additions, and no SQL is written for it (BookStack's
-- 2023_12_17_140913_add_description_html_to_entities calls it in its down)
describe("remove_column", function()
  it("takes every column of that name out, writing no SQL for it", function()
    for _, d in ipairs({ "sqlite", "postgres", "mysql" }) do
      local t = core.blueprint("books", "alter")
      t:text("description_html")
      t:string("slug")
      t:text("description_html"):nullable()
      assert.equals(t, t:remove_column("description_html"))
      local sql = t:to_sql(core.grammar(d))
      assert.equals(1, #sql)
      assert.falsy(sql[1]:find("description_html", 1, true), sql[1])
      assert.truthy(sql[1]:find("slug", 1, true), sql[1])
    end
  end)

  it("leaves an alter with nothing in it, and a create with the rest", function()
    local t = core.blueprint("books", "alter")
    t:remove_column("description_html")   -- nothing of that name: nothing happens
    assert.same({}, t:to_sql(g))
    local c = bp()
    c:string("a")
    c:string("b")
    c:remove_column("a")
    assert.equals('CREATE TABLE "users" ("b" VARCHAR(255) NOT NULL)', c:to_sql(g)[1])
  end)

  it("keeps the handles of the other columns, and kills the removed one's", function()
    local t = bp()
    local a = t:string("a")
    local gone = t:string("gone")
    local b = t:string("b")
    t:remove_column("gone")
    a:nullable()
    b:default("x"):unique()
    raises("taken out of it by remove_column()", function() gone:nullable() end)
    local sql = t:to_sql(g)
    assert.equals('CREATE TABLE "users" ("a" VARCHAR(255) NULL, "b" VARCHAR(255) NOT NULL'
      .. " DEFAULT 'x')", sql[1])
    assert.equals('CREATE UNIQUE INDEX "users_b_unique" ON "users" ("b")', sql[2])
  end)

  it("keeps what other methods made of the column, as Laravel", function()
    local t = core.blueprint("comments", "alter")
    t:morphs("commentable")
    t:remove_column("commentable_type")
    t:remove_column("commentable_id")
    local sql = t:to_sql(core.grammar("postgres"))
    assert.same({ 'CREATE INDEX "comments_commentable_type_commentable_id_index" ON "comments" '
      .. '("commentable_type", "commentable_id")' }, sql)
  end)

  it("checks its argument", function()
    local t = bp()
    raises("column name expected", function() t:remove_column(1) end)
    raises("remove_column() takes at most 1 argument(s)", function() t:remove_column("a", "b") end)
    t:string("a")
    t:to_sql(g)
    raises("already built", function() t:remove_column("a") end)
  end)
end)
