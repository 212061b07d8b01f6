-- The schema `lmigrate sql` builds as it writes the script, and answers a
-- migration's schema reads from (has_table, has_column, get_columns,
-- has_index, ...), offline. It starts from an empty database and follows
-- every blueprint self.schema runs (through bp:describe) and every
-- schema:drop, drop_if_exists, rename and drop_all_tables: each table,
-- column, index, primary and foreign key the script created, altered,
-- renamed or dropped.
--
-- What a migration does through raw SQL (self.db:execute("CREATE TABLE
-- ...")) is not read: the model does not know that table, and a read
-- about a table it does not know answers from what it knows: not found
-- (has_table false, get_columns {}). An alter (schema:table) or a rename
-- of a table it does not know makes it known, with what the alter said.
--
-- The reads return what the online ones return, shaped by inspect.lua;
-- what each dialect calls a type, an index's type, an unnamed primary key
-- is its introspect.lua's 'offline' table.
local errors = require("lmigrate.errors")
local inspect = require("lmigrate.schema.inspect")

local M = {}

local Model = {}
Model.__index = Model

-- new(grammar) -> an empty model, for the dialect of grammar
function M.new(grammar)
  local dialect = grammar:name()
  return setmetatable({
    dialect = dialect,
    rules = require("lmigrate.schema.dialect." .. dialect .. ".introspect").offline,
    tables = {},
  }, Model)
end

local function same(a, b)
  return a:lower() == b:lower()
end

local function copy(list)
  local t = {}
  for i, v in ipairs(list or {}) do t[i] = v end
  return t
end

-- the index in 'list' of the entry named 'name' (any case)
local function find(list, name)
  for i, v in ipairs(list) do
    if same(v.name, name) then return i end
  end
end

local function new_table(self, name)
  local t = { name = name, columns = {}, indexes = {}, foreign_keys = {}, checks = {} }
  self.tables[name] = t
  return t
end

-- {======================================================
-- Columns and commands of a blueprint
-- ======================================================

local function add_index(t, ix)
  local i = find(t.indexes, ix.name)
  if i then t.indexes[i] = ix else t.indexes[#t.indexes + 1] = ix end
end

-- t's primary key is 'key' ({ name?, columns, algorithm? }); a dialect
-- that names an unnamed one after its table does so now: the name stays
-- when the table is renamed
local function set_primary(self, t, key)
  if not key.name and self.rules.name_primary then key.name = self.rules.name_primary(t.name) end
  t.primary = key
end

-- where a new column goes: last, or where MySQL's after()/first() of an
-- alter put it (its CREATE TABLE has neither)
local function position(self, t, c, alter)
  if self.dialect ~= "mysql" or not alter then return #t.columns + 1 end
  if c.first then return 1 end
  local after = c.after and find(t.columns, c.after)
  return after and after + 1 or #t.columns + 1
end

-- a column added, or (change) given its new definition where it is
local function add_column(self, t, c, alter)
  local i = find(t.columns, c.name)
  if i then table.remove(t.columns, i) end
  local moves = self.dialect == "mysql" and alter and (c.first or c.after)
  if not (c.change and i) or moves then i = position(self, t, c, alter) end
  table.insert(t.columns, i, c)
  if c.primary or (c.auto_increment and not c.change) then
    set_primary(self, t, { columns = { c.name } })
  end
  if c.unique then add_index(t, { kind = "unique", name = c.unique, columns = { c.name } }) end
  if c.index then add_index(t, { kind = "index", name = c.index, columns = { c.name } }) end
end

-- 'col' of table t goes: the indexes and keys over it with it (MySQL
-- takes it out of an index of several columns instead)
local function drop_column(self, t, col)
  local i = find(t.columns, col)
  if i then table.remove(t.columns, i) end
  local function uses(key)
    for _, c in ipairs(key.columns) do if same(c, col) then return true end end
  end
  for k = #t.indexes, 1, -1 do
    local ix = t.indexes[k]
    if uses(ix) then
      if self.rules.shrink_indexes and #ix.columns > 1 then
        for j = #ix.columns, 1, -1 do
          if same(ix.columns[j], col) then table.remove(ix.columns, j) end
        end
      else
        table.remove(t.indexes, k)
      end
    end
  end
  if t.primary and uses(t.primary) then t.primary = nil end
  for k = #t.foreign_keys, 1, -1 do
    if uses(t.foreign_keys[k]) then table.remove(t.foreign_keys, k) end
  end
end

local function rename_in(list, from, to)
  for i, c in ipairs(list) do
    if same(c, from) then list[i] = to end
  end
end

-- column 'from' of table t is 'to' now, in its keys and in the foreign
-- keys of the tables that reference it
local function rename_column(self, t, from, to)
  local i = find(t.columns, from)
  if i then
    local c = {}
    for k, v in pairs(t.columns[i]) do c[k] = v end
    c.name = to
    t.columns[i] = c
  end
  for _, ix in ipairs(t.indexes) do rename_in(ix.columns, from, to) end
  if t.primary then rename_in(t.primary.columns, from, to) end
  for _, fk in ipairs(t.foreign_keys) do rename_in(fk.columns, from, to) end
  for _, other in pairs(self.tables) do
    for _, fk in ipairs(other.foreign_keys) do
      if fk.ref_table == t.name then rename_in(fk.ref_columns, from, to) end
    end
  end
end

-- an index or the primary key of t begins with 'cols'
local function leads(t, cols)
  local function begins(key)
    for i, c in ipairs(cols) do
      if not key.columns[i] or not same(key.columns[i], c) then return false end
    end
    return true
  end
  if t.primary and begins(t.primary) then return true end
  for _, ix in ipairs(t.indexes) do
    if ix.kind ~= "raw_index" and begins(ix) then return true end
  end
  return false
end

local function remove_named(list, name)
  local i = name and find(list, name)
  if i then table.remove(list, i) end
end

-- what each command kind does to table t
local COMMANDS = {
  primary = function(self, t, cmd)
    set_primary(self, t, { name = cmd.name, columns = copy(cmd.columns), algorithm = cmd.algorithm })
  end,
  raw_index = function(_, t, cmd)
    add_index(t, { kind = "raw_index", name = cmd.name, columns = {} })
  end,
  foreign = function(self, t, cmd)
    remove_named(t.foreign_keys, cmd.name)
    t.foreign_keys[#t.foreign_keys + 1] = { name = cmd.name, columns = copy(cmd.columns),
      ref_table = cmd.ref_table, ref_columns = copy(cmd.ref_columns),
      on_delete = cmd.on_delete, on_update = cmd.on_update }
    if self.rules.key_index and not leads(t, cmd.columns) then
      add_index(t, { kind = "index", name = cmd.name, columns = copy(cmd.columns) })
    end
  end,
  check = function(_, t, cmd)
    t.checks[#t.checks + 1] = { name = cmd.name, expr = cmd.expr }
  end,
  drop_column = function(self, t, cmd)
    for _, c in ipairs(cmd.columns) do drop_column(self, t, c) end
  end,
  rename_column = function(self, t, cmd)
    rename_column(self, t, cmd.columns[1], cmd.to)
  end,
  drop_foreign = function(_, t, cmd) remove_named(t.foreign_keys, cmd.name) end,
  drop_primary = function(_, t) t.primary = nil end,
  rename_index = function(_, t, cmd)
    local i = find(t.indexes, cmd.name)
    if i then t.indexes[i].name = cmd.to
    elseif t.primary and t.primary.name and same(t.primary.name, cmd.name) then
      t.primary.name = cmd.to
    end
  end,
}

for _, kind in ipairs { "unique", "index", "fulltext", "spatial_index" } do
  COMMANDS[kind] = function(_, t, cmd)
    add_index(t, { kind = kind, name = cmd.name, columns = copy(cmd.columns),
                   algorithm = cmd.algorithm })
  end
end

for _, kind in ipairs { "drop_index", "drop_unique", "drop_fulltext", "drop_spatial_index" } do
  COMMANDS[kind] = function(_, t, cmd) remove_named(t.indexes, cmd.name) end
end

-- validating a NOT VALID key or check changes nothing the model holds
COMMANDS.validate_foreign = function() end
COMMANDS.validate_check = COMMANDS.validate_foreign

local OPTIONS = { "engine", "charset", "collation", "comment" }

-- apply(d): the blueprint d = bp:describe(grammar) ran
function Model:apply(d)
  local t = self.tables[d.table]
  if d.mode == "create_if_not_exists" and t then return end
  if d.mode ~= "alter" or not t then t = new_table(self, d.table) end
  if d.mode ~= "alter" then t.temporary = d.temporary end
  for _, k in ipairs(OPTIONS) do
    if d[k] ~= nil then t[k] = d[k] end
  end
  -- columns and commands in the order they were given; rename() last,
  -- as the grammars compile it
  local items, rename = {}, nil
  for _, c in ipairs(d.columns) do items[#items + 1] = { seq = c.seq, column = c } end
  for _, c in ipairs(d.commands) do items[#items + 1] = { seq = c.seq, command = c } end
  table.sort(items, function(a, b) return a.seq < b.seq end)
  for _, it in ipairs(items) do
    local cmd = it.command
    if it.column then add_column(self, t, it.column, d.mode == "alter")
    elseif cmd.kind == "rename" then rename = cmd.to
    else COMMANDS[cmd.kind](self, t, cmd) end
  end
  if rename then self:rename(d.table, rename) end
end

-- }======================================================

-- {======================================================
-- Tables: drop, rename, everything
-- ======================================================

-- drop(name): schema:drop, drop_if_exists
function Model:drop(name)
  self.tables[name] = nil
end

-- rename(from, to): schema:rename, t:rename(to); the foreign keys that
-- referenced it reference it by its new name (as SQLite rewrites them,
-- and PostgreSQL and MySQL follow the table)
function Model:rename(from, to)
  local t = self.tables[from] or new_table(self, from)
  self.tables[from] = nil
  t.name = to
  self.tables[to] = t
  for _, other in pairs(self.tables) do
    for _, fk in ipairs(other.foreign_keys) do
      if fk.ref_table == from then fk.ref_table = to end
    end
  end
end

-- the names of the tables, sorted
function Model:names()
  local list = {}
  for name in pairs(self.tables) do list[#list + 1] = name end
  table.sort(list)
  return list
end

-- incomplete(what): the model no longer follows the script (an up that
-- `sql --down` runs to build it failed); every read from now on fails,
-- saying why
function Model:incomplete(what)
  self.broken = what
end

-- }======================================================

-- {======================================================
-- Reads, as the online ones: the shape of dialect/<name>/introspect.lua
-- ======================================================

local function column_row(self, c)
  local rules = self.rules
  local type_name, ty = rules.column_type(c)
  local default = c.sql_default
  if c.auto_increment or c.stored_as or c.virtual_as or (default == "NULL" and not rules.null_default) then
    default = nil
  end
  local expr = c.stored_as or c.virtual_as
  return inspect.column_entry({
    name = c.name, type_name = type_name, type = ty, collation = c.collation,
    nullable = c.nullable, default = default,
    auto_increment = c.auto_increment or c.identity ~= nil,
    comment = rules.comments and c.comment or nil,
    generation = expr and { type = c.stored_as and "stored" or "virtual", expression = expr } or nil,
  })
end

-- the reads of table 'name'; an unknown table has none
local function known(self, name)
  return self.tables[name] or { name = name, columns = {}, indexes = {}, foreign_keys = {} }
end

local function columns(self, name)
  local list = {}
  for i, c in ipairs(known(self, name).columns) do list[i] = column_row(self, c) end
  return list
end

-- index rows (one per column) as the online reads give them, the primary
-- key first, then by name
local function indexes(self, name)
  local t, rules = known(self, name), self.rules
  local rows = {}
  local function add(ixname, cols, type_, unique, primary)
    if #cols == 0 then rows[#rows + 1] = { name = ixname, type = type_, unique = unique,
                                            primary = primary } end
    for _, c in ipairs(cols) do
      rows[#rows + 1] = { name = ixname, column = c, type = type_, unique = unique, primary = primary }
    end
  end
  if t.primary then
    add(rules.primary_name(t), t.primary.columns, rules.index_type("primary", t.primary.algorithm),
      true, true)
  end
  local sorted = copy(t.indexes)
  table.sort(sorted, function(a, b) return a.name:lower() < b.name:lower() end)
  for _, ix in ipairs(sorted) do
    add(ix.name, ix.columns, rules.index_type(ix.kind, ix.algorithm), ix.kind == "unique", false)
  end
  return inspect.indexes(rows)
end

local function foreign_keys(self, name)
  local rows = {}
  for _, fk in ipairs(known(self, name).foreign_keys) do
    for i, c in ipairs(fk.columns) do
      rows[#rows + 1] = { name = fk.name, column = c, foreign_schema = self.rules.schema,
        foreign_table = fk.ref_table, foreign_column = fk.ref_columns[i],
        on_update = fk.on_update or self.rules.action, on_delete = fk.on_delete or self.rules.action }
    end
  end
  return inspect.foreign_keys(rows)
end

local function tables(self)
  local list = {}
  for _, name in ipairs(self:names()) do
    local t, rules = self.tables[name], self.rules
    list[#list + 1] = inspect.table_entry({ name = name, schema = rules.schema,
      comment = rules.comments and t.comment or nil,
      collation = rules.table_options and t.collation or nil,
      engine = rules.table_options and t.engine or nil })
  end
  return list
end

-- has_table(name): a table the script made, and has not dropped since
function Model:has_table(name)
  return self.tables[name] ~= nil
end

-- reader(method) -> the reads (tables, views, columns, indexes,
-- foreign_keys), called as an introspect module's: f(db, ...). Views come
-- only from raw SQL, which the model does not read: there are none.
function Model:reader(method)
  if self.broken then
    errors.raise("database", ("the migration reads the schema (schema:%s), which `lmigrate sql`"
      .. " answers from the schema its migrations build; that stops at %s"):format(method,
      self.broken))
  end
  local model = self
  return {
    tables = function() return tables(model) end,
    views = function() return {} end,
    columns = function(_, name) return columns(model, name) end,
    indexes = function(_, name) return indexes(model, name) end,
    foreign_keys = function(_, name) return foreign_keys(model, name) end,
    has_table = function(_, name) return model:has_table(name) end,
  }
end

-- }======================================================

return M
