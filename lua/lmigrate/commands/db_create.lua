-- lmigrate db:create [options]: creates the database of each connection
-- (lmigrate.run.admin); one that exists already is left as it is
local admin = require("lmigrate.run.admin")

return function(ctx)
  for _, c in ipairs(ctx.config.connections) do
    admin.run(c, "create", #ctx.config.connections > 1 and ctx.out:with_prefix(c.name) or ctx.out)
  end
  return 0
end
