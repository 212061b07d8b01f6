-- spec/unit/output_live_spec.lua: a step's line on a terminal (its name
-- at start, completed at finish), the RUNNING line of a step that has
-- another inside it, --verbose's statements, the width (COLUMNS, the
-- terminal's) and TERM=dumb. stdout is a stub; core.isatty, core.termwidth
-- and os.getenv are stubbed where the case needs it.
local core = require("lmigrate.core")
local output = require("lmigrate.output")

local function sink()
  local s = { text = "" }
  function s.write(_, ...) s.text = s.text .. table.concat({ ... }) end
  return s
end

local function lines(text)
  local t = {}
  for l in text:gmatch("([^\n]*)\n") do t[#t + 1] = l end
  return t
end

describe("output on a terminal (live)", function()
  it("writes the name at start and completes the same line at finish", function()
    local s = sink()
    local o = output.new({ stdout = s, live = true, color = false, width = 60 })
    o:start("2026_01_01_000000_a")
    assert.equals("  2026_01_01_000000_a ", s.text)
    o:finish("2026_01_01_000000_a", 0.0012, true)
    local l = lines(s.text)
    assert.equals(1, #l)
    assert.truthy(l[1]:match("^  2026_01_01_000000_a %.+ 1%.20ms DONE$"), l[1])
    assert.equals(60, #l[1])
  end)

  it("anything written meanwhile ends the line with RUNNING, and finish writes it whole", function()
    local s = sink()
    local o = output.new({ stdout = s, live = true, color = false, width = 60 })
    o:start("a")
    o:info("a note")
    o:finish("a", 0.001, false)
    local l = lines(s.text)
    assert.equals(3, #l)
    assert.truthy(l[1]:match("^  a %.+ RUNNING$"), l[1])
    assert.equals("  a note", l[2])
    assert.truthy(l[3]:match("^  a %.+ 1%.00ms FAIL$"), l[3])
  end)
end)

for _, live in ipairs { true, false } do
  describe("nested steps (" .. (live and "terminal" or "no terminal") .. ")", function()
    it("are listed in the order they start", function()
      local s = sink()
      local o = output.new({ stdout = s, live = live, color = false, width = 60 })
      o:start("DatabaseSeeder")
      o:start("UserSeeder")
      o:finish("UserSeeder", 0.001, true)
      o:start("PostSeeder")
      o:finish("PostSeeder", 0.001, true)
      o:finish("DatabaseSeeder", 0.003, true)
      local l = lines(s.text)
      assert.equals(4, #l, s.text)
      assert.truthy(l[1]:match("^  DatabaseSeeder %.+ RUNNING$"), l[1])
      assert.truthy(l[2]:match("^  UserSeeder %.+ .*DONE$"), l[2])
      assert.truthy(l[3]:match("^  PostSeeder %.+ .*DONE$"), l[3])
      assert.truthy(l[4]:match("^  DatabaseSeeder %.+ 3%.00ms DONE$"), l[4])
    end)
  end)
end

describe("output elsewhere", function()
  it("writes a step's line once, at its end", function()
    local s = sink()
    local o = output.new({ stdout = s, live = false, color = false })
    o:start("a")
    assert.equals("", s.text)
    o:finish("a", 0.001, true)
    assert.equals(1, #lines(s.text))
    assert.equals(78, #lines(s.text)[1])
  end)

  it("--quiet writes nothing, started or finished", function()
    local s = sink()
    local o = output.new({ stdout = s, live = true, quiet = true })
    o:start("a")
    o:finish("a", 0.001, true)
    assert.equals("", s.text)
  end)
end)

describe("--verbose", function()
  it("writes each statement with its time, under its step's RUNNING line", function()
    local s = sink()
    local o = output.new({ stdout = s, live = false, color = false, verbose = true, width = 60 })
    o:start("a")
    o:statement("CREATE TABLE t (x int)", 0.0005)
    o:finish("a", 0.001, true)
    local l = lines(s.text)
    assert.equals(3, #l)
    assert.truthy(l[1]:match("^  a %.+ RUNNING$"), l[1])
    assert.equals("    0.50ms CREATE TABLE t (x int)", l[2])
  end)

  it("writes nothing without it", function()
    local s = sink()
    output.new({ stdout = s, live = false }):statement("SELECT 1", 0.001)
    assert.equals("", s.text)
  end)
end)

describe("the width and colour of the environment", function()
  local isatty, termwidth, getenv = core.isatty, core.termwidth, os.getenv
  local env
  before_each(function()
    env = {}
    os.getenv = function(k) return env[k] end  -- luacheck: ignore 122
    core.isatty = function() return true end
  end)
  after_each(function()
    core.isatty, core.termwidth = isatty, termwidth
    os.getenv = getenv  -- luacheck: ignore 122
  end)

  it("COLUMNS wins, then the terminal's width, then 78; kept within 40..150", function()
    core.termwidth = function() return 100 end
    assert.equals(100, output.width())
    env.COLUMNS = "64"
    assert.equals(64, output.width())
    env.COLUMNS = "10"
    assert.equals(40, output.width())
    env.COLUMNS = "500"
    assert.equals(150, output.width())
    env.COLUMNS = "wide"
    core.termwidth = function() return nil end
    assert.equals(78, output.width())
  end)

  it("TERM=dumb has no colour", function()
    env.TERM = "dumb"
    local o = output.new({ stdout = sink() })
    assert.is_false(o.color)
    assert.is_false(o.ecolor)
  end)

  it("color = false (--no-color) has none on a terminal", function()
    local s = sink()
    local o = output.new({ stdout = s, color = false })
    o:finish("a", 0.001, true)
    assert.falsy(s.text:find("\27[", 1, true))
  end)
end)
