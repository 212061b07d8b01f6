-- Names of migrations and seeders: the one converter between the names
-- users write (the class PostSeeder, "create posts table") and the
-- snake_case file names lmigrate writes and loads (post_seeder.lua), so
-- make:seed and self:call always agree.
local errors = require("lmigrate.errors")

local M = {}

-- snake(name) -> snake_case: "PostSeeder" -> "post_seeder", "Post2Seeder"
-- -> "post2_seeder", "HTTPRequest" -> "http_request", "create posts-table"
-- -> "create_posts_table"
function M.snake(name)
  local s = name:gsub("([A-Z])([A-Z][a-z])", "%1_%2")   -- HTTPRequest -> HTTP_Request
  s = s:gsub("([a-z0-9])([A-Z])", "%1_%2")               -- postsTable -> posts_Table
  s = s:gsub("[ %-]", "_"):lower():gsub("_+", "_"):gsub("^_", ""):gsub("_$", "")
  return s
end

-- class(snake) -> CamelCase: "create_posts_table" -> "CreatePostsTable"
function M.class(snake)
  return (snake:gsub("_*([^_]+)", function(part)
    return part:sub(1, 1):upper() .. part:sub(2)
  end))
end

-- parse(name, what) -> snake_name, ClassName. 'name' may be snake_case,
-- CamelCase or words separated by spaces or dashes. Anything else is bad
-- usage (exit 2): characters outside [A-Za-z0-9_ -], no letter or digit at
-- all, or a first character that is a digit (the class name is a Lua
-- local: it cannot start with one). 'what' names the thing in messages
-- ("migration", "seeder").
function M.parse(name, what)
  what = what or "migration"
  if type(name) ~= "string" or name == "" then
    errors.raise("usage", ("the %s needs a name"):format(what))
  end
  local bad = name:match("[^A-Za-z0-9_ %-]")
  if bad then
    errors.raise("usage", ("invalid %s name %q: %s (use letters, digits, '_', '-' or spaces)")
      :format(what, name, bad:match("^[%g]$") and ("'" .. bad .. "' is not allowed")
        or ("byte " .. bad:byte() .. " is not allowed")))
  end
  local s = M.snake(name)
  if s == "" then
    errors.raise("usage", ("invalid %s name %q: it has no letter or digit"):format(what, name))
  end
  if s:match("^%d") then
    errors.raise("usage", ("invalid %s name %q: it must start with a letter"):format(what, name))
  end
  return s, M.class(s)
end

return M
