-- lmigrate seed [--class Name]: DatabaseSeeder, or the named seeder.
local session = require("lmigrate.run.session")
local migrate = require("lmigrate.commands.migrate")

return function(ctx)
  migrate.random_seed(ctx.opts)   -- a bad --random-seed is bad usage before anything connects
  -- the migration lock, as migrate takes it: two seeds, or a seed and a
  -- migrate, never run at once on one database
  session.each(ctx.config, ctx.out, { lock = true }, function(m, _, out)
    migrate.seed(m, ctx.config, out, ctx.opts)
  end)
  return 0
end
