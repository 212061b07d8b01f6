-- Pterodactyl Panel's ported migrations (spec/fixtures/pterodactyl): what
-- spec/support/real_apps_suite.lua checks of them on each dialect: the tables, keys,
-- data steps and what the app's own limits leave pending.
local assert = require("luassert")
local apps = require("spec.support.real_apps")
local core = require("lmigrate.core")
local insert, rows_of = apps.insert, apps.rows_of

-- a server row of the columns 2016_01_23_201748 creates (ip and port until 2016_08_30_213301)
local function server(n, ip, port)
  return { uuid = ("00000000-0000-4000-8000-00000000000%d"):format(n), uuidShort = "0000000" .. n,
           node = 1, name = "s" .. n, active = 1, owner = 1, memory = 512, swap = 0, disk = 1024,
           io = 500, cpu = 0, ip = ip, port = port, service = 1, option = 1, startup = "./run",
           daemonSecret = ("10000000-0000-4000-8000-00000000000%d"):format(n), username = "u" .. n }
end

-- the rows of a query as "a|b" strings of its columns in 'cols' (SQL NULL as NULL), sorted
local function rows(db, sql, cols)
  local out = {}
  for _, r in ipairs(db:query(sql)) do
    local vals = {}
    for i, c in ipairs(cols) do
      local v = r[c]
      vals[i] = (v == nil or v == core.null) and "NULL" or tostring(v)
    end
    out[#out + 1] = table.concat(vals, "|")
  end
  table.sort(out)
  return out
end

local function sorted_keys(t)
  local out = {}
  for k in pairs(t) do out[#out + 1] = k end
  table.sort(out)
  return out
end

-- a node row of the columns 2016_01_23_200648 creates (location 1)
local function node(n)
  return { public = 1, name = "n" .. n, location = 1, fqdn = "n" .. n .. ".example.com",
           memory = 2048, disk = 10240,
           daemonSecret = ("20000000-0000-4000-8000-00000000000%d"):format(n) }
end

-- the author 2016_09_07_163017's column holds for Pterodactyl's own services (its seeders')
local AUTHOR = "ptrdctyl-v040-11e6-8b77-86f30ca893d3"
local SPIGOT_STARTUP = "-Xms128M -Xmx{{SERVER_MEMORY}}M -Djline.terminal=jline.UnsupportedTerminal"
  .. " -jar {{SERVER_JARFILE}}"

return {
  name = "pterodactyl",
  -- Pterodactyl supports MySQL and MariaDB only (its 2016_03_18_155649 is MySQL's own
  -- ALTER TABLE ... CHANGE with backticks): spec/fixtures/README.md, "What Pterodactyl found"
  only_on = { mysql = true },
  only_why = "Pterodactyl runs on MySQL/MariaDB only upstream; its 2016_03_18_155649 is MySQL's"
    .. " ALTER TABLE ... CHANGE in raw SQL (spec/fixtures/pterodactyl/README.md)",
  -- the add_foreign_* downs that dropIndex(['col']) after dropForeign(['col']): MySQL named the
  -- key's index as the key (<table>_<col>_foreign), so <table>_<col>_index does not exist and
  -- the down fails, under Laravel too (spec/fixtures/pterodactyl/README.md); the latest of them
  down_fails = {
    migration = "2017_11_19_122708_MigratePubPrivFormatToSingleKey",
    error = "Can't DROP INDEX `token`; check that it exists",
    why = "the down of 2017_11_19_122708_MigratePubPrivFormatToSingleKey drops the unique index of"
      .. " api_keys.token, renames the column, then dropUnique('token') names an index token that"
      .. " does not exist; nine earlier downs (the add_foreign_* ones among them) dropIndex(['c'])"
      .. " where MySQL named the key's index <table>_<c>_foreign: they fail under Laravel too"
      .. " (spec/fixtures/pterodactyl/README.md)",
  },  -- its downs read tables and columns the earlier downs of the same rollback rename back
  -- (service_options, servers.allocation): --pretend reads them as Laravel's pretend does
  pretend_rollback = true,
  -- the earlier failing downs, each reached by the rollback of the folder cut at 'upto'
  -- (the downs between them run): 2017_02_09_174834 from the nests and eggs on,
  -- 2017_04_15_125021 when its down meets the tasks its up altered, the add_foreign_* ones
  earlier_down_fails = {
    { upto = "2017_10_06_215741_ServiceVariablesToEggVariablesConversion",
      migration = "2017_02_09_174834_SetupPermissionsPivotTable",
      error = "Can't DROP INDEX `permissions_subuser_id_index`; check that it exists" },
    { upto = "2017_05_01_141559_DeleteNodeConfigurationTable",
      migration = "2017_04_15_125021_UpgradeTaskSystem",
      error = "Cannot drop index 'tasks_user_id_foreign': needed in a foreign key constraint" },
    { upto = "2017_01_12_135449_add_more_user_data",
      migration = "2016_10_23_204321_add_foreign_service_variables",
      error = "Can't DROP INDEX `service_variables_option_id_index`; check that it exists" },
  },





  -- Pterodactyl's config/database.php: 'strict' => env('DB_STRICT_MODE', false)
  url_params = { mysql = "strict=false" },
  tables = {
    "allocations", "api_keys", "api_logs", "daemon_keys", "database_hosts",
    "databases", "failed_jobs", "jobs", "locations", "migrations", "nodes", "notifications", "packs",
    "password_resets", "permissions", "schedules", "server_variables", "servers", "eggs",
    "egg_variables", "nests", "sessions", "settings", "subusers", "tasks", "tasks_log", "users",
  },



  -- a new database: the data steps (2016_08_30's, 2016_09_17's, 2016_09_29's) find no rows
  data_steps = function(db)
    for _, t in ipairs { "allocations", "servers", "eggs", "nests", "settings", "users" } do
      assert.equals(0, db:count(t), t)
    end
  end,

  schema = function(db)
    -- 2017_10_02_202000 drops services' unique name and file (folder), 2017_10_06 renames it nests
    assert.same({ "id", "uuid" }, sorted_keys(db:unique_sets("nests")))
    assert.truthy(db:unique_sets("users").email)
    assert.truthy(db:unique_sets("users").username, "2017_01_12's string('username')->unique()->change()")
    assert.truthy(db:unique_sets("servers").uuidShort)
    assert.truthy(db:indexes("jobs")["queue,reserved_at"], "2016_09_04_171338's index")
    assert.is_nil(db:indexes("jobs")["queue,reserved,reserved_at"])
    assert.is_nil(db:columns("jobs").reserved)
    assert.truthy(db:indexes("notifications")["notifiable_type,notifiable_id"])
    -- 2016_09_14's text('regex')->change() states the column anew, without nullable(): NOT NULL
    -- (Laravel's change() so too); 2017_03_11 renames it rules and drops required
    local variables = db:columns("egg_variables")
    assert.equals("text", variables.rules.type)
    assert.is_true(variables.rules.notnull)
    assert.is_nil(variables.regex)
    assert.is_nil(variables.required)
    local servers = db:columns("servers")
    assert.truthy(servers.allocation_id and servers.suspended and servers.image)
    assert.is_nil(servers.username or servers.sftp_password, "2017_10_24_222238")
    assert.is_nil(servers.ip)
    assert.is_nil(servers.port)
    assert.is_nil(servers.active)
    assert.is_nil(servers.node)
    assert.truthy(db:columns("databases").server_id)
    assert.truthy(db:columns("databases").database_host_id)
    assert.is_nil(db:columns("databases").db_server)
    local permissions = db:columns("permissions")
    assert.truthy(permissions.permission and permissions.subuser_id)
    assert.is_nil(permissions.user_id or permissions.server_id or permissions.created_at)
    assert.truthy(db:columns("failed_jobs").exception)
    local keys = db:columns("api_keys")
    assert.truthy(keys.user_id and keys.memo, "2016_10_14's columns")
    assert.is_nil(keys.expires_at, "dropped by 2018_01_13_145209")
    assert.truthy(keys.key_type and keys.last_used_at)
    -- 2017_11_19 renamed secret token, char(32) and unique; 2018_01_13_142012 drops the unique
    -- and makes it text, with a unique identifier beside it
    assert.equals("text", keys.token.type)
    assert.is_nil(keys.secret or keys.public)
    assert.is_nil(db:unique_sets("api_keys").token)
    assert.truthy(db:unique_sets("api_keys").identifier)
    for _, r in ipairs { "servers", "nodes", "allocations", "users", "locations", "nests", "eggs",
                         "database_hosts", "server_databases", "packs" } do
      assert.is_true(keys["r_" .. r].notnull, "2018_01_11_213943's r_" .. r)
    end
    assert.equals("int(11)", db:columns("servers").swap.type, "2018_01_01's integer('swap')->change()")
    local users = db:columns("users")
    assert.equals("text", users.totp_secret.type, "2017_11_11's text('totp_secret')->nullable()->change()")
    assert.is_false(users.totp_secret.notnull)
    assert.truthy(users.totp_authenticated_at)
    assert.truthy(db:unique_sets("settings").id, "2017_12_12's increments('id')->first()")
    assert.equals("id", db:query("SELECT column_name AS c FROM information_schema.columns WHERE table_schema"
      .. " = DATABASE() AND table_name = 'settings' AND ordinal_position = 1")[1].c)
    -- the add_foreign_* files (2016_10_23): integer(c, false, true)->change() of the
    -- mediumInteger columns, then the keys; the 2017 renames drop, rename and add them again
    local function fks(t)
      local out = {}
      for _, fk in ipairs(db:foreign_keys(t)) do
        local action = fk.on_delete:upper()
        out[#out + 1] = fk.from .. ">" .. fk.table .. "." .. fk.to
          .. ((action == "RESTRICT" or action == "NO ACTION") and "" or " " .. action)
      end
      table.sort(out)
      return out
    end
    assert.same({ "allocation_id>allocations.id", "egg_id>eggs.id", "nest_id>nests.id", "node_id>nodes.id",
                  "owner_id>users.id", "pack_id>packs.id" }, fks("servers"))
    assert.same({ "node_id>nodes.id CASCADE", "server_id>servers.id SET NULL" }, fks("allocations"))
    assert.same({ "user_id>users.id CASCADE" }, fks("api_keys"), "2018_01_13_145209")
    assert.same({ "node_id>nodes.id SET NULL" }, fks("database_hosts"))
    assert.same({ "database_host_id>database_hosts.id", "server_id>servers.id" }, fks("databases"))
    assert.same({ "location_id>locations.id" }, fks("nodes"))
    assert.same({ "subuser_id>subusers.id CASCADE" }, fks("permissions"))
    assert.same({ "server_id>servers.id CASCADE", "variable_id>egg_variables.id CASCADE" },
                fks("server_variables"))
    assert.same({ "config_from>eggs.id SET NULL", "copy_script_from>eggs.id SET NULL",
                  "nest_id>nests.id CASCADE" }, fks("eggs"))
    assert.same({ "egg_id>eggs.id CASCADE" }, fks("egg_variables"))
    assert.same({ "server_id>servers.id CASCADE", "user_id>users.id CASCADE" }, fks("subusers"))
    assert.same({ "schedule_id>schedules.id CASCADE" }, fks("tasks"))
    assert.same({ "server_id>servers.id CASCADE" }, fks("schedules"))
    assert.same({ "server_id>servers.id CASCADE", "user_id>users.id CASCADE" }, fks("daemon_keys"))
    assert.truthy(db:indexes("tasks")["schedule_id,sequence_id"], "2017_09_10_230309's index")
    assert.truthy(db:indexes("daemon_keys")["server_id,user_id"])
    assert.truthy(db:unique_sets("daemon_keys").secret)
    assert.same({ "egg_id>eggs.id CASCADE" }, fks("packs"))
    -- MySQL names a key's index as the key when it makes one; a key added anew on a renamed
    -- column gets an index of its new name, and MariaDB drops the one it made for the old key
    -- (2017_02_03_155554: allocations_node_foreign becomes allocations_node_id_foreign; the
    -- spec's partial rollback below sees it)
    -- and 2017_08_05_174811's unique(['node_id', 'ip', 'port']) can hold node_id's key, so
    -- MariaDB drops allocations_node_id_foreign, the index it had made for the key
    assert.is_nil(db:indexes("allocations").node_id)
    assert.equals("allocations_node_id_ip_port_unique", db:unique_sets("allocations")["node_id,ip,port"])
    assert.equals("servers_node_id_foreign", db:indexes("servers").node_id)
    assert.equals("int(10) unsigned", servers.node_id.type)
    local allocations = db:columns("allocations")
    assert.is_true(allocations.node_id.notnull, "2016_10_23_201624's nullable(false)")
    assert.is_false(allocations.server_id.notnull)
    assert.is_nil(servers.deleted_at, "2016_10_23_193810's softDeletes(), dropped by 2017_04_02")
    assert.is_true(servers.description.notnull, "2017_03_31's text('description')")
    assert.is_true(servers.skip_scripts.notnull)
    assert.truthy(db:columns("nodes").upload_size, "2016_12_01_173018")
    local nests = db:columns("nests")
    assert.is_false(nests.description.notnull, "2017_03_05's text('description')->nullable()->change()")
    assert.equals("varchar(255)", nests.author.type, "2017_10_02_202000's string('author')->change()")
    assert.is_nil(nests.startup or nests.index_file or nests.folder or nests.executable)
    assert.truthy(db:columns("packs").locked, "2017_03_14_200326, on the table 2017_03_14_175631 renamed")
    local options = db:columns("eggs")
    assert.truthy(options.uuid and options.author and options.nest_id)
    assert.is_nil(options.tag)
    assert.truthy(db:unique_sets("eggs").uuid)
    assert.is_nil(options.executable)
    assert.truthy(options.script_install and options.script_is_privileged and options.script_entry
                  and options.script_container, "2017_04_20_171943")
    assert.truthy(db:columns("nodes").behind_proxy, "2017_04_27_223629")
    local nodes = db:columns("nodes")
    assert.equals("int(11)", nodes.disk_overallocate.type, "2017_08_05_144104's integer()->change()")
    assert.is_true(nodes.disk_overallocate.notnull)
    assert.equals("0", tostring(nodes.memory_overallocate.default))
    -- 2017_06_10's unsignedInteger('external_id')->unique(), a string since 2018_02_04 and no
    -- longer unique since 2018_02_10; 2018_02_25_160152's string('external_id')->default(null)
    -- ->change() states it anew without nullable(): NOT NULL, no default (Laravel's change()
    -- so too); 2018_02_25_160604 indexes it
    local external = db:columns("users").external_id
    assert.equals("varchar(255)", external.type)
    assert.is_true(external.notnull)
    assert.is_nil(external.default)
    assert.is_nil(db:unique_sets("users").external_id)
    assert.truthy(db:indexes("users").external_id)
    local limits = db:columns("servers")
    assert.is_false(limits.database_limit.notnull, "2018_03_01_192831")
    assert.equals("0", tostring(limits.allocation_limit.default))
    assert.is_true(db:columns("nodes").description.notnull, "2018_03_15_124536's text('description')")
    assert.truthy(db:unique_sets("servers").external_id, "2018_02_24_112356")
    -- 2018_02_17's unique(['allocation_id']) can hold the column's key: MariaDB drops the index
    -- it had made for the key (as 2017_08_05_174811's on allocations)
    assert.equals("servers_allocation_id_unique", db:unique_sets("servers").allocation_id)
    assert.is_nil(db:indexes("servers").allocation_id)
  end,

  -- rows for 2016_08_30_212718 (ip_alias from ip) and 2016_08_30_213301 (servers.allocation
  -- from the allocation of its ip, port and node); the location, nodes and service the
  -- add_foreign_* keys (2016_10_23) then find
  stage = "2016_08_30_212718_add_ip_alias",
  stage_rows = function(db)
    insert(db, "locations", { short = "us", long = "United States" })
    insert(db, "nodes", node(1))
    insert(db, "nodes", node(2))
    insert(db, "services", { name = "Minecraft", description = "d", file = "minecraft",
                             executable = "java", startup = "-jar" })
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
    -- 2016_11_04_000949 adds the Ark option and its three variables to Pterodactyl's own
    -- Source Engine service; 2016_12_02_185206 rewrites the Spigot option's startup and the
    -- Spigot Version variable's regex; 2017_01_12_135449 sets each user's username to the email
    { "2016_11_04_000949_add_ark_service_option_fixed", function(db)
      insert(db, "services", { author = AUTHOR, name = "Source Engine", description = "d",
                               file = "srcds", executable = "./srcds_run", startup = "-game" })
      insert(db, "service_options", { parent_service = 1, name = "Spigot", description = "d",
                                      tag = "spigot", docker_image = "quay.io/pterodactyl/minecraft",
                                      startup = SPIGOT_STARTUP })
      local spigot = db:scalar("SELECT id FROM service_options WHERE tag = 'spigot'")
      insert(db, "service_variables", { option_id = spigot, name = "Spigot Version",
        description = "d", env_variable = "DL_VERSION", default_value = "latest", user_viewable = 1,
        user_editable = 1, required = 1, regex = [[/^(latest|[a-zA-Z0-9_\.-]{5,6})$/]] })
      insert(db, "users", { uuid = "30000000-0000-4000-8000-000000000001", email = "ada@example.com",
                            password = "x", use_totp = 0 })
    end },
    -- what the 2016 data steps wrote; then 2017_03_10_173607 (each option of the Source Engine
    -- service) and 2017_03_11_215455 (each variable) call save() on the stdClass rows of
    -- DB::table()->get(), which stops PHP at the first row (under Laravel too): the Source
    -- Engine's options and the variables go before them
    { "2017_01_07_154228_create_node_configuration_tokens_table", function(db)
      local srcds = db:scalar("SELECT id FROM services WHERE name = 'Source Engine'")
      assert.same({ srcds .. "|ark|./ShooterGameServer" },
                  rows(db, "SELECT * FROM service_options WHERE name = 'Ark: Survival Evolved'",
                       { "parent_service", "tag", "executable" }))
      local ark = db:scalar("SELECT id FROM service_options WHERE tag = 'ark'")
      assert.same({ ark .. "|ARK_ADMIN_PASSWORD|", ark .. "|ARK_PASSWORD|", ark .. "|SERVER_MAX_PLAYERS|20" },
                  rows(db, "SELECT * FROM service_variables WHERE option_id = " .. ark,
                       { "option_id", "env_variable", "default_value" }))
      assert.same({ "NULL" }, rows(db, "SELECT startup FROM service_options WHERE tag = 'spigot'",
                                   { "startup" }))
      assert.same({ [[/^(latest|[a-zA-Z0-9_\.-]{3,7})$/]] },
                  rows(db, "SELECT regex FROM service_variables WHERE env_variable = 'DL_VERSION'",
                       { "regex" }))
      db:run("DELETE FROM service_variables")
      db:run("DELETE FROM service_options WHERE parent_service = " .. srcds)
    end },
    -- 2017_02_09_174834 points each permission of a (user, server) at its subuser: a server
    -- (of the columns 2017_02_02 renamed), a subuser of it and its permissions
    { "2017_02_09_174834_SetupPermissionsPivotTable", function(db)
      local row = server(3)
      for _, gone in ipairs { "ip", "port", "active", "node", "owner", "service", "option" } do
        row[gone] = nil
      end
      local ada = db:scalar("SELECT id FROM users")
      row.node_id, row.owner_id, row.service_id = 1, ada, 1
      row.option_id = db:scalar("SELECT id FROM service_options WHERE tag = 't'")
      row.allocation_id = db:scalar("SELECT id FROM allocations WHERE port = 25565")
      row.image = "quay.io/pterodactyl/minecraft"
      insert(db, "servers", row)
      local s3 = db:scalar("SELECT id FROM servers")
      insert(db, "subusers", { user_id = ada, server_id = s3,
                               daemonSecret = "40000000-0000-4000-8000-000000000001" })
      for _, perm in ipairs { "list-tasks", "queue-task", "power-start", "edit-task-x", "task" } do
        insert(db, "permissions", { user_id = ada, server_id = s3, permission = perm })
      end
    end },
    -- 2017_04_15_125021 gives each task the owner of its server
    { "2017_04_15_125021_UpgradeTaskSystem", function(db)
      insert(db, "tasks", { server = db:scalar("SELECT id FROM servers"), action = "command",
                            data = "say hi" })
    end },
    -- before 2017_09_10_225749 renames tasks to tasks_old and 2017_09_11_002938 moves each into
    -- a schedule and a task of it: 2017_04_15_125021's user_id, 2017_02_09_174834's subuser_id
    -- (the permissions then go on to 2017_09_13_211810, the subuser to 2017_09_23_185022)
    { "2017_09_10_225749_RenameTasksTableForStructureRefactor", function(db)
      local ada = db:scalar("SELECT id FROM users")
      local s3 = db:scalar("SELECT id FROM servers")
      assert.same({ s3 .. "|" .. ada }, rows_of(db, "tasks", { "server_id", "user_id" }))
      local sub = db:scalar("SELECT id FROM subusers")
      assert.same({ sub .. "|edit-task-x", sub .. "|list-tasks", sub .. "|power-start",
                    sub .. "|queue-task", sub .. "|task" },
                  rows_of(db, "permissions", { "subuser_id", "permission" }))
      assert.equals("", db:scalar("SELECT description FROM servers"), "2017_03_31's NOT NULL text, filled")
    end },
    -- 2017_03_12_150648: Pterodactyl's own services get the daemon's index.js in index_file,
    -- which 2017_10_02_202000 drops (the Minecraft one here is not Pterodactyl's: no author,
    -- left as MySQL filled it)
    { "2017_10_02_202000_ChangeServicesToUseAMoreUniqueIdentifier", function(db)
      local srcds = db:query("SELECT index_file FROM services WHERE folder = 'srcds'")[1].index_file
      assert.equals("'use strict';\n", srcds:sub(1, 14))
      assert.truthy(srcds:find("\nclass Service extends Core {}\n\nmodule.exports = Service;$"))
      assert.same({ "" }, rows(db, "SELECT index_file FROM services WHERE folder = 'minecraft'",
                               { "index_file" }))
      assert.same({ "Spigot|spigot", "Vanilla|t" }, rows_of(db, "service_options", { "name", "tag" }))
    end },
  },
  staged = function(db)
    assert.same({ "10.0.0.1|10.0.0.1|25565", "10.0.0.1|10.0.0.1|25566", "10.0.0.2|10.0.0.2|27015" },
                rows_of(db, "allocations", { "ip", "ip_alias", "port" }))
    local ada, s3 = db:scalar("SELECT id FROM users"), db:scalar("SELECT id FROM servers")
    local schedule = db:scalar("SELECT id FROM schedules")
    assert.same({ s3 .. "|NULL|*|*|*|*|1|0" },
                rows_of(db, "schedules", { "server_id", "name", "cron_day_of_week", "cron_day_of_month",
                                           "cron_hour", "cron_minute", "is_active", "is_processing" }))
    assert.same({ schedule .. "|1|command|say hi|0|0" },
                rows_of(db, "tasks", { "schedule_id", "sequence_id", "action", "payload", "time_offset",
                                       "is_queued" }))
    assert.same({ "edit-task-x", "list-schedules", "power-start", "queue-schedule", "task" },
                rows_of(db, "permissions", { "permission" }))
    -- 2017_09_23_173628 (the server's owner) and 2017_09_23_185022 (the subuser): a daemon key each
    local keys = db:query("SELECT user_id, server_id, secret FROM daemon_keys")
    assert.equals(2, #keys)
    for _, key in ipairs(keys) do
      assert.equals(ada, key.user_id)
      assert.equals(s3, key.server_id)
      assert.truthy(key.secret:match("^i_%w+$") and #key.secret == 42, key.secret)
    end
    assert.is_nil(db:columns("servers").daemonSecret)
    assert.is_nil(db:columns("subusers").daemonSecret)
    -- 2017_08_05_144104's nullable(false) change() of the NULL overallocations: MySQL's loose
    -- mode (Pterodactyl's 'strict' => false) writes 0
    assert.same({ "n1|0|0", "n2|0|0" }, rows_of(db, "nodes", { "name", "disk_overallocate",
                                                            "memory_overallocate" }))
    assert.same({ "ada@example.com|ada@example.com|" }, rows_of(db, "users", { "email", "username",
                                                                          "external_id" }))
    -- 2017_10_02_202000 and 202007: authors as e-mail addresses, uuids
    local uuid = "^%x+%-%x+%-4%x+%-%x+%-%x+$"
    for _, t in ipairs { "nests", "eggs" } do
      for _, r in ipairs(db:query("SELECT uuid FROM " .. t)) do assert.truthy(r.uuid:match(uuid), r.uuid) end
    end
    assert.same({ "Minecraft|unknown@unknown-author.com", "Source Engine|support@pterodactyl.io" },
                rows_of(db, "nests", { "name", "author" }))
    assert.same({ "Spigot|unknown@unknown-author.com|1", "Vanilla|unknown@unknown-author.com|1" },
                rows_of(db, "eggs", { "name", "author", "nest_id" }))
    assert.same({ s3 .. "|1|1" }, rows_of(db, "servers", { "id", "nest_id", "egg_id" }))
  end,

  -- rows the last migrations' downs must keep: 2017_12_04_184012's key of allocations dropped
  -- and added again, 2017_12_12_220426's settings.id dropped, 2018_01_01's servers.swap, ...
  -- 2018_03_15's nodes.description (the fourteen downs after 2017_11_19_122708's, which
  -- fails); settings are left out: its up truncates them
  keep_rows = function(db)
    insert(db, "locations", { short = "eu", long = "Europe" })
    local row = node(7)
    row.location_id, row.location = db:scalar("SELECT id FROM locations WHERE short = 'eu'"), nil
    row.description = "n7's"
    insert(db, "nodes", row)
    local n7 = db:scalar("SELECT id FROM nodes")
    insert(db, "database_hosts", { name = "h7", host = "10.0.0.7", port = 3306, username = "root",
                                   password = "secret", node_id = n7 })
    insert(db, "allocations", { node_id = n7, ip = "10.0.0.7", port = 25565 })
  end,
  kept = function(db)
    local n7 = db:scalar("SELECT id FROM nodes")
    assert.same({ "n7" }, rows_of(db, "nodes", { "name" }))
    assert.same({ "h7|" .. n7 }, rows_of(db, "database_hosts", { "name", "node_id" }))
    assert.same({ n7 .. "|10.0.0.7|25565" }, rows_of(db, "allocations", { "node_id", "ip", "port" }))
  end,
  keep_steps = 14,
}
