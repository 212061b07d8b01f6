-- tests/fuzz/lua_fuzz.lua: the Lua-level fuzzer, with a fixed seed.
--
-- 1. API: every method of the Blueprint, Column, Foreign and Schema
--    objects, found in their metatables (so methods added later are
--    called too), with random names, types, lengths, defaults and
--    arguments of every Lua type, on an SQLite database in memory. A call
--    may raise (that is how misuse is answered) but only with a message:
--    a crash, a sanitizer report, an error that is no string, or a Lua
--    runtime error inside lmigrate's own Lua files is a finding.
-- 2. End to end: random ALTER migrations (add, change, rename and drop
--    columns, indexes, foreign keys) written as files and run by the
--    binary on every dialect; each run exits 0 (and is recorded) or 1
--    (and changes nothing), and the integrity checks pass after each. On
--    MySQL a refused migration may be partly applied (its schema
--    statements before the failure committed): status must say so, and
--    `rollback --partial` must bring the database back to what it was
--    (so the journal named exactly what was applied); the journal is
--    empty after each migration.
--
--   tests/run-probe lua5.4 tests/fuzz/lua_fuzz.lua [--long]
local probe = require("probe")
local helpers = require("spec.helpers")
local core = require("lmigrate.core")
local DB = require("lmigrate.db")
local Schema = require("lmigrate.schema")

local p = probe.new("lua_fuzz", { short = { calls = 4000, migrations = 25 },
                                  long = { calls = 400000, migrations = 600 } })

local random = math.random

-- {======================================================
-- Random values
-- ======================================================

local WORDS = { "id", "name", "users", "email", "user_id", "posts", "created_at", "a b", "",
  'x"y', "it's", "`t`", "[t]", "cascade", "set null", "restrict", "no action", "?", "$1", "--",
  "a;b", "DROP TABLE users", ("n"):rep(70), "é", "\0", "t", "c" }
local NUMBERS = { 0, 1, -1, 2, 8, 255, 65535, 65536, 2 ^ 31, math.maxinteger, math.mininteger,
  0.5, -0.0, 1 / 0, -1 / 0, 0 / 0, 1e300 }

local value

local function bytes()
  local t = {}
  for i = 1, random(0, 12) do t[i] = string.char(random(0, 255)) end
  return table.concat(t)
end

local function list(depth)
  local t = {}
  for i = 1, random(0, 3) do t[i] = value(depth + 1) end
  if random(4) == 1 then t[WORDS[random(#WORDS)]] = value(depth + 1) end
  return t
end

-- a value of any Lua type; 'calls' (optional) is what a callback may do
value = function(depth, calls)
  depth = depth or 0
  local k = random(12)
  if k == 1 then return nil
  elseif k == 2 then return random(2) == 1
  elseif k == 3 then return NUMBERS[random(#NUMBERS)]
  elseif k == 4 then return random(-3, 300)
  elseif k <= 7 then return WORDS[random(#WORDS)]
  elseif k == 8 then return bytes()
  elseif k == 9 then return depth < 2 and list(depth) or nil
  elseif k == 10 then return core.null
  elseif k == 11 then return core.raw(WORDS[random(2, 7)])
  end
  return calls or function() end
end

-- }======================================================

-- {======================================================
-- 1. The API
-- ======================================================

-- the sorted method names of the metatable of 'obj'
local function methods(obj)
  local names = {}
  local mt = getmetatable(obj)
  local index = type(mt) == "table" and rawget(mt, "__index")
  for k, v in pairs(type(index) == "table" and index or {}) do
    if type(k) == "string" and type(v) == "function" and k:sub(1, 2) ~= "__" then names[#names + 1] = k end
  end
  table.sort(names)
  return names
end

-- what an error says about lmigrate: nil when it is a fine answer to misuse
local function finding(err)
  if type(err) ~= "string" and not (type(err) == "table" and type(err.message) == "string") then
    return "an error that is no message: " .. type(err)
  end
  local msg = type(err) == "string" and err or err.message
  if msg:find("lua/lmigrate/[%w_/]+%.lua:%d+: attempt to") then return msg end
  return nil
end

local function api(dialect)
  local conn = assert(core.connect("sqlite", ":memory:"))
  local g = core.grammar("sqlite")
  local db = DB.new(conn, g)
  local schema = Schema.new(db, g)
  local grammars = { core.grammar("sqlite"), core.grammar("postgres"), core.grammar("mysql") }
  local seen = {}
  local objs, kinds = {}, {}
  local function fresh()
    local mode = ({ "create", "alter", "create_if_not_exists" })[random(3)]
    local ok, bp = pcall(core.blueprint, WORDS[random(#WORDS)], mode)
    objs = { schema, ok and bp or core.blueprint("t", "create") }
  end
  fresh()
  -- a callback that does a few calls on what it is given (a blueprint)
  local calls
  calls = function(t)
    for _ = 1, random(0, 4) do
      local names = methods(t)
      if #names == 0 then return end
      local m = names[random(#names)]
      local args = {}
      for i = 1, random(0, 3) do args[i] = value(1) end
      local ok, res = pcall(t[m], t, table.unpack(args, 1, 3))
      if not ok then
        local f = finding(res)
        if f then error(res, 0) end
      elseif type(res) == "userdata" and #objs < 24 then objs[#objs + 1] = res end
    end
  end
  for n = 1, p.budget.calls do
    local obj = objs[random(#objs)]
    local names = kinds[getmetatable(obj)] or methods(obj)
    kinds[getmetatable(obj)] = names
    local m = names[random(#names)]
    local args = {}
    for i = 1, random(0, 4) do args[i] = value(0, calls) end
    if m == "to_sql" or m == "rebuild_plan" then args[1] = grammars[random(3)] end
    local ok, res = pcall(obj[m], obj, table.unpack(args, 1, 4))
    p:count(dialect, "API calls")
    if not ok then
      local f = finding(res)
      if f and not seen[f] then
        seen[f] = true
        p:fail("api", "%s(%s): %s", m, #args, f)
      end
    elseif type(res) == "userdata" and #objs < 24 and getmetatable(res) ~= getmetatable(conn) then
      objs[#objs + 1] = res
    end
    if n % 200 == 0 then fresh() end
  end
  conn:close()
end

-- }======================================================

-- {======================================================
-- 2. Random ALTER migrations, end to end
-- ======================================================

local TYPES = { "string", "integer", "big_integer", "boolean", "text", "decimal", "date",
                "datetime", "float", "json", "uuid", "small_integer", "char", "double", "time" }
local DEFAULTS = { string = '"x"', integer = "7", big_integer = "0", boolean = "true", text = '"t"',
  decimal = "1.5", small_integer = "1", char = '"c"', double = "2.5", float = "0.5" }

-- the model of the schema the migrations built: tables -> { cols = { name -> type }, indexed = {} }
local function new_model() return { tables = {}, n = 0 } end

local function pick(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys)
  return keys[random(#keys)]
end

-- one column definition line, its name and type
local function column(name)
  local ty = TYPES[random(#TYPES)]
  local line = ("t:%s(%q)"):format(ty, name)
  if random(2) == 1 then line = line .. ":nullable()"
  elseif DEFAULTS[ty] then line = line .. ":default(" .. DEFAULTS[ty] .. ")"
  else line = line .. ":nullable()" end
  return line, ty
end

-- the up of a random migration on the model, and what it does to the
-- model if it succeeds (a function)
local function random_up(model)
  model.n = model.n + 1
  local tname = pick(model.tables)
  local k = random(10)
  if not tname or k == 1 then
    local name = "f" .. model.n
    local cols, lines = {}, { 't:increments("id")' }
    for i = 1, random(1, 4) do
      local line, ty = column("c" .. i)
      lines[#lines + 1] = line
      cols["c" .. i] = ty
    end
    if tname and random(2) == 1 then
      lines[#lines + 1] = ('t:foreign_id("%s_id"):nullable():constrained(%q):on_delete("set null")')
        :format(tname, tname)
      cols[tname .. "_id"] = "foreign"
    end
    return ("self.schema:create(%q, function(t)\n    %s\n  end)\n"
      .. "  self.db:insert(%q, { { id = 1 }, { id = 2 } })")
      :format(name, table.concat(lines, "\n    "), name), function()
        model.tables[name] = { cols = cols, indexed = {} }
      end
  end
  local t = model.tables[tname]
  local col = pick(t.cols)
  local body
  local apply = function() end
  if k == 2 or not col then
    local name = "a" .. model.n
    local line, ty = column(name)
    body = line
    apply = function() t.cols[name] = ty end
  elseif k == 3 and t.cols[col] ~= "foreign" then
    local ty = TYPES[random(#TYPES)]
    body = ("t:%s(%q):nullable():change()"):format(ty, col)
    apply = function() t.cols[col] = ty end
  elseif k == 4 and t.cols[col] ~= "foreign" then
    local to = "r" .. model.n
    body = ("t:rename_column(%q, %q)"):format(col, to)
    apply = function()
      t.cols[to], t.cols[col] = t.cols[col], nil
      t.indexed[to], t.indexed[col] = t.indexed[col], nil
    end
  elseif k == 5 and not t.indexed[col] and t.cols[col] ~= "foreign" then
    body = ("t:drop_column(%q)"):format(col)
    apply = function() t.cols[col] = nil end
  elseif k == 6 and not t.indexed[col] then
    body = ("t:index({ %q })"):format(col)
    apply = function() t.indexed[col] = true end
  elseif k == 7 and t.indexed[col] then
    body = ("t:drop_index({ %q })"):format(col)
    apply = function() t.indexed[col] = nil end
  elseif k == 8 then   -- a mistake: lmigrate must refuse it and change nothing
    body = ("t:drop_column(%q)"):format("missing_" .. model.n)
  elseif k == 9 then
    body = ("t:string(%q):nullable()\n    t:%s(%q)"):format("b" .. model.n, TYPES[random(#TYPES)], col)
    apply = function() t.cols["b" .. model.n] = "string" end   -- fails when col exists: nothing applied
  else
    body = ("t:string(%q, %d):nullable()"):format("s" .. model.n, random(1, 300))
    apply = function() t.cols["s" .. model.n] = "string" end
  end
  return ("self.schema:table(%q, function(t)\n    %s\n  end)"):format(tname, body), apply
end

-- the dialect's integrity checks (spec/support/dialect: PRAGMAs, invalid
-- indexes, CHECK TABLE, dangling references) -> what they found, or nil
local function integrity(project)
  return project:with_db(function(db)
    local bad = db:integrity()
    return #bad > 0 and table.concat(bad, "; ") or nil
  end)
end

-- MySQL: the applied statements of a refused migration, journaled -> the
-- number; status shows them, rollback --partial undoes them
local function undo_partial(project, where)
  local applied = 0
  for _, row in ipairs(project:with_db(function(db) return db:journal() end)) do
    if row.state == "applied" then applied = applied + 1 end
  end
  if applied == 0 then return 0 end
  local r = project:run("status")
  p:check(r.stdout:find(("Partly applied (%d of"):format(applied), 1, true), where,
          "status does not show it partly applied (%d statements)\n%s", applied, probe.describe(r))
  r = project:run("rollback", "--partial")
  p:check(r.status == 0 and not r.stdout:find("KEPT", 1, true), where,
          "rollback --partial failed or kept a statement\n%s", probe.describe(r))
  p:count(project.dialect, "refused ones partly applied, undone by rollback --partial")
  return applied
end

local function alters(dialect)
  local project = helpers.project(dialect)
  local model = new_model()
  for i = 1, p.budget.migrations do
    local body, apply = random_up(model)
    local name = ("2026_01_01_%06d_fuzz"):format(i)
    project:write(name, helpers.migration { up = "  " .. body, down = "" })
    local before = project:snapshot()
    local r = project:run("migrate")
    local where = ("%s migration %d"):format(dialect, i)
    p:check(r.status == 0 or r.status == 1, where, "exit %s\n%s", tostring(r.status), probe.describe(r))
    p:check(not r.stderr:find("stack traceback", 1, true) and not r.stderr:find("internal error", 1, true)
            and not r.stderr:find("lua/lmigrate/[%w_/]+%.lua:%d+: attempt to"),
            where, "an unclear error\n%s", probe.describe(r))
    if r.status == 0 then
      apply()
      p:count(dialect, "migrations applied")
    else
      if not dialect.transactional_ddl then undo_partial(project, where) end
      p:check(project:snapshot() == before, where, "a failed migration changed the database\n%s",
              probe.describe(r))
      project:remove(name)
      p:count(dialect, "migrations refused")
    end
    if not dialect.transactional_ddl then
      local left = #project:with_db(function(db) return db:journal() end)
      p:check(left == 0, where, "%d journal row(s) left after it\n%s", left, body)
    end
    local bad = integrity(project)
    p:check(not bad, where, "%s after\n%s", tostring(bad), body)
  end
  project:cleanup()
end

-- }======================================================

p:protect("api", api, "api")
for _, dialect in p:each_dialect() do
  p:protect(dialect, alters, dialect)
end
p:finish()
