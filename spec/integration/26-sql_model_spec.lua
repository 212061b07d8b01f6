-- lmigrate sql answers a migration's schema reads offline, from the schema
-- the script itself has built so far (lua/lmigrate/schema/model.lua):
-- migrations guarded by has_table, has_column, has_index and
-- when_table_*_column produce a script on each dialect, and the script runs
-- on the real server (sqlite3, psql, the mariadb client); the --down script
-- of the same guards undoes it. What the migrations read offline is what
-- lmigrate's own reads say of the server after the script, but for what
-- the model cannot know: a table made by raw SQL, and the defaults'
-- spelling.
--
-- PostgreSQL and MariaDB join when spec.support.servers finds them (and
-- their clients); a missing one is pending, or a failure under CI.
local helpers = require("spec.helpers")
local servers = require("spec.support.servers")
local core = helpers.core
local DB = require("lmigrate.db")
local Schema = require("lmigrate.schema")

local PG = servers.need("postgres", "lmigrate sql's schema model on PostgreSQL", { client = true })
local MARIADB = servers.need("mariadb", "lmigrate sql's schema model on MariaDB")

-- {======================================================
-- The migrations, guarded as Laravel apps guard theirs
-- ======================================================

local MIGRATIONS = {
  { "2026_06_01_000000_create_users_table", [[
  if not self.schema:has_table("users") then
    self.schema:create("users", function(t)
      t:id()
      t:string("email"):unique()
      t:string("name")
      t:timestamps()
    end)
  end]], [[
  if self.schema:has_table("users") then self.schema:drop("users") end]] },

  { "2026_06_02_000000_add_nick_to_users", [[
  if not self.schema:has_column("users", "NICK") then
    self.schema:table("users", function(t) t:string("nick", 40):nullable() end)
  end
  if not self.schema:has_index("users", { "name" }) then
    self.schema:table("users", function(t) t:index("name") end)
  end
  if not self.schema:has_index("users", "users_email_unique", "unique") then
    error("the model lost users_email_unique")
  end]], [[
  if self.schema:has_index("users", "users_name_index") then
    self.schema:table("users", function(t) t:drop_index("users_name_index") end)
  end
  if self.schema:has_column("users", "nick") then
    self.schema:table("users", function(t) t:drop_column("nick") end)
  end]] },

  { "2026_06_03_000000_create_posts_table", [[
  self.schema:create("posts", function(t)
    t:id()
    t:foreign_id("user_id"):constrained():cascade_on_delete()
    t:string("title")
  end)
  self.schema:when_table_doesnt_have_column("posts", "slug", function(t)
    t:string("slug"):nullable()
  end)
  self.schema:when_table_has_column("posts", "missing", function(t) t:string("never") end)
  if self.schema:has_table("legacy_posts") then error("legacy_posts is no table of the script") end
  local fks = self.schema:get_foreign_keys("posts")
  if #fks ~= 1 or fks[1].foreign_table ~= "users" or fks[1].on_delete ~= "cascade" then
    error("the model lost posts_user_id_foreign")
  end]], [[
  self.schema:drop_if_exists("posts")]] },

  { "2026_06_04_000000_rename_posts_to_articles", [[
  if self.schema:has_table("posts") and not self.schema:has_table("articles") then
    self.schema:rename("posts", "articles")
  end
  local cols = table.concat(self.schema:get_column_listing("articles"), ",")
  if cols ~= "id,user_id,title,slug" then error("articles has " .. cols) end
  self.schema:table("articles", function(t) t:rename_column("title", "headline") end)
  if not self.schema:has_column("articles", "headline") or self.schema:has_column("articles", "title") then
    error("rename_column")
  end]], [[
  if self.schema:has_column("articles", "headline") then
    self.schema:table("articles", function(t) t:rename_column("headline", "title") end)
  end
  if self.schema:has_table("articles") then self.schema:rename("articles", "posts") end]] },

  { "2026_06_05_000000_scratch", [[
  self.schema:create("scratch", function(t)
    t:id()
    t:string("x")
  end)
  self.schema:drop_columns("scratch", "x")
  if self.schema:has_column("scratch", "x") then error("drop_columns") end
  self.schema:drop("scratch")
  if self.schema:has_table("scratch") then error("drop") end]], [[
  if self.schema:has_table("scratch") then error("scratch was dropped by the up") end]] },

  -- raw SQL is not read: the model does not know raw_made (not found)
  { "2026_06_06_000000_raw_table", [[
  self.db:execute("CREATE TABLE raw_made (id INTEGER)")
  if self.schema:has_table("raw_made") then error("the model read raw SQL") end]], [[
  self.db:execute("DROP TABLE raw_made")]] },

  -- the guard of every app's first migration, run again: it writes nothing
  { "2026_06_07_000000_create_users_again", [[
  if not self.schema:has_table("users") then
    self.schema:create("users", function(t) t:id() end)
  end]], "" },

  -- what the migrations read at the end, written to LMIGRATE_SPEC_DUMP
  { "2026_06_08_000000_dump", [[
  local path = os.getenv("LMIGRATE_SPEC_DUMP")
  if not path then return end
  local function ser(v)
    if type(v) == "table" then
      local keys, parts = {}, {}
      for k in pairs(v) do keys[#keys + 1] = k end
      table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
      for _, k in ipairs(keys) do parts[#parts + 1] = "[" .. ser(k) .. "] = " .. ser(v[k]) end
      return "{" .. table.concat(parts, ", ") .. "}"
    end
    return type(v) == "string" and ("%q"):format(v) or tostring(v)
  end
  local out = { tables = self.schema:get_tables(), read = {} }
  for _, t in ipairs(out.tables) do
    out.read[t.name] = { columns = self.schema:get_columns(t.name),
      indexes = self.schema:get_indexes(t.name), foreign_keys = self.schema:get_foreign_keys(t.name) }
  end
  local f = assert(io.open(path, "w"))
  f:write("return ", ser(out), "\n")
  f:close()]], "" },
}

-- }======================================================

-- {======================================================
-- Backends: a database of the server, its script runner, its reads
-- ======================================================

local backends = {}

backends.sqlite = {
  setup = function(project) project.db_path = project.dir .. "/applied.sqlite" end,
  teardown = function() end,
  apply = function(project, path) return servers.run_script("sqlite", nil, project.db_path, path) end,
  open = function(project) return assert(core.connect("sqlite", project.db_path)) end,
}

backends.postgres = {
  dialect = "postgres",
  setup = function() end,
  teardown = function() end,
  apply = function(project, path) return servers.run_script("postgres", PG, project:url(), path) end,
  open = function(project) return assert(core.connect("postgres", project:url())) end,
}

-- MariaDB through lmigrate's driver, as root on the server's socket
local function mysql_conn(db)
  return assert(core.connect("mysql", db, { socket = MARIADB.socket, user = "root" }))
end

local function mysql_admin(sql)
  local conn = mysql_conn("")
  assert(conn:exec(sql))
  conn:close()
end

backends.mysql = {
  setup = function(project)
    project.mysql_db = helpers.unique_name("lmigrate_model")
    mysql_admin("CREATE DATABASE `" .. project.mysql_db .. "`")
  end,
  teardown = function(project)
    if project.mysql_db then mysql_admin("DROP DATABASE IF EXISTS `" .. project.mysql_db .. "`") end
  end,
  apply = function(project, path)
    return servers.run_script("mariadb", MARIADB, project.mysql_db, path)
  end,
  open = function(project) return mysql_conn(project.mysql_db) end,
}

-- }======================================================

-- {======================================================
-- What the offline reads and the online ones must agree on
-- ======================================================

-- MariaDB writes an integer's display width ("bigint(20) unsigned")
local function plain_type(ty)
  return ty and (ty:gsub("^(%a*int)%(%d+%)", "%1"))
end

local function column_view(c)
  return { name = c.name, type_name = c.type_name, type = plain_type(c.type), nullable = c.nullable,
           auto_increment = c.auto_increment, generation = c.generation }
end

local function index_view(ix)
  return { name = ix.name, columns = ix.columns, type = ix.type, unique = ix.unique,
           primary = ix.primary }
end

local function fk_view(fk)
  return { name = fk.name, columns = fk.columns, foreign_table = fk.foreign_table,
           foreign_columns = fk.foreign_columns, on_delete = fk.on_delete, on_update = fk.on_update }
end

local function map(list, f, sort)
  local t = {}
  for i, v in ipairs(list) do t[i] = f(v) end
  if sort then table.sort(t, function(a, b) return a.name < b.name end) end
  return t
end

local function names(list)
  return map(list, function(v) return v.name end)
end

-- }======================================================

local DIALECTS = { "sqlite" }
if PG then DIALECTS[#DIALECTS + 1] = "postgres" end
if MARIADB then DIALECTS[#DIALECTS + 1] = "mysql" end

for _, name in ipairs(DIALECTS) do
  local server = backends[name]

  describe("lmigrate sql --dialect " .. name .. ", the schema model [#" .. name .. "]", function()
    local project

    before_each(function()
      project = helpers.project(server.dialect or "sqlite")
      for _, m in ipairs(MIGRATIONS) do
        project:write(m[1], helpers.migration { up = m[2], down = m[3] })
      end
      server.setup(project)
    end)

    after_each(function()
      if project then
        pcall(server.teardown, project)
        project:cleanup()
      end
      project = nil
    end)

    -- the script of `lmigrate sql --dialect name ...`, written to a file
    local function script(env, ...)
      local r = project:ok({ "sql", "--dialect", name, ... }, { env = env or {} })
      local path = project.dir .. "/" .. (select("#", ...) > 0 and "down" or "up") .. ".sql"
      helpers.write_file(path, r.stdout)
      return path, r.stdout
    end

    local function apply(path)
      local status, out = server.apply(project, path)
      assert(status == 0, ("the %s server refused the script (exit %d):\n%s\n--- script\n%s")
        :format(name, status, out, helpers.read_file(path)))
    end

    -- lmigrate's own reads of the server, in this process
    local function online()
      local conn = server.open(project)
      local g = core.grammar(name)
      return Schema.new(DB.new(conn, g), g), conn
    end

    it("writes a script of the guarded migrations that runs, and a --down that undoes it", function()
      local up, text = script()
      -- the second guarded create wrote nothing
      local again = text:match("%-%- 2026_06_07_000000_create_users_again\n(.-)\nCOMMIT;")
      assert.truthy(again, text)
      assert.falsy(again:find("CREATE", 1, true), again)
      assert.equals(1, select(2, text:gsub('CREATE TABLE [`"]users[`"]', "")), text)
      assert.falsy(text:find("never", 1, true), text)
      apply(up)
      local schema, conn = online()
      assert.same({ "articles", "migrations", "raw_made", "users" }, names(schema:get_tables()))
      assert.same({ "id", "email", "name", "created_at", "updated_at", "nick" },
        schema:get_column_listing("users"))
      assert.same({ "id", "user_id", "headline", "slug" }, schema:get_column_listing("articles"))
      assert.is_true(schema:has_index("users", "users_name_index"))
      assert.equals(1, #schema:get_foreign_keys("articles"))
      conn:close()

      local down = script(nil, "--down")
      apply(down)
      schema, conn = online()
      assert.same({ "migrations" }, names(schema:get_tables()))
      assert.same({}, schema.db:query("SELECT migration FROM migrations"))
      conn:close()
    end)

    it("read offline what lmigrate reads of the server after the script", function()
      local dump = project.dir .. "/offline.lua"
      apply((script({ LMIGRATE_SPEC_DUMP = dump })))
      local offline = dofile(dump)
      local schema, conn = online()
      -- the server has the table raw SQL made, which the model never knew
      local tables = names(schema:get_tables())
      assert.same({ "articles", "migrations", "raw_made", "users" }, tables)
      assert.same({ "articles", "migrations", "users" }, names(offline.tables))
      for _, t in ipairs(offline.tables) do
        local read = offline.read[t.name]
        assert.same(map(schema:get_columns(t.name), column_view), map(read.columns, column_view),
          t.name .. ": columns")
        assert.same(map(schema:get_indexes(t.name), index_view, true), map(read.indexes, index_view, true),
          t.name .. ": indexes")
        assert.same(map(schema:get_foreign_keys(t.name), fk_view), map(read.foreign_keys, fk_view),
          t.name .. ": foreign keys")
      end
      conn:close()
    end)
  end)
end
