/*
** test_quote.c
** The only ways user strings get into SQL: lm_quote_ident, lm_quote_lit,
** each dialect's literal, and lm_addf's %I %L %T %C. Exits nonzero on
** the first mismatch.
*/
#include <stdio.h>
#include <string.h>

#include "lualib.h"
#include "grammar/grammar.h"

static int failures = 0;

static void expect (lua_State *L, const char *want, const char *what) {
  const char *got = lua_tostring(L, -1);
  if (strcmp(got, want) != 0) {
    fprintf(stderr, "%s: got [%s], want [%s]\n", what, got, want);
    failures++;
  }
  lua_pop(L, 1);
}

static void ident (lua_State *L, const char *name, char q, const char *want) {
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  lm_quote_ident(&b, name, q);
  luaL_pushresult(&b);
  expect(L, want, "lm_quote_ident");
}

static void literal (lua_State *L, const lm_Grammar *g, const char *s,
                     const char *want) {
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  g->literal(&b, s);
  luaL_pushresult(&b);
  expect(L, want, g->name);
}

/* lm_addf on a blueprint-less context, one statement, pushed */
static void format (lua_State *L, const lm_Grammar *g, const lm_Blueprint *bp,
                    const char *want) {
  static const char *const cols[] = {"a", "b\"`c"};
  lm_Ctx c;
  c.L = L; c.g = g; c.bp = bp; c.n = 0;
  lua_newtable(L);
  c.list = lua_gettop(L);
  lm_stmt(&c, "%I %L %T (%C) %s %d%%", "x\"`y", "it's \\", cols, 2, "RAW", -42);
  lua_rawgeti(L, c.list, 1);
  lua_remove(L, -2);
  expect(L, want, "lm_addf");
}

int main (void) {
  lua_State *L = luaL_newstate();
  lm_Blueprint bp;
  memset(&bp, 0, sizeof(bp));
  bp.table = "t\"`";
  ident(L, "users", '"', "\"users\"");
  ident(L, "a\"b", '"', "\"a\"\"b\"");
  ident(L, "a`b", '`', "`a``b`");
  ident(L, "", '"', "\"\"");
  literal(L, &lm_grammar_sqlite, "it's", "'it''s'");
  literal(L, &lm_grammar_postgres, "a\\b''", "'a\\b'''''");
  literal(L, &lm_grammar_mysql, "a\\b'", "'a\\\\b'''");
  format(L, &lm_grammar_sqlite, &bp,
         "\"x\"\"`y\" 'it''s \\' \"t\"\"`\" (\"a\", \"b\"\"`c\") RAW -42%");
  format(L, &lm_grammar_mysql, &bp,
         "`x\"``y` 'it''s \\\\' `t\"``` (`a`, `b\"``c`) RAW -42%");
  lua_close(L);
  if (failures == 0) printf("test_quote: ok\n");
  return failures != 0;
}
