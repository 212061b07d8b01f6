-- lmigrate fresh [--seed]: drop every table, view and sequence, then
-- migrate (then seed). No down runs: files may be missing or broken.
local session = require("lmigrate.run.session")
local lint = require("lmigrate.lint.run")
local loader = require("lmigrate.run.loader")
local migrate = require("lmigrate.commands.migrate")

return function(ctx)
  session.each(ctx.config, ctx.out, { lock = true }, function(m, _, out)
    -- the safety lint of every migration, as migrate's of the pending ones,
    -- before anything changes: warnings, or (errors, --strict) nothing runs
    lint.gate(m, ctx.config, out, ctx.opts, loader.discover(m.path))
    m:wipe()
    m:migrate({})
    if ctx.opts.seed then migrate.seed(m, ctx.config, out, ctx.opts) end
  end)
  return 0
end
