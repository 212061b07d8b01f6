-- bench/gen.lua N DIR [mysql]
-- Writes N migrations into DIR/project/databases/migrations and the floor:
-- the same SQL as plain scripts for the sqlite3 CLI, psql and mariadb.
--   DIR/floor_up.sql    history table, then per migration one transaction:
--                       CREATE TABLE, its indexes, the history row
--   DIR/floor_down.sql  per migration, newest first, one transaction:
--                       DROP TABLE, DELETE of the history row
--   DIR/floor_pg_up.sql, DIR/floor_pg_down.sql  the same for PostgreSQL
--                       (bench/run_pg.sh), in its grammar's DDL
--   DIR/floor_my_up.sql, DIR/floor_my_down.sql  the same for MySQL
--                       (bench/run_mysql.sh), which commits DDL on its own:
--                       the statements with no BEGIN/COMMIT, as lmigrate
--                       runs a one-statement migration there
-- With 'mysql' the key column t_{i-1}_id is unsigned(): MySQL wants a
-- foreign key of the type it references (increments is INT UNSIGNED).
-- Migration i creates t_i: 7 columns, a unique, an index and a foreign key
-- to t_{i-1}. The DDL is what the SQLite grammar emits for the blueprint
-- (src/grammar/sqlite.c + grammar.c; bench/run.sh checks it against the
-- schema lmigrate really created).
local n = tonumber(arg[1]) or 1000
local dir = assert(arg[2], "usage: lua5.4 bench/gen.lua N DIR [mysql]")
local mysql = arg[3] == "mysql"
assert(n >= 1 and n <= 999999, "N must be within 1..999999")

local function write(path, data)
  local f = assert(io.open(path, "wb"))
  assert(f:write(data))
  assert(f:close())
end

local migrations = dir .. "/project/databases/migrations"
assert(os.execute("mkdir -p '" .. migrations .. "'"))

local function file_name(i)
  return ("2026_01_01_%06d_create_t_%d_table"):format(i, i)
end

local function class_name(i)
  return ("CreateT%dTable"):format(i)
end

local MIGRATION = [[
local Migration = require("lmigrate.migration")

local %s = Migration:extend("%s")

function %s:up()
  self.schema:create("t_%d", function(table)
    table:increments("id")
    table:integer("t_%d_id")%s:nullable()
    table:string("name"):index()
    table:string("code", 64):unique()
    table:integer("score"):default(0)
    table:text("body"):nullable()
    table:datetime("created_at"):nullable():use_current()
%s  end)
end

function %s:down()
  self.schema:drop("t_%d")
end

return %s
]]

local FOREIGN = '    table:foreign("t_%d_id"):references("id"):on("t_%d")\n'

-- what lmigrate's SQLite grammar emits for the blueprint above
local function create_sql(i)
  local t, p = "t_" .. i, "t_" .. (i - 1) .. "_id"
  local fk = ""
  if i > 1 then
    fk = (', CONSTRAINT "%s_%s_foreign" FOREIGN KEY ("%s") REFERENCES "t_%d" ("id")')
           :format(t, p, p, i - 1)
  end
  return table.concat({
    ('CREATE TABLE "%s" ("id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, '
     .. '"%s" INTEGER NULL, "name" VARCHAR(255) NOT NULL, "code" VARCHAR(64) NOT NULL, '
     .. '"score" INTEGER NOT NULL DEFAULT 0, "body" TEXT NULL, '
     .. '"created_at" DATETIME NULL DEFAULT CURRENT_TIMESTAMP%s);'):format(t, p, fk),
    ('CREATE INDEX "%s_name_index" ON "%s" ("name");'):format(t, t),
    ('CREATE UNIQUE INDEX "%s_code_unique" ON "%s" ("code");'):format(t, t),
  }, "\n")
end

-- what lmigrate's PostgreSQL grammar emits for the same blueprint
-- (src/grammar/postgres.c; spec/grammar/postgres_spec.lua): the unique is a
-- table constraint, the plain index a CREATE INDEX; bench/run_pg.sh checks
-- it against the schema lmigrate really created with pg_dump -s
local function create_sql_pg(i)
  local t, p = "t_" .. i, "t_" .. (i - 1) .. "_id"
  local fk = ""
  if i > 1 then
    fk = (', CONSTRAINT "%s_%s_foreign" FOREIGN KEY ("%s") REFERENCES "t_%d" ("id")')
           :format(t, p, p, i - 1)
  end
  return table.concat({
    ('CREATE TABLE "%s" ("id" SERIAL PRIMARY KEY NOT NULL, '
     .. '"%s" INTEGER NULL, "name" VARCHAR(255) NOT NULL, "code" VARCHAR(64) NOT NULL, '
     .. '"score" INTEGER NOT NULL DEFAULT 0, "body" TEXT NULL, '
     .. '"created_at" TIMESTAMPTZ NULL DEFAULT CURRENT_TIMESTAMP, '
     .. 'CONSTRAINT "%s_code_unique" UNIQUE ("code")%s);'):format(t, p, t, fk),
    ('CREATE INDEX "%s_name_index" ON "%s" ("name");'):format(t, t),
  }, "\n")
end

local HISTORY_PG = 'CREATE TABLE "migrations" ("id" SERIAL PRIMARY KEY NOT NULL, '
  .. '"migration" VARCHAR(255) NOT NULL, "batch" INTEGER NOT NULL, "checksum" VARCHAR(64) NULL, '
  .. '"ran_at" TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP, '
  .. 'CONSTRAINT "migrations_migration_unique" UNIQUE ("migration"));\n'

-- the history table as lua/lmigrate/repository.lua declares it
local HISTORY = 'CREATE TABLE "migrations" ("id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, '
  .. '"migration" VARCHAR(255) NOT NULL, "batch" INTEGER NOT NULL, "checksum" VARCHAR(64) NULL, '
  .. '"ran_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP);\n'
  .. 'CREATE UNIQUE INDEX "migrations_migration_unique" ON "migrations" ("migration");\n'

-- what the MySQL grammar emits (src/grammar/mysql.c): every index inline
local function create_sql_my(i)
  local t, p = "t_" .. i, "t_" .. (i - 1) .. "_id"
  local fk = ""
  if i > 1 then
    fk = (", CONSTRAINT `%s_%s_foreign` FOREIGN KEY (`%s`) REFERENCES `t_%d` (`id`)")
           :format(t, p, p, i - 1)
  end
  return ("CREATE TABLE `%s` (`id` INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, "
    .. "`%s` INT UNSIGNED NULL, `name` VARCHAR(255) NOT NULL, `code` VARCHAR(64) NOT NULL, "
    .. "`score` INT NOT NULL DEFAULT 0, `body` TEXT NULL, "
    .. "`created_at` DATETIME NULL DEFAULT CURRENT_TIMESTAMP, INDEX `%s_name_index` (`name`), "
    .. "UNIQUE KEY `%s_code_unique` (`code`)%s);"):format(t, p, t, t, fk)
end

local HISTORY_MY = "CREATE TABLE `migrations` (`id` INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, "
  .. "`migration` VARCHAR(255) NOT NULL, `batch` INT NOT NULL, `checksum` VARCHAR(64) NULL, "
  .. "`ran_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP, "
  .. "UNIQUE KEY `migrations_migration_unique` (`migration`));"

local CHECKSUM = ("0123456789abcdef"):rep(4)

local up = { "PRAGMA foreign_keys = ON;", "BEGIN;", HISTORY .. "COMMIT;" }
local down = { "PRAGMA foreign_keys = ON;" }
local pg_up = { "BEGIN;", HISTORY_PG .. "COMMIT;" }
local pg_down = {}
local my_up, my_down = { HISTORY_MY }, {}
for i = 1, n do
  local name, class = file_name(i), class_name(i)
  local fk = i > 1 and FOREIGN:format(i - 1, i - 1) or ""
  write(migrations .. "/" .. name .. ".lua",
        MIGRATION:format(class, class, class, i, i - 1, mysql and ":unsigned()" or "", fk, class, i,
                         class))
  up[#up + 1] = "BEGIN;\n" .. create_sql(i) .. "\n"
    .. ("INSERT INTO \"migrations\" (migration, batch, checksum) VALUES ('%s', 1, '%s');")
         :format(name, CHECKSUM)
    .. "\nCOMMIT;"
  pg_up[#pg_up + 1] = "BEGIN;\n" .. create_sql_pg(i) .. "\n"
    .. ("INSERT INTO \"migrations\" (migration, batch, checksum) VALUES ('%s', 1, '%s');")
         :format(name, CHECKSUM)
    .. "\nCOMMIT;"
  my_up[#my_up + 1] = create_sql_my(i) .. "\n"
    .. ("INSERT INTO `migrations` (migration, batch, checksum) VALUES ('%s', 1, '%s');")
         :format(name, CHECKSUM)
end
for i = n, 1, -1 do
  local step = ("BEGIN;\nDROP TABLE \"t_%d\";\n"
    .. "DELETE FROM \"migrations\" WHERE migration = '%s';\nCOMMIT;"):format(i, file_name(i))
  down[#down + 1] = step
  pg_down[#pg_down + 1] = step
  my_down[#my_down + 1] = ("DROP TABLE `t_%d`;\nDELETE FROM `migrations` WHERE migration = '%s';")
    :format(i, file_name(i))
end
write(dir .. "/floor_up.sql", table.concat(up, "\n") .. "\n")
write(dir .. "/floor_down.sql", table.concat(down, "\n") .. "\n")
write(dir .. "/floor_pg_up.sql", table.concat(pg_up, "\n") .. "\n")
write(dir .. "/floor_pg_down.sql", table.concat(pg_down, "\n") .. "\n")
write(dir .. "/floor_my_up.sql", table.concat(my_up, "\n") .. "\n")
write(dir .. "/floor_my_down.sql", table.concat(my_down, "\n") .. "\n")
