/*
** query_json.c
** The query builder's JSON paths, after Laravel's: a column written
** "options->a->b" (the column, then a key for each "->", a key followed
** by "[n]" indexes into an array) reads that value of a JSON column, in
** select, where, order_by and group_by, as each dialect does:
**   MySQL       json_unquote(json_extract(`options`, '$."a"."b"'))
**   SQLite      json_extract("options", '$."a"."b"')
**   PostgreSQL  "options"->'a'->>'b'
** where_json_contains, where_json_length and where_json_contains_key read
** the value as JSON, and
** where(path, true | false) compares it with a JSON boolean. A key must
** be written in the path's quotes as it is: one with a quote, a
** backslash or a bracket raises.
*/
#include "query.h"

/* the first "->" of s..e, or NULL */
const char *lmq_jsonarrow (const char *s, const char *e) {
  const char *p;
  for (p = s; p + 1 < e; p++)
    if (p[0] == '-' && p[1] == '>') return p;
  return NULL;
}

/* the end of the key of the segment s..e: its first '[', which must begin [digits] indexes to e */
static const char *keyend (Q *q, const char *s, const char *e) {
  const char *k, *p;
  for (k = s; k < e && *k != '['; k++)
    if (*k == '\'' || *k == '"' || *k == '\\' || *k == ']' || *k == '`')
      lmq_error(q->s, "a JSON path's key must not contain quotes, backslashes or brackets");
  for (p = k; p < e; p++) {
    const char *d = ++p;
    while (p < e && *p >= '0' && *p <= '9') p++;
    if (p == d || p >= e || *p != ']' || (p + 1 < e && p[1] != '['))
      lmq_error(q->s, "a JSON path's index must be [digits], at the end of its part");
  }
  if (k == s && k == e) lmq_error(q->s, "a JSON path has an empty part");
  return k;
}

/* the next segment of the path at *p (before e): its start, its end in *se; NULL at the end */
static const char *segment (const char **p, const char *e, const char **se) {
  const char *s = *p, *arrow;
  if (s == NULL) return NULL;
  arrow = lmq_jsonarrow(s, e);
  *se = arrow ? arrow : e;
  *p = arrow ? arrow + 2 : NULL;
  return s;
}

/* MySQL's and SQLite's path literal of the keys p..e: '$."a"[0]."b"' */
static void addpathtext (Q *q, const char *p, const char *e) {
  const char *s, *se;
  addlit(q, "'$");
  while ((s = segment(&p, e, &se)) != NULL) {
    const char *k = keyend(q, s, se);
    if (k > s) {
      addlit(q, ".\"");
      lmq_addlstr(B(q), s, (size_t)(k - s));
      luaL_addchar(B(q), '"');
    }
    lmq_addlstr(B(q), k, (size_t)(se - k));
  }
  luaL_addchar(B(q), '\'');
}

/* PostgreSQL's accessor ->, or ->> for the last one when the value is read as text */
static void addaccessor (Q *q, int text) {
  if (text) addlit(q, "->>");
  else addlit(q, "->");
}

/* PostgreSQL's accessors of the keys p..e: ->'a'->0->'b' (the last ->> for 'text') */
static void addarrows (Q *q, const char *p, const char *e, int text) {
  const char *s, *se;
  while ((s = segment(&p, e, &se)) != NULL) {
    const char *k = keyend(q, s, se), *i;
    int num = 1;
    for (i = s; i < k; i++) num = num && *i >= '0' && *i <= '9';
    if (k > s) {   /* a key, or an index as Laravel takes "a->0" */
      addaccessor(q, text && p == NULL && k == se);
      if (!num) luaL_addchar(B(q), '\'');
      lmq_addlstr(B(q), s, (size_t)(k - s));
      if (!num) luaL_addchar(B(q), '\'');
    }
    for (i = k; i < se; i++) {   /* [n] is ->n; keyend checked each */
      const char *d = ++i;
      while (*i != ']') i++;
      addaccessor(q, text && p == NULL && i + 1 == se);
      lmq_addlstr(B(q), d, (size_t)(i - d));
    }
  }
}

/*
** The JSON path s..e whose first "->" is at 'arrow', as 'mode' reads it:
** LMQ_JSON_TEXT (the value as text), LMQ_JSON_BOOL (as JSON, to compare
** with a JSON boolean), LMQ_JSON_ARGS (MySQL's and SQLite's column,
** path arguments of a function; PostgreSQL's node, as JSON)
*/
void lmq_addjson (Q *q, const char *s, const char *arrow, const char *e, int mode) {
  const lm_QueryGrammar *qg = q->s->qg;
  if (arrow == s) lmq_error(q->s, "a JSON path needs its column before '->'");
  if (qg->json == LMQ_JSON_ARROWS) {
    if (mode == LMQ_JSON_BOOL) luaL_addchar(B(q), '(');
    lmq_adddotted(q, s, arrow);
    addarrows(q, arrow + 2, e, mode == LMQ_JSON_TEXT);
    if (mode == LMQ_JSON_BOOL) addlit(q, ")::jsonb");
    return;
  }
  if (mode == LMQ_JSON_TEXT && qg->json == LMQ_JSON_UNQUOTE) addlit(q, "json_unquote(");
  if (mode != LMQ_JSON_ARGS) addlit(q, "json_extract(");
  lmq_adddotted(q, s, arrow);
  addlit(q, ", ");
  addpathtext(q, arrow + 2, e);
  if (mode != LMQ_JSON_ARGS) luaL_addchar(B(q), ')');
  if (mode == LMQ_JSON_TEXT && qg->json == LMQ_JSON_UNQUOTE) luaL_addchar(B(q), ')');
}

/* a JSON boolean as the dialect writes it: true, false; PostgreSQL's 'true'::jsonb */
void lmq_addjsonbool (Q *q, int b) {
  if (q->s->qg->json == LMQ_JSON_ARROWS) {
    if (b) addlit(q, "'true'::jsonb");
    else addlit(q, "'false'::jsonb");
  }
  else if (b) addlit(q, "true");
  else addlit(q, "false");
}

/* a JSON function's column or path s..e: F, 'P' (PostgreSQL: F->'a'); without "->", the column */
static void addnode (Q *q, const char *s, const char *e) {
  const char *arrow = lmq_jsonarrow(s, e);
  if (arrow) lmq_addjson(q, s, arrow, e, LMQ_JSON_ARGS);
  else lmq_adddotted(q, s, e);
}

/*
** where_json_contains(path, value) on the path 'a', its value read
** (lmq_popvalue's 'vkind' and 'raw': on SQLite the value itself, which
** json_each's values are compared with; else its JSON text)
*/
void lmq_addjsoncontains (Q *q, const Ident *a, int negate, int vkind, const char *raw) {
  const char *e = a->s + a->len, *arrow = lmq_jsonarrow(a->s, e);
  if (negate) addlit(q, "NOT ");
  switch (q->s->qg->json) {
    case LMQ_JSON_ARROWS:
      luaL_addchar(B(q), '(');
      addnode(q, a->s, e);
      addlit(q, ")::jsonb @> ");
      lmq_writevalue(q, vkind, raw);
      break;
    case LMQ_JSON_UNQUOTE:
      addlit(q, "json_contains(");
      lmq_adddotted(q, a->s, arrow ? arrow : e);
      addlit(q, ", ");
      lmq_writevalue(q, vkind, raw);
      if (arrow) {
        addlit(q, ", ");
        addpathtext(q, arrow + 2, e);
      }
      luaL_addchar(B(q), ')');
      break;
    default:
      addlit(q, "exists (select 1 from json_each(");
      addnode(q, a->s, e);
      addlit(q, ") where \"json_each\".\"value\" is ");
      lmq_writevalue(q, vkind, raw);
      luaL_addchar(B(q), ')');
      break;
  }
}

/* where_json_length(path, op, n): the length of the array at the path 'a', before its op */
void lmq_addjsonlength (Q *q, const Ident *a) {
  const char *e = a->s + a->len;
  switch (q->s->qg->json) {
    case LMQ_JSON_ARROWS:
      addlit(q, "jsonb_array_length((");
      addnode(q, a->s, e);
      addlit(q, ")::jsonb)");
      break;
    case LMQ_JSON_UNQUOTE:
      addlit(q, "json_length(");
      addnode(q, a->s, e);
      luaL_addchar(B(q), ')');
      break;
    default:
      addlit(q, "json_array_length(");
      addnode(q, a->s, e);
      luaL_addchar(B(q), ')');
      break;
  }
}

/*
** where_json_contains_key(path): whether the path 'a' is there, as
** Laravel's grammars: MySQL ifnull(json_contains_path(c, 'one', '$."a"'),
** 0); SQLite json_type(c, '$."a"') is not null; PostgreSQL coalesce((c->'a')::jsonb
** ?? 'b', false) for a key, and for an index (a last part "n" or "k[n]")
** case when jsonb_typeof(node) = 'array' then jsonb_array_length(node) >=
** n + 1 else false end
*/
void lmq_addjsoncontainskey (Q *q, const Ident *a, int negate) {
  const char *s = a->s, *e = s + a->len, *arrow = lmq_jsonarrow(s, e);
  const char *last, *p, *seg, *node, *index = NULL, *iend = e;
  if (arrow == NULL || a->raw)
    lmq_error(q->s, "expects a JSON path (\"column->key\"), got '%s'", s);
  if (arrow == s) lmq_error(q->s, "a JSON path needs its column before '->'");
  if (negate) addlit(q, "NOT ");
  if (q->s->qg->json != LMQ_JSON_ARROWS) {
    int mysql = q->s->qg->json == LMQ_JSON_UNQUOTE;
    if (mysql) addlit(q, "ifnull(json_contains_path(");
    else addlit(q, "json_type(");
    lmq_adddotted(q, s, arrow);
    if (mysql) addlit(q, ", 'one'");
    addlit(q, ", ");
    addpathtext(q, arrow + 2, e);
    if (mysql) addlit(q, "), 0)");
    else addlit(q, ") is not null");
    return;
  }
  for (last = arrow; (p = lmq_jsonarrow(last + 2, e)) != NULL; last = p) {}
  seg = last + 2;
  keyend(q, seg, e);   /* checks the part */
  node = last;
  if (e[-1] == ']') {   /* "k[n]": the node "...k", the index n */
    for (p = e - 1; *p != '['; p--) {}
    node = p;
    index = p + 1;
    iend = e - 1;
  }
  else {
    for (p = seg; p < e && *p >= '0' && *p <= '9'; p++) {}
    if (p == e) index = seg;   /* "...->n" */
  }
  if (index != NULL) {
    lua_Integer n = 0;
    if (iend - index > 18) lmq_error(q->s, "a JSON path's index is too large");
    for (p = index; p < iend; p++) n = n * 10 + (*p - '0');
    addlit(q, "case when jsonb_typeof((");
    addnode(q, s, node);
    addlit(q, ")::jsonb) = 'array' then jsonb_array_length((");
    addnode(q, s, node);
    lmq_addint(q, ")::jsonb) >= ", n + 1);
    addlit(q, " else false end");
    return;
  }
  addlit(q, "coalesce((");
  addnode(q, s, node);
  if (q->s->g->sql->flags & LM_SQL_QQ) addlit(q, ")::jsonb ?? '");
  else addlit(q, ")::jsonb ? '");
  lmq_addlstr(B(q), seg, (size_t)(e - seg));
  addlit(q, "', false)");
}

/*
** {======================================================
** update() of JSON paths
** =======================================================
*/

/* PostgreSQL's path of jsonb_set, the keys p..e: '{"a","0"}' ([0] is "0") */
static void addpatharray (Q *q, const char *p, const char *e) {
  const char *s, *se;
  int first = 1;
  addlit(q, "'{");
  while ((s = segment(&p, e, &se)) != NULL) {
    const char *k = keyend(q, s, se), *i;
    if (k > s) {
      if (!first) luaL_addchar(B(q), ',');
      first = 0;
      luaL_addchar(B(q), '"');
      lmq_addlstr(B(q), s, (size_t)(k - s));
      luaL_addchar(B(q), '"');
    }
    for (i = k; i < se; i++) {
      const char *d = ++i;
      while (*i != ']') i++;
      if (!first) luaL_addchar(B(q), ',');
      first = 0;
      luaL_addchar(B(q), '"');
      lmq_addlstr(B(q), d, (size_t)(i - d));
      luaL_addchar(B(q), '"');
    }
  }
  addlit(q, "}'");
}

/* the column (and key) of set 'j' of the list 'sets' (its column at j), which lives in it */
static const char *setcolumn (Q *q, int sets, lua_Integer j, size_t *len) {
  lua_State *L = q->s->L;
  const char *col;
  lua_rawgeti(L, sets, j);
  col = lua_tolstring(L, -1, len);
  if (lua_type(L, -1) != LUA_TSTRING || *len == 0) lmq_error(q->s, "a column to set must be a name");
  lua_pop(L, 1);
  return col;
}

/* the value of set 'j', JSON text (query_run.lua's sets_of) bound, or lmigrate.raw's SQL */
static void addsetvalue (Q *q, int sets, lua_Integer j, const char *col) {
  const lm_QueryGrammar *qg = q->s->qg;
  const char *raw = NULL;
  int vkind;
  lua_rawgeti(q->s->L, sets, j + 1);
  vkind = lmq_popvalue(q, &raw);
  if (vkind == 0) lmq_badvalue(q, "the value of '%s'", col);
  if (vkind == 1 && qg->json == LMQ_JSON_UNQUOTE) addlit(q, "json_extract(?, '$')");
  else if (vkind == 1 && qg->json == LMQ_JSON_EXTRACT) addlit(q, "json(?)");
  else lmq_writevalue(q, vkind, raw);
}

/*
** update({ ["c->a"] = v, ["c->b"] = w }): the sets from i (of n, in
** threes: column, value, op) whose column is the path of the same column
** as set i's, whose "->" is at 'arrow', in one assignment of the column:
** c = json_set(c, '$."a"', json(?), ...) (MySQL: json_extract(?, '$'));
** PostgreSQL c = jsonb_set(jsonb_set(c::jsonb, '{"a"}', ?), '{"b"}', ?).
** A NULL column stays NULL, as Laravel's. Returns the set after them.
*/
lua_Integer lmq_addjsonset (Q *q, int sets, lua_Integer i, lua_Integer n, const char *col,
                            const char *arrow) {
  const char *field = col, *dot;
  size_t plen = (size_t)(arrow - col) + 2, len;
  lua_Integer j, end = i;
  int arrows = q->s->qg->json == LMQ_JSON_ARROWS;
  for (j = 1; j <= n; j += 3) {
    const char *c = setcolumn(q, sets, j, &len);
    if (len + 2 == plen && memcmp(c, col, len) == 0)
      lmq_error(q->s, "update() sets '%s' and a JSON path in it", c);
    if (j >= i && j == end && len > plen && memcmp(c, col, plen) == 0) end = j + 3;
  }
  for (dot = col; dot < arrow && !q->s->qg->qualified_set; dot++)
    if (*dot == '.') field = dot + 1;
  lmq_adddotted(q, field, arrow);
  addlit(q, " = ");
  if (arrows) {
    for (j = i; j < end; j += 3) addlit(q, "jsonb_set(");
    lmq_adddotted(q, field, arrow);
    addlit(q, "::jsonb");
  }
  else {
    addlit(q, "json_set(");
    lmq_adddotted(q, field, arrow);
  }
  for (j = i; j < end; j += 3) {
    const char *c = setcolumn(q, sets, j, &len);
    lua_rawgeti(q->s->L, sets, j + 2);
    if (lua_toboolean(q->s->L, -1)) lmq_error(q->s, "'%s' is a JSON path: it cannot be stepped", c);
    lua_pop(q->s->L, 1);
    addlit(q, ", ");
    if (arrows) addpatharray(q, c + plen, c + len);
    else addpathtext(q, c + plen, c + len);
    addlit(q, ", ");
    addsetvalue(q, sets, j, c);
    if (arrows) luaL_addchar(B(q), ')');
  }
  if (!arrows) luaL_addchar(B(q), ')');
  return end;
}

/* }====================================================== */
