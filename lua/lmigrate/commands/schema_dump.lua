-- lmigrate schema:dump [--prune] [--path FILE]: Laravel's migration
-- squashing. Each connection's schema and history rows go into
-- databases/schema/<connection>-schema.sql (run/schema_state.lua), which
-- migrate loads on a database where no migration ran; --prune then
-- removes the migration files. --path is the file here, as in Laravel's
-- schema:dump, not the migrations folder: that is lmigrate.lua's.
local config = require("lmigrate.config")
local errors = require("lmigrate.errors")
local loader = require("lmigrate.run.loader")
local session = require("lmigrate.run.session")
local schema_state = require("lmigrate.run.schema_state")

return function(ctx)
  local o = ctx.opts
  local without_path = {}
  for k, v in pairs(o) do without_path[k] = v end
  without_path.path = nil
  local cfg = config.resolve(without_path)
  if o.path and #cfg.connections > 1 then
    errors.raise("usage", "--path names one file: give one connection with it")
  end
  -- connected first: a connection's error as every command's (exit 3), and
  -- whether the history table is there to dump its rows
  session.each(cfg, ctx.out, { readonly = true }, function(m, c, out)
    local path = o.path or schema_state.default_path(c)
    schema_state.dump(c, cfg.table, path, m.repo:exists())
    out:info(("Database schema dumped to %s."):format(path))
  end)
  if o.prune then
    for _, e in ipairs(loader.discover(cfg.migrations)) do
      local ok, err = os.remove(e.file)
      if not ok then errors.raise("io", "cannot remove " .. tostring(err)) end
    end
    ctx.out:info("Migrations pruned.")
  end
  return 0
end
