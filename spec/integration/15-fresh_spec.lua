-- refresh (reset, then migrate) and fresh (drop every table, view and
-- sequence, whatever depends on what, then migrate; no down runs), with
-- --seed. The schema fresh faces is made hard on purpose: tables no
-- migration created, foreign keys in a cycle, views over views, a
-- standalone sequence, other schemas (PostgreSQL).
local helpers = require("spec.helpers")
local S = require("spec.support.commands")

local A, B, C, D, USERS = S.A, S.B, S.C, S.D, S.USERS
local step, batches, log_of, assert_order = S.step, S.batches, S.log_of, S.assert_order

local function assert_exit(expected, r)
  return helpers.assert_status(expected, r)
end

-- views of the connection's schema, sorted
local function views(db)
  local sql = ({
    postgres = "SELECT table_name AS name FROM information_schema.views "
      .. "WHERE table_schema = current_schema() ORDER BY 1",
    mysql = "SELECT table_name AS name FROM information_schema.views "
      .. "WHERE table_schema = DATABASE() ORDER BY 1",
  })[db.dialect.name] or "SELECT name FROM sqlite_master WHERE type = 'view' ORDER BY name"
  local t = {}
  for _, r in ipairs(db:query(sql)) do t[#t + 1] = r.name end
  return t
end

for _, dialect in helpers.each_dialect() do
  local postgres_only = dialect.name == "postgres" and it or pending

  describe("refresh and fresh [#" .. dialect .. "]", function()
    local project

    before_each(function()
      project = helpers.project(dialect)
      S.create_log(project)
    end)

    after_each(function()
      if project then project:cleanup() end
      project = nil
    end)

    -- {=================================================================
    describe("refresh", function()
      it("resets then migrates: every migration in batch 1 again", function()
        S.three_batches(project)
        local r = project:ok("refresh")
        assert_order(r.stdout, { D, C, B, A, A, B, C, D })
        assert.same({ A, B, C, D }, S.names(project))
        assert.same({ [A] = 1, [B] = 1, [C] = 1, [D] = 1 }, batches(project))
        assert.same({ "up a", "up b", "up c", "up d", "down d", "down c", "down b", "down a",
                      "up a", "up b", "up c", "up d" }, log_of(project))
      end)

      it("also runs the pending migrations", function()
        project:write(A, step("a"))
        project:ok("migrate")
        project:write(B, step("b"))
        project:ok("refresh")
        assert.same({ [A] = 1, [B] = 1 }, batches(project))
      end)

      it("--seed runs the DatabaseSeeder afterwards", function()
        project:write(USERS, S.USERS_MIGRATION)
        S.write_seeder(project)
        project:ok("migrate")
        project:with_db(function(db)
          db:run("INSERT INTO users (name, email) VALUES ('Old', 'old@example.com')")
        end)
        project:ok("refresh", "--seed")
        local emails = project:with_db(function(db)
          local t = {}
          for _, row in ipairs(db:query("SELECT email FROM users ORDER BY email")) do
            t[#t + 1] = row.email
          end
          return t
        end)
        assert.same({ "ada@example.com", "grace@example.com" }, emails)
      end)

      -- unlike fresh, refresh needs every down
      it("stops at a down that fails, before migrating anything", function()
        S.three_batches(project)
        project:write(B, step("b", { down = '  error("no way back")' }))
        local r = assert_exit(1, project:run("refresh"))
        assert.truthy(r.stderr:find("no way back", 1, true), helpers.describe_run(r))
        assert.same({ [A] = 1, [B] = 2 }, batches(project))
        assert.same({ "up a", "up b", "up c", "up d", "down d", "down c" }, log_of(project))
      end)

      it("without --seed seeds nothing", function()
        project:write(USERS, S.USERS_MIGRATION)
        S.write_seeder(project)
        project:ok("migrate")
        project:ok("refresh")
        assert.equals(0, S.count(project, "users"))
      end)
    end)

    -- {=================================================================
    describe("fresh", function()
      -- tables no migration created, foreign keys both ways, a view over them
      local function hard_schema()
        project:with_db(function(db)
          if dialect.name == "postgres" then
            db:run("CREATE TABLE cyc_a (id SERIAL PRIMARY KEY, b_id INTEGER)")
            db:run("CREATE TABLE cyc_b (id SERIAL PRIMARY KEY, a_id INTEGER REFERENCES cyc_a (id))")
            db:run("ALTER TABLE cyc_a ADD CONSTRAINT cyc_a_b FOREIGN KEY (b_id) REFERENCES cyc_b (id)")
            db:run("CREATE SEQUENCE lone_seq")
            db:run("CREATE TABLE \"Odd name\" (id INTEGER DEFAULT nextval('lone_seq'))")
          elseif dialect.name == "mysql" then  -- MariaDB has sequences too
            db:run("CREATE TABLE cyc_a (id INTEGER PRIMARY KEY, b_id INTEGER)")
            db:run("CREATE TABLE cyc_b (id INTEGER PRIMARY KEY, a_id INTEGER REFERENCES cyc_a (id))")
            db:run("ALTER TABLE cyc_a ADD CONSTRAINT cyc_a_b FOREIGN KEY (b_id) REFERENCES cyc_b (id)")
            db:run("CREATE SEQUENCE lone_seq")
            db:run("CREATE TABLE `Odd name` (id INTEGER DEFAULT (NEXTVAL(lone_seq)))")
            db:run("CREATE TRIGGER cyc_a_t AFTER INSERT ON cyc_a FOR EACH ROW SET @lmigrate_t = 1")
          else
            db:run("CREATE TABLE cyc_a (id INTEGER PRIMARY KEY, b_id INTEGER REFERENCES cyc_b (id))")
            db:run("CREATE TABLE cyc_b (id INTEGER PRIMARY KEY, a_id INTEGER REFERENCES cyc_a (id))")
            db:run("CREATE TABLE \"Odd name\" (id INTEGER)")
            db:run("CREATE TRIGGER cyc_a_t AFTER INSERT ON cyc_a BEGIN SELECT 1; END")
          end
          db:run("INSERT INTO cyc_a (id, b_id) VALUES (1, NULL)")
          db:run("INSERT INTO cyc_b (id, a_id) VALUES (1, 1)")
          db:run("UPDATE cyc_a SET b_id = 1 WHERE id = 1")
          db:run("INSERT INTO t_a (name) VALUES ('x')")
          db:run("CREATE VIEW cyc_v AS SELECT cyc_a.id AS a, cyc_b.id AS b, t_a.name "
                 .. "FROM cyc_a JOIN cyc_b ON cyc_b.a_id = cyc_a.id JOIN t_a ON t_a.id = cyc_a.id")
          db:run("CREATE VIEW cyc_vv AS SELECT a FROM cyc_v")
        end)
      end

      local function sequences()
        return project:with_db(function(db)
          local t = {}
          for _, r in ipairs(db:query("SELECT sequence_name AS name FROM information_schema.sequences "
                                      .. "WHERE sequence_schema = current_schema() ORDER BY 1")) do
            t[#t + 1] = r.name
          end
          return t
        end)
      end

      it("drops every table and view, whatever their keys, then migrates from scratch", function()
        S.three_batches(project)
        hard_schema()
        local r = project:ok("fresh")
        assert_order(r.stdout, { A, B, C, D })
        assert.is_nil(r.stdout:find("down", 1, true))
        assert.same({ "migrations", "t_a", "t_b", "t_c", "t_d" }, project:tables())
        assert.same({}, project:with_db(views))
        assert.same({ [A] = 1, [B] = 1, [C] = 1, [D] = 1 }, batches(project))
        assert.equals(0, project:with_db(function(db) return db:count("t_a") end))
        if dialect.name == "mysql" then  -- the sequence went too
          assert.equals(0, tonumber(project:with_db(function(db)
            return db:scalar("SELECT COUNT(*) AS n FROM information_schema.tables "
              .. "WHERE table_schema = DATABASE() AND table_type = 'SEQUENCE'")
          end)))
        end
      end)

      postgres_only("drops standalone sequences too, and keeps the ones of serial columns", function()
        S.three_batches(project)
        hard_schema()
        project:ok("fresh")
        local seqs = sequences()
        assert.is_false(helpers.contains(seqs, "lone_seq"), table.concat(seqs, ","))
        assert.is_false(helpers.contains(seqs, "cyc_a_id_seq"), table.concat(seqs, ","))
        assert.is_true(helpers.contains(seqs, "t_a_id_seq"), table.concat(seqs, ","))
      end)

      postgres_only("drops a materialized view", function()
        S.three_batches(project)
        project:with_db(function(db)
          db:run("CREATE MATERIALIZED VIEW a_mat AS SELECT id FROM t_a")
        end)
        local r = project:run("fresh")
        assert_exit(0, r)
        assert.same({ "migrations", "t_a", "t_b", "t_c", "t_d" }, project:tables())
        assert.equals(0, tonumber(project:with_db(function(db)
          return db:scalar("SELECT COUNT(*) AS n FROM pg_matviews WHERE schemaname = current_schema()")
        end)))
      end)

      -- a migration making its own types in raw SQL, as PostgreSQL-only apps do
      local TYPES = "2026_01_01_000009_create_moods"
      local function write_types()
        project:write(TYPES, helpers.migration {
          name = "CreateMoods",
          up = [[
  self.db:statement("CREATE TYPE mood AS ENUM ('happy', 'sad')")
  self.db:statement("CREATE DOMAIN positive AS integer CHECK (VALUE > 0)")
  self.db:statement("CREATE TYPE pair AS (a integer, b text)")
  self.schema:create("feelings", function(t) t:id() end)
  self.db:statement("ALTER TABLE feelings ADD COLUMN m mood, ADD COLUMN n positive")
  local kinds = {}
  for _, ty in ipairs(self.schema:get_types()) do
    if not ty.implicit then kinds[#kinds + 1] = ty.name .. ":" .. ty.type end
  end
  table.sort(kinds)
  assert(table.concat(kinds, " ") == "mood:enum pair:composite positive:domain", table.concat(kinds, " "))]],
          down = [[
  self.schema:drop("feelings")
  self.db:statement("DROP TYPE pair")
  self.db:statement("DROP DOMAIN positive")
  self.db:statement("DROP TYPE mood")]],
        })
      end

      postgres_only("--drop-types drops the types and domains migrations made (Laravel's)", function()
        write_types()
        project:ok("migrate")
        -- without it the types stay, and the migration that makes them fails again
        local r = assert_exit(1, project:run("fresh"))
        assert.matches('type "mood" already exists', r.stderr)
        project:ok("fresh", "--drop-types")
        assert.is_true(project:has_table("feelings"))
        project:ok("fresh", "--drop-types", "--drop-views")
        assert.equals(3, tonumber(project:with_db(function(db)
          return db:scalar("SELECT COUNT(*) AS n FROM pg_type t "
            .. "JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = current_schema() "
            .. "AND t.typname IN ('mood', 'positive', 'pair')")
        end)))
      end)

      if dialect.name ~= "postgres" then
        it("--drop-types is refused where there are no types, nothing changed", function()
          S.three_batches(project)
          local before = project:tables()
          local r = assert_exit(2, project:run("fresh", "--drop-types"))
          assert.matches("only supported by PostgreSQL", r.stderr)
          assert.same(before, project:tables())
        end)

        it("schema:get_types and drop_all_types raise at the migration's line, nothing kept", function()
          for _, call in ipairs { "get_types", "drop_all_types" } do
            project:write("2026_01_01_000009_types_" .. call, helpers.migration {
              name = "Types",
              up = "  self.schema:" .. call .. '()\n  self.schema:create("kept_not", function(t) t:id() end)',
            })
            local r = assert_exit(1, project:run("migrate"))
            assert.matches("schema:" .. call .. ": user%-defined types are only supported by PostgreSQL",
              r.stderr)
            local file = "databases/migrations/2026_01_01_000009_types_" .. call .. ".lua"
            assert.truthy(helpers.has_file_line(r.stderr, file, 5), r.stderr)
            assert.is_false(project:has_table("kept_not"))
            project:remove("2026_01_01_000009_types_" .. call)
          end
        end)
      end

      postgres_only("leaves other schemas alone", function()
        S.three_batches(project)
        project:with_db(function(db)
          db:run("CREATE SCHEMA other")
          db:run("CREATE TABLE other.kept (id INTEGER)")
          db:run("INSERT INTO other.kept VALUES (7)")
        end)
        project:ok("fresh")
        assert.equals(7, tonumber(project:with_db(function(db)
          return db:scalar("SELECT id FROM other.kept")
        end)))
      end)

      -- SQLite: fresh turns the checks off to drop, and must turn them on
      -- again before the migrations it runs
      it("keeps foreign keys enforced for the migrations it runs", function()
        project:write(USERS, S.USERS_MIGRATION)
        -- MySQL: a key must have the type of what it references (INT UNSIGNED)
        local unsigned = dialect.name == "mysql" and ":unsigned()" or ""
        project:write(A, helpers.migration {
          up = [[
  self.schema:create("posts", function(t)
    t:increments("id")
    t:integer("user_id")]] .. unsigned .. [[
    t:foreign("user_id"):references("id"):on("users")
  end)]],
          down = '  self.schema:drop("posts")',
        })
        project:ok("migrate")
        project:write(B, helpers.migration {
          up = '  self.db:execute("INSERT INTO posts (user_id) VALUES (42)")',
        })
        local r = assert_exit(1, project:run("fresh"))
        assert.truthy(r.stderr:lower():find("foreign key", 1, true), helpers.describe_run(r))
        assert.truthy(r.stderr:find(B, 1, true), helpers.describe_run(r))
        assert.same({ USERS, A }, S.names(project))
        assert.equals(0, S.count(project, "posts"))
      end)

      it("does not mind a broken down or a missing file", function()
        S.three_batches(project)
        project:write(B, step("b", { down = '  error("no way back")' }))
        project:remove(C)
        local r = project:ok("fresh")
        assert.is_nil(r.stderr:find("no way back", 1, true))
        assert.same({ A, B, D }, S.names(project))
        assert.same({ "migrations", "t_a", "t_b", "t_d" }, project:tables())
      end)

      it("works on an empty database", function()
        project:with_db(function(db) db:run("DROP TABLE log") end)
        project:write(A, helpers.create_table_migration("t_a"))
        project:ok("fresh")
        assert.same({ "migrations", "t_a" }, project:tables())
      end)

      it("--seed runs the DatabaseSeeder afterwards", function()
        project:write(USERS, S.USERS_MIGRATION)
        S.write_seeder(project)
        project:ok("migrate")
        project:ok("seed")
        project:ok("fresh", "--seed")
        assert.equals(2, S.count(project, "users"))
      end)

      it("a failing seeder after fresh leaves the migrations applied and no rows, exit 1", function()
        project:write(USERS, S.USERS_MIGRATION)
        local broken = S.SEEDER:gsub("\nend\nreturn", '\n  error("seed boom")\nend\nreturn')
        assert(broken ~= S.SEEDER)
        S.write_seeder(project, broken)
        local r = assert_exit(1, project:run("fresh", "--seed"))
        assert.matches("seed boom", r.stderr)
        assert.same({ USERS }, S.names(project))
        assert.equals(0, S.count(project, "users"))
      end)
    end)
  end)
end
