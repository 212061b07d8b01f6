/*
** grammar.h
** One SQL grammar per dialect, after Laravel's schema grammars: three
** families of entries, compile_* (statements), type_* (a column's type)
** and modify_* (a column's suffixes). As Laravel's base Grammar holds
** what most dialects write alike, grammar_defaults.c holds the base
** grammar: a NULL compile_ or inline_ entry (and a NULL compile_add, compile_change,
** compile_drop, compile_rename, compile_truncate) is the base's, so a
** dialect fills in only what it writes differently. What a dialect cannot
** do is said by lm_no_command (or a NULL type_), which raise "<what> is
** not supported on <dialect>".
*/
#ifndef lm_grammar_h
#define lm_grammar_h

#include "../lmigrate.h"

typedef struct lm_Grammar lm_Grammar;
/* the query builder's grammars, defined in query.c (query.h) */
struct lm_QueryGrammar;
extern const struct lm_QueryGrammar lm_query_sqlite, lm_query_postgres, lm_query_mysql;

/*
** The query builder's common clauses lie flat in their lists (no table of
** their own: most queries are a few of them), as lm_query_build.c and
** query.lua's having() write them and query_where.c and query.c read them:
**   wheres, havings: LMQ_BASIC, column, operator, value, boolean_or
**                    LMQ_IN | LMQ_IN_INT | LMQ_NULL, column, values, negate,
**                    boolean_or (values false for LMQ_NULL)
**   joins:           kind ("INNER", ...), table, first, operator, second
**   orders:          column, "ASC" | "DESC"
** LMQ_SLOTS slots a clause, a join; nil written false, so that the list
** keeps its length. Any other item is one table (query.c's header).
*/
#define LMQ_BASIC   0
#define LMQ_IN      2
#define LMQ_IN_INT  3
#define LMQ_NULL    4
#define LMQ_SLOTS   5
#define LMQ_ORDER_SLOTS  2

/* features of a grammar */
#define LM_G_NOT_VALID           1   /* foreign keys NOT VALID */
#define LM_G_NULLS_NOT_DISTINCT  2   /* UNIQUE NULLS NOT DISTINCT */
#define LM_G_CONCURRENTLY        4   /* CREATE/DROP INDEX CONCURRENTLY */

/* flags of compile_drop */
#define LM_DROP_IF_EXISTS  1
#define LM_DROP_CASCADE    2   /* also drop what depends on it, where possible */

/*
** The state of one compilation: the statements go into the Lua list at
** stack index 'list'; 'b' is the statement being written.
*/
typedef struct lm_Ctx {
  lua_State *L;
  const lm_Grammar *g;
  const lm_Blueprint *bp;  /* NULL outside a blueprint */
  int list;                /* stack index of the result list */
  int n;                   /* statements pushed so far */
  int rebuild;             /* 1: lm_rebuild pushes a step instead of raising */
  luaL_Buffer b;
} lm_Ctx;

typedef void (*lm_ColFn) (lm_Ctx *c, const lm_Column *col);
typedef void (*lm_CmdFn) (lm_Ctx *c, const lm_Command *cmd);

struct lm_Grammar {
  const char *name;        /* "sqlite", "postgres", "mysql" */
  char quote;              /* identifier quote */
  const lm_SqlRules *sql;  /* how its SQL text is scanned (lm_sql.c) */
  void (*literal) (luaL_Buffer *b, const char *s);  /* %L */
  const char *true_, *false_;   /* boolean defaults */
  /*
  ** type_: a column's type, indexed by lm_ColType. The text may hold
  ** $n (length), $p (precision), $s (scale), $e (enum values as literals),
  ** $q ("(precision)" when one was given, else nothing), $P ("(precision)",
  ** 0 when none was given, nothing for a column of no precision:
  ** default_time_precision(false)), $l ("(length)" when there is one). A
  ** FLOAT whose text has $p is the DOUBLE's text at precision 53. typefn_, where the text cannot say it, writes the type.
  */
  const char *type[LM_T__COUNT];
  lm_ColFn typefn[LM_T__COUNT];
  /* virtual_as_json(), stored_as_json(): the value at a JSON selector */
  void (*json_selector) (lm_Ctx *c, const lm_JsonPath *jp);
  /* use_current() of a date and of a year (CURRENT_TIMESTAMP otherwise) */
  const char *now_date, *now_year;
  int now_precision;       /* 1: CURRENT_TIMESTAMP(p) for a precision p > 0 */
  /* modify_: appended after the type, in this order; NULL-terminated */
  const lm_ColFn *modify;
  /*
  ** inline_: a table constraint inside CREATE TABLE. The base inlines
  ** primary, foreign and check; the others, NULL there too, are
  ** compile_d after the CREATE TABLE.
  */
  lm_CmdFn inline_[LM_C__COUNT];
  /*
  ** after_create: 1 when a command inline_ could write must be compile_d
  ** after the CREATE TABLE instead (what it asks for has no inline form);
  ** NULL: never
  */
  int (*after_create) (const lm_Command *cmd);
  /*
  ** compile_table_options: engine, charset, collation, comment, after
  ** CREATE TABLE's ')' and after "ALTER TABLE t" in an alter blueprint
  ** that sets one; NULL: the dialect has none (they are ignored, the
  ** comment goes through compile_table_comment)
  */
  void (*compile_table_options) (lm_Ctx *c);
  /* index_using: " USING x" of cmd->algorithm; NULL: no algorithm taken */
  lm_CmdFn index_using;
  unsigned deferrable;     /* 1 << kind: the kinds that take DEFERRABLE */
  unsigned features;       /* LM_G_* */
  /* the longest identifier the dialect takes, in bytes or (maxchars) UTF-8
     characters; 0: no limit */
  int maxident, maxchars;
  /* compile_: statement(s) */
  lm_CmdFn compile[LM_C__COUNT];
  lm_ColFn compile_add;        /* alter: a new column */
  lm_ColFn compile_change;     /* alter: change() */
  lm_ColFn compile_comment;    /* a column comment; NULL: none or inline */
  lm_ColFn compile_from;       /* from(n): after the column is there */
  void (*compile_table_comment) (lm_Ctx *c);  /* NULL: comments ignored */
  /* statements outside a blueprint */
  void (*compile_drop) (lm_Ctx *c, const char *table, int flags);  /* LM_DROP_* */
  void (*compile_rename) (lm_Ctx *c, const char *from, const char *to);
  void (*compile_truncate) (lm_Ctx *c, const char *table);
  const char *has_table;       /* one ? : the table */
  const char *has_column;      /* two ? : table, column */
  const char *list_tables;     /* rows with a column 'name' */
  /* what fresh drops: rows (name, kind), kind 'view', 'table' or 'sequence' */
  const char *list_objects;
  const char *fk_off, *fk_on;  /* foreign key checks off/on; NULL: use CASCADE */
  /* what g:supports(feature) answers */
  int cascade;                 /* 1: DROP ... CASCADE exists */
  int rebuild;                 /* 1: what ALTER TABLE cannot do in place is
                                  a table rebuild (bp:rebuild_plan) */
  int transactional_ddl;       /* 1: DDL rolls back with its transaction */
  /* the query builder's statements (query.h) */
  const struct lm_QueryGrammar *query;
};

extern const lm_Grammar lm_grammar_sqlite;
extern const lm_Grammar lm_grammar_postgres;
extern const lm_Grammar lm_grammar_mysql;

/*
** grammar_defaults.c: the base grammar, and lm_entry(g, f), the
** dialect's entry 'f' or the base's when the dialect leaves it NULL
*/
extern const lm_Grammar lm_grammar_base;
#define lm_entry(g, f)  ((g)->f != NULL ? (g)->f : lm_grammar_base.f)

/* grammar.c: the Lua side */
const lm_Grammar *lm_checkgrammar (lua_State *L, int arg);
/*
** compiles 'bp' with 'g'; pushes the list of statements. With 'rebuild'
** (bp:rebuild_plan), what needs a table rebuild is a table in the list,
** a step for lmigrate.sqlite_rebuild, instead of an error.
*/
void lm_compile (lua_State *L, lm_Blueprint *bp, const lm_Grammar *g,
                 int rebuild);

/*
** grammar.c: writing SQL. lm_addf is a small printf:
**   %I identifier (const char *)    quoted for the dialect
**   %L literal (const char *)       quoted for the dialect
**   %T the blueprint's table, quoted
**   %C column list (const char **, int): "a", "b"
**   %s trusted text (const char *)  %d int  %% a percent sign
*/
void lm_addf (lm_Ctx *c, const char *fmt, ...);
void lm_begin (lm_Ctx *c);     /* starts a statement */
void lm_end (lm_Ctx *c);       /* adds it to the list */
void lm_stmt (lm_Ctx *c, const char *fmt, ...);  /* begin, addf, end */
/*
** lm_safety.c: the statements that must run outside the migration's transaction (an
** index built CONCURRENTLY, what an online blueprint validates after it):
** lm_markout marks the last one, list.autocommit[n] = the SQL at the top
** of the stack (popped) that undoes what a failure of it left behind
** ('undo' 1), or true ('undo' 0). lm_concurrent: whether an index command
** of an alter blueprint is built or dropped CONCURRENTLY (concurrently(),
** or an online blueprint); lm_online: whether the blueprint is an online
** alter (bp:online()).
*/
void lm_markout (lm_Ctx *c, int undo);
int lm_online (const lm_Ctx *c);
int lm_concurrent (const lm_Ctx *c, const lm_Command *cmd);

/* raise "<what> is not supported on <dialect>" and the SQLite rebuild error */
LM_NORETURN void lm_unsupported (lm_Ctx *c, const char *what);
LM_NORETURN void lm_rebuild (lm_Ctx *c, const char *what);
/*
** With c->rebuild: pushes a rebuild step { op = op, what = what } on the
** stack for the caller to fill, and returns 1; the caller adds it with
** lm_endstep. Without: raises the rebuild error.
*/
int lm_step (lm_Ctx *c, const char *op, const char *what);
void lm_endstep (lm_Ctx *c);

/* shared pieces of column definitions and constraints */
void lm_addcolumn (lm_Ctx *c, const lm_Column *col);   /* name type mods */
/* raises for what no dialect takes (a generated column with a default, ...) */
void lm_checkcolumn (lm_Ctx *c, const lm_Column *col);
void lm_modify_nullable (lm_Ctx *c, const lm_Column *col);  /* [NOT] NULL */
void lm_modify_default (lm_Ctx *c, const lm_Column *col);   /* DEFAULT x */
/* CONSTRAINT "t_c_unsigned" CHECK (c >= 0), "t_c_check" CHECK (c IN (...)) */
void lm_modify_checks (lm_Ctx *c, const lm_Column *col);
void lm_modify_collate (lm_Ctx *c, const lm_Column *col);   /* COLLATE "x" */
/* AS (expr) STORED | VIRTUAL: SQLite's and MySQL's generated columns */
void lm_addgenerated (lm_Ctx *c, const lm_Column *col);   /* the expr only */
void lm_modify_generated (lm_Ctx *c, const lm_Column *col);
/* raise for use_current_on_update(), generated_as() of a column that
   does not auto-increment: for the dialects that have neither */
void lm_modify_no_on_update (lm_Ctx *c, const lm_Column *col);
void lm_modify_no_identity (lm_Ctx *c, const lm_Column *col);
void lm_addtype (lm_Ctx *c, const lm_Column *col);
void lm_adddefault (lm_Ctx *c, const lm_Column *col);  /* the value only */
/* the method that made a column of type 't', for errors: "date_time" */
const char *lm_typename (lm_ColType t);
void lm_addreferences (lm_Ctx *c, const lm_Command *cmd);  /* REFERENCES ... */
void lm_addforeign (lm_Ctx *c, const lm_Command *cmd);  /* CONSTRAINT FOREIGN KEY */
void lm_addcheck (lm_Ctx *c, const lm_Command *cmd);    /* [CONSTRAINT n] CHECK */
void lm_addindex (lm_Ctx *c, const lm_Command *cmd, const char *kind);
/* "(a, b)": the command's columns, or the expression of a raw_index */
void lm_addkeycolumns (lm_Ctx *c, const lm_Command *cmd);
void lm_addusing (lm_Ctx *c, const lm_Command *cmd);   /* " USING x" or none */
/* [NOT] DEFERRABLE [INITIALLY DEFERRED | IMMEDIATE], as the command asks */
void lm_adddeferrable (lm_Ctx *c, const lm_Command *cmd);

/*
** grammar_defaults.c: the base grammar's entries that a dialect also puts in
** another slot than the base does
*/
lm_CmdFn lm_inline (const lm_Grammar *g, lm_CmdKind kind);  /* or the base's */
/* ALTER TABLE t ADD <the constraint as inline_ writes it> */
void lm_compile_alter_add (lm_Ctx *c, const lm_Command *cmd);
/* the command as CREATE TABLE writes it, or NULL: it comes after */
lm_CmdFn lm_inlined (lm_Ctx *c, const lm_Command *cmd);
/* CREATE [UNIQUE ]INDEX (unique() as an index), DROP INDEX */
void lm_compile_create_index (lm_Ctx *c, const lm_Command *cmd);
void lm_compile_drop_index (lm_Ctx *c, const lm_Command *cmd);
/* the command is not supported: "<command>() is not supported on <dialect>" */
LM_NORETURN void lm_no_command (lm_Ctx *c, const lm_Command *cmd);
int lm_hasdefault (const lm_Column *col);
int lm_nodefault (const lm_Column *col);
/* a column's unique()/index() as a command, for the compile_ entries */
lm_Command lm_colcommand (const lm_Column *col, lm_CmdKind kind);
const char *lm_cmdname (lm_CmdKind kind);   /* "unique", ... for errors */
int lm_iequal (const char *a, const char *b);   /* equal, ASCII case aside */

#endif
