-- bench/query.lua: the query builder's overhead per query (bench/run_query.sh
-- runs it): building a query and compiling it (g:query_sql), and a whole
-- builder call on SQLite against db:query with the same SQL and values.
-- Each figure is the median over ROUNDS rounds of N queries, in
-- microseconds of CPU time (os.clock: the host's other jobs weigh less
-- than on a wall clock) per query; the three of a case take turns in each
-- round. Run from the source tree with the build's lmigrate.core on
-- package.cpath:
--   lua5.4 bench/query.lua [N] [ROUNDS]
package.path = "lua/?.lua;lua/?/init.lua;" .. package.path
local core = require("lmigrate.core")
local DB = require("lmigrate.db")

local N = tonumber(arg[1]) or 20000
local ROUNDS = math.max(5, tonumber(arg[2]) or 9)
local clock = os.clock

local db = DB.new(assert(core.connect("sqlite", ":memory:")), core.grammar("sqlite"))
db:execute("CREATE TABLE songs (id INTEGER PRIMARY KEY, album_id INTEGER, title TEXT, plays INTEGER)")
db:execute("CREATE TABLE albums (id INTEGER PRIMARY KEY, name TEXT)")
db:execute("BEGIN")
for i = 1, 1000 do
  db:execute("INSERT INTO songs VALUES (?, ?, ?, ?)", i, i % 10, "song " .. i, i * 7 % 100)
end
for i = 1, 10 do db:execute("INSERT INTO albums VALUES (?, ?)", i, "album " .. i) end
db:execute("COMMIT")

local function median(t)
  table.sort(t)
  local n = #t
  return n % 2 == 1 and t[(n + 1) // 2] or (t[n // 2] + t[n // 2 + 1]) / 2
end

-- µs per call of each of fns (fn(i)): the medians of ROUNDS rounds of N
-- calls, the functions taking turns in each round
local function time(fns)
  local rounds = {}
  for k = 1, #fns do rounds[k] = {} end
  for r = 1, ROUNDS do
    for k, fn in ipairs(fns) do
      collectgarbage()
      local t0 = clock()
      for i = 1, N do fn(i) end
      rounds[k][r] = (clock() - t0) / N * 1e6
    end
  end
  local m = {}
  for k = 1, #fns do m[k] = median(rounds[k]) end
  return table.unpack(m)
end

local g = db.grammar
local function compile(q, op, ...) return g:query_sql(op, q, op, ...) end

local CASES = {
  { "where(id):first()",
    build = function(i) return compile(db:table("songs"):where("id", i):limit(1), "select") end,
    builder = function(i) return db:table("songs"):where("id", i % 1000 + 1):first() end,
    sql = 'SELECT * FROM "songs" WHERE "id" = ? LIMIT 1',
    raw = function(sql, i) return db:query(sql, i % 1000 + 1)[1] end },
  { "select, join, 3 wheres, order, limit",
    build = function(i)
      return compile(db:table("songs"):select("songs.id", "songs.title", "albums.name as album")
        :join("albums", "albums.id", "=", "songs.album_id"):where("songs.plays", ">", i % 90)
        :where_in("songs.album_id", { 1, 2, 3 }):where_not_null("songs.title")
        :order_by("songs.id", "desc"):limit(5), "select")
    end,
    builder = function(i)
      return db:table("songs"):select("songs.id", "songs.title", "albums.name as album")
        :join("albums", "albums.id", "=", "songs.album_id"):where("songs.plays", ">", i % 90)
        :where_in("songs.album_id", { 1, 2, 3 }):where_not_null("songs.title")
        :order_by("songs.id", "desc"):limit(5):get()
    end,
    sql = 'SELECT "songs"."id", "songs"."title", "albums"."name" AS "album" FROM "songs" INNER JOIN "albums" '
      .. 'ON "albums"."id" = "songs"."album_id" WHERE "songs"."plays" > ? '
      .. 'AND "songs"."album_id" IN (?, ?, ?) AND "songs"."title" IS NOT NULL '
      .. 'ORDER BY "songs"."id" DESC LIMIT 5',
    raw = function(sql, i) return db:query(sql, i % 90, 1, 2, 3) end },
  { "where(id):update({ plays })",
    build = function(i)
      return compile(db:table("songs"):where("id", i), "update", { "plays", i, false })
    end,
    builder = function(i) return db:table("songs"):where("id", i % 1000 + 1):update({ plays = i }) end,
    sql = 'UPDATE "songs" SET "plays" = ? WHERE "id" = ?',
    raw = function(sql, i) return db:execute(sql, i, i % 1000 + 1) end },
}

-- the builder's SQL is the raw SQL of each case
for _, c in ipairs(CASES) do
  local sql = c.build(1)
  assert(sql == c.sql, ("%s: the builder writes\n%s"):format(c[1], sql))
end

print(("query builder overhead, N = %d queries a round, median of %d rounds, µs per query")
  :format(N, ROUNDS))
print(("%-40s %10s %10s %10s %10s"):format("case", "build+sql", "builder", "raw", "overhead"))
db:execute("BEGIN")
for _, c in ipairs(CASES) do
  local build, builder, raw = time({ c.build, c.builder, function(i) return c.raw(c.sql, i) end })
  print(("%-40s %10.2f %10.2f %10.2f %10.2f"):format(c[1], build, builder, raw, builder - raw))
end
db:execute("COMMIT")
