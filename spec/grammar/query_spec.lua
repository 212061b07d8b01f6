-- spec/grammar/query_spec.lua: the query builder (self.db:table(...)),
-- table-driven. Each case's SQL is checked exactly on every dialect (a
-- recorder stands in for the connection), then the case runs on SQLite,
-- PostgreSQL and MariaDB on the tables of spec/support/query.lua (albums,
-- songs) and what it returns, or what the table holds after, is checked.
-- Without a server that part is pending, or fails under CI.
local core = require("lmigrate.core")
local lmigrate = require("lmigrate")
local h = require("spec.support.query")

local null, raw = lmigrate.null, lmigrate.raw

-- rows by id: I(1, 2) is { { id = 1 }, { id = 2 } }
local function I(...)
  local t = {}
  for i, id in ipairs({ ... }) do t[i] = { id = id } end
  return t
end

-- the ids of rows, "1,2,3"
local function ids(rows)
  local t = {}
  for i, r in ipairs(rows) do t[i] = h.text(r.id) end
  return table.concat(t, ",")
end

local SELECTS = {
  { "get, in order",
    function(db) return db:table("songs"):order_by("id"):get() end,
    sql = 'SELECT * FROM "songs" ORDER BY "id" ASC',
    rows = { { id = 1, title = "All I Want", rating = 4 }, { id = 2, title = "River" },
             { id = 3, rating = null }, { id = 4 }, { id = 5, album_id = null, plays = null } } },
  { "select with an alias, where(column, value)",
    function(db) return db:table("songs"):select("id", "title as name"):where("id", 2):get() end,
    sql = 'SELECT "id", "title" AS "name" FROM "songs" WHERE "id" = ?', values = { 2 },
    rows = { { id = 2, name = "River" } } },
  { "a table alias, qualified columns, a list of columns",
    function(db)
      return db:table("songs as s"):select({ "s.id", "s.title" }):where("s.id", "<", 3)
        :order_by("s.id"):get()
    end,
    sql = 'SELECT "s"."id", "s"."title" FROM "songs" AS "s" WHERE "s"."id" < ? ORDER BY "s"."id" ASC',
    values = { 3 }, rows = { { id = 1, title = "All I Want" }, { id = 2 } } },
  { "table(name, alias), t.*",
    function(db)
      return db:table("songs", "s"):select("s.*"):where("s.plays", ">=", 70):order_by("s.id"):get()
    end,
    sql = 'SELECT "s".* FROM "songs" AS "s" WHERE "s"."plays" >= ? ORDER BY "s"."id" ASC',
    values = { 70 }, rows = I(2, 4) },
  { "or_where with a group",
    function(db)
      return db:table("songs"):where("album_id", 1)
        :or_where(function(q) q:where("plays", ">", 50):where("rating", ">=", 5) end)
        :order_by("id"):get()
    end,
    sql = 'SELECT * FROM "songs" WHERE "album_id" = ? OR ("plays" > ? AND "rating" >= ?) ORDER BY "id" ASC',
    values = { 1, 50, 5 }, rows = I(1, 2, 4) },
  { "where({ column = value }), keys in order",
    function(db) return db:table("songs"):where({ plays = 70, album_id = 2 }):get() end,
    sql = 'SELECT * FROM "songs" WHERE ("album_id" = ? AND "plays" = ?)', values = { 2, 70 },
    rows = I(4) },
  { "where({ { column, op, value }, { column, value } })",
    function(db)
      return db:table("songs"):where({ { "plays", ">", 20 }, { "album_id", 1 } }):order_by("id"):get()
    end,
    sql = 'SELECT * FROM "songs" WHERE ("plays" > ? AND "album_id" = ?) ORDER BY "id" ASC',
    values = { 20, 1 }, rows = I(1, 2) },
  { "where_not",
    function(db) return db:table("songs"):where_not("album_id", 1):order_by("id"):get() end,
    sql = 'SELECT * FROM "songs" WHERE NOT ("album_id" = ?) ORDER BY "id" ASC', rows = I(3, 4) },
  { "where_in, or_where_not_in",
    function(db)
      return db:table("songs"):where_in("id", { 1, 3 }):or_where_not_in("id", { 1, 2, 3, 4 }):order_by("id")
        :get()
    end,
    sql = 'SELECT * FROM "songs" WHERE "id" IN (?, ?) OR "id" NOT IN (?, ?, ?, ?) ORDER BY "id" ASC',
    values = { 1, 3, 1, 2, 3, 4 }, rows = I(1, 3, 5) },
  { "where_in of an empty list: never; where_not_in: always",
    function(db)
      return db:table("songs"):where_in("id", {}):count() .. "/" .. db:table("songs"):where_not_in("id", {})
        :count()
    end,
    sql = { 'SELECT COUNT(*) AS "aggregate" FROM "songs" WHERE 0 = 1',
            'SELECT COUNT(*) AS "aggregate" FROM "songs" WHERE 1 = 1' },
    value = "0/5" },
  { "where_in a subquery",
    function(db)
      return db:table("songs"):where_in("album_id", function(q)
        q:select("id"):from("albums"):where("year", "<", 1975)
      end):order_by("id"):get()
    end,
    sql = 'SELECT * FROM "songs" WHERE "album_id" IN (SELECT "id" FROM "albums" WHERE "year" < ?) ORDER BY '
      .. '"id" ASC',
    values = { 1975 }, rows = I(1, 2) },
  { "where_in with lmigrate.raw in the list: the raw written in, the rest bound",
    function(db)
      return db:table("songs"):where_in("id", { 1, raw("2 + 1") }):or_where_null("plays"):order_by("id"):get()
    end,
    sql = 'SELECT * FROM "songs" WHERE "id" IN (?, 2 + 1) OR "plays" IS NULL ORDER BY "id" ASC',
    values = { 1 }, rows = I(1, 3, 5) },
  { "where_integer_in_raw writes the integers in",
    function(db) return db:table("songs"):where_integer_in_raw("id", { 2, 4 }):order_by("id"):get() end,
    sql = 'SELECT * FROM "songs" WHERE "id" IN (2, 4) ORDER BY "id" ASC', values = {}, rows = I(2, 4) },
  { "where_null of a list, where_not_null",
    function(db)
      return db:table("songs"):where_null({ "album_id", "plays" }):or_where_not_null("id"):where("id", 5)
        :get()
    end,
    sql = 'SELECT * FROM "songs" WHERE "album_id" IS NULL AND "plays" IS NULL OR "id" IS NOT NULL AND "id" '
      .. '= ?',
    rows = I(5) },
  { "where(column, lmigrate.null) is IS NULL, <> lmigrate.null IS NOT NULL",
    function(db)
      return db:table("songs"):where("rating", null):or_where("album_id", "<>", null):where("plays", 10):get()
    end,
    sql = 'SELECT * FROM "songs" WHERE "rating" IS NULL OR "album_id" IS NOT NULL AND "plays" = ?',
    values = { 10 }, rows = I(3) },
  { "where_between, where_not_between",
    function(db)
      return db:table("songs"):where_between("plays", { 20, 70 }):where_not_between("id", { 2, 3 })
        :order_by("id"):get()
    end,
    sql = 'SELECT * FROM "songs" WHERE "plays" BETWEEN ? AND ? AND "id" NOT BETWEEN ? AND ? ORDER BY "id" '
      .. 'ASC',
    values = { 20, 70, 2, 3 }, rows = I(1, 4) },
  { "where_column",
    function(db)
      return db:table("songs"):where_column("id", "album_id"):or_where_column("plays", "<", "rating"):get()
    end,
    sql = 'SELECT * FROM "songs" WHERE "id" = "album_id" OR "plays" < "rating"', values = {}, rows = I(1) },
  { "where_raw with its values",
    function(db)
      return db:table("songs"):where_raw("plays > ? AND rating = ?", { 20, 5 }):order_by("id"):get()
    end,
    sql = 'SELECT * FROM "songs" WHERE plays > ? AND rating = ? ORDER BY "id" ASC', values = { 20, 5 },
    rows = I(2, 4) },
  { "where_exists",
    function(db)
      return db:table("songs"):where_exists(function(q)
        q:from("albums"):where_column("albums.id", "songs.album_id"):where("year", ">", 1975)
      end):order_by("id"):get()
    end,
    sql = 'SELECT * FROM "songs" WHERE EXISTS (SELECT * FROM "albums" WHERE "albums"."id" = '
      .. '"songs"."album_id" '
      .. 'AND "year" > ?) ORDER BY "id" ASC', values = { 1975 }, rows = I(3, 4) },
  { "where(column, op, subquery)",
    function(db)
      return db:table("songs"):where("album_id", "=", function(q)
        q:select("id"):from("albums"):where("name", "Hejira")
      end):order_by("id"):get()
    end,
    sql = 'SELECT * FROM "songs" WHERE "album_id" = (SELECT "id" FROM "albums" WHERE "name" = ?) ORDER BY '
      .. '"id" ASC',
    values = { "Hejira" }, rows = I(3, 4) },
  { "like",
    function(db) return db:table("songs"):where("title", "like", "A%"):order_by("id"):get() end,
    sql = 'SELECT * FROM "songs" WHERE "title" LIKE ? ORDER BY "id" ASC', values = { "A%" }, rows = I(1, 4) },
  { "ilike (PostgreSQL)",
    function(db) return db:table("songs"):where("title", "ILIKE", "a%"):order_by("id"):get() end,
    postgres = 'SELECT * FROM "songs" WHERE "title" ILIKE ? ORDER BY "id" ASC', rows = I(1, 4),
    only = { postgres = true } },
  { "join(table, first, op, second)",
    function(db)
      return db:table("songs"):join("albums", "albums.id", "=", "songs.album_id")
        :select("songs.title", "albums.name"):where("albums.year", 1976):order_by("songs.id"):get()
    end,
    sql = 'SELECT "songs"."title", "albums"."name" FROM "songs" INNER JOIN "albums" ON "albums"."id" = '
      .. '"songs"."album_id" WHERE "albums"."year" = ? ORDER BY "songs"."id" ASC',
    rows = { { title = "Coyote", name = "Hejira" }, { title = "Amelia", name = "Hejira" } } },
  { "left_join(table, first, second)",
    function(db)
      return db:table("songs"):left_join("albums as a", "a.id", "songs.album_id"):select("songs.id")
        :where_null("a.id"):get()
    end,
    sql = 'SELECT "songs"."id" FROM "songs" LEFT JOIN "albums" AS "a" ON "a"."id" = "songs"."album_id" '
      .. 'WHERE "a"."id" IS NULL', rows = I(5) },
  { "join(table, function(join)): where and on",
    function(db)
      return db:table("songs"):select("songs.id"):join("albums", function(j)
        return j:where("albums.year", ">", 1972):on("albums.id", "=", "songs.album_id")
      end):order_by("songs.id"):get()
    end,
    sql = 'SELECT "songs"."id" FROM "songs" INNER JOIN "albums" ON "albums"."year" > ? AND "albums"."id" = '
      .. '"songs"."album_id" ORDER BY "songs"."id" ASC', values = { 1972 }, rows = I(3, 4) },
  { "cross_join",
    function(db) return db:table("albums"):cross_join("songs"):count() end,
    sql = 'SELECT COUNT(*) AS "aggregate" FROM "albums" CROSS JOIN "songs"', value = 15 },
  { "group_by, having_raw, select_raw",
    function(db)
      return db:table("songs"):select("album_id"):select_raw("COUNT(*) AS n"):where_not_null("album_id")
        :group_by("album_id"):having_raw("COUNT(*) > ?", { 1 }):order_by("album_id"):get()
    end,
    sql = 'SELECT "album_id", COUNT(*) AS n FROM "songs" WHERE "album_id" IS NOT NULL GROUP BY "album_id" '
      .. 'HAVING COUNT(*) > ? ORDER BY "album_id" ASC', values = { 1 },
    rows = { { album_id = 1, n = 2 }, { album_id = 2, n = 2 } } },
  { "having(column, op, value)",
    function(db)
      return db:table("songs"):select("album_id"):select_raw("SUM(plays) AS total"):group_by("album_id")
        :having("album_id", ">", 1):get()
    end,
    sql = 'SELECT "album_id", SUM(plays) AS total FROM "songs" GROUP BY "album_id" HAVING "album_id" > ?',
    rows = { { album_id = 2, total = 80 } } },
  { "distinct",
    function(db)
      return db:table("songs"):distinct():select("album_id"):where_not_null("album_id"):order_by("album_id")
        :get()
    end,
    sql = 'SELECT DISTINCT "album_id" FROM "songs" WHERE "album_id" IS NOT NULL ORDER BY "album_id" ASC',
    rows = { { album_id = 1 }, { album_id = 2 } } },
  { "distinct(cols): DISTINCT ON (cols) on PostgreSQL, DISTINCT elsewhere, as Laravel",
    function(db)
      return db:table("songs"):distinct("album_id"):select("album_id"):where_not_null("album_id")
        :order_by("album_id"):get()
    end,
    sqlite = 'SELECT DISTINCT "album_id" FROM "songs" WHERE "album_id" IS NOT NULL ORDER BY "album_id" ASC',
    postgres = 'SELECT DISTINCT ON ("album_id") "album_id" FROM "songs" WHERE "album_id" IS NOT NULL '
      .. 'ORDER BY "album_id" ASC',
    mysql = 'SELECT DISTINCT `album_id` FROM `songs` WHERE `album_id` IS NOT NULL ORDER BY `album_id` ASC',
    rows = { { album_id = 1 }, { album_id = 2 } } },
  { "distinct({ cols }) and distinct(false)",
    function(db)
      return db:table("songs"):distinct({ "album_id" }):distinct(false):select("album_id")
        :where("album_id", 1):get()
    end,
    sql = 'SELECT "album_id" FROM "songs" WHERE "album_id" = ?', values = { 1 },
    rows = { { album_id = 1 }, { album_id = 1 } } },
  { "order_by desc, limit, offset",
    function(db)
      return db:table("songs"):where_not_null("plays"):order_by("plays", "desc"):order_by("id"):limit(2)
        :offset(1):get()
    end,
    sql = 'SELECT * FROM "songs" WHERE "plays" IS NOT NULL ORDER BY "plays" DESC, "id" ASC LIMIT 2 OFFSET 1',
    rows = I(4, 1) },
  { "offset without limit",
    function(db) return db:table("songs"):order_by("id"):offset(3):get() end,
    sqlite = 'SELECT * FROM "songs" ORDER BY "id" ASC LIMIT -1 OFFSET 3',
    postgres = 'SELECT * FROM "songs" ORDER BY "id" ASC OFFSET 3',
    mysql = 'SELECT * FROM `songs` ORDER BY `id` ASC LIMIT 18446744073709551615 OFFSET 3', rows = I(4, 5) },
  { "for_page",
    function(db) return db:table("songs"):order_by_desc("id"):for_page(2, 2):get() end,
    sql = 'SELECT * FROM "songs" ORDER BY "id" DESC LIMIT 2 OFFSET 2', rows = I(3, 2) },
  { "order_by_raw, reorder",
    function(db)
      return db:table("songs"):order_by("title"):reorder()
        :order_by_raw("CASE WHEN id = ? THEN 0 ELSE 1 END, id", { 2 })
        :limit(2):get()
    end,
    sql = 'SELECT * FROM "songs" ORDER BY CASE WHEN id = ? THEN 0 ELSE 1 END, id LIMIT 2', values = { 2 },
    rows = I(2, 1) },
  { "in_random_order",
    function(db) return db:table("songs"):in_random_order():limit(5):get() end,
    sql = 'SELECT * FROM "songs" ORDER BY RANDOM() LIMIT 5',
    mysql = 'SELECT * FROM `songs` ORDER BY RAND() LIMIT 5' },
  { "union, its own order",
    function(db)
      return db:table("songs"):select("id"):where("id", 1)
        :union(function(q) q:select("id"):from("songs"):where("id", 5) end):order_by("id", "desc"):get()
    end,
    sqlite = 'SELECT * FROM (SELECT "id" FROM "songs" WHERE "id" = ?) UNION SELECT * FROM (SELECT "id" '
      .. 'FROM "songs" WHERE "id" = ?) ORDER BY "id" DESC',
    postgres = '(SELECT "id" FROM "songs" WHERE "id" = ?) UNION (SELECT "id" FROM "songs" WHERE "id" = ?) '
      .. 'ORDER BY "id" DESC',
    mysql = '(SELECT `id` FROM `songs` WHERE `id` = ?) UNION (SELECT `id` FROM `songs` WHERE `id` = ?) '
      .. 'ORDER BY `id` DESC', values = { 1, 5 }, rows = I(5, 1) },
  { "union_all of a builder, limit of the union",
    function(db)
      local b = db:table("songs"):select("album_id"):where("id", "<", 3)
      return db:table("songs"):select("album_id"):where("id", 1):union_all(b):limit(2):count()
    end,
    sqlite = 'SELECT COUNT(*) AS "aggregate" FROM (SELECT * FROM (SELECT "album_id" FROM "songs" WHERE '
      .. '"id" = ?) '
      .. 'UNION ALL SELECT * FROM (SELECT "album_id" FROM "songs" WHERE "id" < ?) LIMIT 2) AS "temp_table"',
    postgres = 'SELECT COUNT(*) AS "aggregate" FROM ((SELECT "album_id" FROM "songs" WHERE "id" = ?) UNION '
      .. 'ALL '
      .. '(SELECT "album_id" FROM "songs" WHERE "id" < ?) LIMIT 2) AS "temp_table"', value = 2 },
  { "select_sub",
    function(db)
      return db:table("albums"):select("name"):select_sub(function(q)
        q:select_raw("COUNT(*)"):from("songs"):where_column("songs.album_id", "albums.id")
      end, "songs"):order_by("id"):get()
    end,
    sql = 'SELECT "name", (SELECT COUNT(*) FROM "songs" WHERE "songs"."album_id" = "albums"."id") AS "songs" '
      .. 'FROM "albums" ORDER BY "id" ASC',
    rows = { { name = "Blue", songs = 2 }, { name = "Hejira", songs = 2 },
             { name = "Court and Spark", songs = 0 } } },
  { "from a subquery",
    function(db)
      return db:table():from(function(q)
        q:from("songs"):select("album_id"):select_raw("MAX(plays) AS top"):group_by("album_id")
      end, "t"):where_not_null("album_id"):order_by("album_id"):get()
    end,
    sql = 'SELECT * FROM (SELECT "album_id", MAX(plays) AS top FROM "songs" GROUP BY "album_id") AS "t" '
      .. 'WHERE "album_id" IS NOT NULL ORDER BY "album_id" ASC',
    rows = { { album_id = 1, top = 70 }, { album_id = 2, top = 70 } } },
  { "query_builder(): a query with no table",
    function(db) return db:query_builder():select_raw("? + 1 AS x", { 6 }):get() end,
    sql = 'SELECT ? + 1 AS x', values = { 6 }, rows = { { x = 7 } } },
  { "first(columns)",
    function(db)
      return db:table("songs"):where("album_id", 2):order_by("id"):first({ "id", "title" }).title
    end,
    sql = 'SELECT "id", "title" FROM "songs" WHERE "album_id" = ? ORDER BY "id" ASC LIMIT 1',
    fake = { { { id = 3, title = "Coyote" } } }, value = "Coyote" },
  { "find",
    function(db) return db:table("songs"):find(4).title end,
    sql = 'SELECT * FROM "songs" WHERE "id" = ? LIMIT 1', fake = { { { title = "Amelia" } } },
    value = "Amelia" },
  { "value",
    function(db) return db:table("songs"):where("id", 4):value("title") end,
    sql = 'SELECT "title" FROM "songs" WHERE "id" = ? LIMIT 1', value = "Amelia" },
  { "pluck",
    function(db)
      return table.concat(db:table("songs"):where("id", "<", 4):order_by("id"):pluck("title"), "|")
    end,
    sql = 'SELECT "title" FROM "songs" WHERE "id" < ? ORDER BY "id" ASC', value = "All I Want|River|Coyote" },
  { "pluck keeps an earlier select",
    function(db)
      local t = db:table("songs"):select("songs.id as sid"):where("songs.id", ">", 3)
        :order_by("songs.id"):pluck("sid")
      return table.concat(t, ",")
    end,
    sql = 'SELECT "songs"."id" AS "sid" FROM "songs" WHERE "songs"."id" > ? ORDER BY "songs"."id" ASC',
    value = "4,5" },
  { "get(column), get({ columns })",
    function(db)
      return { db:table("songs"):where("id", 1):get("title")[1], db:table("songs"):get({ "id" })[1] }
    end,
    sql = { 'SELECT "title" FROM "songs" WHERE "id" = ?', 'SELECT "id" FROM "songs"' } },
}

local AGGREGATES = {
  { "count", function(db) return db:table("songs"):count() end,
    sql = 'SELECT COUNT(*) AS "aggregate" FROM "songs"', value = 5 },
  { "count(column) skips NULLs", function(db) return db:table("songs"):count("rating") end,
    sql = 'SELECT COUNT("rating") AS "aggregate" FROM "songs"', value = 4 },
  { "count of distinct", function(db) return db:table("songs"):distinct():count("album_id") end,
    sql = 'SELECT COUNT(DISTINCT "album_id") AS "aggregate" FROM "songs"', value = 2 },
  { "count with distinct(cols): COUNT(DISTINCT cols)",
    function(db) return db:table("songs"):distinct("album_id"):count() end,
    sql = 'SELECT COUNT(DISTINCT "album_id") AS "aggregate" FROM "songs"', value = 2 },
  { "count of groups: the rows get() returns",
    function(db)
      return db:table("songs"):select("album_id"):group_by("album_id"):order_by("album_id"):count()
    end,
    sql = 'SELECT COUNT(*) AS "aggregate" FROM (SELECT "album_id" FROM "songs" GROUP BY "album_id" ORDER BY '
      .. '"album_id" ASC) AS "temp_table"', value = 3 },
  { "max, min",
    function(db) return db:table("songs"):max("plays") .. "/" .. db:table("songs"):min("plays") end,
    sql = { 'SELECT MAX("plays") AS "aggregate" FROM "songs"',
            'SELECT MIN("plays") AS "aggregate" FROM "songs"' },
    fake = { { { aggregate = 70 } }, { { aggregate = 10 } } }, value = "70/10" },
  { "sum", function(db) return db:table("songs"):where("album_id", 1):sum("plays") end,
    sql = 'SELECT SUM("plays") AS "aggregate" FROM "songs" WHERE "album_id" = ?', value = 100 },
  { "sum of no rows is 0", function(db) return db:table("songs"):where("id", 0):sum("plays") end, value = 0 },
  { "avg", function(db) return db:table("songs"):avg("rating") end,
    sql = 'SELECT AVG("rating") AS "aggregate" FROM "songs"', value = 4.25 },
  { "max of no rows is nil",
    function(db) return tostring(db:table("songs"):where("id", 0):max("plays")) end, value = "nil" },
  { "exists, doesnt_exist",
    function(db) return tostring(db:table("songs"):where("id", 3):exists()) .. "/"
      .. tostring(db:table("songs"):where("id", 9):doesnt_exist()) end,
    sql = { 'SELECT EXISTS(SELECT * FROM "songs" WHERE "id" = ?) AS "exists"',
            'SELECT EXISTS(SELECT * FROM "songs" WHERE "id" = ?) AS "exists"' },
    fake = { { { exists = 1 } }, { { exists = 0 } } }, value = "true/true" },
}

local WRITES = {
  { "insert a row: db:insert's bulk path",
    function(db) return db:table("songs"):insert({ title = "Both Sides Now", plays = 1 }) end,
    sql = { "db:insert(songs)" }, value = 1,
    after = { rows = { { id = 1 }, { id = 2 }, { id = 3 }, { id = 4 }, { id = 5 },
                       { id = 6, title = "Both Sides Now", plays = 1, album_id = null } } } },
  { "insert of an empty list inserts nothing",
    function(db) return db:table("songs"):insert({}) end, sql = {}, value = 0 },
  { "insert with lmigrate.raw: the compiled INSERT",
    function(db)
      return db:table("songs"):insert({ { title = raw("UPPER('x')"), plays = 2 }, { title = "y" } })
    end,
    sql = 'INSERT INTO "songs" ("plays", "title") VALUES (?, UPPER(\'x\')), (?, ?)',
    values = { 2, null, "y" }, value = 2,
    after = { rows = { {}, {}, {}, {}, {}, { title = "X", plays = 2 }, { title = "y", plays = null } } } },
  { "insert_get_id",
    function(db) return db:table("songs"):insert_get_id({ title = "Carey", plays = 3 }) end,
    sql = 'INSERT INTO "songs" ("plays", "title") VALUES (?, ?) RETURNING "id"',
    mysql = { 'INSERT INTO `songs` (`plays`, `title`) VALUES (?, ?)', 'SELECT LAST_INSERT_ID() AS `id`' },
    fake = { { { id = 6 } } }, value = 6 },
  { "insert_get_id of a row of defaults",
    function(db) return db:table("albums"):insert_get_id({}) end,
    sql = 'INSERT INTO "albums" DEFAULT VALUES RETURNING "id"',
    mysql = { 'INSERT INTO `albums` () VALUES ()', 'SELECT LAST_INSERT_ID() AS `id`' } },
  { "insert_or_ignore",
    function(db)
      return db:table("songs")
        :insert_or_ignore({ { id = 1, title = "dup", plays = 0 }, { id = 6, title = "new", plays = 0 } })
    end,
    sqlite = 'INSERT OR IGNORE INTO "songs" ("id", "plays", "title") VALUES (?, ?, ?), (?, ?, ?)',
    postgres = 'INSERT INTO "songs" ("id", "plays", "title") VALUES (?, ?, ?), (?, ?, ?) ON CONFLICT DO '
      .. 'NOTHING',
    mysql = 'INSERT IGNORE INTO `songs` (`id`, `plays`, `title`) VALUES (?, ?, ?), (?, ?, ?)',
    value = 1,
    after = { rows = { { id = 1, title = "All I Want" }, {}, {}, {}, {}, { id = 6, title = "new" } } } },
  { "upsert(rows, unique_by, update columns)",
    function(db)
      db:table("songs"):upsert({ { id = 1, title = "All I Really Want", plays = 31 },
                                 { id = 6, title = "Carey", plays = 5 } },
                               "id", { "title", "plays" })
    end,
    sql = 'INSERT INTO "songs" ("id", "plays", "title") VALUES (?, ?, ?), (?, ?, ?) ON CONFLICT ("id") DO '
      .. 'UPDATE '
      .. 'SET "title" = "excluded"."title", "plays" = "excluded"."plays"',
    mysql = 'INSERT INTO `songs` (`id`, `plays`, `title`) VALUES (?, ?, ?), (?, ?, ?) ON DUPLICATE KEY '
      .. 'UPDATE '
      .. '`title` = VALUES(`title`), `plays` = VALUES(`plays`)',
    after = { rows = { { id = 1, title = "All I Really Want", plays = 31 }, {}, {}, {}, {},
                       { id = 6, title = "Carey", plays = 5 } } } },
  { "upsert with { column = value } and every column by default",
    function(db)
      db:table("albums"):upsert({ name = "Blue", year = 2000 }, { "name" },
                                { year = raw("1900 + 1"), "name" })
      db:table("albums"):upsert({ name = "Ladies", year = 1970 }, "name")
    end,
    sql = { 'INSERT INTO "albums" ("name", "year") VALUES (?, ?) ON CONFLICT ("name") DO UPDATE SET "name" = '
              .. '"excluded"."name", "year" = 1900 + 1',
            'INSERT INTO "albums" ("name", "year") VALUES (?, ?) ON CONFLICT ("name") DO UPDATE SET "name" = '
              .. '"excluded"."name", "year" = "excluded"."year"' },
    mysql = { 'INSERT INTO `albums` (`name`, `year`) VALUES (?, ?) ON DUPLICATE KEY UPDATE `name` = '
              .. 'VALUES(`name`), `year` = 1900 + 1',
            'INSERT INTO `albums` (`name`, `year`) VALUES (?, ?) ON DUPLICATE KEY UPDATE `name` = '
              .. 'VALUES(`name`), `year` = VALUES(`year`)' },
    after = { table = "albums",
              rows = { { name = "Blue", year = 1901 }, {}, {}, { name = "Ladies", year = 1970 } } } },
  { "insert_using",
    function(db)
      return db:table("albums"):insert_using({ "name", "year" }, function(q)
        q:from("songs"):select("title"):select_raw("2000"):where("id", 3)
      end)
    end,
    sql = 'INSERT INTO "albums" ("name", "year") SELECT "title", 2000 FROM "songs" WHERE "id" = ?', value = 1,
    after = { table = "albums", rows = { {}, {}, {}, { id = 4, name = "Coyote", year = 2000 } } } },
  { "insert_using of a union (DB::query())",
    function(db)
      local function q_of(q, id, year)
        return q:select("title"):select_raw("? AS y", { year }):from("songs"):where("id", id)
      end
      local q = q_of(db:query_builder(), 1, 1999):union(function(q) return q_of(q, 2, 1998) end)
      db:table("albums"):insert_using({ "name", "year" }, q)
    end,
    sqlite = 'INSERT INTO "albums" ("name", "year") SELECT * FROM (SELECT "title", ? AS y FROM "songs" WHERE '
      .. '"id" = ?) UNION SELECT * FROM (SELECT "title", ? AS y FROM "songs" WHERE "id" = ?)',
    postgres = 'INSERT INTO "albums" ("name", "year") (SELECT "title", ? AS y FROM "songs" WHERE "id" = ?) '
      .. 'UNION (SELECT "title", ? AS y FROM "songs" WHERE "id" = ?)',
    mysql = 'INSERT INTO `albums` (`name`, `year`) (SELECT `title`, ? AS y FROM `songs` WHERE `id` = ?) '
      .. 'UNION (SELECT `title`, ? AS y FROM `songs` WHERE `id` = ?)', values = { 1999, 1, 1998, 2 },
    norun = { postgres = "PostgreSQL types the ? of a UNION's select list as text, and year is an integer "
      .. "(spec/fixtures/README.md, E, on branch p8)" } },
  { "update, with lmigrate.null",
    function(db) return db:table("songs"):where("id", 3):update({ plays = 11, rating = null }) end,
    sql = 'UPDATE "songs" SET "plays" = ?, "rating" = ? WHERE "id" = ?', values = { 11, null, 3 }, value = 1,
    after = { rows = { {}, {}, { id = 3, plays = 11, rating = null }, {}, {} } } },
  { "update with lmigrate.raw",
    function(db) return db:table("songs"):where("id", 1):update({ plays = raw("plays * 2") }) end,
    sql = 'UPDATE "songs" SET "plays" = plays * 2 WHERE "id" = ?', value = 1,
    after = { rows = { { plays = 60 }, { plays = 70 }, {}, {}, {} } } },
  { "update of every row",
    function(db) return db:table("songs"):update({ rating = 1 }) end,
    sql = 'UPDATE "songs" SET "rating" = ?', value = 5 },
  { "update with a join",
    function(db)
      return db:table("songs"):join("albums", "albums.id", "=", "songs.album_id"):where("albums.year", 1976)
        :update({ ["songs.plays"] = 0 })
    end,
    sqlite = 'UPDATE "songs" SET "plays" = ? WHERE "rowid" IN (SELECT "songs"."rowid" FROM "songs" INNER '
      .. 'JOIN '
      .. '"albums" ON "albums"."id" = "songs"."album_id" WHERE "albums"."year" = ?)',
    postgres = 'UPDATE "songs" SET "plays" = ? WHERE "ctid" IN (SELECT "songs"."ctid" FROM "songs" INNER '
      .. 'JOIN '
      .. '"albums" ON "albums"."id" = "songs"."album_id" WHERE "albums"."year" = ?)',
    mysql = 'UPDATE `songs` INNER JOIN `albums` ON `albums`.`id` = `songs`.`album_id` SET `songs`.`plays` '
      .. '= ? '
      .. 'WHERE `albums`.`year` = ?', values = { 0, 1976 }, value = 2,
    after = { rows = { { plays = 30 }, { plays = 70 }, { plays = 0 }, { plays = 0 }, { plays = null } } } },
  { "update with order_by and limit",
    function(db) return db:table("songs"):order_by("id", "desc"):limit(2):update({ rating = 0 }) end,
    sqlite = 'UPDATE "songs" SET "rating" = ? WHERE "rowid" IN (SELECT "songs"."rowid" FROM "songs" ORDER BY '
      .. '"id" DESC LIMIT 2)',
    postgres = 'UPDATE "songs" SET "rating" = ? WHERE "ctid" IN (SELECT "songs"."ctid" FROM "songs" ORDER BY '
      .. '"id" DESC LIMIT 2)',
    mysql = 'UPDATE `songs` SET `rating` = ? ORDER BY `id` DESC LIMIT 2', value = 2,
    after = { rows = { { rating = 4 }, {}, { rating = null }, { rating = 0 }, { rating = 0 } } } },
  { "increment, decrement with extra values",
    function(db)
      db:table("songs"):where("id", 1):increment("plays")
      return db:table("songs"):where("id", 2):decrement("plays", 5, { rating = 2 })
    end,
    sql = { 'UPDATE "songs" SET "plays" = "plays" + ? WHERE "id" = ?',
            'UPDATE "songs" SET "plays" = "plays" - ?, "rating" = ? WHERE "id" = ?' },
    values = { { 1, 1 }, { 5, 2, 2 } }, value = 1,
    after = { rows = { { plays = 31 }, { plays = 65, rating = 2 }, {}, {}, {} } } },
  { "update_or_insert",
    function(db)
      db:table("albums"):update_or_insert({ name = "Blue" }, { year = 1972 })
      db:table("albums"):update_or_insert({ name = "Clouds" }, { year = 1969 })
    end,
    sqlite = { 'SELECT EXISTS(SELECT * FROM "albums" WHERE ("name" = ?)) AS "exists"', "db:insert(albums)",
               'SELECT EXISTS(SELECT * FROM "albums" WHERE ("name" = ?)) AS "exists"', "db:insert(albums)" },
    after = { table = "albums",
              rows = { { name = "Blue", year = 1972 }, {}, {}, { name = "Clouds", year = 1969 } } } },
  { "delete",
    function(db) return db:table("songs"):where("id", 5):delete() + db:table("songs"):delete(4) end,
    sql = { 'DELETE FROM "songs" WHERE "id" = ?', 'DELETE FROM "songs" WHERE "id" = ?' }, value = 2,
    after = { rows = I(1, 2, 3) } },
  { "delete with a join",
    function(db)
      return db:table("songs"):join("albums", "albums.id", "songs.album_id"):where("albums.name", "Blue")
        :delete()
    end,
    sqlite = 'DELETE FROM "songs" WHERE "rowid" IN (SELECT "songs"."rowid" FROM "songs" INNER JOIN '
      .. '"albums" ON '
      .. '"albums"."id" = "songs"."album_id" WHERE "albums"."name" = ?)',
    postgres = 'DELETE FROM "songs" WHERE "ctid" IN (SELECT "songs"."ctid" FROM "songs" INNER JOIN '
      .. '"albums" ON '
      .. '"albums"."id" = "songs"."album_id" WHERE "albums"."name" = ?)',
    mysql = 'DELETE `songs` FROM `songs` INNER JOIN `albums` ON `albums`.`id` = `songs`.`album_id` WHERE '
      .. '`albums`.`name` = ?', value = 2, after = { rows = I(3, 4, 5) } },
  { "delete with an alias",
    function(db) return db:table("songs", "s"):where("s.id", 1):delete() end,
    sql = 'DELETE FROM "songs" AS "s" WHERE "s"."id" = ?',
    mysql = 'DELETE `s` FROM `songs` AS `s` WHERE `s`.`id` = ?', value = 1,
    after = { rows = I(2, 3, 4, 5) } },
  { "delete with order_by and limit",
    function(db) return db:table("songs"):order_by("id"):limit(2):delete() end,
    sqlite = 'DELETE FROM "songs" WHERE "rowid" IN (SELECT "songs"."rowid" FROM "songs" ORDER BY "id" ASC '
      .. 'LIMIT 2)',
    postgres = 'DELETE FROM "songs" WHERE "ctid" IN (SELECT "songs"."ctid" FROM "songs" ORDER BY "id" ASC '
      .. 'LIMIT 2)',
    mysql = 'DELETE FROM `songs` ORDER BY `id` ASC LIMIT 2', value = 2, after = { rows = I(3, 4, 5) } },
  { "truncate",
    function(db) db:table("songs"):truncate() end,
    sqlite = { 'DELETE FROM "songs"', 'DELETE FROM "sqlite_sequence" WHERE "name" = \'songs\'' },
    postgres = { 'TRUNCATE TABLE "songs" RESTART IDENTITY CASCADE' },
    mysql = { 'TRUNCATE TABLE `songs`' }, after = { rows = {} } },
}

local WALKS = {
  { "chunk_by_id: the query's conditions as one group, then id > last",
    function(db)
      local pages = {}
      db:table("songs"):where("album_id", 1):or_where("plays", ">", 60):chunk_by_id(2, function(rows, page)
        pages[#pages + 1] = page .. ":" .. ids(rows)
      end)
      return table.concat(pages, " ")
    end,
    sql = { 'SELECT * FROM "songs" WHERE ("album_id" = ? OR "plays" > ?) ORDER BY "id" ASC LIMIT 2',
            'SELECT * FROM "songs" WHERE ("album_id" = ? OR "plays" > ?) AND "id" > ? ORDER BY "id" ASC '
              .. 'LIMIT 2' },
    fake = { I(1, 2), I(4) }, values = { { 1, 60 }, { 1, 60, 2 } }, value = "1:1,2 2:4" },
  { "chunk_by_id stops when fn returns false",
    function(db)
      local seen = {}
      local r = db:table("songs"):chunk_by_id(2, function(rows) seen[#seen + 1] = ids(rows) return false end)
      return tostring(r) .. " " .. table.concat(seen, " ")
    end, value = "false 1,2" },
  { "each_by_id",
    function(db)
      local t = {}
      db:table("songs"):select("id", "title"):each_by_id(2, function(row, i)
        t[#t + 1] = i .. "=" .. h.text(row.id)
      end)
      return table.concat(t, ",")
    end, value = "1=1,2=2,3=3,4=4,5=5" },
  { "each_by_id while the rows change",
    function(db)
      db:table("songs"):each_by_id(2, function(row)
        db:table("songs"):where("id", row.id):update({ title = row.title .. "!" })
      end)
      return table.concat(db:table("songs"):order_by("id"):pluck("title"), "|")
    end, value = "All I Want!|River!|Coyote!|Amelia!|Urge for Going!" },
  { "lazy_by_id",
    function(db)
      local t = {}
      for row in db:table("songs"):where("id", ">", 1):lazy_by_id(3) do t[#t + 1] = h.text(row.id) end
      return table.concat(t, ",")
    end, value = "2,3,4,5" },
  { "cursor():each and for row in cursor()",
    function(db)
      local t = {}
      db:table("songs"):where("id", "<", 3):order_by("id"):cursor():each(function(row)
        t[#t + 1] = h.text(row.id)
      end)
      for row in db:table("songs"):where("id", ">", 3):order_by("id"):cursor() do
        t[#t + 1] = h.text(row.id)
      end
      return table.concat(t, ",")
    end, value = "1,2,4,5" },
  { "each by offset, stopped by fn",
    function(db)
      local t = {}
      local r = db:table("songs"):order_by("id"):each(function(row, i)
        t[#t + 1] = i .. "=" .. h.text(row.id)
        return i < 3
      end, 2)
      return tostring(r) .. " " .. table.concat(t, ",")
    end, value = "false 1=1,2=2,3=3" },
  { "chunk by offset, in the query's order",
    function(db)
      local t = {}
      db:table("songs"):order_by("id", "desc"):chunk(2, function(rows, page)
        t[#t + 1] = page .. ":" .. ids(rows)
      end)
      return table.concat(t, " ")
    end,
    sql = { 'SELECT * FROM "songs" ORDER BY "id" DESC LIMIT 2 OFFSET 0' }, value = "1:5,4 2:3,2 3:1" },
}

local MISC = {
  { "to_sql and get_bindings (Laravel's toSql, getBindings)",
    function(db)
      local q = db:table("songs"):where("title", "like", "%?%"):where_in("id", { 1, 2 })
      return db:query_builder():select_raw("EXISTS(" .. q:to_sql() .. ") AS e", q:get_bindings()):get()
    end,
    sql = 'SELECT EXISTS(SELECT * FROM "songs" WHERE "title" LIKE ? AND "id" IN (?, ?)) AS e',
    values = { "%?%", 1, 2 }, rows = { { e = 0 } } },
  { "to_raw_sql writes the values in",
    function(db) return db:table("songs"):where("title", "it's"):to_raw_sql() end,
    value = [[SELECT * FROM "songs" WHERE "title" = 'it''s']], only = { sqlite = true, postgres = true } },
  { "when",
    function(db)
      return db:table("songs"):when(true, function(q) q:where("id", 1) end)
        :when(false, function(q) q:where("id", 2) end, function(q) q:or_where("id", 3) end)
        :order_by("id"):get()
    end,
    sql = 'SELECT * FROM "songs" WHERE "id" = ? OR "id" = ? ORDER BY "id" ASC', values = { 1, 3 },
    rows = I(1, 3) },
  { "lock_for_update",
    function(db) return db:table("songs"):where("id", 1):lock_for_update():get() end,
    sqlite = 'SELECT * FROM "songs" WHERE "id" = ?',
    postgres = 'SELECT * FROM "songs" WHERE "id" = ? FOR UPDATE', rows = I(1) },
  { "clone leaves the original as it was",
    function(db)
      local q = db:table("songs"):where("id", ">", 1)
      local c = q:clone():where("id", "<", 4)
      return q:count() .. "/" .. c:count()
    end, value = "4/2" },
}

-- hostile names and values: quotes, backslashes, '?', NUL bytes, UTF-8
local HOSTILE_TABLE, HOSTILE_COL = 'w"e`i?rd', 'c"o`l?'
local VALUES = { "it's", 'say "hi"', [[back\slash\]], "?", "? or ?", "??", "-- not a comment", "/* x */",
                 "$1", "ütf 🎸", "tab\tnew\nline", "' OR '1'='1" }

local function hostile_table(db)
  local t = core.blueprint(HOSTILE_TABLE, "create")
  t:increments("id")
  t:string(HOSTILE_COL):nullable()
  t:binary("b"):nullable()
  for _, s in ipairs(t:to_sql(db.grammar)) do db:execute(s) end
  local rows = {}
  for i, v in ipairs(VALUES) do rows[i] = { [HOSTILE_COL] = v } end
  db:table(HOSTILE_TABLE):insert(rows)
end

local HOSTILE = {
  { "every value comes back as written, found by itself",
    function(db)
      hostile_table(db)
      local q = db:table(HOSTILE_TABLE)
      local bad = {}
      for i, v in ipairs(VALUES) do
        local rows = q:clone():where(HOSTILE_COL, v):get({ "id", HOSTILE_COL })
        if #rows ~= 1 or rows[1][HOSTILE_COL] ~= v or h.text(rows[1].id) ~= tostring(i) then
          bad[#bad + 1] = ("%q"):format(v)
        end
      end
      return table.concat(bad, ", ")
    end, value = "" },
  { "update, where_in, delete with hostile values",
    function(db)
      hostile_table(db)
      local q = db:table(HOSTILE_TABLE)
      q:clone():where(HOSTILE_COL, "?"):update({ [HOSTILE_COL] = "it's \\ ? again" })
      q:clone():where_in(HOSTILE_COL, { "it's", 'say "hi"' }):delete()
      return table.concat(q:clone():where("id", "<", 5):order_by("id"):pluck(HOSTILE_COL), "|")
    end, value = [[back\slash\|it's \ ? again]] },
  { "a NUL byte in a value",
    function(db)
      hostile_table(db)
      local q = db:table(HOSTILE_TABLE)
      q:clone():where("id", 1):update({ b = "a\0b" })
      local got = q:clone():where("b", "a\0b"):value("b")
      return got == "a\0b" and "round trip" or ("got " .. ("%q"):format(tostring(got)))
    end, value = "round trip" },
  { "the SQL of hostile names",
    function(db) return db:table(HOSTILE_TABLE .. " as a?b"):select(HOSTILE_COL):where("a?b.id", 1):get() end,
    sql = 'SELECT "c""o`l?" FROM "w""e`i?rd" AS "a?b" WHERE "a?b"."id" = ?',
    mysql = 'SELECT `c"o``l?` FROM `w"e``i?rd` AS `a?b` WHERE `a?b`.`id` = ?' },
}

for _, dialect in ipairs({ "sqlite", "postgres", "mysql" }) do
  describe("query builder [#" .. dialect .. "]", function()
    describe("select", function() h.cases(SELECTS, dialect) end)
    describe("aggregates", function() h.cases(AGGREGATES, dialect) end)
    describe("writes", function() h.cases(WRITES, dialect) end)
    describe("walks", function() h.cases(WALKS, dialect) end)
    describe("misc", function() h.cases(MISC, dialect) end)
    describe("hostile names and values", function() h.cases(HOSTILE, dialect) end)
  end)
end
