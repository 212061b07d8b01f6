/*
** lm_describe.c
** bp:describe(grammar?): everything a Blueprint holds, as a plain Lua
** table, for Lua code that reasons about a migration's schema changes
** without SQL: the model of the schema that `lmigrate sql` builds
** (lua/lmigrate/schema/model.lua) and the safety lint. It only reads the
** blueprint: to_sql still works after it, and it works after to_sql.
** README (bp:describe) has the shape; in short:
**
**   { table, mode = "create" | "create_if_not_exists" | "alter",
**     temporary, engine, charset, collation, comment,
**     columns = { { name, type, ..., seq }, ... },
**     commands = { { kind, name, columns, ..., seq }, ... } }
**
** 'seq' orders columns and commands together as the user gave them.
** With a grammar, each column also has sql_type and sql_default: the
** text that dialect writes for its type and its default value.
*/
#include <string.h>

#include "lmigrate.h"
#include "lm_schema.h"
#include "grammar/grammar.h"


/*
** {======================================================
** Fields of the table at the top of the stack
** =======================================================
*/

/* t[k] = s, unless s is NULL */
static void setstr (lua_State *L, const char *k, const char *s) {
  if (s == NULL) return;
  lua_pushstring(L, s);
  lua_setfield(L, -2, k);
}

static void setint (lua_State *L, const char *k, lua_Integer n) {
  lua_pushinteger(L, n);
  lua_setfield(L, -2, k);
}

static void setbool (lua_State *L, const char *k, unsigned b) {
  lua_pushboolean(L, b != 0);
  lua_setfield(L, -2, k);
}

/* t[k] = { list[0], ..., list[n - 1] }, unless list is NULL */
static void setlist (lua_State *L, const char *k, const char *const *list, int n) {
  int i;
  if (list == NULL) return;
  lua_createtable(L, n, 0);
  for (i = 0; i < n; i++) {
    lua_pushstring(L, list[i]);
    lua_rawseti(L, -2, i + 1);
  }
  lua_setfield(L, -2, k);
}

/* t[k] = s in lower case ("CASCADE" -> "cascade"), unless s is NULL */
static void setlower (lua_State *L, const char *k, const char *s) {
  luaL_Buffer b;
  if (s == NULL) return;
  luaL_buffinit(L, &b);
  for (; *s; s++) {
    char ch = *s;
    luaL_addchar(&b, (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch);
  }
  luaL_pushresult(&b);
  lua_setfield(L, -2, k);
}

/* }====================================================== */


/*
** {======================================================
** Columns
** =======================================================
*/

static const char *const dkinds[] = {
  NULL, "string", "number", "boolean", "raw", "null"
};

/* default = { kind, value }: value the text (a boolean's "true"/"false") */
static void setdefault (lua_State *L, const lm_Column *col) {
  if (col->dkind == LM_D_NONE) return;
  lua_createtable(L, 0, 2);
  setstr(L, "kind", dkinds[col->dkind]);
  if (col->dkind == LM_D_BOOLEAN)
    setstr(L, "value", *col->dvalue == '1' ? "true" : "false");
  else
    setstr(L, "value", col->dvalue);
  lua_setfield(L, -2, "default");
}

static int isspatial (lm_ColType t) {
  return t == LM_T_GEOMETRY || t == LM_T_GEOGRAPHY;
}

/*
** The sizes a column type takes: length (string, char, binary), a
** vector's dimensions, a decimal's total and places (also as precision
** and scale, the SQL words), a float's precision, a time's precision when
** one was given (or Schema's default_time_precision gave one; false: none
** at all); enum and set values; a spatial column's subtype and srid
*/
static void setsizes (lua_State *L, const lm_Column *col) {
  if (col->length > 0)
    setint(L, col->type == LM_T_VECTOR ? "dimensions" : "length", col->length);
  if (col->type == LM_T_DECIMAL) {
    setint(L, "total", col->precision);
    setint(L, "places", col->scale);
    setint(L, "precision", col->precision);
    setint(L, "scale", col->scale);
  }
  else if (col->type == LM_T_FLOAT || (col->flags & LM_F_PRECISION))
    setint(L, "precision", col->precision);
  else if (col->flags & LM_F_NO_PRECISION) {   /* default_time_precision(false) */
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "precision");
  }
  setlist(L, "values", col->enum_values, col->nenum);
  if (isspatial(col->type)) {
    setstr(L, "subtype", col->subtype);
    setint(L, "srid", col->srid);
  }
}

/* identity = { always, options? }: generated_as(options?), always() */
static void setidentity (lua_State *L, const lm_Column *col) {
  if (!(col->flags & LM_F_IDENTITY)) return;
  lua_createtable(L, 0, 2);
  setbool(L, "always", col->flags & LM_F_ALWAYS);
  if (*col->identity) setstr(L, "options", col->identity);
  lua_setfield(L, -2, "identity");
}

/*
** sql_type, sql_default: what grammar 'g' writes for the column's type
** and default value (nil: none); raises as to_sql does for a type the
** dialect does not have
*/
static void setsql (lua_State *L, const lm_Blueprint *bp, const lm_Grammar *g,
                    const lm_Column *col) {
  lm_Ctx c;
  memset(&c, 0, sizeof(c));
  c.L = L; c.g = g; c.bp = bp;
  luaL_buffinit(L, &c.b);
  lm_addtype(&c, col);
  luaL_pushresult(&c.b);
  lua_setfield(L, -2, "sql_type");
  if (lm_nodefault(col)) return;   /* (default(nil) on NOT NULL: none, as the SQL) */
  luaL_buffinit(L, &c.b);
  lm_adddefault(&c, col);
  luaL_pushresult(&c.b);
  lua_setfield(L, -2, "sql_default");
}

/* the flags and texts of a column's modifiers */
static void setmodifiers (lua_State *L, const lm_Column *col) {
  unsigned f = col->flags;
  setbool(L, "nullable", f & LM_F_NULLABLE);
  setbool(L, "nullable_given", f & LM_F_NULLSET);
  setbool(L, "unsigned", f & LM_F_UNSIGNED);
  setbool(L, "auto_increment", f & LM_F_AUTOINC);
  setbool(L, "primary", f & LM_F_PRIMARY);
  if (f & LM_F_UNIQUE) setstr(L, "unique", col->unique_name);
  if (f & LM_F_INDEX) setstr(L, "index", col->index_name);
  setdefault(L, col);
  setbool(L, "use_current", f & LM_F_USE_CURRENT);
  setbool(L, "use_current_on_update", f & LM_F_ON_UPDATE);
  setbool(L, "change", f & LM_F_CHANGE);
  setbool(L, "first", f & LM_F_FIRST);
  setbool(L, "invisible", f & LM_F_INVISIBLE);
  setbool(L, "instant", f & LM_F_INSTANT);
  setstr(L, "lock", col->lock);
  setbool(L, "fixed", f & LM_F_FIXED);
  setbool(L, "foreign_id", f & LM_F_FOREIGN);
  setstr(L, "comment", col->comment);
  setstr(L, "after", col->after);
  setstr(L, "charset", col->charset);
  setstr(L, "collation", col->collation);
  if (col->expr) setstr(L, (f & LM_F_STORED) ? "stored_as" : "virtual_as", col->expr);
  if (f & LM_F_JSON) setbool(L, "json", 1);   /* *_as_json(): expr is a JSON selector */
  setstr(L, "definition", col->definition);
  setidentity(L, col);
  if (col->from) setint(L, "from", col->from);
  setstr(L, "ref_table", col->ref_table);
  setstr(L, "unsafe_ok", col->unsafe_ok);
}

static void pushcolumn (lua_State *L, const lm_Blueprint *bp, const lm_Grammar *g,
                        const lm_Column *col) {
  lua_createtable(L, 0, 24);
  setstr(L, "name", col->name);
  setstr(L, "type", lm_typename(col->type));
  setsizes(L, col);
  setmodifiers(L, col);
  setint(L, "seq", col->seq);
  if (g != NULL) setsql(L, bp, g, col);
}

/* }====================================================== */


/*
** {======================================================
** Commands
** =======================================================
*/

/*
** A command: a raw_index's expression is 'expr' (it has no columns), a
** partial index's WHERE is 'where', a check's expression 'expr'; the
** referential actions are Laravel's words ("cascade", "set null")
*/
static void pushcommand (lua_State *L, const lm_Command *cmd) {
  unsigned f = cmd->flags;
  int raw = (f & LM_K_RAW) != 0;
  lua_createtable(L, 0, 20);
  setstr(L, "kind", raw ? "raw_index" : lm_cmdname(cmd->kind));
  setstr(L, "name", cmd->name);
  if (raw) setstr(L, "expr", cmd->columns[0]);
  else setlist(L, "columns", cmd->columns, cmd->ncolumns);
  if (cmd->expr) setstr(L, cmd->kind == LM_C_CHECK ? "expr" : "where", cmd->expr);
  setstr(L, "to", cmd->to);
  setstr(L, "ref_table", cmd->ref_table);
  setlist(L, "ref_columns", cmd->ref_columns, cmd->nref_columns);
  setlower(L, "on_delete", cmd->on_delete);
  setlower(L, "on_update", cmd->on_update);
  setstr(L, "algorithm", cmd->algorithm);
  setstr(L, "language", cmd->language);
  /* written DEFERRABLE, as lm_adddeferrable writes it */
  setbool(L, "deferrable", !(f & LM_K_NOT_DEFERRABLE) &&
          (f & (LM_K_DEFERRABLE | LM_K_INIT_DEFERRED | LM_K_INIT_IMMEDIATE)));
  setbool(L, "initially_deferred", f & LM_K_INIT_DEFERRED);
  setbool(L, "initially_immediate", f & LM_K_INIT_IMMEDIATE);
  setbool(L, "not_valid", f & LM_K_NOT_VALID);
  setbool(L, "nulls_not_distinct", f & LM_K_NULLS_NOT_DISTINCT);
  setbool(L, "concurrently", f & LM_K_CONCURRENTLY);
  setstr(L, "unsafe_ok", cmd->unsafe_ok);
  setint(L, "seq", cmd->seq);
}

/* }====================================================== */


/*
** t:describe(grammar?) -> the table above
*/
static int bp_describe (lua_State *L) {
  const lm_Blueprint *bp = lm_checkblueprint(L, 1);
  const lm_Grammar *g;
  int i;
  lm_checkargs(L, 2, "describe");
  g = lua_isnoneornil(L, 2) ? NULL : lm_checkgrammar(L, 2);
  lua_createtable(L, 0, 9);
  setstr(L, "table", bp->table);
  setstr(L, "mode", lm_modename(bp->mode));
  setbool(L, "temporary", bp->temporary != 0);
  setstr(L, "engine", bp->engine);
  setstr(L, "charset", bp->charset);
  setstr(L, "collation", bp->collation);
  setstr(L, "comment", bp->comment);
  setbool(L, "online", bp->online);
  lua_createtable(L, bp->ncols, 0);
  for (i = 0; i < bp->ncols; i++) {
    pushcolumn(L, bp, g, &bp->cols[i]);
    lua_rawseti(L, -2, i + 1);
  }
  lua_setfield(L, -2, "columns");
  lua_createtable(L, bp->ncmds, 0);
  for (i = 0; i < bp->ncmds; i++) {
    pushcommand(L, &bp->cmds[i]);
    lua_rawseti(L, -2, i + 1);
  }
  lua_setfield(L, -2, "commands");
  return 1;
}

static const luaL_Reg describe_meth[] = {
  {"describe", bp_describe},
  {NULL, NULL}
};

/* adds describe to the methods of the Blueprint; after lm_open_schema */
int lm_open_describe (lua_State *L) {
  lm_addmethods(L, LM_BLUEPRINT, describe_meth);
  return 0;
}
