-- spec/support/grammar.lua: the harness of spec/grammar/*_spec.lua. A case
-- is { fn, expected SQL (string or list) [, table = name] [, setup = SQL]
-- [, setup_only = SQL] [, title = text] [, sql_only = why] }: fn fills a
-- blueprint, its SQL must be exactly the expected, and the dialect's own
-- server must accept it (sqlite3 on :memory:, psql in a transaction
-- rolled back, mariadb in a database of its own, unique to the run);
-- with sql_only (the reason) only the SQL is compared.
--
--   local h = require("spec.support.grammar").harness("postgres")
--   describe("postgres grammar", function()
--     describe("create", function() h.cases(CREATE, "create") end)
--     describe("alter", function()
--       h.cases(ALTER, "alter", function(case) return case.setup_only or ALTER_SETUP end)
--     end)
--   end)
--
-- Without the server (spec.support.servers finds none), the exact SQL is
-- still checked and the server part is what servers.missing registers:
-- pending, or failing under CI.
local busted = require("busted")
local core = require("lmigrate.core")
local luassert = require("luassert")
local servers = require("spec.support.servers")
local shell = require("spec.support.shell")

local M = {}

-- the statements of the list 'sql' as script text, each ended by ';'
local function statements(sql)
  local t = {}
  for i, s in ipairs(sql) do t[i] = s .. ";\n" end
  return table.concat(t)
end
M.statements = statements

-- {======================================================
-- Runners: each dialect's SQL on its own server
-- ======================================================

-- server: the name in spec.support.servers; who: the name in a failure;
-- target(server, run): where the client runs; script(setup, sql, run): the
-- text around the statements; accepted(status, output); cleanup(run): after
-- a refused script
local RUNNERS = {}

RUNNERS.sqlite = {
  server = "sqlite", who = "sqlite3",
  target = function() return ":memory:" end,
  script = function(setup, sql)
    return ".bail on\nPRAGMA foreign_keys = ON;\n" .. (setup or "") .. "\n" .. statements(sql)
  end,
  accepted = function(status, out) return status == 0 and out == "" end,
}

RUNNERS.postgres = {
  server = "postgres", who = "postgres",
  target = function(server) return server.url end,
  script = function(setup, sql)
    return "\\set ON_ERROR_STOP 1\nSET client_min_messages = warning;\nBEGIN;\n"
      .. servers.pg_own_schema() .. (setup or "") .. "\n" .. statements(sql) .. "ROLLBACK;\n"
  end,
}

-- the database is made by the script: the client starts in none
RUNNERS.mysql = {
  server = "mariadb", who = "mysql",
  target = function() return nil end,
  script = function(setup, sql, run)
    local db = "`" .. run.database .. "`"
    return ("DROP DATABASE IF EXISTS %s; CREATE DATABASE %s; USE %s;\n"):format(db, db, db)
      .. (setup or "") .. "\n" .. statements(sql) .. "DROP DATABASE " .. db .. ";\n"
  end,
  cleanup = function(run) return "DROP DATABASE IF EXISTS `" .. run.database .. "`;\n" end,
}

-- }======================================================

local function title(case)
  return case.title or type(case[2]) == "string" and case[2] or case[2][1]
end

-- harness(dialect) -> { g, compile, accepts, run, check, cases, title }
function M.harness(dialect)
  local runner = assert(RUNNERS[dialect], dialect)
  local h = { g = core.grammar(dialect), title = title }
  local server
  if runner.server == "sqlite" then
    server = servers.find("sqlite")
  else
    server = servers.need(runner.server, dialect .. " grammar on a server", { client = true })
  end
  -- the state of this run: the mysql runner's unique database
  local run = { database = server and shell.unique_name("lmigrate_spec") }
  h.server = server   -- nil without one

  -- the SQL of blueprint 'table' (default users) in 'mode' (default create)
  function h.compile(fn, mode, table)
    local t = core.blueprint(table or "users", mode or "create")
    fn(t)
    return t:to_sql(h.g)
  end

  -- runs the script text 'text' on the server: status, output
  function h.run(text)
    local path = os.tmpname()
    shell.write_file(path, text)
    local status, out = servers.run_script(runner.server, server, runner.target(server, run), path)
    os.remove(path)
    return status, out
  end

  -- true when the server runs 'setup' then 'sql' (a list); else false,
  -- output; true without a server
  function h.accepts(setup, sql)
    if not server then return true end
    local status, out = h.run(runner.script(setup, sql, run))
    local ok = (runner.accepted or function(s) return s == 0 end)(status, out)
    if not ok and runner.cleanup then h.run(runner.cleanup(run)) end
    return ok, out
  end

  -- the case's SQL is exactly the expected, and the server accepts it
  function h.check(case, mode, setup)
    local got = h.compile(case[1], mode, case.table)
    local want = type(case[2]) == "string" and { case[2] } or case[2]
    luassert.same(want, got)
    if case.sql_only then return end
    local ok, out = h.accepts(setup, got)
    luassert(ok, runner.who .. " rejected it: " .. tostring(out))
  end

  -- one test per case of 'list'; setup_of(case) is the SQL run before
  -- (default: case.setup)
  function h.cases(list, mode, setup_of)
    for i, case in ipairs(list) do
      busted.it("#" .. i .. ": " .. title(case), function()
        local setup = case.setup
        if setup_of then setup = setup_of(case) end
        h.check(case, mode, setup)
      end)
    end
  end

  return h
end

return M
