/*
** lm_schema.c
** The schema builder's Blueprint: the memory it owns, the argument checks
** its methods share, the handles to its entries, table-level commands
** (indexes, constraints, the alter-only drops and renames), and Raw.
** lm_column.c adds the column types and the Column and Foreign methods on
** top of it; a grammar (grammar/) compiles a Blueprint to SQL.
*/
#include <stdlib.h>
#include <string.h>

#include "lmigrate.h"
#include "lm_schema.h"
#include "grammar/grammar.h"

/* blocks freed with the blueprint; 'data' is aligned for any field */
struct lm_Arena {
  lm_Arena *next;
  union { void *p; double d; long long l; } data[];  /* C99 flexible member */
};

/* a Column or Foreign: its blueprint is the user value, 'idx' its entry */
typedef struct Handle { int idx; } Handle;

static const char *const modes[] = {"create", "create_if_not_exists", "alter", NULL};


/*
** {======================================================
** Memory owned by the blueprint
** =======================================================
*/

void *lm_bpalloc (lua_State *L, lm_Blueprint *bp, size_t n) {
  lm_Arena *a = (lm_Arena *)malloc(offsetof(lm_Arena, data) + n);
  if (a == NULL) lm_error(L, "not enough memory");
  a->next = bp->arena;
  bp->arena = a;
  return a->data;
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
** to its entry by index, so the arrays may grow under it.
*/
int lm_pushhandle (lua_State *L, const char *tname, int idx) {
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

int lm_checkhandle (lua_State *L, const char *tname, lm_Blueprint **bp) {
  Handle *h = (Handle *)luaL_checkudata(L, 1, tname);
  lua_getiuservalue(L, 1, 1);
  *bp = lm_checkopen(L, (lm_Blueprint *)lua_touserdata(L, -1));
  lua_pop(L, 1);   /* the handle at index 1 keeps it alive */
  return h->idx;
}

static lm_Blueprint *checkalter (lua_State *L, const char *method) {
  lm_Blueprint *bp = lm_checkbp(L);
  if (bp->mode != LM_ALTER)
    lm_error(L, "%s() is only valid when altering a table (schema:table)",
             method);
  return bp;
}

const char *lm_optname (lua_State *L, int arg) {
  if (lua_isnoneornil(L, arg)) return NULL;
  if (lua_type(L, arg) != LUA_TSTRING) luaL_typeerror(L, arg, "name");
  return lm_checkname(L, arg);
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

/*
** A column name or a non-empty list of them at 'arg', copied into the
** blueprint; sets '*n'
*/
const char **lm_checkcolumns (lua_State *L, lm_Blueprint *bp, int arg,
                              int *n) {
  const char **cols;
  int i, len;
  if (lua_type(L, arg) == LUA_TSTRING) {
    cols = (const char **)lm_bpalloc(L, bp, sizeof(char *));
    cols[0] = lm_bpstrdup(L, bp, lm_checkname(L, arg));
    *n = 1;
    return cols;
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

/* Masonite's default name: <table>_<cols joined by _>_<suffix> */
const char *lm_defname (lua_State *L, lm_Blueprint *bp,
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
  s = lm_bpstrdup(L, bp, lua_tostring(L, -1));
  lua_pop(L, 1);
  return s;
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

/* a command over the columns at index 2, named by index 3 or by default */
static lm_Command *colscmd (lua_State *L, lm_CmdKind kind, const char *suffix) {
  lm_Blueprint *bp = lm_checkbp(L);
  int n;
  const char **cols = lm_checkcolumns(L, bp, 2, &n);
  const char *name = lm_optname(L, 3);
  lm_Command *cmd = lm_addcmd(L, bp, kind);
  cmd->columns = cols;
  cmd->ncolumns = n;
  if (name) cmd->name = lm_bpstrdup(L, bp, name);
  else if (suffix) cmd->name = lm_defname(L, bp, cols, n, suffix);
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
    if (!lua_isnil(L, -1)) where = lm_bpstrdup(L, bp, lm_checkname(L, -1));
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
  lm_Blueprint *bp = lm_checkbp(L);
  const char *expr = lm_checkname(L, 2);
  const char *name = lm_optname(L, 3);
  lm_Command *cmd = lm_addcmd(L, bp, LM_C_CHECK);
  cmd->expr = lm_bpstrdup(L, bp, expr);
  if (name) cmd->name = lm_bpstrdup(L, bp, name);
  return 0;
}

/*
** t:foreign(cols, name?) -> Foreign
*/
static int bp_foreign (lua_State *L) {
  lm_Blueprint *bp = lm_checkbp(L);
  colscmd(L, LM_C_FOREIGN, "foreign");
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
  const char *spec = lm_checkname(L, 2);
  const char *name = lm_optname(L, 3);
  const char **cols = (const char **)lm_bpalloc(L, bp, 2 * sizeof(char *));
  const char *table;
  lm_Command *cmd;
  cols[0] = dotpart(L, bp, &spec);
  cols[1] = dotpart(L, bp, &spec);
  table = dotpart(L, bp, &spec);
  if (*cols[0] == '\0' || *cols[1] == '\0' || *table == '\0' || *spec != '\0')
    luaL_argerror(L, 2, "expected 'column.ref_column.ref_table'");
  cmd = lm_addcmd(L, bp, LM_C_FOREIGN);
  cmd->columns = cols;
  cmd->ncolumns = 1;
  cmd->ref_columns = cols + 1;
  cmd->nref_columns = 1;
  cmd->ref_table = table;
  cmd->name = name ? lm_bpstrdup(L, bp, name) : lm_defname(L, bp, cols, 1, "foreign");
  return lm_pushhandle(L, LM_FOREIGN, bp->ncmds - 1);
}

/*
** t:table_comment(text)
*/
static int bp_table_comment (lua_State *L) {
  lm_Blueprint *bp = lm_checkbp(L);
  bp->comment = lm_bpstrdup(L, bp, lm_checktext(L, 2));
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
  const char **cols = (const char **)lm_bpalloc(L, bp, (size_t)n * sizeof(char *));
  int i;
  for (i = 0; i < n; i++) cols[i] = lm_bpstrdup(L, bp, names[i]);
  cmd = lm_addcmd(L, bp, LM_C_DROP_COLUMN);
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
    const char **cols = lm_checkcolumns(L, bp, arg, &n);
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
  const char **cols = (const char **)lm_bpalloc(L, bp, sizeof(char *));
  lm_Command *cmd;
  cols[0] = lm_bpstrdup(L, bp, from);
  to = lm_bpstrdup(L, bp, to);
  cmd = lm_addcmd(L, bp, LM_C_RENAME_COLUMN);
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
    const char **cols = lm_checkcolumns(L, bp, 2, &n);
    name = lm_defname(L, bp, cols, n, suffix);
  }
  else
    name = lm_bpstrdup(L, bp, lm_checkname(L, 2));
  cmd = lm_addcmd(L, bp, kind);
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
  const char *name = lm_optname(L, 2);
  lm_Command *cmd = lm_addcmd(L, bp, LM_C_DROP_PRIMARY);
  if (name) cmd->name = lm_bpstrdup(L, bp, name);
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
  {"fulltext", bp_fulltext}, {"check", bp_check},
  {"table_comment", bp_table_comment},
  {"drop_column", bp_drop_column}, {"rename_column", bp_rename_column},
  {"drop_index", bp_drop_index}, {"drop_unique", bp_drop_unique},
  {"drop_foreign", bp_drop_foreign}, {"drop_primary", bp_drop_primary},
  {"drop_timestamps", bp_drop_timestamps},
  {"drop_soft_deletes", bp_drop_soft_deletes},
  {"to_sql", bp_to_sql}, {"rebuild_plan", bp_rebuild_plan},
  {"table_name", bp_table_name}, {"mode", bp_mode},
  {NULL, NULL}
};

static const luaL_Reg bp_metameth[] = {
  {"__gc", bp_gc}, {"__close", bp_close}, {"__tostring", bp_tostring},
  {NULL, NULL}
};

static const luaL_Reg raw_metameth[] = {
  {"__tostring", raw_tostring},
  {NULL, NULL}
};

/*
** Registers the Blueprint (lm_open_column adds the column types to its
** methods) and Raw, and adds blueprint and raw to the module table at the
** top of the stack.
*/
int lm_open_schema (lua_State *L) {
  lm_createmeta(L, LM_BLUEPRINT, bp_metameth, bp_meth, "blueprint");
  lm_createmeta(L, LM_RAW, raw_metameth, NULL, NULL);
  lua_pushcfunction(L, bp_new);
  lua_setfield(L, -2, "blueprint");
  lua_pushcfunction(L, raw_new);
  lua_setfield(L, -2, "raw");
  return 0;
}

/* }====================================================== */
