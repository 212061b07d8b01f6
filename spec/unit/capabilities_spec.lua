-- spec/unit/capabilities_spec.lua: what a connection's driver and a
-- grammar can do, asked by name (conn:supports, g:supports), so that the
-- Lua side never tests driver or dialect names. The PostgreSQL cases need
-- a server (pg_virtualenv, or DATABASE_URL=postgres://...): without one
-- they fail under CI and are pending elsewhere.
local core = require("lmigrate.core")

local servers = require("spec.support.servers")

-- 'it' with a PostgreSQL server; without one the rule of spec/support/servers.lua
local pg_it = servers.it_with("postgres")
local function pg_conninfo() return servers.find("postgres").conninfo end

describe("conn:supports", function()
  it("says what the SQLite driver has", function()
    local conn = assert(core.connect("sqlite", ":memory:"))
    assert.is_false(conn:supports("copy"))
    assert.is_false(conn:supports("async"))
    assert.error_matches(function() conn:copy_put("1\n") end,
      "COPY FROM STDIN is not supported by the sqlite driver")
    assert.error_matches(function() conn:supports("telepathy") end, "invalid option 'telepathy'")
    conn:close()
    assert.is_false(conn:supports("copy"))   -- the driver's, closed or not
  end)

  pg_it("says what the PostgreSQL driver has", function()
    local conn = assert(core.connect("postgres", pg_conninfo()))
    assert.is_true(conn:supports("copy"))
    assert.is_true(conn:supports("async"))
    conn:close()
  end)
end)

describe("g:supports", function()
  -- { dialect, rebuild, transactional_ddl, cascade }
  for _, case in ipairs({
    { "sqlite", true, true, false },
    { "postgres", false, true, true },
    { "mysql", false, false, false },
  }) do
    it("says what " .. case[1] .. " can do", function()
      local g = core.grammar(case[1])
      assert.equals(case[2], g:supports("rebuild"))
      assert.equals(case[3], g:supports("transactional_ddl"))
      assert.equals(case[4], g:supports("cascade"))
    end)
  end

  it("refuses a feature it does not know", function()
    assert.error_matches(function() core.grammar("sqlite"):supports("time_travel") end,
      "invalid option 'time_travel'")
  end)
end)
