-- lmigrate fresh [--seed]: drop every table, view and sequence, then
-- migrate (then seed). No down runs: files may be missing or broken.
local session = require("lmigrate.run.session")
local migrate = require("lmigrate.commands.migrate")

return function(ctx)
  session.each(ctx.config, ctx.out, { lock = true }, function(m, _, out)
    m:wipe()
    m:migrate({})
    if ctx.opts.seed then migrate.seed(m, ctx.config, out, ctx.opts) end
  end)
  return 0
end
