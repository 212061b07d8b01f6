/*
** driver.h
** The connection drivers. A Connection userdata starts with lm_Conn and a
** Statement userdata with lm_Stmt, the way luaL_Stream is extended: each
** driver's own struct puts the header first. driver.c owns the Lua-facing
** methods, the argument checks and the metatables; a driver only talks to
** its database.
*/
#ifndef lm_driver_h
#define lm_driver_h

#include "../lmigrate.h"

typedef struct lm_Driver lm_Driver;

typedef struct lm_Conn {
  const lm_Driver *drv;
  int closed;    /* 1 until open succeeds, and again after close */
  int pending;   /* 1 between send() and result(); LM_COPYING, LM_COPYEND */
} lm_Conn;

/* 'pending' during a COPY FROM STDIN (pg_copy.c): from copy_begin() to
   copy_end(), then until copy_end() has collected the outcome */
#define LM_COPYING  2
#define LM_COPYEND  3
/* 'pending' from load_begin() until load_end() gave the outcome (MySQL's
   LOAD DATA LOCAL INFILE, my_infile.c) */
#define LM_LOADING  4

typedef struct lm_Stmt {
  const lm_Driver *drv;
  int closed;
  int nparams;   /* placeholders the statement takes */
} lm_Stmt;

/* what 'run' pushes */
#define LM_AFFECTED  0   /* affected */
#define LM_ROWS      1   /* rows, columns, affected */

/*
** Every function reads its arguments from the Lua stack: 1 is the
** Connection (or Statement), 2 the SQL, 3.. the parameters, already
** checked by lm_checkparams. Each follows the two error channels: misuse
** raises, database failures push nil, message, code. Each returns the
** number of values it pushed.
*/
struct lm_Driver {
  const char *name;                  /* "sqlite", "postgres", "mysql" */
  size_t size;                       /* its Connection struct */
  size_t stmtsize;                   /* its Statement struct */
  int async;     /* 1: send() returns at once, poll() waits on a socket */
  /* 0 when open (c->closed cleared), else pushes nil, msg, code */
  int (*open) (lua_State *L, lm_Conn *c, const char *target, int opts,
               int async);
  int (*run) (lua_State *L, lm_Conn *c, int what);   /* exec or query */
  int (*send) (lua_State *L, lm_Conn *c);            /* -> true */
  int (*poll) (lua_State *L, lm_Conn *c);  /* -> "read"|"write"|"done", fd */
  int (*result) (lua_State *L, lm_Conn *c);  /* -> rows, columns, affected */
  int (*last_insert_id) (lua_State *L, lm_Conn *c);
  void (*describe) (lua_State *L, lm_Conn *c);       /* pushes a string */
  /*
  ** 1 while a transaction is open on the connection (one that failed and
  ** awaits its ROLLBACK too), 0 in autocommit mode, -1 when the driver
  ** cannot tell (a broken connection). 'c' is open and idle. lmigrate
  ** checks it after each up/down, so that a migration that ended its
  ** transaction itself is not recorded as applied.
  */
  int (*in_transaction) (lm_Conn *c);
  /* idempotent, and safe on a half-opened (zeroed) struct */
  void (*close) (lm_Conn *c);
  /* statement at stack top, 'c' its connection: 0 or pushes a failure */
  int (*prepare) (lua_State *L, lm_Conn *c, lm_Stmt *s, const char *sql,
                  size_t len);
  int (*stmt_exec) (lua_State *L, lm_Conn *c, lm_Stmt *s);  /* -> affected */
  /* idempotent; c is NULL when the server must not be asked (in __gc) */
  void (*stmt_close) (lm_Conn *c, lm_Stmt *s);
  /*
  ** COPY ... FROM STDIN, conn:copy_begin(sql), copy_put(data),
  ** copy_flush(), copy_end([why]) (see pg_copy.c): all four, or NULL on
  ** a driver that has none. 'c' is open; its argument is at 2.
  */
  int (*copy_begin) (lua_State *L, lm_Conn *c);
  int (*copy_put) (lua_State *L, lm_Conn *c);
  int (*copy_flush) (lua_State *L, lm_Conn *c);
  int (*copy_end) (lua_State *L, lm_Conn *c);
  /*
  ** LOAD DATA LOCAL INFILE of rows in memory, conn:load_begin(sql, data),
  ** load_end() (see my_infile.c): both, or NULL. 'c' is open and idle
  ** for load_begin; its arguments are at 2 and 3.
  */
  int (*load_begin) (lua_State *L, lm_Conn *c);
  int (*load_end) (lua_State *L, lm_Conn *c);
};

extern const lm_Driver lm_driver_sqlite;
extern const lm_Driver lm_driver_postgres;
extern const lm_Driver lm_driver_mysql;

/* driver.c: shared by the drivers */
lm_Conn *lm_checkconn (lua_State *L, int arg);   /* raises if closed */
lm_Conn *lm_toconn (lua_State *L, int arg);      /* type check only */
/* raises unless every value from 'first' to the top is an SQL value */
int lm_checkparams (lua_State *L, int first);
/* the SQL string at 'arg': raises if it holds a NUL byte */
const char *lm_checksql (lua_State *L, int arg, size_t *len);
/* true when s[0..len) is UTF-8 (NUL bytes allowed) */
int lm_isutf8 (const unsigned char *s, size_t len);
/* an exact number column's text as a Lua number, or as the text (below) */
void lm_pushexact (lua_State *L, const char *v, size_t len, int integer);

/* bulk.c: stmt:exec_rows, core.insert_columns, row_values, copy_encode */
void lm_open_bulk (lua_State *L);

#endif
