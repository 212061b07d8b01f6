/*
** postgres.c
** The PostgreSQL driver (libpq). Every query goes out with PQsend* on a
** non-blocking connection; pg_advance moves it on as far as it can
** without waiting, so poll() can hand the socket to lmigrate's scheduler.
** exec() and query() are the same steps with a poll(2) loop in between.
** libpq itself is loaded on the first connection (pq_load.c): every call
** goes through the table lm_pq.
*/
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg.h"

/* type OIDs (catalog/pg_type.h), fixed since PostgreSQL 7 */
#define BOOLOID     16
#define BYTEAOID    17
#define INT8OID     20
#define INT2OID     21
#define INT4OID     23
#define OIDOID      26
#define FLOAT4OID   700
#define FLOAT8OID   701
#define NUMERICOID  1700

#define CONNECT_FAILED  "08001"  /* sqlclient_unable_to_establish_sqlconnection */

/* what pg_advance waits for */
enum { PG_DONE, PG_READ, PG_WRITE, PG_FAILED };

typedef struct PgStmt {
  lm_Stmt h;
  char name[32];       /* "" until prepared */
} PgStmt;


/*
** {======================================================
** Errors
** =======================================================
*/

/* pushes nil, msg (trailing newlines and blanks trimmed), code */
static int pg_fail (lua_State *L, const char *msg, const char *code) {
  size_t len = (msg != NULL) ? strlen(msg) : 0;
  while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
    len--;
  luaL_pushfail(L);
  if (len == 0)
    lua_pushliteral(L, "unknown PostgreSQL error");
  else
    lua_pushlstring(L, msg, len);
  if (code == NULL) return 2;
  lua_pushstring(L, code);
  return 3;
}

/* the connection's own error (no SQLSTATE: it comes from libpq) */
static int pg_connerror (lua_State *L, PgConn *c) {
  return pg_fail(L, lm_pq.PQerrorMessage(c->pg), NULL);
}

static int pg_isfailure (const PGresult *r) {
  switch (lm_pq.PQresultStatus(r)) {
    case PGRES_FATAL_ERROR: case PGRES_BAD_RESPONSE:
    case PGRES_NONFATAL_ERROR:
      return 1;
    default:
      return 0;
  }
}

/* pushes nil, the primary message, the SQLSTATE */
static int pg_resultfail (lua_State *L, const PGresult *r) {
  const char *msg = lm_pq.PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
  if (msg == NULL) msg = lm_pq.PQresultErrorMessage(r);
  return pg_fail(L, msg, lm_pq.PQresultErrorField(r, PG_DIAG_SQLSTATE));
}

/* }====================================================== */


/*
** {======================================================
** Moving a query or a connection on without blocking
** =======================================================
*/

static void pg_clear (PgConn *c) {
  if (c->res != NULL) {
    lm_pq.PQclear(c->res);
    c->res = NULL;
  }
}

static void pg_reset (PgConn *c) {
  pg_clear(c);
  c->affected = 0;
  c->done = c->failed = c->copyout = 0;
}

static int pg_broken (PgConn *c) {
  c->failed = 1;
  c->done = 1;
  return PG_DONE;
}

/* keeps the first error, else the last result with rows, else the last */
static void pg_keep (PgConn *c, PGresult *r) {
  ExecStatusType st = lm_pq.PQresultStatus(r);
  /* a SELECT counts its rows: not "affected", as on SQLite */
  if ((st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
      && strncmp(lm_pq.PQcmdStatus(r), "SELECT", 6) != 0)
    c->affected += (lua_Integer)strtoll(lm_pq.PQcmdTuples(r), NULL, 10);
  if (c->res == NULL || pg_isfailure(r)
      || (!pg_isfailure(c->res) && (st == PGRES_TUPLES_OK
          || lm_pq.PQresultStatus(c->res) != PGRES_TUPLES_OK))) {
    pg_clear(c);
    c->res = r;
  }
  else
    lm_pq.PQclear(r);
}

/* reads and drops COPY TO STDOUT data */
static int pg_copyout (PgConn *c) {
  char *buf;
  int n;
  while ((n = lm_pq.PQgetCopyData(c->pg, &buf, 1)) > 0)
    lm_pq.PQfreemem(buf);
  if (n == 0) return PG_READ;
  c->copyout = 0;  /* -1: finished; -2: PQgetResult reports the error */
  return PG_DONE;
}

/* collects every result that has arrived */
static int pg_collect (PgConn *c) {
  for (;;) {
    PGresult *r;
    int st;
    if (c->copyout && (st = pg_copyout(c)) != PG_DONE) return st;
    if (lm_pq.PQisBusy(c->pg)) return PG_READ;
    if ((r = lm_pq.PQgetResult(c->pg)) == NULL) {
      c->done = 1;
      return PG_DONE;
    }
    switch (lm_pq.PQresultStatus(r)) {
      case PGRES_COPY_IN:  /* there is no data to give it */
        lm_pq.PQclear(r);
        if (lm_pq.PQputCopyEnd(c->pg,
                "lmigrate: COPY FROM STDIN is not supported") < 0
            || (st = lm_pq.PQflush(c->pg)) < 0)
          return pg_broken(c);
        if (st == 1) return PG_WRITE;
        break;
      case PGRES_COPY_OUT:
        lm_pq.PQclear(r);
        c->copyout = 1;
        break;
      case PGRES_COPY_BOTH:  /* replication only: give up on it */
        lm_pq.PQclear(r);
        return pg_broken(c);
      default:
        pg_keep(c, r);
        break;
    }
  }
}

/* true when the socket is ready for 'want', without waiting */
static int pg_ready (PgConn *c, int want) {
  struct pollfd p;
  p.fd = lm_pq.PQsocket(c->pg);
  p.events = (want == PG_READ) ? POLLIN : POLLOUT;
  p.revents = 0;
  return p.fd < 0 || poll(&p, 1, 0) > 0;
}

/*
** PQconnectPoll may only be called once the socket is ready for what it
** asked last, so readiness is checked here rather than trusted.
*/
static int pg_advance_connect (PgConn *c) {
  if (!pg_ready(c, c->want)) return c->want;
  switch (lm_pq.PQconnectPoll(c->pg)) {
    case PGRES_POLLING_READING:
      return c->want = PG_READ;
    case PGRES_POLLING_WRITING:
      return c->want = PG_WRITE;
    case PGRES_POLLING_OK:
      c->connecting = 0;
      return lm_pq.PQsetnonblocking(c->pg, 1) == 0 ? PG_DONE : PG_FAILED;
    default:
      return PG_FAILED;
  }
}

/*
** One step on whatever the connection is doing: PG_DONE when a query's
** results are all in (or nothing is going on), PG_READ or PG_WRITE when
** it must wait for the socket, PG_FAILED when connecting failed.
*/
static int pg_advance (PgConn *c) {
  int st;
  if (c->connecting) return pg_advance_connect(c);
  if (!c->h.pending || c->done) return PG_DONE;
  if ((st = lm_pq.PQflush(c->pg)) < 0 || !lm_pq.PQconsumeInput(c->pg))
    return pg_broken(c);
  if (st == 1) return PG_WRITE;
  return pg_collect(c);
}

/* blocks in poll(2) until pg_advance is done (or failed) */
static int pg_wait (PgConn *c) {
  int st;
  while ((st = pg_advance(c)) == PG_READ || st == PG_WRITE) {
    struct pollfd p;
    p.fd = lm_pq.PQsocket(c->pg);
    p.events = (st == PG_READ) ? POLLIN : POLLOUT;
    if (st == PG_WRITE && !c->connecting) p.events |= POLLIN;
    p.revents = 0;
    if (p.fd < 0)
      return c->connecting ? PG_FAILED : pg_broken(c);
    if (poll(&p, 1, -1) < 0 && errno != EINTR)
      return c->connecting ? PG_FAILED : pg_broken(c);
  }
  return st;
}

/* }====================================================== */


/*
** {======================================================
** Connecting
** =======================================================
*/

static void pg_nonotice (void *arg, const char *message) {
  (void)arg; (void)message;  /* NOTICEs would print on stderr */
}

/* pushes nil, libpq's message, "08001"; closes the connection */
static int pg_connfail (lua_State *L, PgConn *c) {
  int n = pg_fail(L, c->pg ? lm_pq.PQerrorMessage(c->pg) : "out of memory",
                  CONNECT_FAILED);
  if (c->pg != NULL) lm_pq.PQfinish(c->pg);
  c->pg = NULL;
  c->connecting = 0;
  c->h.closed = 1;
  return n;
}

/*
** Without libpq no connection can be made: a connection failure, not a
** crash nor an error raised, so callers handle it like a refused one.
*/
static int pg_loadfail (lua_State *L, const char *err) {
  luaL_pushfail(L);
  lua_pushfstring(L, "cannot load " LM_PQ_SONAME ": %s (install libpq5)",
                  err);
  lua_pushliteral(L, CONNECT_FAILED);
  return 3;
}

/*
** options.connect_timeout (seconds) as libpq's connect_timeout, whole
** seconds rounded up, into 'buf'; NULL when absent (libpq's default:
** wait for ever). It binds the blocking connect; a polled one is timed by
** its caller.
*/
static const char *pg_timeout (lua_State *L, int opts, char *buf, size_t n) {
  lua_Number s;
  int isnum;
  if (!lua_istable(L, opts)) return NULL;
  lua_getfield(L, opts, "connect_timeout");
  s = lua_tonumberx(L, -1, &isnum);
  if (!lua_isnil(L, -1) && (!isnum || !(s >= 0)))
    luaL_error(L, "option 'connect_timeout' must be a non-negative number");
  lua_pop(L, 1);
  if (!isnum) return NULL;
  snprintf(buf, n, "%.0f", (s > 1e9) ? 1e9 : ceil(s));
  return buf;
}

/*
** The conninfo goes in as an expanded dbname, so a URL, key=value pairs,
** a bare database name and "" (the PG* environment) all work; what
** comes before it in the arrays (the defaults) the conninfo overrides.
*/
static int pg_open (lua_State *L, lm_Conn *h, const char *conninfo,
                    int opts, int async) {
  static const char *const keys[] = {
    "fallback_application_name", "connect_timeout", "dbname", NULL
  };
  const char *values[4];
  const char *err;
  char timeout[32];
  PgConn *c = (PgConn *)h;
  values[1] = pg_timeout(L, opts, timeout, sizeof timeout);
  if ((err = lm_pq_load()) != NULL)
    return pg_loadfail(L, err);
  values[0] = "lmigrate";
  values[2] = conninfo;
  values[3] = NULL;  /* a NULL value (no timeout) is a keyword libpq skips */
  c->pg = async ? lm_pq.PQconnectStartParams(keys, values, 1)
                : lm_pq.PQconnectdbParams(keys, values, 1);
  if (c->pg == NULL || lm_pq.PQstatus(c->pg) == CONNECTION_BAD)
    return pg_connfail(L, c);
  lm_pq.PQsetNoticeProcessor(c->pg, pg_nonotice, NULL);
  if (async) {
    c->connecting = 1;
    c->want = PG_WRITE;  /* what PQconnectStart leaves it waiting for */
  }
  else if (lm_pq.PQsetnonblocking(c->pg, 1) != 0)
    return pg_connfail(L, c);
  return 0;
}

/* a connection from connect_start that a blocking call needs now */
static int pg_connected (lua_State *L, PgConn *c) {
  if (c->connecting && pg_wait(c) == PG_FAILED)
    return pg_connfail(L, c);
  return 0;
}

static void pg_close (lm_Conn *h) {
  PgConn *c = (PgConn *)h;
  pg_clear(c);
  if (c->pg != NULL) {
    lm_pq.PQfinish(c->pg);
    c->pg = NULL;
  }
}

static void pg_describe (lua_State *L, lm_Conn *h) {
  PgConn *c = (PgConn *)h;
  const char *host = lm_pq.PQhost(c->pg), *port = lm_pq.PQport(c->pg);
  const char *user = lm_pq.PQuser(c->pg), *db = lm_pq.PQdb(c->pg);
  lua_pushfstring(L, "postgres: %s@%s:%s/%s", user ? user : "",
                  host ? host : "", port ? port : "", db ? db : "");
}

/* the server's word: idle in a transaction, or in one that failed */
static int pg_in_transaction (lm_Conn *h) {
  PgConn *c = (PgConn *)h;
  if (c->connecting) return 0;
  switch (lm_pq.PQtransactionStatus(c->pg)) {
    case PQTRANS_IDLE: return 0;
    case PQTRANS_INTRANS: case PQTRANS_INERROR: case PQTRANS_ACTIVE: return 1;
    default: return -1;  /* PQTRANS_UNKNOWN: the connection is bad */
  }
}

/* }====================================================== */


/*
** {======================================================
** Placeholders and parameters
** =======================================================
*/

static void pg_pushparam (lua_State *L, int n, void *ud) {
  (void)ud;
  lua_pushfstring(L, "$%d", n);
}

/*
** Pushes 'sql' with its '?' placeholders rewritten to $1..$n, and
** returns n. A '?' in a literal, quoted identifier, dollar quote or
** comment stays; '??' is a literal '?' (the jsonb operators). lm_sql.c
** scans it, the same as g:interpolate does for a printed script.
*/
static int pg_rewrite (lua_State *L, const char *sql) {
  return lm_sqlreplace(L, &lm_sql_postgres, sql, strlen(sql), pg_pushparam,
                       NULL);
}

typedef struct PgParams {
  const char **values;
  int *lengths, *formats;
} PgParams;

/*
** Turns the 'n' values from stack index 'first' into libpq's arrays, in
** a userdata pushed on the stack with the texts they point to. Strings
** go as text, except one holding a NUL byte or that is not UTF-8 (the
** connection's encoding): binary, as for a bytea.
*/
static void pg_params (lua_State *L, int first, int n, PgParams *pp) {
  int i;
  luaL_checkstack(L, n + 4, "too many parameters");
  pp->values = (const char **)lua_newuserdatauv(L,
      (size_t)n * (sizeof(char *) + 2 * sizeof(int)) + 1, 0);
  pp->lengths = (int *)(pp->values + n);
  pp->formats = pp->lengths + n;
  for (i = 0; i < n; i++) {
    int arg = first + i;
    size_t len;
    pp->lengths[i] = pp->formats[i] = 0;
    switch (lua_type(L, arg)) {
      case LUA_TBOOLEAN:
        pp->values[i] = lua_toboolean(L, arg) ? "true" : "false";
        break;
      case LUA_TNUMBER:  /* NaN and infinities too: float8 reads them */
        pp->values[i] = lm_pushnumtext(L, arg);
        break;
      case LUA_TSTRING:
        pp->values[i] = lua_tolstring(L, arg, &len);
        if (memchr(pp->values[i], '\0', len) != NULL
            || !lm_isutf8((const unsigned char *)pp->values[i], len)) {
          if (len > 0x7fffffff) luaL_argerror(L, arg, "string too long");
          pp->lengths[i] = (int)len;
          pp->formats[i] = 1;
        }
        break;
      default:  /* nil and lmigrate.null */
        pp->values[i] = NULL;
        break;
    }
  }
}

/* }====================================================== */


/*
** {======================================================
** Results
** =======================================================
*/

static void pg_pushfloatvalue (lua_State *L, const char *v) {
  if (lua_stringtonumber(L, v) != 0) {
    lua_Number x = lua_tonumber(L, -1);  /* "1" is a float here */
    lua_pop(L, 1);
    lua_pushnumber(L, x);
  }
  else if (strcmp(v, "NaN") == 0)
    lua_pushnumber(L, (lua_Number)NAN);
  else if (strcmp(v, "Infinity") == 0 || strcmp(v, "-Infinity") == 0)
    lua_pushnumber(L, (v[0] == '-') ? -(lua_Number)HUGE_VAL
                                    : (lua_Number)HUGE_VAL);
  else
    lua_pushstring(L, v);
}

static int pg_hexval (char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  ch |= 0x20;
  return (ch >= 'a' && ch <= 'f') ? ch - 'a' + 10 : 0;
}

static int pg_isoctal (const char *v) {
  return v[0] >= '0' && v[0] <= '3' && v[1] >= '0' && v[1] <= '7'
      && v[2] >= '0' && v[2] <= '7';
}

/* decodes a bytea in the hex or the escape output format */
static void pg_pushbytea (lua_State *L, const char *v, size_t len) {
  luaL_Buffer b;
  const char *end = v + len;
  luaL_buffinit(L, &b);
  if (len >= 2 && v[0] == '\\' && v[1] == 'x') {
    for (v += 2; v + 1 < end; v += 2)
      luaL_addchar(&b, (char)(pg_hexval(v[0]) * 16 + pg_hexval(v[1])));
  }
  else {
    while (v < end) {
      if (v[0] == '\\' && v + 3 < end && pg_isoctal(v + 1)) {
        luaL_addchar(&b, (char)((v[1] - '0') * 64 + (v[2] - '0') * 8
                                + (v[3] - '0')));
        v += 4;
      }
      else if (v[0] == '\\' && v + 1 < end && v[1] == '\\') {
        luaL_addchar(&b, '\\');
        v += 2;
      }
      else
        luaL_addchar(&b, *v++);
    }
  }
  luaL_pushresult(&b);
}

static void pg_pushvalue (lua_State *L, const PGresult *r, int row, int col) {
  const char *v = lm_pq.PQgetvalue(r, row, col);
  size_t len = (size_t)lm_pq.PQgetlength(r, row, col);
  if (lm_pq.PQgetisnull(r, row, col)) {
    lm_pushnull(L);
    return;
  }
  switch (lm_pq.PQftype(r, col)) {
    case INT2OID: case INT4OID: case INT8OID: case OIDOID:
      lm_pushexact(L, v, len, 1);
      break;
    case NUMERICOID:
      lm_pushexact(L, v, len, 0);
      break;
    case FLOAT4OID: case FLOAT8OID:
      pg_pushfloatvalue(L, v);
      break;
    case BOOLOID:
      lua_pushboolean(L, v[0] == 't');
      break;
    case BYTEAOID:
      pg_pushbytea(L, v, len);
      break;
    default:
      lua_pushlstring(L, v, len);
      break;
  }
}

/* pushes the rows and the column names of 'r' */
static void pg_pushrows (lua_State *L, const PGresult *r) {
  int i, j, nrows = lm_pq.PQntuples(r), ncols = lm_pq.PQnfields(r);
  luaL_checkstack(L, 8, NULL);
  lua_createtable(L, nrows, 0);
  for (i = 0; i < nrows; i++) {
    lua_createtable(L, 0, ncols);
    for (j = 0; j < ncols; j++) {
      pg_pushvalue(L, r, i, j);
      lua_setfield(L, -2, lm_pq.PQfname(r, j));
    }
    lua_rawseti(L, -2, i + 1);
  }
  lua_createtable(L, ncols, 0);
  for (j = 0; j < ncols; j++) {
    lua_pushstring(L, lm_pq.PQfname(r, j));
    lua_rawseti(L, -2, j + 1);
  }
}

/*
** Pushes what the finished query gave: affected, or rows, columns,
** affected (LM_ROWS); or nil, msg, code. Frees the kept result.
*/
static int pg_pushresult (lua_State *L, PgConn *c, int what) {
  int n;
  c->h.pending = 0;
  if (c->res != NULL && pg_isfailure(c->res))
    n = pg_resultfail(L, c->res);
  else if (c->failed || c->res == NULL)
    n = pg_connerror(L, c);
  else {
    if (what == LM_ROWS) pg_pushrows(L, c->res);
    lua_pushinteger(L, c->affected);
    n = (what == LM_ROWS) ? 3 : 1;
  }
  pg_clear(c);
  return n;
}

/* }====================================================== */


/*
** {======================================================
** Queries
** =======================================================
*/

/*
** Sends the SQL at 2 with the parameters 3..top. 0 when sent, else
** pushes nil, msg.
*/
static int pg_dispatch (lua_State *L, PgConn *c) {
  int nparams = lua_gettop(L) - 2, expected, ok;
  const char *sql;
  PgParams pp;
  pg_reset(c);
  if (nparams == 0) {
    /*
    ** As it is, but for a '??' (the query builder's literal '?', as in
    ** where_json_contains_key's jsonb ?? 'key'): unless the statement
    ** also holds a bare '?' (raw SQL's own jsonb operator, sent as it
    ** always was), '??' is '?' here too
    */
    sql = lua_tostring(L, 2);
    if (strstr(sql, "??") != NULL && pg_rewrite(L, sql) == 0) sql = lua_tostring(L, -1);
    ok = lm_pq.PQsendQuery(c->pg, sql);
  }
  else {
    expected = pg_rewrite(L, lua_tostring(L, 2));
    if (expected != nparams) return lm_failparams(L, expected, nparams);
    sql = lua_tostring(L, -1);
    pg_params(L, 3, nparams, &pp);
    ok = lm_pq.PQsendQueryParams(c->pg, sql, nparams, NULL, pp.values,
                                 pp.lengths, pp.formats, 0);
  }
  if (!ok) return pg_connerror(L, c);
  c->h.pending = 1;
  return 0;
}

static int pg_run (lua_State *L, lm_Conn *h, int what) {
  PgConn *c = (PgConn *)h;
  int n;
  if ((n = pg_connected(L, c)) > 0 || (n = pg_dispatch(L, c)) > 0)
    return n;
  pg_wait(c);
  return pg_pushresult(L, c, what);
}

static int pg_send (lua_State *L, lm_Conn *h) {
  PgConn *c = (PgConn *)h;
  int n;
  if ((n = pg_connected(L, c)) > 0 || (n = pg_dispatch(L, c)) > 0)
    return n;
  lua_pushboolean(L, 1);
  return 1;
}

/*
** conn:poll() -> "read"|"write"|"done", fd | nil, msg, code (connecting
** failed: the connection is closed)
*/
static int pg_poll (lua_State *L, lm_Conn *h) {
  static const char *const names[] = { "done", "read", "write" };
  PgConn *c = (PgConn *)h;
  int st = pg_advance(c);
  if (st == PG_FAILED) return pg_connfail(L, c);
  lua_pushstring(L, names[st]);
  lua_pushinteger(L, lm_pq.PQsocket(c->pg));
  return 2;
}

static int pg_result (lua_State *L, lm_Conn *h) {
  PgConn *c = (PgConn *)h;
  pg_wait(c);  /* returns at once after poll() said "done" */
  return pg_pushresult(L, c, LM_ROWS);
}

static int pg_last_insert_id (lua_State *L, lm_Conn *h) {
  (void)h;
  lua_pushnil(L);  /* use INSERT ... RETURNING */
  return 1;
}

/* }====================================================== */


/*
** {======================================================
** Prepared statements (blocking: they are for bulk inserts)
** =======================================================
*/

static int pg_prepare (lua_State *L, lm_Conn *h, lm_Stmt *hs,
                       const char *sql, size_t len) {
  PgConn *c = (PgConn *)h;
  PgStmt *s = (PgStmt *)hs;
  int n, nparams;
  (void)len;
  if ((n = pg_connected(L, c)) > 0) return n;
  nparams = pg_rewrite(L, sql);
  snprintf(s->name, sizeof s->name, "lmigrate_%u", ++c->nstmt);
  pg_reset(c);
  if (!lm_pq.PQsendPrepare(c->pg, s->name, lua_tostring(L, -1), nparams,
                           NULL)) {
    s->name[0] = '\0';
    return pg_connerror(L, c);
  }
  c->h.pending = 1;
  pg_wait(c);
  if ((n = pg_pushresult(L, c, LM_AFFECTED)) != 1) {
    s->name[0] = '\0';
    return n;
  }
  s->h.nparams = nparams;
  return 0;
}

static int pg_stmt_exec (lua_State *L, lm_Conn *h, lm_Stmt *hs) {
  PgConn *c = (PgConn *)h;
  PgStmt *s = (PgStmt *)hs;
  PgParams pp;
  pg_reset(c);
  pg_params(L, 2, s->h.nparams, &pp);
  if (!lm_pq.PQsendQueryPrepared(c->pg, s->name, s->h.nparams, pp.values,
                                 pp.lengths, pp.formats, 0))
    return pg_connerror(L, c);
  c->h.pending = 1;
  pg_wait(c);
  return pg_pushresult(L, c, LM_AFFECTED);
}

/* DEALLOCATE when the server may be asked; errors are of no interest */
static void pg_stmt_close (lm_Conn *h, lm_Stmt *hs) {
  PgConn *c = (PgConn *)h;
  PgStmt *s = (PgStmt *)hs;
  char sql[64];
  if (c != NULL && c->pg != NULL && s->name[0] != '\0') {
    snprintf(sql, sizeof sql, "DEALLOCATE \"%s\"", s->name);
    pg_reset(c);
    if (lm_pq.PQsendQuery(c->pg, sql)) {
      c->h.pending = 1;
      pg_wait(c);
      c->h.pending = 0;
    }
    pg_reset(c);
  }
  s->name[0] = '\0';
}

/* }====================================================== */


const lm_Driver lm_driver_postgres = {
  .name = "postgres",
  .size = sizeof(PgConn),
  .stmtsize = sizeof(PgStmt),
  .async = 1,
  .open = pg_open,
  .run = pg_run,
  .send = pg_send,
  .poll = pg_poll,
  .result = pg_result,
  .last_insert_id = pg_last_insert_id,
  .describe = pg_describe,
  .in_transaction = pg_in_transaction,
  .close = pg_close,
  .prepare = pg_prepare,
  .stmt_exec = pg_stmt_exec,
  .stmt_close = pg_stmt_close,
  .copy_begin = lm_pg_copy_begin,
  .copy_put = lm_pg_copy_put,
  .copy_flush = lm_pg_copy_flush,
  .copy_end = lm_pg_copy_end
};
