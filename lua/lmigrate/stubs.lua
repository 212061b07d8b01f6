-- What make:migration and make:seed write: the stub texts (a blank
-- migration, one that creates a table, one that alters a table, a seeder, in
-- the style of the contract's examples), and writing a new file without ever
-- overwriting one. The names they are filled with come from lmigrate.names.
--
--   stubs.render("create", { class = "CreatePostsTable", table = "posts" })
local core = require("lmigrate.core")
local errors = require("lmigrate.errors")

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

-- {======================================================
-- Files
-- ======================================================

-- a folder path without its trailing slashes ("/" stays "/")
function M.dir(path)
  local d = path:gsub("/+$", "")
  if d == "" then d = path:sub(1, 1) == "/" and "/" or "." end
  return d
end

local function join(dir, file)
  if dir:sub(-1) == "/" then return dir .. file end
  return dir .. "/" .. file
end
M.join = join

-- mkdir_p(dir): creates 'dir' and its missing parents; a failure raises
-- (exit 1) with the operating system's message
function M.mkdir_p(dir)
  local cur = dir:sub(1, 1) == "/" and "/" or ""
  for part in dir:gmatch("[^/]+") do
    cur = cur .. part
    if not core.isdir(cur) then
      local ok, err = core.mkdir(cur)
      if not ok then errors.raise("io", "cannot create the folder " .. cur .. ": " .. tostring(err)) end
    end
    cur = cur .. "/"
  end
  if not core.isdir(dir) then
    errors.raise("io", "cannot create the folder " .. dir .. ": a file of that name is in the way")
  end
end

function M.exists(path)
  local f = io.open(path, "rb")
  if f then f:close() return true end
  return false
end

-- write_new(path, text): writes a file that does not exist yet. An existing
-- file is never touched: that is an error (exit 1), as in Laravel.
function M.write_new(path, text)
  if M.exists(path) then
    errors.raise("exists", path .. " already exists: not overwriting it")
  end
  local f, err = io.open(path, "wb")
  if not f then errors.raise("io", "cannot write " .. path .. ": " .. tostring(err)) end
  local ok, werr = f:write(text)
  local cok, cerr = f:close()
  if not ok or not cok then
    os.remove(path)
    errors.raise("io", "cannot write " .. path .. ": " .. tostring(werr or cerr))
  end
end

-- }======================================================

return M
