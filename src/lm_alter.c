/*
** lm_alter.c
** The Blueprint's alter-only commands (schema:table): every drop_* of
** columns, indexes and keys, and the renames of a column, an index and
** the table. lm_open_alter adds them to the Blueprint's methods, after
** lm_open_schema. Each returns a Command (lm_safety.c) of the last command
** it added, for unsafe_ok() and, on drop_index, concurrently().
*/
#include <string.h>

#include "lmigrate.h"
#include "lm_schema.h"
#include "grammar/grammar.h"


/*
** {======================================================
** Alter-only commands: drops and renames
** =======================================================
*/

static lm_Blueprint *checkalter (lua_State *L, const char *method) {
  lm_Blueprint *bp = lm_checkbp(L);
  if (bp->mode != LM_ALTER)
    lm_error(L, "%s() is only valid when altering a table (schema:table)",
             method);
  return bp;
}

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
** t:drop_column(c, ...): each argument a name or a
** list of names
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
  return lm_pushcommand(L);
}

/* drops the columns 'cols' (a NULL-terminated list) of 'method' */
static int dropfixed (lua_State *L, const char *method, const char *const *cols) {
  lm_Blueprint *bp = checkalter(L, method);
  int n = 0;
  lm_checkargs(L, 1, method);
  while (cols[n] != NULL) n++;
  dropcols(L, bp, cols, n);
  return lm_pushcommand(L);
}

static int bp_drop_timestamps (lua_State *L) {
  static const char *const cols[] = {"created_at", "updated_at", NULL};
  return dropfixed(L, "drop_timestamps", cols);
}

static int bp_drop_timestamps_tz (lua_State *L) {
  static const char *const cols[] = {"created_at", "updated_at", NULL};
  return dropfixed(L, "drop_timestamps_tz", cols);
}

static int bp_drop_remember_token (lua_State *L) {
  static const char *const cols[] = {"remember_token", NULL};
  return dropfixed(L, "drop_remember_token", cols);
}

/* t:drop_soft_deletes(column = "deleted_at"), and the _tz twin */
static int dropsoft (lua_State *L, const char *method) {
  lm_Blueprint *bp = checkalter(L, method);
  const char *col;
  lm_checkargs(L, 2, method);
  col = lua_isnoneornil(L, 2) ? "deleted_at" : lm_checkstr(L, 2, "column name");
  dropcols(L, bp, &col, 1);
  return lm_pushcommand(L);
}

static int bp_drop_soft_deletes (lua_State *L) {
  return dropsoft(L, "drop_soft_deletes");
}

static int bp_drop_soft_deletes_tz (lua_State *L) {
  return dropsoft(L, "drop_soft_deletes_tz");
}

/*
** t:rename_column(from, to)
*/
static int bp_rename_column (lua_State *L) {
  lm_Blueprint *bp = checkalter(L, "rename_column");
  const char *from, *to;
  const char **cols;
  lm_Command *cmd;
  lm_checkargs(L, 3, "rename_column");
  from = lm_checkstr(L, 2, "column name");
  to = lm_checkstr(L, 3, "new column name");
  cols = lm_onename(L, bp, from);
  to = lm_bpstrdup(L, bp, to);
  cmd = lm_addcmd(L, bp, LM_C_RENAME_COLUMN);
  cmd->columns = cols;
  cmd->ncolumns = 1;
  cmd->to = to;
  cmd->check_from = lm_defname(L, bp, cols, 1, "unsigned");
  cmd->check_to = lm_defname(L, bp, &to, 1, "unsigned");
  return lm_pushcommand(L);
}

/*
** A drop of an index or key given by name (a string) or by its columns
** (a list: then named by default with 'suffix', and the command keeps
** the list); with 'optional' (drop_primary) neither: the dialect's own
*/
static lm_Command *dropnamed (lua_State *L, lm_CmdKind kind, const char *suffix,
                              int optional) {
  const char *method = lm_cmdname(kind);
  lm_Blueprint *bp = checkalter(L, method);
  lm_Command *cmd;
  const char **cols = NULL;
  const char *name = NULL;
  int n = 0;
  lm_checkargs(L, 2, method);
  if (lua_type(L, 2) == LUA_TTABLE) {
    cols = lm_checkcolumns(L, bp, 2, &n);
    name = suffix ? lm_defname(L, bp, cols, n, suffix) : NULL;
  }
  else if (lua_type(L, 2) == LUA_TSTRING)
    name = lm_bpstrdup(L, bp, lm_checkname(L, 2));
  else if (!optional || !lua_isnoneornil(L, 2))
    luaL_typeerror(L, 2, optional ? "name, list of columns or nil"
                                  : "name or list of columns");
  cmd = lm_addcmd(L, bp, kind);
  cmd->name = name;
  cmd->columns = cols;
  cmd->ncolumns = n;
  return cmd;
}

static int bp_drop_index (lua_State *L) {
  dropnamed(L, LM_C_DROP_INDEX, "index", 0);
  return lm_pushcommand(L);
}

static int bp_drop_unique (lua_State *L) {
  dropnamed(L, LM_C_DROP_UNIQUE, "unique", 0);
  return lm_pushcommand(L);
}

static int bp_drop_fulltext (lua_State *L) {
  dropnamed(L, LM_C_DROP_FULLTEXT, "fulltext", 0);
  return lm_pushcommand(L);
}

static int bp_drop_spatial_index (lua_State *L) {
  dropnamed(L, LM_C_DROP_SPATIAL_INDEX, "spatialindex", 0);
  return lm_pushcommand(L);
}

/*
** t:drop_foreign(name | {columns}): a string is always the constraint's
** name, as in Laravel
*/
static int bp_drop_foreign (lua_State *L) {
  dropnamed(L, LM_C_DROP_FOREIGN, "foreign", 0);
  return lm_pushcommand(L);
}

/*
** t:drop_primary(name? | {columns}?): without a name, the dialect's own
** (a list of columns names the key primary() made of them, which has it)
*/
static int bp_drop_primary (lua_State *L) {
  dropnamed(L, LM_C_DROP_PRIMARY, NULL, 1);
  return lm_pushcommand(L);
}

/* the foreign key of 'column' (by its default name), then the column */
static void dropconstrained (lua_State *L, lm_Blueprint *bp, const char *column) {
  const char **cols = lm_onename(L, bp, column);
  lm_Command *cmd = lm_addcmd(L, bp, LM_C_DROP_FOREIGN);
  cmd->columns = cols;
  cmd->ncolumns = 1;
  cmd->name = lm_defname(L, bp, cols, 1, "foreign");
  dropcols(L, bp, cols, 1);
}

/*
** t:drop_constrained_foreign_id(column): drop_foreign({column}), then
** drop_column(column)
*/
static int bp_drop_constrained_foreign_id (lua_State *L) {
  lm_Blueprint *bp = checkalter(L, "drop_constrained_foreign_id");
  lm_checkargs(L, 2, "drop_constrained_foreign_id");
  dropconstrained(L, bp, lm_checkstr(L, 2, "column name"));
  return lm_pushcommand(L);
}


/* the column at 3, or the foreign key column of the model at 2 */
static const char *modelcolumn (lua_State *L, lm_Blueprint *bp, const char *method) {
  lm_checkargs(L, 3, method);
  if (!lua_isnoneornil(L, 3)) {
    lm_checkstr(L, 2, "model or table name");
    return lm_bpstrdup(L, bp, lm_checkstr(L, 3, "column name"));
  }
  return lm_modelkey(L, bp, 2);
}

/*
** t:drop_foreign_id_for(model, column?): as Laravel 12, drops the
** column (the model's foreign key column, user_id for "User")
*/
static int bp_drop_foreign_id_for (lua_State *L) {
  lm_Blueprint *bp = checkalter(L, "drop_foreign_id_for");
  const char *col = modelcolumn(L, bp, "drop_foreign_id_for");
  dropcols(L, bp, &col, 1);
  return lm_pushcommand(L);
}

/*
** t:drop_constrained_foreign_id_for(model, column?): its foreign key,
** then the column
*/
static int bp_drop_constrained_foreign_id_for (lua_State *L) {
  lm_Blueprint *bp = checkalter(L, "drop_constrained_foreign_id_for");
  dropconstrained(L, bp, modelcolumn(L, bp, "drop_constrained_foreign_id_for"));
  return lm_pushcommand(L);
}

/*
** t:drop_morphs(name, index_name?): the (name_type, name_id) index,
** then both columns
*/
static int bp_drop_morphs (lua_State *L) {
  lm_Blueprint *bp = checkalter(L, "drop_morphs");
  const char *name, *index;
  const char **cols = (const char **)lm_bpalloc(L, bp, 2 * sizeof(char *));
  lm_Command *cmd;
  lm_checkargs(L, 3, "drop_morphs");
  name = lm_checkstr(L, 2, "morph name");
  index = lm_optstr(L, 3, "index name");
  cols[0] = lm_bpstrdup(L, bp, lua_pushfstring(L, "%s_type", name));
  cols[1] = lm_bpstrdup(L, bp, lua_pushfstring(L, "%s_id", name));
  lua_pop(L, 2);
  cmd = lm_addcmd(L, bp, LM_C_DROP_INDEX);
  cmd->name = index ? lm_bpstrdup(L, bp, index) : lm_defname(L, bp, cols, 2, "index");
  dropcols(L, bp, cols, 2);
  return lm_pushcommand(L);
}

/*
** t:rename_index(from, to), t:rename(to) (the table, inside schema:table)
*/
static int bp_rename_index (lua_State *L) {
  lm_Blueprint *bp = checkalter(L, "rename_index");
  const char *from, *to;
  lm_Command *cmd;
  lm_checkargs(L, 3, "rename_index");
  from = lm_bpstrdup(L, bp, lm_checkstr(L, 2, "index name"));
  to = lm_bpstrdup(L, bp, lm_checkstr(L, 3, "new index name"));
  cmd = lm_addcmd(L, bp, LM_C_RENAME_INDEX);
  cmd->name = from;
  cmd->to = to;
  return lm_pushcommand(L);
}

static int bp_rename (lua_State *L) {
  lm_Blueprint *bp = checkalter(L, "rename");
  const char *to;
  int i;
  lm_checkargs(L, 2, "rename");
  to = lm_bpstrdup(L, bp, lm_checkstr(L, 2, "new table name"));
  for (i = 0; i < bp->ncmds; i++) {
    if (bp->cmds[i].kind == LM_C_RENAME)
      lm_error(L, "rename() of '%s' was already given (to '%s')", bp->table,
               bp->cmds[i].to);
  }
  lm_addcmd(L, bp, LM_C_RENAME)->to = to;
  return lm_pushcommand(L);
}

/* }====================================================== */


/*
** {======================================================
** Registration
** =======================================================
*/

static const luaL_Reg alter_meth[] = {
  {"drop_column", bp_drop_column},
  {"rename_column", bp_rename_column},
  {"drop_index", bp_drop_index}, {"drop_unique", bp_drop_unique},
  {"drop_fulltext", bp_drop_fulltext}, {"drop_full_text", bp_drop_fulltext},
  {"drop_spatial_index", bp_drop_spatial_index},
  {"drop_foreign", bp_drop_foreign}, {"drop_primary", bp_drop_primary},
  {"drop_constrained_foreign_id", bp_drop_constrained_foreign_id},
  {"drop_foreign_id_for", bp_drop_foreign_id_for},
  {"drop_constrained_foreign_id_for", bp_drop_constrained_foreign_id_for},
  {"drop_morphs", bp_drop_morphs},
  {"drop_remember_token", bp_drop_remember_token},
  {"drop_timestamps", bp_drop_timestamps},
  {"drop_timestamps_tz", bp_drop_timestamps_tz},
  {"drop_soft_deletes", bp_drop_soft_deletes},
  {"drop_soft_deletes_tz", bp_drop_soft_deletes_tz},
  {"rename_index", bp_rename_index}, {"rename", bp_rename},
  {NULL, NULL}
};

int lm_open_alter (lua_State *L) {
  lm_addmethods(L, LM_BLUEPRINT, alter_meth);
  return 0;
}

/* }====================================================== */
