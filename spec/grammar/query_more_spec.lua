-- spec/grammar/query_more_spec.lua: the query builder calls of Laravel 12
-- that came last (issue 12): where_full_text, update_from, the debugging
-- calls (dump, dd, dump_raw_sql, dd_raw_sql), update() with a subquery,
-- insert_or_ignore_using, the HAVING family, where_value_between,
-- where_json_contains_key, where_row_values, join_where, cross_join_sub,
-- raw_value, sole_value, explain, chunk_map, for_page_after_id,
-- lazy_by_id_desc and the rest, table-driven
-- as spec/grammar/query_spec.lua: each case's SQL exactly on every
-- dialect, then run on SQLite, PostgreSQL and MariaDB (spec/support/query.lua).
local core = require("lmigrate.core")
local h = require("spec.support.query")

local raw, NULL = core.raw, core.null

local function ids(rows)
  local t = {}
  for i, r in ipairs(rows) do t[i] = h.text(r.id) end
  return table.concat(t, ",")
end

-- {======================================================
-- where_full_text (PostgreSQL, MySQL; SQLite refuses the call)
-- ======================================================

local HOSTILE_TEXT = "' OR '1'='1 -- ? $1"

-- the table "posts" with full text indexes (MySQL's MATCH needs one on
-- exactly its columns); on the recorder, only its builder
local function posts(db)
  if db.log then return db:table("posts") end
  db:execute("DROP TABLE IF EXISTS posts")   -- MariaDB's database lasts the run
  local t = core.blueprint("posts", "create")
  t:increments("id")
  t:string("title")
  t:text("body")
  t:fulltext({ "title", "body" })
  t:fulltext({ "body" })
  t:fulltext({ "title" })
  for _, s in ipairs(t:to_sql(db.grammar)) do db:execute(s) end
  db:table("posts"):insert({
    { id = 1, title = "Lua migrations", body = "Writing database migrations in Lua" },
    { id = 2, title = "Laravel", body = "A PHP framework with migrations and seeders" },
    { id = 3, title = "Cooking", body = "A recipe for sourdough bread" },
    { id = 4, title = "it's ? hostile", body = HOSTILE_TEXT },
  })
  return db:table("posts")
end

local FT = { postgres = true, mysql = true }

local FULL_TEXT = {
  { "where_full_text on one column: natural language, plainto_tsquery",
    function(db) return ids(posts(db):where_full_text("body", "bread"):order_by("id"):get()) end,
    postgres = 'SELECT * FROM "posts" WHERE (to_tsvector(\'english\', "body")) @@ '
      .. 'plainto_tsquery(\'english\', ?) ORDER BY "id" ASC',
    mysql = "SELECT * FROM `posts` WHERE MATCH (`body`) AGAINST (? IN NATURAL LANGUAGE MODE) "
      .. "ORDER BY `id` ASC",
    values = { "bread" }, value = "3", only = FT },
  { "two columns, mode boolean: MySQL's BOOLEAN MODE; PostgreSQL's default (plain), as Laravel",
    function(db)
      return ids(posts(db):where_full_text({ "title", "body" }, "+migrations -laravel", { mode = "boolean" })
        :order_by("id"):get())
    end,
    postgres = 'SELECT * FROM "posts" WHERE (to_tsvector(\'english\', "title") || '
      .. 'to_tsvector(\'english\', "body")) @@ plainto_tsquery(\'english\', ?) ORDER BY "id" ASC',
    mysql = "SELECT * FROM `posts` WHERE MATCH (`title`, `body`) AGAINST (? IN BOOLEAN MODE) "
      .. "ORDER BY `id` ASC",
    values = { "+migrations -laravel" }, postgres_value = "2", mysql_value = "1", only = FT },
  { "mode phrase: phraseto_tsquery (MySQL: natural language)",
    function(db)
      return ids(posts(db):where_full_text("body", "database migrations", { mode = "phrase" })
        :order_by("id"):get())
    end,
    postgres = 'SELECT * FROM "posts" WHERE (to_tsvector(\'english\', "body")) @@ '
      .. 'phraseto_tsquery(\'english\', ?) ORDER BY "id" ASC',
    mysql = "SELECT * FROM `posts` WHERE MATCH (`body`) AGAINST (? IN NATURAL LANGUAGE MODE) "
      .. "ORDER BY `id` ASC",
    values = { "database migrations" }, postgres_value = "1", mysql_value = "1,2", only = FT },
  { "mode websearch with a language, or_where_full_text; expanded: WITH QUERY EXPANSION",
    function(db)
      return ids(posts(db):where("id", "<", 4)
        :where_full_text("body", '"database migrations" -php', { mode = "websearch", language = "simple" })
        :or_where_full_text("title", "cooking", { expanded = true })
        :order_by("id"):get())
    end,
    postgres = 'SELECT * FROM "posts" WHERE "id" < ? AND (to_tsvector(\'simple\', "body")) @@ '
      .. 'websearch_to_tsquery(\'simple\', ?) OR (to_tsvector(\'english\', "title")) @@ '
      .. 'plainto_tsquery(\'english\', ?) ORDER BY "id" ASC',
    mysql = "SELECT * FROM `posts` WHERE `id` < ? AND MATCH (`body`) AGAINST (? IN NATURAL LANGUAGE MODE) "
      .. "OR MATCH (`title`) AGAINST (? IN NATURAL LANGUAGE MODE WITH QUERY EXPANSION) ORDER BY `id` ASC",
    values = { 4, '"database migrations" -php', "cooking" }, postgres_value = "1,3", mysql_value = "1,2,3",
    only = FT },
  { "a hostile value is bound: PostgreSQL finds its words in the row holding it, MySQL none (too short)",
    function(db)
      local q = posts(db)
      local n = q:clone():where_full_text({ "title", "body" }, HOSTILE_TEXT):count()
      return n .. "/" .. q:count()
    end,
    postgres = { 'SELECT COUNT(*) AS "aggregate" FROM "posts" WHERE (to_tsvector(\'english\', "title") || '
      .. 'to_tsvector(\'english\', "body")) @@ plainto_tsquery(\'english\', ?)',
      'SELECT COUNT(*) AS "aggregate" FROM "posts"' },
    mysql = { "SELECT COUNT(*) AS `aggregate` FROM `posts` WHERE MATCH (`title`, `body`) "
      .. "AGAINST (? IN NATURAL LANGUAGE MODE)", "SELECT COUNT(*) AS `aggregate` FROM `posts`" },
    values = { { HOSTILE_TEXT }, {} }, postgres_value = "1/4", mysql_value = "0/4", only = FT },
  { "a hostile language is written as a literal: PostgreSQL refuses the configuration",
    function(db)
      local q = posts(db):where_full_text("body", "bread", { language = "en?'); DROP TABLE posts; --" })
      local ok = pcall(q.get, q)
      return ok and "ran" or "refused"
    end,
    postgres = 'SELECT * FROM "posts" WHERE (to_tsvector(\'en?\'\'); DROP TABLE posts; --\', "body")) @@ '
      .. 'plainto_tsquery(\'en?\'\'); DROP TABLE posts; --\', ?)',
    mysql = "SELECT * FROM `posts` WHERE MATCH (`body`) AGAINST (? IN NATURAL LANGUAGE MODE)",
    values = { "bread" }, postgres_value = "refused", mysql_value = "ran", only = FT },
}

-- }======================================================

-- {======================================================
-- update_from, update() with a subquery, insert_or_ignore_using
-- ======================================================

local WRITES = {
  { "update_from: a joined table's column in SET (Laravel's PostgreSQL UPDATE ... FROM)",
    function(db)
      return db:table("songs"):join("albums", "albums.id", "=", "songs.album_id")
        :where("albums.year", "<", 1975):update_from({ plays = raw("albums.year") })
    end,
    sql = 'UPDATE "songs" SET "plays" = albums.year FROM "albums" WHERE "albums"."year" < ? '
      .. 'AND "albums"."id" = "songs"."album_id"',
    mysql = "UPDATE `songs` INNER JOIN `albums` ON `albums`.`id` = `songs`.`album_id` "
      .. "SET `plays` = albums.year WHERE `albums`.`year` < ?",
    values = { 1975 }, value = 2,
    after = { rows = { { id = 1, plays = 1971 }, { id = 2, plays = 1971 }, { id = 3, plays = 10 },
                       { id = 4, plays = 70 }, { id = 5, plays = NULL } } } },
  { "update_from: an aliased join with a where, an or_where in the query: each group in parentheses",
    function(db)
      return db:table("songs")
        :join("albums as a", function(j) j:on("a.id", "songs.album_id"):where("a.name", "Hejira") end)
        :where("songs.plays", ">", 50):or_where("songs.rating", NULL):update_from({ rating = 1 })
    end,
    sql = 'UPDATE "songs" SET "rating" = ? FROM "albums" AS "a" WHERE ("songs"."plays" > ? OR '
      .. '"songs"."rating" IS NULL) AND "a"."id" = "songs"."album_id" AND "a"."name" = ?',
    mysql = "UPDATE `songs` INNER JOIN `albums` AS `a` ON `a`.`id` = `songs`.`album_id` AND `a`.`name` = ? "
      .. "SET `rating` = ? WHERE `songs`.`plays` > ? OR `songs`.`rating` IS NULL",
    values = { 1, 50, "Hejira" }, mysql_values = { "Hejira", 1, 50 }, value = 2,
    after = { rows = { { id = 1, rating = 4 }, { id = 2, rating = 5 }, { id = 3, rating = 1 },
                       { id = 4, rating = 1 }, { id = 5, rating = 3 } } } },
  { "update_from: a join on a subquery, its values after SET's",
    function(db)
      return db:table("songs")
        :join_sub(db:table("albums"):select("id", "year"):where("year", ">", 1972), "y", "y.id", "=",
                  "songs.album_id")
        :update_from({ plays = raw("y.year"), title = "late" })
    end,
    sql = 'UPDATE "songs" SET "plays" = y.year, "title" = ? FROM (SELECT "id", "year" FROM "albums" '
      .. 'WHERE "year" > ?) AS "y" WHERE "y"."id" = "songs"."album_id"',
    mysql = "UPDATE `songs` INNER JOIN (SELECT `id`, `year` FROM `albums` WHERE `year` > ?) AS `y` "
      .. "ON `y`.`id` = `songs`.`album_id` SET `plays` = y.year, `title` = ?",
    values = { "late", 1972 }, mysql_values = { 1972, "late" }, value = 2,
    after = { rows = { { id = 1, title = "All I Want", plays = 30 }, { id = 2, title = "River", plays = 70 },
                       { id = 3, title = "late", plays = 1976 }, { id = 4, title = "late", plays = 1976 },
                       { id = 5, title = "Urge for Going", plays = NULL } } } },
  { "update_from without joins is update()",
    function(db) return db:table("songs"):where("id", 1):update_from({ title = "x" }) end,
    sql = 'UPDATE "songs" SET "title" = ? WHERE "id" = ?', values = { "x", 1 }, value = 1 },
  { "update({ c = query }): c = (SELECT ...), its values in order",
    function(db)
      return db:table("albums"):where("id", "<", 9):update({
        name = raw("name"),
        year = db:table("songs"):select_raw("count(*)"):where_column("songs.album_id", "albums.id")
          :where("songs.title", "<>", "it's ?"),
      })
    end,
    sql = 'UPDATE "albums" SET "name" = name, "year" = (SELECT count(*) FROM "songs" WHERE '
      .. '"songs"."album_id" = "albums"."id" AND "songs"."title" <> ?) WHERE "id" < ?',
    values = { "it's ?", 9 }, value = 3,
    after = { table = "albums",
              rows = { { id = 1, year = 2 }, { id = 2, year = 2 }, { id = 3, year = 0 } } } },
  { "insert_or_ignore_using: the rows breaking a key skipped",
    function(db)
      return db:table("albums"):insert_or_ignore_using({ "id", "name", "year" },
        db:table("songs"):select("id", "title", "plays"):where_in("id", { 3, 4 }))
    end,
    sqlite = 'INSERT OR IGNORE INTO "albums" ("id", "name", "year") SELECT "id", "title", "plays" '
      .. 'FROM "songs" WHERE "id" IN (?, ?)',
    postgres = 'INSERT INTO "albums" ("id", "name", "year") SELECT "id", "title", "plays" FROM "songs" '
      .. 'WHERE "id" IN (?, ?) ON CONFLICT DO NOTHING',
    mysql = "INSERT IGNORE INTO `albums` (`id`, `name`, `year`) SELECT `id`, `title`, `plays` FROM `songs` "
      .. "WHERE `id` IN (?, ?)",
    values = { 3, 4 }, value = 1,
    after = { table = "albums", rows = { { id = 1, name = "Blue" }, { id = 2, name = "Hejira" },
                                         { id = 3, name = "Court and Spark" },
                                         { id = 4, name = "Amelia" } } } },
  { "update_or_insert with a function of whether the row exists",
    function(db)
      local q = db:table("songs")
      local function title(exists) return { title = tostring(exists) } end
      local a = q:clone():update_or_insert({ id = 1 }, title)
      local b = q:clone():update_or_insert({ id = 9 }, title)
      return tostring(a) .. " " .. tostring(b) .. " " .. table.concat(q:clone():where_in("id", { 1, 9 })
        :order_by("id"):pluck("title"), ",")
    end, value = "true true true,false" },
}

-- }======================================================

-- {======================================================
-- Clauses: HAVING, where_value_between, JSON keys, joins
-- ======================================================

local function jsons(db)
  if db.log then return db:table("docs") end
  db:execute("DROP TABLE IF EXISTS docs")
  local t = core.blueprint("docs", "create")
  t:increments("id")
  t:json("o"):nullable()
  for _, s in ipairs(t:to_sql(db.grammar)) do db:execute(s) end
  db:table("docs"):insert({
    { id = 1, o = '{"lang": "pt", "tags": ["a", "b"], "n": null}' },
    { id = 2, o = '{"lang": "en", "tags": []}' },
    { id = 3, o = '{"x": {"lang": "de"}}' },
    { id = 4, o = NULL },
  })
  return db:table("docs")
end

local CLAUSES = {
  { "having(fn): a group; having_null, or_having, having_not_between",
    function(db)
      return db:table("songs"):select("album_id"):select_raw("count(*) as n"):group_by("album_id")
        :having(function(q) q:having_null("album_id"):or_having("album_id", ">", 1) end)
        :having_not_between("album_id", { 5, 9 }):order_by("album_id"):get()
    end,
    sql = 'SELECT "album_id", count(*) as n FROM "songs" GROUP BY "album_id" HAVING ("album_id" IS NULL '
      .. 'OR "album_id" > ?) AND "album_id" NOT BETWEEN ? AND ? ORDER BY "album_id" ASC',
    values = { 1, 5, 9 }, rows = { { album_id = 2, n = 2 } } },
  { "having_not_null, or_having_between, or_having_not_between, or_having_null",
    function(db)
      local got = db:table("songs"):select("album_id"):group_by("album_id"):having_not_null("album_id")
        :or_having_between("album_id", { 7, 8 }):or_having_not_between("album_id", { 0, 9 })
        :or_having_null({ "album_id" }):pluck("album_id")
      for i, v in ipairs(got) do got[i] = h.text(v) end
      table.sort(got)
      return table.concat(got, ",")
    end,
    sql = 'SELECT "album_id" FROM "songs" GROUP BY "album_id" HAVING "album_id" IS NOT NULL OR "album_id" '
      .. 'BETWEEN ? AND ? OR "album_id" NOT BETWEEN ? AND ? OR "album_id" IS NULL',
    values = { 7, 8, 0, 9 }, value = "1,2,NULL" },
  { "where_value_between and its kin: a value between two columns",
    function(db)
      return ids(db:table("songs"):where_value_between(5, { "rating", "plays" })
        :or_where_value_not_between(20, { "rating", "plays" }):order_by("id"):get())
    end,
    sql = 'SELECT * FROM "songs" WHERE ? BETWEEN "rating" AND "plays" OR ? NOT BETWEEN "rating" AND "plays" '
      .. 'ORDER BY "id" ASC',
    values = { 5, 20 }, value = "1,2,3,4" },
  { "where_value_not_between, or_where_value_between",
    function(db)
      return ids(db:table("songs"):where_value_not_between(50, { "rating", "plays" })
        :or_where_value_between(3, { "rating", "rating" }):order_by("id"):get())
    end,
    sql = 'SELECT * FROM "songs" WHERE ? NOT BETWEEN "rating" AND "plays" OR ? BETWEEN "rating" AND "rating" '
      .. 'ORDER BY "id" ASC',
    values = { 50, 3 }, value = "1,3,5" },
  { "where_json_contains_key: a key, whatever its value (null too)",
    function(db)
      return ids(jsons(db):where_json_contains_key("o->n"):or_where_json_contains_key("o->x->lang")
        :order_by("id"):get())
    end,
    sqlite = 'SELECT * FROM "docs" WHERE json_type("o", \'$."n"\') is not null OR '
      .. 'json_type("o", \'$."x"."lang"\') is not null ORDER BY "id" ASC',
    postgres = 'SELECT * FROM "docs" WHERE coalesce(("o")::jsonb ?? \'n\', false) OR '
      .. 'coalesce(("o"->\'x\')::jsonb ?? \'lang\', false) ORDER BY "id" ASC',
    mysql = "SELECT * FROM `docs` WHERE ifnull(json_contains_path(`o`, 'one', '$.\"n\"'), 0) OR "
      .. "ifnull(json_contains_path(`o`, 'one', '$.\"x\".\"lang\"'), 0) ORDER BY `id` ASC",
    value = "1,3" },
  { "where_json_doesnt_contain_key, an index: o->tags[1], o->tags->0",
    function(db)
      return ids(jsons(db):where_json_doesnt_contain_key("o->tags[1]")
        :or_where_json_doesnt_contain_key("o->tags->0"):order_by("id"):get())
    end,
    sqlite = 'SELECT * FROM "docs" WHERE NOT json_type("o", \'$."tags"[1]\') is not null OR '
      .. 'NOT json_type("o", \'$."tags"."0"\') is not null ORDER BY "id" ASC',
    postgres = 'SELECT * FROM "docs" WHERE NOT case when jsonb_typeof(("o"->\'tags\')::jsonb) = \'array\' '
      .. 'then jsonb_array_length(("o"->\'tags\')::jsonb) >= 2 else false end OR NOT case when '
      .. 'jsonb_typeof(("o"->\'tags\')::jsonb) = \'array\' then jsonb_array_length(("o"->\'tags\')::jsonb) '
      .. '>= 1 else false end ORDER BY "id" ASC',
    mysql = "SELECT * FROM `docs` WHERE NOT ifnull(json_contains_path(`o`, 'one', '$.\"tags\"[1]'), 0) OR "
      .. "NOT ifnull(json_contains_path(`o`, 'one', '$.\"tags\".\"0\"'), 0) ORDER BY `id` ASC",
    -- "tags->0" is the key "0" on SQLite and MySQL (Laravel's path), an index on PostgreSQL
    sqlite_value = "1,2,3,4", mysql_value = "1,2,3,4", postgres_value = "2,3,4" },
  { "join_where: ON a value, bound; cross_join_sub",
    function(db)
      return db:table("songs"):join_where("albums", "albums.year", ">", 1975)
        :cross_join_sub(db:table("songs"):select_raw("max(plays) as top"):where("rating", ">=", 5), "m")
        :where_column("albums.id", "songs.album_id"):select("songs.id", "m.top"):order_by("songs.id"):get()
    end,
    sql = 'SELECT "songs"."id", "m"."top" FROM "songs" INNER JOIN "albums" ON "albums"."year" > ? '
      .. 'CROSS JOIN (SELECT max(plays) as top FROM "songs" WHERE "rating" >= ?) AS "m" '
      .. 'WHERE "albums"."id" = "songs"."album_id" ORDER BY "songs"."id" ASC',
    values = { 1975, 5 }, rows = { { id = 3, top = 70 }, { id = 4, top = 70 } } },
  { "left_join_where with '='",
    function(db)
      return db:table("songs"):left_join_where("albums", "albums.name", "Blue")
        :select("songs.id", "albums.name"):where("songs.id", "<", 3):order_by("songs.id"):get()
    end,
    sql = 'SELECT "songs"."id", "albums"."name" FROM "songs" LEFT JOIN "albums" ON "albums"."name" = ? '
      .. 'WHERE "songs"."id" < ? ORDER BY "songs"."id" ASC',
    values = { "Blue", 3 }, rows = { { id = 1, name = "Blue" }, { id = 2, name = "Blue" } } },
  { "where_row_values, or_where_row_values: a row value compared",
    function(db)
      return ids(db:table("songs"):where_row_values({ "album_id", "plays" }, ">", { 1, 50 })
        :or_where_row_values({ "id" }, "=", { 5 }):order_by("id"):get())
    end,
    sql = 'SELECT * FROM "songs" WHERE ("album_id", "plays") > (?, ?) OR ("id") = (?) ORDER BY "id" ASC',
    values = { 1, 50, 5 }, value = "2,3,4,5" },
  { "or_where_integer_in_raw, or_where_integer_not_in_raw",
    function(db)
      return ids(db:table("songs"):where("id", 1):or_where_integer_in_raw("id", { 3, 4 })
        :or_where_integer_not_in_raw("id", { 1, 2, 3, 4 }):order_by("id"):get())
    end,
    sql = 'SELECT * FROM "songs" WHERE "id" = ? OR "id" IN (3, 4) OR "id" NOT IN (1, 2, 3, 4) '
      .. 'ORDER BY "id" ASC',
    values = { 1 }, value = "1,3,4,5" },
}

-- }======================================================

-- {======================================================
-- Reads, order, walks
-- ======================================================

local READS = {
  { "raw_value: an expression of the first row; sole_value",
    function(db)
      local q = db:table("songs")
      return h.text(q:clone():select("title"):raw_value("max(plays) + ?", { 1 })) .. " "
        .. q:clone():where("id", 2):sole_value("title")
    end,
    sql = { 'SELECT max(plays) + ? FROM "songs" LIMIT 1',
            'SELECT "title" FROM "songs" WHERE "id" = ? LIMIT 2' },
    values = { { 1 }, { 2 } }, fake = { { { x = 71 } }, { { title = "River" } } }, value = "71 River" },
  { "explain: the server's plan of the SELECT",
    function(db) return #db:table("songs"):where("id", 1):explain() > 0 end,
    sql = 'EXPLAIN SELECT * FROM "songs" WHERE "id" = ?', values = { 1 }, fake = { { { plan = 1 } } },
    value = true },
  { "chunk_map: fn of each row, by pages",
    function(db)
      local upper = function(r) return r.title:upper() end
      return table.concat(db:table("songs"):order_by("id"):chunk_map(upper, 2), ",")
    end,
    sql = 'SELECT * FROM "songs" ORDER BY "id" ASC LIMIT 2 OFFSET 0',
    value = "ALL I WANT,RIVER,COYOTE,AMELIA,URGE FOR GOING" },
  { "to_raw_sql on every dialect: the values written in by the dialect's quoting, runnable",
    function(db)
      local sql = db:table("songs"):where("title", "<>", [[it's \ ?]]):where("id", "<", 3):order_by("id")
        :to_raw_sql()
      return sql .. " => " .. ids(db:query(sql))
    end,
    value = [[SELECT * FROM "songs" WHERE "title" <> 'it''s \ ?' AND "id" < 3 ORDER BY "id" ASC => 1,2]],
    mysql_value = [[SELECT * FROM `songs` WHERE `title` <> 'it''s \\ ?' AND `id` < 3 ]]
      .. [[ORDER BY `id` ASC => 1,2]] },
  { "reorder_desc",
    function(db) return ids(db:table("songs"):order_by("title"):reorder_desc("id"):get()) end,
    sql = 'SELECT * FROM "songs" ORDER BY "id" DESC', value = "5,4,3,2,1" },
  { "for_page_after_id: the key's orders replaced, the others kept (Laravel's forPageAfterId)",
    function(db)
      return ids(db:table("songs"):order_by("title"):order_by("id", "desc"):for_page_after_id(2, 2):get())
    end,
    sql = 'SELECT * FROM "songs" WHERE "id" > ? ORDER BY "title" ASC, "id" ASC LIMIT 2',
    values = { 2 }, value = "4,3" },
  { "for_page_before_id, and nil: the first page",
    function(db)
      return ids(db:table("songs"):for_page_before_id(2, 4):get()) .. " "
        .. ids(db:table("songs"):for_page_before_id(2):get())
    end,
    sql = { 'SELECT * FROM "songs" WHERE "id" < ? ORDER BY "id" DESC LIMIT 2',
            'SELECT * FROM "songs" WHERE "id" IS NOT NULL ORDER BY "id" DESC LIMIT 2' },
    values = { { 4 }, {} }, value = "3,2 5,4" },
  { "lazy_by_id_desc",
    function(db)
      local t = {}
      for row in db:table("songs"):where("id", "<", 5):lazy_by_id_desc(3) do t[#t + 1] = h.text(row.id) end
      return table.concat(t, ",")
    end,
    sql = { 'SELECT * FROM "songs" WHERE "id" < ? ORDER BY "id" DESC LIMIT 3',
            'SELECT * FROM "songs" WHERE "id" < ? AND "id" < ? ORDER BY "id" DESC LIMIT 3' },
    fake = { { { id = 4 }, { id = 3 }, { id = 2 } }, { { id = 1 } } }, value = "4,3,2,1" },
}

-- }======================================================

for _, dialect in ipairs({ "sqlite", "postgres", "mysql" }) do
  describe("query builder, Laravel 12's last calls [#" .. dialect .. "]", function()
    describe("full text", function() h.cases(FULL_TEXT, dialect) end)
    describe("writes", function() h.cases(WRITES, dialect) end)
    describe("clauses", function() h.cases(CLAUSES, dialect) end)
    describe("reads", function() h.cases(READS, dialect) end)
  end)
end

describe("query builder, Laravel 12's last calls: dump, dd", function()
  local THIS = debug.getinfo(1, "S").short_src

  -- runs fn with io.stderr writing into a string -> what was written, fn's pcall
  -- luacheck: push ignore 122 (io.stderr swapped: what dump writes there is read back)
  local function stderr(fn)
    local out, real = {}, io.stderr
    io.stderr = { write = function(_, ...) for _, v in ipairs({ ... }) do out[#out + 1] = v end end,
                  flush = function() end }
    local ok, err = pcall(fn)
    io.stderr = real
    return table.concat(out), ok, err
  end
  -- luacheck: pop

  it("dump prints the SQL and its values at the user's line, and returns the builder", function()
    local db = h.recorder("sqlite")
    local line
    local out, ok = stderr(function()
      line = debug.getinfo(1, "l").currentline + 1
      db:table("songs"):where("title", "it's"):where_in("id", { 1, 2 }):dump("extra", 3):get()
    end)
    assert.is_true(ok)
    assert.equals(("query:dump at %s:%d\n"):format(THIS, line)
      .. '  SQL: SELECT * FROM "songs" WHERE "title" = ? AND "id" IN (?, ?)\n'
      .. "  bindings: 'it''s', 1, 2\n"
      .. '  "extra"\n  3\n', out)
    assert.equals('SELECT * FROM "songs" WHERE "title" = ? AND "id" IN (?, ?)', db.log[1].sql)
  end)

  it("dump_raw_sql writes the values in; no values: (none)", function()
    local db = h.recorder("postgres")
    local out = stderr(function()
      db:table("songs"):where("title", "it's"):dump_raw_sql()
      db:table("songs"):dump()
    end)
    assert.truthy(out:find([[  SQL: SELECT * FROM "songs" WHERE "title" = 'it''s']] .. "\n", 1, true), out)
    assert.truthy(out:find('  SQL: SELECT * FROM "songs"\n  bindings: (none)\n', 1, true), out)
  end)

  it("dd prints, then stops with an error at the user's line (no traceback)", function()
    local db = h.recorder("mysql")
    local line
    local out, ok, err = stderr(function()
      line = debug.getinfo(1, "l").currentline + 1
      db:table("songs"):where("id", 7):dd()
    end)
    assert.is_false(ok)
    assert.equals(("%s:%d: lmigrate: query:dd: stopped by dd() (the query is printed above)")
                  :format(THIS, line), err)
    assert.truthy(out:find("  SQL: SELECT * FROM `songs` WHERE `id` = ?\n  bindings: 7\n", 1, true), out)
    assert.equals(0, #db.log)
    out, ok, err = stderr(function() db:table("songs"):where("id", 7):dd_raw_sql() end)
    assert.is_false(ok)
    assert.truthy(err:find("query:dd_raw_sql: stopped by dd_raw_sql()", 1, true), err)
    assert.truthy(out:find("  SQL: SELECT * FROM `songs` WHERE `id` = 7\n", 1, true), out)
  end)
end)

describe("query builder, Laravel 12's last calls: bad calls", function()
  local THIS = debug.getinfo(1, "S").short_src
  local pg, lite = h.recorder("postgres"), h.recorder("sqlite")
  local function t() return pg:table("t") end
  local BAD = {
    { "query:where_full_text: full text search is not supported on sqlite",
      function() lite:table("t"):where_full_text("body", "x") end },
    { "query:or_where_full_text: unknown option 'langauge' (mode, language, expanded)",
      function() t():or_where_full_text("b", "x", { langauge = "german" }) end },
    { "query:where_full_text: unknown mode 'fuzzy'",
      function() t():where_full_text("b", "x", { mode = "fuzzy" }) end },
    { "query:where_full_text: expects expanded to be a boolean, got string",
      function() t():where_full_text("b", "x", { expanded = "yes" }) end },
    { "query:where_full_text: expects the language to be the name of a text search configuration",
      function() t():where_full_text("b", "x", { language = "" }) end },
    { "query:where_full_text: expects the text to search for (a string), got number",
      function() t():where_full_text("b", 5) end },
    { "query:where_full_text: expects a column or a list of columns, got table",
      function() t():where_full_text({}, "x") end },
    { "query:where_full_text: expects a column name", function() t():where_full_text({ "a", 3 }, "x") end },
    { "query:update_from: takes inner and cross joins, not a LEFT join",
      function() t():left_join("u", "u.id", "t.u_id"):update_from({ a = 1 }) end },
    { "query:update_from: an update from joined tables cannot have order_by, limit or offset",
      function() t():join("u", "u.id", "t.u_id"):limit(3):update_from({ a = 1 }) end },
    { "query:update_from: the value of 'a' is a function", function() t():update_from({ a = print }) end },
    { "query:update: the value of 'o->a' is a table, not an SQL value (a JSON path takes no subquery)",
      function() t():update({ ["o->a"] = t() }) end },
    { "query:insert_or_ignore_using: expects columns", function() t():insert_or_ignore_using({}, t()) end },
    { "query:where_value_between: expects a list { low_column, high_column }, got string",
      function() t():where_value_between(5, "a") end },
    { "query:or_where_value_not_between: the value is nil",
      function() t():or_where_value_not_between(nil, { "a", "b" }) end },
    { "query:where_json_contains_key: expects a JSON path (\"column->key\"), got 'o'",
      function() t():where_json_contains_key("o") end },
    { "query:get: a JSON path's index must be [digits]",
      function() t():where_json_doesnt_contain_key("o->a[x]"):get() end },
    { "query:join_where: expects a value after the column", function() t():join_where("u", "a") end },
    { "query:left_join_where: expects a table name (string), got number",
      function() t():left_join_where(4, "a", 1) end },
    { "query:having_null: expects a column", function() t():having_null({}) end },
    { "query:or_having_not_null: expects a column name", function() t():or_having_not_null(5) end },
    { "query:update_or_insert: the function must return the values (table), got nil",
      function() t():update_or_insert({ id = 1 }, function() end) end },
    { "query:for_page_after_id: expects a whole number >= 0, got -1",
      function() t():for_page_after_id(-1) end },
    { "query:sole_value: expects a column name", function() t():sole_value(nil) end },
    { "query:where_row_values: expects a list of 1 values, one for each column",
      function() t():where_row_values({ "a" }, "=", { 1, 2 }) end },
    { "query:or_where_row_values: unknown operator '=='",
      function() t():or_where_row_values({ "a" }, "==", { 1 }) end },
    { "query:chunk_map: expects a function, got number", function() t():chunk_map(5) end },
    { "query:cross_join_sub: a subquery needs an alias (string), got nil",
      function() t():cross_join_sub(t()) end },
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
