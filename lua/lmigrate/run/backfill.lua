-- Backfills: self:backfill(table, opts[, fn]) in a migration's up or
-- down, or in the seeder `lmigrate seed` runs. A backfill of millions of
-- rows inside the step's transaction holds its row locks for its whole
-- length and starts over after a crash; so here it runs after the step
-- has committed, in batches of its own:
--   * self:backfill registers the walk; the step's statements commit,
--     with one progress row per backfill (<history table>_backfills) in
--     place of the history change (an up's row, a down's removal of it);
--   * then each backfill walks its table in key order (keyset: key > last
--     ORDER BY key LIMIT n, never OFFSET over the done rows), each batch
--     in a short transaction with its progress row (run/backfill_walk.lua);
--   * the history change goes in when every backfill has finished, in
--     the transaction that removes the progress rows.
-- A run that finds progress rows of the step does not run it again (it
-- committed): the step runs as a plan (nothing executes, reads still do)
-- to get its backfills, which go on after their last key. A progress
-- row's state says whose it is: "running" / "done" an up's, "down
-- running" / "down done" a down's, "seed running" / "seed done" a
-- seeder's (its migration column holds the seeder's name).
local core = require("lmigrate.core")
local config = require("lmigrate.config")
local errors = require("lmigrate.errors")
local invoke = require("lmigrate.run.invoke")
local keys = require("lmigrate.run.backfill_key")
local loader = require("lmigrate.run.loader")
local Repository = require("lmigrate.run.repository")
local Schema = require("lmigrate.schema")
-- the walk (run/backfill_walk.lua, with its progress lines) and Pretend
-- are required when a backfill walks or is planned: every step passes
-- through M.step, and most have no backfill (a module's load is paid at
-- every start)

local M = {}

-- the collector of the step running now on each connection (its DB:
-- several run at once), { m, entry, phase, what, atomic, instance, list, collect }
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
  t:integer("position")          -- the backfill's place among its step's calls
  t:string("table_name")
  t:string("key_column")         -- its columns, joined by commas
  t:string("last_key"):nullable()  -- the key of the last row done (NULL: none yet)
  t:string("key_type", 16):nullable()
  t:big_integer("rows_done"):default(0)
  t:string("state", 16)          -- "running" or "done", after "down " or "seed "
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

local function state(phase, done)
  local s = done and "done" or "running"
  return phase == "up" and s or phase .. " " .. s
end

local function phase_of(st) return st:match("^(%a+) ") or "up" end

local function finished(st) return st:sub(-4) == "done" end

-- every progress row (a few: those of the backfills under way)
local function all(m)
  local sql = "SELECT * FROM " .. quoted(m) .. " ORDER BY migration, position"
  if m.backfills_exist == nil and m.db.driver == "mysql" then
    -- the SELECT says whether the table is there (Repository.try_read)
    local rows = Repository.try_read(m.db, sql)
    m.backfills_exist = rows ~= nil
    return rows or {}
  end
  if not exists(m) then return {} end
  return m.db:query(sql)
end

-- the progress rows of 'name' in 'phase', by position; nil when there are none
local function read(m, name, phase, rows)
  local list = {}
  for _, r in ipairs(rows or all(m)) do
    if r.migration == name and phase_of(r.state) == phase then list[#list + 1] = r end
  end
  return list[1] and list or nil
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
  local cols = keys.option(opts.key, misuse)
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
  return { table = tbl, batch = batch, pause = pause, cols = cols, set = opts.set, where = w, fn = fn }
end

-- the line of the step's file that called self:backfill
local function call_line(file)
  local source = "@" .. file
  for level = 3, 40 do
    local info = debug.getinfo(level, "Sl")
    if not info then return nil end
    if info.source == source and (info.currentline or 0) > 0 then return info.currentline end
  end
end

-- migrate --pretend, lmigrate sql: nothing runs; the walk is named
local function named(inst, db, b)
  local cols = b.cols
  if not cols then
    local ok, pk = pcall(keys.primary, inst.schema, b.table)
    cols = ok and pk or nil
  end
  db.recorded[#db.recorded + 1] = ("-- backfill %s by %s in batches of %d, after %s commits")
    :format(b.table, cols and keys.text(cols) or "its primary key", b.batch, db.method or "up")
end

function M.call(inst, tbl, opts, fn)
  local b = describe(tbl, opts, fn)
  local db = inst.db
  local c = current[connection(db)]
  if db.pretend and not (c and c.collect) then return named(inst, db, b) end
  -- MySQL's plan (run/journal.lua): the progress table is made now,
  -- before any transaction is open (MySQL commits a CREATE TABLE at once);
  -- a plan outside a step (migrate --resume's check) only plans
  if db.mode == "plan" then
    if c then ensure(c.m) end
    return
  end
  if not c then misuse("runs in a migration's up or down, or in the seeder `lmigrate seed` runs") end
  if c.atomic then
    errors.raise("usage", "migrate --atomic cannot run a backfill: it commits in batches of its own,"
      .. " after its migration's transaction")
  end
  if c.top and inst ~= c.top then
    misuse(("runs in the seeder `lmigrate seed` runs (%s), not in one it calls (self:call): run that"
      .. " one with `lmigrate seed --class`"):format(c.entry.name))
  end
  if c.instance ~= inst then c.instance, c.list = inst, {} end
  if not c.collect and not db.mode then
    -- a seeder on MySQL, the first time: the table is made after its
    -- transaction (a CREATE TABLE would commit it)
    if c.phase == "seed" and not exists(c.m) and not db.grammar:supports("transactional_ddl") then
      c.late = true
    else
      ensure(c.m)
    end
  end
  b.line = call_line(c.entry.file)
  c.list[#c.list + 1] = b
  -- its progress rows will stand for the history row (run/journal.lua's finish)
  if c.entry then c.entry.walks = true end
end

-- }======================================================

-- {======================================================
-- Running a step's backfills
-- ======================================================

-- the progress rows of c's backfills, in the step's transaction; the key
-- not given is the table's primary key, read now (the table exists)
local function register(m, entry, c)
  for i, b in ipairs(c.list) do
    local cols = b.cols
    if not cols then
      local fields = { file = entry.file, line = b.line }
      fields[c.what] = entry.name
      if not m.schema:has_table(b.table) then
        errors.raise("migration", ("self:backfill: there is no table %s"):format(b.table), fields)
      end
      cols = keys.primary(m.schema, b.table)
      if not cols then
        errors.raise("migration", ("self:backfill: table %s has no primary key to walk by: name the"
          .. " column or columns, unique together, with key = \"id\" or key = { \"a\", \"b\" }")
          :format(b.table), fields)
      end
    end
    m.db:execute("INSERT INTO " .. quoted(m) .. " (migration, position, table_name, key_column, rows_done,"
      .. " state) VALUES (?, ?, ?, ?, 0, ?)", entry.name, i, b.table, keys.text(cols), state(c.phase))
  end
end

-- the backfills of entry from their progress rows, then the history change
local function finish(m, entry, c, rows, record)
  if #rows ~= #c.list then
    local fields = { file = entry.file }
    fields[c.what] = entry.name
    errors.raise("migration", ("the %s calls self:backfill %d time(s) now; its backfill under way had %d:"
      .. " finish it with the file as it was"):format(c.what == "seeder" and "seeder" or ("migration's "
      .. c.phase), #c.list, #rows), fields)
  end
  -- self.db in the backfill's function is the connection itself
  c.instance.db, c.instance.schema = m.db, m.schema
  local w = { db = m.db, out = c.out or m.out, quoted = quoted(m), what = c.what,
              state = function(final) return state(c.phase, final) end }
  invoke(entry, { go = function()
    for i, b in ipairs(c.list) do
      if not finished(rows[i].state) then require("lmigrate.run.backfill_walk").run(w, entry, b, rows[i]) end
    end
  end }, "go", c.what)
  m.db:transaction(function()
    if record then record() end
    m.db:execute("DELETE FROM " .. quoted(m) .. " WHERE migration = ? AND state IN (?, ?)", entry.name,
      state(c.phase), state(c.phase, true))
  end)
end

-- the step of 'entry' has progress rows: it committed; inst is its plan's instance
local function resume(m, entry, c, rows, record, inst)
  c.collect = true
  current[m.db] = c
  local ok, err = pcall(invoke, entry, inst, c.method, c.what)
  current[m.db] = nil
  if not ok then error(err, 0) end
  c.collect = false
  local out = c.out or m.out
  local t0 = core.clock()
  for _, r in ipairs(rows) do
    if not finished(r.state) then
      local from = r.last_key == core.null and "not started yet"
        or ("%s rows done, after %s %s"):format(tostring(r.rows_done), keys.names(r.key_column),
          keys.show(r.last_key, r.key_type))
      out:info(("Resuming the backfill of %s (%s%s): %s."):format(r.table_name, entry.name,
        c.phase == "down" and ", its down" or "", from))
    end
  end
  finish(m, entry, c, rows, record)
  entry.class = nil
  out:finish(entry.name, core.clock() - t0, true)
end

-- a backfill under way that this step would pass over: an up's (its
-- migration committed, not in the history) below a rollback, a down's
-- (its migration undone, still in the history) below anything else
local function refuse(entry, phase, rows)
  for _, r in ipairs(rows) do
    local p = phase_of(r.state)
    if p == "up" and phase == "down" then
      errors.raise("usage", ("the backfill of %s by %s is under way (%s rows done; its up has committed):"
        .. " run `lmigrate migrate` to finish it before rolling back"):format(r.table_name, r.migration,
        tostring(r.rows_done)), { migration = r.migration })
    elseif p == "down" and r.migration ~= entry.name then
      errors.raise("usage", ("the rollback of %s is under way (the backfill of %s by its down, %s rows"
        .. " done; the down has committed): run `lmigrate rollback` to finish it first"):format(r.migration,
        r.table_name, tostring(r.rows_done)), { migration = r.migration })
    end
  end
end

-- a plan's instance of a migration: nothing runs, reads still do
local function planned(m, entry)
  if not entry.class then loader.load(entry) end
  local db = require("lmigrate.db.pretend").new(m.db.grammar, m.db)
  return loader.instance(entry.class, db, Schema.new(db, m.db.grammar), m:runner())
end

-- step(m, entry, method, record, atomic, run): Migrator:step's hook. run(record)
-- runs the step with the record function given; a step that called
-- self:backfill records its progress rows instead, then walks.
function M.step(m, entry, method, record, atomic, run)
  local phase = method == "up" and "up" or "down"
  local c = { m = m, entry = entry, atomic = atomic, list = {}, phase = phase, what = "migration",
              method = method }
  entry.walks = nil
  local under = all(m)
  local rows = not atomic and read(m, entry.name, phase, under)
  if rows then return resume(m, entry, c, rows, record, planned(m, entry)) end
  refuse(entry, phase, under)
  current[m.db] = c
  local ok, err = pcall(run, function()
    if #c.list == 0 then return record() end
    register(m, entry, c)
    c.started = true
  end)
  current[m.db] = nil
  if not ok then error(err, 0) end
  if c.started then
    if not entry.class then loader.load(entry) end
    finish(m, entry, c, read(m, entry.name, phase), record)
  end
end

-- seed(m, entry, out, inst, run, plan): Seeds:run's hook for the seeder
-- `lmigrate seed` runs. run(hooks) runs it in its transaction, calling
-- hooks.before and hooks.after inside it; plan() -> its instance for a
-- plan. Its backfills walk after it has committed.
function M.seed(m, entry, out, inst, run, plan)
  local c = { m = m, entry = entry, list = {}, phase = "seed", what = "seeder", method = "run", out = out,
              top = inst }
  local rows = read(m, entry.name, "seed")
  if rows then
    c.top = plan()
    return resume(m, entry, c, rows, nil, c.top)
  end
  current[m.db] = c
  local ok, err = pcall(run, {
    before = function() c.list, c.late = {}, nil end,   -- again when keys.run runs it again
    after = function() if not c.late then register(m, entry, c) end end,
  })
  current[m.db] = nil
  if not ok then error(err, 0) end
  if #c.list == 0 then return end
  if c.late then
    ensure(m)
    m.db:transaction(function() register(m, entry, c) end)
  end
  finish(m, entry, c, read(m, entry.name, "seed"))
end

-- status: a migration whose backfill is under way gets item.backfill =
-- { table, rows_done, key, last_key, columns, values, done, total, down }
-- (a pending one's up, or an applied one's down)
function M.annotate(m, list)
  local found = {}
  for _, r in ipairs(all(m)) do
    local phase = phase_of(r.state)
    if phase ~= "seed" then
      local f = found[r.migration] or { done = 0, total = 0, down = phase == "down" }
      found[r.migration] = f
      f.total = f.total + 1
      if finished(r.state) then f.done = f.done + 1 end
      if not finished(r.state) and not f.table then
        f.table, f.key, f.columns = r.table_name, keys.names(r.key_column), keys.columns(r.key_column)
        f.rows_done = math.tointeger(tonumber(r.rows_done)) or 0
        if r.last_key ~= core.null then
          f.last_key, f.values = keys.show(r.last_key, r.key_type), keys.decode(r.last_key, r.key_type)
        end
      end
    end
  end
  for _, item in ipairs(list) do
    local f = found[item.migration]
    if f and item.ran == f.down then item.backfill = f end
  end
  return list
end

-- }======================================================

return M
