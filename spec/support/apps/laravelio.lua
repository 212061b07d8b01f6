-- Laravel.io's ported migrations (spec/fixtures/laravelio): what
-- spec/support/real_apps_suite.lua checks of them on each dialect: the tables, keys,
-- data steps and what the app's own limits leave pending.
local assert = require("luassert")
local apps = require("spec.support.real_apps")
local insert, rows_of = apps.insert, apps.rows_of

-- (MySQL names the default RESTRICT, the others NO ACTION: the same here); a set, as
-- SQLite's subscriptions hold their key twice (2018_01_27_111437 skips dropForeign there)
local function keys_of(db, tbl)
  local fks, seen = {}, {}
  for _, fk in ipairs(db:foreign_keys(tbl)) do
    local on_delete = fk.on_delete:upper():gsub("^RESTRICT$", "NO ACTION")
    local k = fk.from .. ">" .. fk.table .. "." .. fk.to .. " " .. on_delete
    if not seen[k] then fks[#fks + 1], seen[k] = k, true end
  end
  return apps.sorted(fks)
end

local NO_DOWN = "no migration of Laravel.io's folder has a down(): rollback"
  .. " takes their history rows and undoes nothing, so the tables stay and migrate again fails"
  .. " on them, under Laravel too (spec/fixtures/laravelio/README.md)"

return {
  name = "laravelio",
  -- MySQL/MariaDB (Laravel.io's production database): 2017_04_08_104959_next_version's
  -- integer('solution_reply_id')->unsigned()->change() restates the column NOT NULL (Laravel
  -- 11's change(), as lmigrate's) and its foreign key ON DELETE SET NULL is refused (errno
  -- 150); written for Laravel 5.4's Doctrine change(), which kept the column nullable
  only_on = { sqlite = true, postgres = true },
  only_why = "on MySQL/MariaDB 2017_04_08_104959_next_version's solution_reply_id change() is"
    .. " NOT NULL (Laravel 11's change()) and its ON DELETE SET NULL key is refused, errno 150"
    .. " (spec/fixtures/laravelio/README.md)",
  -- app()->runningUnitTests(): Laravel.io runs its migrations on SQLite in its tests
  -- (phpunit.xml's APP_ENV=testing), which skips next_version's MySQL-only UPDATE a, b SET
  env = { sqlite = { APP_ENV = "testing" }, postgres = { APP_ENV = "testing" } },
  not_run = { rollback = NO_DOWN, reset = NO_DOWN, keeps = NO_DOWN },
  tables = {
    "articles", "failed_jobs", "likes", "migrations", "monitored_scheduled_task_log_items",
    "monitored_scheduled_tasks", "notifications", "password_resets", "personal_access_tokens",
    "replies", "subscriptions", "taggables", "tags", "threads", "users",
  },

  -- a new database (the tests' APP_ENV): next_version's data steps are skipped, nothing is written
  data_steps = function(db)
    for _, t in ipairs { "users", "threads", "replies", "tags", "taggables", "subscriptions" } do
      assert.equals(0, db:count(t), t)
    end
  end,

  schema = function(db)
    assert.same({ "author_id>users.id CASCADE", "locked_by>users.id SET NULL",
                  "resolved_by>users.id SET NULL", "solution_reply_id>replies.id SET NULL" },
      keys_of(db, "threads"), "next_version's keys after its change()s, and 2021's")
    assert.same({ "author_id>users.id CASCADE" }, keys_of(db, "replies"))
    assert.same({ "tag_id>tags.id CASCADE" }, keys_of(db, "taggables"))
    assert.same({ "user_id>users.id CASCADE" }, keys_of(db, "subscriptions"))
    assert.same({ "author_id>users.id CASCADE" }, keys_of(db, "articles"), "2021_07_05 drops series_id's")
    assert.same({ "monitored_scheduled_task_id>monitored_scheduled_tasks.id CASCADE" },
      keys_of(db, "monitored_scheduled_task_log_items"))
    for tbl, cols in pairs { users = { "email", "username", "github_id" }, tags = { "name", "slug" },
                             threads = { "slug", "uuid" }, subscriptions = { "uuid" },
                             personal_access_tokens = { "token" }, failed_jobs = { "uuid" },
                             articles = { "slug", "uuid" }, replies = { "uuid" } } do
      for _, c in ipairs(cols) do assert.truthy(db:unique_sets(tbl)[c], tbl .. "." .. c) end
    end
    assert.truthy(db:unique_sets("subscriptions")["user_id,subscriptionable_id,subscriptionable_type"])
    assert.truthy(db:indexes("notifications")["notifiable_type,notifiable_id"])
    assert.truthy(db:indexes("personal_access_tokens")["tokenable_type,tokenable_id"])
    assert.truthy(db:indexes("replies").replyable_type)
    assert.truthy(db:indexes("replies").replyable_id)
    assert.truthy(db:indexes("taggables").taggable_id)
    assert.truthy(db:indexes("threads").solution_reply_id)
    assert.is_nil(db:indexes("subscriptions")["user_id,uuid"], "2018_01_27_111437 drops it")
    assert.truthy(db:indexes("threads").last_activity_at)
    for _, t in ipairs { "articles", "threads", "replies" } do
      assert.is_nil(db:indexes(t).uuid, "2022_05_10 drops " .. t .. "_uuid_index")
      assert.is_true(db:columns(t).uuid.notnull, t .. ".uuid")
    end
    assert.is_false(db:columns("threads").updated_by.notnull)
    assert.is_false(db:columns("replies").updated_by.notnull)
    assert.is_nil(db:columns("articles").updated_by, "2021_11_15: threads and replies only")
    local threads = db:columns("threads")
    for _, c in ipairs { "category_slug", "most_recent_reply_id", "reply_count", "is_question",
                         "pinned", "laravel_version", "deleted_at", "ip" } do
      assert.is_nil(threads[c], "threads." .. c)
    end
    assert.is_true(threads.solution_reply_id.notnull, "change() without nullable(): Laravel 11's")
    assert.is_false(threads.created_at.notnull)
    local users = db:columns("users")
    assert.truthy(users.github_username and users.banned_at and users.twitter and users.email_verified_at)
    for _, c in ipairs { "github_url", "is_banned", "image_url", "spam_count", "deleted_at",
                         "confirmed", "confirmation_code", "ip" } do
      assert.is_nil(users[c], "users." .. c)
    end
    assert.is_false(users.github_id.notnull, "2021_07_31's change()")
    assert.is_nil(users.github_id.default, "its default('') restated away, as Laravel's change()")
    local replies = db:columns("replies")
    assert.truthy(replies.replyable_id and replies.replyable_type)
    assert.is_nil(replies.thread_id)
    assert.is_nil(db:columns("articles").series_id)
    assert.truthy(db:columns("taggables").taggable_id)
  end,

  -- a Laravel.io 3 forum (one user, thread, reply, tag) before next_version, which renames
  -- its tables and columns and changes them with the rows in place
  stage = "2017_04_08_104959_next_version",
  stage_rows = function(db)
    insert(db, "users", { id = 1, github_id = "g1", github_url = "ada", email = "ada@x", name = "Ada",
                          updated_at = "2017-01-01 00:00:00" })
    insert(db, "tags", { id = 1, name = "Laravel", slug = "laravel" })
    insert(db, "forum_replies", { id = 1, body = "r", author_id = 1, thread_id = 1 })
    insert(db, "forum_threads", { id = 1, author_id = 1, subject = "s", body = "b", slug = "hello",
                                  category_slug = "c", laravel_version = 5, most_recent_reply_id = 1,
                                  reply_count = 1, solution_reply_id = 1 })
    insert(db, "tagged_items", { thread_id = 1, tag_id = 1 })
  end,
  more_stages = {
    -- the rows through next_version's renames, then a banned user for 2017_08_29
    { "2017_08_29_123258_add_banned_at_column", function(db)
      assert.same({ "1|hello|1|1" },
        rows_of(db, "threads", { "id", "slug", "author_id", "solution_reply_id" }))
      assert.same({ "1|1|" }, rows_of(db, "replies", { "id", "replyable_id", "replyable_type" }))
      assert.same({ "1|1|" }, rows_of(db, "taggables", { "taggable_id", "tag_id", "taggable_type" }))
      assert.same({ "1|ada|" }, rows_of(db, "users", { "id", "github_username", "username" }),
        "github_url renamed; username copied only outside the tests (runningUnitTests)")
      db:run("UPDATE users SET is_banned = 1")
    end },
    -- 2022_04_06 adds a nullable uuid and 2022_05_10 makes it NOT NULL, with nothing between
    -- that fills it (Laravel.io filled its rows outside its migrations): an install's rows
    -- get theirs first, as under Laravel, where a NULL fails the change() too
    { "2022_05_10_180922_make_uuids_non_nullable", function(db)
      db:run("UPDATE threads SET uuid = '00000000-0000-4000-8000-000000000001'")
      db:run("UPDATE replies SET uuid = '00000000-0000-4000-8000-000000000002'")
    end },
  },
  staged = function(db)
    assert.equals("2017-01-01 00:00:00", tostring(db:scalar("SELECT banned_at FROM users")):sub(1, 19),
      "2017_08_29: banned_at from updated_at")
    assert.same({ "1|g1" }, rows_of(db, "users", { "id", "github_id" }))
    assert.same({ "1|hello|00000000-0000-4000-8000-000000000001" },
      rows_of(db, "threads", { "id", "slug", "uuid" }))
    assert.same({ "1|1|00000000-0000-4000-8000-000000000002" },
      rows_of(db, "replies", { "id", "replyable_id", "uuid" }))
  end,

  -- (not run: rollback undoes nothing, NO_DOWN)
  keep_rows = function() end,
  kept = function() end,
  keep_steps = 1,
}
