/*
** dl_load.c
** Opening a client library on first use, for pq_load.c and my_load.c.
*/
#include <dlfcn.h>
#include <stdio.h>

#include "dl_load.h"

void *lm_dlopen (const char *soname, const char **err) {
  void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (h == NULL) {
    *err = dlerror();
    if (*err == NULL) *err = "dlopen failed";
  }
  return h;
}

const char *lm_dlfail (void *h) {
  static char msg[512];  /* dlerror's text does not outlive dlclose */
  const char *err = dlerror();
  snprintf(msg, sizeof msg, "%s", (err != NULL) ? err : "dlsym failed");
  dlclose(h);
  return msg;
}
