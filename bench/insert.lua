-- bench/insert.lua: db:insert on MySQL in one process, LOAD DATA LOCAL INFILE
-- against the prepared INSERTs it falls back to, taking turns in the same
-- transaction-per-round; medians. (1) 100,000 rows of bench/run_seed.sh's
-- seeder, 10,000 a call; (2) one call of N rows for N from 1 to 2000, to
-- place db/bulk.lua's LOAD_MIN (this file loads db/bulk.lua with LOAD_MIN = 1
-- so that every size can load). Run from the checkout, after the build:
--   LUA_CPATH='build/lib/?.so' LUA_PATH='lua/?.lua;lua/?/init.lua' \
--     scripts/with-mariadb.sh lua5.4 bench/insert.lua
-- (LMIGRATE_MYSQL_SOCKET and LMIGRATE_MYSQL_DATABASE name the server.)
local path = package.searchpath("lmigrate.db.bulk", package.path)
local src = assert(io.open(path)):read("a")
local patched, n = src:gsub("\nlocal LOAD_MIN = %d+", "\nlocal LOAD_MIN = 1")
assert(n == 1, "LOAD_MIN not found in " .. path)
package.preload["lmigrate.db.bulk"] = assert(load(patched, "@" .. path))

local core = require("lmigrate.core")
local DB = require("lmigrate.db")
local conn = assert(core.connect("mysql", os.getenv("LMIGRATE_MYSQL_DATABASE") or "test",
  { user = "root", socket = assert(os.getenv("LMIGRATE_MYSQL_SOCKET"), "LMIGRATE_MYSQL_SOCKET") }))
local db = DB.new(conn, core.grammar("mysql"))
db:execute("DROP TABLE IF EXISTS bench_items")
db:execute("CREATE TABLE bench_items (id BIGINT PRIMARY KEY, name VARCHAR(255) NOT NULL, "
  .. "email VARCHAR(255) NOT NULL, score INT NOT NULL, created_at DATETIME NOT NULL)")

local STAMPS = {}
for d = 1, 28 do STAMPS[d] = ("2026-01-%02d %02d:%02d:00"):format(d, d % 24, (d * 7) % 60) end
local function rows_of(first, count)
  local rows = {}
  for i = first, first + count - 1 do
    rows[#rows + 1] = { id = i, name = "user " .. i, email = "user" .. i .. "@example.com",
                        score = i % 1000, created_at = STAMPS[i % 28 + 1] }
  end
  return rows
end

local function median(t)
  table.sort(t)
  return t[(#t + 1) // 2]
end

-- ms of db:insert of 'calls' lists, in one transaction, by LOAD DATA or INSERT
local function timed(lists, mode)
  db:execute("TRUNCATE bench_items")
  db.load_refused = (mode == "insert") or nil
  db:begin()
  local t = 0
  for _, rows in ipairs(lists) do
    local t0 = core.clock()
    db:insert("bench_items", rows)
    t = t + core.clock() - t0
  end
  db:commit()
  return t * 1000
end

local function compare(title, lists, rounds)
  local load, insert = {}, {}
  for r = 1, rounds do
    load[r] = timed(lists, "load")
    insert[r] = timed(lists, "insert")
  end
  local l, i = median(load), median(insert)
  print(("%-34s LOAD DATA %9.3f ms   INSERTs %9.3f ms   %.2fx"):format(title, l, i, i / l))
end

local big = {}
for first = 1, 100000, 10000 do big[#big + 1] = rows_of(first, 10000) end
compare("100,000 rows, 10,000 a db:insert", big, 7)
for _, size in ipairs({ 1, 10, 25, 50, 100, 200, 500, 2000 }) do
  compare(("one db:insert of %d rows"):format(size), { rows_of(1, size) }, 41)
end
db:execute("DROP TABLE bench_items")
