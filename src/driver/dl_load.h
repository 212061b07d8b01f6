/*
** dl_load.h
** What the two loaders of client libraries share (pq_load.c for libpq,
** my_load.c for libmariadb): opening the library and reporting a function
** it lacks. Each loader resolves its own table, typed by its X-macro.
*/
#ifndef lm_dl_load_h
#define lm_dl_load_h

/* dlopen(soname) -> the handle, or NULL and *err the reason */
void *lm_dlopen (const char *soname, const char **err);

/* after a dlsym that failed: closes 'h' and returns why (a static buffer) */
const char *lm_dlfail (void *h);

#endif
