-- What make:migration and make:seed write: the stub texts (a blank
-- migration, one that creates a table, one that alters a table, a seeder, in
-- the style of the contract's examples). The names they are filled with
-- come from lmigrate.names; lmigrate.files writes them.
--
--   stubs.render("create", { class = "CreatePostsTable", table = "posts" })

local M = {}

M.blank = [[
local Migration = require("lmigrate.migration")

local {{class}} = Migration:extend("{{class}}")

function {{class}}:up()
end

function {{class}}:down()
end

return {{class}}
]]

M.create = [[
local Migration = require("lmigrate.migration")

local {{class}} = Migration:extend("{{class}}")

function {{class}}:up()
  self.schema:create({{table}}, function(table)
    table:id()
    table:timestamps()
  end)
end

function {{class}}:down()
  self.schema:drop({{table}})
end

return {{class}}
]]

M.table = [[
local Migration = require("lmigrate.migration")

local {{class}} = Migration:extend("{{class}}")

function {{class}}:up()
  self.schema:table({{table}}, function(table)
  end)
end

function {{class}}:down()
  self.schema:table({{table}}, function(table)
  end)
end

return {{class}}
]]

M.seeder = [[
local Seeder = require("lmigrate.seeder")

local {{class}} = Seeder:extend("{{class}}")

function {{class}}:run()
end

return {{class}}
]]

-- a Lua string literal for 's': "posts", or with escapes when it needs them
local function literal(s)
  return (("%q"):format(s):gsub("\\\n", "\\n"))
end

-- render(kind, { class = "ClassName", table = "name" }) -> the file's text.
-- 'class' must be a Lua identifier (the caller checks); 'table' may be any
-- string: it is written as a quoted Lua literal.
function M.render(kind, vars)
  local text = M[kind]
  if type(text) ~= "string" then error("lmigrate.stubs: no stub named " .. tostring(kind), 2) end
  local values = { class = vars.class, table = vars.table and literal(vars.table) }
  return (text:gsub("{{(%w+)}}", function(key)
    local v = values[key]
    if v == nil then error("lmigrate.stubs: stub '" .. kind .. "' needs " .. key, 3) end
    return v
  end))
end

return M
