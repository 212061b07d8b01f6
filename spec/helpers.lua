-- spec/helpers.lua: the one table the integration specs require; it
-- re-exports spec/support/ (shell, dialects, project), where each concern
-- lives. A name two modules export is an error here, not a silent pick.
--
--   local helpers = require("spec.helpers")
--   for _, dialect in helpers.each_dialect() do
--     describe("migrate [#" .. dialect .. "]", function()
--       local project
--       before_each(function() project = helpers.project(dialect) end)
--       after_each(function() project:cleanup() end)
--       it("runs", function()
--         project:write("2026_01_01_000000_create_a", helpers.migration { up = "...", down = "..." })
--         local r = project:run("migrate")
--         assert.equals(0, r.status, r.stderr)
--       end)
--     end)
--   end
local helpers = {}

for _, name in ipairs { "shell", "dialects", "project" } do
  for k, v in pairs(require("spec.support." .. name)) do
    assert(helpers[k] == nil, ("spec.helpers: '%s' comes from two support modules"):format(k))
    helpers[k] = v
  end
end

return helpers
