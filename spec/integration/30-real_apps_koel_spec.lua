-- Koel's migrations, ported call for call (spec/fixtures/koel), run up, down and
-- fresh by the checks of spec/support/real_apps_suite.lua, and two of its
-- data steps on rows that stop them
local helpers = require("spec.helpers")
local apps = require("spec.support.real_apps")

local copy_fixture, insert, rows_of = apps.copy_fixture, apps.insert, apps.rows_of

require("spec.support.real_apps_suite")("koel")

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
