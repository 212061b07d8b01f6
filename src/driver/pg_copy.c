/*
** pg_copy.c
** COPY ... FROM STDIN on a PostgreSQL connection, for db:insert: the
** server loads one stream of rows several times faster than INSERTs, and
** it does so while lmigrate builds the next rows.
**
**   conn:copy_begin(sql)  -> true | nil, msg, code
**   conn:copy_put(data)   -> true | nil, msg
**   conn:copy_flush()     -> true | "write", fd | nil, msg
**   conn:copy_end([why])  -> rows copied | "read"|"write", fd | nil, msg, code
**
** copy_put queues COPY text data (core.copy_encode); libpq sends it as
** the socket takes it, never waiting. copy_flush sends what is left, or
** says "write": call it again once fd is writable (how the caller holds
** back when the server falls behind). copy_end ends the COPY (aborts it,
** with the message 'why') and collects the outcome without waiting
** either: while it answers "read" or "write", call it again once fd is
** ready. Until copy_end has given the outcome the connection is busy
** (LM_COPYING, LM_COPYEND): any other query on it raises. copy_begin
** waits for the server's answer (one round trip), like prepare. These are
** the copy_* entries of lm_driver_postgres; driver.c has checked that the
** connection is open.
*/
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "pg.h"

/* libpq is loaded at run time: every call goes through lm_pq */
#define PQ(f)  lm_pq.f

#define COPY_CHUNK  (1 << 30)   /* PQputCopyData takes an int length */

/* the libpq connection of 'c', once connect_start's is established */
static PGconn *checkpg (lua_State *L, lm_Conn *c) {
  if (((PgConn *)c)->connecting)
    lm_error(L, "the connection is still being established");
  return ((PgConn *)c)->pg;
}

static PGconn *checkcopying (lua_State *L, lm_Conn *c, int state) {
  PGconn *pg = checkpg(L, c);
  if (c->pending != state)
    lm_error(L, (state == LM_COPYING)
                ? "no COPY in progress: call copy_begin() first"
                : "the COPY was not ended: call copy_end() first");
  return pg;
}

/* pushes nil and the connection's own message (the connection broke) */
static int connfail (lua_State *L, lm_Conn *c, PGconn *pg) {
  const char *msg = PQ(PQerrorMessage)(pg);
  size_t len = strlen(msg);
  c->pending = 0;
  while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == ' ')) len--;
  luaL_pushfail(L);
  if (len == 0) lua_pushliteral(L, "the connection to the server broke");
  else lua_pushlstring(L, msg, len);
  return 2;
}

/*
** pushes the error of 'r' as a message: the primary one, its detail and
** the COPY's context ("COPY items, line 3, column id: ..."), then the
** SQLSTATE
*/
static void pusherror (lua_State *L, const PGresult *r) {
  const char *msg = PQ(PQresultErrorField)(r, PG_DIAG_MESSAGE_PRIMARY);
  const char *detail = PQ(PQresultErrorField)(r, PG_DIAG_MESSAGE_DETAIL);
  const char *ctx = PQ(PQresultErrorField)(r, PG_DIAG_CONTEXT);
  const char *code = PQ(PQresultErrorField)(r, PG_DIAG_SQLSTATE);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  luaL_addstring(&b, msg ? msg : "unknown PostgreSQL error");
  if (detail) {
    luaL_addstring(&b, " (");
    luaL_addstring(&b, detail);
    luaL_addchar(&b, ')');
  }
  if (ctx) {
    size_t n = strcspn(ctx, "\n");  /* the innermost context only */
    luaL_addstring(&b, " [");
    luaL_addlstring(&b, ctx, n);
    luaL_addchar(&b, ']');
  }
  luaL_pushresult(&b);
  lua_pushstring(L, code ? code : "");
}

/* blocks until the socket is ready for 'events'; 0, or -1 */
static int waitfor (PGconn *pg, short events) {
  struct pollfd p;
  p.fd = PQ(PQsocket)(pg);
  p.events = events;
  p.revents = 0;
  if (p.fd < 0) return -1;
  while (poll(&p, 1, -1) < 0)
    if (errno != EINTR) return -1;
  return 0;
}

static int pushwait (lua_State *L, PGconn *pg, const char *what) {
  lua_pushstring(L, what);
  lua_pushinteger(L, PQ(PQsocket)(pg));
  return 2;
}

/* PQflush: pushes true, or "write", fd; -1 when the connection broke */
static int flush (lua_State *L, PGconn *pg) {
  int st = PQ(PQflush)(pg);
  if (st < 0) return -1;
  if (st == 1) return pushwait(L, pg, "write");
  lua_pushboolean(L, 1);
  return 1;
}

static int status (const PGresult *r) {
  return r == NULL ? -1 : (int)PQ(PQresultStatus)(r);
}

static int isfailure (const PGresult *r) {
  int st = status(r);
  return st == PGRES_FATAL_ERROR || st == PGRES_BAD_RESPONSE
      || st == PGRES_NONFATAL_ERROR;
}

/*
** conn:copy_begin(sql): sends the COPY ... FROM STDIN and waits until the
** server is ready for the data
*/
int lm_pg_copy_begin (lua_State *L, lm_Conn *c) {
  PGconn *pg = checkpg(L, c);
  const char *sql = lm_checksql(L, 2, NULL);
  PGresult *r, *err = NULL;
  if (c->pending)
    return luaL_error(L, "a sent query is pending: call result() first");
  if (!PQ(PQsendQuery)(pg, sql)) return connfail(L, c, pg);
  c->pending = 1;  /* what poll() and result() must not touch */
  for (;;) {
    int st;
    while ((st = PQ(PQflush)(pg)) == 1)
      if (waitfor(pg, POLLOUT) < 0) break;
    if (st < 0) break;
    while (PQ(PQisBusy)(pg))
      if (waitfor(pg, POLLIN) < 0 || !PQ(PQconsumeInput)(pg)) break;
    if (PQ(PQisBusy)(pg)) break;  /* the connection broke */
    r = PQ(PQgetResult)(pg);
    if (status(r) == PGRES_COPY_IN) {
      PQ(PQclear)(r);
      if (err != NULL) {  /* an earlier statement failed: give it up */
        PQ(PQputCopyEnd)(pg, "lmigrate: an earlier statement failed");
        continue;
      }
      c->pending = LM_COPYING;
      lua_pushboolean(L, 1);
      return 1;
    }
    if (r == NULL) {
      c->pending = 0;
      luaL_pushfail(L);
      if (err == NULL) {
        lua_pushfstring(L, "not a COPY ... FROM STDIN statement: %s", sql);
        return 2;
      }
      pusherror(L, err);
      PQ(PQclear)(err);
      return 3;
    }
    if (status(r) == PGRES_COPY_OUT) {  /* not ours to read: drop it */
      char *buf;
      int n;
      PQ(PQclear)(r);
      while ((n = PQ(PQgetCopyData)(pg, &buf, 0)) > 0) PQ(PQfreemem)(buf);
      if (n == -2) break;
      continue;
    }
    if (status(r) == PGRES_COPY_BOTH) {  /* replication: give up on it */
      PQ(PQclear)(r);
      break;
    }
    if (err == NULL && isfailure(r)) err = r;
    else PQ(PQclear)(r);
  }
  if (err != NULL) PQ(PQclear)(err);
  return connfail(L, c, pg);
}

/*
** conn:copy_put(data): queues 'data' (whole lines of COPY text)
*/
int lm_pg_copy_put (lua_State *L, lm_Conn *c) {
  PGconn *pg = checkcopying(L, c, LM_COPYING);
  size_t len;
  const char *data = luaL_checklstring(L, 2, &len);
  while (len > 0) {
    int part = (len > COPY_CHUNK) ? COPY_CHUNK : (int)len;
    int rc = PQ(PQputCopyData)(pg, data, part);
    if (rc < 0) return connfail(L, c, pg);
    if (rc == 0) {  /* no room even after growing its buffer: wait */
      if (PQ(PQflush)(pg) < 0 || waitfor(pg, POLLOUT) < 0)
        return connfail(L, c, pg);
      continue;
    }
    data += part;
    len -= (size_t)part;
  }
  lua_pushboolean(L, 1);
  return 1;
}

/*
** conn:copy_flush(): sends more of what copy_put queued
*/
int lm_pg_copy_flush (lua_State *L, lm_Conn *c) {
  PGconn *pg = checkcopying(L, c, LM_COPYING);
  int n;
  if (!PQ(PQconsumeInput)(pg) || (n = flush(L, pg)) < 0)
    return connfail(L, c, pg);
  return n;
}

/*
** The outcome so far lives in the connection's user value while copy_end
** collects it: { affected = n, msg = first error, code = its SQLSTATE }.
*/
static int outcome (lua_State *L) {
  if (lua_getiuservalue(L, 1, 1) != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_createtable(L, 0, 3);
    lua_pushinteger(L, 0);
    lua_setfield(L, -2, "affected");
    lua_pushvalue(L, -1);
    lua_setiuservalue(L, 1, 1);
  }
  return lua_gettop(L);
}

/* takes in the result 'r' (then cleared) */
static void keep (lua_State *L, int t, PGresult *r) {
  if (isfailure(r)) {
    if (lua_getfield(L, t, "msg") == LUA_TNIL) {
      pusherror(L, r);
      lua_setfield(L, t, "code");
      lua_setfield(L, t, "msg");
    }
    lua_pop(L, 1);
  }
  else if (status(r) == PGRES_COMMAND_OK) {
    lua_Integer n;
    lua_getfield(L, t, "affected");
    n = lua_tointeger(L, -1)
        + (lua_Integer)strtoll(PQ(PQcmdTuples)(r), NULL, 10);
    lua_pop(L, 1);
    lua_pushinteger(L, n);
    lua_setfield(L, t, "affected");
  }
  PQ(PQclear)(r);
}

/* pushes the outcome at 't' and forgets it */
static int finish (lua_State *L, lm_Conn *c, int t) {
  int n;
  c->pending = 0;
  if (lua_getfield(L, t, "msg") != LUA_TNIL) {
    luaL_pushfail(L);
    lua_insert(L, -2);
    lua_getfield(L, t, "code");
    n = 3;
  }
  else {
    lua_getfield(L, t, "affected");
    n = 1;
  }
  lua_pushnil(L);
  lua_setiuservalue(L, 1, 1);
  return n;
}

/*
** conn:copy_end([why]): the first call ends the COPY (aborts it when
** 'why' is given); each call collects what has arrived
*/
int lm_pg_copy_end (lua_State *L, lm_Conn *c) {
  PGconn *pg = checkpg(L, c);
  const char *why = luaL_optstring(L, 2, NULL);
  int t, st;
  if (c->pending == LM_COPYING) {
    int rc;
    lua_pushnil(L);
    lua_setiuservalue(L, 1, 1);
    while ((rc = PQ(PQputCopyEnd)(pg, why)) == 0)
      if (PQ(PQflush)(pg) < 0 || waitfor(pg, POLLOUT) < 0)
        return connfail(L, c, pg);
    if (rc < 0) return connfail(L, c, pg);
    c->pending = LM_COPYEND;
  }
  else
    checkcopying(L, c, LM_COPYEND);
  lua_settop(L, 1);
  t = outcome(L);
  if ((st = PQ(PQflush)(pg)) < 0) return connfail(L, c, pg);
  if (st == 1) return pushwait(L, pg, "write");
  if (!PQ(PQconsumeInput)(pg)) return connfail(L, c, pg);
  for (;;) {
    PGresult *r;
    if (PQ(PQisBusy)(pg)) return pushwait(L, pg, "read");
    if ((r = PQ(PQgetResult)(pg)) == NULL) break;
    if (status(r) == PGRES_COPY_IN) {  /* cannot be: end it again */
      PQ(PQclear)(r);
      if (PQ(PQputCopyEnd)(pg, "lmigrate: COPY ended") < 0)
        return connfail(L, c, pg);
      continue;
    }
    keep(L, t, r);
  }
  return finish(L, c, t);
}
