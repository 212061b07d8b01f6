/*
** my_stmt.c
** The MySQL driver's server-side prepared statements (conn:prepare, for
** db:insert's batches): their values go in the binary protocol, never as
** text. They block (mysql.c's steps with its poll(2) loop in between):
** a bulk insert has nothing to overlap with. See mysql.c for the rest of
** the driver.
*/
#include <stdlib.h>
#include <string.h>

#include "my.h"

/*
** {======================================================
** Prepared statements (server-side; blocking: they are for bulk inserts)
** =======================================================
*/

static void my_stmterror (MyConn *c, MYSQL_STMT *st) {
  lm_my_seterror(c, MY(mysql_stmt_errno)(st), MY(mysql_stmt_sqlstate)(st),
                 MY(mysql_stmt_error)(st));
}

/* runs one statement step to its end: 0, or pushes the failure */
static int my_stmtstep (lua_State *L, MyConn *c, MYSQL_STMT *st, int op,
                        int status) {
  c->stmt = st;
  c->op = op;
  lm_my_run(c, status);
  lm_my_wait(c);
  c->stmt = NULL;
  if (c->iret == 0) return 0;
  my_stmterror(c, st);
  return lm_my_pushfail(L, c, NULL);
}

int lm_my_prepare (lua_State *L, lm_Conn *h, lm_Stmt *hs,
                       const char *sql, size_t len) {
  MyConn *c = (MyConn *)h;
  MyStmt *s = (MyStmt *)hs;
  int n;
  if ((n = lm_my_connected(L, c)) > 0) return n;
  if ((s->st = MY(mysql_stmt_init)(c->my)) == NULL) {
    lm_my_connerror(c);
    return lm_my_pushfail(L, c, NULL);
  }
  s->conn = c;
  n = my_stmtstep(L, c, s->st, OP_PREPARE,
                  MY(mysql_stmt_prepare_start)(&c->iret, s->st, sql,
                                               (unsigned long)len));
  if (n > 0) return n;
  s->h.nparams = (int)MY(mysql_stmt_param_count)(s->st);
  return 0;
}

/* a parameter's binding; its number lives in 'num' */
typedef union MyNum {
  long long i;
  double d;
  signed char b;
} MyNum;

/* fills 'b' (and 'num') for the value at 'idx' */
static void my_bindone (lua_State *L, int idx, MYSQL_BIND *b, MyNum *num) {
  size_t len;
  switch (lua_type(L, idx)) {
    case LUA_TBOOLEAN:
      num->b = (signed char)lua_toboolean(L, idx);
      b->buffer_type = MYSQL_TYPE_TINY;
      b->buffer = &num->b;
      break;
    case LUA_TNUMBER:
      if (lua_isinteger(L, idx)) {
        num->i = (long long)lua_tointeger(L, idx);
        b->buffer_type = MYSQL_TYPE_LONGLONG;
        b->buffer = &num->i;
      }
      else {
        num->d = (double)lua_tonumber(L, idx);
        b->buffer_type = MYSQL_TYPE_DOUBLE;
        b->buffer = &num->d;
      }
      break;
    case LUA_TSTRING:
      b->buffer = (void *)lua_tolstring(L, idx, &len);
      b->buffer_length = (unsigned long)len;
      b->buffer_type = lm_isutf8((const unsigned char *)b->buffer, len)
                       ? MYSQL_TYPE_STRING : MYSQL_TYPE_BLOB;
      break;
    default:  /* nil and lmigrate.null */
      b->buffer_type = MYSQL_TYPE_NULL;
      break;
  }
}

/* binds the values 2..top to 's'; 0, or pushes the failure */
static int my_bind (lua_State *L, MyConn *c, MyStmt *s) {
  int i, n = s->h.nparams;
  MYSQL_BIND *b;
  MyNum *num;
  if ((i = lm_my_checkvalues(L, 2, n)) > 0) return i;
  b = (MYSQL_BIND *)lua_newuserdatauv(L, (size_t)(n > 0 ? n : 1)
                                      * (sizeof(MYSQL_BIND) + sizeof(MyNum)), 0);
  num = (MyNum *)(b + (n > 0 ? n : 1));
  memset(b, 0, (size_t)(n > 0 ? n : 1) * sizeof(MYSQL_BIND));
  for (i = 0; i < n; i++)
    my_bindone(L, 2 + i, &b[i], &num[i]);
  if (MY(mysql_stmt_bind_param)(s->st, b)) {  /* copies the bindings */
    my_stmterror(c, s->st);
    return lm_my_pushfail(L, c, NULL);
  }
  return 0;
}

/*
** stmt:exec(...) -> affected; the parameters are at 2..top. A statement
** that returns rows has them read and dropped.
*/
int lm_my_stmt_exec (lua_State *L, lm_Conn *h, lm_Stmt *hs) {
  MyConn *c = (MyConn *)h;
  MyStmt *s = (MyStmt *)hs;
  my_ulonglong n;
  int k;
  if ((k = my_bind(L, c, s)) > 0
      || (k = my_stmtstep(L, c, s->st, OP_EXECUTE,
                          MY(mysql_stmt_execute_start)(&c->iret, s->st))) > 0)
    return k;
  n = MY(mysql_stmt_affected_rows)(s->st);
  if (MY(mysql_stmt_field_count)(s->st) > 0) {
    n = 0;
    k = my_stmtstep(L, c, s->st, OP_STMT_STORE,
                    MY(mysql_stmt_store_result_start)(&c->iret, s->st));
    MY(mysql_stmt_free_result)(s->st);
    if (k > 0) return k;
  }
  lua_pushinteger(L, (n == (my_ulonglong)-1) ? 0 : (lua_Integer)n);
  return 1;
}

/*
** Closing tells the server (COM_STMT_CLOSE), which may only be done while
** the connection is idle: a statement collected while a query is in
** flight is kept for the connection's close. Once the connection is
** closed, mysql_stmt_close only frees the client side.
*/
void lm_my_stmt_close (lm_Conn *h, lm_Stmt *hs) {
  MyStmt *s = (MyStmt *)hs;
  MyConn *c = s->conn;
  (void)h;
  if (s->st == NULL) return;
  if (c != NULL && !c->h.closed && c->op != OP_NONE) {
    if (c->norphans == c->maxorphans) {
      int max = c->maxorphans ? 2 * c->maxorphans : 4;
      MYSQL_STMT **p = (MYSQL_STMT **)realloc(c->orphans,
                                              (size_t)max * sizeof(MYSQL_STMT *));
      if (p == NULL) return;  /* left to the connection's close */
      c->orphans = p;
      c->maxorphans = max;
    }
    c->orphans[c->norphans++] = s->st;
  }
  else
    MY(mysql_stmt_close)(s->st);
  s->st = NULL;
}

/* }====================================================== */
