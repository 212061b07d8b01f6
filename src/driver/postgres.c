/*
** postgres.c
** The PostgreSQL driver (libpq): placeholder until the driver lands.
*/
#include "driver.h"

static int pg_open (lua_State *L, lm_Conn *c, const char *target, int opts,
                    int async) {
  (void)c; (void)target; (void)opts; (void)async;
  return lm_fail(L, "the postgres driver is not built yet", NULL);
}

static void pg_close (lm_Conn *c) {
  (void)c;
}

const lm_Driver lm_driver_postgres = {
  "postgres", sizeof(lm_Conn), sizeof(lm_Stmt),
  pg_open, NULL, NULL, NULL, NULL, NULL, NULL, pg_close, NULL, NULL, NULL
};
