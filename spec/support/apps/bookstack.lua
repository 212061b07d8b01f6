-- BookStack's ported migrations (spec/fixtures/bookstack): what spec/support/real_apps_suite.lua
-- checks of them on each dialect: the tables, keys, data steps and what the app's
-- own limits leave pending.
local helpers = require("spec.helpers")
local assert = require("luassert")
local apps = require("spec.support.real_apps")
local insert, rows_of, sorted = apps.insert, apps.rows_of, apps.sorted

return {
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
    -- the admin logs in with "password": bcrypt('password') as Laravel's
    local admin = db:query("SELECT password FROM users WHERE email = 'admin@admin.com'")[1]
    assert.is_true(require("lmigrate.hash").check("password", admin.password), admin.password)
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
