-- Pterodactyl Panel's ported migrations (spec/fixtures/pterodactyl): what
-- spec/support/real_apps_suite.lua checks of them on each dialect: the tables, keys,
-- data steps and what the app's own limits leave pending.
local assert = require("luassert")
local apps = require("spec.support.real_apps")
local insert, rows_of = apps.insert, apps.rows_of

-- a server row of the columns 2016_01_23_201748 creates (ip and port until 2016_08_30_213301)
local function server(n, ip, port)
  return { uuid = ("00000000-0000-4000-8000-00000000000%d"):format(n), uuidShort = "0000000" .. n,
           node = 1, name = "s" .. n, active = 1, owner = 1, memory = 512, swap = 0, disk = 1024,
           io = 500, cpu = 0, ip = ip, port = port, service = 1, option = 1, startup = "./run",
           daemonSecret = ("10000000-0000-4000-8000-00000000000%d"):format(n), username = "u" .. n }
end

return {
  name = "pterodactyl",
  -- Pterodactyl supports MySQL and MariaDB only (its 2016_03_18_155649 is MySQL's own
  -- ALTER TABLE ... CHANGE with backticks): spec/fixtures/README.md, "What Pterodactyl found"
  only_on = { mysql = true },
  only_why = "Pterodactyl runs on MySQL/MariaDB only upstream; its 2016_03_18_155649 is MySQL's"
    .. " ALTER TABLE ... CHANGE in raw SQL (spec/fixtures/pterodactyl/README.md)",
  -- Pterodactyl's config/database.php: 'strict' => env('DB_STRICT_MODE', false)
  url_params = { mysql = "strict=false" },
  tables = {
    "allocations", "api_keys", "api_logs", "api_permissions", "database_servers", "databases",
    "downloads", "failed_jobs", "jobs", "locations", "migrations", "nodes", "notifications",
    "password_resets", "permissions", "server_variables", "servers", "service_options",
    "service_variables", "services", "sessions", "settings", "subusers", "tasks", "tasks_log",
    "users",
  },

  -- a new database: the data steps (2016_08_30's, 2016_09_17's, 2016_09_29's) find no rows
  data_steps = function(db)
    for _, t in ipairs { "allocations", "servers", "service_options", "settings", "users" } do
      assert.equals(0, db:count(t), t)
    end
  end,

  schema = function(db)
    assert.truthy(db:unique_sets("services").file, "2016_02_20 string('file')->unique()->change()")
    assert.truthy(db:unique_sets("users").email)
    assert.truthy(db:unique_sets("servers").uuidShort)
    assert.truthy(db:indexes("jobs")["queue,reserved_at"], "2016_09_04_171338's index")
    assert.is_nil(db:indexes("jobs")["queue,reserved,reserved_at"])
    assert.is_nil(db:columns("jobs").reserved)
    assert.truthy(db:indexes("notifications")["notifiable_type,notifiable_id"])
    assert.is_false(db:columns("tasks").last_run.notnull, "2016_03_18's raw CHANGE ... NULL")
    -- 2016_09_14's text('regex')->change() states the column anew, without nullable(): NOT NULL
    -- (Laravel's change() so too)
    local regex = db:columns("service_variables").regex
    assert.equals("text", regex.type)
    assert.is_true(regex.notnull)
    local servers = db:columns("servers")
    assert.truthy(servers.allocation and servers.suspended and servers.image and servers.sftp_password)
    assert.is_nil(servers.ip)
    assert.is_nil(servers.port)
    assert.is_nil(servers.active)
    assert.truthy(db:columns("databases").server_id)
    assert.is_nil(db:columns("databases").server)
    assert.truthy(db:columns("permissions").permission)
    assert.truthy(db:columns("failed_jobs").exception)
    local keys = db:columns("api_keys")
    assert.truthy(keys.user and keys.memo and keys.expires_at, "2016_10_14's columns")
  end,

  -- rows for 2016_08_30_212718 (ip_alias from ip) and 2016_08_30_213301 (servers.allocation
  -- from the allocation of its ip, port and node)
  stage = "2016_08_30_212718_add_ip_alias",
  stage_rows = function(db)
    insert(db, "allocations", { node = 1, ip = "10.0.0.1", port = 25565 })
    insert(db, "allocations", { node = 1, ip = "10.0.0.1", port = 25566 })
    insert(db, "allocations", { node = 2, ip = "10.0.0.2", port = 27015 })
    db:run("INSERT INTO service_options (parent_service, name, description, tag, docker_image) "
      .. "VALUES (1, 'Vanilla', 'd', 't', 'quay.io/pterodactyl/minecraft')")
    insert(db, "servers", server(1, "10.0.0.1", 25566))
    insert(db, "servers", server(2, "10.0.0.9", 1))
  end,
  more_stages = {
    -- 2016_09_17_194246 calls save() on the stdClass rows of DB::table()->get(), which stops
    -- PHP at its first server (under Laravel too): the servers go before it, checked here
    { "2016_09_17_194246_add_docker_image_column", function(db)
      local alloc = db:scalar("SELECT id FROM allocations WHERE port = 25566")
      assert.same({ "s1|" .. alloc, "s2|0" }, rows_of(db, "servers", { "name", "allocation" }))
      db:run("DELETE FROM servers")
    end },
  },
  staged = function(db)
    assert.same({ "10.0.0.1|10.0.0.1|25565", "10.0.0.1|10.0.0.1|25566", "10.0.0.2|10.0.0.2|27015" },
                rows_of(db, "allocations", { "ip", "ip_alias", "port" }))
    assert.equals(0, db:count("servers"))
  end,

  -- rows the last migrations' downs must keep: 2016_09_21's rename of databases.server_id
  -- (the five downs from 2016_09_21_165554 to 2016_10_23_181719)
  keep_rows = function(db)
    insert(db, "databases", { server_id = 7, db_server = 1, database = "s7_db", username = "u7",
                              password = "secret" })
  end,
  kept = function(db)
    local cols = db:columns("databases")
    local col = cols.server_id and "server_id" or "server"
    assert.same({ "s7_db|7" }, rows_of(db, "databases", { "database", col }))
  end,
  keep_steps = 5,
}
