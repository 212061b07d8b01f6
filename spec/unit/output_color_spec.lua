-- spec/unit/output_color_spec.lua: when lmigrate.output paints: on a
-- terminal, unless NO_COLOR is set and not empty (no-color.org), or the
-- caller says (color = true | false). The terminal and the environment
-- are stubbed: core.isatty and os.getenv are read at output.new.
local core = require("lmigrate.core")
local output = require("lmigrate.output")

describe("output colour", function()
  local isatty, getenv = core.isatty, os.getenv
  local env

  before_each(function()
    env = {}
    core.isatty = function() return true end
    os.getenv = function(k) return env[k] end  -- luacheck: ignore 122
  end)

  after_each(function()
    core.isatty = isatty
    os.getenv = getenv  -- luacheck: ignore 122
  end)

  local function painted()
    local text = ""
    local o = output.new({ stdout = { write = function(_, ...) text = text .. table.concat({ ... }) end } })
    o:finish("2026_01_01_000000_a", 0.001, true)
    return text:find("\27[", 1, true) ~= nil, not not o.ecolor
  end

  it("paints on a terminal", function()
    assert.same({ true, true }, { painted() })
  end)

  it("does not with NO_COLOR set, on stdout and stderr", function()
    env.NO_COLOR = "1"
    assert.same({ false, false }, { painted() })
  end)

  it("an empty NO_COLOR does not count", function()
    env.NO_COLOR = ""
    assert.same({ true, true }, { painted() })
  end)

  it("does not when not on a terminal", function()
    core.isatty = function() return false end
    assert.same({ false, false }, { painted() })
  end)
end)
