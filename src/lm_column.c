/*
** lm_column.c
** Columns of the schema builder: the column types a Blueprint adds
** (t:string, t:decimal, ...), and the modifiers of the Column handle
** (lm_schema.c makes the handles). lm_open_column registers them;
** lm_foreign.c adds the Foreign handle and col:constrained.
*/
#include <ctype.h>
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

/* an optional boolean argument: absent or nil is 'def' */
static int optbool (lua_State *L, int arg, int def) {
  if (lua_isnoneornil(L, arg)) return def;
  luaL_checktype(L, arg, LUA_TBOOLEAN);
  return lua_toboolean(L, arg);
}

/* an optional integer argument between 'lo' and 'hi' */
static int optrange (lua_State *L, int arg, lua_Integer def, lua_Integer lo,
                     lua_Integer hi, const char *what) {
  lua_Integer n = luaL_optinteger(L, arg, def);
  if (n < lo || n > hi)
    luaL_argerror(L, arg, lua_pushfstring(L, "%s must be between %d and %d",
                                          what, (int)lo, (int)hi));
  return (int)n;
}

/*
** The integer types and their auto-incrementing twins: integer(c, true)
** is increments(c) without unsigned, as in Laravel
*/
static const lm_ColType serials[][2] = {
  {LM_T_INTEGER, LM_T_INCREMENTS}, {LM_T_BIG_INTEGER, LM_T_BIG_INCREMENTS},
  {LM_T_TINY_INTEGER, LM_T_TINY_INCREMENTS},
  {LM_T_SMALL_INTEGER, LM_T_SMALL_INCREMENTS},
  {LM_T_MEDIUM_INTEGER, LM_T_MEDIUM_INCREMENTS}
};

lm_ColType lm_serialtype (lm_ColType t, int serial) {
  size_t i;
  for (i = 0; i < sizeof(serials) / sizeof(serials[0]); i++) {
    if (serials[i][0] == t || serials[i][1] == t) return serials[i][serial != 0];
  }
  return LM_T__COUNT;
}

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
  col->unsigned_check = lm_defname(L, bp, &col->name, 1, "unsigned");
  col->enum_check = lm_pgcheckname(L, bp, col->name);
  return col;
}

/*
** t:<type>(name, ...): a new column named by argument 2, or 'def' when
** that is absent and 'def' is not NULL
*/
static lm_Column *column (lua_State *L, lm_ColType type, unsigned flags,
                          const char *def) {
  lm_Blueprint *bp = lm_checkbp(L);
  const char *name = (def && lua_isnoneornil(L, 2)) ? def : lm_checkname(L, 2);
  return addcol(L, bp, name, type, flags);
}

/* pushes the Column of the blueprint's last column */
static int pushcol (lua_State *L) {
  return lm_pushhandle(L, LM_COLUMN, lm_checkblueprint(L, 1)->ncols - 1);
}

#define COLTYPE(f, type, flags, def) \
  static int f (lua_State *L) { column(L, type, flags, def); return pushcol(L); }

COLTYPE(bp_increments, LM_T_INCREMENTS, LM_F_AUTOINC | LM_F_UNSIGNED, NULL)
COLTYPE(bp_big_increments, LM_T_BIG_INCREMENTS, LM_F_AUTOINC | LM_F_UNSIGNED, NULL)
COLTYPE(bp_tiny_increments, LM_T_TINY_INCREMENTS, LM_F_AUTOINC | LM_F_UNSIGNED, NULL)
COLTYPE(bp_small_increments, LM_T_SMALL_INCREMENTS, LM_F_AUTOINC | LM_F_UNSIGNED, NULL)
COLTYPE(bp_medium_increments, LM_T_MEDIUM_INCREMENTS, LM_F_AUTOINC | LM_F_UNSIGNED, NULL)
COLTYPE(bp_id, LM_T_BIG_INCREMENTS, LM_F_AUTOINC | LM_F_UNSIGNED, "id")
COLTYPE(bp_text, LM_T_TEXT, 0, NULL)
COLTYPE(bp_tiny_text, LM_T_TINY_TEXT, 0, NULL)
COLTYPE(bp_medium_text, LM_T_MEDIUM_TEXT, 0, NULL)
COLTYPE(bp_long_text, LM_T_LONG_TEXT, 0, NULL)
COLTYPE(bp_boolean, LM_T_BOOLEAN, 0, NULL)
COLTYPE(bp_double, LM_T_DOUBLE, 0, NULL)
COLTYPE(bp_date, LM_T_DATE, 0, NULL)
COLTYPE(bp_year, LM_T_YEAR, 0, NULL)
COLTYPE(bp_json, LM_T_JSON, 0, NULL)
COLTYPE(bp_jsonb, LM_T_JSONB, 0, NULL)
COLTYPE(bp_uuid, LM_T_UUID, 0, "uuid")
COLTYPE(bp_inet, LM_T_INET, 0, NULL)
COLTYPE(bp_ip_address, LM_T_INET, 0, "ip_address")
COLTYPE(bp_cidr, LM_T_CIDR, 0, NULL)
COLTYPE(bp_macaddr, LM_T_MACADDR, 0, NULL)
COLTYPE(bp_mac_address, LM_T_MACADDR, 0, "mac_address")
COLTYPE(bp_foreign_id, LM_T_FOREIGN_ID, LM_F_FOREIGN, NULL)
COLTYPE(bp_foreign_uuid, LM_T_UUID, LM_F_FOREIGN, NULL)
COLTYPE(bp_tsvector, LM_T_TSVECTOR, 0, NULL)

static const char *checksql (lua_State *L, int arg);

/*
** t:raw_column(name, definition): a column whose type is the SQL given
** (a string or lmigrate.raw), as Laravel's rawColumn; the modifiers
** apply. t:computed(name, expression): SQL Server's computed column,
** which the grammars refuse, as Laravel's do.
*/
static int sqlcol (lua_State *L, lm_ColType type) {
  lm_Blueprint *bp = lm_checkbp(L);
  const char *name = lm_checkname(L, 2);
  const char *sql = lm_bpstrdup(L, bp, checksql(L, 3));
  addcol(L, bp, name, type, 0)->definition = sql;
  return pushcol(L);
}

static int bp_raw_column (lua_State *L) { return sqlcol(L, LM_T_RAW); }
static int bp_computed (lua_State *L) { return sqlcol(L, LM_T_COMPUTED); }

/*
** t:integer(name, auto_increment = false, unsigned = false) and its
** sizes; t:unsigned_integer(name, auto_increment = false), ...
*/
static int integer (lua_State *L, lm_ColType type, int unsig) {
  int autoinc = optbool(L, 3, 0);
  unsigned flags = (unsig || optbool(L, 4, 0)) ? LM_F_UNSIGNED : 0;
  if (autoinc) {
    type = lm_serialtype(type, 1);
    flags |= LM_F_AUTOINC;
  }
  column(L, type, flags, NULL);
  return pushcol(L);
}

static int bp_integer (lua_State *L) { return integer(L, LM_T_INTEGER, 0); }
static int bp_big_integer (lua_State *L) { return integer(L, LM_T_BIG_INTEGER, 0); }
static int bp_small_integer (lua_State *L) { return integer(L, LM_T_SMALL_INTEGER, 0); }
static int bp_tiny_integer (lua_State *L) { return integer(L, LM_T_TINY_INTEGER, 0); }
static int bp_medium_integer (lua_State *L) { return integer(L, LM_T_MEDIUM_INTEGER, 0); }
static int bp_unsigned_integer (lua_State *L) { return integer(L, LM_T_INTEGER, 1); }
static int bp_unsigned_big_integer (lua_State *L) { return integer(L, LM_T_BIG_INTEGER, 1); }
static int bp_unsigned_small_integer (lua_State *L) { return integer(L, LM_T_SMALL_INTEGER, 1); }
static int bp_unsigned_tiny_integer (lua_State *L) { return integer(L, LM_T_TINY_INTEGER, 1); }
static int bp_unsigned_medium_integer (lua_State *L) { return integer(L, LM_T_MEDIUM_INTEGER, 1); }

/*
** t:string(name, length = 255), t:char(...), t:ulid(name = "ulid",
** length = 26), t:foreign_ulid(name, length = 26) -> Column
*/
static int lengthcol (lua_State *L, lm_ColType type, unsigned flags,
                      const char *def, lua_Integer deflen) {
  int len = checkpositive(L, 3, deflen, "length");
  column(L, type, flags, def)->length = len;
  return pushcol(L);
}

/* string's and char's length by default: 255, or Schema's default_string_length */
static int bp_string (lua_State *L) {
  return lengthcol(L, LM_T_STRING, 0, NULL, lm_checkbp(L)->strlen);
}
static int bp_char (lua_State *L) {
  return lengthcol(L, LM_T_CHAR, 0, NULL, lm_checkbp(L)->strlen);
}
static int bp_ulid (lua_State *L) { return lengthcol(L, LM_T_CHAR, 0, "ulid", 26); }
static int bp_foreign_ulid (lua_State *L) {
  return lengthcol(L, LM_T_CHAR, LM_F_FOREIGN, NULL, 26);
}

/* t:remember_token(): remember_token VARCHAR(100) NULL, as Laravel's */
static int bp_remember_token (lua_State *L) {
  lm_Blueprint *bp = lm_checkbp(L);
  addcol(L, bp, "remember_token", LM_T_STRING, LM_F_NULLABLE)->length = 100;
  return pushcol(L);
}

/* t:binary(name, length?, fixed = false) -> Column */
static int bp_binary (lua_State *L) {
  int len = lua_isnoneornil(L, 3) ? 0 : checkpositive(L, 3, 0, "length");
  int fixed = optbool(L, 4, 0);
  lm_Column *col;
  luaL_argcheck(L, !fixed || len > 0, 4, "a fixed binary needs a length");
  col = column(L, LM_T_BINARY, fixed ? LM_F_FIXED : 0, NULL);
  col->length = len;
  return pushcol(L);
}

/* t:decimal(name, total = 8, places = 2) -> Column */
static int decimal (lua_State *L, unsigned flags) {
  int p = optrange(L, 3, 8, 1, 1000, "total");
  lua_Integer s = luaL_optinteger(L, 4, 2);
  lm_Column *col;
  luaL_argcheck(L, s >= 0 && s <= p, 4, "places must be between 0 and the total");
  col = column(L, LM_T_DECIMAL, flags, NULL);
  col->precision = p;
  col->scale = (int)s;
  return pushcol(L);
}

static int bp_decimal (lua_State *L) { return decimal(L, 0); }
static int bp_unsigned_decimal (lua_State *L) { return decimal(L, LM_F_UNSIGNED); }

/* t:float(name, precision = 53): FLOAT(53) is a DOUBLE, as in Laravel */
static int bp_float (lua_State *L) {
  int p = optrange(L, 3, 53, 1, 53, "precision");
  column(L, LM_T_FLOAT, 0, NULL)->precision = p;
  return pushcol(L);
}

/*
** Sets the time precision at 'arg' (0 to 6); absent, Schema's
** default_time_precision of the blueprint: 0 (the dialect's default, as
** before it existed: not given), 1 to 6 (as if given), or none (Laravel's
** null: no precision written, the database's own default)
*/
static void setprecision (lua_State *L, int arg, lm_Column *col) {
  if (lua_isnoneornil(L, arg)) {
    int def = lm_checkblueprint(L, 1)->timeprec;
    if (def == LM_TIMEPREC_NONE) col->flags |= LM_F_NO_PRECISION;
    else if (def > 0) {
      col->precision = def;
      col->flags |= LM_F_PRECISION;
    }
    return;
  }
  col->precision = optrange(L, arg, 0, 0, 6, "precision");
  col->flags |= LM_F_PRECISION;
}

/* t:date_time(name, precision?), t:time(...), t:timestamp(...), ... */
static int timecol (lua_State *L, lm_ColType type) {
  if (!lua_isnoneornil(L, 3)) optrange(L, 3, 0, 0, 6, "precision");
  setprecision(L, 3, column(L, type, 0, NULL));
  return pushcol(L);
}

static int bp_datetime (lua_State *L) { return timecol(L, LM_T_DATETIME); }
static int bp_datetime_tz (lua_State *L) { return timecol(L, LM_T_DATETIME_TZ); }
static int bp_time (lua_State *L) { return timecol(L, LM_T_TIME); }
static int bp_time_tz (lua_State *L) { return timecol(L, LM_T_TIME_TZ); }
static int bp_timestamp (lua_State *L) { return timecol(L, LM_T_TIMESTAMP); }
static int bp_timestamp_tz (lua_State *L) { return timecol(L, LM_T_TIMESTAMP_TZ); }

/*
** t:timestamps(precision?): created_at, updated_at, nullable, DEFAULT
** CURRENT_TIMESTAMP (the contract's; Laravel's have no default), of the
** type date_time_tz writes; returns both columns. nullable_timestamps is
** its alias, as in Laravel; timestamps_tz the same with timestamp_tz;
** datetimes Laravel's nullable date_time pair, without a default.
*/
static int pair (lua_State *L, lm_ColType type, unsigned flags) {
  lm_Blueprint *bp = lm_checkbp(L);
  if (!lua_isnoneornil(L, 2)) optrange(L, 2, 0, 0, 6, "precision");
  setprecision(L, 2, addcol(L, bp, "created_at", type, LM_F_NULLABLE | flags));
  setprecision(L, 2, addcol(L, bp, "updated_at", type, LM_F_NULLABLE | flags));
  lm_pushhandle(L, LM_COLUMN, bp->ncols - 2);
  lm_pushhandle(L, LM_COLUMN, bp->ncols - 1);
  return 2;
}

static int bp_timestamps (lua_State *L) { return pair(L, LM_T_DATETIME_TZ, LM_F_USE_CURRENT); }
static int bp_timestamps_tz (lua_State *L) { return pair(L, LM_T_TIMESTAMP_TZ, LM_F_USE_CURRENT); }
static int bp_datetimes (lua_State *L) { return pair(L, LM_T_DATETIME, 0); }

/*
** t:soft_deletes(name = "deleted_at", precision?): nullable, of the type
** date_time_tz writes (the contract's TIMESTAMPTZ on PostgreSQL);
** soft_deletes_tz a nullable timestamp_tz, soft_deletes_datetime a
** nullable date_time, as Laravel's
*/
static int softdeletes (lua_State *L, lm_ColType type) {
  if (!lua_isnoneornil(L, 3)) optrange(L, 3, 0, 0, 6, "precision");
  setprecision(L, 3, column(L, type, LM_F_NULLABLE, "deleted_at"));
  return pushcol(L);
}

static int bp_soft_deletes (lua_State *L) { return softdeletes(L, LM_T_DATETIME_TZ); }
static int bp_soft_deletes_tz (lua_State *L) { return softdeletes(L, LM_T_TIMESTAMP_TZ); }
static int bp_soft_deletes_datetime (lua_State *L) { return softdeletes(L, LM_T_DATETIME); }

/*
** t:enum(name, {values}), t:set(name, {values}) -> Column
*/
static int valuescol (lua_State *L, lm_ColType type) {
  lm_Blueprint *bp = lm_checkbp(L);
  const char **vals;
  lm_Column *col;
  int i, n;
  lm_checkname(L, 2);
  luaL_checktype(L, 3, LUA_TTABLE);
  n = lm_checklistlen(L, 3, "values");
  vals = (const char **)lm_bpalloc(L, bp, (size_t)n * sizeof(char *));
  for (i = 0; i < n; i++) {
    lua_geti(L, 3, i + 1);
    if (lua_type(L, -1) != LUA_TSTRING)
      luaL_argerror(L, 3, type == LM_T_ENUM ? "enum values must be strings"
                                            : "set values must be strings");
    vals[i] = lm_bpstrdup(L, bp, lm_checktext(L, -1));
    lua_pop(L, 1);
  }
  col = column(L, type, 0, NULL);
  col->enum_values = vals;
  col->nenum = n;
  return pushcol(L);
}

static int bp_enum (lua_State *L) { return valuescol(L, LM_T_ENUM); }
static int bp_set (lua_State *L) { return valuescol(L, LM_T_SET); }

/* 'a' and 'b' are the same letters, whatever their case */
static int eqnocase (const char *a, const char *b) {
  for (; *a && tolower((unsigned char)*a) == *b; a++, b++) {}
  return *a == '\0' && *b == '\0';
}

/*
** t:geometry(name, subtype?, srid = 0), t:geography(name, subtype?,
** srid = 4326), t:point(name, srid = 0) (Masonite's) -> Column
*/
static int spatial (lua_State *L, lm_ColType type, const char *subtype,
                    int sridarg, lua_Integer defsrid) {
  static const char *const subtypes[] = {
    "point", "linestring", "polygon", "geometrycollection", "multipoint",
    "multilinestring", "multipolygon", NULL
  };
  int srid = optrange(L, sridarg, defsrid, 0, 2147483647, "srid");
  lm_Column *col;
  if (subtype == NULL && !lua_isnoneornil(L, 3)) {
    const char *s = luaL_checkstring(L, 3);
    int i;
    for (i = 0; subtypes[i] && !eqnocase(s, subtypes[i]); i++) {}
    if (subtypes[i] == NULL)
      luaL_argerror(L, 3, "subtype must be point, linestring, polygon, "
                    "geometrycollection, multipoint, multilinestring or multipolygon");
    subtype = subtypes[i];
  }
  col = column(L, type, 0, NULL);
  col->subtype = subtype;
  col->srid = srid;
  return pushcol(L);
}

static int bp_geometry (lua_State *L) { return spatial(L, LM_T_GEOMETRY, NULL, 4, 0); }
static int bp_geography (lua_State *L) { return spatial(L, LM_T_GEOGRAPHY, NULL, 4, 4326); }
static int bp_point (lua_State *L) { return spatial(L, LM_T_GEOMETRY, "point", 3, 0); }

/* t:vector(name, dimensions?) -> Column: pgvector's VECTOR(n) */
static int bp_vector (lua_State *L) {
  int dims = lua_isnoneornil(L, 3) ? 0 : optrange(L, 3, 0, 1, 16000, "dimensions");
  column(L, LM_T_VECTOR, 0, NULL)->length = dims;
  return pushcol(L);
}

/*
** t:morphs(name, index_name?, after?): name_type VARCHAR (255, or
** default_string_length) and name_id
** (an unsigned BIGINT; uuid_morphs a UUID, ulid_morphs a ULID), then one
** index on (name_type, name_id), <table>_<name>_type_<name>_id_index by
** default, as Laravel's
*/
static int morphs (lua_State *L, lm_ColType idtype, unsigned idflags,
                   int idlen, unsigned nullable) {
  lm_Blueprint *bp = lm_checkbp(L);
  const char *name = lm_checkname(L, 2);
  const char *index = lm_optname(L, 3);
  const char *after = lm_optname(L, 4);
  const char **cols = (const char **)lm_bpalloc(L, bp, 2 * sizeof(char *));
  lm_Column *col = addcol(L, bp, lua_pushfstring(L, "%s_type", name), LM_T_STRING,
                          nullable);
  lm_Command *cmd;
  col->length = bp->strlen;
  if (after) col->after = lm_bpstrdup(L, bp, after);
  cols[0] = col->name;
  col = addcol(L, bp, lua_pushfstring(L, "%s_id", name), idtype, idflags | nullable);
  col->length = idlen;
  if (after) col->after = cols[0];
  cols[1] = col->name;
  cmd = lm_addcmd(L, bp, LM_C_INDEX);
  cmd->columns = cols;
  cmd->ncolumns = 2;
  cmd->name = index ? lm_bpstrdup(L, bp, index) : lm_defname(L, bp, cols, 2, "index");
  return 0;
}

/* morphs(), nullable_morphs(): of Schema's default_morph_key_type, as Laravel's */
static int keyedmorphs (lua_State *L, unsigned nullable) {
  switch (lm_checkbp(L)->morphkey) {
    case LM_MORPH_UUID: return morphs(L, LM_T_UUID, 0, 0, nullable);
    case LM_MORPH_ULID: return morphs(L, LM_T_CHAR, 0, 26, nullable);
    default: return morphs(L, LM_T_BIG_INTEGER, LM_F_UNSIGNED, 0, nullable);
  }
}
static int bp_morphs (lua_State *L) { return keyedmorphs(L, 0); }
static int bp_nullable_morphs (lua_State *L) { return keyedmorphs(L, LM_F_NULLABLE); }
static int bp_numeric_morphs (lua_State *L) {
  return morphs(L, LM_T_BIG_INTEGER, LM_F_UNSIGNED, 0, 0);
}
static int bp_nullable_numeric_morphs (lua_State *L) {
  return morphs(L, LM_T_BIG_INTEGER, LM_F_UNSIGNED, 0, LM_F_NULLABLE);
}
static int bp_uuid_morphs (lua_State *L) { return morphs(L, LM_T_UUID, 0, 0, 0); }
static int bp_nullable_uuid_morphs (lua_State *L) {
  return morphs(L, LM_T_UUID, 0, 0, LM_F_NULLABLE);
}
static int bp_ulid_morphs (lua_State *L) { return morphs(L, LM_T_CHAR, 0, 26, 0); }
static int bp_nullable_ulid_morphs (lua_State *L) {
  return morphs(L, LM_T_CHAR, 0, 26, LM_F_NULLABLE);
}

/*
** t:foreign_id_for(model, column?): Laravel's foreignIdFor takes a model;
** here its name or its table. The column is the model's foreign key
** column ("User" and "users" -> user_id, as drop_foreign_id_for reads
** them); constrained() then references the table: the model's plural, or
** the table given
*/
static int bp_foreign_id_for (lua_State *L) {
  lm_Blueprint *bp = lm_checkbp(L);
  const char *model = lm_checkname(L, 2);
  const char *key = lm_modelkey(L, bp, 2);   /* user_id */
  const char *name = lua_isnoneornil(L, 3) ? key : lm_checkname(L, 3);
  lm_Column *col = addcol(L, bp, name, LM_T_FOREIGN_ID, LM_F_FOREIGN);
  if (strpbrk(model, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == NULL)
    col->ref_table = lm_bpstrdup(L, bp, model);   /* a table, as given */
  else {   /* a model: its table is the plural of its key's name */
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    lm_addplural(&b, key, strlen(key) - 3);
    luaL_pushresult(&b);
    col->ref_table = lm_bpstrdup(L, bp, lua_tostring(L, -1));
    lua_pop(L, 1);
  }
  return pushcol(L);
}

/*
** t:after(column, fn) -> the blueprint: Laravel's Blueprint::after, the
** columns fn(t) adds go after 'column', one after the other (MySQL's
** AFTER, in an alter blueprint: where after() means something); a column
** fn places with after() or first() itself keeps its place
*/
static int bp_after (lua_State *L) {
  lm_Blueprint *bp = lm_checkbp(L);
  const char *after = lm_bpstrdup(L, bp, lm_checkname(L, 2));
  int i, first = bp->ncols;
  luaL_checktype(L, 3, LUA_TFUNCTION);
  lua_pushvalue(L, 3);
  lua_pushvalue(L, 1);
  lua_call(L, 1, 0);
  for (i = first; i < bp->ncols; i++) {
    lm_Column *col = &bp->cols[i];
    if (col->after == NULL && !(col->flags & LM_F_FIRST)) col->after = after;
    after = col->name;
  }
  lua_settop(L, 1);
  return 1;
}

/*
** t:remove_column(name) -> the blueprint: Laravel's removeColumn, which
** takes every column of that name out of the blueprint's pending
** additions: no SQL, nothing is dropped (drop_column drops). What other
** methods made of the column stays, as in Laravel (the index of morphs(),
** the key of constrained()); a Column handle to it raises from then on.
*/
static int bp_remove_column (lua_State *L) {
  lm_Blueprint *bp = lm_checkbp(L);
  const char *name;
  int i, n = 0;
  lm_checkargs(L, 2, "remove_column");
  name = lm_checkstr(L, 2, "column name");
  for (i = 0; i < bp->ncols; i++) {
    if (strcmp(bp->cols[i].name, name) != 0) bp->cols[n++] = bp->cols[i];
  }
  bp->ncols = n;
  lua_settop(L, 1);
  return 1;
}

/* }====================================================== */


/*
** {======================================================
** Column methods: each returns the same Column
** =======================================================
*/

static int isinteger (lm_ColType t) {
  return lm_serialtype(t, 0) != LM_T__COUNT;
}

static int isnumeric (lm_ColType t) {
  return isinteger(t) || t == LM_T_DECIMAL || t == LM_T_FLOAT ||
         t == LM_T_DOUBLE || t == LM_T_FOREIGN_ID;
}

/* raises "<method>() needs <what> (users.x)" unless 'ok' */
static void needs (lua_State *L, int ok, const char *method, const char *what) {
  lm_Blueprint *bp;
  lm_Column *col;
  if (ok) return;
  col = checkcol(L, &bp);
  lm_error(L, "%s() needs %s (column %s.%s)", method, what, bp->table, col->name);
}

/* col:nullable(on = true) */
static int col_nullable (lua_State *L) {
  lm_Column *col = checkcol(L, NULL);
  if (optbool(L, 2, 1)) col->flags |= LM_F_NULLABLE;
  else col->flags &= ~LM_F_NULLABLE;
  col->flags |= LM_F_NULLSET;
  lua_settop(L, 1);
  return 1;
}

static int setflag (lua_State *L, unsigned flag) {
  checkcol(L, NULL)->flags |= flag;
  lua_settop(L, 1);
  return 1;
}

/* col:primary(on = true); primary(false) on a change()d column drops the key */
static int col_primary (lua_State *L) {
  lm_Blueprint *bp;
  lm_Column *col = checkcol(L, &bp);
  if (optbool(L, 2, 1)) {
    col->undo &= ~LM_U_PRIMARY;
    return setflag(L, LM_F_PRIMARY);
  }
  col->flags &= ~LM_F_PRIMARY;
  lm_colundo(L, bp, col, LM_U_PRIMARY);
  lua_settop(L, 1);
  return 1;
}
static int col_instant (lua_State *L) { return setflag(L, LM_F_INSTANT); }

/*
** col:lock(mode): Laravel 12's MySQL DDL lock of the column's ALTER TABLE
** (none, shared, default, exclusive): LOCK=NONE, ...; instant():
** ALGORITHM=INSTANT. The server refuses the statement rather than lock
** more; the other dialects have neither and ignore them, as Laravel's do.
*/
static int col_lock (lua_State *L) {
  static const char *const modes[] = {"none", "shared", "default", "exclusive", NULL};
  static const char *const sql[] = {"NONE", "SHARED", "DEFAULT", "EXCLUSIVE"};
  lm_Column *col = checkcol(L, NULL);
  col->lock = sql[luaL_checkoption(L, 2, NULL, modes)];
  lua_settop(L, 1);
  return 1;
}
static int col_first (lua_State *L) { return setflag(L, LM_F_FIRST); }
static int col_invisible (lua_State *L) { return setflag(L, LM_F_INVISIBLE); }

/* col:unsigned(): MySQL UNSIGNED, elsewhere CHECK (c >= 0) */
static int col_unsigned (lua_State *L) {
  needs(L, isnumeric(checkcol(L, NULL)->type), "unsigned", "a numeric column");
  return setflag(L, LM_F_UNSIGNED);
}

/* col:auto_increment(): an integer column becomes its increments twin */
static int col_auto_increment (lua_State *L) {
  lm_Column *col = checkcol(L, NULL);
  needs(L, isinteger(col->type), "auto_increment", "an integer column");
  col->type = lm_serialtype(col->type, 1);
  return setflag(L, LM_F_AUTOINC);
}

/* col:from(n), col:starting_value(n): the auto-increment's first value */
static int col_from (lua_State *L) {
  lm_Column *col = checkcol(L, NULL);
  lua_Integer n = luaL_checkinteger(L, 2);
  luaL_argcheck(L, n >= 1, 2, "the first value must be at least 1");
  col->from = n;
  lua_settop(L, 1);
  return 1;
}

static int istime (lm_ColType t) {
  return t == LM_T_DATETIME || t == LM_T_DATETIME_TZ || t == LM_T_TIMESTAMP ||
         t == LM_T_TIMESTAMP_TZ;
}

/* col:use_current(): DEFAULT CURRENT_TIMESTAMP (a date's CURRENT_DATE, ...) */
static int col_use_current (lua_State *L) {
  lm_Column *col = checkcol(L, NULL);
  needs(L, istime(col->type) || col->type == LM_T_DATE || col->type == LM_T_YEAR,
        "use_current", "a date, year, date_time or timestamp column");
  col->flags |= LM_F_USE_CURRENT;
  col->dkind = LM_D_NONE;
  lua_settop(L, 1);
  return 1;
}

/* col:use_current_on_update(): MySQL's ON UPDATE CURRENT_TIMESTAMP */
static int col_use_current_on_update (lua_State *L) {
  needs(L, istime(checkcol(L, NULL)->type), "use_current_on_update",
        "a date_time or timestamp column");
  return setflag(L, LM_F_ON_UPDATE);
}

static int col_change (lua_State *L) {
  lm_Blueprint *bp;
  lm_Column *col = checkcol(L, &bp);
  if (bp->mode != LM_ALTER)
    luaL_error(L, "change() is only valid when altering a table (schema:table)");
  col->flags |= LM_F_CHANGE;
  /* the name lmigrate gave enum()'s CHECK before it took PostgreSQL's */
  col->enum_check_old = lm_defname(L, bp, &col->name, 1, "enum");
  lm_colundo(L, bp, col, col->undo);
  lua_settop(L, 1);
  return 1;
}

/*
** The drops of lm_colundo, in the order of Laravel's addFluentIndexes:
** each a drop_* given the list {column}, so named by default and, on
** SQLite's rebuild, found by its columns
*/
static const struct { unsigned undo; lm_CmdKind kind; const char *suffix; } undos[] = {
  {LM_U_PRIMARY, LM_C_DROP_PRIMARY, NULL},
  {LM_U_UNIQUE, LM_C_DROP_UNIQUE, "unique"},
  {LM_U_INDEX, LM_C_DROP_INDEX, "index"},
  {LM_U_FULLTEXT, LM_C_DROP_FULLTEXT, "fulltext"},
  {LM_U_SPATIAL, LM_C_DROP_SPATIAL_INDEX, "spatialindex"},
};

void lm_colundo (lua_State *L, lm_Blueprint *bp, lm_Column *col, unsigned undo) {
  size_t i;
  if (!(col->flags & LM_F_CHANGE)) {   /* until change(), if it comes */
    col->undo |= undo;
    return;
  }
  col->undo &= ~undo;
  for (i = 0; i < sizeof(undos) / sizeof(undos[0]); i++) {
    if (undo & undos[i].undo) {
      const char **cols = lm_onename(L, bp, col->name);
      lm_Command *cmd = lm_addcmd(L, bp, undos[i].kind);
      cmd->columns = cols;
      cmd->ncolumns = 1;
      cmd->name = undos[i].suffix ? lm_defname(L, bp, cols, 1, undos[i].suffix) : NULL;
    }
  }
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

/* the SQL text at 'arg': a string or lmigrate.raw(sql) */
static const char *checksql (lua_State *L, int arg) {
  if (luaL_testudata(L, arg, LM_RAW) != NULL) {
    lua_getiuservalue(L, arg, 1);
    lua_replace(L, arg);
  }
  if (lua_type(L, arg) != LUA_TSTRING)
    luaL_typeerror(L, arg, "SQL expression (string or lmigrate.raw(sql))");
  return lm_checkname(L, arg);
}

/*
** col:default(value): a number, string, boolean, nil or lmigrate.null
** (DEFAULT NULL), or lmigrate.raw(sql)
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
    case LUA_TNIL: kind = LM_D_NULL; break;
    case LUA_TNONE:
      return luaL_argerror(L, 2, "a value expected (nil means DEFAULT NULL)");
    default:
      if (lm_isnull(L, 2)) { kind = LM_D_NULL; break; }
      if (luaL_testudata(L, 2, LM_RAW) != NULL) {
        kind = LM_D_RAW;
        v = checksql(L, 2);
        break;
      }
      return luaL_typeerror(L, 2, "number, string, boolean, nil, lmigrate.null "
                                  "or lmigrate.raw(sql)");
  }
  col->dvalue = v ? lm_bpstrdup(L, bp, v) : NULL;
  col->dkind = kind;
  col->flags &= ~LM_F_USE_CURRENT;
  lua_settop(L, 1);
  return 1;
}

/*
** col:unique(name?), col:index(name?); true is no name, and false, as
** Laravel's, no index: on a change()d column, drop the one it has
*/
static int colindex (lua_State *L, unsigned flag, unsigned undo, const char *suffix) {
  lm_Blueprint *bp;
  lm_Column *col = checkcol(L, &bp);
  const char *name;
  if (lua_isboolean(L, 2) && !lua_toboolean(L, 2)) {
    col->flags &= ~flag;
    lm_colundo(L, bp, col, undo);
    lua_settop(L, 1);
    return 1;
  }
  name = lua_isboolean(L, 2) ? NULL : lm_optname(L, 2);
  name = name ? lm_bpstrdup(L, bp, name) : lm_defname(L, bp, &col->name, 1, suffix);
  if (flag == LM_F_UNIQUE) col->unique_name = name;
  else col->index_name = name;
  col->flags |= flag;
  col->undo &= ~undo;
  lua_settop(L, 1);
  return 1;
}

static int col_unique (lua_State *L) {
  return colindex(L, LM_F_UNIQUE, LM_U_UNIQUE, "unique");
}

static int col_index (lua_State *L) {
  return colindex(L, LM_F_INDEX, LM_U_INDEX, "index");
}

/* col:comment(text), col:after(column), col:charset(name), col:collation(name) */
static int settext (lua_State *L, size_t field, int isname) {
  lm_Blueprint *bp;
  lm_Column *col = checkcol(L, &bp);
  const char *s = isname ? lm_checkname(L, 2) : lm_checktext(L, 2);
  *(const char **)((char *)col + field) = lm_bpstrdup(L, bp, s);
  lua_settop(L, 1);
  return 1;
}

static int col_comment (lua_State *L) { return settext(L, offsetof(lm_Column, comment), 0); }
static int col_after (lua_State *L) { return settext(L, offsetof(lm_Column, after), 1); }
static int col_charset (lua_State *L) { return settext(L, offsetof(lm_Column, charset), 1); }
static int col_collation (lua_State *L) { return settext(L, offsetof(lm_Column, collation), 1); }

/*
** col:stored_as(expr), col:virtual_as(expr): a generated column;
** col:stored_as_json(sel), col:virtual_as_json(sel): Laravel's
** storedAsJson/virtualAsJson, the value at the JSON selector "col->path"
** (a selector without "->" is the expression itself, as in Laravel)
*/
static int generated (lua_State *L, unsigned stored, int json) {
  lm_Blueprint *bp;
  lm_Column *col = checkcol(L, &bp);
  lm_JsonPath jp, *p = NULL;
  col->expr = lm_bpstrdup(L, bp, checksql(L, 2));
  if (json && lm_jsonpath(L, bp, col->expr, &jp)) {
    p = (lm_JsonPath *)lm_bpalloc(L, bp, sizeof(jp));
    *p = jp;
  }
  col->json = p;
  col->flags = (col->flags & ~(LM_F_STORED | LM_F_JSON)) | stored | (json ? LM_F_JSON : 0);
  lua_settop(L, 1);
  return 1;
}

static int col_stored_as (lua_State *L) { return generated(L, LM_F_STORED, 0); }
static int col_virtual_as (lua_State *L) { return generated(L, 0, 0); }
static int col_stored_as_json (lua_State *L) { return generated(L, LM_F_STORED, 1); }
static int col_virtual_as_json (lua_State *L) { return generated(L, 0, 1); }

/*
** col:generated_as(options?): a PostgreSQL identity column, GENERATED BY
** DEFAULT AS IDENTITY[ (options)]; col:always(): GENERATED ALWAYS
*/
static int col_generated_as (lua_State *L) {
  lm_Blueprint *bp;
  lm_Column *col = checkcol(L, &bp);
  needs(L, isinteger(col->type), "generated_as", "an integer column");
  col->identity = lua_isnoneornil(L, 2) ? "" : lm_bpstrdup(L, bp, checksql(L, 2));
  return setflag(L, LM_F_IDENTITY);
}

static int col_always (lua_State *L) {
  lm_Column *col = checkcol(L, NULL);
  if (optbool(L, 2, 1)) col->flags |= LM_F_ALWAYS;
  else col->flags &= ~LM_F_ALWAYS;
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
  {"small_increments", bp_small_increments},
  {"medium_increments", bp_medium_increments},
  {"integer_increments", bp_increments},
  {"integer", bp_integer}, {"big_integer", bp_big_integer},
  {"small_integer", bp_small_integer}, {"tiny_integer", bp_tiny_integer},
  {"medium_integer", bp_medium_integer},
  {"unsigned_integer", bp_unsigned_integer},
  {"unsigned_big_integer", bp_unsigned_big_integer},
  {"unsigned_small_integer", bp_unsigned_small_integer},
  {"unsigned_tiny_integer", bp_unsigned_tiny_integer},
  {"unsigned_medium_integer", bp_unsigned_medium_integer},
  {"unsigned_decimal", bp_unsigned_decimal},
  {"unsigned", bp_unsigned_integer},   /* Masonite's t:unsigned("c") */
  {"string", bp_string}, {"char", bp_char},
  {"text", bp_text}, {"tiny_text", bp_tiny_text},
  {"medium_text", bp_medium_text}, {"long_text", bp_long_text},
  {"boolean", bp_boolean}, {"decimal", bp_decimal},
  {"float", bp_float}, {"double", bp_double},
  {"date", bp_date}, {"datetime", bp_datetime}, {"date_time", bp_datetime},
  {"date_time_tz", bp_datetime_tz}, {"datetime_tz", bp_datetime_tz},
  {"time", bp_time}, {"time_tz", bp_time_tz},
  {"timestamp", bp_timestamp}, {"timestamp_tz", bp_timestamp_tz},
  {"year", bp_year},
  {"timestamps", bp_timestamps}, {"nullable_timestamps", bp_timestamps},
  {"timestamps_tz", bp_timestamps_tz}, {"nullable_timestamps_tz", bp_timestamps_tz},
  {"datetimes", bp_datetimes},
  {"soft_deletes", bp_soft_deletes}, {"soft_deletes_tz", bp_soft_deletes_tz},
  {"soft_deletes_datetime", bp_soft_deletes_datetime},
  {"json", bp_json}, {"jsonb", bp_jsonb}, {"uuid", bp_uuid}, {"ulid", bp_ulid},
  {"binary", bp_binary}, {"enum", bp_enum}, {"set", bp_set},
  {"inet", bp_inet}, {"ip_address", bp_ip_address}, {"cidr", bp_cidr},
  {"macaddr", bp_macaddr}, {"mac_address", bp_mac_address},
  {"geometry", bp_geometry}, {"geography", bp_geography}, {"point", bp_point},
  {"vector", bp_vector}, {"tsvector", bp_tsvector},
  {"raw_column", bp_raw_column}, {"computed", bp_computed},
  {"morphs", bp_morphs}, {"nullable_morphs", bp_nullable_morphs},
  {"numeric_morphs", bp_numeric_morphs},
  {"nullable_numeric_morphs", bp_nullable_numeric_morphs},
  {"uuid_morphs", bp_uuid_morphs}, {"nullable_uuid_morphs", bp_nullable_uuid_morphs},
  {"ulid_morphs", bp_ulid_morphs}, {"nullable_ulid_morphs", bp_nullable_ulid_morphs},
  {"remember_token", bp_remember_token},
  {"foreign_id", bp_foreign_id}, {"foreign_uuid", bp_foreign_uuid},
  {"foreign_ulid", bp_foreign_ulid}, {"foreign_id_for", bp_foreign_id_for},
  {"remove_column", bp_remove_column}, {"after", bp_after},
  {NULL, NULL}
};

static const luaL_Reg col_meth[] = {
  {"nullable", col_nullable}, {"unsigned", col_unsigned},
  {"auto_increment", col_auto_increment}, {"from", col_from},
  {"starting_value", col_from}, {"use_current_on_update", col_use_current_on_update},
  {"charset", col_charset}, {"collation", col_collation},
  {"first", col_first}, {"invisible", col_invisible},
  {"instant", col_instant}, {"lock", col_lock},
  {"stored_as", col_stored_as}, {"virtual_as", col_virtual_as},
  {"stored_as_json", col_stored_as_json}, {"virtual_as_json", col_virtual_as_json},
  {"generated_as", col_generated_as}, {"always", col_always},
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
