/*
** my_load.c
** Loads libmariadb with dlopen the first time a MySQL connection is
** opened, and resolves the functions of LM_MY_FUNCS into lm_my.
*/
#include <dlfcn.h>
#include <stddef.h>

#include "dl_load.h"
#include "my_load.h"

lm_MY lm_my;

static void *handle;  /* libmariadb once loaded; never closed */

/*
** As lm_pq_load: the table is filled in a copy and published only when
** every function resolved, so lm_my is either empty or whole.
*/
const char *lm_my_load (void) {
  lm_MY t;
  void *h;
  const char *err;
  if (handle != NULL) return NULL;
  if ((h = lm_dlopen(LM_MY_SONAME, &err)) == NULL) return err;
#define LM_MY_RESOLVE(f) \
  if ((t.f = (__typeof__(f) *)dlsym(h, #f)) == NULL) return lm_dlfail(h);
  LM_MY_FUNCS(LM_MY_RESOLVE)
#undef LM_MY_RESOLVE
  lm_my = t;
  handle = h;
  return NULL;
}
