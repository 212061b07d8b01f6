/*
** lm_safety.c
** What the safety lint (lua/lmigrate/lint/) and an online = true
** migration need of the blueprint: unsafe_ok(why) on a Column, a Foreign,
** an Index or a Command (the handle the other commands return: drop_*,
** rename*, check, validate_*), which the lint reads back through
** bp:describe; concurrently() on index() and drop_index(); not_valid() on
** check(); t:validate_foreign(name | {cols}) and t:validate_check(name)
** (PostgreSQL's ALTER TABLE ... VALIDATE CONSTRAINT); and bp:online(),
** which makes an alter compile to its safe forms (grammar/postgres.c),
** with lm_markout, lm_online and lm_concurrent, what the grammars use.
*/
#include <string.h>

#include "lmigrate.h"
#include "lm_schema.h"
#include "grammar/grammar.h"


/*
** {======================================================
** The Command handle
** =======================================================
*/

int lm_pushcommand (lua_State *L) {
  return lm_pushhandle(L, LM_COMMAND, lm_checkblueprint(L, 1)->ncmds - 1);
}

/* the command of the handle of 'tname' at 1 */
static lm_Command *handlecmd (lua_State *L, const char *tname, lm_Blueprint **bp) {
  int i = lm_checkhandle(L, tname, bp);
  return &(*bp)->cmds[i];
}

/* the reason at 2: a string that says something */
static const char *checkwhy (lua_State *L, lm_Blueprint *bp) {
  const char *why;
  lm_checkargs(L, 2, "unsafe_ok");
  if (lua_type(L, 2) != LUA_TSTRING)
    luaL_typeerror(L, 2, "reason (string): why the operation is safe here");
  why = lm_checkname(L, 2);
  if (*why == '\0')
    luaL_argerror(L, 2, "the reason must say why the operation is safe here");
  return lm_bpstrdup(L, bp, why);
}

/* handle:unsafe_ok(why) of a Foreign, an Index or a Command -> the handle */
static int cmd_unsafe_ok (lua_State *L, const char *tname) {
  lm_Blueprint *bp;
  lm_Command *cmd = handlecmd(L, tname, &bp);
  cmd->unsafe_ok = checkwhy(L, bp);
  lua_settop(L, 1);
  return 1;
}

static int fk_unsafe_ok (lua_State *L) { return cmd_unsafe_ok(L, LM_FOREIGN); }
static int ix_unsafe_ok (lua_State *L) { return cmd_unsafe_ok(L, LM_INDEX); }
static int co_unsafe_ok (lua_State *L) { return cmd_unsafe_ok(L, LM_COMMAND); }

static int col_unsafe_ok (lua_State *L) {
  lm_Blueprint *bp;
  int i = lm_checkhandle(L, LM_COLUMN, &bp);
  bp->cols[i].unsafe_ok = checkwhy(L, bp);
  lua_settop(L, 1);
  return 1;
}

/* the optional boolean at 2 (nil: true) */
static int opton (lua_State *L, const char *method) {
  lm_checkargs(L, 2, method);
  if (lua_isnoneornil(L, 2)) return 1;
  luaL_checktype(L, 2, LUA_TBOOLEAN);
  return lua_toboolean(L, 2);
}

/* sets or clears 'flag' of the command of 'tname' at 1 if it is one of 'kinds' */
static int setflag (lua_State *L, const char *tname, const char *method,
                    unsigned kinds, const char *which, unsigned flag) {
  lm_Blueprint *bp;
  lm_Command *cmd = handlecmd(L, tname, &bp);
  int on = opton(L, method);
  if (!((1u << cmd->kind) & kinds))
    luaL_error(L, "%s() is only for %s, not %s()", method, which,
               (cmd->flags & LM_K_RAW) ? "raw_index" : lm_cmdname(cmd->kind));
  if (on) cmd->flags |= flag;
  else cmd->flags &= ~flag;
  lua_settop(L, 1);
  return 1;
}

#define INDEXES  ((1u << LM_C_INDEX) | (1u << LM_C_UNIQUE))

/* index(...):concurrently(on = true), unique(...):concurrently() */
static int ix_concurrently (lua_State *L) {
  return setflag(L, LM_INDEX, "concurrently", INDEXES, "index() and unique()",
                 LM_K_CONCURRENTLY);
}

/* index(...):online(on = true): Laravel 12's name of concurrently() */
static int ix_online (lua_State *L) {
  return setflag(L, LM_INDEX, "online", INDEXES, "index() and unique()", LM_K_CONCURRENTLY);
}

/* drop_index(...):concurrently(on = true); check(...):not_valid(on = true) */
static int co_concurrently (lua_State *L) {
  return setflag(L, LM_COMMAND, "concurrently", 1u << LM_C_DROP_INDEX, "drop_index()",
                 LM_K_CONCURRENTLY);
}

static int co_not_valid (lua_State *L) {
  return setflag(L, LM_COMMAND, "not_valid", 1u << LM_C_CHECK, "check()",
                 LM_K_NOT_VALID);
}

/* }====================================================== */


/*
** {======================================================
** Blueprint methods
** =======================================================
*/

static lm_Blueprint *checkalter (lua_State *L, const char *method) {
  lm_Blueprint *bp = lm_checkbp(L);
  if (bp->mode != LM_ALTER)
    lm_error(L, "%s() is only valid when altering a table (schema:table)", method);
  return bp;
}

/*
** t:validate_foreign(name | {columns}): a list of columns names the key
** by default, as drop_foreign does
*/
static int bp_validate_foreign (lua_State *L) {
  lm_Blueprint *bp = checkalter(L, "validate_foreign");
  lm_Command *cmd;
  const char *name;
  lm_checkargs(L, 2, "validate_foreign");
  if (lua_type(L, 2) == LUA_TTABLE) {
    int n;
    const char **cols = lm_checkcolumns(L, bp, 2, &n);
    name = lm_defname(L, bp, cols, n, "foreign");
  }
  else if (lua_type(L, 2) == LUA_TSTRING)
    name = lm_bpstrdup(L, bp, lm_checkname(L, 2));
  else
    return luaL_typeerror(L, 2, "name or list of columns");
  cmd = lm_addcmd(L, bp, LM_C_VALIDATE_FOREIGN);
  cmd->name = name;
  return lm_pushcommand(L);
}

/* t:validate_check(name): a CHECK is validated by its name */
static int bp_validate_check (lua_State *L) {
  lm_Blueprint *bp = checkalter(L, "validate_check");
  const char *name;
  lm_checkargs(L, 2, "validate_check");
  name = lm_bpstrdup(L, bp, lm_checkstr(L, 2, "constraint name"));
  lm_addcmd(L, bp, LM_C_VALIDATE_CHECK)->name = name;
  return lm_pushcommand(L);
}

/*
** t:online(on = true): what the blueprint adds to an existing table is
** compiled to its safe form (PostgreSQL: indexes CONCURRENTLY, keys and
** checks NOT VALID then validated, NOT NULL through a validated CHECK);
** the statements that must run outside the migration's transaction are
** marked in to_sql's list (list.autocommit). Set by self.schema in an
** online = true migration.
*/
static int bp_online (lua_State *L) {
  lm_Blueprint *bp = lm_checkbp(L);
  bp->online = opton(L, "online");
  lua_settop(L, 1);
  return 1;
}

/* }====================================================== */


/*
** {======================================================
** For the grammars (grammar.h): what runs outside the transaction
** =======================================================
*/

void lm_markout (lm_Ctx *c, int undo) {
  lua_State *L = c->L;
  if (lua_getfield(L, c->list, "autocommit") != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_setfield(L, c->list, "autocommit");
  }
  if (undo) lua_rotate(L, -2, 1);   /* the undo SQL above the table */
  else lua_pushboolean(L, 1);
  lua_rawseti(L, -2, c->n);
  lua_pop(L, 1);
}

int lm_online (const lm_Ctx *c) {
  return c->bp != NULL && c->bp->online && c->bp->mode == LM_ALTER;
}

int lm_concurrent (const lm_Ctx *c, const lm_Command *cmd) {
  return (c->g->features & LM_G_CONCURRENTLY) && c->bp != NULL &&
         c->bp->mode == LM_ALTER && ((cmd->flags & LM_K_CONCURRENTLY) || c->bp->online);
}

/* }====================================================== */


static const luaL_Reg co_meth[] = {
  {"unsafe_ok", co_unsafe_ok}, {"concurrently", co_concurrently},
  {"not_valid", co_not_valid},
  {NULL, NULL}
};

static const luaL_Reg fk_meth[] = { {"unsafe_ok", fk_unsafe_ok}, {NULL, NULL} };

static const luaL_Reg ix_meth[] = {
  {"unsafe_ok", ix_unsafe_ok}, {"concurrently", ix_concurrently},
  {"online", ix_online},
  {NULL, NULL}
};

static const luaL_Reg col_meth[] = { {"unsafe_ok", col_unsafe_ok}, {NULL, NULL} };

static const luaL_Reg bp_meth[] = {
  {"validate_foreign", bp_validate_foreign}, {"validate_check", bp_validate_check},
  {"online", bp_online},
  {NULL, NULL}
};

int lm_open_safety (lua_State *L) {
  lm_createmeta(L, LM_COMMAND, NULL, co_meth, "command");
  lm_addmethods(L, LM_FOREIGN, fk_meth);
  lm_addmethods(L, LM_INDEX, ix_meth);
  lm_addmethods(L, LM_COLUMN, col_meth);
  lm_addmethods(L, LM_BLUEPRINT, bp_meth);
  return 0;
}
