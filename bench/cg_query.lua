-- bench/cg_query.lua MODE N: N calls of one query builder case, to count
-- its instructions under callgrind (bench/cg_query.sh runs it, less mode
-- none). Whole queries: first, update, join and their floors rawfirst,
-- rawupdate, rawjoin (db:query / db:execute with the same SQL); one
-- builder call each after db:table("songs"): t (that alone), s (select of
-- 3), j (join), w (where >), wi (where_in of 3), wn (where_not_null), o
-- (order_by desc), l (limit), all (the seven), wid (where id =, first's
-- and update's builder); c<mode> compiles the query of one of those by
-- g:query_args, cfirst and cupdate as first() and update() compile wid.
package.path = "lua/?.lua;lua/?/init.lua;" .. package.path
local core = require("lmigrate.core")
local DB = require("lmigrate.db")
local db = DB.new(assert(core.connect("sqlite", ":memory:")), core.grammar("sqlite"))
db:execute("CREATE TABLE songs (id INTEGER PRIMARY KEY, album_id INTEGER, title TEXT, plays INTEGER)")
db:execute("CREATE TABLE albums (id INTEGER PRIMARY KEY, name TEXT)")
for i = 1, 100 do db:execute("INSERT INTO songs VALUES (?, ?, ?, ?)", i, i % 10, "song " .. i, i * 7 % 100) end
for i = 1, 10 do db:execute("INSERT INTO albums VALUES (?, ?)", i, "album " .. i) end
local g = db.grammar
-- the builder's modules load at its first call (db/init.lua): here, so that
-- mode none counts their loading too and no mode's figure holds it
db:table("songs")
local mode, N = arg[1], tonumber(arg[2]) or 20000
local sql = 'SELECT * FROM "songs" WHERE "id" = ? LIMIT 1'
local usql = 'UPDATE "songs" SET "plays" = ? WHERE "id" = ?'
local jsql = 'SELECT "songs"."id", "songs"."title", "albums"."name" AS "album" FROM "songs" INNER JOIN "albums" '
  .. 'ON "albums"."id" = "songs"."album_id" WHERE "songs"."plays" > ? '
  .. 'AND "songs"."album_id" IN (?, ?, ?) AND "songs"."title" IS NOT NULL '
  .. 'ORDER BY "songs"."id" DESC LIMIT 5'
local function seven(i)
  return db:table("songs"):select("songs.id", "songs.title", "albums.name as album")
    :join("albums", "albums.id", "=", "songs.album_id"):where("songs.plays", ">", i % 90)
    :where_in("songs.album_id", { 1, 2, 3 }):where_not_null("songs.title")
    :order_by("songs.id", "desc"):limit(5)
end
local F = {
  none = function() end,
  first = function(i) return db:table("songs"):where("id", i % 100 + 1):first() end,
  rawfirst = function(i) return db:query(sql, i % 100 + 1)[1] end,
  update = function(i) return db:table("songs"):where("id", i % 100 + 1):update({ plays = i }) end,
  rawupdate = function(i) return db:execute(usql, i, i % 100 + 1) end,
  join = function(i) return seven(i):get() end,
  rawjoin = function(i) return db:query(jsql, i % 90, 1, 2, 3) end,
  t = function() return db:table("songs") end,
  s = function() return db:table("songs"):select("songs.id", "songs.title", "albums.name as album") end,
  j = function() return db:table("songs"):join("albums", "albums.id", "=", "songs.album_id") end,
  w = function(i) return db:table("songs"):where("songs.plays", ">", i % 90) end,
  wi = function() return db:table("songs"):where_in("songs.album_id", { 1, 2, 3 }) end,
  wn = function() return db:table("songs"):where_not_null("songs.title") end,
  o = function() return db:table("songs"):order_by("songs.id", "desc") end,
  l = function() return db:table("songs"):limit(5) end,
  all = seven,
  wid = function(i) return db:table("songs"):where("id", i % 100 + 1) end,
  cfirst = function(i) return g:query_args("select", db:table("songs"):where("id", i % 100 + 1), "first", 1) end,
  cupdate = function(i)
    return g:query_args("update", db:table("songs"):where("id", i % 100 + 1), "update", { "plays", i, false })
  end,
}
local BUILDERS = { t = true, s = true, j = true, w = true, wi = true, wn = true, o = true, l = true,
                   all = true, wid = true }
local f = F[mode]
if f == nil and mode:sub(1, 1) == "c" and BUILDERS[mode:sub(2)] then
  local b = F[mode:sub(2)]
  f = function(i) return g:query_args("select", b(i), "get") end
end
assert(f, "bench/cg_query.lua: no mode " .. tostring(mode))
for i = 1, N do f(i) end
