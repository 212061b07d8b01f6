/*
** lm_sql.c
** The one SQL scanner: where the string literals, quoted identifiers,
** comments and dollar quotes of a statement begin and end in each
** dialect, so that a '?' inside them is no placeholder. The PostgreSQL
** driver rewrites its placeholders with it (? -> $n, ?? -> ?),
** g:interpolate writes values in for a printed script by the same rule,
** and core.tokenize cuts the CREATE TABLE the SQLite rebuild edits.
*/
#include <string.h>

#include "lmigrate.h"

/*
** Each dialect's rules. MySQL strings take backslash escapes, and "..."
** is a string there (sql_mode without ANSI_QUOTES); SQLite quotes
** identifiers three ways; PostgreSQL has E'...', $tag$...$tag$ and
** nested block comments, and its driver reads ?? as a literal '?' (the
** jsonb operators).
*/
const lm_SqlRules lm_sql_sqlite = {
  .strquote = "'", .idquote = "\"`[", .flags = 0
};
const lm_SqlRules lm_sql_postgres = {
  .strquote = "'", .idquote = "\"",
  .flags = LM_SQL_ESTRING | LM_SQL_DOLLAR | LM_SQL_NESTED | LM_SQL_QQ
};
const lm_SqlRules lm_sql_mysql = {
  .strquote = "'\"", .idquote = "`",
  .flags = LM_SQL_BACKSLASH | LM_SQL_HASH | LM_SQL_DASHBLANK
};


/*
** {======================================================
** Tokens
** =======================================================
*/

/* the blanks of Lua's %s in the C locale */
static int isblank_ (unsigned char ch) {
  return ch == ' ' || (ch >= '\t' && ch <= '\r');
}

/* a bare word: a keyword, an identifier or a number; not started by '$' */
static int iswordstart (unsigned char ch) {
  return ch == '_' || ch >= 0x80 || (ch >= '0' && ch <= '9')
      || ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z');
}

static int iswordchar (unsigned char ch) {
  return ch == '$' || iswordstart(ch);
}

/*
** Past the text quoted by 'q' from 'p' (the opening quote); 'q' doubled
** stands for itself when 'dbl', a backslash escapes the next byte when
** 'bs'. Unclosed, it runs to the end.
*/
static const char *skipquoted (const char *p, const char *end, char q,
                               int dbl, int bs) {
  for (p++; p < end; p++) {
    if (bs && *p == '\\' && p + 1 < end) p++;
    else if (*p == q) {
      if (!dbl || p + 1 >= end || p[1] != q) return p + 1;
      p++;
    }
  }
  return end;
}

/* past the block comment at 'p' (nesting when 'nested') */
static const char *skipcomment (const char *p, const char *end, int nested) {
  int depth = 1;
  for (p += 2; p < end; p++) {
    if (nested && p[0] == '/' && p + 1 < end && p[1] == '*') {
      depth++;
      p++;
    }
    else if (p[0] == '*' && p + 1 < end && p[1] == '/') {
      if (--depth == 0) return p + 2;
      p++;
    }
  }
  return end;
}

/* past the line comment at 'p', its newline included */
static const char *skipline (const char *p, const char *end) {
  const char *nl = (const char *)memchr(p, '\n', (size_t)(end - p));
  return (nl != NULL) ? nl + 1 : end;
}

/* past the $tag$...$tag$ at 'p', or 'p' when it starts none ($1) */
static const char *skipdollar (const char *p, const char *end) {
  const char *q = p + 1, *s;
  size_t len;
  if (q >= end || (*q != '$' && (!iswordstart((unsigned char)*q)
                                 || (*q >= '0' && *q <= '9'))))
    return p;
  while (q < end && *q != '$' && iswordchar((unsigned char)*q)) q++;
  if (q >= end || *q != '$') return p;
  len = (size_t)(q - p) + 1;
  for (s = q + 1; (size_t)(end - s) >= len; s++)
    if (*s == '$' && memcmp(s, p, len) == 0) return s + len;
  return end;
}

/* is 'p' right after a word character? ('sql' is where the text starts) */
static int afterword (const char *sql, const char *p) {
  return p > sql && iswordchar((unsigned char)p[-1]);
}

/* a bare word at 'p', or on PostgreSQL the E of an E'...' string */
static const char *word (const lm_SqlRules *r, const char *sql, const char *p,
                         const char *end, lm_TokKind *kind) {
  const char *e = p + 1;
  if ((r->flags & LM_SQL_ESTRING) && (*p | 0x20) == 'e' && e < end
      && *e == '\'' && !afterword(sql, p)) {
    *kind = LM_TK_STRING;
    return skipquoted(e, end, '\'', 1, 1);
  }
  while (e < end && iswordchar((unsigned char)*e)) e++;
  *kind = LM_TK_WORD;
  return e;
}

/* a comment at 'p', or NULL */
static const char *comment (const lm_SqlRules *r, const char *p,
                            const char *end) {
  int two = p + 1 < end;
  if (*p == '-' && two && p[1] == '-') {
    if (!(r->flags & LM_SQL_DASHBLANK) || p + 2 >= end
        || (unsigned char)p[2] <= ' ' || p[2] == 0x7f)
      return skipline(p, end);
  }
  else if (*p == '#' && (r->flags & LM_SQL_HASH))
    return skipline(p, end);
  else if (*p == '/' && two && p[1] == '*')
    return skipcomment(p, end, (r->flags & LM_SQL_NESTED) != 0);
  return NULL;
}

const char *lm_sqltoken (const lm_SqlRules *r, const char *sql, const char *p,
                         const char *end, lm_TokKind *kind) {
  unsigned char ch = (unsigned char)*p;
  const char *e;
  if (isblank_(ch)) {
    for (e = p + 1; e < end && isblank_((unsigned char)*e); e++) {}
    *kind = LM_TK_SPACE;
    return e;
  }
  if ((e = comment(r, p, end)) != NULL) {
    *kind = LM_TK_COMMENT;
    return e;
  }
  if (ch != '\0' && strchr(r->strquote, ch) != NULL) {
    *kind = LM_TK_STRING;
    return skipquoted(p, end, (char)ch, 1, (r->flags & LM_SQL_BACKSLASH) != 0);
  }
  if (ch != '\0' && strchr(r->idquote, ch) != NULL) {
    *kind = LM_TK_IDENT;
    return (ch == '[') ? skipquoted(p, end, ']', 0, 0)
                       : skipquoted(p, end, (char)ch, 1, 0);
  }
  if (ch == '$' && (r->flags & LM_SQL_DOLLAR) && !afterword(sql, p)
      && (e = skipdollar(p, end)) != p) {
    *kind = LM_TK_STRING;
    return e;
  }
  if (ch == '?') {
    int qq = (r->flags & LM_SQL_QQ) && p + 1 < end && p[1] == '?';
    *kind = qq ? LM_TK_QMARK : LM_TK_PARAM;
    return p + (qq ? 2 : 1);
  }
  if (iswordstart(ch)) return word(r, sql, p, end, kind);
  *kind = LM_TK_PUNCT;
  return p + 1;
}

/* }====================================================== */


/*
** {======================================================
** Placeholders
** =======================================================
*/

int lm_sqlparams (const lm_SqlRules *r, const char *sql, size_t len) {
  const char *p, *end = sql + len;
  lm_TokKind kind;
  int n = 0;
  for (p = sql; p < end; ) {
    p = lm_sqltoken(r, sql, p, end, &kind);
    if (kind == LM_TK_PARAM) n++;
  }
  return n;
}

/*
** The value 'f' pushes goes into the buffer with luaL_addvalue, the one
** buffer operation that may find the stack changed
*/
int lm_sqlreplace (lua_State *L, const lm_SqlRules *r, const char *sql,
                   size_t len, lm_ParamFn f, void *ud) {
  luaL_Buffer b;
  const char *p, *e, *end = sql + len;
  lm_TokKind kind;
  int n = 0;
  luaL_buffinit(L, &b);
  for (p = sql; p < end; p = e) {
    e = lm_sqltoken(r, sql, p, end, &kind);
    if (kind == LM_TK_PARAM) {
      f(L, ++n, ud);
      luaL_addvalue(&b);
    }
    else if (kind == LM_TK_QMARK)
      luaL_addchar(&b, '?');
    else
      luaL_addlstring(&b, p, (size_t)(e - p));
  }
  luaL_pushresult(&b);
  return n;
}

/* }====================================================== */


/*
** {======================================================
** core.tokenize
** =======================================================
*/

/* pushes the quoted identifier 's'..'e' unquoted, as sqlite_rebuild did */
static void pushname (lua_State *L, const char *s, const char *e) {
  char q = *s;
  if (q == '[') q = ']';
  luaL_Buffer b;
  const char *p;
  luaL_buffinit(L, &b);
  /* what lies between the quotes; an unclosed one loses its last byte */
  for (p = s + 1; p < e - 1; p++) {
    luaL_addchar(&b, *p);
    if (*p == q && p + 1 < e - 1 && p[1] == q) p++;
  }
  luaL_pushresult(&b);
}

/* adds the token 's'..'e' of 'sql' to the list at the top */
static void addtoken (lua_State *L, const char *sql, const char *s,
                      const char *e, lm_TokKind kind, lua_Integer i) {
  lua_createtable(L, 0, 5);
  lua_pushlstring(L, s, (size_t)(e - s));
  lua_setfield(L, -2, "text");
  lua_pushinteger(L, (lua_Integer)(s - sql) + 1);
  lua_setfield(L, -2, "s");
  lua_pushinteger(L, (lua_Integer)(e - sql));
  lua_setfield(L, -2, "e");
  lua_pushstring(L, kind == LM_TK_STRING ? "str"
                  : (kind == LM_TK_WORD || kind == LM_TK_IDENT) ? "id" : "punct");
  lua_setfield(L, -2, "kind");
  if (kind == LM_TK_WORD || kind == LM_TK_IDENT) {
    if (kind == LM_TK_WORD) lua_pushlstring(L, s, (size_t)(e - s));
    else pushname(L, s, e);
    lua_setfield(L, -2, "name");
  }
  lua_rawseti(L, -2, i);
}

/*
** core.tokenize(sql [, dialect]) -> { { text, s, e, kind, name }, ... }:
** the tokens of SQL text by the rules of 'dialect' ("sqlite", the
** default, "postgres" or "mysql"), blanks and comments left out. 's' and 'e' are the
** first and last byte; 'kind' is "id" (a bare word, or a quoted
** identifier: 'name' is it unquoted, for a word the word), "str" (a
** string literal) or "punct" (any other byte)
*/
static int sql_tokenize (lua_State *L) {
  static const char *const names[] = {"sqlite", "postgres", "mysql", NULL};
  static const lm_SqlRules *const rules[] = {
    &lm_sql_sqlite, &lm_sql_postgres, &lm_sql_mysql
  };
  size_t len;
  const char *sql = luaL_checklstring(L, 1, &len);
  const lm_SqlRules *r = rules[luaL_checkoption(L, 2, "sqlite", names)];
  const char *p, *e, *end = sql + len;
  lua_Integer n = 0;
  lm_TokKind kind;
  lua_settop(L, 1);
  lua_newtable(L);
  for (p = sql; p < end; p = e) {
    e = lm_sqltoken(r, sql, p, end, &kind);
    if (kind != LM_TK_SPACE && kind != LM_TK_COMMENT)
      addtoken(L, sql, p, e, kind, ++n);
  }
  return 1;
}

/* }====================================================== */


int lm_open_sql (lua_State *L) {
  lua_pushcfunction(L, sql_tokenize);
  lua_setfield(L, -2, "tokenize");
  return 0;
}
