/*
** query_read.c
** How the query builder's compiler (query.c) reads a query: the tables
** lua/lmigrate/db/query.lua collects, read raw so that a builder's
** methods never answer. A query's own fields are pushed once, by one
** traversal of its keys (lmq_init), and read at their stack indices; its
** clauses and list items by lmq_field and its kin.
*/
#include <string.h>

#include "query.h"


const char *const lmq_fields[] = {
  "tbl", "as", "cols", "dist", "joins", "wheres", "groups", "havings", "orders",
  "lim", "off", "lock", "unions", "uorders", "ulim", "uoff", "kind"
};

/*
** The field named 'k' (of 'len' bytes), or -1: its first letter (and
** length) name the one field it can be, which one compare confirms; the
** builder's other keys (db, g) fail at the first
*/
static int fieldof (const char *k, size_t len) {
  int f;
  switch (k[0]) {
    case 't': f = QF_TBL; break;
    case 'a': f = QF_AS; break;
    case 'c': f = QF_COLS; break;
    case 'd': f = QF_DIST; break;
    case 'j': f = QF_JOINS; break;
    case 'w': f = QF_WHERES; break;
    case 'g': f = QF_GROUPS; break;
    case 'h': f = QF_HAVINGS; break;
    case 'o': f = (len == 3) ? QF_OFF : QF_ORDERS; break;
    case 'l': f = (len == 3) ? QF_LIM : QF_LOCK; break;
    case 'u':
      if (len == 4) f = (k[1] == 'l') ? QF_ULIM : QF_UOFF;
      else f = (k[1] == 'n') ? QF_UNIONS : QF_UORDERS;
      break;
    case 'k': f = QF_KIND; break;
    default: return -1;
  }
  return (strlen(lmq_fields[f]) == len && memcmp(k, lmq_fields[f], len) == 0) ? f : -1;
}

/*
** Pushes the fields of the query at q->t that are set, q->at their
** indices: one traversal of its few keys (db, g, tbl, wheres, ...) in
** place of a raw lookup for each of the fields it may have
*/
static void pushfields (Q *q) {
  lua_State *L = q->s->L;
  memset(q->at, 0, sizeof(q->at));
  luaL_checkstack(L, QF_N + LUA_MINSTACK, "a query nested too deep");
  lua_pushnil(L);
  while (lua_next(L, q->t)) {
    int f = -1;
    if (lua_type(L, -2) == LUA_TSTRING) {
      size_t len;
      const char *k = lua_tolstring(L, -2, &len);
      f = fieldof(k, len);
    }
    if (f < 0) lua_pop(L, 1);
    else {
      lua_insert(L, -2);   /* the value kept below its key, which goes on */
      q->at[f] = lua_gettop(L) - 1;
    }
  }
}

void lmq_init (Q *q, QState *s, int t) {
  q->c.L = s->L;
  q->c.g = s->g;
  q->c.bp = NULL;
  q->c.list = 0;
  q->c.n = 0;
  q->c.rebuild = 0;
  q->s = s;
  q->t = t;
  q->limit = -1;
  if (lua_istable(s->L, t)) pushfields(q);
  else memset(q->at, 0, sizeof(q->at));
  luaL_buffinit(s->L, &q->c.b);
}



/*
** {======================================================
** Reading the tables
** =======================================================
*/

/* pushes t[k] (raw); returns its type */
int lmq_field (lua_State *L, int t, const char *k) {
  lua_pushstring(L, k);
  return lua_rawget(L, t);
}

/* t[k] as a string, NULL when nil; the string lives on in t */
const char *lmq_getstr (QState *s, int t, const char *k) {
  const char *v = NULL;
  int tt = lmq_field(s->L, t, k);
  if (tt == LUA_TSTRING) v = lua_tostring(s->L, -1);
  else if (tt != LUA_TNIL) lmq_error(s, "'%s' is a %s (a bug in query.lua)", k,
                                  luaL_typename(s->L, -1));
  lua_pop(s->L, 1);
  return v;
}

int lmq_getbool (lua_State *L, int t, const char *k) {
  int v;
  lmq_field(L, t, k);
  v = lua_toboolean(L, -1);
  lua_pop(L, 1);
  return v;
}

/* the query's field f as a string, NULL when nil; the string lives on in it */
const char *lmq_qstr (Q *q, QField f) {
  lua_State *L = q->s->L;
  int i = q->at[f];
  if (i == 0) return NULL;
  if (lua_type(L, i) != LUA_TSTRING)
    lmq_error(q->s, "'%s' is a %s (a bug in query.lua)", lmq_fields[f], luaL_typename(L, i));
  return lua_tostring(L, i);
}

int lmq_qbool (Q *q, QField f) {
  return q->at[f] != 0 && lua_toboolean(q->s->L, q->at[f]);
}

/* the query's field f as an integer, or -1 when nil */
lua_Integer lmq_qint (Q *q, QField f) {
  int isint;
  lua_Integer v;
  if (q->at[f] == 0) return -1;
  v = lua_tointegerx(q->s->L, q->at[f], &isint);
  if (!isint || v < 0) lmq_error(q->s, "%s must be a non-negative integer", lmq_fields[f]);
  return v;
}

/* the length of the query's list f (0: nil) */
lua_Integer lmq_qlen (Q *q, QField f) {
  lua_State *L = q->s->L;
  if (q->at[f] == 0 || lua_type(L, q->at[f]) != LUA_TTABLE) return 0;
  return (lua_Integer)lua_rawlen(L, q->at[f]);
}

/* pushes the query's field f (nil when it has none); returns its type */
int lmq_qfield (Q *q, QField f) {
  lua_State *L = q->s->L;
  if (q->at[f] == 0) {
    lua_pushnil(L);
    return LUA_TNIL;
  }
  lua_pushvalue(L, q->at[f]);
  return lua_type(L, -1);
}

/* pushes item i of the query's list f; returns its type */
int lmq_elem (Q *q, QField f, lua_Integer i) {
  return lua_rawgeti(q->s->L, q->at[f], i);
}

/* pushes field k of item i of the query's list f; returns its type */
int lmq_part (Q *q, QField f, lua_Integer i, const char *k) {
  lua_State *L = q->s->L;
  int tt;
  lmq_elem(q, f, i);
  tt = lmq_field(L, lua_gettop(L), k);
  lua_remove(L, -2);
  return tt;
}

/* }====================================================== */
