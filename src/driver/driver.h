/*
** driver.h
** The connection drivers. A Connection userdata starts with lm_Conn, the
** way luaL_Stream is extended: each driver's own struct puts it first.
*/
#ifndef lm_driver_h
#define lm_driver_h

#include "../lmigrate.h"

typedef struct lm_Driver lm_Driver;

typedef struct lm_Conn {
  const lm_Driver *drv;
  int closed;
} lm_Conn;

/*
** Every operation takes the Connection at stack index 1 and follows the
** two error channels: misuse raises, database failures return
** nil, message, code.
*/
struct lm_Driver {
  const char *name;                  /* "sqlite", "postgres" */
  size_t size;                       /* size of the driver's struct */
  int (*open) (lua_State *L, lm_Conn *c, const char *target);  /* 1 or lm_fail */
  int (*exec) (lua_State *L);        /* conn:exec(sql, ...) -> affected */
  int (*query) (lua_State *L);       /* conn:query(sql, ...) -> rows */
  int (*send) (lua_State *L);        /* conn:send(sql, ...) -> true */
  int (*poll) (lua_State *L);        /* conn:poll() -> "read"|"write"|"done", fd */
  int (*result) (lua_State *L);      /* conn:result() -> rows, affected */
  void (*close) (lm_Conn *c);        /* idempotent */
};

extern const lm_Driver lm_driver_sqlite;
extern const lm_Driver lm_driver_postgres;

lm_Conn *lm_checkconn (lua_State *L, int arg);   /* raises if closed */
lm_Conn *lm_toconn (lua_State *L, int arg);      /* type check only */

/* binds and pushes values the same way on every driver */
void lm_pushrow_key (lua_State *L, const char *name);

#endif
