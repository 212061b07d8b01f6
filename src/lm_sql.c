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

/*
** The bytes at which a token other than a word, a blank run or a
** punctuation mark may begin in 'r' (sp[ch] != 0): a quote, a comment's
** first byte, '?', and PostgreSQL's '$' and E. The placeholder scans
** below call lm_sqltoken at those bytes only and step over the others
** one at a time, which finds the same placeholders: a token starting at
** any other byte is a word, blanks or punctuation; a special byte inside
** a word is one of '$' or E, which lm_sqltoken reads as no string there
** (afterword, a test of the byte before alone), and the other special
** bytes end a word, so that they begin a token wherever they are.
*/
static void specials (const lm_SqlRules *r, unsigned char sp[256]) {
  const char *q;
  memset(sp, 0, 256);
  for (q = r->strquote; *q; q++) sp[(unsigned char)*q] = 1;
  for (q = r->idquote; *q; q++) sp[(unsigned char)*q] = 1;
  sp['?'] = sp['-'] = sp['/'] = 1;
  if (r->flags & LM_SQL_HASH) sp['#'] = 1;
  if (r->flags & LM_SQL_DOLLAR) sp['$'] = 1;
  if (r->flags & LM_SQL_ESTRING) sp['e'] = sp['E'] = 1;
}

/*
** The next placeholder ('?', or '??' on PostgreSQL: *kind says which) at
** or after 'p', or NULL; *e is past it
*/
static const char *nextparam (const lm_SqlRules *r, const unsigned char *sp,
                              const char *sql, const char *p,
                              const char *end, const char **e,
                              lm_TokKind *kind) {
  while (p < end) {
    if (!sp[(unsigned char)*p]) {
      p++;
      continue;
    }
    *e = lm_sqltoken(r, sql, p, end, kind);
    if (*kind == LM_TK_PARAM || *kind == LM_TK_QMARK) return p;
    p = *e;
  }
  return NULL;
}

int lm_sqlparams (const lm_SqlRules *r, const char *sql, size_t len) {
  const char *p, *e, *end = sql + len;
  unsigned char sp[256];
  lm_TokKind kind;
  int n = 0;
  if (memchr(sql, '?', len) == NULL) return 0;  /* every placeholder is one */
  specials(r, sp);
  for (p = sql; nextparam(r, sp, sql, p, end, &e, &kind) != NULL; p = e)
    if (kind == LM_TK_PARAM) n++;
  return n;
}

/*
** The value 'f' pushes goes into the buffer with luaL_addvalue, the one
** buffer operation that may find the stack changed. The text between two
** placeholders goes in as one piece.
*/
int lm_sqlreplace (lua_State *L, const lm_SqlRules *r, const char *sql,
                   size_t len, lm_ParamFn f, void *ud) {
  luaL_Buffer b;
  const char *p = sql, *e, *run = sql, *end = sql + len;
  unsigned char sp[256];
  lm_TokKind kind;
  int n = 0;
  if (memchr(sql, '?', len) == NULL) {
    lua_pushlstring(L, sql, len);
    return 0;
  }
  specials(r, sp);
  luaL_buffinit(L, &b);
  while ((p = nextparam(r, sp, sql, p, end, &e, &kind)) != NULL) {
    luaL_addlstring(&b, run, (size_t)(p - run));
    if (kind == LM_TK_PARAM) {
      f(L, ++n, ud);
      luaL_addvalue(&b);
    }
    else
      luaL_addchar(&b, '?');
    p = run = e;
  }
  luaL_addlstring(&b, run, (size_t)(end - run));
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
** core.tokenize(sql [, dialect [, max]]) -> { { text, s, e, kind, name }, ... }:
** the tokens of SQL text by the rules of 'dialect' ("sqlite", the
** default, "postgres" or "mysql"), blanks and comments left out. 's' and 'e' are the
** first and last byte; 'kind' is "id" (a bare word, or a quoted
** identifier: 'name' is it unquoted, for a word the word), "str" (a
** string literal) or "punct" (any other byte). With 'max', only the
** first 'max' tokens, and a second result, true when more follow: a
** reader of a statement's first words need not pay for its whole body
** (a token is a table of five fields)
*/
static int sql_tokenize (lua_State *L) {
  static const char *const names[] = {"sqlite", "postgres", "mysql", NULL};
  static const lm_SqlRules *const rules[] = {
    &lm_sql_sqlite, &lm_sql_postgres, &lm_sql_mysql
  };
  size_t len;
  const char *sql = luaL_checklstring(L, 1, &len);
  const lm_SqlRules *r = rules[luaL_checkoption(L, 2, "sqlite", names)];
  lua_Integer max = luaL_optinteger(L, 3, LUA_MAXINTEGER);
  const char *p, *e, *end = sql + len;
  lua_Integer n = 0;
  lm_TokKind kind;
  lua_settop(L, 1);
  /* a reader of the first words (max) gets its list sized at once */
  lua_createtable(L, (max >= 0 && max <= 64) ? (int)max : 0, 0);
  for (p = sql; p < end; p = e) {
    e = lm_sqltoken(r, sql, p, end, &kind);
    if (kind == LM_TK_SPACE || kind == LM_TK_COMMENT) continue;
    if (n == max) {
      lua_pushboolean(L, 1);
      return 2;
    }
    addtoken(L, sql, p, e, kind, ++n);
  }
  return 1;
}

/* }====================================================== */


/*
** {======================================================
** core.statement_heads
** =======================================================
*/

/* the rules of the dialect named at 'arg' (default "sqlite") */
static const lm_SqlRules *checkrules (lua_State *L, int arg) {
  static const char *const names[] = {"sqlite", "postgres", "mysql", NULL};
  static const lm_SqlRules *const rules[] = {
    &lm_sql_sqlite, &lm_sql_postgres, &lm_sql_mysql
  };
  return rules[luaL_checkoption(L, arg, "sqlite", names)];
}

/* is the word 's'..'e' the keyword 'kw' (upper case), in any case? */
static int iskeyword (const char *s, const char *e, const char *kw) {
  for (; s < e && *kw != '\0'; s++, kw++)
    if ((*s & ~0x20) != *kw) return 0;
  return s == e && *kw == '\0';
}

/*
** One statement being read: its head (first two bare words, upper
** case) and how deep it is inside BEGIN/CASE ... END blocks, whose ';'
** do not end it (a trigger's body, BEGIN ATOMIC, a MySQL procedure)
*/
typedef struct Head {
  luaL_Buffer b;
  int words;     /* words in the head so far */
  int closed;    /* a token that is no bare word ended the head */
  int started;   /* the statement has a token */
  int depth;     /* open BEGIN/CASE blocks */
  int endword;   /* the last word was END: a block closes unless IF, ... */
  int begin;     /* the first word is BEGIN */
} Head;

/* a bare word of the statement's body: BEGIN and CASE open a block, END
   closes one, except END IF, END LOOP, END WHILE, END REPEAT (MySQL) */
static void bodyword (Head *h, const char *s, const char *e) {
  if (h->endword) {
    h->endword = 0;
    if (iskeyword(s, e, "IF") || iskeyword(s, e, "LOOP")
        || iskeyword(s, e, "WHILE") || iskeyword(s, e, "REPEAT"))
      return;
    if (h->depth > 0) h->depth--;
  }
  if (iskeyword(s, e, "BEGIN") || iskeyword(s, e, "CASE")) h->depth++;
  else if (iskeyword(s, e, "END")) h->endword = 1;
}

static void headword (Head *h, const char *s, const char *e) {
  const char *w;
  if (h->words++ > 0) luaL_addchar(&h->b, ' ');
  for (w = s; w < e; w++)
    luaL_addchar(&h->b, (*w >= 'a' && *w <= 'z') ? (char)(*w - 0x20) : *w);
  /* MariaDB's BEGIN NOT ATOMIC ... END is a block, not a transaction */
  if (h->words == 1) h->begin = iskeyword(s, e, "BEGIN");
  else if (h->begin && iskeyword(s, e, "NOT")) h->depth++;
}

/* the token 's'..'e' of kind 'kind' joins the statement; 1 when it ends it */
static int headtoken (Head *h, const char *s, const char *e,
                      lm_TokKind kind) {
  if (kind == LM_TK_SPACE || kind == LM_TK_COMMENT) return 0;
  if (kind != LM_TK_WORD && h->endword) {
    h->endword = 0;
    if (h->depth > 0) h->depth--;
  }
  if (kind == LM_TK_PUNCT && *s == ';' && h->depth == 0) return h->started;
  h->started = 1;
  if (kind == LM_TK_WORD && !h->closed && h->words < 2) headword(h, s, e);
  else {
    h->closed = 1;
    if (kind == LM_TK_WORD) bodyword(h, s, e);
  }
  return 0;
}

/*
** core.statement_heads(sql [, dialect]) -> { head, ... }: for each
** statement of 'sql', in order, its first two bare words in upper case
** ("START TRANSACTION", "COMMIT", "CREATE TABLE"; fewer when a quoted
** name, a string or punctuation comes first), scanned by the dialect's
** rules ("sqlite", "postgres", "mysql"), so that a ';' or a keyword in a
** string, comment, dollar quote or trigger body is not mistaken for one.
** Only a ';' ends a statement: a text without that byte anywhere is one
** statement, whose scan stops once its head is complete (the rest of a
** CREATE TABLE body changes nothing in the result).
*/
static int sql_heads (lua_State *L) {
  size_t len;
  const char *sql = luaL_checklstring(L, 1, &len);
  const lm_SqlRules *r = checkrules(L, 2);
  const char *p, *e, *end = sql + len;
  int one = memchr(sql, ';', len) == NULL;
  lua_Integer n = 0;
  lm_TokKind kind;
  Head h;
  lua_settop(L, 2);
  lua_newtable(L);
  for (p = sql; p < end; ) {
    memset(&h, 0, sizeof h);
    luaL_buffinit(L, &h.b);
    for (; p < end; p = e) {
      e = lm_sqltoken(r, sql, p, end, &kind);
      if (headtoken(&h, p, e, kind)) { p = e; break; }
      if (one && h.started && (h.closed || h.words >= 2)) { p = end; break; }
    }
    luaL_pushresult(&h.b);
    if (h.started) lua_rawseti(L, 3, ++n);
    else lua_pop(L, 1);
  }
  return 1;
}

/* }====================================================== */


int lm_open_sql (lua_State *L) {
  lua_pushcfunction(L, sql_tokenize);
  lua_setfield(L, -2, "tokenize");
  lua_pushcfunction(L, sql_heads);
  lua_setfield(L, -2, "statement_heads");
  return 0;
}
