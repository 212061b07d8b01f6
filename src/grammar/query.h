/*
** query.h
** The query builder's grammar: how each dialect writes the statements of
** self.db:table(...) (SELECT, INSERT, UPDATE, DELETE and their variants),
** after Laravel's query grammars. The Lua side (lua/lmigrate/db/query.lua)
** collects a query as plain tables; query.c compiles them with the
** schema grammar's quoting (%I of lm_addf) into SQL whose values are all
** '?' placeholders, and the list of those values in order.
**
** A dialect's schema grammar points at its query grammar (lm_Grammar's
** 'query'); what the dialects write alike is query.c's, what they write
** differently is data here.
*/
#ifndef lm_query_h
#define lm_query_h

#include <string.h>

#include "grammar.h"

/* the operator sets a dialect takes besides the common ones */
#define LM_OPS_SQLITE    (1u << 0)
#define LM_OPS_POSTGRES  (1u << 1)
#define LM_OPS_MYSQL     (1u << 2)

typedef struct lm_QueryGrammar {
  unsigned ops;               /* LM_OPS_*: its own operators */
  /*
  ** insert_or_ignore: the words before the table (INSERT OR IGNORE
  ** INTO, INSERT IGNORE INTO), or NULL: INSERT INTO ... ON CONFLICT DO
  ** NOTHING
  */
  const char *insert_ignore;
  int returning;              /* 1: insert_get_id is INSERT ... RETURNING */
  const char *last_insert_id; /* else: the query reading the id, a column "id" */
  const char *default_values; /* an insert of a row without columns */
  /*
  ** upsert: 1 is MySQL's ON DUPLICATE KEY UPDATE c = VALUES(c) (the
  ** unique columns are the table's own); 0 is ON CONFLICT (unique) DO
  ** UPDATE SET c = "excluded"."c"
  */
  int upsert_duplicate;
  /* a member of a UNION: SQLite's SELECT * FROM (q), else (q) */
  int union_select;
  /*
  ** UPDATE and DELETE with joins, or with ORDER BY/LIMIT: NULL writes
  ** MySQL's own forms (UPDATE a JOIN b ... SET, DELETE a FROM a JOIN b);
  ** else the row id column of a subquery: WHERE "rowid" IN (SELECT
  ** "t"."rowid" FROM ...), SQLite's rowid, PostgreSQL's ctid
  */
  const char *rowid;
  int qualified_set;          /* 1: UPDATE SET keeps "t"."c"; 0: only "c" */
  const char *no_limit;       /* OFFSET without LIMIT needs this LIMIT; NULL: not */
  const char *random;         /* in_random_order() */
  const char *lock_update;    /* lock_for_update(); NULL: ignored (SQLite) */
  const char *lock_share;     /* shared_lock() */
  int distinct_on;            /* distinct(cols): 1 DISTINCT ON (cols); 0 DISTINCT */
  /*
  ** where_date and its kin (date, time, day, month, year: query_where.c's
  ** order): the text before and after the column for each part, and
  ** around the value (SQLite's strftime() is text: cast(? as text));
  ** NULL: nothing
  */
  const char *date_parts[5][2];
  const char *date_value[2];
  /*
  ** where_like: after the column (PostgreSQL's ::text), the operator
  ** without and with case_sensitive; like_glob 1: the second is SQLite's
  ** GLOB, whose pattern is the LIKE one rewritten (query_where.c)
  */
  const char *like_cast;
  const char *like_ops[2];
  int like_glob;
  int json;                   /* how "c->a" reads JSON: LMQ_JSON_* (query_json.c) */
  /*
  ** where_full_text: LMQ_FT_MATCH MySQL's MATCH (cols) AGAINST (? mode),
  ** LMQ_FT_TSQUERY PostgreSQL's (to_tsvector(lang, c) || ...) @@
  ** plainto_tsquery(lang, ?) and its kin, as Laravel's grammars; 0: none
  ** (query_where_dialect.lua refuses the call on SQLite)
  */
  int fulltext;
  /*
  ** update_from: 1 UPDATE t SET ... FROM the joined tables WHERE ... AND
  ** their ON (Laravel's PostgreSQL compileUpdateFrom; SQLite 3.33+ has it
  ** too); 0 the update with its joins (MySQL's UPDATE t JOIN u ON ... SET)
  */
  int update_from;
  /*
  ** where(c, "&", v) and the other bitwise operators: 1 writes
  ** (c & ?)::bool, as Laravel's PostgresGrammar (PostgreSQL takes no
  ** integer for a condition); 0 c & ?
  */
  int bitwise_bool;
} lm_QueryGrammar;

#define LMQ_FT_MATCH    1
#define LMQ_FT_TSQUERY  2

#define LMQ_JSON_EXTRACT  0   /* SQLite: json_extract(c, '$."a"') */
#define LMQ_JSON_UNQUOTE  1   /* MySQL: json_unquote(json_extract(c, '$."a"')) */
#define LMQ_JSON_ARROWS   2   /* PostgreSQL: c->>'a' */

/* lm_query_sqlite, lm_query_postgres, lm_query_mysql: grammar.h */

/*
** {======================================================
** Between query.c (names, values, SELECT), query_where.c (the WHERE,
** HAVING and ON clauses), query_read.c (reading the tables), query_ops.c
** (the operators) and query_write.c (INSERT, UPDATE, DELETE, the Lua
** methods); nothing else includes this
** =======================================================
*/

/* the state of one compilation */
typedef struct QState {
  lua_State *L;
  const lm_Grammar *g;
  const lm_QueryGrammar *qg;
  int binds;            /* stack index of the list of values */
  lua_Integer n;        /* values in it */
  const char *method;   /* the builder method, for errors */
  int placed;           /* 1: errors carry the user's line (g:query_args) */
} QState;

/* the fields of a query table (query.c's header), as lmq_fields names them */
typedef enum QField {
  QF_TBL, QF_AS, QF_COLS, QF_DIST, QF_JOINS, QF_WHERES, QF_GROUPS, QF_HAVINGS, QF_ORDERS,
  QF_LIM, QF_OFF, QF_LOCK, QF_UNIONS, QF_UORDERS, QF_ULIM, QF_UOFF, QF_KIND, QF_N
} QField;

extern const char *const lmq_fields[];

/*
** One buffer: the query (or list) at stack index 't', below the buffer,
** is written into c.b (lm_addf's %I works on c). lmq_init pushes the
** query's fields that are set (a traversal of it, not a lookup per field
** it may lack) between the two: at[f] is the stack index of field f, 0
** when the query has none.
*/
typedef struct Q {
  lm_Ctx c;
  QState *s;
  int t;
  lua_Integer limit;  /* the LIMIT in place of the query's own (first()); -1: its own */
  int at[QF_N];
} Q;

#define B(q)  (&(q)->c.b)

/*
** Adds 'len' bytes: in place when there is room, as luaL_addchar does,
** else by luaL_addlstring (which grows the buffer); a literal's copy then
** compiles to a few moves, not a call and a strlen
*/
static inline void lmq_addlstr (luaL_Buffer *b, const char *s, size_t len) {
  if (b->size - b->n >= len) {
    memcpy(b->b + b->n, s, len);
    b->n += len;
  }
  else luaL_addlstring(b, s, len);
}

/* room for 'len' bytes at the buffer's end: in place, or grown by lauxlib */
static inline char *lmq_room (luaL_Buffer *b, size_t len) {
  return (b->size - b->n >= len) ? b->b + b->n : luaL_prepbuffsize(b, len);
}

/* a string literal's text, its length known */
#define addlit(q, s)  lmq_addlstr(B(q), "" s, sizeof(s) - 1)

/* how the select list of a query is written */
typedef enum Cols { COLS_QUERY, COLS_ROWID, COLS_AGGREGATE } Cols;

/* the aggregate of a compilation: FN(column) */
typedef struct Agg {
  int fn;        /* index in lmq_aggregates */
  int column;    /* stack index of the column ("*", a name, a raw) */
} Agg;

extern const char *const lmq_aggregates[];  /* "count", ..., NULL */

/* raises "lmigrate: query:<method>: <message>" */
LM_NORETURN void lmq_error (QState *s, const char *fmt, ...);
/* a buffer for the table at 't', which is below it */
void lmq_init (Q *q, QState *s, int t);

/* reading the tables (query_read.c): raw, so that a builder's methods never answer */
int lmq_field (lua_State *L, int t, const char *k);   /* pushes t[k] */
const char *lmq_getstr (QState *s, int t, const char *k);  /* or NULL */
int lmq_getbool (lua_State *L, int t, const char *k);
/* the query's own fields (Q's at) */
const char *lmq_qstr (Q *q, QField f);      /* or NULL */
int lmq_qbool (Q *q, QField f);
lua_Integer lmq_qint (Q *q, QField f);      /* -1: nil */
lua_Integer lmq_qlen (Q *q, QField f);      /* of a list; 0: nil */
int lmq_qfield (Q *q, QField f);            /* pushes it (nil: none); its type */
int lmq_elem (Q *q, QField f, lua_Integer i);   /* pushes item i of list f */
int lmq_part (Q *q, QField f, lua_Integer i, const char *k);  /* its k */

/* writes the table at the top (popped) with 'w', in a Q of its own */
typedef void (*Writer) (Q *q);
void lmq_nested (Q *q, Writer w);

/* "a.b as c" as "a"."b" AS "c" ('alias' 0: without AS "c"); "a->k": query_json.c */
void lmq_addname (Q *q, const char *s, size_t len, int alias);
void lmq_adddotted (Q *q, const char *s, const char *e);   /* "t.c" as "t"."c" */


/*
** A column read before it is written: a name, or lmigrate.raw's SQL (its
** text lives on in the table it was read from). Reading a clause's parts
** first and writing them after lets the clause sit above the buffer
** while it is read (the buffer must be at the top when it is added to).
*/
typedef struct Ident {
  const char *s;
  size_t len;
  int raw;
} Ident;

/* query_json.c: a JSON path, read as text, as JSON for a boolean, as a function's arguments */
#define LMQ_JSON_TEXT  0
#define LMQ_JSON_BOOL  1
#define LMQ_JSON_ARGS  2
const char *lmq_jsonarrow (const char *s, const char *e);   /* its first "->", or NULL */
void lmq_addjson (Q *q, const char *s, const char *arrow, const char *e, int mode);
void lmq_addjsonbool (Q *q, int b);
/* where_json_contains (its value read by lmq_popvalue), where_json_length (before its op) */
void lmq_addjsoncontains (Q *q, const Ident *a, int negate, int vkind, const char *raw);
void lmq_addjsonlength (Q *q, const Ident *a);
void lmq_addjsoncontainskey (Q *q, const Ident *a, int negate);   /* where_json_contains_key */
/* update()'s sets of the JSON paths of one column from set i; the set after them */
lua_Integer lmq_addjsonset (Q *q, int sets, lua_Integer i, lua_Integer n, const char *col,
                            const char *arrow);

/* query.c: names, values, raw SQL, subqueries */
void lmq_popident (Q *q, Ident *id);   /* reads the column at the top; pops it */
void lmq_writeident (Q *q, const Ident *id, int alias);
void lmq_addident (Q *q, int alias);   /* writes the column at the top; pops it */
/*
** The value at the top, popped: bound (1, to be written '?') or
** lmigrate.raw (2, its text in '*raw'); 0, leaving it: no SQL value
*/
int lmq_popvalue (Q *q, const char **raw);
void lmq_writevalue (Q *q, int kind, const char *raw);  /* what lmq_popvalue read */
void lmq_addraw (Q *q);       /* { raw|sql = sql, bindings = {} } at the top; pops it */
void lmq_addsubquery (Q *q);  /* "(<select>)" of the query at the top; pops it */
void lmq_addint (Q *q, const char *word, lua_Integer v);  /* 'word' and v's digits */
/*
** The value at the top as a '?' (its value bound) or lmigrate.raw's
** text; pops it. 0: no SQL value, left at the top for lmq_badvalue,
** whose 'fmt' says where it was.
*/
int lmq_addvalue (Q *q);
LM_NORETURN void lmq_badvalue (Q *q, const char *fmt, ...);

/* the parts of a SELECT of the query q->t */
void lmq_addtable (Q *q, int alias);  /* its table (and alias) */
void lmq_addrowsource (Q *q);         /* its alias, else its table */
void lmq_addjoins (Q *q);
void lmq_addorders (Q *q, QField list);
void lmq_addlimit (Q *q, QField lim, QField off);
void lmq_components (Q *q, Cols cols, const Agg *a);  /* one SELECT */
void lmq_select (Q *q);               /* with its unions */
void lmq_aggregate (Q *q, const Agg *a);
/* query_where.c: " WHERE ..." (or HAVING, ON) of the list's clauses */
void lmq_addwhere (Q *q, const char *word, QField list);
/*
** update_from's conditions: the clauses of the list (it has some), in
** parentheses when 'group' and one after the first is an OR
*/
void lmq_addgroup (Q *q, QField list, int group);
/* g:query_operators() */
/* query_ops.c: the operators */
int lmq_checkoperator (Q *q, const char *op);  /* its index; raises for another */
int lmq_bitwisebool (Q *q, int i);
void lmq_writeoperator (Q *q, int i);
int lmq_operators (lua_State *L);

/* }====================================================== */

#endif
