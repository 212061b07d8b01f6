/*
** pg.h
** Private to the PostgreSQL driver: the Connection struct that
** postgres.c (queries) and pg_copy.c (COPY FROM STDIN) share, and the
** copy entries pg_copy.c gives the driver table. Nothing outside these
** two files looks into a PostgreSQL connection: driver.c dispatches
** through lm_driver_postgres.
*/
#ifndef lm_pg_h
#define lm_pg_h

#include "driver.h"
#include "pq_load.h"

typedef struct PgConn {
  lm_Conn h;
  PGconn *pg;
  PGresult *res;       /* the kept result: the first error, else the last
                          one with rows, else the last one */
  lua_Integer affected;  /* summed over the results of one query */
  int connecting;      /* started by connect_start, not yet established */
  int want;            /* PG_READ or PG_WRITE while connecting */
  int done;            /* every result of the query is in */
  int failed;          /* the connection broke during the query */
  int copyout;         /* draining a COPY TO STDOUT nobody reads */
  unsigned nstmt;      /* names the prepared statements */
} PgConn;

/* pg_copy.c: the copy_* entries of lm_driver_postgres */
int lm_pg_copy_begin (lua_State *L, lm_Conn *c);
int lm_pg_copy_put (lua_State *L, lm_Conn *c);
int lm_pg_copy_flush (lua_State *L, lm_Conn *c);
int lm_pg_copy_end (lua_State *L, lm_Conn *c);

#endif
