-- The other connections of a run: Laravel's Migration::$connection (a
-- migration whose up/down run on a connection other than the one being
-- migrated) and Schema::connection(name) inside up/down. Laravel's
-- Migrator::runMigration resolves the migration's connection, runs it
-- there (in a transaction when that grammar has transactional DDL) and
-- logs it in the repository of the migrator's own connection: so does
-- this. Each other connection is opened once per run, when first named,
-- and closed with the run's. Two databases commit one after the other,
-- never atomically: the other connection commits first, then the run's
-- history row; a failure between the two leaves the migration applied
-- and unrecorded, and the error says so.
-- A MySQL/MariaDB connection as the other one is refused: its DDL commits
-- statement by statement, and the journal that makes that resumable
-- (run/journal.lua) is bound to the run's connection.
local core = require("lmigrate.core")
local errors = require("lmigrate.errors")
local invoke = require("lmigrate.run.invoke")
local keys = require("lmigrate.schema.foreign_keys")
local loader = require("lmigrate.run.loader")
local txcontrol = require("lmigrate.db.txcontrol")
-- Pretend (lmigrate.db.pretend) is required by a plan or --pretend that
-- reaches another connection: a run of one connection never loads it
local Schema = require("lmigrate.schema")

local Pool = {}
Pool.__index = Pool

local M = {}

-- new(main, named, open): main = { name, db, schema } of the run's
-- connection; named(name) -> a connection of lmigrate.lua or nil;
-- open(c) -> db, conn (run/session.lua)
function M.new(main, named, open)
  local p = setmetatable({ main = main, named = named, open = open, handles = {},
                           began = {} }, Pool)
  main.db.others = p
  return p
end

local function transactional(db)
  return db.grammar:supports("transactional_ddl")
end

-- the connection of lmigrate.lua called 'name' for 'what' (a message),
-- refused when unknown or MySQL: a config error (exit 2), nothing run
local function resolve(named, name, what)
  local c = named(name)
  if not c then
    errors.raise("config", ("%s '%s' is not a connection of lmigrate.lua"):format(what,
      tostring(name)))
  end
  if c.driver == "mysql" then
    errors.raise("config", ("%s '%s' is a MySQL/MariaDB connection: lmigrate runs a"
      .. " migration's statements on another connection only where DDL is transactional (SQLite,"
      .. " PostgreSQL); migrate it on its own (`lmigrate migrate --connection %s`)"):format(
      what, name, name))
  end
  return c
end

M.resolve = resolve

-- the connection name a migration's class names: get_connection() (its
-- connection field unless overridden)
local function named_by(class)
  if type(class.get_connection) == "function" then return class.get_connection(class) end
  return class.connection
end
M.named_by = named_by

-- the opened connection 'name' -> { name, db, schema }, opened on first use
function Pool:get(name, what)
  if name == self.main.name then return self.main end
  local h = self.handles[name]
  if h then return h end
  local c = resolve(self.named, name, what)
  local db, conn = self.open(c)
  db.connection_name, db.others = name, self
  h = { name = name, c = c, db = db, conn = conn, schema = Schema.new(db, db.grammar) }
  self.handles[name] = h
  return h
end

-- the connection a migration's class names (its connection field, or
-- get_connection()) when it is not the run's: its handle, else nil
function Pool:target(entry, class)
  local name = named_by(class or entry.class)
  if name == nil or name == self.main.name then return nil end
  return self:get(name, ("%s: the migration's connection"):format(entry.file))
end

-- schema:connection(name) inside a step: the schema on that connection,
-- its statements in a transaction of their own where the dialect has one
-- (begun at the first use, committed with the migration's: Pool:commit);
-- nil for an unknown name (schema/init.lua raises)
function Pool:schema_for(name, from)
  local scope = self.scope
  if self.named(name) == nil and name ~= self.main.name then return nil end
  if from.mode == "plan" then
    -- run/journal.lua's plan of a MySQL step counts the step's statements
    -- without running them: the other connection's are not run either
    local h = self:get(name, "schema:connection")
    local stand_in = require("lmigrate.db.pretend").new(h.db.grammar, h.db)
    stand_in.connection_name, stand_in.others = name, self
    return Schema.new(stand_in, h.db.grammar)
  end
  if not scope then
    error(("lmigrate: schema:connection('%s') reaches another connection only inside a migration's"
      .. " up/down (not in a seeder or should_run)"):format(name), 3)
  end
  if scope.atomic then
    error(("lmigrate: schema:connection('%s') inside `migrate --atomic`: the batch's transaction"
      .. " cannot span another connection"):format(name), 3)
  end
  local h = self:get(name, "schema:connection")
  if h.db.driver == "mysql" then
    error(("lmigrate: schema:connection('%s'): a MySQL/MariaDB connection, whose DDL is not"
      .. " transactional, is not reached from another connection's migration"):format(name), 3)
  end
  if scope.own and h.db.depth == 0 and transactional(h.db) and not self.began[h] then
    h.db:begin()
    self.began[h] = true
  end
  return h.schema
end

-- commits the transactions schema:connection began, before the
-- migration's own commit
function Pool:commit()
  for h in pairs(self.began) do
    self.began[h] = nil
    h.db:commit()
  end
end

-- rolls them back (a failed step, or a step run again)
function Pool:rollback()
  for h in pairs(self.began) do
    self.began[h] = nil
    pcall(h.db.rollback, h.db)
  end
end

-- around(own, fn, atomic): fn with schema:connection(other) reachable
-- (not in an --atomic batch); what it began is rolled back if fn fails
function Pool:around(own, fn, atomic)
  self.scope = { own = own, atomic = atomic }
  local ok, err = pcall(fn)
  if not ok then self:rollback() end
  self.scope = nil
  if not ok then error(err, 0) end
end

function Pool:close()
  for _, h in pairs(self.handles) do h.conn:close() end
  self.handles = {}
end

-- the stand-ins of --pretend, one a connection (the run's, a migration's
-- own, schema:connection's), in the order first used; on SQLite each with
-- a shadow of its schema, where the rebuilds read (db/shadow.lua)
function M.pretend_views(pool, method)
  local views, order, closers = {}, {}, {}
  local stand_in = {}   -- db.others of each stand-in (schema:connection)
  local function view(h)
    if views[h.name] then return views[h.name] end
    local shadow, close
    if h.db.driver == "sqlite" then
      shadow, close = require("lmigrate.db.shadow").open(h.db.grammar, h.db)
    end
    local db = require("lmigrate.db.pretend").new(h.db.grammar, h.db, shadow)
    db.method, db.others = method, stand_in   -- named by a backfill's line (run/backfill.lua)
    local v = { name = h.name, db = db, schema = Schema.new(db, h.db.grammar) }
    views[h.name], order[#order + 1] = v, v
    if close then closers[#closers + 1] = close end
    return v
  end
  function stand_in.schema_for(_, name)
    if name ~= pool.main.name and not pool.named(name) then return nil end
    return view(pool:get(name, "schema:connection")).schema
  end
  return view, order, function() for _, c in ipairs(closers) do c() end end
end

-- step(m, entry, method, record, h, before): a migration whose class
-- names connection h: its up/down on h (in a transaction there unless it
-- opts out), then, once that committed, its history row (and 'before',
-- the history table of a first run) on the run's connection
function M.step(m, entry, method, record, h, before)
  local pool, db = m.others, h.db
  local own = entry.class.transaction ~= false and transactional(db)
  m.out:start(entry.name)
  local t0 = core.clock()
  local inst = loader.instance(entry.class, db, h.schema, m:runner(), { on_connection = h.name })
  local ok, err = pcall(pool.around, pool, own, function()
    keys.run(db, own, function()
      invoke(entry, inst, method, "migration")
      txcontrol.still_open(db, method, { migration = entry.name, file = entry.file })
    end, { after = function() pool:commit() end, on_restart = function() pool:rollback() end })
  end)
  if ok then
    local done, e = pcall(m.db.transaction, m.db, function()
      if before then before() end
      record()
    end)
    if not done then
      ok, err = false, errors.new("migration", ("its %s committed on connection '%s', but its history"
        .. " row on connection '%s' failed: the migration is applied there and not recorded (two"
        .. " databases do not commit together); record it by hand or undo it before migrating"
        .. " again: %s"):format(method, h.name, m.connection.name,
          errors.is(e) and e.message or errors.text(e)),
        { migration = entry.name, file = entry.file, sql = errors.is(e) and e.sql or nil })
    end
  end
  if not ok then
    err = errors.placed(entry, err)
    m.out:finish(entry.name, core.clock() - t0, false, err)
    error(err, 0)
  end
  entry.class = nil
  m.out:finish(entry.name, core.clock() - t0, true)
end

return M
