-- The command line: parse argv, run one command, map errors to the
-- exit status of the contract (0 done, 1 failed, 2 usage, 3 connect).
local commands = require("lmigrate.commands")
local errors = require("lmigrate.errors")
local output = require("lmigrate.output")

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
    elseif a:sub(1, 2) == "--" and #a > 2 then
      opts[#opts + 1] = a
      local spec_has_value = not a:find("=", 3, true)
      -- values are taken once the command is known: keep the raw word
      if spec_has_value and argv[i + 1] and argv[i + 1]:sub(1, 2) ~= "--" then
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
    local kind = cmd.options[norm]
    if not kind then
      usage(("unknown option '--%s' for '%s' (see lmigrate help %s)"):format(key, cmd.name, cmd.name))
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

local function run(argv)
  local name, raw, args = M.parse(argv)
  if name == "--version" then
    output.new({}):print("lmigrate " .. require("lmigrate.core").version)
    return 0
  end
  if name == nil then name = "help" end
  local cmd = commands.find(name)
  if not cmd then usage(("unknown command '%s' (see lmigrate help)"):format(name)) end
  local opts = bind_options(cmd, raw, args)
  local ctx = { opts = opts, args = args, out = output.new({ quiet = opts.quiet }) }
  if cmd.guarded then require("lmigrate.guard").check(cmd.name, opts, ctx.out) end
  if not cmd.module:match("make_") and cmd.name ~= "help" then
    if #args > 0 then
      usage(("unexpected argument '%s' for '%s' (see lmigrate help %s)"):format(args[1], cmd.name,
        cmd.name))
    end
    ctx.config = require("lmigrate.config").resolve(opts)
  end
  return require(cmd.module)(ctx)
end

-- main(argv) -> exit status
function M.main(argv)
  local ok, res = xpcall(run, function(e)
    if errors.is(e) then return e end
    return debug.traceback(errors.text(e), 2)
  end, argv)
  if ok then return res or 0 end
  if errors.is(res) then
    if not res.reported then output.new({}):error(res) end
    return res:exit_status()
  end
  output.new({}):error(res)
  return 1
end

return M
