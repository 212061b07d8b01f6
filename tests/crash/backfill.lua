-- tests/crash/backfill.lua: kill -9 in the middle of self:backfill. A
-- table of ROWS rows is walked by a migration with two backfills (a
-- function adding 1 to a counter, and the declarative form adding 1 to
-- another); SIGKILL lands at a random moment of `migrate`, then `migrate`
-- runs again. After it every row's counters are exactly 1 (no batch twice,
-- none lost), the migration is in the history once and no progress row is
-- left. On PostgreSQL a writer updating random rows while a backfill runs
-- is never blocked for much longer than one batch.
-- Then the same on a key of two columns (album_id past 2^53, a string),
-- for an up's backfills and for a down's: SIGKILL at a random moment of
-- `migrate`, then `migrate`; at a random moment of `rollback --step 1`,
-- then `rollback --step 1` when the migration is still in the history.
-- Each counter ends at exactly 1, the history row is there once (up) or
-- gone (down), no progress row is left. And a seeder's backfill: SIGKILL
-- at a random moment of `seed`, then `seed` once more unless the walk had
-- finished: each counter at exactly 1.
--
--   tests/run-probe lua5.4 tests/crash/backfill.lua [--long]
local probe = require("probe")
local helpers = require("spec.helpers")
local core = require("lmigrate.core")

local p = probe.new("backfill", { short = { kills = 3, rows = 10000, pairs = 2, albums = 40 },
                                  long = { kills = 20, rows = 200000, pairs = 6, albums = 500 } })
local ROWS, BATCH = p.budget.rows, 1000
local CREATE = "2026_01_01_000000_create_songs"
local FILL = "2026_01_02_000000_fill_songs"

local CREATE_SRC = ([[
return {
  up = function(self)
    self.schema:create("songs", function(t)
      t:increments("id")
      t:string("title")
      t:integer("counter"):default(0)
      t:integer("counter2"):default(0)
      t:integer("other"):default(0)
      t:string("slug"):nullable()
    end)
    for from = 1, %d, 1000 do
      local rows = {}
      for i = from, from + 999 do rows[#rows + 1] = { title = "song " .. i } end
      self.db:table("songs"):insert(rows)
    end
  end,
  down = function(self) self.schema:drop("songs") end,
}
]]):format(ROWS)

local FILL_SRC = ([[
local lmigrate = require("lmigrate")
return {
  up = function(self)
    self:backfill("songs", { batch = %d }, function(rows, db)
      local ids = {}
      for i, r in ipairs(rows) do ids[i] = r.id end
      db:table("songs"):where_in("id", ids):update({ slug = lmigrate.raw("title"),
                                                    counter = lmigrate.raw("counter + 1") })
    end)
    self:backfill("songs", { batch = %d, set = { counter2 = lmigrate.raw("counter2 + 1") } })
  end,
  down = function(self)
    self.db:execute("UPDATE songs SET counter = 0, counter2 = 0, slug = NULL")
  end,
}
]]):format(BATCH, BATCH)

local function kill_run(project, args, delay)
  local line = helpers.command_line(args, { cwd = project.dir, env = project.dialect:env(project),
                                            timeout = false })
  local script = ("( %s ) </dev/null >/dev/null 2>&1 & pid=$!\nsleep %.3f\nkill -9 $pid 2>/dev/null\n"
    .. "wait $pid; echo $?"):format(line, delay)
  local f = assert(io.popen("sh -c " .. helpers.quote(script) .. " 2>/dev/null"))
  local status = tonumber(f:read("a"):match("(%d+)%s*$"))
  f:close()
  return status == 137, status
end

-- what the database holds: the counters' spread, the history, the progress rows
local function state(project)
  return project:with_db(function(db)
    local r = db:first("SELECT COUNT(*) AS n, MIN(counter) AS lo, MAX(counter) AS hi, MIN(counter2) AS lo2,"
      .. " MAX(counter2) AS hi2, SUM(CASE WHEN slug = title THEN 1 ELSE 0 END) AS slugs FROM songs")
    local s = {}
    for k, v in pairs(r) do s[k] = math.tointeger(tonumber(v)) end
    s.fill = math.tointeger(tonumber(db:scalar("SELECT COUNT(*) AS n FROM migrations WHERE migration = ?",
      FILL)))
    s.progress = db:has_table("migrations_backfills")
      and math.tointeger(tonumber(db:scalar("SELECT COUNT(*) AS n FROM migrations_backfills"))) or 0
    return s
  end)
end

local function check_done(where, s)
  p:check(s.n == ROWS and s.lo == 1 and s.hi == 1 and s.lo2 == 1 and s.hi2 == 1 and s.slugs == ROWS, where,
    "the rows are not each done once: %d rows, counter %s..%s, counter2 %s..%s, %s slugs", s.n or -1,
    tostring(s.lo), tostring(s.hi), tostring(s.lo2), tostring(s.hi2), tostring(s.slugs))
  p:check(s.fill == 1, where, "the migration is in the history %d times", s.fill or -1)
  p:check(s.progress == 0, where, "%d progress rows left", s.progress or -1)
end

-- a killed run leaves every counter 0 or 1, and 1s only in a prefix of the keys
local function check_killed(where, project)
  local bad = project:with_db(function(db)
    return math.tointeger(tonumber(db:scalar("SELECT COUNT(*) AS n FROM songs"
      .. " WHERE counter > 1 OR counter2 > 1 OR counter < 0")))
  end)
  p:check(bad == 0, where, "%d rows done twice after the kill", bad or -1)
end

local function trial(dialect, project, span, i)
  local where = ("%s kill %d"):format(dialect, i)
  project:ok("rollback", "--step", "1")
  local killed, status = kill_run(project, { "migrate" }, 0.02 + math.random() * span * 0.95)
  if killed then p:count(dialect, "kills") else
    p:count(dialect, "finished before the kill")
    p:check(status == 0, where, "exit %s without a kill", tostring(status))
  end
  check_killed(where, project)
  local r = project:run("migrate")
  if p:check(r.status == 0, where, "the next migrate failed\n%s", probe.describe(r)) then
    p:took_over(dialect, r)
    if r.stdout:find("Resuming the backfill", 1, true) then p:count(dialect, "resumed") end
    check_done(where .. ", then migrate", state(project))
  end
end

-- PostgreSQL: a writer of random rows during a backfill waits at most about
-- one batch for a lock. The bound is the writer's lock_timeout, which counts
-- the time an UPDATE waits on a lock and nothing else: a loaded host's
-- stall of the process (its wall time, printed) is no lock held.
local function writer(dialect, project, span)
  project:ok("rollback", "--step", "1")
  -- a batch's time: the whole walk (two backfills) over its batches
  local batch = span / (2 * ROWS / BATCH)
  local limit = 3 * batch + 0.1
  local run = project:spawn({ "migrate" })
  local db = project:connect()
  db:run(("SET lock_timeout = '%dms'"):format(math.ceil(limit * 1000)))
  local worst, n, blocked, t_end = 0, 0, nil, core.clock() + span * 0.9
  while core.clock() < t_end do
    local t0 = core.clock()
    local ok, err = pcall(db.run, db, "UPDATE songs SET other = other + 1 WHERE id = ?", math.random(1, ROWS))
    if not ok then blocked = blocked or tostring(err) end
    local dt = core.clock() - t0
    if dt > worst then worst = dt end
    n = n + 1
  end
  db:close()
  local r = run:wait()
  p:check(r.status == 0, "writer", "the migrate beside the writer failed\n%s", probe.describe(r))
  check_done("writer", state(project))
  print(("%s: %d writer updates, the longest took %.1fms; a batch takes %.1fms"):format(dialect, n,
    worst * 1000, batch * 1000))
  p:count(dialect, "writer updates", n)
  p:check(blocked == nil, "writer", "a writer waited on a lock past %.1fms (a batch takes %.1fms): %s",
    limit * 1000, batch * 1000, tostring(blocked))
end

-- {======================================================
-- A key of two columns, an up's backfills and a down's
-- ======================================================

local BIG = 9007199254740993   -- 2^53 + 1
local CODES = 100
local TRACKS = p.budget.albums * CODES
local CREATE2 = "2026_01_01_000000_create_tracks"
local FILL2 = "2026_01_02_000000_fill_tracks"

local CREATE2_SRC = ([[
return {
  up = function(self)
    self.schema:create("tracks", function(t)
      t:big_integer("album_id")
      t:string("code", 20)
      for _, c in ipairs { "counter", "counter2", "undone", "undone2" } do t:integer(c):default(0) end
      t:primary({ "album_id", "code" })
    end)
    for a = 1, %d do
      local rows = {}
      for j = 1, %d do rows[j] = { album_id = %d + a, code = ("c'%%03d"):format(j) } end
      self.db:table("tracks"):insert(rows)
    end
  end,
  down = function(self) self.schema:drop("tracks") end,
}
]]):format(p.budget.albums, CODES, BIG)

-- a function adding 1 to column c of a batch's rows, album by album
local BUMP = [[function(rows, db)
      local by = {}
      for _, r in ipairs(rows) do
        by[r.album_id] = by[r.album_id] or {}
        table.insert(by[r.album_id], r.code)
      end
      for a, codes in pairs(by) do
        db:table("tracks"):where("album_id", a):where_in("code", codes)
          :update({ %s = lmigrate.raw("%s + 1") })
      end
    end]]

local FILL2_SRC = ([[
local lmigrate = require("lmigrate")
return {
  up = function(self)
    self:backfill("tracks", { batch = 700 }, %s)
    self:backfill("tracks", { batch = 900, set = { counter2 = lmigrate.raw("counter2 + 1") } })
  end,
  down = function(self)
    self:backfill("tracks", { batch = 700 }, %s)
    self:backfill("tracks", { batch = 900, set = { undone2 = lmigrate.raw("undone2 + 1") } })
  end,
}
]]):format(BUMP:format("counter", "counter"), BUMP:format("undone", "undone"))

-- the counters' spread, the history row, the progress rows
local function state2(project)
  return project:with_db(function(db)
    local s = {}
    for _, c in ipairs { "counter", "counter2", "undone", "undone2" } do
      local r = db:first(("SELECT MIN(%s) AS lo, MAX(%s) AS hi FROM tracks"):format(c, c))
      local lo, hi = math.tointeger(tonumber(r.lo)), math.tointeger(tonumber(r.hi))
      s[c] = ("%s..%s"):format(tostring(lo), tostring(hi))
    end
    s.n = math.tointeger(tonumber(db:scalar("SELECT COUNT(*) AS n FROM tracks")))
    s.fill = math.tointeger(tonumber(db:scalar("SELECT COUNT(*) AS n FROM migrations WHERE migration = ?",
      FILL2)))
    s.progress = db:has_table("migrations_backfills")
      and math.tointeger(tonumber(db:scalar("SELECT COUNT(*) AS n FROM migrations_backfills"))) or 0
    return s
  end)
end

local function check2(where, s, want)
  local ok = s.n == TRACKS and s.progress == 0
  for k, v in pairs(want) do ok = ok and s[k] == v end
  p:check(ok, where, "%d rows, counter %s, counter2 %s, undone %s, undone2 %s, history %d, progress %d",
    s.n or -1, s.counter, s.counter2, s.undone, s.undone2, s.fill or -1, s.progress or -1)
end

-- after a kill no counter is past 1
local function check_killed2(where, project)
  local bad = project:with_db(function(db)
    return math.tointeger(tonumber(db:scalar("SELECT COUNT(*) AS n FROM tracks WHERE counter > 1"
      .. " OR counter2 > 1 OR undone > 1 OR undone2 > 1")))
  end)
  p:check(bad == 0, where, "%d rows done twice after the kill", bad or -1)
end

local function killed_count(dialect, killed, status, where, what)
  if killed then return p:count(dialect, what .. " kills") end
  p:count(dialect, what .. " finished before the kill")
  p:check(status == 0, where, "exit %s without a kill", tostring(status))
end

-- one kill of migrate, then of rollback; spans: the walks' times
local function trial2(dialect, project, spans, i)
  local where = ("%s composite kill %d"):format(dialect, i)
  project:with_db(function(db)
    db:run("UPDATE tracks SET counter = 0, counter2 = 0, undone = 0, undone2 = 0")
  end)
  local killed, status = kill_run(project, { "migrate" }, 0.02 + math.random() * spans.up * 0.95)
  killed_count(dialect, killed, status, where, "composite migrate")
  check_killed2(where, project)
  local r = project:run("migrate")
  if not p:check(r.status == 0, where, "the next migrate failed\n%s", probe.describe(r)) then return end
  p:took_over(dialect, r)
  if r.stdout:find("Resuming the backfill", 1, true) then p:count(dialect, "composite resumed") end
  check2(where .. ", then migrate", state2(project), { counter = "1..1", counter2 = "1..1", fill = 1,
                                                       undone = "0..0", undone2 = "0..0" })
  where = ("%s composite down kill %d"):format(dialect, i)
  killed, status = kill_run(project, { "rollback", "--step", "1" }, 0.02 + math.random() * spans.down * 0.95)
  killed_count(dialect, killed, status, where, "down")
  check_killed2(where, project)
  if state2(project).fill == 1 then
    r = project:run("rollback", "--step", "1")
    if not p:check(r.status == 0, where, "the next rollback failed\n%s", probe.describe(r)) then return end
    p:took_over(dialect, r)
    if r.stdout:find("Resuming the backfill", 1, true) then p:count(dialect, "down resumed") end
  end
  check2(where .. ", then rollback", state2(project), { counter = "1..1", counter2 = "1..1", fill = 0,
                                                        undone = "1..1", undone2 = "1..1" })
end

local SEEDER_SRC = ([[
local lmigrate = require("lmigrate")
local Seeder = require("lmigrate.seeder")
local S = Seeder:extend("DatabaseSeeder")
function S:run()
  self:backfill("tracks", { batch = 700 }, %s)
end
return S
]]):format(BUMP:format("counter", "counter"))

-- a kill of seed, then seed again unless its walk had finished
local function seeded(dialect, project, i)
  local where = ("%s seed kill %d"):format(dialect, i)
  project:with_db(function(db) db:run("UPDATE tracks SET counter = 0") end)
  local t0 = core.clock()
  project:ok("seed")
  local span = core.clock() - t0
  project:with_db(function(db) db:run("UPDATE tracks SET counter = 0") end)
  local killed, status = kill_run(project, { "seed" }, 0.02 + math.random() * span * 0.95)
  killed_count(dialect, killed, status, where, "seed")
  check_killed2(where, project)
  local s = state2(project)
  if s.progress > 0 or s.counter == "0..0" then
    local r = project:run("seed")
    if not p:check(r.status == 0, where, "the next seed failed\n%s", probe.describe(r)) then return end
    p:took_over(dialect, r)
    if r.stdout:find("Resuming the backfill", 1, true) then p:count(dialect, "seed resumed") end
    s = state2(project)
  end
  p:check(s.counter == "1..1" and s.progress == 0, where, "counter %s, %d progress rows", s.counter,
    s.progress or -1)
end

local function composite(dialect)
  local project = helpers.project(dialect)
  probe.short_lease(project)
  project:write(CREATE2, CREATE2_SRC)
  project:ok("migrate")
  project:write(FILL2, FILL2_SRC)
  local spans = {}
  local t0 = core.clock()
  project:ok("migrate")
  spans.up = core.clock() - t0
  t0 = core.clock()
  project:ok("rollback", "--step", "1")
  spans.down = core.clock() - t0
  print(("%s: %d rows by (album_id, code): the up's walk takes %.2fs, the down's %.2fs"):format(dialect,
    TRACKS, spans.up, spans.down))
  for i = 1, p.budget.pairs do
    if not p:protect(dialect, trial2, dialect, project, spans, i) then break end
  end
  assert(os.execute("mkdir -p " .. helpers.quote(project:path("databases/seeds"))))
  helpers.write_file(project:path("databases/seeds/database_seeder.lua"), SEEDER_SRC)
  for i = 1, p.budget.pairs do
    if not p:protect(dialect, seeded, dialect, project, i) then break end
  end
  project:cleanup()
end

-- }======================================================

for _, dialect in p:each_dialect({ "sqlite", "postgres", "mysql" }) do
  p:protect(dialect, function()
    local project = helpers.project(dialect)
    probe.short_lease(project)
    project:write(CREATE, CREATE_SRC)
    project:write(FILL, FILL_SRC)
    project:ok("migrate", "--step")
    check_done(dialect .. " first run", state(project))
    -- the time of the walk alone, for the kills' moments
    project:ok("rollback", "--step", "1")
    local t0 = core.clock()
    project:ok("migrate")
    local span = core.clock() - t0
    print(("%s: the walk of %d rows (two backfills) takes %.2fs"):format(dialect, ROWS, span))
    for i = 1, p.budget.kills do
      if not p:protect(dialect, trial, dialect, project, span, i) then break end
    end
    if dialect.name == "postgres" then p:protect(dialect, writer, dialect, project, span) end
    project:cleanup()
  end)
  p:protect(dialect, composite, dialect)
end

p:finish()
