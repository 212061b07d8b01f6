-- spec/unit/txcontrol_spec.lua: core.statement_heads (the first words of
-- each statement, by the one SQL scanner) and what db/txcontrol.lua reads
-- as transaction control from them. Needs only core.so.
local core = require("lmigrate.core")
local txcontrol = require("lmigrate.db.txcontrol")

describe("core.statement_heads", function()
  -- { dialect, sql, heads }
  local CASES = {
    { "sqlite", "COMMIT", { "COMMIT" } },
    { "sqlite", "select 1; commit;", { "SELECT 1", "COMMIT" } },
    { "sqlite", "-- commit\n/* rollback */ Begin Transaction;", { "BEGIN TRANSACTION" } },
    { "sqlite", ";; ;", {} },
    { "sqlite", "\"x\" ; (SELECT 1); savepoint \"a\"", { "", "", "SAVEPOINT" } },
    { "sqlite", "CREATE TRIGGER t AFTER INSERT ON x BEGIN UPDATE y SET a = 1; END; ROLLBACK",
      { "CREATE TRIGGER", "ROLLBACK" } },
    { "sqlite", "CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT CASE WHEN 1 THEN 2 END; END; END",
      { "CREATE TRIGGER", "END" } },
    { "sqlite", "SELECT 'a;commit'; SELECT [b;rollback]", { "SELECT", "SELECT" } },
    { "postgres", "DO $$ BEGIN COMMIT; END $$; select 1", { "DO", "SELECT 1" } },
    { "postgres", "select e'\\';commit'; commit", { "SELECT", "COMMIT" } },
    { "postgres", "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END; ABORT",
      { "CREATE FUNCTION", "ABORT" } },
    { "mysql", "CREATE PROCEDURE p() BEGIN IF 1 THEN SELECT 1; END IF; COMMIT; END; START TRANSACTION",
      { "CREATE PROCEDURE", "START TRANSACTION" } },
    { "mysql", "BEGIN NOT ATOMIC SELECT 1; COMMIT; END; XA START 'x'", { "BEGIN NOT", "XA START" } },
    { "mysql", "SELECT \"a;commit\" # commit\n; rollback", { "SELECT", "ROLLBACK" } },
  }
  for _, c in ipairs(CASES) do
    it(("%s: %q"):format(c[1], c[2]), function()
      assert.same(c[3], core.statement_heads(c[2], c[1]))
    end)
  end

  it("takes sqlite by default and refuses an unknown dialect", function()
    assert.same({ "COMMIT" }, core.statement_heads("commit"))
    assert.has_error(function() core.statement_heads("commit", "oracle") end)
  end)
end)

describe("txcontrol.find", function()
  local CONTROL = {
    { "COMMIT", "COMMIT" }, { "commit work", "COMMIT WORK" }, { "END", "END" },
    { "ROLLBACK TO SAVEPOINT x", "ROLLBACK TO" }, { "rollback", "ROLLBACK" },
    { "BEGIN", "BEGIN" }, { "begin immediate", "BEGIN" }, { "START TRANSACTION", "START TRANSACTION" },
    { "SAVEPOINT s1", "SAVEPOINT" }, { "RELEASE s1", "RELEASE" }, { "ABORT", "ABORT" },
    { "PREPARE TRANSACTION 'x'", "PREPARE TRANSACTION" }, { "XA START 'x'", "XA" },
    { "INSERT INTO t DEFAULT VALUES; COMMIT", "COMMIT" },
  }
  for _, c in ipairs(CONTROL) do
    it("finds " .. c[1], function() assert.equals(c[2], txcontrol.find(c[1], "postgres")) end)
  end

  local NOT_CONTROL = {
    "SELECT 'COMMIT'", "PREPARE q AS SELECT 1", "START SLAVE", "CREATE TABLE begin_end (x int)",
    "BEGIN NOT ATOMIC SELECT 1; END", "-- COMMIT\nSELECT 1", "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE",
  }
  for _, sql in ipairs(NOT_CONTROL) do
    it("passes " .. sql, function() assert.is_nil(txcontrol.find(sql, "mysql")) end)
  end
end)
