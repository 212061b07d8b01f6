-- The fixture folders of the real applications spec/support/real_apps_suite.lua
-- runs (spec/fixtures/<app>/migrations) and the row helpers its app definitions
-- (spec/support/apps/<app>.lua) check them with.
local helpers = require("spec.helpers")

local M = {}

local FIXTURES = helpers.source .. "/spec/fixtures"
-- the migration names of an app's fixture folder, in name order
function M.fixture_names(app)
  local dir = FIXTURES .. "/" .. app .. "/migrations"
  local p = assert(io.popen("ls " .. helpers.quote(dir)))
  local names = {}
  for file in p:lines() do
    local name = file:match("^(.+)%.lua$")
    if name then names[#names + 1] = name end
  end
  p:close()
  assert(#names > 0, "no migrations in " .. dir)
  return names
end

-- copies the app's migrations into the project; keep(name) picks some;
-- edit(name, text) -> the text written (a scratch copy's one-call change)
function M.copy_fixture(project, app, keep, edit)
  local dir = FIXTURES .. "/" .. app .. "/migrations"
  for _, name in ipairs(M.fixture_names(app)) do
    if not keep or keep(name) then
      local text = assert(helpers.read_file(dir .. "/" .. name .. ".lua"))
      project:write(name, edit and edit(name, text) or text)
    end
  end
end

-- copies the app's ported seeders (spec/fixtures/<app>/seeds) into the
-- project's databases/seeds, where `lmigrate seed` loads them
function M.copy_seeds(project, app)
  local dir = FIXTURES .. "/" .. app .. "/seeds"
  local to = project:path("databases/seeds")
  assert(os.execute("mkdir -p " .. helpers.quote(to)))
  local p = assert(io.popen("ls " .. helpers.quote(dir)))
  local n = 0
  for file in p:lines() do
    if file:match("%.lua$") then
      helpers.write_file(to .. "/" .. file, assert(helpers.read_file(dir .. "/" .. file)))
      n = n + 1
    end
  end
  p:close()
  assert(n > 0, "no seeders in " .. dir)
end

function M.sorted(list)
  local t = { table.unpack(list) }
  table.sort(t)
  return t
end

-- INSERT of one row; identifiers quoted for the dialect ("order", "key", ...)
function M.insert(db, tbl, row)
  local cols, marks, vals = {}, {}, {}
  for k in pairs(row) do cols[#cols + 1] = k end
  table.sort(cols)
  for i, k in ipairs(cols) do
    vals[i], marks[i], cols[i] = row[k], "?", db.dialect:ident(k)
  end
  db:run(("INSERT INTO %s (%s) VALUES (%s)"):format(db.dialect:ident(tbl),
    table.concat(cols, ", "), table.concat(marks, ", ")), table.unpack(vals))
end

-- the rows of a table as "a|b|c" strings of the given columns, sorted
function M.rows_of(db, tbl, cols)
  local q = {}
  for i, c in ipairs(cols) do q[i] = db.dialect:ident(c) end
  local out = {}
  for _, r in ipairs(db:query(("SELECT %s FROM %s"):format(table.concat(q, ", "),
      db.dialect:ident(tbl)))) do
    local vals = {}
    for i, c in ipairs(cols) do
      local v = r[c]
      vals[i] = (v == nil or v == helpers.core.null) and "NULL" or tostring(v)
    end
    out[#out + 1] = table.concat(vals, "|")
  end
  table.sort(out)
  return out
end

return M
