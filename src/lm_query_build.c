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
#include <stdlib.h>

#include "lmigrate.h"

#define MOD     lua_upvalueindex(1)   /* lmigrate.db.query's M */
#define OPHERE  lua_upvalueindex(2)   /* grammar -> { [op] = true } of its dialect */

/*
** {======================================================
** The Lua helpers: rare shapes and errors
** =======================================================
*/

/* calls M.fail(method, msg), which raises at the user's line */
static LM_NORETURN void qfail (lua_State *L, const char *method, const char *msg) {
  lua_getfield(L, MOD, "fail");
  lua_pushstring(L, method);
  lua_pushstring(L, msg);
  lua_call(L, 2, 0);
  abort();  /* not reached: M.fail raises */
}

/* M.check_column(method, <value at 'c'>): raises unless it is lmigrate.raw */
static void checkcolumn (lua_State *L, const char *method, int c) {
  lua_getfield(L, MOD, "check_column");
  lua_pushstring(L, method);
  lua_pushvalue(L, c);
  lua_call(L, 2, 0);
}

/* pushes the value at 'orx' (0: nil), a clause's boolean_or */
static void pushor (lua_State *L, int orx) {
  if (orx) lua_pushvalue(L, orx);
  else lua_pushnil(L);
}

/* }====================================================== */

/*
** Appends the table at the top to the list self[list] (self at 1),
** making the list on the first; pops it
*/
static void pushitem (lua_State *L, const char *list) {
  lua_pushstring(L, list);
  if (lua_rawget(L, 1) == LUA_TTABLE) {
    lua_rotate(L, -2, 1);   /* the list below the item */
    lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
    lua_pop(L, 1);
    return;
  }
  lua_pop(L, 1);
  lua_createtable(L, 1, 0);
  lua_rotate(L, -2, 1);
  lua_rawseti(L, -2, 1);
  lua_pushstring(L, list);
  lua_rotate(L, -2, 1);
  lua_rawset(L, 1);
}

/*
** M.push(self, list, item) -> self: adds 'item' to the list field 'list'
*/
static int qb_push (lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checkstring(L, 2);
  lua_settop(L, 3);
  pushitem(L, lua_tostring(L, 2));
  lua_settop(L, 1);
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
    lua_getfield(L, 1, "g");
    if (lua_rawget(L, OPHERE) == LUA_TTABLE) {
      int known;
      lua_pushvalue(L, op);
      known = lua_rawget(L, -2) != LUA_TNIL;
      lua_pop(L, 2);
      if (known) return;
    }
    else lua_pop(L, 1);
  }
  lua_getfield(L, MOD, "check_op");
  lua_pushvalue(L, 1);
  lua_pushstring(L, method);
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
    lua_getfield(L, MOD, "where_group");
    lua_pushvalue(L, 1);
    lua_pushstring(L, method);
    pushor(L, orx);
    lua_pushvalue(L, c);
    lua_call(L, 4, 1);
    if (!lua_isnil(L, -1)) return 1;
    lua_pop(L, 1);
  }
  checkcolumn(L, method, c);
  return 0;
}

/*
** A value that is no number, string or boolean: M.where_special writes
** lmigrate.null's IS NULL and a subquery's clause (returns 1), or checks
** that it is a value (lmigrate.raw), for the basic clause
*/
static int wherespecial (lua_State *L, const char *method, int orx, int c, int op, int v) {
  int done;
  lua_getfield(L, MOD, "where_special");
  lua_pushvalue(L, 1);
  lua_pushstring(L, method);
  pushor(L, orx);
  lua_pushvalue(L, c);
  if (op) lua_pushvalue(L, op);
  else lua_pushliteral(L, "=");
  lua_pushvalue(L, v);
  lua_call(L, 6, 1);
  done = lua_toboolean(L, -1);
  lua_pop(L, 1);
  return done;
}

/*
** The clause of where(column, [op,] value) for 'method', the column at
** 'c', the operator and the value above it, 'n' the number of them given,
** boolean_or the value at 'orx' (0: nil). Pushes self (at 1) or what a
** group returned: a basic clause is the list { column, op, value,
** boolean_or }
*/
static int addwhere (lua_State *L, const char *method, int orx, int n, int c) {
  int op = c + 1, v = c + 2;
  if (lua_type(L, c) != LUA_TSTRING || lua_rawlen(L, c) == 0) {
    if (wheregroup(L, method, orx, c)) return 1;
  }
  if (n < 2) qfail(L, method, "expects a value after the column");
  if (n == 2) { v = op; op = 0; }   /* where(column, value): '=' */
  else checkop(L, method, op);
  switch (lua_type(L, v)) {
    case LUA_TNUMBER: case LUA_TSTRING: case LUA_TBOOLEAN: break;
    default:
      if (wherespecial(L, method, orx, c, op, v)) {
        lua_pushvalue(L, 1);
        return 1;
      }
  }
  lua_createtable(L, 4, 0);
  lua_pushvalue(L, c);
  lua_rawseti(L, -2, 1);
  if (op) lua_pushvalue(L, op);
  else lua_pushliteral(L, "=");
  lua_rawseti(L, -2, 2);
  lua_pushvalue(L, v);
  lua_rawseti(L, -2, 3);
  if (orx) {
    lua_pushvalue(L, orx);
    lua_rawseti(L, -2, 4);
  }
  pushitem(L, "wheres");
  lua_pushvalue(L, 1);
  return 1;
}

static int qb_where (lua_State *L) {
  int n = lua_gettop(L) - 1;
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 4);
  return addwhere(L, "where", 0, n, 2);
}

static int qb_or_where (lua_State *L) {
  int n = lua_gettop(L) - 1;
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 4);
  lua_pushboolean(L, 1);
  return addwhere(L, "or_where", 5, n, 2);
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

static const luaL_Reg builder_meth[] = {
  {"where", qb_where},
  {"or_where", qb_or_where},
  {NULL, NULL}
};

static const luaL_Reg module_funcs[] = {
  {"push", qb_push},
  {"add_where", qb_add_where},
  {NULL, NULL}
};

/*
** core.query_build(M): puts the methods on M.Builder and the helpers on
** M (push, add_where; op_here, the operator sets check_op fills), each
** a closure over M and op_here
*/
static int qb_install (lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 1);
  lua_createtable(L, 0, 2);   /* op_here: weak keys, as a grammar may go */
  lua_createtable(L, 0, 1);
  lua_pushliteral(L, "k");
  lua_setfield(L, -2, "__mode");
  lua_setmetatable(L, -2);
  lua_pushvalue(L, -1);
  lua_setfield(L, 1, "op_here");
  lua_getfield(L, 1, "Builder");
  luaL_checktype(L, 3, LUA_TTABLE);
  lua_pushvalue(L, 1);
  lua_pushvalue(L, 2);
  luaL_setfuncs(L, builder_meth, 2);
  lua_pushvalue(L, 1);   /* the table the helpers go to */
  lua_pushvalue(L, 1);
  lua_pushvalue(L, 2);
  luaL_setfuncs(L, module_funcs, 2);
  return 0;
}

int lm_open_query_build (lua_State *L) {
  lua_pushcfunction(L, qb_install);
  lua_setfield(L, -2, "query_build");
  return 0;
}
