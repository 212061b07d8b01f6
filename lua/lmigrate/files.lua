-- Files and folders: the paths make:migration and make:seed write to,
-- and the folder of the default SQLite database.
local core = require("lmigrate.core")
local errors = require("lmigrate.errors")

local M = {}

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

return M
