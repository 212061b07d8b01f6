-- lmigrate refresh [--seed]: reset, then migrate (then seed).
local session = require("lmigrate.run.session")
local migrate = require("lmigrate.commands.migrate")

return function(ctx)
  session.each(ctx.config, ctx.out, { lock = true }, function(m, _, out)
    m:rollback({ all = true })
    m:migrate({})
    if ctx.opts.seed then migrate.seed(m, ctx.config, out, ctx.opts) end
  end)
  return 0
end
