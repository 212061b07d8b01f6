/*
** sqlite.c
** The SQLite grammar. Foreign keys, CHECKs and a composite primary key
** go inside CREATE TABLE; unique and plain indexes are separate
** CREATE INDEX statements. In an alter blueprint only what ALTER TABLE
** does in place is compiled; the rest is a rebuild step of
** bp:rebuild_plan (lmigrate.sqlite_rebuild), or the rebuild error in to_sql.
*/
#include <string.h>

#include "grammar.h"


/*
** {======================================================
** modify_
** =======================================================
*/

static void sqlite_modify_primary (lm_Ctx *c, const lm_Column *col) {
  if (col->flags & LM_F_AUTOINC)
    luaL_addstring(&c->b, " PRIMARY KEY AUTOINCREMENT");
  else if (col->flags & LM_F_PRIMARY)
    luaL_addstring(&c->b, " PRIMARY KEY");
}

/*
** charset(), comment(), invisible(), after() and first() have no
** meaning here and are ignored, as Laravel does
*/
static const lm_ColFn sqlite_modify[] = {
  lm_modify_no_on_update, lm_modify_no_identity,
  sqlite_modify_primary, lm_modify_nullable, lm_modify_default,
  lm_modify_collate, lm_modify_generated, lm_modify_checks, NULL
};

/* virtual_as_json("meta->a"): json_extract("meta", '$."a"'), as Laravel */
static void sqlite_json_selector (lm_Ctx *c, const lm_JsonPath *jp) {
  lm_addf(c, "json_extract(%I, %L)", jp->field, jp->path);
}

/* }====================================================== */


/*
** {======================================================
** compile_
** =======================================================
*/

/*
** The column a foreign key can be declared on in place: a nullable
** column without a default added by this same alter blueprint, the only
** kind ALTER TABLE ADD COLUMN takes a REFERENCES clause for.
*/
static const lm_Column *sqlite_fkcolumn (const lm_Blueprint *bp,
                                         const lm_Command *cmd) {
  int i;
  if (cmd->ncolumns != 1) return NULL;
  for (i = 0; i < bp->ncols; i++) {
    const lm_Column *col = &bp->cols[i];
    if (strcmp(col->name, cmd->columns[0]) == 0 && !(col->flags & LM_F_CHANGE)
        && (col->flags & LM_F_NULLABLE) && !lm_hasdefault(col))
      return col;
  }
  return NULL;
}

static const lm_Command *sqlite_columnfk (const lm_Blueprint *bp,
                                          const lm_Column *col) {
  int i;
  for (i = 0; i < bp->ncmds; i++) {
    const lm_Command *cmd = &bp->cmds[i];
    if (cmd->kind == LM_C_FOREIGN && sqlite_fkcolumn(bp, cmd) == col)
      return cmd;
  }
  return NULL;
}

/*
** The rebuild steps (bp:rebuild_plan; lmigrate.sqlite_rebuild runs them):
**   { op = "add", column = name, def = column definition }
**   { op = "change", column = name, def = column definition }
**   { op = "constraint", def = table constraint[, primary = true] }
**   { op = "drop_foreign", name = constraint name[, columns = list] }
**   { op = "drop_primary"[, name = constraint name][, columns = list] }
**   { op = "drop_column", column = name, sql = ALTER TABLE DROP COLUMN }
**   { op = "rename_index", from = name, to = name }: no rebuild, but the
**     index's CREATE INDEX is read, so it is a step too
** each with 'what', the words of the error without a rebuild. A drop
** given a list of columns has 'columns': the key is found by them.
*/
static void setdef (lm_Ctx *c) {
  luaL_pushresult(&c->b);
  lua_setfield(c->L, -2, "def");
}

/* the constraint as CREATE TABLE has it inline, for the rebuild to add */
static void constraintstep (lm_Ctx *c, const lm_Command *cmd, const char *what) {
  lm_CmdFn f = lm_inline(c->g, cmd->kind);
  if (f == NULL) lm_no_command(c, cmd);   /* primary, foreign, check: never */
  lm_step(c, "constraint", what);
  if (cmd->kind == LM_C_PRIMARY) {
    lua_pushboolean(c->L, 1);
    lua_setfield(c->L, -2, "primary");
  }
  lm_begin(c);
  f(c, cmd);
  setdef(c);
  lm_endstep(c);
}

/* alter only: inside a CREATE, foreign keys are inline */
static void sqlite_compile_foreign (lm_Ctx *c, const lm_Command *cmd) {
  if (sqlite_fkcolumn(c->bp, cmd) == NULL)
    constraintstep(c, cmd, "adding a foreign key");
  /* else declared by sqlite_compile_add */
}

static void sqlite_compile_check (lm_Ctx *c, const lm_Command *cmd) {
  constraintstep(c, cmd, "adding a check constraint");
}

static void sqlite_compile_primary (lm_Ctx *c, const lm_Command *cmd) {
  constraintstep(c, cmd, "adding a primary key");
}

/* DROP COLUMN in place; a rebuild when SQLite refuses it (indexed, constrained) */
static void sqlite_compile_drop_column (lm_Ctx *c, const lm_Command *cmd) {
  int i;
  for (i = 0; i < cmd->ncolumns; i++) {
    if (!c->rebuild) {
      lm_stmt(c, "ALTER TABLE %T DROP COLUMN %I", cmd->columns[i]);
      continue;
    }
    lua_pushfstring(c->L, "dropping column %s.%s", c->bp->table, cmd->columns[i]);
    lm_step(c, "drop_column", lua_tostring(c->L, -1));
    lua_remove(c->L, -2);
    lua_pushstring(c->L, cmd->columns[i]);
    lua_setfield(c->L, -2, "column");
    lm_begin(c);
    lm_addf(c, "ALTER TABLE %T DROP COLUMN %I", cmd->columns[i]);
    luaL_pushresult(&c->b);
    lua_setfield(c->L, -2, "sql");
    lm_endstep(c);
  }
}

/* the step's name and columns of a drop */
static void setkey (lm_Ctx *c, const lm_Command *cmd) {
  int i;
  if (cmd->name) {
    lua_pushstring(c->L, cmd->name);
    lua_setfield(c->L, -2, "name");
  }
  if (cmd->columns == NULL) return;
  lua_createtable(c->L, cmd->ncolumns, 0);
  for (i = 0; i < cmd->ncolumns; i++) {
    lua_pushstring(c->L, cmd->columns[i]);
    lua_rawseti(c->L, -2, i + 1);
  }
  lua_setfield(c->L, -2, "columns");
}

static void sqlite_compile_drop_foreign (lm_Ctx *c, const lm_Command *cmd) {
  lm_step(c, "drop_foreign", "dropping a foreign key");
  setkey(c, cmd);
  lm_endstep(c);
}

static void sqlite_compile_drop_primary (lm_Ctx *c, const lm_Command *cmd) {
  lm_step(c, "drop_primary", "dropping the primary key");
  setkey(c, cmd);
  lm_endstep(c);
}

/*
** SQLite has no ALTER INDEX: the index's own CREATE INDEX (so a partial
** or expression index stays one) runs again under the new name, after a
** DROP INDEX; lmigrate.sqlite_rebuild reads it
*/
static void sqlite_compile_rename_index (lm_Ctx *c, const lm_Command *cmd) {
  if (!c->rebuild)
    lm_error(c->L, "rename_index() on sqlite needs to read the index from the "
             "database: schema:table does it, to_sql cannot");
  lm_step(c, "rename_index", "renaming an index");
  lua_pushstring(c->L, cmd->name);
  lua_setfield(c->L, -2, "from");
  lua_pushstring(c->L, cmd->to);
  lua_setfield(c->L, -2, "to");
  lm_endstep(c);
}

/* btree is what SQLite does anyway; it has no other */
static void sqlite_index_using (lm_Ctx *c, const lm_Command *cmd) {
  if (!lm_iequal(cmd->algorithm, "btree")) {
    lua_pushfstring(c->L, "algorithm '%s' of %s()", cmd->algorithm,
                    lm_cmdname(cmd->kind));
    lm_unsupported(c, lua_tostring(c->L, -1));
  }
}

/* the column's definition, with its foreign key when declared in place */
static void adddef (lm_Ctx *c, const lm_Column *col) {
  const lm_Command *fk;
  lm_addcolumn(c, col);
  fk = sqlite_columnfk(c->bp, col);
  if (fk != NULL) {
    lm_addf(c, " CONSTRAINT %I ", fk->name);
    lm_addreferences(c, fk);
  }
}

static void columnstep (lm_Ctx *c, const lm_Column *col, const char *op) {
  lua_pushstring(c->L, col->name);
  lua_setfield(c->L, -2, "column");
  lm_begin(c);
  if (strcmp(op, "add") == 0) adddef(c, col);
  else lm_addcolumn(c, col);
  setdef(c);
  lm_endstep(c);
  lua_pop(c->L, 1);   /* 'what' */
}

/* why adding the column needs a rebuild, pushed; NULL when it does not */
static const char *addrebuild (lm_Ctx *c, const lm_Column *col) {
  const char *why;
  if (col->flags & (LM_F_PRIMARY | LM_F_AUTOINC)) why = "adding primary key column %s.%s";
  else if (col->flags & LM_F_USE_CURRENT) why = "adding column %s.%s with use_current()";
  else if (col->dkind == LM_D_RAW) why = "adding column %s.%s with a raw default";
  else if (col->expr && (col->flags & LM_F_STORED))
    why = "adding stored generated column %s.%s";
  else return NULL;
  return lua_pushfstring(c->L, why, c->bp->table, col->name);
}

/*
** ALTER TABLE "t" ADD COLUMN <definition>[ REFERENCES ...]; a rebuild
** for a primary key, a non-constant default or a stored generated
** column. A NOT NULL column without a default goes in place: SQLite
** takes it on a table without rows, as PostgreSQL does, and refuses it
** on one with rows.
*/
static void sqlite_compile_add (lm_Ctx *c, const lm_Column *col) {
  const char *why = addrebuild(c, col);
  if (why != NULL) {
    lm_step(c, "add", why);
    columnstep(c, col, "add");
    return;
  }
  lm_begin(c);
  lm_addf(c, "ALTER TABLE %T ADD COLUMN ");
  adddef(c, col);
  lm_end(c);
}

static void sqlite_compile_change (lm_Ctx *c, const lm_Column *col) {
  lua_pushfstring(c->L, "change() of %s.%s", c->bp->table, col->name);
  lm_step(c, "change", lua_tostring(c->L, -1));
  columnstep(c, col, "change");
}

/* }====================================================== */


/*
** {======================================================
** Statements outside a blueprint
** =======================================================
*/

/* from(n): the AUTOINCREMENT counter, so that the next row gets n */
static void sqlite_compile_from (lm_Ctx *c, const lm_Column *col) {
  /* pushed before the statement's buffer, popped after */
  const char *seq = lua_pushfstring(c->L, "%I", (LUAI_UACINT)(col->from - 1));
  lm_stmt(c, "DELETE FROM \"sqlite_sequence\" WHERE \"name\" = %L", c->bp->table);
  lm_stmt(c, "INSERT INTO \"sqlite_sequence\" (\"name\", \"seq\") VALUES (%L, %s)",
          c->bp->table, seq);
  lua_pop(c->L, 1);
}

/* DELETE, then reset the AUTOINCREMENT counter */
static void sqlite_compile_truncate (lm_Ctx *c, const char *table) {
  lm_stmt(c, "DELETE FROM %I", table);
  lm_stmt(c, "DELETE FROM \"sqlite_sequence\" WHERE \"name\" = %L", table);
}

/* }====================================================== */


const lm_Grammar lm_grammar_sqlite = {
  .name = "sqlite",
  .sql = &lm_sql_sqlite,
  .query = &lm_query_sqlite,
  .quote = '"',
  .literal = lm_quote_lit,
  .true_ = "1", .false_ = "0",
  .type = {
    /* AUTOINCREMENT takes exactly INTEGER */
    [LM_T_INCREMENTS] = "INTEGER", [LM_T_BIG_INCREMENTS] = "INTEGER",
    [LM_T_TINY_INCREMENTS] = "INTEGER", [LM_T_SMALL_INCREMENTS] = "INTEGER",
    [LM_T_MEDIUM_INCREMENTS] = "INTEGER",
    [LM_T_INTEGER] = "INTEGER", [LM_T_BIG_INTEGER] = "BIGINT",
    [LM_T_SMALL_INTEGER] = "SMALLINT", [LM_T_TINY_INTEGER] = "TINYINT",
    [LM_T_MEDIUM_INTEGER] = "MEDIUMINT",
    [LM_T_STRING] = "VARCHAR($n)", [LM_T_CHAR] = "CHAR($n)",
    [LM_T_TEXT] = "TEXT", [LM_T_TINY_TEXT] = "TEXT",
    [LM_T_MEDIUM_TEXT] = "TEXT", [LM_T_LONG_TEXT] = "TEXT",
    [LM_T_BOOLEAN] = "BOOLEAN", [LM_T_DECIMAL] = "DECIMAL($p, $s)",
    [LM_T_FLOAT] = "FLOAT", [LM_T_DOUBLE] = "DOUBLE",
    /* SQLite's dates are text of any precision: a precision has no effect */
    [LM_T_DATE] = "DATE", [LM_T_DATETIME] = "DATETIME", [LM_T_TIME] = "TIME",
    [LM_T_TIMESTAMP] = "TIMESTAMP", [LM_T_YEAR] = "INTEGER",
    [LM_T_DATETIME_TZ] = "DATETIME", [LM_T_TIME_TZ] = "TIME",
    [LM_T_TIMESTAMP_TZ] = "TIMESTAMP",
    [LM_T_JSON] = "TEXT", [LM_T_JSONB] = "TEXT",
    [LM_T_UUID] = "CHAR(36)", [LM_T_BINARY] = "BLOB",
    [LM_T_ENUM] = "VARCHAR(255)",
    [LM_T_INET] = "VARCHAR(45)", [LM_T_CIDR] = "VARCHAR(45)",
    [LM_T_MACADDR] = "VARCHAR(17)",
    [LM_T_FOREIGN_ID] = "INTEGER",
    /* a label, as Laravel's: SQLite stores the value as it comes */
    [LM_T_GEOMETRY] = "GEOMETRY", [LM_T_GEOGRAPHY] = "GEOMETRY"
    /* set(), vector(), tsvector(): none */
  },
  .json_selector = sqlite_json_selector,
  .now_date = "CURRENT_DATE",
  .now_year = "(CAST(strftime('%Y', 'now') AS INTEGER))",
  .modify = sqlite_modify,
  /* .inline_: the base's, primary, foreign and check keys */
  .compile = {
    [LM_C_PRIMARY] = sqlite_compile_primary,
    [LM_C_UNIQUE] = lm_compile_create_index,   /* a unique index */
    [LM_C_FULLTEXT] = lm_no_command,
    [LM_C_FOREIGN] = sqlite_compile_foreign,
    [LM_C_CHECK] = sqlite_compile_check,
    [LM_C_DROP_COLUMN] = sqlite_compile_drop_column,
    [LM_C_DROP_UNIQUE] = lm_compile_drop_index,
    [LM_C_DROP_FOREIGN] = sqlite_compile_drop_foreign,
    [LM_C_DROP_PRIMARY] = sqlite_compile_drop_primary,
    [LM_C_DROP_FULLTEXT] = lm_no_command,
    [LM_C_DROP_SPATIAL_INDEX] = lm_no_command,
    [LM_C_RENAME_INDEX] = sqlite_compile_rename_index
    /* spatial_index: the base's lm_no_command */
  },
  .index_using = sqlite_index_using,
  .deferrable = 1u << LM_C_FOREIGN,   /* not UNIQUE or PRIMARY KEY */
  .features = 0,
  .compile_add = sqlite_compile_add,
  .compile_change = sqlite_compile_change,
  .compile_comment = NULL,         /* comments are ignored, as Laravel does */
  .compile_from = sqlite_compile_from,
  .compile_table_comment = NULL,
  .compile_table_options = NULL,   /* engine, charset, collation: ignored too */
  .compile_truncate = sqlite_compile_truncate,
  .has_table = "SELECT 1 FROM \"sqlite_master\" WHERE \"type\" = 'table' "
               "AND \"name\" = ?",
  .has_column = "SELECT 1 FROM pragma_table_info(?) WHERE \"name\" = ?",
  .list_tables = "SELECT \"name\" FROM \"sqlite_master\" WHERE \"type\" = 'table' "
                 "AND \"name\" NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY \"name\"",
  .list_objects = "SELECT \"name\", \"type\" AS \"kind\" FROM \"sqlite_master\" "
                  "WHERE \"type\" IN ('table', 'view') "
                  "AND \"name\" NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                  "ORDER BY \"type\" DESC, \"name\"",
  /* a pragma, so fresh runs it outside any transaction */
  .fk_off = "PRAGMA foreign_keys = OFF",
  .fk_on = "PRAGMA foreign_keys = ON",
  .cascade = 0,   /* no DROP ... CASCADE: SQLite drops a referenced table anyway */
  .rebuild = 1,
  .transactional_ddl = 1
};
