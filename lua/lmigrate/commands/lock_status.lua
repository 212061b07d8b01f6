-- lmigrate lock:status: who holds the migration lock of each connection
-- (PostgreSQL: the lease's row; MySQL: the connection holding the named
-- lock; SQLite: the process holding the file's flock), taking none.
local core = require("lmigrate.core")
local lease = require("lmigrate.run.lease")
local locks = require("lmigrate.run.locks")
local session = require("lmigrate.run.session")

local M = {}

-- holder(m, c, cfg) -> text of who holds it, or nil; and the lease row (PostgreSQL)
function M.holder(m, c, cfg)
  local db = m.db
  if c.driver == "postgres" then
    local r = lease.status(db, cfg.table)
    if not r then return nil end
    if r.expired then return nil, r end
    return ("held by %s, since %s"):format(lease.describe(r), r.started), r
  elseif c.driver == "mysql" then
    local row = db:first("SELECT IS_USED_LOCK(" .. locks.NAMED .. ") AS id")
    local id = row and math.tointeger(row.id)
    return id and ("held by MySQL connection %d (see SHOW PROCESSLIST)"):format(id)
  end
  local path = locks.sqlite_file(c.database)
  if not path then return nil end
  local lk, pid = core.lock(path)
  if lk then
    lk:release()
    return nil
  end
  return pid and ("held by pid %d"):format(math.tointeger(pid)) or "held by another process"
end

function M.run(ctx)
  session.each(ctx.config, ctx.out, { lock = false }, function(m, c, out)
    local who, r = M.holder(m, c, ctx.config)
    local p = "  " .. (out.prefix and ("[" .. out.prefix .. "] ") or "")
    if who then
      out:print(p .. "The migration lock is " .. who .. ".")
    elseif r then
      out:print((p .. "The migration lock is free: the last lease, of %s, was not released.")
        :format(lease.describe(r)))
    else
      out:print(p .. "The migration lock is free.")
    end
  end)
  return 0
end

return M.run
