-- The journal table of a dialect without transactional DDL (MySQL):
-- <history table>_journal, one row per statement of a migration (or of a
-- down) that runs statement by statement (run/journal.lua runs them,
-- run/partial.lua reads the rows back). A row is "running" from just
-- before its statement runs until it has committed ("applied"), or
-- "failed". Once its step has committed, the rows are stale: an up's
-- once its migration is in the history, a down's (down = 1) once it is
-- no longer there; they are left for one DELETE at the end of the run
-- (M.sweep), which the history row's round trip so goes without, and
-- every reader leaves them out (run/partial.lua, which sweeps what a kill
-- left before a run goes on).
local core = require("lmigrate.core")
local Repository = require("lmigrate.run.repository")

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
  t:boolean("down"):default(false)        -- a statement of a down
  t:long_text("fingerprint"):nullable()   -- "running": its table before (undo.fingerprint)
  t:datetime("ran_at"):use_current()
end

-- a journal made before its rows were left for the sweep has no column
-- down: it is added, and its rows of a migration in the history are a
-- down's (an up's went with its history row then)
local function upgrade(m)
  local db, g = m.db, m.db.grammar
  local q, h = g:quote(M.table_name(m)), g:quote(m.repo.name)
  db:execute(("ALTER TABLE %s ADD COLUMN %s TINYINT(1) NOT NULL DEFAULT 0 AFTER %s"):format(q,
    g:quote("down"), g:quote("connection")))
  db:execute(("UPDATE %s SET %s = 1 WHERE migration IN (SELECT migration FROM %s)"):format(q,
    g:quote("down"), h))
end

-- whether the journal table exists (asked once a run, with its column down)
function M.exists(m)
  if m.journal_exists == nil then
    local r = m.db:first("SELECT COUNT(*) AS n, COALESCE(SUM(column_name = 'down'), 0) AS d FROM"
      .. " information_schema.columns WHERE table_schema = DATABASE() AND table_name = ?", M.table_name(m))
    m.journal_exists = tonumber(r.n) > 0
    if m.journal_exists and tonumber(r.d) == 0 then upgrade(m) end
  end
  return m.journal_exists
end

-- the journal's rows by 'sql' (a SELECT of them), or nil when the journal
-- does not exist. At the first read of a run the SELECT is sent without
-- M.exists' information_schema.columns (the dearest query of a run's
-- start): its failure says that the table is not there, or that it has no
-- column down yet (M.exists adds it: Repository.try_read)
function M.rows(m, sql)
  if m.journal_exists == nil then
    local rows, errno = Repository.try_read(m.db, sql)
    if rows then
      m.journal_exists = true
      return rows
    end
    if errno == 1146 then
      m.journal_exists = false
      return nil
    end
  end
  if not M.exists(m) then return nil end
  return m.db:query(sql)
end

function M.ensure(m)
  if M.exists(m) then return end
  m.schema:create(M.table_name(m), M.define)
  m.journal_exists = true
end

local COLUMNS = { "migration", "position", "total", "state", "statement", "checksum", "inverse",
                  "note", "connection", "down", "fingerprint" }

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

-- inserts the rows 'list' ({ position, text, checksum, inverse, note, state, down });
-- ahead: in the round trip of the next statement, just before it (db:ahead);
-- absent: a table name, the one row goes in only while no such table exists
-- (the row of a CREATE TABLE, which fails when it does); present: a table
-- name, the one row's fingerprint is "+" while it exists, else "-", read
-- by the server as the row goes in (the row of a down's DROP TABLE)
local TUPLE = "(" .. string.rep("?", #COLUMNS, ", ") .. ")"

-- the journal table and its columns quoted, per grammar and table name:
-- every statement writes a row
local quoted_of = setmetatable({}, { __mode = "k" })

local function quoted_names(g, tbl)
  local by = quoted_of[g]
  if not by then by = {}; quoted_of[g] = by end
  local q = by[tbl]
  if not q then
    local cols = {}
    for i, c in ipairs(COLUMNS) do cols[i] = g:quote(c) end
    q = { g:quote(tbl), table.concat(cols, ", ") }
    by[tbl] = q
  end
  return q[1], q[2]
end

function M.write(m, name, total, list, ahead, absent, present)
  M.ensure(m)
  local g = m.db.grammar
  local values, n = {}, 0
  local qtable, qcols = quoted_names(g, M.table_name(m))
  for _, st in ipairs(list) do
    for _, v in ipairs { name, st.position, total or core.null, st.state or "applied",
                         st.text:sub(1, KEPT), st.checksum, st.inverse or core.null,
                         st.note or core.null, st.connection or core.null, st.down and 1 or 0,
                         st.fingerprint or core.null } do
      n = n + 1
      values[n] = v
    end
  end
  local sql = ("INSERT INTO %s (%s) VALUES %s"):format(qtable, qcols, string.rep(TUPLE, #list, ", "))
  if absent then
    local cond
    cond, n = exists(m, absent, values, n)
    sql = ("INSERT INTO %s (%s) SELECT %s FROM DUAL WHERE NOT %s"):format(qtable, qcols,
      TUPLE:sub(2, -2), cond)
  elseif present then  -- the last column, the fingerprint, read by the server
    local cond
    cond, n = exists(m, present, values, n - 1)
    sql = ("INSERT INTO %s (%s) SELECT %s, CASE WHEN %s THEN '+' ELSE '-' END FROM DUAL")
      :format(qtable, qcols, TUPLE:sub(2, -5), cond)
  end
  if ahead then return m.db:ahead_with(#list, sql, table.unpack(values, 1, n)) end
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

-- the SQL that keeps a row out of the stale ones: an up's row whose
-- migration is in the history, a down's whose migration is not
function M.live(m)
  local g = m.db.grammar
  local q = g:quote(M.table_name(m))
  return ("%s.%s = EXISTS (SELECT 1 FROM %s h WHERE h.migration = %s.migration)"):format(q,
    g:quote("down"), g:quote(m.repo.name), q)
end

-- deletes the stale rows (those of the steps that committed), when a step
-- of this run left some (m.journal_left) or 'any'
function M.sweep(m, any)
  if not (m.journal_left or any) then return end
  m.db:execute(("DELETE FROM %s WHERE NOT (%s)"):format(m.db.grammar:quote(M.table_name(m)), M.live(m)))
  m.journal_left = nil
end

-- }======================================================

return M
