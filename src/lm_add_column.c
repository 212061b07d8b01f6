/*
** lm_add_column.c
** t:add_column(type, name, params): Laravel's Blueprint::addColumn, a
** column made by name. It calls the blueprint's own column methods
** (lm_column.c) and column modifiers through Lua, so each type and each
** modifier keeps one implementation; this file holds only the names it
** takes and the order it applies them in.
*/
#include <ctype.h>
#include <string.h>

#include "lmigrate.h"
#include "lm_schema.h"

/*
** {======================================================
** add_column(type, name, params): Laravel's Blueprint::addColumn
** =======================================================
*/

/*
** The column types add_column takes: Laravel's type names (addColumn's
** 'bigInteger', 'dateTimeTz', 'ipAddress', 'raw', ...) and the
** blueprint's column methods (big_integer, unsigned_big_integer, ...),
** compared without case and '_' ('key'), as PHP finds Laravel's
** type<Name> methods whatever their case. Each is its method called with
** the parameters named in 'params', in that order, after the name;
** 'autoinc' and 'unsig' are the defaults of an integer type's two.
*/
typedef struct AddType {
  const char *key, *method;
  const char *params[3];
  signed char autoinc, unsig;   /* -1: not an integer type */
} AddType;

#define INTP  {"auto_increment", "unsigned", NULL}
static const AddType addtypes[] = {
  {"integer", "integer", INTP, 0, 0}, {"biginteger", "big_integer", INTP, 0, 0},
  {"mediuminteger", "medium_integer", INTP, 0, 0},
  {"smallinteger", "small_integer", INTP, 0, 0},
  {"tinyinteger", "tiny_integer", INTP, 0, 0},
  {"unsignedinteger", "integer", INTP, 0, 1}, {"unsigned", "integer", INTP, 0, 1},
  {"unsignedbiginteger", "big_integer", INTP, 0, 1},
  {"unsignedmediuminteger", "medium_integer", INTP, 0, 1},
  {"unsignedsmallinteger", "small_integer", INTP, 0, 1},
  {"unsignedtinyinteger", "tiny_integer", INTP, 0, 1},
  {"increments", "integer", INTP, 1, 1}, {"integerincrements", "integer", INTP, 1, 1},
  {"bigincrements", "big_integer", INTP, 1, 1}, {"id", "big_integer", INTP, 1, 1},
  {"mediumincrements", "medium_integer", INTP, 1, 1},
  {"smallincrements", "small_integer", INTP, 1, 1},
  {"tinyincrements", "tiny_integer", INTP, 1, 1},
  {"string", "string", {"length"}, -1, -1}, {"char", "char", {"length"}, -1, -1},
  {"text", "text", {NULL}, -1, -1}, {"tinytext", "tiny_text", {NULL}, -1, -1},
  {"mediumtext", "medium_text", {NULL}, -1, -1}, {"longtext", "long_text", {NULL}, -1, -1},
  {"boolean", "boolean", {NULL}, -1, -1},
  {"decimal", "decimal", {"total", "places"}, -1, -1},
  {"unsigneddecimal", "unsigned_decimal", {"total", "places"}, -1, -1},
  {"float", "float", {"precision"}, -1, -1}, {"double", "double", {NULL}, -1, -1},
  {"date", "date", {NULL}, -1, -1}, {"year", "year", {NULL}, -1, -1},
  {"datetime", "datetime", {"precision"}, -1, -1},
  {"datetimetz", "datetime_tz", {"precision"}, -1, -1},
  {"time", "time", {"precision"}, -1, -1}, {"timetz", "time_tz", {"precision"}, -1, -1},
  {"timestamp", "timestamp", {"precision"}, -1, -1},
  {"timestamptz", "timestamp_tz", {"precision"}, -1, -1},
  {"json", "json", {NULL}, -1, -1}, {"jsonb", "jsonb", {NULL}, -1, -1},
  {"uuid", "uuid", {NULL}, -1, -1}, {"ulid", "ulid", {"length"}, -1, -1},
  {"binary", "binary", {"length", "fixed"}, -1, -1},
  {"enum", "enum", {"allowed"}, -1, -1}, {"set", "set", {"allowed"}, -1, -1},
  {"ipaddress", "ip_address", {NULL}, -1, -1}, {"inet", "inet", {NULL}, -1, -1},
  {"cidr", "cidr", {NULL}, -1, -1},
  {"macaddress", "mac_address", {NULL}, -1, -1}, {"macaddr", "macaddr", {NULL}, -1, -1},
  {"geometry", "geometry", {"subtype", "srid"}, -1, -1},
  {"geography", "geography", {"subtype", "srid"}, -1, -1},
  {"point", "point", {"srid"}, -1, -1},
  {"vector", "vector", {"dimensions"}, -1, -1}, {"tsvector", "tsvector", {NULL}, -1, -1},
  {"raw", "raw_column", {"definition"}, -1, -1},
  {"rawcolumn", "raw_column", {"definition"}, -1, -1},
  {"computed", "computed", {"expression"}, -1, -1},
  {"foreignid", "foreign_id", {NULL}, -1, -1}, {"foreignuuid", "foreign_uuid", {NULL}, -1, -1},
  {"foreignulid", "foreign_ulid", {"length"}, -1, -1},
  {NULL, NULL, {NULL}, 0, 0}
};
#undef INTP

/*
** The column modifiers add_column's parameters may name (Laravel's
** ColumnDefinition is a Fluent: ['nullable' => true, 'default' => 0]),
** applied in this order whatever the table's: default before
** use_current, which wins as in Laravel's grammars, and change() last.
** FLAG: true calls it, false not; ARG: the value is its argument (a
** boolean or a name: nullable(false), unique("name")); VALUE: its
** argument; OPT: true calls it without one, false not, else with it.
*/
enum { M_FLAG, M_ARG, M_VALUE, M_OPT };
static const struct { const char *name; int kind; } addmods[] = {
  {"nullable", M_ARG}, {"unsigned", M_FLAG}, {"auto_increment", M_FLAG},
  {"charset", M_VALUE}, {"collation", M_VALUE}, {"default", M_VALUE},
  {"use_current", M_FLAG}, {"use_current_on_update", M_FLAG},
  {"generated_as", M_OPT}, {"always", M_ARG},
  {"stored_as", M_VALUE}, {"virtual_as", M_VALUE},
  {"stored_as_json", M_VALUE}, {"virtual_as_json", M_VALUE},
  {"from", M_VALUE}, {"starting_value", M_VALUE}, {"comment", M_VALUE},
  {"after", M_VALUE}, {"first", M_FLAG}, {"invisible", M_FLAG},
  {"instant", M_FLAG}, {"lock", M_VALUE},
  {"primary", M_ARG}, {"unique", M_ARG}, {"index", M_ARG},
  {"fulltext", M_ARG}, {"full_text", M_ARG}, {"spatial_index", M_ARG},
  {"unsafe_ok", M_VALUE}, {"change", M_FLAG},
  {NULL, 0}
};

/* 'name' lowercased without '_', in 'out' of 'size' bytes ("" when too long) */
static void typekey (const char *name, char *out, size_t size) {
  size_t n = 0;
  for (; *name; name++) {
    if (*name == '_') continue;
    if (n + 1 >= size) { n = 0; break; }
    out[n++] = (char)tolower((unsigned char)*name);
  }
  out[n] = '\0';
}

/* pushes Laravel's camelCase key in snake_case (autoIncrement -> auto_increment) */
static const char *snakekey (lua_State *L, const char *key) {
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  for (; *key; key++) {
    unsigned char c = (unsigned char)*key;
    if (isupper(c)) {
      if (luaL_bufflen(&b) > 0 && luaL_buffaddr(&b)[luaL_bufflen(&b) - 1] != '_')
        luaL_addchar(&b, '_');
      c = (unsigned char)tolower(c);
    }
    luaL_addchar(&b, (char)c);
  }
  luaL_pushresult(&b);
  return lua_tostring(L, -1);
}

/*
** Calls the function below its 'nargs' arguments, with one result; an
** error becomes "add_column(<type>, <name>): parameter '<param>': <why>",
** the why of a "bad argument" error only (its number means nothing to
** the caller)
*/
static void addcall (lua_State *L, int nargs, const char *param) {
  const char *msg, *open, *close;
  if (lua_pcall(L, nargs, 1, 0) == LUA_OK) return;
  msg = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "error";
  open = strchr(msg, '(');
  close = strrchr(msg, ')');
  if (strncmp(msg, "bad argument #", 14) == 0 && open != NULL && close > open)
    lua_pushlstring(L, open + 1, (size_t)(close - open - 1));
  else
    lua_pushstring(L, msg);
  lm_error(L, "add_column(\"%s\", \"%s\"): parameter '%s': %s", lua_tostring(L, 2),
           lua_tostring(L, 3), param, lua_tostring(L, -1));
}

/*
** t:add_column(type, name, params?) -> Column: Laravel's
** Blueprint::addColumn('string', 'name', ['length' => 100]): the column
** the type's method makes with the parameters its arguments (one not
** given takes the method's default: string()'s length is
** default_string_length, decimal()'s 8, 2), and every other parameter a
** column modifier (nullable, default, comment, after, change, ...), by
** Laravel's camelCase or snake_case name. An integer type's 'length' (a
** MySQL display width: Laravel's grammars ignore it) is ignored; any
** other parameter the type and the modifiers do not take raises, before
** the column is made.
*/
static int bp_add_column (lua_State *L) {
  char key[32];
  const AddType *t;
  int i, n;
  lm_checkbp(L);
  lm_checkargs(L, 4, "add_column");
  lm_checkstr(L, 2, "column type name");
  lm_checkname(L, 3);
  luaL_argexpected(L, lua_isnoneornil(L, 4) || lua_istable(L, 4), 4,
                   "table of parameters or nil");
  typekey(lua_tostring(L, 2), key, sizeof key);
  for (t = addtypes; t->key != NULL && strcmp(t->key, key) != 0; t++) {}
  if (t->key == NULL)
    lm_error(L, "add_column: unknown column type '%s' (a type of Laravel's addColumn, "
             "such as 'bigInteger' or 'string', or a column method of the blueprint, "
             "such as 'unsigned_big_integer')", lua_tostring(L, 2));
  lua_settop(L, 4);
  lua_newtable(L);   /* 5: the parameters by snake_case name */
  if (lua_istable(L, 4)) {
    lua_pushnil(L);
    while (lua_next(L, 4) != 0) {
      if (lua_type(L, -2) != LUA_TSTRING)
        lm_error(L, "add_column: a parameter's name must be a string, got %s",
                 luaL_typename(L, -2));
      snakekey(L, lua_tostring(L, -2));
      if (lua_getfield(L, 5, lua_tostring(L, -1)) != LUA_TNIL)
        lm_error(L, "add_column: parameter '%s' is given twice, in snake_case and "
                 "camelCase ('%s' is one)", lua_tostring(L, -2), lua_tostring(L, -4));
      lua_pop(L, 1);
      lua_pushvalue(L, -2);
      lua_setfield(L, 5, lua_tostring(L, -2));
      lua_pop(L, 2);   /* the snake name, the value */
    }
  }
  /* a parameter neither the type nor a modifier takes: refused before anything is made */
  lua_pushnil(L);
  while (lua_next(L, 5) != 0) {
    const char *p = lua_tostring(L, -2);
    int known = t->autoinc >= 0 && strcmp(p, "length") == 0;
    for (n = 0; !known && n < 3 && t->params[n] != NULL; n++) known = strcmp(p, t->params[n]) == 0;
    for (i = 0; !known && addmods[i].name != NULL; i++) known = strcmp(p, addmods[i].name) == 0;
    if (!known) {
      luaL_Buffer b;
      luaL_buffinit(L, &b);
      for (n = 0; n < 3 && t->params[n] != NULL; n++) {
        luaL_addstring(&b, n ? ", " : "");
        luaL_addstring(&b, t->params[n]);
      }
      luaL_pushresult(&b);
      lm_error(L, "add_column: unknown parameter '%s' of a %s column (it takes %s%s"
               "the column modifiers by name: nullable, default, comment, after, ...)",
               p, t->method, lua_tostring(L, -1), n ? ", and " : "");
    }
    lua_pop(L, 1);
  }
  /* the type's method, with its parameters */
  luaL_getmetatable(L, LM_BLUEPRINT);
  lua_getfield(L, -1, "__index");
  lua_getfield(L, -1, t->method);
  lua_replace(L, 6);
  lua_settop(L, 6);
  lua_pushvalue(L, 1);
  lua_pushvalue(L, 3);
  for (n = 0; n < 3 && t->params[n] != NULL; n++) {
    if (lua_getfield(L, 5, t->params[n]) == LUA_TNIL && t->autoinc >= 0) {
      lua_pushboolean(L, n == 0 ? t->autoinc : t->unsig);
      lua_replace(L, -2);
    }
    lua_pushnil(L);
    lua_setfield(L, 5, t->params[n]);
  }
  if (t->autoinc >= 0) {   /* MySQL's display width: ignored, as Laravel's grammars do */
    lua_pushnil(L);
    lua_setfield(L, 5, "length");
  }
  addcall(L, 2 + n, t->params[0] ? t->params[0] : "name");   /* 6: the Column */
  /* the modifiers */
  luaL_getmetatable(L, LM_COLUMN);
  lua_getfield(L, -1, "__index");
  lua_replace(L, 7);
  lua_settop(L, 7);   /* 7: the Column's methods */
  for (i = 0; addmods[i].name != NULL; i++) {
    const char *m = addmods[i].name;
    int kind = addmods[i].kind, nargs = 1;
    if (lua_getfield(L, 5, m) == LUA_TNIL) { lua_pop(L, 1); continue; }
    lua_pushnil(L);
    lua_setfield(L, 5, m);
    if (kind == M_FLAG || kind == M_OPT) {
      if (kind == M_FLAG && !lua_isboolean(L, -1))
        lm_error(L, "add_column: parameter '%s' must be true or false, got %s", m,
                 luaL_typename(L, -1));
      if (lua_isboolean(L, -1)) {
        int on = lua_toboolean(L, -1);
        lua_pop(L, 1);
        if (!on) continue;
        nargs = 0;
      }
    }
    lua_pushstring(L, m);
    lua_rawget(L, 7);
    lua_pushvalue(L, 6);
    if (nargs) lua_pushvalue(L, -3);
    addcall(L, 1 + nargs, m);
    lua_pop(L, 1 + nargs);   /* its result, the value */
  }
  lua_settop(L, 6);
  return 1;
}

/* }====================================================== */

static const luaL_Reg addcol_meth[] = {
  {"add_column", bp_add_column},
  {NULL, NULL}
};

/* adds add_column to the Blueprint's methods; after lm_open_column */
int lm_open_add_column (lua_State *L) {
  lm_addmethods(L, LM_BLUEPRINT, addcol_meth);
  return 0;
}
