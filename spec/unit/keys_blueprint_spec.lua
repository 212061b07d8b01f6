-- spec/unit/keys_blueprint_spec.lua: the blueprint's keys, indexes,
-- drops and table options seen from Lua, without a server: the handles
-- they return, the names they default to (Laravel's rule), and the clear
-- error of each bad argument, naming it.
local core = require("lmigrate.core")

local pg = core.grammar("postgres")

local function bp(mode, table_name)
  return core.blueprint(table_name or "users", mode or "create")
end

-- the SQL of fn on a blueprint of 'mode' (default alter), on PostgreSQL
local function sql(fn, mode, table_name)
  local t = bp(mode or "alter", table_name)
  fn(t)
  return t:to_sql(pg)
end

-- asserts that fn raises an error whose message contains 'msg' (plain)
local function raises(msg, fn)
  local ok, err = pcall(fn)
  assert.is_false(ok, "expected an error containing: " .. msg)
  err = tostring(err)
  assert(err:find(msg, 1, true), "expected '" .. msg .. "' in: " .. err)
end

describe("keys of the blueprint", function()
  it("returns an Index from each index method, and the same Index from its methods", function()
    local t = bp()
    t:string("a"); t:text("b")
    for _, ix in ipairs { t:primary("a"), t:unique("a"), t:index("a"), t:raw_index("lower(a)", "x") } do
      assert.matches("lmigrate.Index", tostring(ix))
    end
    local u = t:unique("a", "u")
    assert.equals(u, u:algorithm("btree"):deferrable():initially_immediate():nulls_not_distinct())
    local f = t:fulltext("b")
    assert.equals(f, f:language("simple"))
    assert.matches("lmigrate.Index", tostring(t:spatial_index("b")))
  end)

  it("returns the same Foreign from every method and shorthand", function()
    local f = bp():foreign("a")
    for _, m in ipairs { "cascade_on_delete", "restrict_on_delete", "null_on_delete",
                         "no_action_on_delete", "cascade_on_update", "restrict_on_update",
                         "null_on_update", "no_action_on_update", "deferrable",
                         "initially_immediate", "initially_deferred", "not_valid" } do
      assert.equals(f, f[m](f), m)
    end
  end)

  it("returns a Foreign from col:constrained() and col:references(), the Column from "
    .. "col:fulltext() and col:spatial_index()", function()
    local t = bp()
    assert.matches("lmigrate.Foreign", tostring(t:foreign_id("a_id"):constrained()))
    assert.matches("lmigrate.Foreign", tostring(t:integer("b_id"):references("id")))
    local c = t:text("c")
    assert.equals(c, c:fulltext():spatial_index("c_sp"))
  end)

  it("names indexes and keys as Laravel: <table>_<columns>_<kind>, lowercased, - and . as _", function()
    assert.same({
      'CREATE INDEX "my_posts_v2_title_author_index" ON "My-Posts.v2" ("Title", "Author")',
      'ALTER TABLE "My-Posts.v2" ADD CONSTRAINT "my_posts_v2_title_unique" UNIQUE ("Title")',
      'ALTER TABLE "My-Posts.v2" ADD CONSTRAINT "my_posts_v2_user_id_foreign" FOREIGN KEY '
        .. '("User_Id") REFERENCES "users" ("id")',
      'DROP INDEX "my_posts_v2_title_index"',
    }, sql(function(t)
      t:index({ "Title", "Author" }); t:unique("Title")
      t:foreign("User_Id"):references("id"):on("users")
      t:drop_index({ "Title" })
    end, "alter", "My-Posts.v2"))
  end)

  it("shortens a default name over 63 bytes, the same way each time, refuses a given one", function()
    local long = "a_rather_long_table_name_for_testing"
    local cols = { "first_very_long_column_name", "second_very_long_column_name" }
    local name = "a_rather_long_table_name_for_testing_first_very_long_c_ac18041c"
    assert.equals(63, #name)
    assert.same({
      ('ALTER TABLE "%s" ADD CONSTRAINT "%s" UNIQUE ("%s", "%s")'):format(long, name, cols[1], cols[2]),
      ('ALTER TABLE "%s" DROP CONSTRAINT "%s"'):format(long, name),
    }, sql(function(t) t:unique(cols); t:drop_unique(cols) end, "alter", long))
    -- a cut never splits a UTF-8 character
    local accented = sql(function(t) t:index(("é"):rep(30)) end, "alter", "tt")[1]
    assert.truthy(accented:find('"tt_' .. ("é"):rep(25) .. '_%x%x%x%x%x%x%x%x"'), accented)
    for dialect, msg in pairs {
      postgres = "identifier '" .. ("x"):rep(64) .. "' is longer than postgres allows (63 bytes)",
      mysql = "identifier '" .. ("x"):rep(65) .. "' is longer than mysql allows (64 characters)",
    } do
      local n = dialect == "postgres" and 64 or 65
      local t = bp("create")
      t:string("a"); t:index("a", ("x"):rep(n))
      raises(msg, function() t:to_sql(core.grammar(dialect)) end)
      local ok = pcall(function()
        local u = bp("create", ("é"):rep(n - 1)); u:string("a"); u:to_sql(core.grammar(dialect))
      end)
      assert.equals(dialect == "mysql", ok, dialect .. ": characters, not bytes, on mysql")
    end
  end)

  it("guesses constrained()'s table as Laravel: the plural of the name before _<column>", function()
    local keys = {}
    for _, s in ipairs(sql(function(t)
      t:foreign_id("user_id"):nullable():constrained()
      t:foreign_id("category_id"):nullable():constrained()
      t:foreign_uuid("box_uuid"):nullable():constrained(nil, "uuid")
      t:foreign_id("owner"):nullable():constrained(nil, nil, "fk")
    end, "alter", "posts")) do
      if s:find("CONSTRAINT", 1, true) then keys[#keys + 1] = s end
    end
    assert.same({
      'ALTER TABLE "posts" ADD CONSTRAINT "posts_user_id_foreign" FOREIGN KEY ("user_id") '
        .. 'REFERENCES "users" ("id")',
      'ALTER TABLE "posts" ADD CONSTRAINT "posts_category_id_foreign" FOREIGN KEY ("category_id") '
        .. 'REFERENCES "categories" ("id")',
      'ALTER TABLE "posts" ADD CONSTRAINT "posts_box_uuid_foreign" FOREIGN KEY ("box_uuid") '
        .. 'REFERENCES "boxes" ("uuid")',
      'ALTER TABLE "posts" ADD CONSTRAINT "fk" FOREIGN KEY ("owner") REFERENCES "owners" ("id")',
    }, keys)
  end)

  it("finds a model's foreign key column as Laravel's getForeignKey()", function()
    for model, col in pairs {
      User = "user_id", BlogPost = "blog_post_id", ["App\\Models\\User"] = "user_id",
      ["App.Models.Category"] = "category_id", users = "user_id", categories = "category_id",
      addresses = "address_id", boxes = "box_id", statuses = "status_id", status = "status_id",
      blog_posts = "blog_post_id", people = "person_id", children = "child_id",
    } do
      assert.same({ ('ALTER TABLE "users" DROP COLUMN "%s"'):format(col) },
        sql(function(t) t:drop_foreign_id_for(model) end), model)
    end
  end)

  it("drop_foreign: a string is always the constraint's name", function()
    assert.same({
      'ALTER TABLE "users" DROP CONSTRAINT "accounts_to_ugi"',
      'ALTER TABLE "users" DROP CONSTRAINT "team_id"',
      'ALTER TABLE "users" DROP CONSTRAINT "users_team_id_foreign"',
    }, sql(function(t)
      t:drop_foreign("accounts_to_ugi"); t:drop_foreign("team_id"); t:drop_foreign({ "team_id" })
    end))
  end)

  it("compiles rename() last, after what names the table", function()
    assert.same({
      'ALTER TABLE "users" ADD COLUMN "a" VARCHAR(255) NULL',
      'CREATE INDEX "users_a_index" ON "users" ("a")',
      'COMMENT ON TABLE "users" IS \'c\'',
      'ALTER TABLE "users" RENAME TO "people"',
      'DO $lmigrate$ DECLARE r record; BEGIN FOR r IN SELECT conrelid::regclass AS t, conname AS k '
        .. 'FROM pg_constraint WHERE conrelid = \'"people"\'::regclass AND contype = \'c\' AND '
        .. 'left(conname, length(\'users_\')) = \'users_\' AND right(conname, 9) = \'_unsigned\' '
        .. 'LOOP EXECUTE '
        .. 'format(\'ALTER TABLE %s RENAME CONSTRAINT %I TO %I\', r.t, r.k, \'people_\' || '
        .. 'substr(r.k, length(\'users_\') + 1)); END LOOP; END $lmigrate$',
    }, sql(function(t)
      t:rename("people"); t:string("a"):nullable(); t:index("a"); t:comment("c")
    end))
  end)
end)

describe("bad arguments", function()
  local CASES = {
    { "bad argument #2 to 'index' (index name or {where = ..., name = ..., algorithm = ...} "
      .. "expected, got number)", function(t) t:index("a", 5) end },
    { "bad argument #3 to 'index' (algorithm must be a word such as 'btree', 'hash' or 'gin', "
      .. "got 'b tree')", function(t) t:index("a", nil, "b tree") end },
    { "bad argument #2 to 'index' (unknown option 'wher')", function(t) t:index("a", { wher = "x" }) end },
    { "bad argument #2 to 'index' ({where = SQL text} expected, got table)",
      function(t) t:index("a", { where = {} }) end },
    { "bad argument #3 to 'index' (the algorithm goes in the options: {algorithm = ...})",
      function(t) t:index("a", { where = "x" }, "hash") end },
    { "bad argument #4 to 'unique' (unique() takes at most 3 argument(s))",
      function(t) t:unique("a", nil, nil, "x") end },
    { "bad argument #3 to 'fulltext' (fulltext() takes at most 2 argument(s))",
      function(t) t:fulltext("a", "n", "gin") end },
    { "bad argument #2 to 'primary' (index name expected, got number)", function(t) t:primary("a", 1) end },
    { "bad argument #1 to 'unique' (column name or list of column names expected, got number)",
      function(t) t:unique(5) end },
    { "bad argument #2 to 'raw_index' (index name expected, got no value)",
      function(t) t:raw_index("lower(a)") end },
    { "bad argument #1 to 'raw_index' (SQL expression expected, got nil)",
      function(t) t:raw_index(nil, "x") end },
    { "bad argument #1 to 'on_delete' (expected 'cascade', 'set null', 'restrict', 'no action' or "
      .. "'set default', got 'explode')", function(t) t:foreign("a"):on_delete("explode") end },
    { "bad argument #1 to 'cascade_on_delete' (cascade_on_delete() takes no arguments)",
      function(t) t:foreign("a"):cascade_on_delete(true) end },
    { "bad argument #1 to 'deferrable' (boolean expected, got string)",
      function(t) t:foreign("a"):deferrable("yes") end },
    { "bad argument #1 to 'on' (table name expected, got number)", function(t) t:foreign("a"):on(1) end },
    { "bad argument #1 to 'constrained' (table name expected, got number)",
      function(t) t:foreign_id("a_id"):constrained(5) end },
    { "bad argument #3 to 'constrained' (constraint name expected, got boolean)",
      function(t) t:foreign_id("a_id"):constrained("as", "id", true) end },
    { "bad argument #1 to 'references' (column name expected, got no value)",
      function(t) t:integer("a"):references() end },
    { "bad argument #1 to 'language' (language name expected, got number)",
      function(t) t:fulltext("a"):language(5) end },
    { "bad argument #1 to 'algorithm' (algorithm name expected, got nil)",
      function(t) t:index("a"):algorithm(nil) end },
    { "bad argument #1 to 'engine' (engine name expected, got number)", function(t) t:engine(5) end },
    { "bad argument #1 to 'comment' (string expected, got nil)", function(t) t:comment(nil) end },
    { "bad argument #1 to 'temporary' (temporary() takes no arguments)", function(t) t:temporary(true) end },
    { "constrained() needs a foreign_id(), foreign_uuid() or foreign_ulid() column; a is not one: "
      .. "use references()", function(t) t:integer("a"):constrained() end },
    { "language() is only for fulltext(), not unique()", function(t) t:unique("a"):language("x") end },
  }
  for _, case in ipairs(CASES) do
    it(case[1], function()
      local t = bp()
      raises(case[1], function() case[2](t) end)
    end)
  end

  local ALTER_CASES = {
    { "bad argument #1 to 'drop_foreign' (name or list of columns expected, got number)",
      function(t) t:drop_foreign(5) end },
    { "bad argument #1 to 'drop_index' (name or list of columns expected, got no value)",
      function(t) t:drop_index() end },
    { "bad argument #1 to 'drop_primary' (name, list of columns or nil expected, got number)",
      function(t) t:drop_primary(5) end },
    { "bad argument #2 to 'drop_unique' (drop_unique() takes at most 1 argument(s))",
      function(t) t:drop_unique("a", "b") end },
    { "bad argument #1 to 'drop_foreign_id_for' (model or table name expected, got no value)",
      function(t) t:drop_foreign_id_for() end },
    { "bad argument #2 to 'drop_foreign_id_for' (column name expected, got number)",
      function(t) t:drop_foreign_id_for("User", 5) end },
    { "bad argument #1 to 'drop_constrained_foreign_id' (column name expected, got table)",
      function(t) t:drop_constrained_foreign_id({ "a" }) end },
    { "bad argument #1 to 'drop_morphs' (morph name expected, got no value)",
      function(t) t:drop_morphs() end },
    { "bad argument #1 to 'drop_timestamps' (drop_timestamps() takes no arguments)",
      function(t) t:drop_timestamps("created_at") end },
    { "bad argument #2 to 'rename_index' (new index name expected, got no value)",
      function(t) t:rename_index("a") end },
    { "bad argument #1 to 'rename' (new table name expected, got number)", function(t) t:rename(1) end },
    { "rename() of 'users' was already given (to 'a')", function(t) t:rename("a"); t:rename("b") end },
    { "temporary() is only valid when creating a table (schema:create)", function(t) t:temporary() end },
  }
  for _, case in ipairs(ALTER_CASES) do
    it(case[1], function()
      local t = bp("alter")
      raises(case[1], function() case[2](t) end)
    end)
  end

  it("keeps every alter-only method out of a create blueprint", function()
    local t = bp()
    for _, m in ipairs { "drop_fulltext", "drop_spatial_index", "drop_constrained_foreign_id",
                         "drop_foreign_id_for", "drop_constrained_foreign_id_for", "drop_morphs",
                         "drop_remember_token", "drop_soft_deletes_tz", "drop_timestamps_tz",
                         "rename_index", "rename" } do
      raises(m .. "() is only valid when altering a table (schema:table)", function() t[m](t, "a") end)
    end
  end)
end)
