-- The SQLite rebuild's editing of a stored CREATE TABLE (ddl.lua): each
-- rebuild step applied to the statement's text, table-driven. No database.
local ddl = require("lmigrate.schema.dialect.sqlite.ddl")
local errors = require("lmigrate.errors")

local T = 'CREATE TABLE "t" ("id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, '
  .. '"name" VARCHAR(255) NOT NULL, "team_id" INTEGER NULL CONSTRAINT "t_team_id_foreign" '
  .. 'REFERENCES "teams" ("id") ON DELETE CASCADE, "score" INTEGER NOT NULL CHECK ("score" >= 0), '
  .. 'CONSTRAINT "t_name_check" CHECK (length("name") > 0), '
  .. 'CONSTRAINT "t_owner_foreign" FOREIGN KEY ("team_id") REFERENCES "owners" ("id"))'

-- { steps, expected body, description [, tail] }
local CASES = {
  { {}, '"id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, "name" VARCHAR(255) NOT NULL, '
      .. '"team_id" INTEGER NULL CONSTRAINT "t_team_id_foreign" REFERENCES "teams" ("id") ON DELETE CASCADE, '
      .. '"score" INTEGER NOT NULL CHECK ("score" >= 0), '
      .. 'CONSTRAINT "t_name_check" CHECK (length("name") > 0), '
      .. 'CONSTRAINT "t_owner_foreign" FOREIGN KEY ("team_id") REFERENCES "owners" ("id")',
    "no step: the same definitions" },
  { { { op = "add", column = "bio", def = '"bio" TEXT NULL' } },
    '"id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, "name" VARCHAR(255) NOT NULL, '
      .. '"team_id" INTEGER NULL CONSTRAINT "t_team_id_foreign" REFERENCES "teams" ("id") ON DELETE CASCADE, '
      .. '"score" INTEGER NOT NULL CHECK ("score" >= 0), "bio" TEXT NULL, '
      .. 'CONSTRAINT "t_name_check" CHECK (length("name") > 0), '
      .. 'CONSTRAINT "t_owner_foreign" FOREIGN KEY ("team_id") REFERENCES "owners" ("id")',
    "add: after the last column, before the constraints" },
  { { { op = "change", column = "NAME", def = '"name" TEXT NULL' } },
    '"id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, "name" TEXT NULL, '
      .. '"team_id" INTEGER NULL CONSTRAINT "t_team_id_foreign" REFERENCES "teams" ("id") ON DELETE CASCADE, '
      .. '"score" INTEGER NOT NULL CHECK ("score" >= 0), '
      .. 'CONSTRAINT "t_name_check" CHECK (length("name") > 0), '
      .. 'CONSTRAINT "t_owner_foreign" FOREIGN KEY ("team_id") REFERENCES "owners" ("id")',
    "change: the column's whole definition, found case-insensitively" },
  { { { op = "drop_column", column = "name" } },
    '"id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, '
      .. '"team_id" INTEGER NULL CONSTRAINT "t_team_id_foreign" REFERENCES "teams" ("id") ON DELETE CASCADE, '
      .. '"score" INTEGER NOT NULL CHECK ("score" >= 0), '
      .. 'CONSTRAINT "t_owner_foreign" FOREIGN KEY ("team_id") REFERENCES "owners" ("id")',
    "drop_column: the column and the table constraints naming it" },
  { { { op = "drop_foreign", name = "t_team_id_foreign" } },
    '"id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, "name" VARCHAR(255) NOT NULL, '
      .. '"team_id" INTEGER NULL, "score" INTEGER NOT NULL CHECK ("score" >= 0), '
      .. 'CONSTRAINT "t_name_check" CHECK (length("name") > 0), '
      .. 'CONSTRAINT "t_owner_foreign" FOREIGN KEY ("team_id") REFERENCES "owners" ("id")',
    "drop_foreign of a column's inline REFERENCES" },
  { { { op = "drop_foreign", name = "t_owner_foreign" } },
    '"id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, "name" VARCHAR(255) NOT NULL, '
      .. '"team_id" INTEGER NULL CONSTRAINT "t_team_id_foreign" REFERENCES "teams" ("id") ON DELETE CASCADE, '
      .. '"score" INTEGER NOT NULL CHECK ("score" >= 0), '
      .. 'CONSTRAINT "t_name_check" CHECK (length("name") > 0)',
    "drop_foreign of a table constraint" },
  { { { op = "drop_primary" } },
    '"id" INTEGER NOT NULL, "name" VARCHAR(255) NOT NULL, '
      .. '"team_id" INTEGER NULL CONSTRAINT "t_team_id_foreign" REFERENCES "teams" ("id") ON DELETE CASCADE, '
      .. '"score" INTEGER NOT NULL CHECK ("score" >= 0), '
      .. 'CONSTRAINT "t_name_check" CHECK (length("name") > 0), '
      .. 'CONSTRAINT "t_owner_foreign" FOREIGN KEY ("team_id") REFERENCES "owners" ("id")',
    "drop_primary of an inline PRIMARY KEY AUTOINCREMENT" },
  { { { op = "constraint", def = 'CHECK ("score" < 100)' } },
    '"id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, "name" VARCHAR(255) NOT NULL, '
      .. '"team_id" INTEGER NULL CONSTRAINT "t_team_id_foreign" REFERENCES "teams" ("id") ON DELETE CASCADE, '
      .. '"score" INTEGER NOT NULL CHECK ("score" >= 0), '
      .. 'CONSTRAINT "t_name_check" CHECK (length("name") > 0), '
      .. 'CONSTRAINT "t_owner_foreign" FOREIGN KEY ("team_id") REFERENCES "owners" ("id"), '
      .. 'CHECK ("score" < 100)',
    "constraint: appended" },
}

describe("sqlite ddl.edit", function()
  for _, case in ipairs(CASES) do
    it(case[3], function()
      local new = ddl.edit("t", T, case[1])
      assert.equals(case[2], new.body)
      assert.equals("", new.tail)
    end)
  end

  it("says which old columns stay and which were dropped", function()
    local new = ddl.edit("t", T, {
      { op = "add", column = "bio", def = '"bio" TEXT NULL' },
      { op = "drop_column", column = "score" },
    })
    assert.same({ id = true, name = true, team_id = true }, new.kept)
    assert.same({ score = true }, new.dropped)
  end)

  it("keeps what follows the definitions (WITHOUT ROWID, STRICT)", function()
    local new = ddl.edit("k", 'CREATE TABLE "k" ("a" INTEGER PRIMARY KEY, "b" TEXT) WITHOUT ROWID', {})
    assert.equals('"a" INTEGER PRIMARY KEY, "b" TEXT', new.body)
    assert.equals(" WITHOUT ROWID", new.tail)
  end)

  it("reads quoted names with commas, parentheses and quotes inside", function()
    local sql = 'CREATE TABLE "a,b" ("x(1)" TEXT DEFAULT \'a, b)\', "y""z" INTEGER, [w] INT, `v` INT)'
    local new = ddl.edit("a,b", sql, { { op = "drop_column", column = 'y"z' } })
    assert.equals('"x(1)" TEXT DEFAULT \'a, b)\', [w] INT, `v` INT', new.body)
  end)

  for _, case in ipairs {
    { { op = "change", column = "nope", def = "x" }, "no column nope to change" },
    { { op = "drop_column", column = "nope" }, "no column nope to drop" },
    { { op = "drop_foreign", name = "nope" }, "no foreign key named nope" },
  } do
    it("refuses a step the table cannot take: " .. case[2], function()
      local ok, err = pcall(ddl.edit, "t", T, { case[1] })
      assert.is_false(ok)
      assert.is_true(errors.is(err))
      assert.equals("rebuilding table t: " .. case[2], err.message)
    end)
  end

  it("refuses a primary-key drop on a table without one", function()
    local ok, err = pcall(ddl.edit, "p", 'CREATE TABLE "p" ("a" INTEGER)', { { op = "drop_primary" } })
    assert.is_false(ok)
    assert.equals("rebuilding table p: it has no primary key", err.message)
  end)

  it("refuses a statement it cannot read", function()
    local ok, err = pcall(ddl.edit, "v", "CREATE VIEW v AS SELECT 1", {})
    assert.is_false(ok)
    assert.equals("rebuilding table v: its CREATE TABLE could not be read", err.message)
  end)
end)
