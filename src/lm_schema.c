/*
** lm_schema.c
** The schema builder: Blueprint, Column and Foreign userdata. A
** Blueprint collects columns and commands in C (lmigrate.h); a grammar
** (grammar/) compiles them to SQL. Column and Foreign handles hold their
** Blueprint as user value and refer to their entry by index, so the
** arrays may grow under them.
*/
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lmigrate.h"
#include "grammar/grammar.h"

/* blocks freed with the blueprint; 'data' is aligned for any field */
struct lm_Arena {
  lm_Arena *next;
  union { void *p; double d; long long l; } data[];  /* C99 flexible member */
};

typedef struct Handle { int idx; } Handle;   /* Column and Foreign */

static const char *const modes[] = {"create", "create_if_not_exists", "alter", NULL};


/*
** {======================================================
** Memory owned by the blueprint
** =======================================================
*/

static void *bp_alloc (lua_State *L, lm_Blueprint *bp, size_t n) {
  lm_Arena *a = (lm_Arena *)malloc(offsetof(lm_Arena, data) + n);
  if (a == NULL) luaL_error(L, "not enough memory");
  a->next = bp->arena;
  bp->arena = a;
  return a->data;
}

static const char *bp_strdup (lua_State *L, lm_Blueprint *bp, const char *s) {
  size_t n = strlen(s) + 1;
  return (const char *)memcpy(bp_alloc(L, bp, n), s, n);
}

/* grows an array of 'n' items of 'sz' bytes to hold one more */
static void *bp_grow (lua_State *L, void *arr, int n, int *cap, size_t sz) {
  void *p;
  int ncap;
  if (n < *cap) return arr;
  ncap = *cap ? *cap * 2 : 8;
  p = realloc(arr, (size_t)ncap * sz);
  if (p == NULL) luaL_error(L, "not enough memory");  /* 'arr' still owned */
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
  return 0;
}

/* }====================================================== */


/*
** {======================================================
** Accessors and argument checks
** =======================================================
*/

lm_Blueprint *lm_checkblueprint (lua_State *L, int arg) {
  return (lm_Blueprint *)luaL_checkudata(L, arg, LM_BLUEPRINT);
}

static lm_Blueprint *checkopen (lua_State *L, lm_Blueprint *bp) {
  if (bp->built)
    luaL_error(L, "blueprint for '%s' was already built", bp->table);
  return bp;
}

/* the blueprint at index 1, still open for changes */
static lm_Blueprint *checkbp (lua_State *L) {
  return checkopen(L, lm_checkblueprint(L, 1));
}

static lm_Blueprint *checkalter (lua_State *L, const char *method) {
  lm_Blueprint *bp = checkbp(L);
  if (bp->mode != LM_ALTER)
    luaL_error(L, "%s() is only valid when altering a table (schema:table)",
               method);
  return bp;
}

/* the Column or Foreign handle at index 1 and its open blueprint */
static int checkhandle (lua_State *L, const char *tname, lm_Blueprint **bp) {
  Handle *h = (Handle *)luaL_checkudata(L, 1, tname);
  lua_getiuservalue(L, 1, 1);
  *bp = checkopen(L, (lm_Blueprint *)lua_touserdata(L, -1));
  lua_pop(L, 1);   /* the handle at index 1 keeps it alive */
  return h->idx;
}

static lm_Column *checkcol (lua_State *L, lm_Blueprint **pbp) {
  lm_Blueprint *bp;
  int i = checkhandle(L, LM_COLUMN, &bp);
  if (pbp) *pbp = bp;
  return &bp->cols[i];
}

static lm_Command *checkfk (lua_State *L) {
  lm_Blueprint *bp;
  int i = checkhandle(L, LM_FOREIGN, &bp);
  return &bp->cmds[i];
}

static const char *optname (lua_State *L, int arg) {
  if (lua_isnoneornil(L, arg)) return NULL;
  if (lua_type(L, arg) != LUA_TSTRING) luaL_typeerror(L, arg, "name");
  return lm_checkname(L, arg);
}

/* a string without NUL bytes (it may be empty) */
static const char *checktext (lua_State *L, int arg) {
  size_t len;
  const char *s = luaL_checklstring(L, arg, &len);
  luaL_argcheck(L, strlen(s) == len, arg, "text must not contain a NUL byte");
  return s;
}

static int checkpositive (lua_State *L, int arg, lua_Integer def,
                          const char *what) {
  lua_Integer n = luaL_optinteger(L, arg, def);
  if (n <= 0 || n > 65535)
    luaL_argerror(L, arg, lua_pushfstring(L, "%s must be between 1 and 65535",
                                          what));
  return (int)n;
}

/*
** A column name or a non-empty list of them at 'arg', copied into the
** blueprint; sets '*n'
*/
static const char **checkcolumns (lua_State *L, lm_Blueprint *bp, int arg,
                                  int *n) {
  const char **cols;
  int i, len;
  if (lua_type(L, arg) == LUA_TSTRING) {
    cols = (const char **)bp_alloc(L, bp, sizeof(char *));
    cols[0] = bp_strdup(L, bp, lm_checkname(L, arg));
    *n = 1;
    return cols;
  }
  luaL_argexpected(L, lua_type(L, arg) == LUA_TTABLE, arg,
                   "column name or list of column names");
  len = (int)luaL_len(L, arg);
  luaL_argcheck(L, len > 0, arg, "list of columns must not be empty");
  cols = (const char **)bp_alloc(L, bp, (size_t)len * sizeof(char *));
  for (i = 0; i < len; i++) {
    lua_geti(L, arg, i + 1);
    if (lua_type(L, -1) != LUA_TSTRING)
      luaL_argerror(L, arg, "list of columns must hold column names");
    cols[i] = bp_strdup(L, bp, lm_checkname(L, -1));
    lua_pop(L, 1);
  }
  *n = len;
  return cols;
}

/* Masonite's default name: <table>_<cols joined by _>_<suffix> */
static const char *defname (lua_State *L, lm_Blueprint *bp,
                            const char *const *cols, int n, const char *suffix) {
  luaL_Buffer b;
  const char *s;
  int i;
  luaL_buffinit(L, &b);
  luaL_addstring(&b, bp->table);
  for (i = 0; i < n; i++) {
    luaL_addchar(&b, '_');
    luaL_addstring(&b, cols[i]);
  }
  luaL_addchar(&b, '_');
  luaL_addstring(&b, suffix);
  luaL_pushresult(&b);
  s = bp_strdup(L, bp, lua_tostring(L, -1));
  lua_pop(L, 1);
  return s;
}

/* }====================================================== */


/*
** {======================================================
** Columns
** =======================================================
*/

/*
** Pushes a handle of 'tname' to entry 'idx' of the blueprint at index 1,
** or, when index 1 is itself a handle, of its blueprint
*/
static int pushhandle (lua_State *L, const char *tname, int idx) {
  Handle *h = (Handle *)lua_newuserdatauv(L, sizeof(Handle), 1);
  h->idx = idx;
  luaL_setmetatable(L, tname);
  if (luaL_testudata(L, 1, LM_BLUEPRINT) != NULL)
    lua_pushvalue(L, 1);
  else
    lua_getiuservalue(L, 1, 1);
  lua_setiuservalue(L, -2, 1);
  return 1;
}

static lm_Column *addcol (lua_State *L, lm_Blueprint *bp, const char *name,
                          lm_ColType type, unsigned flags) {
  lm_Column *col;
  name = bp_strdup(L, bp, name);
  bp->cols = (lm_Column *)bp_grow(L, bp->cols, bp->ncols, &bp->capcols,
                                  sizeof(lm_Column));
  col = &bp->cols[bp->ncols++];
  memset(col, 0, sizeof(*col));
  col->name = name;
  col->type = type;
  col->flags = flags;
  col->seq = bp->nseq++;
  return col;
}

/* t:<type>(name) -> Column */
static int newcol (lua_State *L, lm_ColType type, unsigned flags) {
  lm_Blueprint *bp = checkbp(L);
  addcol(L, bp, lm_checkname(L, 2), type, flags);
  return pushhandle(L, LM_COLUMN, bp->ncols - 1);
}

/* t:<type>(name = def) -> Column */
static int newcoldef (lua_State *L, lm_ColType type, unsigned flags,
                      const char *def) {
  lm_Blueprint *bp = checkbp(L);
  addcol(L, bp, lua_isnoneornil(L, 2) ? def : lm_checkname(L, 2), type, flags);
  return pushhandle(L, LM_COLUMN, bp->ncols - 1);
}

static int bp_increments (lua_State *L) { return newcol(L, LM_T_INCREMENTS, LM_F_AUTOINC); }
static int bp_big_increments (lua_State *L) { return newcol(L, LM_T_BIG_INCREMENTS, LM_F_AUTOINC); }
static int bp_tiny_increments (lua_State *L) { return newcol(L, LM_T_TINY_INCREMENTS, LM_F_AUTOINC); }
static int bp_id (lua_State *L) { return newcoldef(L, LM_T_BIG_INCREMENTS, LM_F_AUTOINC, "id"); }
static int bp_integer (lua_State *L) { return newcol(L, LM_T_INTEGER, 0); }
static int bp_big_integer (lua_State *L) { return newcol(L, LM_T_BIG_INTEGER, 0); }
static int bp_small_integer (lua_State *L) { return newcol(L, LM_T_SMALL_INTEGER, 0); }
static int bp_tiny_integer (lua_State *L) { return newcol(L, LM_T_TINY_INTEGER, 0); }
static int bp_medium_integer (lua_State *L) { return newcol(L, LM_T_MEDIUM_INTEGER, 0); }
static int bp_unsigned_integer (lua_State *L) { return newcol(L, LM_T_INTEGER, LM_F_UNSIGNED); }
static int bp_unsigned_big_integer (lua_State *L) { return newcol(L, LM_T_BIG_INTEGER, LM_F_UNSIGNED); }
static int bp_text (lua_State *L) { return newcol(L, LM_T_TEXT, 0); }
static int bp_tiny_text (lua_State *L) { return newcol(L, LM_T_TINY_TEXT, 0); }
static int bp_medium_text (lua_State *L) { return newcol(L, LM_T_MEDIUM_TEXT, 0); }
static int bp_long_text (lua_State *L) { return newcol(L, LM_T_LONG_TEXT, 0); }
static int bp_boolean (lua_State *L) { return newcol(L, LM_T_BOOLEAN, 0); }
static int bp_float (lua_State *L) { return newcol(L, LM_T_FLOAT, 0); }
static int bp_double (lua_State *L) { return newcol(L, LM_T_DOUBLE, 0); }
static int bp_date (lua_State *L) { return newcol(L, LM_T_DATE, 0); }
static int bp_datetime (lua_State *L) { return newcol(L, LM_T_DATETIME, 0); }
static int bp_time (lua_State *L) { return newcol(L, LM_T_TIME, 0); }
static int bp_timestamp (lua_State *L) { return newcol(L, LM_T_TIMESTAMP, 0); }
static int bp_year (lua_State *L) { return newcol(L, LM_T_YEAR, 0); }
static int bp_json (lua_State *L) { return newcol(L, LM_T_JSON, 0); }
static int bp_jsonb (lua_State *L) { return newcol(L, LM_T_JSONB, 0); }
static int bp_uuid (lua_State *L) { return newcol(L, LM_T_UUID, 0); }
static int bp_binary (lua_State *L) { return newcol(L, LM_T_BINARY, 0); }
static int bp_inet (lua_State *L) { return newcol(L, LM_T_INET, 0); }
static int bp_cidr (lua_State *L) { return newcol(L, LM_T_CIDR, 0); }
static int bp_macaddr (lua_State *L) { return newcol(L, LM_T_MACADDR, 0); }
static int bp_foreign_id (lua_State *L) { return newcol(L, LM_T_FOREIGN_ID, LM_F_FOREIGN); }
static int bp_foreign_uuid (lua_State *L) { return newcol(L, LM_T_UUID, LM_F_FOREIGN); }
static int bp_soft_deletes (lua_State *L) {
  return newcoldef(L, LM_T_DATETIME, LM_F_NULLABLE, "deleted_at");
}

/* t:string(name, length = 255), t:char(...) -> Column */
static int bp_string (lua_State *L) {
  lm_Blueprint *bp = checkbp(L);
  int len = checkpositive(L, 3, 255, "length");
  addcol(L, bp, lm_checkname(L, 2), LM_T_STRING, 0)->length = len;
  return pushhandle(L, LM_COLUMN, bp->ncols - 1);
}

static int bp_char (lua_State *L) {
  lm_Blueprint *bp = checkbp(L);
  int len = checkpositive(L, 3, 255, "length");
  addcol(L, bp, lm_checkname(L, 2), LM_T_CHAR, 0)->length = len;
  return pushhandle(L, LM_COLUMN, bp->ncols - 1);
}

/* t:decimal(name, precision = 8, scale = 2) -> Column */
static int decimal (lua_State *L, unsigned flags) {
  lm_Blueprint *bp = checkbp(L);
  int p = checkpositive(L, 3, 8, "precision");
  lua_Integer s = luaL_optinteger(L, 4, 2);
  lm_Column *col;
  luaL_argcheck(L, s >= 0 && s <= p, 4, "scale must be between 0 and the precision");
  col = addcol(L, bp, lm_checkname(L, 2), LM_T_DECIMAL, flags);
  col->precision = p;
  col->scale = (int)s;
  return pushhandle(L, LM_COLUMN, bp->ncols - 1);
}

static int bp_decimal (lua_State *L) { return decimal(L, 0); }
static int bp_unsigned_decimal (lua_State *L) { return decimal(L, LM_F_UNSIGNED); }

/*
** t:enum(name, {values}) -> Column
*/
static int bp_enum (lua_State *L) {
  lm_Blueprint *bp = checkbp(L);
  const char *name = lm_checkname(L, 2);
  const char **vals;
  lm_Column *col;
  int i, n;
  luaL_checktype(L, 3, LUA_TTABLE);
  n = (int)luaL_len(L, 3);
  luaL_argcheck(L, n > 0, 3, "list of values must not be empty");
  vals = (const char **)bp_alloc(L, bp, (size_t)n * sizeof(char *));
  for (i = 0; i < n; i++) {
    lua_geti(L, 3, i + 1);
    if (lua_type(L, -1) != LUA_TSTRING)
      luaL_argerror(L, 3, "enum values must be strings");
    vals[i] = bp_strdup(L, bp, checktext(L, -1));
    lua_pop(L, 1);
  }
  col = addcol(L, bp, name, LM_T_ENUM, 0);
  col->enum_values = vals;
  col->nenum = n;
  return pushhandle(L, LM_COLUMN, bp->ncols - 1);
}

/*
** t:timestamps(): created_at, updated_at, nullable, CURRENT_TIMESTAMP
*/
static int bp_timestamps (lua_State *L) {
  lm_Blueprint *bp = checkbp(L);
  addcol(L, bp, "created_at", LM_T_DATETIME, LM_F_NULLABLE | LM_F_USE_CURRENT);
  addcol(L, bp, "updated_at", LM_T_DATETIME, LM_F_NULLABLE | LM_F_USE_CURRENT);
  return 0;
}

/*
** t:morphs(name): name_id (unsigned integer) and name_type (string),
** each indexed
*/
static int bp_morphs (lua_State *L) {
  lm_Blueprint *bp = checkbp(L);
  const char *name = lm_checkname(L, 2);
  const char *ids = lua_pushfstring(L, "%s_id", name);
  const char *types = lua_pushfstring(L, "%s_type", name);
  lm_Column *col = addcol(L, bp, ids, LM_T_INTEGER, LM_F_UNSIGNED | LM_F_INDEX);
  col->index_name = defname(L, bp, &col->name, 1, "index");
  col = addcol(L, bp, types, LM_T_STRING, LM_F_INDEX);
  col->length = 255;
  col->index_name = defname(L, bp, &col->name, 1, "index");
  return 0;
}

/* }====================================================== */


/*
** {======================================================
** Commands: indexes and constraints
** =======================================================
*/

static lm_Command *addcmd (lua_State *L, lm_Blueprint *bp, lm_CmdKind kind) {
  lm_Command *cmd;
  bp->cmds = (lm_Command *)bp_grow(L, bp->cmds, bp->ncmds, &bp->capcmds,
                                   sizeof(lm_Command));
  cmd = &bp->cmds[bp->ncmds++];
  memset(cmd, 0, sizeof(*cmd));
  cmd->kind = kind;
  cmd->seq = bp->nseq++;
  return cmd;
}

/* a command over the columns at index 2, named by index 3 or by default */
static lm_Command *colscmd (lua_State *L, lm_CmdKind kind, const char *suffix) {
  lm_Blueprint *bp = checkbp(L);
  int n;
  const char **cols = checkcolumns(L, bp, 2, &n);
  const char *name = optname(L, 3);
  lm_Command *cmd = addcmd(L, bp, kind);
  cmd->columns = cols;
  cmd->ncolumns = n;
  if (name) cmd->name = bp_strdup(L, bp, name);
  else if (suffix) cmd->name = defname(L, bp, cols, n, suffix);
  return cmd;
}

/*
** t:unique(cols, name?), t:primary(cols, name?), t:fulltext(cols, name?)
*/
static int bp_unique (lua_State *L) {
  colscmd(L, LM_C_UNIQUE, "unique");
  return 0;
}

static int bp_primary (lua_State *L) {
  colscmd(L, LM_C_PRIMARY, NULL);   /* unnamed: each dialect's own name */
  return 0;
}

static int bp_fulltext (lua_State *L) {
  colscmd(L, LM_C_FULLTEXT, "fulltext");
  return 0;
}

/*
** t:index(cols, name? | {where = expr, name = name?})
*/
static int bp_index (lua_State *L) {
  lm_Blueprint *bp = lm_checkblueprint(L, 1);
  const char *where = NULL;
  lm_Command *cmd;
  if (lua_type(L, 3) == LUA_TTABLE) {
    lua_getfield(L, 3, "where");
    if (!lua_isnil(L, -1)) where = bp_strdup(L, bp, lm_checkname(L, -1));
    lua_getfield(L, 3, "name");
    lua_replace(L, 3);   /* the name, or nil */
    lua_pop(L, 1);
  }
  luaL_argexpected(L, lua_isnoneornil(L, 3) || lua_type(L, 3) == LUA_TSTRING, 3,
                   "name or {where = ..., name = ...}");
  cmd = colscmd(L, LM_C_INDEX, "index");
  cmd->expr = where;
  return 0;
}

/*
** t:check(expr, name?)
*/
static int bp_check (lua_State *L) {
  lm_Blueprint *bp = checkbp(L);
  const char *expr = lm_checkname(L, 2);
  const char *name = optname(L, 3);
  lm_Command *cmd = addcmd(L, bp, LM_C_CHECK);
  cmd->expr = bp_strdup(L, bp, expr);
  if (name) cmd->name = bp_strdup(L, bp, name);
  return 0;
}

/*
** t:foreign(cols, name?) -> Foreign
*/
static int bp_foreign (lua_State *L) {
  lm_Blueprint *bp = checkbp(L);
  colscmd(L, LM_C_FOREIGN, "foreign");
  return pushhandle(L, LM_FOREIGN, bp->ncmds - 1);
}

/* the next '.'-separated part of 's' at 'arg', copied into the blueprint */
static const char *dotpart (lua_State *L, lm_Blueprint *bp, const char **s) {
  size_t n = strcspn(*s, ".");
  char *part = (char *)bp_strdup(L, bp, *s);  /* then cut at the dot */
  part[n] = '\0';
  *s += (*s)[n] == '.' ? n + 1 : n;
  return part;
}

/*
** t:add_foreign("column.ref_column.ref_table", name?) -> Foreign
*/
static int bp_add_foreign (lua_State *L) {
  lm_Blueprint *bp = checkbp(L);
  const char *spec = lm_checkname(L, 2);
  const char *name = optname(L, 3);
  const char **cols = (const char **)bp_alloc(L, bp, 2 * sizeof(char *));
  const char *table;
  lm_Command *cmd;
  cols[0] = dotpart(L, bp, &spec);
  cols[1] = dotpart(L, bp, &spec);
  table = dotpart(L, bp, &spec);
  if (*cols[0] == '\0' || *cols[1] == '\0' || *table == '\0' || *spec != '\0')
    luaL_argerror(L, 2, "expected 'column.ref_column.ref_table'");
  cmd = addcmd(L, bp, LM_C_FOREIGN);
  cmd->columns = cols;
  cmd->ncolumns = 1;
  cmd->ref_columns = cols + 1;
  cmd->nref_columns = 1;
  cmd->ref_table = table;
  cmd->name = name ? bp_strdup(L, bp, name) : defname(L, bp, cols, 1, "foreign");
  return pushhandle(L, LM_FOREIGN, bp->ncmds - 1);
}

/*
** t:table_comment(text)
*/
static int bp_table_comment (lua_State *L) {
  lm_Blueprint *bp = checkbp(L);
  bp->comment = bp_strdup(L, bp, checktext(L, 2));
  return 0;
}

/* }====================================================== */


/*
** {======================================================
** Alter-only commands
** =======================================================
*/

/* adds the names of 'n' columns to a DROP_COLUMN command */
static void dropcols (lua_State *L, lm_Blueprint *bp, const char *const *names,
                      int n) {
  lm_Command *cmd;
  const char **cols = (const char **)bp_alloc(L, bp, (size_t)n * sizeof(char *));
  int i;
  for (i = 0; i < n; i++) cols[i] = bp_strdup(L, bp, names[i]);
  cmd = addcmd(L, bp, LM_C_DROP_COLUMN);
  cmd->columns = cols;
  cmd->ncolumns = n;
}

/*
** t:drop_column(c, ...) where each argument is a name or a list of names
*/
static int bp_drop_column (lua_State *L) {
  lm_Blueprint *bp = checkalter(L, "drop_column");
  int top = lua_gettop(L), arg;
  luaL_checkany(L, 2);
  for (arg = 2; arg <= top; arg++) {
    int n;
    const char **cols = checkcolumns(L, bp, arg, &n);
    dropcols(L, bp, cols, n);
  }
  return 0;
}

static int bp_drop_timestamps (lua_State *L) {
  static const char *const cols[] = {"created_at", "updated_at"};
  dropcols(L, checkalter(L, "drop_timestamps"), cols, 2);
  return 0;
}

static int bp_drop_soft_deletes (lua_State *L) {
  lm_Blueprint *bp = checkalter(L, "drop_soft_deletes");
  const char *col = lua_isnoneornil(L, 2) ? "deleted_at" : lm_checkname(L, 2);
  dropcols(L, bp, &col, 1);
  return 0;
}

/*
** t:rename_column(from, to)
*/
static int bp_rename_column (lua_State *L) {
  lm_Blueprint *bp = checkalter(L, "rename_column");
  const char *from = lm_checkname(L, 2);
  const char *to = lm_checkname(L, 3);
  const char **cols = (const char **)bp_alloc(L, bp, sizeof(char *));
  lm_Command *cmd;
  cols[0] = bp_strdup(L, bp, from);
  to = bp_strdup(L, bp, to);
  cmd = addcmd(L, bp, LM_C_RENAME_COLUMN);
  cmd->columns = cols;
  cmd->ncolumns = 1;
  cmd->to = to;
  return 0;
}

/*
** A drop of an index or constraint given by name, or by its columns
** (then named by default with 'suffix')
*/
static int dropnamed (lua_State *L, lm_CmdKind kind, const char *method,
                      const char *suffix) {
  lm_Blueprint *bp = checkalter(L, method);
  lm_Command *cmd;
  const char *name;
  if (lua_type(L, 2) == LUA_TTABLE) {
    int n;
    const char **cols = checkcolumns(L, bp, 2, &n);
    name = defname(L, bp, cols, n, suffix);
  }
  else
    name = bp_strdup(L, bp, lm_checkname(L, 2));
  cmd = addcmd(L, bp, kind);
  cmd->name = name;
  return 0;
}

static int bp_drop_index (lua_State *L) {
  return dropnamed(L, LM_C_DROP_INDEX, "drop_index", "index");
}

static int bp_drop_unique (lua_State *L) {
  return dropnamed(L, LM_C_DROP_UNIQUE, "drop_unique", "unique");
}

/*
** t:drop_foreign(name | column | {columns}); a string not ending in
** "_foreign" is a column
*/
static int bp_drop_foreign (lua_State *L) {
  size_t len;
  const char *s = lua_tolstring(L, 2, &len);
  if (s != NULL && (len < 8 || strcmp(s + len - 8, "_foreign") != 0)) {
    lua_createtable(L, 1, 0);
    lua_pushvalue(L, 2);
    lua_rawseti(L, -2, 1);
    lua_replace(L, 2);
  }
  return dropnamed(L, LM_C_DROP_FOREIGN, "drop_foreign", "foreign");
}

/*
** t:drop_primary(name?): without a name, the dialect's own
*/
static int bp_drop_primary (lua_State *L) {
  lm_Blueprint *bp = checkalter(L, "drop_primary");
  const char *name = optname(L, 2);
  lm_Command *cmd = addcmd(L, bp, LM_C_DROP_PRIMARY);
  if (name) cmd->name = bp_strdup(L, bp, name);
  return 0;
}

/* }====================================================== */


/*
** {======================================================
** Column methods: each returns the same Column
** =======================================================
*/

/* col:nullable(on = true) */
static int col_nullable (lua_State *L) {
  lm_Column *col = checkcol(L, NULL);
  int on = 1;
  if (!lua_isnoneornil(L, 2)) {
    luaL_checktype(L, 2, LUA_TBOOLEAN);
    on = lua_toboolean(L, 2);
  }
  if (on) col->flags |= LM_F_NULLABLE;
  else col->flags &= ~LM_F_NULLABLE;
  lua_settop(L, 1);
  return 1;
}

static int setflag (lua_State *L, unsigned flag) {
  checkcol(L, NULL)->flags |= flag;
  lua_settop(L, 1);
  return 1;
}

static int col_unsigned (lua_State *L) { return setflag(L, LM_F_UNSIGNED); }
static int col_primary (lua_State *L) { return setflag(L, LM_F_PRIMARY); }

static int col_use_current (lua_State *L) {
  lm_Column *col = checkcol(L, NULL);
  col->flags |= LM_F_USE_CURRENT;
  col->dkind = LM_D_NONE;
  lua_settop(L, 1);
  return 1;
}

static int col_change (lua_State *L) {
  lm_Blueprint *bp;
  lm_Column *col = checkcol(L, &bp);
  if (bp->mode != LM_ALTER)
    luaL_error(L, "change() is only valid when altering a table (schema:table)");
  col->flags |= LM_F_CHANGE;
  lua_settop(L, 1);
  return 1;
}

/* a number as SQL text: integers as such, floats so they read back equal */
static const char *numbertext (lua_State *L, char *buf, size_t sz) {
  if (lua_isinteger(L, 2))
    snprintf(buf, sz, LUA_INTEGER_FMT, (LUAI_UACINT)lua_tointeger(L, 2));
  else {
    double d = (double)lua_tonumber(L, 2);
    luaL_argcheck(L, isfinite(d), 2, "default must be a finite number");
    snprintf(buf, sz, "%.15g", d);
    if (strtod(buf, NULL) != d) snprintf(buf, sz, "%.17g", d);
    if (strspn(buf, "-0123456789") == strlen(buf)) strcat(buf, ".0");
  }
  return buf;
}

/*
** col:default(value): a number, string, boolean, lmigrate.null or
** lmigrate.raw(sql)
*/
static int col_default (lua_State *L) {
  lm_Blueprint *bp;
  lm_Column *col = checkcol(L, &bp);
  char num[64];
  const char *v = NULL;
  lm_DefaultKind kind;
  switch (lua_type(L, 2)) {
    case LUA_TNUMBER: kind = LM_D_NUMBER; v = numbertext(L, num, sizeof(num)); break;
    case LUA_TSTRING: kind = LM_D_STRING; v = checktext(L, 2); break;
    case LUA_TBOOLEAN: kind = LM_D_BOOLEAN; v = lua_toboolean(L, 2) ? "1" : "0"; break;
    default:
      if (lm_isnull(L, 2)) { kind = LM_D_NULL; break; }
      if (luaL_testudata(L, 2, LM_RAW) != NULL) {
        lua_getiuservalue(L, 2, 1);
        kind = LM_D_RAW;
        v = lua_tostring(L, -1);
        break;
      }
      return luaL_typeerror(L, 2, "number, string, boolean, lmigrate.null "
                                  "or lmigrate.raw(sql)");
  }
  col->dvalue = v ? bp_strdup(L, bp, v) : NULL;
  col->dkind = kind;
  col->flags &= ~LM_F_USE_CURRENT;
  lua_settop(L, 1);
  return 1;
}

/* col:unique(name?), col:index(name?) */
static int colindex (lua_State *L, unsigned flag, const char *suffix) {
  lm_Blueprint *bp;
  lm_Column *col = checkcol(L, &bp);
  const char *name = optname(L, 2);
  name = name ? bp_strdup(L, bp, name) : defname(L, bp, &col->name, 1, suffix);
  if (flag == LM_F_UNIQUE) col->unique_name = name;
  else col->index_name = name;
  col->flags |= flag;
  lua_settop(L, 1);
  return 1;
}

static int col_unique (lua_State *L) { return colindex(L, LM_F_UNIQUE, "unique"); }
static int col_index (lua_State *L) { return colindex(L, LM_F_INDEX, "index"); }

static int col_comment (lua_State *L) {
  lm_Blueprint *bp;
  lm_Column *col = checkcol(L, &bp);
  col->comment = bp_strdup(L, bp, checktext(L, 2));
  lua_settop(L, 1);
  return 1;
}

static int col_after (lua_State *L) {
  lm_Blueprint *bp;
  lm_Column *col = checkcol(L, &bp);
  col->after = bp_strdup(L, bp, lm_checkname(L, 2));
  lua_settop(L, 1);
  return 1;
}

/* the plural of 'word' of 'n' bytes, English's regular rules */
static void addplural (luaL_Buffer *b, const char *word, size_t n) {
  char last = n > 0 ? word[n - 1] : '\0';
  char prev = n > 1 ? word[n - 2] : '\0';
  if (last == 'y' && n > 1 && strchr("aeiou", prev) == NULL) {
    luaL_addlstring(b, word, n - 1);
    luaL_addstring(b, "ies");
    return;
  }
  luaL_addlstring(b, word, n);
  if (strchr("sxz", last) != NULL || (last == 'h' && strchr("cs", prev) != NULL))
    luaL_addstring(b, "es");
  else
    luaL_addchar(b, 's');
}

/*
** col:constrained(table?, column = "id") -> Foreign, on a foreign_id or
** foreign_uuid column; the table defaults to the plural of the column
** without "_id": user_id -> users
*/
static int col_constrained (lua_State *L) {
  lm_Blueprint *bp;
  lm_Column *col = checkcol(L, &bp);
  const char *table = optname(L, 2);
  const char *ref = lua_isnoneornil(L, 3) ? "id" : lm_checkname(L, 3);
  lm_Command *cmd;
  if (!(col->flags & LM_F_FOREIGN))
    luaL_error(L, "constrained() needs a foreign_id() or foreign_uuid() column");
  if (table == NULL) {
    size_t n = strlen(col->name);
    luaL_Buffer b;
    if (n > 3 && strcmp(col->name + n - 3, "_id") == 0) n -= 3;
    luaL_buffinit(L, &b);
    addplural(&b, col->name, n);
    luaL_pushresult(&b);
    table = lua_tostring(L, -1);
  }
  cmd = addcmd(L, bp, LM_C_FOREIGN);
  cmd->columns = (const char **)bp_alloc(L, bp, 2 * sizeof(char *));
  cmd->columns[0] = col->name;
  cmd->columns[1] = bp_strdup(L, bp, ref);
  cmd->ncolumns = 1;
  cmd->ref_columns = cmd->columns + 1;
  cmd->nref_columns = 1;
  cmd->ref_table = bp_strdup(L, bp, table);
  cmd->name = defname(L, bp, cmd->columns, 1, "foreign");
  return pushhandle(L, LM_FOREIGN, bp->ncmds - 1);
}

/* }====================================================== */


/*
** {======================================================
** Foreign methods: each returns the same Foreign
** =======================================================
*/

static int fk_references (lua_State *L) {
  lm_Blueprint *bp;
  int i = checkhandle(L, LM_FOREIGN, &bp);
  int n;
  const char **cols = checkcolumns(L, bp, 2, &n);
  lm_Command *cmd = &bp->cmds[i];
  cmd->ref_columns = cols;
  cmd->nref_columns = n;
  lua_settop(L, 1);
  return 1;
}

static int fk_on (lua_State *L) {
  lm_Blueprint *bp;
  int i = checkhandle(L, LM_FOREIGN, &bp);
  const char *table = bp_strdup(L, bp, lm_checkname(L, 2));
  bp->cmds[i].ref_table = table;
  lua_settop(L, 1);
  return 1;
}

/* the SQL text of a referential action at 'arg' */
static const char *checkaction (lua_State *L, int arg) {
  static const char *const names[] = {
    "cascade", "set null", "restrict", "no action", "set default", NULL
  };
  static const char *const sql[] = {
    "CASCADE", "SET NULL", "RESTRICT", "NO ACTION", "SET DEFAULT"
  };
  const char *a = luaL_checkstring(L, arg);
  int i;
  for (i = 0; names[i] != NULL; i++) {
    if (strcmp(a, names[i]) == 0 || strcmp(a, sql[i]) == 0) return sql[i];
  }
  luaL_argerror(L, arg, lua_pushfstring(L, "expected 'cascade', 'set null', "
                "'restrict', 'no action' or 'set default', got '%s'", a));
  return NULL;
}

static int fk_on_delete (lua_State *L) {
  lm_Command *cmd = checkfk(L);
  cmd->on_delete = checkaction(L, 2);
  lua_settop(L, 1);
  return 1;
}

static int fk_on_update (lua_State *L) {
  lm_Command *cmd = checkfk(L);
  cmd->on_update = checkaction(L, 2);
  lua_settop(L, 1);
  return 1;
}

static int fk_cascade_on_delete (lua_State *L) {
  checkfk(L)->on_delete = "CASCADE";
  lua_settop(L, 1);
  return 1;
}

static int fk_null_on_delete (lua_State *L) {
  checkfk(L)->on_delete = "SET NULL";
  lua_settop(L, 1);
  return 1;
}

static int fk_cascade_on_update (lua_State *L) {
  checkfk(L)->on_update = "CASCADE";
  lua_settop(L, 1);
  return 1;
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
  bp->table = bp_strdup(L, bp, table);
  lua_pushvalue(L, 3);
  lua_setiuservalue(L, -2, 1);
  return 1;
}

/*
** t:to_sql(grammar) -> { sql, ... }; the blueprint is built from then on
*/
static int bp_to_sql (lua_State *L) {
  lm_Blueprint *bp = lm_checkblueprint(L, 1);
  const lm_Grammar *g = lm_checkgrammar(L, 2);
  bp->built = 1;
  lm_compile(L, bp, g);
  return 1;
}

static int bp_table_name (lua_State *L) {
  lua_pushstring(L, lm_checkblueprint(L, 1)->table);
  return 1;
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

/* __index: a method, or an error naming the unknown one */
static int meth_index (lua_State *L) {
  lua_pushvalue(L, 2);
  if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL) return 1;
  return luaL_error(L, "unknown %s method '%s'",
                    lua_tostring(L, lua_upvalueindex(2)), luaL_tolstring(L, 2, NULL));
}

static const luaL_Reg bp_meth[] = {
  {"increments", bp_increments}, {"big_increments", bp_big_increments},
  {"tiny_increments", bp_tiny_increments}, {"id", bp_id},
  {"integer", bp_integer}, {"big_integer", bp_big_integer},
  {"small_integer", bp_small_integer}, {"tiny_integer", bp_tiny_integer},
  {"medium_integer", bp_medium_integer},
  {"unsigned_integer", bp_unsigned_integer},
  {"unsigned_big_integer", bp_unsigned_big_integer},
  {"unsigned_decimal", bp_unsigned_decimal},
  {"string", bp_string}, {"char", bp_char},
  {"text", bp_text}, {"tiny_text", bp_tiny_text},
  {"medium_text", bp_medium_text}, {"long_text", bp_long_text},
  {"boolean", bp_boolean}, {"decimal", bp_decimal},
  {"float", bp_float}, {"double", bp_double},
  {"date", bp_date}, {"datetime", bp_datetime}, {"time", bp_time},
  {"timestamp", bp_timestamp}, {"year", bp_year},
  {"timestamps", bp_timestamps}, {"soft_deletes", bp_soft_deletes},
  {"json", bp_json}, {"jsonb", bp_jsonb}, {"uuid", bp_uuid},
  {"binary", bp_binary}, {"enum", bp_enum},
  {"inet", bp_inet}, {"ip_address", bp_inet}, {"cidr", bp_cidr},
  {"macaddr", bp_macaddr}, {"mac_address", bp_macaddr},
  {"morphs", bp_morphs}, {"foreign_id", bp_foreign_id},
  {"foreign_uuid", bp_foreign_uuid},
  {"foreign", bp_foreign}, {"add_foreign", bp_add_foreign},
  {"unique", bp_unique}, {"index", bp_index}, {"primary", bp_primary},
  {"fulltext", bp_fulltext}, {"check", bp_check},
  {"table_comment", bp_table_comment},
  {"drop_column", bp_drop_column}, {"rename_column", bp_rename_column},
  {"drop_index", bp_drop_index}, {"drop_unique", bp_drop_unique},
  {"drop_foreign", bp_drop_foreign}, {"drop_primary", bp_drop_primary},
  {"drop_timestamps", bp_drop_timestamps},
  {"drop_soft_deletes", bp_drop_soft_deletes},
  {"to_sql", bp_to_sql}, {"table_name", bp_table_name}, {"mode", bp_mode},
  {NULL, NULL}
};

static const luaL_Reg col_meth[] = {
  {"nullable", col_nullable}, {"unsigned", col_unsigned},
  {"default", col_default}, {"use_current", col_use_current},
  {"unique", col_unique}, {"index", col_index}, {"primary", col_primary},
  {"comment", col_comment}, {"after", col_after}, {"change", col_change},
  {"constrained", col_constrained},
  {NULL, NULL}
};

static const luaL_Reg fk_meth[] = {
  {"references", fk_references}, {"on", fk_on},
  {"on_delete", fk_on_delete}, {"on_update", fk_on_update},
  {"cascade_on_delete", fk_cascade_on_delete},
  {"null_on_delete", fk_null_on_delete},
  {"cascade_on_update", fk_cascade_on_update},
  {NULL, NULL}
};

/* a metatable whose __index is 'meth' and raises for unknown methods */
static void createmeta (lua_State *L, const char *tname, const luaL_Reg *meth,
                        const char *what) {
  luaL_newmetatable(L, tname);
  lua_newtable(L);
  luaL_setfuncs(L, meth, 0);
  lua_pushstring(L, what);
  lua_pushcclosure(L, meth_index, 2);
  lua_setfield(L, -2, "__index");
}

int lm_open_schema (lua_State *L) {
  createmeta(L, LM_BLUEPRINT, bp_meth, "blueprint");
  lua_pushcfunction(L, bp_gc);
  lua_setfield(L, -2, "__gc");
  lua_pushcfunction(L, bp_close);
  lua_setfield(L, -2, "__close");
  lua_pushcfunction(L, bp_tostring);
  lua_setfield(L, -2, "__tostring");
  createmeta(L, LM_COLUMN, col_meth, "column");
  createmeta(L, LM_FOREIGN, fk_meth, "foreign key");
  luaL_newmetatable(L, LM_RAW);
  lua_pushcfunction(L, raw_tostring);
  lua_setfield(L, -2, "__tostring");
  lua_pop(L, 4);
  lua_pushcfunction(L, bp_new);
  lua_setfield(L, -2, "blueprint");
  lua_pushcfunction(L, raw_new);
  lua_setfield(L, -2, "raw");
  return 0;
}

/* }====================================================== */
