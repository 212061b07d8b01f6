/*
** grammar.c
** What every dialect shares: a small SQL formatter, the pieces of column
** definitions and constraints, the compile loop that walks a Blueprint
** (with the base grammar of grammar_defaults.c for what a dialect leaves
** NULL), and the Grammar userdata seen from Lua.
*/
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "grammar.h"

/* the Lua method of each column type, for error messages */
static const char *const typenames[LM_T__COUNT] = {
  "increments", "big_increments", "tiny_increments",
  "integer", "big_integer", "small_integer", "tiny_integer",
  "medium_integer", "string", "char",
  "text", "tiny_text", "medium_text", "long_text",
  "boolean", "decimal", "float", "double",
  "date", "datetime", "time", "timestamp", "year",
  "json", "jsonb", "uuid", "binary", "enum",
  "inet", "cidr", "macaddr", "foreign_id",
  "small_increments", "medium_increments", "date_time_tz", "time_tz",
  "timestamp_tz", "set", "geometry", "geography", "vector",
  "raw_column", "tsvector", "computed"
};

const char *lm_typename (lm_ColType t) {
  return typenames[t];
}

static const char *const cmdnames[LM_C__COUNT] = {
  "primary", "unique", "index", "fulltext", "foreign", "check",
  "spatial_index",
  "drop_column", "rename_column", "drop_index", "drop_unique",
  "drop_foreign", "drop_primary", "drop_fulltext", "drop_spatial_index",
  "rename_index", "rename", "validate_foreign", "validate_check"
};

const char *lm_cmdname (lm_CmdKind kind) {
  return cmdnames[kind];
}

int lm_iequal (const char *a, const char *b) {
  for (; *a && *b; a++, b++) {
    char x = *a, y = *b;
    if (x >= 'A' && x <= 'Z') x = (char)(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = (char)(y - 'A' + 'a');
    if (x != y) return 0;
  }
  return *a == *b;
}


/*
** {======================================================
** Writing SQL
** =======================================================
*/

/*
** An identifier as the dialect quotes it; one longer than the dialect
** takes is refused before anything runs (PostgreSQL would cut it, MySQL
** refuses it only when the statement runs)
*/
static void addident (lm_Ctx *c, const char *name) {
  const lm_Grammar *g = c->g;
  if (g->maxident > 0) {
    size_t n = 0;
    const unsigned char *p;
    for (p = (const unsigned char *)name; *p; p++)
      n += !g->maxchars || (*p & 0xC0) != 0x80;
    if (n > (size_t)g->maxident)
      lm_error(c->L, "identifier '%s' is longer than %s allows (%d %s)", name,
               g->name, g->maxident, g->maxchars ? "characters" : "bytes");
  }
  lm_quote_ident(&c->b, name, g->quote);
}

static void addcolumns (lm_Ctx *c, const char *const *cols, int n) {
  int i;
  for (i = 0; i < n; i++) {
    if (i > 0) luaL_addstring(&c->b, ", ");
    addident(c, cols[i]);
  }
}

static void vaddf (lm_Ctx *c, const char *fmt, va_list ap) {
  const char *p;
  for (p = fmt; *p; p++) {
    if (*p != '%') { luaL_addchar(&c->b, *p); continue; }
    switch (*++p) {
      case 'I': addident(c, va_arg(ap, const char *)); break;
      case 'L': c->g->literal(&c->b, va_arg(ap, const char *)); break;
      case 'T': addident(c, c->bp->table); break;
      case 's': luaL_addstring(&c->b, va_arg(ap, const char *)); break;
      case 'd': {
        char num[32];
        snprintf(num, sizeof(num), "%d", va_arg(ap, int));
        luaL_addstring(&c->b, num);
        break;
      }
      case 'C': {
        const char *const *cols = va_arg(ap, const char *const *);
        addcolumns(c, cols, va_arg(ap, int));
        break;
      }
      case '%': luaL_addchar(&c->b, '%'); break;
      default: lua_assert(0); return;   /* a bug in a grammar */
    }
  }
}

void lm_addf (lm_Ctx *c, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vaddf(c, fmt, ap);
  va_end(ap);
}

void lm_begin (lm_Ctx *c) {
  luaL_buffinit(c->L, &c->b);
}

void lm_end (lm_Ctx *c) {
  luaL_pushresult(&c->b);
  lua_rawseti(c->L, c->list, ++c->n);
}

void lm_stmt (lm_Ctx *c, const char *fmt, ...) {
  va_list ap;
  lm_begin(c);
  va_start(ap, fmt);
  vaddf(c, fmt, ap);
  va_end(ap);
  lm_end(c);
}

void lm_unsupported (lm_Ctx *c, const char *what) {
  lm_error(c->L, "%s is not supported on %s", what, c->g->name);
}

void lm_rebuild (lm_Ctx *c, const char *what) {
  lm_error(c->L, "%s on %s needs a table rebuild, which needs to "
           "read the table: schema:table does it, to_sql cannot",
           what, c->g->name);
}

int lm_step (lm_Ctx *c, const char *op, const char *what) {
  if (!c->rebuild) lm_rebuild(c, what);
  lua_createtable(c->L, 0, 4);
  lua_pushstring(c->L, op);
  lua_setfield(c->L, -2, "op");
  lua_pushstring(c->L, what);
  lua_setfield(c->L, -2, "what");
  return 1;
}

void lm_endstep (lm_Ctx *c) {
  lua_rawseti(c->L, c->list, ++c->n);
}

/* }====================================================== */


/*
** {======================================================
** Column definitions and constraints
** =======================================================
*/

static void addenum (lm_Ctx *c, const lm_Column *col, const char *sep) {
  int i;
  for (i = 0; i < col->nenum; i++) {
    if (i > 0) luaL_addstring(&c->b, sep);
    c->g->literal(&c->b, col->enum_values[i]);
  }
}

/*
** Writes the type_ entry of the column's type, expanding $n (length),
** $p (precision), $s (scale), $e (enum values), $q, $P and $l; or calls its
** typefn_. An identity column (generated_as) has the plain integer type,
** not the dialect's serial one.
*/
void lm_addtype (lm_Ctx *c, const lm_Column *col) {
  lm_ColType t = col->type;
  const char *p;
  if ((col->flags & LM_F_IDENTITY) && lm_serialtype(t, 0) != LM_T__COUNT)
    t = lm_serialtype(t, 0);
  if (t == LM_T_RAW) {   /* raw_column(c, sql): the SQL as given, as Laravel's */
    luaL_addstring(&c->b, col->definition);
    return;
  }
  if (t == LM_T_COMPUTED)   /* Laravel's grammars but SQL Server's throw too */
    lm_error(c->L, "computed() is not supported on %s: it is SQL Server's; give the "
             "column a type and stored_as() or virtual_as()", c->g->name);
  if (c->g->typefn[t] != NULL) {
    c->g->typefn[t](c, col);
    return;
  }
  p = c->g->type[t];
  if (p == NULL) {
    lua_pushfstring(c->L, "%s()", typenames[t]);
    lm_unsupported(c, lua_tostring(c->L, -1));
  }
  if (t == LM_T_FLOAT && col->precision == 53 && strstr(p, "$p") != NULL)
    p = c->g->type[LM_T_DOUBLE];   /* FLOAT(53) is a DOUBLE */
  for (; *p; p++) {
    if (*p != '$') { luaL_addchar(&c->b, *p); continue; }
    switch (*++p) {
      case 'n': lm_addf(c, "%d", col->length); break;
      case 'p': lm_addf(c, "%d", col->precision); break;
      case 's': lm_addf(c, "%d", col->scale); break;
      case 'e': addenum(c, col, ","); break;
      case 'q':
        if (col->flags & LM_F_PRECISION) lm_addf(c, "(%d)", col->precision);
        break;
      case 'P':   /* "(precision)", 0 when none was given, unless there is none */
        if (!(col->flags & LM_F_NO_PRECISION)) lm_addf(c, "(%d)", col->precision);
        break;
      case 'l': if (col->length > 0) lm_addf(c, "(%d)", col->length); break;
      default: lua_assert(0); return;
    }
  }
}

int lm_hasdefault (const lm_Column *col) {
  return (col->flags & LM_F_USE_CURRENT) ||
         (col->dkind != LM_D_NONE && col->dkind != LM_D_NULL);
}

/* use_current(): the dialect's current date, year or time */
static void addnow (lm_Ctx *c, const lm_Column *col) {
  if (col->type == LM_T_DATE) luaL_addstring(&c->b, c->g->now_date);
  else if (col->type == LM_T_YEAR) luaL_addstring(&c->b, c->g->now_year);
  else {
    luaL_addstring(&c->b, "CURRENT_TIMESTAMP");
    if (c->g->now_precision && col->precision > 0)
      lm_addf(c, "(%d)", col->precision);
  }
}

void lm_adddefault (lm_Ctx *c, const lm_Column *col) {
  if (col->flags & LM_F_USE_CURRENT) {
    addnow(c, col);
    return;
  }
  switch (col->dkind) {
    case LM_D_STRING: c->g->literal(&c->b, col->dvalue); break;
    case LM_D_NUMBER:   /* boolean("a"):default(0), as Laravel users write it */
      if (col->type == LM_T_BOOLEAN && (strcmp(col->dvalue, "0") == 0 ||
                                        strcmp(col->dvalue, "1") == 0))
        goto boolean;
      luaL_addstring(&c->b, col->dvalue);
      break;
    case LM_D_BOOLEAN: boolean:
      luaL_addstring(&c->b, *col->dvalue == '1' ? c->g->true_ : c->g->false_);
      break;
    case LM_D_NULL: luaL_addstring(&c->b, "NULL"); break;
    default: luaL_addstring(&c->b, col->dvalue); break;  /* number, raw */
  }
}

/*
** A generated column (stored_as, virtual_as) says NOT NULL only after
** nullable(false), and never NULL, as Laravel's MySQL and SQLite
** grammars: its value is what its expression gives, and MariaDB takes
** neither word on one (PostgreSQL's grammar has its own)
*/
void lm_modify_nullable (lm_Ctx *c, const lm_Column *col) {
  if (col->expr) {
    if ((col->flags & (LM_F_NULLSET | LM_F_NULLABLE)) == LM_F_NULLSET)
      luaL_addstring(&c->b, " NOT NULL");
    return;
  }
  luaL_addstring(&c->b, (col->flags & LM_F_NULLABLE) ? " NULL" : " NOT NULL");
}

/*
** default(nil) on a NOT NULL column is no default, as Laravel writes
** none for default(null) (MySQL refuses NOT NULL DEFAULT NULL)
*/
int lm_nodefault (const lm_Column *col) {
  if (col->flags & LM_F_USE_CURRENT) return 0;
  return col->dkind == LM_D_NONE ||
         (col->dkind == LM_D_NULL && !(col->flags & LM_F_NULLABLE));
}

void lm_modify_default (lm_Ctx *c, const lm_Column *col) {
  if (lm_nodefault(col)) return;
  luaL_addstring(&c->b, " DEFAULT ");
  lm_adddefault(c, col);
}

/*
** unsigned() and enum() as CHECK constraints, for the dialects without
** UNSIGNED or ENUM, named so that change() can replace them
*/
void lm_modify_checks (lm_Ctx *c, const lm_Column *col) {
  if ((col->flags & LM_F_UNSIGNED) && !(col->flags & LM_F_AUTOINC))
    lm_addf(c, " CONSTRAINT %I CHECK (%I >= 0)", col->unsigned_check, col->name);
  if (col->type == LM_T_ENUM) {
    lm_addf(c, " CONSTRAINT %I CHECK (%I IN (", col->enum_check, col->name);
    addenum(c, col, ", ");
    luaL_addstring(&c->b, "))");
  }
}

void lm_modify_collate (lm_Ctx *c, const lm_Column *col) {
  if (col->collation) lm_addf(c, " COLLATE %I", col->collation);
}

/* a generated column's SQL, or the dialect's read of its JSON selector */
void lm_addgenerated (lm_Ctx *c, const lm_Column *col) {
  if (col->json) c->g->json_selector(c, col->json);
  else luaL_addstring(&c->b, col->expr);
}

void lm_modify_generated (lm_Ctx *c, const lm_Column *col) {
  if (col->expr == NULL) return;
  luaL_addstring(&c->b, " AS (");
  lm_addgenerated(c, col);
  lm_addf(c, ") %s", (col->flags & LM_F_STORED) ? "STORED" : "VIRTUAL");
}

void lm_modify_no_on_update (lm_Ctx *c, const lm_Column *col) {
  if (col->flags & LM_F_ON_UPDATE) lm_unsupported(c, "use_current_on_update()");
}

/* an auto-increment column is the identity column these dialects have */
void lm_modify_no_identity (lm_Ctx *c, const lm_Column *col) {
  if ((col->flags & LM_F_IDENTITY) && !(col->flags & LM_F_AUTOINC))
    lm_unsupported(c, "generated_as() of a column that does not auto-increment");
}

void lm_checkcolumn (lm_Ctx *c, const lm_Column *col) {
  const char *what = NULL;
  if (col->expr && (col->dkind != LM_D_NONE || (col->flags & LM_F_USE_CURRENT)))
    what = "a generated column (stored_as, virtual_as) cannot have a default";
  else if (col->expr && (col->flags & (LM_F_AUTOINC | LM_F_IDENTITY)))
    what = "a generated column (stored_as, virtual_as) cannot auto-increment";
  else if (col->from && !(col->flags & (LM_F_AUTOINC | LM_F_IDENTITY)))
    what = "from() needs an auto-increment column";
  else if ((col->flags & LM_F_ALWAYS) && !(col->flags & LM_F_IDENTITY))
    what = "always() needs generated_as()";
  if (what)
    lm_error(c->L, "%s (column %s.%s)", what, c->bp->table, col->name);
}

void lm_addcolumn (lm_Ctx *c, const lm_Column *col) {
  const lm_ColFn *m;
  lm_checkcolumn(c, col);
  lm_addf(c, "%I ", col->name);
  lm_addtype(c, col);
  for (m = c->g->modify; *m != NULL; m++)
    (*m)(c, col);
}

void lm_addreferences (lm_Ctx *c, const lm_Command *cmd) {
  lm_addf(c, "REFERENCES %I (%C)", cmd->ref_table, cmd->ref_columns,
          cmd->nref_columns);
  if (cmd->on_delete) lm_addf(c, " ON DELETE %s", cmd->on_delete);
  if (cmd->on_update) lm_addf(c, " ON UPDATE %s", cmd->on_update);
  lm_adddeferrable(c, cmd);
}

/*
** As Laravel, DEFERRABLE or NOT DEFERRABLE as asked; beyond Laravel,
** initially_deferred()/initially_immediate() alone make the key
** deferrable (they mean nothing otherwise: PostgreSQL says the same of
** INITIALLY DEFERRED). The compile loop checked the dialect takes it.
*/
void lm_adddeferrable (lm_Ctx *c, const lm_Command *cmd) {
  unsigned f = cmd->flags;
  if (f & LM_K_NOT_DEFERRABLE) luaL_addstring(&c->b, " NOT DEFERRABLE");
  else if (f & (LM_K_DEFERRABLE | LM_K_INIT_DEFERRED | LM_K_INIT_IMMEDIATE))
    luaL_addstring(&c->b, " DEFERRABLE");
  if (f & LM_K_INIT_DEFERRED) luaL_addstring(&c->b, " INITIALLY DEFERRED");
  else if (f & LM_K_INIT_IMMEDIATE) luaL_addstring(&c->b, " INITIALLY IMMEDIATE");
}

void lm_addkeycolumns (lm_Ctx *c, const lm_Command *cmd) {
  if (cmd->flags & LM_K_RAW) lm_addf(c, "(%s)", cmd->columns[0]);
  else lm_addf(c, "(%C)", cmd->columns, cmd->ncolumns);
}

/* the dialect's USING of cmd->algorithm; without index_using none is taken */
void lm_addusing (lm_Ctx *c, const lm_Command *cmd) {
  if (cmd->algorithm == NULL) return;
  if (c->g->index_using == NULL) {
    lua_pushfstring(c->L, "algorithm '%s' of %s()", cmd->algorithm,
                    cmdnames[cmd->kind]);
    lm_unsupported(c, lua_tostring(c->L, -1));
  }
  c->g->index_using(c, cmd);
}

void lm_addforeign (lm_Ctx *c, const lm_Command *cmd) {
  lm_addf(c, "CONSTRAINT %I FOREIGN KEY (%C) ", cmd->name, cmd->columns,
          cmd->ncolumns);
  lm_addreferences(c, cmd);
}

void lm_addcheck (lm_Ctx *c, const lm_Command *cmd) {
  if (cmd->name) lm_addf(c, "CONSTRAINT %I ", cmd->name);
  lm_addf(c, "CHECK (%s)", cmd->expr);
}

/*
** CREATE [UNIQUE ]INDEX "name" ON "table"[ USING x] ("a", "b")[ WHERE expr]
*/
void lm_addindex (lm_Ctx *c, const lm_Command *cmd, const char *kind) {
  lm_addf(c, "CREATE %sINDEX %s%I ON %T", kind,
          lm_concurrent(c, cmd) ? "CONCURRENTLY " : "", cmd->name);
  lm_addusing(c, cmd);
  luaL_addchar(&c->b, ' ');
  lm_addkeycolumns(c, cmd);
  if (cmd->expr) lm_addf(c, " WHERE %s", cmd->expr);
}

lm_Command lm_colcommand (const lm_Column *col, lm_CmdKind kind) {
  lm_Command cmd;
  memset(&cmd, 0, sizeof(cmd));
  cmd.kind = kind;
  cmd.name = kind == LM_C_UNIQUE ? col->unique_name : col->index_name;
  cmd.columns = (const char **)&col->name;   /* only read */
  cmd.ncolumns = 1;
  cmd.seq = col->seq;
  return cmd;
}

/* }====================================================== */



/*
** {======================================================
** The compile loop
** =======================================================
*/

static void compilecmd (lm_Ctx *c, const lm_Command *cmd) {
  lm_entry(c->g, compile[cmd->kind])(c, cmd);
}

/* a column's unique() and index(): inline in a CREATE or after it */
static void colcommands (lm_Ctx *c, const lm_Column *col, int inl) {
  static const struct { unsigned flag; lm_CmdKind kind; } fl[] = {
    {LM_F_UNIQUE, LM_C_UNIQUE}, {LM_F_INDEX, LM_C_INDEX}
  };
  size_t i;
  for (i = 0; i < sizeof(fl) / sizeof(fl[0]); i++) {
    lm_Command cmd;
    int isinl;
    if (!(col->flags & fl[i].flag)) continue;
    cmd = lm_colcommand(col, fl[i].kind);
    isinl = c->bp->mode != LM_ALTER && lm_inline(c->g, cmd.kind) != NULL;
    if (inl && isinl) {
      luaL_addstring(&c->b, ", ");
      lm_inline(c->g, cmd.kind)(c, &cmd);
    }
    else if (!inl && !isinl)
      compilecmd(c, &cmd);
  }
}

static void checkforeign (lm_Ctx *c, const lm_Command *cmd) {
  if (cmd->ref_table == NULL || cmd->nref_columns == 0)
    luaL_error(c->L, "foreign key on %s.%s needs references() and on()",
               c->bp->table, cmd->columns[0]);
  if (cmd->nref_columns != cmd->ncolumns)
    luaL_error(c->L, "foreign key on %s.%s covers %d column(s) but "
               "references %d", c->bp->table, cmd->columns[0],
               cmd->ncolumns, cmd->nref_columns);
}

/*
** CREATE TABLE "t" (columns, inline constraints)[ options]
*/
static void compilecreate (lm_Ctx *c) {
  const lm_Blueprint *bp = c->bp;
  int i;
  if (bp->ncols == 0)
    luaL_error(c->L, "create blueprint for '%s' has no columns", bp->table);
  lm_begin(c);
  lm_addf(c, "CREATE %sTABLE %s%T (", bp->temporary ? "TEMPORARY " : "",
          bp->mode == LM_CREATE_IF_NOT_EXISTS ? "IF NOT EXISTS " : "");
  for (i = 0; i < bp->ncols; i++) {
    if (i > 0) luaL_addstring(&c->b, ", ");
    lm_addcolumn(c, &bp->cols[i]);
  }
  for (i = 0; i < bp->ncols; i++)
    colcommands(c, &bp->cols[i], 1);
  for (i = 0; i < bp->ncmds; i++) {
    lm_CmdFn f = lm_inlined(c, &bp->cmds[i]);
    if (f == NULL) continue;
    luaL_addstring(&c->b, ", ");
    f(c, &bp->cmds[i]);
  }
  luaL_addchar(&c->b, ')');
  if (c->g->compile_table_options) c->g->compile_table_options(c);
  lm_end(c);
}

static void aftercreate (lm_Ctx *c) {
  const lm_Blueprint *bp = c->bp;
  int i;
  for (i = 0; i < bp->ncols; i++)
    colcommands(c, &bp->cols[i], 0);
  for (i = 0; i < bp->ncmds; i++) {
    if (lm_inlined(c, &bp->cmds[i]) == NULL)
      compilecmd(c, &bp->cmds[i]);
  }
  for (i = 0; i < bp->ncols; i++) {
    if (bp->cols[i].comment && c->g->compile_comment)
      c->g->compile_comment(c, &bp->cols[i]);
    if (bp->cols[i].from) c->g->compile_from(c, &bp->cols[i]);
  }
}

static void altercolumn (lm_Ctx *c, const lm_Column *col) {
  if (col->flags & LM_F_CHANGE) lm_entry(c->g, compile_change)(c, col);
  else lm_entry(c->g, compile_add)(c, col);
  colcommands(c, col, 0);
  /* a change() not restating its comment drops it, as Laravel's grammar */
  if ((col->comment || (col->flags & LM_F_CHANGE)) && c->g->compile_comment)
    c->g->compile_comment(c, col);
  if (col->from) c->g->compile_from(c, col);
}

/* columns and commands in the order the user gave them */
static void compilealter (lm_Ctx *c) {
  const lm_Blueprint *bp = c->bp;
  int i = 0, j = 0;
  while (i < bp->ncols || j < bp->ncmds) {
    if (j >= bp->ncmds || (i < bp->ncols && bp->cols[i].seq < bp->cmds[j].seq))
      altercolumn(c, &bp->cols[i++]);
    else if (bp->cmds[j++].kind != LM_C_RENAME)   /* last: see lm_compile */
      compilecmd(c, &bp->cmds[j - 1]);
  }
}

#define DEFERS  (LM_K_DEFERRABLE | LM_K_NOT_DEFERRABLE | LM_K_INIT_DEFERRED | \
                 LM_K_INIT_IMMEDIATE)

/* raises "<method>() [of <command>()] is not supported on <dialect>" */
static void unsupportedof (lm_Ctx *c, const char *method, const lm_Command *cmd) {
  if (cmd->kind == LM_C_FOREIGN) lua_pushfstring(c->L, "%s()", method);
  else lua_pushfstring(c->L, "%s() of %s()", method, cmdnames[cmd->kind]);
  lm_unsupported(c, lua_tostring(c->L, -1));
}

/* what a command asks that the dialect cannot give, before any SQL */
static void checkcommand (lm_Ctx *c, const lm_Command *cmd) {
  unsigned f = cmd->flags, feat = c->g->features;
  if (cmd->kind == LM_C_FOREIGN) checkforeign(c, cmd);
  if ((f & DEFERS) && !(c->g->deferrable & (1u << cmd->kind)))
    unsupportedof(c, (f & (LM_K_DEFERRABLE | LM_K_NOT_DEFERRABLE)) ? "deferrable"
                     : (f & LM_K_INIT_DEFERRED) ? "initially_deferred"
                     : "initially_immediate", cmd);
  if ((f & LM_K_NOT_DEFERRABLE) && (f & LM_K_INIT_DEFERRED))
    luaL_error(c->L, "%s %s of %s: initially_deferred() needs a deferrable key, "
               "not deferrable(false)", cmdnames[cmd->kind],
               cmd->name ? cmd->name : "", c->bp->table);
  if ((f & LM_K_NOT_VALID) && !(feat & LM_G_NOT_VALID))
    unsupportedof(c, "not_valid", cmd);
  if ((f & LM_K_NULLS_NOT_DISTINCT) && !(feat & LM_G_NULLS_NOT_DISTINCT))
    unsupportedof(c, "nulls_not_distinct", cmd);
}

/*
** ALTER TABLE "t" <options>: engine(), charset(), collation(), comment()
** in an alter blueprint, where the dialect has table options
*/
static void alteroptions (lm_Ctx *c) {
  const lm_Blueprint *bp = c->bp;
  if (bp->mode != LM_ALTER || c->g->compile_table_options == NULL) return;
  if (!bp->engine && !bp->charset && !bp->collation && !bp->comment) return;
  lm_begin(c);
  lm_addf(c, "ALTER TABLE %T");
  c->g->compile_table_options(c);
  lm_end(c);
}

void lm_compile (lua_State *L, lm_Blueprint *bp, const lm_Grammar *g,
                 int rebuild) {
  lm_Ctx c;
  int i;
  c.L = L; c.g = g; c.bp = bp; c.n = 0; c.rebuild = rebuild;
  lua_newtable(L);
  c.list = lua_gettop(L);
  for (i = 0; i < bp->ncmds; i++)
    checkcommand(&c, &bp->cmds[i]);
  if (bp->mode == LM_ALTER)
    compilealter(&c);
  else {
    compilecreate(&c);
    aftercreate(&c);
  }
  alteroptions(&c);
  if (bp->comment && g->compile_table_comment)
    g->compile_table_comment(&c);
  for (i = 0; i < bp->ncmds; i++) {   /* rename(): after what names the table */
    if (bp->cmds[i].kind == LM_C_RENAME) compilecmd(&c, &bp->cmds[i]);
  }
}

/* }====================================================== */


/*
** {======================================================
** The Grammar userdata
** =======================================================
*/

static const lm_Grammar *const grammars[] = {
  &lm_grammar_sqlite, &lm_grammar_postgres, &lm_grammar_mysql
};

const lm_Grammar *lm_checkgrammar (lua_State *L, int arg) {
  return *(const lm_Grammar **)luaL_checkudata(L, arg, LM_GRAMMAR);
}

/* a context for statements outside a blueprint; pushes the list */
static void newctx (lua_State *L, lm_Ctx *c) {
  c->L = L;
  c->g = lm_checkgrammar(L, 1);
  c->bp = NULL;
  c->n = 0;
  c->rebuild = 0;
  lua_newtable(L);
  c->list = lua_gettop(L);
}

/*
** core.grammar(name) -> Grammar
*/
static int g_new (lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  size_t i;
  for (i = 0; i < sizeof(grammars) / sizeof(grammars[0]); i++) {
    if (strcmp(name, grammars[i]->name) == 0) {
      const lm_Grammar **p = (const lm_Grammar **)
          lua_newuserdatauv(L, sizeof(const lm_Grammar *), 0);  /* a pointer */
      *p = grammars[i];
      luaL_setmetatable(L, LM_GRAMMAR);
      return 1;
    }
  }
  return luaL_error(L, "unknown dialect '%s' (expected sqlite, postgres or mysql)",
                    name);
}

/*
** g:name() -> "sqlite" | "postgres" | "mysql"
*/
static int g_name (lua_State *L) {
  lua_pushstring(L, lm_checkgrammar(L, 1)->name);
  return 1;
}

/*
** g:quote(ident) -> the identifier quoted for the dialect
*/
static int g_quote (lua_State *L) {
  const lm_Grammar *g = lm_checkgrammar(L, 1);
  const char *name = lm_checkname(L, 2);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  lm_quote_ident(&b, name, g->quote);
  luaL_pushresult(&b);
  return 1;
}

/*
** g:drop(table, if_exists, cascade) -> sql
*/
static int g_drop (lua_State *L) {
  lm_Ctx c;
  const char *table = lm_checkname(L, 2);
  int flags = (lua_toboolean(L, 3) ? LM_DROP_IF_EXISTS : 0) |
              (lua_toboolean(L, 4) ? LM_DROP_CASCADE : 0);
  lua_settop(L, 4);
  newctx(L, &c);
  lm_entry(c.g, compile_drop)(&c, table, flags);
  lua_rawgeti(L, c.list, 1);
  return 1;
}

/* the statements of the list at 'list', as the call's results */
static int pushlist (lua_State *L, int list) {
  int i, n = (int)lua_rawlen(L, list);
  luaL_checkstack(L, n, "too many statements");
  for (i = 1; i <= n; i++) lua_rawgeti(L, list, i);
  return n;
}

/*
** g:rename(from, to) -> sql, ...: the rename, then what the dialect renames
** with it (PostgreSQL: unsigned()'s CHECKs)
*/
static int g_rename (lua_State *L) {
  lm_Ctx c;
  const char *from = lm_checkname(L, 2);
  const char *to = lm_checkname(L, 3);
  newctx(L, &c);
  lm_entry(c.g, compile_rename)(&c, from, to);
  return pushlist(L, c.list);
}

/*
** g:truncate(table) -> { sql, ... }
*/
static int g_truncate (lua_State *L) {
  lm_Ctx c;
  const char *table = lm_checkname(L, 2);
  newctx(L, &c);
  lm_entry(c.g, compile_truncate)(&c, table);
  return 1;
}

/*
** g:has_table() -> sql with one ? (the table); a row when it exists
*/
static int g_has_table (lua_State *L) {
  lua_pushstring(L, lm_checkgrammar(L, 1)->has_table);
  return 1;
}

/*
** g:has_column() -> sql with two ? (table, column)
*/
static int g_has_column (lua_State *L) {
  lua_pushstring(L, lm_checkgrammar(L, 1)->has_column);
  return 1;
}

/*
** g:list_tables() -> sql whose rows have a column 'name'
*/
static int g_list_tables (lua_State *L) {
  lua_pushstring(L, lm_checkgrammar(L, 1)->list_tables);
  return 1;
}

/*
** g:list_objects() -> sql whose rows have 'name' and 'kind' (view,
** materialized view, table, foreign table, sequence): everything fresh
** drops, views first
*/
static int g_list_objects (lua_State *L) {
  lua_pushstring(L, lm_checkgrammar(L, 1)->list_objects);
  return 1;
}

/*
** g:drop_object(kind, name) -> sql dropping it if it exists, with what
** depends on it where the dialect can
*/
static int g_drop_object (lua_State *L) {
  static const char *const kinds[] = {"table", "view", "sequence", "materialized view",
                                      "foreign table", "type", "domain", NULL};
  static const char *const words[] = {"TABLE", "VIEW", "SEQUENCE", "MATERIALIZED VIEW",
                                      "FOREIGN TABLE", "TYPE", "DOMAIN"};
  lm_Ctx c;
  int kind = luaL_checkoption(L, 2, NULL, kinds);
  const char *name = lm_checkname(L, 3);
  newctx(L, &c);
  if (kind == 0)
    lm_entry(c.g, compile_drop)(&c, name, LM_DROP_IF_EXISTS | LM_DROP_CASCADE);
  else
    lm_stmt(&c, "DROP %s IF EXISTS %I%s", words[kind], name,
            c.g->cascade ? " CASCADE" : "");
  lua_rawgeti(L, c.list, 1);
  return 1;
}

/*
** g:supports(feature) -> boolean: "rebuild", alters ALTER TABLE cannot
** do in place go through a table rebuild (bp:rebuild_plan, SQLite);
** "transactional_ddl", DDL rolls back with its transaction; "cascade",
** DROP ... CASCADE exists
*/
static int g_supports (lua_State *L) {
  static const char *const features[] = {
    "rebuild", "transactional_ddl", "cascade", NULL
  };
  const lm_Grammar *g = lm_checkgrammar(L, 1);
  int on;
  switch (luaL_checkoption(L, 2, NULL, features)) {
    case 0: on = g->rebuild; break;
    case 1: on = g->transactional_ddl; break;
    default: on = g->cascade; break;
  }
  lua_pushboolean(L, on);
  return 1;
}

/*
** g:foreign_key_checks(on) -> sql turning them on or off | nil where
** the dialect has no such switch (drops use CASCADE there)
*/
static int g_foreign_key_checks (lua_State *L) {
  const lm_Grammar *g = lm_checkgrammar(L, 1);
  const char *sql = lua_toboolean(L, 2) ? g->fk_on : g->fk_off;
  if (sql == NULL) luaL_pushfail(L);
  else lua_pushstring(L, sql);
  return 1;
}

/* pushes the value at 'arg' as a SQL literal of the dialect */
static void pushliteral (lua_State *L, const lm_Grammar *g, int arg) {
  luaL_Buffer b;
  switch (lua_type(L, arg)) {
    case LUA_TNONE: case LUA_TNIL:
      lua_pushliteral(L, "NULL");
      break;
    case LUA_TLIGHTUSERDATA:
      luaL_argexpected(L, lm_isnull(L, arg), arg, "SQL value");
      lua_pushliteral(L, "NULL");
      break;
    case LUA_TBOOLEAN:
      lua_pushstring(L, lua_toboolean(L, arg) ? g->true_ : g->false_);
      break;
    case LUA_TNUMBER:
      luaL_argcheck(L, lua_isinteger(L, arg) || isfinite(lua_tonumber(L, arg)),
                    arg, "NaN and infinity have no SQL literal");
      lm_pushnumtext(L, arg);
      break;
    case LUA_TSTRING:
      luaL_argcheck(L, strlen(lua_tostring(L, arg)) == lua_rawlen(L, arg), arg,
                    "a string with a NUL byte has no SQL literal");
      luaL_buffinit(L, &b);
      g->literal(&b, lua_tostring(L, arg));
      luaL_pushresult(&b);
      break;
    default:
      luaL_typeerror(L, arg, "SQL value");
  }
}

/*
** g:literal(v) -> v as a SQL literal of the dialect (strings, numbers,
** booleans, lmigrate.null or nil); for scripts printed, never for
** statements run, which bind their values
*/
static int g_literal (lua_State *L) {
  pushliteral(L, lm_checkgrammar(L, 1), 2);
  return 1;
}

/* the value of the n-th placeholder: argument 2 + n of g:interpolate */
static void pushvalue (lua_State *L, int n, void *g) {
  pushliteral(L, (const lm_Grammar *)g, 2 + n);
}

/*
** g:interpolate(sql, ...) -> sql with each '?' placeholder replaced by
** the value as g:literal writes it | nil, "wrong number of parameters
** ...". The placeholders are the driver's: a '?' in a string, quoted
** identifier, comment or dollar quote stays, and on PostgreSQL '??' is a
** literal '?'. With no values the SQL is returned as it is, as the
** driver sends it then. For scripts printed, never for statements run.
*/
static int g_interpolate (lua_State *L) {
  const lm_Grammar *g = lm_checkgrammar(L, 1);
  size_t len;
  const char *sql = luaL_checklstring(L, 2, &len);
  int n = lua_gettop(L) - 2, expected;
  if (n == 0) return 1;
  expected = lm_sqlparams(g->sql, sql, len);
  if (expected != n) return lm_failparams(L, expected, n);
  lm_sqlreplace(L, g->sql, sql, len, pushvalue, (void *)g);
  return 1;
}

static int g_tostring (lua_State *L) {
  lua_pushfstring(L, LM_GRAMMAR " (%s)", lm_checkgrammar(L, 1)->name);
  return 1;
}

static const luaL_Reg g_meth[] = {
  {"name", g_name},
  {"quote", g_quote},
  {"drop", g_drop},
  {"rename", g_rename},
  {"truncate", g_truncate},
  {"has_table", g_has_table},
  {"has_column", g_has_column},
  {"list_tables", g_list_tables},
  {"list_objects", g_list_objects},
  {"drop_object", g_drop_object},
  {"foreign_key_checks", g_foreign_key_checks},
  {"supports", g_supports},
  {"literal", g_literal},
  {"interpolate", g_interpolate},
  {NULL, NULL}
};

static const luaL_Reg g_metameth[] = {
  {"__tostring", g_tostring},
  {NULL, NULL}
};

int lm_open_grammar (lua_State *L) {
  lm_createmeta(L, LM_GRAMMAR, g_metameth, g_meth, "grammar");
  lua_pushcfunction(L, g_new);
  lua_setfield(L, -2, "grammar");
  return 0;
}

/* }====================================================== */
