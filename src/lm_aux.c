/*
** lm_aux.c
** Helpers every part of the core shares: the two error channels, name
** checks, the only two ways SQL text gets user strings into it, and the
** metatables of the userdata.
*/
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lmigrate.h"

/*
** Environment and database failures are values, not errors:
** pushes nil, msg, code (code omitted when NULL)
*/
int lm_fail (lua_State *L, const char *msg, const char *code) {
  luaL_pushfail(L);
  lua_pushstring(L, msg != NULL ? msg : "unknown error");
  if (code == NULL) return 2;
  lua_pushstring(L, code);
  return 3;
}

/*
** What luaL_error does, in a function the compiler knows never returns
*/
void lm_error (lua_State *L, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  luaL_where(L, 1);
  lua_pushvfstring(L, fmt, ap);
  va_end(ap);
  lua_concat(L, 2);
  lua_error(L);
  abort();  /* not reached: lua_error does not return */
}

int lm_failparams (lua_State *L, int expected, int got) {
  luaL_pushfail(L);
  lua_pushfstring(L, "wrong number of parameters: the SQL takes %d, got %d",
                  expected, got);
  return 2;
}

const char *lm_checkname (lua_State *L, int arg) {
  size_t len;
  const char *s = luaL_checklstring(L, arg, &len);
  luaL_argcheck(L, len > 0, arg, "name must not be empty");
  luaL_argcheck(L, strlen(s) == len, arg, "name must not contain a NUL byte");
  return s;
}

size_t lm_numtext (char *buf, lua_Number x) {
  char *p;
  int prec;
  if (isnan(x)) return (size_t)snprintf(buf, LM_NUMBUF, "NaN");
  if (isinf(x))
    return (size_t)snprintf(buf, LM_NUMBUF, x > 0 ? "Infinity" : "-Infinity");
  for (prec = 15; prec < 17; prec++) {
    snprintf(buf, LM_NUMBUF, "%.*g", prec, (double)x);
    if ((lua_Number)strtod(buf, NULL) == x) break;
  }
  if (prec == 17) snprintf(buf, LM_NUMBUF, "%.17g", (double)x);  /* always exact */
  for (p = buf; *p; p++)
    if (*p == ',') *p = '.';  /* a locale's decimal comma */
  return (size_t)(p - buf);
}

/*
** An integer's decimal digits, by hand: the query builder writes one into
** every LIMIT, where snprintf's format parsing cost more than the rest of
** the clause
*/
size_t lm_inttext (char *buf, lua_Integer v) {
  char tmp[LM_NUMBUF];
  size_t n = 0, len = 0;
  lua_Unsigned u = (v < 0) ? 0u - (lua_Unsigned)v : (lua_Unsigned)v;
  do {
    tmp[n++] = (char)('0' + (int)(u % 10));
    u /= 10;
  } while (u > 0);
  if (v < 0) buf[len++] = '-';
  while (n > 0) buf[len++] = tmp[--n];
  buf[len] = '\0';
  return len;
}

const char *lm_pushnumtext (lua_State *L, int idx) {
  char buf[LM_NUMBUF];
  size_t len;
  if (lua_isinteger(L, idx)) len = lm_inttext(buf, lua_tointeger(L, idx));
  else len = lm_numtext(buf, lua_tonumber(L, idx));
  return lua_pushlstring(L, buf, len);
}

/*
** Appends 'name' as an identifier quoted with 'q', the quote doubled
** inside (SQLite's %w): "user""s"
*/
void lm_quote_ident (luaL_Buffer *b, const char *name, char q) {
  lm_quote_identn(b, name, strlen(name), q);
}

/*
** Into room made once for the worst case (every byte a quote), not added
** byte by byte: one size check for the name in place of two a byte
*/
void lm_quote_identn (luaL_Buffer *b, const char *name, size_t len, char q) {
  const char *p, *end = name + len;
  char *w, *w0;
  if (len > ((size_t)-1 - 2) / 2) luaL_error(b->L, "a name too long to quote");
  w = w0 = luaL_prepbuffsize(b, 2 * len + 2);
  *w++ = q;
  for (p = name; p < end; p++) {
    if (*p == q) *w++ = q;
    *w++ = *p;
  }
  *w++ = q;
  luaL_addsize(b, (size_t)(w - w0));
}

/*
** Appends 's' as a string literal, single quotes doubled (SQLite's %Q).
*/
void lm_quote_lit (luaL_Buffer *b, const char *s) {
  const char *p;
  luaL_addchar(b, '\'');
  for (p = s; *p; p++) {
    if (*p == '\'') luaL_addchar(b, '\'');
    luaL_addchar(b, *p);
  }
  luaL_addchar(b, '\'');
}


/*
** {======================================================
** Metatables
** =======================================================
*/

/*
** The edit distance of 'a' and 'b', letters compared without case
** (optimal string alignment: a swap of neighbours is one edit), for the
** "did you mean" of an unknown method; names longer than MAXNAME are
** too far from everything.
*/
#define MAXNAME 48

static int editdistance (const char *a, size_t la, const char *b, size_t lb) {
  int d[MAXNAME + 1][MAXNAME + 1];
  size_t i, j;
  if (la > MAXNAME || lb > MAXNAME) return MAXNAME;
  for (i = 0; i <= la; i++) d[i][0] = (int)i;
  for (j = 0; j <= lb; j++) d[0][j] = (int)j;
  for (i = 1; i <= la; i++) {
    for (j = 1; j <= lb; j++) {
      int ca = tolower((unsigned char)a[i - 1]), cb = tolower((unsigned char)b[j - 1]);
      int v = d[i - 1][j - 1] + (ca != cb);
      if (d[i - 1][j] + 1 < v) v = d[i - 1][j] + 1;
      if (d[i][j - 1] + 1 < v) v = d[i][j - 1] + 1;
      if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2])
          && tolower((unsigned char)a[i - 2]) == cb && d[i - 2][j - 2] + 1 < v)
        v = d[i - 2][j - 2] + 1;
      d[i][j] = v;
    }
  }
  return d[la][lb];
}

/* Laravel's camelCase name in snake_case (foreignId -> foreign_id) */
static void snakename (const char *s, char *out, size_t size) {
  size_t n = 0;
  for (; *s && n + 2 < size; s++) {
    unsigned char c = (unsigned char)*s;
    if (isupper(c) && n > 0 && out[n - 1] != '_') out[n++] = '_';
    out[n++] = (char)tolower(c);
  }
  out[n] = '\0';
}

/*
** The nearest method of the method table at index 1 to 'key': the one
** 'key' is the camelCase of, else the nearest within a third of its
** letters (at least one); ties go to the first in byte order. -> name or NULL
*/
static const char *nearestmethod (lua_State *L, const char *key) {
  char snake[2 * MAXNAME + 2];
  const char *best = NULL;
  size_t lk = strlen(key);
  int bestd = MAXNAME, limit = (int)(lk / 3) < 1 ? 1 : (int)(lk / 3);
  snakename(key, snake, sizeof snake);
  lua_pushnil(L);
  while (lua_next(L, 1) != 0) {
    lua_pop(L, 1);
    if (lua_type(L, -1) == LUA_TSTRING) {
      size_t ln;
      const char *name = lua_tolstring(L, -1, &ln);
      int d = strcmp(name, snake) == 0 ? -1 : editdistance(key, lk, name, ln);
      if (d < bestd || (d == bestd && best != NULL && strcmp(name, best) < 0)) {
        bestd = d;
        best = name;   /* a key of the table at index 1: stays alive */
      }
    }
  }
  return (best != NULL && bestd <= limit && bestd < (int)lk) ? best : NULL;
}

/*
** __index of a method table: the method was not found. Upvalue 1 names
** the kind of object ("blueprint"); 1 is the method table, 2 the key.
*/
static int unknownmethod (lua_State *L) {
  const char *what = lua_tostring(L, lua_upvalueindex(1));
  const char *key = luaL_tolstring(L, 2, NULL);
  const char *near = lua_type(L, 2) == LUA_TSTRING ? nearestmethod(L, key) : NULL;
  if (near != NULL)
    return luaL_error(L, "unknown %s method '%s' (did you mean '%s'?)", what, key, near);
  return luaL_error(L, "unknown %s method '%s'", what, key);
}

/*
** The methods are a plain table, __index of the metatable, so that
** lm_addmethods finds them; an unknown one is caught by the method
** table's own metatable.
*/
void lm_createmeta (lua_State *L, const char *tname, const luaL_Reg *meta,
                    const luaL_Reg *meth, const char *what) {
  luaL_newmetatable(L, tname);
  if (meta != NULL) luaL_setfuncs(L, meta, 0);
  if (meth != NULL) {
    lua_newtable(L);
    luaL_setfuncs(L, meth, 0);
    if (what != NULL) {
      lua_createtable(L, 0, 1);
      lua_pushstring(L, what);
      lua_pushcclosure(L, unknownmethod, 1);
      lua_setfield(L, -2, "__index");
      lua_setmetatable(L, -2);
    }
    lua_setfield(L, -2, "__index");
  }
  lua_pop(L, 1);
}

void lm_addmethods (lua_State *L, const char *tname, const luaL_Reg *meth) {
  luaL_getmetatable(L, tname);
  lua_getfield(L, -1, "__index");
  luaL_setfuncs(L, meth, 0);
  lua_pop(L, 2);
}

/* }====================================================== */
