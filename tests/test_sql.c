/*
** test_sql.c
** The SQL scanner of lm_sql.c, dialect by dialect: which '?' are
** placeholders (lm_sqlreplace, as the PostgreSQL driver and g:interpolate
** use it) and how a text is cut into tokens. Exits nonzero on the first
** mismatch.
*/
#include <stdio.h>
#include <string.h>

#include "lualib.h"
#include "lmigrate.h"

static int failures = 0;

typedef struct Case {
  const lm_SqlRules *r;
  const char *sql;
  const char *want;   /* with each placeholder written <n> */
  int n;              /* how many */
} Case;

static const Case cases[] = {
  /* PostgreSQL: the driver's rule */
  {&lm_sql_postgres, "a = ? AND b = ?", "a = <1> AND b = <2>", 2},
  {&lm_sql_postgres, "j ?? 'k' AND j ?| ?", "j ? 'k' AND j <1>| <2>", 2},
  {&lm_sql_postgres, "??? x", "?<1> x", 1},
  {&lm_sql_postgres, "/* why? */ ?", "/* why? */ <1>", 1},
  {&lm_sql_postgres, "/* a /* b? */ c? */ ?", "/* a /* b? */ c? */ <1>", 1},
  {&lm_sql_postgres, "$$a?b$$ || ?", "$$a?b$$ || <1>", 1},
  {&lm_sql_postgres, "$t$ ? $x$ ? $t$ ?", "$t$ ? $x$ ? $t$ <1>", 1},
  {&lm_sql_postgres, "E'it\\'s ?' || ?", "E'it\\'s ?' || <1>", 1},
  {&lm_sql_postgres, "x'\\' ?", "x'\\' <1>", 1},   /* no E: no escapes */
  {&lm_sql_postgres, "'it''s ?' ?", "'it''s ?' <1>", 1},
  {&lm_sql_postgres, "\"col?\" = ?", "\"col?\" = <1>", 1},
  {&lm_sql_postgres, "$1 + a$$b ?", "$1 + a$$b <1>", 1},
  {&lm_sql_postgres, "-- ?\n?", "-- ?\n<1>", 1},
  {&lm_sql_postgres, "`?`", "`<1>`", 1},
  {&lm_sql_postgres, "'unclosed ?", "'unclosed ?", 0},
  {&lm_sql_postgres, "$$unclosed ?", "$$unclosed ?", 0},
  /* SQLite */
  {&lm_sql_sqlite, "[a?] = ? AND `b?` = ? AND \"c?\" = ?",
                   "[a?] = <1> AND `b?` = <2> AND \"c?\" = <3>", 3},
  {&lm_sql_sqlite, "??", "<1><2>", 2},
  {&lm_sql_sqlite, "/* a /* ? */ ?", "/* a /* ? */ <1>", 1},
  {&lm_sql_sqlite, "$$?$$", "$$<1>$$", 1},
  {&lm_sql_sqlite, "'a\\' ?", "'a\\' <1>", 1},
  {&lm_sql_sqlite, "# ?", "# <1>", 1},
  /* MySQL */
  {&lm_sql_mysql, "'it\\'s ?' ?", "'it\\'s ?' <1>", 1},
  {&lm_sql_mysql, "\"a?\" `b?` ?", "\"a?\" `b?` <1>", 1},
  {&lm_sql_mysql, "# ?\n?", "# ?\n<1>", 1},
  {&lm_sql_mysql, "-- ?\n?", "-- ?\n<1>", 1},
  {&lm_sql_mysql, "1--? ?", "1--<1> <2>", 2},     /* no blank: not a comment */
  {&lm_sql_mysql, "--\t?", "--\t?", 0},
  {&lm_sql_mysql, "/* ? /* ? */ ? */", "/* ? /* ? */ <1> */", 1},
};

static void pushn (lua_State *L, int n, void *ud) {
  (void)ud;
  lua_pushfstring(L, "<%d>", n);
}

static void replace (lua_State *L, const Case *c) {
  int n = lm_sqlreplace(L, c->r, c->sql, strlen(c->sql), pushn, NULL);
  const char *got = lua_tostring(L, -1);
  if (n != c->n || strcmp(got, c->want) != 0
      || lm_sqlparams(c->r, c->sql, strlen(c->sql)) != c->n) {
    fprintf(stderr, "[%s]: got [%s] (%d), want [%s] (%d)\n", c->sql, got, n,
            c->want, c->n);
    failures++;
  }
  lua_pop(L, 1);
}

/* the kinds of the tokens of 'sql', a letter each: see 'letters' */
static void kinds (const lm_SqlRules *r, const char *sql, const char *want) {
  static const char letters[] = "scwitpq.";  /* in the order of lm_TokKind */
  char got[64];
  const char *p = sql, *end = sql + strlen(sql);
  size_t n = 0;
  lm_TokKind k;
  while (p < end && n < sizeof got - 1) {
    p = lm_sqltoken(r, sql, p, end, &k);
    got[n++] = letters[k];
  }
  got[n] = '\0';
  if (strcmp(got, want) != 0) {
    fprintf(stderr, "kinds of [%s]: got %s, want %s\n", sql, got, want);
    failures++;
  }
}

int main (void) {
  lua_State *L = luaL_newstate();
  size_t i;
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
    replace(L, &cases[i]);
  kinds(&lm_sql_postgres, "E'x' $$y$$ \"z\" w1 ? ?? ;", "tstsiswspsqs.");
  kinds(&lm_sql_postgres, "--a\n/*b*/x", "ccw");
  kinds(&lm_sql_sqlite, "[a] `b` 'c' 1x $y", "isistsws.w");
  kinds(&lm_sql_mysql, "#a\n\"b\"`c`", "cti");
  lua_close(L);
  if (failures == 0) printf("test_sql: ok\n");
  return failures != 0;
}
