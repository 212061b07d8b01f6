-- lmigrate lock:release: breaks the lease of PostgreSQL's migration lock
-- (a run that crashed, when waiting for the lease to expire is too long).
-- The production guard asks first. A run still holding it stops before
-- its next commit (fencing, run/lease.lua). MySQL's named lock and
-- SQLite's flock end with their holder's session or process: not here.
local errors = require("lmigrate.errors")
local lease = require("lmigrate.run.lease")
local session = require("lmigrate.run.session")
local status = require("lmigrate.commands.lock_status")

return function(ctx)
  local cfg = ctx.config
  session.each(cfg, ctx.out, { lock = false }, function(m, c, out)
    if c.driver ~= "postgres" then
      local who = status.holder(m, c, cfg)
      errors.raise("migration", ("lock:release breaks a PostgreSQL lease only: %s's migration lock is"
        .. " %s, bound to its holder's %s, which releases it when it ends%s"):format(c.name,
        c.driver == "mysql" and "MySQL's GET_LOCK" or "a lock on the SQLite file",
        c.driver == "mysql" and "session" or "process", who and (" (it is " .. who .. ")") or ""))
    end
    local r = lease.breaks(m.db, cfg.table)
    if not r then
      out:info("Nothing to release: no run holds the migration lock.")
    elseif r.expired then
      out:info(("Released the expired lease of %s."):format(lease.describe(r)))
    else
      out:info(("Released the lease of %s: if that run is still going, it stops before its next"
        .. " commit."):format(lease.describe(r)))
    end
  end)
  return 0
end
