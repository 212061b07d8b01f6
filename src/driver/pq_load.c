/*
** pq_load.c
** Loads libpq with dlopen the first time a PostgreSQL connection is
** opened, and resolves the functions of LM_PQ_FUNCS into lm_pq.
*/
#include <dlfcn.h>
#include <stddef.h>

#include "dl_load.h"
#include "pq_load.h"

lm_PQ lm_pq;

static void *handle;  /* libpq once loaded; never closed */

/*
** The table is filled in a copy and published only when every function
** resolved, so lm_pq is either empty or whole. An older libpq missing one
** of them is unloaded again and reported like a missing libpq.
*/
const char *lm_pq_load (void) {
  lm_PQ t;
  void *h;
  const char *err;
  if (handle != NULL) return NULL;
  if ((h = lm_dlopen(LM_PQ_SONAME, &err)) == NULL) return err;
#define LM_PQ_RESOLVE(f) \
  if ((t.f = (__typeof__(f) *)dlsym(h, #f)) == NULL) return lm_dlfail(h);
  LM_PQ_FUNCS(LM_PQ_RESOLVE)
#undef LM_PQ_RESOLVE
  lm_pq = t;
  handle = h;
  return NULL;
}
