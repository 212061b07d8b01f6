-- Runs migrations on one connection: migrate, rollback, reset, status.
-- Each migration and its history row commit together (or the whole batch
-- with --atomic); up/down run in coroutines (see invoke.lua).
local core = require("lmigrate.core")
local errors = require("lmigrate.errors")
local invoke = require("lmigrate.run.invoke")
local journal = require("lmigrate.run.journal")
local loader = require("lmigrate.run.loader")
local online = require("lmigrate.run.online")
local others = require("lmigrate.run.others")
local partial = require("lmigrate.run.partial")
local retry = require("lmigrate.run.retry")
local Repository = require("lmigrate.run.repository")
local keys = require("lmigrate.schema.foreign_keys")
local txcontrol = require("lmigrate.db.txcontrol")

local Migrator = {}
Migrator.__index = Migrator

-- run/backfill.lua (and its key codec): required by the first step or
-- status, not by a run with nothing to do (a no-op migrate, 19 KB of
-- bytecode: bench/README.md, MySQL)
local function backfill() return require("lmigrate.run.backfill") end

local M = {}

-- ctx: { db, schema, repo, path, out }
function M.new(ctx)
  return setmetatable(ctx, Migrator)
end

local function instantiate(self, entry, db, schema)
  return loader.instance(entry.class, db, schema, self:runner())
end

-- what self:seed needs of the run (migration.lua)
function Migrator:runner()
  return { seeds = self.seeds, out = self.out }
end

-- an error of lmigrate's own statements around a migration (its history
-- row, the foreign key check, the COMMIT) names the migration and its file
-- too, as the errors of its up and down do (invoke)
local placed = errors.placed

-- runs one step (up or down) and its history change; in a transaction of
-- its own unless the migration opts out or the caller holds one (atomic);
-- 'before' (optional) runs first, inside that transaction. keys.run begins
-- and ends that transaction, runs the step again from its start if it
-- turns foreign keys off on SQLite, and checks the keys then.
local function step(self, entry, method, record, atomic, before)
  self.found = nil   -- the journal is read again (run/partial.lua's find)
  if not entry.class then loader.load(entry) end
  -- a class naming another connection runs there (run/others.lua)
  local there = self.others:target(entry)
  if there then return others.step(self, entry, method, record, there, before) end
  -- without transactional DDL (MySQL): each statement journaled instead
  if journal.applies(self) then
    local own = entry.class.transaction ~= false
    -- schema:connection(other): its transaction commits before the history row
    local ok, err = pcall(retry.step, self, entry, own, before, record, function(b, a)
      self.others:around(own, function()
        journal.step(self, entry, method, function(...)
          self.others:commit()
          return a(...)
        end, b)
      end)
    end)
    if not ok then error(placed(entry, err), 0) end
    return
  end
  local db, pool = self.db, self.others
  local own = not atomic and entry.class.transaction ~= false
  self.out:start(entry.name)
  local t0 = core.clock()
  -- retry.step: under the lock budget, again after a lock timeout (run/retry.lua);
  -- online = true: the autocommit steps after the transaction (run/online.lua),
  -- outside the retries (the transactional part has committed by then)
  local steps
  local ok, err = pcall(retry.step, self, entry, own, before, record, function(b, a)
    steps = online.open(db, entry.class, own)
    local after = steps and online.record(steps, a) or a
    -- schema:connection(other)'s transactions commit just before this one
    pool:around(own, function()
      keys.run(db, own, function()
        invoke(entry, instantiate(self, entry, db, self.schema), method, "migration")
        txcontrol.still_open(db, method, { migration = entry.name, file = entry.file })
      end, { before = b, after = function()
        pool:commit()
        if after then after() end
      end, on_restart = function() pool:rollback() end })
    end, atomic)
  end)
  if ok and steps then ok, err = pcall(online.finish, db, entry, steps, record) end
  db.deferred = nil
  if not ok then
    -- an --atomic batch runs again as a whole (Migrator:atomically)
    if keys.is_restart(err) then error(err, 0) end
    err = placed(entry, err)
    self.out:finish(entry.name, core.clock() - t0, false, err)
    error(err, 0)
  end
  entry.class = nil
  self.out:finish(entry.name, core.clock() - t0, true)
end

-- the step, through the backfills' hook: an up calling self:backfill
-- records its progress instead of its history row, then walks (run/backfill.lua)
function Migrator:step(entry, method, record, atomic, before)
  backfill().step(self, entry, method, record, atomic, function(rec)
    step(self, entry, method, rec, atomic, before)
  end)
end

-- prints the SQL each entry's method would run, changing nothing; a
-- migration on another connection in that connection's dialect
function Migrator:pretend(list, method)
  local line = require("lmigrate.db.pretend").line
  local view, order, close = others.pretend_views(self.others, method)
  local main = self.others.main
  local ok, err = pcall(function()
    for _, e in ipairs(list) do
      if not e.class then loader.load(e) end
      local h = self.others:target(e) or main
      local v = view(h)
      local db = v.db
      db.depth = e.class.transaction ~= false and 1 or 0
      local steps = online.open(db, e.class, db.depth == 1)
      invoke(e, instantiate(self, e, db, v.schema), method, "migration")
      e.class, db.deferred = nil, nil
      self.out:write("-- " .. e.name .. " (" .. method .. ")" .. (h == main and ""
        or (" on connection '%s' (%s); its history row on this one"):format(h.name, db.driver)))
      for _, sql in ipairs(db:take()) do self.out:write(line(sql)) end
      if steps and #steps > 0 then self.out:write("-- then outside the transaction, one by one:") end
      for _, s in ipairs(steps or {}) do self.out:write(s.sql .. ";") end
      for _, o in ipairs(order) do
        local more = o ~= v and o.db:take() or {}
        if #more > 0 then
          self.out:write(("-- on connection '%s' (%s), schema:connection:"):format(o.name, o.db.driver))
        end
        for _, sql in ipairs(more) do self.out:write(line(sql)) end
      end
    end
  end)
  close()
  if not ok then error(err, 0) end
  return 0
end

-- the history, oldest first, and the highest batch
function Migrator:history()
  local rows = self.repo:ran()
  local last = 0
  for _, r in ipairs(rows) do
    if r.batch > last then last = r.batch end
  end
  return rows, last
end

-- the migration files not in the history yet, and the last batch
function Migrator:pending()
  local rows, last = self:history()
  local ran = {}
  for _, r in ipairs(rows) do ran[r.migration] = true end
  local list = {}
  for _, e in ipairs(loader.discover(self.path)) do
    if not ran[e.name] then list[#list + 1] = e end
  end
  return list, last
end

-- runs the steps fn() takes; then the journal's rows those left go (MySQL:
-- stale once their steps committed, deleted at once: run/journal_table.lua),
-- after a failure too (a sweep that fails then is left to the next run).
-- The last step's history row, held for the next statement (journal.lua),
-- goes with the sweep, or on its own
local function sweeping(self, fn)
  local ok, err = pcall(fn)
  if journal.applies(self) then
    local done, e = pcall(journal.sweep, self)
    if done then done, e = pcall(self.db.flush, self.db) end
    if ok and not done then error(e, 0) end
  end
  if not ok then error(err, 0) end
end

-- runs 'fn' in one transaction, all of it again after a lock timeout
-- while the lock budget lasts (retry.batch); on failure says that nothing stayed
function Migrator:atomically(fn)
  local ok, err = pcall(retry.batch, self, function()
    keys.run(self.db, true, fn, { on_restart = function()
      self.out:info("Foreign keys are turned off in the batch: running it again with them off.")
    end })
  end)
  if not ok then
    if not (errors.is(err) and err.escaped) then
      self.out:info("Rolled back the whole batch: nothing was applied.")
    end
    error(err, 0)
  end
end

-- the longest batch whose classes the load check keeps for the run: each
-- file of it is compiled once. A longer one loads each file again as it
-- runs, so that a thousand classes (4.5 MB with what their closures hold)
-- are never held at once.
local KEEP = 200

-- after the load check of entry e, in a batch of n: past KEEP its class
-- goes, and a step of the collector (generational: lm_main.c) takes its
-- chunk, so a thousand checked files do not pile up before the first runs
-- (rollback of 1000: 9.6 MB peak RSS instead of 10.1)
local function loaded(e, n)
  if n <= KEEP then return end
  e.class = nil
  collectgarbage("step")
end

-- Laravel 12's shouldRun(): asked just before the migration would run;
-- false skips it, unrecorded, so it stays pending (the next migrate asks again)
local function skipped(self, e)
  if not e.class then loader.load(e) end
  local should = e.class.should_run
  if should == nil then return false end
  local ok, yes = pcall(function()
    if type(should) ~= "function" then error("should_run must be a function", 0) end
    return should(instantiate(self, e, self.db, self.schema))
  end)
  if not ok then
    errors.raise("migration", "should_run(): " .. errors.text(errors.is(yes) and yes.message or yes),
      { migration = e.name, file = e.file })
  end
  return not yes
end

-- migrate{ step, atomic, pretend }: the pending migrations as one new
-- batch (--step: one batch each) -> count run
function Migrator:migrate(opts)
  opts = opts or {}
  partial.refuse_down(self, opts)
  local pending, last = self:pending()
  if #pending == 0 then
    self.out:info("Nothing to migrate.")
    return 0
  end
  -- every file must load before any runs: one bad file changes nothing.
  -- Each is loaded again just before it runs, so a long batch does not
  -- hold every migration's class (and what its up keeps) at once.
  for _, e in ipairs(pending) do
    local class = loader.load(e)
    retry.limits(self, e)   -- a bad lock_timeout, lock_budget: before any runs
    loaded(e, #pending)
    e.transaction = class.transaction
    -- found now, not when a rollback needs it
    if type(class.down) ~= "function" then
      self.out:warn(("%s has no down function: rollback cannot undo it (%s)"):format(e.name, e.file))
    end
    if class.online == true then e.online = true end
    -- another connection: known and opened before any runs (run/others.lua)
    e.elsewhere = self.others:target(e, class) ~= nil
  end
  -- MySQL: --atomic refused, a partly applied migration first (--resume)
  pending = partial.check_migrate(self, pending, opts)
  if opts.pretend then return self:pretend(pending, "up") end
  if opts.atomic then
    for _, e in ipairs(pending) do
      if e.elsewhere then
        errors.raise("usage", ("migrate --atomic cannot run %s: it runs on another connection,"
          .. " which the batch's transaction does not span"):format(e.name))
      end
      if e.transaction == false or (e.online and self.db.driver == "postgres") then
        errors.raise("usage", ("migrate --atomic cannot run %s: it sets %s,"
          .. " so it cannot run inside the batch's transaction"):format(e.name,
          e.online and "online = true" or "transaction = false"))
      end
    end
  end
  local newest = opts.step and last + #pending or last + 1
  if newest > Repository.MAX_BATCH then
    errors.raise("migration", ("cannot number a new batch: the history's last batch is %d, and %d is"
      .. " the largest it holds"):format(last, Repository.MAX_BATCH))
  end
  -- where DDL is transactional the history table is made in the first
  -- migration's transaction: a first run that fails (a full disk) leaves none
  local create = function() self.repo:create() end
  local with_first = opts.atomic or (pending[1].transaction ~= false
    and self.db.grammar:supports("transactional_ddl"))
  local ran = 0
  local function run()
    if not with_first then create() end
    self.out:info("Running migrations.")
    local first = with_first and create or nil
    for i, e in ipairs(pending) do
      local batch = opts.step and last + i or last + 1
      if skipped(self, e) then
        self.out:row(e.name, "", "SKIPPED", "yellow")
      else
        self:step(e, "up", function() self.repo:log(e.name, batch, e.checksum) end, opts.atomic,
          first)
        first, ran = nil, ran + 1
      end
    end
    if first then first() end   -- every one skipped: the history table all the same
  end
  if opts.atomic then self:atomically(run) else sweeping(self, run) end
  return ran
end

-- the history rows to undo, newest first: the last batch, the last
-- 'step' migrations, one 'batch', or every one ('all')
function Migrator:select(opts)
  local rows, last = self:history()
  local order = {}
  for i, r in ipairs(rows) do order[i] = { row = r, i = i } end
  table.sort(order, function(a, b)
    if a.row.batch ~= b.row.batch then return a.row.batch > b.row.batch end
    return a.i > b.i
  end)
  local undo = {}
  for _, o in ipairs(order) do
    local r = o.row
    local take
    if opts.all then take = true
    elseif opts.step then take = #undo < opts.step
    elseif opts.batch then take = r.batch == opts.batch
    else take = r.batch == last end
    if take then undo[#undo + 1] = { name = r.migration } end
  end
  return undo
end

-- every file must be there and load before any runs; one without a down
-- rolls back as a no-op (its history row goes), as in Laravel, whose
-- migrator calls down only when the migration has one
function Migrator:check_undo(undo)
  local files = {}
  for _, e in ipairs(loader.discover(self.path)) do files[e.name] = e.file end
  for _, e in ipairs(undo) do
    e.file = files[e.name]
    if not e.file then
      errors.raise("migration", ("the file of applied migration %s is missing from %s")
        :format(e.name, self.path), { migration = e.name })
    end
    self.others:target(e, loader.load(e))   -- its connection known and opened before any runs
    loaded(e, #undo)
  end
end

-- rollback{ step, batch, all, pretend } -> count rolled back
function Migrator:rollback(opts)
  opts = opts or {}
  partial.check_rollback(self, opts)
  local undo = self:select(opts)
  if #undo == 0 then
    self.out:info("Nothing to rollback.")
    return 0
  end
  self:check_undo(undo)
  -- MySQL: a down that stopped part-way runs on first
  partial.continue_down(self, undo, opts)
  if opts.pretend then return self:pretend(undo, "down") end
  self.out:info(opts.all and "Resetting migrations." or "Rolling back migrations.")
  sweeping(self, function()
    for _, e in ipairs(undo) do
      self:step(e, "down", function() self.repo:delete(e.name) end)
    end
  end)
  return #undo
end

-- drops every table, view and sequence, whatever depends on what, and
-- with 'types' PostgreSQL's user-defined types (fresh --drop-types)
function Migrator:wipe(types)
  local t0 = core.clock()
  self.schema:drop_all_tables()
  if types then self.schema:drop_all_types() end
  self.journal_exists, self.backfills_exist = nil, nil   -- asked again (journal_table, backfill)
  self.repo:forget()
  self.found = nil
  if self.lease then self.lease:retake(self.db) end   -- its table went too (run/lease.lua)
  self.out:row("Dropping all tables", ("%.2fms"):format((core.clock() - t0) * 1000), "DONE", "green")
end

-- whether an applied migration's file changed since it ran
local function modified(entry, row)
  if type(row.checksum) ~= "string" then return false end
  return loader.checksum(entry) ~= row.checksum
end

-- status() -> { { migration, ran, batch, ran_at, modified, missing }, ... } in name order
function Migrator:status()
  local files = loader.discover(self.path)
  local rows = self:history()
  local ran = {}
  for _, r in ipairs(rows) do ran[r.migration] = r end
  local list, seen = {}, {}
  for _, e in ipairs(files) do
    local r = ran[e.name]
    seen[e.name] = true
    local item = { migration = e.name, ran = r ~= nil, modified = false, missing = false }
    if r then
      item.batch, item.ran_at = r.batch, r.ran_at
      item.modified = modified(e, r)
    end
    list[#list + 1] = item
  end
  local missing = false
  for _, r in ipairs(rows) do
    if not seen[r.migration] then
      missing = true
      list[#list + 1] = { migration = r.migration, ran = true, batch = r.batch,
                          ran_at = r.ran_at, modified = false, missing = true }
    end
  end
  -- the files come sorted; only rows without a file need placing
  if missing then table.sort(list, function(a, b) return a.migration < b.migration end) end
  return backfill().annotate(self, partial.annotate(self, list))
end

-- rollback --partial: undoes what a partly applied migration applied (MySQL)
function Migrator:rollback_partial()
  return partial.rollback_partial(self)
end

return M
