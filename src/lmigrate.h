/*
** lmigrate.h
** Shared declarations of the lmigrate C core: metatable names, the
** schema structures a Blueprint collects, and the helpers every part uses.
*/
#ifndef lmigrate_h
#define lmigrate_h

#include <stddef.h>
#include <stdint.h>

#include "lua.h"
#include "lauxlib.h"

#define LM_VERSION "0.1.0"

#if defined(__GNUC__)
#define LM_API __attribute__((visibility("default")))
#else
#define LM_API
#endif

/*
** LM_NORETURN marks a function that raises a Lua error and so never
** returns: the compiler and the static analysers then know that the code
** after a call to it does not run (no "null dereference" after a check
** that raised). lauxlib.h does not mark luaL_error that way (Lua's own
** l_noret is not public API), so such a function raises through lm_error.
*/
#if defined(__GNUC__)
#define LM_NORETURN __attribute__((noreturn))
#else
#define LM_NORETURN
#endif

/* metatable names; luaL_newmetatable sets __name so type errors show them */
#define LM_CONNECTION "lmigrate.Connection"
#define LM_STATEMENT  "lmigrate.Statement"
#define LM_BLUEPRINT  "lmigrate.Blueprint"
#define LM_COLUMN     "lmigrate.Column"
#define LM_FOREIGN    "lmigrate.Foreign"
#define LM_INDEX      "lmigrate.Index"
#define LM_COMMAND    "lmigrate.Command"   /* the other commands (drop_column, check, ...) */
#define LM_GRAMMAR    "lmigrate.Grammar"
#define LM_RAW        "lmigrate.Raw"
#define LM_LOCK       "lmigrate.Lock"

/*
** The lua/ tree inside the executable: lm_embedded.c, written by
** cmake/EmbedLua.cmake, ends the list with a NULL name; lm_main.c puts
** each entry into package.preload.
*/
struct lm_Embedded {
  const char *name;    /* module name: "lmigrate.cli" */
  const char *data;    /* its bytecode (src/tools/lm_dump.c) */
  size_t len;
  const char *chunk;   /* chunk name: "@lua/lmigrate/cli.lua" */
};
extern const struct lm_Embedded lm_embedded[];

/*
** {======================================================
** Schema: what a Blueprint collects, what a grammar compiles
** =======================================================
*/

/* column types of the product contract; a grammar maps each to its SQL */
typedef enum lm_ColType {
  LM_T_INCREMENTS, LM_T_BIG_INCREMENTS, LM_T_TINY_INCREMENTS,
  LM_T_INTEGER, LM_T_BIG_INTEGER, LM_T_SMALL_INTEGER, LM_T_TINY_INTEGER,
  LM_T_MEDIUM_INTEGER,
  LM_T_STRING, LM_T_CHAR,
  LM_T_TEXT, LM_T_TINY_TEXT, LM_T_MEDIUM_TEXT, LM_T_LONG_TEXT,
  LM_T_BOOLEAN, LM_T_DECIMAL, LM_T_FLOAT, LM_T_DOUBLE,
  LM_T_DATE, LM_T_DATETIME, LM_T_TIME, LM_T_TIMESTAMP, LM_T_YEAR,
  LM_T_JSON, LM_T_JSONB, LM_T_UUID, LM_T_BINARY, LM_T_ENUM,
  LM_T_INET, LM_T_CIDR, LM_T_MACADDR,
  LM_T_FOREIGN_ID,
  /* issue 8: the rest of Laravel 12's column types */
  LM_T_SMALL_INCREMENTS, LM_T_MEDIUM_INCREMENTS,
  LM_T_DATETIME_TZ, LM_T_TIME_TZ, LM_T_TIMESTAMP_TZ,
  LM_T_SET, LM_T_GEOMETRY, LM_T_GEOGRAPHY, LM_T_VECTOR,
  /* raw_column(c, sql): 'definition' is the type; tsvector; computed
     (SQL Server's: no dialect here has it) */
  LM_T_RAW, LM_T_TSVECTOR, LM_T_COMPUTED,
  LM_T__COUNT
} lm_ColType;

/*
** lm_column.c: the auto-incrementing twin of an integer type (serial
** true: LM_T_INTEGER -> LM_T_INCREMENTS) or the plain type of one
** (serial false); LM_T__COUNT for a type that is neither
*/
lm_ColType lm_serialtype (lm_ColType t, int serial);

/* column flags */
#define LM_F_NULLABLE     (1u << 0)
#define LM_F_UNSIGNED     (1u << 1)
#define LM_F_AUTOINC      (1u << 2)   /* the increments family */
#define LM_F_PRIMARY      (1u << 3)
#define LM_F_UNIQUE       (1u << 4)
#define LM_F_INDEX        (1u << 5)
#define LM_F_USE_CURRENT  (1u << 6)
#define LM_F_CHANGE       (1u << 7)   /* change(): alter an existing column */
#define LM_F_FOREIGN      (1u << 8)   /* foreign_id/foreign_uuid: constrained() */
#define LM_F_PRECISION    (1u << 9)   /* a time precision was given */
#define LM_F_FIXED        (1u << 10)  /* binary(c, length, fixed = true) */
#define LM_F_FIRST        (1u << 11)  /* first(): MySQL FIRST */
#define LM_F_INVISIBLE    (1u << 12)  /* invisible(): MySQL INVISIBLE */
#define LM_F_ON_UPDATE    (1u << 13)  /* use_current_on_update() */
#define LM_F_STORED       (1u << 14)  /* stored_as(): 'expr' is STORED */
#define LM_F_IDENTITY     (1u << 15)  /* generated_as(): an identity column */
#define LM_F_ALWAYS       (1u << 16)  /* always(): GENERATED ALWAYS */
#define LM_F_NULLSET      (1u << 17)  /* nullable(on) was called */
#define LM_F_JSON         (1u << 18)  /* *_as_json(): 'expr' is a JSON selector */
#define LM_F_INSTANT      (1u << 19)  /* instant(): MySQL ALGORITHM=INSTANT */
/* a time type without any precision (Schema's default_time_precision(false),
   Laravel's null): PostgreSQL's TIMESTAMP with its own default, 6 */
#define LM_F_NO_PRECISION (1u << 20)

/* kinds of default value */
typedef enum lm_DefaultKind {
  LM_D_NONE, LM_D_STRING, LM_D_NUMBER, LM_D_BOOLEAN, LM_D_RAW, LM_D_NULL
} lm_DefaultKind;

/*
** virtual_as_json(sel)/stored_as_json(sel) of a selector with "->"
** (lm_jsonpath.c): "meta->a->tags[0]" is field meta, path
** '$."a"."tags"[0]' (MySQL, SQLite) and keys a, tags, 0 (PostgreSQL)
*/
typedef struct lm_JsonPath {
  const char *field;
  const char *path;
  const char **keys;
  int nkeys;
} lm_JsonPath;

typedef struct lm_Column {
  const char *name;
  lm_ColType type;
  unsigned flags;
  int length;              /* string/char/binary; vector dimensions; 0 = not set */
  int precision, scale;    /* decimal; float and time precision */
  lm_DefaultKind dkind;
  const char *dvalue;      /* string text, number text, "1"/"0", raw SQL */
  const char *comment;     /* NULL = none */
  const char *after;       /* MySQL AFTER; NULL = none */
  const char *unique_name; /* unique(name?): the name, or the default one */
  const char *index_name;  /* index(name?): the name, or the default one */
  const char **enum_values;  /* enum and set */
  int nenum;
  int seq;                 /* position among columns and commands */
  const char *charset, *collation;   /* NULL = the table's */
  const char *expr;        /* stored_as/virtual_as: the generated column's SQL */
  const char *identity;    /* generated_as(options): PostgreSQL's sequence
                              options; "" = none */
  lua_Integer from;        /* from(n): the auto-increment's first value; 0 = not set */
  const char *subtype;     /* geometry/geography: "point", ...; NULL = any */
  const char *definition;  /* raw_column: the type's SQL; computed: its expression */
  const char *lock;        /* lock(mode): MySQL's LOCK=mode of its ALTER; NULL = none */
  const lm_JsonPath *json; /* virtual_as_json/stored_as_json: the selector of
                              'expr' read; NULL = 'expr' is SQL */
  int srid;                /* geometry/geography */
  /*
  ** The names of the CHECKs lmigrate derives where the dialect lacks the
  ** type (unsigned(), enum()): <table>_<column>_unsigned, and enum()'s
  ** PostgreSQL's own <table>_<column>_check (Laravel's, unnamed), so that
  ** change() can drop the old one and add what the new definition needs;
  ** enum_check_old (change() only) the _enum of lmigrate before 2026-12
  */
  const char *unsigned_check, *enum_check, *enum_check_old;
  const char *ref_table;   /* foreign_id_for(table): what constrained() references */
  const char *unsafe_ok;   /* unsafe_ok(why): the lint's findings on it silenced */
  unsigned undo;           /* unique(false), ... before change(): the LM_U_* to drop */
} lm_Column;

/*
** The indexes a column's unique(false), index(false), primary(false),
** fulltext(false) or spatial_index(false) drops (by their default names)
** when the column is change()d, as Laravel's addFluentIndexes does
*/
#define LM_U_PRIMARY  (1u << 0)
#define LM_U_UNIQUE   (1u << 1)
#define LM_U_INDEX    (1u << 2)
#define LM_U_FULLTEXT (1u << 3)
#define LM_U_SPATIAL  (1u << 4)

/* table-level commands, in the order the user gave them */
typedef enum lm_CmdKind {
  LM_C_PRIMARY, LM_C_UNIQUE, LM_C_INDEX, LM_C_FULLTEXT, LM_C_FOREIGN,
  LM_C_CHECK, LM_C_SPATIAL_INDEX,
  /* alter-only */
  LM_C_DROP_COLUMN, LM_C_RENAME_COLUMN, LM_C_DROP_INDEX, LM_C_DROP_UNIQUE,
  LM_C_DROP_FOREIGN, LM_C_DROP_PRIMARY, LM_C_DROP_FULLTEXT,
  LM_C_DROP_SPATIAL_INDEX, LM_C_RENAME_INDEX, LM_C_RENAME,
  LM_C_VALIDATE_FOREIGN, LM_C_VALIDATE_CHECK,
  LM_C__COUNT
} lm_CmdKind;

/* command flags */
#define LM_K_RAW             (1u << 0)  /* raw_index: columns[0] is SQL */
#define LM_K_DEFERRABLE      (1u << 1)  /* deferrable() */
#define LM_K_NOT_DEFERRABLE  (1u << 2)  /* deferrable(false) */
#define LM_K_INIT_DEFERRED   (1u << 3)  /* initially_deferred() */
#define LM_K_INIT_IMMEDIATE  (1u << 4)  /* initially_immediate() */
#define LM_K_NOT_VALID       (1u << 5)  /* not_valid(): existing rows unchecked */
#define LM_K_NULLS_NOT_DISTINCT (1u << 6)  /* nulls_not_distinct() */
#define LM_K_CONCURRENTLY    (1u << 7)  /* concurrently(): CREATE/DROP INDEX CONCURRENTLY */

typedef struct lm_Command {
  lm_CmdKind kind;
  const char *name;        /* given or default; NULL: primary, check unnamed;
                              rename_index: the old name */
  const char **columns;    /* the columns it covers; a drop_* given a list:
                              that list (name is their default name) */
  int ncolumns;
  const char *expr;        /* CHECK expression, partial index WHERE */
  const char *to;          /* rename_column, rename_index, rename target */
  /* rename_column: <table>_<from>_unsigned and <table>_<to>_unsigned, the
     name of unsigned()'s CHECK before and after (PostgreSQL renames it) */
  const char *check_from, *check_to;
  /* foreign keys */
  const char *ref_table;
  const char **ref_columns;
  int nref_columns;
  const char *on_delete, *on_update;  /* SQL text: "CASCADE", ... */
  int seq;                 /* position among columns and commands */
  /* indexes */
  const char *algorithm;   /* index(..., algorithm): USING; NULL = default */
  const char *language;    /* fulltext():language(); NULL = "english" */
  unsigned flags;          /* LM_K_* */
  const char *unsafe_ok;   /* unsafe_ok(why): the lint's findings on it silenced */
  /*
  ** A foreign key a column made: the call that made it, as the user wrote
  ** it ("constrained()", "references(\"id\")"), for the error of a column
  ** modifier called on the key; NULL: foreign(), add_foreign()
  */
  const char *made_by;
} lm_Command;

typedef enum lm_BpMode { LM_CREATE, LM_CREATE_IF_NOT_EXISTS, LM_ALTER } lm_BpMode;

typedef struct lm_Arena lm_Arena;   /* blocks freed with the blueprint */

typedef struct lm_Blueprint {
  const char *table;
  lm_BpMode mode;
  lm_Column *cols;
  int ncols, capcols;
  lm_Command *cmds;
  int ncmds, capcmds;
  const char *comment;     /* table_comment(), comment(); NULL = none */
  const char *engine;      /* engine(), charset(), collation(): NULL = none */
  const char *charset, *collation;
  int temporary;           /* temporary(): CREATE TEMPORARY TABLE */
  lm_Arena *arena;
  int built;               /* 1 once to_sql or <close> consumed it */
  int nseq;                /* next seq number */
  int closed;              /* __close already ran */
  int online;              /* online(): an alter compiles to its safe forms
                              (an online = true migration; lm_safety.c) */
  int strlen;              /* string()'s and char()'s length when none is given */
  int morphkey;            /* what morphs() makes: LM_MORPH_* */
  int timeprec;            /* a time type's precision when none is given:
                              0 the dialect's default (Laravel's 0), 1 to 6,
                              LM_TIMEPREC_NONE none (Laravel's null) */
} lm_Blueprint;

/* Laravel's Builder::$defaultTimePrecision = null, as core.schema_defaults takes it */
#define LM_TIMEPREC_NONE  (-1)

/* Laravel's Builder::$defaultMorphKeyType, as core.schema_defaults takes it */
enum { LM_MORPH_INT, LM_MORPH_UUID, LM_MORPH_ULID };

/* }====================================================== */

/* SQL NULL as a Lua value: a light userdata NULL */
#define lm_pushnull(L)   lua_pushlightuserdata(L, NULL)
#define lm_isnull(L,i)   (lua_islightuserdata(L, (i)) && lua_touserdata(L, (i)) == NULL)

/* lm_aux.c: the environment/database error channel: pushes nil, msg, code */
int lm_fail (lua_State *L, const char *msg, const char *code);
/* lm_aux.c: luaL_error, declared not to return */
LM_NORETURN void lm_error (lua_State *L, const char *fmt, ...);
/* lm_aux.c: pushes nil, "wrong number of parameters: the SQL takes N, got M" */
int lm_failparams (lua_State *L, int expected, int got);
/* raises unless the string at 'arg' is free of NUL bytes; returns it */
const char *lm_checkname (lua_State *L, int arg);

/*
** lm_aux.c: the one way a number becomes text (SQL, COPY, JSON). A float
** is the shortest of %.15g, %.16g, %.17g that reads back equal, with '.'
** for a locale's decimal comma; NaN and the infinities are "NaN",
** "Infinity", "-Infinity" (PostgreSQL's spelling), which SQL literals and
** JSON refuse before asking. 'buf' holds LM_NUMBUF bytes; returns the
** length. An integer is its digits (lm_inttext, NUL-terminated too).
** lm_pushnumtext pushes the text of the number at 'idx', an integer as
** such.
*/
#define LM_NUMBUF 32
size_t lm_numtext (char *buf, lua_Number x);
size_t lm_inttext (char *buf, lua_Integer v);
const char *lm_pushnumtext (lua_State *L, int idx);

/* lm_aux.c: SQL text is only ever built through these */
void lm_quote_ident (luaL_Buffer *b, const char *name, char q);
/* the first 'len' bytes of 'name' (a part of a dotted name), quoted as lm_quote_ident does */
void lm_quote_identn (luaL_Buffer *b, const char *name, size_t len, char q);
void lm_quote_lit (luaL_Buffer *b, const char *s);

/*
** lm_aux.c: metatable 'tname' with the metamethods 'meta' (NULL: none)
** and, unless 'meth' is NULL, an __index holding the methods 'meth'.
** With 'what', reading a method that is not there raises "unknown <what>
** method 'x'" instead of giving nil. Leaves the stack as it was.
*/
void lm_createmeta (lua_State *L, const char *tname, const luaL_Reg *meta,
                    const luaL_Reg *meth, const char *what);
/* lm_aux.c: adds 'meth' to the methods of the metatable 'tname' */
void lm_addmethods (lua_State *L, const char *tname, const luaL_Reg *meth);

/*
** {======================================================
** SQL text: one scanner for every dialect (lm_sql.c)
** =======================================================
*/

/* how a dialect writes its SQL text */
typedef struct lm_SqlRules {
  const char *strquote;  /* the quotes of string literals: "'" */
  const char *idquote;   /* of quoted identifiers; '[' is closed by ']' */
  unsigned flags;        /* LM_SQL_* */
} lm_SqlRules;

#define LM_SQL_BACKSLASH  (1u << 0)  /* a backslash escapes in every string */
#define LM_SQL_ESTRING    (1u << 1)  /* E'...': a string with escapes */
#define LM_SQL_DOLLAR     (1u << 2)  /* $tag$ ... $tag$ */
#define LM_SQL_NESTED     (1u << 3)  /* block comments nest */
#define LM_SQL_HASH       (1u << 4)  /* '#' starts a line comment */
#define LM_SQL_DASHBLANK  (1u << 5)  /* '--' is one only before a blank */
#define LM_SQL_QQ         (1u << 6)  /* '??' is a literal '?' */

extern const lm_SqlRules lm_sql_sqlite, lm_sql_postgres, lm_sql_mysql;

typedef enum lm_TokKind {
  LM_TK_SPACE, LM_TK_COMMENT,
  LM_TK_WORD,      /* a bare word: keyword, identifier, number */
  LM_TK_IDENT,     /* a quoted identifier */
  LM_TK_STRING,    /* a string literal, dollar quotes included */
  LM_TK_PARAM,     /* '?' */
  LM_TK_QMARK,     /* '??' under LM_SQL_QQ */
  LM_TK_PUNCT      /* any other byte */
} lm_TokKind;

/*
** The token at 'p' of the text 'sql'..'end' (sql <= p < end): sets
** '*kind' and returns where it ends. An unclosed quote or comment runs
** to the end.
*/
const char *lm_sqltoken (const lm_SqlRules *r, const char *sql, const char *p,
                         const char *end, lm_TokKind *kind);
/* the number of '?' placeholders of 'sql' */
int lm_sqlparams (const lm_SqlRules *r, const char *sql, size_t len);
/*
** Pushes 'sql' with its placeholders replaced, the n-th (from 1) by the
** value 'f' pushes, a '??' (LM_SQL_QQ) by '?'; returns their number
*/
typedef void (*lm_ParamFn) (lua_State *L, int n, void *ud);
int lm_sqlreplace (lua_State *L, const lm_SqlRules *r, const char *sql,
                   size_t len, lm_ParamFn f, void *ud);
/* core.tokenize */
int lm_open_sql (lua_State *L);

/* }====================================================== */

/* lm_util.c: file system, clocks and hashing for the runtime */
int lm_open_util (lua_State *L);
/* lm_util.c: the 64-bit FNV-1a hash of 's' (checksums, shortened names) */
uint64_t lm_fnv1a (const void *s, size_t len);

/* lm_schema.c: the Blueprint, its table-level commands, Raw */
int lm_open_schema (lua_State *L);
lm_Blueprint *lm_checkblueprint (lua_State *L, int arg);

/* lm_alter.c: the Blueprint's alter-only commands; after lm_open_schema */
int lm_open_alter (lua_State *L);

/* lm_column.c: column types (Blueprint methods) and Column; after
   lm_open_schema */
int lm_open_column (lua_State *L);

/* lm_add_column.c: Blueprint:add_column; after lm_open_column */
int lm_open_add_column (lua_State *L);

/* lm_foreign.c: Foreign and col:constrained; after lm_open_column */
int lm_open_foreign (lua_State *L);

/* lm_safety.c: unsafe_ok, concurrently, validate_*, online, the Command
   handle; after lm_open_foreign */
int lm_open_safety (lua_State *L);

/* lm_hash.c: core.bcrypt, core.bcrypt_check (lmigrate.hash) */
int lm_open_hash (lua_State *L);
/* lm_str.c: core.plural, singular, unixms, random_bytes (lmigrate.str) */
int lm_open_str (lua_State *L);
/* lm_digest.c: core.digest (md5, sha1, sha256: lmigrate.md5, sha1, digest) */
int lm_open_digest (lua_State *L);

/* lm_describe.c: bp:describe(); after lm_open_schema */
int lm_open_describe (lua_State *L);

/* grammar/grammar.c */
int lm_open_grammar (lua_State *L);
/* grammar/query.c: the query builder's methods of Grammar; after lm_open_grammar */
int lm_open_query (lua_State *L);
/* lm_query_build.c: core.query_build(M), the query builder's hot methods
   in C (lua/lmigrate/db/query.lua installs them) */
int lm_open_query_build (lua_State *L);

/* driver/driver.c */
int lm_open_driver (lua_State *L);

LM_API int luaopen_lmigrate_core (lua_State *L);

#endif
