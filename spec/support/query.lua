-- spec/support/query.lua: the harness of spec/grammar/query_spec.lua, the
-- query builder's cases. A case is
--   { title, fn(db) -> result,
--     sql = 'SELECT ...' | { statements },    SQLite and PostgreSQL; MySQL
--     [sqlite =, postgres =, mysql = ...]     backticks unless it says
--     [values = { ... } | { { ... }, ... }]   the values of each statement
--     [sqlite_values = ..., mysql_value = ...]  a dialect's own values, value
--     [fake = { rows, rows, ... }]            what each read returns (SQL check)
--     [rows = { row, ... }]                   what fn returns, read for real
--     [value = v]                              ... a single value
--     [after = { table = "songs", rows = { row, ... } }]  the table afterwards
--     [only = { dialect = true }]             the dialects it runs on
--     [norun = { dialect = "why" }]            its SQL checked, not run there
--   }
-- The SQL is checked on a recorder (every dialect, no server); then fn runs
-- on SQLite (:memory:), PostgreSQL (a schema of the run, each case in a
-- transaction rolled back) and MariaDB (a database of the run) on the tables of SETUP, and its
-- rows are compared value by value as text (1 and true alike, NULL as
-- lmigrate.null), only the columns the expected rows name.
local busted = require("busted")
local luassert = require("luassert")
local core = require("lmigrate.core")
local DB = require("lmigrate.db")
local query = require("lmigrate.db.query")
local servers = require("spec.support.servers")
local shell = require("spec.support.shell")

local M = {}

local NULL = core.null

-- {======================================================
-- The recorder: a db that keeps the statements
-- ======================================================

local Recorder = {}
Recorder.__index = Recorder
query.install(Recorder)

function M.recorder(dialect, fake)
  return setmetatable({ grammar = core.grammar(dialect), driver = dialect, log = {},
                        fake = fake or {}, reads = 0 }, Recorder)
end

local function record(self, sql, ...)
  self.log[#self.log + 1] = { sql = sql, values = { ... } }
end

function Recorder:execute(sql, ...)
  record(self, sql, ...)
  return 1
end

function Recorder:query(sql, ...)
  record(self, sql, ...)
  self.reads = self.reads + 1
  return self.fake[self.reads] or {}
end

function Recorder:first(sql, ...)
  return self:query(sql, ...)[1]
end

function Recorder:insert(tbl, rows)
  self.log[#self.log + 1] = { insert = tbl, rows = rows }
  return #rows
end

-- }======================================================

-- {======================================================
-- The tables every case starts from
-- ======================================================

local ALBUMS = {
  { id = 1, name = "Blue", year = 1971 },
  { id = 2, name = "Hejira", year = 1976 },
  { id = 3, name = "Court and Spark", year = 1974 },
}

local SONGS = {
  { id = 1, album_id = 1, title = "All I Want", plays = 30, rating = 4 },
  { id = 2, album_id = 1, title = "River", plays = 70, rating = 5 },
  { id = 3, album_id = 2, title = "Coyote", plays = 10, rating = NULL },
  { id = 4, album_id = 2, title = "Amelia", plays = 70, rating = 5 },
  { id = 5, album_id = NULL, title = "Urge for Going", plays = NULL, rating = 3 },
}

-- the DDL of the setup, by lmigrate's own schema builder
local function ddl(g)
  local sql = {}
  local albums = core.blueprint("albums", "create")
  albums:increments("id")
  albums:string("name"):unique()
  albums:integer("year")
  local songs = core.blueprint("songs", "create")
  songs:increments("id")
  songs:integer("album_id"):nullable()
  songs:string("title")
  songs:integer("plays"):nullable()
  songs:integer("rating"):nullable()
  for _, bp in ipairs({ albums, songs }) do
    for _, s in ipairs(bp:to_sql(g)) do sql[#sql + 1] = s end
  end
  return sql
end

function M.setup(db)
  for _, s in ipairs(ddl(db.grammar)) do db:execute(s) end
  db:insert("albums", ALBUMS)
  db:insert("songs", SONGS)
  if db.driver == "postgres" then   -- the serials go on after the rows given
    db:query("SELECT setval('albums_id_seq', 3), setval('songs_id_seq', 5)")
  end
end

-- }======================================================

-- {======================================================
-- Comparing
-- ======================================================

-- a value as text: 1 and true alike, NULL as "NULL"
local function text(v)
  if v == NULL or v == nil then return "NULL" end
  if v == true then return "1" elseif v == false then return "0" end
  if math.type(v) == "float" and v == math.floor(v) then return ("%d"):format(v) end
  return tostring(v)
end
M.text = text

-- 'got' rows against 'want' rows: the columns want names, in order
function M.same_rows(want, got, what)
  luassert.equal(#want, #got, (what or "rows") .. ": how many")
  for i, w in ipairs(want) do
    local g = {}
    for k in pairs(w) do g[k] = text(got[i][k]) end
    local wt = {}
    for k, v in pairs(w) do wt[k] = text(v) end
    luassert.same(wt, g, ("%s: row %d"):format(what or "rows", i))
  end
end

local function expected_sql(case, dialect)
  local sql = case[dialect] or case.sql or (dialect == "mysql" and case.postgres) or nil
  if sql and dialect == "mysql" and case.mysql == nil then
    if type(sql) == "string" then sql = sql:gsub('"', "`")
    else
      local t = {}
      for i, s in ipairs(sql) do t[i] = s:gsub('"', "`") end
      sql = t
    end
  end
  return sql
end

-- the case's exact SQL and values on the recorder of 'dialect'
function M.check_sql(case, dialect)
  local want = expected_sql(case, dialect)
  local want_values = case[dialect .. "_values"] or case.values
  local db = M.recorder(dialect, case.fake)
  case[2](db)
  local got, values = {}, {}
  for i, st in ipairs(db.log) do
    got[i] = st.sql or ("db:insert(" .. st.insert .. ")")
    values[i] = st.values or st.rows
  end
  if type(want) == "string" then
    luassert.same({ want }, got)
    if want_values then luassert.same(want_values, values[1]) end
  else
    luassert.same(want, got)
    if want_values then luassert.same(want_values, values) end
  end
end

-- the case's outcome on a real database 'db'
function M.check_run(case, db)
  local res = case[2](db)
  local want = case[db.driver .. "_value"]
  if want == nil then want = case.value end
  if case.rows then M.same_rows(case.rows, res, "the rows it returns") end
  if want ~= nil then luassert.equal(text(want), text(res)) end
  if case.after then
    local a = case.after
    M.same_rows(a.rows, db:table(a.table or "songs"):order_by("id"):get(), a.table or "songs")
  end
end

-- }======================================================

-- {======================================================
-- The databases
-- ======================================================

-- each dialect: find() at describe time (the server, or nil after
-- registering what its absence means), open(found) at the first case,
-- run(state, fn) with the setup's tables, close(state)
local LIVE = {}

LIVE.sqlite = {
  find = function() return {} end,
  open = function() return {} end,
  -- each case on a new :memory: database
  run = function(_, fn)
    local conn = assert(core.connect("sqlite", ":memory:"))
    local db = DB.new(conn, core.grammar("sqlite"))
    local ok, err = pcall(function() M.setup(db) fn(db) end)
    conn:close()
    if not ok then error(err, 0) end
  end,
}

LIVE.postgres = {
  find = function()
    return servers.need("postgres", "the query builder's cases on PostgreSQL")
  end,
  open = function(server)
    local conn = assert(core.connect("postgres", server.conninfo))
    local db = DB.new(conn, core.grammar("postgres"))
    local schema = shell.unique_name("lmq")
    db:execute('CREATE SCHEMA "' .. schema .. '"')
    db:execute('SET search_path TO "' .. schema .. '"')
    return { db = db, conn = conn, schema = schema }
  end,
  run = function(state, fn)
    local db = state.db
    db:begin()
    local ok, err = pcall(function() M.setup(db) fn(db) end)
    db:rollback()
    if not ok then error(err, 0) end
  end,
  close = function(state)
    pcall(state.db.execute, state.db, 'DROP SCHEMA "' .. state.schema .. '" CASCADE')
    state.conn:close()
  end,
}

-- MariaDB: a database of the run, through lmigrate's driver
LIVE.mysql = {
  find = function()
    return servers.need("mariadb", "the query builder's cases on MariaDB", { client = true })
  end,
  open = function(server)
    local name = shell.unique_name("lmigrate_q")
    local status, out = shell.capture(server:client() .. " -e "
      .. shell.quote("CREATE DATABASE `" .. name .. "` CHARACTER SET utf8mb4"))
    assert(status == 0, out)
    local conn = assert(core.connect("mysql", name, { socket = server.socket, user = "root" }))
    local db = DB.new(conn, core.grammar("mysql"))
    return { db = db, conn = conn, server = server, name = name }
  end,
  run = function(state, fn)
    local db = state.db
    db:execute("DROP TABLE IF EXISTS `songs`, `albums`, `w\"e``i?rd`")
    M.setup(db)
    fn(db)
  end,
  close = function(state)
    state.conn:close()
    shell.capture(state.server:client() .. " -e "
      .. shell.quote("DROP DATABASE IF EXISTS `" .. state.name .. "`"))
  end,
}

-- cases(list, dialect): one test per case, its SQL on the recorder, then
-- its outcome on the dialect's database when there is one
function M.cases(list, dialect)
  local live = LIVE[dialect]
  local found = live.find()
  local state
  busted.teardown(function() if state and live.close then live.close(state) end end)
  for i, case in ipairs(list) do
    local title = ("#%d: %s"):format(i, case[1])
    local runs = case.rows or case.value ~= nil or case.after
    if case.only and not case.only[dialect] then
      busted.pending(title .. ": not on " .. dialect)
    elseif runs and case.norun and case.norun[dialect] then
      busted.it(title .. " (SQL)", function() M.check_sql(case, dialect) end)
      busted.pending(title .. ": not run on " .. dialect .. ": " .. case.norun[dialect])
    else
      busted.it(title, function()
        if expected_sql(case, dialect) then M.check_sql(case, dialect) end
        if not runs or not found then return end
        state = state or live.open(found)
        live.run(state, function(db) M.check_run(case, db) end)
      end)
    end
  end
end

-- }======================================================

return M
