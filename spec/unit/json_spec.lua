-- spec/unit/json_spec.lua: lua/lmigrate/json.lua, the encoder of what
-- lmigrate prints as JSON (status --json), without the binary.
local core = require("lmigrate.core")
local json = require("lmigrate.json")

describe("json.encode", function()
  -- { value, its JSON text, what the case shows }
  local CASES = {
    { nil, "null", "nil" },
    { core.null, "null", "lmigrate.null" },
    { true, "true", "true" },
    { false, "false", "false" },
    { 0, "0", "zero" },
    { -42, "-42", "a negative integer" },
    { math.maxinteger, "9223372036854775807", "the largest integer" },
    { math.mininteger, "-9223372036854775808", "the smallest integer" },
    { 1.5, "1.5", "a float" },
    { -0.25, "-0.25", "a negative float" },
    { 0 / 0, "null", "NaN" },
    { math.huge, "null", "infinity" },
    { -math.huge, "null", "minus infinity" },
    { "", '""', "the empty string" },
    { "plain", '"plain"', "a string" },
    { 'say "hi"', '"say \\"hi\\""', "a quote" },
    { "a\\b", '"a\\\\b"', "a backslash" },
    { "\b\f\n\r\t", '"\\b\\f\\n\\r\\t"', "the short escapes" },
    { "\0\1\27\31\127", '"\\u0000\\u0001\\u001b\\u001f\\u007f"', "other control bytes" },
    { "/ é ✓", '"/ é ✓"', "UTF-8 and / as they are" },
    { {}, "[]", "an empty table (a list)" },
    { { 1, "two", false }, '[1,"two",false]', "a list" },
    { { { 1 }, {} }, "[[1],[]]", "nested lists" },
    { { b = 1, a = "x", c = core.null }, '{"a":"x","b":1,"c":null}', "an object, keys sorted" },
    { { migration = "m", ran = true, batch = 2 }, '{"batch":2,"migration":"m","ran":true}',
      "a status row" },
    { { list = { { id = 1 } } }, '{"list":[{"id":1}]}', "nested objects" },
  }

  for _, case in ipairs(CASES) do
    it("encodes " .. case[3], function()
      assert.equals(case[2], json.encode(case[1]))
    end)
  end

  it("writes a float so that it reads back as the same number", function()
    for _, v in ipairs { 0.1, 1 / 3, math.pi, 2 ^ 53 + 0.0, 1e-300, 6.02214076e23, -1e300 } do
      local text = json.encode(v)
      assert.equals(v, tonumber(text), text)
      assert.is_nil(text:find("[^%d%.eE+-]"), text)
    end
  end)

  it("orders an object's fields by 'keys', taking only those", function()
    local row = { migration = "m", ran = true, batch = core.null, extra = 1 }
    assert.equals('{"migration":"m","ran":true,"batch":null}',
      json.encode(row, { "migration", "ran", "batch" }))
    assert.equals('{"missing":null}', json.encode({}, { "missing" }))
  end)

  it("escapes keys as strings", function()
    assert.equals('{"a\\"b":1}', json.encode({ ['a"b'] = 1 }))
  end)

  it("raises for what JSON cannot hold", function()
    for _, v in ipairs { print, coroutine.create(print) } do
      assert.has_error(function() json.encode(v) end,
        "lmigrate: cannot encode a " .. type(v) .. " as JSON")
    end
    assert.has_error(function() json.encode({ print }) end, "lmigrate: cannot encode a function as JSON")
  end)
end)
