-- The command table: what each command accepts and where it lives.
-- Option kinds: "flag" (no value), "value" (--opt VALUE or --opt=VALUE),
-- "count" (a positive whole number), "duration" (30s, 2m: seconds).
local M = {}

local COMMON = { connection = "value", database = "value", path = "value", quiet = "flag",
                 lock_timeout = "duration" }

local function options(extra)
  local t = {}
  for k, v in pairs(COMMON) do t[k] = v end
  for k, v in pairs(extra or {}) do t[k] = v end
  return t
end

M.list = {
  { name = "migrate", module = "lmigrate.commands.migrate", guarded = true,
    options = options({ step = "flag", atomic = "flag", pretend = "flag", seed = "flag",
                        force = "flag" }),
    usage = "lmigrate migrate [--step] [--atomic] [--pretend] [--seed] [--force] [options]",
    summary = "run the pending migrations as one new batch" },
  { name = "rollback", module = "lmigrate.commands.rollback", guarded = true,
    options = options({ step = "count", batch = "count", pretend = "flag", force = "flag" }),
    usage = "lmigrate rollback [--step N | --batch N] [--pretend] [--force] [options]",
    summary = "undo the last batch of migrations" },
  { name = "reset", module = "lmigrate.commands.reset", guarded = true,
    options = options({ pretend = "flag", force = "flag" }),
    usage = "lmigrate reset [--pretend] [--force] [options]",
    summary = "undo every migration, newest first" },
  { name = "refresh", module = "lmigrate.commands.refresh", guarded = true,
    options = options({ seed = "flag", force = "flag" }),
    usage = "lmigrate refresh [--seed] [--force] [options]",
    summary = "undo every migration, then migrate again" },
  { name = "fresh", module = "lmigrate.commands.fresh", guarded = true,
    options = options({ seed = "flag", force = "flag" }),
    usage = "lmigrate fresh [--seed] [--force] [options]",
    summary = "drop every table, view and sequence, then migrate" },
  { name = "status", module = "lmigrate.commands.status",
    options = options({ json = "flag" }),
    usage = "lmigrate status [--json] [options]",
    summary = "list every migration: ran or pending, batch, modified since it ran" },
  { name = "sql", module = "lmigrate.commands.sql",
    options = options({ dialect = "value", down = "flag" }),
    usage = "lmigrate sql [--dialect sqlite|postgres|mysql] [--down] [options]",
    summary = "print the whole migration script offline, with its history statements" },
  { name = "seed", module = "lmigrate.commands.seed", guarded = true,
    options = options({ class = "value", force = "flag" }),
    usage = "lmigrate seed [--class Name] [--force] [options]",
    summary = "run the seeders of databases/seeds (DatabaseSeeder by default)" },
  { name = "make:migration", module = "lmigrate.commands.make_migration",
    options = options({ create = "value", table = "value" }),
    usage = "lmigrate make:migration NAME [--create TABLE | --table TABLE] [--path DIR]",
    summary = "write a new timestamped migration from a stub" },
  { name = "make:seed", module = "lmigrate.commands.make_seed",
    options = options(),
    usage = "lmigrate make:seed NAME",
    summary = "write a new seeder into databases/seeds" },
  { name = "help", module = "lmigrate.commands.help", options = {},
    usage = "lmigrate help [command]", summary = "show help for lmigrate or a command" },
}

M.aliases = {
  ["migrate:rollback"] = "rollback",
  ["migrate:status"] = "status",
  ["migrate:reset"] = "reset",
  ["migrate:refresh"] = "refresh",
  ["migrate:fresh"] = "fresh",
  ["db:seed"] = "seed",
}

-- what each option means, for help
M.option_help = {
  connection = "--connection NAME[,NAME...]  the connection(s) of lmigrate.lua to use",
  database = "--database URL               sqlite:PATH or postgres://user:pass@host:port/db",
  path = "--path DIR                   the migrations folder (default databases/migrations)",
  quiet = "--quiet                      print nothing but errors",
  lock_timeout = "--lock-timeout DURATION      give up waiting for another run's lock after"
    .. " DURATION (30s, 2m; default: wait, saying who holds it)",
  force = "--force                      run in production without asking",
  step = "--step                       migrate: each migration its own batch; rollback: --step N,"
    .. " the last N migrations",
  batch = "--batch N                    roll back only batch N",
  atomic = "--atomic                     the whole batch in one transaction: all or nothing",
  pretend = "--pretend                    print the SQL that would run, change nothing",
  seed = "--seed                       run the DatabaseSeeder afterwards",
  json = "--json                       a JSON list of {migration, ran, batch, ran_at, modified}",
  dialect = "--dialect NAME               sqlite, postgres or mysql (default: the connection's)",
  down = "--down                       every down, newest first, instead of every up",
  class = "--class Name                 the seeder to run (default DatabaseSeeder)",
  create = "--create TABLE               the stub creates TABLE",
  table = "--table TABLE                the stub alters TABLE",
}

M.by_name = {}
for _, c in ipairs(M.list) do M.by_name[c.name] = c end

function M.find(name)
  return M.by_name[M.aliases[name] or name]
end

return M
