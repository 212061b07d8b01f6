/*
** mysql.c
** The MySQL/MariaDB grammar: backticks, UNSIGNED and ENUM as the server
** has them, every index and constraint inside CREATE TABLE, comments
** inline, AFTER when altering. String literals double backslashes too,
** so the server's default sql_mode (backslash escapes on) reads them
** back as written.
*/
#include "grammar.h"


/*
** %L for MySQL: 'it''s a \\ backslash'
*/
static void mysql_literal (luaL_Buffer *b, const char *s) {
  const char *p;
  luaL_addchar(b, '\'');
  for (p = s; *p; p++) {
    if (*p == '\'' || *p == '\\') luaL_addchar(b, *p);
    luaL_addchar(b, *p);
  }
  luaL_addchar(b, '\'');
}


/*
** {======================================================
** modify_
** =======================================================
*/

static void mysql_modify_unsigned (lm_Ctx *c, const lm_Column *col) {
  if (col->flags & LM_F_UNSIGNED) luaL_addstring(&c->b, " UNSIGNED");
}

static void mysql_modify_charset (lm_Ctx *c, const lm_Column *col) {
  if (col->charset) lm_addf(c, " CHARACTER SET %I", col->charset);
}

static void mysql_modify_on_update (lm_Ctx *c, const lm_Column *col) {
  if (!(col->flags & LM_F_ON_UPDATE)) return;
  luaL_addstring(&c->b, " ON UPDATE CURRENT_TIMESTAMP");
  if (col->precision > 0) lm_addf(c, "(%d)", col->precision);
}

static void mysql_modify_invisible (lm_Ctx *c, const lm_Column *col) {
  if (col->flags & LM_F_INVISIBLE) luaL_addstring(&c->b, " INVISIBLE");
}

/* types whose literal defaults must be written as expressions: (value) */
static int mysql_isblob (lm_ColType t) {
  return t == LM_T_TEXT || t == LM_T_TINY_TEXT || t == LM_T_MEDIUM_TEXT ||
         t == LM_T_LONG_TEXT || t == LM_T_JSON || t == LM_T_JSONB ||
         t == LM_T_BINARY;
}

static void mysql_modify_default (lm_Ctx *c, const lm_Column *col) {
  int expr = mysql_isblob(col->type) && col->dkind != LM_D_RAW &&
             col->dkind != LM_D_NULL && !(col->flags & LM_F_USE_CURRENT);
  if (lm_nodefault(col)) return;
  luaL_addstring(&c->b, expr ? " DEFAULT (" : " DEFAULT ");
  lm_adddefault(c, col);
  if (expr) luaL_addchar(&c->b, ')');
}

/*
** A changed column keeps its primary key, so MODIFY adds one only when
** primary() asks, as Laravel's modifyIncrement (`auto_increment primary
** key` for a column made auto-increment: the server wants its key in the
** same statement)
*/
static void mysql_modify_increment (lm_Ctx *c, const lm_Column *col) {
  int change = (col->flags & LM_F_CHANGE) != 0;
  if (col->flags & LM_F_AUTOINC) luaL_addstring(&c->b, " AUTO_INCREMENT");
  if ((col->flags & LM_F_PRIMARY) || ((col->flags & LM_F_AUTOINC) && !change))
    luaL_addstring(&c->b, " PRIMARY KEY");
}

static void mysql_modify_comment (lm_Ctx *c, const lm_Column *col) {
  if (col->comment) lm_addf(c, " COMMENT %L", col->comment);
}

/* a column's place: ALTER TABLE only (CREATE TABLE has no AFTER, FIRST) */
static void mysql_modify_after (lm_Ctx *c, const lm_Column *col) {
  if (c->bp->mode != LM_ALTER) return;
  if (col->flags & LM_F_FIRST) luaL_addstring(&c->b, " FIRST");
  else if (col->after) lm_addf(c, " AFTER %I", col->after);
}

/*
** virtual_as_json("meta->a"): json_unquote(json_extract(`meta`, '$."a"')),
** Laravel's MySQL form, which MariaDB runs too (Laravel's MariaDB grammar
** writes json_value(`meta`, '$."a"'), the same value for a scalar)
*/
static void mysql_json_selector (lm_Ctx *c, const lm_JsonPath *jp) {
  lm_addf(c, "json_unquote(json_extract(%I, %L))", jp->field, jp->path);
}

/* generated_as() is the AUTO_INCREMENT of an auto-increment column */
static const lm_ColFn mysql_modify[] = {
  lm_modify_no_identity, mysql_modify_unsigned, mysql_modify_charset,
  lm_modify_collate, lm_modify_generated, lm_modify_nullable,
  mysql_modify_default, mysql_modify_on_update, mysql_modify_invisible,
  mysql_modify_increment, mysql_modify_comment, mysql_modify_after, NULL
};

/* binary(length?, fixed): BLOB, VARBINARY(n) or BINARY(n) */
static void mysql_type_binary (lm_Ctx *c, const lm_Column *col) {
  if (col->length == 0) luaL_addstring(&c->b, "BLOB");
  else lm_addf(c, "%sBINARY(%d)", (col->flags & LM_F_FIXED) ? "" : "VAR", col->length);
}

/*
** geometry(subtype?, srid), geography (srid 4326): the subtype or
** GEOMETRY, and the SRID both ways, MySQL 8's SRID n and MariaDB's
** REF_SYSTEM_ID=n, each in the comment only that server runs
*/
static void mysql_type_spatial (lm_Ctx *c, const lm_Column *col) {
  const char *p;
  for (p = col->subtype ? col->subtype : "geometry"; *p; p++)
    luaL_addchar(&c->b, (char)(*p - 'a' + 'A'));
  if (col->srid != 0)
    lm_addf(c, " /*!80003 SRID %d */ /*M!100100 REF_SYSTEM_ID=%d */", col->srid,
            col->srid);
}

/* }====================================================== */


/*
** {======================================================
** inline_ and compile_
** =======================================================
*/

/* BTREE or HASH, the index types the server takes: " USING BTREE" */
static void mysql_index_using (lm_Ctx *c, const lm_Command *cmd) {
  if (lm_iequal(cmd->algorithm, "btree")) luaL_addstring(&c->b, " USING BTREE");
  else if (lm_iequal(cmd->algorithm, "hash")) luaL_addstring(&c->b, " USING HASH");
  else {
    lua_pushfstring(c->L, "algorithm '%s' of %s() (BTREE or HASH)", cmd->algorithm,
                    lm_cmdname(cmd->kind));
    lm_unsupported(c, lua_tostring(c->L, -1));
  }
}

/* <what> `name`[ USING x] (columns) */
static void addkey (lm_Ctx *c, const char *what, const lm_Command *cmd) {
  lm_addf(c, "%s %I", what, cmd->name);
  lm_addusing(c, cmd);
  luaL_addchar(&c->b, ' ');
  lm_addkeycolumns(c, cmd);
}

/*
** The server names its primary key PRIMARY, whatever is asked: it takes
** CONSTRAINT `x` PRIMARY KEY and drops the name, so a name is not written
*/
static void mysql_inline_primary (lm_Ctx *c, const lm_Command *cmd) {
  luaL_addstring(&c->b, "PRIMARY KEY");
  lm_addusing(c, cmd);
  lm_addf(c, " (%C)", cmd->columns, cmd->ncolumns);
}

static void mysql_inline_unique (lm_Ctx *c, const lm_Command *cmd) {
  addkey(c, "UNIQUE KEY", cmd);
}

static void mysql_inline_index (lm_Ctx *c, const lm_Command *cmd) {
  if (cmd->expr) lm_unsupported(c, "a partial index (index() with where)");
  addkey(c, "INDEX", cmd);
}

/*
** FULLTEXT has no language: the server's parser and stopwords are its
** settings, so language() is ignored, as Laravel does
*/
static void mysql_inline_fulltext (lm_Ctx *c, const lm_Command *cmd) {
  addkey(c, "FULLTEXT", cmd);
}

static void mysql_inline_spatial_index (lm_Ctx *c, const lm_Command *cmd) {
  addkey(c, "SPATIAL INDEX", cmd);
}

static void mysql_compile_rename_index (lm_Ctx *c, const lm_Command *cmd) {
  lm_stmt(c, "ALTER TABLE %T RENAME INDEX %I TO %I", cmd->name, cmd->to);
}

/* drop_index and drop_unique */
/*
** concurrently() on index(), unique() and drop_index() of an alter:
** MySQL's online DDL, ALGORITHM=INPLACE, LOCK=NONE, with which the server
** refuses the statement rather than block writes (InnoDB builds a
** secondary index in place by default: this makes it a promise)
*/
static void addonline (lm_Ctx *c, const lm_Command *cmd) {
  if ((cmd->flags & LM_K_CONCURRENTLY) && c->bp->mode == LM_ALTER)
    luaL_addstring(&c->b, ", ALGORITHM=INPLACE, LOCK=NONE");
}

static void mysql_compile_index (lm_Ctx *c, const lm_Command *cmd) {
  lm_begin(c);
  lm_addf(c, "ALTER TABLE %T ADD ");
  lm_inline(c->g, cmd->kind)(c, cmd);
  addonline(c, cmd);
  lm_end(c);
}

static void mysql_compile_drop_index (lm_Ctx *c, const lm_Command *cmd) {
  lm_begin(c);
  lm_addf(c, "ALTER TABLE %T DROP INDEX %I", cmd->name);
  addonline(c, cmd);
  lm_end(c);
}

static void mysql_compile_drop_foreign (lm_Ctx *c, const lm_Command *cmd) {
  lm_stmt(c, "ALTER TABLE %T DROP FOREIGN KEY %I", cmd->name);
}

static void mysql_compile_drop_primary (lm_Ctx *c, const lm_Command *cmd) {
  (void)cmd;
  lm_stmt(c, "ALTER TABLE %T DROP PRIMARY KEY");
}

/* instant(), lock(mode) of a column: ", ALGORITHM=INSTANT, LOCK=NONE" */
static void addcolumnonline (lm_Ctx *c, const lm_Column *col) {
  if (col->flags & LM_F_INSTANT) luaL_addstring(&c->b, ", ALGORITHM=INSTANT");
  if (col->lock) lm_addf(c, ", LOCK=%s", col->lock);
}

static void mysql_compile_add (lm_Ctx *c, const lm_Column *col) {
  lm_begin(c);
  lm_addf(c, "ALTER TABLE %T ADD COLUMN ");
  lm_addcolumn(c, col);
  addcolumnonline(c, col);
  lm_end(c);
}

/* change(): MODIFY gives the column exactly the new definition */
static void mysql_compile_change (lm_Ctx *c, const lm_Column *col) {
  lm_begin(c);
  lm_addf(c, "ALTER TABLE %T MODIFY COLUMN ");
  lm_addcolumn(c, col);
  addcolumnonline(c, col);
  lm_end(c);
}

/* from(n): the table's next AUTO_INCREMENT value */
static void mysql_compile_from (lm_Ctx *c, const lm_Column *col) {
  const char *n = lua_pushfstring(c->L, "%I", (LUAI_UACINT)col->from);
  lm_stmt(c, "ALTER TABLE %T AUTO_INCREMENT = %s", n);
  lua_pop(c->L, 1);
}

/*
** Laravel's order: DEFAULT CHARACTER SET, COLLATE, ENGINE; then the
** comment. After CREATE TABLE's ')' and after ALTER TABLE `t`.
*/
static void mysql_compile_table_options (lm_Ctx *c) {
  const lm_Blueprint *bp = c->bp;
  if (bp->charset) lm_addf(c, " DEFAULT CHARACTER SET %I", bp->charset);
  if (bp->collation) lm_addf(c, " COLLATE %L", bp->collation);
  if (bp->engine) lm_addf(c, " ENGINE = %I", bp->engine);
  if (bp->comment) lm_addf(c, " COMMENT=%L", bp->comment);
}

/* }====================================================== */


/*
** {======================================================
** Statements outside a blueprint
** =======================================================
*/

static void mysql_compile_rename (lm_Ctx *c, const char *from, const char *to) {
  lm_stmt(c, "RENAME TABLE %I TO %I", from, to);
}

/* }====================================================== */


const lm_Grammar lm_grammar_mysql = {
  .name = "mysql",
  .sql = &lm_sql_mysql,
  .query = &lm_query_mysql,
  .quote = '`',
  .literal = mysql_literal,
  .true_ = "1", .false_ = "0",
  .type = {
    /* UNSIGNED from the flag: integer(c, true) is a signed increments */
    [LM_T_INCREMENTS] = "INT", [LM_T_BIG_INCREMENTS] = "BIGINT",
    [LM_T_TINY_INCREMENTS] = "TINYINT", [LM_T_SMALL_INCREMENTS] = "SMALLINT",
    [LM_T_MEDIUM_INCREMENTS] = "MEDIUMINT",
    [LM_T_INTEGER] = "INT", [LM_T_BIG_INTEGER] = "BIGINT",
    [LM_T_SMALL_INTEGER] = "SMALLINT", [LM_T_TINY_INTEGER] = "TINYINT",
    [LM_T_MEDIUM_INTEGER] = "MEDIUMINT",
    [LM_T_STRING] = "VARCHAR($n)", [LM_T_CHAR] = "CHAR($n)",
    [LM_T_TEXT] = "TEXT", [LM_T_TINY_TEXT] = "TINYTEXT",
    [LM_T_MEDIUM_TEXT] = "MEDIUMTEXT", [LM_T_LONG_TEXT] = "LONGTEXT",
    [LM_T_BOOLEAN] = "TINYINT(1)", [LM_T_DECIMAL] = "DECIMAL($p, $s)",
    [LM_T_FLOAT] = "FLOAT($p)", [LM_T_DOUBLE] = "DOUBLE",
    [LM_T_DATE] = "DATE", [LM_T_DATETIME] = "DATETIME$q", [LM_T_TIME] = "TIME$q",
    [LM_T_TIMESTAMP] = "TIMESTAMP$q", [LM_T_YEAR] = "YEAR",
    [LM_T_DATETIME_TZ] = "DATETIME$q", [LM_T_TIME_TZ] = "TIME$q",
    [LM_T_TIMESTAMP_TZ] = "TIMESTAMP$q",
    [LM_T_JSON] = "JSON", [LM_T_JSONB] = "JSON",
    [LM_T_UUID] = "CHAR(36)", [LM_T_BINARY] = "BLOB",
    [LM_T_ENUM] = "ENUM($e)",
    [LM_T_INET] = "VARCHAR(45)", [LM_T_CIDR] = "VARCHAR(45)",
    [LM_T_MACADDR] = "VARCHAR(17)",
    [LM_T_FOREIGN_ID] = "BIGINT UNSIGNED",
    [LM_T_SET] = "SET($e)",
    [LM_T_VECTOR] = "VECTOR$l"   /* MySQL 9, MariaDB 11.7; tsvector(): none */
  },
  .typefn = {
    [LM_T_BINARY] = mysql_type_binary,
    [LM_T_GEOMETRY] = mysql_type_spatial, [LM_T_GEOGRAPHY] = mysql_type_spatial
  },
  .json_selector = mysql_json_selector,
  .now_date = "(CURDATE())", .now_year = "(YEAR(CURDATE()))",
  .now_precision = 1,
  .modify = mysql_modify,
  .inline_ = {
    [LM_C_PRIMARY] = mysql_inline_primary,
    [LM_C_UNIQUE] = mysql_inline_unique,
    [LM_C_INDEX] = mysql_inline_index,
    [LM_C_FULLTEXT] = mysql_inline_fulltext,
    [LM_C_FOREIGN] = lm_addforeign,
    [LM_C_CHECK] = lm_addcheck,
    [LM_C_SPATIAL_INDEX] = mysql_inline_spatial_index
  },
  .index_using = mysql_index_using,
  .deferrable = 0,   /* the server has no DEFERRABLE */
  .features = 0,
  .maxident = 64, .maxchars = 1,
  .compile_table_options = mysql_compile_table_options,
  .compile = {
    /* ALTER TABLE ADD INDEX / FULLTEXT, as the other constraints */
    [LM_C_INDEX] = mysql_compile_index,
    [LM_C_UNIQUE] = mysql_compile_index,
    [LM_C_FULLTEXT] = lm_compile_alter_add,
    [LM_C_SPATIAL_INDEX] = lm_compile_alter_add,
    [LM_C_DROP_INDEX] = mysql_compile_drop_index,
    [LM_C_DROP_UNIQUE] = mysql_compile_drop_index,
    [LM_C_DROP_FULLTEXT] = mysql_compile_drop_index,
    [LM_C_DROP_SPATIAL_INDEX] = mysql_compile_drop_index,
    [LM_C_DROP_FOREIGN] = mysql_compile_drop_foreign,
    [LM_C_DROP_PRIMARY] = mysql_compile_drop_primary,
    [LM_C_RENAME_INDEX] = mysql_compile_rename_index
  },
  .compile_add = mysql_compile_add,
  .compile_change = mysql_compile_change,
  .compile_comment = NULL,          /* inline: COMMENT '...' */
  .compile_from = mysql_compile_from,
  .compile_table_comment = NULL,   /* among the table options */
  .compile_rename = mysql_compile_rename,
  .has_table = "SELECT 1 FROM information_schema.tables WHERE "
               "table_schema = DATABASE() AND table_name = ?",
  .has_column = "SELECT 1 FROM information_schema.columns WHERE "
                "table_schema = DATABASE() AND table_name = ? AND column_name = ?",
  .list_tables = "SELECT table_name AS name FROM information_schema.tables "
                 "WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' "
                 "ORDER BY table_name",
  .list_objects = "SELECT table_name AS name, CASE table_type WHEN 'VIEW' THEN 'view' "
                  "WHEN 'SEQUENCE' THEN 'sequence' ELSE 'table' END AS kind "
                  "FROM information_schema.tables WHERE table_schema = DATABASE() "
                  "ORDER BY 2 DESC, 1",
  .fk_off = "SET FOREIGN_KEY_CHECKS = 0",
  .fk_on = "SET FOREIGN_KEY_CHECKS = 1",
  .cascade = 0,   /* MySQL accepts DROP ... CASCADE and does nothing with it */
  .rebuild = 0,
  .transactional_ddl = 0   /* each DDL statement commits */
};
