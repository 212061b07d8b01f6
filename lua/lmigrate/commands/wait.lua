-- lmigrate wait [--timeout 30s] [options]: waits until each connection's
-- database accepts connections (a server in a container starting), exit
-- 3 with the last failure when it does not within the timeout
local admin = require("lmigrate.run.admin")

local DEFAULT_TIMEOUT = 30

return function(ctx)
  local timeout = ctx.opts.timeout or DEFAULT_TIMEOUT
  for _, c in ipairs(ctx.config.connections) do
    admin.wait(c, timeout, #ctx.config.connections > 1 and ctx.out:with_prefix(c.name) or ctx.out)
  end
  return 0
end
