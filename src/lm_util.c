/*
** lm_util.c
** What the Lua runtime needs from the operating system and plain Lua
** lacks: directory listing, a monotonic clock, terminals, file locks,
** and a checksum of migration files.
*/
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "lmigrate.h"

typedef struct lm_Lock {
  int fd;  /* -1 once released */
} lm_Lock;

/* the path at 'arg': a NUL byte inside would cut it short, so it raises */
static const char *checkpath (lua_State *L, int arg) {
  size_t len;
  const char *path = luaL_checklstring(L, arg, &len);
  luaL_argcheck(L, strlen(path) == len, arg, "path must not contain a NUL byte");
  return path;
}

/*
** The failures of the file functions are luaL_fileresult's: nil,
** "path: strerror", errno. A function that has to close a descriptor
** first keeps errno across the close.
*/
static int fileerror (lua_State *L, const char *path, int err) {
  errno = err;
  return luaL_fileresult(L, 0, path);
}

/* what a file of mode 'm' is, in the words of core.filetype */
static const char *kindname (mode_t m) {
  if (S_ISREG(m)) return "file";
  if (S_ISDIR(m)) return "directory";
  if (S_ISFIFO(m)) return "fifo";
  if (S_ISSOCK(m)) return "socket";
  if (S_ISCHR(m)) return "character device";
  return "block device";
}

/*
** The kind of directory entry 'e' of 'dir': from readdir's d_type when it
** says, else from stat(2), which follows a symbolic link to its target
*/
static const char *entrykind (const char *dir, const struct dirent *e) {
  char path[PATH_MAX];
  struct stat st;
  switch (e->d_type) {
    case DT_REG: return "file";
    case DT_DIR: return "directory";
    case DT_FIFO: return "fifo";
    case DT_SOCK: return "socket";
    case DT_CHR: return "character device";
    case DT_BLK: return "block device";
    default: break;  /* DT_LNK, DT_UNKNOWN */
  }
  if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path
      || stat(path, &st) != 0)
    return "missing";  /* a dangling link, or a path too long to follow */
  return kindname(st.st_mode);
}

/*
** core.listdir(path) -> { name, ... }, { kind, ... } (unsorted, no "." or
** ".."; each kind as core.filetype says it, or "missing" for a dangling
** link) | nil, msg, errno
*/
static int util_listdir (lua_State *L) {
  const char *path = checkpath(L, 1);
  struct dirent *e;
  lua_Integer n = 0;
  DIR *d = opendir(path);
  if (d == NULL)
    return luaL_fileresult(L, 0, path);
  lua_newtable(L);
  lua_newtable(L);
  /* cppcheck-suppress readdirCalled ; readdir_r is the deprecated one
     (glibc 2.24): readdir is safe on a stream no other thread reads */
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    lua_pushstring(L, e->d_name);  /* cannot fail short of memory */
    lua_rawseti(L, -3, ++n);
    lua_pushstring(L, entrykind(path, e));
    lua_rawseti(L, -2, n);
  }
  closedir(d);
  return 2;
}

/*
** core.isdir(path) -> boolean
*/
static int util_isdir (lua_State *L) {
  struct stat st;
  lua_pushboolean(L, stat(checkpath(L, 1), &st) == 0 && S_ISDIR(st.st_mode));
  return 1;
}

/*
** core.filetype(path) -> "file" | "directory" | "fifo" | "socket" |
** "character device" | "block device" | nil, msg, errno: what 'path'
** names, following symbolic links (a link to /dev/zero is a device)
*/
static int util_filetype (lua_State *L) {
  const char *path = checkpath(L, 1);
  struct stat st;
  if (stat(path, &st) != 0) return luaL_fileresult(L, 0, path);
  lua_pushstring(L, kindname(st.st_mode));
  return 1;
}

/*
** core.mkdir(path) -> true | nil, msg, errno  (an existing directory is fine)
*/
static int util_mkdir (lua_State *L) {
  const char *path = checkpath(L, 1);
  return luaL_fileresult(L, mkdir(path, 0777) == 0 || errno == EEXIST, path);
}

/*
** core.clock() -> seconds of a monotonic clock, as a float
*/
static int util_clock (lua_State *L) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  lua_pushnumber(L, (lua_Number)ts.tv_sec + (lua_Number)ts.tv_nsec / 1e9);
  return 1;
}

/*
** core.isatty(fd) -> boolean
*/
static int util_isatty (lua_State *L) {
  lua_pushboolean(L, isatty((int)luaL_checkinteger(L, 1)));
  return 1;
}

/* core.termwidth(fd) -> the terminal's columns | nil (not a terminal) */
static int util_termwidth (lua_State *L) {
  struct winsize ws;
  if (ioctl((int)luaL_checkinteger(L, 1), TIOCGWINSZ, &ws) != 0 || ws.ws_col == 0)
    luaL_pushfail(L);
  else
    lua_pushinteger(L, ws.ws_col);
  return 1;
}

#define FNV_OFFSET UINT64_C(14695981039346656037)

static uint64_t fnv1a (uint64_t h, const unsigned char *s, size_t len) {
  size_t i;
  for (i = 0; i < len; i++) {
    h ^= s[i];
    h *= UINT64_C(1099511628211);
  }
  return h;
}

uint64_t lm_fnv1a (const void *s, size_t len) {
  return fnv1a(FNV_OFFSET, (const unsigned char *)s, len);
}

static void pushhex (lua_State *L, uint64_t h) {
  char hex[17];
  snprintf(hex, sizeof hex, "%016llx", (unsigned long long)h);
  lua_pushstring(L, hex);
}

/*
** core.checksum(s) -> 16 hex digits of the 64-bit FNV-1a hash of s:
** enough to tell that a migration file changed since it ran
*/
static int util_checksum (lua_State *L) {
  size_t len;
  const char *s = luaL_checklstring(L, 1, &len);
  pushhex(L, fnv1a(FNV_OFFSET, (const unsigned char *)s, len));
  return 1;
}

/*
** core.checksum_file(path) -> the checksum of the file's bytes | nil, msg,
** errno (status checks every applied file: no Lua string per file)
*/
static int util_checksum_file (lua_State *L) {
  const char *path = checkpath(L, 1);
  unsigned char buf[16384];
  uint64_t h = FNV_OFFSET;
  ssize_t n;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return luaL_fileresult(L, 0, path);
  while ((n = read(fd, buf, sizeof buf)) != 0) {
    if (n < 0) {
      int err = errno;
      if (err == EINTR) continue;
      close(fd);
      return fileerror(L, path, err);
    }
    h = fnv1a(h, buf, (size_t)n);
  }
  close(fd);
  pushhex(L, h);
  return 1;
}

/*
** core.numtext(x) -> x as text: an integer as such, a float the shortest
** text that reads back equal ("0.1", not "0.10000000000000001"), as SQL
** literals and COPY write it. NaN and infinity raise: JSON and SQL have
** no text for them.
*/
static int util_numtext (lua_State *L) {
  luaL_checktype(L, 1, LUA_TNUMBER);
  luaL_argcheck(L, lua_isinteger(L, 1) || isfinite(lua_tonumber(L, 1)), 1,
                "NaN and infinity have no number text");
  lm_pushnumtext(L, 1);
  return 1;
}

/*
** core.wait({ [fd] = "read"|"write", ... }, timeout?) -> { fd, ... } ready
** | nil, msg, errno
** Waits until at least one descriptor is ready (or timeout seconds pass:
** then the list is empty). The scheduler's only blocking call; with no
** descriptors it sleeps.
*/
#define LM_MAXWAIT 256

static int util_wait (lua_State *L) {
  struct pollfd fds[LM_MAXWAIT];
  nfds_t n = 0, i;
  int ms = -1, rc;
  lua_Integer k = 0;
  luaL_checktype(L, 1, LUA_TTABLE);
  if (!lua_isnoneornil(L, 2)) {
    lua_Number s = luaL_checknumber(L, 2);
    luaL_argcheck(L, s >= 0, 2, "timeout must be a non-negative number "
                  "of seconds");  /* NaN too */
    ms = (s < INT_MAX / 1000) ? (int)(s * 1000) : INT_MAX;
  }
  lua_pushnil(L);
  while (lua_next(L, 1) != 0) {
    const char *mode = lua_tostring(L, -1);
    lua_Integer fd = lua_isinteger(L, -2) ? lua_tointeger(L, -2) : -1;
    luaL_argcheck(L, n < LM_MAXWAIT, 1, "too many descriptors");
    if (fd < 0 || fd > INT_MAX)
      luaL_argerror(L, 1, "keys must be file descriptors");
    if (lua_type(L, -1) != LUA_TSTRING
        || (strcmp(mode, "read") != 0 && strcmp(mode, "write") != 0))
      luaL_argerror(L, 1, "values must be 'read' or 'write'");
    fds[n].fd = (int)fd;
    fds[n].events = strcmp(mode, "write") == 0 ? POLLOUT : POLLIN;
    fds[n].revents = 0;
    n++;
    lua_pop(L, 1);
  }
  luaL_argcheck(L, n > 0 || ms >= 0, 1, "no descriptor to wait for, "
                "and no timeout");
  do rc = poll(fds, n, ms); while (rc < 0 && errno == EINTR);
  if (rc < 0) return luaL_fileresult(L, 0, NULL);
  lua_newtable(L);
  for (i = 0; i < n; i++) {
    if (fds[i].revents != 0) {
      lua_pushinteger(L, fds[i].fd);
      lua_rawseti(L, -2, ++k);
    }
  }
  return 1;
}

/*
** {======================================================
** File locks: the whole run of one process against a SQLite file
** =======================================================
*/

/*
** The pid of the process holding a flock(2) on the file open at 'fd', or
** 0 when it cannot be told. flock locks record no owner the file API can
** ask for (F_GETLK sees only fcntl locks), but Linux lists them all in
** /proc/locks: "1: FLOCK  ADVISORY  WRITE 1234 fe:00:5678 0 EOF", with the
** holder's pid and the file's device (major:minor, hex) and inode. A
** waiter's line has "->" before FLOCK and is skipped.
*/
static long lockholder (int fd) {
  struct stat st;
  char line[256];
  long pid = 0;
  FILE *f;
  if (fstat(fd, &st) != 0 || (f = fopen("/proc/locks", "r")) == NULL)
    return 0;
  while (pid == 0 && fgets(line, sizeof line, f) != NULL) {
    long p;
    unsigned maj, mnr;
    unsigned long long ino;
    if (sscanf(line, "%*d: FLOCK %*s %*s %ld %x:%x:%llu", &p, &maj, &mnr,
               &ino) == 4
        && maj == major(st.st_dev) && mnr == minor(st.st_dev)
        && ino == (unsigned long long)st.st_ino)
      pid = p;
  }
  fclose(f);
  return pid;
}

/* a descriptor of 'path' to lock: read-write, else read-only (a file
   mode=ro opens, on a read-only mount); flock needs no write access */
static int lockfd (const char *path) {
  int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0 && (errno == EACCES || errno == EROFS))
    fd = open(path, O_RDONLY | O_CLOEXEC);
  return fd;
}

/*
** core.lock(path) -> Lock | false, holder pid (nil when it cannot be
** told) | nil, msg, errno
** Tries once, without waiting, for an exclusive flock(2) on 'path': the
** caller waits between tries (in the scheduler, saying who holds it).
** flock locks do not interact with the fcntl locks SQLite takes, and the
** descriptor stays open until the lock is released, so closing it cannot
** drop SQLite's own locks while the connection is open (release after
** closing the connection).
*/
static int util_lock (lua_State *L) {
  const char *path = checkpath(L, 1);
  lm_Lock *lk = (lm_Lock *)lua_newuserdatauv(L, sizeof(lm_Lock), 0);
  lk->fd = -1;  /* a consistent handle before anything can fail */
  luaL_setmetatable(L, LM_LOCK);
  if ((lk->fd = lockfd(path)) < 0)
    return luaL_fileresult(L, 0, path);
  while (flock(lk->fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    if (err == EINTR) continue;
    if (err == EWOULDBLOCK) {
      long pid = lockholder(lk->fd);
      lua_pushboolean(L, 0);
      if (pid > 0) lua_pushinteger(L, (lua_Integer)pid);
      else lua_pushnil(L);
    }
    close(lk->fd);
    lk->fd = -1;
    return (err == EWOULDBLOCK) ? 2 : fileerror(L, path, err);
  }
  return 1;
}

static int lock_gc (lua_State *L) {
  lm_Lock *lk = (lm_Lock *)luaL_checkudata(L, 1, LM_LOCK);
  if (lk->fd >= 0) {
    flock(lk->fd, LOCK_UN);
    close(lk->fd);
    lk->fd = -1;
  }
  return 0;
}

/* }====================================================== */

/*
** whoami() -> host name, process id: who holds a migration lease
** (lmigrate lock:status names them)
*/
static int util_whoami (lua_State *L) {
  char host[256];
  if (gethostname(host, sizeof(host)) != 0) strcpy(host, "localhost");
  host[sizeof(host) - 1] = '\0';
  lua_pushstring(L, host);
  lua_pushinteger(L, (lua_Integer)getpid());
  return 2;
}

static const luaL_Reg util_funcs[] = {
  {"listdir", util_listdir},
  {"isdir", util_isdir},
  {"filetype", util_filetype},
  {"mkdir", util_mkdir},
  {"clock", util_clock},
  {"isatty", util_isatty},
  {"termwidth", util_termwidth},
  {"checksum", util_checksum},
  {"checksum_file", util_checksum_file},
  {"numtext", util_numtext},
  {"wait", util_wait},
  {"lock", util_lock},
  {"whoami", util_whoami},
  {NULL, NULL}
};

static const luaL_Reg lock_meth[] = {
  {"release", lock_gc},
  {NULL, NULL}
};

static const luaL_Reg lock_metameth[] = {
  {"__gc", lock_gc},
  {"__close", lock_gc},
  {NULL, NULL}
};

int lm_open_util (lua_State *L) {
  lm_createmeta(L, LM_LOCK, lock_metameth, lock_meth, NULL);
  luaL_setfuncs(L, util_funcs, 0);
  return 0;
}
