-- lmigrate help [command] [--man]
local commands = require("lmigrate.commands")

return function(ctx)
  local name = ctx.args[1]
  local w = function(s) ctx.out:print(s) end
  if ctx.opts.man then
    if name then
      require("lmigrate.errors").raise("usage", "help --man prints the whole manual; it takes no command")
    end
    w(require("lmigrate.manpage").render())
    return 0
  end
  if name then
    local c = commands.find(name)
    if not c then
      require("lmigrate.errors").raise("usage",
        ("unknown command '%s' (see lmigrate help)"):format(name))
    end
    w("Usage: " .. c.usage)
    w("")
    w("  " .. c.summary)
    local opts = {}
    for k in pairs(c.options) do opts[#opts + 1] = k end
    table.sort(opts)
    if #opts > 0 then
      w("")
      w("Options:")
      local own = c.option_help or {}   -- a command's own meaning of an option (schema:dump's --path)
      for _, k in ipairs(opts) do w("  " .. (own[k] or commands.option_help[k] or ("--" .. k))) end
    end
    return 0
  end
  w("lmigrate " .. require("lmigrate.core").version .. " - database migrations in Lua")
  w("")
  w("Usage: lmigrate <command> [options]")
  w("")
  w("Commands:")
  for _, c in ipairs(commands.list) do
    w(("  %-12s %s"):format(c.name, c.summary))
  end
  w("")
  local common = {}
  for i, k in ipairs(commands.common) do common[i] = (commands.option_parts(k)) end
  w("Every command takes " .. table.concat(common, ", ") .. ".")
  w("Configuration: " .. commands.configuration)
  w("Exit status:")
  for _, e in ipairs(commands.exit_status) do w(("  %d  %s"):format(e[1], e[2])) end
  return 0
end
