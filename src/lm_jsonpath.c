/*
** lm_jsonpath.c
** The JSON selectors of virtual_as_json(sel) and stored_as_json(sel),
** read as Laravel's CompilesJsonPaths reads them: "meta->a->tags[0]" is
** the column meta and the path a, tags[0]. The blueprint keeps both forms
** the grammars write: the MySQL/SQLite path '$."a"."tags"[0]' and the
** PostgreSQL keys 'a', 'tags', 0 (meta -> 'a' -> 'tags' ->> 0).
*/
#include <string.h>

#include "lmigrate.h"
#include "lm_schema.h"


/* the length of the trailing [..][..] of segment s of n bytes; 0: none */
static size_t arraykeys (const char *s, size_t n) {
  size_t end = n;
  while (end > 0 && s[end - 1] == ']') {
    size_t i = end - 1;
    while (i > 0 && s[i - 1] != '[' && s[i - 1] != ']') i--;
    if (i == 0 || s[i - 1] != '[' || i == end - 1) break;   /* no "[x]" */
    end = i - 1;
  }
  return n - end;
}

/* Laravel's wrapJsonPathSegment: "a" -> "a", tags[0] -> "tags"[0], [0] -> [0] */
static void addsegment (luaL_Buffer *b, const char *s, size_t n) {
  size_t k = arraykeys(s, n);
  if (k < n) {
    luaL_addchar(b, '"');
    luaL_addlstring(b, s, n - k);
    luaL_addchar(b, '"');
  }
  luaL_addlstring(b, s + n - k, k);
}

/* appends the PostgreSQL keys of segment s (tags[0] -> tags, 0), no empty one */
static void addkeys (lua_State *L, lm_Blueprint *bp, const char *s, size_t n,
                     lm_JsonPath *jp) {
  size_t i = n - arraykeys(s, n), from = 0, len = i;
  for (;;) {
    if (len > 0) {
      lua_pushlstring(L, s + from, len);
      jp->keys[jp->nkeys++] = lm_bpstrdup(L, bp, lua_tostring(L, -1));
      lua_pop(L, 1);
    }
    if (i >= n) return;
    from = i + 1;   /* past '[' */
    for (i = from; s[i] != ']'; i++) {}
    len = i - from;
    i++;            /* past ']' */
  }
}

/* the segments of a path, separated by "->" */
static size_t seglen (const char *p) {
  const char *next = strstr(p, "->");
  return next ? (size_t)(next - p) : strlen(p);
}

static const char *nextsegment (const char *p) {
  const char *next = strstr(p, "->");
  return next ? next + 2 : NULL;
}

/*
** Fills 'jp' from the selector 'sel' and returns 1; returns 0 when 'sel'
** has no "->": Laravel then uses it as the expression itself
*/
int lm_jsonpath (lua_State *L, lm_Blueprint *bp, const char *sel, lm_JsonPath *jp) {
  const char *arrow = strstr(sel, "->"), *p;
  luaL_Buffer b;
  size_t most = 1;
  if (arrow == NULL) return 0;
  memset(jp, 0, sizeof(*jp));
  lua_pushlstring(L, sel, (size_t)(arrow - sel));
  jp->field = lm_bpstrdup(L, bp, lua_tostring(L, -1));
  lua_pop(L, 1);
  luaL_buffinit(L, &b);
  luaL_addchar(&b, '$');
  for (p = arrow + 2; p != NULL; p = nextsegment(p)) {
    size_t n = seglen(p);
    if (!(p == arrow + 2 && *p == '[')) luaL_addchar(&b, '.');
    addsegment(&b, p, n);
  }
  luaL_pushresult(&b);
  jp->path = lm_bpstrdup(L, bp, lua_tostring(L, -1));
  lua_pop(L, 1);
  for (p = arrow + 2; *p; p++)   /* at most a key per segment and per '[' */
    most += (*p == '[' || (p[0] == '-' && p[1] == '>'));
  jp->keys = (const char **)lm_bpalloc(L, bp, most * sizeof(char *));
  for (p = arrow + 2; p != NULL; p = nextsegment(p))   /* no buffer open */
    addkeys(L, bp, p, seglen(p), jp);
  return 1;
}
