/*
** query_where.c
** The query builder's WHERE, HAVING and ON clauses (query.c's compiler):
** the clause shapes query.c's header lists, each read whole from its
** table before it is written (the buffer must be at the top of the stack
** when it is added to), its values bound in order.
*/
#include "query.h"

/*
** {======================================================
** WHERE, HAVING and ON clauses
** =======================================================
*/
static void clausecolumn (Q *q, QField list, lua_Integer i, const char *f);
static void writewheres (Q *q);

/* the AND/OR before a clause, NULL for none */
static void addsep (Q *q, const char *sep) {
  if (sep) lmq_addlstr(B(q), sep, strlen(sep));
}

/* the integer at the top, written as such (where_integer_in_raw); pops it */
static void addinteger (Q *q, lua_Integer j) {
  lua_State *L = q->s->L;
  int isint;
  lua_Integer v = lua_tointegerx(L, -1, &isint);
  if (!isint || lua_type(L, -1) != LUA_TNUMBER)
    lmq_error(q->s, "value %d of the list is not an integer", (int)j);
  lua_pop(L, 1);
  lmq_addint(q, "", v);
}

/* the kinds of clause; those that lie flat are numbered in grammar.h */
typedef enum Kind {
  K_BASIC = LMQ_BASIC, K_SUB, K_IN = LMQ_IN, K_IN_INT = LMQ_IN_INT, K_NULL = LMQ_NULL,
  K_BETWEEN, K_COLUMN, K_RAW, K_NESTED, K_EXISTS, K_DATE, K_LIKE, K_JSON_CONTAINS,
  K_JSON_LENGTH, K_FULL_TEXT, K_VALUE_BETWEEN, K_JSON_CONTAINS_KEY, K_ROW_VALUES
} Kind;

static const char *const kinds[] = {
  "basic", "sub", "in", "in_int", "null", "between", "column", "raw",
  "nested", "exists", "date", "like", "json_contains", "json_length", "full_text",
  "value_between", "json_contains_key", "row_values", NULL
};

/*
** Binds the n values of the list at the top, all of them bound values
** (no lmigrate.raw): 1; else 0, none bound. Leaves the list.
*/
static int bindlist (Q *q, lua_Integer n) {
  lua_State *L = q->s->L;
  int list = lua_gettop(L);
  lua_Integer j;
  for (j = 1; j <= n; j++) {
    int tt = lua_rawgeti(L, list, j);
    int plain = tt == LUA_TBOOLEAN || tt == LUA_TNUMBER || tt == LUA_TSTRING ||
                (tt == LUA_TLIGHTUSERDATA && lm_isnull(L, -1));
    lua_pop(L, 1);
    if (!plain) return 0;
  }
  for (j = 1; j <= n; j++) {
    lua_rawgeti(L, list, j);
    lua_rawseti(L, q->s->binds, ++q->s->n);
  }
  return 1;
}

/*
** Pushes the list of values of clause i: the slot after the column of a
** flat clause ('listed', grammar.h), else the clause's "values"
*/
static void pushinvalues (Q *q, QField list, lua_Integer i, int listed) {
  if (listed) lmq_elem(q, list, i + 2);
  else lmq_part(q, list, i, "values");
}

/*
** The IN of clause i whose n values are at the top, its column read
** ('col'): "c" [NOT ]IN (?, ?); as Laravel, an empty list is 0 = 1 (never
** true) and for NOT IN 1 = 1. A list of bound values is bound while the
** clause is read; one with lmigrate.raw (or where_integer_in_raw's) is
** written value by value. Pops the list.
*/
static void addinlist (Q *q, QField list, lua_Integer i, const Ident *col,
                       int negate, int ints, int listed, const char *sep) {
  lua_State *L = q->s->L;
  lua_Integer j, n = lua_istable(L, -1) ? (lua_Integer)lua_rawlen(L, -1) : 0;
  int bound = n > 0 && !ints && bindlist(q, n);
  lua_pop(L, 1);
  addsep(q, sep);
  if (n == 0) {
    luaL_addstring(B(q), negate ? "1 = 1" : "0 = 1");
    return;
  }
  lmq_writeident(q, col, 0);
  if (bound) {
    if (negate) addlit(q, " NOT IN (?");
    else addlit(q, " IN (?");
    for (j = 2; j <= n; j++) addlit(q, ", ?");
    luaL_addchar(B(q), ')');
    return;
  }
  luaL_addstring(B(q), negate ? " NOT IN (" : " IN (");
  for (j = 1; j <= n; j++) {
    if (j > 1) addlit(q, ", ");
    pushinvalues(q, list, i, listed);
    lua_rawgeti(L, -1, j);
    lua_remove(L, -2);
    if (ints) addinteger(q, j);
    else if (!lmq_addvalue(q)) lmq_badvalue(q, "value %d of the list", (int)j);
  }
  luaL_addchar(B(q), ')');
}

/* "c" [NOT ]IN (values) or (subquery) of the clause i at the top, which it pops */
static void addin (Q *q, QField list, lua_Integer i, int negate, int ints,
                   const char *sep) {
  lua_State *L = q->s->L;
  int e = lua_gettop(L);
  Ident col;
  if (lmq_field(L, e, "query") == LUA_TTABLE) {
    lua_pop(L, 2);
    addsep(q, sep);
    clausecolumn(q, list, i, "column");
    luaL_addstring(B(q), negate ? " NOT IN " : " IN ");
    lmq_part(q, list, i, "query");
    lmq_addsubquery(q);
    return;
  }
  lua_pop(L, 1);
  lmq_field(L, e, "column");
  lmq_popident(q, &col);
  lmq_field(L, e, "values");
  lua_remove(L, e);
  addinlist(q, list, i, &col, negate, ints, 0, sep);
}

/* the value 'f' of clause i, as a '?' (or raw) */
static void clausevalue (Q *q, QField list, lua_Integer i, const char *f) {
  lmq_part(q, list, i, f);
  if (!lmq_addvalue(q)) lmq_badvalue(q, "the value");
}

static void clausecolumn (Q *q, QField list, lua_Integer i, const char *f) {
  lmq_part(q, list, i, f);
  lmq_addident(q, 0);
}

/*
** The clauses most queries are made of, read whole from the clause at the
** top (popped) before anything is written: "c" op ?, "c" op "d", "c" IS
** [NOT] NULL
*/
static void addsimple (Q *q, int kind, int negate, const char *op,
                       const char *sep) {
  lua_State *L = q->s->L;
  int e = lua_gettop(L), vkind = 0, opi = -1;
  const char *raw = NULL;
  Ident a, b;
  lmq_field(L, e, kind == K_COLUMN ? "first" : "column");
  lmq_popident(q, &a);
  if (kind != K_NULL) opi = lmq_checkoperator(q, op);
  if (kind == K_COLUMN) {
    lmq_field(L, e, "second");
    lmq_popident(q, &b);
  }
  else if (kind == K_BASIC) {
    lmq_field(L, e, "value");
    vkind = lmq_popvalue(q, &raw);
    if (vkind == 0) lmq_badvalue(q, "the value");
  }
  lua_pop(L, 1);
  addsep(q, sep);
  if (kind == K_BASIC && lmq_bitwisebool(q, opi)) luaL_addchar(B(q), '(');
  lmq_writeident(q, &a, 0);
  if (kind == K_NULL) {
    luaL_addstring(B(q), negate ? " IS NOT NULL" : " IS NULL");
    return;
  }
  luaL_addchar(B(q), ' ');
  lmq_writeoperator(q, opi);
  luaL_addchar(B(q), ' ');
  if (kind == K_COLUMN) lmq_writeident(q, &b, 0);
  else lmq_writevalue(q, vkind, raw);
  if (kind == K_BASIC && lmq_bitwisebool(q, opi)) addlit(q, ")::bool");
}

/* the AND/OR before clause i: none for the first */
static const char *separator (int first, int or_) {
  return first ? NULL : (or_ ? " OR " : " AND ");
}

/* the boolean slot i of 'list' */
static int boolslot (Q *q, QField list, lua_Integer i) {
  int v;
  lmq_elem(q, list, i);
  v = lua_toboolean(q->s->L, -1);
  lua_pop(q->s->L, 1);
  return v;
}

/*
** The flat clause of where_in or where_null of kind 'kind' at slot i
** (grammar.h: kind, column, values, negate, boolean_or), read, then
** written
*/
static void addlisted (Q *q, QField list, lua_Integer i, int kind, int first) {
  int negate = boolslot(q, list, i + 3);
  const char *sep = separator(first, boolslot(q, list, i + 4));
  Ident a;
  lmq_elem(q, list, i + 1);
  lmq_popident(q, &a);
  if (kind == K_IN || kind == K_IN_INT) {
    lmq_elem(q, list, i + 2);
    addinlist(q, list, i, &a, negate, kind == K_IN_INT, 1, sep);
    return;
  }
  addsep(q, sep);
  lmq_writeident(q, &a, 0);
  if (negate) addlit(q, " IS NOT NULL");
  else addlit(q, " IS NULL");
}

/*
** where(path, true | false) on a JSON path 'a': its value as JSON compared
** with the JSON boolean (as Laravel's whereJsonBoolean; as text, true
** would be 'true'); the boolean at the top, popped
*/
static void addjsonbool (Q *q, const Ident *a, int opi, int b, const char *sep) {
  lua_pop(q->s->L, 1);
  addsep(q, sep);
  lmq_addjson(q, a->s, lmq_jsonarrow(a->s, a->s + a->len), a->s + a->len, LMQ_JSON_BOOL);
  luaL_addchar(B(q), ' ');
  lmq_writeoperator(q, opi);
  luaL_addchar(B(q), ' ');
  lmq_addjsonbool(q, b);
}

/*
** The flat clause of where() at slot i (grammar.h: LMQ_BASIC, column,
** operator, value, boolean_or): read slot by slot, whole, then written
*/
static void addbasic (Q *q, QField list, lua_Integer i, int first) {
  lua_State *L = q->s->L;
  int vkind, opi, or_ = boolslot(q, list, i + 4);
  const char *raw = NULL, *op = NULL;
  Ident a;
  lmq_elem(q, list, i + 1);
  lmq_popident(q, &a);
  if (lmq_elem(q, list, i + 2) == LUA_TSTRING) op = lua_tostring(L, -1);  /* lives in the list */
  lua_pop(L, 1);
  opi = lmq_checkoperator(q, op);
  if (lmq_elem(q, list, i + 3) == LUA_TBOOLEAN && !a.raw && lmq_jsonarrow(a.s, a.s + a.len)) {
    addjsonbool(q, &a, opi, lua_toboolean(L, -1), separator(first, or_));
    return;
  }
  vkind = lmq_popvalue(q, &raw);
  if (vkind == 0) lmq_badvalue(q, "the value");
  addsep(q, separator(first, or_));
  if (lmq_bitwisebool(q, opi)) luaL_addchar(B(q), '(');
  lmq_writeident(q, &a, 0);
  luaL_addchar(B(q), ' ');
  lmq_writeoperator(q, opi);
  luaL_addchar(B(q), ' ');
  lmq_writevalue(q, vkind, raw);
  if (lmq_bitwisebool(q, opi)) addlit(q, ")::bool");
}

/*
** {======================================================
** The clauses each dialect writes in its own words (lm_QueryGrammar)
** =======================================================
*/

/* the text 's' of a grammar; NULL: none */
static void addopt (Q *q, const char *s) {
  if (s) lmq_addlstr(B(q), s, strlen(s));
}

/* the boolean field k of clause i */
static int partbool (Q *q, QField list, lua_Integer i, const char *k) {
  int v;
  lmq_part(q, list, i, k);
  v = lua_toboolean(q->s->L, -1);
  lua_pop(q->s->L, 1);
  return v;
}

static const char *const dateparts[] = {"date", "time", "day", "month", "year", NULL};

/* where_date(column, op, value) and its kin: the column's part, compared */
static void adddate (Q *q, QField list, lua_Integer i, const char *op) {
  lua_State *L = q->s->L;
  const lm_QueryGrammar *qg = q->s->qg;
  int part, opi = lmq_checkoperator(q, op);
  lmq_part(q, list, i, "part");
  part = luaL_checkoption(L, -1, NULL, dateparts);
  lua_pop(L, 1);
  addopt(q, qg->date_parts[part][0]);
  clausecolumn(q, list, i, "column");
  addopt(q, qg->date_parts[part][1]);
  luaL_addchar(B(q), ' ');
  lmq_writeoperator(q, opi);
  luaL_addchar(B(q), ' ');
  addopt(q, qg->date_value[0]);
  clausevalue(q, list, i, "value");
  addopt(q, qg->date_value[1]);
}

/*
** Replaces the LIKE pattern at the top with SQLite's GLOB one: '[', '*'
** and '?' stand for themselves ([[], [*], [?]), '%' is '*', '_' is '?'
*/
static void globpattern (lua_State *L) {
  size_t len, k;
  const char *s = lua_tolstring(L, -1, &len);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  for (k = 0; k < len; k++) {
    switch (s[k]) {
      case '[': luaL_addstring(&b, "[[]"); break;
      case '*': luaL_addstring(&b, "[*]"); break;
      case '?': luaL_addstring(&b, "[?]"); break;
      case '%': luaL_addchar(&b, '*'); break;
      case '_': luaL_addchar(&b, '?'); break;
      default: luaL_addchar(&b, s[k]); break;
    }
  }
  luaL_pushresult(&b);
  lua_remove(L, -2);
}

/* where_like(column, value, case_sensitive): column [NOT ]LIKE value, the dialect's way */
static void addlike (Q *q, QField list, lua_Integer i, int negate) {
  lua_State *L = q->s->L;
  const lm_QueryGrammar *qg = q->s->qg;
  int cs = partbool(q, list, i, "case_sensitive");
  clausecolumn(q, list, i, "column");
  addopt(q, qg->like_cast);
  if (negate) addlit(q, " NOT ");
  else luaL_addchar(B(q), ' ');
  addopt(q, qg->like_ops[cs]);
  luaL_addchar(B(q), ' ');
  lmq_part(q, list, i, "value");
  if (cs && qg->like_glob && lua_type(L, -1) == LUA_TSTRING) globpattern(L);
  if (!lmq_addvalue(q)) lmq_badvalue(q, "the value");
}

/* a JSON column or path of clause i: a name (query_json.c) */
static void jsoncolumn (Q *q, QField list, lua_Integer i, Ident *a) {
  lmq_part(q, list, i, "column");
  lmq_popident(q, a);
  if (a->raw) lmq_error(q->s, "a JSON column must be a name, not lmigrate.raw");
}

/*
** where_json_contains(path, value): the value as JSON text ("json"), on
** SQLite the value itself, which json_each's are compared with
*/
static void addjsoncontains (Q *q, QField list, lua_Integer i, int negate) {
  const char *raw = NULL;
  int vkind;
  Ident a;
  jsoncolumn(q, list, i, &a);
  lmq_part(q, list, i, q->s->qg->json == LMQ_JSON_EXTRACT ? "value" : "json");
  vkind = lmq_popvalue(q, &raw);
  if (vkind == 0) lmq_badvalue(q, "the value");
  lmq_addjsoncontains(q, &a, negate, vkind, raw);
}

/* where_json_length(path, op, n): the array's length compared */
static void addjsonlength (Q *q, QField list, lua_Integer i, const char *op) {
  const char *raw = NULL;
  int vkind, opi = lmq_checkoperator(q, op);
  Ident a;
  jsoncolumn(q, list, i, &a);
  lmq_part(q, list, i, "value");
  vkind = lmq_popvalue(q, &raw);
  if (vkind == 0) lmq_badvalue(q, "the value");
  lmq_addjsonlength(q, &a);
  luaL_addchar(B(q), ' ');
  lmq_writeoperator(q, opi);
  luaL_addchar(B(q), ' ');
  lmq_writevalue(q, vkind, raw);
}

/*
** where_full_text(columns, value, options): MySQL's MATCH (cols) AGAINST
** (? IN NATURAL LANGUAGE MODE [WITH QUERY EXPANSION] | IN BOOLEAN MODE);
** PostgreSQL's (to_tsvector('lang', c) || ...) @@ plainto_tsquery('lang',
** ?) (mode "phrase": phraseto_tsquery, "websearch": websearch_to_tsquery),
** as Laravel's grammars. The clause: columns, value, mode, language
** (pasted as a literal of the dialect), expanded; query_where_dialect.lua
** checked them.
*/
static void addfulltext (Q *q, QField list, lua_Integer i) {
  lua_State *L = q->s->L;
  lua_Integer j, n;
  const char *mode, *lang;
  int e;
  lmq_elem(q, list, i);
  e = lua_gettop(L);
  mode = lmq_getstr(q->s, e, "mode");   /* live on in the clause, in the list */
  lang = lmq_getstr(q->s, e, "language");
  lua_pop(L, 1);
  if (mode == NULL) mode = "";
  if (lang == NULL) lang = "english";
  if (q->s->qg->fulltext == 0)
    lmq_error(q->s, "full text search is not supported on %s", q->s->g->name);
  lmq_part(q, list, i, "columns");
  n = lua_istable(L, -1) ? (lua_Integer)lua_rawlen(L, -1) : 0;
  lua_pop(L, 1);
  if (n == 0) lmq_error(q->s, "a full text search needs columns");
  if (q->s->qg->fulltext == LMQ_FT_MATCH) addlit(q, "MATCH (");
  else luaL_addchar(B(q), '(');
  for (j = 1; j <= n; j++) {
    if (q->s->qg->fulltext == LMQ_FT_MATCH) {
      if (j > 1) addlit(q, ", ");
    }
    else {
      if (j > 1) addlit(q, " || ");
      lm_addf(&q->c, "to_tsvector(%L, ", lang);
    }
    lmq_part(q, list, i, "columns");
    lua_rawgeti(L, -1, j);
    lua_remove(L, -2);
    lmq_addident(q, 0);
    if (q->s->qg->fulltext != LMQ_FT_MATCH) luaL_addchar(B(q), ')');
  }
  if (q->s->qg->fulltext == LMQ_FT_MATCH) {
    addlit(q, ") AGAINST (");
    clausevalue(q, list, i, "value");
    if (strcmp(mode, "boolean") == 0) addlit(q, " IN BOOLEAN MODE)");
    else if (partbool(q, list, i, "expanded"))
      addlit(q, " IN NATURAL LANGUAGE MODE WITH QUERY EXPANSION)");
    else addlit(q, " IN NATURAL LANGUAGE MODE)");
    return;
  }
  if (strcmp(mode, "phrase") == 0) addlit(q, ") @@ phraseto_tsquery(");
  else if (strcmp(mode, "websearch") == 0) addlit(q, ") @@ websearch_to_tsquery(");
  else addlit(q, ") @@ plainto_tsquery(");
  lm_addf(&q->c, "%L, ", lang);
  clausevalue(q, list, i, "value");
  luaL_addchar(B(q), ')');
}

/*
** where_value_between(value, { low, high }): ? [NOT ]BETWEEN "low" AND
** "high", a value between two columns (Laravel 12's whereValueBetween)
*/
static void addvaluebetween (Q *q, QField list, lua_Integer i, int negate) {
  clausevalue(q, list, i, "value");
  luaL_addstring(B(q), negate ? " NOT BETWEEN " : " BETWEEN ");
  clausecolumn(q, list, i, "low");
  addlit(q, " AND ");
  clausecolumn(q, list, i, "high");
}

/*
** where_row_values(columns, op, values): ("a", "b") op (?, ?), a row
** value compared (Laravel's whereRowValues; SQLite has them since 3.15)
*/
static void addrowvalues (Q *q, QField list, lua_Integer i, const char *op) {
  lua_State *L = q->s->L;
  lua_Integer j, n, nv;
  int opi = lmq_checkoperator(q, op);
  lmq_part(q, list, i, "columns");
  n = lua_istable(L, -1) ? (lua_Integer)lua_rawlen(L, -1) : 0;
  lua_pop(L, 1);
  lmq_part(q, list, i, "values");
  nv = lua_istable(L, -1) ? (lua_Integer)lua_rawlen(L, -1) : 0;
  lua_pop(L, 1);
  if (n == 0 || n != nv) lmq_error(q->s, "a row value needs as many values as columns");
  luaL_addchar(B(q), '(');
  for (j = 1; j <= n; j++) {
    if (j > 1) addlit(q, ", ");
    lmq_part(q, list, i, "columns");
    lua_rawgeti(L, -1, j);
    lua_remove(L, -2);
    lmq_addident(q, 0);
  }
  addlit(q, ") ");
  lmq_writeoperator(q, opi);
  addlit(q, " (");
  for (j = 1; j <= n; j++) {
    if (j > 1) addlit(q, ", ");
    lmq_part(q, list, i, "values");
    lua_rawgeti(L, -1, j);
    lua_remove(L, -2);
    if (!lmq_addvalue(q)) lmq_badvalue(q, "value %d of the row", (int)j);
  }
  luaL_addchar(B(q), ')');
}

/* }====================================================== */

/* the other clauses, read part by part (the clause popped first) */
static void addother (Q *q, QField list, lua_Integer i, int kind,
                      int negate, const char *op, const char *sep) {
  lua_State *L = q->s->L;
  if (kind == K_IN || kind == K_IN_INT) {
    addin(q, list, i, negate, kind == K_IN_INT, sep);
    return;
  }
  lua_pop(L, 1);
  addsep(q, sep);
  switch (kind) {
    case K_SUB:
      clausecolumn(q, list, i, "column");
      luaL_addchar(B(q), ' ');
      lmq_writeoperator(q, lmq_checkoperator(q, op));
      luaL_addchar(B(q), ' ');
      lmq_part(q, list, i, "query");
      lmq_addsubquery(q);
      break;
    case K_BETWEEN: {   /* columns: where_between_columns, low and high are columns */
      void (*bound) (Q *, QField, lua_Integer, const char *) =
        partbool(q, list, i, "columns") ? clausecolumn : clausevalue;
      clausecolumn(q, list, i, "column");
      luaL_addstring(B(q), negate ? " NOT BETWEEN " : " BETWEEN ");
      bound(q, list, i, "low");
      addlit(q, " AND ");
      bound(q, list, i, "high");
      break;
    }
    case K_RAW:
      lmq_elem(q, list, i);
      lmq_addraw(q);
      break;
    case K_DATE:
      adddate(q, list, i, op);
      break;
    case K_LIKE:
      addlike(q, list, i, negate);
      break;
    case K_JSON_CONTAINS:
      addjsoncontains(q, list, i, negate);
      break;
    case K_JSON_LENGTH:
      addjsonlength(q, list, i, op);
      break;
    case K_FULL_TEXT:
      addfulltext(q, list, i);
      break;
    case K_VALUE_BETWEEN:
      addvaluebetween(q, list, i, negate);
      break;
    case K_ROW_VALUES:
      addrowvalues(q, list, i, op);
      break;
    case K_JSON_CONTAINS_KEY: {
      Ident a;
      jsoncolumn(q, list, i, &a);
      lmq_addjsoncontainskey(q, &a, negate);
      break;
    }
    case K_NESTED:
      luaL_addstring(B(q), negate ? "NOT (" : "(");
      lmq_part(q, list, i, "query");
      lmq_nested(q, writewheres);
      luaL_addchar(B(q), ')');
      break;
    default:   /* K_EXISTS */
      luaL_addstring(B(q), negate ? "NOT EXISTS " : "EXISTS ");
      lmq_part(q, list, i, "query");
      lmq_addsubquery(q);
      break;
  }
}

/*
** The clause at slot i of the list, a flat one (grammar.h) or a table;
** 'first': no AND/OR before it. The AND/OR ('sep') is written once the
** clause is read and popped. Returns the slot after it.
*/
static lua_Integer addclause (Q *q, QField list, lua_Integer i, int first) {
  lua_State *L = q->s->L;
  int e, kind, negate, or_, tt = lmq_elem(q, list, i);
  const char *op;
  if (tt == LUA_TNUMBER) {
    kind = (int)lua_tointeger(L, -1);
    lua_pop(L, 1);
    if (kind == K_BASIC) addbasic(q, list, i, first);
    else if (kind == K_IN || kind == K_IN_INT || kind == K_NULL) addlisted(q, list, i, kind, first);
    else lmq_error(q->s, "clause %d is of kind %d (a bug in query.lua)", (int)i, kind);
    return i + LMQ_SLOTS;
  }
  e = lua_gettop(L);
  if (tt != LUA_TTABLE) lmq_error(q->s, "clause %d is not a table", (int)i);
  lmq_field(L, e, "type");
  kind = luaL_checkoption(L, -1, NULL, kinds);
  lua_pop(L, 1);
  negate = lmq_getbool(L, e, "negate");
  or_ = lmq_getbool(L, e, "boolean_or");
  op = lmq_getstr(q->s, e, "operator");
  if (kind == K_BASIC || kind == K_COLUMN || kind == K_NULL)
    addsimple(q, kind, negate, op, separator(first, or_));
  else addother(q, list, i, kind, negate, op, separator(first, or_));
  return i + 1;
}

static void addclauses (Q *q, QField list, lua_Integer n) {
  lua_Integer i = 1;
  if (n == 0) lmq_error(q->s, "a group of conditions is empty");
  while (i <= n) i = addclause(q, list, i, i == 1);
}

/* the WHERE clauses of the query at the top, as a group */
static void writewheres (Q *q) {
  addclauses(q, QF_WHERES, lmq_qlen(q, QF_WHERES));
}

/*
** Whether a clause of the list after the first is an OR: a flat one's
** last slot (grammar.h), a table's boolean_or
*/
static int hasor (Q *q, QField list, lua_Integer n) {
  lua_State *L = q->s->L;
  lua_Integer i = 1;
  while (i <= n) {
    int tt = lmq_elem(q, list, i), or_;
    if (tt == LUA_TTABLE) {
      or_ = lmq_getbool(L, lua_gettop(L), "boolean_or");
      lua_pop(L, 1);
      if (or_ && i > 1) return 1;
      i++;
      continue;
    }
    lua_pop(L, 1);
    if (i > 1 && boolslot(q, list, i + LMQ_SLOTS - 1)) return 1;
    i += LMQ_SLOTS;
  }
  return 0;
}

void lmq_addgroup (Q *q, QField list, int group) {
  lua_Integer n = lmq_qlen(q, list);
  int paren = group && hasor(q, list, n);
  if (paren) luaL_addchar(B(q), '(');
  addclauses(q, list, n);
  if (paren) luaL_addchar(B(q), ')');
}

/* " WHERE ..." (or HAVING, ON) when the list has clauses */
void lmq_addwhere (Q *q, const char *word, QField list) {
  lua_Integer n = lmq_qlen(q, list);
  if (n == 0) return;
  lmq_addlstr(B(q), word, strlen(word));
  addclauses(q, list, n);
}

/* }====================================================== */
