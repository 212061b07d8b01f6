/*
** lm_dump IN CHUNKNAME OUT: compiles the Lua file IN (its chunk named
** CHUNKNAME, "@lua/lmigrate/cli.lua") and writes its bytecode, debug
** information kept, to OUT. A build tool: cmake/EmbedLua.cmake embeds
** the lua/ tree compiled, so that lmigrate does not compile 350 KB of
** Lua each time it starts (about a third of its instructions on a
** short command). It links the Lua lmigrate links, so the bytecode is
** the format lmigrate's Lua reads; error messages and tracebacks name
** the same files and lines as the source would.
*/
#include <stdio.h>
#include <stdlib.h>

#include "lua.h"
#include "lauxlib.h"

/* bytes read at a time */
#define CHUNK 4096

static int writer (lua_State *L, const void *p, size_t size, void *f) {
  (void)L;
  return fwrite(p, 1, size, (FILE *)f) != size;
}

static int fail (lua_State *L, const char *what) {
  fprintf(stderr, "lm_dump: %s\n", what);
  lua_close(L);
  return EXIT_FAILURE;
}

int main (int argc, char **argv) {
  lua_State *L;
  FILE *in, *out;
  luaL_Buffer b;
  size_t n;
  int bad;
  if (argc != 4) {
    fprintf(stderr, "usage: lm_dump IN CHUNKNAME OUT\n");
    return EXIT_FAILURE;
  }
  L = luaL_newstate();
  if (L == NULL) return EXIT_FAILURE;
  if ((in = fopen(argv[1], "rb")) == NULL) return fail(L, argv[1]);
  /* the file's bytes, read as embedded_loader would have been given them */
  luaL_buffinit(L, &b);
  while ((n = fread(luaL_prepbuffsize(&b, CHUNK), 1, CHUNK, in)) > 0)
    luaL_addsize(&b, n);
  bad = ferror(in);
  fclose(in);
  if (bad) return fail(L, argv[1]);
  luaL_pushresult(&b);
  if (luaL_loadbufferx(L, lua_tostring(L, -1), lua_rawlen(L, -1), argv[2], "t") != LUA_OK)
    return fail(L, lua_tostring(L, -1));
  if ((out = fopen(argv[3], "wb")) == NULL) return fail(L, argv[3]);
  bad = lua_dump(L, writer, out, 0);
  if (fclose(out) != 0) bad = 1;
  if (bad) return fail(L, argv[3]);
  lua_close(L);
  return EXIT_SUCCESS;
}
