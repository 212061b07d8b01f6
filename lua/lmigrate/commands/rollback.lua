-- lmigrate rollback [--step N | --batch N | --partial] [--pretend]
local errors = require("lmigrate.errors")
local session = require("lmigrate.run.session")

return function(ctx)
  local o = ctx.opts
  if o.step and o.batch then errors.raise("usage", "--step and --batch do not go together") end
  if o.partial and (o.step or o.batch or o.pretend) then
    errors.raise("usage", "--partial goes with none of --step, --batch and --pretend")
  end
  session.each(ctx.config, ctx.out, { lock = not o.pretend, readonly = o.pretend }, function(m)
    if o.partial then return m:rollback_partial() end
    m:rollback({ step = o.step, batch = o.batch, pretend = o.pretend })
  end)
  return 0
end
