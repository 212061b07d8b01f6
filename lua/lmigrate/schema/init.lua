-- self.schema: the schema builder, Laravel 12's Schema facade in
-- snake_case. Blueprints are C userdata; this file turns their SQL into
-- statements on the migration's connection, and reads the schema back
-- (schema/inspect.lua and each dialect's introspect.lua); offline (`lmigrate
-- sql`) the reads answer from the schema the script builds
-- (schema/model.lua). The foreign key switches and the checks that keep a
-- drop from deleting other tables' rows are schema/foreign_keys.lua.
local core = require("lmigrate.core")
local inspect = require("lmigrate.schema.inspect")
local keys = require("lmigrate.schema.foreign_keys")

local Schema = {}
Schema.__index = Schema

local M = { class = Schema }   -- the methods (docs_spec, suggest's hints)

-- new(db, grammar): on an offline db (`lmigrate sql`), with the model
-- of the schema the script builds, self.model
function M.new(db, grammar)
  local model = db.offline and require("lmigrate.schema.model").new(grammar) or nil
  return setmetatable({ db = db, grammar = grammar, model = model }, Schema)
end

local function check_name(name, method, what)
  if type(name) ~= "string" then
    error(("lmigrate: schema:%s expects %s (string), got %s"):format(method, what or "a table name",
      type(name)), 3)
  end
end

local function check_fn(fn, method, what)
  if type(fn) ~= "function" then
    error(("lmigrate: schema:%s expects %s, got %s"):format(method, what or "a function",
      type(fn)), 3)
  end
end

-- a list of column names: { "a", "b" } (or one name, where 'one' allows it)
local function check_columns(cols, method, one)
  if one and type(cols) == "string" then return { cols } end
  local ok = type(cols) == "table" and #cols > 0
  for _, c in ipairs(ok and cols or {}) do
    if type(c) ~= "string" then ok = false end
  end
  if not ok then
    error(("lmigrate: schema:%s expects %sa list of column names, got %s"):format(method,
      one and "a column name or " or "", type(cols) == "table" and "a list of other values"
        or type(cols)), 3)
  end
  return cols
end

local reader

-- One SQL text of a blueprint of 'name' holding what fill(bp) adds
local function one_sql(self, name, fill)
  local bp = core.blueprint(name, "alter")
  fill(bp)
  return bp:to_sql(self.grammar)[1]
end

-- drop_primary() and drop_primary({ cols }) compile to the dialect's
-- name of an unnamed key (PostgreSQL: DROP CONSTRAINT "<table>_pkey"); a
-- key primary(cols, name) named (BookStack's joint_primary) is dropped by
-- its own name, read from the table (offline, from the script's model).
-- A dialect whose drop names no key (MySQL) is left alone.
local function primary_named(self, bp, list)
  if bp:mode() ~= "alter" then return list end
  local d = bp:describe()
  local unnamed = false
  for _, cmd in ipairs(d.commands) do
    unnamed = unnamed or (cmd.kind == "drop_primary" and cmd.name == nil)
  end
  if not unnamed then return list end
  local function drop(key) return one_sql(self, d.table, function(b) b:drop_primary(key) end) end
  local default = drop(nil)
  if default == drop("lmigrate_probe") then return list end
  local actual
  for _, ix in ipairs(reader(self, "drop_primary").indexes(self.db, d.table)) do
    if ix.primary then actual = ix.name end
  end
  if actual == nil then return list end
  local named = drop(actual)
  for i, sql in ipairs(list) do   -- the first: a later drop is of a key added since
    if sql == default then
      list[i] = named
      break
    end
  end
  return list
end

-- the safety lint (lint/run.lua) hears of each schema change before it
-- runs: heard(self, "blueprint", bp:describe(g)), ("drop", name), ("rename", from, to)
local function heard(self, kind, ...)
  if self.observer then self.observer:heard(kind, ...) end
end

-- An online = true migration (db.deferred, run/online.lua): the blueprint
-- compiles to its safe forms, and the statements marked to run outside
-- the transaction (list.autocommit: CREATE INDEX CONCURRENTLY, VALIDATE)
-- wait in db.deferred, each with the SQL that undoes a failure of it
local function run(self, bp)
  local deferred = self.db.deferred
  -- --pretend's (db/pretend.lua): the tables whose reads the database may not answer as the
  -- run would, created by it (true) or altered (a column renamed, dropped, ...)
  local created = self.db.created
  if created then
    local name = bp:table_name():lower()
    if bp:mode() ~= "alter" then created[name] = true
    elseif not created[name] then created[name] = "altered" end
  end
  if deferred then bp:online() end
  if self.observer then heard(self, "blueprint", bp:describe(self.grammar)) end
  if bp:mode() == "alter" and self.grammar:supports("rebuild") then
    require("lmigrate.schema.dialect.sqlite.rebuild").run(self, bp)
  else
    local list = primary_named(self, bp, bp:to_sql(self.grammar))
    local out = list.autocommit or {}
    for i, sql in ipairs(list) do
      if out[i] and deferred then
        deferred[#deferred + 1] = { sql = sql, undo = type(out[i]) == "string" and out[i] or nil }
      else
        self.db:execute(sql)
      end
    end
  end
  if self.model then self.model:apply(bp:describe(self.grammar)) end
end

-- create(name, fn) runs fn(blueprint) then the CREATE; create(name)
-- returns the blueprint for `local t <close> = schema:create(name)`
local function define(self, name, fn, mode, method)
  check_name(name, method)
  if fn == nil then
    return core.blueprint(name, mode, function(bp) run(self, bp) end)
  end
  if type(fn) ~= "function" then
    error(("lmigrate: schema:%s expects a function(table) as its second argument, got %s")
      :format(method, type(fn)), 3)
  end
  local bp = core.blueprint(name, mode)
  fn(bp)
  run(self, bp)
end

function Schema:create(name, fn)
  return define(self, name, fn, "create", "create")
end

function Schema:create_if_not_exists(name, fn)
  return define(self, name, fn, "create_if_not_exists", "create_if_not_exists")
end

-- table(name, fn): alter an existing table
function Schema:table(name, fn)
  return define(self, name, fn, "alter", "table")
end

function Schema:drop(name)
  check_name(name, "drop")
  local sql = self.grammar:drop(name, false)
  heard(self, "drop", name)
  keys.drop(self, name, "drop", sql)
  if self.model then self.model:drop(name) end
end

function Schema:drop_if_exists(name)
  check_name(name, "drop_if_exists")
  local sql = self.grammar:drop(name, true)
  heard(self, "drop", name)
  keys.drop(self, name, "drop_if_exists", sql)
  if self.model then self.model:drop(name) end
end

-- drop_columns(table, column | { columns }): table(t, function(t) t:drop_column(...) end)
function Schema:drop_columns(name, cols)
  check_name(name, "drop_columns")
  cols = check_columns(cols, "drop_columns", true)
  return self:table(name, function(t) t:drop_column(cols) end)
end

function Schema:rename(from, to)
  check_name(from, "rename")
  check_name(to, "rename", "a new table name")
  heard(self, "rename", from, to)
  -- under --pretend the database has no table 'to' yet, whether the run created 'from' or it
  -- was there: a read of 'to' gets what a read of a table the run creates gets
  local created = self.db.created
  if created then created[to:lower()] = created[from:lower()] or "renamed" end
  for _, sql in ipairs({ self.grammar:rename(from, to) }) do self.db:execute(sql) end
  if self.model then self.model:rename(from, to) end
end

function Schema:truncate(name)
  check_name(name, "truncate")
  local list = self.grammar:truncate(name)
  local switch = keys.guard_truncate(self, name, table.concat(list, "; "))
  local function run_all()
    for _, sql in ipairs(list) do self.db:execute(sql) end
  end
  if switch then keys.without(self, run_all) else run_all() end
end

-- {======================================================
-- Reading the schema
-- ======================================================

-- the dialect's introspect module; offline (`lmigrate sql`) the model's
-- reads, which answer from the schema the script has built so far
function reader(self, method)
  if self.model then return self.model:reader(method) end
  return inspect.dialect(self.db)
end

function Schema:has_table(name)
  check_name(name, "has_table")
  if self.model then return reader(self, "has_table").has_table(self.db, name) end
  return self.db:first(self.grammar:has_table(), name) ~= nil
end

-- get_tables([schema]): the tables of the connection's schema (or of
-- the one named: PostgreSQL and MySQL)
function Schema:get_tables(schema)
  if schema ~= nil then check_name(schema, "get_tables", "a schema name") end
  return reader(self, "get_tables").tables(self.db, schema)
end

function Schema:get_views(schema)
  if schema ~= nil then check_name(schema, "get_views", "a schema name") end
  return reader(self, "get_views").views(self.db, schema)
end

-- PostgreSQL's user-defined types; the other dialects have none and raise,
-- as Laravel's builder does
local function types_reader(self, method)
  if self.grammar:name() ~= "postgres" then
    error(("lmigrate: schema:%s: user-defined types are only supported by PostgreSQL "
      .. "(this connection is %s)"):format(method, self.grammar:name()), 3)
  end
  return reader(self, method)
end

-- get_types([schema]) -> { { name, schema, type, category, implicit }, ... }
-- (Laravel's getTypes): the enums, composites, domains, ranges of the schema
function Schema:get_types(schema)
  if schema ~= nil then check_name(schema, "get_types", "a schema name") end
  local r = types_reader(self, "get_types")
  return r.types and r.types(self.db, schema) or {}
end

-- get_table_listing([schema [, schema_qualified = true]]) (Laravel 12's)
function Schema:get_table_listing(schema, qualified)
  return inspect.listing(self:get_tables(schema), qualified ~= false)
end

-- has_view(name): whether the connection's schema has the view (any case)
function Schema:has_view(name)
  check_name(name, "has_view")
  return inspect.named(self:get_views(), name)
end

function Schema:get_columns(name)
  check_name(name, "get_columns")
  return reader(self, "get_columns").columns(self.db, name)
end

function Schema:get_column_listing(name)
  check_name(name, "get_column_listing")
  local list = {}
  for i, c in ipairs(reader(self, "get_column_listing").columns(self.db, name)) do list[i] = c.name end
  return list
end

-- the column names of table 'name', lower-cased, as a set
local function column_set(self, name, method)
  local set = {}
  for _, c in ipairs(reader(self, method).columns(self.db, name)) do set[c.name:lower()] = true end
  return set
end

-- has_column(table, column): as Laravel's, not case-sensitive
function Schema:has_column(name, column)
  check_name(name, "has_column")
  check_name(column, "has_column", "a column name")
  return column_set(self, name, "has_column")[column:lower()] == true
end

function Schema:has_columns(name, cols)
  check_name(name, "has_columns")
  cols = check_columns(cols, "has_columns")
  local set = column_set(self, name, "has_columns")
  for _, c in ipairs(cols) do
    if not set[c:lower()] then return false end
  end
  return true
end

-- get_column_type(table, column [, full_definition]): the type's name
-- ("varchar"), or with full_definition its whole definition ("varchar(255)")
function Schema:get_column_type(name, column, full)
  check_name(name, "get_column_type")
  check_name(column, "get_column_type", "a column name")
  for _, c in ipairs(reader(self, "get_column_type").columns(self.db, name)) do
    if c.name:lower() == column:lower() then return full and c.type or c.type_name end
  end
  error(("lmigrate: schema:get_column_type: there is no column named '%s' on table '%s'")
    :format(column, name), 2)
end

function Schema:get_indexes(name)
  check_name(name, "get_indexes")
  return reader(self, "get_indexes").indexes(self.db, name)
end

-- get_index_listing(table): the names of its indexes (Laravel 12's getIndexListing)
function Schema:get_index_listing(name)
  check_name(name, "get_index_listing")
  local list = {}
  for i, ix in ipairs(reader(self, "get_index_listing").indexes(self.db, name)) do list[i] = ix.name end
  return list
end

function Schema:get_foreign_keys(name)
  check_name(name, "get_foreign_keys")
  return reader(self, "get_foreign_keys").foreign_keys(self.db, name)
end

local function same_columns(a, b)
  if #a ~= #b then return false end
  for i = 1, #a do
    if a[i]:lower() ~= b[i]:lower() then return false end
  end
  return true
end

-- has_index(table, name | { columns } [, type]): type is "primary",
-- "unique" or the index's type (btree, gin, fulltext, ...)
function Schema:has_index(name, index, kind)
  check_name(name, "has_index")
  if type(index) ~= "string" and (type(index) ~= "table" or #index == 0) then
    error(("lmigrate: schema:has_index expects an index name or a list of column names, got %s")
      :format(type(index)), 2)
  end
  if type(index) == "table" then index = check_columns(index, "has_index") end
  if kind ~= nil then check_name(kind, "has_index", "an index type") kind = kind:lower() end
  for _, ix in ipairs(reader(self, "has_index").indexes(self.db, name)) do
    local matches = kind == nil or (kind == "primary" and ix.primary)
      or (kind == "unique" and ix.unique) or kind == ix.type
    local named = type(index) == "string" and ix.name == index:lower()
      or type(index) == "table" and same_columns(ix.columns, index)
    if named and matches then return true end
  end
  return false
end

-- when_table_has_column(table, column, fn): fn(blueprint) alters the
-- table when it has the column (when_table_doesnt_have_column: when not)
local function when(self, method, name, column, fn, want)
  check_name(name, method)
  check_name(column, method, "a column name")
  check_fn(fn, method, "a function(table) as its third argument")
  if self:has_column(name, column) == want then
    return self:table(name, function(t) fn(t) end)
  end
end

function Schema:when_table_has_column(name, column, fn)
  return when(self, "when_table_has_column", name, column, fn, true)
end

function Schema:when_table_doesnt_have_column(name, column, fn)
  return when(self, "when_table_doesnt_have_column", name, column, fn, false)
end

-- when_table_has_index(table, name | { columns }, fn [, type]): fn(blueprint)
-- alters the table when has_index(table, index, type) (Laravel 12's
-- whenTableHasIndex; when_table_doesnt_have_index: when it has not)
local function when_index(self, method, name, index, fn, kind, want)
  check_name(name, method)
  if type(index) ~= "string" and type(index) ~= "table" then
    error(("lmigrate: schema:%s expects an index name or a list of column names, got %s")
      :format(method, type(index)), 3)
  end
  check_fn(fn, method, "a function(table) as its third argument")
  if kind ~= nil then check_name(kind, method, "an index type") end
  if self:has_index(name, index, kind) == want then
    return self:table(name, function(t) fn(t) end)
  end
end

function Schema:when_table_has_index(name, index, fn, kind)
  return when_index(self, "when_table_has_index", name, index, fn, kind, true)
end

function Schema:when_table_doesnt_have_index(name, index, fn, kind)
  return when_index(self, "when_table_doesnt_have_index", name, index, fn, kind, false)
end

-- get_connection() -> the connection (self.db) this schema runs on: Laravel's
-- Schema::getConnection(), whose getDriverName() and kin migrations ask
function Schema:get_connection()
  return self.db
end

-- connection(name): Laravel's Schema::connection. nil and the name of
-- this schema's connection are this schema; another connection of
-- lmigrate.lua is the schema on it, opened once per run, its statements
-- in a transaction of their own committed with the migration's
-- (run/others.lua); any other name raises
function Schema:connection(name)
  local here = self.db.connection_name
  if name == nil or name == here then return self end
  check_name(name, "connection", "a connection name")
  local others = self.db.others
  local schema = others and others:schema_for(name, self.db)
  if schema then return schema end
  error(("lmigrate: schema:connection('%s'): lmigrate.lua defines no connection '%s'%s")
    :format(name, name, others and "" or " (this schema reaches no other connection)"), 2)
end

-- }======================================================

-- {======================================================
-- Dropping everything; the foreign key switches
-- ======================================================

-- the tables the model knows (offline), as list_objects' rows
local function modelled(self)
  local rows = {}
  reader(self, "drop_all_tables")
  for i, name in ipairs(self.model:names()) do rows[i] = { kind = "table", name = name } end
  return rows
end

-- every table, view and sequence of the connection's schema, whatever
-- the foreign keys between them: with the checks off where the dialect
-- has the switch (SQLite, MySQL), with CASCADE where it has that
-- (PostgreSQL); offline, every table the script made (it knows of no
-- view or sequence)
function Schema:drop_all_tables()
  local g, db = self.grammar, self.db
  -- inside a migration the switch goes through the unit (SQLite's is
  -- thrown before BEGIN; in a script, written before it): no drop fires
  -- a cascade or trips a key
  if db.unit or db.pretend then keys.disable(self) end
  local off = g:foreign_key_checks(false)
  if off then db:execute(off) end
  local ok, err = pcall(function()
    for _, row in ipairs(self.model and modelled(self) or db:query(g:list_objects())) do
      db:execute(g:drop_object(row.kind, row.name))
      if self.model then self.model:drop(row.name) end
    end
  end)
  if off then db:execute(g:foreign_key_checks(true)) end
  if not ok then error(err, 0) end
end

-- every view of the connection's schema
function Schema:drop_all_views()
  for _, v in ipairs(reader(self, "drop_all_views").views(self.db)) do
    self.db:execute(self.grammar:drop_object("view", v.name))
  end
end

-- drop_all_types(): every user-defined type and domain of the connection's
-- schema, with CASCADE (Laravel's dropAllTypes, fresh --drop-types)
function Schema:drop_all_types()
  local r = types_reader(self, "drop_all_types")
  for _, t in ipairs(r.types and r.types(self.db) or {}) do
    if not t.implicit then
      self.db:execute(self.grammar:drop_object(t.type == "domain" and "domain" or "type", t.name))
    end
  end
end

-- ensure_extension_exists(name [, schema]): PostgreSQL's CREATE EXTENSION
-- IF NOT EXISTS (Laravel 12's ensureExtensionExists); the other dialects
-- have no extensions and raise, as Laravel's builder does
function Schema:ensure_extension_exists(name, schema)
  check_name(name, "ensure_extension_exists", "an extension name")
  if schema ~= nil then check_name(schema, "ensure_extension_exists", "a schema name") end
  local g = self.grammar
  if g:name() ~= "postgres" then
    error(("lmigrate: schema:ensure_extension_exists: extensions are only supported by "
      .. "PostgreSQL (this connection is %s)"):format(g:name()), 2)
  end
  self.db:execute("CREATE EXTENSION IF NOT EXISTS " .. g:quote(name)
    .. (schema and (" SCHEMA " .. g:quote(schema)) or ""))
end

-- ensure_vector_extension_exists([schema]): pgvector's, ensure_extension_exists("vector")
function Schema:ensure_vector_extension_exists(schema)
  if schema ~= nil then check_name(schema, "ensure_vector_extension_exists", "a schema name") end
  local g = self.grammar
  if g:name() ~= "postgres" then
    error(("lmigrate: schema:ensure_vector_extension_exists: extensions are only supported by "
      .. "PostgreSQL (this connection is %s)"):format(g:name()), 2)
  end
  return self:ensure_extension_exists("vector", schema)
end

function Schema:disable_foreign_key_constraints()
  return keys.disable(self)
end

function Schema:enable_foreign_key_constraints()
  return keys.enable(self)
end

-- without_foreign_key_constraints(fn) -> what fn() returns
function Schema:without_foreign_key_constraints(fn)
  check_fn(fn, "without_foreign_key_constraints")
  return keys.without(self, fn)
end

-- }======================================================

-- Laravel's default_string_length, default_time_precision,
-- default_morph_key_type, morph_using_*:
-- self.schema's methods and this module's functions (schema/defaults.lua)
for name, fn in pairs(require("lmigrate.schema.defaults")) do
  Schema[name], M[name] = fn, fn
end

return M
