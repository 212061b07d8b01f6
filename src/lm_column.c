/*
** lm_column.c
** Columns of the schema builder: the column types a Blueprint adds
** (t:string, t:decimal, ...), and the modifiers of the Column handle
** (lm_schema.c makes the handles). lm_open_column registers them;
** lm_foreign.c adds the Foreign handle and col:constrained.
*/
#include <math.h>
#include <string.h>

#include "lmigrate.h"
#include "lm_schema.h"


/*
** {======================================================
** Handles and argument checks
** =======================================================
*/

static lm_Column *checkcol (lua_State *L, lm_Blueprint **pbp) {
  lm_Blueprint *bp;
  int i = lm_checkhandle(L, LM_COLUMN, &bp);
  if (pbp) *pbp = bp;
  return &bp->cols[i];
}

static int checkpositive (lua_State *L, int arg, lua_Integer def,
                          const char *what) {
  lua_Integer n = luaL_optinteger(L, arg, def);
  if (n <= 0 || n > 65535)
    luaL_argerror(L, arg, lua_pushfstring(L, "%s must be between 1 and 65535",
                                          what));
  return (int)n;
}

/* }====================================================== */


/*
** {======================================================
** Columns
** =======================================================
*/

static lm_Column *addcol (lua_State *L, lm_Blueprint *bp, const char *name,
                          lm_ColType type, unsigned flags) {
  lm_Column *col;
  name = lm_bpstrdup(L, bp, name);
  bp->cols = (lm_Column *)lm_bpgrow(L, bp->cols, bp->ncols, &bp->capcols,
                                    sizeof(lm_Column));
  col = &bp->cols[bp->ncols++];
  memset(col, 0, sizeof(*col));
  col->name = name;
  col->type = type;
  col->flags = flags;
  col->seq = bp->nseq++;
  return col;
}

/* t:<type>(name) -> Column */
static int newcol (lua_State *L, lm_ColType type, unsigned flags) {
  lm_Blueprint *bp = lm_checkbp(L);
  addcol(L, bp, lm_checkname(L, 2), type, flags);
  return lm_pushhandle(L, LM_COLUMN, bp->ncols - 1);
}

/* t:<type>(name = def) -> Column */
static int newcoldef (lua_State *L, lm_ColType type, unsigned flags,
                      const char *def) {
  lm_Blueprint *bp = lm_checkbp(L);
  addcol(L, bp, lua_isnoneornil(L, 2) ? def : lm_checkname(L, 2), type, flags);
  return lm_pushhandle(L, LM_COLUMN, bp->ncols - 1);
}

static int bp_increments (lua_State *L) { return newcol(L, LM_T_INCREMENTS, LM_F_AUTOINC); }
static int bp_big_increments (lua_State *L) { return newcol(L, LM_T_BIG_INCREMENTS, LM_F_AUTOINC); }
static int bp_tiny_increments (lua_State *L) { return newcol(L, LM_T_TINY_INCREMENTS, LM_F_AUTOINC); }
static int bp_id (lua_State *L) { return newcoldef(L, LM_T_BIG_INCREMENTS, LM_F_AUTOINC, "id"); }
static int bp_integer (lua_State *L) { return newcol(L, LM_T_INTEGER, 0); }
static int bp_big_integer (lua_State *L) { return newcol(L, LM_T_BIG_INTEGER, 0); }
static int bp_small_integer (lua_State *L) { return newcol(L, LM_T_SMALL_INTEGER, 0); }
static int bp_tiny_integer (lua_State *L) { return newcol(L, LM_T_TINY_INTEGER, 0); }
static int bp_medium_integer (lua_State *L) { return newcol(L, LM_T_MEDIUM_INTEGER, 0); }
static int bp_unsigned_integer (lua_State *L) { return newcol(L, LM_T_INTEGER, LM_F_UNSIGNED); }
static int bp_unsigned_big_integer (lua_State *L) { return newcol(L, LM_T_BIG_INTEGER, LM_F_UNSIGNED); }
static int bp_text (lua_State *L) { return newcol(L, LM_T_TEXT, 0); }
static int bp_tiny_text (lua_State *L) { return newcol(L, LM_T_TINY_TEXT, 0); }
static int bp_medium_text (lua_State *L) { return newcol(L, LM_T_MEDIUM_TEXT, 0); }
static int bp_long_text (lua_State *L) { return newcol(L, LM_T_LONG_TEXT, 0); }
static int bp_boolean (lua_State *L) { return newcol(L, LM_T_BOOLEAN, 0); }
static int bp_float (lua_State *L) { return newcol(L, LM_T_FLOAT, 0); }
static int bp_double (lua_State *L) { return newcol(L, LM_T_DOUBLE, 0); }
static int bp_date (lua_State *L) { return newcol(L, LM_T_DATE, 0); }
static int bp_datetime (lua_State *L) { return newcol(L, LM_T_DATETIME, 0); }
static int bp_time (lua_State *L) { return newcol(L, LM_T_TIME, 0); }
static int bp_timestamp (lua_State *L) { return newcol(L, LM_T_TIMESTAMP, 0); }
static int bp_year (lua_State *L) { return newcol(L, LM_T_YEAR, 0); }
static int bp_json (lua_State *L) { return newcol(L, LM_T_JSON, 0); }
static int bp_jsonb (lua_State *L) { return newcol(L, LM_T_JSONB, 0); }
static int bp_uuid (lua_State *L) { return newcol(L, LM_T_UUID, 0); }
static int bp_binary (lua_State *L) { return newcol(L, LM_T_BINARY, 0); }
static int bp_inet (lua_State *L) { return newcol(L, LM_T_INET, 0); }
static int bp_cidr (lua_State *L) { return newcol(L, LM_T_CIDR, 0); }
static int bp_macaddr (lua_State *L) { return newcol(L, LM_T_MACADDR, 0); }
static int bp_foreign_id (lua_State *L) { return newcol(L, LM_T_FOREIGN_ID, LM_F_FOREIGN); }
static int bp_foreign_uuid (lua_State *L) { return newcol(L, LM_T_UUID, LM_F_FOREIGN); }
static int bp_soft_deletes (lua_State *L) {
  return newcoldef(L, LM_T_DATETIME, LM_F_NULLABLE, "deleted_at");
}

/* t:string(name, length = 255), t:char(...) -> Column */
static int bp_string (lua_State *L) {
  lm_Blueprint *bp = lm_checkbp(L);
  int len = checkpositive(L, 3, 255, "length");
  addcol(L, bp, lm_checkname(L, 2), LM_T_STRING, 0)->length = len;
  return lm_pushhandle(L, LM_COLUMN, bp->ncols - 1);
}

static int bp_char (lua_State *L) {
  lm_Blueprint *bp = lm_checkbp(L);
  int len = checkpositive(L, 3, 255, "length");
  addcol(L, bp, lm_checkname(L, 2), LM_T_CHAR, 0)->length = len;
  return lm_pushhandle(L, LM_COLUMN, bp->ncols - 1);
}

/* t:decimal(name, precision = 8, scale = 2) -> Column */
static int decimal (lua_State *L, unsigned flags) {
  lm_Blueprint *bp = lm_checkbp(L);
  int p = checkpositive(L, 3, 8, "precision");
  lua_Integer s = luaL_optinteger(L, 4, 2);
  lm_Column *col;
  luaL_argcheck(L, s >= 0 && s <= p, 4, "scale must be between 0 and the precision");
  col = addcol(L, bp, lm_checkname(L, 2), LM_T_DECIMAL, flags);
  col->precision = p;
  col->scale = (int)s;
  return lm_pushhandle(L, LM_COLUMN, bp->ncols - 1);
}

static int bp_decimal (lua_State *L) { return decimal(L, 0); }
static int bp_unsigned_decimal (lua_State *L) { return decimal(L, LM_F_UNSIGNED); }

/*
** t:enum(name, {values}) -> Column
*/
static int bp_enum (lua_State *L) {
  lm_Blueprint *bp = lm_checkbp(L);
  const char *name = lm_checkname(L, 2);
  const char **vals;
  lm_Column *col;
  int i, n;
  luaL_checktype(L, 3, LUA_TTABLE);
  n = lm_checklistlen(L, 3, "values");
  vals = (const char **)lm_bpalloc(L, bp, (size_t)n * sizeof(char *));
  for (i = 0; i < n; i++) {
    lua_geti(L, 3, i + 1);
    if (lua_type(L, -1) != LUA_TSTRING)
      luaL_argerror(L, 3, "enum values must be strings");
    vals[i] = lm_bpstrdup(L, bp, lm_checktext(L, -1));
    lua_pop(L, 1);
  }
  col = addcol(L, bp, name, LM_T_ENUM, 0);
  col->enum_values = vals;
  col->nenum = n;
  return lm_pushhandle(L, LM_COLUMN, bp->ncols - 1);
}

/*
** t:timestamps(): created_at, updated_at, nullable, CURRENT_TIMESTAMP
*/
static int bp_timestamps (lua_State *L) {
  lm_Blueprint *bp = lm_checkbp(L);
  addcol(L, bp, "created_at", LM_T_DATETIME, LM_F_NULLABLE | LM_F_USE_CURRENT);
  addcol(L, bp, "updated_at", LM_T_DATETIME, LM_F_NULLABLE | LM_F_USE_CURRENT);
  return 0;
}

/*
** t:morphs(name): name_id (unsigned integer) and name_type (string),
** each indexed
*/
static int bp_morphs (lua_State *L) {
  lm_Blueprint *bp = lm_checkbp(L);
  const char *name = lm_checkname(L, 2);
  const char *ids = lua_pushfstring(L, "%s_id", name);
  const char *types = lua_pushfstring(L, "%s_type", name);
  lm_Column *col = addcol(L, bp, ids, LM_T_INTEGER, LM_F_UNSIGNED | LM_F_INDEX);
  col->index_name = lm_defname(L, bp, &col->name, 1, "index");
  col = addcol(L, bp, types, LM_T_STRING, LM_F_INDEX);
  col->length = 255;
  col->index_name = lm_defname(L, bp, &col->name, 1, "index");
  return 0;
}

/* }====================================================== */


/*
** {======================================================
** Column methods: each returns the same Column
** =======================================================
*/

/* col:nullable(on = true) */
static int col_nullable (lua_State *L) {
  lm_Column *col = checkcol(L, NULL);
  int on = 1;
  if (!lua_isnoneornil(L, 2)) {
    luaL_checktype(L, 2, LUA_TBOOLEAN);
    on = lua_toboolean(L, 2);
  }
  if (on) col->flags |= LM_F_NULLABLE;
  else col->flags &= ~LM_F_NULLABLE;
  lua_settop(L, 1);
  return 1;
}

static int setflag (lua_State *L, unsigned flag) {
  checkcol(L, NULL)->flags |= flag;
  lua_settop(L, 1);
  return 1;
}

static int col_unsigned (lua_State *L) { return setflag(L, LM_F_UNSIGNED); }
static int col_primary (lua_State *L) { return setflag(L, LM_F_PRIMARY); }

static int col_use_current (lua_State *L) {
  lm_Column *col = checkcol(L, NULL);
  col->flags |= LM_F_USE_CURRENT;
  col->dkind = LM_D_NONE;
  lua_settop(L, 1);
  return 1;
}

static int col_change (lua_State *L) {
  lm_Blueprint *bp;
  lm_Column *col = checkcol(L, &bp);
  if (bp->mode != LM_ALTER)
    luaL_error(L, "change() is only valid when altering a table (schema:table)");
  col->flags |= LM_F_CHANGE;
  lua_settop(L, 1);
  return 1;
}

/*
** Pushes the number at 2 as SQL text (lm_numtext): a float that looks
** like an integer gets a ".0", so that it stays a float default
*/
static const char *numbertext (lua_State *L) {
  const char *s;
  if (lua_isinteger(L, 2)) return lm_pushnumtext(L, 2);
  luaL_argcheck(L, isfinite(lua_tonumber(L, 2)), 2,
                "default must be a finite number");
  s = lm_pushnumtext(L, 2);
  if (strspn(s, "-0123456789") == strlen(s)) {
    lua_pushliteral(L, ".0");
    lua_concat(L, 2);
    s = lua_tostring(L, -1);
  }
  return s;
}

/*
** col:default(value): a number, string, boolean, lmigrate.null or
** lmigrate.raw(sql)
*/
static int col_default (lua_State *L) {
  lm_Blueprint *bp;
  lm_Column *col = checkcol(L, &bp);
  const char *v = NULL;
  lm_DefaultKind kind;
  switch (lua_type(L, 2)) {
    case LUA_TNUMBER: kind = LM_D_NUMBER; v = numbertext(L); break;
    case LUA_TSTRING: kind = LM_D_STRING; v = lm_checktext(L, 2); break;
    case LUA_TBOOLEAN: kind = LM_D_BOOLEAN; v = lua_toboolean(L, 2) ? "1" : "0"; break;
    default:
      if (lm_isnull(L, 2)) { kind = LM_D_NULL; break; }
      if (luaL_testudata(L, 2, LM_RAW) != NULL) {
        lua_getiuservalue(L, 2, 1);
        kind = LM_D_RAW;
        v = lua_tostring(L, -1);
        break;
      }
      return luaL_typeerror(L, 2, "number, string, boolean, lmigrate.null "
                                  "or lmigrate.raw(sql)");
  }
  col->dvalue = v ? lm_bpstrdup(L, bp, v) : NULL;
  col->dkind = kind;
  col->flags &= ~LM_F_USE_CURRENT;
  lua_settop(L, 1);
  return 1;
}

/* col:unique(name?), col:index(name?) */
static int colindex (lua_State *L, unsigned flag, const char *suffix) {
  lm_Blueprint *bp;
  lm_Column *col = checkcol(L, &bp);
  const char *name = lm_optname(L, 2);
  name = name ? lm_bpstrdup(L, bp, name) : lm_defname(L, bp, &col->name, 1, suffix);
  if (flag == LM_F_UNIQUE) col->unique_name = name;
  else col->index_name = name;
  col->flags |= flag;
  lua_settop(L, 1);
  return 1;
}

static int col_unique (lua_State *L) { return colindex(L, LM_F_UNIQUE, "unique"); }
static int col_index (lua_State *L) { return colindex(L, LM_F_INDEX, "index"); }

static int col_comment (lua_State *L) {
  lm_Blueprint *bp;
  lm_Column *col = checkcol(L, &bp);
  col->comment = lm_bpstrdup(L, bp, lm_checktext(L, 2));
  lua_settop(L, 1);
  return 1;
}

static int col_after (lua_State *L) {
  lm_Blueprint *bp;
  lm_Column *col = checkcol(L, &bp);
  col->after = lm_bpstrdup(L, bp, lm_checkname(L, 2));
  lua_settop(L, 1);
  return 1;
}

/* }====================================================== */


/*
** {======================================================
** Method tables and registration
** =======================================================
*/

/* the column types, methods of the Blueprint */
static const luaL_Reg coltype_meth[] = {
  {"increments", bp_increments}, {"big_increments", bp_big_increments},
  {"tiny_increments", bp_tiny_increments}, {"id", bp_id},
  {"integer", bp_integer}, {"big_integer", bp_big_integer},
  {"small_integer", bp_small_integer}, {"tiny_integer", bp_tiny_integer},
  {"medium_integer", bp_medium_integer},
  {"unsigned_integer", bp_unsigned_integer},
  {"unsigned_big_integer", bp_unsigned_big_integer},
  {"unsigned_decimal", bp_unsigned_decimal},
  {"string", bp_string}, {"char", bp_char},
  {"text", bp_text}, {"tiny_text", bp_tiny_text},
  {"medium_text", bp_medium_text}, {"long_text", bp_long_text},
  {"boolean", bp_boolean}, {"decimal", bp_decimal},
  {"float", bp_float}, {"double", bp_double},
  {"date", bp_date}, {"datetime", bp_datetime}, {"time", bp_time},
  {"timestamp", bp_timestamp}, {"year", bp_year},
  {"timestamps", bp_timestamps}, {"soft_deletes", bp_soft_deletes},
  {"json", bp_json}, {"jsonb", bp_jsonb}, {"uuid", bp_uuid},
  {"binary", bp_binary}, {"enum", bp_enum},
  {"inet", bp_inet}, {"ip_address", bp_inet}, {"cidr", bp_cidr},
  {"macaddr", bp_macaddr}, {"mac_address", bp_macaddr},
  {"morphs", bp_morphs}, {"foreign_id", bp_foreign_id},
  {"foreign_uuid", bp_foreign_uuid},
  {NULL, NULL}
};

static const luaL_Reg col_meth[] = {
  {"nullable", col_nullable}, {"unsigned", col_unsigned},
  {"default", col_default}, {"use_current", col_use_current},
  {"unique", col_unique}, {"index", col_index}, {"primary", col_primary},
  {"comment", col_comment}, {"after", col_after}, {"change", col_change},
  {NULL, NULL}
};

/*
** Registers Column, and adds the column types to the methods of the
** Blueprint, which lm_open_schema registered
*/
int lm_open_column (lua_State *L) {
  lm_createmeta(L, LM_COLUMN, NULL, col_meth, "column");
  lm_addmethods(L, LM_BLUEPRINT, coltype_meth);
  return 0;
}

/* }====================================================== */
