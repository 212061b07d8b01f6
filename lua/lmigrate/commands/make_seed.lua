-- lmigrate make:seed NAME
--
-- Writes <seeds folder>/<snake name>.lua (seeds.path of lmigrate.lua, else
-- databases/seeds) from the seeder stub: PostSeeder and post_seeder both
-- give post_seeder.lua with the class PostSeeder, which is the file
-- self:call("PostSeeder") loads. The name is kept as given: "post" gives
-- post.lua and the class Post.
--
-- Exit status: 2 for bad usage (no NAME, a bad NAME); 1 when the file
-- exists (it is never overwritten) or cannot be written.
local config = require("lmigrate.config")
local errors = require("lmigrate.errors")
local names = require("lmigrate.names")
local files = require("lmigrate.files")
local stubs = require("lmigrate.stubs")

local function usage(msg)
  errors.raise("usage", msg .. " (see lmigrate help make:seed)")
end

return function(ctx)
  local args = ctx.args
  if #args == 0 then usage("make:seed needs a NAME, e.g. PostSeeder") end
  if #args > 1 then
    usage(("make:seed takes one NAME, got %d words (quote a name with spaces)"):format(#args))
  end
  local snake, class = names.parse(args[1], "seeder")
  local dir = files.dir(select(2, config.folders({})))
  local path = files.join(dir, snake .. ".lua")
  if files.exists(path) then
    errors.raise("exists", ("the seeder %s already exists: %s (not overwriting it)"):format(class, path))
  end
  files.mkdir_p(dir)
  files.write_new(path, stubs.render("seeder", { class = class }))
  ctx.out:info("Created seeder: " .. path)
  return 0
end
