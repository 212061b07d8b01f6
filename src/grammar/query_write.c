/*
** query_write.c
** The query builder's writes: INSERT (insert_get_id, insert_or_ignore,
** upsert, insert_using), UPDATE (increment, decrement) and DELETE, each
** dialect's query grammar, and the Grammar methods the Lua builder calls
** (g:query_sql). What they share with the reads is in query.c.
*/
#include <string.h>

#include "query.h"


/*
** {======================================================
** INSERT, UPDATE, DELETE
** =======================================================
*/

/* a column of an insert or update: one name, quoted whole */
static void addwhole (Q *q, const char *s, size_t len, int i) {
  if (s == NULL || len == 0 || strlen(s) != len)
    lmq_error(q->s, "column %d is not a name", i);
  if (lmq_jsonarrow(s, s + len))
    lmq_error(q->s, "'%s' is a JSON path: a row's values go to whole columns", s);
  lm_quote_identn(B(q), s, len, q->s->g->quote);
}

static void addcolname (Q *q, int list, lua_Integer i) {
  lua_State *L = q->s->L;
  size_t len = 0;
  const char *s = NULL;
  if (lua_rawgeti(L, list, i) == LUA_TSTRING) s = lua_tolstring(L, -1, &len);
  lua_pop(L, 1);
  addwhole(q, s, len, (int)i);
}

static void addnames (Q *q, int list) {
  lua_Integer i, n = (lua_Integer)lua_rawlen(q->s->L, list);
  for (i = 1; i <= n; i++) {
    if (i > 1) addlit(q, ", ");
    addcolname(q, list, i);
  }
}

/*
** ("a", "b") VALUES (?, ?), (?, ?) of rows first..last; a column a row
** lacks is NULL, as in db:insert. No columns: a row of defaults.
*/
static void addrows (Q *q, int rows, int cols, lua_Integer first,
                     lua_Integer last) {
  lua_State *L = q->s->L;
  lua_Integer r, c, ncols = (lua_Integer)lua_rawlen(L, cols);
  if (ncols == 0) {
    if (first != last) lmq_error(q->s, "rows without columns go one at a time");
    luaL_addchar(B(q), ' ');
    luaL_addstring(B(q), q->s->qg->default_values);
    return;
  }
  addlit(q, " (");
  addnames(q, cols);
  addlit(q, ") VALUES ");
  for (r = first; r <= last; r++) {
    luaL_addstring(B(q), r > first ? ", (" : "(");
    for (c = 1; c <= ncols; c++) {
      if (c > 1) addlit(q, ", ");
      if (lua_rawgeti(L, rows, r) != LUA_TTABLE) lmq_error(q->s, "row %d is not a table", (int)r);
      lua_rawgeti(L, cols, c);
      lua_rawget(L, -2);
      lua_remove(L, -2);
      if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        lm_pushnull(L);
      }
      if (!lmq_addvalue(q)) {
        lua_rawgeti(L, cols, c);
        lua_insert(L, -2);
        lmq_badvalue(q, "row %d, column '%s',", (int)r, lua_tostring(L, -2));
      }
    }
    luaL_addchar(B(q), ')');
  }
}

/* INSERT INTO "t" ... ('head' the words before the table) */
static void compile_insert (Q *q, const char *head, int rows, int cols,
                            lua_Integer first, lua_Integer last) {
  luaL_addstring(B(q), head);
  luaL_addchar(B(q), ' ');
  lmq_addtable(q, 0);
  addrows(q, rows, cols, first, last);
}

/*
** ON CONFLICT ("u") DO UPDATE SET "a" = "excluded"."a", "b" = ? or
** ON DUPLICATE KEY UPDATE `a` = VALUES(`a`), `b` = ?: 'update' lists
** column names (the inserted value) and { column = c, value = v }
*/
static void addupsert (Q *q, int unique, int update) {
  lua_State *L = q->s->L;
  lua_Integer i, n = (lua_Integer)lua_rawlen(L, update);
  int dup = q->s->qg->upsert_duplicate;
  if (dup) addlit(q, " ON DUPLICATE KEY UPDATE ");
  else {
    addlit(q, " ON CONFLICT (");
    addnames(q, unique);
    addlit(q, ") DO UPDATE SET ");
  }
  for (i = 1; i <= n; i++) {
    int e;
    if (i > 1) addlit(q, ", ");
    if (lua_rawgeti(L, update, i) == LUA_TSTRING) {
      lua_pop(L, 1);
      addcolname(q, update, i);
      luaL_addstring(B(q), dup ? " = VALUES(" : " = ");
      if (!dup) lm_addf(&q->c, "%I.", "excluded");
      addcolname(q, update, i);
      if (dup) luaL_addchar(B(q), ')');
      continue;
    }
    e = lua_gettop(L);   /* { column = c, value = v } */
    {
      size_t len = 0;
      const char *col = NULL;
      if (lmq_field(L, e, "column") == LUA_TSTRING) col = lua_tolstring(L, -1, &len);
      lua_pop(L, 1);
      addwhole(q, col, len, (int)i);
      addlit(q, " = ");
      lmq_field(L, e, "value");
      lua_remove(L, e);
      if (!lmq_addvalue(q)) lmq_badvalue(q, "the value of '%s'", col);
    }
  }
}

/*
** SET "a" = ?, "n" = "n" + ?: 'sets' lists, flat, column, value, op
** (false, or "+" / "-") for each column
*/
static void addsets (Q *q, int sets) {
  lua_State *L = q->s->L;
  lua_Integer i, n = (lua_Integer)lua_rawlen(L, sets);
  if (n % 3 != 0) lmq_error(q->s, "the values to set are not in threes (a bug in query_run.lua)");
  addlit(q, " SET ");
  for (i = 1; i <= n; i += 3) {
    const char *col, *op = NULL, *dot, *arrow;
    size_t len;
    if (i > 1) addlit(q, ", ");
    if (lua_rawgeti(L, sets, i + 2) == LUA_TSTRING) op = lua_tostring(L, -1);  /* lives in sets */
    lua_pop(L, 1);
    lua_rawgeti(L, sets, i);
    col = lua_tolstring(L, -1, &len);
    if (lua_type(L, -1) != LUA_TSTRING || len == 0)
      lmq_error(q->s, "a column to set must be a name");
    lua_pop(L, 1);
    if ((arrow = lmq_jsonarrow(col, col + len)) != NULL) {   /* query_json.c */
      i = lmq_addjsonset(q, sets, i, n, col, arrow) - 3;
      continue;
    }
    dot = q->s->qg->qualified_set ? NULL : strrchr(col, '.');
    if (dot) lmq_addname(q, dot + 1, len - (size_t)(dot + 1 - col), 0);
    else lmq_addname(q, col, len, 0);
    addlit(q, " = ");
    if (op) {
      lmq_addname(q, col, len, 0);
      luaL_addstring(B(q), strcmp(op, "-") == 0 ? " - " : " + ");
    }
    lua_rawgeti(L, sets, i + 1);
    if (!lmq_addvalue(q)) {
      if (!lua_istable(L, -1)) lmq_badvalue(q, "the value of '%s'", col);
      lmq_addsubquery(q);   /* update({ c = query }): c = (SELECT ...) */
    }
  }
}

/* joins, or ORDER BY/LIMIT: what a plain UPDATE or DELETE cannot take */
static void shape (Q *q, int *joins, int *limited) {
  *joins = lmq_qlen(q, QF_JOINS) > 0;
  *limited = lmq_qlen(q, QF_ORDERS) > 0 || lmq_qint(q, QF_LIM) >= 0;
}

/* MySQL's own ORDER BY and LIMIT of an UPDATE or DELETE: no OFFSET there */
static void addownlimit (Q *q) {
  if (lmq_qint(q, QF_OFF) >= 0)
    lmq_error(q->s, "offset() is not supported in an update or delete on %s",
              q->s->g->name);
  lmq_addorders(q, QF_ORDERS);
  lmq_addlimit(q, QF_LIM, QF_OFF);
}

/* WHERE "rowid" IN (SELECT "t"."rowid" FROM ...), Laravel's SQLite form */
static void addrowids (Q *q) {
  lm_addf(&q->c, " WHERE %I IN (", q->s->qg->rowid);
  lmq_components(q, COLS_ROWID, NULL);
  luaL_addchar(B(q), ')');
}

/*
** UPDATE "t" SET ... WHERE ...; with joins or a limit, through the row
** ids (SQLite, PostgreSQL) or MySQL's UPDATE a JOIN b ... SET
*/
static void compile_update (Q *q, int sets) {
  int joins, limited;
  shape(q, &joins, &limited);
  addlit(q, "UPDATE ");
  lmq_addtable(q, 1);
  if (q->s->qg->rowid && (joins || limited)) {
    addsets(q, sets);
    addrowids(q);
    return;
  }
  if (joins && limited)
    lmq_error(q->s, "an update with a join cannot have order_by or limit on %s",
           q->s->g->name);
  lmq_addjoins(q);
  addsets(q, sets);
  lmq_addwhere(q, " WHERE ", QF_WHERES);
  addownlimit(q);
}

/*
** The join at slot i (a Join table, or flat slots: grammar.h) of
** update_from: its kind must be INNER or CROSS (a LEFT or RIGHT join's
** rows would be dropped by FROM's inner semantics); 'conds' gets whether
** it has ON conditions. Returns the slot after it.
*/
static lua_Integer fromjoin (Q *q, lua_Integer i, int *conds) {
  lua_State *L = q->s->L;
  const char *kind;
  lua_Integer next = i + LMQ_SLOTS;
  int flat = lmq_elem(q, QF_JOINS, i) != LUA_TTABLE;
  if (flat) *conds = 1;
  else {
    int e = lua_gettop(L);
    next = i + 1;
    *conds = lmq_field(L, e, "wheres") == LUA_TTABLE && lua_rawlen(L, -1) > 0;
    lua_pop(L, 1);
    lmq_field(L, e, "kind");
    lua_remove(L, e);
  }
  kind = lua_tostring(L, -1);
  if (kind == NULL || (strcmp(kind, "INNER") != 0 && strcmp(kind, "CROSS") != 0))
    lmq_error(q->s, "takes inner and cross joins, not a %s join: update() writes an "
              "update with a left or right join", kind ? kind : "(no kind)");
  lua_pop(L, 1);
  return next;
}

/* a Join table of update_from: its table and alias; its ON clauses */
static void writefromtable (Q *q) {
  lmq_addtable(q, 1);
}

static void writefromconds (Q *q) {
  lmq_addgroup(q, QF_WHERES, 0);
}

static void writefromgroup (Q *q) {
  lmq_addgroup(q, QF_WHERES, 1);
}

/*
** Laravel's PostgreSQL compileUpdateFrom: UPDATE "t" SET ... FROM "u",
** "v" WHERE <the query's conditions> AND <each join's ON>, each group in
** parentheses when there are several and it holds an OR (Laravel's joins
** them bare). SQLite 3.33+ writes the same; MySQL (update_from 0) its
** update with the joins. Without joins it is update(); with them no
** order_by, limit or offset (FROM has none).
*/
static void compile_update_from (Q *q, int sets) {
  lua_State *L = q->s->L;
  lua_Integer i, n = lmq_qlen(q, QF_JOINS);
  int groups = lmq_qlen(q, QF_WHERES) > 0, conds, first = 1;
  if (n == 0) {
    compile_update(q, sets);
    return;
  }
  if (lmq_qlen(q, QF_ORDERS) > 0 || lmq_qint(q, QF_LIM) >= 0 || lmq_qint(q, QF_OFF) >= 0)
    lmq_error(q->s, "an update from joined tables cannot have order_by, limit or offset");
  for (i = 1; i <= n; ) {
    i = fromjoin(q, i, &conds);
    groups += conds;
  }
  if (!q->s->qg->update_from) {
    compile_update(q, sets);
    return;
  }
  addlit(q, "UPDATE ");
  lmq_addtable(q, 1);
  addsets(q, sets);
  addlit(q, " FROM ");
  for (i = 1; i <= n; ) {
    if (i > 1) addlit(q, ", ");
    if (lmq_elem(q, QF_JOINS, i) == LUA_TTABLE) {
      lmq_nested(q, writefromtable);
      i++;
      continue;
    }
    lua_pop(L, 1);
    lmq_elem(q, QF_JOINS, i + 1);
    lmq_addident(q, 1);
    i += LMQ_SLOTS;
  }
  if (groups == 0) return;
  addlit(q, " WHERE ");
  if (lmq_qlen(q, QF_WHERES) > 0) {
    lmq_addgroup(q, QF_WHERES, groups > 1);
    first = 0;
  }
  for (i = 1; i <= n; ) {
    if (lmq_elem(q, QF_JOINS, i) == LUA_TTABLE) {
      int e = lua_gettop(L);
      int has = lmq_field(L, e, "wheres") == LUA_TTABLE && lua_rawlen(L, -1) > 0;
      lua_pop(L, 1);
      i++;
      if (!has) {
        lua_pop(L, 1);
        continue;
      }
      if (!first) {   /* the join popped: the buffer at the top for the AND */
        lua_pop(L, 1);
        addlit(q, " AND ");
        lmq_elem(q, QF_JOINS, i - 1);
      }
      lmq_nested(q, groups > 1 ? writefromgroup : writefromconds);
    }
    else {   /* the slots kind, table, first, operator, second */
      const char *op;
      int opi;
      Ident a, b;
      lua_pop(L, 1);
      lmq_elem(q, QF_JOINS, i + 2);
      lmq_popident(q, &a);
      lmq_elem(q, QF_JOINS, i + 3);
      op = lua_tostring(L, -1);   /* lives in the list */
      lua_pop(L, 1);
      opi = lmq_checkoperator(q, op);
      lmq_elem(q, QF_JOINS, i + 4);
      lmq_popident(q, &b);
      if (!first) addlit(q, " AND ");
      lmq_writeident(q, &a, 0);
      luaL_addchar(B(q), ' ');
      lmq_writeoperator(q, opi);
      luaL_addchar(B(q), ' ');
      lmq_writeident(q, &b, 0);
      i += LMQ_SLOTS;
    }
    first = 0;
  }
}

/* DELETE FROM "t" WHERE ...; MySQL's DELETE a FROM t AS a JOIN ... */
static void compile_delete (Q *q) {
  int joins, limited, aliased;
  shape(q, &joins, &limited);
  aliased = lmq_qstr(q, QF_AS) != NULL;
  if (q->s->qg->rowid && (joins || limited)) {
    addlit(q, "DELETE FROM ");
    lmq_addtable(q, 1);
    addrowids(q);
    return;
  }
  if (q->s->qg->rowid == NULL && (joins || aliased)) {
    if (limited)
      lmq_error(q->s, "a delete with a join or an alias cannot have order_by or "
             "limit on %s", q->s->g->name);
    addlit(q, "DELETE ");
    lmq_addrowsource(q);
    addlit(q, " FROM ");
  }
  else addlit(q, "DELETE FROM ");
  lmq_addtable(q, 1);
  lmq_addjoins(q);
  lmq_addwhere(q, " WHERE ", QF_WHERES);
  addownlimit(q);
}

/* }====================================================== */


/*
** {======================================================
** The Lua side: methods of Grammar
** =======================================================
*/

const lm_QueryGrammar lm_query_sqlite = {
  .ops = LM_OPS_SQLITE,
  .insert_ignore = "INSERT OR IGNORE INTO",
  .returning = 1,
  .default_values = "DEFAULT VALUES",
  .union_select = 1,
  .rowid = "rowid",
  .no_limit = "LIMIT -1",
  .random = "RANDOM()",
  .date_parts = {{"strftime('%Y-%m-%d', ", ")"}, {"strftime('%H:%M:%S', ", ")"},
                 {"strftime('%d', ", ")"}, {"strftime('%m', ", ")"}, {"strftime('%Y', ", ")"}},
  .date_value = {"cast(", " as text)"},
  .like_ops = {"LIKE", "GLOB"},
  .like_glob = 1,
  .json = LMQ_JSON_EXTRACT,
  .update_from = 1
};

const lm_QueryGrammar lm_query_postgres = {
  .ops = LM_OPS_POSTGRES,
  .returning = 1,
  .default_values = "DEFAULT VALUES",
  .rowid = "ctid",
  .random = "RANDOM()",
  .lock_update = " FOR UPDATE",
  .lock_share = " FOR SHARE",
  .distinct_on = 1,
  .date_parts = {{NULL, "::date"}, {NULL, "::time"}, {"extract(day from ", ")"},
                 {"extract(month from ", ")"}, {"extract(year from ", ")"}},
  .like_cast = "::text",
  .like_ops = {"ILIKE", "LIKE"},
  .json = LMQ_JSON_ARROWS,
  .fulltext = LMQ_FT_TSQUERY,
  .update_from = 1,
  .bitwise_bool = 1
};

const lm_QueryGrammar lm_query_mysql = {
  .ops = LM_OPS_MYSQL,
  .insert_ignore = "INSERT IGNORE INTO",
  .last_insert_id = "SELECT LAST_INSERT_ID() AS `id`",
  .default_values = "() VALUES ()",
  .upsert_duplicate = 1,
  .qualified_set = 1,
  .no_limit = "LIMIT 18446744073709551615",
  .random = "RAND()",
  .lock_update = " FOR UPDATE",
  .lock_share = " LOCK IN SHARE MODE",
  .date_parts = {{"date(", ")"}, {"time(", ")"}, {"day(", ")"}, {"month(", ")"}, {"year(", ")"}},
  .like_ops = {"LIKE", "LIKE BINARY"},
  .json = LMQ_JSON_UNQUOTE,
  .fulltext = LMQ_FT_MATCH
};

static const char *const ops[] = {
  "select", "exists", "aggregate", "insert", "insert_or_ignore", "upsert",
  "insert_using", "update", "delete", "update_from", "insert_or_ignore_using", NULL
};

enum { OP_SELECT, OP_EXISTS, OP_AGGREGATE, OP_INSERT, OP_IGNORE, OP_UPSERT,
       OP_USING, OP_UPDATE, OP_DELETE, OP_UPDATE_FROM, OP_IGNORE_USING };

/*
** The op at 2 (an index in ops): its first letter compared before its
** name, luaL_checkoption's compares for all before it; a string that is
** none, or no string, refused by luaL_checkoption as before
*/
static int checkop (lua_State *L) {
  const char *name = lua_tostring(L, 2);
  int i;
  if (name != NULL)
    for (i = 0; ops[i] != NULL; i++)
      if (ops[i][0] == name[0] && strcmp(ops[i], name) == 0) return i;
  return luaL_checkoption(L, 2, NULL, ops);
}

/* rows, columns, first, last at 4..7: checks them -> first, last */
static void checkrows (lua_State *L, lua_Integer *first, lua_Integer *last) {
  luaL_checktype(L, 4, LUA_TTABLE);
  luaL_checktype(L, 5, LUA_TTABLE);
  *first = luaL_checkinteger(L, 6);
  *last = luaL_checkinteger(L, 7);
  luaL_argcheck(L, *first >= 1 && *first <= *last, 6, "not a range of rows");
}

static void compile (Q *q, int op) {
  lua_State *L = q->s->L;
  lua_Integer first, last;
  const char *ignore = q->s->qg->insert_ignore;
  switch (op) {
    case OP_SELECT:
      if (!lua_isnoneornil(L, 4)) {   /* first(): LIMIT 1 for this compilation */
        q->limit = luaL_checkinteger(L, 4);
        luaL_argcheck(L, q->limit >= 0, 5, "a limit must be >= 0");
      }
      lmq_select(q);
      break;
    case OP_EXISTS:
      addlit(q, "SELECT EXISTS(");
      lmq_select(q);
      lm_addf(&q->c, ") AS %I", "exists");
      break;
    case OP_AGGREGATE: {
      Agg a;
      a.fn = luaL_checkoption(L, 4, NULL, lmq_aggregates);
      a.column = 5;
      lmq_aggregate(q, &a);
      break;
    }
    case OP_INSERT: case OP_IGNORE: case OP_UPSERT:
      checkrows(L, &first, &last);
      compile_insert(q, (op == OP_IGNORE && ignore) ? ignore : "INSERT INTO", 4, 5,
                     first, last);
      if (op == OP_IGNORE && !ignore) addlit(q, " ON CONFLICT DO NOTHING");
      if (op == OP_UPSERT) {
        luaL_checktype(L, 8, LUA_TTABLE);
        luaL_checktype(L, 9, LUA_TTABLE);
        addupsert(q, 8, 9);
      }
      if (op == OP_INSERT && !lua_isnoneornil(L, 8)) {
        luaL_argcheck(L, q->s->qg->returning, 8, "no RETURNING on this dialect");
        lm_addf(&q->c, " RETURNING %I", lm_checkname(L, 8));
      }
      break;
    case OP_USING: case OP_IGNORE_USING:
      luaL_checktype(L, 4, LUA_TTABLE);
      luaL_checktype(L, 5, LUA_TTABLE);
      luaL_addstring(B(q), (op == OP_IGNORE_USING && ignore) ? ignore : "INSERT INTO");
      luaL_addchar(B(q), ' ');
      lmq_addtable(q, 0);
      addlit(q, " (");
      addnames(q, 4);
      addlit(q, ") ");
      lua_pushvalue(L, 5);
      lmq_nested(q, lmq_select);
      if (op == OP_IGNORE_USING && !ignore) addlit(q, " ON CONFLICT DO NOTHING");
      break;
    case OP_UPDATE:
      luaL_checktype(L, 4, LUA_TTABLE);
      compile_update(q, 4);
      break;
    case OP_UPDATE_FROM:
      luaL_checktype(L, 4, LUA_TTABLE);
      compile_update_from(q, 4);
      break;
    default: compile_delete(q); break;
  }
}

/*
** The grammar at 1: query_args knows its metatable (upvalue 2), a compare
** in place of luaL_checkudata's lookup of it by name; anything else is
** checked, and refused, as before
*/
static const lm_Grammar *checkgrammar (lua_State *L, int own) {
  if (own && lua_type(L, 1) == LUA_TUSERDATA && lua_getmetatable(L, 1)) {
    int same = lua_rawequal(L, -1, lua_upvalueindex(2));
    lua_pop(L, 1);
    if (same) return *(const lm_Grammar **)lua_touserdata(L, 1);
  }
  return lm_checkgrammar(L, 1);
}

/*
** The SQL written at 11, the query's fields (lmq_init) dropped. query_args
** keeps the last SQL it returned (upvalue 3): a query run again writes the
** same text, which is then that string again, found by comparing every
** byte (no string made, hashed or collected), never by the query's shape
*/
static void pushsql (Q *q, int own) {
  lua_State *L = q->s->L;
  luaL_Buffer *b = B(q);
  if (own && b->b == b->init.b) {   /* the buffer not boxed: its text is b->b */
    size_t len;
    const char *last = lua_tolstring(L, lua_upvalueindex(3), &len);
    if (last != NULL && len == luaL_bufflen(b) && memcmp(last, luaL_buffaddr(b), len) == 0) {
      lua_settop(L, 10);
      lua_pushvalue(L, lua_upvalueindex(3));
      return;
    }
  }
  luaL_pushresult(b);
  if (lua_gettop(L) > 11) {
    lua_replace(L, 11);
    lua_settop(L, 11);
  }
  if (own) {
    lua_pushvalue(L, 11);
    lua_replace(L, lua_upvalueindex(3));
  }
}

/*
** The statement of query_sql's arguments -> the number of values, which
** go into the list at 10: a new one, or with 'own' query_args' own list
** (its upvalue 1); leaves the SQL at 11
*/
static lua_Integer compileat (lua_State *L, int own) {
  QState s;
  Q q;
  int op;
  s.L = L;
  s.g = checkgrammar(L, own);
  s.qg = s.g->query;
  s.n = 0;
  op = checkop(L);
  luaL_checktype(L, 3, LUA_TTABLE);
  s.method = luaL_optstring(L, 4, ops[op]);
  s.placed = own;
  lua_settop(L, 10);
  lua_remove(L, 4);    /* the op's own arguments from 4 on, 9 at most */
  if (own) lua_pushvalue(L, lua_upvalueindex(1));
  else lua_createtable(L, 4, 0);   /* room for most queries' values: no resize */
  s.binds = 10;
  lmq_init(&q, &s, 3);
  compile(&q, op);
  pushsql(&q, own);
  return s.n;
}

/*
** g:query_sql(op, query, method, ...) -> sql, values, n: the statement of
** the builder 'query' with '?' placeholders, the list of their values and
** its length. 'method' names the builder method in errors. op and the
** arguments after method:
**   "select"[, limit: in place of the query's own, as first()'s 1]
**   "exists" | "delete"
**   "aggregate", fn ("count", "min", "max", "sum", "avg"), column | "*"
**   "insert", rows, columns, first, last[, returning column]
**   "insert_or_ignore", rows, columns, first, last
**   "upsert", rows, columns, first, last, unique_by, update
**   "insert_using" | "insert_or_ignore_using", columns, select query
**   "update" | "update_from", { column, value, op, ... } (op false, or "+" | "-")
*/
static int g_query_sql (lua_State *L) {
  lua_Integer n = compileat(L, 0);
  lua_pushvalue(L, 10);
  lua_pushinteger(L, n);
  return 3;
}

/*
** g:query_args(op, query, method, ...) -> sql, value, ...: query_sql's
** statement with its values on the stack, for db:query(sql, ...) with no
** list made for them. The list they pass through is the function's own:
** nothing in a compilation calls Lua, so no other one uses it meanwhile.
** It is emptied again, or when it grew past OWNVALUES (an insert's rows)
** left to the collector for a new one. (One that raised leaves its
** values in it until the next overwrite them.) Its errors carry the
** user's line (lmq_error), so the terminal calls need no pcall around it.
** Its upvalues: 1 that list, 2 the grammars' metatable, 3 the last SQL.
*/
#define OWNVALUES  16

static int g_query_args (lua_State *L) {
  lua_Integer i, n = compileat(L, 1);
  luaL_checkstack(L, (int)n, "too many values");
  for (i = 1; i <= n; i++) lua_rawgeti(L, 10, i);
  if (n > OWNVALUES) {
    lua_createtable(L, 8, 0);
    lua_replace(L, lua_upvalueindex(1));
  }
  else {
    for (i = 1; i <= n; i++) {
      lua_pushnil(L);
      lua_rawseti(L, 10, i);
    }
  }
  return (int)n + 1;
}

/*
** g:last_insert_id() -> the query whose column "id" is the id the last
** insert made | nil: insert_get_id is INSERT ... RETURNING there
*/
static int g_last_insert_id (lua_State *L) {
  const lm_Grammar *g = lm_checkgrammar(L, 1);
  if (g->query->returning) luaL_pushfail(L);
  else lua_pushstring(L, g->query->last_insert_id);
  return 1;
}

static const luaL_Reg query_meth[] = {
  {"query_sql", g_query_sql},
  {"query_operators", lmq_operators},
  {"last_insert_id", g_last_insert_id},
  {NULL, NULL}
};

int lm_open_query (lua_State *L) {
  lm_addmethods(L, LM_GRAMMAR, query_meth);
  luaL_getmetatable(L, LM_GRAMMAR);
  lua_getfield(L, -1, "__index");
  lua_createtable(L, 8, 0);   /* query_args' own list of values */
  lua_pushvalue(L, -3);       /* the grammars' metatable */
  lua_pushnil(L);             /* the last SQL */
  lua_pushcclosure(L, g_query_args, 3);
  lua_setfield(L, -2, "query_args");
  lua_pop(L, 2);
  return 0;
}

/* }====================================================== */
