-- The conformance of keys and indexes, on real SQLite, PostgreSQL and
-- MariaDB (spec/support/keys.lua): each method runs on the server, then
-- the server's own catalog is asked what it made, against what Laravel
-- documents (names, columns, uniqueness, access method, referential
-- actions); every drop runs on tables holding rows, with child rows
-- under ON DELETE CASCADE, and every row, key and index but the one
-- dropped survives. The exact SQL is spec/grammar/keys_<dialect>_spec.lua's.
local keys = require("spec.support.keys")

local BACKENDS = keys.backends("keys and indexes on a server")

-- {======================================================
-- The fixture: parents <- items <- children (ON DELETE CASCADE), tags
-- ======================================================

local function fixture(b)
  b:create("parents", function(t)
    t:id()
    t:string("code", 20):unique()
  end)
  b:create("items", function(t)
    t:id()
    t:foreign_id("parent_id"):constrained():cascade_on_delete()
    t:index("parent_id")
    t:string("name"):index()
    t:string("email"):unique()
    t:text("bio"):nullable()
    t:string("taggable_type"):nullable()
    t:unsigned_big_integer("taggable_id"):nullable()
    t:index({ "taggable_type", "taggable_id" })
    t:unsigned_big_integer("owner_id"):nullable()
    t:string("remember_token", 100):nullable()
    t:date("created_at"):nullable()
    t:date("updated_at"):nullable()
    t:date("deleted_at"):nullable()
  end)
  b:create("children", function(t)
    t:id()
    t:foreign_id("item_id"):constrained():cascade_on_delete()
  end)
  b:create("tags", function(t)
    t:integer("id"):primary()
    t:string("label")
  end)
  b:script {
    "INSERT INTO parents (id, code) VALUES (1, 'p1'), (2, 'p2')",
    "INSERT INTO items (id, parent_id, name, email, taggable_type, taggable_id, owner_id) VALUES "
      .. "(1, 1, 'a', 'a@x', 'T', 1, 1), (2, 1, 'b', 'b@x', 'T', 2, 1), (3, 2, 'c', 'c@x', NULL, NULL, 2)",
    "INSERT INTO children (id, item_id) VALUES (1, 1), (2, 2), (3, 3)",
    "INSERT INTO tags (id, label) VALUES (1, 'x'), (2, 'y')",
  }
end

-- the primary key among indexes(t), whatever the dialect names it
local function primary(ixs)
  for _, ix in pairs(ixs) do
    if ix.primary then return ix end
  end
end

-- every field of 'want' is the same in 'got'
local function like(want, got, what)
  assert(got ~= nil, what .. ": missing")
  for k, v in pairs(want) do
    assert.same(v, got[k], what .. "." .. k)
  end
end

-- the outcome of an expected error, or of running fn
local function refused(fn)
  local ok, err = pcall(fn)
  if ok then return nil end
  return type(err) == "table" and tostring(err.message) or tostring(err)
end

-- }======================================================

-- {======================================================
-- The methods: { title, fn(b) making table t, expect = { indexes =
-- { name | "@primary" = fields }, foreign = { "cols" = fields },
-- absent = { index names } }, refuse = { dialect = error } }
-- ======================================================

local METHODS = {
  { "primary(cols)", function(b)
      b:create("t", function(t) t:string("a", 20); t:string("b", 20); t:primary({ "a", "b" }) end)
    end, expect = { indexes = { ["@primary"] = { columns = "a,b", unique = true } } } },
  { "unique(cols), its default name", function(b)
      b:create("t", function(t) t:string("a", 20); t:string("b", 20); t:unique({ "a", "b" }) end)
    end, expect = { indexes = { t_a_b_unique = { columns = "a,b", unique = true } } } },
  { "unique(col, name, 'btree')", function(b)
      b:create("t", function(t) t:string("a", 20); t:unique("a", "t_a_key", "btree") end)
    end, expect = { indexes = { t_a_key = { columns = "a", unique = true, method = "btree" } } } },
  { "index(cols), index(col, name, algorithm)", function(b)
      b:create("t", function(t)
        t:string("a", 20); t:string("b", 20); t:index({ "a", "b" }); t:index("b", "t_b_idx", "btree")
      end)
    end, expect = { indexes = { t_a_b_index = { columns = "a,b", unique = false },
                                t_b_idx = { columns = "b", method = "btree" } } } },
  { "index(col, name, 'hash')", function(b)
      b:create("t", function(t) t:string("a", 20); t:index("a", "t_a_hash", "hash") end)
    end, expect = { indexes = { t_a_hash = { columns = "a" } } },
    method = { postgres = "hash", mysql = "btree" },   -- InnoDB takes USING HASH, makes a BTREE
    refuse = { sqlite = "algorithm 'hash' of index() is not supported on sqlite" } },
  { "col:unique(), col:index(), col:primary() and their names", function(b)
      b:create("t", function(t)
        t:string("k", 20):primary(); t:string("a", 20):unique(); t:string("b", 20):index("t_b")
      end)
    end, expect = { indexes = { ["@primary"] = { columns = "k" },
                                t_a_unique = { columns = "a", unique = true },
                                t_b = { columns = "b", unique = false } } } },
  { "raw_index(expr, name)", function(b)
      b:create("t", function(t)
        t:string("a", 20)
        t:raw_index(b.name == "mysql" and "`a`(5)" or "lower(a)", "t_a_raw")
      end)
    end, expect = { indexes = { t_a_raw = { unique = false } } } },
  { "fulltext(cols):language(l), col:fulltext()", function(b)
      b:create("t", function(t)
        t:text("title"):fulltext(); t:text("body"); t:fulltext({ "title", "body" }):language("simple")
      end)
    end, expect = { indexes = { t_title_fulltext = {}, t_title_body_fulltext = { unique = false } } },
    method = { postgres = "gin", mysql = "fulltext" },
    refuse = { sqlite = "fulltext() is not supported on sqlite" } },
  { "spatial_index(col), col:spatial_index()", function(b)
      if b.name == "sqlite" then
        b:create("t", function(t) t:text("p"):spatial_index() end)
      end
      b:run(b.name == "mysql" and "CREATE TABLE t (p POINT NOT NULL, q POINT NOT NULL)"
        or "CREATE TABLE t (p point, q point)")
      b:alter("t", function(t) t:spatial_index("p"); t:spatial_index("q", "t_q_sp") end)
    end, expect = { indexes = { t_p_spatialindex = { columns = "p" }, t_q_sp = { columns = "q" } } },
    method = { postgres = "gist", mysql = "spatial" },
    refuse = { sqlite = "spatial_index() is not supported on sqlite" } },

  -- foreign keys: names, columns and every referential action as the catalog has them
  { "constrained():cascade_on_delete():cascade_on_update()", function(b)
      b:create("t", function(t)
        t:foreign_id("parent_id"):constrained():cascade_on_delete():cascade_on_update()
      end)
    end, expect = { foreign = { parent_id = { name = "t_parent_id_foreign", table = "parents", to = "id",
                                              on_delete = "CASCADE", on_update = "CASCADE" } } } },
  { "restrict_on_delete(), null_on_update()", function(b)
      b:create("t", function(t)
        t:foreign_id("parent_id"):nullable():constrained():restrict_on_delete():null_on_update()
      end)
    end, expect = { foreign = { parent_id = { on_delete = "RESTRICT", on_update = "SET NULL" } } } },
  { "null_on_delete(), no_action_on_update()", function(b)
      b:create("t", function(t)
        t:foreign_id("parent_id"):nullable():constrained():null_on_delete():no_action_on_update()
      end)
    end, expect = { foreign = { parent_id = { on_delete = "SET NULL", on_update = "NO ACTION" } } } },
  { "no_action_on_delete(), restrict_on_update(); on_delete(a)/on_update(a)", function(b)
      b:create("t", function(t)
        t:foreign_id("parent_id"):constrained():no_action_on_delete():restrict_on_update()
        t:foreign_id("other_id"):nullable():constrained("parents"):on_delete("set null"):on_update("cascade")
      end)
    end, expect = { foreign = { parent_id = { on_delete = "NO ACTION", on_update = "RESTRICT" },
                                other_id = { table = "parents", on_delete = "SET NULL",
                                             on_update = "CASCADE" } } } },
  { "constrained(table, column, index_name) names the constraint", function(b)
      b:create("t", function(t) t:foreign_id("owner"):constrained("parents", "id", "t_owner_fk") end)
    end, expect = { foreign = { owner = { name = "t_owner_fk", table = "parents", to = "id" } } } },
  { "foreign(col, name):references(col):on(table), col:references(), add_foreign()", function(b)
      b:create("t", function(t)
        t:string("code", 20); t:foreign("code", "t_code_fk"):references("code"):on("parents")
        t:foreign_id("p"):references("id"):on("parents")
        t:foreign_id("q"); t:add_foreign("q.id.parents")
      end)
    end, expect = { foreign = { code = { name = "t_code_fk", table = "parents", to = "code" },
                                p = { name = "t_p_foreign", to = "id" },
                                q = { name = "t_q_foreign", to = "id" } } } },
  { "deferrable():initially_deferred()", function(b)
      b:create("t", function(t)
        t:foreign_id("parent_id"):constrained():deferrable():initially_deferred()
        t:foreign_id("other_id"):constrained("parents"):deferrable()
      end)
    end, expect = { foreign = { parent_id = { deferrable = true, deferred = true },
                                other_id = { deferrable = true, deferred = false } } },
    refuse = { mysql = "deferrable() is not supported on mysql" } },
  { "not_valid(): existing rows are not checked", function(b)
      b:create("t", function(t) t:unsigned_big_integer("parent_id") end)
      b:run("INSERT INTO t (parent_id) VALUES (99)")
      b:alter("t", function(t) t:foreign("parent_id"):references("id"):on("parents"):not_valid() end)
    end, expect = { foreign = { parent_id = { name = "t_parent_id_foreign", valid = false } } },
    refuse = { sqlite = "not_valid() is not supported on sqlite",
               mysql = "not_valid() is not supported on mysql" } },
}

-- }======================================================

-- {======================================================
-- The drops: { title, fn(t), gone = { index names }, foreign = { cols
-- gone }, columns = { names gone } [, table = "items"] }
-- ======================================================

local DROPS = {
  { "drop_index(name)", function(t) t:drop_index("items_name_index") end, gone = { "items_name_index" } },
  { "drop_index({cols})", function(t) t:drop_index({ "taggable_type", "taggable_id" }) end,
    gone = { "items_taggable_type_taggable_id_index" } },
  { "drop_unique(name)", function(t) t:drop_unique("items_email_unique") end,
    gone = { "items_email_unique" } },
  { "drop_unique({cols})", function(t) t:drop_unique({ "email" }) end, gone = { "items_email_unique" } },
  { "drop_foreign(name)", function(t) t:drop_foreign("items_parent_id_foreign") end,
    foreign = { "parent_id" } },
  { "drop_foreign({cols})", function(t) t:drop_foreign({ "parent_id" }) end, foreign = { "parent_id" } },
  { "drop_constrained_foreign_id(col)", function(t) t:drop_constrained_foreign_id("parent_id") end,
    foreign = { "parent_id" }, gone = { "items_parent_id_index" }, columns = { "parent_id" } },
  { "drop_constrained_foreign_id_for(model)", function(t) t:drop_constrained_foreign_id_for("Parent") end,
    foreign = { "parent_id" }, gone = { "items_parent_id_index" }, columns = { "parent_id" } },
  { "drop_foreign_id_for(model): the column, as Laravel 12", function(t) t:drop_foreign_id_for("Owner") end,
    columns = { "owner_id" } },
  { "drop_morphs(name)", function(t) t:drop_morphs("taggable") end,
    gone = { "items_taggable_type_taggable_id_index" }, columns = { "taggable_type", "taggable_id" } },
  { "drop_remember_token()", function(t) t:drop_remember_token() end, columns = { "remember_token" } },
  { "drop_soft_deletes(), drop_soft_deletes_tz(col)", function(t)
      t:drop_soft_deletes(); t:drop_soft_deletes_tz("updated_at")
    end, columns = { "deleted_at", "updated_at" } },
  { "drop_timestamps()", function(t) t:drop_timestamps() end, columns = { "created_at", "updated_at" } },
  { "drop_timestamps_tz()", function(t) t:drop_timestamps_tz() end,
    columns = { "created_at", "updated_at" } },
  { "drop_column(cols) of an indexed column", function(t) t:drop_column({ "name", "bio" }) end,
    gone = { "items_name_index" }, columns = { "name", "bio" } },
  { "drop_primary() of a table no key references", function(t) t:drop_primary() end,
    table = "tags", gone = { "@primary" } },
  { "drop_primary({cols})", function(t) t:drop_primary({ "id" }) end, table = "tags", gone = { "@primary" } },
}

-- the names of indexes(t), the primary key as "@primary"
local function index_names(ixs)
  local out = {}
  for name, ix in pairs(ixs) do out[ix.primary and "@primary" or name] = ix.columns end
  return out
end

local function without(set, list)
  local out = {}
  for k, v in pairs(set) do out[k] = v end
  for _, k in ipairs(list or {}) do
    assert(out[k] ~= nil, "the fixture has no " .. k)
    out[k] = nil
  end
  return out
end

local function column_list(b, t)
  local out = {}
  for c in b:columns(t):gmatch("[^,]+") do out[c] = true end
  return out
end

-- }======================================================

for _, b in ipairs(BACKENDS) do
  describe("keys and indexes [#" .. b.name .. "]", function()
    before_each(function()
      b:reset()
      fixture(b)
    end)

    teardown(function() b:close() end)

    for _, case in ipairs(METHODS) do
      if case.refuse and case.refuse[b.name] then
        it(case[1] .. " is refused, clearly", function()
          local err = refused(function() case[2](b) end)
          assert.truthy(err and err:find(case.refuse[b.name], 1, true), tostring(err))
        end)
      else
        it(case[1], function()
          case[2](b)
          local ixs, fks = b:indexes("t"), b:foreign_keys("t")
          for name, want in pairs(case.expect.indexes or {}) do
            local got = name == "@primary" and primary(ixs) or ixs[name]
            like(want, got, "index " .. name)
            if case.method then assert.equals(case.method[b.name], got.method, name) end
          end
          for cols, want in pairs(case.expect.foreign or {}) do
            like(want, fks[cols], "foreign key " .. cols)
          end
        end)
      end
    end

    it("a foreign key's ON DELETE CASCADE deletes the child rows; RESTRICT refuses", function()
      b:create("t", function(t)
        t:foreign_id("parent_id"):constrained():cascade_on_delete()
        t:foreign_id("other_id"):nullable():constrained("parents"):null_on_delete()
      end)
      b:script { "INSERT INTO t (parent_id, other_id) VALUES (1, 2), (1, 2), (2, 1)",
                 "DELETE FROM parents WHERE id = 1" }
      assert.equals(1, b:count("t"))              -- (2, 1): other_id set NULL
      assert.equals(1, b:count("items"))          -- items of parent 1, and their children
      assert.equals(1, b:count("children"))
    end)

    it("rename_index(from, to): the same index under the new name", function()
      local before = b:indexes("items")
      b:alter("items", function(t)
        t:rename_index("items_name_index", "items_nm"); t:rename_index("items_email_unique", "items_mail")
      end)
      local after = b:indexes("items")
      assert.is_nil(after.items_name_index)
      assert.is_nil(after.items_email_unique)
      like({ columns = "name", unique = false }, after.items_nm, "items_nm")
      like({ columns = "email", unique = true }, after.items_mail, "items_mail")
      assert.equals(before.items_parent_id_index.columns, after.items_parent_id_index.columns)
      assert.equals(3, b:count("items"))
    end)

    -- BookStack's joint_permissions: primary(cols, 'joint_primary'), later
    -- dropPrimary(cols); PostgreSQL's unnamed key would be <table>_pkey
    it("drop_primary({cols}) and drop_primary() drop the key primary(cols, name) named", function()
      b:create("t", function(t) t:integer("a"); t:string("b", 20); t:primary({ "a", "b" }, "t_joint") end)
      b:script { "INSERT INTO t (a, b) VALUES (1, 'x')" }
      b:alter("t", function(t) t:drop_primary({ "a", "b" }) end)
      assert.is_nil(primary(b:indexes("t")))
      b:alter("t", function(t) t:primary({ "a", "b" }, "t_again") end)
      like({ columns = "a,b" }, primary(b:indexes("t")), "primary key")
      b:alter("t", function(t) t:drop_primary(); t:primary("a") end)
      like({ columns = "a" }, primary(b:indexes("t")), "the unnamed one added after")
      b:alter("t", function(t) t:drop_primary() end)
      assert.is_nil(primary(b:indexes("t")))
      assert.equals(1, b:count("t"))
    end)

    if b.name ~= "mysql" then
      it("rename_index keeps a partial index partial", function()
        b:alter("items", function(t)
          t:index("bio", { where = "bio IS NOT NULL", name = "items_bio_some" })
        end)
        b:alter("items", function(t) t:rename_index("items_bio_some", "items_bio_set") end)
        local def = b:query(b.name == "sqlite"
          and "SELECT sql AS d FROM sqlite_master WHERE name = 'items_bio_set'"
          or "SELECT indexdef AS d FROM pg_indexes WHERE indexname = 'items_bio_set'")[1].d
        assert.truthy(def:find("WHERE", 1, true), def)
      end)
    end

    it("rename(to) inside schema:table: the rows, keys and children follow", function()
      b:alter("items", function(t) t:rename("things"); t:string("nick"):nullable() end)
      assert.equals(3, b:count("things"))
      assert.truthy(column_list(b, "things").nick)
      assert.equals("things", b:foreign_keys("children").item_id.table)
      assert.equals("parents", b:foreign_keys("things").parent_id.table)
    end)

    it("temporary(): CREATE TEMPORARY TABLE", function()
      if b.name == "mysql" then
        -- a temporary table lives as long as its session: one client run
        local t = require("lmigrate.core").blueprint("tmp", "create")
        t:temporary(); t:integer("a")
        local sql = t:to_sql(b.grammar)
        sql[#sql + 1] = "INSERT INTO tmp (a) VALUES (7)"
        sql[#sql + 1] = "SELECT CONCAT('rows:', COUNT(*)) FROM tmp"
        sql[#sql + 1] = "SELECT CONCAT('tables:', COUNT(*)) FROM information_schema.TABLES "
          .. "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'tmp'"
        local out = b:script(sql)
        assert.truthy(out:find("rows:1", 1, true), out)
        assert.truthy(out:find("tables:0", 1, true), out)
        return
      end
      b:create("tmp", function(t) t:temporary(); t:integer("a"):index() end)
      assert.is_true(b:temporary("tmp"))
      assert.truthy(b:indexes("tmp").tmp_a_index)
    end)

    if b.table_info then
      it("comment(), and engine(), charset(), collation() where the dialect has them", function()
        b:create("opts", function(t)
          t:integer("a"); t:comment("the options"); t:engine("InnoDB"); t:charset("utf8mb4")
          t:collation("utf8mb4_bin")
        end)
        local info = b:table_info("opts")
        assert.equals("the options", info.comment)
        if b.name == "mysql" then
          assert.equals("InnoDB", info.engine)
          assert.equals("utf8mb4_bin", info.collation)
          b:alter("opts", function(t)
            t:charset("latin1"); t:collation("latin1_bin"); t:comment("changed")
          end)
          info = b:table_info("opts")
          assert.equals("latin1_bin", info.collation)
          assert.equals("changed", info.comment)
        end
      end)
    end

    describe("every drop on tables holding rows and child rows", function()
      for _, case in ipairs(DROPS) do
        it(case[1] .. " drops that alone", function()
          local tbl = case.table or "items"
          local ixs, fks, cols = index_names(b:indexes(tbl)), b:foreign_keys(tbl), column_list(b, tbl)
          b:alter(tbl, case[2])
          assert.same(without(ixs, case.gone), index_names(b:indexes(tbl)))
          local want = without(fks, case.foreign)
          local got = b:foreign_keys(tbl)
          assert.same(want, got)
          assert.same(without(cols, case.columns), column_list(b, tbl))
          assert.equals(2, b:count("parents"))
          assert.equals(3, b:count("items"))
          assert.equals(3, b:count("children"))
          assert.equals(2, b:count("tags"))
          -- the child's key still holds and still cascades
          assert.is_truthy(refused(function()
            b:run("INSERT INTO children (id, item_id) VALUES (9, 999)")
          end))
          b:run("DELETE FROM items WHERE id = 1")
          assert.equals(2, b:count("children"))
        end)
      end

      it("drop_foreign('a name') drops the constraint of that name, never another", function()
        local err = refused(function() b:alter("items", function(t) t:drop_foreign("parent_id") end) end)
        assert.is_truthy(err, "a string is a name: there is no key named parent_id")
        assert.truthy(b:foreign_keys("items").parent_id)
        assert.equals(3, b:count("items"))
      end)

      if b.name ~= "mysql" then
        it("drop_spatial_index and drop_fulltext: not on sqlite; on postgres, the index", function()
          if b.name == "sqlite" then
            local err = refused(function() b:alter("items", function(t) t:drop_fulltext({ "bio" }) end) end)
            assert.truthy(err:find("drop_fulltext() is not supported on sqlite", 1, true), err)
            return
          end
          b:alter("items", function(t) t:fulltext("bio") end)
          b:alter("items", function(t) t:drop_fulltext({ "bio" }) end)
          assert.is_nil(b:indexes("items").items_bio_fulltext)
        end)
      else
        it("drop_fulltext and drop_spatial_index", function()
          b:run("CREATE TABLE geo (p POINT NOT NULL, body TEXT, SPATIAL INDEX geo_p_spatialindex (p), "
            .. "FULLTEXT geo_body_fulltext (body))")
          b:run("INSERT INTO geo (p, body) VALUES (POINT(1, 2), 'x')")
          b:alter("geo", function(t) t:drop_spatial_index({ "p" }); t:drop_fulltext("geo_body_fulltext") end)
          assert.same({}, b:indexes("geo"))
          assert.equals(1, b:count("geo"))
        end)
      end
    end)
  end)
end
