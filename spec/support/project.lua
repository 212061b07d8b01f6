-- spec/support/project.lua: project fixtures and migration sources.
--
--   local project = P.project(dialect)        -- dialect object or name; default sqlite
--   project:write("2026_01_01_000000_create_a", P.migration { up = "...", down = "..." })
--   local r = project:run("migrate")
--   assert.equals(0, r.status, r.stderr)
--   project:cleanup()
--
-- A project is a temp folder with databases/migrations/, bound to one
-- dialect (one database). project:run() runs the lmigrate binary there
-- (spec.support.shell's run); project:connect() opens the database
-- through lmigrate.core for checks.
local dialects = require("spec.support.dialects")
local shell = require("spec.support.shell")

local quote = shell.quote

local M = {}

M.example = shell.source .. "/databases/migrations"

-- {======================================================
-- Migration sources
-- ======================================================

-- Source of a class-style migration; 'def' = { up = "lua code", down = "lua code",
-- name = "ClassName", header = "code before the class", extra = "code after" }
function M.migration(def)
  local name = def.name or "Generated"
  return table.concat({
    'local Migration = require("lmigrate.migration")',
    def.header or "",
    ("local M = Migration:extend(%q)"):format(name),
    "function M:up()",
    def.up or "",
    "end",
    "function M:down()",
    def.down or "",
    "end",
    def.extra or "",
    "return M",
    "",
  }, "\n")
end

-- A migration creating table 'tbl' (id + name) and dropping it again
function M.create_table_migration(tbl)
  return M.migration {
    up = ('  self.schema:create(%q, function(t)\n    t:increments("id")\n'
          .. '    t:string("name"):nullable()\n  end)'):format(tbl),
    down = ("  self.schema:drop(%q)"):format(tbl),
  }
end

-- }======================================================

-- {======================================================
-- Projects
-- ======================================================

local Project = {}
Project.__index = Project

-- a new temp project for 'dialect' (default sqlite); opts.example = true
-- copies the example migrations of databases/migrations into it
function M.project(dialect, opts)
  dialect = dialect or dialects.dialects.sqlite
  if type(dialect) == "string" then dialect = assert(dialects.dialects[dialect], dialect) end
  local dir = shell.mktemp_dir()
  local self = setmetatable({ dir = dir, dialect = dialect,
                              migrations = dir .. "/databases/migrations" }, Project)
  assert(shell.sh("mkdir -p " .. quote(self.migrations)) == 0)
  dialect:setup(self)
  if opts and opts.example then self:copy_example() end
  return self
end

function Project:cleanup()
  if self.cleaned then return end
  self.cleaned = true
  pcall(self.dialect.teardown, self.dialect, self)
  if not shell.keep then shell.sh("rm -rf " .. quote(self.dir)) end
end

function Project:path(rel) return self.dir .. "/" .. rel end

local function file_name(name)
  return name:match("%.lua$") and name or (name .. ".lua")
end

-- writes databases/migrations/<name>.lua
function Project:write(name, source)
  local path = self.migrations .. "/" .. file_name(name)
  shell.write_file(path, source)
  return path
end

function Project:remove(name)
  assert(os.remove(self.migrations .. "/" .. file_name(name)))
end

function Project:copy_example()
  assert(shell.sh(("cp %s/*.lua %s/"):format(quote(M.example), quote(self.migrations))) == 0,
         "cannot copy the example migrations")
end

function Project:url() return self.dialect:url(self) end

function Project:connect() return self.dialect:connect(self) end

-- runs fn(db) on a fresh connection of dialect d to target (the fields
-- d:connect reads) and closes it: keeps no lock while lmigrate runs
function M.with_connection(d, target, fn)
  local db = d:connect(target)
  local ok, a, b = pcall(fn, db)
  db:close()
  if not ok then error(a, 0) end
  return a, b
end

function Project:with_db(fn) return M.with_connection(self.dialect, self, fn) end

function Project:tables() return self:with_db(function(db) return db:tables() end) end
function Project:columns(t) return self:with_db(function(db) return db:columns(t) end) end
function Project:history() return self:with_db(function(db) return db:history() end) end
function Project:snapshot() return self:with_db(function(db) return db:snapshot() end) end
function Project:has_table(t) return self:with_db(function(db) return db:has_table(t) end) end

-- Runs lmigrate in the project: project:run("migrate", "--step") or
-- project:run({ "migrate" }, { env = { DATABASE_URL = "..." }, cwd = dir }).
-- Returns shell.run's result; the env is opts.env, else project.env (a
-- spec's own), else the dialect's.
local function run_opts(self, opts)
  return { cwd = opts.cwd or self.dir, env = opts.env or self.env or self.dialect:env(self),
           stdin = opts.stdin, timeout = opts.timeout, wrap = opts.wrap }
end

function Project:run(args, ...)
  local opts = {}
  if type(args) ~= "table" then
    args = { args, ... }
  else
    opts = ... or {}
  end
  return shell.run(args, run_opts(self, opts))
end

-- spawn({ args }, opts?): the run started in the background (shell.spawn):
-- its :wait() gives what run gives
function Project:spawn(args, opts)
  return shell.spawn(args, run_opts(self, opts or {}))
end

-- run_at_once({ { args, opts? }, ... }): runs started together in the project
function Project:run_at_once(runs)
  local list = {}
  for i, r in ipairs(runs) do list[i] = { r[1], run_opts(self, r[2] or {}) } end
  return shell.run_at_once(list)
end

-- runs and asserts exit 0
function Project:ok(...)
  return shell.assert_status(0, self:run(...))
end

-- refused(status, words, args...): runs, then shell.assert_refused
function Project:refused(status, words, ...)
  return shell.assert_refused(self:run(...), status, words)
end

-- the names of the applied migrations, oldest first
function Project:applied()
  local t = {}
  for _, h in ipairs(self:history()) do t[#t + 1] = h.migration end
  return t
end

-- }======================================================

return M
