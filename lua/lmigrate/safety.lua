-- The production safety keys of lmigrate.lua (at its top, every
-- connection's default; in a connection, its own) and of a migration:
-- the lock budget of a migration's statements (run/retry.lua) and the
-- lease of PostgreSQL's migration lock (run/lease.lua). Each is a
-- duration; lock_budget may be false (no retries).
local errors = require("lmigrate.errors")

local M = {}

M.DEFAULTS = { lock_timeout = 5, lock_budget = 600, lease = 30, lease_renew = 10 }
M.KEYS = { "lock_timeout", "statement_timeout", "lock_budget", "lease", "lease_renew" }

function M.is_key(k)
  for _, s in ipairs(M.KEYS) do
    if s == k then return true end
  end
  return false
end

-- value(where, key, v) -> seconds | false (lock_budget only): a duration
-- ("2s", "500ms", "10m", a number of seconds; 0 only for
-- statement_timeout, meaning none); 'where' names the place for the error
function M.value(where, key, v)
  if v == false and key == "lock_budget" then return false end
  local s = require("lmigrate.config").duration(v)
  if not s or (s == 0 and key ~= "statement_timeout") then
    errors.raise("config", ("%s: %s must be a duration like \"5s\" or \"500ms\"%s, got %s")
      :format(where, key, key == "lock_budget" and " (or false: no retries)" or "",
        type(v) == "string" and ("'" .. v .. "'") or tostring(v)))
  end
  return s
end

-- resolve(where, c, base) -> the keys of table 'c' over 'base' (the defaults)
function M.resolve(where, c, base)
  local t = {}
  for k, v in pairs(base) do t[k] = v end
  for _, k in ipairs(M.KEYS) do
    if c[k] ~= nil then t[k] = M.value(where, k, c[k]) end
  end
  if t.lease_renew >= t.lease then
    errors.raise("config", ("%s: lease_renew (%gs) must be shorter than lease (%gs)")
      :format(where, t.lease_renew, t.lease))
  end
  return t
end

-- gates(cfg, opts, driver) -> whether the safety lint checks a run's pending
-- migrations before it (lint/run.lua's gate): with --strict (or strict = true)
-- on every dialect, else on PostgreSQL only, whose rules are the many. Here,
-- not in lint/run.lua, so that a run it does not gate loads no lint module
function M.gates(cfg, opts, driver)
  return opts.strict or cfg.strict == true or driver == "postgres"
end

return M
