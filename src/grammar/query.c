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
**                                 or flat: kind, table, first, op, second)
**   (dist may be a list of columns: distinct(cols), DISTINCT ON on PostgreSQL)
**   groups  { column | raw }      havings { clause }
**   orders  { column, "ASC"|"DESC" (flat) | {raw=, bindings=} | {random=true} }
**   lim, off  integers            lock  "update" | "share"
**   unions  { {query=, all=} }    uorders, ulim, uoff: of the union
** A clause: flat, the slots of where()'s and having()'s basic clause and
** of where_in's and where_null's (grammar.h's LMQ_BASIC, LMQ_IN, ...), or
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
void lmq_adddotted (Q *q, const char *s, const char *e) {
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
** The bytes the one pass of fastname stops at: a part's end ('.'), a
** quote (doubled when it is the dialect's), a blank (maybe " as "), NUL
*/
static const unsigned char special[256] = {
  ['\0'] = 1, ['\t'] = 1, ['\n'] = 1, ['\v'] = 1, ['\f'] = 1, ['\r'] = 1,
  [' '] = 1, ['.'] = 1, ['"'] = 1, ['`'] = 1, ['-'] = 1
};

/*
** Closes the part of a name that began at 'part' ('len' bytes), written
** up to 'w' after its opening quote: its closing quote, or "*" unquoted
** in place of both ("t".*); returns the new end
*/
static char *endpart (char *w, const char *part, size_t len, char qc) {
  if (len == 1 && *part == '*') {
    w[-2] = '*';
    return w - 1;
  }
  *w++ = qc;
  return w;
}

/* the alias 'as'..'e' quoted whole after " AS " at 'w'; returns the new end */
static char *writealias (char *w, const char *as, const char *e, char qc) {
  *w++ = ' ';
  *w++ = 'A';
  *w++ = 'S';
  *w++ = ' ';
  *w++ = qc;
  for (; as < e; as++) {
    if (*as == qc) *w++ = qc;
    *w++ = *as;
  }
  *w++ = qc;
  return w;
}

/*
** lmq_addname's common case in one pass, each byte copied into room made
** once (at most 3 bytes out a byte in) rather than added one by one: 1
** when written; 0, nothing written, for a name that raises (a NUL, an
** empty part) or has a blank but no " as ", which lmq_addname's careful
** path then writes (or raises for) as it always did
*/
static int fastname (Q *q, const char *s, size_t len, int alias) {
  char qc = q->s->g->quote;
  const char *p, *part = s, *e = s + len, *as = NULL;
  char *w, *w0;
  if (len == 0 || len > ((size_t)-1 - 8) / 3) return 0;
  w = w0 = lmq_room(B(q), 3 * len + 8);
  *w++ = qc;
  for (p = s; p < e; p++) {
    unsigned char ch = (unsigned char)*p;
    if (special[ch]) {
      if (ch == '.') {
        if (p == part) return 0;
        w = endpart(w, part, (size_t)(p - part), qc);
        *w++ = '.';
        *w++ = qc;
        part = p + 1;
        continue;
      }
      if (ch == (unsigned char)qc) *w++ = qc;
      else if (ch == '\0') return 0;
      else if (ch == '-') {
        if (p + 1 < e && p[1] == '>') return 0;   /* a JSON path */
      }
      else if (ch != '"' && ch != '`' && as == NULL) {   /* the first blank */
        if ((e = findas(p, s + len, &as)) == NULL) return 0;
        if (p == e) break;   /* the name ends where " as " begins */
      }
    }
    *w++ = (char)ch;
  }
  if (p == part) return 0;
  w = endpart(w, part, (size_t)(p - part), qc);
  if (as != NULL) {
    if (memchr(as, '\0', (size_t)(s + len - as)) != NULL) return 0;
    if (alias) w = writealias(w, as, s + len, qc);
  }
  luaL_addsize(B(q), (size_t)(w - w0));
  return 1;
}

/*
** A name as Laravel's wrap() writes it: "a.b as c" is "a"."b" AS "c"; with
** 'alias' 0 the alias is left out (INSERT INTO, a table for a row id);
** "c->k" reads a JSON column's value (query_json.c)
*/
void lmq_addname (Q *q, const char *s, size_t len, int alias) {
  const char *e = s + len, *as = NULL, *at, *arrow;
  if (fastname(q, s, len, alias)) return;
  if (strlen(s) != len) lmq_error(q->s, "a name must not contain a NUL byte");
  if (len == 0) lmq_error(q->s, "a name must not be empty");
  at = findas(s, e, &as);
  arrow = lmq_jsonarrow(s, at ? at : e);
  if (arrow) lmq_addjson(q, s, arrow, at ? at : e, LMQ_JSON_TEXT);
  else lmq_adddotted(q, s, at ? at : e);
  if (at && alias) {
    addlit(q, " AS ");
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

/* reads the column (a string or lmigrate.raw) at the top; pops it */
void lmq_popident (Q *q, Ident *id) {
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

void lmq_writeident (Q *q, const Ident *id, int alias) {
  if (id->raw) luaL_addstring(B(q), id->s);
  else lmq_addname(q, id->s, id->len, alias);
}

/* writes the column at the top, popping it */
void lmq_addident (Q *q, int alias) {
  Ident id;
  lmq_popident(q, &id);
  lmq_writeident(q, &id, alias);
}

/*
** The value at the top, popped: bound (1, to be written '?') or
** lmigrate.raw (2, its text in '*raw', to be pasted). 0, leaving it, for
** what is no SQL value: the caller says where it was (lmq_badvalue).
*/
int lmq_popvalue (Q *q, const char **raw) {
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
void lmq_writevalue (Q *q, int kind, const char *raw) {
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
  int kind = lmq_popvalue(q, &raw);
  if (kind != 0) lmq_writevalue(q, kind, raw);
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
void lmq_addraw (Q *q) {
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

/* an integer's digits (lm_inttext), after 'word' */
void lmq_addint (Q *q, const char *word, lua_Integer v) {
  char num[LM_NUMBUF];
  size_t len = lm_inttext(num, v);
  lmq_addlstr(B(q), word, strlen(word));
  lmq_addlstr(B(q), num, len);
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

/* "(<select>)" of the query at the top; pops it */
void lmq_addsubquery (Q *q) {
  luaL_addchar(B(q), '(');
  lmq_nested(q, lmq_select);
  luaL_addchar(B(q), ')');
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
    lmq_addident(q, 1);
    return;
  }
  e = lua_gettop(L);
  if (lmq_field(L, e, "sub") == LUA_TTABLE) {
    const char *as;
    lua_pop(L, 1);
    as = lmq_getstr(q->s, e, "as");
    lmq_field(L, e, "sub");
    lua_remove(L, e);
    lmq_addsubquery(q);
    if (as) lm_addf(&q->c, " AS %I", as);
    return;
  }
  lua_pop(L, 1);
  lmq_addraw(q);
}

static void addcolumns (Q *q) {
  lua_Integer i, n = lmq_qlen(q, QF_COLS);
  if (n == 0) luaL_addchar(B(q), '*');
  for (i = 1; i <= n; i++) {
    if (i > 1) addlit(q, ", ");
    addselected(q, i);
  }
}

/*
** the table of the query: a name, raw SQL (lmigrate.raw, or from_raw's {
** raw = sql, bindings }) or a subquery, and its alias
*/
void lmq_addtable (Q *q, int alias) {
  lua_State *L = q->s->L;
  const char *as = lmq_qstr(q, QF_AS);
  int tt = lmq_qfield(q, QF_TBL);
  if (tt == LUA_TTABLE) {
    int raw = lmq_field(L, lua_gettop(L), "raw") == LUA_TSTRING;
    lua_pop(L, 1);
    if (!alias) lmq_error(q->s, "the table is a subquery, not a table name");
    if (raw) lmq_addraw(q);
    else lmq_addsubquery(q);
  }
  else if (tt == LUA_TNIL) lmq_error(q->s, "the query has no table (from)");
  else lmq_addident(q, alias);
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
  addlit(q, " JOIN ");
  lmq_addtable(q, 1);
  lmq_addwhere(q, " ON ", QF_WHERES);
}

/*
** The join at slot i of the joins as join(t, first, op, second) makes it
** (grammar.h: kind, table, first, operator, second): KIND JOIN table ON
** first op second, read slot by slot, then written
*/
static void addjoinon (Q *q, lua_Integer i) {
  lua_State *L = q->s->L;
  int kind, opi;
  const char *op = NULL;
  Ident t, a, b;
  lmq_elem(q, QF_JOINS, i);
  kind = luaL_checkoption(L, -1, "INNER", joinkinds);
  lua_pop(L, 1);
  lmq_elem(q, QF_JOINS, i + 1);
  lmq_popident(q, &t);
  lmq_elem(q, QF_JOINS, i + 2);
  lmq_popident(q, &a);
  if (lmq_elem(q, QF_JOINS, i + 3) == LUA_TSTRING) op = lua_tostring(L, -1);  /* lives in the list */
  lua_pop(L, 1);
  opi = lmq_checkoperator(q, op);
  lmq_elem(q, QF_JOINS, i + 4);
  lmq_popident(q, &b);
  lmq_addlstr(B(q), joinkinds[kind], strlen(joinkinds[kind]));
  addlit(q, " JOIN ");
  lmq_writeident(q, &t, 1);
  addlit(q, " ON ");
  lmq_writeident(q, &a, 0);
  luaL_addchar(B(q), ' ');
  lmq_writeoperator(q, opi);
  luaL_addchar(B(q), ' ');
  lmq_writeident(q, &b, 0);
}

/* the joins: a Join builder (join(t, fn), cross_join), or addjoinon's slots */
void lmq_addjoins (Q *q) {
  lua_Integer i = 1, n = lmq_qlen(q, QF_JOINS);
  while (i <= n) {
    luaL_addchar(B(q), ' ');
    if (lmq_elem(q, QF_JOINS, i) == LUA_TTABLE) {
      lmq_nested(q, writejoin);
      i++;
      continue;
    }
    lua_pop(q->s->L, 1);
    addjoinon(q, i);
    i += LMQ_SLOTS;
  }
}

static void addgroups (Q *q) {
  lua_Integer i, n = lmq_qlen(q, QF_GROUPS);
  for (i = 1; i <= n; i++) {
    if (i == 1) addlit(q, " GROUP BY ");
    else addlit(q, ", ");
    if (lmq_elem(q, QF_GROUPS, i) == LUA_TTABLE) lmq_addraw(q);
    else lmq_addident(q, 0);
  }
}

/*
** The orders: a table is in_random_order's { random = true } or a raw;
** else the slots column, direction (grammar.h)
*/
void lmq_addorders (Q *q, QField list) {
  lua_State *L = q->s->L;
  lua_Integer i = 1, n = lmq_qlen(q, list);
  while (i <= n) {
    const char *dir;
    int e;
    if (i == 1) addlit(q, " ORDER BY ");
    else addlit(q, ", ");
    if (lmq_elem(q, list, i++) == LUA_TTABLE) {
      e = lua_gettop(L);
      if (lmq_getbool(L, e, "random")) {
        lua_pop(L, 1);
        luaL_addstring(B(q), q->s->qg->random);
      }
      else lmq_addraw(q);
      continue;
    }
    lmq_elem(q, list, i++);
    dir = lua_tostring(L, -1);   /* lives on in the list */
    lua_pop(L, 1);
    lmq_addident(q, 0);
    if (dir == NULL || (strcmp(dir, "ASC") != 0 && strcmp(dir, "DESC") != 0))
      lmq_error(q->s, "an order's direction must be ASC or DESC");
    luaL_addchar(B(q), ' ');
    lmq_addlstr(B(q), dir, strlen(dir));
  }
}

/* LIMIT and OFFSET: q->limit (first()'s 1), else the query's own */
void lmq_addlimit (Q *q, QField lim, QField off) {
  lua_Integer l = q->limit >= 0 ? q->limit : lmq_qint(q, lim);
  lua_Integer o = lmq_qint(q, off);
  if (l >= 0) lmq_addint(q, " LIMIT ", l);
  else if (o >= 0 && q->s->qg->no_limit) {
    luaL_addchar(B(q), ' ');
    luaL_addstring(B(q), q->s->qg->no_limit);
  }
  if (o >= 0) lmq_addint(q, " OFFSET ", o);
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
    if (i > 1) addlit(q, ", ");
    lmq_elem(q, QF_DIST, i);
    lmq_addident(q, 0);
  }
}

/*
** SELECT's DISTINCT: for distinct(cols) PostgreSQL's DISTINCT ON (cols);
** the other dialects ignore the columns, as Laravel's grammars do
*/
static void adddistinct (Q *q) {
  if (lmq_qlen(q, QF_DIST) > 0 && q->s->qg->distinct_on) {
    addlit(q, "DISTINCT ON (");
    adddistinctcols(q);
    addlit(q, ") ");
  }
  else addlit(q, "DISTINCT ");
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
    addlit(q, "DISTINCT ");
    adddistinctcols(q);
  }
  else if (lua_type(L, a->column) == LUA_TSTRING && strcmp(lua_tostring(L, a->column), "*") == 0)
    luaL_addchar(B(q), '*');
  else {
    if (distinct) addlit(q, "DISTINCT ");
    lua_pushvalue(L, a->column);
    lmq_addident(q, 0);
  }
  lm_addf(&q->c, ") AS %I", "aggregate");
}

/*
** SELECT cols FROM ... joins WHERE GROUP BY HAVING ORDER BY LIMIT, or
** with 'cols' another select list (an aggregate: no order, no limit)
*/
void lmq_components (Q *q, Cols cols, const Agg *a) {
  int distinct = lmq_qbool(q, QF_DIST);
  addlit(q, "SELECT ");
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
    addlit(q, " FROM ");
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
  addlit(q, "SELECT ");
  addaggregate(q, a, 0);
  addlit(q, " FROM (");
  lmq_select(q);
  lm_addf(&q->c, ") AS %I", "temp_table");
}

/* }====================================================== */


