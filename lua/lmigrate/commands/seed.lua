-- lmigrate seed [--class Name] [--json]: DatabaseSeeder, or the named seeder.
local session = require("lmigrate.run.session")
local migrate = require("lmigrate.commands.migrate")

return function(ctx)
  migrate.random_seed(ctx.opts)   -- a bad --random-seed is bad usage before anything connects
  -- the migration lock, as migrate takes it: two seeds, or a seed and a
  -- migrate, never run at once on one database
  local function run(sink)
    session.each(ctx.config, sink, { lock = true }, function(m, _, out)
      migrate.seed(m, ctx.config, out, ctx.opts)
    end)
  end
  -- --json: the seeders' events, one JSON object a line (output_json.lua)
  if ctx.opts.json then require("lmigrate.output_json").run(ctx.out, ctx.config, "seed", run)
  else run(ctx.out) end
  return 0
end
