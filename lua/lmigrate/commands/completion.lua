-- lmigrate completion bash|zsh|connections
--
-- The bash and zsh completion scripts, written from the command table
-- (lmigrate.commands) each time they are asked for: the commands and
-- their aliases, each command's options with what they do (zsh shows it),
-- the values an option's argument takes (commands.option_values: the
-- connection names of ./lmigrate.lua, folders for --path, the dialects),
-- and a command's positional argument (help COMMAND, completion SHELL).
-- The build writes the same text into share/ (cmake/Install.cmake), so
-- the installed scripts and this command never differ.
--
-- `lmigrate completion connections` prints the connection names of the
-- lmigrate.lua of the current folder, one a line: what both scripts run
-- to complete --connection.
local commands = require("lmigrate.commands")
local config = require("lmigrate.config")
local errors = require("lmigrate.errors")

local M = {}

-- {======================================================
-- What both scripts are made of
-- ======================================================

local function flag_name(key)
  return "--" .. key:gsub("_", "-")
end

-- the options of 'c', sorted by name: { { name = "--x", key, kind }, ... }
local function options_of(c)
  local list = {}
  for key, kind in pairs(c.options) do
    list[#list + 1] = { name = flag_name(key), key = key, kind = kind }
  end
  table.sort(list, function(a, b) return a.name < b.name end)
  return list
end

-- the names a command answers to: its own, then its aliases, sorted
local function names_of(c)
  local list = commands.aliases_of(c.name)
  table.insert(list, 1, c.name)
  return list
end

-- every command name and alias, in the table's order
local function all_names()
  local list = {}
  for _, c in ipairs(commands.list) do
    for _, n in ipairs(names_of(c)) do list[#list + 1] = n end
  end
  return list
end

-- }======================================================

-- {======================================================
-- bash
-- ======================================================

local BASH = [==[
# bash completion for lmigrate                          -*- shell-script -*-
# Written by `lmigrate completion bash` (lmigrate @VERSION@) from its
# command table. Install it as share/bash-completion/completions/lmigrate,
# or load it into the running shell: source <(lmigrate completion bash)

# _lmigrate_reply WORD CANDIDATE...: the candidates starting with WORD into
# COMPREPLY, less what bash holds as an earlier word: the part of WORD up to
# its last ':' or '=' when COMP_WORDBREAKS has them (make:migration, --path=)
_lmigrate_reply() {
  local cur=$1 c prefix="" rest i
  shift
  COMPREPLY=()
  for c in "$@"; do
    [[ $c == "$cur"* ]] && COMPREPLY+=("$c")
  done
  if [[ $COMP_WORDBREAKS == *=* && $cur == *=* ]]; then
    prefix=${cur%"${cur##*=}"}
  fi
  rest=${cur#"$prefix"}
  if [[ $COMP_WORDBREAKS == *:* && $rest == *:* ]]; then
    prefix=$prefix${rest%"${rest##*:}"}
  fi
  if [[ -n $prefix ]]; then
    for i in "${!COMPREPLY[@]}"; do COMPREPLY[i]=${COMPREPLY[i]#"$prefix"}; done
  fi
}

# _lmigrate_values BIN OPTION WORD PREFIX: the values of OPTION's argument
_lmigrate_values() {
  local bin=$1 opt=$2 cur=$3 prefix=$4 v
  local -a values=()
  case $opt in
@VALUES@
  esac
  _lmigrate_reply "$prefix$cur" "${values[@]/#/$prefix}"
}

_lmigrate() {
  local line=${COMP_LINE:0:COMP_POINT}
  local -a w
  read -ra w <<<"$line"
  [[ -z $line || $line == *[[:space:]] ]] && w+=("")
  local n=${#w[@]} cur=${w[n-1]} prev="" cmd="" i
  (( n >= 2 )) && prev=${w[n-2]}
  local bin=${w[0]}
  [[ $bin == "~/"* ]] && bin=$HOME/${bin#"~/"}
  for (( i = 1; i < n - 1; i++ )); do
    if [[ ${w[i]} != -* ]]; then cmd=${w[i]}; break; fi
  done
  if [[ -z $cmd ]]; then
    if [[ $cur == -* ]]; then
      _lmigrate_reply "$cur" --help --version
    else
      _lmigrate_reply "$cur" @COMMANDS@
    fi
    return 0
  fi
  local flags="" valued="" args=""
  case $cmd in
@CASES@
    *) return 0 ;;
  esac
  if [[ $cur == --*=* ]]; then
    local opt=${cur%%=*}
    [[ " $valued " == *" $opt "* ]] && _lmigrate_values "$bin" "$opt" "${cur#*=}" "$opt="
  elif [[ -n $prev && " $valued " == *" $prev "* ]]; then
    _lmigrate_values "$bin" "$prev" "$cur" ""
  elif [[ $cur == -* ]]; then
    _lmigrate_reply "$cur" $flags $valued
  elif [[ $args == @commands ]]; then
    _lmigrate_reply "$cur" @COMMANDS@
  else
    _lmigrate_reply "$cur" $args
  fi
  return 0
}

complete -F _lmigrate lmigrate
]==]

-- the lines of _lmigrate_values' case, one per option that has values
local function bash_values()
  local lines, keys = {}, {}
  for key in pairs(commands.option_values) do keys[#keys + 1] = key end
  table.sort(keys)
  for _, key in ipairs(keys) do
    local v = commands.option_values[key]
    local body
    if v == "connections" then
      body = 'while IFS= read -r v; do values+=("$v"); done'
        .. ' < <("$bin" completion connections 2>/dev/null)'
    elseif v == "directories" then
      body = 'compopt -o filenames 2>/dev/null; while IFS= read -r v; do values+=("$v"); done'
        .. ' < <(compgen -d -- "$cur")'
    else
      body = "values=(" .. table.concat(v, " ") .. ")"
    end
    lines[#lines + 1] = ("    %s) %s ;;"):format(flag_name(key), body)
  end
  return table.concat(lines, "\n")
end

local function bash_cases()
  local lines = {}
  for _, c in ipairs(commands.list) do
    local flags, valued = {}, {}
    for _, o in ipairs(options_of(c)) do
      if o.kind == "flag" then flags[#flags + 1] = o.name else valued[#valued + 1] = o.name end
    end
    local args = ""
    if c.arg and c.arg.complete == "commands" then args = "@commands"
    elseif c.arg and c.arg.choices then args = table.concat(c.arg.choices, " ") end
    local patterns = {}
    for i, n in ipairs(names_of(c)) do patterns[i] = "'" .. n .. "'" end
    lines[#lines + 1] = ("    %s) flags='%s' valued='%s' args='%s' ;;"):format(
      table.concat(patterns, "|"), table.concat(flags, " "), table.concat(valued, " "), args)
  end
  return table.concat(lines, "\n")
end

function M.bash()
  local fill = {
    VERSION = require("lmigrate.core").version,
    COMMANDS = table.concat(all_names(), " "),
    VALUES = bash_values(),
    CASES = bash_cases(),
  }
  return (BASH:gsub("@(%u+)@", fill))
end

-- }======================================================

-- {======================================================
-- zsh
-- ======================================================

local ZSH = [==[
#compdef lmigrate
# zsh completion for lmigrate, written by `lmigrate completion zsh`
# (lmigrate @VERSION@) from its command table. Install it as _lmigrate in a
# folder of $fpath (share/zsh/site-functions), or load it into the running
# shell after compinit: source <(lmigrate completion zsh)

_lmigrate_commands() {
  local -a list
  list=(
@DESCRIBED@
  )
  _describe -t commands 'lmigrate command' list
}

_lmigrate_connections() {
  local -a names
  names=(${(f)"$(_call_program connections $lmigrate_bin completion connections 2>/dev/null)"})
  _wanted connections expl 'connection of lmigrate.lua' compadd -a names
}

_lmigrate() {
  local curcontext=$curcontext state line lmigrate_bin=$words[1] ret=1
  _arguments -C \
    '(- *)--version[print the version]' \
    '(- *)'{-h,--help}'[show help for lmigrate or a command]' \
    '1: :_lmigrate_commands' \
    '*:: :->args' && ret=0
  if [[ $state == args ]]; then
    curcontext=${curcontext%:*:*}:lmigrate-$words[1]:
    case $words[1] in
@CASES@
    esac
  fi
  return ret
}

if [[ $funcstack[1] == _lmigrate ]]; then
  _lmigrate "$@"
else
  compdef _lmigrate lmigrate
fi
]==]

-- a word for zsh inside '...', with _arguments' and _describe's specials
-- (':' '[' ']' '\') escaped
local function zq(s, specials)
  s = s:gsub("[" .. specials .. "]", "\\%0")
  return (s:gsub("'", "'\\''"))
end

local function zsh_described()
  local lines = {}
  for _, c in ipairs(commands.list) do
    for i, n in ipairs(names_of(c)) do
      local text = i == 1 and c.summary or ("alias of " .. c.name)
      lines[#lines + 1] = "    '" .. zq(n, ":\\") .. ":" .. zq(text, "\\") .. "'"
    end
  end
  return table.concat(lines, "\n")
end

-- the ':MESSAGE:ACTION' of an option's argument
local function zsh_action(o)
  local syntax = commands.option_parts(o.key)
  local message = zq(syntax:match("^%S+%s+(%S+)") or "value", ":\\[%]")
  local v = commands.option_values[o.key]
  if v == "connections" then return ":" .. message .. ":_lmigrate_connections" end
  if v == "directories" then return ":" .. message .. ":_files -/" end
  if type(v) == "table" then return ":" .. message .. ":(" .. table.concat(v, " ") .. ")" end
  return ":" .. message .. ": "
end

local function zsh_specs(c)
  local specs = {}
  for _, o in ipairs(options_of(c)) do
    local _, text = commands.option_parts(o.key)
    local spec = o.name .. (o.kind == "flag" and "" or "=") .. "[" .. zq(text, ":\\[%]") .. "]"
    if o.kind ~= "flag" then spec = spec .. zsh_action(o) end
    specs[#specs + 1] = "'" .. spec .. "'"
  end
  local a = c.arg
  if a and a.complete == "commands" then
    specs[#specs + 1] = "'1:command:_lmigrate_commands'"
  elseif a and a.choices then
    specs[#specs + 1] = "'1:" .. a.name:lower() .. ":(" .. table.concat(a.choices, " ") .. ")'"
  elseif a then
    specs[#specs + 1] = "'1:" .. a.name .. ": '"
  end
  return specs
end

local function zsh_cases()
  local lines = {}
  for _, c in ipairs(commands.list) do
    local specs = zsh_specs(c)
    local call = #specs == 0 and "ret=0"
      or ("_arguments \\\n          " .. table.concat(specs, " \\\n          ") .. " && ret=0")
    lines[#lines + 1] = ("      (%s)\n        %s ;;"):format(table.concat(names_of(c), "|"), call)
  end
  return table.concat(lines, "\n")
end

function M.zsh()
  local fill = {
    VERSION = require("lmigrate.core").version,
    DESCRIBED = zsh_described(),
    CASES = zsh_cases(),
  }
  return (ZSH:gsub("@(%u+)@", fill))
end

-- }======================================================

-- the connection names of the lmigrate.lua of the current folder, sorted
function M.connections(opts)
  local _, _, cfg = config.folders(opts or {})
  local names = {}
  if type(cfg.connections) == "table" then
    for name in pairs(cfg.connections) do
      if type(name) == "string" then names[#names + 1] = name end
    end
  end
  table.sort(names)
  return names
end

-- what `lmigrate completion WHAT` prints, for each of the command's choices
local PRINT = {
  bash = function(out) out:print((M.bash():gsub("\n$", ""))) end,
  zsh = function(out) out:print((M.zsh():gsub("\n$", ""))) end,
  connections = function(out, opts)
    for _, name in ipairs(M.connections(opts)) do out:print(name) end
  end,
}

return setmetatable(M, { __call = function(_, ctx)
  local what = ctx.args[1]
  if #ctx.args ~= 1 or not PRINT[what] then
    errors.raise("usage", ("completion takes one of %s (see lmigrate help completion)")
      :format(table.concat(commands.by_name.completion.arg.choices, ", ")))
  end
  PRINT[what](ctx.out, ctx.opts)
  return 0
end })
