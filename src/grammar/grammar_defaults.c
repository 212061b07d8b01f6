/*
** grammar_defaults.c
** The base grammar, as Laravel's base Grammar: the entries a dialect
** leaves NULL (lm_entry of grammar.h picks them), and the compile_ and
** inline_ entries that several dialects also put in their own slots.
*/
#include <string.h>

#include "grammar.h"

/*
** {======================================================
** The base grammar: the entries a dialect leaves NULL
** =======================================================
*/

void lm_no_command (lm_Ctx *c, const lm_Command *cmd) {
  lua_pushfstring(c->L, "%s()", lm_cmdname(cmd->kind));
  lm_unsupported(c, lua_tostring(c->L, -1));
}

/* [CONSTRAINT "name"] PRIMARY KEY[ USING x] ("a", "b")[ DEFERRABLE] */
static void base_inline_primary (lm_Ctx *c, const lm_Command *cmd) {
  if (cmd->name) lm_addf(c, "CONSTRAINT %I ", cmd->name);
  luaL_addstring(&c->b, "PRIMARY KEY");
  lm_addusing(c, cmd);
  lm_addf(c, " (%C)", cmd->columns, cmd->ncolumns);
  lm_adddeferrable(c, cmd);
}

/* a constraint added after the fact, written as inside CREATE TABLE */
void lm_compile_alter_add (lm_Ctx *c, const lm_Command *cmd) {
  lm_CmdFn f = lm_inline(c->g, cmd->kind);
  if (f == NULL) lm_no_command(c, cmd);   /* a dialect that inlines none */
  lm_begin(c);
  lm_addf(c, "ALTER TABLE %T ADD ");
  f(c, cmd);
  lm_end(c);
}

void lm_compile_create_index (lm_Ctx *c, const lm_Command *cmd) {
  lm_begin(c);
  lm_addindex(c, cmd, cmd->kind == LM_C_UNIQUE ? "UNIQUE " : "");
  lm_end(c);
}

void lm_compile_drop_index (lm_Ctx *c, const lm_Command *cmd) {
  lm_stmt(c, "DROP INDEX %I", cmd->name);
}

/* ALTER TABLE "t" DROP COLUMN "a", DROP COLUMN "b" */
static void base_drop_column (lm_Ctx *c, const lm_Command *cmd) {
  int i;
  lm_begin(c);
  lm_addf(c, "ALTER TABLE %T ");
  for (i = 0; i < cmd->ncolumns; i++)
    lm_addf(c, "%sDROP COLUMN %I", i > 0 ? ", " : "", cmd->columns[i]);
  lm_end(c);
}

static void base_rename_column (lm_Ctx *c, const lm_Command *cmd) {
  lm_stmt(c, "ALTER TABLE %T RENAME COLUMN %I TO %I", cmd->columns[0], cmd->to);
}

/* drop_unique and drop_foreign: constraints with a name */
static void base_drop_constraint (lm_Ctx *c, const lm_Command *cmd) {
  lm_stmt(c, "ALTER TABLE %T DROP CONSTRAINT %I", cmd->name);
}

static void base_rename_index (lm_Ctx *c, const lm_Command *cmd) {
  lm_stmt(c, "ALTER INDEX %I RENAME TO %I", cmd->name, cmd->to);
}

/* rename(to) inside schema:table: the statement outside a blueprint */
static void base_compile_rename (lm_Ctx *c, const lm_Command *cmd);

static void base_add (lm_Ctx *c, const lm_Column *col) {
  lm_begin(c);
  lm_addf(c, "ALTER TABLE %T ADD COLUMN ");
  lm_addcolumn(c, col);
  lm_end(c);
}

static void base_change (lm_Ctx *c, const lm_Column *col) {
  (void)col;
  lm_unsupported(c, "change()");
}

/* CASCADE only where the dialect has it (g->cascade) */
static void base_drop (lm_Ctx *c, const char *table, int flags) {
  lm_stmt(c, "DROP TABLE %s%I%s", (flags & LM_DROP_IF_EXISTS) ? "IF EXISTS " : "",
          table, (flags & LM_DROP_CASCADE) && c->g->cascade ? " CASCADE" : "");
}

static void base_rename (lm_Ctx *c, const char *from, const char *to) {
  lm_stmt(c, "ALTER TABLE %I RENAME TO %I", from, to);
}

static void base_truncate (lm_Ctx *c, const char *table) {
  lm_stmt(c, "TRUNCATE TABLE %I", table);
}

const lm_Grammar lm_grammar_base = {
  .name = "base",
  .inline_ = {
    [LM_C_PRIMARY] = base_inline_primary,
    [LM_C_FOREIGN] = lm_addforeign,
    [LM_C_CHECK] = lm_addcheck
  },
  .compile = {
    [LM_C_PRIMARY] = lm_compile_alter_add,
    [LM_C_UNIQUE] = lm_compile_alter_add,
    [LM_C_INDEX] = lm_compile_create_index,
    [LM_C_FULLTEXT] = lm_no_command,
    [LM_C_FOREIGN] = lm_compile_alter_add,
    [LM_C_CHECK] = lm_compile_alter_add,
    [LM_C_DROP_COLUMN] = base_drop_column,
    [LM_C_RENAME_COLUMN] = base_rename_column,
    [LM_C_DROP_INDEX] = lm_compile_drop_index,
    [LM_C_DROP_UNIQUE] = base_drop_constraint,
    [LM_C_DROP_FOREIGN] = base_drop_constraint,
    [LM_C_DROP_PRIMARY] = lm_no_command,  /* each dialect names it its way */
    [LM_C_SPATIAL_INDEX] = lm_no_command,
    [LM_C_DROP_FULLTEXT] = lm_compile_drop_index,
    [LM_C_DROP_SPATIAL_INDEX] = lm_compile_drop_index,
    [LM_C_RENAME_INDEX] = base_rename_index,
    [LM_C_RENAME] = base_compile_rename,
    [LM_C_VALIDATE_FOREIGN] = lm_no_command,   /* PostgreSQL's: NOT VALID keys */
    [LM_C_VALIDATE_CHECK] = lm_no_command
  },
  .compile_add = base_add,
  .compile_change = base_change,
  .compile_drop = base_drop,
  .compile_rename = base_rename,
  .compile_truncate = base_truncate
};

lm_CmdFn lm_inline (const lm_Grammar *g, lm_CmdKind kind) {
  return lm_entry(g, inline_[kind]);
}

lm_CmdFn lm_inlined (lm_Ctx *c, const lm_Command *cmd) {
  if (c->g->after_create != NULL && c->g->after_create(cmd)) return NULL;
  return lm_inline(c->g, cmd->kind);
}

static void base_compile_rename (lm_Ctx *c, const lm_Command *cmd) {
  lm_entry(c->g, compile_rename)(c, c->bp->table, cmd->to);
}

/* }====================================================== */
