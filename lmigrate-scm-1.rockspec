-- LuaRocks: the Lua module lmigrate (require("lmigrate"), lmigrate.run)
-- and the lmigrate command, for Lua 5.4. From a checkout:
--   luarocks --lua-version 5.4 make            (or --tree DIR, --local)
-- The C core (lmigrate.core) is built by CMakeLists.txt, which finds
-- sqlite3, libpq-fe.h and the Lua headers with pkg-config: on Debian,
-- apt-get install cmake gcc pkg-config liblua5.4-dev libsqlite3-dev libpq-dev.
-- libpq (and libmariadb) are loaded on first use, not linked.
rockspec_format = "3.0"
package = "lmigrate"
version = "scm-1"
source = {
  -- `luarocks make` builds the checkout it runs in; this is for `luarocks build`
  url = "git+file://./",
}
description = {
  summary = "Database schema migrations in Lua 5.4 (SQLite, PostgreSQL, MySQL)",
  detailed = [[
Laravel's migration API in snake_case, a C schema builder with one SQL
grammar per dialect, and drivers for SQLite, PostgreSQL and MySQL/MariaDB.
Run migrations from a Lua program with require("lmigrate").run{ command =
"migrate", database = "sqlite:app.db" }, or with the lmigrate command.]],
  labels = { "database", "migrations", "sqlite", "postgresql", "mysql" },
}
dependencies = {
  "lua >= 5.4, < 5.5",
}
build = {
  type = "cmake",
  variables = {
    CMAKE_BUILD_TYPE = "Release",
    BUILD_TESTING = "OFF",
    CMAKE_INSTALL_PREFIX = "$(PREFIX)",
    -- cmake/Install.cmake: the rock's layout instead of bin/, share/
    LMIGRATE_ROCK_LUADIR = "$(LUADIR)",
    LMIGRATE_ROCK_LIBDIR = "$(LIBDIR)",
    LMIGRATE_ROCK_BINDIR = "$(BINDIR)",
  },
}
