-- spec/unit/locks_spec.lua: which file the SQLite lock is on for each form
-- of a database name (run/locks.lua), the durations of --lock-timeout and
-- connect_timeout (config.duration), and the default connect_timeout.
local config = require("lmigrate.config")
local locks = require("lmigrate.run.locks")

describe("locks.sqlite_file", function()
  local CASES = {
    { "databases/database.sqlite", "databases/database.sqlite" },
    { "/abs/db.sqlite", "/abs/db.sqlite" },
    { "file:db.sqlite", "db.sqlite" },
    { "file:db.sqlite?mode=rwc&cache=shared", "db.sqlite" },
    { "file:///abs/db.sqlite", "/abs/db.sqlite" },
    { "file://localhost/abs/db.sqlite#frag", "/abs/db.sqlite" },
    { "file:my%20data.db", "my data.db" },
    { "file:a%3Fb.db?vfs=unix", "a?b.db" },
    { ":memory:", nil }, { "", nil }, { "file::memory:", nil }, { "file::memory:?cache=shared", nil },
    { "file:x.db?mode=memory", nil }, { "file:x.db?mode=%6demory", nil }, { "file:x?vfs=memdb", nil },
    { "file:", nil }, { "file:?mode=rw", nil },
  }
  for _, c in ipairs(CASES) do
    it(("%q -> %s"):format(c[1], tostring(c[2])), function()
      assert.equals(c[2], locks.sqlite_file(c[1]))
    end)
  end
end)

describe("config.duration", function()
  local CASES = { { "30s", 30 }, { "2m", 120 }, { "500ms", 0.5 }, { "1h", 3600 }, { "5", 5 },
                  { "1.5s", 1.5 }, { 7, 7 }, { 0, 0 }, { " 3 s ", 3 } }
  for _, c in ipairs(CASES) do
    it(tostring(c[1]), function() assert.equals(c[2], config.duration(c[1])) end)
  end
  for _, bad in ipairs { "soon", "-1s", "5x", "", "1e3", -1, math.huge, {} } do
    it("refuses " .. tostring(bad), function() assert.is_nil(config.duration(bad)) end)
  end
end)

describe("connect_timeout", function()
  local function resolve(url) return config.resolve({ database = url }, function() end, "/nonexistent") end

  it("is 10 s by default, or the URL's", function()
    assert.equals(10, resolve("postgres://u@h/d").connections[1].connect_timeout)
    assert.equals(3, resolve("postgres://u@h/d?sslmode=disable&connect_timeout=3").connections[1]
      .connect_timeout)
  end)
end)
