-- lmigrate lint [--json] [--target-version N]: the safety rules
-- (lint/rules.lua) on the pending migrations of each connection, evaluated
-- on the blueprints they build (lint/run.lua); nothing runs. Exit 1 when
-- a finding is not silenced by unsafe_ok, 0 when none is.
local errors = require("lmigrate.errors")
local lint = require("lmigrate.lint.run")
local session = require("lmigrate.run.session")

return function(ctx)
  local o = ctx.opts
  local version
  if o.target_version then
    version = o.target_version:match("^%d+$") and tonumber(o.target_version)
    if not version then
      errors.raise("usage", ("option '--target-version' needs a major version like 15, got '%s'")
        :format(o.target_version))
    end
  end
  local open = 0
  local several = #ctx.config.connections > 1
  session.each(ctx.config, ctx.out, { lock = false }, function(m, c, out)
    local findings, notes = lint.check({ db = m.db, schema = m.schema, grammar = m.db.grammar,
      entries = m:pending(), target_version = version,
      budgets_off = lint.budgets_off(m, ctx.config) })
    for _, f in ipairs(findings) do
      if not f.silenced then open = open + 1 end
      if several then f.connection = c.name end
    end
    if o.json then
      ctx.out:print(lint.json(findings, notes, several and (',"connection":"%s"'):format(c.name) or ""))
    elseif #findings == 0 and #notes == 0 then
      out:info("No findings.")
    else
      lint.print(ctx.out, findings, notes, false)
    end
  end)
  return open > 0 and 1 or 0
end
