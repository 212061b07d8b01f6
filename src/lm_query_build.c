/*
** lm_query_build.c
** The query builder's hot calls (lua/lmigrate/db/query.lua and
** query_where.lua) in C: each is the method itself, collecting the plain
** tables src/grammar/query.c reads raw, exactly as the Lua did. A call
** from Lua into C (type, select, rawget, setmetatable) costs a few
** hundred instructions and these methods made several each: here they
** are stack reads. The rare shapes (a group, a subquery, lmigrate.raw
** where a name is expected) and every error go to the Lua helpers of
** the module (upvalue 1, lmigrate.db.query's M), so that each concern
** has one implementation and an error names the user's line as M.raise
** finds it (it passes over C frames).
*/
#include <stdarg.h>
#include <stdlib.h>

#include "lmigrate.h"
#include "grammar/grammar.h"

#define MOD      lua_upvalueindex(1)   /* lmigrate.db.query's M */
#define OPHERE   lua_upvalueindex(2)   /* grammar -> { [op] = true } of its dialect */
#define BUILDER  lua_upvalueindex(3)   /* M.Builder, the builders' metatable */

/* a method of Builder, upvalue 4 of its closure */
typedef struct Method {
  const char *key;      /* its name on Builder */
  lua_CFunction f;      /* NULL: the same closure as the method 'name' */
  const char *name;     /* the method its errors name */
  unsigned flags;       /* Q_* */
  const char *a, *b;    /* join: the kind; limit, offset: the field, the union's */
} Method;

#define Q_OR     1u   /* or_*: boolean_or */
#define Q_NOT    2u   /* *_not_*: negate */
#define Q_INTS   4u   /* where_integer_in_raw */
#define Q_CROSS  8u   /* cross_join(table): no columns */

#define METHOD(L)  ((const Method *)lua_touserdata(L, lua_upvalueindex(4)))

/*
** Upvalues 5 on: the keys the methods set and read, interned once (a
** lua_pushstring hashes its string each time)
*/
enum { U_WHERES = 5, U_JOINS, U_ORDERS, U_UORDERS, U_UNIONS, U_COLS, U_DB, U_G, U_TBL,
       U_GRAMMAR, U_EQ, U_LAST = U_EQ };
static const char *const ukeys[] = {
  "wheres", "joins", "orders", "uorders", "unions", "cols", "db", "g", "tbl", "grammar", "="
};
#define UKEY(u)  lua_upvalueindex(u)

/*
** {======================================================
** The Lua helpers: rare shapes and errors
** =======================================================
*/

/* calls M.fail(method, msg), which raises at the user's line */
static LM_NORETURN void qfail (lua_State *L, const char *method, const char *fmt, ...) {
  va_list ap;
  lua_getfield(L, MOD, "fail");
  lua_pushstring(L, method);
  va_start(ap, fmt);
  lua_pushvfstring(L, fmt, ap);
  va_end(ap);
  lua_call(L, 2, 0);
  abort();  /* not reached: M.fail raises */
}

/* pushes M[helper] and self, method: the call's first arguments */
static void pushhelper (lua_State *L, const char *helper, const char *method) {
  lua_getfield(L, MOD, helper);
  lua_pushvalue(L, 1);
  lua_pushstring(L, method);
}

/* a name: a string not empty (what the Lua asked of type() and ~= "") */
static int isname (lua_State *L, int i) {
  return lua_type(L, i) == LUA_TSTRING && lua_rawlen(L, i) > 0;
}

/* unless the value at 'c' is a name, M.check_column(method, it): raises unless it is lmigrate.raw */
static void checkcolumn (lua_State *L, const char *method, int c) {
  if (isname(L, c)) return;
  lua_getfield(L, MOD, "check_column");
  lua_pushstring(L, method);
  lua_pushvalue(L, c);
  lua_call(L, 2, 0);
}

/* pushes a flag's value: true, or nil */
static void pushflag (lua_State *L, unsigned on) {
  if (on) lua_pushboolean(L, 1);
  else lua_pushnil(L);
}

/* }====================================================== */

/*
** Pushes the list self[k] (self at 1, the key at index 'k'), made with
** room for 'size' items on the first (three clauses of where, one join, two
** orders: a query's second where does not grow it); returns its length
*/
static lua_Integer openlist (lua_State *L, int k, int size) {
  lua_pushvalue(L, k);
  if (lua_rawget(L, 1) == LUA_TTABLE) return (lua_Integer)lua_rawlen(L, -1);
  lua_pop(L, 1);
  lua_createtable(L, size, 0);
  lua_pushvalue(L, k);
  lua_pushvalue(L, -2);
  lua_rawset(L, 1);
  return 0;
}

/*
** Appends the n values at the top to the list at 'l' (pushed by openlist,
** of length 'len'), nil as false (grammar.h's flat clauses); pops them
** and the list
*/
static void appendflat (lua_State *L, int l, lua_Integer len, int n) {
  int i;
  for (i = n; i >= 1; i--) {
    if (lua_isnil(L, -1)) {
      lua_pop(L, 1);
      lua_pushboolean(L, 0);
    }
    lua_rawseti(L, l, len + i);
  }
  lua_settop(L, l - 1);
}

/* after a union, order_by, limit and offset are the union's (as in Laravel) */
static int inunion (lua_State *L) {
  int u;
  lua_pushvalue(L, UKEY(U_UNIONS));
  lua_rawget(L, 1);
  u = lua_toboolean(L, -1);
  lua_pop(L, 1);
  return u;
}

/*
** M.push(self, list, item, ...) -> self: adds to the list field 'list' an
** item (a table) or the slots of a flat clause (grammar.h)
*/
static int qb_push (lua_State *L) {
  int n = lua_gettop(L) - 2;
  lua_Integer len;
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checkstring(L, 2);
  luaL_argcheck(L, n >= 1, 3, "an item expected");
  len = openlist(L, 2, n);
  lua_insert(L, 3);
  appendflat(L, 3, len, n);
  lua_pushvalue(L, 1);
  return 1;
}

/*
** db:table(name [, alias]) is M.new(db, name, alias) -> a builder: the
** table { db, g = db.grammar, tbl } made for the five fields most queries
** set; any other table than a name through b:from(tbl, alias)
*/
static int qb_new (lua_State *L) {
  int plain = lua_isnoneornil(L, 3) && isname(L, 2);
  lua_settop(L, 3);
  lua_createtable(L, 0, plain ? 5 : 8);
  lua_pushvalue(L, UKEY(U_DB));
  lua_pushvalue(L, 1);
  lua_rawset(L, 4);
  lua_pushvalue(L, UKEY(U_G));
  lua_pushvalue(L, UKEY(U_GRAMMAR));
  lua_gettable(L, 1);
  lua_rawset(L, 4);
  if (plain) {
    lua_pushvalue(L, UKEY(U_TBL));
    lua_pushvalue(L, 2);
    lua_rawset(L, 4);
  }
  lua_pushvalue(L, BUILDER);
  lua_setmetatable(L, -2);
  if (!plain && !lua_isnil(L, 2)) {
    lua_getfield(L, -1, "from");
    lua_pushvalue(L, -2);
    lua_pushvalue(L, 2);
    lua_pushvalue(L, 3);
    lua_call(L, 3, 0);
  }
  return 1;
}

/*
** {======================================================
** where(column, op, value), where(column, value)
** =======================================================
*/

/*
** The operator at 'op' must be one of the dialect's: found as it is in
** the grammar's set (filled by query_where.lua's check_op), or asked of
** check_op, which knows another case and raises for the rest
*/
static void checkop (lua_State *L, const char *method, int op) {
  if (lua_type(L, op) == LUA_TSTRING) {
    lua_pushvalue(L, UKEY(U_G));
    lua_rawget(L, 1);
    if (lua_rawget(L, OPHERE) == LUA_TTABLE) {
      int known;
      lua_pushvalue(L, op);
      known = lua_rawget(L, -2) != LUA_TNIL;
      lua_pop(L, 2);
      if (known) return;
    }
    else lua_pop(L, 1);
  }
  pushhelper(L, "check_op", method);
  lua_pushvalue(L, op);
  lua_call(L, 3, 0);
}

/*
** A column that is no name: M.where_group takes a function or a table (a
** group, its result pushed: returns 1); else it must be lmigrate.raw
*/
static int wheregroup (lua_State *L, const char *method, int orx, int c) {
  int t = lua_type(L, c);
  if (t == LUA_TFUNCTION || t == LUA_TTABLE) {
    pushhelper(L, "where_group", method);
    lua_pushvalue(L, orx);
    lua_pushvalue(L, c);
    lua_call(L, 4, 1);
    if (!lua_isnil(L, -1)) return 1;
    lua_pop(L, 1);
  }
  checkcolumn(L, method, c);
  return 0;
}

/* pushes the operator at 'op', or '=' for 0 (where(column, value)) */
static void pushop (lua_State *L, int op) {
  if (op) lua_pushvalue(L, op);
  else lua_pushvalue(L, UKEY(U_EQ));
}

/*
** A value that is no number, string or boolean: M.where_special writes
** lmigrate.null's IS NULL and a subquery's clause (returns 1), or checks
** that it is a value (lmigrate.raw), for the basic clause
*/
static int wherespecial (lua_State *L, const char *method, int orx, int c, int op, int v) {
  int done;
  pushhelper(L, "where_special", method);
  lua_pushvalue(L, orx);
  lua_pushvalue(L, c);
  pushop(L, op);
  lua_pushvalue(L, v);
  lua_call(L, 6, 1);
  done = lua_toboolean(L, -1);
  lua_pop(L, 1);
  return done;
}

/*
** The clause of where(column, [op,] value) for 'method': the column at
** 'c', the operator and the value above it, 'n' the number of them given
** (2: the value is at c + 1, the operator '='),
** boolean_or the value at 'orx'. Pushes self (at 1), or what a group
** returned; a basic clause is LMQ_BASIC's slots (grammar.h)
*/
static int addwhere (lua_State *L, const char *method, int orx, int n, int c) {
  int op = c + 1, v = c + 2, l;
  lua_Integer len;
  if (!isname(L, c) && wheregroup(L, method, orx, c)) return 1;
  if (n < 2) qfail(L, method, "expects a value after the column");
  if (n == 2) {   /* where(column, value): '=' */
    v = op;
    op = 0;
  }
  else checkop(L, method, op);
  switch (lua_type(L, v)) {
    case LUA_TNUMBER: case LUA_TSTRING: case LUA_TBOOLEAN: break;
    default:
      if (wherespecial(L, method, orx, c, op, v)) {
        lua_pushvalue(L, 1);
        return 1;
      }
  }
  len = openlist(L, UKEY(U_WHERES), 3 * LMQ_SLOTS);
  l = lua_gettop(L);
  lua_pushinteger(L, LMQ_BASIC);
  lua_pushvalue(L, c);
  pushop(L, op);
  lua_pushvalue(L, v);
  lua_pushvalue(L, orx);
  appendflat(L, l, len, LMQ_SLOTS);
  lua_pushvalue(L, 1);
  return 1;
}

/* where(column, ...), or_where(column, ...) */
static int qb_where (lua_State *L) {
  const Method *m = METHOD(L);
  int n = lua_gettop(L) - 1;
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 4);
  pushflag(L, m->flags & Q_OR);
  return addwhere(L, m->name, 5, n, 2);
}

/*
** M.add_where(self, method, or_, n, column, op, value): where() for the
** other methods made of it (where_not, a table of conditions)
*/
static int qb_add_where (lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checkstring(L, 2);
  lua_settop(L, 7);
  return addwhere(L, lua_tostring(L, 2), 3, (int)luaL_checkinteger(L, 4), 5);
}

/* }====================================================== */

/*
** {======================================================
** where_in, where_null
** =======================================================
*/

/*
** The values at 3 of where_in(column, values): 1 a list, 0 a subquery (a
** function or a builder); raises for anything else
*/
static int islist (lua_State *L, const char *method) {
  int t = lua_type(L, 3), list = 1;
  if (t == LUA_TFUNCTION) return 0;
  if (t == LUA_TTABLE && lua_getmetatable(L, 3)) {   /* is_builder's and is_raw's */
    int mt = lua_gettop(L);
    luaL_getmetatable(L, LM_RAW);
    lua_getfield(L, MOD, "Join");
    if (lua_rawequal(L, mt, BUILDER) || lua_rawequal(L, mt, -1)) list = 0;
    else if (lua_rawequal(L, mt, -2)) t = LUA_TNIL;
    lua_settop(L, mt - 1);
  }
  if (t != LUA_TTABLE)
    qfail(L, method, "expects a list of values or a subquery, got %s", luaL_typename(L, 3));
  return list;
}

/* each value of the list at 3 must be an SQL value (Q_INTS: an integer) */
static void checklist (lua_State *L, const Method *m) {
  lua_Integer i, n = luaL_len(L, 3);
  for (i = 1; i <= n; i++) {
    int t = lua_geti(L, 3, i);
    if (m->flags & Q_INTS) {
      if (!lua_isinteger(L, -1))
        qfail(L, m->name, "value %d of the list is not an integer", (int)i);
    }
    else if (t != LUA_TNUMBER && t != LUA_TSTRING && t != LUA_TBOOLEAN
             && luaL_testudata(L, -1, LM_RAW) == NULL) {
      qfail(L, m->name, "value %d of the list is a %s, not an SQL value", (int)i,
            lm_isnull(L, -1) ? "lmigrate.null" : luaL_typename(L, -1));
    }
    lua_pop(L, 1);
  }
}

/* pushes M[helper] and self, method, boolean_or, negate, column of 'm': a rare shape's call */
static void pushlisted (lua_State *L, const Method *m, const char *helper) {
  pushhelper(L, helper, m->name);
  pushflag(L, m->flags & Q_OR);
  pushflag(L, m->flags & Q_NOT);
  lua_pushvalue(L, 2);
}

/*
** Adds to the wheres the slots kind, column, values, negate, boolean_or
** (grammar.h) of 'm', the column at 2 and the values at 3 (nil for
** LMQ_NULL); pushes self
*/
static int addlisted (lua_State *L, const Method *m, int kind) {
  lua_Integer len = openlist(L, UKEY(U_WHERES), 3 * LMQ_SLOTS);
  int l = lua_gettop(L);
  lua_pushinteger(L, kind);
  lua_pushvalue(L, 2);
  lua_pushvalue(L, 3);
  lua_pushboolean(L, (m->flags & Q_NOT) != 0);
  lua_pushboolean(L, (m->flags & Q_OR) != 0);
  appendflat(L, l, len, LMQ_SLOTS);
  lua_settop(L, 1);
  return 1;
}

/*
** where_in(column, values) and its kin: a list of values is a listed
** clause (LMQ_IN, LMQ_IN_INT); a subquery through M.where_in_sub
*/
static int qb_where_in (lua_State *L) {
  const Method *m = METHOD(L);
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 3);
  checkcolumn(L, m->name, 2);
  if (!islist(L, m->name)) {
    pushlisted(L, m, "where_in_sub");
    lua_pushvalue(L, 3);
    pushflag(L, m->flags & Q_INTS);
    lua_call(L, 7, 1);
    return 1;
  }
  checklist(L, m);
  return addlisted(L, m, (m->flags & Q_INTS) ? LMQ_IN_INT : LMQ_IN);
}

/*
** where_null(column) and its kin: a name is a listed clause (LMQ_NULL); a
** list of columns or a raw through M.where_nulls
*/
static int qb_where_null (lua_State *L) {
  const Method *m = METHOD(L);
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 2);
  lua_pushnil(L);   /* 3: no values */
  if (!isname(L, 2)) {
    pushlisted(L, m, "where_nulls");
    lua_call(L, 5, 1);
    return 1;
  }
  return addlisted(L, m, LMQ_NULL);
}

/* }====================================================== */

/*
** {======================================================
** select, join, order_by, limit, offset
** =======================================================
*/

/*
** select("a", "b as c", ...): the list of the names as they are; any
** other column (a list, a raw) through M.columns, which checks them
*/
static int qb_select (lua_State *L) {
  int n = lua_gettop(L), i;
  luaL_checktype(L, 1, LUA_TTABLE);
  for (i = 2; i <= n && isname(L, i); i++) {}
  if (i <= n) {
    luaL_checkstack(L, n + 3, "too many columns");
    lua_getfield(L, MOD, "columns");
    lua_pushliteral(L, "select");
    lua_newtable(L);
    for (i = 2; i <= n; i++) lua_pushvalue(L, i);
    lua_call(L, n + 1, 1);
  }
  else {
    lua_createtable(L, n - 1, 0);
    for (i = 2; i <= n; i++) {
      lua_pushvalue(L, i);
      lua_rawseti(L, -2, i - 1);
    }
  }
  if (lua_rawlen(L, -1) == 0) {   /* no columns: all */
    lua_pop(L, 1);
    lua_pushnil(L);
  }
  lua_pushvalue(L, UKEY(U_COLS));
  lua_rotate(L, -2, 1);
  lua_rawset(L, 1);
  lua_settop(L, 1);
  return 1;
}

/*
** join(t, first, op, second), join(t, first, second): the slots kind, t,
** first, op, second (grammar.h), which the grammar writes as the Join
** they stand for; join(t, function(join)) and cross_join(t) through M.join_on
*/
static int qb_join (lua_State *L) {
  const Method *m = METHOD(L);
  int n = lua_gettop(L) - 2;
  lua_Integer len;
  luaL_checktype(L, 1, LUA_TTABLE);
  if (m->flags & Q_CROSS) lua_settop(L, 2);
  lua_settop(L, 5);
  if (!isname(L, 2) && luaL_testudata(L, 2, LM_RAW) == NULL)
    qfail(L, m->name, "expects a table name (string), got %s", luaL_typename(L, 2));
  if (lua_isnil(L, 3) || lua_type(L, 3) == LUA_TFUNCTION) {
    pushhelper(L, "join_on", m->name);
    lua_pushstring(L, m->a);
    lua_pushvalue(L, 2);
    lua_pushvalue(L, 3);
    lua_call(L, 5, 1);
    return 1;
  }
  checkcolumn(L, m->name, 3);
  if (n == 2) {   /* join(t, first, second): '=' */
    lua_pushvalue(L, 4);
    lua_replace(L, 5);
    lua_pushliteral(L, "=");
    lua_replace(L, 4);
  }
  checkop(L, m->name, 4);
  checkcolumn(L, m->name, 5);
  len = openlist(L, UKEY(U_JOINS), LMQ_SLOTS);
  lua_pushstring(L, m->a);
  for (n = 2; n <= 5; n++) lua_pushvalue(L, n);
  appendflat(L, 6, len, LMQ_SLOTS);
  lua_settop(L, 1);
  return 1;
}

/* the direction at 3 of order_by: nil, false or any case of asc, desc; NULL for another */
static const char *direction (lua_State *L) {
  size_t len;
  const char *d;
  if (!lua_toboolean(L, 3)) return "ASC";
  if (lua_type(L, 3) != LUA_TSTRING) return NULL;
  d = lua_tolstring(L, 3, &len);
  if (len == 3 && lm_iequal(d, "asc")) return "ASC";
  if (len == 4 && lm_iequal(d, "desc")) return "DESC";
  return NULL;
}

/* order_by(column [, dir]): the slots column, dir (grammar.h) */
static int qb_order_by (lua_State *L) {
  const Method *m = METHOD(L);
  const char *d;
  lua_Integer len;
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 3);
  checkcolumn(L, m->name, 2);
  d = direction(L);
  if (d == NULL)
    qfail(L, m->name, "the direction must be 'asc' or 'desc', got %s", luaL_tolstring(L, 3, NULL));
  len = openlist(L, UKEY(inunion(L) ? U_UORDERS : U_ORDERS), 2 * LMQ_ORDER_SLOTS);
  lua_pushvalue(L, 2);
  lua_pushstring(L, d);
  appendflat(L, 4, len, LMQ_ORDER_SLOTS);
  lua_settop(L, 1);
  return 1;
}

/* limit(n), offset(n): a whole number >= 0 (else M.count_arg raises) */
static int qb_limit (lua_State *L) {
  const Method *m = METHOD(L);
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 2);
  if (!lua_isinteger(L, 2) || lua_tointeger(L, 2) < 0) {
    lua_getfield(L, MOD, "count_arg");
    lua_pushstring(L, m->name);
    lua_pushvalue(L, 2);
    lua_call(L, 2, 0);
  }
  lua_pushstring(L, inunion(L) ? m->b : m->a);
  lua_pushvalue(L, 2);
  lua_rawset(L, 1);
  lua_settop(L, 1);
  return 1;
}

/* }====================================================== */

static const Method methods[] = {
  {"where", qb_where, "where", 0, NULL, NULL},
  {"or_where", qb_where, "or_where", Q_OR, NULL, NULL},
  {"where_in", qb_where_in, "where_in", 0, NULL, NULL},
  {"or_where_in", qb_where_in, "or_where_in", Q_OR, NULL, NULL},
  {"where_not_in", qb_where_in, "where_not_in", Q_NOT, NULL, NULL},
  {"or_where_not_in", qb_where_in, "or_where_not_in", Q_OR | Q_NOT, NULL, NULL},
  /* Laravel's whereIntegerInRaw: integers written in, for lists past the
     dialect's limit of parameters (SQLite 32766, PostgreSQL 65535) */
  {"where_integer_in_raw", qb_where_in, "where_integer_in_raw", Q_INTS, NULL, NULL},
  {"where_integer_not_in_raw", qb_where_in, "where_integer_not_in_raw", Q_INTS | Q_NOT,
   NULL, NULL},
  {"or_where_integer_in_raw", qb_where_in, "or_where_integer_in_raw", Q_INTS | Q_OR, NULL, NULL},
  {"or_where_integer_not_in_raw", qb_where_in, "or_where_integer_not_in_raw",
   Q_INTS | Q_NOT | Q_OR, NULL, NULL},
  {"where_null", qb_where_null, "where_null", 0, NULL, NULL},
  {"or_where_null", qb_where_null, "or_where_null", Q_OR, NULL, NULL},
  {"where_not_null", qb_where_null, "where_not_null", Q_NOT, NULL, NULL},
  {"or_where_not_null", qb_where_null, "or_where_not_null", Q_OR | Q_NOT, NULL, NULL},
  {"select", qb_select, "select", 0, NULL, NULL},
  {"join", qb_join, "join", 0, "INNER", NULL},
  {"left_join", qb_join, "left_join", 0, "LEFT", NULL},
  {"right_join", qb_join, "right_join", 0, "RIGHT", NULL},
  {"cross_join", qb_join, "cross_join", Q_CROSS, "CROSS", NULL},
  {"order_by", qb_order_by, "order_by", 0, NULL, NULL},
  {"limit", qb_limit, "limit", 0, "lim", "ulim"},
  {"take", NULL, "limit", 0, NULL, NULL},
  {"offset", qb_limit, "offset", 0, "off", "uoff"},
  {"skip", NULL, "offset", 0, NULL, NULL},
  {NULL, NULL, NULL, 0, NULL, NULL}
};

static const luaL_Reg module_funcs[] = {
  {"push", qb_push},
  {"new", qb_new},
  {"add_where", qb_add_where},
  {NULL, NULL}
};

/*
** pushes every closure's upvalues, M (at 1), op_here, Builder, the
** method 'm', the keys; returns their number
*/
static int pushupvalues (lua_State *L, const Method *m) {
  int u;
  luaL_checkstack(L, U_LAST, NULL);
  lua_pushvalue(L, 1);
  lua_getfield(L, 1, "op_here");
  lua_getfield(L, 1, "Builder");
  lua_pushlightuserdata(L, (void *)m);
  for (u = U_WHERES; u <= U_LAST; u++) lua_pushstring(L, ukeys[u - U_WHERES]);
  return U_LAST;
}

/*
** core.query_build(M): sets M.op_here (grammar -> its operators, weak
** keys: check_op fills it), M.BASIC and M.SLOTS (a flat clause's kind
** and length, grammar.h), the helpers of 'module_funcs' on M and the
** 'methods' on M.Builder
*/
static int qb_install (lua_State *L) {
  const Method *m;
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 1);
  lua_createtable(L, 0, 2);
  lua_createtable(L, 0, 1);
  lua_pushliteral(L, "k");
  lua_setfield(L, -2, "__mode");
  lua_setmetatable(L, -2);
  lua_setfield(L, 1, "op_here");
  lua_getfield(L, 1, "Builder");   /* 2 */
  luaL_checktype(L, 2, LUA_TTABLE);
  for (m = methods; m->key != NULL; m++) {
    if (m->f == NULL) lua_getfield(L, 2, m->name);   /* an alias */
    else {
      int nup = pushupvalues(L, m);
      lua_pushcclosure(L, m->f, nup);
    }
    lua_setfield(L, 2, m->key);
  }
  lua_settop(L, 1);
  lua_pushinteger(L, LMQ_BASIC);
  lua_setfield(L, 1, "BASIC");
  lua_pushinteger(L, LMQ_SLOTS);
  lua_setfield(L, 1, "SLOTS");
  luaL_setfuncs(L, module_funcs, pushupvalues(L, NULL));
  return 0;
}

int lm_open_query_build (lua_State *L) {
  lua_pushcfunction(L, qb_install);
  lua_setfield(L, -2, "query_build");
  return 0;
}
