-- An online = true migration on PostgreSQL: its blueprints compile to
-- their safe forms (bp:online(), grammar/postgres.c), and what must run
-- outside a transaction (CREATE INDEX CONCURRENTLY, VALIDATE CONSTRAINT,
-- the SET NOT NULL after a validated CHECK) waits in db.deferred while
-- the rest of the migration runs in its transaction. After that commits,
-- each waiting statement runs on its own (autocommit), in order; the
-- history row is written only when every one succeeded. A failed
-- CONCURRENTLY build leaves an INVALID index: it is dropped before the
-- error is raised. The transactional part stays committed then, without
-- its history row: the migration runs again from its start next time.
local errors = require("lmigrate.errors")

local M = {}

-- open(db, class, own) -> the list the statements wait in, or nil when
-- the migration is not online or holds no transaction of its own (then
-- they run where they are, in autocommit)
function M.open(db, class, own)
  if class.online ~= true or not own or db.driver ~= "postgres" then return nil end
  db.deferred = {}
  return db.deferred
end

-- the history write inside the transaction, unless statements wait
function M.record(steps, record)
  return function()
    if #steps == 0 then record() end
  end
end

-- runs the waiting statements, then writes the history row
function M.finish(db, entry, steps, record)
  db.deferred = nil
  if #steps == 0 then return end
  for i, s in ipairs(steps) do
    local ok, err = pcall(db.execute, db, s.sql)
    if not ok then
      if s.undo then pcall(db.execute, db, s.undo) end
      local msg = errors.is(err) and errors.text(err.message) or tostring(err)
      errors.raise("migration", ("%s: step %d of %d outside the transaction failed: %s\n  the"
        .. " transactional part is committed, the history row not written%s"):format(entry.name,
        i, #steps, msg, s.undo and "; the INVALID index it left was dropped" or ""),
        { migration = entry.name, file = entry.file, sql = s.sql,
          code = errors.is(err) and err.code or nil })
    end
  end
  record()
end

return M
