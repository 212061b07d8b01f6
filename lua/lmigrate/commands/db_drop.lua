-- lmigrate db:drop [options]: drops the database of each connection
-- (lmigrate.run.admin); guarded: in production it asks first, or needs --force
local admin = require("lmigrate.run.admin")

return function(ctx)
  for _, c in ipairs(ctx.config.connections) do
    admin.run(c, "drop", #ctx.config.connections > 1 and ctx.out:with_prefix(c.name) or ctx.out)
  end
  return 0
end
