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

local FIXTURES = helpers.source .. "/spec/fixtures"

-- {======================================================
-- Fixture folders
-- ======================================================

-- the migration names of an app's fixture folder, in name order
local function fixture_names(app)
  local dir = FIXTURES .. "/" .. app .. "/migrations"
  local p = assert(io.popen("ls " .. helpers.quote(dir)))
  local names = {}
  for file in p:lines() do
    local name = file:match("^(.+)%.lua$")
    if name then names[#names + 1] = name end
  end
  p:close()
  assert(#names > 0, "no migrations in " .. dir)
  return names
end

-- copies the app's migrations into the project; keep(name) picks some
local function copy_fixture(project, app, keep)
  local dir = FIXTURES .. "/" .. app .. "/migrations"
  for _, name in ipairs(fixture_names(app)) do
    if not keep or keep(name) then
      project:write(name, assert(helpers.read_file(dir .. "/" .. name .. ".lua")))
    end
  end
end

local function sorted(list)
  local t = { table.unpack(list) }
  table.sort(t)
  return t
end

-- INSERT of one row; identifiers quoted for the dialect ("order", "key", ...)
local function insert(db, tbl, row)
  local cols, marks, vals = {}, {}, {}
  for k in pairs(row) do cols[#cols + 1] = k end
  table.sort(cols)
  for i, k in ipairs(cols) do
    vals[i], marks[i], cols[i] = row[k], "?", db.dialect:ident(k)
  end
  db:run(("INSERT INTO %s (%s) VALUES (%s)"):format(db.dialect:ident(tbl),
    table.concat(cols, ", "), table.concat(marks, ", ")), table.unpack(vals))
end

-- the rows of a table as "a|b|c" strings of the given columns, sorted
local function rows_of(db, tbl, cols)
  local q = {}
  for i, c in ipairs(cols) do q[i] = db.dialect:ident(c) end
  local out = {}
  for _, r in ipairs(db:query(("SELECT %s FROM %s"):format(table.concat(q, ", "),
      db.dialect:ident(tbl)))) do
    local vals = {}
    for i, c in ipairs(cols) do
      local v = r[c]
      vals[i] = (v == nil or v == helpers.core.null) and "NULL" or tostring(v)
    end
    out[#out + 1] = table.concat(vals, "|")
  end
  table.sort(out)
  return out
end

-- }======================================================

-- {======================================================
-- The apps
-- ======================================================

local APPS = {}

APPS[#APPS + 1] = {
  name = "bookstack",
  -- BookStack supports MySQL and MariaDB only: on SQLite and PostgreSQL its own
  -- migrations fail under Laravel too (spec/fixtures/README.md, section E)
  only_on = { mysql = true },
  only_why = "BookStack runs on MySQL/MariaDB only upstream (spec/fixtures/README.md, E)",
  -- BookStack's config/database.php: its mysql connection has 'strict' => false
  -- (2016_09_29's insert of the guest user leaves out password and external_auth_id)
  url_params = { mysql = "strict=false" },
  tables = {
    "activities", "api_tokens", "attachments", "books", "bookshelves", "bookshelves_books",
    "cache", "chapters", "comments", "deletions", "email_confirmations", "entity_permissions",
    "favourites", "images", "imports", "joint_permissions", "mfa_values", "migrations",
    "page_revisions", "pages", "password_resets", "permission_role", "references",
    "role_permissions", "role_user", "roles", "search_terms", "sessions", "settings",
    "social_accounts", "sort_rules", "tags", "user_invites", "users", "views", "watches",
    "webhook_tracked_events", "webhooks",
  },

  -- what the app's own inserts and updates leave in a new database
  data_steps = function(db)
    assert.same({ "Admin|admin@admin.com|NULL|admin|Admin", "Guest|guest@example.com|public|guest|Public" },
      (function()
        local out = {}
        for _, r in ipairs(db:query("SELECT u.name, u.email, u.system_name, u.slug, r.display_name AS role "
            .. "FROM users u JOIN role_user ru ON ru.user_id = u.id JOIN roles r ON r.id = ru.role_id")) do
          local sys = r.system_name == helpers.core.null and "NULL" or r.system_name
          out[#out + 1] = table.concat({ r.name, r.email, sys, r.slug, r.role }, "|")
        end
        table.sort(out)
        return out
      end)())
    assert.equals(61, db:count("role_permissions"))
    local per_role = {}
    for _, r in ipairs(db:query("SELECT r.display_name AS role, COUNT(pr.permission_id) AS n FROM roles r "
        .. "LEFT JOIN permission_role pr ON pr.role_id = r.id GROUP BY r.display_name")) do
      per_role[r.role] = tonumber(r.n)
    end
    assert.same({ Admin = 61, Editor = 39, Viewer = 9, Public = 9 }, per_role)
    for _, name in ipairs { "settings-manage", "bookshelf-view-all", "templates-manage", "access-api",
                            "content-export", "editor-change", "receive-notifications",
                            "content-import" } do
      assert.equals(1, tonumber(db:scalar("SELECT COUNT(*) AS n FROM role_permissions WHERE name = ?",
        name)), name)
    end
    assert.equals(0, tonumber(db:scalar("SELECT COUNT(*) AS n FROM role_permissions WHERE name = ?",
      "book-create")), "2016_02_27 deleted the first permissions")
    local id = db:scalar("SELECT value FROM settings WHERE setting_key = 'instance-id'")
    assert.matches("^%x+%-%x+%-4%x+%-%x+%-%x+$", tostring(id))
  end,

  -- the keys and indexes the alters of the folder must leave behind
  schema = function(db)
    assert.truthy(db:unique_sets("joint_permissions")["role_id,entity_type,entity_id"],
      "joint_permissions' primary key after 2020_08_04 and 2022_07_16")
    assert.truthy(db:unique_sets("bookshelves_books")["bookshelf_id,book_id"])
    assert.truthy(db:unique_sets("users").email)
    assert.truthy(db:unique_sets("users").slug)
    assert.truthy(db:indexes("activities").loggable_id, "the entity_id index follows both renames")
    assert.is_nil(db:columns("activities").book_id)
    assert.is_false(db:columns("activities").loggable_id.notnull, "2020_11_07 change() to nullable")
    assert.is_nil(db:columns("roles").name, "2020_08_04 dropped roles.name")
    local fks = {}
    for _, fk in ipairs(db:foreign_keys("role_user")) do
      fks[#fks + 1] = fk.from .. ">" .. fk.table .. "." .. fk.to .. " " .. fk.on_delete:upper()
    end
    assert.same({ "role_id>roles.id CASCADE", "user_id>users.id CASCADE" }, sorted(fks))
  end,

  -- runs before the migrations from 'from' on: rows for their data steps
  stage = "2020_11_07_232321_simplify_activities_table",
  stage_rows = function(db)
    insert(db, "activities", { key = "page_create", extra = "", book_id = 1, user_id = 1,
                               entity_id = 5, entity_type = "BookStack\\Page" })
    insert(db, "activities", { key = "auth_login", extra = "", book_id = 0, user_id = 1,
                               entity_id = 0, entity_type = "" })
    insert(db, "views", { user_id = 1, viewable_id = 2, viewable_type = "BookStack\\Book", views = 3 })
    for i, p in ipairs { { "md", "<p>a</p>", "# a" }, { "html", "<p>b</p>", "" } } do
      insert(db, "pages", { book_id = 2, chapter_id = 0, name = p[1], slug = p[1], html = p[2],
                            text = "", priority = i, created_by = 7, updated_by = 7,
                            markdown = p[3], revision_count = 0 })
    end
  end,
  staged = function(db)
    assert.same({ "auth_login|NULL|NULL", "page_create|5|page" },
                rows_of(db, "activities", { "type", "loggable_id", "loggable_type" }))
    assert.same({ "2|book" }, rows_of(db, "views", { "viewable_id", "viewable_type" }))
    assert.same({ "html|wysiwyg|7", "md|markdown|7" }, rows_of(db, "pages", { "name", "editor", "owned_by" }))
  end,

  -- rows the last migrations' downs (books, comments) must keep
  keep_rows = function(db)
    insert(db, "books", { name = "B", slug = "b", description = "d", created_by = 1, updated_by = 1,
                          owned_by = 1, description_html = "" })
    local book = db:scalar("SELECT id FROM books WHERE slug = 'b'")
    insert(db, "bookshelves", { name = "S", slug = "s", description = "d", owned_by = 1,
                                description_html = "" })
    local shelf = db:scalar("SELECT id FROM bookshelves WHERE slug = 's'")
    insert(db, "bookshelves_books", { bookshelf_id = shelf, book_id = book, order = 0 })
  end,
  kept = function(db)
    assert.same({ "B|b" }, rows_of(db, "books", { "name", "slug" }))
    assert.equals(1, db:count("bookshelves_books"), "no cascade from rebuilding books")
  end,
  keep_steps = 3,
}

APPS[#APPS + 1] = {
  name = "cachet",
  tables = {
    "actions", "cache", "component_groups", "components", "failed_jobs", "incident_components",
    "incident_templates", "incident_updates", "incidents", "invites", "jobs", "meta",
    "metric_points", "metrics", "migrations", "notifications", "schedule_components", "schedules",
    "sessions", "settings", "subscribers", "subscriptions", "taggables", "tags", "users",
  },

  data_steps = function(db)
    for _, t in ipairs { "users", "incidents", "schedules", "taggables", "settings" } do
      assert.equals(0, db:count(t), t)
    end
  end,

  schema = function(db)
    assert.truthy(db:unique_sets("users").username)
    assert.truthy(db:unique_sets("users").api_key)
    assert.truthy(db:unique_sets("tags")["name,slug"])
    -- morphs(): Laravel's one (type, id) index
    assert.truthy(db:indexes("taggables")["taggable_type,taggable_id"], "morphs('taggable') index")
    assert.truthy(db:indexes("notifications")["notifiable_type,notifiable_id"])
    assert.is_nil(db:columns("incidents").scheduled_at)
    assert.is_false(db:columns("components").link.notnull, "2016_12_29 change() to nullable")
    assert.is_nil(db:columns("jobs").reserved)
  end,

  stage = "2016_10_24_183415_AlterTableIncidentsAddOccurredAtColumn",
  stage_rows = function(db)
    insert(db, "incidents", { name = "outage", status = 4, message = "m",
                              created_at = "2020-01-01 10:00:00" })
    insert(db, "incidents", { name = "maintenance", status = 0, message = "m2",
                              created_at = "2020-02-02 10:00:00", scheduled_at = "2020-03-03 10:00:00" })
    insert(db, "component_tag", { component_id = 7, tag_id = 3 })
    insert(db, "component_tag", { component_id = 8, tag_id = 4 })
  end,
  staged = function(db)
    -- occurred_at = created_at; the scheduled incident moved to schedules; tags to taggables
    local inc = db:query("SELECT name, occurred_at, created_at FROM incidents")
    assert.equals(1, #inc)
    assert.equals("outage", inc[1].name)
    -- (created_at is TIMESTAMPTZ on PostgreSQL, occurred_at TIMESTAMP: the same second)
    assert.equals(tostring(inc[1].created_at):sub(1, 19), tostring(inc[1].occurred_at):sub(1, 19))
    assert.same({ "maintenance" }, rows_of(db, "schedules", { "name" }))
    assert.same({ "3|components|7", "4|components|8" },
                rows_of(db, "taggables", { "tag_id", "taggable_type", "taggable_id" }))
  end,

  keep_rows = function(db)
    insert(db, "incidents", { name = "i", status = 1, message = "m" })
    insert(db, "schedules", { name = "s", scheduled_at = "2021-01-01 00:00:00" })
    insert(db, "jobs", { queue = "q", payload = "p", attempts = 0, available_at = 1, created_at = 1 })
  end,
  kept = function(db)
    assert.same({ "i|1" }, rows_of(db, "incidents", { "name", "status" }))
    assert.same({ "s" }, rows_of(db, "schedules", { "name" }))
    assert.same({ "q" }, rows_of(db, "jobs", { "queue" }))
  end,
  keep_steps = 3,
}

APPS[#APPS + 1] = {
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

-- }======================================================

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
