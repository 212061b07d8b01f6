-- Cachet's ported migrations (spec/fixtures/cachet): what spec/support/real_apps_suite.lua
-- checks of them on each dialect: the tables, keys, data steps and what the app's
-- own limits leave pending.
local assert = require("luassert")
local apps = require("spec.support.real_apps")
local insert, rows_of = apps.insert, apps.rows_of

return {
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
