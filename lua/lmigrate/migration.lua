-- Base class of migrations: Migration:extend("CreateUsersTable").
local class = require("lmigrate.class")

local M = {}
M.__index = M
M.__name = "Migration"

-- each migration runs in its own transaction unless a class sets false
M.transaction = true

function M:extend(name)
  return class.extend(self, name, "Migration")
end

-- self:get_connection(): Laravel's Migration::getConnection, the class's
-- 'connection' (nil unless set): the connection of lmigrate.lua its up and
-- down run on (run/others.lua); overriding it moves the migration too
function M:get_connection()
  return self.connection
end

-- self:seed([class [, params]]): Laravel's Artisan::call('db:seed',
-- ['--class' => class]) in a migration: the seeder (default
-- DatabaseSeeder; a list runs each in order) on the migration's own
-- connection and inside its transaction, so that its rows go with the
-- migration (and with its rollback on failure); params reach its
-- run(self, params). As Artisan::call, no seeder line is printed; its
-- self.command lines are.
-- (the seeders' runner is called two frames below the user's line, as
-- from self:call in a seeder: its errors name that line)
local function seed(self, names, params)
  local runner = rawget(self, "runner") or {}
  local Seeds = require("lmigrate.run.seeding")
  local seeds = Seeds.new({ db = self.db, schema = self.schema, out = runner.out or Seeds.MUTE,
                            path = runner.seeds or require("lmigrate.config").DEFAULT_SEEDS })
  return seeds:call_list("seed", names or "DatabaseSeeder", true, params)
end

function M:seed(names, params)
  return seed(self, names, params)
end

-- self:backfill(table, { batch, pause, key, where }, function(rows, db) ... end)
-- or self:backfill(table, { set = { column = value }, ... }): a walk of the
-- table in key order, in batches of their own after up (or down) commits
-- (run/backfill.lua)
function M:backfill(tbl, opts, fn)
  if rawget(self, "on_connection") then
    error(("lmigrate: self:backfill in a migration on connection '%s': a backfill walks only the"
      .. " connection being migrated"):format(self.on_connection), 2)
  end
  return require("lmigrate.run.backfill").call(self, tbl, opts, fn)
end

return M
