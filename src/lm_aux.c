/*
** lm_aux.c
** Helpers every part of the core shares: the two error channels, name
** checks, the only two ways SQL text gets user strings into it, and the
** metatables of the userdata.
*/
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

const char *lm_pushnumtext (lua_State *L, int idx) {
  char buf[LM_NUMBUF];
  size_t len;
  if (lua_isinteger(L, idx))
    return lua_pushfstring(L, "%I", (LUAI_UACINT)lua_tointeger(L, idx));
  len = lm_numtext(buf, lua_tonumber(L, idx));
  return lua_pushlstring(L, buf, len);
}

/*
** Appends 'name' as an identifier quoted with 'q', the quote doubled
** inside (SQLite's %w): "user""s"
*/
void lm_quote_ident (luaL_Buffer *b, const char *name, char q) {
  lm_quote_identn(b, name, strlen(name), q);
}

void lm_quote_identn (luaL_Buffer *b, const char *name, size_t len, char q) {
  const char *p, *end = name + len;
  luaL_addchar(b, q);
  for (p = name; p < end; p++) {
    if (*p == q) luaL_addchar(b, q);
    luaL_addchar(b, *p);
  }
  luaL_addchar(b, q);
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
** __index of a method table: the method was not found. Upvalue 1 names
** the kind of object ("blueprint"); 2 is the key.
*/
static int unknownmethod (lua_State *L) {
  return luaL_error(L, "unknown %s method '%s'",
                    lua_tostring(L, lua_upvalueindex(1)),
                    luaL_tolstring(L, 2, NULL));
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
