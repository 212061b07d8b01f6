-- lmigrate sql: the offline script of each dialect, executed on the real
-- server (sqlite3, psql on a fresh PostgreSQL database, mariadb on a fresh
-- MariaDB database). The project holds the blog example, a migration with
-- every column type and modifier the dialect accepts, and one that inserts
-- rows; after the script, the tables, columns, constraints and rows are
-- there and lmigrate (SQLite, PostgreSQL) sees every migration as applied;
-- the --down script then removes every table and history row.
--
-- PostgreSQL and MariaDB join when spec.support.servers finds them (and
-- their clients, psql and mariadb); a missing one is pending, or a
-- failure under CI.
local helpers = require("spec.helpers")
local servers = require("spec.support.servers")

-- the servers this run has, beside SQLite (nil: missing, and registered so)
local PG = servers.need("postgres", "lmigrate sql --dialect postgres", { client = true })
local MARIADB = servers.need("mariadb", "lmigrate sql --dialect mysql")

-- {======================================================
-- The migrations
-- ======================================================

local BLOG = "2026_04_12_000000_create_blog_tables"
local KINDS = "2026_04_13_000000_every_column"
local ROWS = "2026_04_14_000000_insert_rows"
local MIGRATIONS = { BLOG, KINDS, ROWS }

-- every column type and modifier of the contract's table; what a dialect
-- does not take is left out on that dialect only (self.db.driver)
local KINDS_SOURCE = [==[
local Migration = require("lmigrate.migration")
local lmigrate = require("lmigrate")

local EveryColumn = Migration:extend("EveryColumn")

function EveryColumn:up()
  local driver = self.db.driver
  self.schema:create("kinds", function(t)
    t:big_increments("id")
    t:integer("i"):default(-3)
    t:big_integer("big"):default(9007199254740993)
    t:small_integer("small"):nullable()
    t:tiny_integer("tiny"):default(1)
    t:medium_integer("medium"):nullable()
    t:unsigned_integer("ui"):default(7)
    t:unsigned_big_integer("ubi"):nullable()
    t:unsigned_decimal("ud", 6, 2):default(1.5)
    t:small_integer("us"):unsigned():default(0)
    t:string("label", 100):default("it's a \\ backslash \"quoted\"")
    t:char("code", 2):default("NL")
    t:char("code255"):nullable()
    t:text("body"):nullable()
    t:tiny_text("tt"):nullable()
    t:medium_text("mt"):nullable()
    t:long_text("lt"):nullable()
    t:text("td"):default("o'k \\n")
    t:boolean("active"):default(true)
    t:boolean("off"):default(0)
    t:decimal("price"):default(0)
    t:decimal("amount", 10, 4):nullable()
    t:float("ratio"):default(0.5)
    t:double("precise"):nullable()
    t:date("born"):nullable()
    t:datetime("seen_at"):nullable()
    t:time("at"):nullable()
    t:timestamp("stamp"):use_current()
    t:year("y"):nullable()
    t:json("meta"):nullable()
    t:jsonb("data"):nullable()
    t:uuid("uid"):nullable()
    t:binary("bin"):nullable()
    t:enum("status", { "draft", "it's live", "back\\slash" }):default("draft")
    t:inet("ip"):nullable()
    t:ip_address("ip2"):nullable()
    t:cidr("net"):nullable()
    t:macaddr("mac"):nullable()
    t:mac_address("mac2"):nullable()
    t:morphs("taggable")
    t:foreign_id("user_id"):nullable():constrained():on_delete("set null")
    t:foreign_uuid("org_uuid"):nullable()
    t:string("note"):nullable():comment("it's a \\ note")
    t:string("email"):unique()
    t:string("handle"):unique("kinds_handle_uq")
    t:string("name"):index()
    t:string("city"):index("kinds_city_ix")
    t:date("today"):nullable():default(lmigrate.raw("(CURRENT_DATE)"))
    t:timestamps()
    t:soft_deletes()
    t:check("i > -100", "kinds_i_range")
    t:check("tiny < 100")
    t:table_comment("every kind's column")
  end)

  self.schema:create("levels", function(t)
    t:tiny_increments("id")
    t:string("name")
  end)

  self.schema:create("counters", function(t)
    t:increments("id")
    t:unsigned_integer("level_id")
  end)

  self.schema:create("pairs", function(t)
    t:unsigned_big_integer("kind_id")
    t:string("key", 50)
    t:string("a")
    t:string("b")
    t:integer("n"):default(0)
    t:primary({ "kind_id", "key" })
    t:unique({ "a", "b" })
    t:index({ "b", "a" }, "pairs_ba")
    if driver == "mysql" then
      t:fulltext({ "a", "b" })
    else
      t:index({ "n" }, { where = "n > 0" })
    end
    t:foreign("kind_id"):references("id"):on("kinds"):on_delete("cascade"):on_update("cascade")
  end)

  self.schema:create("codes", function(t)
    t:string("code", 10):primary()
    t:string("label"):nullable()
  end)

  self.schema:table("kinds", function(t)
    t:string("nick", 40):nullable():comment("short"):after("name")
    t:integer("score"):default(0):unsigned():index()
    t:string("code_ref", 10):nullable()
    t:add_foreign("code_ref.code.codes")
    if driver ~= "sqlite" then   -- SQLite changes a column by a rebuild, which reads the schema
      t:string("city", 120):default("Gent"):change()
    end
  end)
end

function EveryColumn:down()
  self.schema:drop("pairs")
  self.schema:drop("kinds")
  self.schema:drop("codes")
  self.schema:drop("counters")
  self.schema:drop("levels")
end

return EveryColumn
]==]

-- rows through self.db:insert and execute: every value becomes a literal
local ROWS_SOURCE = [==[
local lmigrate = require("lmigrate")

return {
  up = function(self)
    self.db:insert("users", {
      { name = "Ada", email = "ada@example.com", password = "it's \\ secret" },
      { name = "O'Brien \"Bob\"", email = "bob@example.com", password = "line\nbreak\ttab" },
    })
    self.db:insert("posts", { user_id = 1, title = "Hello; -- not a comment",
      slug = "hello", body = "?, ?? and 'quoted'", published_at = lmigrate.null })
    self.db:insert("tags", { { name = "lua", slug = "lua" }, { name = "sql", slug = "sql" } })
    self.db:insert("post_tag", { { post_id = 1, tag_id = 1 }, { post_id = 1, tag_id = 2 } })
    self.db:insert("codes", { { code = "NL", label = lmigrate.null }, { code = "BE", label = "b" } })
    self.db:insert("kinds", {
      email = "k@example.com", handle = "h", name = "n", city = "c",
      taggable_id = 1, taggable_type = "posts", active = false, ratio = 0.25,
      big = 9007199254740993, i = 42, code_ref = "NL", user_id = 2,
      label = "semi; colon -- not a comment ?", status = "it's live",
      meta = '{"k": "a\\\\b", "q": "it\'s"}', seen_at = "2026-04-12 10:20:30",
      at = "12:34:56", y = 2026, uid = "123e4567-e89b-12d3-a456-426614174000",
      ip = "192.168.0.1", net = "10.0.0.0/8", mac = "08:00:2b:01:02:03",
    })
    self.db:insert("pairs", { kind_id = 1, key = "k1", a = "x", b = "y", n = 3 })
    self.db:execute("UPDATE kinds SET note = ?, small = ? WHERE handle = ?",
      "what? -- '\\'", -7, "h")
  end,
  down = function(self)
    self.db:execute("DELETE FROM pairs")
    self.db:execute("DELETE FROM kinds")
    self.db:execute("DELETE FROM codes WHERE code IN (?, ?)", "NL", "BE")
    self.db:execute("DELETE FROM post_tag")
    self.db:execute("DELETE FROM tags")
    self.db:execute("DELETE FROM posts")
    self.db:execute("DELETE FROM users WHERE email IN (?, ?)", "ada@example.com", "bob@example.com")
  end,
}
]==]

-- every table the three migrations make, and the history table
local TABLES = { "codes", "counters", "kinds", "levels", "media", "migrations", "pairs",
                 "post_tag", "posts", "tags", "users" }

local KINDS_COLUMNS = {
  "id", "i", "big", "small", "tiny", "medium", "ui", "ubi", "ud", "us", "label", "code",
  "code255", "body", "tt", "mt", "lt", "td", "active", "off", "price", "amount", "ratio",
  "precise", "born", "seen_at", "at", "stamp", "y", "meta", "data", "uid", "bin", "status",
  "ip", "ip2", "net", "mac", "mac2", "taggable_type", "taggable_id", "user_id", "org_uuid",
  "note", "email", "handle", "name", "city", "today", "created_at", "updated_at", "deleted_at",
  "nick", "score", "code_ref",
}

-- }======================================================

local backends = require("spec.support.sql_backends")(PG, MARIADB)

local function sorted(list)
  local t = { table.unpack(list) }
  table.sort(t)
  return t
end

local function index_of(list, v)
  for i, x in ipairs(list) do if x == v then return i end end
  return nil
end

-- the list of dialects this run covers
local DIALECTS = { "sqlite" }
if PG then DIALECTS[#DIALECTS + 1] = "postgres" end
if MARIADB then DIALECTS[#DIALECTS + 1] = "mysql" end

for _, name in ipairs(DIALECTS) do
  local server = backends[name]

  describe("lmigrate sql --dialect " .. name .. " [#" .. name .. "]", function()
    local project

    before_each(function()
      project = helpers.project(server.dialect, { example = true })
      project:write(KINDS, KINDS_SOURCE)
      project:write(ROWS, ROWS_SOURCE)
      server.setup(project)
    end)

    after_each(function()
      if project then
        pcall(server.teardown, project)
        project:cleanup()
      end
      project = nil
    end)

    -- writes the script of `lmigrate sql --dialect name ...` and returns its path
    local function script(...)
      local r = project:ok("sql", "--dialect", name, ...)
      local path = project.dir .. "/" .. (select("#", ...) > 0 and "down" or "up") .. ".sql"
      helpers.write_file(path, r.stdout)
      return path, r
    end

    local function apply(path)
      local status, out = server.apply(project, path)
      assert(status == 0, ("the %s server refused the script (exit %d):\n%s\n--- script\n%s")
        :format(name, status, out, helpers.read_file(path)))
    end

    local function history()
      local rows = server.rows(project, "SELECT migration, batch, checksum FROM migrations ORDER BY id")
      for _, r in ipairs(rows) do r.batch = tonumber(r.batch) end
      return rows
    end

    -- a statement the server must refuse: the script's constraints hold there
    local function refused(sql)
      local path = project.dir .. "/refused.sql"
      helpers.write_file(path, (server.prelude or "") .. sql .. ";\n")
      local status, out = server.apply(project, path)
      assert(status ~= 0, name .. " accepted what a constraint forbids: " .. sql .. "\n" .. out)
    end

    it("runs on the server: tables, columns, constraints, rows and history", function()
      local up, r = script()
      assert.equals("", r.stderr)
      if name == "sqlite" then
        assert.is_false(helpers.exists(project.dir .. "/databases/database.sqlite"),
          "lmigrate sql created the default database: it must not connect")
      end
      apply(up)

      assert.same(TABLES, sorted(server.tables(project)))

      -- columns, in order (MySQL puts nick AFTER name)
      local want = { table.unpack(KINDS_COLUMNS) }
      if name == "mysql" then
        table.remove(want, index_of(want, "nick"))
        table.insert(want, index_of(want, "name") + 1, "nick")
      end
      assert.same(want, server.columns(project, "kinds"))
      assert.same({ "id", "name", "email", "password", "created_at", "updated_at" },
        server.columns(project, "users"))
      assert.same({ "post_id", "tag_id" }, server.columns(project, "post_tag"))
      assert.same({ "kind_id", "key", "a", "b", "n" }, server.columns(project, "pairs"))
      local types = server.column_types(project, "kinds")
      for col, pattern in pairs(server.types) do
        assert.truthy(types[col] and types[col]:find(pattern),
          ("kinds.%s is %s, expected %s"):format(col, tostring(types[col]), pattern))
      end

      -- indexes: the partial one where the dialect has them, FULLTEXT on MySQL
      local ix = server.indexes(project, "pairs")
      if name == "mysql" then
        assert.equals("FULLTEXT (a,b)", ix.pairs_a_b_fulltext)
        assert.equals("BTREE (b,a)", ix.pairs_ba)
      else
        assert.truthy(ix.pairs_n_index and ix.pairs_n_index:find("WHERE%s*%(?n > 0"),
          "partial index: " .. tostring(ix.pairs_n_index))
        assert.truthy(ix.pairs_ba, "index pairs_ba")
      end
      assert.truthy(server.indexes(project, "kinds").kinds_city_ix, "index kinds_city_ix")

      -- the rows of the insert migration, every value as it was written
      assert.same({
        { name = "Ada", email = "ada@example.com", password = "it's \\ secret" },
        { name = "O'Brien \"Bob\"", email = "bob@example.com", password = "line\nbreak\ttab" },
      }, server.rows(project, "SELECT name, email, password FROM users ORDER BY id"))
      assert.same({ { title = "Hello; -- not a comment", body = "?, ?? and 'quoted'" } },
        server.rows(project, "SELECT title, body FROM posts"))
      assert.same({ { n = "2" } }, server.rows(project, "SELECT COUNT(*) AS n FROM post_tag"))
      assert.same({ { code = "BE", label = "b" }, { code = "NL" } },
        server.rows(project, "SELECT code, label FROM codes ORDER BY code"))
      local k = server.rows(project, "SELECT i, big, label, td, status, note, small, code, "
        .. "CASE WHEN active THEN 'yes' ELSE 'no' END AS act, "
        .. "CASE WHEN off THEN 'yes' ELSE 'no' END AS offv, ratio, ud, ui, meta, seen_at, "
        .. "today, stamp, city FROM kinds")
      assert.equals(1, #k)
      k = k[1]
      assert.equals("42", k.i)
      assert.equals("9007199254740993", k.big)
      assert.equals("semi; colon -- not a comment ?", k.label)
      assert.equals("o'k \\n", k.td)
      assert.equals("it's live", k.status)
      assert.equals("what? -- '\\'", k.note)
      assert.equals("-7", k.small)
      assert.equals("NL", k.code)
      assert.equals("no", k.act)
      assert.equals("no", k.offv)
      assert.equals(0.25, tonumber(k.ratio))
      assert.equals(1.5, tonumber(k.ud))
      assert.equals(7, tonumber(k.ui))
      assert.equals('{"k": "a\\\\b", "q": "it\'s"}', k.meta)
      assert.truthy(k.seen_at and k.seen_at:find("^2026%-04%-12 10:20:30"), k.seen_at)
      assert.truthy(k.today and k.today:find("^%d%d%d%d%-%d%d%-%d%d$"), k.today)
      assert.truthy(k.stamp and k.stamp:find("^%d%d%d%d%-%d%d%-%d%d %d"), k.stamp)
      assert.equals("c", k.city)

      -- the defaults of a row that gives none of them
      local path = project.dir .. "/row.sql"
      helpers.write_file(path, "INSERT INTO kinds (email, handle, name, city, taggable_id, "
        .. "taggable_type) VALUES ('k2@example.com', 'h2', 'n2', 'c2', 2, 'posts');\n")
      apply(path)
      assert.same({ { label = "it's a \\ backslash \"quoted\"", status = "draft", i = "-3",
                      tiny = "1", act = "yes" } },
        server.rows(project, "SELECT label, status, i, tiny, "
          .. "CASE WHEN active THEN 'yes' ELSE 'no' END AS act FROM kinds WHERE handle = 'h2'"))

      -- the enum value with a backslash, written as the dialect's literal
      helpers.write_file(path, "INSERT INTO kinds (email, handle, name, city, taggable_id, "
        .. "taggable_type, status) VALUES ('k3@example.com', 'h3', 'n3', 'c3', 3, 'posts', "
        .. (name == "mysql" and "'back\\\\slash'" or "'back\\slash'") .. ");\n")
      apply(path)
      assert.same({ { status = "back\\slash" } },
        server.rows(project, "SELECT status FROM kinds WHERE handle = 'h3'"))

      -- what the constraints forbid, the server refuses
      local cols = "(email, handle, name, city, taggable_id, taggable_type"
      local vals = "VALUES ('z@example.com', 'z', 'z', 'z', 3, 'posts'"
      refused("INSERT INTO kinds " .. cols .. ", ui) " .. vals .. ", -1)")          -- unsigned
      refused("INSERT INTO kinds " .. cols .. ", status) " .. vals .. ", 'nope')")  -- enum
      refused("INSERT INTO kinds " .. cols .. ", i) " .. vals .. ", -500)")         -- check
      refused("INSERT INTO kinds " .. cols .. ", tiny) " .. vals .. ", 100)")       -- check
      refused("INSERT INTO kinds (email, handle, name, city, taggable_id, taggable_type) "
        .. "VALUES ('k@example.com', 'z', 'z', 'z', 3, 'posts')")                 -- unique
      local key = name == "mysql" and "`key`" or '"key"'
      refused("INSERT INTO pairs (kind_id, " .. key .. ", a, b) VALUES (1, 'k1', 'p', 'q')") -- pk
      refused("INSERT INTO pairs (kind_id, " .. key .. ", a, b) VALUES (1, 'k2', 'x', 'y')") -- unique
      refused("INSERT INTO post_tag (post_id, tag_id) VALUES (1, 99)")              -- foreign key

      -- the history: every migration, batch 1, the checksum lmigrate computes
      local h = history()
      assert.equals(#MIGRATIONS, #h)
      for i, m in ipairs(MIGRATIONS) do
        assert.equals(m, h[i].migration)
        assert.equals(1, h[i].batch)
        assert.truthy(h[i].checksum and h[i].checksum:find("^%x+$"), h[i].checksum)
      end

      do
        -- lmigrate sees the script as its own work
        local url = server.url(project)
        local s = project:ok({ "status", "--json", "--database", url }, { env = {} })
        local json = s.stdout
        for _, m in ipairs(MIGRATIONS) do
          local entry = json:match('{"migration":"' .. m .. '"[^}]*}')
          assert.truthy(entry, "status --json lacks " .. m .. "\n" .. json)
          assert.truthy(entry:find('"ran":true', 1, true), entry)
          assert.truthy(entry:find('"batch":1', 1, true), entry)
          assert.truthy(entry:find('"modified":false', 1, true), entry)
        end
        s = project:ok({ "status", "--database", url }, { env = {} })
        for _, m in ipairs(MIGRATIONS) do
          assert.truthy(s.stdout:find(m .. " %.+ %[1%] Ran"), s.stdout)
        end
        local m = project:ok({ "migrate", "--database", url }, { env = {} })
        assert.truthy(m.stdout:find("Nothing to migrate", 1, true), helpers.describe_run(m))
        assert.equals(#MIGRATIONS, #history())
      end

      -- the rollback script empties the database but for the history table
      local down = script("--down")
      local text = helpers.read_file(down)
      assert.truthy(text:find(ROWS, 1, true) < text:find(KINDS, 1, true), text)
      assert.truthy(text:find(KINDS, 1, true) < text:find(BLOG, 1, true), text)
      apply(down)
      assert.same({ "migrations" }, server.tables(project))
      assert.same({}, history())
      local s = project:ok({ "status", "--json", "--database", server.url(project) }, { env = {} })
      assert.falsy(s.stdout:find('"ran":true', 1, true), s.stdout)
    end)

    it("begins with the history table, made only if it does not exist", function()
      local up = script()
      local text = helpers.read_file(up)
      local first = text:match("\n([^\n%-][^\n]*)")
      assert.truthy(first:find("^CREATE TABLE IF NOT EXISTS"), first)
      assert.equals(1, select(2, text:gsub("CREATE TABLE IF NOT EXISTS", "")))
    end)

    it("leaves a migration with transaction = false outside BEGIN/COMMIT", function()
      -- PostgreSQL refuses CREATE INDEX CONCURRENTLY inside a transaction block
      local concurrently = name == "postgres" and " CONCURRENTLY" or ""
      project:write("2026_05_01_000000_index_names", helpers.migration {
        up = ('  self.db:execute("CREATE INDEX%s users_name_idx ON users (name)")'):format(concurrently),
        down = '  self.schema:table("users", function(t) t:drop_index("users_name_idx") end)',
        extra = "M.transaction = false",
      })
      local up = script()
      local text = helpers.read_file(up)
      assert.equals(#MIGRATIONS, select(2, text:gsub("\nBEGIN;\n", "")))
      assert.equals(#MIGRATIONS, select(2, text:gsub("\nCOMMIT;\n", "")))
      local block = text:match("\n%-%- 2026_05_01_000000_index_names\n(.*)$")
      assert.truthy(block, text)
      assert.falsy(block:find("BEGIN", 1, true), block)
      assert.truthy(block:find("INSERT INTO", 1, true), block)
      apply(up)
      assert.truthy(server.indexes(project, "users").users_name_idx, "index users_name_idx")
      assert.equals(#MIGRATIONS + 1, #history())
      apply((script("--down")))
      assert.same({ "migrations" }, server.tables(project))
      assert.same({}, history())
    end)

    -- schema reads answer from the schema the script built (26-sql_model_spec)
    it("fails with exit 1, naming the file, when a migration reads data", function()
      for i, body in ipairs {
        '  local rows = self.db:query("SELECT 1 AS x")',
        '  if self.schema:has_table("users") then self.db:first("SELECT 1") end',
      } do
        local file = ("2026_05_01_00000%d_reads"):format(i)
        project:write(file, helpers.migration { up = body, down = "" })
        local r = project:run("sql", "--dialect", name)
        helpers.assert_status(1, r)
        assert.truthy(r.stderr:find(file .. ".lua", 1, true), helpers.describe_run(r))
        assert.truthy(r.stderr:find("lmigrate sql", 1, true), helpers.describe_run(r))
        assert.truthy(r.stderr:find("without a connection", 1, true), helpers.describe_run(r))
        assert.truthy(r.stderr:find("db:query", 1, true), helpers.describe_run(r))
        assert.equals("", r.stdout)
        project:remove(file)
      end
      -- in down too, with --down
      project:write("2026_05_02_000000_reads_down", helpers.migration {
        up = "", down = '  self.db:first("SELECT 1")' })
      local r = project:run("sql", "--dialect", name, "--down")
      helpers.assert_status(1, r)
      assert.truthy(r.stderr:find("2026_05_02_000000_reads_down.lua", 1, true), r.stderr)
    end)
  end)
end

describe("lmigrate sql, usage and no database", function()
  local project

  before_each(function()
    project = helpers.project("sqlite", { example = true })
  end)

  after_each(function()
    if project then project:cleanup() end
    project = nil
  end)

  it("exits 2 on an unknown dialect", function()
    local r = project:run("sql", "--dialect", "nosuch")
    helpers.assert_status(2, r)
    assert.truthy(r.stderr:find("nosuch", 1, true), r.stderr)
    assert.equals("", r.stdout)
    helpers.assert_status(2, project:run("sql", "--dialect"))
  end)

  it("writes numbers the way they were given: 0.1 in a value as in a default", function()
    project:write("2026_05_02_000000_prices", helpers.migration {
      up = [[
  self.schema:create("prices", function(t)
    t:float("p"):default(0.1)
    t:float("q"):default(1e300)
  end)
  self.db:execute("INSERT INTO prices (p, q) VALUES (?, ?)", 0.1, 0.1 + 0.2)]],
      down = '  self.schema:drop("prices")',
    })
    for _, d in ipairs { "sqlite", "postgres", "mysql" } do
      local r = project:ok("sql", "--dialect", d)
      assert.truthy(r.stdout:find("DEFAULT 0.1,", 1, true), r.stdout)
      assert.truthy(r.stdout:find("DEFAULT 1e+300)", 1, true), r.stdout)
      assert.truthy(r.stdout:find("VALUES (0.1, 0.30000000000000004);", 1, true), r.stdout)
      assert.falsy(r.stdout:find("0.10000000000000001", 1, true), r.stdout)
    end
  end)

  it("drops a named primary key by its name when drop_primary is given columns or nothing", function()
    project:write("2026_05_03_000000_joint", helpers.migration {
      up = [[
  self.schema:create("joint", function(t)
    t:integer("a"); t:integer("b"); t:primary({ "a", "b" }, "joint_primary")
  end)
  self.schema:table("joint", function(t) t:drop_primary({ "a", "b" }) end)
  self.schema:table("joint", function(t) t:primary({ "a", "b" }) end)
  self.schema:table("joint", function(t) t:drop_primary() end)]],
      down = '  self.schema:drop("joint")',
    })
    local r = project:ok("sql", "--dialect", "postgres")
    assert.truthy(r.stdout:find('ALTER TABLE "joint" DROP CONSTRAINT "joint_primary";\n'
      .. 'ALTER TABLE "joint" ADD PRIMARY KEY ("a", "b");\n'
      .. 'ALTER TABLE "joint" DROP CONSTRAINT "joint_pkey";', 1, true), r.stdout)
    r = project:ok("sql", "--dialect", "mysql")
    assert.truthy(r.stdout:find("ALTER TABLE `joint` DROP PRIMARY KEY;", 1, true), r.stdout)
  end)

  it("never connects: a database that cannot exist is fine", function()
    for _, url in ipairs { "sqlite:/nonexistent/dir/x.db",
                           "postgres://nobody:secret@127.0.0.1:1/nowhere?connect_timeout=1" } do
      for _, d in ipairs { "sqlite", "postgres", "mysql" } do
        local r = project:ok("sql", "--dialect", d, "--database", url)
        assert.truthy(r.stdout:find("CREATE TABLE", 1, true), r.stdout)
        assert.truthy(r.stdout:find(BLOG, 1, true), r.stdout)
        r = project:ok("sql", "--dialect", d, "--down", "--database", url)
        assert.truthy(r.stdout:find("DROP TABLE", 1, true), r.stdout)
      end
    end
    assert.is_false(helpers.exists("/nonexistent/dir/x.db"))
    assert.is_false(helpers.exists(project.dir .. "/databases/database.sqlite"))
  end)

  it("takes the dialect of the connection when --dialect is not given", function()
    local r = project:ok("sql", "--database", "postgres://nobody@127.0.0.1:1/x")
    assert.truthy(r.stdout:find("BIGSERIAL", 1, true), r.stdout)
    r = project:ok("sql")
    assert.truthy(r.stdout:find("AUTOINCREMENT", 1, true), r.stdout)
  end)

  it("refuses what a dialect does not take, with exit 1 and the reason", function()
    project:write("2026_05_01_000000_partial", helpers.migration {
      up = [[
  self.schema:create("p", function(t)
    t:integer("n")
    t:index({ "n" }, { where = "n > 0" })
  end)]],
      down = '  self.schema:drop("p")' })
    local r = project:run("sql", "--dialect", "mysql")
    helpers.assert_status(1, r)
    assert.truthy(r.stderr:find("not supported on mysql", 1, true), r.stderr)
    assert.truthy(r.stderr:find("2026_05_01_000000_partial.lua", 1, true), r.stderr)
    project:ok("sql", "--dialect", "postgres")
    project:remove("2026_05_01_000000_partial")

    project:write("2026_05_01_000000_fulltext", helpers.migration {
      up = [[
  self.schema:create("f", function(t)
    t:text("body")
    t:fulltext({ "body" })
  end)]],
      down = '  self.schema:drop("f")' })
    r = project:run("sql", "--dialect", "sqlite")
    helpers.assert_status(1, r)
    assert.truthy(r.stderr:find("not supported on sqlite", 1, true), r.stderr)
    project:ok("sql", "--dialect", "postgres")
    project:ok("sql", "--dialect", "mysql")
  end)
end)
