/*
** lm_schema.h
** Private to the schema builder: what lm_schema.c (the Blueprint and the
** handles to its entries) gives lm_column.c (column types, the Column
** methods), lm_foreign.c (the Foreign and Index methods, the column
** methods that make keys) and lm_alter.c (the alter-only commands). The
** dependency runs one way: lm_schema.c knows nothing of them.
*/
#ifndef lm_schema_h
#define lm_schema_h

#include "lmigrate.h"

/* lm_schema.c: memory owned by the blueprint, freed by its __gc */
void *lm_bpalloc (lua_State *L, lm_Blueprint *bp, size_t n);
const char *lm_bpstrdup (lua_State *L, lm_Blueprint *bp, const char *s);
void *lm_bpgrow (lua_State *L, void *arr, int n, int *cap, size_t sz);

/*
** lm_jsonpath.c: reads the JSON selector 'sel' of virtual_as_json into
** 'jp' (blueprint memory) and returns 1; 0 when it has no "->"
*/
int lm_jsonpath (lua_State *L, lm_Blueprint *bp, const char *sel, lm_JsonPath *jp);

/* lm_schema.c: argument checks */
#define LM_MAXLIST  65535   /* items in a list of columns or enum values */
int lm_checklistlen (lua_State *L, int arg, const char *what);
lm_Blueprint *lm_checkopen (lua_State *L, lm_Blueprint *bp);
/* the blueprint at index 1, still open for changes */
#define lm_checkbp(L)  lm_checkopen(L, lm_checkblueprint(L, 1))
const char *lm_optname (lua_State *L, int arg);
/* a name at 'arg' (lm_checkname), 'what' in the error when not a string */
const char *lm_checkstr (lua_State *L, int arg, const char *what);
const char *lm_optstr (lua_State *L, int arg, const char *what);
const char *lm_checktext (lua_State *L, int arg);
const char **lm_checkcolumns (lua_State *L, lm_Blueprint *bp, int arg,
                              int *n);
const char *lm_defname (lua_State *L, lm_Blueprint *bp,
                        const char *const *cols, int n, const char *suffix);
/* PostgreSQL's own name of a CHECK on 'column': <table>_<column>_check */
const char *lm_pgcheckname (lua_State *L, lm_Blueprint *bp, const char *column);
/* raises unless every argument after 'last' is nil */
void lm_checkargs (lua_State *L, int last, const char *method);
/* an index algorithm at 'arg' (nil: NULL): a bare word, copied */
const char *lm_optalgorithm (lua_State *L, lm_Blueprint *bp, int arg);

/* lm_foreign.c: English's regular plural and singular of 'word' of 'n' bytes */
void lm_addplural (luaL_Buffer *b, const char *word, size_t n);
void lm_addsingular (luaL_Buffer *b, const char *word, size_t n);
/* the foreign key column of the model or table at 'arg' (User -> user_id) */
const char *lm_modelkey (lua_State *L, lm_Blueprint *bp, int arg);

/* lm_schema.c: "create", "create_if_not_exists", "alter" */
const char *lm_modename (lm_BpMode mode);

/* lm_schema.c: a new table-level command */
lm_Command *lm_addcmd (lua_State *L, lm_Blueprint *bp, lm_CmdKind kind);
/* lm_schema.c: a list of one name, copied into the blueprint */
const char **lm_onename (lua_State *L, lm_Blueprint *bp, const char *name);
/*
** lm_schema.c: a foreign key on 'column' referencing 'ref' of 'table'
** (NULL: until on()), named 'name' or by default; pushes its Foreign
*/
int lm_addfk (lua_State *L, lm_Blueprint *bp, const char *column, const char *ref,
              const char *table, const char *name);

/*
** lm_schema.c: handles. lm_pushhandle pushes a Column or Foreign
** ('tname') to entry 'idx' of the blueprint of the value at index 1 (a
** blueprint or a handle); lm_checkhandle checks that index 1 is a 'tname'
** of an open blueprint, sets '*bp' and returns the entry's index.
*/
int lm_pushhandle (lua_State *L, const char *tname, int idx);
int lm_checkhandle (lua_State *L, const char *tname, lm_Blueprint **bp);
/*
** lm_column.c: the index kinds 'undo' (LM_U_*) of column 'col' are to be
** dropped: now, by their default names, when the column is change()d,
** else when change() is called; a column never changed drops nothing
*/
void lm_colundo (lua_State *L, lm_Blueprint *bp, lm_Column *col, unsigned undo);

/* lm_safety.c: pushes a Command handle to the blueprint's last command */
int lm_pushcommand (lua_State *L);

#endif
