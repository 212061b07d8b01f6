-- lmigrate fresh [--seed] [--json]: drop every table, view and sequence, then
-- migrate (then seed). No down runs: files may be missing or broken.
local session = require("lmigrate.run.session")
local lint = require("lmigrate.lint.run")
local loader = require("lmigrate.run.loader")
local migrate = require("lmigrate.commands.migrate")
local schema_state = require("lmigrate.run.schema_state")

return function(ctx)
  migrate.random_seed(ctx.opts)
  local function run(sink)
    session.each(ctx.config, sink, { lock = true }, function(m, _, out)
      -- the safety lint of every migration, as migrate's of the pending ones,
      -- before anything changes: warnings, or (errors, --strict) nothing runs;
      -- on the empty database the wipe leaves, not on the tables it drops
      lint.gate(m, ctx.config, out, ctx.opts, loader.discover(m.path), true)
      m:wipe()
      schema_state.prepare(m, ctx.opts)   -- the schema file of schema:dump, as Laravel's fresh
      m:migrate({})
      if ctx.opts.seed then migrate.seed(m, ctx.config, out, ctx.opts) end
    end)
  end
  -- --json: the run's events, one JSON object a line (output_json.lua)
  if ctx.opts.json then require("lmigrate.output_json").run(ctx.out, ctx.config, "up", run)
  else run(ctx.out) end
  return 0
end
