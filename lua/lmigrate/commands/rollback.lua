-- lmigrate rollback: undo the last batch, newest migration first.
local session = require("lmigrate.session")

return function(ctx)
  session.each(ctx.config, ctx.out, { lock = true }, function(m)
    m:rollback()
  end)
  return 0
end
