/*
** mysql.c
** The MySQL/MariaDB driver (MariaDB Connector/C, which also reaches MySQL
** 8). Every call goes through the library's non-blocking API: an
** operation starts with its _start function, and while the library asks
** to wait (a mask of MYSQL_WAIT_READ, _WRITE, _EXCEPT, _TIMEOUT) it moves
** on with _cont once the socket is ready. my_advance does that without
** waiting, so poll() can hand the socket to lmigrate's scheduler; exec()
** and query() are the same steps with a poll(2) loop in between, as in
** postgres.c. The library is loaded on the first connection (my_load.c):
** every call goes through the table lm_my.
**
** Placeholders are bound on the client: lm_sql.c finds the '?' by MySQL's
** rules and each is replaced by its value as an SQL literal, escaped by
** mysql_real_escape_string (which knows the connection's character set
** and NO_BACKSLASH_ESCAPES); a string that is not UTF-8 goes as X'..'.
** conn:prepare() makes a server-side statement (db:insert's batches):
** its values go in the binary protocol, never as text (my_stmt.c).
** conn:load_begin() runs a LOAD DATA LOCAL INFILE whose file is a string
** of rows in memory (my_infile.c). my.h has what the files share.
**
** Failures push nil, the server's (or the library's) message, the
** SQLSTATE as code, and the MySQL error number (1062, 2002, ...).
*/
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "my.h"

#define CONNECT_FAILED  "08001"  /* as postgres.c: no connection made */
#define MY_CONNECT_TIMEOUT  10u  /* seconds, unless connect_timeout says */

/*
** {======================================================
** Errors
** =======================================================
*/

/* copies an error, so it outlives the library's next call */
void lm_my_seterror (MyConn *c, unsigned num, const char *state,
                     const char *msg) {
  c->failed = 1;
  c->errnum = num;
  snprintf(c->state, sizeof c->state, "%s", state ? state : "HY000");
  snprintf(c->msg, sizeof c->msg, "%s",
           (msg && *msg) ? msg : "unknown MySQL error");
}

void lm_my_connerror (MyConn *c) {
  lm_my_seterror(c, MY(mysql_errno)(c->my), MY(mysql_sqlstate)(c->my),
                 MY(mysql_error)(c->my));
}

/* pushes nil, msg, SQLSTATE (or 'code'), the error number */
int lm_my_pushfail (lua_State *L, MyConn *c, const char *code) {
  luaL_pushfail(L);
  lua_pushstring(L, c->msg);
  lua_pushstring(L, code ? code : c->state);
  lua_pushinteger(L, (lua_Integer)c->errnum);
  c->failed = 0;
  return 4;
}

/* }====================================================== */


/*
** {======================================================
** Moving an operation on without blocking
** =======================================================
*/

static long long my_now (void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* continues the operation in flight with the events that happened */
static int my_cont (MyConn *c, int ev) {
  switch (c->op) {
    case OP_CONNECT:
      return MY(mysql_real_connect_cont)(&c->connected, c->my, ev);
    case OP_QUERY: return MY(mysql_real_query_cont)(&c->iret, c->my, ev);
    case OP_STORE: return MY(mysql_store_result_cont)(&c->got, c->my, ev);
    case OP_NEXT: return MY(mysql_next_result_cont)(&c->iret, c->my, ev);
    case OP_PREPARE:
      return MY(mysql_stmt_prepare_cont)(&c->iret, c->stmt, ev);
    case OP_EXECUTE:
      return MY(mysql_stmt_execute_cont)(&c->iret, c->stmt, ev);
    case OP_STMT_STORE:
      return MY(mysql_stmt_store_result_cont)(&c->iret, c->stmt, ev);
    default: return 0;
  }
}

static int my_over (MyConn *c) {
  c->op = OP_NONE;
  return 0;
}

/* keeps the result set just stored: the last one wins */
static void my_keep (MyConn *c) {
  c->done++;
  if (c->got == NULL) {
    my_ulonglong n = MY(mysql_affected_rows)(c->my);
    if (n != (my_ulonglong)-1) c->affected += (lua_Integer)n;
    return;
  }
  if (c->res != NULL) MY(mysql_free_result)(c->res);
  c->res = c->got;
  c->got = NULL;
}

/*
** The operation in flight has finished: starts the next step of a query
** (store its result, go to the next statement's) and returns its wait
** mask, or 0 when the query (or the statement step) is over.
*/
static int my_next (MyConn *c) {
  switch (c->op) {
    case OP_QUERY:
      if (c->iret != 0) break;
      c->op = OP_STORE;
      return MY(mysql_store_result_start)(&c->got, c->my);
    case OP_STORE:
      if (c->got == NULL && MY(mysql_field_count)(c->my) != 0) break;
      my_keep(c);
      if (!MY(mysql_more_results)(c->my)) return my_over(c);
      c->op = OP_NEXT;
      return MY(mysql_next_result_start)(&c->iret, c->my);
    case OP_NEXT:
      if (c->iret > 0) break;
      if (c->iret < 0) return my_over(c);
      c->op = OP_STORE;
      return MY(mysql_store_result_start)(&c->got, c->my);
    default:  /* connect and statements: their callers read the outcome */
      return my_over(c);
  }
  lm_my_connerror(c);
  return my_over(c);
}

/* runs on from the library's answer 'st' until it must wait */
void lm_my_run (MyConn *c, int st) {
  while (st == 0 && c->op != OP_NONE) st = my_next(c);
  c->wait = st;
  if (st & MYSQL_WAIT_TIMEOUT)
    c->deadline = my_now() + (long long)MY(mysql_get_timeout_value_ms)(c->my);
}

/*
** The events of the wait mask that happened within 'ms' (-1: no limit
** but the library's timeout); 0 when none did yet
*/
static int my_events (MyConn *c, int ms) {
  struct pollfd p;
  int rc, ev = 0;
  if (c->wait & MYSQL_WAIT_TIMEOUT) {
    long long left = c->deadline - my_now();
    if (left < 0) left = 0;
    if (ms < 0 || left < ms) ms = (int)left;
  }
  p.fd = (int)MY(mysql_get_socket)(c->my);
  if (p.fd < 0) return c->wait;  /* let the library find what is wrong */
  p.events = (short)(((c->wait & MYSQL_WAIT_READ) ? POLLIN : 0)
                     | ((c->wait & MYSQL_WAIT_WRITE) ? POLLOUT : 0)
                     | ((c->wait & MYSQL_WAIT_EXCEPT) ? POLLPRI : 0));
  p.revents = 0;
  do rc = poll(&p, 1, ms); while (rc < 0 && errno == EINTR);
  if (rc < 0) return c->wait;
  if (p.revents & (POLLIN | POLLHUP | POLLERR)) ev |= MYSQL_WAIT_READ;
  if (p.revents & (POLLOUT | POLLHUP | POLLERR)) ev |= MYSQL_WAIT_WRITE;
  if (p.revents & POLLPRI) ev |= MYSQL_WAIT_EXCEPT;
  ev &= c->wait | MYSQL_WAIT_EXCEPT;
  if (ev == 0 && (c->wait & MYSQL_WAIT_TIMEOUT) && my_now() >= c->deadline)
    ev = MYSQL_WAIT_TIMEOUT;
  return ev;
}

/* what the operation waits for, as poll() names it */
static int my_waiting (MyConn *c) {
  if (c->op == OP_NONE) return MY_DONE;
  return (c->wait & MYSQL_WAIT_WRITE) ? MY_WRITE : MY_READ;
}

/* moves the operation on as far as it goes without waiting */
int lm_my_advance (MyConn *c) {
  int ev;
  while (c->op != OP_NONE && (ev = my_events(c, 0)) != 0)
    lm_my_run(c, my_cont(c, ev));
  return my_waiting(c);
}

/* blocks in poll(2) until the operation is over */
void lm_my_wait (MyConn *c) {
  while (c->op != OP_NONE) {
    int ev = my_events(c, -1);
    if (ev != 0) lm_my_run(c, my_cont(c, ev));
  }
}

/* }====================================================== */


/*
** {======================================================
** Connecting
** =======================================================
*/

/* the connection options (core.connect's third argument) */
typedef struct MyOpts {
  const char *host, *user, *password, *socket, *charset;
  const char *ssl_ca, *ssl_capath, *ssl_cert, *ssl_key, *ssl_cipher;
  unsigned port, timeout;
  int ssl_mode, local_infile;
} MyOpts;

enum { SSL_DEFAULT, SSL_DISABLED, SSL_PREFERRED, SSL_REQUIRED, SSL_VERIFY_CA,
       SSL_VERIFY_IDENTITY };

static const char *const my_sslnames[] = {
  NULL, "DISABLED", "PREFERRED", "REQUIRED", "VERIFY_CA", "VERIFY_IDENTITY"
};

static const char *const my_optnames[] = {
  "host", "user", "password", "socket", "charset", "ssl_ca", "ssl_capath",
  "ssl_cert", "ssl_key", "ssl_cipher", "port", "connect_timeout",
  "ssl_mode", "local_infile", NULL
};

/* ssl_mode: MySQL's names, in either case, or libpq's sslmode names */
static int my_sslmode (lua_State *L, const char *v) {
  static const char *const names[] = {
    "disabled", "disable", "preferred", "prefer", "required", "require",
    "verify_ca", "verify-ca", "verify_identity", "verify-identity",
    "verify-full", NULL
  };
  static const int modes[] = {
    SSL_DISABLED, SSL_DISABLED, SSL_PREFERRED, SSL_PREFERRED, SSL_REQUIRED,
    SSL_REQUIRED, SSL_VERIFY_CA, SSL_VERIFY_CA, SSL_VERIFY_IDENTITY,
    SSL_VERIFY_IDENTITY, SSL_VERIFY_IDENTITY
  };
  char low[32];
  size_t i;
  int k;
  for (i = 0; i < sizeof low - 1 && v[i]; i++)
    low[i] = (char)((v[i] >= 'A' && v[i] <= 'Z') ? v[i] + 32 : v[i]);
  low[i] = '\0';
  for (k = 0; names[k] != NULL; k++)
    if (strcmp(names[k], low) == 0) return modes[k];
  lm_error(L, "option 'ssl_mode' must be DISABLED, PREFERRED, REQUIRED, "
           "VERIFY_CA or VERIFY_IDENTITY, got '%s'", v);
}

static unsigned my_optnumber (lua_State *L, int idx, const char *name) {
  int isnum;
  lua_Integer n = lua_tointegerx(L, idx, &isnum);
  if (!isnum || n < 0 || n > (lua_Integer)65535000)
    lm_error(L, "option '%s' must be a non-negative integer", name);
  return (unsigned)n;
}

/* one option: the value at the top, its name at -2 */
static void my_option (lua_State *L, MyOpts *o, int k) {
  const char *s = NULL;
  if (k < 10 || k == 12) {
    if (lua_type(L, -1) != LUA_TSTRING)  /* lua_tostring would convert */
      lm_error(L, "option '%s' must be a string", my_optnames[k]);
    s = lua_tostring(L, -1);
  }
  switch (k) {
    case 0: o->host = s; break;
    case 1: o->user = s; break;
    case 2: o->password = s; break;
    case 3: o->socket = s; break;
    case 4: o->charset = s; break;
    case 5: o->ssl_ca = s; break;
    case 6: o->ssl_capath = s; break;
    case 7: o->ssl_cert = s; break;
    case 8: o->ssl_key = s; break;
    case 9: o->ssl_cipher = s; break;
    case 10: o->port = my_optnumber(L, -1, "port"); break;
    case 11: o->timeout = my_optnumber(L, -1, "connect_timeout"); break;
    case 12: o->ssl_mode = my_sslmode(L, s); break;
    default: o->local_infile = lua_toboolean(L, -1); break;
  }
}

/*
** Reads the options table at 'opts' (absent: all defaults). The strings
** stay in that table, which open() keeps as the connection's user value
** until the connection is made: the library reads them while it
** connects, after core.connect_start has returned.
*/
static void my_readopts (lua_State *L, int opts, MyOpts *o) {
  memset(o, 0, sizeof *o);
  o->timeout = MY_CONNECT_TIMEOUT;
  o->charset = "utf8mb4";
  if (!lua_istable(L, opts)) return;
  lua_pushnil(L);
  while (lua_next(L, opts) != 0) {
    int k;
    const char *name = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2)
                                                      : "?";
    for (k = 0; my_optnames[k] != NULL; k++)
      if (strcmp(my_optnames[k], name) == 0) break;
    if (my_optnames[k] == NULL)
      lm_error(L, "unknown MySQL connection option '%s'", name);
    my_option(L, o, k);
    lua_pop(L, 1);
  }
  /* the library checks the chain only against a CA it is given */
  if (o->ssl_mode == SSL_VERIFY_CA && !o->ssl_ca && !o->ssl_capath)
    lm_error(L, "option 'ssl_mode' VERIFY_CA needs 'ssl_ca' or 'ssl_capath'");
}

/*
** Connector/C 3.3 turns TLS on when any ssl_* option is set, and then
** checks the server's chain against ssl_ca or ssl_capath whenever one is
** given (whatever the mode); MYSQL_OPT_SSL_VERIFY_SERVER_CERT adds the
** check of the host name (against the system's CAs when no CA is given).
** So: DISABLED sets none of them, VERIFY_CA is REQUIRED with its CA
** (my_readopts asks for one), VERIFY_IDENTITY adds the name.
*/
static void my_setssl (MYSQL *my, const MyOpts *o) {
  my_bool on = 1;
  if (o->ssl_mode == SSL_DISABLED) return;
  if (o->ssl_ca) MY(mysql_options)(my, MYSQL_OPT_SSL_CA, o->ssl_ca);
  if (o->ssl_capath) MY(mysql_options)(my, MYSQL_OPT_SSL_CAPATH, o->ssl_capath);
  if (o->ssl_cert) MY(mysql_options)(my, MYSQL_OPT_SSL_CERT, o->ssl_cert);
  if (o->ssl_key) MY(mysql_options)(my, MYSQL_OPT_SSL_KEY, o->ssl_key);
  if (o->ssl_cipher) MY(mysql_options)(my, MYSQL_OPT_SSL_CIPHER, o->ssl_cipher);
  switch (o->ssl_mode) {
    case SSL_PREFERRED:  /* TLS when the server offers it */
      if (!o->ssl_cipher && !o->ssl_ca && !o->ssl_capath && !o->ssl_cert)
        MY(mysql_options)(my, MYSQL_OPT_SSL_CIPHER, "DEFAULT");
      break;
    case SSL_VERIFY_IDENTITY:
      MY(mysql_options)(my, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &on);
      /* FALLTHROUGH */
    case SSL_VERIFY_CA:
    case SSL_REQUIRED:
      MY(mysql_options)(my, MYSQL_OPT_SSL_ENFORCE, &on);
      break;
    default:
      break;
  }
}

/* appends ", name=value" (name NULL: value) to the TLS options of 'c'
   when value is set */
static void my_tlsopt (MyConn *c, const char *name, const char *value) {
  size_t n = strlen(c->tls);
  if (value == NULL || n >= sizeof c->tls - 1) return;
  snprintf(c->tls + n, sizeof c->tls - n, "%s%s%s%s", n ? ", " : "",
           name ? name : "", name ? "=" : "", value);
}

/* what a TLS failure's message names: the options given, and the host */
static void my_describe_tls (MyConn *c, const MyOpts *o) {
  c->tls[0] = '\0';
  if (o->ssl_mode == SSL_DISABLED) return;
  my_tlsopt(c, "ssl-mode", my_sslnames[o->ssl_mode]);
  my_tlsopt(c, "ssl-ca", o->ssl_ca);
  my_tlsopt(c, "ssl-capath", o->ssl_capath);
  my_tlsopt(c, "ssl-cert", o->ssl_cert);
  my_tlsopt(c, "ssl-key", o->ssl_key);
  my_tlsopt(c, "ssl-cipher", o->ssl_cipher);
  if (o->ssl_mode == SSL_VERIFY_IDENTITY && !o->ssl_ca && !o->ssl_capath)
    my_tlsopt(c, NULL, "no ssl-ca: the system's CA certificates");
  snprintf(c->host, sizeof c->host, "%s", o->host ? o->host : "localhost");
}

/*
** A failed TLS handshake (CR_SSL_CONNECTION_ERROR) says only what
** OpenSSL found ("self-signed certificate in certificate chain"): the
** message gets the options it was made with, and for the failed check of
** VERIFY_IDENTITY (the library's "Validation of SSL server certificate
** failed") what it means.
*/
static void my_tlsfail (MyConn *c) {
  size_t n = strlen(c->msg);
  if (c->errnum != 2026 || c->tls[0] == '\0') return;
  if (strstr(c->msg, "Validation of SSL server certificate failed") != NULL)
    snprintf(c->msg + n, sizeof c->msg - n, ": the server's certificate does "
             "not name the host '%s' (%s)", c->host, c->tls);
  else
    snprintf(c->msg + n, sizeof c->msg - n, " (%s)", c->tls);
}

/*
** LOCAL INFILE is always on: db:insert loads its rows with it (my_infile.c).
** Unless the user asked for local_infile, the handler is lmigrate's,
** which sends nothing but the rows of its own load: a server cannot have
** a file of the client read.
*/
static void my_setopts (MyConn *c, const MyOpts *o) {
  unsigned timeout = o->timeout;
  unsigned infile = 1u;
  MY(mysql_options)(c->my, MYSQL_OPT_NONBLOCK, 0);
  MY(mysql_options)(c->my, MYSQL_SET_CHARSET_NAME, o->charset);
  MY(mysql_options)(c->my, MYSQL_OPT_LOCAL_INFILE, &infile);
  c->user_infile = o->local_infile;
  if (!c->user_infile) lm_my_infile_handler(c);
  if (timeout > 0)
    MY(mysql_options)(c->my, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
  my_setssl(c->my, o);
}

/*
** Connector/C 3.3 goes on without TLS when the server offers none, even
** with MYSQL_OPT_SSL_ENFORCE: REQUIRED is checked here, once connected. A
** Unix socket counts as secure, as the mysql client has it.
*/
static int my_insecure (MyConn *c) {
  const char *via;
  if (!c->need_tls || c->connected == NULL) return 0;
  via = MY(mysql_get_host_info)(c->my);
  if (MY(mysql_get_ssl_cipher)(c->my) != NULL
      || (via != NULL && strstr(via, "socket") != NULL))
    return 0;
  lm_my_seterror(c, 2026, "HY000", "ssl-mode asks for TLS, but the server "
              "does not offer it");
  return 1;
}

/* pushes nil, the library's message, "08001", the error number */
static int my_connfail (lua_State *L, MyConn *c) {
  int n;
  if (c->my == NULL) lm_my_seterror(c, 2008, "HY000", "out of memory");
  else if (!c->failed) {  /* else my_insecure said why */
    lm_my_connerror(c);
    my_tlsfail(c);
  }
  n = lm_my_pushfail(L, c, CONNECT_FAILED);
  if (c->my != NULL) MY(mysql_close)(c->my);
  c->my = NULL;
  c->op = OP_NONE;
  c->h.closed = 1;
  return n;
}

/*
** Without libmariadb no connection can be made: a connection failure,
** as in postgres.c
*/
static int my_loadfail (lua_State *L, const char *err) {
  luaL_pushfail(L);
  lua_pushfstring(L, "cannot load " LM_MY_SONAME ": %s (install libmariadb3)",
                  err);
  lua_pushliteral(L, CONNECT_FAILED);
  return 3;
}

static void my_describe_at (MyConn *c, const MyOpts *o, const char *db) {
  const char *user = o->user ? o->user : "";
  if (o->socket)
    snprintf(c->desc, sizeof c->desc, "%s@%s/%s", user, o->socket, db);
  else
    snprintf(c->desc, sizeof c->desc, "%s@%s:%u/%s", user,
             o->host ? o->host : "localhost", o->port ? o->port : 3306u, db);
}

/*
** core.connect("mysql", database, options): 'database' may be "" (none).
** The Connection userdata is at the top of the stack (connect_aux).
*/
static int my_open (lua_State *L, lm_Conn *h, const char *db, int opts,
                    int async) {
  MyConn *c = (MyConn *)h;
  int self = lua_gettop(L);
  unsigned long flags = CLIENT_MULTI_STATEMENTS | CLIENT_MULTI_RESULTS;
  const char *err;
  MyOpts o;
  if ((err = lm_my_load()) != NULL) return my_loadfail(L, err);
  my_readopts(L, opts, &o);
  lua_pushvalue(L, opts);           /* keeps the strings o points to */
  lua_setiuservalue(L, self, 1);
  my_describe_at(c, &o, db);
  if ((c->my = MY(mysql_init)(NULL)) == NULL) return my_connfail(L, c);
  my_setopts(c, &o);
  flags |= CLIENT_LOCAL_FILES;
  c->need_tls = (o.ssl_mode == SSL_REQUIRED || o.ssl_mode == SSL_VERIFY_CA
                 || o.ssl_mode == SSL_VERIFY_IDENTITY);
  my_describe_tls(c, &o);
  c->op = OP_CONNECT;
  /* what is not given is the default, never MYSQL_PWD, MYSQL_HOST or
     MYSQL_TCP_PORT of the environment, which the library would read */
  lm_my_run(c, MY(mysql_real_connect_start)(&c->connected, c->my,
         o.host ? o.host : "localhost", o.user, o.password ? o.password : "",
         *db ? db : NULL, o.port ? o.port : 3306u, o.socket, flags));
  if (!async) lm_my_wait(c);
  if (c->op == OP_NONE) {
    if (c->connected == NULL || my_insecure(c)) return my_connfail(L, c);
    lua_pushnil(L);
    lua_setiuservalue(L, self, 1);
  }
  return 0;
}

/* a connection from connect_start that a blocking call needs now */
int lm_my_connected (lua_State *L, MyConn *c) {
  if (c->op != OP_CONNECT) return 0;
  lm_my_wait(c);
  lua_pushnil(L);
  lua_setiuservalue(L, 1, 1);
  return (c->connected == NULL || my_insecure(c)) ? my_connfail(L, c) : 0;
}

static void my_close (lm_Conn *h) {
  MyConn *c = (MyConn *)h;
  int i;
  if (c->res != NULL) MY(mysql_free_result)(c->res);
  if (c->got != NULL) MY(mysql_free_result)(c->got);
  c->res = c->got = NULL;
  if (c->my != NULL) {
    MY(mysql_close)(c->my);  /* detaches its statements from it */
    c->my = NULL;
  }
  for (i = 0; i < c->norphans; i++)
    MY(mysql_stmt_close)(c->orphans[i]);  /* frees the client side only */
  free(c->orphans);
  c->orphans = NULL;
  c->norphans = c->maxorphans = 0;
  c->op = OP_NONE;
}

static void my_describe (lua_State *L, lm_Conn *h) {
  lua_pushfstring(L, "mysql: %s", ((MyConn *)h)->desc);
}

/* }====================================================== */


/*
** {======================================================
** Placeholders: values as SQL literals
** =======================================================
*/


/*
** Whether mysql_real_escape_string leaves 's' as it is, in any client
** character set and sql_mode: ASCII (no byte that could begin a
** multibyte character) without a byte it escapes (nor the quote it
** doubles under NO_BACKSLASH_ESCAPES). Most values are so (the journal's
** statement texts): they go in without the library's per-byte walk.
*/
static int my_plain (const char *s, size_t len) {
  size_t i;
  for (i = 0; i < len; i++) {
    unsigned char ch = (unsigned char)s[i];
    if (ch >= 0x80 || ch == '\'' || ch == '"' || ch == '\\' || ch == '\0'
        || ch == '\n' || ch == '\r' || ch == 26)
      return 0;
  }
  return 1;
}

/* pushes the string at 'idx' as a literal: '...' escaped, or X'..' */
static void my_pushstring (lua_State *L, MyConn *c, int idx) {
  static const char hex[] = "0123456789ABCDEF";
  size_t len, i;
  const char *s = lua_tolstring(L, idx, &len);
  luaL_Buffer b;
  char *p;
  if (my_plain(s, len)) {
    p = luaL_buffinitsize(L, &b, len + 2);
    p[0] = '\'';
    memcpy(p + 1, s, len);
    p[len + 1] = '\'';
    luaL_pushresultsize(&b, len + 2);
    return;
  }
  if (lm_isutf8((const unsigned char *)s, len)) {
    p = luaL_buffinitsize(L, &b, 2 * len + 2);
    p[0] = '\'';
    i = MY(mysql_real_escape_string)(c->my, p + 1, s, (unsigned long)len);
    p[i + 1] = '\'';
    luaL_pushresultsize(&b, i + 2);
    return;
  }
  p = luaL_buffinitsize(L, &b, 2 * len + 3);
  p[0] = 'X';
  p[1] = '\'';
  for (i = 0; i < len; i++) {
    p[2 + 2 * i] = hex[(unsigned char)s[i] >> 4];
    p[3 + 2 * i] = hex[(unsigned char)s[i] & 15];
  }
  p[2 + 2 * len] = '\'';
  luaL_pushresultsize(&b, 2 * len + 3);
}

/* lm_sqlreplace's callback: the n-th value, at stack index 2 + n */
static void my_pushparam (lua_State *L, int n, void *ud) {
  int idx = 2 + n;
  switch (lua_type(L, idx)) {
    case LUA_TBOOLEAN:
      lua_pushstring(L, lua_toboolean(L, idx) ? "TRUE" : "FALSE");
      break;
    case LUA_TNUMBER:
      lm_pushnumtext(L, idx);
      break;
    case LUA_TSTRING:
      my_pushstring(L, (MyConn *)ud, idx);
      break;
    default:  /* nil and lmigrate.null */
      lua_pushliteral(L, "NULL");
      break;
  }
}

/* 0 unless a value cannot be written: MySQL has no NaN nor infinity */
int lm_my_checkvalues (lua_State *L, int first, int n) {
  int i;
  for (i = 0; i < n; i++) {
    if (lua_type(L, first + i) == LUA_TNUMBER && !lua_isinteger(L, first + i)) {
      lua_Number x = lua_tonumber(L, first + i);
      if (x != x || x - x != 0) {
        luaL_pushfail(L);
        lua_pushfstring(L, "parameter %d is %s, which MySQL cannot store",
                        i + 1, x != x ? "NaN" : "an infinity");
        return 2;
      }
    }
  }
  return 0;
}

/*
** Pushes the SQL at 2 with its placeholders replaced by the values
** 3..top; 0, else pushes nil, msg
*/
static int my_bindsql (lua_State *L, MyConn *c) {
  int nparams = lua_gettop(L) - 2, expected, n;
  size_t len;
  const char *sql = lua_tolstring(L, 2, &len);
  if (nparams == 0) {
    if ((expected = lm_sqlparams(&lm_sql_mysql, sql, len)) != 0)
      return lm_failparams(L, expected, 0);
    lua_pushvalue(L, 2);
    return 0;
  }
  if ((n = lm_my_checkvalues(L, 3, nparams)) > 0) return n;
  expected = lm_sqlreplace(L, &lm_sql_mysql, sql, len, my_pushparam, c);
  if (expected != nparams) return lm_failparams(L, expected, nparams);
  return 0;
}

/* }====================================================== */


/*
** {======================================================
** Results
** =======================================================
*/

static int my_isinteger (enum enum_field_types t) {
  return t == MYSQL_TYPE_TINY || t == MYSQL_TYPE_SHORT
      || t == MYSQL_TYPE_LONG || t == MYSQL_TYPE_INT24
      || t == MYSQL_TYPE_LONGLONG || t == MYSQL_TYPE_YEAR;
}

/*
** A number column: an integer, a float, or the text when a Lua number
** would not hold it exactly (lm_pushexact: a BIGINT UNSIGNED past
** maxinteger, a DECIMAL of more than 15 significant digits)
*/
static void my_pushnumber (lua_State *L, enum enum_field_types t,
                           const char *v, size_t len) {
  if (t == MYSQL_TYPE_FLOAT || t == MYSQL_TYPE_DOUBLE) {
    char buf[96];
    if (len < sizeof buf) {
      memcpy(buf, v, len);
      buf[len] = '\0';
      if (lua_stringtonumber(L, buf) == len + 1) {  /* always a float */
        lua_Number x = lua_tonumber(L, -1);
        lua_pop(L, 1);
        lua_pushnumber(L, x);
        return;
      }
    }
    lua_pushlstring(L, v, len);
  }
  else lm_pushexact(L, v, len, my_isinteger(t));
}

static void my_pushvalue (lua_State *L, const MYSQL_FIELD *f, const char *v,
                          unsigned long len) {
  if (v == NULL) {
    lm_pushnull(L);
    return;
  }
  switch (f->type) {
    case MYSQL_TYPE_TINY: case MYSQL_TYPE_SHORT: case MYSQL_TYPE_LONG:
    case MYSQL_TYPE_INT24: case MYSQL_TYPE_LONGLONG: case MYSQL_TYPE_YEAR:
    case MYSQL_TYPE_FLOAT: case MYSQL_TYPE_DOUBLE:
    case MYSQL_TYPE_DECIMAL: case MYSQL_TYPE_NEWDECIMAL:
      my_pushnumber(L, f->type, v, (size_t)len);
      break;
    default:  /* text, dates, BIT and binary strings: the bytes as sent */
      lua_pushlstring(L, v, (size_t)len);
      break;
  }
}

/* pushes the rows and the column names of the kept result set */
static void my_pushrows (lua_State *L, MyConn *c) {
  MYSQL_RES *r = c->res;
  unsigned i, ncols = r ? MY(mysql_num_fields)(r) : 0;
  MYSQL_FIELD *f = r ? MY(mysql_fetch_fields)(r) : NULL;
  MYSQL_ROW row;
  lua_Integer n = 0;
  luaL_checkstack(L, 8, NULL);
  lua_newtable(L);
  while (r != NULL && (row = MY(mysql_fetch_row)(r)) != NULL) {
    unsigned long *len = MY(mysql_fetch_lengths)(r);
    lua_createtable(L, 0, (int)ncols);
    for (i = 0; i < ncols; i++) {
      my_pushvalue(L, &f[i], row[i], len[i]);
      lua_setfield(L, -2, f[i].name);
    }
    lua_rawseti(L, -2, ++n);
  }
  lua_createtable(L, (int)ncols, 0);
  for (i = 0; i < ncols; i++) {
    lua_pushstring(L, f[i].name);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
}

void lm_my_clear (MyConn *c) {
  if (c->res != NULL) MY(mysql_free_result)(c->res);
  if (c->got != NULL) MY(mysql_free_result)(c->got);
  c->res = c->got = NULL;
  c->affected = 0;
  c->done = 0;
  c->failed = 0;
}

/*
** Pushes what the finished query gave: affected, or rows, columns,
** affected (LM_ROWS), or affected, warnings (MY_LOADED); or nil, msg,
** code, errno and the position of the statement that failed among those
** of the query text (the server stops at it: db:ahead tells so whether a
** statement held for the next one failed, or that one).
** Drops the SQL (and the rows of a load) it kept.
*/
int lm_my_pushresult (lua_State *L, MyConn *c, int what) {
  int n;
  c->h.pending = 0;
  lua_pushnil(L);
  lua_setiuservalue(L, 1, 1);
  if (c->failed) {
    n = lm_my_pushfail(L, c, NULL);
    lua_pushinteger(L, (lua_Integer)c->done + 1);
    n++;
  }
  else {
    if (what == LM_ROWS) my_pushrows(L, c);
    lua_pushinteger(L, c->affected);
    n = (what == LM_ROWS) ? 3 : 1;
    if (what == MY_LOADED) {
      lua_pushinteger(L, (lua_Integer)MY(mysql_warning_count)(c->my));
      n = 2;
    }
  }
  lm_my_clear(c);
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
** pushes nil, msg. The SQL sent stays in the connection's user value
** while the library may still be writing it.
*/
static int my_dispatch (lua_State *L, MyConn *c) {
  size_t len;
  const char *sql;
  int n;
  if ((n = lm_my_connected(L, c)) > 0 || (n = my_bindsql(L, c)) > 0) return n;
  sql = lua_tolstring(L, -1, &len);
  lua_setiuservalue(L, 1, 1);
  lm_my_clear(c);
  c->h.pending = 1;
  c->op = OP_QUERY;
  lm_my_run(c, MY(mysql_real_query_start)(&c->iret, c->my, sql,
                                       (unsigned long)len));
  return 0;
}

static int my_exec (lua_State *L, lm_Conn *h, int what) {
  MyConn *c = (MyConn *)h;
  int n;
  if ((n = my_dispatch(L, c)) > 0) return n;
  lm_my_wait(c);
  return lm_my_pushresult(L, c, what);
}

static int my_send (lua_State *L, lm_Conn *h) {
  int n;
  if ((n = my_dispatch(L, (MyConn *)h)) > 0) return n;
  lua_pushboolean(L, 1);
  return 1;
}

/*
** conn:poll() -> "read"|"write"|"done", fd | nil, msg, code (connecting
** failed: the connection is closed)
*/
static int my_poll (lua_State *L, lm_Conn *h) {
  static const char *const names[] = { "done", "read", "write" };
  MyConn *c = (MyConn *)h;
  int connecting = (c->op == OP_CONNECT);
  int st = lm_my_advance(c);
  if (connecting && st == MY_DONE) {
    lua_pushnil(L);
    lua_setiuservalue(L, 1, 1);  /* the options are no longer read */
    if (c->connected == NULL || my_insecure(c)) return my_connfail(L, c);
  }
  lua_pushstring(L, names[st]);
  lua_pushinteger(L, (lua_Integer)MY(mysql_get_socket)(c->my));
  return 2;
}

static int my_result (lua_State *L, lm_Conn *h) {
  MyConn *c = (MyConn *)h;
  lm_my_wait(c);  /* returns at once after poll() said "done" */
  return lm_my_pushresult(L, c, LM_ROWS);
}

/*
** Whether the session is in a transaction: the server's status flags of
** its last reply, which the library keeps. The journal asks before it
** commits a group of data statements: a COMMIT that got past it (through
** the connection itself) would have committed them without their rows.
*/
static int my_in_transaction (lm_Conn *h) {
  MyConn *c = (MyConn *)h;
  unsigned int status = 0;
  if (c->my == NULL || c->op != OP_NONE) return -1;
  if (MY(mariadb_get_infov)(c->my, MARIADB_CONNECTION_SERVER_STATUS, &status) != 0) return -1;
  return (status & SERVER_STATUS_IN_TRANS) != 0;
}

static int my_last_insert_id (lua_State *L, lm_Conn *h) {
  MyConn *c = (MyConn *)h;
  my_ulonglong id = (c->my && c->op == OP_NONE) ? MY(mysql_insert_id)(c->my)
                                                : 0;
  if (id == 0) lua_pushnil(L);
  else lua_pushinteger(L, (lua_Integer)id);
  return 1;
}

/* }====================================================== */


const lm_Driver lm_driver_mysql = {
  .name = "mysql",
  .size = sizeof(MyConn),
  .stmtsize = sizeof(MyStmt),
  .async = 1,
  .open = my_open,
  .run = my_exec,
  .send = my_send,
  .poll = my_poll,
  .result = my_result,
  .last_insert_id = my_last_insert_id,
  .in_transaction = my_in_transaction,
  .describe = my_describe,
  .close = my_close,
  .prepare = lm_my_prepare,
  .stmt_exec = lm_my_stmt_exec,
  .stmt_close = lm_my_stmt_close,
  .copy_begin = NULL, .copy_put = NULL, .copy_flush = NULL, .copy_end = NULL,
  .load_begin = lm_my_load_begin,
  .load_end = lm_my_load_end
};
