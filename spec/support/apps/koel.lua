-- Koel's ported migrations (spec/fixtures/koel): what spec/support/real_apps_suite.lua
-- checks of them on each dialect: the tables, keys, data steps and what the app's
-- own limits leave pending.
local assert = require("luassert")
local apps = require("spec.support.real_apps")
local insert, rows_of, sorted = apps.insert, apps.rows_of, apps.sorted

return {
  name = "koel",
  -- Koel's own limits, under Laravel too (spec/fixtures/README.md, "What Koel found")
  only_on = { sqlite = true },
  -- Koel's config/database.php: its mysql connection has 'strict' => false
  url_params = { mysql = "strict=false" },
  only_why = "Koel's 2021_04_16_131414 changes the type of playlists.id while playlist_song's"
    .. " foreign key references it: PostgreSQL and MariaDB refuse that under Laravel too"
    .. " (koel/koel#1725)",
  not_run = {
    rollback = "Koel's one-way migrations (no down) leave three tables referencing playlists,"
      .. " so its create migration's drop('playlists') is refused",
    reset = "Koel's one-way migrations (no down) leave three tables referencing playlists,"
      .. " so its create migration's drop('playlists') is refused",
  },
  tables = {
    "agent_conversation_messages", "agent_conversations", "albums", "artists", "audits",
    "duplicate_uploads", "embeds", "failed_jobs", "favorites", "folders", "genre_song", "genres",
    "interactions", "jobs", "licenses", "migrations", "model_has_permissions", "model_has_roles",
    "organizations", "password_resets", "permissions", "personal_access_tokens",
    "playlist_collaboration_tokens", "playlist_folders", "playlist_playlist_folder",
    "playlist_song", "playlist_user", "playlists", "podcast_user", "podcasts", "queue_states",
    "radio_stations", "role_has_permissions", "roles", "settings", "songs", "themes",
    "transcodes", "users",
  },

  -- a new database: the data steps find no rows to move; 2025_06_16 creates the default
  -- organization, 2025_09_21 spatie's permissions and Koel's three roles
  data_steps = function(db)
    for _, t in ipairs { "artists", "songs", "playlists", "settings", "users", "favorites",
                         "genres", "model_has_roles" } do
      assert.equals(0, db:count(t), t)
    end
    assert.same({ "Koel|koel" }, rows_of(db, "organizations", { "name", "slug" }))
    assert.matches("^[0-9a-hjkmnp-tv-z]+$", db:scalar("SELECT id FROM organizations"))
    assert.equals(26, #db:scalar("SELECT id FROM organizations"))
    assert.same({ "manage podcasts|web", "manage radio stations|web", "manage settings|web",
                  "manage songs|web", "manage users|web" },
      rows_of(db, "permissions", { "name", "guard_name" }))
    local per_role = {}
    for _, r in ipairs(db:query("SELECT r.name AS role, COUNT(rp.permission_id) AS n FROM roles r "
        .. "LEFT JOIN role_has_permissions rp ON rp.role_id = r.id GROUP BY r.name")) do
      per_role[r.role] = tonumber(r.n)
    end
    assert.same({ admin = 5, manager = 4, user = 0 }, per_role)
  end,

  schema = function(db)
    assert.truthy(db:unique_sets("users").email)
    local sqlite = db.dialect.name == "sqlite"
    -- (on SQLite 2025_07_20's artists_new has no unique name: 2020_11_14's key goes with it)
    if sqlite then
      assert.is_nil(db:unique_sets("artists").name, "2025_07_20 rebuilds artists without it")
    else
      assert.truthy(db:unique_sets("artists").name, "the unique key follows 2020_11_14's change()")
    end
    assert.truthy(db:unique_sets("personal_access_tokens").token)
    assert.truthy(db:indexes("personal_access_tokens")["tokenable_type,tokenable_id"])
    assert.truthy(db:indexes("songs")["track,disc"])
    assert.is_nil(db:columns("albums").is_compilation)
    assert.is_nil(db:columns("songs").contributing_artist_id, "2022_08_04 drops it")
    assert.is_nil(db:columns("songs").genre, "2025_06_25 moves it to genre_song")
    local function keys_of(tbl, with_update)
      local fks = {}
      for _, fk in ipairs(db:foreign_keys(tbl)) do
        fks[#fks + 1] = fk.from .. ">" .. fk.table .. "." .. fk.to .. " " .. fk.on_delete:upper()
          .. (with_update and " " .. fk.on_update:upper() or "")
      end
      return sorted(fks)
    end
    -- 2025_07_20_165510 adds the ULID keys twice on SQLite (in the rebuild and after it), as
    -- Laravel 12's SQLite rebuild does
    local twice = sqlite and { "album_id>albums.id CASCADE", "artist_id>artists.id CASCADE" } or {}
    assert.same(sorted { "album_id>albums.id CASCADE", "artist_id>artists.id CASCADE",
                         "folder_id>folders.id SET NULL", "owner_id>users.id CASCADE",
                         "podcast_id>podcasts.id CASCADE", table.unpack(twice) }, keys_of("songs"))
    assert.same({ "artist_id>artists.id CASCADE CASCADE", "user_id>users.id CASCADE CASCADE" },
      keys_of("albums", true))
    assert.same({ "user_id>users.id CASCADE CASCADE" }, keys_of("artists", true))
    for _, t in ipairs { "artists", "albums" } do
      assert.truthy(db:unique_sets(t).id, t .. ": the ULID is the primary key")
      if sqlite then assert.matches("VARCHAR%(26%)", db:columns(t).id.type, t) end
    end
    if sqlite then assert.matches("VARCHAR%(26%)", db:columns("songs").artist_id.type) end
    assert.is_false(db:columns("songs").album_id.notnull, "the ULID column renamed in is nullable")
    assert.truthy(db:unique_sets("podcasts").url, "2024_05_08's unique():…:unique()")
    assert.truthy(db:unique_sets("users")["sso_provider,sso_id"])
    assert.truthy(db:unique_sets("users").public_id)
    assert.is_true(db:columns("users").organization_id.notnull, "2025_06_16's change() to NOT NULL")
    assert.same({ "organization_id>organizations.id CASCADE", "invited_by_id>users.id SET NULL" },
      (function()
        local fks = {}
        for _, fk in ipairs(db:foreign_keys("users")) do
          fks[#fks + 1] = fk.from .. ">" .. fk.table .. "." .. fk.to .. " " .. fk.on_delete:upper()
        end
        table.sort(fks, function(x, y) return x > y end)
        return fks
      end)())
    assert.is_nil(db:columns("users").is_admin, "2025_09_23 drops it")
    assert.is_nil(db:columns("playlists").folder_id, "2024_03_26 moves it to playlist_playlist_folder")
    assert.is_nil(db:columns("playlists").user_id, "2025_06_03 moves it to playlist_user")
    assert.is_nil(db:columns("playlists").own_songs_only)
    assert.matches("^''", db:columns("playlists").description.default)
    assert.is_nil(db:columns("interactions").liked, "2025_07_18 moves it to favorites")
    assert.same({ "playlist_id>playlists.id CASCADE CASCADE", "user_id>users.id CASCADE CASCADE" },
      keys_of("playlist_user", true))
    assert.truthy(db:columns("playlist_user").role)
    assert.truthy(db:unique_sets("favorites")["user_id,favoriteable_id,favoriteable_type"])
    assert.truthy(db:indexes("favorites").position)
    assert.truthy(db:unique_sets("transcodes")["song_id,bit_rate"])
    assert.truthy(db:indexes("audits")["auditable_type,auditable_id"], "morphs('auditable') index")
    assert.truthy(db:indexes("audits")["user_id,user_type"])
    assert.matches("char", db:columns("audits").auditable_id.type:lower(), "2025_05_18 change() to string")
    assert.truthy(db:unique_sets("model_has_roles")["role_id,model_id,model_type"])
    assert.truthy(db:unique_sets("role_has_permissions")["permission_id,role_id"])
    assert.truthy(db:indexes("agent_conversation_messages")["conversation_id,user_id,updated_at"])
    assert.truthy(db:indexes("radio_stations").stream_host)
    assert.is_false(db:columns("songs").album_id.notnull, "2024_05_08 change() to nullable")
    -- 2021_04_16, 2022_08_01 and 2024_01_16 drop the old keys but on SQLite, where Laravel
    -- could not drop one when they were written (Laravel 12 can, and keeps them all, as
    -- lmigrate does)
    local old = db.dialect.name == "sqlite"
      and { "playlist_id>playlists.id CASCADE NO ACTION", "playlist_id>playlists.id CASCADE CASCADE",
            "song_id>songs.id CASCADE NO ACTION" } or {}
    assert.same(sorted { "playlist_id>playlists.id CASCADE CASCADE", "song_id>songs.id CASCADE CASCADE",
                         "user_id>users.id CASCADE CASCADE", table.unpack(old) },
      keys_of("playlist_song", true))
  end,

  -- rows for 2017_04_21 (a song's artist from its album's, a column 2022_08_04 drops),
  -- 2021_04_16 and 2022_08_01 (playlist and song ids become UUIDs, playlist_song follows
  -- by ON UPDATE CASCADE), 2022_07_05 (covers) and, by the first admin, 2025_06_12 to
  -- 2025_09_23 (artists and albums get their owner and ULIDs, the user an organization
  -- and the admin role)
  stage = "2017_04_21_092159_copy_artist_to_contributing_artist",
  stage_rows = function(db)
    insert(db, "artists", { id = 2, name = "A" })
    insert(db, "albums", { id = 1, artist_id = 2, name = "L", cover = "unknown-album.png" })
    insert(db, "songs", { id = "s1", album_id = 1, title = "T", length = 1.5, lyrics = "",
                          path = "/music/a.flac", mtime = 0 })
    insert(db, "users", { id = 1, name = "U", email = "u@example.com", password = "x", is_admin = true })
    -- (on SQLite the keys stay off to the end of a migration that turns them off, so
    -- 2021_04_16's ON UPDATE CASCADE cannot move the songs: the koel [#sqlite] describe
    -- below checks that it refuses; 2022_08_01's interactions likewise)
    if db.dialect.name == "sqlite" then return end
    insert(db, "playlists", { id = 1, user_id = 1, name = "P" })
    insert(db, "playlist_song", { playlist_id = 1, song_id = "s1" })
  end,
  -- rows for the files from 2025_05_13 on, where the ids are UUIDs on every dialect: an
  -- album's year from its songs', a folder's hash, the genres, a playlist's owner, a like
  more_stages = {
    { "2025_05_13_114436_add_release_year_to_albums", function(db)
      -- (the song's artist_id: Koel's rewritten 2017_04_29 adds the column empty, and its
      -- scanner fills it)
      local song = db:scalar("SELECT id FROM songs")
      db:run("UPDATE songs SET year = 2001, genre = 'Rock, Pop,, Rock', artist_id = 2 WHERE id = ?", song)
      insert(db, "interactions", { user_id = 1, song_id = song, liked = true, play_count = 2 })
      if db.dialect.name == "sqlite" then
        insert(db, "playlists", { id = "8d3f4b2c-0000-4000-8000-000000000001", user_id = 1, name = "P" })
      end
      insert(db, "playlist_collaborators",
        { user_id = 1, playlist_id = db:scalar("SELECT id FROM playlists") })
    end },
    { "2025_05_28_125915_add_hash_to_folders_table", function(db)
      insert(db, "folders", { id = "f1", path = "/music" })
    end },
  },
  staged = function(db)
    local uuid = "^%x+%-%x+%-4%x+%-%x+%-%x+$"
    local songs = rows_of(db, "songs", { "id" })
    assert.equals(1, #songs)
    assert.matches(uuid, songs[1])
    assert.same({ "|L|A|2001" }, rows_of(db, "albums", { "cover", "name", "artist_name", "year" }))
    -- 2025_06_12's ULIDs are the ids from 2025_07_20 on; the song follows its album and artist
    local artist, album = db:scalar("SELECT id FROM artists"), db:scalar("SELECT id FROM albums")
    assert.matches("^[0-9a-hjkmnp-tv-z]+$", artist)
    assert.equals(26, #artist)
    assert.same({ artist .. "|1" }, rows_of(db, "artists", { "id", "user_id" }))
    assert.same({ album .. "|" .. artist .. "|1" }, rows_of(db, "albums", { "id", "artist_id", "user_id" }))
    assert.same({ artist .. "|" .. album .. "|A|L|audio/flac" },
      rows_of(db, "songs", { "artist_id", "album_id", "artist_name", "album_name", "mime_type" }))
    assert.same({ "Pop", "Rock" }, rows_of(db, "genres", { "name" }))
    local function joined(sql)
      local out = {}
      for _, r in ipairs(db:query(sql)) do out[#out + 1] = r.a .. "|" .. r.b end
      table.sort(out)
      return out
    end
    assert.same({ songs[1] .. "|Pop", songs[1] .. "|Rock" },
      joined("SELECT gs.song_id AS a, g.name AS b FROM genre_song gs JOIN genres g ON g.id = gs.genre_id"))
    -- md5("koel-hash:/music")
    assert.same({ "6af1d9a46a360c913b61c1ecc813405f" }, rows_of(db, "folders", { "hash" }))
    local org = db:scalar("SELECT id FROM organizations WHERE slug = 'koel'")
    assert.same({ "1|" .. org }, rows_of(db, "users", { "id", "organization_id" }))
    assert.matches(uuid, db:scalar("SELECT public_id FROM users"))
    assert.same({ "admin|App\\Models\\User" },
      joined("SELECT r.name AS a, mr.model_type AS b FROM model_has_roles mr"
        .. " JOIN roles r ON r.id = mr.role_id"))
    assert.equals(1, tonumber(db:scalar("SELECT model_id FROM model_has_roles")))
    assert.same({ "1|" .. songs[1] .. "|playable|0" },
      rows_of(db, "favorites", { "user_id", "favoriteable_id", "favoriteable_type", "position" }))
    local playlist = db:scalar("SELECT id FROM playlists")
    assert.same({ "1|" .. playlist .. "|collaborator", "1|" .. playlist .. "|owner" },
      rows_of(db, "playlist_user", { "user_id", "playlist_id", "role" }))
    if db.dialect.name == "sqlite" then return end
    assert.matches(uuid, playlist)
    assert.same({ playlist .. "|" .. songs[1] }, rows_of(db, "playlist_song", { "playlist_id", "song_id" }))
  end,

  keep_rows = function(db)
    insert(db, "organizations", { id = "01jaaaaaaaaaaaaaaaaaaaaaaa", name = "O", slug = "o" })
    insert(db, "users", { id = 7, name = "U", email = "u7@example.com", password = "x",
                          organization_id = "01jaaaaaaaaaaaaaaaaaaaaaaa" })
    insert(db, "favorites", { user_id = 7, favoriteable_id = "s9", position = 4 })
    insert(db, "favorites", { user_id = 7, favoriteable_id = "s8", position = 5 })
  end,
  kept = function(db)
    assert.same({ "7|s8", "7|s9" }, rows_of(db, "favorites", { "user_id", "favoriteable_id" }))
    assert.same({ "U" }, rows_of(db, "users", { "name" }))
  end,
  -- 2026_03_18_213444's down drops favorites.position (SQLite rebuilds favorites)
  keep_steps = 1,
}
