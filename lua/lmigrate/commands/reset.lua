-- lmigrate reset [--pretend] [--json]: undo every migration, newest batch first.
local errors = require("lmigrate.errors")
local session = require("lmigrate.run.session")

return function(ctx)
  local o = ctx.opts
  if o.json and o.pretend then errors.raise("usage", "--json and --pretend do not go together") end
  local function run(sink)
    session.each(ctx.config, sink, { lock = not o.pretend, readonly = o.pretend }, function(m)
      m:rollback({ all = true, pretend = o.pretend })
    end)
  end
  -- --json: the run's events, one JSON object a line (output_json.lua)
  if o.json then require("lmigrate.output_json").run(ctx.out, ctx.config, "down", run)
  else run(ctx.out) end
  return 0
end
