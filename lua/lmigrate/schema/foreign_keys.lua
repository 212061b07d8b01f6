-- Foreign keys switched off for a migration, and never a silent cascade.
--
-- schema:disable_foreign_key_constraints() works inside the migration's
-- transaction on every dialect (the SQL of each is in
-- dialect/<name>/keys.lua). SQLite ignores PRAGMA foreign_keys inside a
-- transaction, so there the migration's transaction is begun again with
-- the keys off when nothing has run in it yet, and otherwise the whole
-- migration (the --atomic batch) is rolled back and run again from its
-- start with the keys off from before its BEGIN: on SQLite a migration
-- that turns the keys off anywhere runs with them off throughout, and
-- enable_foreign_key_constraints cannot turn them on again before it ends.
--
-- A unit (a migration, an --atomic batch, a seeder: M.run) that turned
-- the keys off is checked before it commits: a row whose parent is
-- missing and was not missing before the keys went off fails it (rolled
-- back, naming the table, the key and a sample row). The keys are on
-- again after the unit, whatever happened.
--
-- schema:drop and schema:truncate never delete other tables' rows: with
-- the keys enforced, dropping a table others reference is refused (as
-- PostgreSQL and MySQL refuse it; SQLite would run an implicit DELETE that
-- fires their ON DELETE CASCADE), and so is truncating one whose
-- referencing rows would go with it.
local errors = require("lmigrate.errors")

local M = {}

-- samples kept of each key's dangling rows, before and after
local LIMIT = 1000

local function dialect(db)
  return require("lmigrate.schema.dialect." .. db.grammar:name() .. ".keys")
end

function M.is_restart(err)
  return errors.is(err) and err.kind == "restart"
end

-- {======================================================
-- Dangling references
-- ======================================================

local function quoter(db)
  return function(s) return db.grammar:quote(s) end
end

local function exists(db, t)
  local dk = dialect(db)
  if dk.exists then return dk.exists(db, t) end
  return db:first(db.grammar:has_table(), t) ~= nil
end

-- the rows of fk.table whose fk.columns name no row of fk.foreign_table
-- (all of them when that table is gone) -> the dangling entry or nil
local function scan(db, fk, limit)
  local q = quoter(db)
  local cols, present, match = {}, {}, {}
  for i, c in ipairs(fk.columns) do
    cols[i] = "lmigrate_child." .. q(c)
    present[i] = cols[i] .. " IS NOT NULL"
    match[i] = "lmigrate_parent." .. q(fk.foreign_columns[i]) .. " = " .. cols[i]
  end
  local sql = "SELECT " .. table.concat(cols, ", ") .. ", COUNT(*) OVER () AS lmigrate_n FROM "
    .. q(fk.table) .. " lmigrate_child WHERE " .. table.concat(present, " AND ")
  if exists(db, fk.foreign_table) then
    sql = sql .. " AND NOT EXISTS (SELECT 1 FROM " .. q(fk.foreign_table) .. " lmigrate_parent WHERE "
      .. table.concat(match, " AND ") .. ")"
  end
  local rows = db:query(sql .. " LIMIT " .. limit)
  if #rows == 0 then return nil end
  local d = { key = (fk.table .. "\0" .. table.concat(fk.columns, ",") .. "\0" .. fk.foreign_table):lower(),
              table = fk.table, name = fk.name, columns = fk.columns, foreign_table = fk.foreign_table,
              foreign_columns = fk.foreign_columns, count = tonumber(rows[1].lmigrate_n), samples = {} }
  for i, r in ipairs(rows) do
    local parts = {}
    for _, c in ipairs(fk.columns) do parts[#parts + 1] = c .. " = " .. tostring(r[c]) end
    d.samples[i] = table.concat(parts, ", ")
  end
  return d
end

-- dangling(db) -> the rows whose parent row is missing, by foreign key:
-- { { key, table, name?, columns, foreign_table, foreign_columns, count,
-- samples = { "parent_id = 7", ... } }, ... }; on PostgreSQL only the
-- deferrable keys (the others cannot dangle: they are checked at once)
local function dangling(db)
  local dk = dialect(db)
  if dk.dangling then return dk.dangling(db, LIMIT) end
  local list = {}
  for _, fk in ipairs(dk.checked(db)) do
    list[#list + 1] = scan(db, fk, LIMIT)
  end
  return list
end

M.dangling = dangling

-- what dangled before the keys went off, by key
local function baseline(db)
  local by = {}
  for _, d in ipairs(dangling(db)) do
    local seen = {}
    for _, s in ipairs(d.samples) do seen[s] = true end
    by[d.key] = { count = d.count, seen = seen }
  end
  return by
end

local function list_text(t)
  return "(" .. table.concat(t, ", ") .. ")"
end

-- raises when the unit leaves more dangling rows under a key than it found
local function check(db, unit)
  for _, d in ipairs(dangling(db)) do
    local b = unit.before[d.key]
    if not b or d.count > b.count then
      local sample = d.samples[1]
      for _, s in ipairs(b and d.samples or {}) do
        if not b.seen[s] then sample = s break end
      end
      local done
      if not db.grammar:supports("transactional_ddl") then
        done = "its open data statements are rolled back; what it committed stays (" .. db.grammar:name()
          .. " commits each schema statement at once)"
      elseif not unit.own then
        done = "it runs without a transaction (transaction = false): what it did stays"
      else
        done = "rolled back: nothing was applied"
      end
      errors.raise("database", ("foreign keys were off, and %d row(s) of table %s are left without"
        .. " their %s row: foreign key %s%s references %s%s, e.g. the row with %s; %s")
        :format(d.count - (b and b.count or 0), d.table, d.foreign_table,
          d.name and (d.name .. " ") or "", list_text(d.columns), d.foreign_table,
          list_text(d.foreign_columns), sample, done))
    end
  end
end

-- }======================================================

-- {======================================================
-- The switches
-- ======================================================

-- schema:disable_foreign_key_constraints()
function M.disable(schema)
  local db = schema.db
  local dk, unit = dialect(db), db.unit
  if db.pretend then
    db:execute(dk.off)
    db.keys_off = true   -- for the script's switch around its BEGIN (M.script_switch)
    return true
  end
  local untouched = unit and db.statements == unit.start
  if dk.before_begin and db.depth > 0 and dk.enforced(db) then
    -- the unit's own transaction can begin again; one the migration opened
    -- itself (db:transaction with transaction = false) cannot
    if not (unit and unit.own) then
      error(("lmigrate: schema:disable_foreign_key_constraints cannot turn foreign keys off inside"
        .. " db:transaction on %s (it ignores the switch inside a transaction): call it before"):format(
        db.grammar:name()), 3)
    end
    if not untouched or db.depth ~= unit.depth then
      errors.raise("restart", "foreign keys off: the migration runs again with them off from its start")
    end
    -- nothing ran in the transaction yet (but the unit's 'before'): it
    -- begins again, with the keys off
    db:rollback()
    db:execute(dk.off)
    db:begin()
    if unit.before_fn then unit.before_fn() end
    unit.start = db.statements
  else
    db:execute(dk.off)
  end
  if unit and not unit.off then
    unit.off, unit.before = true, baseline(db)
  end
  return true
end

-- schema:enable_foreign_key_constraints(); on SQLite inside the
-- migration's transaction the keys stay off until it ends (see above)
function M.enable(schema)
  local db = schema.db
  local dk = dialect(db)
  if db.pretend or not (dk.before_begin and db.depth > 0) then db:execute(dk.on) end
  return true
end

-- schema:without_foreign_key_constraints(fn) -> what fn returns
function M.without(schema, fn)
  M.disable(schema)
  local res = table.pack(pcall(fn))
  local ok, err = pcall(M.enable, schema)
  if not res[1] then error(res[2], 0) end
  if not ok then error(err, 0) end
  return table.unpack(res, 2, res.n)
end

-- script_switch(db) -> the statements that turn the keys off before a
-- script's BEGIN and on after its COMMIT, for `lmigrate sql`, when the
-- migration just recorded turned them off on a dialect that ignores the
-- switch inside a transaction (SQLite); else nil
function M.script_switch(db)
  local off = db.keys_off
  db.keys_off = nil
  local dk = dialect(db)
  if off and dk.before_begin then return dk.off, dk.on end
end

-- }======================================================

-- {======================================================
-- Units: a migration, an --atomic batch, a seeder
-- ======================================================

-- run(db, own, body, opts): body() as one unit, in a transaction of its
-- own when 'own' (else the caller's, or none: transaction = false), after
-- opts.before() (lmigrate's own statements: the history table; run again
-- when the transaction begins again). When the keys were turned off in
-- it, the dangling references are checked after body, then opts.after()
-- runs (the history row: not written for a unit that fails the check,
-- with a transaction or without), and the keys are on again after the
-- unit; opts.on_restart() is told when it runs again. A unit inside a
-- unit (a migration of an --atomic batch, a seeder another one calls) is
-- part of it, in a savepoint when 'own'.
function M.run(db, own, body, opts)
  opts = opts or {}
  local function inner()
    if opts.before then opts.before() end
    body()
    if opts.after then opts.after() end
  end
  if db.unit or db.pretend then
    if own then return db:transaction(inner) end
    return inner()
  end
  local dk = dialect(db)
  local unit = { own = own, before_fn = opts.before }
  local function attempt(off)
    if off then db:execute(dk.off) end
    if own then db:begin() end
    M.open(db, unit)
    if opts.before then opts.before() end
    unit.start = db.statements
    if off then unit.off, unit.before = true, baseline(db) end
    body()
    M.verify(db, unit)
    if opts.after then opts.after() end
    if own then db:commit() end
  end
  local ok, err = pcall(attempt, false)
  if not ok and M.is_restart(err) then
    if own then db:rollback() end
    if opts.on_restart then opts.on_restart() end
    ok, err = pcall(attempt, true)
  end
  if not ok and own then db:rollback() end
  M.close(db, unit)
  if not ok then error(err, 0) end
end

-- The three parts of a unit, for a runner that manages its transactions
-- itself (run/journal.lua on MySQL): open(db, unit) before the unit's
-- statements, verify(db, unit) before it records its history row (the
-- dangling check, when the keys went off), close(db, unit) after it,
-- whatever happened (the keys on again).
function M.open(db, unit)
  unit.depth = db.depth
  unit.start = db.statements
  db.unit = unit
  return unit
end

function M.verify(db, unit)
  if unit.off then check(db, unit) end
end

function M.close(db, unit)
  db.unit = nil
  if unit.off and not dialect(db).scoped then pcall(db.execute, db, dialect(db).on) end
end

-- }======================================================

-- {======================================================
-- No silent cascade
-- ======================================================

-- "table comments (post_id) references it, as do table ..."
local function describe(refs)
  local parts = {}
  for _, r in ipairs(refs) do
    parts[#parts + 1] = ("table %s%s"):format(r.table, r.name and (" (foreign key " .. r.name .. ")")
      or (" " .. list_text(r.columns)))
  end
  return table.concat(parts, ", ") .. (#refs == 1 and " references it" or " reference it")
end

-- whether a row of the referencing key r names a parent
local function holds_rows(db, r)
  local q = quoter(db)
  local present = {}
  for i, c in ipairs(r.columns) do present[i] = q(c) .. " IS NOT NULL" end
  return db:first("SELECT 1 AS x FROM " .. q(r.table) .. " WHERE " .. table.concat(present, " AND ")
    .. " LIMIT 1") ~= nil
end

local function refuse_drop(dk, t, method, sql, refs)
  errors.raise("database", ("schema:%s cannot drop table %s: %s; %s"):format(method, t, describe(refs),
    dk.drop_when_off and "drop those foreign keys first, or drop the table with foreign keys off"
      .. " (without_foreign_key_constraints: their rows stay)"
      or "drop those foreign keys first"), { sql = sql })
end

-- schema:drop and schema:drop_if_exists: runs 'sql', which drops table t,
-- refusing to while other tables reference it and the keys are enforced
-- (on PostgreSQL always: it has no switch for it). A server that refuses
-- it itself (MySQL: dk.drop_refused, its error numbers) is asked which
-- tables those are only once it has: the question reads every table's
-- keys (MariaDB's information_schema opens each table of the schema)
function M.drop(schema, t, method, sql)
  local db = schema.db
  local dk = dialect(db)
  if not dk.drop_refused or db.pretend then
    M.guard_drop(schema, t, method, sql)
    return db:execute(sql)
  end
  local ok, err = pcall(db.execute, db, sql)
  if ok then return end
  if errors.is(err) and dk.drop_refused[err.errno] then
    local refs = dk.referencing(db, t)
    if #refs > 0 then refuse_drop(dk, t, method, sql, refs) end
  end
  error(err, 0)
end

-- refuses, before 'sql' runs, to drop table t while other tables
-- reference it and the keys are enforced
function M.guard_drop(schema, t, method, sql)
  local db = schema.db
  if db.pretend then return end
  local dk = dialect(db)
  -- the keys first: most tables have none pointing at them, and then
  -- whether t exists (drop_if_exists) needs no question of its own
  local refs = dk.referencing(db, t)
  if #refs == 0 or (dk.drop_when_off and not dk.enforced(db)) or not exists(db, t) then return end
  refuse_drop(dk, t, method, sql, refs)
end

-- refuses, before schema:truncate runs 'sql', to empty table t while rows
-- of other tables reference it and would go with it: SQLite's DELETE
-- would fire their ON DELETE CASCADE, PostgreSQL's TRUNCATE ... CASCADE
-- (Laravel's) empties them
-- -> whether the keys must be off around 'sql' though no row would go
-- (MySQL refuses TRUNCATE of any table a key references)
function M.guard_truncate(schema, t, sql)
  local db = schema.db
  if db.pretend then return false end
  local dk = dialect(db)
  local refs, holding = dk.referencing(db, t), {}
  for _, r in ipairs(refs) do
    if holds_rows(db, r) then holding[#holding + 1] = r end
  end
  local off = dk.drop_when_off and not dk.enforced(db)
  if #holding == 0 or off then return #refs > 0 and not off and dk.truncate_refused == true end
  errors.raise("database", ("schema:truncate cannot empty table %s: %s with rows that would be"
    .. " deleted too; empty those tables first%s"):format(t, describe(holding),
      dk.drop_when_off and ", or truncate with foreign keys off" or ""), { sql = sql })
end

-- }======================================================

return M
