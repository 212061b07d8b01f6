-- online = true on the real PostgreSQL (issue 10): an index, a unique
-- key, a foreign key, a CHECK and a NOT NULL added to a table of 200,000
-- rows while a second connection inserts in a loop; no insert waits
-- longer than a small bound, the index is valid, the keys validated, the
-- column NOT NULL, the history row written. A CONCURRENTLY build that
-- fails leaves no INVALID index behind and no history row; --pretend
-- shows the steps outside the transaction.
local helpers = require("spec.helpers")
local servers = require("spec.support.servers")

local core = helpers.core

local BASE = "2026_01_01_000000_base"
local ONLINE = "2026_02_01_000000_online"
-- seconds an insert may wait: without online = true the slowest waits ~0.7 s here
local BOUND = 0.3

local base = helpers.migration {
  up = [[
  self.schema:create("artists", function(t) t:increments("id") end)
  self.schema:create("songs", function(t)
    t:increments("id")
    t:string("name"):nullable()
    t:integer("artist_id"):nullable()
    t:decimal("price", 8, 2):nullable()
  end)
  self.db:execute("INSERT INTO artists (id) VALUES (1)")
  self.db:execute("INSERT INTO songs (name, artist_id, price) SELECT 'song ' || g, 1, g % 100"
    .. " FROM generate_series(1, 200000) AS g")]],
  down = '  self.schema:drop("songs")\n  self.schema:drop("artists")',
}

local function online(body)
  return helpers.migration { up = ('  self.schema:table("songs", function(t)\n%s\n  end)'):format(body),
                             down = "", extra = "M.online = true" }
end

local WORK = [[
    t:index("name")
    t:unique({ "id", "name" }, "songs_id_name_unique")
    t:foreign("artist_id"):references("id"):on("artists")
    t:check("price >= 0", "songs_price_check")
    t:decimal("price", 8, 2):change()]]

describe("online = true [#postgres]", function()
  local PG = servers.need("postgres", "online = true on PostgreSQL")
  if not PG then return end
  local project
  before_each(function()
    project = helpers.project("postgres")
    project:write(BASE, base)
    project:ok("migrate")
  end)
  after_each(function() project:cleanup() end)

  it("--pretend prints the steps that run outside the transaction", function()
    project:write(ONLINE, online(WORK))
    local r = project:run("migrate", "--pretend")
    assert.equals(0, r.status, r.stderr)
    local tx, out = r.stdout:match("(.*)%-%- then outside the transaction, one by one:\n(.*)")
    assert.truthy(tx, r.stdout)
    assert.matches('FOREIGN KEY ("artist_id") REFERENCES "artists" ("id") NOT VALID', tx, 1, true)
    assert.matches('CREATE INDEX CONCURRENTLY "songs_name_index"', out, 1, true)
    assert.matches('VALIDATE CONSTRAINT "songs_artist_id_foreign"', out, 1, true)
    assert.matches('ALTER COLUMN "price" SET NOT NULL', out, 1, true)
    assert.same({}, (r.stdout:find("warning:", 1, true)) and { r.stdout } or {})
  end)

  it("a writer inserting in a loop is never blocked longer than the bound", function()
    project:write(ONLINE, online(WORK))
    local db = project:connect()
    finally(function() db:close() end)
    db:run("SET lock_timeout = '5s'")
    local run = project:spawn({ "migrate" })
    local worst, n, failed = 0, 0, {}
    local stop = core.clock() + 60
    repeat
      local t0 = core.clock()
      local ok, msg = db:exec("INSERT INTO songs (name, artist_id, price) VALUES ('live', 1, 1)")
      local dt = core.clock() - t0
      if not ok then failed[#failed + 1] = msg end
      if dt > worst then worst = dt end
      n = n + 1
      local done = db:scalar("SELECT count(*) AS n FROM migrations WHERE migration = ?", ONLINE)
    until tonumber(done) == 1 or core.clock() > stop
    local r = run:wait()
    io.stderr:write(("online = true: %d inserts during the migration, the slowest %.3fs\n")
      :format(n, worst))
    assert.equals(0, r.status, r.stdout .. r.stderr)
    assert.same({}, failed)
    assert.is_true(n > 10, "the writer ran " .. n .. " inserts only")
    assert.is_true(worst < BOUND, ("an insert waited %.3fs (bound %.1fs)"):format(worst, BOUND))
    assert.equals(0, db:scalar("SELECT count(*) AS n FROM pg_index i JOIN pg_class c ON c.oid ="
      .. " i.indrelid WHERE c.relname = 'songs' AND NOT i.indisvalid"))
    assert.equals(3, db:scalar("SELECT count(*) AS n FROM pg_constraint WHERE conrelid ="
      .. " 'songs'::regclass AND convalidated AND conname IN ('songs_artist_id_foreign',"
      .. " 'songs_price_check', 'songs_id_name_unique')"))
    assert.equals(0, db:scalar("SELECT count(*) AS n FROM pg_constraint WHERE conname ="
      .. " 'songs_price_not_null'"))
    assert.is_true(project:columns("songs").price.notnull)
    assert.same({ BASE, ONLINE }, project:applied())
  end)

  it("a failed CONCURRENTLY build drops its INVALID index; no history row", function()
    project:write(ONLINE, online('    t:unique("price", "songs_price_unique")'))
    local r = project:run("migrate")
    assert.equals(1, r.status, r.stdout)
    assert.matches("outside the transaction failed", r.stderr, 1, true)
    assert.matches("INVALID index it left was dropped", r.stderr, 1, true)
    assert.same({ BASE }, project:applied())
    assert.equals(0, project:with_db(function(db)
      return db:scalar("SELECT count(*) AS n FROM pg_class WHERE relname = 'songs_price_unique'")
    end))
    -- fixed, it runs again from its start
    project:write(ONLINE, online('    t:unique({ "id", "price" }, "songs_price_unique")'))
    project:ok("migrate")
    assert.same({ BASE, ONLINE }, project:applied())
  end)

  it("lmigrate sql writes the autocommit steps after COMMIT, the history row last", function()
    project:write(ONLINE, online(WORK))
    local r = project:ok("sql", "--dialect", "postgres")
    local script = r.stdout:match("%-%- " .. ONLINE .. "\n(.*)$")
    local tx, out = script:match("^BEGIN;\n(.-)COMMIT;\n%-%- online = true: outside the transaction,"
      .. " one by one\n(.*)$")
    assert.truthy(tx, script)
    assert.matches("NOT VALID;", tx, 1, true)
    assert.is_nil(tx:find("CONCURRENTLY", 1, true))
    assert.matches('^CREATE INDEX CONCURRENTLY "songs_name_index"', out)
    assert.matches('INSERT INTO "migrations" [^\n]*\n$', out)
  end)

  it("--atomic refuses an online migration", function()
    project:write(ONLINE, online(WORK))
    local r = project:run("migrate", "--atomic")
    assert.equals(2, r.status, r.stderr)
    assert.matches("online = true", r.stderr, 1, true)
  end)
end)
