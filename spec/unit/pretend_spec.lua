-- The stand-in db of `migrate --pretend` and `lmigrate sql`: statements are
-- recorded with their values written in by the driver's own placeholder
-- rule (the one SQL scanner of src/lm_sql.c), and reads are refused offline.
local core = require("lmigrate.core")
local Pretend = require("lmigrate.db.pretend")
local errors = require("lmigrate.errors")

local function recorded(dialect, sql, ...)
  local db = Pretend.new(core.grammar(dialect))
  db:execute(sql, ...)
  return db:take()[1]
end

-- { dialect, sql, values, expected }
local CASES = {
  { "sqlite", "INSERT INTO t (a, b) VALUES (?, ?)", { 1, "it's" },
    "INSERT INTO t (a, b) VALUES (1, 'it''s')" },
  { "sqlite", "SELECT '?' , \"?\" , ? -- why?\n", { true }, "SELECT '?' , \"?\" , 1 -- why?\n" },
  { "sqlite", "UPDATE t SET a = ? /* why? */", { core.null }, "UPDATE t SET a = NULL /* why? */" },
  { "postgres", "SELECT data ?? 'a', ? /* why? */ FROM t", { 0.1 },
    "SELECT data ? 'a', 0.1 /* why? */ FROM t" },
  { "postgres", "DO $$BEGIN PERFORM 'a?b'; END$$; SELECT ?", { 2 },
    "DO $$BEGIN PERFORM 'a?b'; END$$; SELECT 2" },
  { "postgres", "SELECT $tag$a?b$tag$, ?", { "x" }, "SELECT $tag$a?b$tag$, 'x'" },
  { "postgres", "SELECT E'it\\'s?', ?", { false }, "SELECT E'it\\'s?', FALSE" },
  { "postgres", "SELECT data ?? 'a' FROM t", {}, "SELECT data ?? 'a' FROM t" },   -- no values: sent as is
  { "mysql", "INSERT INTO `t?` VALUES (?, 'a\\'?') # why?\n", { "b\\" },
    "INSERT INTO `t?` VALUES ('b\\\\', 'a\\'?') # why?\n" },
}

describe("pretend", function()
  for _, case in ipairs(CASES) do
    it(("%s: %s"):format(case[1], case[2]:gsub("\n", "\\n")), function()
      assert.equals(case[4], recorded(case[1], case[2], table.unpack(case[3])))
    end)
  end

  it("writes floats the shortest way that reads back", function()
    assert.equals("SELECT 0.1, 0.30000000000000004", recorded("sqlite", "SELECT ?, ?", 0.1, 0.1 + 0.2))
  end)

  for _, case in ipairs {
    { "SELECT ?, ?", { 1 }, "the SQL takes 2, got 1" },
    { "SELECT 1", { 1 }, "the SQL takes 0, got 1" },
  } do
    it("refuses the wrong number of values: " .. case[1], function()
      local ok, err = pcall(recorded, "postgres", case[1], table.unpack(case[2]))
      assert.is_false(ok)
      assert.is_true(errors.is(err))
      assert.equals("database", err.kind)
      assert.equals(case[1], err.sql)
      assert.truthy(err.message:find(case[3], 1, true), err.message)
    end)
  end

  it("is offline without a reader: the schema reads its model, a query is refused", function()
    local g = core.grammar("sqlite")
    local db = Pretend.new(g)
    local schema = require("lmigrate.schema").new(db, g)
    assert.is_true(db.offline)
    -- the schema the script built answers (spec/unit/schema_model_spec.lua)
    assert.is_false(schema:has_table("users"))
    schema:create("users", function(t) t:id() end)
    assert.is_true(schema:has_table("users"))
    assert.same({ "id" }, schema:get_column_listing("users"))
    local ok, err = pcall(db.query, db, "SELECT 1")
    assert.is_false(ok)
    assert.truthy(err.message:find("db:query", 1, true), err.message)
  end)

  it("sends reads to the reader when it has one", function()
    local reader = { query = function(_, sql) return { { sql = sql } } end }
    local db = Pretend.new(core.grammar("sqlite"), reader)
    assert.is_false(db.offline)
    assert.same({ sql = "SELECT 1" }, db:first("SELECT 1"))
  end)
end)
