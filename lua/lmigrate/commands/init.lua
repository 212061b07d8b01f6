-- The command table: what each command accepts and where it lives.
-- Option kinds: "flag" (no value) or "value" (--opt VALUE or --opt=VALUE).
local M = {}

local COMMON = { connection = "value", database = "value", path = "value", quiet = "flag" }

local function options(extra)
  local t = {}
  for k, v in pairs(COMMON) do t[k] = v end
  for k, v in pairs(extra or {}) do t[k] = v end
  return t
end

M.list = {
  { name = "migrate", module = "lmigrate.commands.migrate", options = options(),
    usage = "lmigrate migrate [options]",
    summary = "run the pending migrations as one new batch" },
  { name = "rollback", module = "lmigrate.commands.rollback", options = options(),
    usage = "lmigrate rollback [options]",
    summary = "undo the last batch of migrations" },
  { name = "status", module = "lmigrate.commands.status", options = options(),
    usage = "lmigrate status [options]",
    summary = "list every migration: ran or pending, and its batch" },
  { name = "help", module = "lmigrate.commands.help", options = {},
    usage = "lmigrate help [command]", summary = "show help for lmigrate or a command" },
}

M.aliases = {
  ["migrate:rollback"] = "rollback",
  ["migrate:status"] = "status",
}

M.by_name = {}
for _, c in ipairs(M.list) do M.by_name[c.name] = c end

function M.find(name)
  return M.by_name[M.aliases[name] or name]
end

return M
