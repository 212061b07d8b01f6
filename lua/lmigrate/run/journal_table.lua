-- The journal table of a dialect without transactional DDL (MySQL):
-- <history table>_journal, one row per statement of a migration (or of a
-- down) that runs statement by statement (run/journal.lua runs them,
-- run/partial.lua reads the rows back). A row is "running" from just
-- before its statement runs until it has committed ("applied"), or
-- "failed"; the history row's transaction deletes them all.
local core = require("lmigrate.core")

local M = {}

-- characters of a statement kept in the journal
local KEPT = 4000

-- {======================================================
-- The journal table
-- ======================================================

function M.applies(m)
  return not m.db.grammar:supports("transactional_ddl")
end

function M.table_name(m) return m.repo.name .. "_journal" end

function M.define(t)
  t:increments("id")
  t:string("migration")
  t:integer("position")
  t:integer("total"):nullable()
  t:string("state", 16)        -- "applied", or "failed" (the statement that failed)
  t:text("statement")
  t:string("checksum", 16)
  t:text("inverse"):nullable() -- the SQL that undoes it ("": nothing to undo)
  t:text("note"):nullable()    -- what the inverse cannot bring back; the error
  t:big_integer("connection"):nullable()  -- "running": the connection that runs it
  t:long_text("fingerprint"):nullable()   -- "running": its table before (undo.fingerprint)
  t:datetime("ran_at"):use_current()
end

function M.exists(m)
  if m.journal_exists == nil then m.journal_exists = m.schema:has_table(M.table_name(m)) end
  return m.journal_exists
end

function M.ensure(m)
  if M.exists(m) then return end
  m.schema:create(M.table_name(m), M.define)
  m.journal_exists = true
end

local COLUMNS = { "migration", "position", "total", "state", "statement", "checksum", "inverse",
                  "note", "connection", "fingerprint" }

-- "table ? exists" in the database m.schema_name (run/journal.lua reads it
-- once: the name itself, not DATABASE(), lets MariaDB look the one table
-- up: 0.2 ms a statement less, the server's part of a rollback of 200
-- tables 1.3x faster), or DATABASE() when there is none; the table's name
-- bound twice: MySQL's table_name comparison ignores case where the
-- server's names may not. -> the SQL, and the values, in 'values' from n + 1
local function exists(m, tbl, values, n)
  local schema = m.schema_name
  local k = n
  if schema then k = k + 1; values[k] = schema end
  values[k + 1], values[k + 2] = tbl, tbl
  return ("EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = %s"
    .. " AND table_name = ? AND BINARY table_name = BINARY ?)"):format(schema and "?" or "DATABASE()"), k + 2
end

-- inserts the rows 'list' ({ position, text, checksum, inverse, note, state });
-- ahead: in the round trip of the next statement, just before it (db:ahead);
-- absent: a table name, the one row goes in only while no such table exists
-- (the row of a CREATE TABLE, which fails when it does); present: a table
-- name, the one row's fingerprint is "+" while it exists, else "-", read
-- by the server as the row goes in (the row of a down's DROP TABLE)
function M.write(m, name, total, list, ahead, absent, present)
  M.ensure(m)
  local g = m.db.grammar
  local quoted, tuple, values, n = {}, "(" .. string.rep("?", #COLUMNS, ", ") .. ")", {}, 0
  for i, c in ipairs(COLUMNS) do quoted[i] = g:quote(c) end
  for _, st in ipairs(list) do
    for _, v in ipairs { name, st.position, total or core.null, st.state or "applied",
                         st.text:sub(1, KEPT), st.checksum, st.inverse or core.null,
                         st.note or core.null, st.connection or core.null,
                         st.fingerprint or core.null } do
      n = n + 1
      values[n] = v
    end
  end
  local sql = ("INSERT INTO %s (%s) VALUES %s"):format(g:quote(M.table_name(m)),
    table.concat(quoted, ", "), string.rep(tuple, #list, ", "))
  if absent then
    local cond
    cond, n = exists(m, absent, values, n)
    sql = ("INSERT INTO %s (%s) SELECT %s FROM DUAL WHERE NOT %s"):format(g:quote(M.table_name(m)),
      table.concat(quoted, ", "), tuple:sub(2, -2), cond)
  elseif present then  -- the last column, the fingerprint, read by the server
    local cond
    cond, n = exists(m, present, values, n - 1)
    sql = ("INSERT INTO %s (%s) SELECT %s, CASE WHEN %s THEN '+' ELSE '-' END FROM DUAL")
      :format(g:quote(M.table_name(m)), table.concat(quoted, ", "), tuple:sub(2, -5), cond)
  end
  if ahead then return m.db:ahead(#list, sql, table.unpack(values, 1, n)) end
  m.db:execute(sql, table.unpack(values, 1, n))
end

-- sets the state of the row of statement 'position' of migration 'name'
-- ("applied", "failed" with its note), which was "running"
function M.mark(m, name, position, state, note)
  local g = m.db.grammar
  m.db:execute(("UPDATE %s SET state = ?, note = COALESCE(?, note), %s = NULL, %s = NULL"
    .. " WHERE migration = ? AND position = ? AND state = 'running'"):format(g:quote(M.table_name(m)),
    g:quote("connection"), g:quote("fingerprint")), state, note or core.null, name, position)
end

-- whether the journal has the row of statement 'position' of migration 'name'
function M.has_row(m, name, position)
  local r = m.db:first(("SELECT COUNT(*) AS n FROM %s WHERE migration = ? AND position = ?")
    :format(m.db.grammar:quote(M.table_name(m))), name, position)
  return tonumber(r.n) > 0
end

-- deletes the rows of migration 'name' (of 'state' only, when given);
-- ahead: in the round trip of the next statement (the history's COMMIT)
function M.delete(m, name, state, ahead)
  local sql = "DELETE FROM " .. m.db.grammar:quote(M.table_name(m)) .. " WHERE migration = ?"
  if ahead then return m.db:ahead(0, sql, name) end
  if state then return m.db:execute(sql .. " AND state = ?", name, state) end
  return m.db:execute(sql, name)
end

-- }======================================================

return M
