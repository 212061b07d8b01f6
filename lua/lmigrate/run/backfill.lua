-- Backfills: self:backfill(table, opts[, fn]) in a migration's up. A
-- backfill of millions of rows inside the migration's transaction holds
-- its row locks for its whole length and starts over after a crash; so
-- here it runs after up has committed, in batches of its own:
--   * self:backfill registers the walk; up's statements commit, with one
--     progress row per backfill (<history table>_backfills) instead of
--     the history row;
--   * then each backfill walks its table in key order (keyset: key > last
--     ORDER BY key LIMIT n, never OFFSET over the done rows), each batch
--     in a short transaction with its progress row (the last key, the rows
--     done), so a batch and its record commit or vanish together;
--   * the history row goes in when every backfill has finished, in the
--     transaction that removes the progress rows.
-- A run that finds progress rows of a pending migration does not run its
-- up again (it committed): up runs as a plan (nothing executes, reads
-- still do) to get its backfills, which go on after their last key.
local core = require("lmigrate.core")
local config = require("lmigrate.config")
local errors = require("lmigrate.errors")
local invoke = require("lmigrate.run.invoke")
local loader = require("lmigrate.run.loader")
local progress = require("lmigrate.run.backfill_progress")
local Pretend = require("lmigrate.db.pretend")
local Schema = require("lmigrate.schema")
local scheduler = require("lmigrate.run.scheduler")

local M = {}

-- the collector of the up running now on each connection (its DB: several
-- run at once), { m, atomic, instance, list, collect }
local current = setmetatable({}, { __mode = "k" })

-- the connection behind a migration's self.db: itself, the journal's
-- recorder's (run/journal.lua), or the one a plan reads from (Pretend)
local function connection(db) return rawget(db, "real") or rawget(db, "reader") or db end

-- {======================================================
-- The progress table
-- ======================================================

function M.table_name(m) return m.repo.name .. "_backfills" end

function M.define(t)
  t:increments("id")
  t:string("migration")
  t:integer("position")          -- the backfill's place among its up's calls
  t:string("table_name")
  t:string("key_column")
  t:string("last_key"):nullable()  -- the key of the last row done (NULL: none yet)
  t:string("key_type", 16):nullable()
  t:big_integer("rows_done"):default(0)
  t:string("state", 16)          -- "running" or "done"
  t:datetime("updated_at"):use_current()
end

-- asked once a run (every step asks): only ensure makes it, under the
-- run's lock
local function exists(m)
  if m.backfills_exist == nil then m.backfills_exist = m.schema:has_table(M.table_name(m)) end
  return m.backfills_exist
end

local function ensure(m)
  if not exists(m) then
    m.schema:create(M.table_name(m), M.define)
    m.backfills_exist = true
  end
end

local function quoted(m) return m.db.grammar:quote(M.table_name(m)) end

-- the progress rows of 'name', by position; nil when there are none
local function read(m, name)
  if not exists(m) then return nil end
  local rows = m.db:query("SELECT * FROM " .. quoted(m) .. " WHERE migration = ? ORDER BY position", name)
  if rows[1] == nil then return nil end
  return rows
end

local function encode(v)
  if math.type(v) == "integer" then return tostring(v), "integer" end
  if type(v) == "string" then return v, "string" end
  if type(v) == "number" then return ("%.17g"):format(v), "number" end
  errors.raise("migration", "backfill: the key's value is a " .. type(v) .. ", expected a number or text")
end

local function decode(s, kind)
  if s == nil or s == core.null then return nil end
  if kind == "integer" then return math.tointeger(tonumber(s)) end
  if kind == "number" then return tonumber(s) end
  return s
end

-- }======================================================

-- {======================================================
-- self:backfill
-- ======================================================

-- a misuse: invoke names the file and line of the call
local function misuse(msg) error("lmigrate: self:backfill: " .. msg, 0) end

-- the call's arguments, checked -> the backfill's description
local function describe(tbl, opts, fn)
  if type(tbl) ~= "string" or tbl == "" then misuse("expects a table name, got " .. type(tbl)) end
  if type(opts) == "function" and fn == nil then opts, fn = {}, opts end
  opts = opts or {}
  if type(opts) ~= "table" then misuse("expects a table of options, got " .. type(opts)) end
  local known = { batch = true, pause = true, key = true, set = true, where = true }
  for k in pairs(opts) do
    if not known[k] then
      misuse(("unknown option '%s' (batch, pause, key, set, where)"):format(tostring(k)))
    end
  end
  local batch = opts.batch or 1000
  if math.type(batch) ~= "integer" or batch < 1 then
    misuse("batch must be a whole number >= 1, got " .. tostring(batch))
  end
  local pause = config.duration(opts.pause or 0)
  if not pause then misuse("pause must be a duration like 50ms or 1s, got " .. tostring(opts.pause)) end
  local key = opts.key or "id"
  if type(key) ~= "string" or key == "" then misuse("key must be a column name") end
  if (fn == nil) == (opts.set == nil) then
    misuse("expects either a function(rows, db) or the option set = { column = value, ... }")
  end
  if fn ~= nil and type(fn) ~= "function" then misuse("expects a function, got " .. type(fn)) end
  if opts.set ~= nil and (type(opts.set) ~= "table" or next(opts.set) == nil) then
    misuse("set must be a table of column = value")
  end
  local w = opts.where
  if w ~= nil and type(w) ~= "table" and type(w) ~= "function" and type(w) ~= "string" then
    misuse("where must be a table of conditions, a function(query) or SQL text")
  end
  return { table = tbl, batch = batch, pause = pause, key = key, set = opts.set, where = w, fn = fn }
end

function M.call(inst, tbl, opts, fn)
  local b = describe(tbl, opts, fn)
  local db = inst.db
  local c = current[connection(db)]
  if db.pretend and not (c and c.collect) then
    -- migrate --pretend, lmigrate sql: nothing runs; the walk is named
    db.recorded[#db.recorded + 1] = ("-- backfill %s by %s in batches of %d, after up commits")
      :format(tbl, b.key, b.batch)
    return
  end
  -- MySQL's plan (run/journal.lua): the progress table is made now,
  -- before any transaction is open (MySQL commits a CREATE TABLE at once);
  -- a plan outside a step (migrate --resume's check) only plans
  if db.mode == "plan" then
    if c then ensure(c.m) end
    return
  end
  if not c then misuse("runs in a migration's up only") end
  if c.atomic then
    errors.raise("usage", "migrate --atomic cannot run a backfill: it commits in batches of its own,"
      .. " after its migration's transaction")
  end
  if c.instance ~= inst then c.instance, c.list = inst, {} end
  if not c.collect and not db.mode then ensure(c.m) end
  c.list[#c.list + 1] = b
  -- its progress rows will stand for the history row (run/journal.lua's finish)
  if c.entry then c.entry.walks = true end
end

-- }======================================================

-- {======================================================
-- The walk
-- ======================================================

local function filtered(db, b)
  local q = db:table(b.table)
  local w = b.where
  if type(w) == "string" then q:where_raw(w) elseif w ~= nil then q:where(w) end
  return q
end

local function after(q, b, last)
  if last ~= nil then q:where(b.key, ">", last) end
  return q
end

-- one batch after key 'last' -> rows done, the new last key, whether it was the last batch
local function batch(db, b, last)
  if b.fn then
    local rows = after(filtered(db, b), b, last):order_by(b.key):limit(b.batch):get()
    if rows[1] == nil then return 0, last, true end
    local key = rows[#rows][b.key]
    if key == nil or key == core.null then
      errors.raise("migration", ("backfill %s: the rows have no value of '%s' (its key)")
        :format(b.table, b.key))
    end
    b.fn(rows, db)
    return #rows, key, #rows < b.batch
  end
  -- the declarative form: the batch's last key, then one UPDATE of the range
  local upper = after(filtered(db, b), b, last):order_by(b.key):offset(b.batch - 1):value(b.key)
  local q = after(filtered(db, b), b, last)
  if upper ~= nil then q:where(b.key, "<=", upper) end
  local n = q:update(b.set)
  return n, upper or last, upper == nil
end

local function save(m, p, last, done, state)
  local v, kind = nil, nil
  if last ~= nil then v, kind = encode(last) end
  m.db:execute("UPDATE " .. quoted(m) .. " SET last_key = ?, key_type = ?, rows_done = ?, state = ?,"
    .. " updated_at = CURRENT_TIMESTAMP WHERE id = ?", v or core.null, kind or core.null, done, state, p.id)
end

-- one batch and its progress row, in a transaction -> rows, last key, final
local function step_batch(m, b, p, last, done)
  local n, key, final = batch(m.db, b, last)
  save(m, p, key, done + n, final and "done" or "running")
  return n, key, final
end

-- a batch's failure as a migration error naming the line of the file
-- that was running (an xpcall handler: the stack is still there)
local function placed(entry)
  return function(err)
    if errors.is(err) and (err.migration or err.kind == "usage") then return err end
    local line, source = nil, "@" .. entry.file
    for level = 2, 60 do
      local info = debug.getinfo(level, "Sl")
      if not info then break end
      if info.source == source and (info.currentline or 0) > 0 then line = info.currentline break end
    end
    local fields = { migration = entry.name, file = entry.file, line = line }
    if errors.is(err) then fields.sql, fields.code, fields.errno = err.sql, err.code, err.errno end
    return errors.new("migration", errors.text(err), fields)
  end
end

-- runs backfill b from its progress row p to its end
local function walk(m, entry, b, p)
  local db = m.db
  local last = decode(p.last_key, p.key_type)
  local done = math.tointeger(tonumber(p.rows_done)) or 0
  local line = progress.new(m.out, b, done, function()
    return after(filtered(db, b), b, last):count()
  end)
  while true do
    db:begin()
    local ok, n, key, final = xpcall(step_batch, placed(entry), m, b, p, last, done)
    if ok then
      local committed, err = pcall(db.commit, db)
      if not committed then ok, n = false, err end
    end
    if not ok then
      while db.depth > 0 do pcall(db.rollback, db) end
      line:stop(false)
      error(n, 0)
    end
    done, last = done + n, key
    if final then break end
    line:update(done)
    if b.pause > 0 then scheduler.sleep(b.pause) end
  end
  line:stop(true, done)
end

-- the backfills of entry from their progress rows, then the history row
local function finish(m, entry, c, rows, record)
  if #rows ~= #c.list then
    errors.raise("migration", ("the migration's up calls self:backfill %d time(s) now; its backfill under"
      .. " way had %d: finish it with the file as it was"):format(#c.list, #rows),
      { migration = entry.name, file = entry.file })
  end
  -- self.db in the backfill's function is the connection itself
  c.instance.db, c.instance.schema = m.db, m.schema
  invoke(entry, { go = function()
    for i, b in ipairs(c.list) do
      if rows[i].state ~= "done" then walk(m, entry, b, rows[i]) end
    end
  end }, "go", "migration")
  m.db:transaction(function()
    record()
    m.db:execute("DELETE FROM " .. quoted(m) .. " WHERE migration = ?", entry.name)
  end)
end

-- the pending migration 'entry' has progress rows: its up committed
local function resume(m, entry, c, rows, record)
  if not entry.class then loader.load(entry) end
  local db = Pretend.new(m.db.grammar, m.db)
  local inst = setmetatable({ schema = Schema.new(db, m.db.grammar), db = db }, { __index = entry.class })
  c.collect = true
  current[m.db] = c
  local ok, err = pcall(invoke, entry, inst, "up", "migration")
  current[m.db] = nil
  if not ok then error(err, 0) end
  c.collect = false
  local t0 = core.clock()
  for _, r in ipairs(rows) do
    if r.state ~= "done" then
      local from = r.last_key == core.null and "not started yet"
        or ("%s rows done, after %s %s"):format(tostring(r.rows_done), r.key_column, r.last_key)
      m.out:info(("Resuming the backfill of %s (%s): %s."):format(r.table_name, entry.name, from))
    end
  end
  finish(m, entry, c, rows, record)
  entry.class = nil
  m.out:finish(entry.name, core.clock() - t0, true)
end

-- a rollback while a backfill is under way would leave that migration's
-- up (committed, not in the history) applied below what it undoes
local function refuse_undo(m)
  if not exists(m) then return end
  local r = m.db:first("SELECT migration, table_name, rows_done FROM " .. quoted(m)
    .. " ORDER BY id")
  if not r then return end
  errors.raise("usage", ("the backfill of %s by %s is under way (%s rows done; its up has committed):"
    .. " run `lmigrate migrate` to finish it before rolling back"):format(r.table_name, r.migration,
    tostring(r.rows_done)), { migration = r.migration })
end

-- step(m, entry, method, record, atomic, run): Migrator:step's hook. run(record)
-- runs the step with the record function given; a migration whose up
-- called self:backfill records its progress rows instead, then walks.
function M.step(m, entry, method, record, atomic, run)
  if method ~= "up" then
    refuse_undo(m)
    return run(record)
  end
  local c = { m = m, atomic = atomic, list = {}, entry = entry }
  entry.walks = nil
  local rows = not atomic and read(m, entry.name)
  if rows then return resume(m, entry, c, rows, record) end
  current[m.db] = c
  local ok, err = pcall(run, function()
    if #c.list == 0 then return record() end
    for i, b in ipairs(c.list) do
      m.db:execute("INSERT INTO " .. quoted(m) .. " (migration, position, table_name, key_column, rows_done,"
        .. " state) VALUES (?, ?, ?, ?, 0, 'running')", entry.name, i, b.table, b.key)
    end
    c.started = true
  end)
  current[m.db] = nil
  if not ok then error(err, 0) end
  if c.started then
    if not entry.class then loader.load(entry) end
    finish(m, entry, c, read(m, entry.name), record)
  end
end

-- status: a pending migration whose backfill is under way gets
-- item.backfill = { table, rows_done, last_key, key, done, total }
function M.annotate(m, list)
  if not exists(m) then return list end
  local found = {}
  for _, r in ipairs(m.db:query("SELECT * FROM " .. quoted(m) .. " ORDER BY migration, position")) do
    local f = found[r.migration] or { done = 0, total = 0 }
    found[r.migration] = f
    f.total = f.total + 1
    if r.state == "done" then f.done = f.done + 1 end
    if r.state ~= "done" and not f.table then
      f.table, f.key, f.rows_done = r.table_name, r.key_column,
        math.tointeger(tonumber(r.rows_done)) or 0
      f.last_key = r.last_key ~= core.null and r.last_key or nil
    end
  end
  for _, item in ipairs(list) do
    if not item.ran and found[item.migration] then item.backfill = found[item.migration] end
  end
  return list
end

-- }======================================================

return M
