-- Lychee's ported migrations (spec/fixtures/lychee): what spec/support/real_apps_suite.lua
-- checks of them on each dialect: the tables, keys, data steps and what the app's
-- own limits leave pending.
local assert = require("luassert")
local apps = require("spec.support.real_apps")
local insert, rows_of = apps.insert, apps.rows_of
local null = require("spec.helpers").core.null

-- rows_of with PostgreSQL's booleans written as the others' 0 and 1
local function rows_01(db, tbl, cols)
  local out = {}
  for i, r in ipairs(rows_of(db, tbl, cols)) do
    out[i] = ("|" .. r .. "|"):gsub("|true|", "|1|"):gsub("|false|", "|0|"):sub(2, -2)
  end
  return out
end

return {
  name = "lychee",
  tables = {
    "albums", "configs", "logs", "migrations", "page_contents", "pages", "photos", "sym_links",
    "user_album", "users",
  },

  -- a new database: configs holds config_fix's defaults and the keys added after it
  data_steps = function(db)
    for _, t in ipairs { "albums", "photos", "users", "user_album", "logs" } do
      assert.equals(0, db:count(t), t)
    end
    assert.same({ "gallery|/gallery|2" }, rows_of(db, "pages", { "title", "link", "order" }))
    local configs = {}
    for _, r in ipairs(db:query("SELECT " .. db.dialect:ident("key") .. " AS k, "
        .. db.dialect:ident("value") .. " AS v, cat, type_range, confidentiality FROM configs")) do
      configs[r.k] = r
    end
    assert.equals("30", configs.Mod_Frame_refresh.v, "2019_10_03: milliseconds to seconds")
    assert.equals("Mod Map", configs.map_display.cat, "2019_10_09 moves it")
    assert.truthy(configs.check_for_updates)
    assert.is_nil(configs.checkForUpdates, "2019_09_28 renames it")
    assert.equals("Gallery", configs.sorting_Photos_col.cat)
    assert.equals("id|takestamp|title|description|public|star|type", configs.sorting_Photos_col.type_range)
    assert.equals(4, tonumber(configs.password.confidentiality))
    assert.equals("Wikimedia|OpenStreetMap.org|OpenStreetMap.de|OpenStreetMap.fr|RRZE",
      configs.map_provider.type_range)
    assert.matches("^[01]$", configs.has_exiftool.v, "2019_12_25: the shell's answer")
    assert.equals("0|1|2", configs.has_exiftool.type_range)
    assert.equals("config", configs.update_check_every_days.cat, "2019_12_15_1000")
    assert.equals(0, tonumber(configs.sorting_Albums_col.confidentiality), "2020_01_26")
    assert.equals(2, tonumber(configs.SL_enable.confidentiality), "2020_03_17")
    assert.equals("30", configs.location_decoding_timeout.v, "an integer into a string column")
    assert.equals("0", configs.import_via_symlink.v)
    assert.equals("040003", configs.version.v, "2020_04_29's bump")
    assert.equals("Mod RSS", configs.rss_max_items.cat)
    local n = 0
    for _ in pairs(configs) do n = n + 1 end
    assert.equals(61 + 17, n, "config_fix's 61 keys and 17 added after it")
  end,

  schema = function(db)
    assert.truthy(db:unique_sets("users").username)
    assert.truthy(db:indexes("albums").parent_id)
    assert.truthy(db:indexes("photos").album_id)
    assert.truthy(db:indexes("user_album").album_id)
    assert.truthy(db:indexes("user_album").user_id)
    local function keys_of(tbl)
      local fks = {}
      for _, fk in ipairs(db:foreign_keys(tbl)) do
        -- (MySQL names the default RESTRICT, the others NO ACTION: the same here)
        local on_delete = fk.on_delete:upper():gsub("^RESTRICT$", "NO ACTION")
        fks[#fks + 1] = fk.from .. ">" .. fk.table .. "." .. fk.to .. " " .. on_delete
      end
      return apps.sorted(fks)
    end
    assert.same({ "parent_id>albums.id NO ACTION" }, keys_of("albums"))
    assert.same({ "album_id>albums.id CASCADE" }, keys_of("photos"), "photos_fix's change() keeps it")
    assert.same({ "album_id>albums.id CASCADE", "user_id>users.id CASCADE" }, keys_of("user_album"))
    assert.same({ "page_id>pages.id CASCADE" }, keys_of("page_contents"))
    local photos = db:columns("photos")
    assert.is_false(photos.imgDirection.notnull)
    assert.is_false(photos.livePhotoUrl.notnull)
    assert.is_false(photos.location.notnull)
    assert.is_true(photos.type.notnull)
    assert.is_nil(photos.type.default, "2020_03_11's change() gives no default: it goes, as Laravel's")
    assert.matches("^'?0'?", tostring(photos.thumb2x.default):gsub("false", "0"))
    local configs = db:columns("configs")
    for _, c in ipairs { "cat", "confidentiality", "type_range", "description" } do
      assert.truthy(configs[c], c)
    end
  end,

  -- a Lychee 3 install's tables (lychee_settings, lychee_albums, lychee_photos) for
  -- 2018_08_10 to 2018_08_15, which move their rows into configs, albums and photos
  stage = "2018_08_10_134924_move_settings",
  stage_rows = function(db)
    local id = function(s) return db.dialect:ident(s) end
    db:run("CREATE TABLE lychee_settings (" .. id("key") .. " VARCHAR(50) NOT NULL, "
      .. id("value") .. " VARCHAR(200))")
    for _, kv in ipairs { { "sortingAlbums", "ORDER BY id DESC" }, { "sortingPhotos", "ORDER BY title ASC" },
                          { "lang", "fr" }, { "checkForUpdates", "1" }, { "identifier", "x" },
                          { "dropboxKey", null } } do
      insert(db, "lychee_settings", { key = kv[1], value = kv[2] })
    end
    db:run("CREATE TABLE lychee_albums (id BIGINT NOT NULL, title VARCHAR(100) NOT NULL, "
      .. "description VARCHAR(1000), sysstamp INTEGER NOT NULL, public SMALLINT NOT NULL, "
      .. "visible SMALLINT NOT NULL, downloadable SMALLINT NOT NULL, password VARCHAR(100))")
    insert(db, "lychee_albums", { id = 15000000001234, title = "Trip", description = "d",
                                  sysstamp = 1500000000, public = 1, visible = 1, downloadable = 0 })
    db:run("CREATE TABLE lychee_photos (id BIGINT NOT NULL, title VARCHAR(100) NOT NULL, "
      .. "description VARCHAR(1000), url VARCHAR(100) NOT NULL, tags VARCHAR(1000) NOT NULL, "
      .. "public SMALLINT NOT NULL, type VARCHAR(10) NOT NULL, width INTEGER NOT NULL, "
      .. "height INTEGER NOT NULL, size VARCHAR(20) NOT NULL, iso VARCHAR(15) NOT NULL, "
      .. "aperture VARCHAR(20) NOT NULL, make VARCHAR(50) NOT NULL, model VARCHAR(50) NOT NULL, "
      .. "shutter VARCHAR(30) NOT NULL, focal VARCHAR(20) NOT NULL, takestamp INTEGER, "
      .. "star SMALLINT NOT NULL, " .. id("thumbUrl") .. " CHAR(37) NOT NULL, album BIGINT NOT NULL, "
      .. "checksum CHAR(40), medium SMALLINT NOT NULL)")
    local photo = { title = "P", description = "", url = "a.jpg", tags = "", public = 0,
                    type = "image/jpeg", width = 4, height = 3, size = "1 MB", iso = "100",
                    aperture = "f/2", make = "M", model = "X", shutter = "1/60", focal = "35",
                    star = 0, thumbUrl = "a.jpeg", checksum = "c", medium = 1 }
    photo.id, photo.album, photo.takestamp = 15000000005678, 15000000001234, 1500000000
    insert(db, "lychee_photos", photo)
    photo.id, photo.album, photo.takestamp, photo.thumbUrl = 15000000009999, 0, 0, ""
    insert(db, "lychee_photos", photo)
  end,
  staged = function(db)
    local configs = {}
    for _, r in ipairs(db:query("SELECT " .. db.dialect:ident("key") .. " AS k, "
        .. db.dialect:ident("value") .. " AS v FROM configs")) do
      configs[r.k] = r.v
    end
    -- 2019_09_28's config_fix writes every default row again, value included, and deletes
    -- the keys not among them: what 2018_08_10 moved does not stay (under Laravel too)
    assert.equals("max_takestamp", configs.sorting_Albums_col)
    assert.equals("ASC", configs.sorting_Albums_order)
    assert.equals("en", configs.lang)
    assert.equals("0", configs.check_for_updates)
    assert.is_nil(configs.identifier)
    assert.same({ "15000000001234|Trip|1|none" },
      rows_01(db, "albums", { "id", "title", "visible_hidden", "license" }))
    assert.equals("2017-07-14 02:40:00", tostring(db:scalar("SELECT created_at FROM albums")):sub(1, 19))
    assert.same({ "15000000005678|15000000001234|0|", "15000000009999|NULL|0|" },
      rows_01(db, "photos", { "id", "album_id", "thumb2x", "medium" }))
    assert.equals(1, tonumber(db:scalar("SELECT COUNT(*) FROM photos WHERE takestamp IS NULL")),
      "a takestamp of 0 is none")
  end,

  -- a partial rollback to 2019_09_28_171753: the columns of photos and albums dropped
  -- (location, the live photo's three, share_button_visible) and added again
  keep_rows = function(db)
    insert(db, "albums", { id = 1, title = "a", description = "" })
    insert(db, "photos", { id = 1, title = "p", url = "u", tags = "", public = false, album_id = 1,
                            type = "image/jpeg", location = "here" })
  end,
  kept = function(db)
    assert.same({ "1|a" }, rows_of(db, "albums", { "id", "title" }))
    assert.same({ "1|p|1|image/jpeg" }, rows_of(db, "photos", { "id", "title", "album_id", "type" }))
  end,
  keep_steps = 24,
}
