-- lmigrate migrate [--step] [--atomic] [--pretend] [--json] [--seed [--random-seed N]]
local errors = require("lmigrate.errors")
local safety = require("lmigrate.safety")
local session = require("lmigrate.run.session")
local schema_state = require("lmigrate.run.schema_state")

local M = {}

-- the seed of --random-seed N (a whole number), or nil when not given
function M.random_seed(opts)
  local v = opts.random_seed
  if v == nil then return nil end
  local n = v:match("^%d+$") and math.tointeger(tonumber(v))
  if not n then
    errors.raise("usage", ("option '--random-seed' needs a whole number from 0 to %d, got '%s'")
      :format(math.maxinteger, v))
  end
  return n
end

-- The DatabaseSeeder (or --class) on the migrator's connection. lmigrate.fake
-- and math.random start from the seed (--random-seed, else a random one,
-- printed, and named again when a seeder fails): the same seed, the same
-- rows. With several connections each run has a generator of its own
-- (self.fake, the fake of self:factory), as the runs go on at once.
function M.seed(m, cfg, out, opts)
  local fake = require("lmigrate.fake")
  local seed = M.random_seed(opts) or fake.random_seed()
  require("lmigrate.output_json").phase(out, "seed")
  out:info(("Seeding the database (random seed %d)."):format(seed))
  fake.seed(seed)
  math.randomseed(seed)
  local own = #cfg.connections == 1 and fake or fake.new(seed)
  local ok, err = pcall(function()
    -- the seeders' runner (run/seeding.lua): loaded by --seed only
    local Seeds = require("lmigrate.run.seeding")
    Seeds.new({ db = m.db, schema = m.schema, path = cfg.seeds, out = out, fake = own,
                migrator = m })
      :run(opts.class or "DatabaseSeeder")
  end)
  if not ok then
    if errors.is(err) then
      err.message = ("%s\n  random seed %d: --random-seed %d seeds the same rows again")
        :format(errors.text(err.message), seed, seed)
    end
    error(err, 0)
  end
end

function M.run(ctx)
  local o = ctx.opts
  if o.pretend and o.seed then
    errors.raise("usage", "--pretend and --seed do not go together")
  end
  M.random_seed(o)
  if o.json and o.pretend then
    errors.raise("usage", "--json and --pretend do not go together")
  end
  local function run(sink)
    session.each(ctx.config, sink, { lock = not o.pretend, readonly = o.pretend }, function(m, _, out)
      -- no migration ran yet: the schema file of schema:dump first (not with --pretend)
      schema_state.prepare(m, o)
      -- the safety lint first: warnings, or (errors, --strict) nothing runs;
      -- its modules loaded only where it gates the run (lmigrate.safety)
      if safety.gates(ctx.config, o, m.db.driver) then
        require("lmigrate.lint.run").gate(m, ctx.config, out, o)
      end
      m:migrate({ step = o.step, atomic = o.atomic, pretend = o.pretend, resume = o.resume })
      if o.seed then M.seed(m, ctx.config, out, o) end
    end)
  end
  -- --json: the run's events, one JSON object a line (output_json.lua)
  if o.json then require("lmigrate.output_json").run(ctx.out, ctx.config, "up", run)
  else run(ctx.out) end
  return 0
end

return setmetatable(M, { __call = function(_, ctx) return M.run(ctx) end })
