-- The SQLite rebuild's key edits (ddl.lua): drop_foreign by a constraint
-- name or by its columns, wherever the key is written (a table
-- constraint, a column's REFERENCES with clauses after it, named or
-- not), drop_primary checking the name or columns it is given, and the
-- CREATE INDEX of rename_index. Table-driven; no database.
local ddl = require("lmigrate.schema.dialect.sqlite.ddl")

-- a table as people write them by hand: unnamed keys, clauses in any order
local A_DEF = '"a" INTEGER REFERENCES "p" ("id") ON UPDATE CASCADE MATCH SIMPLE '
  .. 'DEFERRABLE INITIALLY DEFERRED NOT NULL'
local T = 'CREATE TABLE "t" ("id" INTEGER CONSTRAINT "t_pk" PRIMARY KEY, '
  .. A_DEF .. ', '
  .. '"b" INTEGER CONSTRAINT "t_b_fk" REFERENCES "q" ON DELETE SET NULL DEFAULT 0, '
  .. '"c" TEXT, "d" TEXT, '
  .. 'FOREIGN KEY ("c", "d") REFERENCES "r" ("x", "y") ON DELETE NO ACTION, '
  .. 'CONSTRAINT "t_d_foreign" FOREIGN KEY ("d") REFERENCES "s" ("z"))'

local function body(steps) return ddl.edit("t", T, steps).body end

-- { step, expected body, description }
local CASES = {
  { { op = "drop_foreign", name = "t_a_foreign", columns = { "a" } },
    '"id" INTEGER CONSTRAINT "t_pk" PRIMARY KEY, "a" INTEGER NOT NULL, '
      .. '"b" INTEGER CONSTRAINT "t_b_fk" REFERENCES "q" ON DELETE SET NULL DEFAULT 0, "c" TEXT, "d" TEXT, '
      .. 'FOREIGN KEY ("c", "d") REFERENCES "r" ("x", "y") ON DELETE NO ACTION, '
      .. 'CONSTRAINT "t_d_foreign" FOREIGN KEY ("d") REFERENCES "s" ("z")',
    "by columns: an unnamed column REFERENCES, its whole clause, what follows it stays" },
  { { op = "drop_foreign", name = "T_B_FK" },
    '"id" INTEGER CONSTRAINT "t_pk" PRIMARY KEY, '
      .. A_DEF .. ', '
      .. '"b" INTEGER DEFAULT 0, "c" TEXT, "d" TEXT, '
      .. 'FOREIGN KEY ("c", "d") REFERENCES "r" ("x", "y") ON DELETE NO ACTION, '
      .. 'CONSTRAINT "t_d_foreign" FOREIGN KEY ("d") REFERENCES "s" ("z")',
    "by name, any case: a named column REFERENCES without parent columns" },
  { { op = "drop_foreign", name = "t_c_d_foreign", columns = { "C", "d" } },
    '"id" INTEGER CONSTRAINT "t_pk" PRIMARY KEY, '
      .. A_DEF .. ', '
      .. '"b" INTEGER CONSTRAINT "t_b_fk" REFERENCES "q" ON DELETE SET NULL DEFAULT 0, "c" TEXT, "d" TEXT, '
      .. 'CONSTRAINT "t_d_foreign" FOREIGN KEY ("d") REFERENCES "s" ("z")',
    "by columns: an unnamed table constraint over two columns" },
  { { op = "drop_foreign", name = "t_d_foreign", columns = { "d" } },
    '"id" INTEGER CONSTRAINT "t_pk" PRIMARY KEY, '
      .. A_DEF .. ', '
      .. '"b" INTEGER CONSTRAINT "t_b_fk" REFERENCES "q" ON DELETE SET NULL DEFAULT 0, "c" TEXT, "d" TEXT, '
      .. 'FOREIGN KEY ("c", "d") REFERENCES "r" ("x", "y") ON DELETE NO ACTION',
    "by columns: the key on (d) only, not the one on (c, d)" },
  { { op = "drop_primary", name = "t_pk", columns = { "id" } },
    '"id" INTEGER, '
      .. A_DEF .. ', '
      .. '"b" INTEGER CONSTRAINT "t_b_fk" REFERENCES "q" ON DELETE SET NULL DEFAULT 0, "c" TEXT, "d" TEXT, '
      .. 'FOREIGN KEY ("c", "d") REFERENCES "r" ("x", "y") ON DELETE NO ACTION, '
      .. 'CONSTRAINT "t_d_foreign" FOREIGN KEY ("d") REFERENCES "s" ("z")',
    "drop_primary: a named column PRIMARY KEY, its name with it" },
}

describe("sqlite ddl.edit of keys", function()
  for _, case in ipairs(CASES) do
    it(case[3], function() assert.equals(case[2], body({ case[1] })) end)
  end

  it("drops a named table-level primary key given its columns", function()
    local new = ddl.edit("k", 'CREATE TABLE "k" ("a" INT, "b" INT, CONSTRAINT "k_pk" PRIMARY KEY ("a", "b"))',
      { { op = "drop_primary", columns = { "a", "b" } } })
    assert.equals('"a" INT, "b" INT', new.body)
  end)

  for _, case in ipairs {
    { { op = "drop_foreign", name = "t_a_foreign" }, "no foreign key named t_a_foreign" },
    { { op = "drop_foreign", name = "t_id_foreign", columns = { "id" } }, "no foreign key on (id)" },
    { { op = "drop_foreign", name = "t_c_foreign", columns = { "c" } }, "no foreign key on (c)" },
    { { op = "drop_primary", name = "other" }, "its primary key is named t_pk, not other" },
    { { op = "drop_primary", columns = { "a" } }, "its primary key is on (id), not on (a)" },
  } do
    it("refuses: " .. case[2], function()
      local ok, err = pcall(ddl.edit, "t", T, { case[1] })
      assert.is_false(ok)
      assert.equals("rebuilding table t: " .. case[2], err.message)
    end)
  end

  it("rename_index: the CREATE INDEX under the new name, the rest as it was", function()
    for sql, want in pairs {
      ['CREATE INDEX "a" ON "t" ("x")'] = 'CREATE INDEX "b" ON "t" ("x")',
      ['CREATE UNIQUE INDEX IF NOT EXISTS main."a" ON t (lower(x)) WHERE x > 0'] =
        'CREATE UNIQUE INDEX IF NOT EXISTS "b" ON t (lower(x)) WHERE x > 0',
      ["create index a on t(x)"] = 'create index "b" on t(x)',
    } do
      assert.equals(want, ddl.rename_index(sql, '"b"'))
    end
    assert.is_nil(ddl.rename_index("CREATE TABLE t (x)", '"b"'))
  end)
end)
