/*
** lm_foreign.c
** Keys of the schema builder: the Foreign handle that t:foreign() and
** t:add_foreign() return, the Index handle of t:primary(), t:unique(),
** t:index(), t:fulltext(), ... (lm_schema.c adds their commands), and
** the column methods that make keys: col:constrained(),
** col:references(), col:fulltext(), col:spatial_index().
** lm_open_foreign registers them, after lm_open_column.
*/
#include <string.h>

#include "lmigrate.h"
#include "lm_schema.h"
#include "grammar/grammar.h"


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

/* the command of the Foreign or Index ('tname') handle at 1 */
static lm_Command *checkcmd (lua_State *L, const char *tname, lm_Blueprint **pbp) {
  lm_Blueprint *bp;
  int i = lm_checkhandle(L, tname, &bp);
  if (pbp) *pbp = bp;
  return &bp->cmds[i];
}

#define checkfk(L)   checkcmd(L, LM_FOREIGN, NULL)
#define checkix(L)   checkcmd(L, LM_INDEX, NULL)

/* the optional boolean at 2 (default true) */
static int optbool (lua_State *L, const char *method) {
  lm_checkargs(L, 2, method);
  if (lua_isnoneornil(L, 2)) return 1;
  luaL_checktype(L, 2, LUA_TBOOLEAN);
  return lua_toboolean(L, 2);
}

/* }====================================================== */




/*
** {======================================================
** Column methods that make keys
** =======================================================
*/

/*
** Adds the arguments from 'from' to the top, as a Lua call writes them,
** to 'b': strings quoted, numbers, booleans, nil; anything else "..."
*/
static void addargs (lua_State *L, luaL_Buffer *b, int from, int top) {
  int i;
  for (i = from; i <= top; i++) {
    if (i > from) luaL_addstring(b, ", ");
    switch (lua_type(L, i)) {
      case LUA_TSTRING: {
        const char *s = lua_tostring(L, i);
        if (strlen(s) <= 40 && strpbrk(s, "\"\\\n\r") == NULL) {
          luaL_addchar(b, '"');
          luaL_addstring(b, s);
          luaL_addchar(b, '"');
        }
        else luaL_addstring(b, "...");
        break;
      }
      case LUA_TNUMBER: case LUA_TBOOLEAN: case LUA_TNIL:
        luaL_tolstring(L, i, NULL);
        luaL_addvalue(b);
        break;
      default: luaL_addstring(b, "..."); break;
    }
  }
}

/*
** The Foreign at the top was made by col:'method'(...) (its arguments at
** 2 to 'top'): records the call for the error of a column
** modifier called after it (fk_colmethod)
*/
static int madeby (lua_State *L, lm_Blueprint *bp, const char *method, int top,
                   int nret) {
  luaL_Buffer b;
  lm_Command *cmd = &bp->cmds[bp->ncmds - 1];
  while (top > 1 && lua_isnil(L, top)) top--;
  luaL_buffinit(L, &b);
  luaL_addstring(&b, method);
  luaL_addchar(&b, '(');
  addargs(L, &b, 2, top);
  luaL_addchar(&b, ')');
  luaL_pushresult(&b);
  cmd->made_by = lm_bpstrdup(L, bp, lua_tostring(L, -1));
  lua_pop(L, 1);
  return nret;
}

/*
** Pushes Laravel's default table of a foreign id column: the column's
** name before the last "_<ref>", plural: user_id -> users
*/
static const char *deftable (lua_State *L, const char *column, const char *ref) {
  const char *suffix = lua_pushfstring(L, "_%s", ref);
  const char *p, *cut = NULL;
  luaL_Buffer b;
  for (p = strstr(column, suffix); p != NULL; p = strstr(p + 1, suffix))
    cut = p;
  luaL_buffinit(L, &b);
  lm_addplural(&b, column, cut ? (size_t)(cut - column) : strlen(column));
  luaL_pushresult(&b);
  return lua_tostring(L, -1);
}

/*
** col:constrained(table?, column = "id", index_name?) -> Foreign, on a
** foreign_id, foreign_uuid or foreign_ulid column; the table defaults to
** the plural of the column's name before "_<column>" (user_id -> users),
** index_name names the constraint
*/
static int col_constrained (lua_State *L) {
  lm_Blueprint *bp;
  lm_Column *col = checkcol(L, &bp);
  const char *table, *ref, *name;
  int top = lua_gettop(L);
  lm_checkargs(L, 4, "constrained");
  table = lm_optstr(L, 2, "table name");
  ref = lua_isnoneornil(L, 3) ? "id" : lm_checkstr(L, 3, "column name");
  name = lm_optstr(L, 4, "constraint name");
  if (!(col->flags & LM_F_FOREIGN))
    luaL_error(L, "constrained() needs a foreign_id(), foreign_uuid() or "
               "foreign_ulid() column; %s is not one: use references()", col->name);
  if (table == NULL)   /* foreign_id_for knows its table; else guess */
    table = col->ref_table ? col->ref_table : deftable(L, col->name, ref);
  return madeby(L, bp, "constrained", top, lm_addfk(L, bp, col->name, ref, table, name));
}

/*
** col:references(column, index_name?) -> Foreign: a foreign key on this
** column, its table given by on()
*/
static int col_references (lua_State *L) {
  lm_Blueprint *bp;
  lm_Column *col = checkcol(L, &bp);
  const char *ref, *name;
  int top = lua_gettop(L);
  lm_checkargs(L, 3, "references");
  ref = lm_checkstr(L, 2, "column name");
  name = lm_optstr(L, 3, "constraint name");
  return madeby(L, bp, "references", top, lm_addfk(L, bp, col->name, ref, NULL, name));
}

/*
** col:fulltext(name?), col:spatial_index(name?): the index, after the
** column; true is no name, false none (on a change()d column: dropped)
*/
static int colkey (lua_State *L, lm_CmdKind kind, const char *suffix,
                   const char *method, unsigned undo) {
  lm_Blueprint *bp;
  lm_Column *col = checkcol(L, &bp);
  const char **cols;
  const char *name;
  lm_Command *cmd;
  lm_checkargs(L, 2, method);
  if (lua_isboolean(L, 2) && !lua_toboolean(L, 2)) {
    lm_colundo(L, bp, col, undo);
    lua_settop(L, 1);
    return 1;
  }
  name = lua_isboolean(L, 2) ? NULL : lm_optstr(L, 2, "index name");
  cols = lm_onename(L, bp, col->name);
  name = name ? lm_bpstrdup(L, bp, name) : lm_defname(L, bp, cols, 1, suffix);
  cmd = lm_addcmd(L, bp, kind);
  cmd->columns = cols;
  cmd->ncolumns = 1;
  cmd->name = name;
  lua_settop(L, 1);
  return 1;
}

static int col_fulltext (lua_State *L) {
  return colkey(L, LM_C_FULLTEXT, "fulltext", "fulltext", LM_U_FULLTEXT);
}

static int col_spatial_index (lua_State *L) {
  return colkey(L, LM_C_SPATIAL_INDEX, "spatialindex", "spatial_index", LM_U_SPATIAL);
}

/* }====================================================== */


/*
** {======================================================
** Foreign methods: each returns the same Foreign
** =======================================================
*/

static int fk_references (lua_State *L) {
  lm_Blueprint *bp;
  lm_Command *cmd = checkcmd(L, LM_FOREIGN, &bp);
  int n;
  const char **cols;
  lm_checkargs(L, 2, "references");
  cols = lm_checkcolumns(L, bp, 2, &n);
  cmd->ref_columns = cols;
  cmd->nref_columns = n;
  lua_settop(L, 1);
  return 1;
}

static int fk_on (lua_State *L) {
  lm_Blueprint *bp;
  lm_Command *cmd = checkcmd(L, LM_FOREIGN, &bp);
  lm_checkargs(L, 2, "on");
  cmd->ref_table = lm_bpstrdup(L, bp, lm_checkstr(L, 2, "table name"));
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

/* on_delete(action), on_update(action) and their shorthands */
static int setaction (lua_State *L, int update, const char *action,
                      const char *method) {
  lm_Command *cmd = checkfk(L);
  if (action == NULL) {
    lm_checkargs(L, 2, method);
    action = checkaction(L, 2);
  }
  else lm_checkargs(L, 1, method);
  if (update) cmd->on_update = action;
  else cmd->on_delete = action;
  lua_settop(L, 1);
  return 1;
}

static int fk_on_delete (lua_State *L) { return setaction(L, 0, NULL, "on_delete"); }
static int fk_on_update (lua_State *L) { return setaction(L, 1, NULL, "on_update"); }
static int fk_cascade_on_delete (lua_State *L) {
  return setaction(L, 0, "CASCADE", "cascade_on_delete");
}
static int fk_restrict_on_delete (lua_State *L) {
  return setaction(L, 0, "RESTRICT", "restrict_on_delete");
}
static int fk_null_on_delete (lua_State *L) {
  return setaction(L, 0, "SET NULL", "null_on_delete");
}
static int fk_no_action_on_delete (lua_State *L) {
  return setaction(L, 0, "NO ACTION", "no_action_on_delete");
}
static int fk_cascade_on_update (lua_State *L) {
  return setaction(L, 1, "CASCADE", "cascade_on_update");
}
static int fk_restrict_on_update (lua_State *L) {
  return setaction(L, 1, "RESTRICT", "restrict_on_update");
}
static int fk_null_on_update (lua_State *L) {
  return setaction(L, 1, "SET NULL", "null_on_update");
}
static int fk_no_action_on_update (lua_State *L) {
  return setaction(L, 1, "NO ACTION", "no_action_on_update");
}

/*
** deferrable(on = true), initially_immediate(on = true) (false: deferred),
** initially_deferred(on = true), not_valid(on = true), of a Foreign or an
** Index ('tname'): flag 'yes' when on, 'no' when off
*/
static int setflag (lua_State *L, const char *tname, const char *method,
                    unsigned yes, unsigned no) {
  lm_Command *cmd = checkcmd(L, tname, NULL);
  int on = optbool(L, method);
  cmd->flags &= ~(yes | no);
  cmd->flags |= on ? yes : no;
  lua_settop(L, 1);
  return 1;
}

static int fk_deferrable (lua_State *L) {
  return setflag(L, LM_FOREIGN, "deferrable", LM_K_DEFERRABLE, LM_K_NOT_DEFERRABLE);
}
static int fk_initially_immediate (lua_State *L) {
  return setflag(L, LM_FOREIGN, "initially_immediate", LM_K_INIT_IMMEDIATE,
                 LM_K_INIT_DEFERRED);
}
static int fk_initially_deferred (lua_State *L) {
  return setflag(L, LM_FOREIGN, "initially_deferred", LM_K_INIT_DEFERRED,
                 LM_K_INIT_IMMEDIATE);
}
static int fk_not_valid (lua_State *L) {
  return setflag(L, LM_FOREIGN, "not_valid", LM_K_NOT_VALID, 0);
}

/*
** A column modifier called on a Foreign (foreign_id("user_id"):
** constrained():nullable()): Laravel's ForeignKeyDefinition takes any
** attribute and ignores it, so the column silently stays as it was (NOT
** NULL, no default, ...), the gotcha its docs warn of. lmigrate refuses
** it, saying so and what to write: the modifier before constrained().
** Upvalue 1 is the modifier's name; 1 the Foreign.
*/
static const struct { const char *method, *effect; } effects[] = {
  {"nullable", "leaves %s NOT NULL"}, {"default", "%s gets no default"},
  {"use_current", "%s gets no default"}, {"comment", "%s gets no comment"},
  {"unique", "%s gets no unique index"}, {"index", "%s gets no index"},
  {"primary", "%s is not the primary key"}, {"after", "%s is not placed"},
  {"first", "%s is not placed"}, {"change", "%s is added, not changed"},
  {"charset", "%s gets no charset"}, {"collation", "%s gets no collation"},
  {"unsigned", "%s is not made unsigned"}, {"invisible", "%s stays visible"},
  {NULL, "%s does not get it"}
};

/*
** The method that made column 'name' of the blueprint ("foreign_id",
** "unsigned_big_integer"), or NULL (pushed when it is made of two words)
*/
static const char *colmethod (lua_State *L, const lm_Blueprint *bp, const char *name,
                              int seq) {
  int i;
  for (i = bp->ncols - 1; i >= 0; i--) {
    const lm_Column *col = &bp->cols[i];
    if (col->seq > seq || strcmp(col->name, name) != 0) continue;
    if (col->flags & LM_F_FOREIGN) {
      if (col->type == LM_T_UUID) return "foreign_uuid";
      if (col->type == LM_T_CHAR) return "foreign_ulid";
      return col->ref_table ? "foreign_id_for" : "foreign_id";
    }
    if ((col->flags & LM_F_UNSIGNED) && (col->type == LM_T_DECIMAL ||
                                         lm_serialtype(col->type, 0) == col->type))
      return lua_pushfstring(L, "unsigned_%s", lm_typename(col->type));
    return lm_typename(col->type);
  }
  return NULL;
}

static int fk_colmethod (lua_State *L) {
  const char *method = lua_tostring(L, lua_upvalueindex(1));
  int top = lua_gettop(L);
  lm_Blueprint *bp;
  lm_Command *cmd = checkcmd(L, LM_FOREIGN, &bp);
  const char *column = cmd->columns[0], *made, *effect, *call;
  int i;
  luaL_Buffer b;
  luaL_buffinit(L, &b);   /* the modifier as called: nullable(), default(0) */
  luaL_addstring(&b, method);
  luaL_addchar(&b, '(');
  addargs(L, &b, 2, top);
  luaL_addchar(&b, ')');
  luaL_pushresult(&b);
  call = lua_tostring(L, -1);
  for (i = 0; effects[i].method && strcmp(effects[i].method, method) != 0; i++) {}
  effect = lua_pushfstring(L, effects[i].effect, column);
  made = colmethod(L, bp, column, cmd->seq);
  if (cmd->made_by != NULL) {
    const char *fix = made == NULL ? "..." : lua_pushfstring(L, "%s(%s)", made,
      strcmp(made, "foreign_id_for") == 0 ? "..." : lua_pushfstring(L, "\"%s\"", column));
    const char *maker;   /* "constrained", the made_by's method */
    lua_pushlstring(L, cmd->made_by, strcspn(cmd->made_by, "("));
    maker = lua_tostring(L, -1);
    lm_error(L, "%s() after %s() would change the foreign key, not the column "
             "(Laravel ignores it and %s): call it before %s(): %s:%s:%s",
             method, maker, effect, maker, fix, call, cmd->made_by);
  }
  if (cmd->ncolumns == 1 && made != NULL)
    lm_error(L, "%s() is a column modifier; foreign() makes only the foreign key "
             "(Laravel ignores it there and %s): call it on the column: %s(\"%s\"):%s",
             method, effect, made, column, call);
  lm_error(L, "%s() is a column modifier; foreign() makes only the foreign key "
           "(Laravel ignores it there and %s): to change the column, restate it "
           "with change(): ...(\"%s\"):%s:change()", method,
           cmd->ncolumns == 1 ? effect : "the columns stay as they are", column, call);
  return 0;
}

/*
** __index of the Foreign's methods: a method of Column is fk_colmethod's
** error; any other name the unknown-method error (upvalue 1)
*/
static int fk_missing (lua_State *L) {
  if (lua_type(L, 2) == LUA_TSTRING) {
    luaL_getmetatable(L, LM_COLUMN);
    lua_getfield(L, -1, "__index");
    lua_pushvalue(L, 2);
    if (lua_rawget(L, -2) == LUA_TFUNCTION) {
      lua_pushvalue(L, 2);
      lua_pushcclosure(L, fk_colmethod, 1);
      return 1;
    }
    lua_pop(L, 3);
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_pushvalue(L, 1);
  lua_pushvalue(L, 2);
  if (lua_pcall(L, 2, 1, 0) != LUA_OK) {   /* raised here: at the user's line */
    luaL_where(L, 1);
    lua_insert(L, -2);
    lua_concat(L, 2);
    return lua_error(L);
  }
  return 1;
}

/* }====================================================== */


/*
** {======================================================
** Index methods: each returns the same Index
** =======================================================
*/

/* the command of the Index at 1, which must be one of 'kinds' for 'method' */
static lm_Command *checkkind (lua_State *L, const char *method, unsigned kinds,
                              const char *which, lm_Blueprint **bp) {
  lm_Command *cmd = checkcmd(L, LM_INDEX, bp);
  if (!((1u << cmd->kind) & kinds) || (cmd->flags & LM_K_RAW))
    luaL_error(L, "%s() is only for %s, not %s()", method, which,
               (cmd->flags & LM_K_RAW) ? "raw_index" : lm_cmdname(cmd->kind));
  return cmd;
}

#define KEYS  ((1u << LM_C_PRIMARY) | (1u << LM_C_UNIQUE))

static int ix_algorithm (lua_State *L) {
  lm_Blueprint *bp;
  lm_Command *cmd = checkkind(L, "algorithm", KEYS | (1u << LM_C_INDEX),
                              "primary(), unique() and index()", &bp);
  lm_checkargs(L, 2, "algorithm");
  lm_checkstr(L, 2, "algorithm name");
  cmd->algorithm = lm_optalgorithm(L, bp, 2);
  lua_settop(L, 1);
  return 1;
}

static int ix_language (lua_State *L) {
  lm_Blueprint *bp;
  lm_Command *cmd = checkkind(L, "language", 1u << LM_C_FULLTEXT, "fulltext()", &bp);
  lm_checkargs(L, 2, "language");
  cmd->language = lm_bpstrdup(L, bp, lm_checkstr(L, 2, "language name"));
  lua_settop(L, 1);
  return 1;
}

/* deferrable() and the rest on an Index: unique and primary keys only */
static int ixflag (lua_State *L, const char *method, unsigned kinds,
                   unsigned yes, unsigned no) {
  checkkind(L, method, kinds, kinds == KEYS ? "primary() and unique()" : "unique()",
            NULL);
  return setflag(L, LM_INDEX, method, yes, no);
}

static int ix_deferrable (lua_State *L) {
  return ixflag(L, "deferrable", KEYS, LM_K_DEFERRABLE, LM_K_NOT_DEFERRABLE);
}
static int ix_initially_immediate (lua_State *L) {
  return ixflag(L, "initially_immediate", KEYS, LM_K_INIT_IMMEDIATE,
                LM_K_INIT_DEFERRED);
}
static int ix_initially_deferred (lua_State *L) {
  return ixflag(L, "initially_deferred", KEYS, LM_K_INIT_DEFERRED,
                LM_K_INIT_IMMEDIATE);
}
static int ix_nulls_not_distinct (lua_State *L) {
  return ixflag(L, "nulls_not_distinct", 1u << LM_C_UNIQUE,
                LM_K_NULLS_NOT_DISTINCT, 0);
}

/* }====================================================== */


/*
** {======================================================
** Method tables and registration
** =======================================================
*/

static const luaL_Reg col_meth[] = {
  {"constrained", col_constrained}, {"references", col_references},
  {"fulltext", col_fulltext}, {"full_text", col_fulltext},
  {"spatial_index", col_spatial_index},
  {NULL, NULL}
};

static const luaL_Reg fk_meth[] = {
  {"references", fk_references}, {"on", fk_on},
  {"on_delete", fk_on_delete}, {"on_update", fk_on_update},
  {"cascade_on_delete", fk_cascade_on_delete},
  {"restrict_on_delete", fk_restrict_on_delete},
  {"null_on_delete", fk_null_on_delete},
  {"no_action_on_delete", fk_no_action_on_delete},
  {"cascade_on_update", fk_cascade_on_update},
  {"restrict_on_update", fk_restrict_on_update},
  {"null_on_update", fk_null_on_update},
  {"no_action_on_update", fk_no_action_on_update},
  {"deferrable", fk_deferrable},
  {"initially_immediate", fk_initially_immediate},
  {"initially_deferred", fk_initially_deferred},
  {"not_valid", fk_not_valid},
  {NULL, NULL}
};

static const luaL_Reg ix_meth[] = {
  {"algorithm", ix_algorithm}, {"language", ix_language},
  {"deferrable", ix_deferrable},
  {"initially_immediate", ix_initially_immediate},
  {"initially_deferred", ix_initially_deferred},
  {"nulls_not_distinct", ix_nulls_not_distinct},
  {NULL, NULL}
};

/*
** Registers Foreign and Index, and adds the key methods to Column, which
** lm_open_column registered
*/
int lm_open_foreign (lua_State *L) {
  lm_createmeta(L, LM_FOREIGN, NULL, fk_meth, "foreign key");
  lm_createmeta(L, LM_INDEX, NULL, ix_meth, "index");
  lm_addmethods(L, LM_COLUMN, col_meth);
  /* a column modifier on a Foreign: fk_missing, in front of the unknown-method error */
  luaL_getmetatable(L, LM_FOREIGN);
  lua_getfield(L, -1, "__index");
  lua_getmetatable(L, -1);
  lua_getfield(L, -1, "__index");
  lua_pushcclosure(L, fk_missing, 1);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 3);
  return 0;
}

/* }====================================================== */
