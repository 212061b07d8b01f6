/*
** lm_aux.c
** Helpers every part of the core shares: the database error channel,
** name checks, and the only two ways SQL text gets user strings into it.
*/
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

const char *lm_checkname (lua_State *L, int arg) {
  size_t len;
  const char *s = luaL_checklstring(L, arg, &len);
  luaL_argcheck(L, len > 0, arg, "name must not be empty");
  luaL_argcheck(L, strlen(s) == len, arg, "name must not contain a NUL byte");
  return s;
}

/*
** Appends 'name' as an identifier quoted with 'q', the quote doubled
** inside (SQLite's %w): "user""s"
*/
void lm_quote_ident (luaL_Buffer *b, const char *name, char q) {
  const char *p;
  luaL_addchar(b, q);
  for (p = name; *p; p++) {
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
