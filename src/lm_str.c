/*
** lm_str.c
** What lmigrate.str (Laravel's Str helpers for data steps) needs of C:
** Str::plural and Str::singular (lm_names.c's inflector, the one the
** schema builder's foreign keys use), the wall clock in milliseconds
** (uuid7 and ulid) and the system's random bytes (uuid, ulid, random).
*/
#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "lmigrate.h"
#include "lm_schema.h"

/* core.plural(word), core.singular(word) -> the word inflected */
static int str_inflect (lua_State *L, void (*add) (luaL_Buffer *, const char *, size_t)) {
  size_t n;
  const char *w = luaL_checklstring(L, 1, &n);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  add(&b, w, n);
  luaL_pushresult(&b);
  return 1;
}

static int str_plural (lua_State *L) { return str_inflect(L, lm_addplural); }
static int str_singular (lua_State *L) { return str_inflect(L, lm_addsingular); }

/* core.unixms() -> milliseconds since 1970 (UTC), an integer */
static int str_unixms (lua_State *L) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  lua_pushinteger(L, (lua_Integer)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
  return 1;
}

/* core.random_bytes(n) -> n bytes of the system's randomness (getrandom) */
static int str_random_bytes (lua_State *L) {
  lua_Integer n = luaL_checkinteger(L, 1);
  luaL_Buffer b;
  char *p;
  size_t got = 0;
  luaL_argcheck(L, n >= 0 && n <= 65536, 1, "0 to 65536 bytes");
  p = luaL_buffinitsize(L, &b, (size_t)n);
  while (got < (size_t)n) {
    ssize_t r = getrandom(p + got, (size_t)n - got, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      return luaL_error(L, "lmigrate: no random bytes: %s", strerror(errno));
    }
    got += (size_t)r;
  }
  luaL_pushresultsize(&b, (size_t)n);
  return 1;
}

static const luaL_Reg funcs[] = {
  {"plural", str_plural},
  {"singular", str_singular},
  {"unixms", str_unixms},
  {"random_bytes", str_random_bytes},
  {NULL, NULL}
};

int lm_open_str (lua_State *L) {
  luaL_setfuncs(L, funcs, 0);
  return 0;
}
