/*
** lm_foreign.c
** Foreign keys of the schema builder: the Foreign handle that
** t:foreign() and t:add_foreign() return (lm_schema.c adds the
** command), and col:constrained() on a foreign_id/foreign_uuid column.
** lm_open_foreign registers them, after lm_open_column.
*/
#include <string.h>

#include "lmigrate.h"
#include "lm_schema.h"


/*
** {======================================================
** Handles
** =======================================================
*/

static lm_Column *checkcol (lua_State *L, lm_Blueprint **pbp) {
  lm_Blueprint *bp;
  int i = lm_checkhandle(L, LM_COLUMN, &bp);
  if (pbp) *pbp = bp;
  return &bp->cols[i];
}

static lm_Command *checkfk (lua_State *L) {
  lm_Blueprint *bp;
  int i = lm_checkhandle(L, LM_FOREIGN, &bp);
  return &bp->cmds[i];
}

/* }====================================================== */


/*
** {======================================================
** col:constrained
** =======================================================
*/

/* the plural of 'word' of 'n' bytes, English's regular rules */
static void addplural (luaL_Buffer *b, const char *word, size_t n) {
  char last = '\0', prev = '\0';
  if (n > 0) last = word[n - 1];
  if (n > 1) prev = word[n - 2];
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
  const char *table = lm_optname(L, 2);
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
  cmd = lm_addcmd(L, bp, LM_C_FOREIGN);
  cmd->columns = (const char **)lm_bpalloc(L, bp, 2 * sizeof(char *));
  cmd->columns[0] = col->name;
  cmd->columns[1] = lm_bpstrdup(L, bp, ref);
  cmd->ncolumns = 1;
  cmd->ref_columns = cmd->columns + 1;
  cmd->nref_columns = 1;
  cmd->ref_table = lm_bpstrdup(L, bp, table);
  cmd->name = lm_defname(L, bp, cmd->columns, 1, "foreign");
  return lm_pushhandle(L, LM_FOREIGN, bp->ncmds - 1);
}

/* }====================================================== */


/*
** {======================================================
** Foreign methods: each returns the same Foreign
** =======================================================
*/

static int fk_references (lua_State *L) {
  lm_Blueprint *bp;
  int i = lm_checkhandle(L, LM_FOREIGN, &bp);
  int n;
  const char **cols = lm_checkcolumns(L, bp, 2, &n);
  lm_Command *cmd = &bp->cmds[i];
  cmd->ref_columns = cols;
  cmd->nref_columns = n;
  lua_settop(L, 1);
  return 1;
}

static int fk_on (lua_State *L) {
  lm_Blueprint *bp;
  int i = lm_checkhandle(L, LM_FOREIGN, &bp);
  const char *table = lm_bpstrdup(L, bp, lm_checkname(L, 2));
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
** Method tables and registration
** =======================================================
*/

static const luaL_Reg col_meth[] = {
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

/*
** Registers Foreign, and adds constrained() to the methods of Column,
** which lm_open_column registered
*/
int lm_open_foreign (lua_State *L) {
  lm_createmeta(L, LM_FOREIGN, NULL, fk_meth, "foreign key");
  lm_addmethods(L, LM_COLUMN, col_meth);
  return 0;
}

/* }====================================================== */
