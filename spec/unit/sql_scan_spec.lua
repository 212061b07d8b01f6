-- spec/unit/sql_scan_spec.lua: the one SQL scanner of src/lm_sql.c, seen
-- from Lua: g:interpolate (the driver's placeholders, written in as
-- literals for a printed script) and core.tokenize (the tokens the SQLite
-- rebuild edits). Needs only core.so; the last case also runs the SQL on
-- PostgreSQL (pg_virtualenv or DATABASE_URL; pending without a server,
-- failing under CI) to show that the driver reads the same placeholders.
local core = require("lmigrate.core")

local null = core.null

local servers = require("spec.support.servers")

-- 'it' with a PostgreSQL server; without one the rule of spec/support/servers.lua
local pg_it = servers.it_with("postgres")
local function pg_conninfo() return servers.find("postgres").conninfo end

-- { dialect, sql, values (a list, n = count), what interpolate gives }
local INTERPOLATE = {
  { "postgres", "a = ? AND b = ?", { 1, "x", n = 2 }, "a = 1 AND b = 'x'" },
  { "postgres", "j ?? 'k' AND k = ?", { 2, n = 1 }, "j ? 'k' AND k = 2" },
  { "postgres", "/* why? */ SELECT ?", { "it's", n = 1 }, "/* why? */ SELECT 'it''s'" },
  { "postgres", "/* a /* b? */ c? */ ?", { true, n = 1 }, "/* a /* b? */ c? */ TRUE" },
  { "postgres", "SELECT $$a?b$$, $t$?$t$, ?", { false, n = 1 }, "SELECT $$a?b$$, $t$?$t$, FALSE" },
  { "postgres", "SELECT E'\\'?', '?', \"?\", ?", { null, n = 1 }, "SELECT E'\\'?', '?', \"?\", NULL" },
  { "postgres", "-- ?\nSELECT ?", { nil, n = 1 }, "-- ?\nSELECT NULL" },
  { "sqlite", "[a?] = ? AND `b?` = ? AND \"c?\" = ?", { 1, 2, 3, n = 3 },
    "[a?] = 1 AND `b?` = 2 AND \"c?\" = 3" },
  { "sqlite", "x IN (?, ?)", { "a", "b", n = 2 }, "x IN ('a', 'b')" },
  { "sqlite", "SELECT ?", { true, n = 1 }, "SELECT 1" },
  { "mysql", "SELECT 'it\\'s ?', \"?\", `?`, ?", { "a\\b", n = 1 },
    "SELECT 'it\\'s ?', \"?\", `?`, 'a\\\\b'" },
  { "mysql", "# ?\nSELECT ? -- ?", { 7, n = 1 }, "# ?\nSELECT 7 -- ?" },
  -- '$' and E inside a word begin no quote: the scan that steps over plain
  -- bytes must read them as the token scan does
  { "postgres", "SELECT x$$?$$, ?", { 1, n = 1 }, "SELECT x$$1$$, ?" },
  { "postgres", "SELECT 'a'e'\\'?', ?", { 1, n = 1 }, "SELECT 'a'e'\\'?', 1" },
  { "postgres", "SELECT ne'\\'?', ?", { 1, n = 1 }, "SELECT ne'\\'1', ?" },
  { "mysql", "SELECT `a`, 'b' -- no placeholder", { n = 0 }, "SELECT `a`, 'b' -- no placeholder" },
}

describe("g:interpolate", function()
  for _, case in ipairs(INTERPOLATE) do
    local dialect, sql, values, want = case[1], case[2], case[3], case[4]
    it(("writes the values into %s SQL: %q"):format(dialect, sql), function()
      local g = core.grammar(dialect)
      assert.equals(want, g:interpolate(sql, table.unpack(values, 1, values.n)))
    end)
  end

  it("gives the SQL back as it is without values, as the driver sends it", function()
    for _, d in ipairs({ "sqlite", "postgres", "mysql" }) do
      local g = core.grammar(d)
      assert.equals("SELECT ? ?? '?'", g:interpolate("SELECT ? ?? '?'"))
    end
  end)

  it("says how many parameters the SQL takes when the count is wrong", function()
    local g = core.grammar("postgres")
    local sql, msg = g:interpolate("SELECT ?, '?', ??", 1, 2)
    assert.is_nil(sql)
    assert.equals("wrong number of parameters: the SQL takes 1, got 2", msg)
    sql, msg = g:interpolate("SELECT 1 /* ? */", 1)
    assert.is_nil(sql)
    assert.equals("wrong number of parameters: the SQL takes 0, got 1", msg)
  end)

  it("refuses what has no literal", function()
    local g = core.grammar("sqlite")
    assert.error_matches(function() g:interpolate("SELECT ?", {}) end, "SQL value expected")
    assert.error_matches(function() g:interpolate("SELECT ?", "a\0b") end, "NUL byte")
  end)

  pg_it("finds the placeholders the PostgreSQL driver finds", function()
    local conn = assert(core.connect("postgres", pg_conninfo()))
    local g = core.grammar("postgres")
    local sql = "SELECT ?::int AS a, '?' AS b, '{\"k\":1}'::jsonb ?? 'k' AS c, "
      .. "$$x?y$$ AS d /* why? */, ? AS e"
    local bound = assert(conn:query(sql, 5, "it's"))
    local text = g:interpolate(sql, 5, "it's")
    local printed = assert(conn:query(text))
    conn:close()
    assert.same(bound, printed)
    assert.same({ a = 5, b = "?", c = true, d = "x?y", e = "it's" }, bound[1])
  end)
end)

local function tok(text, s, kind, name)
  return { text = text, s = s, e = s + #text - 1, kind = kind, name = name }
end

-- { sql, the tokens }
local TOKENIZE = {
  { "CREATE TABLE t (a INT)", {
    tok("CREATE", 1, "id", "CREATE"), tok("TABLE", 8, "id", "TABLE"), tok("t", 14, "id", "t"),
    tok("(", 16, "punct"), tok("a", 17, "id", "a"), tok("INT", 19, "id", "INT"), tok(")", 22, "punct") } },
  { "\"a\"\"b\" [c d] `e` 'f''g'", {
    tok("\"a\"\"b\"", 1, "id", "a\"b"), tok("[c d]", 8, "id", "c d"), tok("`e`", 14, "id", "e"),
    tok("'f''g'", 18, "str") } },
  { "x -- note\n/* block */ 12ab$c, ?", {
    tok("x", 1, "id", "x"), tok("12ab$c", 23, "id", "12ab$c"), tok(",", 29, "punct"),
    tok("?", 31, "punct") } },
  { "\"unclosed", { tok("\"unclosed", 1, "id", "unclose") } },
  { "'open /* x", { tok("'open /* x", 1, "str") } },
  { "a /* open", { tok("a", 1, "id", "a") } },
  { "", {} },
}

describe("core.tokenize", function()
  for _, case in ipairs(TOKENIZE) do
    it(("cuts %q"):format(case[1]), function()
      assert.same(case[2], core.tokenize(case[1]))
    end)
  end

  it("cuts by MySQL's rules when asked: backslash escapes, # comments, `a``b`", function()
    assert.same({ tok("'it\\'s'", 1, "str"), tok("`a``b`", 19, "id", "a`b"), tok("\"q\"", 26, "str") },
      core.tokenize("'it\\'s' # a note\n `a``b` \"q\"", "mysql"))
    assert.same({ tok("#", 1, "punct"), tok("x", 3, "id", "x") }, core.tokenize("# x"))
    assert.same({}, core.tokenize("# x", "mysql"))
    assert.error_matches(function() core.tokenize("x", "oracle") end, "invalid option")
  end)

  it("stops after max tokens, saying whether more follow (run/undo.lua reads the first words)", function()
    local all = core.tokenize("DROP TABLE `t` -- done", "mysql")
    local head, more = core.tokenize("DROP TABLE `t` -- done", "mysql", 2)
    assert.same({ all[1], all[2] }, head)
    assert.is_true(more)
    -- as many as there are, or more: all of them, and nothing said
    assert.same({ all, nil }, { core.tokenize("DROP TABLE `t` -- done", "mysql", 3) })
    assert.same({ all, nil }, { core.tokenize("DROP TABLE `t` -- done", "mysql", 12) })
    assert.same({ {}, true }, { core.tokenize("x", "mysql", 0) })
  end)
end)
