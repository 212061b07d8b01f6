-- The safety lint's rules: one table, one entry per rule, in the order
-- README's table lists them. Each has a stable id (what unsafe_ok names),
-- the dialects it applies to, the lock the operation takes, a one-line
-- reason and the safe form; 'error' marks what the server itself refuses
-- (a finding that stops migrate even without --strict). lint/run.lua
-- evaluates them on the blueprints a migration builds.
local M = {}

M.list = {
  { id = "index-concurrently", dialects = { postgres = true },
    lock = "SHARE on the table (CREATE INDEX), ACCESS EXCLUSIVE (DROP INDEX)",
    reason = "an index built or dropped without CONCURRENTLY blocks every write to %s until it is done",
    safe = "index(...):concurrently(), drop_index(...):concurrently(), or online = true" },
  { id = "concurrently-in-transaction", dialects = { postgres = true }, error = true,
    lock = "none: PostgreSQL refuses it",
    reason = "CREATE/DROP INDEX CONCURRENTLY cannot run inside a transaction block (on %s):"
      .. " PostgreSQL fails the migration",
    safe = "online = true (the index gets an autocommit step of its own) or transaction = false" },
  { id = "foreign-key-not-valid", dialects = { postgres = true },
    lock = "SHARE ROW EXCLUSIVE on both tables while every row is checked",
    reason = "a foreign key added to existing table %s checks every row while writes to it and"
      .. " the referenced table wait",
    safe = "foreign(...):not_valid() then t:validate_foreign(name) in a later step, or online = true" },
  { id = "check-not-valid", dialects = { postgres = true },
    lock = "ACCESS EXCLUSIVE while every row is checked",
    reason = "a CHECK added to existing table %s scans it under ACCESS EXCLUSIVE",
    safe = "check(expr, name):not_valid() then t:validate_check(name) in a later step, or online = true" },
  { id = "set-not-null", dialects = { postgres = true },
    lock = "ACCESS EXCLUSIVE while every row is checked",
    reason = "SET NOT NULL on existing table %s scans it under ACCESS EXCLUSIVE",
    safe = "online = true (a CHECK (c IS NOT NULL) NOT VALID, validated, then SET NOT NULL: PG 12+"
      .. " skips the scan)" },
  { id = "add-not-null-column", dialects = { postgres = true, mysql = true, sqlite = true },
    lock = "ACCESS EXCLUSIVE",
    reason = "a NOT NULL column without a default added to existing table %s fails on its first row",
    safe = "add it nullable() (or with a default), backfill it, then change() it to NOT NULL"
      .. " with online = true" },
  { id = "column-type-rewrite", dialects = { postgres = true },
    lock = "ACCESS EXCLUSIVE while the table is rewritten",
    reason = "changing the column's type rewrites existing table %s (and its indexes) under"
      .. " ACCESS EXCLUSIVE",
    safe = "a new column, backfilled (self:backfill), then a switch of the application; a varchar"
      .. " that grows, varchar to text and a numeric that grows do not rewrite" },
  { id = "volatile-default", dialects = { postgres = true },
    lock = "ACCESS EXCLUSIVE while the table is rewritten",
    reason = "a column added to existing table %s with %s rewrites the table",
    safe = "add the column without a default (or a constant one on PostgreSQL 11+), backfill it,"
      .. " then set the default" },
  { id = "constraint-using-index", dialects = { postgres = true },
    lock = "ACCESS EXCLUSIVE while the index is built",
    reason = "a UNIQUE or PRIMARY KEY added to existing table %s builds its index under ACCESS"
      .. " EXCLUSIVE",
    safe = "unique(...):concurrently() or online = true (the index built CONCURRENTLY, then"
      .. " ADD CONSTRAINT ... USING INDEX)" },
  { id = "rename-column", dialects = { postgres = true, mysql = true, sqlite = true },
    lock = "ACCESS EXCLUSIVE (brief)",
    reason = "renaming a column of %s breaks the application code still running, which reads"
      .. " the old name",
    safe = "a new column, written by both versions of the code, then drop the old one; or"
      .. " unsafe_ok(\"why\") once no code reads it" },
  { id = "rename-table", dialects = { postgres = true, mysql = true, sqlite = true },
    lock = "ACCESS EXCLUSIVE (brief)",
    reason = "renaming table %s breaks the application code still running, which reads the old name",
    safe = "a view under the old name during the deploy, or unsafe_ok once no code reads it" },
  { id = "drop-column", dialects = { postgres = true, mysql = true, sqlite = true },
    lock = "ACCESS EXCLUSIVE (brief)",
    reason = "dropping a column of %s breaks the application code still running, which reads it",
    safe = "deploy code that no longer reads it first, then drop it with unsafe_ok(\"why\")" },
  { id = "drop-table", dialects = { postgres = true, mysql = true, sqlite = true },
    lock = "ACCESS EXCLUSIVE (brief)",
    reason = "dropping table %s breaks the application code still running, which reads it",
    safe = "deploy code that no longer reads it first, then drop it with unsafe_ok" },
  { id = "data-in-ddl-transaction", dialects = { postgres = true, sqlite = true },
    lock = "the DDL's locks held while the data statement runs",
    reason = "%s in the same transaction as DDL holds the DDL's locks for as long as the data"
      .. " takes",
    safe = "a migration of its own for the data (self:backfill: short transactions), or"
      .. " transaction = false" },
  { id = "prefer-jsonb", dialects = { postgres = true },
    lock = "none",
    reason = "json column %s: json keeps the text as written and has no equality or GIN index;"
      .. " jsonb serves almost every use",
    safe = "t:jsonb(column)" },
  { id = "no-lock-timeout", dialects = { postgres = true },
    lock = "whatever its DDL takes, waited for without a bound",
    reason = "the migration alters existing table %s with lock budgets off and no lock_timeout:"
      .. " a long transaction makes every query on the table queue behind its DDL",
    safe = "lock_timeout = \"2s\" on the migration (or turn the connection's lock budget on)" },
}

M.by_id = {}
for _, r in ipairs(M.list) do M.by_id[r.id] = r end

-- the ids, in the table's order, for messages
function M.ids()
  local t = {}
  for i, r in ipairs(M.list) do t[i] = r.id end
  return table.concat(t, ", ")
end

return M
