-- spec/unit/sqlite_change_spec.lua: the SQLite rebuild's change step
-- (ddl.lua's EDIT.change) on a stored CREATE TABLE: the column gets the
-- new definition, and keeps what the old one had that the new one does
-- not say (primary key, inline REFERENCES, UNIQUE, the CHECKs lmigrate did
-- not derive). Table-driven, no database; change_rows_spec runs it.
local ddl = require("lmigrate.schema.dialect.sqlite.ddl")

local T = 'CREATE TABLE "t" ("id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, '
  .. '"team_id" INTEGER NULL CONSTRAINT "t_team_id_foreign" REFERENCES "teams" ("id") '
  .. 'ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED, '
  .. '"score" INTEGER NOT NULL DEFAULT 0 CONSTRAINT "t_score_unsigned" CHECK ("score" >= 0) '
  .. 'CHECK (score < 100), '
  .. '"code" VARCHAR(10) NOT NULL UNIQUE CHECK ("code" IN (\'a\', \'b\')) COLLATE NOCASE, '
  .. '"n" INTEGER NOT NULL CHECK ("n" >= 0), '
  .. '"k" TEXT CONSTRAINT "k_pk" PRIMARY KEY DESC ON CONFLICT ABORT)'

-- { column, new definition, what the column becomes, why }
local CASES = {
  { "id", '"id" BIGINT NOT NULL', '"id" BIGINT NOT NULL PRIMARY KEY',
    "the primary key stays; AUTOINCREMENT only on an INTEGER" },
  { "id", '"id" INTEGER NULL', '"id" INTEGER NULL PRIMARY KEY AUTOINCREMENT',
    "an INTEGER keeps AUTOINCREMENT" },
  { "id", '"id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL',
    '"id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL', "a new primary key is not doubled" },
  { "team_id", '"team_id" BIGINT NOT NULL DEFAULT 1',
    '"team_id" BIGINT NOT NULL DEFAULT 1 CONSTRAINT "t_team_id_foreign" REFERENCES "teams" ("id") '
      .. 'ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED',
    "the inline foreign key stays, whole (SET NULL and NOT DEFERRABLE are not new clauses)" },
  { "score", '"score" VARCHAR(255) NOT NULL', '"score" VARCHAR(255) NOT NULL CHECK (score < 100)',
    "the derived unsigned CHECK goes (by its shape, named or not), the user's CHECK stays" },
  { "code", '"code" TEXT NULL', '"code" TEXT NULL UNIQUE',
    "UNIQUE stays; the derived enum CHECK and the collation are the new definition's" },
  { "n", '"n" TEXT NULL', '"n" TEXT NULL', "an unnamed derived CHECK goes" },
  { "k", '"k" VARCHAR(9) NOT NULL', '"k" VARCHAR(9) NOT NULL CONSTRAINT "k_pk" PRIMARY KEY DESC '
      .. 'ON CONFLICT ABORT', "a named primary key keeps its name and clauses" },
}

describe("sqlite ddl.edit change", function()
  for _, case in ipairs(CASES) do
    it(case[4], function()
      local body = ddl.edit("t", T, { { op = "change", column = case[1], def = case[2] } }).body
      local got = body:match('"' .. case[1] .. '"[^,]*')
      assert.equals(case[3], got)
    end)
  end
end)
