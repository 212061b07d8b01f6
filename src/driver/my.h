/*
** my.h
** Private to the MySQL driver: the connection and statement structs that
** mysql.c (connecting, queries, the non-blocking steps) and my_stmt.c
** (server-side prepared statements) and my_infile.c (LOAD DATA LOCAL
** INFILE from memory) share, what mysql.c lends them, and the entries
** they give the driver table. Nothing outside these files looks into a
** MySQL connection: driver.c dispatches through lm_driver_mysql.
*/
#ifndef lm_my_h
#define lm_my_h

#include "driver.h"
#include "my_load.h"

#define MY(f)  lm_my.f

/* the operation in flight, which my_cont continues */
enum { OP_NONE, OP_CONNECT, OP_QUERY, OP_STORE, OP_NEXT, OP_PREPARE,
       OP_EXECUTE, OP_STMT_STORE };

/* what my_advance answers */
enum { MY_DONE, MY_READ, MY_WRITE };

typedef struct MyConn {
  lm_Conn h;
  MYSQL *my;
  MYSQL *connected;     /* what real_connect gave: NULL when it failed */
  MYSQL_RES *res;       /* the last result set of the query */
  MYSQL_RES *got;       /* what store_result gave */
  MYSQL_STMT *stmt;     /* the statement of OP_PREPARE .. OP_STMT_STORE */
  int op;               /* OP_*: in flight */
  int wait;             /* the library's wait mask while it is */
  int iret;             /* the int outcome of a _start/_cont */
  long long deadline;   /* when MYSQL_WAIT_TIMEOUT fires (ms, monotonic) */
  lua_Integer affected; /* summed over the statements of one query */
  int done;             /* statements of the query that succeeded */
  int failed;           /* the query failed: errnum, state, msg say why */
  unsigned errnum;
  char state[8];
  char msg[512];
  char desc[256];       /* user@host:port/db, for __tostring */
  MYSQL_STMT **orphans; /* statements collected while the connection was
                           busy: closed with it */
  int norphans, maxorphans;
  int need_tls;         /* ssl_mode REQUIRED or VERIFY_*: checked once made */
  char tls[384];        /* the TLS options given ("ssl-mode=..., ssl-ca=..."),
                           for the message of a TLS failure; "" if none */
  char host[128];       /* the host named, for VERIFY_IDENTITY's message */
  int user_infile;      /* local_infile = true: the library's own handler
                           reads the files named, but during a load_* */
  const char *infile;   /* the rows of load_begin (its user value keeps
                           them) while the LOAD DATA runs, else NULL */
  size_t infile_len, infile_pos;
} MyConn;

typedef struct MyStmt {
  lm_Stmt h;
  MYSQL_STMT *st;
  MyConn *conn;         /* kept alive by the statement's user value */
} MyStmt;

/* mysql.c: errors, the steps of an operation, values */
void lm_my_seterror (MyConn *c, unsigned num, const char *state,
                     const char *msg);
void lm_my_connerror (MyConn *c);
int lm_my_pushfail (lua_State *L, MyConn *c, const char *code);
void lm_my_run (MyConn *c, int st);
void lm_my_wait (MyConn *c);
int lm_my_connected (lua_State *L, MyConn *c);
int lm_my_checkvalues (lua_State *L, int first, int n);
void lm_my_clear (MyConn *c);
int lm_my_advance (MyConn *c);
/* what lm_my_pushresult pushes besides LM_AFFECTED and LM_ROWS */
#define MY_LOADED  2   /* affected, warnings */
int lm_my_pushresult (lua_State *L, MyConn *c, int what);

/* my_stmt.c: the prepared statement entries of lm_driver_mysql */
int lm_my_prepare (lua_State *L, lm_Conn *h, lm_Stmt *hs,
                   const char *sql, size_t len);
int lm_my_stmt_exec (lua_State *L, lm_Conn *h, lm_Stmt *hs);
void lm_my_stmt_close (lm_Conn *h, lm_Stmt *hs);

/* my_infile.c: LOAD DATA LOCAL INFILE of rows in memory */
#define LM_MY_INFILE  "lmigrate"   /* the file name the SQL gives */
void lm_my_infile_handler (MyConn *c);
int lm_my_load_begin (lua_State *L, lm_Conn *h);
int lm_my_load_end (lua_State *L, lm_Conn *h);

#endif
