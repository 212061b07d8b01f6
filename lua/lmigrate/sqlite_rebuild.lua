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
--   5. PRAGMA foreign_key_check of t and of the tables referencing it
-- The new definition is the stored CREATE TABLE split into its columns
-- and constraints, each edited by a step of bp:rebuild_plan(grammar).
local errors = require("lmigrate.errors")

local M = {}

-- the tokens of SQL text: { text, s, e, kind } with kind "id" (a bare
-- word or a quoted identifier, 'name' unquoted), "str", "punct"
local function tokenize(sql)
  local toks, pos, len = {}, 1, #sql
  while pos <= len do
    local c = sql:sub(pos, pos)
    local stop, kind, name
    if c:match("%s") then
      stop = (sql:find("%S", pos) or len + 1) - 1
    elseif c == "-" and sql:sub(pos + 1, pos + 1) == "-" then
      stop = sql:find("\n", pos, true) or len
    elseif c == "/" and sql:sub(pos + 1, pos + 1) == "*" then
      local _, e = sql:find("*/", pos + 2, true)
      stop = e or len
    elseif c == "'" or c == '"' or c == "`" or c == "[" then
      local q = c == "[" and "]" or c
      local i = pos + 1
      while true do
        local j = sql:find(q, i, true)
        if not j then stop = len break end
        if q ~= "]" and sql:sub(j + 1, j + 1) == q then i = j + 2
        else stop = j break end
      end
      if c == "'" then kind = "str"
      else
        kind = "id"
        name = sql:sub(pos + 1, stop - 1):gsub(q .. q, q)
      end
    elseif c:match("[%w_\128-\255]") then
      stop = (sql:find("[^%w_\128-\255$]", pos) or len + 1) - 1
      kind, name = "id", sql:sub(pos, stop)
    else
      stop, kind = pos, "punct"
    end
    if kind then
      toks[#toks + 1] = { text = sql:sub(pos, stop), s = pos, e = stop, kind = kind, name = name }
    end
    pos = stop + 1
  end
  return toks
end

local function word(tok, w)
  return tok and tok.kind == "id" and tok.text:upper() == w
end

-- CREATE TABLE sql -> head ("CREATE TABLE x"), items (text list), tail
local function split(sql)
  local toks = tokenize(sql)
  local open
  for i, t in ipairs(toks) do
    if t.text == "(" then open = i break end
  end
  if not open then return nil end
  local items, depth, from = {}, 0, toks[open].e + 1
  for i = open + 1, #toks do
    local t = toks[i]
    if t.text == "(" then depth = depth + 1
    elseif t.text == ")" and depth > 0 then depth = depth - 1
    elseif depth == 0 and (t.text == "," or t.text == ")") then
      items[#items + 1] = sql:sub(from, t.s - 1):match("^%s*(.-)%s*$")
      from = t.e + 1
      if t.text == ")" then
        return items, sql:sub(t.e + 1)
      end
    end
  end
  return nil
end

local CONSTRAINT_WORDS = { CONSTRAINT = true, PRIMARY = true, UNIQUE = true, CHECK = true,
  FOREIGN = true }

local function classify(text)
  local toks = tokenize(text)
  local first = toks[1]
  if first and first.kind == "id" and not first.text:match("^[\"`%[]")
      and CONSTRAINT_WORDS[first.text:upper()] then
    return { text = text, constraint = true }
  end
  return { text = text, column = first and first.name }
end

local function mentions(text, column)
  for _, t in ipairs(tokenize(text)) do
    if t.kind == "id" and t.name:lower() == column:lower() then return true end
  end
  return false
end

local function find_column(items, column)
  for i, it in ipairs(items) do
    if it.column and it.column:lower() == column:lower() then return i end
  end
end

-- the item text without the tokens from index a to b
local function cut(text, toks, a, b)
  return (text:sub(1, toks[a].s - 1) .. text:sub(toks[b].e + 1)):match("^%s*(.-)%s*$")
end

local function fail(table_name, msg)
  errors.raise("database", ("rebuilding table %s: %s"):format(table_name, msg))
end

local EDIT = {}

function EDIT.add(items, step)
  local last = 0
  for i, it in ipairs(items) do if it.column then last = i end end
  table.insert(items, last + 1, { text = step.def, column = step.column, added = true })
end

function EDIT.change(items, step, t)
  local i = find_column(items, step.column)
  if not i then fail(t, ("no column %s to change"):format(step.column)) end
  items[i] = { text = step.def, column = items[i].column }
end

function EDIT.constraint(items, step)
  items[#items + 1] = { text = step.def, constraint = true }
end

function EDIT.drop_column(items, step, t, ctx)
  local i = find_column(items, step.column)
  if not i then fail(t, ("no column %s to drop"):format(step.column)) end
  table.remove(items, i)
  for j = #items, 1, -1 do
    if items[j].constraint and mentions(items[j].text, step.column) then table.remove(items, j) end
  end
  ctx.dropped[step.column:lower()] = true
end

function EDIT.drop_foreign(items, step, t)
  for j, it in ipairs(items) do
    local toks = tokenize(it.text)
    for k = 1, #toks - 2 do
      if word(toks[k], "CONSTRAINT") and toks[k + 1].name == step.name then
        if it.constraint and k == 1 and word(toks[3], "FOREIGN") then
          table.remove(items, j)
          return
        elseif it.column and word(toks[k + 2], "REFERENCES") then
          -- the REFERENCES clause ends the definition lmigrate wrote
          it.text = cut(it.text, toks, k, #toks)
          return
        end
      end
    end
  end
  fail(t, ("no foreign key named %s"):format(step.name))
end

function EDIT.drop_primary(items, _, t)
  local found = false
  for j = #items, 1, -1 do
    local it = items[j]
    local toks = tokenize(it.text)
    if it.constraint then
      local k = word(toks[1], "CONSTRAINT") and 3 or 1
      if word(toks[k], "PRIMARY") then table.remove(items, j) found = true end
    else
      for k = 1, #toks - 1 do
        if word(toks[k], "PRIMARY") and word(toks[k + 1], "KEY") then
          local b = k + 1
          while toks[b + 1] and (word(toks[b + 1], "ASC") or word(toks[b + 1], "DESC")
              or word(toks[b + 1], "AUTOINCREMENT")) do
            b = b + 1
          end
          it.text = cut(it.text, toks, k, b)
          found = true
          break
        end
      end
    end
  end
  if not found then fail(t, "it has no primary key") end
end

local function pragma_value(db, name)
  local row = db:first("PRAGMA " .. name)
  return row and select(2, next(row))
end

local function rebuild(self, t, steps)
  local db, g = self.db, self.grammar
  local q = function(s) return g:quote(s) end
  local master = db:first("SELECT \"sql\" FROM \"sqlite_master\" "
    .. "WHERE \"type\" = 'table' AND \"name\" = ?", t)
  if not master then fail(t, "no such table") end
  local raw, tail = split(master.sql)
  if not raw then fail(t, "its CREATE TABLE could not be read") end
  local items = {}
  for _, text in ipairs(raw) do items[#items + 1] = classify(text) end
  local ctx = { dropped = {} }
  for _, step in ipairs(steps) do EDIT[step.op](items, step, t, ctx) end

  -- the columns copied: the old ones still there, not generated
  local kept = {}
  for _, it in ipairs(items) do
    if it.column and not it.added then kept[it.column:lower()] = true end
  end
  local cols = {}
  for _, c in ipairs(db:query("SELECT \"name\", \"hidden\" FROM pragma_table_xinfo(?) "
      .. "ORDER BY \"cid\"", t)) do
    if tonumber(c.hidden) == 0 and kept[c.name:lower()] then cols[#cols + 1] = q(c.name) end
  end
  local collist = table.concat(cols, ", ")

  -- what dies with the old table: indexes (not those of a dropped column) and triggers
  local recreate = {}
  for _, ix in ipairs(db:query("SELECT \"name\", \"sql\" FROM \"sqlite_master\" WHERE \"type\" = 'index' "
      .. "AND \"tbl_name\" = ? AND \"sql\" IS NOT NULL ORDER BY \"rowid\"", t)) do
    local keep = true
    for _, c in ipairs(db:query("SELECT \"name\" FROM pragma_index_xinfo(?) WHERE \"cid\" >= 0", ix.name)) do
      if ctx.dropped[c.name:lower()] then keep = false end
    end
    if keep and next(ctx.dropped) then
      for col in pairs(ctx.dropped) do
        if mentions(ix.sql, col) then keep = false end
      end
    end
    if keep then recreate[#recreate + 1] = ix.sql end
  end
  for _, tr in ipairs(db:query("SELECT \"sql\" FROM \"sqlite_master\" WHERE \"type\" = 'trigger' "
      .. "AND \"tbl_name\" = ? ORDER BY \"rowid\"", t)) do
    recreate[#recreate + 1] = tr.sql
  end
  local seq
  if db:first("SELECT 1 FROM \"sqlite_master\" WHERE \"name\" = 'sqlite_sequence'") then
    local row = db:first("SELECT \"seq\" FROM \"sqlite_sequence\" WHERE \"name\" = ?", t)
    seq = row and row.seq
  end

  local new, old = t .. "__lmigrate_new", t .. "__lmigrate_old"
  local defs = {}
  for _, it in ipairs(items) do defs[#defs + 1] = it.text end
  local body = table.concat(defs, ", ")
  db:execute("CREATE TABLE " .. q(new) .. " (" .. body .. ")" .. tail)
  if #cols > 0 then
    db:execute("INSERT INTO " .. q(new) .. " (" .. collist .. ") SELECT " .. collist .. " FROM " .. q(t))
  end

  -- the schema as it was, for what the rename rewrites
  local before = {}
  for _, row in ipairs(db:query("SELECT \"type\", \"name\", \"tbl_name\", \"sql\" FROM \"sqlite_master\" "
      .. "WHERE \"sql\" IS NOT NULL")) do
    before[row.type .. "\0" .. row.name] = row.sql
  end
  local legacy = pragma_value(db, "legacy_alter_table")
  db:execute("PRAGMA legacy_alter_table = ON")
  local ok, err = pcall(function()
    db:execute("ALTER TABLE " .. q(t) .. " RENAME TO " .. q(old))
    local changed = {}
    for _, row in ipairs(db:query("SELECT \"type\", \"name\", \"tbl_name\", \"sql\" FROM \"sqlite_master\" "
        .. "WHERE \"sql\" IS NOT NULL AND \"tbl_name\" <> ?", old)) do
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
    db:execute("DROP TABLE " .. q(old))
    db:execute("ALTER TABLE " .. q(new) .. " RENAME TO " .. q(t))
  end)
  db:execute("PRAGMA legacy_alter_table = " .. ((tonumber(legacy) or 0) ~= 0 and "ON" or "OFF"))
  if not ok then error(err, 0) end

  for _, sql in ipairs(recreate) do db:execute(sql) end
  if seq ~= nil and db:first("SELECT 1 FROM \"sqlite_master\" WHERE \"name\" = 'sqlite_sequence'") then
    local row = db:first("SELECT \"seq\" FROM \"sqlite_sequence\" WHERE \"name\" = ?", t)
    if row then
      db:execute("UPDATE \"sqlite_sequence\" SET \"seq\" = max(\"seq\", ?) WHERE \"name\" = ?", seq, t)
    elseif body:upper():find("AUTOINCREMENT", 1, true) then
      db:execute("INSERT INTO \"sqlite_sequence\" (\"name\", \"seq\") VALUES (?, ?)", t, seq)
    end
  end

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

-- whether db is `lmigrate sql`'s stand-in without a connection
local function offline(db)
  return db.statements ~= nil and db.reader == nil
end

-- run(schema, bp): the blueprint's statements and rebuilds, in order;
-- consecutive rebuild steps are one rebuild
function M.run(self, bp)
  local plan = bp:rebuild_plan(self.grammar)
  local db, t = self.db, bp:table_name()
  local pending = {}
  local function flush()
    if #pending == 0 then return end
    if offline(db) then
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
    elseif item.op == "drop_column" then
      -- in place when SQLite can; a rebuild when the column is indexed or constrained
      flush()
      local ok = not offline(db) and pcall(db.execute, db, item.sql)
      if offline(db) then db:execute(item.sql)
      elseif not ok then pending[1] = item flush() end
    else
      pending[#pending + 1] = item
    end
  end
  flush()
end

return M
