-- spec/unit/numtext_spec.lua: the one number formatter (lm_numtext in
-- src/lm_aux.c): a float is the shortest text that reads back as the same
-- number, wherever a number becomes text: g:literal (lmigrate sql and
-- --pretend), g:interpolate, col:default, COPY data (core.copy_encode),
-- JSON output, and core.numtext itself.
local core = require("lmigrate.core")

-- { number, its text }
local CASES = {
  { 0.1, "0.1" },
  { 0.5, "0.5" },
  { -2.25, "-2.25" },
  { 1 / 3, "0.3333333333333333" },
  { 0.1 + 0.2, "0.30000000000000004" },
  { 1e300, "1e+300" },
  { 2.0, "2" },
  { 42, "42" },
  { math.maxinteger, tostring(math.maxinteger) },
  { math.mininteger, tostring(math.mininteger) },
}

describe("core.numtext", function()
  for _, case in ipairs(CASES) do
    it(("writes %s as %s"):format(math.type(case[1]), case[2]), function()
      local text = core.numtext(case[1])
      assert.equals(case[2], text)
      assert.equals(case[1], tonumber(text))
    end)
  end

  it("refuses NaN and infinity, which JSON and SQL have no text for", function()
    for _, x in ipairs({ 0 / 0, math.huge, -math.huge }) do
      assert.error_matches(function() core.numtext(x) end, "NaN and infinity have no number text")
    end
    assert.error_matches(function() core.numtext("1") end, "number expected")
  end)
end)

describe("a float becoming text", function()
  it("is the same in every SQL literal", function()
    for _, d in ipairs({ "sqlite", "postgres", "mysql" }) do
      local g = core.grammar(d)
      assert.equals("0.1", g:literal(0.1))
      assert.equals("0.30000000000000004", g:literal(0.1 + 0.2))
      assert.equals("INSERT INTO t VALUES (0.1, 7)", g:interpolate("INSERT INTO t VALUES (?, ?)", 0.1, 7))
    end
  end)

  it("is the same in a column default, which keeps a float a float", function()
    local g = core.grammar("sqlite")
    local t = core.blueprint("t", "create")
    t:double("a"):default(0.1)
    t:double("b"):default(1.0)
    t:double("c"):default(0.1 + 0.2)
    assert.equals('CREATE TABLE "t" ("a" DOUBLE NOT NULL DEFAULT 0.1, "b" DOUBLE NOT NULL DEFAULT 1.0, '
      .. '"c" DOUBLE NOT NULL DEFAULT 0.30000000000000004)', t:to_sql(g)[1])
  end)

  it("is the same in COPY data and in JSON", function()
    assert.equals("0.1\t0.30000000000000004\n",
      core.copy_encode({ "a", "b" }, { { a = 0.1, b = 0.1 + 0.2 } }, 1, 1))
    assert.equals('{"a":0.1,"n":3}', require("lmigrate.json").encode({ a = 0.1, n = 3 }))
  end)
end)
