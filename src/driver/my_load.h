/*
** my_load.h
** MariaDB Connector/C (libmariadb.so.3), loaded on the first MySQL
** connection, as pq_load.h does for libpq: linking it would cost every
** command, SQLite ones too, the library and its TLS dependencies before
** main() runs. mysql.h still gives the types and the prototypes; the calls
** go through 'lm_my', a table of pointers filled by dlsym.
*/
#ifndef lm_my_load_h
#define lm_my_load_h

#include <mysql.h>

#define LM_MY_SONAME  "libmariadb.so.3"

/*
** Every libmariadb function the driver calls, in one place: it declares
** the fields of lm_MY and drives the dlsym loop.
*/
#define LM_MY_FUNCS(X) \
  X(mysql_init) X(mysql_options) X(mysql_close) X(mysql_errno) \
  X(mysql_error) X(mysql_sqlstate) X(mysql_get_socket) \
  X(mysql_get_timeout_value_ms) X(mysql_get_server_info) \
  X(mysql_get_host_info) X(mysql_get_ssl_cipher) \
  X(mysql_real_connect_start) X(mysql_real_connect_cont) \
  X(mysql_real_query_start) X(mysql_real_query_cont) \
  X(mysql_store_result_start) X(mysql_store_result_cont) \
  X(mysql_next_result_start) X(mysql_next_result_cont) \
  X(mysql_more_results) X(mysql_field_count) X(mysql_affected_rows) \
  X(mysql_insert_id) X(mysql_free_result) X(mysql_num_fields) \
  X(mysql_fetch_fields) X(mysql_fetch_row) X(mysql_fetch_lengths) \
  X(mysql_real_escape_string) \
  X(mysql_stmt_init) X(mysql_stmt_prepare_start) \
  X(mysql_stmt_prepare_cont) X(mysql_stmt_execute_start) \
  X(mysql_stmt_execute_cont) X(mysql_stmt_store_result_start) \
  X(mysql_stmt_store_result_cont) X(mysql_stmt_param_count) \
  X(mysql_stmt_field_count) X(mysql_stmt_bind_param) \
  X(mysql_stmt_affected_rows) X(mysql_stmt_free_result) \
  X(mysql_stmt_close) X(mysql_stmt_errno) X(mysql_stmt_error) \
  X(mysql_stmt_sqlstate) X(mariadb_get_infov) \
  X(mysql_set_local_infile_handler) X(mysql_set_local_infile_default) \
  X(mysql_warning_count)

/* each field has the type of a pointer to its libmariadb function */
#define LM_MY_FIELD(f)  __typeof__(f) *f;  /* NOLINT(bugprone-macro-parentheses) */

typedef struct lm_MY {
  LM_MY_FUNCS(LM_MY_FIELD)
} lm_MY;

/* valid once lm_my_load succeeded; call as lm_my.mysql_init(...) */
extern lm_MY lm_my;

/*
** Loads libmariadb once per process and fills lm_my. NULL on success,
** else dlerror()'s message; a failed load is tried again on the next call.
*/
const char *lm_my_load (void);

#endif
