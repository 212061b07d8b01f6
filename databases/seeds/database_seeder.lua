-- The blog's sample data: `lmigrate seed` (or `lmigrate migrate --seed`).
local Seeder = require("lmigrate.seeder")

local DatabaseSeeder = Seeder:extend("DatabaseSeeder")

function DatabaseSeeder:run()
  self.db:insert("users", {
    { name = "Ada Lovelace", email = "ada@example.com", password = "secret" },
    { name = "Alan Turing", email = "alan@example.com", password = "secret" },
  })
  self.db:insert("tags", {
    { name = "Lua", slug = "lua" },
    { name = "Databases", slug = "databases" },
  })
  self:call("PostSeeder")          -- runs databases/seeds/post_seeder.lua
end

return DatabaseSeeder
