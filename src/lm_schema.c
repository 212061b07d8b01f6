/*
** lm_schema.c
** The schema builder's Blueprint: the memory it owns, the argument checks
** its methods share, the handles to its entries, table-level commands
** (indexes, keys, constraints, table options; the alter-only drops and
** renames are lm_alter.c's), and Raw. lm_column.c adds the column types and
** the Column methods on top of it, lm_foreign.c the Foreign and Index
** methods; a grammar (grammar/) compiles a Blueprint to SQL.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lmigrate.h"
#include "lm_schema.h"
#include "grammar/grammar.h"

/* an aligned unit of a block: every allocation is a whole number of them */
typedef union Unit { void *p; double d; long long l; } Unit;

/* blocks freed with the blueprint; 'data' is aligned for any field */
struct lm_Arena {
  lm_Arena *next;
  size_t used, size;   /* in Units */
  Unit data[];         /* C99 flexible member */
};

/*
** A Column, Foreign or Index: its blueprint is the user value, 'seq' the
** seq of its entry, which stays the same when remove_column() takes an
** entry before it out of the array
*/
typedef struct Handle { int seq; } Handle;

static const char *const modes[] = {"create", "create_if_not_exists", "alter", NULL};


/*
** {======================================================
** Memory owned by the blueprint
** =======================================================
*/

/*
** A blueprint allocates many small pieces (each column's name and default
** key names, argument copies) and frees them all at once: they come from
** blocks of BLOCK units, one malloc for many. A sanitized build gives
** each piece its own block, so that an overrun stays visible.
*/
#if defined(__SANITIZE_ADDRESS__)
#define BLOCK 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BLOCK 1
#endif
#endif
#ifndef BLOCK
#define BLOCK 256
#endif

void *lm_bpalloc (lua_State *L, lm_Blueprint *bp, size_t n) {
  size_t units = (n + sizeof(Unit) - 1) / sizeof(Unit);
  lm_Arena *a = bp->arena;
  if (a == NULL || a->size - a->used < units) {
    size_t size = units > BLOCK ? units : BLOCK;
    a = (lm_Arena *)malloc(offsetof(lm_Arena, data) + size * sizeof(Unit));
    if (a == NULL) lm_error(L, "not enough memory");
    a->used = 0;
    a->size = size;
    /* a piece larger than a block gets its own, behind the current one */
    if (size > BLOCK && bp->arena != NULL) {
      a->next = bp->arena->next;
      bp->arena->next = a;
      a->used = size;
      return a->data;
    }
    a->next = bp->arena;
    bp->arena = a;
  }
  a->used += units;
  return a->data + (a->used - units);
}

const char *lm_bpstrdup (lua_State *L, lm_Blueprint *bp, const char *s) {
  size_t n = strlen(s) + 1;
  return (const char *)memcpy(lm_bpalloc(L, bp, n), s, n);
}

/* grows an array of 'n' items of 'sz' bytes to hold one more */
void *lm_bpgrow (lua_State *L, void *arr, int n, int *cap, size_t sz) {
  void *p;
  int ncap;
  if (n < *cap) return arr;
  ncap = *cap ? *cap * 2 : 8;
  p = realloc(arr, (size_t)ncap * sz);
  if (p == NULL) lm_error(L, "not enough memory");  /* 'arr' still owned */
  *cap = ncap;
  return p;
}

static int bp_gc (lua_State *L) {
  lm_Blueprint *bp = (lm_Blueprint *)luaL_checkudata(L, 1, LM_BLUEPRINT);
  while (bp->arena != NULL) {
    lm_Arena *next = bp->arena->next;
    free(bp->arena);
    bp->arena = next;
  }
  free(bp->cols);
  free(bp->cmds);
  bp->cols = NULL; bp->cmds = NULL;
  bp->ncols = bp->capcols = bp->ncmds = bp->capcmds = 0;
  bp->table = bp->comment = NULL;   /* freed with the arena: no more use */
  bp->engine = bp->charset = bp->collation = NULL;
  return 0;
}

/* }====================================================== */


/*
** {======================================================
** Accessors and argument checks
** =======================================================
*/

/*
** A blueprint whose __gc ran (called by hand, or resurrected by another
** finalizer) has no table name: it must not be used any more
*/
static lm_Blueprint *checklive (lua_State *L, lm_Blueprint *bp) {
  if (bp->table == NULL)
    lm_error(L, "attempt to use a freed blueprint");
  return bp;
}

lm_Blueprint *lm_checkblueprint (lua_State *L, int arg) {
  return checklive(L, (lm_Blueprint *)luaL_checkudata(L, arg, LM_BLUEPRINT));
}

lm_Blueprint *lm_checkopen (lua_State *L, lm_Blueprint *bp) {
  checklive(L, bp);
  if (bp->built)
    lm_error(L, "blueprint for '%s' was already built", bp->table);
  return bp;
}

/*
** Pushes a handle of 'tname' to entry 'idx' of the blueprint at index 1,
** or, when index 1 is itself a handle, of its blueprint. A handle refers
** to its entry by the entry's seq, so the arrays may grow (and
** remove_column shrink them) under it.
*/
int lm_pushhandle (lua_State *L, const char *tname, int idx) {
  Handle *h = (Handle *)lua_newuserdatauv(L, sizeof(Handle), 1);
  const lm_Blueprint *bp;
  luaL_setmetatable(L, tname);
  if (luaL_testudata(L, 1, LM_BLUEPRINT) != NULL)
    lua_pushvalue(L, 1);
  else
    lua_getiuservalue(L, 1, 1);
  bp = (const lm_Blueprint *)lua_touserdata(L, -1);
  h->seq = strcmp(tname, LM_COLUMN) == 0 ? bp->cols[idx].seq : bp->cmds[idx].seq;
  lua_setiuservalue(L, -2, 1);
  return 1;
}

/* the index of the entry with 'seq' (entries are in seq order), or -1 */
static int findseq (const lm_Blueprint *bp, int iscol, int seq) {
  int lo = 0, hi = (iscol ? bp->ncols : bp->ncmds) - 1;
  while (lo <= hi) {
    int mid = lo + (hi - lo) / 2;
    int s = iscol ? bp->cols[mid].seq : bp->cmds[mid].seq;
    if (s == seq) return mid;
    if (s < seq) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

int lm_checkhandle (lua_State *L, const char *tname, lm_Blueprint **bp) {
  Handle *h = (Handle *)luaL_checkudata(L, 1, tname);
  int i;
  lua_getiuservalue(L, 1, 1);
  *bp = lm_checkopen(L, (lm_Blueprint *)lua_touserdata(L, -1));
  lua_pop(L, 1);   /* the handle at index 1 keeps it alive */
  i = findseq(*bp, strcmp(tname, LM_COLUMN) == 0, h->seq);
  if (i < 0)
    lm_error(L, "this column of the blueprint for '%s' was taken out of it by "
             "remove_column()", (*bp)->table);
  return i;
}

const char *lm_optname (lua_State *L, int arg) {
  if (lua_isnoneornil(L, arg)) return NULL;
  if (lua_type(L, arg) != LUA_TSTRING) luaL_typeerror(L, arg, "name");
  return lm_checkname(L, arg);
}

/* the name at 'arg', 'what' in the error when it is not a string */
const char *lm_checkstr (lua_State *L, int arg, const char *what) {
  luaL_argexpected(L, lua_type(L, arg) == LUA_TSTRING, arg, what);
  return lm_checkname(L, arg);
}

/* lm_checkstr, or NULL for nil */
const char *lm_optstr (lua_State *L, int arg, const char *what) {
  return lua_isnoneornil(L, arg) ? NULL : lm_checkstr(L, arg, what);
}

/* a string without NUL bytes (it may be empty) */
const char *lm_checktext (lua_State *L, int arg) {
  size_t len;
  const char *s = luaL_checklstring(L, arg, &len);
  luaL_argcheck(L, strlen(s) == len, arg, "text must not contain a NUL byte");
  return s;
}

/*
** The length of the list at 'arg' (its __len counts), between 1 and
** LM_MAXLIST: the blueprint allocates that many items before reading them
*/
int lm_checklistlen (lua_State *L, int arg, const char *what) {
  lua_Integer len = luaL_len(L, arg);
  if (len <= 0)
    luaL_argerror(L, arg, lua_pushfstring(L, "list of %s must not be empty",
                                          what));
  if (len > LM_MAXLIST)
    luaL_argerror(L, arg, lua_pushfstring(L, "list of %s is too long "
                                          "(at most %d)", what, LM_MAXLIST));
  return (int)len;
}

/* a list of one name, 'name', copied into the blueprint */
const char **lm_onename (lua_State *L, lm_Blueprint *bp, const char *name) {
  const char **list = (const char **)lm_bpalloc(L, bp, sizeof(char *));
  list[0] = lm_bpstrdup(L, bp, name);
  return list;
}

/*
** A column name or a non-empty list of them at 'arg', copied into the
** blueprint; sets '*n'
*/
const char **lm_checkcolumns (lua_State *L, lm_Blueprint *bp, int arg,
                              int *n) {
  const char **cols;
  int i, len;
  if (lua_type(L, arg) == LUA_TSTRING) {
    *n = 1;
    return lm_onename(L, bp, lm_checkname(L, arg));
  }
  luaL_argexpected(L, lua_type(L, arg) == LUA_TTABLE, arg,
                   "column name or list of column names");
  len = lm_checklistlen(L, arg, "columns");
  cols = (const char **)lm_bpalloc(L, bp, (size_t)len * sizeof(char *));
  for (i = 0; i < len; i++) {
    lua_geti(L, arg, i + 1);
    if (lua_type(L, -1) != LUA_TSTRING)
      luaL_argerror(L, arg, "list of columns must hold column names");
    cols[i] = lm_bpstrdup(L, bp, lm_checkname(L, -1));
    lua_pop(L, 1);
  }
  *n = len;
  return cols;
}

/*
** The longest default name: PostgreSQL's 63 bytes, which MySQL's 64
** characters hold too, so a key has the same name on every dialect
*/
#define MAXDEFNAME 63

/*
** The default name of an index or key, Laravel's and Masonite's rule:
** <table>_<cols joined by _>_<suffix>, lowercased, '-' and '.' made '_';
** one longer than MAXDEFNAME is cut, whole UTF-8 characters kept, and
** ends with '_' and 8 hex digits of the whole name's hash instead: the
** same columns always give the same name, which drop_*({cols}) finds
*/
/* copies 's' to 'w' with its '\0' -> that '\0', where the next piece goes */
static char *putstr (char *w, const char *s) {
  size_t n = strlen(s) + 1;
  memcpy(w, s, n);
  return w + n - 1;
}

/* the bytes of the first 'n' of 's' that end on a whole UTF-8 character */
static size_t cliplen (const char *s, size_t n) {
  while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
  return n;
}

const char *lm_defname (lua_State *L, lm_Blueprint *bp,
                        const char *const *cols, int n, const char *suffix) {
  char *s, *w;
  size_t len = strlen(bp->table) + 1 + strlen(suffix), keep;
  int i;
  for (i = 0; i < n; i++) len += 1 + strlen(cols[i]);
  /* built in the blueprint's memory: every column asks for two (its
     checks' names), and a Lua string for each cost more than the rest */
  w = s = (char *)lm_bpalloc(L, bp, len + 1);
  w = putstr(w, bp->table);
  for (i = 0; i < n; i++) {
    *w++ = '_';
    w = putstr(w, cols[i]);
  }
  *w++ = '_';
  putstr(w, suffix);
  for (i = 0; s[i] != '\0'; i++) {
    if (s[i] == '-' || s[i] == '.') s[i] = '_';
    else if (s[i] >= 'A' && s[i] <= 'Z') s[i] = (char)(s[i] - 'A' + 'a');
  }
  len = strlen(s);
  if (len <= MAXDEFNAME) return s;
  keep = cliplen(s, MAXDEFNAME - 9);
  snprintf(s + keep, 10, "_%08lx", (unsigned long)(lm_fnv1a(s, len) & 0xffffffffu));
  return s;
}

/*
** The name PostgreSQL gives a column's unnamed CHECK, which Laravel's
** enum() leaves to it: <table>_<column>_check, the longer of table and
** column cut a byte at a time until it fits in 63 (its makeObjectName),
** the table without its schema, case kept. Users' raw SQL drops it by
** this name ("ALTER TABLE t DROP CONSTRAINT t_c_check")
*/
const char *lm_pgcheckname (lua_State *L, lm_Blueprint *bp, const char *column) {
  const char *dot = strrchr(bp->table, '.');
  const char *table = dot ? dot + 1 : bp->table;
  size_t tn = strlen(table), cn = strlen(column);
  const size_t avail = MAXDEFNAME - (sizeof("__check") - 1);
  char *s;
  while (tn + cn > avail) {
    if (tn > cn) tn--;
    else cn--;
  }
  tn = cliplen(table, tn);
  cn = cliplen(column, cn);
  s = (char *)lm_bpalloc(L, bp, tn + cn + sizeof("__check"));
  snprintf(s, tn + cn + sizeof("__check"), "%.*s_%.*s_check", (int)tn, table, (int)cn, column);
  return s;
}

/*
** Raises unless every argument after 'last' is nil: an argument that is
** given is never ignored
*/
void lm_checkargs (lua_State *L, int last, const char *method) {
  int top = lua_gettop(L), i;
  for (i = last + 1; i <= top; i++) {
    if (!lua_isnil(L, i)) {
      if (last == 1)
        luaL_argerror(L, i, lua_pushfstring(L, "%s() takes no arguments", method));
      luaL_argerror(L, i, lua_pushfstring(L, "%s() takes at most %d argument(s)",
                                          method, last - 1));
    }
  }
}

/*
** An index algorithm at 'arg' (nil: none), checked to be a bare word:
** the grammars write it as a keyword (USING gin), which cannot be quoted
** on MySQL, so nothing but letters, digits and '_' may get there
*/
const char *lm_optalgorithm (lua_State *L, lm_Blueprint *bp, int arg) {
  const char *a = lm_optstr(L, arg, "algorithm name");
  size_t i;
  if (a == NULL) return NULL;
  for (i = 0; a[i] != '\0'; i++) {
    char ch = a[i];
    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' ||
          (i > 0 && ch >= '0' && ch <= '9')))
      break;
  }
  if (i == 0 || a[i] != '\0')
    luaL_argerror(L, arg, lua_pushfstring(L, "algorithm must be a word such as "
                  "'btree', 'hash' or 'gin', got '%s'", a));
  return lm_bpstrdup(L, bp, a);
}

/* }====================================================== */


/*
** {======================================================
** Commands: indexes and constraints
** =======================================================
*/

lm_Command *lm_addcmd (lua_State *L, lm_Blueprint *bp, lm_CmdKind kind) {
  lm_Command *cmd;
  bp->cmds = (lm_Command *)lm_bpgrow(L, bp->cmds, bp->ncmds, &bp->capcmds,
                                     sizeof(lm_Command));
  cmd = &bp->cmds[bp->ncmds++];
  memset(cmd, 0, sizeof(*cmd));
  cmd->kind = kind;
  cmd->seq = bp->nseq++;
  return cmd;
}

/*
** A command over the columns at index 2, named by index 3 or by default
** (no 'suffix': no default name), with an algorithm at 'algarg' (0:
** none); the method takes arguments up to 'last'
*/
static lm_Command *colscmd (lua_State *L, lm_CmdKind kind, const char *suffix,
                            int algarg, int last) {
  lm_Blueprint *bp = lm_checkbp(L);
  int n;
  const char **cols;
  const char *name, *algorithm = NULL;
  lm_Command *cmd;
  lm_checkargs(L, last, lm_cmdname(kind));
  cols = lm_checkcolumns(L, bp, 2, &n);
  name = lm_optstr(L, 3, "index name");
  if (algarg) algorithm = lm_optalgorithm(L, bp, algarg);
  cmd = lm_addcmd(L, bp, kind);
  cmd->columns = cols;
  cmd->ncolumns = n;
  cmd->algorithm = algorithm;
  if (name) cmd->name = lm_bpstrdup(L, bp, name);
  else if (suffix) cmd->name = lm_defname(L, bp, cols, n, suffix);
  return cmd;
}

/* the Index handle of the command just added */
static int pushindex (lua_State *L) {
  return lm_pushhandle(L, LM_INDEX, lm_checkblueprint(L, 1)->ncmds - 1);
}

/*
** t:primary(cols, name?, algorithm?), t:unique(...), t:fulltext(cols,
** name?), t:spatial_index(cols, name?) -> Index. A primary key without
** a name gets the dialect's own (PostgreSQL <table>_pkey, MySQL PRIMARY).
*/
static int bp_primary (lua_State *L) {
  colscmd(L, LM_C_PRIMARY, NULL, 4, 4);
  return pushindex(L);
}

static int bp_unique (lua_State *L) {
  colscmd(L, LM_C_UNIQUE, "unique", 4, 4);
  return pushindex(L);
}

static int bp_fulltext (lua_State *L) {
  colscmd(L, LM_C_FULLTEXT, "fulltext", 0, 3);
  return pushindex(L);
}

static int bp_spatial_index (lua_State *L) {
  colscmd(L, LM_C_SPATIAL_INDEX, "spatialindex", 0, 3);
  return pushindex(L);
}

static const char *const indexoptions[] = {"where", "name", "algorithm", NULL};

/* raises for a key of the options table at 'arg' not in 'keys' */
static void checkoptions (lua_State *L, int arg, const char *const *keys) {
  lua_pushnil(L);
  while (lua_next(L, arg) != 0) {
    int i, known = 0;
    lua_pop(L, 1);
    for (i = 0; keys[i] != NULL && lua_type(L, -1) == LUA_TSTRING; i++)
      known = known || strcmp(lua_tostring(L, -1), keys[i]) == 0;
    if (!known)
      luaL_argerror(L, arg, lua_pushfstring(L, "unknown option '%s'",
                                            luaL_tolstring(L, -1, NULL)));
  }
}

/*
** t:index(cols, name?, algorithm?) or t:index(cols, {where = expr,
** name = name?, algorithm = a?}) -> Index
*/
static int bp_index (lua_State *L) {
  lm_Blueprint *bp = lm_checkbp(L);
  const char *where = NULL;
  lm_Command *cmd;
  if (lua_type(L, 3) == LUA_TTABLE) {
    luaL_argcheck(L, lua_isnoneornil(L, 4), 4,
                  "the algorithm goes in the options: {algorithm = ...}");
    checkoptions(L, 3, indexoptions);
    lua_settop(L, 3);
    lua_getfield(L, 3, "where");   /* 4 */
    if (!lua_isnil(L, 4)) {
      luaL_argexpected(L, lua_type(L, 4) == LUA_TSTRING, 3, "{where = SQL text}");
      where = lm_bpstrdup(L, bp, lm_checkname(L, 4));
    }
    lua_getfield(L, 3, "name");   /* 5 */
    lua_getfield(L, 3, "algorithm");
    lua_replace(L, 4);   /* the algorithm, or nil */
    lua_replace(L, 3);   /* the name, or nil */
  }
  luaL_argexpected(L, lua_isnoneornil(L, 3) || lua_type(L, 3) == LUA_TSTRING, 3,
                   "index name or {where = ..., name = ..., algorithm = ...}");
  cmd = colscmd(L, LM_C_INDEX, "index", 4, 4);
  cmd->expr = where;
  return pushindex(L);
}

/*
** t:raw_index(expr, name) -> Index: an index over an SQL expression,
** written as it is ("lower(email)"), so it is the dialect's own SQL
*/
static int bp_raw_index (lua_State *L) {
  lm_Blueprint *bp = lm_checkbp(L);
  const char *expr, *name;
  const char **cols;
  lm_Command *cmd;
  lm_checkargs(L, 3, "raw_index");
  expr = lm_checkstr(L, 2, "SQL expression");
  name = lm_checkstr(L, 3, "index name");
  cols = lm_onename(L, bp, expr);
  cmd = lm_addcmd(L, bp, LM_C_INDEX);
  cmd->columns = cols;
  cmd->ncolumns = 1;
  cmd->flags |= LM_K_RAW;
  cmd->name = lm_bpstrdup(L, bp, name);
  return pushindex(L);
}

/*
** t:check(expr, name?)
*/
static int bp_check (lua_State *L) {
  lm_Blueprint *bp = lm_checkbp(L);
  const char *expr, *name;
  lm_Command *cmd;
  lm_checkargs(L, 3, "check");
  expr = lm_checkstr(L, 2, "SQL expression");
  name = lm_optstr(L, 3, "constraint name");
  cmd = lm_addcmd(L, bp, LM_C_CHECK);
  cmd->expr = lm_bpstrdup(L, bp, expr);
  if (name) cmd->name = lm_bpstrdup(L, bp, name);
  return lm_pushcommand(L);   /* not_valid(), unsafe_ok() */
}

/*
** A foreign key on 'column' referencing 'ref' of 'table' (NULL: until
** on()), named 'name' or by default; pushes its Foreign
*/
int lm_addfk (lua_State *L, lm_Blueprint *bp, const char *column, const char *ref,
              const char *table, const char *name) {
  const char **cols = (const char **)lm_bpalloc(L, bp, 2 * sizeof(char *));
  lm_Command *cmd;
  cols[0] = lm_bpstrdup(L, bp, column);
  cols[1] = lm_bpstrdup(L, bp, ref);
  if (table) table = lm_bpstrdup(L, bp, table);
  name = name ? lm_bpstrdup(L, bp, name) : lm_defname(L, bp, cols, 1, "foreign");
  cmd = lm_addcmd(L, bp, LM_C_FOREIGN);
  cmd->columns = cols;
  cmd->ncolumns = 1;
  cmd->ref_columns = cols + 1;
  cmd->nref_columns = 1;
  cmd->ref_table = table;
  cmd->name = name;
  return lm_pushhandle(L, LM_FOREIGN, bp->ncmds - 1);
}

/*
** t:foreign(cols, name?) -> Foreign
*/
static int bp_foreign (lua_State *L) {
  lm_Blueprint *bp = lm_checkbp(L);
  colscmd(L, LM_C_FOREIGN, "foreign", 0, 3);
  return lm_pushhandle(L, LM_FOREIGN, bp->ncmds - 1);
}

/* the next '.'-separated part of 's' at 'arg', copied into the blueprint */
static const char *dotpart (lua_State *L, lm_Blueprint *bp, const char **s) {
  size_t n = strcspn(*s, ".");
  char *part = (char *)lm_bpstrdup(L, bp, *s);  /* then cut at the dot */
  part[n] = '\0';
  *s += (*s)[n] == '.' ? n + 1 : n;
  return part;
}

/*
** t:add_foreign("column.ref_column.ref_table", name?) -> Foreign
*/
static int bp_add_foreign (lua_State *L) {
  lm_Blueprint *bp = lm_checkbp(L);
  const char *spec, *name, *col, *ref, *table;
  lm_checkargs(L, 3, "add_foreign");
  spec = lm_checkstr(L, 2, "'column.ref_column.ref_table'");
  name = lm_optstr(L, 3, "constraint name");
  col = dotpart(L, bp, &spec);
  ref = dotpart(L, bp, &spec);
  table = dotpart(L, bp, &spec);
  if (*col == '\0' || *ref == '\0' || *table == '\0' || *spec != '\0')
    luaL_argerror(L, 2, "expected 'column.ref_column.ref_table'");
  return lm_addfk(L, bp, col, ref, table, name);
}

/* }====================================================== */


/*
** {======================================================
** Table options
** =======================================================
*/

/*
** t:table_comment(text), t:comment(text)
*/
static int bp_table_comment (lua_State *L) {
  lm_Blueprint *bp = lm_checkbp(L);
  lm_checkargs(L, 2, "comment");
  bp->comment = lm_bpstrdup(L, bp, lm_checktext(L, 2));
  return 0;
}

/* t:engine(name), t:charset(name), t:collation(name): 'field' of bp */
static int tableoption (lua_State *L, const char *method, size_t field) {
  lm_Blueprint *bp = lm_checkbp(L);
  lm_checkargs(L, 2, method);
  *(const char **)((char *)bp + field) =
      lm_bpstrdup(L, bp, lm_checkstr(L, 2, lua_pushfstring(L, "%s name", method)));
  return 0;
}

static int bp_engine (lua_State *L) {
  return tableoption(L, "engine", offsetof(lm_Blueprint, engine));
}

static int bp_charset (lua_State *L) {
  return tableoption(L, "charset", offsetof(lm_Blueprint, charset));
}

static int bp_collation (lua_State *L) {
  return tableoption(L, "collation", offsetof(lm_Blueprint, collation));
}

/* t:inno_db(): Laravel's innoDb(), engine("InnoDB") */
static int bp_inno_db (lua_State *L) {
  lm_Blueprint *bp = lm_checkbp(L);
  lm_checkargs(L, 1, "inno_db");
  bp->engine = "InnoDB";
  return 0;
}

/*
** t:temporary(): CREATE TEMPORARY TABLE
*/
static int bp_temporary (lua_State *L) {
  lm_Blueprint *bp = lm_checkbp(L);
  lm_checkargs(L, 1, "temporary");
  if (bp->mode == LM_ALTER)
    lm_error(L, "temporary() is only valid when creating a table (schema:create)");
  bp->temporary = 1;
  return 0;
}

/*
** t:create(): Laravel's $table->create(), which makes a schema:table
** blueprint a CREATE TABLE (Laravel 4's way to create a table, left in
** old apps' migrations); in schema:create it changes nothing. Refused once
** the blueprint holds what only an alter compiles (drops, renames,
** change()), which a CREATE would leave out.
*/
static int bp_create (lua_State *L) {
  lm_Blueprint *bp = lm_checkbp(L);
  int i;
  lm_checkargs(L, 1, "create");
  if (bp->mode != LM_ALTER) return 0;
  for (i = 0; i < bp->ncmds; i++)
    if (bp->cmds[i].kind >= LM_C_DROP_COLUMN)
      lm_error(L, "create() after a drop or rename: a new table has nothing to drop or rename");
  for (i = 0; i < bp->ncols; i++)
    if (bp->cols[i].flags & LM_F_CHANGE)
      lm_error(L, "create() after change(): a new table has no column to change");
  bp->mode = LM_CREATE;
  return 0;
}

/*
** t.engine = "InnoDB", t.charset = ..., t.collation = ..., t.temporary =
** true: Laravel's Blueprint's public properties ($table->engine =
** 'InnoDB', in many an app's migrations), the same as t:engine("InnoDB"),
** ...; any other key raises (a blueprint has nothing else to set)
*/
static int bp_newindex (lua_State *L) {
  static const char *const props[] = {"engine", "charset", "collation", "temporary", NULL};
  static const size_t fields[] = {
    offsetof(lm_Blueprint, engine), offsetof(lm_Blueprint, charset),
    offsetof(lm_Blueprint, collation)
  };
  lm_Blueprint *bp = lm_checkbp(L);
  const char *key = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : NULL;
  int i;
  for (i = 0; key != NULL && props[i] != NULL && strcmp(props[i], key) != 0; i++) {}
  if (key == NULL || props[i] == NULL)
    lm_error(L, "cannot set '%s' on a blueprint: its properties are engine, charset, "
             "collation and temporary (Laravel's $table->engine = ...)",
             luaL_tolstring(L, 2, NULL));
  if (i == 3) {   /* temporary = true | false */
    if (!lua_isboolean(L, 3))
      lm_error(L, "temporary must be true or false, got %s", luaL_typename(L, 3));
    if (lua_toboolean(L, 3) && bp->mode == LM_ALTER)
      lm_error(L, "temporary() is only valid when creating a table (schema:create)");
    bp->temporary = lua_toboolean(L, 3);
    return 0;
  }
  if (lua_type(L, 3) != LUA_TSTRING)
    lm_error(L, "%s must be a name (string), got %s", key, luaL_typename(L, 3));
  *(const char **)((char *)bp + fields[i]) = lm_bpstrdup(L, bp, lm_checkname(L, 3));
  return 0;
}

/* }====================================================== */


/*
** {======================================================
** Blueprint itself, Raw, and registration
** =======================================================
*/

/*
** core.blueprint(table, mode, on_close?) -> Blueprint
*/
/*
** Laravel's Schema::defaultStringLength(n), defaultMorphKeyType(t) and
** defaultTimePrecision(p):
** process-wide, as Laravel's statics are (an app sets them in lmigrate.lua,
** where Laravel's sets them in a service provider); a blueprint takes them
** when it is made
*/
static const char *const morphkeys[] = {"int", "uuid", "ulid", NULL};

static int getdefault (lua_State *L, const char *field, int def) {
  int v;
  lua_getfield(L, LUA_REGISTRYINDEX, field);
  v = lua_isinteger(L, -1) ? (int)lua_tointeger(L, -1) : def;
  lua_pop(L, 1);
  return v;
}

/*
** core.schema_defaults([string_length [, morph_key_type [, time_precision]]])
** -> the three now in force; nil leaves one as it is. The time precision
** is 0 to 6 (0: the dialect's default, Laravel's 0) or false (none:
** Laravel's null), and comes back as such.
*/
static int schema_defaults (lua_State *L) {
  int prec;
  if (!lua_isnoneornil(L, 1)) {
    lua_Integer n = luaL_checkinteger(L, 1);
    luaL_argcheck(L, n >= 1 && n <= 65535, 1, "length must be between 1 and 65535");
    lua_pushinteger(L, n);
    lua_setfield(L, LUA_REGISTRYINDEX, "lmigrate.strlen");
  }
  if (!lua_isnoneornil(L, 2)) {
    lua_pushinteger(L, luaL_checkoption(L, 2, NULL, morphkeys));
    lua_setfield(L, LUA_REGISTRYINDEX, "lmigrate.morphkey");
  }
  if (!lua_isnoneornil(L, 3)) {
    lua_Integer p = LM_TIMEPREC_NONE;
    if (!(lua_isboolean(L, 3) && !lua_toboolean(L, 3))) {
      p = luaL_checkinteger(L, 3);
      luaL_argcheck(L, p >= 0 && p <= 6, 3, "precision must be between 0 and 6");
    }
    lua_pushinteger(L, p);
    lua_setfield(L, LUA_REGISTRYINDEX, "lmigrate.timeprec");
  }
  lua_pushinteger(L, getdefault(L, "lmigrate.strlen", 255));
  lua_pushstring(L, morphkeys[getdefault(L, "lmigrate.morphkey", LM_MORPH_INT)]);
  prec = getdefault(L, "lmigrate.timeprec", 0);
  if (prec == LM_TIMEPREC_NONE) lua_pushboolean(L, 0);
  else lua_pushinteger(L, prec);
  return 3;
}

static int bp_new (lua_State *L) {
  const char *table = lm_checkname(L, 1);
  int mode = luaL_checkoption(L, 2, NULL, modes);
  lm_Blueprint *bp;
  luaL_argexpected(L, lua_isnoneornil(L, 3) || lua_isfunction(L, 3), 3,
                   "function or nil");
  bp = (lm_Blueprint *)lua_newuserdatauv(L, sizeof(lm_Blueprint), 1);
  memset(bp, 0, sizeof(*bp));
  luaL_setmetatable(L, LM_BLUEPRINT);   /* from here on __gc frees */
  bp->mode = (lm_BpMode)mode;
  bp->table = lm_bpstrdup(L, bp, table);
  bp->strlen = getdefault(L, "lmigrate.strlen", 255);
  bp->morphkey = getdefault(L, "lmigrate.morphkey", LM_MORPH_INT);
  bp->timeprec = getdefault(L, "lmigrate.timeprec", 0);
  lua_pushvalue(L, 3);
  lua_setiuservalue(L, -2, 1);
  return 1;
}

/* compiles the blueprint with the grammar at 2; it is built from then on */
static int compile (lua_State *L, int rebuild) {
  lm_Blueprint *bp = lm_checkblueprint(L, 1);
  const lm_Grammar *g = lm_checkgrammar(L, 2);
  bp->built = 1;
  lm_compile(L, bp, g, rebuild);
  return 1;
}

/*
** t:to_sql(grammar) -> { sql, ... }
*/
static int bp_to_sql (lua_State *L) {
  return compile(L, 0);
}

/*
** t:rebuild_plan(grammar) -> { sql | step, ... }: to_sql where what
** needs a SQLite table rebuild is a step table (see sqlite.c) that
** lmigrate.sqlite_rebuild carries out, reading the table
*/
static int bp_rebuild_plan (lua_State *L) {
  return compile(L, 1);
}

static int bp_table_name (lua_State *L) {
  lua_pushstring(L, lm_checkblueprint(L, 1)->table);
  return 1;
}

const char *lm_modename (lm_BpMode mode) {
  return modes[mode];
}

static int bp_mode (lua_State *L) {
  lua_pushstring(L, modes[lm_checkblueprint(L, 1)->mode]);
  return 1;
}

/*
** __close(bp, err): runs on_close(bp) when the scope ends without error
*/
static int bp_close (lua_State *L) {
  lm_Blueprint *bp = lm_checkblueprint(L, 1);
  if (!lua_isnoneornil(L, 2) || bp->closed) return 0;
  bp->closed = 1;
  if (lua_getiuservalue(L, 1, 1) != LUA_TFUNCTION) return 0;
  lua_pushvalue(L, 1);
  lua_call(L, 1, 0);
  return 0;
}

static int bp_tostring (lua_State *L) {
  lm_Blueprint *bp = lm_checkblueprint(L, 1);
  lua_pushfstring(L, LM_BLUEPRINT " (%s %s)", modes[bp->mode], bp->table);
  return 1;
}

/*
** core.raw(sql) -> Raw, pasted verbatim by col:default()
*/
static int raw_new (lua_State *L) {
  lm_checkname(L, 1);
  lua_newuserdatauv(L, 0, 1);
  luaL_setmetatable(L, LM_RAW);
  lua_pushvalue(L, 1);
  lua_setiuservalue(L, -2, 1);
  return 1;
}

static int raw_tostring (lua_State *L) {
  luaL_checkudata(L, 1, LM_RAW);
  lua_getiuservalue(L, 1, 1);
  return 1;
}

static const luaL_Reg bp_meth[] = {
  {"foreign", bp_foreign}, {"add_foreign", bp_add_foreign},
  {"unique", bp_unique}, {"index", bp_index}, {"primary", bp_primary},
  {"fulltext", bp_fulltext}, {"full_text", bp_fulltext},
  {"spatial_index", bp_spatial_index},
  {"raw_index", bp_raw_index}, {"check", bp_check},
  {"table_comment", bp_table_comment}, {"comment", bp_table_comment},
  {"engine", bp_engine}, {"charset", bp_charset},
  {"collation", bp_collation}, {"inno_db", bp_inno_db},
  {"temporary", bp_temporary}, {"create", bp_create},
  {"to_sql", bp_to_sql}, {"rebuild_plan", bp_rebuild_plan},
  {"table_name", bp_table_name}, {"mode", bp_mode},
  {NULL, NULL}
};

static const luaL_Reg bp_metameth[] = {
  {"__gc", bp_gc}, {"__close", bp_close}, {"__tostring", bp_tostring},
  {"__newindex", bp_newindex},
  {NULL, NULL}
};

static const luaL_Reg raw_metameth[] = {
  {"__tostring", raw_tostring},
  {NULL, NULL}
};

/*
** Registers the Blueprint (lm_open_alter adds the alter-only commands to
** its methods, lm_open_column the column types) and Raw, and adds blueprint and raw to the module table at the
** top of the stack.
*/
int lm_open_schema (lua_State *L) {
  lm_createmeta(L, LM_BLUEPRINT, bp_metameth, bp_meth, "blueprint");
  lm_createmeta(L, LM_RAW, raw_metameth, NULL, NULL);
  lua_pushcfunction(L, bp_new);
  lua_setfield(L, -2, "blueprint");
  lua_pushcfunction(L, raw_new);
  lua_setfield(L, -2, "raw");
  lua_pushcfunction(L, schema_defaults);
  lua_setfield(L, -2, "schema_defaults");
  return 0;
}

/* }====================================================== */
