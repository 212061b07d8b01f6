-- lmigrate help [command]
local commands = require("lmigrate.commands")

return function(ctx)
  local name = ctx.args[1]
  local w = function(s) ctx.out:print(s) end
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
      for _, k in ipairs(opts) do w("  " .. (commands.option_help[k] or ("--" .. k))) end
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
  w("Every command takes --connection NAME, --database URL, --path DIR, --quiet, --lock-timeout T.")
  w("Configuration: lmigrate.lua, or DATABASE_URL; default sqlite:databases/database.sqlite")
  w("Exit status: 0 done, 1 a migration failed, 2 bad usage or config, 3 cannot connect.")
  return 0
end
