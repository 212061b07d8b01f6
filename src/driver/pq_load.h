/*
** pq_load.h
** libpq, loaded on the first PostgreSQL connection. Linking it would cost
** every command (SQLite ones too) some 26 libraries -- TLS, Kerberos,
** LDAP, SASL -- about 3 ms and 6 MB before main() runs. libpq-fe.h still
** gives the types and the prototypes; the calls go through 'lm_pq', a
** table of pointers filled by dlsym.
*/
#ifndef lm_pq_load_h
#define lm_pq_load_h

#include <libpq-fe.h>

#define LM_PQ_SONAME  "libpq.so.5"

/*
** Every libpq function the driver calls, in one place: it declares the
** fields of lm_PQ and drives the dlsym loop. A call to a function left
** out of it does not link (lmigrate no longer links libpq).
*/
#define LM_PQ_FUNCS(X) \
  X(PQconnectdbParams) X(PQconnectStartParams) X(PQconnectPoll) \
  X(PQstatus) X(PQsetnonblocking) X(PQsetNoticeProcessor) X(PQfinish) \
  X(PQerrorMessage) X(PQtransactionStatus) X(PQsocket) X(PQhost) X(PQport) X(PQuser) X(PQdb) \
  X(PQsendQuery) X(PQsendQueryParams) X(PQsendPrepare) \
  X(PQsendQueryPrepared) X(PQflush) X(PQconsumeInput) X(PQisBusy) \
  X(PQgetResult) X(PQgetCopyData) X(PQputCopyData) X(PQputCopyEnd) \
  X(PQfreemem) \
  X(PQresultStatus) X(PQresultErrorField) X(PQresultErrorMessage) \
  X(PQcmdStatus) X(PQcmdTuples) X(PQclear) X(PQntuples) X(PQnfields) \
  X(PQfname) X(PQftype) X(PQgetvalue) X(PQgetlength) X(PQgetisnull)

/* each field has the type of a pointer to its libpq function; 'f' is the
   name declared, which parentheses would not make safer */
#define LM_PQ_FIELD(f)  __typeof__(f) *f;  /* NOLINT(bugprone-macro-parentheses) */

typedef struct lm_PQ {
  LM_PQ_FUNCS(LM_PQ_FIELD)
} lm_PQ;

/* valid once lm_pq_load succeeded; call as lm_pq.PQexec(...) */
extern lm_PQ lm_pq;

/*
** Loads libpq once per process and fills lm_pq. NULL on success, else
** dlerror()'s message (valid until the next dl* call); a failed load is
** tried again on the next call.
*/
const char *lm_pq_load (void);

#endif
