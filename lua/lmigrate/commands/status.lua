-- lmigrate status: every migration, ran or pending, with its batch.
local session = require("lmigrate.session")

return function(ctx)
  local out = ctx.out
  session.each(ctx.config, out, { lock = false }, function(m)
    local list = m:status()
    if #list == 0 then
      out:info("No migrations found.")
      return
    end
    out:row("Migration name", "", "Batch / Status", "bold")
    for _, s in ipairs(list) do
      if s.missing then
        out:row(s.migration, "[" .. s.batch .. "]", "Ran, file missing", "red")
      elseif s.ran then
        out:row(s.migration, "[" .. s.batch .. "]", s.modified and "Ran, modified" or "Ran",
          s.modified and "yellow" or "green")
      else
        out:row(s.migration, "", "Pending", "yellow")
      end
    end
  end)
  return 0
end
