-- lmigrate owns a migration's transaction (and a seeder's): it commits the
-- migration together with its history row. A statement that ends or
-- nests that transaction behind its back (COMMIT, ROLLBACK, BEGIN, a
-- SAVEPOINT, ...) would commit half a migration, or record one whose work
-- is gone, so self.db refuses it while lmigrate holds a transaction. The
-- statements are found by their first words (core.statement_heads: the
-- one SQL scanner), also inside SQL text of several statements.
local core = require("lmigrate.core")
local errors = require("lmigrate.errors")

local M = {}

-- the first word of a transaction-control statement -> true, or the
-- second word it needs (PREPARE name AS ... is a prepared statement)
local CONTROL = {
  BEGIN = true, START = "TRANSACTION", COMMIT = true, END = true, ROLLBACK = true,
  ABORT = true, SAVEPOINT = true, RELEASE = true, PREPARE = "TRANSACTION", XA = true,
}

-- the second words that belong to the statement's name in messages
local NAMED = { TRANSACTION = true, WORK = true, TO = true, SAVEPOINT = true, PREPARED = true }

-- the transaction-control statement of 'sql' by its first words
-- ("COMMIT", "START TRANSACTION"), or nil
function M.find(sql, dialect)
  for _, head in ipairs(core.statement_heads(sql, dialect)) do
    local first, second = head:match("^(%S*)%s?(%S*)$")
    local want = CONTROL[first]
    if (want == true and not (first == "BEGIN" and second == "NOT")) or (want and want == second) then
      return NAMED[second] and head or first
    end
  end
  return nil
end

local OWNS = "lmigrate owns this transaction (it commits the migration together with its"
  .. " history row)"

-- check(db, sql, method, level [, owns]): raises at 'level' (of the caller
-- of check) when 'sql' holds a transaction-control statement and lmigrate
-- holds a transaction on db; 'owns' (text: how lmigrate owns the
-- migration's transactions) raises whatever db's depth
function M.check(db, sql, method, level, owns)
  if db.depth == 0 and not owns then return end
  local head = M.find(sql, db.driver)
  if not head then return end
  error(("lmigrate: db:%s: %s is transaction control, and %s: use self.db:transaction(fn)"
    .. " for a savepoint, or set transaction = false on the migration to manage transactions"
    .. " yourself"):format(method, head, owns or OWNS), level + 1)
end

-- still_open(db, what, fields): raises when the transaction lmigrate
-- opened on db is gone (a COMMIT or ROLLBACK that got past check: through
-- the connection itself, a procedure, an error SQLite rolled back on):
-- what comes after (the history row, the commit) would run outside it.
-- 'what' names the step ("up"); 'fields' place the error (migration, file).
-- Dialects whose DDL commits on its own (MySQL) are not asked.
function M.still_open(db, what, fields)
  -- a stand-in (--pretend, lmigrate sql) has no transaction of its own to lose
  if db.depth == 0 or not db.conn or not db.grammar:supports("transactional_ddl") then return end
  if db.conn:in_transaction() ~= false then return end
  db.depth = 0   -- nothing is left to commit or roll back
  fields.escaped = true
  errors.raise("migration", ("%s ended the transaction lmigrate ran it in (a COMMIT or ROLLBACK of"
    .. " its own): it is not recorded as applied, and what it ran after that stays in the"
    .. " database"):format(what), fields)
end

return M
