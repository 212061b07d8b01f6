-- Three real applications' migration folders, ported from PHP to Lua call
-- for call (spec/fixtures/bookstack, cachet, koel; where they come from and
-- what they found: spec/fixtures/README.md), run up, down and fresh on the
-- dialects each supports (Cachet: all three; BookStack: MySQL, as upstream;
-- Koel: SQLite, its own migrations stopping the others): every table each
-- app creates exists, status shows every migration ran, rollback and reset
-- leave only the history table, migrate works again, fresh works, the apps'
-- own data steps do what they say, and rows survive the alters of a partial
-- rollback.
local helpers = require("spec.helpers")
local apps = require("spec.support.real_apps")

local fixture_names, copy_fixture, sorted = apps.fixture_names, apps.copy_fixture, apps.sorted
local insert, rows_of = apps.insert, apps.rows_of

-- the apps, each in spec/support/apps/<app>.lua
local APPS = {}
for _, name in ipairs { "bookstack", "cachet", "koel" } do
  APPS[#APPS + 1] = require("spec.support.apps." .. name)
end

-- One project per app and dialect is migrated once and shared by the tests
-- that read it or put it back as they found it (migrate, rollback and
-- migrate, fresh): the apps' folders take seconds to run on MySQL. A test
-- that fails while the shared project is away from that state drops it;
-- the next one migrates a new one. The others get a project of their own.
for _, app in ipairs(APPS) do
  local names = fixture_names(app.name)

  for _, dialect in helpers.each_dialect() do
    describe(app.name .. "'s migrations [#" .. dialect .. "]", function()
      local project, shared, moving
      local it = it
      if app.only_on and not app.only_on[dialect.name] then
        it = function(what) pending(what .. ": not on " .. dialect.name .. " (" .. app.only_why .. ")") end
      elseif app.not_run then
        -- the app's own limits, by the first word of the test: why it cannot
        local plain = it
        it = function(what, fn)
          local why = app.not_run[what:match("^%S+")]
          if why then return pending(what .. ": " .. why) end
          return plain(what, fn)
        end
      end

      local function new_project()
        local p = helpers.project(dialect)
        local params = app.url_params and app.url_params[dialect.name]
        if params then
          p.env = dialect:env(p)
          local url = p.env.DATABASE_URL
          p.env.DATABASE_URL = url .. (url:find("?", 1, true) and "&" or "?") .. params
        end
        return p
      end

      -- the shared project, every migration run as one batch; moving() marks
      -- that the test takes it away from that state until it returns
      local function migrated()
        if not shared then
          local p = new_project()
          copy_fixture(p, app.name)
          local ok, r = pcall(p.ok, p, "migrate")
          if not ok then
            p:cleanup()
            error(r, 0)
          end
          shared, p.first_run = p, r
        end
        return shared
      end

      after_each(function()
        if project then project:cleanup() end
        project = nil
        if moving and shared then
          shared:cleanup()
          shared = nil
        end
        moving = false
      end)

      teardown(function()
        if shared then shared:cleanup() end
        shared = nil
      end)

      local function own()
        project = new_project()
        return project
      end

      it("migrate creates every table of the app and status shows every migration ran", function()
        local p = migrated()
        local r = p.first_run
        for _, name in ipairs(names) do
          assert.truthy(r.stdout:find(name, 1, true), name .. "\n" .. helpers.describe_run(r))
        end
        assert.same(sorted(app.tables), p:tables())
        local history = p:history()
        assert.equals(#names, #history)
        for i, h in ipairs(history) do
          assert.equals(names[i], h.migration)
          assert.equals(1, h.batch)
        end
        local status = p:ok("status")
        local lines = helpers.lines(status.stdout)
        for _, name in ipairs(names) do
          local i = helpers.line_index(lines, name)
          assert.is_not_nil(i, name .. "\n" .. helpers.describe_run(status))
          assert.truthy(lines[i]:find("Ran", 1, true), lines[i])
        end
        assert.is_nil(status.stdout:find("Pending", 1, true), helpers.describe_run(status))
      end)

      it("leaves the keys and indexes its alters build", function()
        migrated():with_db(app.schema)
      end)

      it("runs its data steps", function()
        migrated():with_db(app.data_steps)
      end)

      it("rollback undoes every migration, leaving the history table; migrate works again", function()
        local p = migrated()
        moving = true
        local r = p:ok("rollback")
        for _, name in ipairs(names) do
          assert.truthy(r.stdout:find(name, 1, true), name .. "\n" .. helpers.describe_run(r))
        end
        assert.same({ "migrations" }, p:tables())
        assert.same({}, p:history())
        p:ok("migrate")
        assert.same(sorted(app.tables), p:tables())
        assert.equals(#names, #p:history())
        p:with_db(app.data_steps)
        moving = false
      end)

      it("fresh drops everything and migrates again as one batch", function()
        local p = migrated()
        moving = true
        p:with_db(function(db)
          db:run("CREATE TABLE " .. db.dialect:ident("not_a_migration") .. " (x INTEGER)")
        end)
        p:ok("fresh")
        assert.same(sorted(app.tables), p:tables())
        local history = p:history()
        assert.equals(#names, #history)
        assert.equals(1, history[#history].batch)
        moving = false
      end)

      it("reset undoes every batch of a one-migration-per-batch run", function()
        local p = own()
        copy_fixture(p, app.name)
        p:ok("migrate", "--step")
        local history = p:history()
        assert.equals(#names, #history)
        assert.equals(#names, history[#history].batch)
        p:ok("reset")
        assert.same({ "migrations" }, p:tables())
        assert.same({}, p:history())
      end)

      it("its data steps move the rows that were there before them", function()
        local p = own()
        -- each stage's rows go in before the migrations from its name on
        local stages = { { app.stage, app.stage_rows }, table.unpack(app.more_stages or {}) }
        for _, stage in ipairs(stages) do
          copy_fixture(p, app.name, function(name) return name < stage[1] end)
          p:ok("migrate")
          p:with_db(stage[2])
        end
        copy_fixture(p, app.name)
        p:ok("migrate")
        p:with_db(app.staged)
      end)

      it("keeps the rows of the tables a partial rollback alters; migrate puts the columns back", function()
        local p = migrated()
        moving = true   -- (the rows stay: the shared project is done with)
        p:with_db(app.keep_rows)
        p:ok("rollback", "--step", tostring(app.keep_steps))
        assert.equals(#names - app.keep_steps, #p:history())
        p:with_db(app.kept)
        p:ok("migrate")
        assert.equals(#names, #p:history())
        p:with_db(app.kept)
      end)
    end)
  end
end

-- Koel's 2021_04_16 turns the keys off, changes playlists.id and turns them on
-- again before its playlists get their UUIDs, relying on ON UPDATE CASCADE to
-- move playlist_song. SQLite ignores PRAGMA foreign_keys inside a transaction,
-- so lmigrate runs that migration with the keys off throughout: it refuses to
-- commit the rows it would orphan, and leaves the database as it was.
for _, dialect in helpers.each_dialect() do
  if dialect.name == "sqlite" then
    describe("koel's 2021_04_16 with playlists [#" .. dialect .. "]", function()
      it("refuses to leave playlist_song without its playlists", function()
        local project = helpers.project(dialect)
        local stage = "2021_04_16_131414_change_playlist_id_to_uuid"
        copy_fixture(project, "koel", function(name) return name < stage end)
        project:ok("migrate")
        project:with_db(function(db)
          insert(db, "users", { id = 1, name = "U", email = "u@example.com", password = "x" })
          insert(db, "playlists", { id = 1, user_id = 1, name = "P" })
          insert(db, "artists", { id = 2, name = "A" })
          insert(db, "albums", { id = 1, artist_id = 2, name = "L" })
          insert(db, "songs", { id = "s1", album_id = 1, title = "T", length = 1, lyrics = "",
                                path = "/a", mtime = 0 })
          insert(db, "playlist_song", { playlist_id = 1, song_id = "s1" })
        end)
        copy_fixture(project, "koel", function(name) return name == stage end)
        local r = project:run("migrate")
        helpers.assert_status(1, r)
        assert.matches("playlist_song", r.stderr)
        assert.matches("playlist_song_playlist_id_foreign", r.stderr)
        project:with_db(function(db)
          assert.same({ "1|1" }, rows_of(db, "playlist_song", { "id", "playlist_id" }))
          assert.same({ "1" }, rows_of(db, "playlists", { "id" }))
        end)
        project:cleanup()
      end)
    end)
  end
end

-- Koel's 2025_06_12 on Koel Plus (a row in licenses): a song another user owns gets
-- an artist and an album of its owner's, inserted by name while artists' unique name
-- (2020_11_14) still holds, so an artist two users share stops it, under Laravel too;
-- the migration leaves the database as it was
for _, dialect in helpers.each_dialect() do
  if dialect.name == "sqlite" then
    describe("koel's 2025_06_12 on Koel Plus [#" .. dialect .. "]", function()
      it("runs its Plus branch and stops at the artists' unique name", function()
        local project = helpers.project(dialect)
        local stage = "2025_06_12_150202_user-scope_artists_and_albums"
        copy_fixture(project, "koel", function(name) return name < stage end)
        project:ok("migrate")
        project:with_db(function(db)
          insert(db, "artists", { id = 2, name = "A" })
          insert(db, "albums", { id = 1, artist_id = 2, name = "L", cover = "" })
          insert(db, "users", { id = 1, name = "U", email = "u@example.com", password = "x",
                                is_admin = true })
          insert(db, "users", { id = 2, name = "V", email = "v@example.com", password = "x" })
          for i, owner in ipairs { 1, 2 } do
            insert(db, "songs", { id = "s" .. i, album_id = 1, artist_id = 2, owner_id = owner, title = "T",
                                  length = 1, lyrics = "", path = "/a", mtime = 0 })
          end
          insert(db, "licenses", { key = "plus" })
        end)
        copy_fixture(project, "koel", function(name) return name == stage end)
        local r = project:run("migrate")
        helpers.assert_status(1, r)
        assert.truthy(r.stderr:find(stage .. ".lua:", 1, true), r.stderr)
        assert.matches('INSERT INTO "artists"', r.stderr)
        assert.matches("UNIQUE constraint failed: artists.name", r.stderr)
        project:with_db(function(db)
          assert.same({ "2|A" }, rows_of(db, "artists", { "id", "name" }))
          assert.is_nil(db:columns("artists").public_id)
        end)
        project:cleanup()
      end)
    end)
  end
end
