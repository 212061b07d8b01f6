-- lmigrate: the values a migration or seeder may need besides self.schema
-- and self.db, and lmigrate.run, the commands for a Lua program of its own.
local core = require("lmigrate.core")

local M = {}

M.version = core.version
-- SQL NULL, in rows read and in values bound
M.null = core.null

-- a default value pasted verbatim: column:default(lmigrate.raw("CURRENT_DATE"))
function M.raw(sql)
  return core.raw(sql)
end

-- {======================================================
-- lmigrate.run
-- ======================================================

-- the keys of run's table that are not the command's options
local OWN = { command = true, args = true, stdout = true, stderr = true, color = true }

local function misuse(fmt, ...)
  error("lmigrate.run: " .. fmt:format(...), 3)
end

-- an option of run's table -> the name and value the command line would
-- bind, or nil and what is wrong
local function bind(cmd, key, value)
  local name = key:gsub("%-", "_")
  local kind = cmd.options[name]
  if not kind then
    return nil, ("'%s' takes no option '%s' (see lmigrate help %s)"):format(cmd.name, key, cmd.name)
  end
  if kind == "flag" then
    if type(value) ~= "boolean" then return nil, key .. " must be true or false" end
    return name, value or nil
  elseif kind == "count" then
    local n = math.tointeger(tonumber(value) or 0)
    if not n or n < 1 then return nil, key .. " must be a whole number of at least 1" end
    return name, n
  end
  if type(value) ~= "string" then return nil, key .. " must be a string" end
  return name, value
end

-- a writable file for output.new; false: write nowhere
local function sink(f)
  if f == false then return { write = function() end } end
  return f
end

-- records each migration or seeder as it finishes and what the command
-- prints as its result, into 'result'
local function record(out, result)
  local finish, print = out.finish, out.print
  function out.finish(self, name, seconds, ok)
    result.ran[#result.ran + 1] = { name = name, seconds = seconds, ok = ok,
                                    connection = self.prefix }
    return finish(self, name, seconds, ok)
  end
  function out.print(self, s)
    result.output = result.output .. s .. "\n"
    return print(self, s)
  end
end

-- run{ command = "migrate", database = "sqlite:app.db", path = "...",
--      pretend = true, ..., args = { ... }, stdout =, stderr =, color = }
-- -> exit status (0 done, 1 failed, 2 usage or config, 3 cannot connect), result
-- Runs a command as `lmigrate COMMAND --option value ARGS...` does, in this
-- process: the options are the command's, by name ("-" or "_"), flags true
-- or false. It prints what the command line prints (nothing but errors and
-- results with quiet = true; stdout/stderr = false: nothing there).
-- result = { ran = { { name, seconds, ok, connection }, ... }, output =
-- what the command printed as its result (sql, help, status's --json),
-- migrations = status's list, error = the error, when status ~= 0 }.
-- A database or configuration failure is returned, not raised; a table
-- that is not a command's is misuse, raised.
function M.run(t)
  if type(t) ~= "table" then misuse("expected a table { command = NAME, ... }, got %s", type(t)) end
  local commands = require("lmigrate.commands")
  local cmd = type(t.command) == "string" and commands.find(t.command)
  if not cmd then misuse("unknown command %s (see lmigrate help)", tostring(t.command)) end
  local opts = {}
  for key, value in pairs(t) do
    if type(key) ~= "string" then misuse("option names are strings, got %s", type(key)) end
    if not OWN[key] then
      local name, v = bind(cmd, key, value)
      if not name then misuse("%s", v) end
      opts[name] = v
    end
  end
  local args = {}
  if t.args ~= nil and type(t.args) ~= "table" then misuse("args must be a list of strings") end
  for i, a in ipairs(t.args or {}) do
    if type(a) ~= "string" then misuse("args[%d] must be a string", i) end
    args[i] = a
  end
  local cli = require("lmigrate.cli")
  local errors = require("lmigrate.errors")
  local out = require("lmigrate.output").new({ quiet = opts.quiet, color = t.color,
    stdout = sink(t.stdout), stderr = sink(t.stderr) })
  local result = { ran = {}, output = "" }
  record(out, result)
  local status, err = cli.protect(cli.execute, cmd, opts, args, out, result)
  if err then
    result.error = err
    if not (errors.is(err) and err.reported) then out:error(err) end
  end
  return status, result
end

-- }======================================================

-- digest(algo, data, binary?) -> PHP's hash(): "md5", "sha1" or "sha256" of
-- data, in lower-case hex (binary: its raw bytes); md5 and sha1 are PHP's md5()
-- and sha1()
local DIGESTS = { md5 = true, sha1 = true, sha256 = true }

local function digest(fn, algo, data, binary)
  if type(data) ~= "string" and type(data) ~= "number" then
    error(("lmigrate.%s: expects the data as a string, got %s"):format(fn, type(data)), 3)
  end
  return core.digest(algo, tostring(data), binary)
end

function M.digest(algo, data, binary)
  if not DIGESTS[algo] then
    error(("lmigrate.digest: the algorithm is md5, sha1 or sha256, not %s"):format(tostring(algo)), 2)
  end
  local h = digest("digest", algo, data, binary)   -- not a tail call: error's level 3 is the caller
  return h
end

function M.md5(data, binary)
  local h = digest("md5", "md5", data, binary)
  return h
end

function M.sha1(data, binary)
  local h = digest("sha1", "sha1", data, binary)
  return h
end

-- bcrypt(value, options?): Laravel's bcrypt() helper, lmigrate.hash.make
function M.bcrypt(value, options)
  return M.hash.make(value, options)
end

-- lmigrate.fake (lmigrate/fake/init.lua), lmigrate.hash and lmigrate.str, loaded on first use
local LAZY = { fake = "lmigrate.fake", hash = "lmigrate.hash", str = "lmigrate.str" }
return setmetatable(M, { __index = function(t, k)
  local name = LAZY[k]
  if name == nil then return nil end
  local mod = require(name)
  rawset(t, k, mod)
  return mod
end })
