-- spec/unit/query_compile_spec.lua: the query grammar's own paths that
-- the SQL cases of spec/grammar/query_spec.lua do not reach one by one: a
-- name quoted in one pass (src/grammar/query.c's fastname) and the careful
-- way it leaves to, what g:query_args returns when the same SQL comes again
-- (the last SQL string kept), and inputs of a size no case has (a 1 MB
-- name, 100,000 values). Needs only core.so.
local core = require("lmigrate.core")

-- the select list of one name, on one dialect -> ok, SQL or message
local function select_of(dialect, name)
  local g = core.grammar(dialect)
  local ok, sql = pcall(g.query_sql, g, "select", { tbl = "t", cols = { name } }, "get")
  return ok, sql
end

-- { name, SQLite's select, MySQL's select }: quotes doubled only when they
-- are the dialect's, blanks without " as " kept in the name, tabs and any
-- case of AS, "t".* with an alias
local NAMES = {
  { 'a"b`c.d', 'SELECT "a""b`c"."d" FROM "t"', 'SELECT `a"b``c`.`d` FROM `t`' },
  { "my col", 'SELECT "my col" FROM "t"', "SELECT `my col` FROM `t`" },
  { "a  b as c", 'SELECT "a  b" AS "c" FROM "t"', "SELECT `a  b` AS `c` FROM `t`" },
  { "t.* as x", 'SELECT "t".* AS "x" FROM "t"', "SELECT `t`.* AS `x` FROM `t`" },
  { 's.t\tAS\t"x.y"', 'SELECT "s"."t" AS """x.y""" FROM "t"', 'SELECT `s`.`t` AS `"x.y"` FROM `t`' },
}

-- { name, message }: the careful way's errors, whichever part comes first
local BAD = {
  { "a\0b", "a name must not contain a NUL byte" },
  { "a as b\0c", "a name must not contain a NUL byte" },
  { "a..b", "'a..b' has an empty name part" },
  { "a. as b", "'a. as b' has an empty name part" },
  { " as b", "' as b' has an empty name part" },
  { "", "a name must not be empty" },
}

describe("query grammar: names", function()
  for _, c in ipairs(NAMES) do
    it(("writes %q"):format(c[1]), function()
      assert.same({ true, c[2] }, { select_of("sqlite", c[1]) })
      assert.same({ true, c[3] }, { select_of("mysql", c[1]) })
    end)
  end
  for _, c in ipairs(BAD) do
    it(("refuses %q"):format(c[1]), function()
      for _, d in ipairs({ "sqlite", "postgres", "mysql" }) do
        assert.same({ false, "lmigrate: query:get: " .. c[2] }, { select_of(d, c[1]) })
      end
    end)
  end

  it("quotes a 1 MB name, and one of quotes only", function()
    local big = string.rep("a", 1024 * 1024)
    local ok, sql = select_of("postgres", big .. "." .. big .. " as " .. big)
    assert.is_true(ok)
    assert.equal(("SELECT %q.%q AS %q FROM \"t\""):format(big, big, big), sql)
    ok, sql = select_of("mysql", string.rep("`", 1024 * 1024))
    assert.is_true(ok)
    assert.equal("SELECT `" .. string.rep("``", 1024 * 1024) .. "` FROM `t`", sql)
  end)
end)

describe("query grammar: g:query_args", function()
  local g = core.grammar("postgres")
  local function args(tbl, op, v)
    return g:query_args("select", { tbl = tbl, wheres = { 0, "id", op, v, false } }, "get")   -- flat
  end

  it("returns each query's own SQL, again after the same text, another and an error", function()
    assert.equal('SELECT * FROM "t" WHERE "id" = ?', args("t", "=", 1))
    assert.equal('SELECT * FROM "t" WHERE "id" = ?', args("t", "=", 2))
    assert.equal('SELECT * FROM "u" WHERE "id" = ?', args("u", "=", 2))
    assert.equal('SELECT * FROM "u" WHERE "id" > ?', args("u", ">", 2))
    local ok, err = pcall(args, "t", "nope", 1)   -- placed at this file's line
    assert.is_false(ok)
    assert.matches("query_compile_spec%.lua:%d+: lmigrate: query:get: unknown operator 'nope'$", err)
    assert.equal('SELECT * FROM "u" WHERE "id" > ?', args("u", ">", 3))
    assert.same({ 'SELECT * FROM "t" WHERE "id" = ?', 7 }, { args("t", "=", 7) })
  end)

  it("returns 100,000 values of an IN list", function()
    local vals = {}
    for i = 1, 100000 do vals[i] = i end
    local r = table.pack(g:query_args("select", { tbl = "t", wheres = { 2, "id", vals, false, false } },
                                      "get"))
    assert.equal(100001, r.n)
    assert.equal(100000, r[100001])
    assert.equal('SELECT * FROM "t" WHERE "id" IN (?' .. string.rep(", ?", 99999) .. ")", r[1])
  end)
end)

describe("query grammar: the flat clauses (src/grammar/grammar.h)", function()
  local g = core.grammar("postgres")
  local function sql(q)
    q.tbl = "t"
    return g:query_args("select", q, "get")
  end

  it("reads flat clauses among tables, in order", function()
    assert.equal('SELECT * FROM "t" INNER JOIN "u" ON "u"."id" = "t"."u" WHERE "a" = ? AND "b" IS NULL '
                 .. 'OR "c" IN (?) AND ("d" > ?) ORDER BY "a" DESC, RANDOM(), "b" ASC',
                 (sql({ joins = { "INNER", "u", "u.id", "=", "t.u" },
                        wheres = { 0, "a", "=", 1, false, 4, "b", false, false, false,
                                   2, "c", { 5 }, false, true,
                                   { type = "nested", query = { wheres = { 0, "d", ">", 2, false } } } },
                        orders = { "a", "DESC", { random = true }, "b", "ASC" } })))
  end)

  it("raises for a flat clause cut short or of an unknown kind, never crashes", function()
    for _, q in ipairs({
      { wheres = { 0, "id" } }, { wheres = { 9, "id", "=", 1, false } }, { wheres = { "x" } },
      { havings = { 0, "id", "=", {}, false } }, { joins = { "INNER" } }, { orders = { "id" } },
      { orders = { "id", "UP" } },
    }) do
      local ok, err = pcall(sql, q)
      assert.is_false(ok)
      assert.matches("lmigrate: query:get: ", err)
    end
  end)
end)
