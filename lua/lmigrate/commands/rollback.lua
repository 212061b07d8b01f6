-- lmigrate rollback [--step N | --batch N] [--pretend]
local errors = require("lmigrate.errors")
local session = require("lmigrate.run.session")

return function(ctx)
  local o = ctx.opts
  if o.step and o.batch then errors.raise("usage", "--step and --batch do not go together") end
  session.each(ctx.config, ctx.out, { lock = not o.pretend }, function(m)
    m:rollback({ step = o.step, batch = o.batch, pretend = o.pretend })
  end)
  return 0
end
