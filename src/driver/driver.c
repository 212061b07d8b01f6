/*
** driver.c
** The Connection and Statement userdata: argument checks, lifetime and
** dispatch to the driver named at connect time (sqlite.c, postgres.c,
** mysql.c).
*/
#include <string.h>

#include "driver.h"

static const lm_Driver *const drivers[] = {
  &lm_driver_sqlite, &lm_driver_postgres, &lm_driver_mysql, NULL
};

/*
** {======================================================
** Helpers shared by the drivers
** =======================================================
*/

lm_Conn *lm_toconn (lua_State *L, int arg) {
  return (lm_Conn *)luaL_checkudata(L, arg, LM_CONNECTION);
}

lm_Conn *lm_checkconn (lua_State *L, int arg) {
  lm_Conn *c = lm_toconn(L, arg);
  if (c->closed)
    lm_error(L, "attempt to use a closed connection");
  return c;
}

/* why a connection whose 'pending' is not 0 cannot take another query */
static const char *busy (int pending) {
  switch (pending) {
    case LM_COPYING: case LM_COPYEND:
      return "a COPY is in progress: call copy_end() first";
    case LM_LOADING: return "a LOAD DATA is in progress: call load_end() first";
    default: return "a sent query is pending: call result() first";
  }
}

/* a usable connection with no query in flight */
static lm_Conn *checkidle (lua_State *L) {
  lm_Conn *c = lm_checkconn(L, 1);
  if (c->pending) lm_error(L, "%s", busy(c->pending));
  return c;
}

int lm_checkparams (lua_State *L, int first) {
  int i, top = lua_gettop(L);
  for (i = first; i <= top; i++) {
    switch (lua_type(L, i)) {
      case LUA_TNIL: case LUA_TBOOLEAN: case LUA_TNUMBER: case LUA_TSTRING:
        break;
      case LUA_TLIGHTUSERDATA:
        if (lm_isnull(L, i)) break;
        /* FALLTHROUGH */
      default:
        return luaL_typeerror(L, i, "SQL value");
    }
  }
  return top - first + 1;
}

const char *lm_checksql (lua_State *L, int arg, size_t *len) {
  size_t l;
  const char *sql = luaL_checklstring(L, arg, &l);
  luaL_argcheck(L, strlen(sql) == l, arg, "SQL must not contain a NUL byte");
  if (len != NULL) *len = l;
  return sql;
}


/* true when s[0..len) is UTF-8 (NUL bytes allowed) */
int lm_isutf8 (const unsigned char *s, size_t len) {
  size_t i = 0;
  while (i < len) {
    unsigned ch = s[i], cp, min;
    size_t n, k;
    if (ch < 0x80) { i++; continue; }
    if (ch >= 0xC2 && ch <= 0xDF) { n = 1; cp = ch & 0x1F; min = 0x80; }
    else if ((ch & 0xF0) == 0xE0) { n = 2; cp = ch & 0x0F; min = 0x800; }
    else if (ch >= 0xF0 && ch <= 0xF4) { n = 3; cp = ch & 0x07; min = 0x10000; }
    else return 0;
    for (k = 1; k <= n; k++) {
      if (i + k >= len || (s[i + k] & 0xC0) != 0x80) return 0;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    i += n + 1;
  }
  return 1;
}

/* digits from the first non-zero one to the last: what a double keeps */
static int significant (const char *v, size_t len) {
  size_t i, first = len, last = 0;
  int n = 0;
  for (i = 0; i < len; i++) {
    if (v[i] >= '1' && v[i] <= '9') {
      if (first == len) first = i;
      last = i;
    }
  }
  for (i = first; i <= last && i < len; i++)
    if (v[i] >= '0' && v[i] <= '9') n++;
  return n;
}

/*
** The text v of an exact number column (an integer type when 'integer',
** else a decimal: MySQL's DECIMAL, PostgreSQL's numeric): a Lua integer
** or float when that holds the value exactly (an integer in range; a
** decimal of at most 15 significant digits), else the text itself, so
** that a data step copying the value loses no digit (NaN stays "NaN")
*/
void lm_pushexact (lua_State *L, const char *v, size_t len, int integer) {
  char buf[96];
  if (len < sizeof buf) {
    memcpy(buf, v, len);
    buf[len] = '\0';
    if (lua_stringtonumber(L, buf) == len + 1) {
      if (lua_isinteger(L, -1) || (!integer && significant(v, len) <= 15))
        return;
      lua_pop(L, 1);
    }
  }
  lua_pushlstring(L, v, len);
}

/* }====================================================== */


/*
** {======================================================
** Connection
** =======================================================
*/

static const lm_Driver *checkdriver (lua_State *L, int arg) {
  const char *name = luaL_checkstring(L, arg);
  int i;
  for (i = 0; drivers[i] != NULL; i++)
    if (strcmp(drivers[i]->name, name) == 0) return drivers[i];
  luaL_argerror(L, arg, lua_pushfstring(L,
                "unknown driver '%s' (expected sqlite, postgres or mysql)", name));
  return NULL;
}

/*
** The userdata is made closed first, so that a failed or interrupted
** open still leaves a handle __gc can release.
*/
static int connect_aux (lua_State *L, int async) {
  const lm_Driver *drv = checkdriver(L, 1);
  size_t len;
  const char *target = luaL_checklstring(L, 2, &len);
  lm_Conn *c;
  int n;
  luaL_argcheck(L, strlen(target) == len, 2, "must not contain a NUL byte");
  if (!lua_isnoneornil(L, 3)) luaL_checktype(L, 3, LUA_TTABLE);
  lua_settop(L, 3);
  c = (lm_Conn *)lua_newuserdatauv(L, drv->size, 1);
  memset(c, 0, drv->size);
  c->drv = drv;
  c->closed = 1;
  luaL_setmetatable(L, LM_CONNECTION);
  n = drv->open(L, c, target, 3, async);
  if (n > 0) return n;
  c->closed = 0;
  lua_settop(L, 4);
  return 1;
}

/*
** core.connect(driver, target [, options]) -> Connection | nil, msg, code
*/
static int core_connect (lua_State *L) {
  return connect_aux(L, 0);
}

/*
** core.connect_start(driver, target [, options]) -> Connection | nil, msg
** poll() until "done" before the first query
*/
static int core_connect_start (lua_State *L) {
  return connect_aux(L, 1);
}

/*
** conn:exec(sql, ...) -> affected | nil, msg, code
*/
static int conn_exec (lua_State *L) {
  lm_Conn *c = checkidle(L);
  lm_checksql(L, 2, NULL);
  lm_checkparams(L, 3);
  return c->drv->run(L, c, LM_AFFECTED);
}

/*
** conn:query(sql, ...) -> rows, columns, affected | nil, msg, code
*/
static int conn_query (lua_State *L) {
  lm_Conn *c = checkidle(L);
  lm_checksql(L, 2, NULL);
  lm_checkparams(L, 3);
  return c->drv->run(L, c, LM_ROWS);
}

/*
** conn:send(sql, ...) -> true | nil, msg, code
*/
static int conn_send (lua_State *L) {
  lm_Conn *c = checkidle(L);
  lm_checksql(L, 2, NULL);
  lm_checkparams(L, 3);
  return c->drv->send(L, c);
}

/*
** conn:poll() -> "read"|"write"|"done", fd | nil, msg, code
*/
static int conn_poll (lua_State *L) {
  lm_Conn *c = lm_checkconn(L, 1);
  if (c->pending >= LM_COPYING) return luaL_error(L, "%s", busy(c->pending));
  return c->drv->poll(L, c);
}

/*
** conn:result() -> rows, columns, affected | nil, msg, code
*/
static int conn_result (lua_State *L) {
  lm_Conn *c = lm_checkconn(L, 1);
  if (!c->pending)
    return luaL_error(L, "no query was sent: call send() first");
  if (c->pending >= LM_COPYING) return luaL_error(L, "%s", busy(c->pending));
  return c->drv->result(L, c);
}

/*
** conn:last_insert_id() -> integer | nil
*/
static int conn_last_insert_id (lua_State *L) {
  lm_Conn *c = lm_checkconn(L, 1);
  return c->drv->last_insert_id(L, c);
}

/*
** conn:in_transaction() -> true | false | nil (the driver cannot tell)
*/
static int conn_in_transaction (lua_State *L) {
  lm_Conn *c = checkidle(L);
  int st = (c->drv->in_transaction != NULL) ? c->drv->in_transaction(c) : -1;
  if (st < 0) luaL_pushfail(L);
  else lua_pushboolean(L, st);
  return 1;
}

/*
** conn:driver() -> "sqlite" | "postgres" | "mysql"
*/
static int conn_driver (lua_State *L) {
  lm_Conn *c = lm_toconn(L, 1);
  lua_pushstring(L, c->drv->name);
  return 1;
}

/*
** conn:supports(feature) -> boolean: "copy", the copy_* methods;
** "load", the load_* methods; "async", send() and poll() that wait on a
** socket (a scheduler can run other connections meanwhile)
*/
static int conn_supports (lua_State *L) {
  static const char *const features[] = {"copy", "async", "load", NULL};
  const lm_Driver *drv = lm_toconn(L, 1)->drv;
  switch (luaL_checkoption(L, 2, NULL, features)) {
    case 0: lua_pushboolean(L, drv->copy_begin != NULL); break;
    case 2: lua_pushboolean(L, drv->load_begin != NULL); break;
    default: lua_pushboolean(L, drv->async); break;
  }
  return 1;
}

/*
** conn:close(); also __gc and __close, so it must be idempotent
*/
static int conn_gc (lua_State *L) {
  lm_Conn *c = lm_toconn(L, 1);
  c->drv->close(c);
  c->closed = 1;
  c->pending = 0;
  return 0;
}

static int conn_tostring (lua_State *L) {
  lm_Conn *c = lm_toconn(L, 1);
  if (c->closed)
    lua_pushliteral(L, LM_CONNECTION " (closed)");
  else {
    lua_pushliteral(L, LM_CONNECTION " (");
    c->drv->describe(L, c);
    lua_pushliteral(L, ")");
    lua_concat(L, 3);
  }
  return 1;
}

/* }====================================================== */


/*
** {======================================================
** COPY ... FROM STDIN, on the drivers that have it (pg_copy.c)
** =======================================================
*/

/* the open connection at 1, whose driver has the copy_* entries */
static lm_Conn *checkcopy (lua_State *L) {
  lm_Conn *c = lm_checkconn(L, 1);
  if (c->drv->copy_begin == NULL)
    lm_error(L, "COPY FROM STDIN is not supported by the %s driver",
             c->drv->name);
  return c;
}

/*
** conn:copy_begin(sql) -> true | nil, msg, code
*/
static int conn_copy_begin (lua_State *L) {
  lm_Conn *c = checkcopy(L);
  return c->drv->copy_begin(L, c);
}

/*
** conn:copy_put(data) -> true | nil, msg
*/
static int conn_copy_put (lua_State *L) {
  lm_Conn *c = checkcopy(L);
  return c->drv->copy_put(L, c);
}

/*
** conn:copy_flush() -> true | "write", fd | nil, msg
*/
static int conn_copy_flush (lua_State *L) {
  lm_Conn *c = checkcopy(L);
  return c->drv->copy_flush(L, c);
}

/*
** conn:copy_end([why]) -> rows copied | "read"|"write", fd | nil, msg, code
*/
static int conn_copy_end (lua_State *L) {
  lm_Conn *c = checkcopy(L);
  return c->drv->copy_end(L, c);
}

/* }====================================================== */


/*
** {======================================================
** LOAD DATA LOCAL INFILE of rows in memory (my_infile.c)
** =======================================================
*/

static lm_Conn *checkload (lua_State *L) {
  lm_Conn *c = lm_checkconn(L, 1);
  if (c->drv->load_begin == NULL)
    lm_error(L, "LOAD DATA LOCAL INFILE is not supported by the %s driver",
             c->drv->name);
  return c;
}

/*
** conn:load_begin(sql, data) -> true | nil, msg, code, errno
*/
static int conn_load_begin (lua_State *L) {
  lm_Conn *c = checkload(L);
  if (c->pending) lm_error(L, "%s", busy(c->pending));
  lm_checksql(L, 2, NULL);
  luaL_checktype(L, 3, LUA_TSTRING);
  lua_settop(L, 3);
  return c->drv->load_begin(L, c);
}

/*
** conn:load_end() -> rows, warnings | "read"|"write", fd
**                  | nil, msg, code, errno
*/
static int conn_load_end (lua_State *L) {
  lm_Conn *c = checkload(L);
  if (c->pending != LM_LOADING)
    lm_error(L, "no LOAD DATA in progress: call load_begin() first");
  return c->drv->load_end(L, c);
}

/* }====================================================== */


/*
** {======================================================
** Statement: a prepared statement; keeps its Connection alive
** =======================================================
*/

/*
** conn:prepare(sql) -> Statement | nil, msg, code
*/
static int conn_prepare (lua_State *L) {
  lm_Conn *c = checkidle(L);
  size_t len;
  const char *sql = lm_checksql(L, 2, &len);
  lm_Stmt *s;
  int n;
  lua_settop(L, 2);
  s = (lm_Stmt *)lua_newuserdatauv(L, c->drv->stmtsize, 1);
  memset(s, 0, c->drv->stmtsize);
  s->drv = c->drv;
  s->closed = 1;
  luaL_setmetatable(L, LM_STATEMENT);
  lua_pushvalue(L, 1);
  lua_setiuservalue(L, 3, 1);  /* the statement keeps its connection */
  n = c->drv->prepare(L, c, s, sql, len);
  if (n > 0) return n;
  s->closed = 0;
  lua_settop(L, 3);
  return 1;
}

static lm_Stmt *tostmt (lua_State *L) {
  return (lm_Stmt *)luaL_checkudata(L, 1, LM_STATEMENT);
}

/* the statement's connection, or NULL once it is closed */
static lm_Conn *stmtconn (lua_State *L) {
  lm_Conn *c;
  lua_getiuservalue(L, 1, 1);
  c = (lm_Conn *)lua_touserdata(L, -1);
  lua_pop(L, 1);  /* the statement still holds it */
  return (c == NULL || c->closed) ? NULL : c;
}

/*
** stmt:exec(...) -> affected | nil, msg, code
*/
static int stmt_exec (lua_State *L) {
  lm_Stmt *s = tostmt(L);
  lm_Conn *c;
  if (s->closed)
    return luaL_error(L, "attempt to use a closed statement");
  lm_checkparams(L, 2);
  c = stmtconn(L);
  if (c == NULL)
    return luaL_error(L, "attempt to use a closed connection");
  if (c->pending) return luaL_error(L, "%s", busy(c->pending));
  if (lua_gettop(L) - 1 != s->nparams)
    return lm_failparams(L, s->nparams, lua_gettop(L) - 1);
  return s->drv->stmt_exec(L, c, s);
}

/*
** stmt:close(), also __close; __gc only releases the client side, as it
** may run while the connection is busy
*/
static int stmt_close (lua_State *L) {
  lm_Stmt *s = tostmt(L);
  lm_Conn *c = stmtconn(L);
  if (s->closed || (c != NULL && c->pending)) c = NULL;
  s->closed = 1;
  s->drv->stmt_close(c, s);
  return 0;
}

static int stmt_gc (lua_State *L) {
  lm_Stmt *s = tostmt(L);
  s->closed = 1;
  s->drv->stmt_close(NULL, s);  /* idempotent; frees a half-made one too */
  return 0;
}

static int stmt_tostring (lua_State *L) {
  lm_Stmt *s = tostmt(L);
  lua_pushfstring(L, LM_STATEMENT " (%s%s)", s->drv->name,
                  s->closed ? ", closed" : "");
  return 1;
}

/* }====================================================== */


static const luaL_Reg core_funcs[] = {
  {"connect", core_connect},
  {"connect_start", core_connect_start},
  {NULL, NULL}
};

static const luaL_Reg conn_meth[] = {
  {"exec", conn_exec},
  {"query", conn_query},
  {"send", conn_send},
  {"poll", conn_poll},
  {"result", conn_result},
  {"prepare", conn_prepare},
  {"last_insert_id", conn_last_insert_id},
  {"driver", conn_driver},
  {"supports", conn_supports},
  {"in_transaction", conn_in_transaction},
  {"copy_begin", conn_copy_begin},
  {"copy_put", conn_copy_put},
  {"copy_flush", conn_copy_flush},
  {"copy_end", conn_copy_end},
  {"load_begin", conn_load_begin},
  {"load_end", conn_load_end},
  {"close", conn_gc},
  {NULL, NULL}
};

static const luaL_Reg conn_metameth[] = {
  {"__gc", conn_gc},
  {"__close", conn_gc},
  {"__tostring", conn_tostring},
  {NULL, NULL}
};

static const luaL_Reg stmt_meth[] = {
  {"exec", stmt_exec},
  {"close", stmt_close},
  {NULL, NULL}
};

static const luaL_Reg stmt_metameth[] = {
  {"__gc", stmt_gc},
  {"__close", stmt_close},
  {"__tostring", stmt_tostring},
  {NULL, NULL}
};

/*
** Registers the metatables and adds connect/connect_start to the module
** table at the top of the stack.
*/
int lm_open_driver (lua_State *L) {
  /* no 'what': an unknown method is nil, as on a file handle */
  lm_createmeta(L, LM_CONNECTION, conn_metameth, conn_meth, NULL);
  lm_createmeta(L, LM_STATEMENT, stmt_metameth, stmt_meth, NULL);
  luaL_setfuncs(L, core_funcs, 0);
  lm_open_bulk(L);
  return 0;
}
