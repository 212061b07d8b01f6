/*
** bulk.c
** Bulk loading for db:insert. Rows go from their Lua tables straight to
** the driver, with no list of parameters built in Lua:
**   core.insert_columns(rows)          the columns: every key of every row
**   core.row_values(cols, rows, i, j)  the values of rows[i..j], flat
**   stmt:exec_rows(cols, rows, i, j)   binds them to a prepared multi-row
**                                      INSERT and runs it
**   core.copy_encode(cols, rows, i, j [, "mysql"])
**                                      rows[i..j] as COPY text data, or
**                                      as the file of MySQL's LOAD DATA
** A column a row lacks is SQL NULL.
*/
#include <stdlib.h>
#include <string.h>

#include "driver.h"


/*
** {======================================================
** Reading rows
** =======================================================
*/

/*
** Pushes the names of the list at 'arg' and returns how many: the
** columns, from stack index 'top + 1' on.
*/
static int pushcolumns (lua_State *L, int arg) {
  lua_Integer len;
  int i, n;
  luaL_checktype(L, arg, LUA_TTABLE);
  len = luaL_len(L, arg);   /* its __len counts: check before the cast */
  luaL_argcheck(L, len > 0, arg, "no columns");
  luaL_argcheck(L, len <= LUAI_MAXSTACK / 2, arg, "too many columns");
  n = (int)len;
  luaL_checkstack(L, n + 8, "too many columns");
  for (i = 1; i <= n; i++) {
    if (lua_geti(L, arg, i) != LUA_TSTRING)
      luaL_argerror(L, arg, "column names must be strings");
  }
  return n;
}

/* the range rows[first..last] of the list at 'arg', checked */
static void checkrange (lua_State *L, int arg, lua_Integer *first,
                        lua_Integer *last) {
  luaL_checktype(L, arg, LUA_TTABLE);
  *first = luaL_checkinteger(L, arg + 1);
  *last = luaL_checkinteger(L, arg + 2);
  luaL_argcheck(L, *first >= 1 && *first <= *last, arg + 1,
                "empty or invalid range");
}

/* pushes rows[r], raising unless it is a table */
static void pushrow (lua_State *L, int rows, lua_Integer r) {
  int t = lua_geti(L, rows, r);
  if (t != LUA_TTABLE)
    luaL_error(L, "lmigrate: db:insert expects rows as tables, row %I is %s%s",
               (LUAI_UACINT)r, t == LUA_TNIL ? "" : "a ",
               t == LUA_TNIL ? "missing (nil)" : luaL_typename(L, -1));
}

static int bycolumn (const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
** core.insert_columns(rows) -> { column, ... }: every key of rows[1..#rows],
** sorted. Raises for a row that is not a table, a key that is not a
** string, and an empty list or row.
*/
static int core_insert_columns (lua_State *L) {
  lua_Integer n, r;
  int ncols = 0, i, set;
  const char **names;
  luaL_checktype(L, 1, LUA_TTABLE);
  n = luaL_len(L, 1);
  if (n < 1)
    return luaL_error(L, "lmigrate: db:insert expects a non-empty list "
                      "of rows");
  lua_settop(L, 1);
  lua_newtable(L);  /* the set of names seen: name -> true */
  set = 2;
  for (r = 1; r <= n; r++) {
    pushrow(L, 1, r);
    lua_pushnil(L);
    while (lua_next(L, 3) != 0) {
      lua_pop(L, 1);
      if (lua_type(L, -1) != LUA_TSTRING)
        luaL_error(L, "lmigrate: db:insert expects rows keyed by column "
                   "name, row %I has a %s key", (LUAI_UACINT)r,
                   luaL_typename(L, -1));
      if (strlen(lua_tostring(L, -1)) != lua_rawlen(L, -1))  /* sorted as C strings */
        luaL_error(L, "lmigrate: db:insert: row %I has a column name with a "
                   "NUL byte", (LUAI_UACINT)r);
      lua_pushvalue(L, -1);
      if (lua_rawget(L, set) == LUA_TNIL) {
        lua_pushvalue(L, -2);
        lua_pushboolean(L, 1);
        lua_rawset(L, set);
        ncols++;
      }
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
  }
  if (ncols == 0)
    return luaL_error(L, "lmigrate: db:insert expects a row with at least "
                      "one column");
  names = (const char **)lua_newuserdatauv(L, sizeof(char *) * (size_t)ncols,
                                          0);
  i = 0;
  lua_pushnil(L);
  while (lua_next(L, set) != 0) {
    lua_pop(L, 1);
    names[i++] = lua_tostring(L, -1);  /* kept alive by the set */
  }
  qsort(names, (size_t)ncols, sizeof(char *), bycolumn);
  lua_createtable(L, ncols, 0);
  for (i = 0; i < ncols; i++) {
    lua_pushstring(L, names[i]);
    lua_rawseti(L, -2, i + 1);
  }
  return 1;
}

/*
** Pushes the value of column 'col' (a stack index holding its name) of
** the row at 'row'; nil becomes SQL NULL. Raises unless it is an SQL value.
*/
static void pushfield (lua_State *L, int row, int col, lua_Integer r) {
  lua_pushvalue(L, col);
  switch (lua_gettable(L, row)) {
    case LUA_TNIL:
      lua_pop(L, 1);
      lm_pushnull(L);
      return;
    case LUA_TBOOLEAN: case LUA_TNUMBER: case LUA_TSTRING:
      return;
    case LUA_TLIGHTUSERDATA:
      if (lm_isnull(L, -1)) return;
      /* FALLTHROUGH */
    default:
      luaL_error(L, "lmigrate: db:insert: row %I, column '%s': a %s is not "
                 "an SQL value", (LUAI_UACINT)r, lua_tostring(L, col),
                 luaL_typename(L, -1));
  }
}

/* }====================================================== */


/*
** {======================================================
** Prepared multi-row INSERT
** =======================================================
*/

/*
** Pushes the values of rows[first..last] (the list at 'rows'), each row's
** in the order of the columns at 'col'..; returns how many.
*/
static int pushvalues (lua_State *L, int rows, lua_Integer first,
                       lua_Integer last, int col, int ncols) {
  lua_Integer r;
  int i, row;
  if ((last - first + 1) > (lua_Integer)(LUAI_MAXSTACK / 2) / ncols)
    luaL_error(L, "lmigrate: db:insert: too many rows for one statement");
  luaL_checkstack(L, (int)(last - first + 1) * ncols + 8,
                  "too many rows for one statement");
  for (r = first; ; r++) {  /* no r++ past 'last': it may be maxinteger */
    pushrow(L, rows, r);
    row = lua_gettop(L);
    for (i = 0; i < ncols; i++)
      pushfield(L, row, col + i, r);
    lua_remove(L, row);  /* the values move down into its slot */
    if (r == last) break;
  }
  return (int)(last - first + 1) * ncols;
}

/*
** core.row_values(cols, rows, first, last) -> v1, v2, ...
*/
static int core_row_values (lua_State *L) {
  lua_Integer first, last;
  int ncols;
  checkrange(L, 2, &first, &last);
  lua_settop(L, 4);
  ncols = pushcolumns(L, 1);
  return pushvalues(L, 2, first, last, 5, ncols);
}

/*
** stmt:exec_rows(cols, rows, first, last) -> affected | nil, msg, code
** Runs the statement with the values of rows[first..last], row after
** row, each in the order of cols: as stmt:exec(v1, v2, ...) would.
*/
static int stmt_exec_rows (lua_State *L) {
  lua_Integer first, last;
  int ncols, nargs;
  luaL_checkudata(L, 1, LM_STATEMENT);
  checkrange(L, 3, &first, &last);
  lua_settop(L, 5);
  ncols = pushcolumns(L, 2);
  lua_getfield(L, 1, "exec");  /* the method of stmt:exec */
  lua_pushvalue(L, 1);
  nargs = pushvalues(L, 3, first, last, 6, ncols);
  lua_call(L, nargs + 1, LUA_MULTRET);
  return lua_gettop(L) - 5 - ncols;
}

/* }====================================================== */


/*
** {======================================================
** COPY text format (PostgreSQL), LOAD DATA's (MySQL)
** =======================================================
*/

/*
** The two formats are alike: tab between fields, newline after each row,
** \N for NULL, a backslash before what would be read as a separator. They
** differ in booleans (PostgreSQL reads true/false, MySQL's TINYINT 1/0)
** and in a NUL byte (MySQL reads \0; text COPY cannot carry one), and
** MySQL stores neither NaN nor the infinities.
*/
enum { FMT_COPY, FMT_MYSQL };

/* bytes copy_encode makes room for at once; the buffer grows past that */
#define COPY_RESERVE  (1 << 20)

/* a buffer in a userdata at a fixed stack index: no leak on errors */
typedef struct CopyBuf {
  int idx;       /* stack index of the userdata */
  char *p;
  size_t len, cap;
} CopyBuf;

static void cb_grow (lua_State *L, CopyBuf *b, size_t need) {
  size_t cap = b->cap;
  char *p;
  if (b->len + need <= cap) return;
  while (cap < b->len + need) cap = (cap < 4096) ? 4096 : cap * 2;
  p = (char *)lua_newuserdatauv(L, cap, 0);
  if (b->len > 0) memcpy(p, b->p, b->len);
  lua_replace(L, b->idx);
  b->p = p;
  b->cap = cap;
}

static void cb_add (lua_State *L, CopyBuf *b, const char *s, size_t n) {
  if (b->len + n > b->cap) cb_grow(L, b, n);
  memcpy(b->p + b->len, s, n);
  b->len += n;
}

/* the decimal digits of 'v' (printf's %lld is several times slower) */
static void addinteger (lua_State *L, CopyBuf *b, lua_Integer v) {
  char num[LM_NUMBUF];
  size_t len = lm_inttext(num, v);
  cb_add(L, b, num, len);
}

/*
** Adds the string 's' escaped for COPY's text format: backslash, tab,
** newline and carriage return. 0 when it holds a NUL byte, which text
** COPY cannot carry (postgres.c binds such a string as binary). Lua
** strings end with a '\0', so strcspn stops at the end, or at a NUL
** inside the string.
*/
static int addescaped (lua_State *L, CopyBuf *b, const char *s, size_t len,
                       int fmt) {
  const char *end = s + len;
  for (;;) {
    size_t run = strcspn(s, "\\\t\n\r");
    char esc[2];
    cb_add(L, b, s, run);
    s += run;
    if (s >= end) return 1;
    switch (*s) {
      case '\\': esc[1] = '\\'; break;
      case '\t': esc[1] = 't'; break;
      case '\n': esc[1] = 'n'; break;
      case '\r': esc[1] = 'r'; break;
      default:  /* a NUL byte inside */
        if (fmt != FMT_MYSQL) return 0;
        esc[1] = '0';
        break;
    }
    esc[0] = '\\';
    cb_add(L, b, esc, 2);
    s++;
  }
}

/*
** adds the value at the top as a field; 0 for what the format cannot
** carry (COPY: a string with NUL or not UTF-8; MySQL: NaN, an infinity)
*/
static int addfield (lua_State *L, CopyBuf *b, int fmt) {
  char num[LM_NUMBUF];
  size_t len;
  const char *s;
  switch (lua_type(L, -1)) {
    case LUA_TBOOLEAN:
      if (fmt == FMT_MYSQL) cb_add(L, b, lua_toboolean(L, -1) ? "1" : "0", 1);
      else if (lua_toboolean(L, -1)) cb_add(L, b, "true", 4);
      else cb_add(L, b, "false", 5);
      return 1;
    case LUA_TNUMBER:
      if (lua_isinteger(L, -1))
        addinteger(L, b, lua_tointeger(L, -1));
      else {
        lua_Number x = lua_tonumber(L, -1);
        if (fmt == FMT_MYSQL && (x != x || x - x != 0)) return 0;
        len = lm_numtext(num, x);  /* as postgres.c binds it */
        cb_add(L, b, num, len);
      }
      return 1;
    case LUA_TSTRING:  /* COPY reads text in the connection's UTF-8 */
      s = lua_tolstring(L, -1, &len);
      if (fmt == FMT_COPY && !lm_isutf8((const unsigned char *)s, len)) return 0;
      return addescaped(L, b, s, len, fmt);
    default:  /* SQL NULL */
      cb_add(L, b, "\\N", 2);
      return 1;
  }
}

/*
** The room to make at first for 'nrows' rows of 'ncols' fields, 16 bytes
** a field: no more than COPY_RESERVE, as a range may be far longer than
** its list (the rows past the end raise)
*/
static size_t reserve (lua_Integer nrows, int ncols) {
  lua_Integer maxrows = COPY_RESERVE / 16 / ncols + 1;
  return (size_t)(nrows < maxrows ? nrows : maxrows) * (size_t)ncols * 16;
}

/*
** core.copy_encode(cols, rows, first, last [, format]) -> data | nil, why
** rows[first..last] in COPY's text format (tab-separated, \N for NULL,
** one line each), for COPY table (cols) FROM STDIN; format "mysql": as
** the file of LOAD DATA ... FIELDS TERMINATED BY X'09' ESCAPED BY X'5C'
** LINES TERMINATED BY X'0A' (cols). nil, why when a value cannot go as
** text: a string holding a NUL byte or not UTF-8 (COPY), NaN or an
** infinity (MySQL).
*/
static int core_copy_encode (lua_State *L) {
  static const char *const formats[] = {"copy", "mysql", NULL};
  lua_Integer first, last, r;
  int ncols, col, i, row, fmt;
  CopyBuf b;
  checkrange(L, 2, &first, &last);
  fmt = luaL_checkoption(L, 5, "copy", formats);
  lua_settop(L, 4);
  ncols = pushcolumns(L, 1);
  col = 5;
  lua_pushnil(L);  /* the buffer's slot */
  b.idx = lua_gettop(L);
  b.p = NULL;
  b.len = b.cap = 0;
  cb_grow(L, &b, reserve(last - first + 1, ncols));
  for (r = first; ; r++) {  /* as in pushvalues */
    pushrow(L, 2, r);
    row = lua_gettop(L);
    for (i = 0; i < ncols; i++) {
      pushfield(L, row, col + i, r);
      if (i > 0) cb_add(L, &b, "\t", 1);
      if (!addfield(L, &b, fmt)) {
        luaL_pushfail(L);
        lua_pushfstring(L, "row %I, column '%s': %s", (LUAI_UACINT)r,
                        lua_tostring(L, col + i), fmt == FMT_MYSQL
                        ? "NaN or an infinity" : "a string with a NUL byte or not UTF-8");
        return 2;
      }
      lua_pop(L, 1);
    }
    cb_add(L, &b, "\n", 1);
    lua_pop(L, 1);
    if (r == last) break;
  }
  lua_pushlstring(L, b.p, b.len);
  return 1;
}

/* }====================================================== */


static const luaL_Reg stmt_bulk[] = {
  {"exec_rows", stmt_exec_rows},
  {NULL, NULL}
};

static const luaL_Reg core_bulk[] = {
  {"insert_columns", core_insert_columns},
  {"row_values", core_row_values},
  {"copy_encode", core_copy_encode},
  {NULL, NULL}
};

/*
** Adds exec_rows to the Statement metatable (made already) and the row
** functions to the module table at the top of the stack.
*/
void lm_open_bulk (lua_State *L) {
  lm_addmethods(L, LM_STATEMENT, stmt_bulk);
  luaL_setfuncs(L, core_bulk, 0);
}
