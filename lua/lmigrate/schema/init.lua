-- self.schema: the schema builder. Blueprints are C userdata; this file
-- turns their SQL into statements on the migration's connection.
local core = require("lmigrate.core")

local Schema = {}
Schema.__index = Schema

local M = {}

function M.new(db, grammar)
  return setmetatable({ db = db, grammar = grammar }, Schema)
end

local function check_name(name, method, what)
  if type(name) ~= "string" then
    error(("lmigrate: schema:%s expects %s (string), got %s"):format(method, what or "a table name",
      type(name)), 3)
  end
end

local function run(self, bp)
  if bp:mode() == "alter" and self.grammar:supports("rebuild") then
    return require("lmigrate.schema.dialect.sqlite.rebuild").run(self, bp)
  end
  for _, sql in ipairs(bp:to_sql(self.grammar)) do
    self.db:execute(sql)
  end
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
  self.db:execute(self.grammar:drop(name, false))
end

function Schema:drop_if_exists(name)
  check_name(name, "drop_if_exists")
  self.db:execute(self.grammar:drop(name, true))
end

function Schema:rename(from, to)
  check_name(from, "rename")
  check_name(to, "rename", "a new table name")
  self.db:execute(self.grammar:rename(from, to))
end

function Schema:has_table(name)
  check_name(name, "has_table")
  return self.db:first(self.grammar:has_table(), name) ~= nil
end

function Schema:has_column(name, column)
  check_name(name, "has_column")
  check_name(column, "has_column", "a column name")
  return self.db:first(self.grammar:has_column(), name, column) ~= nil
end

function Schema:truncate(name)
  check_name(name, "truncate")
  for _, sql in ipairs(self.grammar:truncate(name)) do
    self.db:execute(sql)
  end
end

-- every table, view and sequence of the connection's schema, whatever
-- the foreign keys between them: with the checks off where the dialect
-- has the switch (SQLite, MySQL), with CASCADE where it has that (PostgreSQL)
function Schema:drop_all_tables()
  local g, db = self.grammar, self.db
  local off = g:foreign_key_checks(false)
  if off then db:execute(off) end
  local ok, err = pcall(function()
    for _, row in ipairs(db:query(g:list_objects())) do
      db:execute(g:drop_object(row.kind, row.name))
    end
  end)
  if off then db:execute(g:foreign_key_checks(true)) end
  if not ok then error(err, 0) end
end

return M
