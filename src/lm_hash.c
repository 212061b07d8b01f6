/*
** lm_hash.c
** bcrypt, for lmigrate.hash (Laravel's Hash facade with its default
** driver): seeders and data steps that create users need the hashes
** Laravel's password_verify accepts. The hashing is libcrypt's (libxcrypt,
** the system's own: Debian's libcrypt1 is essential), loaded with dlopen
** the first time a hash is made or checked, as the client libraries are,
** so a run that hashes nothing pays nothing for it.
*/
#include <crypt.h>
#include <dlfcn.h>
#include <errno.h>
#include <string.h>

#include "lmigrate.h"
#include "driver/dl_load.h"

#define LM_CRYPT_SONAME  "libcrypt.so.1"

typedef char *(*Crypt) (const char *phrase, const char *setting, void *data, int size);
typedef char *(*GenSalt) (const char *prefix, unsigned long count, const char *rbytes,
                          int nrbytes, char *output, int size);

static Crypt crypt_fn;       /* crypt_rn, once loaded */
static GenSalt gensalt_fn;   /* crypt_gensalt_rn */

/* loads libcrypt's two functions, or raises naming what is missing */
static void load (lua_State *L) {
  const char *err;
  void *h;
  if (crypt_fn != NULL) return;
  if ((h = lm_dlopen(LM_CRYPT_SONAME, &err)) == NULL)
    luaL_error(L, "lmigrate.hash: cannot load " LM_CRYPT_SONAME ": %s (install libcrypt1)", err);
  crypt_fn = (Crypt)dlsym(h, "crypt_rn");
  gensalt_fn = (GenSalt)dlsym(h, "crypt_gensalt_rn");
  if (crypt_fn == NULL || gensalt_fn == NULL) {
    crypt_fn = NULL;
    gensalt_fn = NULL;
    luaL_error(L, "lmigrate.hash: %s", lm_dlfail(h));
  }
}

/* bcrypt reads at most this many bytes of a password */
#define BCRYPT_MAXKEY  72

/*
** The password at 1: bcrypt stops at a NUL byte, so one is refused (as
** PHP's password_hash). One longer than bcrypt reads is cut to what it
** reads, as PHP's is: libcrypt refuses a passphrase past 512 bytes.
*/
static const char *checkphrase (lua_State *L) {
  size_t len;
  const char *s = luaL_checklstring(L, 1, &len);
  if (strlen(s) != len) luaL_argerror(L, 1, "a password with a NUL byte cannot be hashed by bcrypt");
  if (len <= BCRYPT_MAXKEY) return s;
  s = lua_pushlstring(L, s, BCRYPT_MAXKEY);
  lua_replace(L, 1);
  return s;
}

/* hashes 'phrase' with 'setting' (a salt, or a hash to check against) and pushes it; 0: failed */
static int pushcrypt (lua_State *L, const char *phrase, const char *setting) {
  struct crypt_data *d = (struct crypt_data *)lua_newuserdatauv(L, sizeof(struct crypt_data), 0);
  const char *h;
  memset(d, 0, sizeof *d);
  h = crypt_fn(phrase, setting, d, (int)sizeof *d);
  /* a failure is NULL or a string starting with '*' (libxcrypt's failure tokens) */
  if (h == NULL || h[0] == '*') {
    lua_pop(L, 1);
    return 0;
  }
  lua_pushstring(L, h);
  lua_remove(L, -2);
  memset(d, 0, sizeof *d);   /* the phrase's traces */
  return 1;
}

/* core.bcrypt(password, rounds) -> "$2y$<rounds>$<salt><hash>", PHP's PASSWORD_BCRYPT */
static int hash_bcrypt (lua_State *L) {
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  const char *phrase = checkphrase(L);
  lua_Integer rounds = luaL_checkinteger(L, 2);
  luaL_argcheck(L, rounds >= 4 && rounds <= 31, 2, "bcrypt's rounds are 4 to 31");
  load(L);
  /* no random bytes given: libcrypt takes them from the system (getrandom) */
  if (gensalt_fn("$2y$", (unsigned long)rounds, NULL, 0, salt, (int)sizeof salt) == NULL)
    return luaL_error(L, "lmigrate.hash: no salt: %s", strerror(errno));
  if (!pushcrypt(L, phrase, salt)) return luaL_error(L, "lmigrate.hash: bcrypt failed");
  return 1;
}

/* whether the two strings are equal, in a time that does not depend on where they differ */
static int sameconst (const char *a, size_t la, const char *b, size_t lb) {
  unsigned char diff = (unsigned char)(la != lb);
  size_t i, n = la < lb ? la : lb;
  for (i = 0; i < n; i++) diff |= (unsigned char)(a[i] ^ b[i]);
  return diff == 0;
}

/* core.bcrypt_check(password, hash) -> whether the password is the hash's */
static int hash_check (lua_State *L) {
  const char *phrase = checkphrase(L);
  size_t hl, ml;
  const char *hashed = luaL_checklstring(L, 2, &hl);
  const char *made;
  load(L);
  if (!pushcrypt(L, phrase, hashed)) {
    lua_pushboolean(L, 0);
    return 1;
  }
  made = lua_tolstring(L, -1, &ml);
  lua_pushboolean(L, sameconst(made, ml, hashed, hl));
  return 1;
}

static const luaL_Reg funcs[] = {
  {"bcrypt", hash_bcrypt},
  {"bcrypt_check", hash_check},
  {NULL, NULL}
};

int lm_open_hash (lua_State *L) {
  luaL_setfuncs(L, funcs, 0);
  return 0;
}
