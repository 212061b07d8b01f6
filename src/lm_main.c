/*
** lm_main.c
** The lmigrate executable: a lua.c-style host. main() only creates the
** state and runs pmain in protected mode; pmain preloads the embedded
** lua/ tree and hands argv to lmigrate.cli, whose result is the exit status.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua.h"
#include "lauxlib.h"
#include "lualib.h"

#include "lmigrate.h"

/*
** package.preload loader: upvalue 1 is the index into lm_embedded
*/
static int embedded_loader (lua_State *L) {
  const struct lm_Embedded *e = &lm_embedded[lua_tointeger(L, lua_upvalueindex(1))];
  /* bytecode (cmake/EmbedLua.cmake): the build compiled it */
  if (luaL_loadbufferx(L, e->data, e->len, e->chunk, "b") != LUA_OK)
    return lua_error(L);
  lua_pushstring(L, e->name);
  lua_call(L, 1, 1);
  return 1;
}

/*
** With LMIGRATE_DEV=1 the files of ./lua win over the embedded copies,
** so a developer edits them without rebuilding.
*/
static void preload_embedded (lua_State *L) {
  int i;
  const char *dev = getenv("LMIGRATE_DEV");
  if (dev != NULL && strcmp(dev, "1") == 0) {
    lua_getglobal(L, "package");
    lua_pushliteral(L, "./lua/?.lua;./lua/?/init.lua;");
    lua_getfield(L, -2, "path");
    lua_concat(L, 2);
    lua_setfield(L, -2, "path");
    lua_pop(L, 1);
    return;
  }
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
  for (i = 0; lm_embedded[i].name != NULL; i++) {
    lua_pushinteger(L, i);
    lua_pushcclosure(L, embedded_loader, 1);
    lua_setfield(L, -2, lm_embedded[i].name);
  }
  lua_pop(L, 1);
}

static int msghandler (lua_State *L) {
  const char *msg = lua_tostring(L, 1);
  if (msg == NULL) {  /* error object is not a string: cli.lua handles tables */
    if (!lua_isnoneornil(L, 1) && !lua_istable(L, 1)
        && luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
      return 1;
    if (lua_istable(L, 1)) return 1;
    msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
  }
  luaL_traceback(L, L, msg, 1);
  return 1;
}

/*
** pmain(argc, argv) -> exit status, in protected mode
*/
static int pmain (lua_State *L) {
  int argc = (int)lua_tointeger(L, 1);
  char **argv = (char **)lua_touserdata(L, 2);
  int i;
  luaL_openlibs(L);
  luaL_requiref(L, "lmigrate.core", luaopen_lmigrate_core, 0);
  lua_pop(L, 1);
  preload_embedded(L);
  lua_getglobal(L, "require");
  lua_pushliteral(L, "lmigrate.cli");
  lua_call(L, 1, 1);
  lua_getfield(L, -1, "main");
  lua_createtable(L, argc, 0);
  for (i = 1; i < argc; i++) {
    lua_pushstring(L, argv[i]);
    lua_rawseti(L, -2, i);
  }
  lua_call(L, 1, 1);
  return 1;
}

int main (int argc, char **argv) {
  int status, code;
  lua_State *L = luaL_newstate();
  if (L == NULL) {
    fputs("lmigrate: cannot create state: not enough memory\n", stderr);
    return EXIT_FAILURE;
  }
  /*
  ** A run makes mostly short-lived garbage (each migration's chunk, its
  ** blueprints, statements, rows) around a small live set (~0.7 MB after
  ** 1000 migrations). The incremental collector lets the heap grow to twice
  ** the live set between cycles; the generational one collects that garbage
  ** young: migrate of 1000 SQLite migrations peaks at 9.6 MB RSS instead
  ** of 11.0, for the same instruction count (bench/run.sh, callgrind).
  */
  lua_gc(L, LUA_GCGEN, 0, 0);
  lua_pushcfunction(L, msghandler);
  lua_pushcfunction(L, &pmain);  /* to call 'pmain' in protected mode */
  lua_pushinteger(L, argc);
  lua_pushlightuserdata(L, argv);
  status = lua_pcall(L, 2, 1, 1);
  if (status != LUA_OK) {
    const char *msg = lua_tostring(L, -1);
    fprintf(stderr, "lmigrate: %s\n", msg ? msg : "internal error");
    code = 1;
  }
  else
    code = (int)luaL_optinteger(L, -1, 0);
  fflush(stdout);
  lua_close(L);
  return code;
}
