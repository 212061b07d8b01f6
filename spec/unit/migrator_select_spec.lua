-- The migrator's choice of what to undo (rollback, --step, --batch, reset),
-- on a history given as rows: no database, no binary.
local Migrator = require("lmigrate.run.migrator")

-- a migrator whose history is 'rows' ({ migration, batch } oldest first)
local function with_history(rows)
  return Migrator.new({ repo = { ran = function() return rows end } })
end

local HISTORY = {
  { migration = "a", batch = 1 }, { migration = "b", batch = 1 },
  { migration = "c", batch = 2 }, { migration = "d", batch = 3 },
  { migration = "e", batch = 3 }, { migration = "f", batch = 3 },
}

local function names(undo)
  local t = {}
  for i, e in ipairs(undo) do t[i] = e.name end
  return table.concat(t, " ")
end

describe("Migrator:select", function()
  for _, case in ipairs {
    { {}, "f e d", "the last batch, newest first" },
    { { step = 1 }, "f", "--step 1: the newest migration" },
    { { step = 4 }, "f e d c", "--step 4 crosses batches" },
    { { step = 99 }, "f e d c b a", "--step past the history: all of it" },
    { { batch = 1 }, "b a", "--batch 1: only that batch" },
    { { batch = 2 }, "c", "--batch 2" },
    { { batch = 7 }, "", "--batch of no migration: nothing" },
    { { all = true }, "f e d c b a", "reset: everything, newest batch first" },
  } do
    it(case[3], function()
      assert.equals(case[2], names(with_history(HISTORY):select(case[1])))
    end)
  end

  it("orders by batch first, then newest first within a batch", function()
    -- a migration applied later with a lower batch number (hand-edited history)
    local rows = {
      { migration = "x", batch = 2 }, { migration = "y", batch = 1 }, { migration = "z", batch = 2 },
    }
    assert.equals("z x y", names(with_history(rows):select({ all = true })))
  end)

  it("selects nothing on an empty history", function()
    assert.equals("", names(with_history({}):select({})))
  end)
end)
