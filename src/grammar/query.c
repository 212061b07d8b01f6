/*
** query.c
** The query builder's compiler, after Laravel's query grammars: a query
** collected by lua/lmigrate/db/query.lua as plain tables becomes one
** statement of SQL for a dialect, every identifier quoted by the schema
** grammar's own quoting (lm_quote_identn, %I) and every value a '?'
** placeholder whose value goes, in order, into a list returned with it.
** Only two things are pasted: lmigrate.raw(...) text and select_raw/
** where_raw SQL, which the user wrote as SQL; and integers checked to be
** integers (LIMIT, OFFSET, where_integer_in_raw).
**
** A query (a builder table, read raw so that its methods never answer):
**   tbl     "t" | "t as a" | lmigrate.raw | a builder (a subquery)
**   as      alias of tbl          cols   { column | raw | {raw=,bindings=}
**                                          | {sub=builder, as=alias} }
**   dist    true: DISTINCT        joins  { join }   (a join is a query
**   wheres  { clause }            with kind = "INNER"|"LEFT"|"RIGHT"|"CROSS",
**                                 or { kind, table, first, op, second })
**   (dist may be a list of columns: distinct(cols), DISTINCT ON on PostgreSQL)
**   groups  { column | raw }      havings { clause }
**   orders  { {column, "ASC"|"DESC"} | {raw=, bindings=} | {random=true} }
**   lim, off  integers            lock  "update" | "share"
**   unions  { {query=, all=} }    uorders, ulim, uoff: of the union
** A clause: { column, operator, value, boolean_or } (where()'s and
** having()'s basic clause, read by index), { column, kind, values,
** boolean_or, negate } (where_in's and where_null's: kind is K_IN 2,
** K_IN_INT 3 or K_NULL 4 of Kind below, values nil for K_NULL), or
** { type, boolean_or, ... } with type
**   basic   column operator value     sub      column operator query
**   in      column values|query negate   in_int  column values negate
**   null    column negate             between  column values {lo, hi} negate
**   column  first operator second     raw      sql bindings
**   nested  query negate              exists   query negate
**
** The Lua stack and luaL_Buffer: a buffer's additions must find it at the
** top of the stack. So a query table is always read from fixed indices
** below the buffer writing it (its fields, pushed once by lmq_init,
** query_read.c; each clause or item pushed, read, popped before the next
** addition), and a nested query (a subquery, a group, a join) is pushed
** and written by a buffer of its own above it, whose text then replaces
** it and its fields and is added to the outer one. Strings read from the
** tables stay alive in them.
*/
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"

/*
** Pushes the place of the user's call as query.lua's M.raise finds it, the
** first caller that is Lua and none of lmigrate/db/query*.lua
** ("file:line: "), or "" when there is none
*/
static void pushuserwhere (lua_State *L) {
  lua_Debug ar;
  int level;
  for (level = 1; lua_getstack(L, level, &ar); level++) {
    lua_getinfo(L, "S", &ar);
    if (strcmp(ar.what, "C") != 0 && strstr(ar.source, "lmigrate/db/query") == NULL) {
      luaL_where(L, level);
      return;
    }
  }
  lua_pushliteral(L, "");
}

/*
** Raises "lmigrate: query:<method>: <message>"; placed (g:query_args,
** which the terminal calls make without a pcall), at the user's line
*/
LM_NORETURN void lmq_error (QState *s, const char *fmt, ...) {
  va_list ap;
  lua_State *L = s->L;
  int top = lua_gettop(L);
  if (s->placed) pushuserwhere(L);
  lua_pushfstring(L, "lmigrate: query:%s: ", s->method);
  va_start(ap, fmt);
  lua_pushvfstring(L, fmt, ap);
  va_end(ap);
  lua_concat(L, lua_gettop(L) - top);
  lua_error(L);
  abort();  /* not reached */
}



/*
** {======================================================
** Names, values, raw SQL
** =======================================================
*/

static int isblank_ (char ch) {
  return ch == ' ' || (ch >= '\t' && ch <= '\r');
}

/*
** Where " as " (blanks, AS in any case, blanks) splits 'name': sets
** '*alias' past it and returns where the blanks begin, or NULL
*/
static const char *findas (const char *s, const char *e, const char **alias) {
  const char *p;
  for (p = s; p + 4 <= e; p++) {
    const char *a = p;
    if (!isblank_(*p)) continue;
    while (a < e && isblank_(*a)) a++;
    if (a + 2 < e && (a[0] | 0x20) == 'a' && (a[1] | 0x20) == 's' && isblank_(a[2])) {
      a += 2;
      while (a < e && isblank_(*a)) a++;
      if (a < e) {
        *alias = a;
        return p;
      }
    }
  }
  return NULL;
}

/* "t.c" as "t"."c", "t.*" as "t".* */
static void adddotted (Q *q, const char *s, const char *e) {
  const char *p = s;
  for (;;) {
    const char *dot = memchr(p, '.', (size_t)(e - p));
    const char *end = dot ? dot : e;
    if (end == p) lmq_error(q->s, "'%s' has an empty name part", s);
    if (end - p == 1 && *p == '*') luaL_addchar(B(q), '*');
    else lm_quote_identn(B(q), p, (size_t)(end - p), q->s->g->quote);
    if (!dot) return;
    luaL_addchar(B(q), '.');
    p = dot + 1;
  }
}

/*
** A name as Laravel's wrap() writes it: "a.b as c" is "a"."b" AS "c"; with
** 'alias' 0 the alias is left out (INSERT INTO, a table for a row id)
*/
void lmq_addname (Q *q, const char *s, size_t len, int alias) {
  const char *e = s + len, *as = NULL, *at;
  if (strlen(s) != len) lmq_error(q->s, "a name must not contain a NUL byte");
  if (len == 0) lmq_error(q->s, "a name must not be empty");
  at = findas(s, e, &as);
  adddotted(q, s, at ? at : e);
  if (at && alias) {
    luaL_addstring(B(q), " AS ");
    lm_quote_identn(B(q), as, (size_t)(e - as), q->s->g->quote);
  }
}

/* the text of the Raw at the top; pops it (the text lives on in the Raw) */
static const char *poprawtext (lua_State *L) {
  const char *sql;
  lua_getiuservalue(L, -1, 1);
  sql = lua_tostring(L, -1);
  lua_pop(L, 2);
  return sql;
}

/*
** A column read before it is written: a name, or lmigrate.raw's SQL (its
** text lives on in the table it was read from). Reading a clause's parts
** first and writing them after lets the clause sit above the buffer
** while it is read (the buffer must be at the top when it is added to).
*/
typedef struct Ident {
  const char *s;
  size_t len;
  int raw;
} Ident;

/* reads the column (a string or lmigrate.raw) at the top; pops it */
static void popident (Q *q, Ident *id) {
  lua_State *L = q->s->L;
  if (lua_type(L, -1) == LUA_TSTRING) {
    id->s = lua_tolstring(L, -1, &id->len);
    id->raw = 0;
    lua_pop(L, 1);
  }
  else if (luaL_testudata(L, -1, LM_RAW) != NULL) {
    id->s = poprawtext(L);
    id->raw = 1;
  }
  else
    lmq_error(q->s, "a column must be a name (string) or lmigrate.raw(sql), got %s",
           luaL_typename(L, -1));
}

static void writeident (Q *q, const Ident *id, int alias) {
  if (id->raw) luaL_addstring(B(q), id->s);
  else lmq_addname(q, id->s, id->len, alias);
}

/* writes the column at the top, popping it */
static void addident (Q *q, int alias) {
  Ident id;
  popident(q, &id);
  writeident(q, &id, alias);
}

/*
** The value at the top, popped: bound (1, to be written '?') or
** lmigrate.raw (2, its text in '*raw', to be pasted). 0, leaving it, for
** what is no SQL value: the caller says where it was (lmq_badvalue).
*/
static int popvalue (Q *q, const char **raw) {
  lua_State *L = q->s->L;
  switch (lua_type(L, -1)) {
    case LUA_TBOOLEAN: case LUA_TNUMBER: case LUA_TSTRING:
      break;
    case LUA_TLIGHTUSERDATA:
      if (!lm_isnull(L, -1)) return 0;
      break;
    case LUA_TUSERDATA:
      if (luaL_testudata(L, -1, LM_RAW) == NULL) return 0;
      *raw = poprawtext(L);
      return 2;
    default:
      return 0;
  }
  lua_rawseti(L, q->s->binds, ++q->s->n);
  return 1;
}

/* writes what popvalue read */
static void writevalue (Q *q, int kind, const char *raw) {
  if (kind == 2) luaL_addstring(B(q), raw);
  else luaL_addchar(B(q), '?');
}

/*
** The value at the top: bound (a '?') or, for lmigrate.raw, pasted; pops
** it. Returns 0, leaving it, for what is no SQL value: the caller says
** where it was (lmq_badvalue).
*/
int lmq_addvalue (Q *q) {
  const char *raw = NULL;
  int kind = popvalue(q, &raw);
  if (kind != 0) writevalue(q, kind, raw);
  return kind != 0;
}

/* raises for the value lmq_addvalue left at the top; 'fmt' says where it was */
LM_NORETURN void lmq_badvalue (Q *q, const char *fmt, ...) {
  lua_State *L = q->s->L;
  const char *tn = luaL_typename(L, -1);
  va_list ap;
  va_start(ap, fmt);
  lua_pushvfstring(L, fmt, ap);
  va_end(ap);
  lmq_error(q->s, "%s is a %s, not an SQL value (string, number, boolean, "
         "lmigrate.null or lmigrate.raw(sql))", lua_tostring(L, -1), tn);
}

/*
** The SQL text with its own '?' at the top, { raw = sql, bindings = {} }
** or { sql = sql, bindings = {} } (where_raw): its values are bound, it is
** pasted; pops it
*/
static void addraw (Q *q) {
  lua_State *L = q->s->L;
  int t = lua_gettop(L), expected;
  lua_Integer i, n;
  size_t len;
  const char *sql;
  if (lmq_field(L, t, "raw") == LUA_TNIL) {
    lua_pop(L, 1);
    lmq_field(L, t, "sql");
  }
  sql = lua_tolstring(L, -1, &len);
  if (sql == NULL) lmq_error(q->s, "raw SQL must be a string");
  lua_pop(L, 1);
  n = (lmq_field(L, t, "bindings") == LUA_TTABLE) ? (lua_Integer)lua_rawlen(L, -1) : 0;
  expected = lm_sqlparams(q->s->g->sql, sql, len);
  if (expected != n)
    lmq_error(q->s, "the SQL '%s' takes %d value(s), got %d", sql, expected, (int)n);
  for (i = 1; i <= n; i++) {
    lua_rawgeti(L, -1, i);
    lua_rawseti(L, q->s->binds, ++q->s->n);
  }
  lua_pop(L, 2);
  luaL_addlstring(B(q), sql, len);
}

/* }====================================================== */


/*
** {======================================================
** Nested queries
** =======================================================
*/

/*
** Writes the table at the top with 'w', in a buffer of its own, and adds
** the text; pops the table
*/
void lmq_nested (Q *q, Writer w) {
  Q sub;
  lua_State *L = q->s->L;
  int t = lua_gettop(L);
  if (!lua_istable(L, t)) lmq_error(q->s, "a subquery must be a query builder");
  lmq_init(&sub, q->s, t);
  w(&sub);
  luaL_pushresult(B(&sub));
  lua_replace(L, t);   /* the text in place of the table, its fields dropped */
  lua_settop(L, t);
  luaL_addvalue(B(q));
}

static void writewheres (Q *q);

/* "(<select>)" of the query at the top; pops it */
static void addsubquery (Q *q) {
  luaL_addchar(B(q), '(');
  lmq_nested(q, lmq_select);
  luaL_addchar(B(q), ')');
}

/* }====================================================== */


/*
** {======================================================
** WHERE, HAVING and ON clauses
** =======================================================
*/
static void clausecolumn (Q *q, QField list, lua_Integer i, const char *f);

/* an integer's digits (lm_inttext), after 'word' */
static void addint (Q *q, const char *word, lua_Integer v) {
  char num[LM_NUMBUF];
  size_t len = lm_inttext(num, v);
  luaL_addstring(B(q), word);
  luaL_addlstring(B(q), num, len);
}

/* the AND/OR before a clause, NULL for none */
static void addsep (Q *q, const char *sep) {
  if (sep) luaL_addstring(B(q), sep);
}

/* the integer at the top, written as such (where_integer_in_raw); pops it */
static void addinteger (Q *q, lua_Integer j) {
  lua_State *L = q->s->L;
  int isint;
  lua_Integer v = lua_tointegerx(L, -1, &isint);
  if (!isint || lua_type(L, -1) != LUA_TNUMBER)
    lmq_error(q->s, "value %d of the list is not an integer", (int)j);
  lua_pop(L, 1);
  addint(q, "", v);
}

/* the kinds of clause; K_IN, K_IN_INT and K_NULL are numbered in query_where.lua too */
typedef enum Kind {
  K_BASIC, K_SUB, K_IN = 2, K_IN_INT = 3, K_NULL = 4, K_BETWEEN, K_COLUMN, K_RAW,
  K_NESTED, K_EXISTS
} Kind;

static const char *const kinds[] = {
  "basic", "sub", "in", "in_int", "null", "between", "column", "raw",
  "nested", "exists", NULL
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
** Pushes the list of values of clause i: at 3 of where_in's list
** { column, K_IN, values, boolean_or, negate } ('listed'), else its "values"
*/
static void pushinvalues (Q *q, QField list, lua_Integer i, int listed) {
  lua_State *L = q->s->L;
  lmq_elem(q, list, i);
  if (listed) lua_rawgeti(L, -1, 3);
  else lmq_field(L, lua_gettop(L), "values");
  lua_remove(L, -2);
}

/*
** The IN of clause i whose n values are at the top, its column read
** ('col'), the clause below them: "c" [NOT ]IN (?, ?); as Laravel, an
** empty list is 0 = 1 (never true) and for NOT IN 1 = 1. A list of bound
** values is bound while the clause is read; one with lmigrate.raw (or
** where_integer_in_raw's) is written value by value. Pops both.
*/
static void addinlist (Q *q, QField list, lua_Integer i, const Ident *col,
                       int negate, int ints, int listed, const char *sep) {
  lua_State *L = q->s->L;
  lua_Integer j, n = lua_istable(L, -1) ? (lua_Integer)lua_rawlen(L, -1) : 0;
  int bound = n > 0 && !ints && bindlist(q, n);
  lua_pop(L, 2);
  addsep(q, sep);
  if (n == 0) {
    luaL_addstring(B(q), negate ? "1 = 1" : "0 = 1");
    return;
  }
  writeident(q, col, 0);
  if (bound) {
    luaL_addstring(B(q), negate ? " NOT IN (?" : " IN (?");
    for (j = 2; j <= n; j++) luaL_addstring(B(q), ", ?");
    luaL_addchar(B(q), ')');
    return;
  }
  luaL_addstring(B(q), negate ? " NOT IN (" : " IN (");
  for (j = 1; j <= n; j++) {
    if (j > 1) luaL_addstring(B(q), ", ");
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
    addsubquery(q);
    return;
  }
  lua_pop(L, 1);
  lmq_field(L, e, "column");
  popident(q, &col);
  lmq_field(L, e, "values");
  addinlist(q, list, i, &col, negate, ints, 0, sep);
}

/* the value 'f' of clause i, as a '?' (or raw) */
static void clausevalue (Q *q, QField list, lua_Integer i, const char *f) {
  lmq_part(q, list, i, f);
  if (!lmq_addvalue(q)) lmq_badvalue(q, "the value");
}

static void clausecolumn (Q *q, QField list, lua_Integer i, const char *f) {
  lmq_part(q, list, i, f);
  addident(q, 0);
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
  popident(q, &a);
  if (kind != K_NULL) opi = lmq_checkoperator(q, op);
  if (kind == K_COLUMN) {
    lmq_field(L, e, "second");
    popident(q, &b);
  }
  else if (kind == K_BASIC) {
    lmq_field(L, e, "value");
    vkind = popvalue(q, &raw);
    if (vkind == 0) lmq_badvalue(q, "the value");
  }
  lua_pop(L, 1);
  addsep(q, sep);
  writeident(q, &a, 0);
  if (kind == K_NULL) {
    luaL_addstring(B(q), negate ? " IS NOT NULL" : " IS NULL");
    return;
  }
  luaL_addchar(B(q), ' ');
  lmq_writeoperator(q, opi);
  luaL_addchar(B(q), ' ');
  if (kind == K_COLUMN) writeident(q, &b, 0);
  else writevalue(q, vkind, raw);
}

/*
** A listed clause of where_in or where_null (query_where.lua), { column,
** kind, values, boolean_or, negate }, at the top below its kind (K_IN,
** K_IN_INT, K_NULL), its column read ('a'); pops both
*/
static void addlisted (Q *q, QField list, lua_Integer i, const Ident *a, int first) {
  lua_State *L = q->s->L;
  int e = lua_gettop(L) - 1, kind = (int)lua_tointeger(L, -1), negate, or_;
  const char *sep;
  lua_rawgeti(L, e, 4);
  or_ = lua_toboolean(L, -1);
  lua_rawgeti(L, e, 5);
  negate = lua_toboolean(L, -1);
  lua_pop(L, 3);
  sep = first ? NULL : (or_ ? " OR " : " AND ");
  if (kind == K_IN || kind == K_IN_INT) {
    lua_rawgeti(L, e, 3);
    addinlist(q, list, i, a, negate, kind == K_IN_INT, 1, sep);
    return;
  }
  if (kind != K_NULL) lmq_error(q->s, "clause %d is of kind %d (a bug in query.lua)", (int)i, kind);
  lua_pop(L, 1);
  addsep(q, sep);
  writeident(q, a, 0);
  luaL_addstring(B(q), negate ? " IS NOT NULL" : " IS NULL");
}

/*
** A basic clause as where() makes it, the list { column, operator, value,
** boolean_or } at the top, its column pushed above it: read by index,
** whole, then written (both popped); with a kind in place of the operator,
** addlisted's
*/
static void addbasic (Q *q, QField list, lua_Integer i, int first) {
  lua_State *L = q->s->L;
  int e = lua_gettop(L) - 1, vkind, opi, or_;
  const char *raw = NULL, *op = NULL;
  Ident a;
  popident(q, &a);
  switch (lua_rawgeti(L, e, 2)) {
    case LUA_TSTRING: op = lua_tostring(L, -1); break;  /* lives in the clause */
    case LUA_TNUMBER: addlisted(q, list, i, &a, first); return;
    default: break;
  }
  lua_pop(L, 1);
  opi = lmq_checkoperator(q, op);
  lua_rawgeti(L, e, 3);
  vkind = popvalue(q, &raw);
  if (vkind == 0) lmq_badvalue(q, "the value");
  lua_rawgeti(L, e, 4);
  or_ = lua_toboolean(L, -1);
  lua_pop(L, 2);
  if (!first) luaL_addstring(B(q), or_ ? " OR " : " AND ");
  writeident(q, &a, 0);
  luaL_addchar(B(q), ' ');
  lmq_writeoperator(q, opi);
  luaL_addchar(B(q), ' ');
  writevalue(q, vkind, raw);
}

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
      addsubquery(q);
      break;
    case K_BETWEEN:
      clausecolumn(q, list, i, "column");
      luaL_addstring(B(q), negate ? " NOT BETWEEN " : " BETWEEN ");
      clausevalue(q, list, i, "low");
      luaL_addstring(B(q), " AND ");
      clausevalue(q, list, i, "high");
      break;
    case K_RAW:
      lmq_elem(q, list, i);
      addraw(q);
      break;
    case K_NESTED:
      luaL_addstring(B(q), negate ? "NOT (" : "(");
      lmq_part(q, list, i, "query");
      lmq_nested(q, writewheres);
      luaL_addchar(B(q), ')');
      break;
    default:   /* K_EXISTS */
      luaL_addstring(B(q), negate ? "NOT EXISTS " : "EXISTS ");
      lmq_part(q, list, i, "query");
      addsubquery(q);
      break;
  }
}

/*
** clause i of the list; 'first': no AND/OR before it. The AND/OR ('sep')
** is written once the clause is read and popped, by addsimple or addother.
*/
static void addclause (Q *q, QField list, lua_Integer i, int first) {
  lua_State *L = q->s->L;
  int e, kind, negate, or_;
  const char *op, *sep;
  lmq_elem(q, list, i);
  e = lua_gettop(L);
  if (!lua_istable(L, e)) lmq_error(q->s, "clause %d is not a table", (int)i);
  if (lua_rawgeti(L, e, 1) != LUA_TNIL) {
    addbasic(q, list, i, first);
    return;
  }
  lua_pop(L, 1);
  lmq_field(L, e, "type");
  kind = luaL_checkoption(L, -1, NULL, kinds);
  lua_pop(L, 1);
  negate = lmq_getbool(L, e, "negate");
  or_ = lmq_getbool(L, e, "boolean_or");
  op = lmq_getstr(q->s, e, "operator");
  sep = first ? NULL : (or_ ? " OR " : " AND ");
  if (kind == K_BASIC || kind == K_COLUMN || kind == K_NULL) addsimple(q, kind, negate, op, sep);
  else addother(q, list, i, kind, negate, op, sep);
}

static void addclauses (Q *q, QField list, lua_Integer n) {
  lua_Integer i;
  if (n == 0) lmq_error(q->s, "a group of conditions is empty");
  for (i = 1; i <= n; i++) addclause(q, list, i, i == 1);
}

/* the WHERE clauses of the query at the top, as a group */
static void writewheres (Q *q) {
  addclauses(q, QF_WHERES, lmq_qlen(q, QF_WHERES));
}

/* " WHERE ..." (or HAVING, ON) when the list has clauses */
void lmq_addwhere (Q *q, const char *word, QField list) {
  lua_Integer n = lmq_qlen(q, list);
  if (n == 0) return;
  luaL_addstring(B(q), word);
  addclauses(q, list, n);
}

/* }====================================================== */


/*
** {======================================================
** SELECT
** =======================================================
*/

/* the select list: a column, raw SQL, or a subquery with its alias */
static void addselected (Q *q, lua_Integer i) {
  lua_State *L = q->s->L;
  int e;
  if (lmq_elem(q, QF_COLS, i) != LUA_TTABLE) {
    addident(q, 1);
    return;
  }
  e = lua_gettop(L);
  if (lmq_field(L, e, "sub") == LUA_TTABLE) {
    const char *as;
    lua_pop(L, 1);
    as = lmq_getstr(q->s, e, "as");
    lmq_field(L, e, "sub");
    lua_remove(L, e);
    addsubquery(q);
    if (as) lm_addf(&q->c, " AS %I", as);
    return;
  }
  lua_pop(L, 1);
  addraw(q);
}

static void addcolumns (Q *q) {
  lua_Integer i, n = lmq_qlen(q, QF_COLS);
  if (n == 0) luaL_addchar(B(q), '*');
  for (i = 1; i <= n; i++) {
    if (i > 1) luaL_addstring(B(q), ", ");
    addselected(q, i);
  }
}

/* the table of the query: a name, raw SQL or a subquery, and its alias */
void lmq_addtable (Q *q, int alias) {
  const char *as = lmq_qstr(q, QF_AS);
  int tt = lmq_qfield(q, QF_TBL);
  if (tt == LUA_TTABLE) {
    if (!alias) lmq_error(q->s, "the table is a subquery, not a table name");
    addsubquery(q);
  }
  else if (tt == LUA_TNIL) lmq_error(q->s, "the query has no table (from)");
  else addident(q, alias);
  if (as && alias) lm_addf(&q->c, " AS %I", as);
}

/* the name the query's rows go by: its alias, else its table */
void lmq_addrowsource (Q *q) {
  lua_State *L = q->s->L;
  const char *as = lmq_qstr(q, QF_AS);
  size_t len;
  const char *s, *e, *alias = NULL, *at;
  if (as) { lm_addf(&q->c, "%I", as); return; }
  if (lmq_qfield(q, QF_TBL) != LUA_TSTRING)
    lmq_error(q->s, "the table must be a name here");
  s = lua_tolstring(L, -1, &len);
  lua_pop(L, 1);
  e = s + len;
  at = findas(s, e, &alias);
  if (at) lm_quote_identn(B(q), alias, (size_t)(e - alias), q->s->g->quote);
  else lmq_addname(q, s, len, 0);
}

static const char *const joinkinds[] = {"INNER", "LEFT", "RIGHT", "CROSS", NULL};

/* the join at the top: KIND JOIN table[ ON clauses] */
static void writejoin (Q *q) {
  lua_State *L = q->s->L;
  lmq_qfield(q, QF_KIND);
  lua_pushstring(L, joinkinds[luaL_checkoption(L, -1, "INNER", joinkinds)]);
  lua_remove(L, -2);
  luaL_addvalue(B(q));
  luaL_addstring(B(q), " JOIN ");
  lmq_addtable(q, 1);
  lmq_addwhere(q, " ON ", QF_WHERES);
}

/*
** The join at the top as join(t, first, op, second) makes it, the list
** { kind, table, first, operator, second }: KIND JOIN table ON first op
** second, read whole, then written; pops it
*/
static void addjoinon (Q *q) {
  lua_State *L = q->s->L;
  int e = lua_gettop(L), kind, opi;
  const char *op = NULL;
  Ident t, a, b;
  lua_rawgeti(L, e, 1);
  kind = luaL_checkoption(L, -1, "INNER", joinkinds);
  lua_rawgeti(L, e, 2);
  popident(q, &t);
  lua_rawgeti(L, e, 3);
  popident(q, &a);
  if (lua_rawgeti(L, e, 4) == LUA_TSTRING) op = lua_tostring(L, -1);  /* lives in the join */
  opi = lmq_checkoperator(q, op);
  lua_rawgeti(L, e, 5);
  popident(q, &b);
  lua_settop(L, e - 1);
  luaL_addstring(B(q), joinkinds[kind]);
  luaL_addstring(B(q), " JOIN ");
  writeident(q, &t, 1);
  luaL_addstring(B(q), " ON ");
  writeident(q, &a, 0);
  luaL_addchar(B(q), ' ');
  lmq_writeoperator(q, opi);
  luaL_addchar(B(q), ' ');
  writeident(q, &b, 0);
}

/* the joins: a Join builder (join(t, fn), cross_join) or addjoinon's list */
void lmq_addjoins (Q *q) {
  lua_State *L = q->s->L;
  lua_Integer i, n = lmq_qlen(q, QF_JOINS);
  for (i = 1; i <= n; i++) {
    luaL_addchar(B(q), ' ');
    lmq_elem(q, QF_JOINS, i);
    if (lua_istable(L, -1)) {
      int listed = lua_rawgeti(L, -1, 1) != LUA_TNIL;
      lua_pop(L, 1);
      if (listed) {
        addjoinon(q);
        continue;
      }
    }
    lmq_nested(q, writejoin);
  }
}

static void addgroups (Q *q) {
  lua_Integer i, n = lmq_qlen(q, QF_GROUPS);
  for (i = 1; i <= n; i++) {
    luaL_addstring(B(q), i == 1 ? " GROUP BY " : ", ");
    if (lmq_elem(q, QF_GROUPS, i) == LUA_TTABLE) addraw(q);
    else addident(q, 0);
  }
}

void lmq_addorders (Q *q, QField list) {
  lua_State *L = q->s->L;
  lua_Integer i, n = lmq_qlen(q, list);
  for (i = 1; i <= n; i++) {
    const char *dir;
    int e;
    luaL_addstring(B(q), i == 1 ? " ORDER BY " : ", ");
    lmq_elem(q, list, i);
    e = lua_gettop(L);
    if (lua_rawgeti(L, e, 1) == LUA_TNIL) {   /* no { column, dir }: random, raw */
      lua_pop(L, 1);
      if (lmq_getbool(L, e, "random")) {
        lua_pop(L, 1);
        luaL_addstring(B(q), q->s->qg->random);
      }
      else addraw(q);
      continue;
    }
    lua_rawgeti(L, e, 2);
    dir = lua_tostring(L, -1);   /* lives on in the order */
    lua_pop(L, 1);
    lua_remove(L, e);
    addident(q, 0);
    if (dir == NULL || (strcmp(dir, "ASC") != 0 && strcmp(dir, "DESC") != 0))
      lmq_error(q->s, "an order's direction must be ASC or DESC");
    luaL_addchar(B(q), ' ');
    luaL_addstring(B(q), dir);
  }
}

/* LIMIT and OFFSET: q->limit (first()'s 1), else the query's own */
void lmq_addlimit (Q *q, QField lim, QField off) {
  lua_Integer l = q->limit >= 0 ? q->limit : lmq_qint(q, lim);
  lua_Integer o = lmq_qint(q, off);
  if (l >= 0) addint(q, " LIMIT ", l);
  else if (o >= 0 && q->s->qg->no_limit) {
    luaL_addchar(B(q), ' ');
    luaL_addstring(B(q), q->s->qg->no_limit);
  }
  if (o >= 0) addint(q, " OFFSET ", o);
}

static void addlock (Q *q) {
  const char *lock = lmq_qstr(q, QF_LOCK);
  const char *sql = NULL;
  if (lock == NULL) return;
  if (strcmp(lock, "update") == 0) sql = q->s->qg->lock_update;
  else if (strcmp(lock, "share") == 0) sql = q->s->qg->lock_share;
  else lmq_error(q->s, "lock must be 'update' or 'share'");
  if (sql) luaL_addstring(B(q), sql);
}

/* the aggregate of the compilation: FN(column) */
const char *const lmq_aggregates[] = {"count", "min", "max", "sum", "avg", NULL};
static const char *const aggsql[] = {"COUNT", "MIN", "MAX", "SUM", "AVG"};

/* the columns of distinct(cols), comma separated */
static void adddistinctcols (Q *q) {
  lua_Integer i, n = lmq_qlen(q, QF_DIST);
  for (i = 1; i <= n; i++) {
    if (i > 1) luaL_addstring(B(q), ", ");
    lmq_elem(q, QF_DIST, i);
    addident(q, 0);
  }
}

/*
** SELECT's DISTINCT: for distinct(cols) PostgreSQL's DISTINCT ON (cols);
** the other dialects ignore the columns, as Laravel's grammars do
*/
static void adddistinct (Q *q) {
  if (lmq_qlen(q, QF_DIST) > 0 && q->s->qg->distinct_on) {
    luaL_addstring(B(q), "DISTINCT ON (");
    adddistinctcols(q);
    luaL_addstring(B(q), ") ");
  }
  else luaL_addstring(B(q), "DISTINCT ");
}

/*
** FN(column); with distinct() FN(DISTINCT column), and with distinct(cols)
** FN(DISTINCT cols) in place of the column, as Laravel's compileAggregate
*/
static void addaggregate (Q *q, const Agg *a, int distinct) {
  lua_State *L = q->s->L;
  luaL_addstring(B(q), aggsql[a->fn]);
  luaL_addchar(B(q), '(');
  if (distinct && lmq_qlen(q, QF_DIST) > 0) {
    luaL_addstring(B(q), "DISTINCT ");
    adddistinctcols(q);
  }
  else if (lua_type(L, a->column) == LUA_TSTRING && strcmp(lua_tostring(L, a->column), "*") == 0)
    luaL_addchar(B(q), '*');
  else {
    if (distinct) luaL_addstring(B(q), "DISTINCT ");
    lua_pushvalue(L, a->column);
    addident(q, 0);
  }
  lm_addf(&q->c, ") AS %I", "aggregate");
}

/*
** SELECT cols FROM ... joins WHERE GROUP BY HAVING ORDER BY LIMIT, or
** with 'cols' another select list (an aggregate: no order, no limit)
*/
void lmq_components (Q *q, Cols cols, const Agg *a) {
  int distinct = lmq_qbool(q, QF_DIST);
  luaL_addstring(B(q), "SELECT ");
  if (cols == COLS_AGGREGATE && a != NULL) addaggregate(q, a, distinct);
  else {
    if (distinct) adddistinct(q);
    if (cols == COLS_ROWID) {
      lmq_addrowsource(q);
      lm_addf(&q->c, ".%I", q->s->qg->rowid);
    }
    else addcolumns(q);
  }
  if (lmq_qfield(q, QF_TBL) != LUA_TNIL) {
    lua_pop(q->s->L, 1);
    luaL_addstring(B(q), " FROM ");
    lmq_addtable(q, 1);
  }
  else lua_pop(q->s->L, 1);
  lmq_addjoins(q);
  lmq_addwhere(q, " WHERE ", QF_WHERES);
  addgroups(q);
  lmq_addwhere(q, " HAVING ", QF_HAVINGS);
  if (cols == COLS_AGGREGATE) return;
  lmq_addorders(q, QF_ORDERS);
  lmq_addlimit(q, QF_LIM, QF_OFF);
  addlock(q);
}

/* a member of a union, in the parentheses of the dialect */
static void unionmember (Q *q, Writer w) {
  luaL_addstring(B(q), q->s->qg->union_select ? "SELECT * FROM (" : "(");
  w(q);
  luaL_addchar(B(q), ')');
}

static void writecomponents (Q *q) {
  lmq_components(q, COLS_QUERY, NULL);
}

static void writemember (Q *q) {
  unionmember(q, lmq_select);
}

void lmq_select (Q *q) {
  lua_State *L = q->s->L;
  lua_Integer i, n = lmq_qlen(q, QF_UNIONS);
  lua_Integer limit = q->limit;   /* the union's, not its first member's */
  if (n == 0) {
    lmq_components(q, COLS_QUERY, NULL);
    return;
  }
  q->limit = -1;
  unionmember(q, writecomponents);
  q->limit = limit;
  for (i = 1; i <= n; i++) {
    int e;
    lmq_elem(q, QF_UNIONS, i);
    e = lua_gettop(L);
    luaL_addstring(B(q), lmq_getbool(L, e, "all") ? " UNION ALL " : " UNION ");
    lmq_field(L, e, "query");
    lua_remove(L, e);
    lmq_nested(q, writemember);
  }
  lmq_addorders(q, QF_UORDERS);
  lmq_addlimit(q, QF_ULIM, QF_UOFF);
}

/*
** SELECT FN(c) AS "aggregate" FROM ...; over the whole query as a
** subquery when its rows are not the table's (unions, groups, HAVING,
** DISTINCT columns): count() counts the rows get() returns
*/
void lmq_aggregate (Q *q, const Agg *a) {
  int wrap = lmq_qlen(q, QF_UNIONS) > 0 || lmq_qlen(q, QF_HAVINGS) > 0;
  if (a->fn == 0)
    wrap = wrap || lmq_qlen(q, QF_GROUPS) > 0 ||
           (lmq_qbool(q, QF_DIST) && lmq_qlen(q, QF_COLS) > 0);
  if (!wrap) {
    lmq_components(q, COLS_AGGREGATE, a);
    return;
  }
  luaL_addstring(B(q), "SELECT ");
  addaggregate(q, a, 0);
  luaL_addstring(B(q), " FROM (");
  lmq_select(q);
  lm_addf(&q->c, ") AS %I", "temp_table");
}

/* }====================================================== */


