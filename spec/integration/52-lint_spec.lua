-- lmigrate lint (issue 10): one case per rule, on `lint --json`, on
-- PostgreSQL (the rules are PostgreSQL's; README says which also apply
-- to MySQL and SQLite): a migration that triggers the rule, and the ones
-- that are exempt (a table created earlier in the batch, unsafe_ok on the
-- column or command or the migration, online = true, the safe form);
-- then what migrate, migrate --pretend and --strict / strict = true do
-- with the findings, and a rule that SQLite shares.
local helpers = require("spec.helpers")
local servers = require("spec.support.servers")

local BASE = "2026_01_01_000000_base"
local CASE = "2026_02_01_000000_case"

-- songs and artists, existing tables with a row each
local base = helpers.migration {
  up = [[
  self.schema:create("artists", function(t) t:increments("id") end)
  self.schema:create("songs", function(t)
    t:increments("id")
    t:string("name"):nullable()
    t:string("title", 50)
    t:decimal("price", 8, 2)
    t:integer("plays")
    t:integer("artist_id"):nullable()
    t:string("tag"):nullable()
  end)
  self.schema:table("songs", function(t) t:index("tag", "songs_tag_index") end)]],
  down = '  self.schema:drop("songs")\n  self.schema:drop("artists")',
}

-- a migration whose up is 'up' (and class fields 'extra': "M.online = true")
local function case(up, extra, down)
  return helpers.migration { up = up, down = down or "", extra = extra,
                             header = 'local lmigrate = require("lmigrate")' }
end

local function alter(body) return ('  self.schema:table("songs", function(t) %s end)'):format(body) end
-- the same, on a table the migration creates first: nothing is unsafe
local function fresh(body)
  return '  self.schema:create("fresh", function(t) t:increments("id") t:string("name"):nullable()'
    .. ' t:string("title", 50) t:decimal("price", 8, 2) t:integer("plays")'
    .. ' t:integer("artist_id"):nullable() end)\n'
    .. ('  self.schema:table("fresh", function(t) %s end)'):format(body)
end

local NOTX = "M.transaction = false"
local UPDATE = '\n  self.db:execute("UPDATE songs SET genre = \'x\'")'
local ONLINE = "M.online = true"

-- { rule, trigger = { up, extra? }, exempt = { { up, extra?, silenced? }, ... } }
local CASES = {
  { "index-concurrently", { alter 't:index("name")' },
    { { fresh 't:index("name")' }, { alter 't:index("name"):concurrently()', NOTX },
      { alter 't:index("name")', ONLINE }, { alter 't:index("name"):unsafe_ok("tiny")', nil, true } } },
  { "index-concurrently", { alter 't:drop_index("songs_tag_index")' },
    { { alter 't:drop_index("songs_tag_index"):concurrently()', NOTX },
      { alter 't:drop_index("songs_tag_index")', ONLINE } } },
  { "concurrently-in-transaction", { alter 't:index("name"):concurrently()' },
    { { alter 't:index("name"):concurrently()', NOTX },
      { alter 't:index("name"):concurrently()', ONLINE } } },
  { "foreign-key-not-valid", { alter 't:foreign("artist_id"):references("id"):on("artists")' },
    { { fresh 't:foreign("artist_id"):references("id"):on("artists")' },
      { alter 't:foreign("artist_id"):references("id"):on("artists"):not_valid()' },
      { alter 't:foreign("artist_id"):references("id"):on("artists")', ONLINE },
      { alter 't:foreign("artist_id"):references("id"):on("artists"):unsafe_ok("empty")', nil, true } } },
  { "check-not-valid", { alter 't:check("price >= 0", "songs_price_check")' },
    { { fresh 't:check("price >= 0", "fresh_price_check")' },
      { alter 't:check("price >= 0", "songs_price_check"):not_valid()' },
      { alter 't:check("price >= 0", "songs_price_check")', ONLINE },
      { alter 't:check("price >= 0", "songs_price_check")',
        'M.unsafe_ok = { ["check-not-valid"] = "ten rows" }', true } } },
  { "set-not-null", { alter 't:string("name"):change()' },
    { { fresh 't:string("name"):change()' }, { alter 't:string("name"):change()', ONLINE },
      { alter 't:string("name"):nullable():change()' },
      { alter 't:string("name"):change():unsafe_ok("no nulls")', nil, true } } },
  { "add-not-null-column", { alter 't:string("genre")' },
    { { alter 't:string("genre"):nullable()' }, { alter 't:string("genre"):default("pop")' },
      { fresh 't:string("genre")' } } },
  { "column-type-rewrite", { alter 't:big_integer("plays"):change()' },
    { { alter 't:string("title", 100):change()' }, { alter 't:text("title"):change()' },
      { alter 't:decimal("price", 10, 2):change()' }, { fresh 't:big_integer("plays"):change()' } } },
  { "volatile-default", { alter 't:uuid("token"):default(lmigrate.raw("gen_random_uuid()"))' },
    { { alter 't:string("genre"):default("pop")' },
      { fresh 't:uuid("token"):default(lmigrate.raw("gen_random_uuid()"))' } } },
  { "constraint-using-index", { alter 't:unique("title")' },
    { { alter 't:unique("title"):concurrently()', NOTX }, { alter 't:unique("title")', ONLINE },
      { fresh 't:unique("title")' } } },
  { "rename-column", { alter 't:rename_column("name", "label")' },
    { { fresh 't:rename_column("name", "label")' },
      { alter 't:rename_column("name", "label"):unsafe_ok("no reader left")', nil, true } } },
  { "rename-table", { '  self.schema:rename("songs", "tracks")' },
    { { '  self.schema:create("tmp", function(t) t:increments("id") end)\n'
        .. '  self.schema:rename("tmp", "tmp2")' },
      { '  self.schema:rename("songs", "tracks")', 'M.unsafe_ok = { ["rename-table"] = "a view" }',
        true } } },
  { "drop-column", { alter 't:drop_column("tag")' },
    { { fresh 't:drop_column("name")' }, { alter 't:drop_column("tag"):unsafe_ok("unread")', nil, true } } },
  { "drop-table", { '  self.schema:drop("artists")' },
    { { '  self.schema:create("tmp", function(t) t:increments("id") end)\n  self.schema:drop("tmp")' } } },
  { "data-in-ddl-transaction", { alter 't:string("genre"):nullable()' .. UPDATE },
    { { alter 't:string("genre"):nullable()' .. UPDATE, NOTX },
      { '  self.db:table("songs"):where("id", 1):update({ name = "x" })' } } },
  { "data-in-ddl-transaction",
    { alter 't:string("genre"):nullable()' .. '\n  self.db:table("songs"):delete()' }, {} },
  { "prefer-jsonb", { alter 't:json("meta"):nullable()' },
    { { alter 't:jsonb("meta"):nullable()' } } },
  { "no-lock-timeout", { alter 't:string("genre"):nullable()', "M.lock_budget = false" },
    { { alter 't:string("genre"):nullable()', 'M.lock_budget = false\nM.lock_timeout = "2s"' },
      { fresh 't:string("genre"):nullable()', "M.lock_budget = false" } } },
}

-- the finding objects of a lint --json output that name 'rule'
local function findings(out, rule)
  local list = {}
  for obj in out:gmatch("{[^{}]*}") do
    if obj:find('"rule":"' .. rule .. '"', 1, true) then list[#list + 1] = obj end
  end
  return list
end

describe("the rules table", function()
  it("has a case here and a row in README for every rule", function()
    local covered = {}
    for _, c in ipairs(CASES) do covered[c[1]] = true end
    local readme = helpers.read_file(helpers.source .. "/README.md")
    for _, r in ipairs(require("lmigrate.lint.rules").list) do
      assert.is_true(covered[r.id], r.id .. " has no case")
      assert.matches("| `" .. r.id .. "` |", readme, 1, true)
    end
  end)
end)

describe("lmigrate lint [#postgres]", function()
  local PG = servers.need("postgres", "the lint specs")
  if not PG then return end
  local project
  setup(function()
    project = helpers.project("postgres")
    project:write(BASE, base)
    project:ok("migrate")
  end)
  teardown(function() project:cleanup() end)

  local function lint(up, extra, args)
    project:write(CASE, case(up, extra))
    local r = project:run({ "lint", "--json", table.unpack(args or {}) })
    project:remove(CASE)
    return r
  end

  for i, c in ipairs(CASES) do
    local rule, trigger, exempt = c[1], c[2], c[3]
    it(("%s (case %d): found, with its lock and safe form; the exempt forms are not"):format(rule, i),
      function()
        local r = lint(trigger[1], trigger[2])
        local got = findings(r.stdout, rule)
        assert.equals(1, r.status, r.stdout .. r.stderr)
        assert.is_true(#got >= 1, rule .. " not found in " .. r.stdout .. r.stderr)
        assert.matches('"silenced":false', got[1], 1, true)
        assert.matches('"lock":"', got[1], 1, true)
        assert.matches('"safe":"', got[1], 1, true)
        for j, x in ipairs(exempt) do
          local rx = lint(x[1], x[2])
          local left = findings(rx.stdout, rule)
          if x[3] then
            assert.is_true(#left >= 1, ("exempt %d: the silenced finding is listed"):format(j))
            assert.matches('"silenced":true,"reason":"', left[1], 1, true)
          else
            assert.same({}, left, ("exempt %d of %s:\n%s\n%s"):format(j, rule, x[1], rx.stderr))
          end
        end
      end)
  end

  it("any default before PostgreSQL 11 (--target-version 10) is volatile-default", function()
    local up = alter 't:string("genre"):default("pop")'
    assert.equals(1, #findings(lint(up, nil, { "--target-version", "10" }).stdout, "volatile-default"))
    assert.equals(0, #findings(lint(up, nil, { "--target-version", "15" }).stdout, "volatile-default"))
  end)

  it("a table created by an earlier pending migration is new to a later one", function()
    project:write("2026_01_15_000000_make", case(
      '  self.schema:create("later", function(t) t:increments("id") end)'))
    local r = lint('  self.schema:table("later", function(t) t:index("id", "later_id_index") end)')
    project:remove("2026_01_15_000000_make")
    assert.same({}, findings(r.stdout, "index-concurrently"), r.stdout)
    assert.equals(0, r.status, r.stdout)
  end)

  it("an unknown rule in unsafe_ok is an error naming the file", function()
    local r = lint(alter 't:index("name")', 'M.unsafe_ok = { ["no-such-rule"] = "x" }')
    assert.equals(1, r.status)
    assert.matches("unknown rule 'no-such-rule'", r.stderr, 1, true)
    assert.matches(CASE, r.stderr, 1, true)
  end)

  it("lint without --json prints the finding, its lock, its safe form; exit 1", function()
    project:write(CASE, case(alter 't:index("name")'))
    local r = project:run("lint")
    project:remove(CASE)
    assert.equals(1, r.status)
    assert.matches("warning: " .. CASE .. " [index-concurrently] songs.name", r.stdout, 1, true)
    assert.matches("safe form: index(...):concurrently()", r.stdout, 1, true)
  end)

  describe("migrate", function()
    after_each(function() pcall(project.remove, project, CASE) end)
    local UNDO = '  self.schema:table("songs", function(t) t:drop_column("genre") end)'

    it("prints the findings as warnings and runs; --pretend too", function()
      project:write(CASE, case(alter 't:string("genre"):nullable() t:index("genre")', nil, UNDO))
      local p = project:run("migrate", "--pretend")
      assert.equals(0, p.status, p.stderr)
      assert.matches("warning: " .. CASE .. " [index-concurrently]", p.stdout, 1, true)
      local r = project:run("migrate")
      assert.equals(0, r.status, r.stderr)
      assert.matches("warning: " .. CASE .. " [index-concurrently]", r.stdout, 1, true)
      assert.same({ BASE, CASE }, project:applied())
      project:ok("rollback")
    end)

    it("--strict and strict = true stop the run before anything changes (exit 1)", function()
      project:write(CASE, case(alter 't:string("genre"):nullable() t:index("genre")'))
      local r = project:run("migrate", "--strict")
      assert.equals(1, r.status, r.stdout)
      assert.matches("error: " .. CASE .. " [index-concurrently]", r.stdout, 1, true)
      assert.matches("nothing was migrated", r.stderr, 1, true)
      assert.same({ BASE }, project:applied())
      assert.is_nil(project:columns("songs").genre)
      helpers.write_file(project:path("lmigrate.lua"), "return { strict = true }\n")
      local c = project:run("migrate")
      os.remove(project:path("lmigrate.lua"))
      assert.equals(1, c.status, c.stdout)
      assert.same({ BASE }, project:applied())
    end)

    it("a silenced finding does not stop --strict", function()
      project:write(CASE, case(alter 't:string("genre"):nullable() t:index("genre"):unsafe_ok("tiny")',
        nil, UNDO))
      local r = project:run("migrate", "--strict")
      assert.equals(0, r.status, r.stdout .. r.stderr)
      assert.matches('allowed: ' .. CASE .. ' [index-concurrently]', r.stdout, 1, true)
      assert.matches('unsafe_ok: "tiny"', r.stdout, 1, true)
      project:ok("rollback")
    end)

    it("refresh and fresh lint every migration first: an error stops them, nothing changed",
      function()
      project:write(CASE, case(alter 't:string("genre"):nullable() t:index("genre"):concurrently()'))
      project:with_db(function(db)
        db:run("INSERT INTO songs (title, price, plays) VALUES ('kept', 1, 1)")
      end)
      for _, cmd in ipairs { "refresh", "fresh" } do
        local r = project:run(cmd)
        assert.equals(1, r.status, cmd .. ": " .. r.stdout .. r.stderr)
        assert.matches("error: " .. CASE .. " [concurrently-in-transaction]", r.stdout, 1, true)
        assert.matches("nothing was migrated", r.stderr, 1, true)
        assert.same({ BASE }, project:applied())
        project:with_db(function(db) assert.equals(1, db:count("songs"), cmd) end)
      end
      project:with_db(function(db) db:run("DELETE FROM songs") end)
    end)

    it("CONCURRENTLY inside a transaction is refused before running, without --strict", function()
      project:write(CASE, case(alter 't:string("genre"):nullable() t:index("genre"):concurrently()'))
      local r = project:run("migrate")
      assert.equals(1, r.status, r.stdout)
      assert.matches("error: " .. CASE .. " [concurrently-in-transaction]", r.stdout, 1, true)
      assert.same({ BASE }, project:applied())
    end)
  end)
end)

describe("lmigrate lint [#sqlite]", function()
  it("the dialect-wide rules apply on SQLite, the PostgreSQL ones do not", function()
    local project = helpers.project("sqlite")
    finally(function() project:cleanup() end)
    project:write(BASE, base)
    project:ok("migrate")
    project:write(CASE, case(alter 't:drop_column("tag") t:index("name")'))
    local r = project:run("lint", "--json")
    assert.equals(1, #findings(r.stdout, "drop-column"), r.stdout .. r.stderr)
    assert.same({}, findings(r.stdout, "index-concurrently"))
  end)

  it("the AUTOINCREMENT counter a rebuild keeps and from() sets is not data; an UPDATE is", function()
    local project = helpers.project("sqlite")
    finally(function() project:cleanup() end)
    project:write(BASE, base)
    project:ok("migrate")
    project:with_db(function(db)
      db:run("INSERT INTO songs (title, price, plays) VALUES ('a', 1, 2)")
    end)
    -- the change() rebuilds songs and keeps its counter (sqlite_sequence); from() sets one
    project:write(CASE, case(alter 't:string("title", 80):change()' .. '\n'
      .. '  self.schema:create("albums", function(t) t:id():from(100) end)'))
    local r = project:run("lint", "--json")
    assert.same({}, findings(r.stdout, "data-in-ddl-transaction"), r.stdout .. r.stderr)
    project:ok("migrate")
    project:with_db(function(db)
      assert.equals(1, db:scalar("SELECT seq FROM sqlite_sequence WHERE name = 'songs'"))
    end)
    project:write("2026_03_01_000000_more", case(alter 't:string("title", 90):change()'
      .. '\n  self.db:execute("UPDATE songs SET plays = 3")'))
    r = project:run("lint", "--json")
    assert.equals(1, #findings(r.stdout, "data-in-ddl-transaction"), r.stdout .. r.stderr)
  end)

  it("fresh --strict lints every migration before it drops anything", function()
    local project = helpers.project("sqlite")
    finally(function() project:cleanup() end)
    project:write(BASE, base)
    project:ok("migrate")
    project:with_db(function(db) db:run("CREATE TABLE legacy (id integer, old text)") end)
    project:write(CASE, case('  self.schema:table("legacy", function(t) t:drop_column("old") end)'))
    local r = project:run("fresh", "--strict")
    assert.equals(1, r.status, r.stdout .. r.stderr)
    assert.matches("error: " .. CASE .. " [drop-column]", r.stdout, 1, true)
    assert.is_true(project:has_table("legacy"))
    assert.same({ BASE }, project:applied())
  end)

  it("migrate lints on SQLite only with --strict (it runs each up once more)", function()
    local project = helpers.project("sqlite")
    finally(function() project:cleanup() end)
    project:write(BASE, base)
    project:ok("migrate")
    project:write(CASE, case(alter 't:drop_column("tag")'))
    local s = project:run("migrate", "--strict")
    assert.equals(1, s.status, s.stdout)
    assert.matches("error: " .. CASE .. " [drop-column]", s.stdout, 1, true)
    assert.same({ BASE }, project:applied())
    local r = project:ok("migrate")
    assert.is_nil(r.stdout:find("drop-column", 1, true))
    assert.same({ BASE, CASE }, project:applied())
  end)
end)

-- fresh and refresh lint before they drop or undo everything: on the database the
-- wipe or reset leaves, not on the tables they drop, which hold what the migrations add
for _, name in ipairs { "sqlite", "postgres" } do
  for _, command in ipairs { "fresh", "refresh" } do
    describe(command .. "'s lint [#" .. name .. "]", function()
      it("runs the migrations as on a database without their tables: each is linted to its end", function()
        if name == "postgres" and not servers.need("postgres", "the lint specs") then return end
        local project = helpers.project(name)
        finally(function() project:cleanup() end)
        project:write(BASE, base)
        project:ok("migrate")
        project:with_db(function(db) db:run("CREATE TABLE legacy (id integer, old text)") end)
        -- reads songs.tag, which a later migration drops; then a finding on legacy
        project:write(CASE, case('  self.db:table("songs"):where("tag", "x"):get()\n'
          .. '  self.schema:table("legacy", function(t) t:drop_column("old") end)'))
        project:write("2026_03_01_000000_later",
          case('  self.schema:table("songs", function(t) t:drop_column("tag") end)'))
        project:ok("migrate")
        local r = project:run(command, "--strict")
        assert.equals(1, r.status, r.stdout .. r.stderr)
        -- (legacy is not a migration's table: after the wipe it is gone, as SQLite's shadow says)
        for line in r.stdout:gmatch("[^\n]*not linted past[^\n]*") do
          assert.truthy(line:find("legacy", 1, true), line)
        end
        assert.matches("error: " .. CASE .. " [drop-column]", r.stdout, 1, true)
        assert.is_true(project:has_table("legacy"))
        assert.equals(3, #project:applied())
      end)
    end)
  end
end
