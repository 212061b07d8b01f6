-- The manual page lmigrate(1), in roff, written from the command table
-- (lmigrate.commands) as `lmigrate help` is: a section per command with
-- its usage, summary, aliases and options; the common options; and the
-- configuration, environment, files and exit status. `lmigrate help --man`
-- prints it; the build installs its output as share/man/man1/lmigrate.1.
local commands = require("lmigrate.commands")
local config = require("lmigrate.config")

local M = {}

-- text for roff: backslashes, '-' as the minus sign options are typed
-- with, and a line that would begin with a control character
local function esc(s)
  s = s:gsub("\\", "\\e"):gsub("%-", "\\-")
  if s:match("^[.']") then s = "\\&" .. s end
  return s
end

-- an option's own lines: .TP, the option in bold with its argument in
-- italics, and what it does
local function option(lines, key)
  local syntax, text = commands.option_parts(key)
  local name, arg = syntax:match("^(%S+)%s*(.*)$")
  lines[#lines + 1] = ".TP"
  if arg ~= "" then
    lines[#lines + 1] = "\\fB" .. esc(name) .. "\\fR \\fI" .. esc(arg) .. "\\fR"
  else
    lines[#lines + 1] = "\\fB" .. esc(name) .. "\\fR"
  end
  lines[#lines + 1] = esc(text)
end

local function is_common(key)
  for _, k in ipairs(commands.common) do
    if k == key then return true end
  end
  return false
end

-- the command's section: usage, summary, aliases, its own options
local function command(lines, c)
  lines[#lines + 1] = ".SS " .. esc(c.name)
  local rest = c.usage:match("^lmigrate " .. c.name:gsub("%p", "%%%0") .. "(.*)$") or ""
  lines[#lines + 1] = "\\fBlmigrate " .. esc(c.name) .. "\\fR" .. esc(rest)
  lines[#lines + 1] = ".PP"
  lines[#lines + 1] = esc(c.summary:sub(1, 1):upper() .. c.summary:sub(2)) .. "."
  local aliases = commands.aliases_of(c.name)
  if #aliases > 0 then
    lines[#lines + 1] = "Alias: " .. esc(table.concat(aliases, ", ")) .. "."
  end
  local own, common = {}, false
  for key in pairs(c.options) do
    if is_common(key) then common = true else own[#own + 1] = key end
  end
  table.sort(own)
  for _, key in ipairs(own) do option(lines, key) end
  if common then
    lines[#lines + 1] = ".PP"
    lines[#lines + 1] = "And the common options."
  end
end

-- a .TP list of { term, text } pairs
local function list(lines, items)
  for _, item in ipairs(items) do
    lines[#lines + 1] = ".TP"
    lines[#lines + 1] = "\\fB" .. esc(tostring(item[1])) .. "\\fR"
    lines[#lines + 1] = esc(item[2])
  end
end

local function example(lines, text)
  lines[#lines + 1] = ".PP"
  lines[#lines + 1] = ".RS 4"
  lines[#lines + 1] = ".nf"
  for line in text:gmatch("([^\n]*)\n") do lines[#lines + 1] = esc(line) end
  lines[#lines + 1] = ".fi"
  lines[#lines + 1] = ".RE"
end

local CONFIG_EXAMPLE = [[
return {
  default = "main",
  connections = {
    main = { driver = "postgres", url = "postgres://app@localhost/app" },
    local_db = { driver = "sqlite", database = "databases/dev.sqlite" },
  },
  migrations = { path = "databases/migrations", table = "migrations" },
  seeds = { path = "databases/seeds" },
}
]]

local function header(lines, version)
  lines[#lines + 1] = '.\\" lmigrate.1, written by `lmigrate help --man` from the command table'
  lines[#lines + 1] = '.\\" (lua/lmigrate/commands/init.lua): edit that, not this'
  lines[#lines + 1] = ('.TH LMIGRATE 1 "" "lmigrate %s" "User Commands"'):format(esc(version))
  -- no hyphenation, ragged right: a usage line is not cut as "[op-tions]"
  lines[#lines + 1] = ".nh"
  lines[#lines + 1] = ".ad l"
  lines[#lines + 1] = ".SH NAME"
  lines[#lines + 1] = "lmigrate \\- database schema migrations written in Lua"
  lines[#lines + 1] = ".SH SYNOPSIS"
  lines[#lines + 1] = "\\fBlmigrate\\fR \\fIcommand\\fR [\\fIoptions\\fR]"
  lines[#lines + 1] = ".br"
  lines[#lines + 1] = "\\fBlmigrate \\-\\-version\\fR | \\fB\\-\\-help\\fR"
  lines[#lines + 1] = ".SH DESCRIPTION"
  lines[#lines + 1] = esc(("lmigrate runs the schema migrations of a project: Lua 5.4 files in %s,"
    .. " named YYYY_MM_DD_HHMMSS_name.lua, each with an up and a down function, applied in name"
    .. " order on SQLite, PostgreSQL or MySQL and recorded in a history table.")
    :format(config.DEFAULT_MIGRATIONS))
end

-- render() -> the whole page
function M.render()
  local lines = {}
  header(lines, require("lmigrate.core").version)
  lines[#lines + 1] = ".SH COMMANDS"
  for _, c in ipairs(commands.list) do command(lines, c) end
  lines[#lines + 1] = ".SH COMMON OPTIONS"
  lines[#lines + 1] = "Every command that works on a database takes these."
  for _, key in ipairs(commands.common) do option(lines, key) end
  lines[#lines + 1] = ".SH CONFIGURATION"
  lines[#lines + 1] = esc("Configuration: " .. commands.configuration) .. "."
  lines[#lines + 1] = esc("--database and DATABASE_URL take " .. select(2, commands.option_parts("database"))
    .. "; --connection picks the connections of lmigrate.lua, which may return:")
  example(lines, CONFIG_EXAMPLE)
  lines[#lines + 1] = ".SH ENVIRONMENT"
  list(lines, commands.environment)
  lines[#lines + 1] = ".SH FILES"
  list(lines, {
    { config.FILE, "the configuration, in the current folder (optional)" },
    { config.DEFAULT_MIGRATIONS .. "/", "the migrations, unless lmigrate.lua or --path say otherwise" },
    { config.DEFAULT_SEEDS .. "/", "the seeders: DatabaseSeeder is database_seeder.lua" },
    { config.DEFAULT_DATABASE, "the SQLite database when nothing is configured" },
  })
  lines[#lines + 1] = ".SH EXIT STATUS"
  list(lines, commands.exit_status)
  lines[#lines + 1] = ".SH SEE ALSO"
  lines[#lines + 1] = "\\fBsqlite3\\fR(1), \\fBpsql\\fR(1), \\fBmariadb\\fR(1)"
  return table.concat(lines, "\n")
end

return M
