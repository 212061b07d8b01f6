-- lmigrate refresh [--seed] [--json]: reset, then migrate (then seed).
local session = require("lmigrate.run.session")
local lint = require("lmigrate.lint.run")
local loader = require("lmigrate.run.loader")
local migrate = require("lmigrate.commands.migrate")
local output_json = require("lmigrate.output_json")

return function(ctx)
  migrate.random_seed(ctx.opts)
  local function run(sink)
    session.each(ctx.config, sink, { lock = true }, function(m, _, out)
      -- the safety lint of every migration, as migrate's of the pending ones,
      -- before anything changes: warnings, or (errors, --strict) nothing runs;
      -- on a database without the migrations' tables, as the reset leaves it
      lint.gate(m, ctx.config, out, ctx.opts, loader.discover(m.path), true)
      output_json.phase(out, "down")
      m:rollback({ all = true })
      output_json.phase(out, "up")
      m:migrate({})
      if ctx.opts.seed then migrate.seed(m, ctx.config, out, ctx.opts) end
    end)
  end
  -- --json: the run's events, one JSON object a line (output_json.lua)
  if ctx.opts.json then output_json.run(ctx.out, ctx.config, "up", run) else run(ctx.out) end
  return 0
end
