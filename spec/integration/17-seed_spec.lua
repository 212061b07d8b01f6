-- Seeders: `lmigrate seed` runs databases/seeds/database_seeder.lua,
-- `--class` another one, `self:call` one from another, each in one
-- transaction (a savepoint in its caller's), so a failure leaves no rows.
-- self.db:insert takes thousands of rows at once (prepared and batched;
-- COPY on PostgreSQL, LOAD DATA LOCAL INFILE on MySQL) with NULLs, missing
-- keys and any string.
local helpers = require("spec.helpers")

local MIGRATION = "2026_01_01_000000_create_seed_tables"

-- posts for the simple seeders; bulk for db:insert: every kind of value
local TABLES = helpers.migration {
  name = "CreateSeedTables",
  up = [[
  self.schema:create("posts", function(t)
    t:increments("id")
    t:string("title")
  end)
  self.schema:create("tags", function(t)
    t:increments("id")
    t:string("name"):unique()
  end)
  self.schema:create("bulk", function(t)
    t:big_integer("id"):primary()
    t:string("name")
    t:text("note"):nullable()
    t:integer("score"):nullable()
    t:double("amount"):nullable()
    t:boolean("flag"):nullable()
    t:binary("data"):nullable()
  end)]],
  down = [[
  self.schema:drop("bulk")
  self.schema:drop("tags")
  self.schema:drop("posts")]],
}

-- the source of a seeder class; 'body' starts on line BODY of the file
local BODY = 6
local function seeder(name, body)
  return table.concat({
    'local Seeder = require("lmigrate.seeder")',
    'local lmigrate = require("lmigrate")',
    ("local S = Seeder:extend(%q)"):format(name),
    "local null = lmigrate.null",
    "function S:run()",
    body,
    "end",
    "return S",
    "",
  }, "\n")
end

-- the line of 'body' (1-based) in the seeder file
local function line(n) return BODY + n - 1 end

local function write_seed(project, file, source)
  local dir = project:path("databases/seeds")
  assert(helpers.sh("mkdir -p " .. helpers.quote(dir)) == 0)
  local path = dir .. "/" .. file
  helpers.write_file(path, source)
  return "databases/seeds/" .. file
end

-- the rows of a table, ordered by id, as "id:field" strings
local function count(project, tbl)
  return project:with_db(function(db) return db:count(tbl) end)
end

local function titles(project)
  return project:with_db(function(db)
    local t = {}
    for _, r in ipairs(db:query("SELECT title FROM posts ORDER BY id")) do t[#t + 1] = r.title end
    return t
  end)
end

local function assert_no_rows(project)
  assert.equals(0, count(project, "posts"))
  assert.equals(0, count(project, "tags"))
  assert.equals(0, count(project, "bulk"))
end

-- a string that makes life hard for quoting and for COPY's text format
local NASTY = "it's \"quoted\"; back\\slash\ttab\nnew line\r\ncrlf, comma, \\N, \xc3\xa9t\xc3\xa9"

-- the bulk rows the seeders below build, the same way, checked by check_bulk
local BULK_ROWS = [[
  local rows = {}
  for i = 1, N do
    local r = { id = i, name = "row " .. i .. " it's", score = i }
    if i % 3 == 0 then r.note = NASTY .. i end          -- else: a missing key, NULL
    if i % 5 == 0 then r.score = null end               -- lmigrate.null
    if i % 7 == 0 then r.amount = i + 0.25 end
    if i % 2 == 0 then r.flag = i % 4 == 0 end
    rows[i] = r
  end]]

local function check_bulk(project, n)
  project:with_db(function(db)
    assert.equals(n, db:count("bulk"))
    local agg = db:first("SELECT COUNT(note) AS notes, COUNT(score) AS scores, SUM(score) AS total, "
      .. "COUNT(amount) AS amounts, COUNT(flag) AS flags FROM bulk")
    local notes, scores, total, amounts, flags = 0, 0, 0, 0, 0
    for i = 1, n do
      if i % 3 == 0 then notes = notes + 1 end
      if i % 5 ~= 0 then scores = scores + 1; total = total + i end
      if i % 7 == 0 then amounts = amounts + 1 end
      if i % 2 == 0 then flags = flags + 1 end
    end
    assert.equals(notes, tonumber(agg.notes))
    assert.equals(scores, tonumber(agg.scores))
    assert.equals(total, tonumber(agg.total))
    assert.equals(amounts, tonumber(agg.amounts))
    assert.equals(flags, tonumber(agg.flags))
    for _, i in ipairs { 1, 2, 3, 4, 5, 7, 12, 30, 105, n - 1, n } do
      local r = db:first("SELECT * FROM bulk WHERE id = ?", i)
      assert.is_not_nil(r, "row " .. i)
      assert.equals("row " .. i .. " it's", r.name)
      if i % 3 == 0 then assert.equals(NASTY .. i, r.note) else assert.equals(helpers.core.null, r.note) end
      if i % 5 == 0 then
        assert.equals(helpers.core.null, r.score)
      else
        assert.equals(i, tonumber(r.score))
      end
      if i % 7 == 0 then assert.equals(i + 0.25, tonumber(r.amount)) end
      if i % 2 == 0 then
        local flag = r.flag
        if type(flag) == "number" then flag = flag ~= 0 end
        assert.equals(i % 4 == 0, flag, "flag of row " .. i)
      else
        assert.equals(helpers.core.null, r.flag)
      end
    end
  end)
end

for _, dialect in helpers.each_dialect() do
  describe("seed [#" .. dialect .. "]", function()
    local project

    before_each(function()
      project = helpers.project(dialect)
      project:write(MIGRATION, TABLES)
      project:ok("migrate")
    end)

    after_each(function()
      if project then project:cleanup() end
      project = nil
    end)

    describe("which seeder runs", function()
      before_each(function()
        write_seed(project, "database_seeder.lua", seeder("DatabaseSeeder",
          '  self.db:insert("posts", { title = "from DatabaseSeeder" })'))
        write_seed(project, "post_seeder.lua", seeder("PostSeeder",
          '  self.db:insert("posts", { title = "from PostSeeder" })'))
      end)

      it("seed runs DatabaseSeeder", function()
        local r = project:ok("seed")
        assert.same({ "from DatabaseSeeder" }, titles(project))
        assert.matches("DatabaseSeeder %.+ " .. helpers.TIME .. " DONE", r.stdout)
      end)

      it("db:seed is seed", function()
        project:ok("db:seed")
        assert.same({ "from DatabaseSeeder" }, titles(project))
      end)

      it("seed --class PostSeeder runs post_seeder.lua only", function()
        local r = project:ok("seed", "--class", "PostSeeder")
        assert.same({ "from PostSeeder" }, titles(project))
        assert.is_nil(r.stdout:find("DatabaseSeeder", 1, true), r.stdout)
      end)

      it("make:seed writes the file that self:call and --class load (Post2Seeder)", function()
        local r = project:ok("make:seed", "Post2Seeder")
        assert.truthy(r.stdout:find("databases/seeds/post2_seeder.lua", 1, true), r.stdout)
        local path = project:path("databases/seeds/post2_seeder.lua")
        local text = assert(helpers.read_file(path))
        helpers.write_file(path, (text:gsub("function Post2Seeder:run%(%)\n",
          'function Post2Seeder:run()\n  self.db:insert("posts", { title = "from Post2Seeder" })\n')))
        project:ok("seed", "--class", "Post2Seeder")
        assert.same({ "from Post2Seeder" }, titles(project))
        write_seed(project, "database_seeder.lua", seeder("DatabaseSeeder", '  self:call("Post2Seeder")'))
        project:ok("seed")
        assert.same({ "from Post2Seeder", "from Post2Seeder" }, titles(project))
      end)

      it("self:call runs another seeder, in order", function()
        write_seed(project, "database_seeder.lua", seeder("DatabaseSeeder", [[
  self.db:insert("posts", { title = "before" })
  self:call("PostSeeder")
  self.db:insert("posts", { title = "after" })]]))
        local r = project:ok("seed")
        assert.same({ "before", "from PostSeeder", "after" }, titles(project))
        -- listed in the order they start: DatabaseSeeder's RUNNING line, PostSeeder, DatabaseSeeder
        local lines = helpers.lines(r.stdout)
        local running = helpers.line_index(lines, "RUNNING")
        local post = helpers.line_index(lines, "PostSeeder")
        assert.truthy(running and lines[running]:find("DatabaseSeeder", 1, true), r.stdout)
        assert.truthy(post and post > running and lines[post]:find("DONE", 1, true), r.stdout)
        assert.truthy(lines[#lines]:find("DatabaseSeeder", 1, true)
          and lines[#lines]:find("DONE", 1, true), r.stdout)
      end)

      it("migrate --seed migrates, then runs DatabaseSeeder", function()
        local fresh = helpers.project(dialect)
        fresh:write(MIGRATION, TABLES)
        write_seed(fresh, "database_seeder.lua", seeder("DatabaseSeeder",
          '  self.db:insert("posts", { title = "seeded" })'))
        local ok, err = pcall(function()
          local r = fresh:ok("migrate", "--seed")
          assert.truthy(r.stdout:find(MIGRATION, 1, true), r.stdout)
          assert.same({ "seeded" }, titles(fresh))
          assert.equals(1, #fresh:history())
        end)
        fresh:cleanup()
        if not ok then error(err, 0) end
      end)

      it("self.db.driver names the dialect", function()
        write_seed(project, "database_seeder.lua", seeder("DatabaseSeeder",
          '  self.db:insert("posts", { title = self.db.driver })'))
        project:ok("seed")
        assert.same({ dialect.name }, titles(project))
      end)
    end)

    describe("passwords hashed as Laravel's Hash::make", function()
      local HASHING = [[
  self.db:insert("posts", { title = lmigrate.bcrypt("secret") })
  self.db:table("posts"):insert({ title = lmigrate.hash.make("other", { rounds = 4 }) })]]

      it("stores bcrypt hashes that check, BCRYPT_ROUNDS's rounds by default", function()
        local file = write_seed(project, "database_seeder.lua", seeder("DatabaseSeeder", HASHING))
        project.env = project.dialect:env(project)
        project.env.BCRYPT_ROUNDS = "5"
        project:ok("seed")
        local t = titles(project)
        assert.equals(2, #t)
        assert.matches("^%$2y%$05%$", t[1])
        assert.matches("^%$2y%$04%$", t[2])
        local hash = require("lmigrate.hash")
        assert.is_true(hash.check("secret", t[1]))
        assert.is_true(hash.check("other", t[2]))
        assert.is_false(hash.check("secret", t[2]))
        -- a BCRYPT_ROUNDS bcrypt cannot take stops the seeder at its line, its rows undone
        project:with_db(function(db) db:run("DELETE FROM posts") end)
        project.env.BCRYPT_ROUNDS = "40"
        local r = project:run("seed")
        helpers.assert_status(1, r)
        assert.equals(0, count(project, "posts"))
        assert.truthy(helpers.has_file_line(r.stderr, file, line(1)), r.stderr)
        assert.truthy(r.stderr:find("BCRYPT_ROUNDS is '40'", 1, true), r.stderr)
      end)
    end)

    -- Laravel 11's skeleton: database/factories/UserFactory.php's definition()
    -- and DatabaseSeeder's run(), call for call (User::factory(10)->create()
    -- as self:factory over the users table Laravel's first migration makes)
    it("runs Laravel's skeleton DatabaseSeeder and UserFactory, ported call for call", function()
      project:write("2026_01_01_000001_create_users_table", helpers.migration {
        name = "CreateUsersTable",
        up = [[
  self.schema:create("users", function(table)
    table:id()
    table:string("name")
    table:string("email"):unique()
    table:timestamp("email_verified_at"):nullable()
    table:string("password")
    table:remember_token()
    table:timestamps()
  end)]],
        down = '  self.schema:drop_if_exists("users")',
      })
      project:ok("migrate")
      write_seed(project, "database_seeder.lua", seeder("DatabaseSeeder", [[
  local str, hash = lmigrate.str, lmigrate.hash
  local password   -- UserFactory's static::$password ??= Hash::make('password')
  local function definition(fake)
    password = password or hash.make("password", { rounds = 4 })
    local now = os.date("!%Y-%m-%d %H:%M:%S")
    return { name = fake.name(), email = fake.unique.safe_email(), email_verified_at = now,
             password = password, remember_token = str.random(10), created_at = now, updated_at = now }
  end
  self:factory("users", 10, function(_, fake) return definition(fake) end)
  local test = definition(self.fake or lmigrate.fake)
  test.name, test.email = "Test User", "test@example.com"
  self.db:table("users"):insert(test)]]))
      project:ok("seed", "--random-seed", "42")
      project:with_db(function(db)
        assert.equals(11, db:count("users"))
        local rows = db:query("SELECT name, email, password, remember_token FROM users ORDER BY id")
        local emails = {}
        for _, r in ipairs(rows) do
          assert.is_nil(emails[r.email], r.email)
          emails[r.email] = true
          assert.equals(10, #r.remember_token)
          assert.is_true(require("lmigrate.hash").check("password", r.password))
        end
        assert.equals("Test User", rows[11].name)
        assert.equals("test@example.com", rows[11].email)
      end)
    end)

    describe("a seeder that fails leaves no rows", function()
      -- DatabaseSeeder inserts, then calls PostSeeder, which inserts and fails
      local function failing(post_body)
        write_seed(project, "database_seeder.lua", seeder("DatabaseSeeder", [[
  self.db:insert("posts", { title = "caller's" })
  self.db:insert("tags", { { name = "a" }, { name = "b" } })
  self:call("PostSeeder")]]))
        return write_seed(project, "post_seeder.lua", seeder("PostSeeder", post_body))
      end

      local function assert_failed(r, file, at, text)
        helpers.assert_status(1, r)
        assert_no_rows(project)
        assert.truthy(r.stderr:find("PostSeeder", 1, true), r.stderr)
        assert.truthy(helpers.has_file_line(r.stderr, file, at),
                      ("expected %s:%d in\n%s"):format(file, at, r.stderr))
        if text then assert.truthy(r.stderr:find(text, 1, true), r.stderr) end
        assert.matches("PostSeeder %.+ " .. helpers.TIME .. " FAIL", r.stdout)
      end

      it("on a Lua error, naming the file and line", function()
        local file = failing([[
  self.db:insert("posts", { title = "callee's" })
  error("boom in the seeder")]])
        assert_failed(project:run("seed"), file, line(2), "boom in the seeder")
      end)

      it("on an SQL error, with the database's message", function()
        local file = failing([[
  self.db:insert("posts", { title = "callee's" })
  self.db:execute("INSERT INTO nowhere (id) VALUES (1)")]])
        assert_failed(project:run("seed"), file, line(2), "nowhere")
      end)

      it("on a duplicate in a bulk insert, naming the insert's line", function()
        local file = failing([[
  local rows = {}
  for i = 1, 3000 do rows[i] = { name = "tag " .. (i == 2500 and 7 or i) } end
  self.db:insert("tags", rows)]])
        assert_failed(project:run("seed"), file, line(3))
      end)

      -- 3000 tags, the 2500th a duplicate of the 7th, inserted on line(3)
      local DUPLICATE_TAGS = [[
  local rows = {}
  for i = 1, 3000 do rows[i] = { name = "tag " .. (i == 2500 and 7 or i) } end
  self.db:insert("tags", rows)]]

      if dialect == "mysql" then
        it("on a duplicate that LOAD DATA made a warning, with the server's error", function()
          local file = failing(DUPLICATE_TAGS)
          local r = project:run("seed")
          assert_failed(r, file, line(3), "Duplicate entry 'tag 7' for key 'tags_name_unique'")
          assert.truthy(r.stderr:find("SQL: LOAD DATA LOCAL INFILE 'lmigrate' INTO TABLE `tags`", 1, true),
                        r.stderr)
        end)

        it("through the INSERTs when the server refuses LOCAL INFILE", function()
          local was = project:with_db(function(db) return db:first("SELECT @@GLOBAL.local_infile AS v").v end)
          project:with_db(function(db) db:execute("SET GLOBAL local_infile = 0") end)
          finally(function()
            project:with_db(function(db) db:execute("SET GLOBAL local_infile = " .. tostring(was)) end)
          end)
          local file = failing(DUPLICATE_TAGS)
          local r = project:run("seed")
          assert_failed(r, file, line(3), "Duplicate entry 'tag 7' for key 'tags_name_unique'")
          assert.truthy(r.stderr:find("SQL: INSERT INTO `tags`", 1, true), r.stderr)
          write_seed(project, "post_seeder.lua", seeder("PostSeeder", [[
  local rows = {}
  for i = 1, 3000 do rows[i] = { name = "tag " .. i } end
  io.write("inserted ", self.db:insert("tags", rows), "\n")]]))
          r = project:run("seed")
          helpers.assert_status(0, r)
          assert.truthy(r.stdout:find("inserted 3000", 1, true), r.stdout)
          assert.equals(3002, count(project, "tags"))
        end)
      end

      it("on a duplicate in a bulk insert followed by more statements", function()
        local file = failing([[
  local rows = {}
  for i = 1, 3000 do rows[i] = { name = "tag " .. (i == 2500 and 7 or i) } end
  self.db:insert("tags", rows)
  self.db:insert("posts", { title = "after the duplicate" })
  self.db:execute("UPDATE posts SET title = title")]])
        local r = project:run("seed")
        helpers.assert_status(1, r)
        assert_no_rows(project)
        -- the failure may show where it surfaced; the insert's line is named
        assert.truthy(helpers.has_file_line(r.stderr, file, line(3)), r.stderr)
      end)

      it("even inside the caller's transaction when the caller goes on", function()
        write_seed(project, "database_seeder.lua", seeder("DatabaseSeeder", [[
  self.db:insert("posts", { title = "caller's" })
  self:call("PostSeeder")
  self.db:insert("posts", { title = "never" })]]))
        write_seed(project, "post_seeder.lua", seeder("PostSeeder", '  error("no")'))
        helpers.assert_status(1, project:run("seed"))
        assert_no_rows(project)
      end)

      it("a missing seeder file: exit 1 with its path", function()
        local r = project:run("seed", "--class", "NoSuchSeeder")
        helpers.assert_status(1, r)
        assert.truthy(r.stderr:find("databases/seeds/no_such_seeder.lua", 1, true), r.stderr)
      end)

      it("no database_seeder.lua: exit 1 with its path", function()
        local r = project:run("seed")
        helpers.assert_status(1, r)
        assert.truthy(r.stderr:find("databases/seeds/database_seeder.lua", 1, true), r.stderr)
      end)

      it("self:call of a missing seeder: exit 1 with its path, no rows", function()
        write_seed(project, "database_seeder.lua", seeder("DatabaseSeeder", [[
  self.db:insert("posts", { title = "caller's" })
  self:call("GhostSeeder")]]))
        local r = project:run("seed")
        helpers.assert_status(1, r)
        assert.truthy(r.stderr:find("databases/seeds/ghost_seeder.lua", 1, true), r.stderr)
        assert_no_rows(project)
      end)

      it("a file that returns no seeder: exit 1", function()
        local file = write_seed(project, "database_seeder.lua", "return 42\n")
        local r = project:run("seed")
        helpers.assert_status(1, r)
        assert.truthy(r.stderr:find(file, 1, true), r.stderr)
        assert.truthy(r.stderr:find("returns no seeder", 1, true), r.stderr)
        write_seed(project, "database_seeder.lua", "local x = 1\n")
        r = project:run("seed")
        helpers.assert_status(1, r)
        assert.truthy(r.stderr:find("returns no seeder", 1, true), r.stderr)
      end)

      it("a file that does not compile: exit 1 with file and line", function()
        local file = write_seed(project, "database_seeder.lua", "local S = {\nreturn S\n")
        local r = project:run("seed")
        helpers.assert_status(1, r)
        assert.truthy(r.stderr:find(file, 1, true), r.stderr)
      end)
    end)

    describe("self.db:insert", function()
      -- the body's first line is line(2): NASTY is defined on line(1)
      local function seed_with(body)
        local literal = ("%q"):format(NASTY):gsub("\\\n", "\\n")
        write_seed(project, "database_seeder.lua", seeder("DatabaseSeeder",
          "  local NASTY = " .. literal .. "\n" .. body))
        return project:run("seed")
      end

      it("inserts 10,007 rows at once: NULLs, missing keys, quotes, floats, booleans", function()
        local r = seed_with("  local N = 10007\n" .. BULK_ROWS .. [[

  io.write("inserted ", self.db:insert("bulk", rows), "\n")
  -- the rows are there for the next statement of the seeder
  local seen = self.db:first("SELECT COUNT(*) AS n FROM bulk")
  io.write("seen ", tostring(seen.n), "\n")]])
        helpers.assert_status(0, r)
        assert.truthy(r.stdout:find("inserted 10007", 1, true), r.stdout)
        assert.truthy(r.stdout:find("seen 10007", 1, true), r.stdout)
        check_bulk(project, 10007)
      end)

      it("inserts rows given in many calls, into two tables in turn", function()
        local r = seed_with("  local N = 4000\n" .. BULK_ROWS .. [[

  local total = 0
  for first = 1, N, 1000 do
    total = total + self.db:insert("bulk", table.move(rows, first, first + 999, 1, {}))
    self.db:insert("posts", { title = "after " .. first })
  end
  for i = 1, 50 do self.db:insert("tags", { name = "single " .. i }) end
  io.write("total ", total, "\n")]])
        helpers.assert_status(0, r)
        assert.truthy(r.stdout:find("total 4000", 1, true), r.stdout)
        check_bulk(project, 4000)
        assert.equals(4, count(project, "posts"))
        assert.equals(50, count(project, "tags"))
      end)

      it("takes one row, and returns 1", function()
        local r = seed_with([[
  io.write("one ", self.db:insert("posts", { title = NASTY }), "\n")]])
        helpers.assert_status(0, r)
        assert.truthy(r.stdout:find("one 1", 1, true), r.stdout)
        assert.same({ NASTY }, titles(project))
      end)

      it("keeps binary strings (NUL bytes) among ordinary rows", function()
        local r = seed_with([[
  local rows = {}
  for i = 1, 500 do rows[i] = { id = i, name = "b" .. i, data = "plain" .. i } end
  rows[250].data = "nul\0inside\0"
  rows[499].data = "\1\2\127"
  self.db:insert("bulk", rows)]])
        helpers.assert_status(0, r)
        project:with_db(function(db)
          assert.equals(500, db:count("bulk"))
          assert.equals("nul\0inside\0", db:first("SELECT data FROM bulk WHERE id = 250").data)
          assert.equals("\1\2\127", db:first("SELECT data FROM bulk WHERE id = 499").data)
          assert.equals("plain1", db:first("SELECT data FROM bulk WHERE id = 1").data)
          assert.equals("plain500", db:first("SELECT data FROM bulk WHERE id = 500").data)
        end)
      end)

      it("keeps bytes that are not UTF-8 (and no NUL: COPY and LOAD DATA are asked first)", function()
        local r = seed_with([[
  local rows = {}
  for i = 1, 500 do rows[i] = { id = i, name = "b" .. i, data = "plain" .. i } end
  rows[120].data = "\255\254 caf\233 \128"
  self.db:insert("bulk", rows)]])
        helpers.assert_status(0, r)
        project:with_db(function(db)
          assert.equals(500, db:count("bulk"))
          assert.equals("\255\254 caf\233 \128", db:first("SELECT data FROM bulk WHERE id = 120").data)
          assert.equals("plain500", db:first("SELECT data FROM bulk WHERE id = 500").data)
        end)
      end)

      local function assert_refused(body, text)
        local r = seed_with(body)
        helpers.assert_status(1, r)
        assert.truthy(r.stderr:find(text, 1, true), r.stderr)
        assert.truthy(helpers.has_file_line(r.stderr, "databases/seeds/database_seeder.lua", line(2)),
                      r.stderr)
        assert_no_rows(project)
      end

      it("inserts nothing from an empty list, and returns 0 (as Laravel's insert([]))", function()
        local r = seed_with([[
  io.write("empty ", self.db:insert("posts", {}), "\n")
  io.write("one ", self.db:insert("posts", { title = "after" }), "\n")]])
        helpers.assert_status(0, r)
        assert.truthy(r.stdout:find("empty 0", 1, true), r.stdout)
        assert.truthy(r.stdout:find("one 1", 1, true), r.stdout)
        assert.same({ "after" }, titles(project))
      end)

      it("refuses rows that are not tables", function()
        assert_refused('  self.db:insert("posts", { { title = "a" }, "b" })', "row 2 is a string")
        assert_refused('  self.db:insert("posts", { "a" })', "row 1 is a string")
        assert_refused('  self.db:insert("posts", "a")', "a row or a list of rows")
      end)

      it("refuses a value that is no SQL value, and a key that is no column name", function()
        assert_refused('  self.db:insert("posts", { { title = {} } })', "column 'title'")
        assert_refused('  self.db:insert("posts", { { title = "a" }, { title = "b", [3] = 1 } })',
                       "row 2 has a number key")
      end)
    end)

    describe("self.db:transaction", function()
      it("commits its rows, and rolls back only its own on failure", function()
        write_seed(project, "database_seeder.lua", seeder("DatabaseSeeder", [[
  self.db:insert("posts", { title = "outer" })
  local v = self.db:transaction(function(db)
    db:insert("posts", { title = "inner kept" })
    return "returned"
  end)
  io.write("value ", v, "\n")
  local ok, err = pcall(self.db.transaction, self.db, function(db)
    local rows = {}
    for i = 1, 2000 do rows[i] = { title = "dropped " .. i } end
    db:insert("posts", rows)
    error("inner failure")
  end)
  io.write("caught ", tostring(not ok and tostring(err):find("inner failure") ~= nil), "\n")
  self.db:insert("posts", { title = "last" })]]))
        local r = project:ok("seed")
        assert.truthy(r.stdout:find("value returned", 1, true), r.stdout)
        assert.truthy(r.stdout:find("caught true", 1, true), r.stdout)
        assert.same({ "outer", "inner kept", "last" }, titles(project))
      end)
    end)

    describe("db:insert in a migration", function()
      it("a bulk insert that fails rolls the migration back and names its line", function()
        local name = "2026_01_01_000001_fill_tags"
        local path = project:write(name, helpers.migration {
          name = "FillTags",
          up = [[
  local rows = {}
  for i = 1, 1000 do rows[i] = { name = "t" .. (i == 900 and 1 or i) } end
  self.db:insert("tags", rows)]],
        })
        local r = project:run("migrate")
        helpers.assert_status(1, r)
        assert.equals(0, count(project, "tags"))
        assert.equals(1, #project:history())
        -- helpers.migration: the header line is blank, the body starts on line 5
        local rel = "databases/migrations/" .. name .. ".lua"
        assert.truthy(r.stderr:find(name, 1, true), r.stderr)
        assert.truthy(helpers.has_file_line(r.stderr, rel, 7) or helpers.has_file_line(r.stderr, path, 7),
                      r.stderr)
      end)

      it("--pretend prints the INSERTs of a bulk insert and inserts nothing", function()
        project:write("2026_01_01_000001_fill_tags", helpers.migration {
          name = "FillTags",
          up = [[
  local rows = {}
  for i = 1, 300 do rows[i] = { name = "t" .. i .. (i == 2 and "\tit's" or "") } end
  self.db:insert("tags", rows)]],
        })
        local r = project:ok("migrate", "--pretend")
        local _, inserts = r.stdout:gsub("\nINSERT INTO [`\"]tags[`\"] %([`\"]name[`\"]%) VALUES ", "")
        assert.equals(2, inserts, r.stdout)  -- 200 rows a statement
        assert.truthy(r.stdout:find("('t1'), ", 1, true), r.stdout)
        assert.truthy(r.stdout:find("('t300');", 1, true), r.stdout)
        assert.falsy(r.stdout:find("LOAD DATA", 1, true), r.stdout)
        assert.falsy(r.stdout:find("COPY", 1, true), r.stdout)
        assert.equals(0, count(project, "tags"))
        assert.equals(1, #project:history())
      end)

      it("a bulk insert lands whole", function()
        project:write("2026_01_01_000001_fill_tags", helpers.migration {
          name = "FillTags",
          up = [[
  local rows = {}
  for i = 1, 1500 do rows[i] = { name = "t" .. i } end
  assert(self.db:insert("tags", rows) == 1500)
  assert(self.db:first("SELECT COUNT(*) AS n FROM tags").n + 0 == 1500)]],
        })
        project:ok("migrate")
        assert.equals(1500, count(project, "tags"))
      end)
    end)
  end)
end
