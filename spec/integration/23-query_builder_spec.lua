-- The query builder in migrations and seeders, through the binary: data
-- steps in up and down, --pretend printing their writes (reads still
-- read), `lmigrate sql` printing them offline, a bad call naming the file
-- and line; seeders with self:factory and lmigrate.fake, the same rows for
-- the same --random-seed, a random seed printed otherwise and named again
-- when a seeder fails.
local helpers = require("spec.helpers")

local CREATE = "2026_01_01_000000_create_songs"
local FILL = "2026_01_02_000000_fill_songs"

local TABLES = helpers.migration {
  name = "CreateSongs",
  up = [[
  self.schema:create("songs", function(t)
    t:increments("id")
    t:string("title")
    t:integer("plays"):nullable()
    t:string("slug"):nullable()
  end)
  self.db:table("songs"):insert({ { title = "River", plays = 70 }, { title = "Coyote", plays = 10 },
                                  { title = "it's \"odd\" ?", plays = 1 } })]],
  down = [[
  self.schema:drop("songs")]],
}

-- a data step: reads, writes with raw and null values, a walk by id
local DATA = [[
local lmigrate = require("lmigrate")
return {
  up = function(self)
    local n = self.db:table("songs"):where("plays", ">", 5):count()
    self.db:table("songs"):insert_get_id({ title = "count " .. n, plays = 0 })
    self.db:table("songs"):where("title", "Coyote"):update({ plays = lmigrate.raw("plays * 2") })
    self.db:table("songs"):each_by_id(2, function(row)
      self.db:table("songs"):where("id", row.id):update({ slug = row.title:lower():gsub("%W+", "-") })
    end)
    self.db:table("songs"):where("plays", 1):update({ plays = lmigrate.null })
  end,
  down = function(self)
    self.db:table("songs"):where("title", "like", "count %"):delete()
    self.db:table("songs"):update({ slug = lmigrate.null })
  end,
}
]]

local function rows(project)
  return project:with_db(function(db)
    local t = {}
    for _, r in ipairs(db:query("SELECT id, title, plays, slug FROM songs ORDER BY id")) do
      local function s(v) return v == helpers.core.null and "NULL" or tostring(v) end
      t[#t + 1] = table.concat({ s(r.id), s(r.title), s(r.plays), s(r.slug) }, "|")
    end
    return t
  end)
end

local function write_seed(project, name, source)
  local dir = project:path("databases/seeds")
  assert(helpers.sh("mkdir -p " .. helpers.quote(dir)) == 0)
  helpers.write_file(dir .. "/" .. name, source)
  return "databases/seeds/" .. name
end

local FACTORY_SEEDER = [[
local Seeder = require("lmigrate.seeder")
local lmigrate = require("lmigrate")
local S = Seeder:extend("DatabaseSeeder")
function S:run()
  self:factory("songs", 1500, function(i, fake)
    return { title = fake.sentence(), plays = fake.integer(0, 1000), slug = fake.unique.uuid() }
  end)
  self.db:table("songs"):insert({ title = lmigrate.fake.name() .. " " .. math.random(1000) })
end
return S
]]

for _, dialect in helpers.each_dialect() do
  describe("query builder through lmigrate [#" .. dialect .. "]", function()
    local project

    before_each(function()
      project = helpers.project(dialect)
      project:write(CREATE, TABLES)
    end)

    after_each(function()
      if project then project:cleanup() end
      project = nil
    end)

    it("data steps run in up and down", function()
      project:write(FILL, DATA)
      project:ok("migrate")
      assert.same({ "1|River|70|river", "2|Coyote|20|coyote", [[3|it's "odd" ?|NULL|it-s-odd-]],
                    "4|count 2|0|count-2" }, rows(project))
      project:ok("rollback", "--step", "1")
      assert.same({ "1|River|70|NULL", "2|Coyote|20|NULL", [[3|it's "odd" ?|NULL|NULL]] }, rows(project))
    end)

    it("--pretend prints the writes with their values and reads the database", function()
      project:ok("migrate", "--step")
      project:write(FILL, DATA)
      local r = project:ok("migrate", "--pretend")
      local q = dialect.name == "mysql" and "`" or '"'
      local function has(s) assert.truthy(r.stdout:find((s:gsub('"', q)), 1, true), r.stdout) end
      has([[INSERT INTO "songs" ("plays", "title") VALUES (0, 'count 2')]])
      has([[UPDATE "songs" SET "plays" = plays * 2 WHERE "title" = 'Coyote']])
      has([[UPDATE "songs" SET "slug" = 'river' WHERE "id" = 1]])
      has([[UPDATE "songs" SET "plays" = NULL WHERE "plays" = 1]])
      assert.same({ "1|River|70|NULL", "2|Coyote|10|NULL", [[3|it's "odd" ?|1|NULL]] }, rows(project))
    end)

    it("sql prints the writes offline and names a read as what it cannot do", function()
      local r = project:ok("sql")
      assert.truthy(r.stdout:find([[VALUES (70, 'River'), (10, 'Coyote'), (1, 'it''s "odd" ?')]], 1, true),
                    r.stdout)
      project:write(FILL, DATA)
      r = project:run("sql")
      helpers.assert_status(1, r)
      assert.truthy(r.stderr:find("cannot do: it runs without a connection", 1, true), r.stderr)
      assert.truthy(helpers.has_file_line(r.stderr, "databases/migrations/" .. FILL .. ".lua", 4), r.stderr)
    end)

    it("a bad call fails the migration at its line, and nothing of it stays", function()
      project:ok("migrate")
      project:write(FILL, [[
return {
  up = function(self)
    self.db:table("songs"):insert({ title = "never" })
    self.db:table("songs"):where("plays", "=>", 5):delete()
  end,
  down = function() end,
}
]])
      local r = project:run("migrate")
      helpers.assert_status(1, r)
      assert.truthy(r.stderr:find("query:where: unknown operator '=>'", 1, true), r.stderr)
      assert.truthy(helpers.has_file_line(r.stderr, "databases/migrations/" .. FILL .. ".lua", 4), r.stderr)
      assert.equals(3, #rows(project))
    end)

    it("update_from: a joined table's values in SET, printed by --pretend", function()
      project:ok("migrate")
      project:write("2026_01_03_000000_stats", [[
local lmigrate = require("lmigrate")
return {
  up = function(self)
    self.schema:create("stats", function(t) t:integer("song_id") t:integer("listens") end)
    self.db:table("stats"):insert({ { song_id = 1, listens = 700 }, { song_id = 2, listens = 200 } })
    self.db:table("songs"):join("stats", "stats.song_id", "=", "songs.id"):where("stats.listens", ">", 100)
      :update_from({ plays = lmigrate.raw("stats.listens"), slug = "it's ?" })
  end,
  down = function(self) self.schema:drop("stats") end,
}
]])
      local r = project:ok("migrate", "--pretend")
      local want = dialect.name == "mysql"
        and "UPDATE `songs` INNER JOIN `stats` ON `stats`.`song_id` = `songs`.`id` SET `plays` = "
          .. "stats.listens"
        or [[UPDATE "songs" SET "plays" = stats.listens, "slug" = 'it''s ?' FROM "stats" ]]
          .. [[WHERE "stats"."listens" > 100]]
      assert.truthy(r.stdout:find(want, 1, true), r.stdout)
      project:ok("migrate")
      assert.same({ "1|River|700|it's ?", "2|Coyote|200|it's ?", [[3|it's "odd" ?|1|NULL]] }, rows(project))
    end)

    it("where_full_text: a search on PostgreSQL and MySQL; SQLite refuses it at the line", function()
      project:ok("migrate")
      project:write("2026_01_03_000000_search", [[
return {
  up = function(self)
    if self.db.driver ~= "sqlite" then self.schema:table("songs", function(t) t:fulltext({ "title" }) end) end
    self.db:table("songs"):where_full_text("title", "river"):update({ slug = "found" })
  end,
  down = function() end,
}
]])
      if dialect.name == "sqlite" then
        local r = project:run("migrate")
        helpers.assert_status(1, r)
        assert.truthy(r.stderr:find("query:where_full_text: full text search is not supported on sqlite",
                                    1, true), r.stderr)
        assert.truthy(helpers.has_file_line(r.stderr, "databases/migrations/2026_01_03_000000_search.lua", 4),
                      r.stderr)
        assert.falsy(r.stderr:find("traceback", 1, true), r.stderr)
        return
      end
      project:ok("migrate")
      assert.same({ "1|River|70|found", "2|Coyote|10|NULL", [[3|it's "odd" ?|1|NULL]] }, rows(project))
    end)

    it("dump prints the query on stderr and runs on; dd stops the migration, rolled back", function()
      project:ok("migrate")
      project:write("2026_01_03_000000_debug", [[
return {
  up = function(self)
    self.db:table("songs"):where("title", "River"):dump():update({ plays = 1 })
    self.db:table("songs"):where("id", 2):dd()
    self.db:table("songs"):update({ plays = 0 })
  end,
  down = function() end,
}
]])
      local file = "databases/migrations/2026_01_03_000000_debug.lua"
      local r = project:run("migrate")
      helpers.assert_status(1, r)
      local q = dialect.name == "mysql" and "`" or '"'
      local function has(s) assert.truthy(r.stderr:find((s:gsub('"', q)), 1, true), r.stderr) end
      has("query:dump at " .. file .. ":3\n")
      has([[  SQL: SELECT * FROM "songs" WHERE "title" = ?]] .. "\n  bindings: 'River'\n")
      has("query:dd at " .. file .. ":4\n")
      has("query:dd: stopped by dd() (the query is printed above)")
      assert.truthy(helpers.has_file_line(r.stderr, file, 4), r.stderr)
      assert.falsy(r.stderr:find("traceback", 1, true), r.stderr)
      assert.same({ "1|River|70|NULL", "2|Coyote|10|NULL", [[3|it's "odd" ?|1|NULL]] }, rows(project))
    end)

    describe("seeders", function()
      before_each(function() project:ok("migrate") end)

      it("self:factory builds the rows, the same ones for the same --random-seed", function()
        write_seed(project, "database_seeder.lua", FACTORY_SEEDER)
        local r = project:ok("seed", "--random-seed", "42")
        assert.truthy(r.stdout:find("Seeding the database (random seed 42).", 1, true), r.stdout)
        local first = rows(project)
        assert.equals(3 + 1500 + 1, #first)
        project:ok("fresh", "--seed", "--random-seed", "42")
        local again = rows(project)
        assert.same(first, again)
        project:ok("fresh", "--seed", "--random-seed", "43")
        assert.are_not.same(first, rows(project))
      end)

      it("without --random-seed: a random seed, printed, that repeats the run", function()
        write_seed(project, "database_seeder.lua", FACTORY_SEEDER)
        local r = project:ok("seed")
        local seed = r.stdout:match("Seeding the database %(random seed (%d+)%)%.")
        assert.truthy(seed, r.stdout)
        local first = rows(project)
        project:ok("fresh", "--seed", "--random-seed", seed)
        assert.same(first, rows(project))
      end)

      it("a failing seeder names its random seed", function()
        write_seed(project, "database_seeder.lua", [[
return { run = function(self)
  self:factory("songs", 3, function(i, fake) return { title = fake.word(), plays = i } end)
  error("boom")
end }
]])
        local r = project:run("seed", "--random-seed", "7")
        helpers.assert_status(1, r)
        assert.truthy(r.stderr:find("random seed 7: --random-seed 7 seeds the same rows again", 1, true),
                      r.stderr)
        assert.equals(3, #rows(project))
      end)

      it("a bad --random-seed is bad usage", function()
        for _, v in ipairs({ "x", "-1", "1.5", "99999999999999999999" }) do
          local r = project:run("seed", "--random-seed", v)
          helpers.assert_status(2, r)
          assert.truthy(r.stderr:find("option '--random-seed' needs a whole number", 1, true), r.stderr)
        end
      end)
    end)
  end)
end
