-- spec/grammar/query_dialect_spec.lua: the query builder's clauses each
-- dialect writes in its own words (where_date and its kin, where_like) and
-- JSON paths ("c->a->b", where_json_contains, where_json_length) and
-- Laravel's smaller helpers (where_any/all/none, first_or_fail, sole,
-- first_where, implode, lazy, chunk_by_id_desc, unless, tap), table-driven
-- as spec/grammar/query_spec.lua: each case's SQL exactly on every dialect,
-- then run on SQLite, PostgreSQL and MariaDB (spec/support/query.lua).
local core = require("lmigrate.core")
local h = require("spec.support.query")

local function ids(rows)
  local t = {}
  for i, r in ipairs(rows) do t[i] = h.text(r.id) end
  return table.concat(t, ",")
end

-- the table "events" on a real database; on the recorder, only its builder
local function events(db)
  if db.log then return db:table("events") end
  db:execute("DROP TABLE IF EXISTS events")   -- MariaDB's database lasts the run
  local t = core.blueprint("events", "create")
  t:increments("id")
  t:string("name")
  t:date_time("at")
  for _, s in ipairs(t:to_sql(db.grammar)) do db:execute(s) end
  db:table("events"):insert({
    { id = 1, name = "Alpha", at = "2024-03-05 10:30:00" },
    { id = 2, name = "alpha", at = "2024-03-17 23:59:59" },
    { id = 3, name = "b*t?", at = "2023-12-05 08:00:00" },
    { id = 4, name = "bat[1]", at = "2024-11-05 09:15:00" },
  })
  return db:table("events")
end

local DATES = {
  { "where_date, or_where_month",
    function(db)
      return ids(events(db):where_date("at", "2024-03-05"):or_where_month("at", 11):order_by("id"):get())
    end,
    sqlite = "SELECT * FROM \"events\" WHERE strftime('%Y-%m-%d', \"at\") = cast(? as text) "
      .. "OR strftime('%m', \"at\") = cast(? as text) ORDER BY \"id\" ASC",
    postgres = 'SELECT * FROM "events" WHERE "at"::date = ? OR extract(month from "at") = ? '
      .. 'ORDER BY "id" ASC',
    mysql = "SELECT * FROM `events` WHERE date(`at`) = ? OR month(`at`) = ? ORDER BY `id` ASC",
    values = { "2024-03-05", "11" }, value = "1,4" },
  { "where_day with two digits, where_year with an operator",
    function(db)
      return ids(events(db):where_day("at", 5):where_year("at", ">=", 2024):order_by("id"):get())
    end,
    sqlite = "SELECT * FROM \"events\" WHERE strftime('%d', \"at\") = cast(? as text) "
      .. "AND strftime('%Y', \"at\") >= cast(? as text) ORDER BY \"id\" ASC",
    postgres = 'SELECT * FROM "events" WHERE extract(day from "at") = ? AND extract(year from "at") >= ? '
      .. 'ORDER BY "id" ASC',
    mysql = "SELECT * FROM `events` WHERE day(`at`) = ? AND year(`at`) >= ? ORDER BY `id` ASC",
    values = { "05", 2024 }, value = "1,4" },
  { "where_time, or_where_date on a qualified column",
    function(db)
      return ids(events(db):where_time("events.at", ">", "10:00:00")
        :or_where_date("events.at", "<", "2024-01-01")
        :order_by("id"):get())
    end,
    postgres = 'SELECT * FROM "events" WHERE "events"."at"::time > ? OR "events"."at"::date < ? '
      .. 'ORDER BY "id" ASC',
    mysql = "SELECT * FROM `events` WHERE time(`events`.`at`) > ? OR date(`events`.`at`) < ? "
      .. "ORDER BY `id` ASC",
    values = { "10:00:00", "2024-01-01" }, value = "1,2,3" },
}

local LIKES = {
  { "where_like without case, or_where_like",
    function(db)
      return ids(events(db):where_like("name", "al%"):or_where_like("name", "b_t?"):order_by("id"):get())
    end,
    sql = 'SELECT * FROM "events" WHERE "name" LIKE ? OR "name" LIKE ? ORDER BY "id" ASC',
    postgres = 'SELECT * FROM "events" WHERE "name"::text ILIKE ? OR "name"::text ILIKE ? ORDER BY "id" ASC',
    values = { "al%", "b_t?" }, value = "1,2,3" },
  { "where_like with case: SQLite's GLOB with the pattern rewritten",
    function(db)
      return ids(events(db):where_like("name", "Al%", true):or_where_like("name", "b*t?", true):get())
    end,
    sqlite = 'SELECT * FROM "events" WHERE "name" GLOB ? OR "name" GLOB ?',
    postgres = 'SELECT * FROM "events" WHERE "name"::text LIKE ? OR "name"::text LIKE ?',
    mysql = "SELECT * FROM `events` WHERE `name` LIKE BINARY ? OR `name` LIKE BINARY ?",
    sqlite_values = { "Al*", "b[*]t[?]" }, values = { "Al%", "b*t?" }, value = "1,3" },
  { "where_not_like with case, a '[' and '_' in the pattern (bat[1] matches it)",
    function(db) return ids(events(db):where_not_like("name", "bat[_]%", true):order_by("id"):get()) end,
    sqlite = 'SELECT * FROM "events" WHERE "name" NOT GLOB ? ORDER BY "id" ASC',
    postgres = 'SELECT * FROM "events" WHERE "name"::text NOT LIKE ? ORDER BY "id" ASC',
    mysql = "SELECT * FROM `events` WHERE `name` NOT LIKE BINARY ? ORDER BY `id` ASC",
    sqlite_values = { "bat[[]?]*" }, values = { "bat[_]%" }, value = "1,2,3" },
}

-- the table "docs", a JSON column "o"; on the recorder, only its builder
local function docs(db)
  if db.log then return db:table("docs") end
  db:execute("DROP TABLE IF EXISTS docs")
  local t = core.blueprint("docs", "create")
  t:increments("id")
  t:json("o")
  for _, s in ipairs(t:to_sql(db.grammar)) do db:execute(s) end
  db:table("docs"):insert({
    { id = 1, o = '{"lang": "en", "on": true, "langs": ["en", "fr"], "n": {"a": [10, 20]}}' },
    { id = 2, o = '{"lang": "fr", "on": false, "langs": ["fr"], "n": {"a": [30]}}' },
    { id = 3, o = '{"lang": "de", "on": true, "langs": [], "n": {"a": []}}' },
  })
  return db:table("docs")
end

local function pairs_of(rows, k)
  local t = {}
  for i, r in ipairs(rows) do t[i] = h.text(r.id) .. ":" .. h.text(r[k]) end
  return table.concat(t, ",")
end

local JSON = {
  { "a path in select, where with a JSON boolean, order_by",
    function(db)
      local q = docs(db):select("id", "o->lang as lang"):where("o->on", true):order_by("o->lang")
      return pairs_of(q:get(), "lang")
    end,
    sqlite = 'SELECT "id", json_extract("o", \'$."lang"\') AS "lang" FROM "docs" '
      .. 'WHERE json_extract("o", \'$."on"\') = true ORDER BY json_extract("o", \'$."lang"\') ASC',
    postgres = 'SELECT "id", "o"->>\'lang\' AS "lang" FROM "docs" '
      .. 'WHERE ("o"->\'on\')::jsonb = \'true\'::jsonb '
      .. 'ORDER BY "o"->>\'lang\' ASC',
    mysql = "SELECT `id`, json_unquote(json_extract(`o`, '$.\"lang\"')) AS `lang` FROM `docs` "
      .. "WHERE json_extract(`o`, '$.\"on\"') = true "
      .. "ORDER BY json_unquote(json_extract(`o`, '$.\"lang\"')) ASC",
    values = {}, value = "3:de,1:en" },
  { "a path with an index, a number compared",
    function(db)
      return ids(docs(db):where("o->n->a[1]", 20):or_where("o->lang", "fr"):order_by("id"):get())
    end,
    sqlite = 'SELECT * FROM "docs" WHERE json_extract("o", \'$."n"."a"[1]\') = ? '
      .. 'OR json_extract("o", \'$."lang"\') = ? ORDER BY "id" ASC',
    postgres = 'SELECT * FROM "docs" WHERE "o"->\'n\'->\'a\'->>1 = ? OR "o"->>\'lang\' = ? ORDER BY "id" ASC',
    mysql = "SELECT * FROM `docs` WHERE json_unquote(json_extract(`o`, '$.\"n\".\"a\"[1]')) = ? "
      .. "OR json_unquote(json_extract(`o`, '$.\"lang\"')) = ? ORDER BY `id` ASC",
    values = { 20, "fr" }, value = "1,2" },
  { "where_json_contains, or_where_json_doesnt_contain",
    function(db)
      return ids(docs(db):where_json_contains("o->langs", "fr"):or_where_json_doesnt_contain("o->langs", "en")
        :order_by("id"):get())
    end,
    sqlite = 'SELECT * FROM "docs" WHERE exists (select 1 from json_each("o", \'$."langs"\') '
      .. 'where "json_each"."value" is ?) OR NOT exists (select 1 from json_each("o", \'$."langs"\') '
      .. 'where "json_each"."value" is ?) ORDER BY "id" ASC',
    postgres = 'SELECT * FROM "docs" WHERE ("o"->\'langs\')::jsonb @> ? OR NOT ("o"->\'langs\')::jsonb @> ? '
      .. 'ORDER BY "id" ASC',
    mysql = "SELECT * FROM `docs` WHERE json_contains(`o`, ?, '$.\"langs\"') "
      .. "OR NOT json_contains(`o`, ?, '$.\"langs\"') ORDER BY `id` ASC",
    sqlite_values = { "fr", "en" }, values = { '"fr"', '"en"' }, value = "1,2,3" },
  { "where_json_length, or_where_json_length",
    function(db)
      return ids(docs(db):where_json_length("o->langs", ">", 1):or_where_json_length("o->n->a", 0)
        :order_by("id"):get())
    end,
    sqlite = 'SELECT * FROM "docs" WHERE json_array_length("o", \'$."langs"\') > ? '
      .. 'OR json_array_length("o", \'$."n"."a"\') = ? ORDER BY "id" ASC',
    postgres = 'SELECT * FROM "docs" WHERE jsonb_array_length(("o"->\'langs\')::jsonb) > ? '
      .. 'OR jsonb_array_length(("o"->\'n\'->\'a\')::jsonb) = ? ORDER BY "id" ASC',
    mysql = "SELECT * FROM `docs` WHERE json_length(`o`, '$.\"langs\"') > ? "
      .. "OR json_length(`o`, '$.\"n\".\"a\"') = ? ORDER BY `id` ASC",
    values = { 1, 0 }, value = "1,3" },
  { "update() of JSON paths: values as JSON, several paths of a column in one assignment",
    function(db)
      local q = docs(db)
      q:clone():where("id", 1):update({ ["o->lang"] = "pt", ["o->n->a[0]"] = { 7, true }, ["o->on"] = false })
      return pairs_of(q:clone():select("id", "o->lang as v"):where("o->on", false):order_by("id"):get(), "v")
        .. " " .. q:clone():where("id", 1):where_json_contains("o->n->a", 20):count()
    end,
    sql = { 'UPDATE "docs" SET "o" = json_set("o", \'$."lang"\', json(?), \'$."n"."a"[0]\', json(?), '
              .. '\'$."on"\', json(?)) WHERE "id" = ?',
            'SELECT "id", json_extract("o", \'$."lang"\') AS "v" FROM "docs" '
              .. 'WHERE json_extract("o", \'$."on"\') = false ORDER BY "id" ASC',
            'SELECT COUNT(*) AS "aggregate" FROM "docs" WHERE "id" = ? AND exists (select 1 from '
              .. 'json_each("o", \'$."n"."a"\') where "json_each"."value" is ?)' },
    postgres = { 'UPDATE "docs" SET "o" = jsonb_set(jsonb_set(jsonb_set("o"::jsonb, \'{"lang"}\', ?), '
                   .. '\'{"n","a","0"}\', ?), \'{"on"}\', ?) WHERE "id" = ?',
                 'SELECT "id", "o"->>\'lang\' AS "v" FROM "docs" '
                   .. 'WHERE ("o"->\'on\')::jsonb = \'false\'::jsonb ORDER BY "id" ASC',
                 'SELECT COUNT(*) AS "aggregate" FROM "docs" '
                   .. 'WHERE "id" = ? AND ("o"->\'n\'->\'a\')::jsonb @> ?' },
    mysql = { "UPDATE `docs` SET `o` = json_set(`o`, '$.\"lang\"', json_extract(?, '$'), "
                .. "'$.\"n\".\"a\"[0]', json_extract(?, '$'), '$.\"on\"', json_extract(?, '$')) "
                .. "WHERE `id` = ?",
              "SELECT `id`, json_unquote(json_extract(`o`, '$.\"lang\"')) AS `v` FROM `docs` "
                .. "WHERE json_extract(`o`, '$.\"on\"') = false ORDER BY `id` ASC",
              "SELECT COUNT(*) AS `aggregate` FROM `docs` "
                .. "WHERE `id` = ? AND json_contains(`o`, ?, '$.\"n\".\"a\"')" },
    sqlite_values = { { '"pt"', "[7,true]", "false", 1 }, {}, { 1, 20 } },
    values = { { '"pt"', "[7,true]", "false", 1 }, {}, { 1, "20" } }, value = "1:pt,2:fr 1" },
}

-- Laravel's bitwise operators: PostgreSQL takes no integer for a
-- condition, so (c & ?)::bool there, as its PostgresGrammar
local BITWISE = {
  { "where with &, or_where with |",
    function(db)
      local q = events(db)
      return ids(q:where("id", "&", 1):or_where("id", "|", 4):where("id", ">", 1):order_by("id"):get())
    end,
    sqlite = 'SELECT * FROM "events" WHERE "id" & ? OR "id" | ? AND "id" > ? ORDER BY "id" ASC',
    postgres = 'SELECT * FROM "events" WHERE ("id" & ?)::bool OR ("id" | ?)::bool AND "id" > ? '
      .. 'ORDER BY "id" ASC',
    mysql = "SELECT * FROM `events` WHERE `id` & ? OR `id` | ? AND `id` > ? ORDER BY `id` ASC",
    values = { 1, 4, 1 }, value = "1,2,3,4" },
  { "where with << in a group",
    function(db)
      return ids(events(db):where(function(g) g:where("id", "<<", 2):where("id", ">", 2) end)
        :order_by("id"):get())
    end,
    sqlite = 'SELECT * FROM "events" WHERE ("id" << ? AND "id" > ?) ORDER BY "id" ASC',
    postgres = 'SELECT * FROM "events" WHERE (("id" << ?)::bool AND "id" > ?) ORDER BY "id" ASC',
    mysql = "SELECT * FROM `events` WHERE (`id` << ? AND `id` > ?) ORDER BY `id` ASC",
    values = { 2, 2 }, value = "3,4" },
}

local HELPERS = {
  { "join_sub, left_join_sub with a function",
    function(db)
      local best = db:table("songs"):select("album_id"):where("rating", 5)
      return ids(db:table("albums"):select("albums.id"):distinct()
        :join_sub(best, "b", "b.album_id", "=", "albums.id")
        :left_join_sub(function(q) q:from("songs"):where("plays", ">", 60) end, "p", function(j)
          j:on("p.id", "=", "albums.id")
        end):order_by("albums.id"):get())
    end,
    sql = 'SELECT DISTINCT "albums"."id" FROM "albums" '
      .. 'INNER JOIN (SELECT "album_id" FROM "songs" WHERE "rating" = ?) AS "b" '
      .. 'ON "b"."album_id" = "albums"."id" '
      .. 'LEFT JOIN (SELECT * FROM "songs" WHERE "plays" > ?) AS "p" '
      .. 'ON "p"."id" = "albums"."id" ORDER BY "albums"."id" ASC',
    values = { 5, 60 }, value = "1,2" },
  { "from_sub, from_raw with bindings",
    function(db)
      local n = db:table():from_sub(db:table("songs"):where("plays", 70), "s"):where("s.rating", 5):count()
      local m = db:table():from_raw("(SELECT ? AS x UNION SELECT ?) AS u", { 1, 2 })
        :where("x", ">", 1):count()
      return n .. " " .. m
    end,
    sql = { 'SELECT COUNT(*) AS "aggregate" FROM (SELECT * FROM "songs" WHERE "plays" = ?) AS "s" '
              .. 'WHERE "s"."rating" = ?',
            'SELECT COUNT(*) AS "aggregate" FROM (SELECT ? AS x UNION SELECT ?) AS u WHERE "x" > ?' },
    values = { { 70, 5 }, { 1, 2, 1 } }, value = "2 1" },
  { "where_between_columns, or_where_not_between_columns",
    function(db)
      return ids(db:table("songs"):where_between_columns("rating", { "album_id", "plays" })
        :or_where_not_between_columns("id", { "album_id", "rating" }):order_by("id"):get())
    end,
    sql = 'SELECT * FROM "songs" WHERE "rating" BETWEEN "album_id" AND "plays" '
      .. 'OR "id" NOT BETWEEN "album_id" AND "rating" ORDER BY "id" ASC',
    values = {}, value = "1,2,4,5" },   -- 5: NOT (5 >= NULL AND 5 <= 3) is true
  { "increment_each, decrement_each",
    function(db)
      db:table("songs"):where("id", 1):increment_each({ plays = 5, rating = -1 }, { title = "All" })
      return db:table("songs"):where("id", "<", 3):decrement_each({ plays = 10 })
    end,
    sql = { 'UPDATE "songs" SET "plays" = "plays" + ?, "rating" = "rating" + ?, "title" = ? WHERE "id" = ?',
            'UPDATE "songs" SET "plays" = "plays" - ? WHERE "id" < ?' },
    values = { { 5, -1, "All", 1 }, { 10, 3 } }, value = 2,
    after = { rows = { { id = 1, title = "All", plays = 25, rating = 3 }, { id = 2, plays = 60, rating = 5 },
                       { id = 3, plays = 10 }, { id = 4, plays = 70 }, { id = 5 } } } },
  { "find_or, exists_or, doesnt_exist_or",
    function(db)
      local q = db:table("songs")
      return table.concat({ q:find_or(9, function() return "none" end),
        q:find_or(2, { "title" }, function() end).title,
        tostring(q:clone():where("id", 9):exists_or(function() return "no row" end)),
        tostring(q:doesnt_exist_or(function() return "rows" end)) }, "|")
    end,
    value = "none|River|no row|rows" },
  { "where_any, or_where_all",
    function(db)
      return ids(db:table("songs"):where_any({ "plays", "rating" }, ">", 60)
        :or_where_all({ "plays", "rating" }, 3)
        :order_by("id"):get())
    end,
    sql = 'SELECT * FROM "songs" WHERE ("plays" > ? OR "rating" > ?) OR ("plays" = ? AND "rating" = ?) '
      .. 'ORDER BY "id" ASC',
    values = { 60, 60, 3, 3 }, value = "2,4" },
  { "where_none",
    function(db)
      return ids(db:table("songs"):where_none({ "plays", "rating" }, ">=", 5):order_by("id"):get())
    end,
    sql = 'SELECT * FROM "songs" WHERE NOT ("plays" >= ? OR "rating" >= ?) ORDER BY "id" ASC',
    values = { 5, 5 }, value = "" },
  { "first_or_fail, first_where, sole",
    function(db)
      local q = db:table("songs")
      local ok, err = pcall(function() return q:clone():where("id", 99):first_or_fail() end)
      local ok2, err2 = pcall(function() return q:clone():where("album_id", 1):sole() end)
      return table.concat({ q:clone():where("id", 2):first_or_fail().title,
        q:first_where("plays", "<", 20).title,
        q:clone():where("title", "Amelia"):sole().id, tostring(ok), err:match("query:first_or_fail: .*"),
        tostring(ok2), err2:match("query:sole: .*") }, "|")
    end,
    value = "River|Coyote|4|false|query:first_or_fail: no row matches the query|false|"
      .. "query:sole: more than one row matches the query" },
  { "implode, NULL as ''",
    function(db) return db:table("songs"):order_by("id"):implode("plays", ",") end,
    value = "30,70,10,70," },
  { "lazy by the query's order, chunk_by_id_desc",
    function(db)
      local seen = {}
      for row in db:table("songs"):order_by("title"):lazy(2) do seen[#seen + 1] = h.text(row.id) end
      db:table("songs"):where("id", "<", 5):chunk_by_id_desc(3, function(rows)
        seen[#seen + 1] = ids(rows)
      end)
      return table.concat(seen, " ")
    end,
    value = "1 4 3 2 5 4,3,2 1" },
  { "unless, tap",
    function(db)
      local tapped
      local q = db:table("songs"):unless(false, function(q) q:where("plays", 70) end)
        :unless(true, function(q) q:where("id", 0) end, function(q) q:order_by("id", "desc") end)
        :tap(function(q) tapped = q:to_sql() end)
      return ids(q:get()) .. " " .. tapped
    end,
    sql = 'SELECT * FROM "songs" WHERE "plays" = ? ORDER BY "id" DESC', values = { 70 },
    value = '4,2 SELECT * FROM "songs" WHERE "plays" = ? ORDER BY "id" DESC',
    mysql_value = "4,2 SELECT * FROM `songs` WHERE `plays` = ? ORDER BY `id` DESC" },
}

for _, dialect in ipairs({ "sqlite", "postgres", "mysql" }) do
  describe("query builder, the dialects' own clauses [#" .. dialect .. "]", function()
    describe("dates", function() h.cases(DATES, dialect) end)
    describe("like", function() h.cases(LIKES, dialect) end)
    describe("helpers", function() h.cases(HELPERS, dialect) end)
    describe("bitwise", function() h.cases(BITWISE, dialect) end)
    describe("json", function() h.cases(JSON, dialect) end)
  end)
end

describe("query builder, the dialects' own clauses: bad calls", function()
  local db = h.recorder("sqlite")
  local THIS = debug.getinfo(1, "S").short_src
  local function t() return db:table("t") end
  local BAD = {
    { "query:where_date: expects a value after the column", function() t():where_date("at") end },
    { "query:or_where_day: unknown operator '=='", function() t():or_where_day("at", "==", 1) end },
    { "query:where_year: the value is nil", function() t():where_year("at", "=", nil) end },
    { "query:where_like: expects case_sensitive to be a boolean, got string",
      function() t():where_like("a", "x", "yes") end },
    { "query:where_not_like: expects a column name", function() t():where_not_like(4, "x") end },
    { "query:where_any: expects a list of columns, got string", function() t():where_any("a", 1) end },
    { "query:or_where_none: expects a column name", function() t():or_where_none({ "a", 5 }, 1) end },
    { "query:implode: expects the glue to be a string, got number", function() t():implode("a", 1) end },
    { "query:lazy: needs an order_by", function() t():lazy() end },
    { "query:chunk_by_id_desc: expects a function", function() t():chunk_by_id_desc(2, 3) end },
    { "query:where_json_contains: takes one value (string, number or boolean) on SQLite, got table",
      function() t():where_json_contains("o->a", { 1 }) end },
    { "query:where_json_length: expects a length after the column",
      function() t():where_json_length("o") end },
    { "query:get: a JSON path's key must not contain quotes", function() t():where("o->a'b", 1):get() end },
    { "query:update: update() sets 'o' and a JSON path in it",
      function() t():update({ o = "{}", ["o->a"] = 1 }) end },
    { "query:increment: 'o->a' is a JSON path: it cannot be stepped", function() t():increment("o->a") end },
    { "query:from_sub: a subquery needs an alias (string), got nil", function() t():from_sub(t()) end },
    { "query:from_raw: expects SQL text (string), got number", function() t():from_raw(5) end },
    { "query:from_raw: binding 1 is a function", function() t():from_raw("x", { print }) end },
    { "query:join_sub: a subquery needs an alias", function() t():join_sub(t(), nil, "a", "b") end },
    { "query:left_join_sub: expects the columns to join on", function() t():left_join_sub(t(), "s") end },
    { "query:where_between_columns: expects a list { low_column, high_column }, got string",
      function() t():where_between_columns("a", "b") end },
    { "query:where_not_between_columns: expects a column name",
      function() t():where_not_between_columns("a", { "b", 3 }) end },
    { "query:increment_each: the amount of 'a' is not a number",
      function() t():increment_each({ a = "1" }) end },
    { "query:decrement_each: expects the columns to step", function() t():decrement_each({}) end },
    { "query:find_or: expects a function, got nil", function() t():find_or(1) end },
    { "query:exists_or: expects a function, got string", function() t():exists_or("x") end },
    { "query:insert_or_ignore: 'o->a' is a JSON path",
      function() t():insert_or_ignore({ { ["o->a"] = 1 } }) end },
  }

  it("raise at the user's line, naming the method", function()
    for _, b in ipairs(BAD) do
      local ok, err = pcall(b[2])
      assert.is_false(ok)
      assert.truthy(err:find(b[1], 1, true), err)
      local line = debug.getinfo(b[2], "S").linedefined
      assert.truthy(err:find(THIS .. ":" .. line .. ":", 1, true), "not at line " .. line .. ": " .. err)
    end
  end)
end)
