-- A post per user, tagged with every tag.
local Seeder = require("lmigrate.seeder")

local PostSeeder = Seeder:extend("PostSeeder")

function PostSeeder:run()
  for _, user in ipairs(self.db:query("SELECT id, name FROM users ORDER BY id")) do
    self.db:insert("posts", {
      user_id = user.id,
      title = "Notes by " .. user.name,
      slug = "notes-" .. user.id,
      body = "Migrations in Lua.",
    })
    local post = self.db:first("SELECT id FROM posts WHERE slug = ?", "notes-" .. user.id)
    for _, tag in ipairs(self.db:query("SELECT id FROM tags ORDER BY id")) do
      self.db:insert("post_tag", { post_id = post.id, tag_id = tag.id })
    end
  end
end

return PostSeeder
