-- lmigrate fresh [--seed] [--json]: drop every table, view and sequence, then
-- migrate (then seed). No down runs: files may be missing or broken.
local errors = require("lmigrate.errors")
local session = require("lmigrate.run.session")
local lint = require("lmigrate.lint.run")
local loader = require("lmigrate.run.loader")
local migrate = require("lmigrate.commands.migrate")
local schema_state = require("lmigrate.run.schema_state")

return function(ctx)
  migrate.random_seed(ctx.opts)
  local function run(sink)
    session.each(ctx.config, sink, { lock = true }, function(m, _, out)
      -- --drop-types (Laravel's): PostgreSQL's types too; refused, before anything
      -- of the connection changes, where there are none (--drop-views: views always go)
      if ctx.opts.drop_types and m.schema.grammar:name() ~= "postgres" then
        errors.raise("usage", ("fresh --drop-types: user-defined types are only supported by"
          .. " PostgreSQL (connection '%s' is %s)"):format(m.db.connection_name or "default",
          m.schema.grammar:name()))
      end
      -- the safety lint of every migration, as migrate's of the pending ones,
      -- before anything changes: warnings, or (errors, --strict) nothing runs;
      -- on the empty database the wipe leaves, not on the tables it drops
      lint.gate(m, ctx.config, out, ctx.opts, loader.discover(m.path), true)
      m:wipe(ctx.opts.drop_types)
      schema_state.prepare(m, ctx.opts)   -- the schema file of schema:dump, as Laravel's fresh
      m:migrate({})
      if ctx.opts.seed then migrate.seed(m, ctx.config, out, ctx.opts) end
    end)
  end
  -- --json: the run's events, one JSON object a line (output_json.lua)
  if ctx.opts.json then require("lmigrate.output_json").run(ctx.out, ctx.config, "up", run)
  else run(ctx.out) end
  return 0
end
