/*
** my_infile.c
** LOAD DATA LOCAL INFILE of rows lmigrate holds in memory, for db:insert
** (lua/lmigrate/db/bulk.lua): the server loads a stream of rows 2.4 times
** faster than prepared INSERTs (bench/README.md).
**
**   conn:load_begin(sql, data) -> true | nil, msg, code, errno
**   conn:load_end() -> rows loaded, warnings | "read"|"write", fd
**                    | nil, msg, code, errno
**
** 'sql' is a LOAD DATA LOCAL INFILE 'lmigrate' ... and 'data' the whole
** file (core.copy_encode(..., "mysql")). When the server asks for the
** file, the library calls the handler below, which serves 'data' from
** memory: no temporary file. It is called from inside the library's
** non-blocking steps (mysql_real_query_start/_cont), so the load does not
** block either: load_end answers "read" or "write" while it runs (call it
** again once fd is ready) and the rows loaded and the statement's warning
** count at the end. With LOCAL the server turns what would be errors (a
** duplicate key, a value that does not fit) into warnings: the caller
** must read them (SHOW WARNINGS) and fail. The connection is busy
** (LM_LOADING) until load_end has given the outcome. These are the load_*
** entries of lm_driver_mysql.
*/
#include <stdio.h>
#include <string.h>

#include "my.h"

/*
** {======================================================
** The handler: the file is the string of load_begin
** =======================================================
*/

/* the library's error for a file it may not send: CR_UNKNOWN_ERROR */
#define INFILE_REFUSED  2000

/* 'ud' is the connection; so is *ptr, for the other three */
static int infile_init (void **ptr, const char *name, void *ud) {
  MyConn *c = (MyConn *)ud;
  *ptr = c;
  if (c->infile == NULL || strcmp(name, LM_MY_INFILE) != 0) return 1;
  c->infile_pos = 0;
  return 0;
}

static int infile_read (void *ptr, char *buf, unsigned int len) {
  MyConn *c = (MyConn *)ptr;
  size_t n = c->infile_len - c->infile_pos;
  if (n > len) n = len;
  if (n > 0) memcpy(buf, c->infile + c->infile_pos, n);
  c->infile_pos += n;
  return (int)n;
}

static void infile_end (void *ptr) {
  (void)ptr;  /* the rows stay with load_begin's user value */
}

static int infile_error (void *ptr, char *msg, unsigned int len) {
  (void)ptr;
  snprintf(msg, len, "the server asked for a local file: lmigrate sends "
           "none but the rows of its own LOAD DATA");
  return INFILE_REFUSED;
}

/* makes lmigrate's handler the connection's */
void lm_my_infile_handler (MyConn *c) {
  MY(mysql_set_local_infile_handler)(c->my, infile_init, infile_read,
                                     infile_end, infile_error, c);
}

/* }====================================================== */


/*
** {======================================================
** load_begin, load_end
** =======================================================
*/

/*
** Sends the LOAD DATA at 2 with the rows at 3. Both stay in the
** connection's user value until load_end, while the library may still
** read them.
*/
int lm_my_load_begin (lua_State *L, lm_Conn *h) {
  MyConn *c = (MyConn *)h;
  size_t len, dlen;
  const char *sql, *data;
  int n;
  if ((n = lm_my_connected(L, c)) > 0) return n;
  sql = lua_tolstring(L, 2, &len);
  data = lua_tolstring(L, 3, &dlen);
  lua_createtable(L, 2, 0);
  lua_pushvalue(L, 2);
  lua_rawseti(L, -2, 1);
  lua_pushvalue(L, 3);
  lua_rawseti(L, -2, 2);
  lua_setiuservalue(L, 1, 1);
  lm_my_clear(c);
  if (c->user_infile) lm_my_infile_handler(c);
  c->infile = data;
  c->infile_len = dlen;
  c->infile_pos = 0;
  c->h.pending = LM_LOADING;
  c->op = OP_QUERY;
  lm_my_run(c, MY(mysql_real_query_start)(&c->iret, c->my, sql,
                                          (unsigned long)len));
  lua_pushboolean(L, 1);
  return 1;
}

/*
** Moves the load on; once over, pushes its outcome and forgets the rows
** (the library's own handler again when the user asked for local_infile)
*/
int lm_my_load_end (lua_State *L, lm_Conn *h) {
  MyConn *c = (MyConn *)h;
  int st = lm_my_advance(c);
  if (st != MY_DONE) {
    lua_pushstring(L, st == MY_WRITE ? "write" : "read");
    lua_pushinteger(L, (lua_Integer)MY(mysql_get_socket)(c->my));
    return 2;
  }
  c->infile = NULL;
  if (c->user_infile) MY(mysql_set_local_infile_default)(c->my);
  return lm_my_pushresult(L, c, MY_LOADED);
}

/* }====================================================== */
