-- The command line: parse argv, run one command, map errors to the
-- exit status of the contract (0 done, 1 failed, 2 usage, 3 connect).
local commands = require("lmigrate.commands")
local errors = require("lmigrate.errors")
local output = require("lmigrate.output")
local suggest = require("lmigrate.suggest")

local M = {}

local function usage(msg)
  errors.raise("usage", msg)
end

-- parse(argv) -> command, options, positional arguments
function M.parse(argv)
  local name, opts, args = nil, {}, {}
  local i = 1
  while i <= #argv do
    local a = argv[i]
    if a == "--version" or a == "-V" then
      name = name or "--version"
    elseif a == "--help" or a == "-h" then
      if name then args[#args + 1] = name end
      name = "help"
    elseif a:match("^%-%a$") and commands.short[a:sub(2)] then
      opts[#opts + 1] = "--" .. commands.short[a:sub(2)]:gsub("_", "-")
    elseif a:sub(1, 2) == "--" and #a > 2 then
      opts[#opts + 1] = a
      local spec_has_value = not a:find("=", 3, true)
      -- values are taken once the command is known: keep the raw word;
      -- before the command, a command's name is the command
      local nxt = argv[i + 1]
      if spec_has_value and nxt and nxt:sub(1, 2) ~= "--" and not nxt:match("^%-%a$")
          and not (name == nil and commands.find(nxt)) then
        opts[#opts] = { a, argv[i + 1] }
        i = i + 1
      end
    elseif name == nil then
      name = a
    else
      args[#args + 1] = a
    end
    i = i + 1
  end
  return name, opts, args
end

-- checks raw options against the command's table -> { key = value }
local function bind_options(cmd, raw, args)
  local opts = {}
  for _, o in ipairs(raw) do
    local word, nextword = o, nil
    if type(o) == "table" then word, nextword = o[1], o[2] end
    local key, value = word:match("^%-%-([%w%-_:]+)=(.*)$")
    key = key or word:sub(3)
    local norm = key:gsub("%-", "_")
    local kind = cmd.options[norm] or commands.global[norm]
    if not kind then
      local known = {}
      for k in pairs(cmd.options) do known[#known + 1] = (k:gsub("_", "-")) end
      local hint = suggest.hint(key, known, "--")
      usage(("unknown option '--%s' for '%s'%s (see lmigrate help %s)"):format(key, cmd.name,
        hint, cmd.name))
    end
    if kind == "flag" then
      if value then usage(("option '--%s' takes no value"):format(key)) end
      opts[norm] = true
      if nextword then args[#args + 1] = nextword end
    else
      value = value or nextword
      if value == nil or value == "" then usage(("option '--%s' needs a value"):format(key)) end
      if kind == "count" then
        -- a number past math.maxinteger reads as a float: not in range
        local n = value:match("^%d+$") and math.tointeger(tonumber(value))
        if not n or n < 1 then
          usage(("option '--%s' needs a whole number from 1 to %d, got '%s'")
            :format(key, math.maxinteger, value))
        end
        value = n
      elseif kind == "duration" then
        local s = require("lmigrate.config").duration(value)
        if not s then
          usage(("option '--%s' needs a duration like 30s, 2m or 500ms, got '%s'"):format(key, value))
        end
        value = s
      end
      opts[norm] = value
    end
  end
  return opts
end

-- execute(cmd, opts, args, out, result) -> exit status: a command of the
-- table with its bound options, as the command line and lmigrate.run run it
function M.execute(cmd, opts, args, out, result)
  local ctx = { opts = opts, args = args, out = out, result = result }
  if cmd.guarded then require("lmigrate.guard").check(cmd.name, opts, ctx.out) end
  if not cmd.arg then
    if #args > 0 then
      usage(("unexpected argument '%s' for '%s' (see lmigrate help %s)"):format(args[1], cmd.name,
        cmd.name))
    end
    ctx.config = require("lmigrate.config").resolve(opts)
  end
  return require(cmd.module)(ctx)
end

local function run(argv)
  local name, raw, args = M.parse(argv)
  if name == "--version" then
    output.new({}):print("lmigrate " .. require("lmigrate.core").version)
    return 0
  end
  if name == nil then name = "help" end
  local cmd = commands.find(name)
  if not cmd then
    local known = {}
    for _, c in ipairs(commands.list) do known[#known + 1] = c.name end
    for alias in pairs(commands.aliases) do known[#known + 1] = alias end
    usage(("unknown command '%s'%s (see lmigrate help)"):format(name, suggest.hint(name, known)))
  end
  local opts = bind_options(cmd, raw, args)
  local color   -- nil: as the terminal and the environment say
  if opts.no_color then color = false end
  return M.execute(cmd, opts, args, output.new({ quiet = opts.quiet, verbose = opts.verbose,
    color = color }))
end

local function handler(e)
  if errors.is(e) then return e end
  return debug.traceback(errors.text(e), 2)
end

-- protect(fn, ...) -> exit status, error: fn's status (0 when it returns
-- none) or the error it raised, an lmigrate error or an internal error's
-- traceback (status 1)
function M.protect(fn, ...)
  local ok, res = xpcall(fn, handler, ...)
  if ok then return res or 0 end
  if errors.is(res) then return res:exit_status(), res end
  return 1, res
end

-- main(argv) -> exit status
function M.main(argv)
  local status, err = M.protect(run, argv)
  if err and not (errors.is(err) and err.reported) then output.new({}):error(err) end
  return status
end

return M
