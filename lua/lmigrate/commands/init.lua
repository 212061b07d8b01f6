-- The command table: what each command accepts and where it lives, and
-- the one text of lmigrate's help: `lmigrate help`, the man page
-- (lmigrate.manpage) and the bash and zsh completions
-- (lmigrate.commands.completion) are all written from it.
-- Option kinds: "flag" (no value), "value" (--opt VALUE or --opt=VALUE),
-- "count" (a positive whole number), "duration" (30s, 2m: seconds).
-- 'arg' names the positional argument of a command that takes one; such a
-- command reads its own configuration (the others get ctx.config) and
-- 'complete' (commands) or 'choices' say what the completions offer for it.
local M = {}

-- the options of every command that works on a database, in help's order
M.common = { "connection", "database", "path", "quiet", "lock_timeout", "verbose", "no_color" }
local COMMON = { connection = "value", database = "value", path = "value", quiet = "flag",
                 lock_timeout = "duration", verbose = "flag", no_color = "flag" }

-- what every command takes, even one without the common options (help;
-- --quiet is refused there: help is the output asked for)
M.global = { verbose = "flag", no_color = "flag" }

-- the short flags and the option each stands for
M.short = { q = "quiet", v = "verbose", f = "force" }

local function options(extra)
  local t = {}
  for k, v in pairs(COMMON) do t[k] = v end
  for k, v in pairs(extra or {}) do t[k] = v end
  return t
end

M.list = {
  { name = "migrate", module = "lmigrate.commands.migrate", guarded = true,
    options = options({ step = "flag", atomic = "flag", pretend = "flag", seed = "flag",
                        force = "flag", random_seed = "value", resume = "flag", strict = "flag",
                        json = "flag", schema_path = "value" }),
    usage = "lmigrate migrate [--step] [--atomic] [--pretend] [--strict] [--seed [--random-seed N]]"
      .. " [--resume] [--schema-path FILE] [--json] [--force] [options]",
    summary = "run the pending migrations as one new batch" },
  { name = "rollback", module = "lmigrate.commands.rollback", guarded = true,
    options = options({ step = "count", batch = "count", pretend = "flag", force = "flag",
                        partial = "flag", json = "flag" }),
    usage = "lmigrate rollback [--step N | --batch N | --partial] [--pretend] [--json] [--force]"
      .. " [options]",
    summary = "undo the last batch of migrations" },
  { name = "reset", module = "lmigrate.commands.reset", guarded = true,
    options = options({ pretend = "flag", force = "flag", json = "flag" }),
    usage = "lmigrate reset [--pretend] [--json] [--force] [options]",
    summary = "undo every migration, newest first" },
  { name = "refresh", module = "lmigrate.commands.refresh", guarded = true,
    options = options({ seed = "flag", force = "flag", random_seed = "value", strict = "flag",
                        json = "flag" }),
    usage = "lmigrate refresh [--strict] [--seed [--random-seed N]] [--json] [--force] [options]",
    summary = "undo every migration, then migrate again" },
  { name = "fresh", module = "lmigrate.commands.fresh", guarded = true,
    options = options({ seed = "flag", force = "flag", random_seed = "value", strict = "flag",
                        json = "flag", schema_path = "value", drop_types = "flag",
                        drop_views = "flag" }),
    usage = "lmigrate fresh [--strict] [--seed [--random-seed N]] [--schema-path FILE]"
      .. " [--drop-types] [--json] [--force] [options]",
    summary = "drop every table, view and sequence, then migrate" },
  { name = "status", module = "lmigrate.commands.status",
    options = options({ json = "flag" }),
    usage = "lmigrate status [--json] [options]",
    summary = "list every migration: ran or pending, batch, modified since it ran" },
  { name = "sql", module = "lmigrate.commands.sql",
    options = options({ dialect = "value", down = "flag" }),
    usage = "lmigrate sql [--dialect sqlite|postgres|mysql] [--down] [options]",
    summary = "print the whole migration script offline, with its history statements" },
  { name = "lint", module = "lmigrate.commands.lint",
    options = options({ json = "flag", target_version = "value" }),
    usage = "lmigrate lint [--json] [--target-version N] [options]",
    summary = "the safety rules on the pending migrations (exit 1 on a finding)" },
  { name = "seed", module = "lmigrate.commands.seed", guarded = true,
    options = options({ class = "value", force = "flag", random_seed = "value", json = "flag" }),
    usage = "lmigrate seed [--class Name] [--random-seed N] [--json] [--force] [options]",
    summary = "run the seeders of databases/seeds (DatabaseSeeder by default)" },
  { name = "lock:status", module = "lmigrate.commands.lock_status",
    options = options(),
    usage = "lmigrate lock:status [options]",
    summary = "say who holds the migration lock (PostgreSQL: the lease, its heartbeat)" },
  { name = "lock:release", module = "lmigrate.commands.lock_release", guarded = true,
    options = options({ force = "flag" }),
    usage = "lmigrate lock:release [--force] [options]",
    summary = "break the PostgreSQL lease of a crashed run (its holder stops before its next commit)" },
  { name = "schema:dump", module = "lmigrate.commands.schema_dump",
    options = options({ prune = "flag" }),
    option_help = { path = "--path FILE                  the file to write (default"
      .. " databases/schema/<connection>-schema.sql)" },
    usage = "lmigrate schema:dump [--prune] [--path FILE] [options]",
    summary = "write the schema and the history rows to a file migrate loads first (--prune: remove"
      .. " the migrations)" },
  { name = "make:migration", module = "lmigrate.commands.make_migration",
    options = options({ create = "value", table = "value" }),
    arg = { name = "NAME" },
    usage = "lmigrate make:migration NAME [--create TABLE | --table TABLE] [--path DIR]",
    summary = "write a new timestamped migration from a stub" },
  { name = "make:seed", module = "lmigrate.commands.make_seed",
    options = options(), arg = { name = "NAME" },
    usage = "lmigrate make:seed NAME",
    summary = "write a new seeder into databases/seeds" },
  { name = "db:create", module = "lmigrate.commands.db_create", options = options(),
    usage = "lmigrate db:create [options]",
    summary = "create the connection's database (PostgreSQL, MySQL; SQLite: the file)" },
  { name = "db:drop", module = "lmigrate.commands.db_drop", guarded = true,
    options = options({ force = "flag" }),
    usage = "lmigrate db:drop [--force] [options]",
    summary = "drop the connection's database (SQLite: remove the file)" },
  { name = "wait", module = "lmigrate.commands.wait",
    options = options({ timeout = "duration" }),
    usage = "lmigrate wait [--timeout 30s] [options]",
    summary = "wait until the database accepts connections (a starting container)" },
  { name = "completion", module = "lmigrate.commands.completion", options = {},
    arg = { name = "SHELL", choices = { "bash", "zsh", "connections" } },
    usage = "lmigrate completion bash|zsh|connections",
    summary = "print the bash or zsh completion script (connections: the names in lmigrate.lua)" },
  { name = "help", module = "lmigrate.commands.help", options = { man = "flag" },
    arg = { name = "COMMAND", complete = "commands" },
    usage = "lmigrate help [command] [--man]", summary = "show help for lmigrate or a command" },
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
  database = "--database URL               sqlite:PATH, postgres://user:pass@host:port/db or"
    .. " mysql://user:pass@host:port/db",
  path = "--path DIR                   the migrations folder (default databases/migrations)",
  quiet = "--quiet                      print nothing but errors (-q)",
  verbose = "--verbose                    print each SQL statement as it runs, with its time (-v)",
  no_color = "--no-color                   no colour, even on a terminal (as NO_COLOR=1)",
  lock_timeout = "--lock-timeout DURATION      give up waiting for another run's lock after"
    .. " DURATION (30s, 2m; default: wait, saying who holds it)",
  force = "--force                      run in production without asking (-f)",
  step = "--step                       migrate: each migration its own batch; rollback: --step N,"
    .. " the last N migrations",
  batch = "--batch N                    roll back only batch N",
  atomic = "--atomic                     the whole batch in one transaction: all or nothing"
    .. " (not on MySQL)",
  resume = "--resume                     MySQL: run a partly applied migration on from where it"
    .. " stopped",
  partial = "--partial                    MySQL: undo the applied statements of a partly applied"
    .. " migration",
  pretend = "--pretend                    print the SQL that would run, change nothing",
  seed = "--seed                       run the DatabaseSeeder afterwards",
  strict = "--strict                     a lint finding not silenced by unsafe_ok stops the run"
    .. " (exit 1, nothing changed)",
  target_version = "--target-version N           lint for PostgreSQL N (default: the server's)",
  json = "--json                       JSON: status, a list of {migration, ran, batch, ran_at,"
    .. " modified}; lint, {findings, notes}; migrate, rollback, reset, refresh, fresh and seed,"
    .. " one event a line",
  dialect = "--dialect NAME               sqlite, postgres or mysql (default: the connection's)",
  down = "--down                       every down, newest first, instead of every up",
  class = "--class Name                 the seeder to run (default DatabaseSeeder)",
  random_seed = "--random-seed N              seed lmigrate.fake and math.random with N: the same rows"
    .. " every run (default: a random seed, printed)",
  create = "--create TABLE               the stub creates TABLE",
  table = "--table TABLE                the stub alters TABLE",
  timeout = "--timeout DURATION           give up after DURATION (30s, 2m; default 30s)",
  prune = "--prune                      remove the migration files once the schema is dumped",
  schema_path = "--schema-path FILE           the schema file to load on a database where no migration"
    .. " ran (default databases/schema/<connection>-schema.sql, when there)",
  man = "--man                        print the manual page (roff): lmigrate help --man | man -l -",
}

-- option_parts(key) -> "--opt ARG", "what it does": the two columns of
-- option_help's line
function M.option_parts(key)
  local line = M.option_help[key] or ("--" .. key:gsub("_", "-"))
  local syntax, text = line:match("^(%-%-.-)%s%s+(.*)$")
  return syntax or line, text or ""
end

-- the values the completions offer for an option's argument: a list, or
-- "connections" (lmigrate.lua's) or "directories"
M.option_values = {
  connection = "connections",
  path = "directories",
  dialect = { "sqlite", "postgres", "mysql" },
}

-- what help's last lines and the man page's sections say
M.exit_status = {
  { 0, "done" },
  { 1, "a migration or seeder failed" },
  { 2, "bad usage or configuration" },
  { 3, "the database cannot be opened or reached" },
}

M.configuration = "lmigrate.lua, or DATABASE_URL; default sqlite:databases/database.sqlite"

M.environment = {
  { "DATABASE_URL", "the database when neither --database nor --connection is given" },
  { "LMIGRATE_ENV, APP_ENV", "production: migrate, rollback, reset, refresh, fresh and seed ask"
    .. " first on a terminal and refuse without --force elsewhere" },
  { "NO_COLOR", "set and not empty: no colour, even on a terminal" },
  { "TERM", "dumb: no colour" },
  { "COLUMNS", "the width of the dotted lines (default: the terminal's, else 78)" },
  { ".env", "the project folder's .env gives DATABASE_URL and Laravel's DB_CONNECTION, DB_HOST,"
    .. " DB_PORT, DB_DATABASE, DB_USERNAME, DB_PASSWORD, DB_SOCKET, never over the real environment" },
}

M.by_name = {}
for _, c in ipairs(M.list) do M.by_name[c.name] = c end

function M.find(name)
  return M.by_name[M.aliases[name] or name]
end

-- aliases_of(name) -> the aliases of command 'name', sorted
function M.aliases_of(name)
  local list = {}
  for alias, target in pairs(M.aliases) do
    if target == name then list[#list + 1] = alias end
  end
  table.sort(list)
  return list
end

return M
