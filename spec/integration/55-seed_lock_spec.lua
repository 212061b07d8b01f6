-- lmigrate seed takes the migration lock as migrate does (a flock on the
-- SQLite file, MySQL's GET_LOCK, the PostgreSQL lease): two seeds started
-- at once, or a seed and a migrate, run one after the other, never
-- interleaved. Each writes a start and an end row around a pause; the
-- ids (given out as the rows go in, whoever commits first) show the order.
local helpers = require("spec.helpers")

local MARKS = "2026_01_01_000001_create_marks"
local SLOW = "2026_01_01_000002_slow"

-- SQL that keeps the database busy for a while (~300 ms)
local SLEEP = {
  sqlite = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
           .. "WHERE x < 2000000) SELECT count(*) AS n FROM c",
  postgres = "SELECT pg_sleep(0.3)",
  mysql = "SELECT SLEEP(0.3) AS s",
}

-- the lua code of a run marked 'who': a start row, the pause ('n' times),
-- an end row
local function body(who, sleep, n)
  return ([[
  self.db:insert("marks", { who = %q, what = "start" })
  for _ = 1, %d do self.db:query(%q) end
  self.db:insert("marks", { who = %q, what = "end" })]]):format(who, n or 1, sleep, who)
end

local function write_seeder(project, class, source)
  local dir = project:path("databases/seeds")
  assert(helpers.sh("mkdir -p " .. helpers.quote(dir)) == 0)
  local file = class:gsub("(%l)(%u)", "%1_%2"):lower() .. ".lua"
  helpers.write_file(dir .. "/" .. file, table.concat({
    'local Seeder = require("lmigrate.seeder")',
    ("local S = Seeder:extend(%q)"):format(class),
    "function S:run()", source, "end", "return S", "" }, "\n"))
end

-- the marks in id order, as "A start", ...
local function marks(project)
  return project:with_db(function(db)
    local t = {}
    for _, r in ipairs(db:query("SELECT who, what FROM marks ORDER BY id")) do
      t[#t + 1] = r.who .. " " .. r.what
    end
    return t
  end)
end

-- whether each run's start is followed by its own end
local function one_after_the_other(list)
  if #list % 2 ~= 0 then return false end
  for i = 1, #list, 2 do
    local who = list[i]:match("^(%S+) start$")
    if not who or list[i + 1] ~= who .. " end" then return false end
  end
  return true
end

for _, dialect in helpers.each_dialect() do
  local sleep = SLEEP[dialect.name]

  describe("seed takes the migration lock [#" .. dialect .. "]", function()
    local project
    before_each(function()
      project = helpers.project(dialect)
      project:write(MARKS, helpers.migration {
        up = [[
  self.schema:create("marks", function(t)
    t:increments("id")
    t:string("who")
    t:string("what")
  end)]],
        down = '  self.schema:drop("marks")' })
      project:ok("migrate")
      write_seeder(project, "FirstSeeder", body("A", sleep))
      write_seeder(project, "SecondSeeder", body("B", sleep))
      write_seeder(project, "LongSeeder", body("L", sleep, 6))
    end)
    after_each(function() project:cleanup() end)

    it("two seeds started at once run one after the other", function()
      local results = project:run_at_once({
        { { "seed", "--class", "FirstSeeder" } }, { { "seed", "--class", "SecondSeeder" } },
        { { "seed", "--class", "FirstSeeder" } }, { { "seed", "--class", "SecondSeeder" } } })
      for _, r in ipairs(results) do helpers.assert_status(0, r) end
      local list = marks(project)
      assert.equals(8, #list)
      assert.is_true(one_after_the_other(list), table.concat(list, ", "))
    end)

    it("a seed and a migrate started at once run one after the other", function()
      project:write(SLOW, helpers.migration { up = body("M", sleep) })
      local results = project:run_at_once({ { { "seed", "--class", "LongSeeder" } },
        { { "migrate" } } })
      for _, r in ipairs(results) do helpers.assert_status(0, r) end
      local list = marks(project)
      assert.equals(4, #list)
      assert.is_true(one_after_the_other(list), table.concat(list, ", "))
      assert.same({ MARKS, SLOW }, project:applied())
    end)
  end)
end
