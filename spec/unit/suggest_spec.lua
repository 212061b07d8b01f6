-- lmigrate.suggest: "did you mean ...?" by edit distance, and Laravel's
-- camelCase names in lmigrate's snake_case.
local suggest = require("lmigrate.suggest")

describe("suggest.distance", function()
  it("counts insertions, deletions, substitutions and swaps", function()
    assert.equals(0, suggest.distance("migrate", "migrate"))
    assert.equals(1, suggest.distance("migrat", "migrate"))
    assert.equals(1, suggest.distance("migrste", "migrate"))
    assert.equals(1, suggest.distance("mirgate", "migrate"))
    assert.equals(3, suggest.distance("", "abc"))
  end)
end)

describe("suggest.snake", function()
  it("spells camelCase in snake_case", function()
    assert.equals("foreign_id", suggest.snake("foreignId"))
    assert.equals("drop_if_exists", suggest.snake("dropIfExists"))
    assert.equals("ip_address", suggest.snake("ipAddress"))
    assert.equals("uuid_morphs", suggest.snake("uuidMorphs"))
    assert.is_nil(suggest.snake("string"))
  end)
end)

describe("suggest.closest and hint", function()
  local names = { "migrate", "rollback", "status", "seed", "fresh" }

  it("finds the near name, and none for a word far from all", function()
    assert.equals("migrate", suggest.closest("migarte", names))
    assert.equals("status", suggest.closest("stauts", names))
    assert.is_nil(suggest.closest("deploy", names))
    assert.is_nil(suggest.closest("x", names))
  end)

  it("gives a camelCase name's snake_case when that is a candidate", function()
    assert.equals("foreign_id", suggest.closest("foreignId", { "foreign", "foreign_id", "id" }))
  end)

  it("takes the keys of a table", function()
    assert.equals("testing", suggest.closest("testin", { testing = {}, main = {} }))
  end)

  it("hint says did you mean, or nothing", function()
    assert.equals(" (did you mean '--pretend'?)", suggest.hint("pretnd", { "pretend", "step" }, "--"))
    assert.equals("", suggest.hint("zzzz", { "pretend" }))
  end)
end)
