-- The production guard: with LMIGRATE_ENV or APP_ENV = production, a
-- command that changes the database asks first on a terminal, and
-- refuses without --force when there is no terminal to ask.
local core = require("lmigrate.core")
local errors = require("lmigrate.errors")

local M = {}

function M.environment(getenv)
  getenv = getenv or os.getenv
  return getenv("LMIGRATE_ENV") or getenv("APP_ENV")
end

-- check(command, opts, out): returns when the command may run; raises otherwise
function M.check(command, opts, out, getenv)
  if opts.force or opts.pretend or M.environment(getenv) ~= "production" then return end
  if not core.isatty(0) then
    errors.raise("usage", ("refusing to run '%s' in production without --force"):format(command))
  end
  local answer = out:ask(("The environment is production. Run '%s' anyway? [y/N] "):format(command))
  if not answer or not answer:match("^%s*[yY]") then
    errors.raise("usage", ("'%s' cancelled: not confirmed"):format(command))
  end
end

return M
