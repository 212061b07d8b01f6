-- spec/unit/describe_spec.lua: bp:describe(grammar?), everything a
-- blueprint holds as a plain Lua table (src/lm_describe.c), table-driven:
-- every column type, every modifier, every command kind and the table
-- options; seq orders columns and commands together; describe() consumes
-- nothing; with a grammar, each column's sql_type and sql_default.
local core = require("lmigrate.core")

local function described(mode, build)
  local t = core.blueprint("users", mode)
  build(t)
  return t:describe()
end

-- asserts that every key of 'want' is in 'got' with that value
local function has(want, got, what)
  for k, v in pairs(want) do
    assert.same(v, got[k], ("%s: field %s"):format(what, k))
  end
end

-- the fields every column has, with the values of a column no modifier touched
local PLAIN = {
  nullable = false, nullable_given = false, unsigned = false, auto_increment = false,
  primary = false, use_current = false, use_current_on_update = false, change = false,
  first = false, invisible = false, fixed = false, foreign_id = false,
}

-- { label, build(t), the columns it adds (fields each must have) }
local TYPES = {
  { "increments", function(t) t:increments("a") end,
    { { name = "a", type = "increments", auto_increment = true, unsigned = true } } },
  { "big_increments", function(t) t:big_increments("a") end,
    { { type = "big_increments", auto_increment = true, unsigned = true } } },
  { "tiny_increments", function(t) t:tiny_increments("a") end,
    { { type = "tiny_increments", auto_increment = true, unsigned = true } } },
  { "small_increments", function(t) t:small_increments("a") end,
    { { type = "small_increments", auto_increment = true, unsigned = true } } },
  { "medium_increments", function(t) t:medium_increments("a") end,
    { { type = "medium_increments", auto_increment = true, unsigned = true } } },
  { "integer_increments", function(t) t:integer_increments("a") end,
    { { type = "increments", auto_increment = true, unsigned = true } } },
  { "id", function(t) t:id() end,
    { { name = "id", type = "big_increments", auto_increment = true, unsigned = true } } },
  { "id(name)", function(t) t:id("key") end,
    { { name = "key", type = "big_increments", auto_increment = true, unsigned = true } } },
  { "integer", function(t) t:integer("a") end, { { type = "integer", auto_increment = false } } },
  { "integer(c, true)", function(t) t:integer("a", true) end,
    { { type = "increments", auto_increment = true, unsigned = false } } },
  { "integer(c, false, true)", function(t) t:integer("a", false, true) end,
    { { type = "integer", unsigned = true } } },
  { "big_integer", function(t) t:big_integer("a") end, { { type = "big_integer" } } },
  { "big_integer(c, true)", function(t) t:big_integer("a", true) end,
    { { type = "big_increments", auto_increment = true } } },
  { "small_integer", function(t) t:small_integer("a") end, { { type = "small_integer" } } },
  { "tiny_integer", function(t) t:tiny_integer("a") end, { { type = "tiny_integer" } } },
  { "medium_integer", function(t) t:medium_integer("a") end, { { type = "medium_integer" } } },
  { "unsigned_integer", function(t) t:unsigned_integer("a") end,
    { { type = "integer", unsigned = true } } },
  { "unsigned_big_integer", function(t) t:unsigned_big_integer("a") end,
    { { type = "big_integer", unsigned = true } } },
  { "unsigned_small_integer", function(t) t:unsigned_small_integer("a") end,
    { { type = "small_integer", unsigned = true } } },
  { "unsigned_tiny_integer", function(t) t:unsigned_tiny_integer("a") end,
    { { type = "tiny_integer", unsigned = true } } },
  { "unsigned_medium_integer", function(t) t:unsigned_medium_integer("a") end,
    { { type = "medium_integer", unsigned = true } } },
  { "unsigned(c)", function(t) t:unsigned("a") end, { { type = "integer", unsigned = true } } },
  { "unsigned_decimal", function(t) t:unsigned_decimal("a", 6, 1) end,
    { { type = "decimal", unsigned = true, total = 6, places = 1, precision = 6, scale = 1 } } },
  { "string", function(t) t:string("a") end, { { type = "string", length = 255 } } },
  { "string(c, n)", function(t) t:string("a", 40) end, { { type = "string", length = 40 } } },
  { "char", function(t) t:char("a") end, { { type = "char", length = 255 } } },
  { "char(c, n)", function(t) t:char("a", 2) end, { { type = "char", length = 2 } } },
  { "text", function(t) t:text("a") end, { { type = "text" } } },
  { "tiny_text", function(t) t:tiny_text("a") end, { { type = "tiny_text" } } },
  { "medium_text", function(t) t:medium_text("a") end, { { type = "medium_text" } } },
  { "long_text", function(t) t:long_text("a") end, { { type = "long_text" } } },
  { "boolean", function(t) t:boolean("a") end, { { type = "boolean" } } },
  { "decimal", function(t) t:decimal("a") end,
    { { type = "decimal", total = 8, places = 2, precision = 8, scale = 2 } } },
  { "decimal(c, t, p)", function(t) t:decimal("a", 12, 4) end,
    { { type = "decimal", total = 12, places = 4 } } },
  { "float", function(t) t:float("a") end, { { type = "float", precision = 53 } } },
  { "float(c, p)", function(t) t:float("a", 24) end, { { type = "float", precision = 24 } } },
  { "double", function(t) t:double("a") end, { { type = "double" } } },
  { "date", function(t) t:date("a") end, { { type = "date" } } },
  { "datetime", function(t) t:datetime("a") end, { { type = "datetime" } } },
  { "date_time(c, p)", function(t) t:date_time("a", 3) end, { { type = "datetime", precision = 3 } } },
  { "date_time_tz", function(t) t:date_time_tz("a") end, { { type = "date_time_tz" } } },
  { "datetime_tz", function(t) t:datetime_tz("a", 0) end, { { type = "date_time_tz", precision = 0 } } },
  { "time", function(t) t:time("a") end, { { type = "time" } } },
  { "time_tz", function(t) t:time_tz("a", 2) end, { { type = "time_tz", precision = 2 } } },
  { "timestamp", function(t) t:timestamp("a") end, { { type = "timestamp" } } },
  { "timestamp_tz", function(t) t:timestamp_tz("a") end, { { type = "timestamp_tz" } } },
  { "year", function(t) t:year("a") end, { { type = "year" } } },
  { "timestamps", function(t) t:timestamps() end, {
    { name = "created_at", type = "date_time_tz", nullable = true, use_current = true },
    { name = "updated_at", type = "date_time_tz", nullable = true, use_current = true } } },
  { "nullable_timestamps(p)", function(t) t:nullable_timestamps(2) end, {
    { name = "created_at", type = "date_time_tz", precision = 2, nullable = true, use_current = true },
    { name = "updated_at", type = "date_time_tz", precision = 2, nullable = true, use_current = true } } },
  { "timestamps_tz", function(t) t:timestamps_tz() end, {
    { name = "created_at", type = "timestamp_tz", nullable = true, use_current = true },
    { name = "updated_at", type = "timestamp_tz", nullable = true, use_current = true } } },
  { "nullable_timestamps_tz", function(t) t:nullable_timestamps_tz() end, {
    { type = "timestamp_tz", nullable = true, use_current = true },
    { type = "timestamp_tz", nullable = true, use_current = true } } },
  { "datetimes", function(t) t:datetimes() end, {
    { name = "created_at", type = "datetime", nullable = true, use_current = false },
    { name = "updated_at", type = "datetime", nullable = true, use_current = false } } },
  { "soft_deletes", function(t) t:soft_deletes() end,
    { { name = "deleted_at", type = "date_time_tz", nullable = true } } },
  { "soft_deletes(c, p)", function(t) t:soft_deletes("gone_at", 1) end,
    { { name = "gone_at", type = "date_time_tz", precision = 1, nullable = true } } },
  { "soft_deletes_tz", function(t) t:soft_deletes_tz() end,
    { { name = "deleted_at", type = "timestamp_tz", nullable = true } } },
  { "soft_deletes_datetime", function(t) t:soft_deletes_datetime() end,
    { { name = "deleted_at", type = "datetime", nullable = true } } },
  { "json", function(t) t:json("a") end, { { type = "json" } } },
  { "jsonb", function(t) t:jsonb("a") end, { { type = "jsonb" } } },
  { "uuid", function(t) t:uuid() end, { { name = "uuid", type = "uuid" } } },
  { "ulid", function(t) t:ulid() end, { { name = "ulid", type = "char", length = 26 } } },
  { "binary", function(t) t:binary("a") end, { { type = "binary", fixed = false } } },
  { "binary(c, n, true)", function(t) t:binary("a", 16, true) end,
    { { type = "binary", length = 16, fixed = true } } },
  { "enum", function(t) t:enum("a", { "x", "it's" }) end, { { type = "enum", values = { "x", "it's" } } } },
  { "set", function(t) t:set("a", { "r", "w" }) end, { { type = "set", values = { "r", "w" } } } },
  { "inet", function(t) t:inet("a") end, { { type = "inet" } } },
  { "ip_address", function(t) t:ip_address() end, { { name = "ip_address", type = "inet" } } },
  { "cidr", function(t) t:cidr("a") end, { { type = "cidr" } } },
  { "macaddr", function(t) t:macaddr("a") end, { { type = "macaddr" } } },
  { "mac_address", function(t) t:mac_address() end, { { name = "mac_address", type = "macaddr" } } },
  { "geometry", function(t) t:geometry("a") end, { { type = "geometry", srid = 0 } } },
  { "geometry(c, subtype, srid)", function(t) t:geometry("a", "Point", 4326) end,
    { { type = "geometry", subtype = "point", srid = 4326 } } },
  { "geography", function(t) t:geography("a", "polygon") end,
    { { type = "geography", subtype = "polygon", srid = 4326 } } },
  { "point", function(t) t:point("a") end, { { type = "geometry", subtype = "point", srid = 0 } } },
  { "vector", function(t) t:vector("a", 3) end, { { type = "vector", dimensions = 3 } } },
  { "vector()", function(t) t:vector("a") end, { { type = "vector", dimensions = nil } } },
  { "remember_token", function(t) t:remember_token() end,
    { { name = "remember_token", type = "string", length = 100, nullable = true } } },
  { "foreign_id", function(t) t:foreign_id("team_id") end,
    { { name = "team_id", type = "foreign_id", foreign_id = true } } },
  { "foreign_uuid", function(t) t:foreign_uuid("org_id") end, { { type = "uuid", foreign_id = true } } },
  { "foreign_ulid", function(t) t:foreign_ulid("org_id") end,
    { { type = "char", length = 26, foreign_id = true } } },
  { "foreign_id_for", function(t) t:foreign_id_for("User") end,
    { { name = "user_id", type = "foreign_id", foreign_id = true, ref_table = "users" } } },
  { "foreign_id_for(table, column)", function(t) t:foreign_id_for("categories", "cat") end,
    { { name = "cat", type = "foreign_id", foreign_id = true, ref_table = "categories" } } },
}

-- the morphs family: two columns, then the index over both
local MORPHS = {
  { "morphs", "big_integer", { unsigned = true }, false },
  { "nullable_morphs", "big_integer", { unsigned = true }, true },
  { "numeric_morphs", "big_integer", { unsigned = true }, false },
  { "nullable_numeric_morphs", "big_integer", { unsigned = true }, true },
  { "uuid_morphs", "uuid", {}, false },
  { "nullable_uuid_morphs", "uuid", {}, true },
  { "ulid_morphs", "char", { length = 26 }, false },
  { "nullable_ulid_morphs", "char", { length = 26 }, true },
}

describe("bp:describe(), columns", function()
  for _, case in ipairs(TYPES) do
    it(case[1], function()
      local d = described("create", case[2])
      assert.equals(#case[3], #d.columns)
      for i, want in ipairs(case[3]) do
        local got = d.columns[i]
        for k, v in pairs(PLAIN) do
          if want[k] == nil then assert.equals(v, got[k], case[1] .. ": " .. k) end
        end
        has(want, got, case[1])
        assert.equals("string", type(got.name))
        assert.equals("number", type(got.seq))
      end
      assert.same({}, d.commands)
    end)
  end

  for _, case in ipairs(MORPHS) do
    it(case[1], function()
      local d = described("create", function(t) t[case[1]](t, "taggable") end)
      assert.equals(2, #d.columns)
      has({ name = "taggable_type", type = "string", length = 255, nullable = case[4] },
        d.columns[1], case[1])
      local id = { name = "taggable_id", type = case[2], nullable = case[4] }
      for k, v in pairs(case[3]) do id[k] = v end
      has(id, d.columns[2], case[1])
      assert.equals(1, #d.commands)
      has({ kind = "index", name = "users_taggable_type_taggable_id_index",
            columns = { "taggable_type", "taggable_id" } }, d.commands[1], case[1])
    end)
  end

  it("morphs(name, index_name, after)", function()
    local d = described("alter", function(t) t:morphs("m", "m_ix", "email") end)
    assert.equals("email", d.columns[1].after)
    assert.equals("m_type", d.columns[2].after)
    assert.equals("m_ix", d.commands[1].name)
  end)
end)

-- { label, build(t) on an alter blueprint, the fields its last column has }
local MODIFIERS = {
  { "nullable()", function(t) t:string("a"):nullable() end, { nullable = true, nullable_given = true } },
  { "nullable(false)", function(t) t:string("a"):nullable():nullable(false) end,
    { nullable = false, nullable_given = true } },
  { "unsigned()", function(t) t:integer("a"):unsigned() end, { unsigned = true } },
  { "auto_increment()", function(t) t:integer("a"):auto_increment() end,
    { type = "increments", auto_increment = true } },
  { "from(n)", function(t) t:increments("a"):from(100) end,
    { from = 100, auto_increment = true, unsigned = true } },
  { "starting_value(n)", function(t) t:big_increments("a"):starting_value(7) end,
    { from = 7, auto_increment = true, unsigned = true } },
  { "use_current()", function(t) t:timestamp("a"):use_current() end, { use_current = true } },
  { "use_current_on_update()", function(t) t:timestamp("a"):use_current_on_update() end,
    { use_current_on_update = true } },
  { "charset()", function(t) t:string("a"):charset("utf8mb4") end, { charset = "utf8mb4" } },
  { "collation()", function(t) t:string("a"):collation("NOCASE") end, { collation = "NOCASE" } },
  { "first()", function(t) t:string("a"):first() end, { first = true } },
  { "invisible()", function(t) t:string("a"):invisible() end, { invisible = true } },
  { "stored_as()", function(t) t:integer("a"):stored_as("b * 2") end, { stored_as = "b * 2" } },
  { "stored_as(raw)", function(t) t:integer("a"):stored_as(core.raw("b + 1")) end, { stored_as = "b + 1" } },
  { "virtual_as()", function(t) t:integer("a"):virtual_as("b * 3") end,
    { virtual_as = "b * 3", stored_as = nil } },
  { "generated_as()", function(t) t:integer("a"):generated_as() end,
    { identity = { always = false } } },
  { "generated_as(options):always()", function(t) t:integer("a"):generated_as("START WITH 10"):always() end,
    { identity = { always = true, options = "START WITH 10" } } },
  { "default(string)", function(t) t:string("a"):default("it's") end,
    { default = { kind = "string", value = "it's" } } },
  { "default(integer)", function(t) t:integer("a"):default(-3) end,
    { default = { kind = "number", value = "-3" } } },
  { "default(float)", function(t) t:float("a"):default(2.0) end,
    { default = { kind = "number", value = "2.0" } } },
  { "default(true)", function(t) t:boolean("a"):default(true) end,
    { default = { kind = "boolean", value = "true" } } },
  { "default(false)", function(t) t:boolean("a"):default(false) end,
    { default = { kind = "boolean", value = "false" } } },
  { "default(nil)", function(t) t:string("a"):default(nil) end, { default = { kind = "null" } } },
  { "default(lmigrate.null)", function(t) t:string("a"):default(core.null) end,
    { default = { kind = "null" } } },
  { "default(raw)", function(t) t:date("a"):default(core.raw("(CURRENT_DATE)")) end,
    { default = { kind = "raw", value = "(CURRENT_DATE)" } } },
  { "use_current() after default()", function(t) t:timestamp("a"):default("x"):use_current() end,
    { use_current = true, default = nil } },
  { "unique()", function(t) t:string("a"):unique() end, { unique = "users_a_unique" } },
  { "unique(name)", function(t) t:string("a"):unique("a_uq") end, { unique = "a_uq" } },
  { "index()", function(t) t:string("a"):index() end, { index = "users_a_index", unique = nil } },
  { "index(name)", function(t) t:string("a"):index("a_ix") end, { index = "a_ix" } },
  { "primary()", function(t) t:string("a"):primary() end, { primary = true } },
  { "comment()", function(t) t:string("a"):comment("it's a note") end, { comment = "it's a note" } },
  { "after()", function(t) t:string("a"):after("email") end, { after = "email" } },
  { "change()", function(t) t:string("a", 50):change() end, { change = true, length = 50 } },
}

describe("bp:describe(), modifiers", function()
  for _, case in ipairs(MODIFIERS) do
    it(case[1], function()
      local d = described("alter", case[2])
      local got = d.columns[#d.columns]
      has(case[3], got, case[1])
      for k, v in pairs(PLAIN) do
        if case[3][k] == nil then
          assert.equals(v, got[k], case[1] .. ": " .. k)
        end
      end
    end)
  end
end)

-- the fields every command has, with the values of one nothing touched
local FLAGS = { deferrable = false, initially_deferred = false, initially_immediate = false,
                not_valid = false, nulls_not_distinct = false }

-- { label, mode, build(t), the commands it adds (fields each must have) }
local COMMANDS = {
  { "primary", "create", function(t) t:primary({ "a", "b" }) end,
    { { kind = "primary", columns = { "a", "b" }, name = nil } } },
  { "primary(cols, name, algorithm)", "create", function(t) t:primary("a", "pk", "hash") end,
    { { kind = "primary", columns = { "a" }, name = "pk", algorithm = "hash" } } },
  { "primary():deferrable()", "create", function(t) t:primary("a"):deferrable() end,
    { { kind = "primary", deferrable = true } } },
  { "unique", "create", function(t) t:unique({ "a", "b" }) end,
    { { kind = "unique", columns = { "a", "b" }, name = "users_a_b_unique" } } },
  { "unique(cols, name, algorithm)", "create", function(t) t:unique("a", "a_uq", "btree") end,
    { { kind = "unique", name = "a_uq", algorithm = "btree" } } },
  { "unique():nulls_not_distinct()", "create", function(t) t:unique("a"):nulls_not_distinct() end,
    { { kind = "unique", nulls_not_distinct = true } } },
  { "unique():initially_deferred()", "create", function(t) t:unique("a"):initially_deferred() end,
    { { kind = "unique", deferrable = true, initially_deferred = true } } },
  { "index", "create", function(t) t:index({ "b", "a" }) end,
    { { kind = "index", columns = { "b", "a" }, name = "users_b_a_index" } } },
  { "index(cols, name, algorithm)", "create", function(t) t:index("a", "a_ix", "gin") end,
    { { kind = "index", name = "a_ix", algorithm = "gin", where = nil } } },
  { "index(cols, { where, name, algorithm })", "create",
    function(t) t:index("a", { where = "a > 0", name = "pos", algorithm = "btree" }) end,
    { { kind = "index", columns = { "a" }, name = "pos", where = "a > 0", algorithm = "btree" } } },
  { "index():algorithm()", "create", function(t) t:index("a"):algorithm("hash") end,
    { { kind = "index", algorithm = "hash" } } },
  { "fulltext", "create", function(t) t:fulltext({ "a", "b" }) end,
    { { kind = "fulltext", columns = { "a", "b" }, name = "users_a_b_fulltext", language = nil } } },
  { "fulltext():language()", "create", function(t) t:fulltext("a", "ft"):language("german") end,
    { { kind = "fulltext", name = "ft", language = "german" } } },
  { "col:fulltext()", "create", function(t) t:text("a"):fulltext() end,
    { { kind = "fulltext", columns = { "a" }, name = "users_a_fulltext" } } },
  { "spatial_index", "create", function(t) t:spatial_index("g") end,
    { { kind = "spatial_index", columns = { "g" }, name = "users_g_spatialindex" } } },
  { "col:spatial_index(name)", "create", function(t) t:geometry("g"):spatial_index("g_sp") end,
    { { kind = "spatial_index", columns = { "g" }, name = "g_sp" } } },
  { "raw_index", "create", function(t) t:raw_index("lower(email)", "users_lower_email") end,
    { { kind = "raw_index", expr = "lower(email)", name = "users_lower_email", columns = nil } } },
  { "foreign", "create", function(t)
      t:foreign("team_id"):references("id"):on("teams"):on_delete("cascade"):on_update("set null")
    end,
    { { kind = "foreign", columns = { "team_id" }, name = "users_team_id_foreign", ref_table = "teams",
        ref_columns = { "id" }, on_delete = "cascade", on_update = "set null" } } },
  { "foreign(cols, name) of two columns", "create", function(t)
      t:foreign({ "a", "b" }, "ab_fk"):references({ "x", "y" }):on("p")
    end,
    { { kind = "foreign", columns = { "a", "b" }, name = "ab_fk", ref_columns = { "x", "y" },
        on_delete = nil, on_update = nil } } },
  { "add_foreign", "alter", function(t) t:add_foreign("code_ref.code.codes", "c_fk") end,
    { { kind = "foreign", columns = { "code_ref" }, ref_columns = { "code" }, ref_table = "codes",
        name = "c_fk" } } },
  { "constrained()", "create", function(t) t:foreign_id("user_id"):constrained() end,
    { { kind = "foreign", columns = { "user_id" }, ref_table = "users", ref_columns = { "id" },
        name = "users_user_id_foreign" } } },
  { "constrained(table, column, name)", "create",
    function(t) t:foreign_uuid("org"):constrained("orgs", "uuid", "org_fk") end,
    { { kind = "foreign", ref_table = "orgs", ref_columns = { "uuid" }, name = "org_fk" } } },
  { "col:references():on()", "create", function(t) t:integer("p"):references("id"):on("ps") end,
    { { kind = "foreign", columns = { "p" }, ref_columns = { "id" }, ref_table = "ps" } } },
  { "the shorthands of on_delete", "create", function(t)
      t:foreign("a"):references("id"):on("p"):cascade_on_delete()
      t:foreign("b"):references("id"):on("p"):restrict_on_delete()
      t:foreign("c"):references("id"):on("p"):null_on_delete()
      t:foreign("d"):references("id"):on("p"):no_action_on_delete()
    end,
    { { on_delete = "cascade" }, { on_delete = "restrict" }, { on_delete = "set null" },
      { on_delete = "no action" } } },
  { "the shorthands of on_update", "create", function(t)
      t:foreign("a"):references("id"):on("p"):cascade_on_update()
      t:foreign("b"):references("id"):on("p"):restrict_on_update()
      t:foreign("c"):references("id"):on("p"):null_on_update()
      t:foreign("d"):references("id"):on("p"):no_action_on_update():on_delete("SET DEFAULT")
    end,
    { { on_update = "cascade" }, { on_update = "restrict" }, { on_update = "set null" },
      { on_update = "no action", on_delete = "set default" } } },
  { "deferrable, initially_*, not_valid", "create", function(t)
      t:foreign("a"):references("id"):on("p"):deferrable()
      t:foreign("b"):references("id"):on("p"):deferrable():initially_deferred()
      t:foreign("c"):references("id"):on("p"):initially_immediate()
      t:foreign("d"):references("id"):on("p"):deferrable(false)
      t:foreign("e"):references("id"):on("p"):not_valid()
    end,
    { { deferrable = true }, { deferrable = true, initially_deferred = true },
      { deferrable = true, initially_immediate = true }, { deferrable = false },
      { not_valid = true } } },
  { "check", "create", function(t) t:check("a > 0") t:check("b < 9", "b_max") end,
    { { kind = "check", expr = "a > 0", name = nil, columns = nil },
      { kind = "check", expr = "b < 9", name = "b_max" } } },
  { "drop_column", "alter", function(t) t:drop_column("a", { "b", "c" }) end,
    { { kind = "drop_column", columns = { "a" } }, { kind = "drop_column", columns = { "b", "c" } } } },
  { "drop_timestamps", "alter", function(t) t:drop_timestamps() end,
    { { kind = "drop_column", columns = { "created_at", "updated_at" } } } },
  { "drop_timestamps_tz", "alter", function(t) t:drop_timestamps_tz() end,
    { { kind = "drop_column", columns = { "created_at", "updated_at" } } } },
  { "drop_remember_token", "alter", function(t) t:drop_remember_token() end,
    { { kind = "drop_column", columns = { "remember_token" } } } },
  { "drop_soft_deletes", "alter", function(t) t:drop_soft_deletes() end,
    { { kind = "drop_column", columns = { "deleted_at" } } } },
  { "drop_soft_deletes_tz(c)", "alter", function(t) t:drop_soft_deletes_tz("gone_at") end,
    { { kind = "drop_column", columns = { "gone_at" } } } },
  { "rename_column", "alter", function(t) t:rename_column("a", "b") end,
    { { kind = "rename_column", columns = { "a" }, to = "b" } } },
  { "drop_index(name)", "alter", function(t) t:drop_index("a_ix") end,
    { { kind = "drop_index", name = "a_ix", columns = nil } } },
  { "drop_index({cols})", "alter", function(t) t:drop_index({ "a", "b" }) end,
    { { kind = "drop_index", name = "users_a_b_index", columns = { "a", "b" } } } },
  { "drop_unique", "alter", function(t) t:drop_unique({ "a" }) end,
    { { kind = "drop_unique", name = "users_a_unique", columns = { "a" } } } },
  { "drop_fulltext", "alter", function(t) t:drop_fulltext("ft") end,
    { { kind = "drop_fulltext", name = "ft" } } },
  { "drop_spatial_index", "alter", function(t) t:drop_spatial_index({ "g" }) end,
    { { kind = "drop_spatial_index", name = "users_g_spatialindex" } } },
  { "drop_foreign(name)", "alter", function(t) t:drop_foreign("accounts_to_ugi") end,
    { { kind = "drop_foreign", name = "accounts_to_ugi" } } },
  { "drop_foreign({cols})", "alter", function(t) t:drop_foreign({ "team_id" }) end,
    { { kind = "drop_foreign", name = "users_team_id_foreign", columns = { "team_id" } } } },
  { "drop_primary()", "alter", function(t) t:drop_primary() end,
    { { kind = "drop_primary", name = nil, columns = nil } } },
  { "drop_primary(name)", "alter", function(t) t:drop_primary("users_pkey") end,
    { { kind = "drop_primary", name = "users_pkey" } } },
  { "drop_primary({cols})", "alter", function(t) t:drop_primary({ "a", "b" }) end,
    { { kind = "drop_primary", name = nil, columns = { "a", "b" } } } },
  { "drop_constrained_foreign_id", "alter", function(t) t:drop_constrained_foreign_id("team_id") end,
    { { kind = "drop_foreign", name = "users_team_id_foreign", columns = { "team_id" } },
      { kind = "drop_column", columns = { "team_id" } } } },
  { "drop_foreign_id_for", "alter", function(t) t:drop_foreign_id_for("User") end,
    { { kind = "drop_column", columns = { "user_id" } } } },
  { "drop_constrained_foreign_id_for", "alter",
    function(t) t:drop_constrained_foreign_id_for("teams", "owner_id") end,
    { { kind = "drop_foreign", name = "users_owner_id_foreign" },
      { kind = "drop_column", columns = { "owner_id" } } } },
  { "drop_morphs", "alter", function(t) t:drop_morphs("taggable") end,
    { { kind = "drop_index", name = "users_taggable_type_taggable_id_index" },
      { kind = "drop_column", columns = { "taggable_type", "taggable_id" } } } },
  { "rename_index", "alter", function(t) t:rename_index("old_ix", "new_ix") end,
    { { kind = "rename_index", name = "old_ix", to = "new_ix" } } },
  { "rename", "alter", function(t) t:rename("people") end, { { kind = "rename", to = "people" } } },
}

describe("bp:describe(), commands", function()
  for _, case in ipairs(COMMANDS) do
    it(case[1], function()
      local d = described(case[2], case[3])
      assert.equals(#case[4], #d.commands)
      for i, want in ipairs(case[4]) do
        local got = d.commands[i]
        for k, v in pairs(FLAGS) do
          if want[k] == nil then assert.equals(v, got[k], case[1] .. ": " .. k) end
        end
        has(want, got, case[1])
        assert.equals("number", type(got.seq))
      end
    end)
  end
end)

describe("bp:describe(), the table", function()
  it("has the table, its mode and its options", function()
    local d = described("create", function(t) t:string("a") end)
    has({ table = "users", mode = "create", temporary = false }, d, "plain")
    assert.is_nil(d.engine or d.charset or d.collation or d.comment)
    d = described("create_if_not_exists", function(t)
      t:string("a")
      t:engine("MyISAM")
      t:charset("utf8mb4")
      t:collation("utf8mb4_unicode_ci")
      t:comment("it's a table")
      t:temporary()
    end)
    has({ mode = "create_if_not_exists", temporary = true, engine = "MyISAM", charset = "utf8mb4",
          collation = "utf8mb4_unicode_ci", comment = "it's a table" }, d, "options")
    d = described("alter", function(t) t:inno_db() t:table_comment("c") end)
    has({ mode = "alter", engine = "InnoDB", comment = "c" }, d, "alter")
    assert.same({}, d.columns)
    assert.same({}, d.commands)
  end)

  it("orders columns and commands together by seq, as they were given", function()
    local d = described("alter", function(t)
      t:string("a")                  -- 0
      t:index("a")                   -- 1
      t:morphs("m")                  -- 2, 3, 4
      t:drop_column("old")           -- 5
      t:string("b"):unique()         -- 6
      t:foreign_id("u_id"):constrained()   -- 7, 8
    end)
    local order = {}
    for _, c in ipairs(d.columns) do order[#order + 1] = { c.seq, c.name } end
    for _, c in ipairs(d.commands) do order[#order + 1] = { c.seq, c.kind } end
    table.sort(order, function(x, y) return x[1] < y[1] end)
    local names = {}
    for i, o in ipairs(order) do
      assert.equals(i - 1, o[1])
      names[i] = o[2]
    end
    assert.same({ "a", "index", "m_type", "m_id", "index", "drop_column", "b", "u_id", "foreign" }, names)
  end)

  it("leaves out what remove_column() took out", function()
    local d = described("alter", function(t)
      t:string("a")
      t:text("description_html")
      t:string("b")
      t:remove_column("description_html")
    end)
    assert.equals(2, #d.columns)
    assert.same({ "a", "b" }, { d.columns[1].name, d.columns[2].name })
    assert.same({ 0, 2 }, { d.columns[1].seq, d.columns[2].seq })
  end)

  it("consumes nothing: to_sql works after it, and it works after to_sql", function()
    local g = core.grammar("sqlite")
    local t = core.blueprint("users", "create")
    t:id()
    t:string("email"):unique()
    local before = t:describe()
    local sql = t:to_sql(g)
    assert.equals(2, #sql)
    assert.same(before, t:describe())
    assert.same(before, t:describe(nil))
    local again = core.blueprint("users", "create")
    again:id()
    again:string("email"):unique()
    again:describe()
    assert.same(sql, again:to_sql(g))
  end)

  it("is plain data: no userdata, no metatables, a new table each call", function()
    local t = core.blueprint("users", "create")
    t:string("a"):default(core.raw("x"))
    t:index("a")
    local d = t:describe()
    local function plain(v)
      if type(v) == "table" then
        assert.is_nil(getmetatable(v))
        for k, x in pairs(v) do plain(k) plain(x) end
      else
        assert.is_true(type(v) == "string" or type(v) == "number" or type(v) == "boolean")
      end
    end
    plain(d)
    assert.are_not.equal(d, t:describe())
    d.columns[1].name = "changed"
    assert.equals("a", t:describe().columns[1].name)
  end)

  it("checks its arguments", function()
    local t = core.blueprint("users", "create")
    local ok, err = pcall(t.describe, t, "sqlite")
    assert.is_false(ok)
    assert.truthy(tostring(err):find("lmigrate.Grammar expected", 1, true), tostring(err))
    ok, err = pcall(t.describe, t, core.grammar("sqlite"), 1)
    assert.is_false(ok)
    assert.truthy(tostring(err):find("describe() takes at most 1 argument(s)", 1, true), tostring(err))
  end)
end)

describe("bp:describe(grammar)", function()
  local function cols(dialect, build)
    local t = core.blueprint("users", "create")
    build(t)
    local by = {}
    for _, c in ipairs(t:describe(core.grammar(dialect)).columns) do by[c.name] = c end
    return by
  end

  local function build(t)
    t:id()
    t:string("s", 40):default("it's")
    t:decimal("d", 10, 3):default(1.5)
    t:boolean("b"):default(true)
    t:timestamp("ts"):use_current()
    t:date("day"):use_current()
    t:string("n"):nullable():default(nil)
    t:enum("e", { "x", "y" })
    t:unsigned_integer("u")
    t:text("plain")
  end

  -- { dialect, column, sql_type, sql_default }
  for _, case in ipairs {
    { "sqlite", "id", "INTEGER", nil }, { "postgres", "id", "BIGSERIAL", nil },
    { "mysql", "id", "BIGINT", nil },
    { "sqlite", "s", "VARCHAR(40)", "'it''s'" }, { "mysql", "s", "VARCHAR(40)", "'it''s'" },
    { "postgres", "d", "DECIMAL(10, 3)", "1.5" },
    { "sqlite", "b", "BOOLEAN", "1" }, { "postgres", "b", "BOOLEAN", "TRUE" },
    { "mysql", "b", "TINYINT(1)", "1" },
    { "postgres", "ts", "TIMESTAMP(0)", "CURRENT_TIMESTAMP" },
    { "postgres", "day", "DATE", "CURRENT_DATE" },
    { "sqlite", "n", "VARCHAR(255)", "NULL" },
    { "postgres", "e", "VARCHAR(255)", nil }, { "mysql", "e", "ENUM('x','y')", nil },
    { "mysql", "u", "INT", nil }, { "postgres", "plain", "TEXT", nil },
  } do
    it(("%s: %s"):format(case[1], case[2]), function()
      local c = cols(case[1], build)[case[2]]
      assert.equals(case[3], c.sql_type)
      assert.equals(case[4], c.sql_default)
    end)
  end

  it("raises, as to_sql does, for a type the dialect does not have", function()
    local t = core.blueprint("users", "create")
    t:set("s", { "a" })
    local ok, err = pcall(t.describe, t, core.grammar("sqlite"))
    assert.is_false(ok)
    assert.truthy(tostring(err):find("set() is not supported on sqlite", 1, true), tostring(err))
    assert.equals("set", t:describe().columns[1].type)
  end)
end)
