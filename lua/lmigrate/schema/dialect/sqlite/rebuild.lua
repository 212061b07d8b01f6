-- The SQLite table rebuild: what ALTER TABLE cannot do in place (change
-- a column, drop a constrained or indexed column, add or drop a foreign
-- key, a primary key or a CHECK, add a column with a non-constant
-- default), after SQLite's "Making Other Kinds Of Table Schema Changes",
-- inside the migration's transaction, where PRAGMA foreign_keys cannot
-- be turned off:
--   1. CREATE TABLE t__lmigrate_new (the new definition), copy the rows
--   2. ALTER TABLE t RENAME TO t__lmigrate_old (legacy_alter_table on:
--      triggers and views are left alone; foreign keys in other tables,
--      rewritten by SQLite to the old name, are written back as they
--      were through writable_schema, so that no child references it)
--   3. DROP TABLE t__lmigrate_old: no child references it, no cascade
--   4. ALTER TABLE t__lmigrate_new RENAME TO t, indexes and triggers
--      recreated, the AUTOINCREMENT counter restored
--   5. PRAGMA foreign_key_check of t and of the tables referencing it,
--      when the keys are on
-- The new definition is the stored CREATE TABLE split into its columns
-- and constraints, each edited by a step of bp:rebuild_plan(grammar)
-- (ddl.lua). A rebuild reads the table, edits its definition, copies the
-- rows into the new table, swaps the two, and verifies the foreign keys.
local errors = require("lmigrate.errors")
local ddl = require("lmigrate.schema.dialect.sqlite.ddl")

local M = {}

local fail = ddl.fail

local function pragma_value(db, name)
  local row = db:first("PRAGMA " .. name)
  return row and select(2, next(row))
end

local function has_sequence(db)
  return db:first("SELECT 1 FROM \"sqlite_master\" WHERE \"name\" = 'sqlite_sequence'") ~= nil
end

-- read(db, t) -> what the rebuild needs of table t: its CREATE TABLE, its
-- columns, its indexes and triggers (they die with the old table) and its
-- AUTOINCREMENT counter
local function read(db, t)
  local master = db:first("SELECT \"sql\" FROM \"sqlite_master\" "
    .. "WHERE \"type\" = 'table' AND \"name\" = ?", t)
  if not master then fail(t, "no such table") end
  local old = { sql = master.sql, indexes = {}, triggers = {} }
  old.columns = db:query("SELECT \"name\", \"hidden\" FROM pragma_table_xinfo(?) "
    .. "ORDER BY \"cid\"", t)
  for _, ix in ipairs(db:query("SELECT \"name\", \"sql\" FROM \"sqlite_master\" WHERE \"type\" = 'index' "
      .. "AND \"tbl_name\" = ? AND \"sql\" IS NOT NULL ORDER BY \"rowid\"", t)) do
    ix.columns = db:query("SELECT \"name\" FROM pragma_index_xinfo(?) WHERE \"cid\" >= 0", ix.name)
    old.indexes[#old.indexes + 1] = ix
  end
  for _, tr in ipairs(db:query("SELECT \"sql\" FROM \"sqlite_master\" WHERE \"type\" = 'trigger' "
      .. "AND \"tbl_name\" = ? ORDER BY \"rowid\"", t)) do
    old.triggers[#old.triggers + 1] = tr.sql
  end
  if has_sequence(db) then
    local row = db:first("SELECT \"seq\" FROM \"sqlite_sequence\" WHERE \"name\" = ?", t)
    old.seq = row and row.seq
  end
  return old
end

-- the indexes and triggers to create again: not an index of a dropped column
local function survivors(old, new)
  local keep = {}
  for _, ix in ipairs(old.indexes) do
    local ok = true
    for _, c in ipairs(ix.columns) do
      if new.dropped[c.name:lower()] then ok = false end
    end
    for col in pairs(new.dropped) do
      if ddl.mentions(ix.sql, col) then ok = false end
    end
    if ok then keep[#keep + 1] = ix.sql end
  end
  for _, sql in ipairs(old.triggers) do keep[#keep + 1] = sql end
  return keep
end

-- copy(db, q, t, old, new, tmp): the new table under its temporary name,
-- holding every row of t in the columns that stay (generated ones excepted)
local function copy(db, q, t, old, new, tmp)
  local cols = {}
  for _, c in ipairs(old.columns) do
    if tonumber(c.hidden) == 0 and new.kept[c.name:lower()] then cols[#cols + 1] = q(c.name) end
  end
  db:execute("CREATE TABLE " .. q(tmp) .. " (" .. new.body .. ")" .. new.tail)
  if #cols > 0 then
    local list = table.concat(cols, ", ")
    db:execute("INSERT INTO " .. q(tmp) .. " (" .. list .. ") SELECT " .. list .. " FROM " .. q(t))
  end
end

local SCHEMA_ROWS = "SELECT \"type\", \"name\", \"tbl_name\", \"sql\" FROM \"sqlite_master\" "
  .. "WHERE \"sql\" IS NOT NULL"

-- renames t away and drops it without a cascade: the children's REFERENCES,
-- which SQLite rewrites to the old name even with legacy_alter_table, are
-- written back through writable_schema first
local function drop_old(db, q, t, old_name)
  local before = {}
  for _, row in ipairs(db:query(SCHEMA_ROWS)) do before[row.type .. "\0" .. row.name] = row.sql end
  local legacy = pragma_value(db, "legacy_alter_table")
  db:execute("PRAGMA legacy_alter_table = ON")
  local ok, err = pcall(function()
    db:execute("ALTER TABLE " .. q(t) .. " RENAME TO " .. q(old_name))
    local changed = {}
    for _, row in ipairs(db:query(SCHEMA_ROWS .. " AND \"tbl_name\" <> ?", old_name)) do
      local was = before[row.type .. "\0" .. row.name]
      if was and was ~= row.sql then changed[#changed + 1] = { row.type, row.name, was } end
    end
    if #changed > 0 then
      db:execute("PRAGMA writable_schema = ON")
      for _, c in ipairs(changed) do
        db:execute("UPDATE \"sqlite_master\" SET \"sql\" = ? WHERE \"type\" = ? AND \"name\" = ?",
          c[3], c[1], c[2])
      end
      db:execute("PRAGMA writable_schema = RESET")
      db:execute("PRAGMA writable_schema = OFF")
    end
    db:execute("DROP TABLE " .. q(old_name))
  end)
  db:execute("PRAGMA legacy_alter_table = " .. ((tonumber(legacy) or 0) ~= 0 and "ON" or "OFF"))
  if not ok then error(err, 0) end
end

-- swap(db, q, t, old, new, tmp): the new table takes t's place, with its
-- indexes, triggers and AUTOINCREMENT counter
local function swap(db, q, t, old, new, tmp)
  drop_old(db, q, t, t .. "__lmigrate_old")
  db:execute("ALTER TABLE " .. q(tmp) .. " RENAME TO " .. q(t))
  for _, sql in ipairs(survivors(old, new)) do db:execute(sql) end
  if old.seq ~= nil and has_sequence(db) then
    local row = db:first("SELECT \"seq\" FROM \"sqlite_sequence\" WHERE \"name\" = ?", t)
    if row then
      db:execute("UPDATE \"sqlite_sequence\" SET \"seq\" = max(\"seq\", ?) WHERE \"name\" = ?", old.seq, t)
    elseif new.body:upper():find("AUTOINCREMENT", 1, true) then
      db:execute("INSERT INTO \"sqlite_sequence\" (\"name\", \"seq\") VALUES (?, ?)", t, old.seq)
    end
  end
end

-- verify(db, t): the foreign keys of t and of the tables referencing it hold
local function verify(db, t)
  local check = { t }
  for _, row in ipairs(db:query("SELECT DISTINCT m.\"name\" FROM \"sqlite_master\" m, "
      .. "pragma_foreign_key_list(m.\"name\") f WHERE m.\"type\" = 'table' AND m.\"name\" <> ? "
      .. "AND f.\"table\" = ? COLLATE NOCASE", t, t)) do
    check[#check + 1] = row.name
  end
  for _, name in ipairs(check) do
    local bad = db:first("SELECT \"table\", \"rowid\", \"parent\" FROM pragma_foreign_key_check(?)", name)
    if bad then
      fail(t, ("a foreign key of %s fails for rowid %s (parent %s)"):format(bad.table,
        tostring(bad.rowid), bad.parent))
    end
  end
end

local function rebuild(self, t, steps)
  local db, g = self.db, self.grammar
  local q = function(s) return g:quote(s) end
  local old = read(db, t)
  local new = ddl.edit(t, old.sql, steps)
  local tmp = t .. "__lmigrate_new"
  copy(db, q, t, old, new, tmp)
  swap(db, q, t, old, new, tmp)
  -- with the keys off (schema:disable_foreign_key_constraints) the
  -- migration's own check, before it commits, sees what dangles
  if tonumber(pragma_value(db, "foreign_keys")) == 1 then verify(db, t) end
end

-- rename_index(schema, t, step): SQLite has no ALTER INDEX; the index's
-- own CREATE INDEX (partial, over expressions, UNIQUE: as it was) runs
-- again under the new name, after a DROP INDEX of the old one
local function rename_index(self, t, step)
  local db, g = self.db, self.grammar
  local function refuse(msg)
    errors.raise("database", ("renaming index %s of table %s: %s"):format(step.from, t, msg))
  end
  local row = db:first("SELECT \"sql\" FROM (SELECT * FROM \"sqlite_master\" UNION ALL "
    .. "SELECT * FROM \"sqlite_temp_master\") WHERE \"type\" = 'index' AND \"name\" = ? "
    .. "AND \"tbl_name\" = ?", step.from, t)
  if not row then refuse("it has no such index") end
  if type(row.sql) ~= "string" then
    refuse("it is the index of a PRIMARY KEY or UNIQUE constraint inside the CREATE TABLE,"
      .. " which SQLite cannot rename")
  end
  local sql = ddl.rename_index(row.sql, g:quote(step.to))
  if not sql then refuse("its CREATE INDEX could not be read") end
  db:execute("DROP INDEX " .. g:quote(step.from))
  db:execute(sql)
end

-- run(schema, bp): the blueprint's statements and rebuilds, in order;
-- consecutive rebuild steps are one rebuild
function M.run(self, bp)
  local plan = bp:rebuild_plan(self.grammar)
  -- --pretend and sql: the rebuild reads and runs on the shadow (db/shadow.lua)
  if self.db.shadow then self = setmetatable({ db = self.db:rebuild_view() }, { __index = self }) end
  local db, t = self.db, bp:table_name()
  local pending = {}
  local function flush()
    if #pending == 0 then return end
    if db.offline then
      errors.raise("database", ("%s on sqlite needs a table rebuild, which needs to read the table,"
        .. " which lmigrate sql cannot do: it runs without a connection"):format(pending[1].what))
    end
    local steps = pending
    pending = {}
    rebuild(self, t, steps)
  end
  for _, item in ipairs(plan) do
    if type(item) == "string" then
      flush()
      db:execute(item)
    elseif item.op == "rename_index" then
      flush()
      if db.offline then
        errors.raise("database", ("rename_index() on sqlite needs to read the index %s, which"
          .. " lmigrate sql cannot do: it runs without a connection"):format(item.from))
      end
      rename_index(self, t, item)
    elseif item.op == "drop_column" then
      -- in place when SQLite can; a rebuild when the column is indexed or constrained
      flush()
      local ok = not db.offline and pcall(db.execute, db, item.sql)
      if db.offline then db:execute(item.sql)
      elseif not ok then pending[1] = item flush() end
    else
      pending[#pending + 1] = item
    end
  end
  flush()
end

return M
