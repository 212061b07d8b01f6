-- Migrations on a dialect without transactional DDL (MySQL, MariaDB:
-- g:supports("transactional_ddl") is false). MySQL commits each schema
-- statement on its own, so a migration that fails at its third statement
-- has applied two and no ROLLBACK brings them back. Such a migration runs
-- here instead of in one transaction:
--   * it first runs as a plan (nothing executes; reads still do), which
--     gives its statements: their number, and on --resume their text;
--   * each schema statement runs on its own; its row goes into the
--     journal table (<history table>_journal) before it runs, as
--     "running", with the SQL that undoes it (run/undo.lua), the
--     connection and the fingerprint of the table it changes, and becomes
--     "applied" once the statement has committed;
--   * consecutive data statements run in one transaction, which commits
--     with their journal rows just before the next schema statement;
--   * the history row goes in with the last of them; after a schema
--     statement it is held for the next statement sent, and commits with
--     the next step's first journal row in one transaction (db:hold,
--     db:ahead_with), as a statement's "applied" mark does with the next
--     statement's row; the migration's journal rows are then stale, and go
--     at the end of the run, all at once (journal_table.lua's sweep).
-- The last planned statement's row need not become "applied": the history
-- row records it. MySQL finishes a statement whose client is gone (a kill
-- -9, a lost connection), so a "running" row may name a statement that
-- applied after all: once its connection has ended, run/partial.lua tells
-- which by the fingerprint (status, migrate --resume, rollback --partial).
local core = require("lmigrate.core")
local errors = require("lmigrate.errors")
local invoke = require("lmigrate.run.invoke")
local keys = require("lmigrate.schema.foreign_keys")
local loader = require("lmigrate.run.loader")
local txcontrol = require("lmigrate.db.txcontrol")
local Schema = require("lmigrate.schema")
local statements = require("lmigrate.db.statements")
local jtable = require("lmigrate.run.journal_table")
local undo = require("lmigrate.run.undo")

local M = {}

-- characters of a statement shown in messages
local SHOWN = 160

-- the journal table (run/journal_table.lua), as this module's too
for _, k in ipairs { "applies", "table_name", "define", "exists", "ensure", "write", "mark", "delete",
                     "has_row", "live", "sweep", "rows" } do
  M[k] = jtable[k]
end
local ensure = jtable.ensure

-- {======================================================
-- The migration's self.db: statements are classified, run and recorded
-- ======================================================

local Rec = {}

-- mode: "plan" (records, runs nothing), "run" (runs and journals an up),
-- "down" (the same for a down: its rows are those of a migration still in
-- the history). skip: position -> applied journal row.
local function recorder(m, entry, mode, plan, skip)
  return setmetatable({
    m = m, real = m.db, grammar = m.db.grammar, entry = entry, mode = mode, plan = plan,
    skip = skip, skipped = 0, n = 0, planned = {}, committed = {}, group = nil, written = 0,
  }, { __index = function(t, k)
    local v = Rec[k]
    -- a method of Rec is kept in the recorder, which looks it up at each
    -- statement; what comes from the connection is not (its depth changes)
    if v ~= nil then
      rawset(t, k, v)
      return v
    end
    return t.real[k]
  end })
end

-- the dialect as messages name it
local TITLE = { mysql = "MySQL" }

local function title(db) return TITLE[db.driver] or db.driver end

local function shorten(text)
  text = text:gsub("%s+", " ")
  if #text > SHOWN then return text:sub(1, SHOWN - 3) .. "..." end
  return text
end

local OWNS = "lmigrate runs the migration's statements in transactions of its own, with their"
  .. " journal rows"

-- refuses transaction control (db/txcontrol.lua) unless the migration has
-- transaction = false; a plan that meets it stops the run before anything
function Rec:control(sql, method)
  if self.nogroup or type(sql) ~= "string" or not txcontrol.find(sql, self.real.driver) then return end
  self.refused = true
  txcontrol.check(self.real, sql, method, 3, OWNS)
end

function Rec:query(sql, ...)
  self:control(sql, "query")
  return self.real:query(sql, ...)
end

function Rec:first(sql, ...)
  self:control(sql, "first")
  return self.real:first(sql, ...)
end

-- db:transaction(fn) on the migration's db: inside the data group, as a savepoint
function Rec:begin()
  if self.mode == "plan" then return end
  if not self.group then
    self.real:begin()
    self.group = {}
  end
  self.real:begin()
end

function Rec:commit()
  if self.mode ~= "plan" then self.real:commit() end
end

function Rec:rollback()
  if self.mode ~= "plan" then self.real:rollback() end
end

-- the data statements' transaction must still be open when it commits
-- (with their journal rows, or the history row): a COMMIT or ROLLBACK that
-- got past Rec:control (through the connection itself, a procedure) ended
-- it, and they committed, or not, without their rows
function Rec:group_open()
  if not self.group or self.real.conn:in_transaction() ~= false then return end
  self.real.depth = 0
  self.ended, self.group = self.group, nil
  errors.raise("migration", ("%s ended the transaction lmigrate ran its data statements in (a COMMIT"
    .. " or ROLLBACK of its own): whether they stay cannot be told, and they are not in the journal")
    :format(self.mode == "down" and "down" or "up"), { migration = self.entry.name, file = self.entry.file })
end

-- the open data statements commit, with their journal rows
function Rec:close_group()
  local grp = self.group
  if not grp then return end
  self:group_open()
  if self.mode ~= "plan" and #grp > 0 then self:write(grp) end
  self.real:commit()
  self.group = nil
  for _, st in ipairs(grp) do self.committed[#self.committed + 1] = st end
end

function Rec:write(list, ahead, absent, present)
  M.write(self.m, self.entry.name, self.plan and self.plan.total, list, ahead, absent, present)
  self.written = self.written + #list
end

-- whether 'st' is the plan's last statement: the history row records it
function Rec:last(st)
  local p = self.plan
  return p ~= nil and p.total == st.position and p.statements[st.position].checksum == st.checksum
end

-- a data statement: in the open group (one transaction), opened if need be
function Rec:data(st, run)
  if not self.group then
    self.real:begin()
    self.group = {}
  end
  self.running = st
  local n = run()
  self.running = nil
  self.group[#self.group + 1] = st
  return n
end

-- any other statement: MySQL commits it on its own, so the group goes first
function Rec:alone(st, run)
  if self.real.depth > (self.group and 1 or 0) then
    errors.raise("database", ("%s commits schema statements at once, and this one would commit the "
      .. "transaction db:transaction opened: run it outside the transaction"):format(title(self.real)),
      { sql = st.text })
  end
  self:close_group()
  if self.mode ~= "plan" then self:ahead(st) end
  self.running = st
  local n = self:attempts(st, run)
  self.running = nil
  self.committed[#self.committed + 1] = st
  if self.mode ~= "plan" then
    if self:last(st) then self.unwritten = st else self:applied(st) end
  end
  return n
end

-- runs the statement 'st' (run()); one whose lock was not granted in time
-- after statements of this step committed runs again alone, when
-- run/retry.lua says so (m.statement_retry: the lock budget's next wait):
-- it had no effect. Its "running" row stays as it went in, the statement's
-- again; when the row's INSERT was what timed out (the statement after it
-- did not run), the row goes in again with it.
function Rec:attempts(st, run)
  while true do
    local ok, n = pcall(run)
    if ok then return n end
    local again = self.m.statement_retry
    if not again or self.skipped + #self.committed == 0 or not again(n) then error(n, 0) end
    if st.ahead and not M.has_row(self.m, self.entry.name, st.position) then self:ahead(st) end
  end
end

-- the row of 'st', "running", before it runs: its inverse is known from
-- the text and what the statement destroys (read now); the connection and
-- the fingerprint of its table let run/partial.lua tell afterwards whether
-- a statement whose run was killed applied (MySQL finishes it regardless).
-- The row goes in the statement's own round trip, just before it (it
-- commits on its own first: the server runs the two in turn, and the
-- statement not at all when the row fails). A plain CREATE TABLE's table
-- is absent when it applies: its row goes in only while that holds (else
-- the statement fails and no row is wanted), with the fingerprint "-".
-- A down's DROP TABLE t needs no SHOW CREATE TABLE either: a down is run
-- on (rollback), never undone, so its inverse is not needed, and whether
-- it applied is whether t is gone: the server writes in the row whether
-- t is there ("+") as the row goes in.
function Rec:ahead(st)
  local fresh = st.kind == "ddl" and undo.creates(st.text)
  local gone = st.kind == "ddl" and self.mode == "down" and not fresh and undo.drops(st.text)
  local before = st.kind == "ddl" and not fresh and not gone
    and undo.before(self.real, self.grammar, st.text)
  if gone then
    st.inverse, st.note = nil, "a down's DROP TABLE: its definition was not read (a down is run on)"
  else
    st.inverse, st.note = undo.inverse(self.grammar, st.text, before or nil)
  end
  local m = self.m
  if not m.connection_id or m.schema_name == nil then
    local row = self.real:first("SELECT CONNECTION_ID() AS id, DATABASE() AS db")
    m.connection_id, m.schema_name = row.id, type(row.db) == "string" and row.db or false
  end
  st.state, st.connection = "running", m.connection_id
  st.fingerprint = (fresh or gone) and "-"
    or undo.fingerprint(self.real, self.grammar, st.text, before or nil)
  self:write({ st }, true, fresh or nil, gone or nil)
  -- whether a kill after it, its row still "running", is settled by the
  -- fingerprint (run/partial.lua); a data statement's changes no table's
  st.settles = st.kind == "ddl" and st.fingerprint ~= nil
  st.state, st.connection, st.fingerprint = nil, nil, nil
  st.ahead = true
end

-- the row of 'st' becomes "applied": when the fingerprint would settle
-- it, held for the next statement, which is most often the next one's
-- journal row, and committed with it (a kill before leaves the row
-- "running", which run/partial.lua settles as applied); else now
function Rec:applied(st)
  local mark = function() M.mark(self.m, self.entry.name, st.position, "applied") end
  if st.settles then self.real:hold(nil, mark) else mark() end
end

-- a statement that changes something: planned, skipped (--resume) or run
function Rec:record(kind, src, text, run)
  self.n = self.n + 1
  local st = { position = self.n, kind = kind, text = text, checksum = core.checksum(src),
               down = self.mode == "down" or nil }
  if self.mode == "plan" then
    self.planned[st.position] = st
    return 0
  end
  local done = self.skip and self.skip[st.position]
  if done then
    if done.checksum ~= st.checksum then
      errors.raise("database", ("statement %d, applied before, is not the same now: it was %s"
        .. " (undo it with `lmigrate rollback --partial`)"):format(st.position, shorten(done.statement)),
        { sql = text })
    end
    self.skipped = self.skipped + 1
    return 0
  end
  if kind == "data" and not self.nogroup then return self:data(st, run) end
  return self:alone(st, run)
end

-- the SQL of a statement with its values written in (for the journal)
local function shown(g, sql, ...)
  if select("#", ...) == 0 then return sql end
  local ok, text = pcall(g.interpolate, g, sql, ...)
  return ok and text or sql
end

function Rec:execute(sql, ...)
  if type(sql) ~= "string" then
    error("lmigrate: db:execute expects SQL text (string), got " .. type(sql), 2)
  end
  self:control(sql, "execute")
  local kind = undo.kind(sql:sub(1, 1024))
  -- a plan runs the session statements too: the reads after them (the
  -- foreign key guards of schema:drop) see what the real run will see
  if kind == "session" and self.mode == "plan" then self.session_changed = true end
  if kind == "read" or kind == "session" then
    if self.mode == "plan" and kind == "read" then return 0 end
    -- a USE changes the database the journal rows' table checks name
    if kind == "session" then self.m.schema_name = nil end
    return self.real:execute(sql, ...)
  end
  local real, args = self.real, table.pack(...)
  return self:record(kind, sql, shown(self.grammar, sql, ...), function()
    return real:execute(sql, table.unpack(args, 1, args.n))
  end)
end

-- db:insert is one data statement, however many batches it sends
function Rec:insert(tbl, rows, ...)
  local real = self.real
  -- Laravel's DB::insert(sql, bindings): a statement of SQL as execute's
  if statements.is_sql(tbl) then return statements.insert_sql(self, tbl, rows, ...) end
  if type(tbl) ~= "string" or type(rows) ~= "table" then return real:insert(tbl, rows) end
  local list = rows[1] == nil and { rows } or rows
  local ok, cols = pcall(core.insert_columns, list)
  if not ok then return real:insert(tbl, rows) end  -- its own error
  local quoted = {}
  for i, c in ipairs(cols) do quoted[i] = self.grammar:quote(c) end
  local text = ("INSERT INTO %s (%s) VALUES ... (db:insert, %d rows)"):format(self.grammar:quote(tbl),
    table.concat(quoted, ", "), #list)
  return self:record("data", text, text, function() return real:insert(tbl, rows) end)
end

-- the history row, in the transaction of the last data statements, or on
-- its own. The migration's journal rows stay: with the history row they
-- are stale (journal_table.lua: an up's rows of a migration in the
-- history, a down's of one not there), left out wherever the journal is
-- read, and deleted all at once at the end of the run (M.sweep), or at the
-- start of the next when a kill came first (run/partial.lua). So a
-- migration commits as the floor does: one INSERT (a down one DELETE).
-- A step that walks a backfill records its progress rows instead, and its
-- history row (a down: the row's removal) once the walk is over
-- (run/backfill.lua, entry.walks): its journal rows, not stale then, go in
-- the progress rows' transaction, which holds them all or none even when
-- the step has no statement of its own (a kill between two would leave a
-- walk its next run cannot take up).
function Rec:finish(record)
  self:group_open()
  local rows = self.written > 0 or self.skip ~= nil
  local walks = self.entry.walks
  if walks and not self.group then
    self.real:begin(true)
    self.group = {}
  end
  if rows and not walks then self.m.journal_left = true end
  if rows and not walks and not self.group and self.unwritten and self.unwritten.settles then
    -- after a schema statement the fingerprint settles: held for the next
    -- statement sent, which is most often the next step's first journal
    -- row, and then commits with it (db:ahead_with): a kill before that
    -- leaves this step as a kill in its last statement would (its row
    -- settled "applied", no history row: --resume records it)
    self.real:hold(("the history row %s of %s"):format(self.mode == "down" and "removal" or "insert",
      self.entry.name), record)
    self.unwritten = nil
    return
  end
  -- with a COMMIT to come, what 'record' writes goes in its round trip
  -- (BEGIN too, when it is this one's: db:ahead)
  self.real.holding = self.group ~= nil
  local ok, err = pcall(record)
  self.real.holding = nil
  if not ok then error(err, 0) end
  if walks and rows then M.delete(self.m, self.entry.name, nil, true) end
  self.unwritten = nil
  if self.group then self:close_group_plain() end
end

-- commits the group without journal rows: the history row records them
function Rec:close_group_plain()
  local grp = self.group
  self.real:commit()
  self.group = nil
  for _, st in ipairs(grp) do self.committed[#self.committed + 1] = st end
end

-- }======================================================

-- {======================================================
-- Running a step
-- ======================================================

local function instance(entry, rec)
  return loader.instance(entry.class, rec, Schema.new(rec, rec.grammar), rec.m:runner())
end

-- the statements 'up' (or 'method') would run -> { total, statements } |
-- nil (it failed); raises when it meets transaction control (Rec:control)
function M.plan(m, entry, method)
  if not entry.class then loader.load(entry) end
  local rec = recorder(m, entry, "plan")
  rec.nogroup = entry.class.transaction == false
  local ok, err = pcall(invoke, entry, instance(entry, rec), method or "up", "migration")
  -- the keys on again for the real run (its own switches turn them off)
  if rec.session_changed then pcall(m.db.execute, m.db, m.db.grammar:foreign_key_checks(true)) end
  if rec.refused then error(err, 0) end
  if not ok then return nil end
  return { total = rec.n, statements = rec.planned }
end

-- what the failure left, for the error: the lines of err.details
local function details(rec, failing, rolled, ended)
  local applied = rec.skipped + #rec.committed
  if applied == 0 then return nil end
  local total = rec.plan and rec.plan.total
  local lines = {}
  if rec.mode == "down" then
    lines[1] = ("%s commits each schema statement at once: %d of %s statements of this down were"
      .. " applied and stay; the migration stays in the history:"):format(title(rec.real), applied,
      total and tostring(total) or "?")
    if rec.skipped > 0 then lines[#lines + 1] = ("  applied 1-%d: in the earlier run"):format(rec.skipped) end
  else
    lines[1] = ("%s commits each schema statement at once: %d of %s statements were applied and"
      .. " stay:"):format(title(rec.real), applied, total and tostring(total) or "?")
    if rec.skipped > 0 then lines[#lines + 1] = ("  applied 1-%d: in the earlier run"):format(rec.skipped) end
  end
  for _, st in ipairs(rec.committed) do
    lines[#lines + 1] = ("  applied %d: %s"):format(st.position, shorten(st.text))
  end
  for _, st in ipairs(rolled or {}) do
    lines[#lines + 1] = ("  rolled back %d: %s"):format(st.position, shorten(st.text))
  end
  for _, st in ipairs(ended or {}) do
    lines[#lines + 1] = ("  committed or rolled back by the migration itself %d: %s"):format(st.position,
      shorten(st.text))
  end
  if failing then lines[#lines + 1] = ("  failed %d: %s"):format(failing.position, shorten(failing.text)) end
  local last = failing and failing.position or rec.n
  if total and total > last then
    lines[#lines + 1] = "  not run: " .. (last + 1 == total and tostring(total)
      or ("%d-%d"):format(last + 1, total))
  end
  if rec.mode ~= "down" then
    lines[#lines + 1] = "Fix the migration, then `lmigrate migrate --resume` runs it on from where it"
      .. " stopped; or `lmigrate rollback --partial` undoes the applied statements."
  else
    lines[#lines + 1] = "Fix the down, then `lmigrate rollback --step 1` runs it on from where it stopped."
  end
  return lines
end

-- after a failure: the open group rolls back; the journal gets the last
-- statement's row if it had none yet, and the failed statement's
function Rec:fail(err)
  local failing, rolled = self.running, self.group
  self.running, self.group = nil, nil
  if rolled then
    while self.real.depth > 0 do self.real:rollback() end
  end
  if self.mode ~= "plan" then
    if self.unwritten then pcall(self.applied, self, self.unwritten) end
    local kept = #self.committed > 0 or self.skip
    local note = errors.is(err) and err.message or tostring(err)
    if failing and failing.ahead then   -- its row went in before it ran
      if kept then pcall(M.mark, self.m, self.entry.name, failing.position, "failed", note)
      else pcall(M.delete, self.m, self.entry.name) end
    elseif failing and kept then
      local row = { position = failing.position, text = failing.text, checksum = failing.checksum,
                    state = "failed", note = note, down = failing.down }
      pcall(self.write, self, { row })
    end
  end
  if errors.is(err) then err.details = details(self, failing, rolled, self.ended) end
  return err
end

-- step(m, entry, method, record, before): Migrator:step on such a
-- dialect ('before', if any, runs first). entry.resume (migrate --resume,
-- or a rollback after a down that stopped): the applied journal rows, by
-- position.
function M.step(m, entry, method, record, before)
  m.out:start(entry.name)
  local t0 = core.clock()
  local up = method == "up"
  local plan = M.plan(m, entry, method)
  if not entry.class then loader.load(entry) end
  local rec = recorder(m, entry, up and "run" or "down", plan, entry.resume)
  rec.nogroup = entry.class.transaction == false
  local unit = { own = not rec.nogroup }
  local ok, err = pcall(function()
    if not plan or plan.total > 0 then ensure(m) end
    if before then before() end
    if rec.skip then M.delete(m, entry.name, "failed") end
    keys.open(m.db, unit)
    invoke(entry, instance(entry, rec), method, "migration")
    keys.verify(m.db, unit)
    rec:finish(record)
  end)
  if not ok then err = rec:fail(err) end
  keys.close(m.db, unit)
  if not ok then
    m.out:finish(entry.name, core.clock() - t0, false, err)
    error(err, 0)
  end
  entry.class = nil
  m.out:finish(entry.name, core.clock() - t0, true)
end

-- }======================================================

return M
