-- lmigrate rollback [--step N | --batch N | --partial] [--pretend] [--json]
local errors = require("lmigrate.errors")
local session = require("lmigrate.run.session")

return function(ctx)
  local o = ctx.opts
  if o.step and o.batch then errors.raise("usage", "--step and --batch do not go together") end
  if o.partial and (o.step or o.batch or o.pretend) then
    errors.raise("usage", "--partial goes with none of --step, --batch and --pretend")
  end
  if o.json and o.pretend then errors.raise("usage", "--json and --pretend do not go together") end
  local function run(sink)
    session.each(ctx.config, sink, { lock = not o.pretend, readonly = o.pretend }, function(m)
      if o.partial then return m:rollback_partial() end
      m:rollback({ step = o.step, batch = o.batch, pretend = o.pretend })
    end)
  end
  -- --json: the run's events, one JSON object a line (output_json.lua)
  if o.json then require("lmigrate.output_json").run(ctx.out, ctx.config, "down", run)
  else run(ctx.out) end
  return 0
end
