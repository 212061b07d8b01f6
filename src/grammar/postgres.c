/*
** postgres.c
** The PostgreSQL grammar. Primary, unique, foreign and check constraints
** are named constraints inside CREATE TABLE (ALTER TABLE ... ADD in an
** alter blueprint); indexes (fulltext: GIN over to_tsvector; spatial:
** GiST) and comments are separate statements. unsigned() and enum()
** become named CHECKs, which change() replaces; charset(), invisible(),
** after() and first() are ignored, and so are the MySQL table options
** engine(), charset(), collation(), as Laravel does.
*/
#include "grammar.h"


/*
** {======================================================
** modify_ and inline_
** =======================================================
*/

static void pg_modify_primary (lm_Ctx *c, const lm_Column *col) {
  if (col->flags & (LM_F_AUTOINC | LM_F_PRIMARY))
    luaL_addstring(&c->b, " PRIMARY KEY");
}

/*
** [NOT] NULL of every column, a generated one included: Laravel's
** PostgreSQL grammar writes it so (MySQL's and SQLite's say NOT NULL on
** a generated column only after nullable(false): lm_modify_nullable),
** so Pulse's key_hash (uuid():stored_as(...)) is NOT NULL there
*/
static void pg_modify_nullable (lm_Ctx *c, const lm_Column *col) {
  luaL_addstring(&c->b, (col->flags & LM_F_NULLABLE) ? " NULL" : " NOT NULL");
}

/* PostgreSQL before 18 has stored generated columns only */
static void pg_modify_generated (lm_Ctx *c, const lm_Column *col) {
  const char *json = (col->flags & LM_F_JSON) ? "_json" : "";
  if (col->expr == NULL) return;
  if (!(col->flags & LM_F_STORED))
    lm_error(c->L, "virtual_as%s() is not supported on postgres (PostgreSQL 18 has "
             "virtual generated columns; stored_as%s() works on every version)",
             json, json);
  luaL_addstring(&c->b, " GENERATED ALWAYS AS (");
  lm_addgenerated(c, col);
  luaL_addstring(&c->b, ") STORED");
}

/*
** The value at a JSON selector as Laravel's PostgreSQL query grammar
** reads "meta->a->tags[0]": "meta"->'a'->'tags'->>0 (Laravel's schema
** grammar has no storedAsJson on PostgreSQL: it drops the modifier)
*/
static int isint (const char *s) {
  if (*s == '-' || *s == '+') s++;
  if (*s == '0') return s[1] == '\0';
  if (*s < '1' || *s > '9') return 0;
  while (*s >= '0' && *s <= '9') s++;
  return *s == '\0';
}

static void pg_json_selector (lm_Ctx *c, const lm_JsonPath *jp) {
  int i;
  lm_addf(c, "%I", jp->field);
  for (i = 0; i < jp->nkeys; i++) {
    luaL_addstring(&c->b, i == jp->nkeys - 1 ? "->>" : "->");
    if (isint(jp->keys[i])) luaL_addstring(&c->b, jp->keys[i]);
    else lm_addf(c, "%L", jp->keys[i]);
  }
}

/* generated_as(options?), always(): an identity column */
static void addidentity (lm_Ctx *c, const lm_Column *col) {
  lm_addf(c, "GENERATED %s AS IDENTITY", (col->flags & LM_F_ALWAYS) ? "ALWAYS" : "BY DEFAULT");
  if (*col->identity) lm_addf(c, " (%s)", col->identity);
}

static void pg_modify_identity (lm_Ctx *c, const lm_Column *col) {
  if (!(col->flags & LM_F_IDENTITY)) return;
  luaL_addchar(&c->b, ' ');
  addidentity(c, col);
}

static const lm_ColFn pg_modify[] = {
  lm_modify_no_on_update, lm_modify_collate, pg_modify_primary,
  pg_modify_nullable, lm_modify_default, pg_modify_generated,
  pg_modify_identity, lm_modify_checks, NULL
};

/*
** geometry(subtype?, srid) and geography: PostGIS's GEOMETRY(POINT, 4326);
** a geography's SRID is 4326 unless said
*/
static void pg_type_spatial (lm_Ctx *c, const lm_Column *col) {
  int geography = col->type == LM_T_GEOGRAPHY;
  luaL_addstring(&c->b, geography ? "GEOGRAPHY" : "GEOMETRY");
  if (col->subtype == NULL && col->srid == (geography ? 4326 : 0)) return;
  luaL_addchar(&c->b, '(');
  luaL_addstring(&c->b, col->subtype ? col->subtype : "geometry");
  if (col->srid != 0) lm_addf(c, ", %d", col->srid);
  luaL_addchar(&c->b, ')');
}

static const char *nullsnotdistinct (const lm_Command *cmd) {
  return (cmd->flags & LM_K_NULLS_NOT_DISTINCT) ? " NULLS NOT DISTINCT" : "";
}

/* CONSTRAINT "n" UNIQUE[ NULLS NOT DISTINCT] ("a")[ DEFERRABLE ...] */
static void pg_inline_unique (lm_Ctx *c, const lm_Command *cmd) {
  lm_addf(c, "CONSTRAINT %I UNIQUE%s (%C)", cmd->name, nullsnotdistinct(cmd),
          cmd->columns, cmd->ncolumns);
  lm_adddeferrable(c, cmd);
}

/*
** A unique key with an algorithm has no inline form (Laravel's: a unique
** index USING it, then the constraint USING INDEX); a foreign key NOT
** VALID neither: it is added after the CREATE TABLE
*/
static int pg_after_create (const lm_Command *cmd) {
  return (cmd->kind == LM_C_UNIQUE && cmd->algorithm != NULL) ||
         ((cmd->kind == LM_C_FOREIGN || cmd->kind == LM_C_CHECK) &&
          (cmd->flags & LM_K_NOT_VALID));
}

/* any access method of the server: btree, hash, gist, gin, brin, ... */
static void pg_index_using (lm_Ctx *c, const lm_Command *cmd) {
  if (cmd->kind == LM_C_PRIMARY)
    lm_unsupported(c, "algorithm() of primary()");   /* always btree */
  lm_addf(c, " USING %s", cmd->algorithm);   /* a bare word: lm_optalgorithm */
}

/* }====================================================== */


/*
** {======================================================
** compile_; the safe forms: CONCURRENTLY, NOT VALID then VALIDATE (lm_safety.c)
** =======================================================
*/

/* marks the index statement just written to run outside the transaction,
   with the DROP that removes the INVALID index a failed build leaves */
static void markindex (lm_Ctx *c, const char *name) {
  lm_begin(c);
  lm_addf(c, "DROP INDEX CONCURRENTLY IF EXISTS %I", name);
  luaL_pushresult(&c->b);
  lm_markout(c, 1);
}

/* ALTER TABLE t VALIDATE CONSTRAINT n: outside the transaction when online */
static void validate (lm_Ctx *c, const char *name, int out) {
  lm_stmt(c, "ALTER TABLE %T VALIDATE CONSTRAINT %I", name);
  if (out) lm_markout(c, 0);
}

static void pg_compile_validate (lm_Ctx *c, const lm_Command *cmd) {
  validate(c, cmd->name, lm_online(c));
}

static void pg_compile_index (lm_Ctx *c, const lm_Command *cmd) {
  lm_compile_create_index(c, cmd);
  if (lm_concurrent(c, cmd)) markindex(c, cmd->name);
}

static void pg_compile_drop_index (lm_Ctx *c, const lm_Command *cmd) {
  if (!lm_concurrent(c, cmd)) {
    lm_compile_drop_index(c, cmd);
    return;
  }
  lm_stmt(c, "DROP INDEX CONCURRENTLY %I", cmd->name);
  lm_markout(c, 0);
}

/*
** A key with an algorithm has no ADD CONSTRAINT form (Laravel's: a unique
** index USING it, then the constraint USING INDEX); built CONCURRENTLY,
** neither: the index outside the transaction, then the constraint, which
** only takes the index (a primary key: its columns must be NOT NULL)
*/
static void pg_compile_key (lm_Ctx *c, const lm_Command *cmd) {
  int out = lm_concurrent(c, cmd);
  const char *name = cmd->name, *what = cmd->kind == LM_C_PRIMARY ? "PRIMARY KEY" : "UNIQUE";
  if (cmd->algorithm == NULL && !out) {
    lm_compile_alter_add(c, cmd);
    return;
  }
  if (name == NULL) name = lua_pushfstring(c->L, "%s_pkey", c->bp->table);
  lm_begin(c);
  lm_addf(c, "CREATE UNIQUE INDEX %s%I ON %T", out ? "CONCURRENTLY " : "", name);
  lm_addusing(c, cmd);
  lm_addf(c, " (%C)%s", cmd->columns, cmd->ncolumns, nullsnotdistinct(cmd));
  lm_end(c);
  if (out) markindex(c, name);
  lm_begin(c);
  lm_addf(c, "ALTER TABLE %T ADD CONSTRAINT %I %s USING INDEX %I", name, what, name);
  lm_adddeferrable(c, cmd);
  lm_end(c);
  if (out) lm_markout(c, 0);
  if (cmd->name == NULL) lua_pop(c->L, 1);
}

/*
** ALTER TABLE ADD CONSTRAINT ... CHECK (...)[ NOT VALID]; online, NOT
** VALID and then validated outside the transaction, which needs its name
*/
static void pg_compile_check (lm_Ctx *c, const lm_Command *cmd) {
  int online = lm_online(c) && !(cmd->flags & LM_K_NOT_VALID);
  if (online && cmd->name == NULL)
    lm_error(c->L, "online = true validates the check on %s after adding it NOT VALID:"
             " give it a name (check(expr, name))", c->bp->table);
  lm_begin(c);
  lm_addf(c, "ALTER TABLE %T ADD ");
  lm_addcheck(c, cmd);
  if (online || (cmd->flags & LM_K_NOT_VALID)) luaL_addstring(&c->b, " NOT VALID");
  lm_end(c);
  if (online) validate(c, cmd->name, 1);
}

/*
** change() to NOT NULL, online: a CHECK (c IS NOT NULL) NOT VALID in the
** transaction; outside it, validated (no write blocked), then SET NOT NULL
** (PostgreSQL 12+ takes the validated check as proof: no scan), then the
** check dropped
*/
static void notnull_online (lm_Ctx *c, const lm_Column *col) {
  const char *name = lua_pushfstring(c->L, "%s_%s_not_null", c->bp->table, col->name);
  lm_stmt(c, "ALTER TABLE %T ADD CONSTRAINT %I CHECK (%I IS NOT NULL) NOT VALID", name,
          col->name);
  validate(c, name, 1);
  lm_stmt(c, "ALTER TABLE %T ALTER COLUMN %I SET NOT NULL", col->name);
  lm_markout(c, 0);
  lm_stmt(c, "ALTER TABLE %T DROP CONSTRAINT %I", name);
  lm_markout(c, 0);
  lua_pop(c->L, 1);
}

/* ALTER TABLE ADD CONSTRAINT ... FOREIGN KEY ...[ NOT VALID] */
static void pg_compile_foreign (lm_Ctx *c, const lm_Command *cmd) {
  lm_begin(c);
  lm_addf(c, "ALTER TABLE %T ADD ");
  lm_addforeign(c, cmd);
  if ((cmd->flags & LM_K_NOT_VALID) || lm_online(c)) luaL_addstring(&c->b, " NOT VALID");
  lm_end(c);
  if (lm_online(c) && !(cmd->flags & LM_K_NOT_VALID)) validate(c, cmd->name, 1);
}

/*
** As Laravel: a GIN index over the columns' to_tsvector(language, c),
** concatenated; the language defaults to english
*/
static void pg_compile_fulltext (lm_Ctx *c, const lm_Command *cmd) {
  const char *lang = cmd->language ? cmd->language : "english";
  int i;
  lm_begin(c);
  lm_addf(c, "CREATE INDEX %I ON %T USING gin ((", cmd->name);
  for (i = 0; i < cmd->ncolumns; i++)
    lm_addf(c, "%sto_tsvector(%L, %I)", i > 0 ? " || " : "", lang, cmd->columns[i]);
  luaL_addstring(&c->b, "))");
  lm_end(c);
}

static void pg_compile_spatial_index (lm_Ctx *c, const lm_Command *cmd) {
  lm_stmt(c, "CREATE INDEX %I ON %T USING gist (%C)", cmd->name, cmd->columns,
          cmd->ncolumns);
}

/* without a name: the one PostgreSQL gives an unnamed primary key, <table>_pkey */
static void pg_compile_drop_primary (lm_Ctx *c, const lm_Command *cmd) {
  const char *name = cmd->name;
  if (name == NULL)   /* pushed before the statement's buffer, popped after */
    name = lua_pushfstring(c->L, "%s_pkey", c->bp->table);
  lm_stmt(c, "ALTER TABLE %T DROP CONSTRAINT %I", name);
  if (cmd->name == NULL) lua_pop(c->L, 1);
}

/* pushes 'name' quoted as an identifier, for a regclass literal */
static const char *pushquoted (lua_State *L, const char *name) {
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  lm_quote_ident(&b, name, '"');
  luaL_pushresult(&b);
  return lua_tostring(L, -1);
}

/*
** change() into an increments column: one with a sequence keeps it, its
** type made the column's (ALTER TYPE leaves a serial's sequence AS
** INTEGER: increments -> big_increments would stop at 2^31 - 1, as
** Laravel's grammar does); a plain integer column gets
** <table>_<column>_seq of that type, owned by it, as its default,
** starting past the rows' largest value (Laravel's grammar makes no
** sequence: inserts would still need the id)
*/
static void pg_serial_change (lm_Ctx *c, const lm_Column *col, const lm_Column *plain) {
  const char *table = pushquoted(c->L, c->bp->table);
  const char *seq = lua_pushfstring(c->L, "%s_%s_seq", c->bp->table, col->name);
  const char *qseq = pushquoted(c->L, seq);
  lm_begin(c);
  lm_addf(c, "DO $lmigrate$ DECLARE s text := pg_get_serial_sequence(%L, %L); BEGIN "
          "IF s IS NULL THEN CREATE SEQUENCE %I AS ", table, col->name, seq);
  lm_addtype(c, plain);
  lm_addf(c, " OWNED BY %T.%I; ALTER TABLE %T ALTER COLUMN %I SET DEFAULT nextval(%L); "
          "PERFORM setval(%L, coalesce(max(%I), 0) + 1, false) FROM %T; "
          "ELSE EXECUTE 'ALTER SEQUENCE ' || s || ' AS ", col->name, col->name, qseq, qseq,
          col->name);
  lm_addtype(c, plain);
  lm_addf(c, "'; END IF; END $lmigrate$");
  lm_end(c);
  lua_pop(c->L, 3);
}

/*
** change(): the column gets exactly the new definition: type (cast with
** USING; an increments column keeps its sequence), nullability, default,
** identity, and the CHECKs lmigrate derives (unsigned, enum; the comment,
** given or not, is pg_compile_comment's), the old ones dropped first,
** whatever the old definition was (an enum's: see below). ALTER TABLE
** runs its drops (DROP DEFAULT too) before the type change and adds
** (SET DEFAULT too) after it, wherever they stand in the statement.
*/
static void pg_compile_change (lm_Ctx *c, const lm_Column *col) {
  lm_Column plain = *col;
  int serial = (col->flags & LM_F_AUTOINC) && !(col->flags & LM_F_IDENTITY);
  int defer = lm_online(c) && !(col->flags & LM_F_NULLABLE);   /* notnull_online */
  lm_checkcolumn(c, col);
  if (col->expr) lm_unsupported(c, "change() of a generated column");
  if (lm_serialtype(col->type, 0) != LM_T__COUNT)
    plain.type = lm_serialtype(col->type, 0);   /* no SERIAL in ALTER TYPE */
  lm_begin(c);
  lm_addf(c, "ALTER TABLE %T DROP CONSTRAINT IF EXISTS %I", col->unsigned_check);
  /* <t>_<c>_check is any CHECK PostgreSQL named: an enum's goes only for
     the enum's new values, and one that changes type keeps it, as under
     Laravel (whose users drop it by that name, as Monica's raw SQL does) */
  if (col->type == LM_T_ENUM)
    lm_addf(c, ", DROP CONSTRAINT IF EXISTS %I", col->enum_check);
  if (col->enum_check_old)
    lm_addf(c, ", DROP CONSTRAINT IF EXISTS %I", col->enum_check_old);
  lm_addf(c, ", ALTER COLUMN %I TYPE ", col->name);
  lm_addtype(c, &plain);
  lm_modify_collate(c, col);
  lm_addf(c, " USING %I::", col->name);
  lm_addtype(c, &plain);
  if (!defer)
    lm_addf(c, ", ALTER COLUMN %I %s NOT NULL", col->name,
            (col->flags & LM_F_NULLABLE) ? "DROP" : "SET");
  if (!serial) {
    /* the old default always goes: ALTER TABLE runs DROP DEFAULT before the
       type change and SET DEFAULT after it, and the type change would
       otherwise convert the old default too, which fails where the new
       type cannot take it ('80' of a VARCHAR made INTEGER) */
    lm_addf(c, ", ALTER COLUMN %I DROP DEFAULT", col->name);
    if (!lm_nodefault(col)) {
      lm_addf(c, ", ALTER COLUMN %I SET DEFAULT ", col->name);
      lm_adddefault(c, col);
    }
    lm_addf(c, ", ALTER COLUMN %I DROP IDENTITY IF EXISTS", col->name);
  }
  if (col->flags & LM_F_IDENTITY) {
    lm_addf(c, ", ALTER COLUMN %I ADD ", col->name);
    addidentity(c, col);
  }
  if ((col->flags & LM_F_UNSIGNED) && !(col->flags & LM_F_AUTOINC))
    lm_addf(c, ", ADD CONSTRAINT %I CHECK (%I >= 0)", col->unsigned_check, col->name);
  if (col->type == LM_T_ENUM) {
    lm_Column only = *col;
    only.flags &= ~LM_F_UNSIGNED;
    luaL_addstring(&c->b, ", ADD");
    lm_modify_checks(c, &only);
  }
  if (col->flags & LM_F_PRIMARY) lm_addf(c, ", ADD PRIMARY KEY (%I)", col->name);
  lm_end(c);
  if (defer) notnull_online(c, col);
  if (serial) pg_serial_change(c, col, &plain);
}

/*
** rename_column: unsigned()'s CHECK, <table>_<column>_unsigned, takes the
** new name when the column has one, so that a change() of the renamed
** column finds it (else its (c >= 0) stays on a column made a string,
** and the type change fails). PostgreSQL's own <table>_<column>_check (an
** enum's) keeps its name, as under Laravel, whose users drop it by it.
*/
static void pg_rename_column (lm_Ctx *c, const lm_Command *cmd) {
  const char *table;
  lm_stmt(c, "ALTER TABLE %T RENAME COLUMN %I TO %I", cmd->columns[0], cmd->to);
  table = pushquoted(c->L, c->bp->table);
  lm_stmt(c, "DO $lmigrate$ BEGIN IF EXISTS (SELECT 1 FROM pg_constraint WHERE "
          "conrelid = %L::regclass AND conname = %L) THEN ALTER TABLE %T RENAME "
          "CONSTRAINT %I TO %I; END IF; END $lmigrate$", table, cmd->check_from,
          cmd->check_from, cmd->check_to);
  lua_pop(c->L, 1);
}

/*
** schema:rename, t:rename(to): unsigned()'s CHECKs, <from>_<column>_unsigned,
** take the new table's name, as a new table's would have (PostgreSQL renames
** no constraint with its table), so that change() and drop_column find them
** after the rename (left(), not starts_with: PostgreSQL before 11 has
** none). Laravel's own names (indexes, keys, an enum's
** <table>_<column>_check) stay as they were, as under Laravel.
*/
static void pg_rename (lm_Ctx *c, const char *from, const char *to) {
  const char *qto, *pfrom, *pto;
  lm_stmt(c, "ALTER TABLE %I RENAME TO %I", from, to);
  qto = pushquoted(c->L, to);
  pfrom = lua_pushfstring(c->L, "%s_", from);
  pto = lua_pushfstring(c->L, "%s_", to);
  lm_stmt(c, "DO $lmigrate$ DECLARE r record; BEGIN FOR r IN SELECT conrelid::regclass AS t, "
          "conname AS k FROM pg_constraint WHERE conrelid = %L::regclass AND contype = 'c' AND "
          "left(conname, length(%L)) = %L AND right(conname, 9) = '_unsigned' LOOP EXECUTE "
          "format('ALTER TABLE %%s RENAME CONSTRAINT %%I TO %%I', r.t, r.k, %L || "
          "substr(r.k, length(%L) + 1)); END LOOP; END $lmigrate$", qto, pfrom, pfrom, pto, pfrom);
  lua_pop(c->L, 3);
}

/* from(n): the next value of the column's sequence (serial or identity) */
static void pg_compile_from (lm_Ctx *c, const lm_Column *col) {
  luaL_Buffer b;
  const char *table, *n;
  luaL_buffinit(c->L, &b);   /* the table as regclass reads it: quoted */
  lm_quote_ident(&b, c->bp->table, '"');
  luaL_pushresult(&b);
  table = lua_tostring(c->L, -1);
  n = lua_pushfstring(c->L, "%I", (LUAI_UACINT)col->from);
  lm_stmt(c, "SELECT setval(pg_get_serial_sequence(%L, %L), %s, false)", table,
          col->name, n);
  lua_pop(c->L, 2);
}

/* a change()d column without comment(): IS NULL, the old one dropped */
static void pg_compile_comment (lm_Ctx *c, const lm_Column *col) {
  if (col->comment == NULL)
    lm_stmt(c, "COMMENT ON COLUMN %T.%I IS NULL", col->name);
  else
    lm_stmt(c, "COMMENT ON COLUMN %T.%I IS %L", col->name, col->comment);
}

static void pg_compile_table_comment (lm_Ctx *c) {
  lm_stmt(c, "COMMENT ON TABLE %T IS %L", c->bp->comment);
}

/* }====================================================== */


/*
** {======================================================
** Statements outside a blueprint
** =======================================================
*/

static void pg_compile_truncate (lm_Ctx *c, const char *table) {
  lm_stmt(c, "TRUNCATE TABLE %I RESTART IDENTITY CASCADE", table);
}

/* }====================================================== */


const lm_Grammar lm_grammar_postgres = {
  .name = "postgres",
  .sql = &lm_sql_postgres,
  .query = &lm_query_postgres,
  .quote = '"',
  .literal = lm_quote_lit,
  .true_ = "TRUE", .false_ = "FALSE",
  .type = {
    [LM_T_INCREMENTS] = "SERIAL", [LM_T_BIG_INCREMENTS] = "BIGSERIAL",
    [LM_T_TINY_INCREMENTS] = "SMALLSERIAL", [LM_T_SMALL_INCREMENTS] = "SMALLSERIAL",
    [LM_T_MEDIUM_INCREMENTS] = "SERIAL",
    [LM_T_INTEGER] = "INTEGER", [LM_T_BIG_INTEGER] = "BIGINT",
    [LM_T_SMALL_INTEGER] = "SMALLINT", [LM_T_TINY_INTEGER] = "SMALLINT",
    [LM_T_MEDIUM_INTEGER] = "INTEGER",
    [LM_T_STRING] = "VARCHAR($n)", [LM_T_CHAR] = "CHAR($n)",
    [LM_T_TEXT] = "TEXT", [LM_T_TINY_TEXT] = "TEXT",
    [LM_T_MEDIUM_TEXT] = "TEXT", [LM_T_LONG_TEXT] = "TEXT",
    [LM_T_BOOLEAN] = "BOOLEAN", [LM_T_DECIMAL] = "DECIMAL($p, $s)",
    [LM_T_FLOAT] = "FLOAT($p)", [LM_T_DOUBLE] = "DOUBLE PRECISION",
    [LM_T_DATE] = "DATE", [LM_T_DATETIME] = "TIMESTAMP$P", [LM_T_TIME] = "TIME$q",
    [LM_T_TIMESTAMP] = "TIMESTAMP$P", [LM_T_YEAR] = "SMALLINT",
    [LM_T_DATETIME_TZ] = "TIMESTAMPTZ$P", [LM_T_TIME_TZ] = "TIMETZ$q",
    [LM_T_TIMESTAMP_TZ] = "TIMESTAMPTZ$P",
    [LM_T_JSON] = "JSON", [LM_T_JSONB] = "JSONB",
    [LM_T_UUID] = "UUID", [LM_T_BINARY] = "BYTEA",
    [LM_T_ENUM] = "VARCHAR(255)",
    [LM_T_INET] = "INET", [LM_T_CIDR] = "CIDR", [LM_T_MACADDR] = "MACADDR",
    [LM_T_FOREIGN_ID] = "BIGINT",
    [LM_T_VECTOR] = "VECTOR$l",   /* pgvector's; set(): none */
    [LM_T_TSVECTOR] = "TSVECTOR"
  },
  .typefn = {
    [LM_T_GEOMETRY] = pg_type_spatial, [LM_T_GEOGRAPHY] = pg_type_spatial
  },
  .json_selector = pg_json_selector,
  .now_date = "CURRENT_DATE",
  .now_year = "EXTRACT(YEAR FROM CURRENT_DATE)",
  .modify = pg_modify,
  .inline_ = {
    [LM_C_UNIQUE] = pg_inline_unique   /* and the base's primary, foreign, check */
  },
  .after_create = pg_after_create,
  .index_using = pg_index_using,
  .deferrable = (1u << LM_C_FOREIGN) | (1u << LM_C_UNIQUE) | (1u << LM_C_PRIMARY),
  .features = LM_G_NOT_VALID | LM_G_NULLS_NOT_DISTINCT | LM_G_CONCURRENTLY,
  .maxident = 63,   /* NAMEDATALEN - 1 bytes */
  .compile = {
    [LM_C_PRIMARY] = pg_compile_key,
    [LM_C_UNIQUE] = pg_compile_key,
    [LM_C_INDEX] = pg_compile_index,
    [LM_C_CHECK] = pg_compile_check,
    [LM_C_DROP_INDEX] = pg_compile_drop_index,
    [LM_C_VALIDATE_FOREIGN] = pg_compile_validate,
    [LM_C_VALIDATE_CHECK] = pg_compile_validate,
    [LM_C_FOREIGN] = pg_compile_foreign,
    [LM_C_FULLTEXT] = pg_compile_fulltext,
    [LM_C_SPATIAL_INDEX] = pg_compile_spatial_index,
    [LM_C_DROP_PRIMARY] = pg_compile_drop_primary,
    [LM_C_RENAME_COLUMN] = pg_rename_column
    /* drop_fulltext, drop_spatial_index: DROP INDEX; rename_index: ALTER
       INDEX RENAME, which renames a unique constraint's index and it too */
  },
  .compile_rename = pg_rename,
  .compile_change = pg_compile_change,
  .compile_comment = pg_compile_comment,
  .compile_from = pg_compile_from,
  .compile_table_comment = pg_compile_table_comment,
  .compile_truncate = pg_compile_truncate,
  .has_table = "SELECT 1 FROM information_schema.tables WHERE "
               "table_schema = current_schema() AND table_name = ?",
  .has_column = "SELECT 1 FROM information_schema.columns WHERE "
                "table_schema = current_schema() AND table_name = ? "
                "AND column_name = ?",
  .list_tables = "SELECT tablename AS name FROM pg_catalog.pg_tables "
                 "WHERE schemaname = current_schema() ORDER BY tablename",
  .list_objects = "SELECT c.relname AS name, CASE c.relkind WHEN 'v' THEN 'view' "
                  "WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence' "
                  "WHEN 'f' THEN 'foreign table' ELSE 'table' END AS kind "
                  "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
                  "ON n.oid = c.relnamespace WHERE n.nspname = current_schema() "
                  "AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') "
                  "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d "
                  "WHERE d.objid = c.oid AND d.deptype IN ('e', 'i', 'a')) "
                  "ORDER BY 2 DESC, 1",
  .fk_off = NULL, .fk_on = NULL,
  .cascade = 1,
  .rebuild = 0,
  .transactional_ddl = 1
};
