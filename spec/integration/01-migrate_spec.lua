-- lmigrate migrate on the example project: the blog of databases/migrations,
-- checked by introspection and by what the constraints do to rows.
local helpers = require("spec.helpers")

local BLOG = "2026_04_12_000000_create_blog_tables"

for _, dialect in helpers.each_dialect() do
  local sqlite_only = dialect.name == "sqlite" and it or pending

  describe("lmigrate migrate, the blog example [#" .. dialect .. "]", function()
    local project

    before_each(function()
      project = helpers.project(dialect, { example = true })
    end)

    after_each(function()
      if project then project:cleanup() end
      project = nil
    end)

    describe("the run", function()
      it("applies the example as batch 1 and prints one DONE line with a time", function()
        local r = project:ok("migrate")
        local lines = helpers.lines(r.stdout)
        local i = helpers.line_index(lines, BLOG)
        assert.is_not_nil(i, helpers.describe_run(r))
        assert.matches(helpers.TIME, lines[i])
        assert.matches("DONE", lines[i])
        local history = project:history()
        assert.equals(1, #history)
        assert.equals(BLOG, history[1].migration)
        assert.equals(1, history[1].batch)
      end)

      it("records a checksum and a time in the history table", function()
        project:ok("migrate")
        project:with_db(function(db)
          local row = db:first("SELECT migration, batch, checksum, ran_at FROM migrations")
          assert.is_not_nil(row)
          assert.is_not.equal(helpers.core.null, row.checksum)
          assert.truthy(tostring(row.checksum) ~= "")
          assert.is_not.equal(helpers.core.null, row.ran_at)
        end)
      end)

      it("has a history table migrations(id, migration UNIQUE, batch, checksum, ran_at)", function()
        project:ok("migrate")
        project:with_db(function(db)
          local cols = db:columns("migrations")
          for _, c in ipairs { "id", "migration", "batch", "checksum", "ran_at" } do
            assert.is_not_nil(cols[c], "history column " .. c)
          end
          assert.truthy(db:unique_sets("migrations").migration, "migration is unique")
        end)
      end)

      it("says Nothing to migrate. the second time and changes nothing", function()
        project:ok("migrate")
        local before = project:snapshot()
        local r = project:ok("migrate")
        assert.matches("Nothing to migrate%.", r.stdout)
        assert.is_nil(r.stdout:find(BLOG, 1, true))
        assert.equals(before, project:snapshot())
      end)

      sqlite_only("creates databases/database.sqlite when nothing is configured", function()
        assert.is_false(helpers.exists(project:path("databases/database.sqlite")))
        project:ok("migrate")
        assert.is_true(helpers.exists(project:path("databases/database.sqlite")))
      end)

      it("rolls the blog back: every table gone, the history empty", function()
        project:ok("migrate")
        local r = project:ok("rollback")
        assert.truthy(r.stdout:find(BLOG, 1, true), helpers.describe_run(r))
        assert.same({ "migrations" }, project:tables())
        assert.same({}, project:history())
        r = project:ok("migrate")
        assert.truthy(r.stdout:find(BLOG, 1, true))
        assert.same({ "media", "migrations", "post_tag", "posts", "tags", "users" },
                    project:tables())
      end)
    end)

    describe("the schema", function()
      before_each(function()
        project:ok("migrate")
      end)

      it("has exactly the five tables and the history", function()
        assert.same({ "media", "migrations", "post_tag", "posts", "tags", "users" },
                    project:tables())
      end)

      it("has the columns of each table, in order", function()
        local expect = {
          users = { "id", "name", "email", "password", "created_at", "updated_at" },
          posts = { "id", "user_id", "title", "slug", "body", "published_at",
                    "created_at", "updated_at" },
          tags = { "id", "name", "slug" },
          post_tag = { "post_id", "tag_id" },
          media = { "id", "post_id", "disk", "path", "mime_type", "size",
                    "created_at", "updated_at" },
        }
        project:with_db(function(db)
          for tbl, names in pairs(expect) do
            local got = {}
            for _, c in ipairs(db:columns(tbl)) do got[#got + 1] = c.name end
            assert.same(names, got, tbl)
          end
        end)
      end)

      it("makes columns NOT NULL unless nullable()", function()
        project:with_db(function(db)
          local users, posts = db:columns("users"), db:columns("posts")
          assert.is_true(users.name.notnull)
          assert.is_true(users.email.notnull)
          assert.is_true(users.password.notnull)
          assert.is_true(posts.title.notnull)
          assert.is_true(posts.body.notnull)
          assert.is_false(posts.published_at.notnull)
          assert.is_false(users.created_at.notnull)
          assert.is_false(users.updated_at.notnull)
        end)
      end)

      sqlite_only("uses the SQLite types of the contract", function()
        project:with_db(function(db)
          local users, posts, media = db:columns("users"), db:columns("posts"), db:columns("media")
          assert.equals("INTEGER", users.id.type)
          assert.equals(1, users.id.pk)
          assert.equals("VARCHAR(255)", users.email.type)
          assert.equals("TEXT", posts.body.type)
          assert.equals("DATETIME", posts.published_at.type)
          assert.equals("DATETIME", users.created_at.type)
          assert.equals("INTEGER", posts.user_id.type)
          assert.equals("INTEGER", media.size.type)
          assert.matches("CURRENT_TIMESTAMP", users.created_at.default)
          local sql = db:scalar("SELECT sql FROM sqlite_master WHERE name = 'users'")
          assert.matches("AUTOINCREMENT", sql)
        end)
      end)

      it("has the unique indexes", function()
        project:with_db(function(db)
          assert.truthy(db:unique_sets("users").email, "users.email")
          assert.truthy(db:unique_sets("posts").slug, "posts.slug")
          assert.truthy(db:unique_sets("tags").name, "tags.name")
          assert.truthy(db:unique_sets("tags").slug, "tags.slug")
          assert.is_nil(db:unique_sets("users").name, "users.name is not unique")
        end)
      end)

      it("has the composite primary key of post_tag", function()
        project:with_db(function(db)
          local cols = db:columns("post_tag")
          if dialect.name == "sqlite" then
            assert.equals(1, cols.post_id.pk)
            assert.equals(2, cols.tag_id.pk)
          end
          assert.truthy(db:unique_sets("post_tag")["post_id,tag_id"], "primary (post_id, tag_id)")
        end)
      end)

      it("has the foreign keys, each ON DELETE CASCADE", function()
        local expect = {
          posts = { { from = "user_id", table = "users", to = "id" } },
          post_tag = { { from = "post_id", table = "posts", to = "id" },
                       { from = "tag_id", table = "tags", to = "id" } },
          media = { { from = "post_id", table = "posts", to = "id" } },
        }
        project:with_db(function(db)
          for tbl, fks in pairs(expect) do
            local got = db:foreign_keys(tbl)
            table.sort(got, function(a, b) return a.from < b.from end)
            assert.equals(#fks, #got, tbl)
            for i, fk in ipairs(fks) do
              assert.equals(fk.from, got[i].from, tbl)
              assert.equals(fk.table, got[i].table, tbl)
              assert.equals(fk.to, got[i].to, tbl)
              assert.equals("CASCADE", got[i].on_delete:upper(), tbl .. "." .. fk.from)
            end
          end
          assert.same({}, db:foreign_keys("users"))
          assert.same({}, db:foreign_keys("tags"))
        end)
      end)
    end)

    describe("the constraints at work", function()
      local db

      before_each(function()
        project:ok("migrate")
        db = project:connect()
        db:run("INSERT INTO users (name, email, password) VALUES (?, ?, ?)",
               "Ada", "ada@example.com", "secret")
        db:run("INSERT INTO users (name, email, password) VALUES (?, ?, ?)",
               "Bob", "bob@example.com", "secret")
        local ada = db:scalar("SELECT id FROM users WHERE email = 'ada@example.com'")
        local bob = db:scalar("SELECT id FROM users WHERE email = 'bob@example.com'")
        db:run("INSERT INTO posts (user_id, title, slug, body) VALUES (?, ?, ?, ?)",
               ada, "Engines", "engines", "On the analytical engine")
        db:run("INSERT INTO posts (user_id, title, slug, body) VALUES (?, ?, ?, ?)",
               bob, "Bobs", "bobs", "Bob writes")
        db:run("INSERT INTO tags (name, slug) VALUES ('Maths', 'maths')")
        local post = db:scalar("SELECT id FROM posts WHERE slug = 'engines'")
        local bobs = db:scalar("SELECT id FROM posts WHERE slug = 'bobs'")
        local tag = db:scalar("SELECT id FROM tags WHERE slug = 'maths'")
        db:run("INSERT INTO post_tag (post_id, tag_id) VALUES (?, ?)", post, tag)
        db:run("INSERT INTO post_tag (post_id, tag_id) VALUES (?, ?)", bobs, tag)
        db:run("INSERT INTO media (post_id, disk, path, mime_type, size) VALUES (?, ?, ?, ?, ?)",
               post, "local", "a.png", "image/png", 1024)
      end)

      after_each(function()
        if db then db:close() end
        db = nil
      end)

      it("fills the timestamps by default", function()
        local row = db:first("SELECT created_at, updated_at FROM users WHERE name = 'Ada'")
        assert.is_not.equal(helpers.core.null, row.created_at)
        assert.is_not.equal(helpers.core.null, row.updated_at)
      end)

      it("deleting a user deletes their posts, post_tag rows and media", function()
        db:run("DELETE FROM users WHERE email = 'ada@example.com'")
        assert.equals(1, db:count("posts"))
        assert.equals("bobs", db:scalar("SELECT slug FROM posts"))
        assert.equals(1, db:count("post_tag"))
        assert.equals(0, db:count("media"))
        assert.equals(1, db:count("tags"))
        assert.equals(1, db:count("users"))
      end)

      it("deleting a tag deletes its post_tag rows only", function()
        db:run("DELETE FROM tags")
        assert.equals(0, db:count("post_tag"))
        assert.equals(2, db:count("posts"))
      end)

      it("refuses a post of a user that does not exist", function()
        local n, msg = db:exec("INSERT INTO posts (user_id, title, slug, body) "
                               .. "VALUES (999, 'x', 'x', 'x')")
        assert.is_nil(n)
        assert.matches("[Ff][Oo][Rr][Ee][Ii][Gg][Nn] [Kk][Ee][Yy]", msg)
        assert.equals(2, db:count("posts"))
      end)

      it("refuses post_tag and media rows that point nowhere", function()
        assert.is_nil((db:exec("INSERT INTO post_tag (post_id, tag_id) VALUES (999, 999)")))
        assert.is_nil((db:exec("INSERT INTO media (post_id, disk, path, mime_type, size) "
                               .. "VALUES (999, 'l', 'p', 'm', 1)")))
      end)

      it("refuses a second user with the same email", function()
        local n, msg = db:exec("INSERT INTO users (name, email, password) "
                               .. "VALUES ('Eve', 'ada@example.com', 'x')")
        assert.is_nil(n)
        assert.matches("[Uu][Nn][Ii][Qq][Uu][Ee]", msg)
      end)

      it("refuses duplicate slugs, tag names and post_tag pairs", function()
        assert.is_nil((db:exec("INSERT INTO posts (user_id, title, slug, body) "
                               .. "SELECT id, 't', 'engines', 'b' FROM users LIMIT 1")))
        assert.is_nil((db:exec("INSERT INTO tags (name, slug) VALUES ('Maths', 'other')")))
        assert.is_nil((db:exec("INSERT INTO tags (name, slug) VALUES ('Other', 'maths')")))
        assert.is_nil((db:exec("INSERT INTO post_tag SELECT post_id, tag_id FROM post_tag LIMIT 1")))
      end)

      it("refuses NULL in a NOT NULL column", function()
        assert.is_nil((db:exec("INSERT INTO users (name, email) VALUES ('Eve', 'eve@x')")))
        assert.is_nil((db:exec("INSERT INTO users (name, email, password) VALUES (NULL, 'e@x', 'p')")))
      end)

      it("refuses a negative media size (unsigned)", function()
        local post = db:scalar("SELECT id FROM posts WHERE slug = 'engines'")
        local n = db:exec("INSERT INTO media (post_id, disk, path, mime_type, size) "
                          .. "VALUES (?, 'l', 'p', 'm', -1)", post)
        assert.is_nil(n)
        assert.equals(1, db:count("media"))
      end)
    end)
  end)
end
