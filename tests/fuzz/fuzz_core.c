/*
** fuzz_core.c
** A libFuzzer target over lmigrate's C core as Lua sees it: each input is
** decoded into a Blueprint (its table and mode) and a sequence of method
** calls on it and on the Column and Foreign handles they return (every
** method found in the metatables, so methods added later are fuzzed
** too), with arguments of every Lua type; the blueprint is then compiled
** by every grammar. The same bytes go through the SQL scanner of each
** dialect (lm_sqltoken, core.tokenize, core.statement_heads,
** g:interpolate). Lua errors are the API's answer to misuse and are
** fine; a crash, a sanitizer report or a broken scanner invariant is not.
**
** Built by cmake/Probes.cmake with clang -fsanitize=fuzzer,address,undefined.
*/
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lua.h"
#include "lauxlib.h"
#include "lualib.h"
#include "lmigrate.h"

int luaopen_lmigrate_core (lua_State *L);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define MAXOPS     64          /* method calls per input */
#define MAXOBJS    16          /* handles kept to call methods on */
#define MAXMEM     (64u << 20) /* what one input's Lua state may allocate */

typedef struct In { const uint8_t *p, *end; } In;

static unsigned byte (In *in) {
  return in->p < in->end ? *in->p++ : 0;
}

/* an allocator that refuses past MAXMEM: huge inputs fail as Lua errors */
static void *limited (void *ud, void *ptr, size_t osize, size_t nsize) {
  size_t *used = (size_t *)ud;
  if (ptr == NULL) osize = 0;
  if (nsize == 0) {
    free(ptr);
    *used -= osize;
    return NULL;
  }
  if (nsize > osize && *used + (nsize - osize) > MAXMEM) return NULL;
  ptr = realloc(ptr, nsize);
  if (ptr != NULL) *used = *used - osize + nsize;
  return ptr;
}

/* names that mean something to the grammars, and some that should not */
static const char *const words[] = {
  "id", "name", "users", "email", "user_id", "posts", "created_at", "a b", "",
  "x\"y", "it's", "`t`", "[t]", "CASCADE", "set null", "restrict", "cascade",
  "no action", "?", "$1", "--", "/*", "utf8mb4", "english", "a;b",
  "verylongname_verylongname_verylongname_verylongname_verylongname_x"
};
#define NWORDS (sizeof words / sizeof words[0])

static void pushstr (lua_State *L, In *in) {
  size_t n = byte(in) % 24, avail = (size_t)(in->end - in->p);
  if (n > avail) n = avail;
  lua_pushlstring(L, (const char *)in->p, n);
  in->p += n;
}

static void pushvalue (lua_State *L, In *in, int core, int depth);

/* a list of 0-3 values, or an options table ({ where = ..., name = ... }) */
static void pushtable (lua_State *L, In *in, int core, int depth) {
  int i, n = (int)(byte(in) % 4);
  lua_createtable(L, n, 0);
  for (i = 1; i <= n; i++) {
    pushvalue(L, in, core, depth + 1);
    lua_rawseti(L, -2, i);
  }
  if (byte(in) % 4 == 0) {
    lua_pushstring(L, words[byte(in) % NWORDS]);
    pushvalue(L, in, core, depth + 1);
    lua_rawset(L, -3);
  }
}

static void pushvalue (lua_State *L, In *in, int core, int depth) {
  lua_Integer big = 0;
  int i;
  switch (byte(in) % 11) {
    case 0: lua_pushnil(L); break;
    case 1: lua_pushboolean(L, byte(in) & 1); break;
    case 2: lua_pushinteger(L, (lua_Integer)(int8_t)byte(in)); break;
    case 3:
      for (i = 0; i < 8; i++) big = (lua_Integer)(((lua_Unsigned)big << 8) | byte(in));
      lua_pushinteger(L, big);
      break;
    case 4: {
      static const double special[] = { 0.5, -1.5, 1e300, -0.0, 3.25 };
      unsigned k = byte(in);
      lua_pushnumber(L, k < 5 ? special[k] : (k == 5 ? (double)NAN : (double)k / 7.0));
      break;
    }
    case 5: pushstr(L, in); break;
    case 6: case 7: lua_pushstring(L, words[byte(in) % NWORDS]); break;
    case 8:
      if (depth < 2) pushtable(L, in, core, depth);
      else lua_pushnil(L);
      break;
    case 9: lua_getfield(L, core, "null"); break;
    default:  /* a Raw: lmigrate.raw("...") */
      lua_getfield(L, core, "raw");
      pushstr(L, in);
      if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
        lua_pop(L, 1);
        lua_pushstring(L, "CURRENT_TIMESTAMP");
      }
      break;
  }
}

/* the sorted names of the methods of metatable 'tname' -> a list on the stack */
static void pushmethods (lua_State *L, const char *tname) {
  int n = 0;
  luaL_getmetatable(L, tname);
  lua_getfield(L, -1, "__index");
  lua_newtable(L);
  lua_pushnil(L);
  while (lua_next(L, -3) != 0) {
    lua_pop(L, 1);
    if (lua_type(L, -1) == LUA_TSTRING) {
      lua_pushvalue(L, -1);
      lua_rawseti(L, -3, ++n);
    }
  }
  lua_remove(L, -2);
  lua_remove(L, -2);
  /* table.sort: the same input calls the same method on every run */
  lua_getglobal(L, "table");
  lua_getfield(L, -1, "sort");
  lua_remove(L, -2);
  lua_pushvalue(L, -2);
  lua_call(L, 1, 0);
}

/* calls a method of the object at objs[k] with arguments from 'in' */
static void call (lua_State *L, In *in, int core, int objs, int nobjs,
                  const int *methods) {
  static const char *const types[] = { LM_BLUEPRINT, LM_COLUMN, LM_FOREIGN };
  int k = (int)(byte(in) % (unsigned)nobjs) + 1, t, i, argc, list, n;
  lua_rawgeti(L, objs, k);
  for (t = 0; t < 2 && luaL_testudata(L, -1, types[t]) == NULL; t++) {}
  list = methods[t];
  n = (int)lua_rawlen(L, list);
  if (n == 0) { lua_pop(L, 1); return; }
  lua_rawgeti(L, list, (lua_Integer)(byte(in) % (unsigned)n) + 1);
  lua_gettable(L, -2);          /* obj[method] */
  lua_insert(L, -2);            /* method, obj */
  argc = (int)(byte(in) % 5);
  for (i = 0; i < argc; i++) pushvalue(L, in, core, 0);
  if (lua_pcall(L, argc + 1, 1, 0) == LUA_OK
      && (luaL_testudata(L, -1, LM_COLUMN) || luaL_testudata(L, -1, LM_FOREIGN))
      && nobjs < MAXOBJS) {
    lua_rawseti(L, objs, nobjs + 1);
    return;
  }
  lua_pop(L, 1);
}

/* compiles the blueprint at objs[1] with every grammar, both ways */
static void compile (lua_State *L, int core, int objs) {
  static const char *const dialects[] = { "sqlite", "postgres", "mysql" };
  static const char *const how[] = { "to_sql", "rebuild_plan" };
  int d, h;
  for (d = 0; d < 3; d++) {
    for (h = 0; h < 2; h++) {
      lua_rawgeti(L, objs, 1);
      lua_getfield(L, -1, how[h]);
      lua_insert(L, -2);
      lua_getfield(L, core, "grammar");
      lua_pushstring(L, dialects[d]);
      lua_call(L, 1, 1);
      if (lua_pcall(L, 2, 0, 0) != LUA_OK) lua_pop(L, 1);
    }
  }
}

/* the scanner's invariants: every token advances and ends inside the text */
static void scan (lua_State *L, int core, const char *sql, size_t len) {
  static const lm_SqlRules *const rules[] = {
    &lm_sql_sqlite, &lm_sql_postgres, &lm_sql_mysql
  };
  static const char *const names[] = { "sqlite", "postgres", "mysql" };
  int d;
  for (d = 0; d < 3; d++) {
    const char *p = sql, *end = sql + len;
    int params = 0;
    lm_TokKind kind;
    while (p < end) {
      const char *e = lm_sqltoken(rules[d], sql, p, end, &kind);
      if (e <= p || e > end) abort();
      if (kind == LM_TK_PARAM) params++;
      p = e;
    }
    if (lm_sqlparams(rules[d], sql, len) != params) abort();
    lua_getfield(L, core, "statement_heads");
    lua_pushlstring(L, sql, len);
    lua_pushstring(L, names[d]);
    if (lua_pcall(L, 2, 0, 0) != LUA_OK) abort();  /* any text has heads */
    lua_getfield(L, core, "grammar");
    lua_pushstring(L, names[d]);
    lua_call(L, 1, 1);
    lua_getfield(L, -1, "interpolate");
    lua_insert(L, -2);
    lua_pushlstring(L, sql, len);
    lua_pushinteger(L, 1);
    lua_pushstring(L, "it's");
    if (lua_pcall(L, 4, 0, 0) != LUA_OK) lua_pop(L, 1);
  }
  lua_getfield(L, core, "tokenize");
  lua_pushlstring(L, sql, len);
  if (lua_pcall(L, 1, 0, 0) != LUA_OK) abort();
}

static int run (lua_State *L) {
  In in;
  int core, objs, ops, methods[3];
  size_t size = (size_t)lua_tointeger(L, 2);
  in.p = (const uint8_t *)lua_touserdata(L, 1);
  in.end = in.p + size;
  luaL_requiref(L, "lmigrate.core", luaopen_lmigrate_core, 0);
  core = lua_gettop(L);
  scan(L, core, (const char *)in.p, size);
  pushmethods(L, LM_BLUEPRINT); methods[0] = lua_gettop(L);
  pushmethods(L, LM_COLUMN); methods[1] = lua_gettop(L);
  pushmethods(L, LM_FOREIGN); methods[2] = lua_gettop(L);
  lua_newtable(L);
  objs = lua_gettop(L);
  lua_getfield(L, core, "blueprint");
  lua_pushstring(L, words[byte(&in) % NWORDS]);
  lua_pushstring(L, (const char *[]){ "create", "create_if_not_exists", "alter" }[byte(&in) % 3]);
  if (lua_pcall(L, 2, 1, 0) != LUA_OK) return 0;  /* an empty table name */
  lua_rawseti(L, objs, 1);
  for (ops = 0; ops < MAXOPS && in.p < in.end; ops++) {
    call(L, &in, core, objs, (int)lua_rawlen(L, objs), methods);
    if (byte(&in) % 16 == 0) compile(L, core, objs);
  }
  compile(L, core, objs);
  return 0;
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size) {
  size_t used = 0;
  lua_State *L = lua_newstate(limited, &used);
  if (L == NULL) return 0;
  luaL_openlibs(L);
  lua_pushcfunction(L, run);
  lua_pushlightuserdata(L, (void *)data);
  lua_pushinteger(L, (lua_Integer)size);
  lua_pcall(L, 2, 0, 0);  /* fails only when the memory cap is reached */
  lua_close(L);
  return 0;
}
