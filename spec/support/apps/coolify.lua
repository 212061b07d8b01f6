-- Coolify's ported migrations (spec/fixtures/coolify): what spec/support/real_apps_suite.lua
-- checks of them on each dialect: the tables, keys, data steps and what the app's own limits
-- leave pending.
local assert = require("luassert")
local apps = require("spec.support.real_apps")
local insert, rows_of = apps.insert, apps.rows_of

-- the CHECK constraints of a PostgreSQL table, by name
local function checks(db, tbl)
  local out = {}
  for _, r in ipairs(db:query("SELECT c.conname AS name FROM pg_constraint c JOIN pg_class t "
      .. "ON t.oid = c.conrelid WHERE c.contype = 'c' AND t.relname = ?", tbl)) do
    out[r.name] = true
  end
  return out
end

local function no_columns(db, tbl, names)
  local cols = db:columns(tbl)
  for _, c in ipairs(names) do assert.is_nil(cols[c], tbl .. "." .. c) end
end

return {
  name = "coolify",
  -- Coolify's config/database.php: 'default' => env('DB_CONNECTION', 'pgsql'); its sqlite
  -- connections are a leftover of Laravel's skeleton and its tests' in-memory database
  only_on = { postgres = true },
  only_why = "Coolify runs on PostgreSQL only upstream; its 2023_08_22_071049_update_webhooks_type"
    .. " drops PostgreSQL's CHECK of an enum by its name in raw SQL"
    .. " (ALTER TABLE webhooks DROP CONSTRAINT webhooks_type_check; spec/fixtures/coolify/README.md)",
  not_run = {
    rollback = "Coolify's 2023_08_22_071056_update_telegram_notifications down drops"
      .. " teams.telegram_message_thread_id, which no migration adds (column does not exist, under"
      .. " Laravel too), so a rollback of the whole folder stops there",
    reset = "Coolify's 2023_08_22_071056_update_telegram_notifications down drops"
      .. " teams.telegram_message_thread_id, which no migration adds (column does not exist, under"
      .. " Laravel too), so a reset stops there",
  },
  tables = {
    "activity_log", "application_deployment_queues", "application_previews",
    "application_settings", "applications", "databases", "environment_variables", "environments",
    "failed_jobs", "git_deploy_keys", "github_apps", "gitlab_apps", "gits", "instance_settings",
    "jobs", "kubernetes", "local_file_volumes", "local_persistent_volumes", "migrations",
    "password_reset_tokens", "personal_access_tokens", "private_keys", "project_settings",
    "projects", "s3_storages", "scheduled_database_backup_executions",
    "scheduled_database_backups", "server_settings", "servers", "service_applications",
    "service_databases", "services", "sessions", "standalone_dockers", "standalone_postgresqls",
    "subscriptions", "swarm_dockers", "team_invitations", "team_user", "teams",
    "telescope_entries", "telescope_entries_tags", "telescope_monitoring", "users", "waitlists",
    "webhooks",
  },

  -- a new database: 2023_07_27's data step finds no teams and no instance settings
  data_steps = function(db)
    for _, t in ipairs { "teams", "instance_settings", "users", "webhooks" } do
      assert.equals(0, db:count(t), t)
    end
  end,

  schema = function(db)
    -- 2023_08_22_071049: string('type')->change() of the enum keeps its CHECK (as Laravel's
    -- ALTER COLUMN ... TYPE), which the raw DROP CONSTRAINT then drops; status keeps its own
    local webhook_checks = checks(db, "webhooks")
    assert.is_nil(webhook_checks.webhooks_type_check)
    assert.truthy(webhook_checks.webhooks_status_check)
    local webhooks = db:columns("webhooks")
    assert.equals("character varying", webhooks.type.type)
    assert.is_true(webhooks.type.notnull)
    assert.matches("pending", webhooks.status.default)

    -- 2023_08_22_071060 text('link')->change(): NOT NULL stays, the key and unique too
    local link = db:columns("team_invitations").link
    assert.equals("text", link.type)
    assert.is_true(link.notnull)
    assert.truthy(db:unique_sets("team_invitations")["team_id,email"])
    assert.truthy(db:unique_sets("team_invitations").uuid)
    local fks = db:foreign_keys("team_invitations")
    assert.equals(1, #fks)
    assert.same({ "team_id", "teams", "id", "CASCADE" },
                { fks[1].from, fks[1].table, fks[1].to, fks[1].on_delete })

    -- 2023_08_22_071050: the lemon_* columns made nullable by change(), the new stripe ones
    local subscriptions = db:columns("subscriptions")
    for _, c in ipairs { "lemon_subscription_id", "lemon_order_id", "lemon_status",
                         "lemon_renews_at", "lemon_update_payment_menthod_url" } do
      assert.is_false(subscriptions[c].notnull, c)
      assert.equals("character varying", subscriptions[c].type, c)
    end
    assert.is_true(subscriptions.team_id.notnull)
    assert.truthy(subscriptions.stripe_plan_id and subscriptions.stripe_feedback
                  and subscriptions.stripe_comment and subscriptions.stripe_trial_already_ended)

    -- 2023_06_23_114131 text('value')->nullable()->change(); 2023_08_06_142952 drops service_id
    -- and database_id, and PostgreSQL their unique indexes with them (under Laravel too);
    -- 2023_09_20_083549 adds service_id again, without its unique
    local value = db:columns("environment_variables").value
    assert.equals("text", value.type)
    assert.is_false(value.notnull)
    local env_unique = db:unique_sets("environment_variables")
    assert.truthy(env_unique["key,application_id,is_build_time,is_preview"])
    assert.is_nil(env_unique["key,service_id,is_build_time,is_preview"])
    assert.truthy(db:columns("environment_variables").service_id)
    assert.is_nil(db:columns("environment_variables").database_id)

    -- 2023_09_23_111817 boolean(...)->default(true)->change()
    local use_instance = db:columns("teams").use_instance_email_settings
    assert.equals("boolean", use_instance.type)
    assert.equals("true", use_instance.default)
    assert.is_true(use_instance.notnull)

    -- 2023_09_23_111809 drops the morphs' columns (their index with them), 111816 adds
    -- nullable ones again, with the (type, id) index
    local services = db:columns("services")
    assert.is_false(services.destination_type.notnull)
    assert.is_false(services.destination_id.notnull)
    assert.is_true(services.docker_compose_raw.notnull)
    assert.truthy(db:indexes("services")["destination_type,destination_id"])

    -- the schemaless JSON columns went in 2023_07_27; wildcard_domain and default_redirect_404
    -- in 2023_06_2x; nixpkgsarchive came and went in 2023_08_22
    no_columns(db, "teams", { "smtp", "smtp_notifications", "discord", "discord_notifications" })
    no_columns(db, "instance_settings", { "smtp", "wildcard_domain", "default_redirect_404" })
    no_columns(db, "project_settings", { "wildcard_domain" })
    no_columns(db, "applications", { "nixpkgsarchive" })
    assert.truthy(db:columns("server_settings").wildcard_domain)
    local teams = db:columns("teams")
    assert.truthy(teams.smtp_notifications_database_backups and teams.telegram_enabled
                  and teams.telegram_notifications_database_backups_message_thread_id)

    assert.truthy(db:indexes("activity_log")["subject_type,subject_id"] == "subject")
    assert.truthy(db:indexes("activity_log")["causer_type,causer_id"] == "causer")
    assert.equals("json", db:columns("activity_log").properties.type)
    local tags = db:foreign_keys("telescope_entries_tags")
    assert.same({ "entry_uuid", "telescope_entries", "uuid", "CASCADE" },
                { tags[1].from, tags[1].table, tags[1].to, tags[1].on_delete })
    assert.truthy(db:unique_sets("telescope_entries_tags")["entry_uuid,tag"])
    assert.truthy(db:unique_sets("local_file_volumes")["mount_path,resource_id,resource_type"])
    assert.truthy(db:unique_sets("local_persistent_volumes")["name,resource_id,resource_type"])
    assert.truthy(db:columns("users").two_factor_confirmed_at)
  end,

  -- rows for 2023_07_27_182013 (the schemaless smtp/discord JSON to columns): a team with
  -- every key, one without any (the defaults), the instance settings (id 0, as Coolify's seeder)
  stage = "2023_07_27_182013_smtp_discord_schemaless_to_normal",
  stage_rows = function(db)
    insert(db, "teams", { name = "Root Team", personal_team = true,
      smtp = '{"enabled":true,"from_address":"hi@example.com","from_name":"Coolify",'
        .. '"recipients":"a@example.com,b@example.com","host":"smtp.example.com","port":587,'
        .. '"encryption":"tls","username":"user","password":"p\\"w","timeout":30}',
      smtp_notifications = '{"test":false,"deployments":true,"status_changes":true}',
      discord = '{"enabled":true,"webhook_url":"https:\\/\\/discord.example\\/hook"}',
      discord_notifications = '{"test":true,"deployments":false,"status_changes":false}' })
    insert(db, "teams", { name = "Plain Team", personal_team = false })
    db:run("INSERT INTO instance_settings (id, smtp) VALUES (0, ?)",
      '{"enabled":true,"host":"mail.example.com","port":"2525","recipients":"ops@example.com"}')
  end,
  staged = function(db)
    local cols = { "name", "smtp_enabled", "smtp_from_address", "smtp_from_name",
                   "smtp_recipients", "smtp_host", "smtp_port", "smtp_encryption", "smtp_username",
                   "smtp_password", "smtp_timeout", "smtp_notifications_test",
                   "smtp_notifications_deployments", "smtp_notifications_status_changes",
                   "discord_enabled", "discord_webhook_url", "discord_notifications_test",
                   "discord_notifications_deployments", "discord_notifications_status_changes" }
    assert.same({
      "Plain Team|false|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|true|false|false|false|NULL|"
        .. "true|true|true",
      "Root Team|true|hi@example.com|Coolify|a@example.com,b@example.com|smtp.example.com|587|"
        .. 'tls|user|p"w|30|false|true|true|true|https://discord.example/hook|true|false|false',
    }, rows_of(db, "teams", cols))
    assert.same({ "0|true|mail.example.com|2525|ops@example.com|NULL" },
      rows_of(db, "instance_settings", { "id", "smtp_enabled", "smtp_host", "smtp_port",
                                          "smtp_recipients", "smtp_from_address" }))
  end,

  -- rows the last seven migrations' downs (2023_09_23_111811 to 111817) must keep; the one
  -- before them, 2023_09_23_111809, adds NOT NULL morphs to services in its down, which
  -- PostgreSQL refuses on a table with rows (under Laravel too)
  keep_rows = function(db)
    insert(db, "teams", { name = "Kept Team" })
    insert(db, "users", { name = "Kept", email = "kept@example.com", password = "x" })
    insert(db, "services", { uuid = "svc-1", name = "kept service", environment_id = 1,
                             docker_compose_raw = "services: {}",
                             destination_type = "App\\Models\\StandaloneDocker", destination_id = 1 })
  end,
  kept = function(db)
    assert.same({ "Kept Team" }, rows_of(db, "teams", { "name" }))
    assert.same({ "Kept|kept@example.com" }, rows_of(db, "users", { "name", "email" }))
    assert.same({ "svc-1|kept service|services: {}" },
      rows_of(db, "services", { "uuid", "name", "docker_compose_raw" }))
  end,
  keep_steps = 7,
}
