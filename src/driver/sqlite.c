/*
** sqlite.c
** The SQLite driver. Every call runs to completion, so send() runs the
** statement at once and keeps its outcome for result(): the Lua side has
** one code path for both drivers.
*/
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "driver.h"

#define SQ_BUSY_TIMEOUT  30000   /* ms a locked database is waited for */

typedef struct SqConn {
  lm_Conn h;
  sqlite3 *db;
  /* the statement being run; a Lua error (out of memory) while it runs
     leaves it here, and the next call or close finalizes it */
  sqlite3_stmt *stmt;
} SqConn;

typedef struct SqStmt {
  lm_Stmt h;
  sqlite3_stmt *stmt;
} SqStmt;

static void sq_finalize (SqConn *c) {
  if (c->stmt != NULL) {
    sqlite3_finalize(c->stmt);
    c->stmt = NULL;
  }
}

/*
** pushes nil, the database's message, the extended result code as a
** decimal string ("2067" is SQLITE_CONSTRAINT_UNIQUE)
*/
static int sq_fail (lua_State *L, sqlite3 *db) {
  char code[16];
  snprintf(code, sizeof code, "%d", sqlite3_extended_errcode(db));
  return lm_fail(L, sqlite3_errmsg(db), code);
}


/*
** {======================================================
** Opening
** =======================================================
*/

static int sq_timeout (lua_State *L, int opts) {
  lua_Integer ms = SQ_BUSY_TIMEOUT;
  if (lua_istable(L, opts)) {
    int isnum = 1;
    lua_getfield(L, opts, "busy_timeout");
    if (!lua_isnil(L, -1)) ms = lua_tointegerx(L, -1, &isnum);
    if (!isnum || ms < 0 || ms > INT_MAX)
      luaL_error(L, "option 'busy_timeout' must be a non-negative integer");
    lua_pop(L, 1);
  }
  return (int)ms;
}

static int sq_openfail (lua_State *L, SqConn *c, const char *path) {
  char code[16];
  if (c->db == NULL)
    return lm_fail(L, "out of memory", "7");
  snprintf(code, sizeof code, "%d", sqlite3_extended_errcode(c->db));
  luaL_pushfail(L);
  lua_pushfstring(L, "%s: %s", path, sqlite3_errmsg(c->db));
  lua_pushstring(L, code);
  sqlite3_close(c->db);
  c->db = NULL;
  return 3;
}

/*
** Reading the schema at once makes a directory or a file that is not a
** database fail here, with its path, rather than at the first query.
*/
static int sq_open (lua_State *L, lm_Conn *h, const char *path, int opts,
                    int async) {
  SqConn *c = (SqConn *)h;
  int ms = sq_timeout(L, opts);
  (void)async;  /* opening a file does not wait on a network */
  /* file: names are URIs whatever SQLite was built with: lmigrate's lock
     (run/locks.lua) reads them as SQLite's URI rules say */
  if (sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                      | SQLITE_OPEN_URI, NULL) != SQLITE_OK
      || sqlite3_busy_timeout(c->db, ms) != SQLITE_OK
      || sqlite3_exec(c->db, "PRAGMA foreign_keys = ON;"
                      "SELECT count(*) FROM sqlite_master", NULL, NULL,
                      NULL) != SQLITE_OK)
    return sq_openfail(L, c, path);
  return 0;
}

static void sq_close (lm_Conn *h) {
  SqConn *c = (SqConn *)h;
  sq_finalize(c);
  if (c->db != NULL) {
    sqlite3_close_v2(c->db);  /* waits for open Statements to finalize */
    c->db = NULL;
  }
}

static void sq_describe (lua_State *L, lm_Conn *h) {
  SqConn *c = (SqConn *)h;
  const char *f = sqlite3_db_filename(c->db, "main");
  lua_pushfstring(L, "sqlite: %s", (f != NULL && *f) ? f : ":memory:");
}

/* outside autocommit mode: BEGIN ran, and no COMMIT or ROLLBACK since */
static int sq_in_transaction (lm_Conn *h) {
  return sqlite3_get_autocommit(((SqConn *)h)->db) == 0;
}

/* }====================================================== */


/*
** {======================================================
** Running statements
** =======================================================
*/

/*
** Binds the 'n' values from stack index 'first'. A string holding a NUL
** byte is bound as a BLOB, any other as TEXT; both come back unchanged.
*/
static int sq_bind (lua_State *L, sqlite3_stmt *st, int first, int n) {
  int i, rc = SQLITE_OK;
  for (i = 1; i <= n && rc == SQLITE_OK; i++) {
    int arg = first + i - 1;
    size_t len;
    const char *s;
    switch (lua_type(L, arg)) {
      case LUA_TBOOLEAN:
        rc = sqlite3_bind_int(st, i, lua_toboolean(L, arg));
        break;
      case LUA_TNUMBER:
        if (lua_isinteger(L, arg))
          rc = sqlite3_bind_int64(st, i, lua_tointeger(L, arg));
        else
          rc = sqlite3_bind_double(st, i, lua_tonumber(L, arg));
        break;
      case LUA_TSTRING:
        s = lua_tolstring(L, arg, &len);
        if (memchr(s, '\0', len) != NULL)
          rc = sqlite3_bind_blob64(st, i, s, len, SQLITE_TRANSIENT);
        else
          rc = sqlite3_bind_text64(st, i, s, len, SQLITE_TRANSIENT,
                                   SQLITE_UTF8);
        break;
      default:  /* nil and lmigrate.null */
        rc = sqlite3_bind_null(st, i);
        break;
    }
  }
  return rc;
}

static void sq_pushvalue (lua_State *L, sqlite3_stmt *st, int i) {
  const char *p;
  switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER:
      lua_pushinteger(L, sqlite3_column_int64(st, i));
      break;
    case SQLITE_FLOAT:
      lua_pushnumber(L, sqlite3_column_double(st, i));
      break;
    case SQLITE_TEXT:
      p = (const char *)sqlite3_column_text(st, i);
      lua_pushlstring(L, p ? p : "", (size_t)sqlite3_column_bytes(st, i));
      break;
    case SQLITE_BLOB:
      p = (const char *)sqlite3_column_blob(st, i);
      lua_pushlstring(L, p ? p : "", (size_t)sqlite3_column_bytes(st, i));
      break;
    default:
      lm_pushnull(L);
      break;
  }
}

/* pushes the list of column names of 'st' */
static void sq_pushcolumns (lua_State *L, sqlite3_stmt *st) {
  int i, ncol = sqlite3_column_count(st);
  lua_createtable(L, ncol, 0);
  for (i = 0; i < ncol; i++) {
    const char *name = sqlite3_column_name(st, i);
    lua_pushstring(L, name ? name : "?");
    lua_rawseti(L, -2, i + 1);
  }
}

/*
** Steps 'st' to its end; the rows go to the list at stack index 'rows'
** (0: discarded). Returns SQLITE_DONE or the error code.
*/
static int sq_step (lua_State *L, sqlite3_stmt *st, int rows) {
  int rc, i, n = 0, ncol = sqlite3_column_count(st);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (rows == 0) continue;
    lua_createtable(L, 0, ncol);
    for (i = 0; i < ncol; i++) {
      const char *name = sqlite3_column_name(st, i);
      sq_pushvalue(L, st, i);
      lua_setfield(L, -2, name ? name : "?");
    }
    lua_rawseti(L, rows, ++n);
  }
  return rc;
}

/* steps 'st', returning the rows it changed itself (not its triggers) */
static int sq_steponce (lua_State *L, sqlite3_stmt *st, int rows,
                        sqlite3_int64 *affected) {
  sqlite3 *db = sqlite3_db_handle(st);
  sqlite3_int64 before = sqlite3_total_changes64(db);
  int rc = sq_step(L, st, rows);
  /* sqlite3_changes keeps its value across statements that change
     nothing, such as DDL: count it only when this one changed rows */
  if (rc == SQLITE_DONE && sqlite3_total_changes64(db) != before)
    *affected += sqlite3_changes64(db);
  return rc;
}

/* true when only blanks, ';' and comments follow 'sql' */
static int sq_lastone (sqlite3 *db, const char *sql, const char *end) {
  while (sql < end) {
    sqlite3_stmt *st = NULL;
    const char *tail;
    if (sqlite3_prepare_v2(db, sql, (int)(end - sql), &st, &tail) != SQLITE_OK)
      return 0;
    if (st != NULL) {
      sqlite3_finalize(st);
      return 0;
    }
    if (tail <= sql) break;
    sql = tail;
  }
  return 1;
}

/*
** Prepares c->stmt for running: checks the placeholders, binds the
** 'nparams' values from stack index 3. 0 when ready, else pushes nil, msg.
*/
static int sq_ready (lua_State *L, SqConn *c, int nparams, const char *tail,
                     const char *end) {
  int expected = sqlite3_bind_parameter_count(c->stmt);
  if (expected != nparams)
    return lm_failparams(L, expected, nparams);
  if (nparams > 0 && !sq_lastone(c->db, tail, end))
    return lm_fail(L, "parameters need a single statement "
                   "(without parameters, exec runs several)", NULL);
  if (sq_bind(L, c->stmt, 3, nparams) != SQLITE_OK)
    return sq_fail(L, c->db);
  return 0;
}

/*
** Runs each statement of the SQL at index 2, pushing affected or (with
** LM_ROWS) the rows and columns of the last statement that has columns,
** then affected: the rows changed by all of them.
*/
static int sq_runall (lua_State *L, SqConn *c, int what, int nparams) {
  size_t len;
  const char *sql = lua_tolstring(L, 2, &len), *end = sql + len, *tail;
  sqlite3_int64 affected = 0;
  int n, nstmt = 0, rows = 0;
  if (len >= INT_MAX) return lm_fail(L, "SQL too long", NULL);
  if (what == LM_ROWS) {
    lua_newtable(L);
    lua_newtable(L);
    rows = lua_gettop(L) - 1;
  }
  while (sql < end) {
    sq_finalize(c);
    if (sqlite3_prepare_v2(c->db, sql, (int)(end - sql), &c->stmt, &tail)
        != SQLITE_OK)
      return sq_fail(L, c->db);
    if (c->stmt == NULL && tail <= sql) break;
    sql = tail;
    if (c->stmt == NULL) continue;  /* only blanks or comments */
    nstmt++;
    if ((n = sq_ready(L, c, nparams, tail, end)) > 0) return n;
    if (rows != 0 && sqlite3_column_count(c->stmt) > 0) {
      lua_newtable(L);
      lua_replace(L, rows);
      sq_pushcolumns(L, c->stmt);
      lua_replace(L, rows + 1);
    }
    if (sq_steponce(L, c->stmt, rows, &affected) != SQLITE_DONE)
      return sq_fail(L, c->db);
  }
  if (nstmt == 0 && nparams > 0) return lm_failparams(L, 0, nparams);
  lua_pushinteger(L, (lua_Integer)affected);
  return what == LM_ROWS ? 3 : 1;
}

static int sq_run (lua_State *L, lm_Conn *h, int what) {
  SqConn *c = (SqConn *)h;
  int n = sq_runall(L, c, what, lua_gettop(L) - 2);
  sq_finalize(c);
  return n;
}

/*
** conn:send(sql, ...) -> true: runs it now; the outcome waits in the
** connection's user value for result()
*/
static int sq_send (lua_State *L, lm_Conn *h) {
  int i, base, n;
  n = sq_run(L, h, LM_ROWS);
  base = lua_gettop(L) - n;
  lua_createtable(L, n, 1);
  for (i = 1; i <= n; i++) {
    lua_pushvalue(L, base + i);
    lua_rawseti(L, -2, i);
  }
  lua_pushinteger(L, n);
  lua_setfield(L, -2, "n");
  lua_setiuservalue(L, 1, 1);
  h->pending = 1;
  lua_pushboolean(L, 1);
  return 1;
}

static int sq_poll (lua_State *L, lm_Conn *h) {
  (void)h;
  lua_pushliteral(L, "done");
  return 1;
}

static int sq_result (lua_State *L, lm_Conn *h) {
  int i, n;
  lua_settop(L, 1);
  lua_getiuservalue(L, 1, 1);
  lua_getfield(L, 2, "n");
  n = (int)lua_tointeger(L, -1);
  lua_pop(L, 1);
  for (i = 1; i <= n; i++)
    lua_rawgeti(L, 2, i);
  lua_pushnil(L);
  lua_setiuservalue(L, 1, 1);
  h->pending = 0;
  return n;
}

static int sq_last_insert_id (lua_State *L, lm_Conn *h) {
  SqConn *c = (SqConn *)h;
  lua_pushinteger(L, (lua_Integer)sqlite3_last_insert_rowid(c->db));
  return 1;
}

/* }====================================================== */


/*
** {======================================================
** Prepared statements
** =======================================================
*/

static int sq_prepare (lua_State *L, lm_Conn *h, lm_Stmt *hs,
                       const char *sql, size_t len) {
  SqConn *c = (SqConn *)h;
  SqStmt *s = (SqStmt *)hs;
  const char *tail;
  if (len >= INT_MAX) return lm_fail(L, "SQL too long", NULL);
  if (sqlite3_prepare_v2(c->db, sql, (int)len, &s->stmt, &tail) != SQLITE_OK)
    return sq_fail(L, c->db);
  if (s->stmt == NULL)
    return lm_fail(L, "no SQL statement to prepare", NULL);
  if (!sq_lastone(c->db, tail, sql + len))
    return lm_fail(L, "prepare() takes a single statement", NULL);
  s->h.nparams = sqlite3_bind_parameter_count(s->stmt);
  return 0;
}

/*
** stmt:exec(...) -> affected; the parameters are at 2..top
*/
static int sq_stmt_exec (lua_State *L, lm_Conn *h, lm_Stmt *hs) {
  SqStmt *s = (SqStmt *)hs;
  sqlite3_int64 affected = 0;
  int n = 1;
  (void)h;
  sqlite3_reset(s->stmt);
  sqlite3_clear_bindings(s->stmt);
  if (sq_bind(L, s->stmt, 2, s->h.nparams) != SQLITE_OK
      || sq_steponce(L, s->stmt, 0, &affected) != SQLITE_DONE)
    n = sq_fail(L, sqlite3_db_handle(s->stmt));
  else
    lua_pushinteger(L, (lua_Integer)affected);
  sqlite3_reset(s->stmt);  /* releases its locks */
  return n;
}

static void sq_stmt_close (lm_Conn *h, lm_Stmt *hs) {
  SqStmt *s = (SqStmt *)hs;
  (void)h;
  if (s->stmt != NULL) {
    sqlite3_finalize(s->stmt);
    s->stmt = NULL;
  }
}

/* }====================================================== */


const lm_Driver lm_driver_sqlite = {
  .name = "sqlite",
  .size = sizeof(SqConn),
  .stmtsize = sizeof(SqStmt),
  .async = 0,          /* send() runs the statement to its end */
  .open = sq_open,
  .run = sq_run,
  .send = sq_send,
  .poll = sq_poll,
  .result = sq_result,
  .last_insert_id = sq_last_insert_id,
  .describe = sq_describe,
  .in_transaction = sq_in_transaction,
  .close = sq_close,
  .prepare = sq_prepare,
  .stmt_exec = sq_stmt_exec,
  .stmt_close = sq_stmt_close,
  .copy_begin = NULL, .copy_put = NULL, .copy_flush = NULL, .copy_end = NULL
};
