-- lmigrate migrate: run the pending migrations as one new batch.
local session = require("lmigrate.session")

return function(ctx)
  session.each(ctx.config, ctx.out, { lock = true }, function(m)
    m:migrate()
  end)
  return 0
end
