-- lmigrate migrate [--step] [--atomic] [--pretend] [--seed]
local session = require("lmigrate.run.session")
local Seeds = require("lmigrate.run.seeding")

local M = {}

-- the DatabaseSeeder (or --class) on the migrator's connection
function M.seed(m, cfg, out, class)
  out:info("Seeding the database.")
  Seeds.new({ db = m.db, schema = m.schema, path = cfg.seeds, out = out })
    :run(class or "DatabaseSeeder")
end

function M.run(ctx)
  local o = ctx.opts
  if o.pretend and o.seed then
    require("lmigrate.errors").raise("usage", "--pretend and --seed do not go together")
  end
  session.each(ctx.config, ctx.out, { lock = not o.pretend }, function(m, _, out)
    m:migrate({ step = o.step, atomic = o.atomic, pretend = o.pretend, resume = o.resume })
    if o.seed then M.seed(m, ctx.config, out) end
  end)
  return 0
end

return setmetatable(M, { __call = function(_, ctx) return M.run(ctx) end })
