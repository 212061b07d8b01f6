/*
** lm_names.c
** The English the schema builder speaks to name things as Laravel does:
** plurals and singulars (constrained() guesses a table from a column,
** foreign_id_for a column from a table) and a model's foreign key column.
*/
#include <string.h>

#include "lmigrate.h"
#include "lm_schema.h"

/*
** {======================================================
** Plural and singular
** =======================================================
*/

/* the plural of 'word' of 'n' bytes, English's regular rules */
void lm_addplural (luaL_Buffer *b, const char *word, size_t n) {
  char last = '\0', prev = '\0';
  if (n > 0) last = word[n - 1];
  if (n > 1) prev = word[n - 2];
  if (last == 'y' && n > 1 && strchr("aeiou", prev) == NULL) {
    luaL_addlstring(b, word, n - 1);
    luaL_addstring(b, "ies");
    return;
  }
  luaL_addlstring(b, word, n);
  if (strchr("sxz", last) != NULL || (last == 'h' && strchr("cs", prev) != NULL))
    luaL_addstring(b, "es");
  else
    luaL_addchar(b, 's');
}

/* 'word' of 'n' bytes ends with 'suffix' */
static int endswith (const char *word, size_t n, const char *suffix) {
  size_t k = strlen(suffix);
  return n > k && memcmp(word + n - k, suffix, k) == 0;
}

/*
** The singular of 'word' of 'n' bytes, the regular rules read backwards:
** categories -> category, addresses -> address, boxes -> box, users ->
** user; a word not ending in 's' (or ending in ss, us, is) stays
*/
void lm_addsingular (luaL_Buffer *b, const char *word, size_t n) {
  static const char *const es[] = {"sses", "xes", "zzes", "ches", "shes", NULL};
  int i;
  if (endswith(word, n, "ies")) {
    luaL_addlstring(b, word, n - 3);
    luaL_addchar(b, 'y');
    return;
  }
  for (i = 0; es[i] != NULL; i++) {
    if (endswith(word, n, es[i])) {
      luaL_addlstring(b, word, n - 2);
      return;
    }
  }
  if (endswith(word, n, "s") && !endswith(word, n, "ss") &&
      !endswith(word, n, "us") && !endswith(word, n, "is"))
    n--;
  luaL_addlstring(b, word, n);
}

/* }====================================================== */


/*
** The foreign key column of a model or table at 'arg', Laravel's
** getForeignKey(): the snake_case name of the model, singular, "_id":
** "User" and "App.Models.User" -> user_id, "BlogPost" -> blog_post_id,
** and a table name, all lowercase, made singular: "users" -> user_id
*/
const char *lm_modelkey (lua_State *L, lm_Blueprint *bp, int arg) {
  const char *model = lm_checkstr(L, arg, "model or table name"), *p;
  luaL_Buffer b;
  size_t i;
  int upper = 0;
  for (p = model; *p; p++) {   /* the class basename */
    if (*p == '\\' || *p == '.') model = p + 1;
  }
  luaL_argcheck(L, *model != '\0', arg, "model or table name expected");
  luaL_buffinit(L, &b);
  for (i = 0; model[i] != '\0'; i++) {
    char ch = model[i];
    if (ch >= 'A' && ch <= 'Z') {
      if (i > 0 && model[i - 1] != '_') luaL_addchar(&b, '_');
      luaL_addchar(&b, (char)(ch - 'A' + 'a'));
      upper = 1;
    }
    else luaL_addchar(&b, ch);
  }
  luaL_pushresult(&b);
  if (!upper) {   /* a table name */
    luaL_buffinit(L, &b);
    lm_addsingular(&b, lua_tostring(L, -2), lua_rawlen(L, -2));
    luaL_pushresult(&b);
    lua_remove(L, -2);
  }
  p = lm_bpstrdup(L, bp, lua_pushfstring(L, "%s_id", lua_tostring(L, -1)));
  lua_pop(L, 2);
  return p;
}

