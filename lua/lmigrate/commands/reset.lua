-- lmigrate reset: undo every migration, newest batch first.
local session = require("lmigrate.run.session")

return function(ctx)
  session.each(ctx.config, ctx.out, { lock = not ctx.opts.pretend, readonly = ctx.opts.pretend }, function(m)
    m:rollback({ all = true, pretend = ctx.opts.pretend })
  end)
  return 0
end
