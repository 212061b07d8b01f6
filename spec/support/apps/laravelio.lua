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

  -- spec/fixtures/laravelio/seeds: DatabaseSeeder and the five seeders it calls, with the
  -- factories, ported call for call (the README's translation table)
  seeds = {
    -- 2017_04_08_104959_next_version's integer('solution_reply_id')->unsigned()->change():
    -- NOT NULL under Laravel 11's change() (as lmigrate's), so no thread without a solution
    -- can be inserted; Laravel.io's Laravel 9 (Doctrine's change()) kept it nullable. The
    -- seeders run on a scratch copy with nullable() added to that one call
    edit_why = "next_version's solution_reply_id change() is NOT NULL (Laravel 11's change())",
    unedited_error = "solution_reply_id",
    edit = function(name, text)
      if name ~= "2017_04_08_104959_next_version" then return text end
      local out, n = text:gsub('table:integer%("solution_reply_id"%):unsigned%(%):change%(%)',
        'table:integer("solution_reply_id"):unsigned():nullable():change()')
      assert(n == 1, "next_version's solution_reply_id change() not found")
      return out
    end,

    check = function(db)
      local hash = require("lmigrate.hash")
      local function num(sql) return tonumber(db:scalar(sql)) end
      local function counts(sql)
        local t = {}
        for _, r in ipairs(db:query(sql)) do t[#t + 1] = tonumber(r.n) end
        return t
      end
      local function all(list, v, what)
        for _, x in ipairs(list) do assert.equals(v, x, what) end
      end
      -- UserSeeder: John Doe, the admin, and 100 users with two threads and two articles each
      assert.equals(101, db:count("users"))
      local john = db:query("SELECT * FROM users WHERE email = 'john@example.com'")[1]
      assert.same({ "John Doe", "johndoe", "driesvints", 3 },
        { john.name, john.username, john.github_username, tonumber(john.type) })
      assert.is_true(hash.check("password", john.password), "John Doe logs in with 'password'")
      local other = db:query("SELECT * FROM users WHERE id = " .. (tonumber(john.id) + 1))[1]
      assert.is_true(hash.check("secret", other.password), "UserFactory's bcrypt('secret')")
      assert.equals(1, tonumber(other.type), "User::DEFAULT")
      assert.equals(10, #other.remember_token)
      assert.equals(100, num("SELECT COUNT(DISTINCT username) FROM users WHERE type = 1"))
      assert.equals(200, db:count("threads"))
      assert.equals(200, db:count("articles"))
      for _, t in ipairs { "threads", "articles" } do
        local per = counts("SELECT COUNT(*) AS n FROM " .. t .. " GROUP BY author_id")
        assert.equals(100, #per, t)
        all(per, 2, t .. " per user")
        assert.equals(0, num("SELECT COUNT(*) FROM " .. t .. " WHERE author_id = " .. john.id))
        assert.equals(200, num("SELECT COUNT(DISTINCT uuid) FROM " .. t))
      end
      -- the Sequence of three states over the 200 articles in turn
      assert.equals(200, num("SELECT COUNT(*) FROM articles WHERE submitted_at IS NOT NULL"))
      assert.equals(134, num("SELECT COUNT(*) FROM articles WHERE approved_at IS NOT NULL"))
      assert.equals(67, num("SELECT COUNT(*) FROM articles WHERE hero_image = 'sxiSod0tyYQ'"))
      assert.equals(4, num("SELECT SUM(CASE WHEN is_pinned THEN 1 ELSE 0 END) FROM articles"
        .. " WHERE approved_at IS NOT NULL"), "four published articles pinned")
      assert.equals(4, num("SELECT SUM(CASE WHEN is_pinned THEN 1 ELSE 0 END) FROM articles"))
      -- TagSeeder: 60 tags, up to three on each article and thread
      assert.equals(60, db:count("tags"))
      assert.equals(60, num("SELECT COUNT(DISTINCT slug) FROM tags"))
      for _, n in ipairs(counts("SELECT COUNT(*) AS n FROM taggables GROUP BY taggable_type, taggable_id")) do
        assert.is_true(n >= 1 and n <= 3, "tags per model: " .. n)
      end
      assert.equals(2, num("SELECT COUNT(DISTINCT taggable_type) FROM taggables"
        .. " WHERE taggable_type IN ('articles', 'threads')"))
      assert.equals(0, num("SELECT COUNT(*) FROM taggables"
        .. " WHERE taggable_type NOT IN ('articles', 'threads')"))
      assert.equals(0, num("SELECT COUNT(*) FROM taggables WHERE tag_id NOT IN (SELECT id FROM tags)"))
      -- ReplySeeder: five replies to each thread, 20 threads with a solution of their own
      assert.equals(1000, db:count("replies"))
      local per = counts("SELECT COUNT(*) AS n FROM replies WHERE replyable_type = 'threads'"
        .. " AND replyable_id IN (SELECT id FROM threads) GROUP BY replyable_id")
      assert.equals(200, #per)
      all(per, 5, "replies per thread")
      assert.equals(0, num("SELECT COUNT(*) FROM replies WHERE author_id NOT IN (SELECT id FROM users)"))
      assert.equals(20, num("SELECT COUNT(*) FROM threads t JOIN replies r ON r.id = t.solution_reply_id"
        .. " AND r.replyable_id = t.id WHERE t.resolved_by = t.author_id"))
      assert.equals(20, num("SELECT COUNT(*) FROM threads WHERE solution_reply_id IS NOT NULL"))
      -- NotificationSeeder: one NewReplyNotification a reply, to its author, its data the JSON
      local subjects = {}
      for _, r in ipairs(db:query("SELECT r.id, r.author_id, r.replyable_id, r.created_at, t.subject"
          .. " FROM replies r JOIN threads t ON t.id = r.replyable_id")) do
        subjects[('{"type":"new_reply","reply":%d,"replyable_id":%d,"replyable_type":"threads",'
          .. '"replyable_subject":"%s"}'):format(r.id, r.replyable_id, r.subject)] =
          tostring(r.author_id) .. "|" .. tostring(r.created_at):sub(1, 19)
      end
      local notes = db:query("SELECT * FROM notifications")
      assert.equals(1000, #notes)
      for _, n in ipairs(notes) do
        assert.equals("App\\Notifications\\NewReplyNotification", n.type)
        assert.equals("users", n.notifiable_type)
        assert.equals(subjects[n.data],
          tostring(n.notifiable_id) .. "|" .. tostring(n.created_at):sub(1, 19), n.data)
        assert.equals(36, #n.id)
      end
      -- LikeSeeder: 100 articles, 50 replies and 50 threads liked by 1 to 10 users each
      for t, n in pairs { articles = 100, replies = 50, threads = 50 } do
        local liked = counts("SELECT COUNT(DISTINCT user_id) AS n FROM likes WHERE likeable_type = '"
          .. t .. "' GROUP BY likeable_id")
        assert.equals(n, #liked, t)
        for _, k in ipairs(liked) do assert.is_true(k >= 1 and k <= 10, t .. ": " .. k) end
      end
      assert.equals(db:count("likes"), num("SELECT COUNT(*) FROM (SELECT DISTINCT user_id,"
        .. " likeable_id, likeable_type FROM likes) d"))
    end,

    -- the rows a seed gives again: every column but the hashes (a salt each), the clock's
    -- (timestamps, relative dates), Str::random / Str::uuid / Uuid::uuid4 (the system's
    -- random bytes, as PHP's random_bytes) and is_pinned (inRandomOrder: the server's RANDOM())
    rows = function(db)
      return {
        users = rows_of(db, "users", { "id", "name", "email", "username", "github_id", "github_username",
                                       "twitter", "type", "bio" }),
        threads = rows_of(db, "threads", { "id", "subject", "body", "slug", "author_id",
                                           "solution_reply_id", "resolved_by" }),
        articles = rows_of(db, "articles", { "id", "title", "body", "slug", "author_id", "hero_image" }),
        tags = rows_of(db, "tags", { "id", "name", "slug" }),
        taggables = rows_of(db, "taggables", { "tag_id", "taggable_id", "taggable_type" }),
        replies = rows_of(db, "replies", { "id", "body", "author_id", "replyable_id", "replyable_type" }),
        notifications = rows_of(db, "notifications", { "notifiable_id", "data" }),
        likes = rows_of(db, "likes", { "user_id", "likeable_id", "likeable_type" }),
      }
    end,
  },
}
