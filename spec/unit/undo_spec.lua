-- spec/unit/undo_spec.lua: lua/lmigrate/run/undo.lua without a server:
-- how a statement of a MySQL migration is classified (what the journal
-- runs in a transaction, on its own, or does not count), and the inverse
-- of each builder operation (from what SHOW CREATE TABLE said before).
local core = require("lmigrate.core")
local undo = require("lmigrate.run.undo")

local g = core.grammar("mysql")

-- what SHOW CREATE TABLE `users` said before the statement ran
local BEFORE = { users = { text = "CREATE TABLE `users` (...) ENGINE=InnoDB", lines = {
  "CREATE TABLE `users` (", "  `id` int(11) NOT NULL AUTO_INCREMENT",
  "  `a` varchar(255) DEFAULT NULL", "  `b` int(11) NOT NULL DEFAULT 3", "  PRIMARY KEY (`id`)",
  "  UNIQUE KEY `bu` (`b`)", "  KEY `x` (`a`)", "  FULLTEXT KEY `ft` (`a`)",
  "  CONSTRAINT `users_z_foreign` FOREIGN KEY (`b`) REFERENCES `teams` (`id`)",
  "  CONSTRAINT `chk` CHECK (`b` > 0)", ") ENGINE=InnoDB" } } }

describe("undo.kind", function()
  local CASES = {
    { "SELECT 1", "read" }, { "  (SELECT 1)", "read" }, { "show tables", "read" },
    { "DO SLEEP(1)", "read" }, { "WITH x AS (SELECT 1) SELECT * FROM x", "read" },
    { "/* why */ SET FOREIGN_KEY_CHECKS = 0", "session" }, { "USE app", "session" },
    { "START TRANSACTION", "tx" }, { "commit", "tx" }, { "SAVEPOINT s", "tx" },
    { "# a note\nINSERT INTO t VALUES (1)", "data" }, { "update t set a = 1", "data" },
    { "DELETE FROM t", "data" }, { "REPLACE INTO t VALUES (1)", "data" },
    { "CREATE TABLE t (a INT)", "ddl" }, { "ALTER TABLE t ADD b INT", "ddl" },
    { "TRUNCATE t", "ddl" }, { "CALL p()", "ddl" }, { "GRANT ALL ON *.* TO x", "ddl" },
  }
  for _, case in ipairs(CASES) do
    it(("%q is %s"):format(case[1], case[2]), function()
      assert.equals(case[2], undo.kind(case[1]))
    end)
  end
end)

describe("undo.creates", function()
  -- the journal writes a plain CREATE TABLE's row without reading its table
  local CASES = {
    { "CREATE TABLE `t_1` (`id` INT)", "t_1" }, { "create table t (a int)", "t" },
    { "CREATE TABLE IF NOT EXISTS t (a INT)", nil }, { "CREATE TEMPORARY TABLE t (a INT)", nil },
    { "CREATE OR REPLACE TABLE t (a INT)", nil }, { "CREATE TABLE t LIKE u", nil },
    { "CREATE TABLE t AS SELECT 1", nil }, { "CREATE INDEX i ON t (a)", nil },
    { "ALTER TABLE t ADD b INT", nil }, { "DROP TABLE t", nil },
  }
  for _, case in ipairs(CASES) do
    it(("%q -> %s"):format(case[1], tostring(case[2])), function()
      assert.equals(case[2], undo.creates(case[1]))
    end)
  end
end)

describe("undo.inverse", function()
  -- { statement, its inverse, the note (what it cannot bring back) }
  local CASES = {
    { "CREATE TABLE `users` (`id` INT)", "DROP TABLE `users`" },
    { "CREATE TEMPORARY TABLE t (a INT)", "DROP TABLE `t`" },
    { "create unique index i on t (a)", "DROP INDEX `i` ON `t`" },
    { "CREATE VIEW v AS SELECT 1", "DROP VIEW `v`" },
    { "CREATE TRIGGER tr AFTER INSERT ON t FOR EACH ROW SET @x = 1", "DROP TRIGGER `tr`" },
    { "ALTER TABLE `users` ADD COLUMN `a` VARCHAR(255) NULL", "ALTER TABLE `users` DROP COLUMN `a`" },
    { "ALTER TABLE users ADD c INT AFTER id", "ALTER TABLE `users` DROP COLUMN `c`" },
    { "ALTER TABLE `users` ADD INDEX `users_a_index` (`a`)",
      "ALTER TABLE `users` DROP INDEX `users_a_index`" },
    { "ALTER TABLE `users` ADD UNIQUE KEY `bu` (`b`)", "ALTER TABLE `users` DROP INDEX `bu`" },
    { "ALTER TABLE `users` ADD FULLTEXT `ft` (`a`)", "ALTER TABLE `users` DROP INDEX `ft`" },
    { "ALTER TABLE `users` ADD CONSTRAINT `fk` FOREIGN KEY (`b`) REFERENCES `teams` (`id`)",
      "ALTER TABLE `users` DROP FOREIGN KEY `fk`" },
    { "ALTER TABLE users ADD CONSTRAINT c CHECK (a > 0)", "ALTER TABLE `users` DROP CONSTRAINT `c`" },
    { "ALTER TABLE users ADD PRIMARY KEY (id)", "ALTER TABLE `users` DROP PRIMARY KEY" },
    { "ALTER TABLE `users` DROP COLUMN `a`",
      "ALTER TABLE `users` ADD COLUMN `a` varchar(255) DEFAULT NULL AFTER `id`", "its values are lost" },
    { "ALTER TABLE `users` DROP COLUMN `id`",
      "ALTER TABLE `users` ADD COLUMN `id` int(11) NOT NULL AUTO_INCREMENT FIRST", "its values are lost" },
    { "ALTER TABLE `users` DROP INDEX `x`", "ALTER TABLE `users` ADD KEY `x` (`a`)" },
    { "ALTER TABLE `users` DROP INDEX `bu`", "ALTER TABLE `users` ADD UNIQUE KEY `bu` (`b`)" },
    { "ALTER TABLE `users` DROP INDEX `ft`", "ALTER TABLE `users` ADD FULLTEXT KEY `ft` (`a`)" },
    { "ALTER TABLE `users` DROP FOREIGN KEY `users_z_foreign`",
      "ALTER TABLE `users` ADD CONSTRAINT `users_z_foreign` FOREIGN KEY (`b`) REFERENCES `teams` (`id`)" },
    { "ALTER TABLE `users` DROP CONSTRAINT `chk`",
      "ALTER TABLE `users` ADD CONSTRAINT `chk` CHECK (`b` > 0)" },
    { "ALTER TABLE `users` DROP PRIMARY KEY", "ALTER TABLE `users` ADD PRIMARY KEY (`id`)" },
    { "ALTER TABLE `users` RENAME COLUMN `c` TO `d`", "ALTER TABLE `users` RENAME COLUMN `d` TO `c`" },
    { "ALTER TABLE `users` RENAME INDEX `x` TO `y`", "ALTER TABLE `users` RENAME INDEX `y` TO `x`" },
    { "ALTER TABLE `users` MODIFY COLUMN `a` VARCHAR(50) NOT NULL",
      "ALTER TABLE `users` MODIFY COLUMN `a` varchar(255) DEFAULT NULL" },
    { "ALTER TABLE `users` CHANGE `a` `z` TEXT",
      "ALTER TABLE `users` CHANGE COLUMN `z` `a` varchar(255) DEFAULT NULL" },
    { "ALTER TABLE users ADD x int, DROP COLUMN a",
      "ALTER TABLE `users` ADD COLUMN `a` varchar(255) DEFAULT NULL AFTER `id`, DROP COLUMN `x`",
      "its values are lost" },
    { "DROP TABLE `users`", "CREATE TABLE `users` (...) ENGINE=InnoDB",
      "created again empty: the rows are lost" },
    { "DROP TABLE IF EXISTS `nothere`", "" },
    { "RENAME TABLE `a` TO `b`, c TO d", "RENAME TABLE `d` TO `c`, `b` TO `a`" },
  }
  for _, case in ipairs(CASES) do
    it(("undoes %q"):format(case[1]), function()
      local inv, note = undo.inverse(g, case[1], BEFORE)
      assert.equals(case[2], inv)
      assert.equals(case[3], note)
    end)
  end

  -- { statement, why it has no inverse }
  local NONE = {
    { "INSERT INTO x VALUES (1)", "a data statement: its changes stay" },
    { "CREATE TABLE IF NOT EXISTS `u` (a int)", "IF NOT EXISTS: what it found may have been there before" },
    { "CREATE OR REPLACE VIEW v AS SELECT 1", "it may have replaced what was there" },
    { "TRUNCATE TABLE `x`", "TRUNCATE: the rows are lost" },
    { "ALTER TABLE users COMMENT = 'x'", "no known inverse for COMMENT = 'x'" },
    { "ALTER TABLE `other` DROP COLUMN `a`", "the dropped column's definition was not found" },
    { "DROP TABLE `other`", "the definition of other was not read before the drop" },
    { "GRANT ALL ON *.* TO x", "no known inverse" },
  }
  for _, case in ipairs(NONE) do
    it(("has none for %q"):format(case[1]), function()
      local inv, why = undo.inverse(g, case[1], BEFORE)
      assert.is_nil(inv)
      assert.equals(case[2], why)
    end)
  end
end)

describe("undo.before", function()
  it("reads SHOW CREATE TABLE only for what a statement destroys", function()
    local asked = {}
    local db = { first = function(_, sql)
      asked[#asked + 1] = sql
      return { ["Create Table"] = "CREATE TABLE x (\n  `a` int,\n  KEY `k` (`a`)\n)" }
    end }
    assert.is_nil(undo.before(db, g, "ALTER TABLE t ADD COLUMN c INT"))
    assert.is_nil(undo.before(db, g, "CREATE TABLE t (a INT)"))
    local b = undo.before(db, g, "ALTER TABLE t ADD x INT, DROP COLUMN a")
    assert.same({ "  `a` int", "  KEY `k` (`a`)" }, { b.t.lines[2], b.t.lines[3] })
    undo.before(db, g, "DROP TABLE IF EXISTS a, `b`")
    assert.same({ "SHOW CREATE TABLE `t`", "SHOW CREATE TABLE `a`", "SHOW CREATE TABLE `b`" }, asked)
  end)
end)
