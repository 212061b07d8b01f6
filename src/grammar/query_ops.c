/*
** query_ops.c
** The query builder's operators (where(column, op, value)): which each
** dialect has, and how each is written. query.c checks and writes a
** clause's operator through these; g:query_operators() gives the lists to
** query_where.lua, which refuses a bad operator at the user's line.
*/
#include "query.h"

/*
** {======================================================
** Operators
** =======================================================
*/

#define OPS_ALL  (LM_OPS_SQLITE | LM_OPS_POSTGRES | LM_OPS_MYSQL)
#define OP_BITWISE  0x100u   /* Laravel's bitwise operators: where() tests the result */

/* what where() takes (any case) and what is written */
static const struct { const char *op, *sql; unsigned in; } operators[] = {
  {"=", "=", OPS_ALL}, {"<", "<", OPS_ALL}, {">", ">", OPS_ALL},
  {"<=", "<=", OPS_ALL}, {">=", ">=", OPS_ALL}, {"<>", "<>", OPS_ALL},
  {"!=", "!=", OPS_ALL}, {"like", "LIKE", OPS_ALL},
  {"not like", "NOT LIKE", OPS_ALL}, {"&", "&", OPS_ALL | OP_BITWISE},
  {"|", "|", OPS_ALL | OP_BITWISE}, {"<<", "<<", OPS_ALL | OP_BITWISE},
  {">>", ">>", OPS_ALL | OP_BITWISE},
  /* SQLite */
  {"glob", "GLOB", LM_OPS_SQLITE}, {"not glob", "NOT GLOB", LM_OPS_SQLITE},
  {"is", "IS", LM_OPS_SQLITE}, {"is not", "IS NOT", LM_OPS_SQLITE},
  /* PostgreSQL; a '?' is written '??', the driver's literal '?' */
  {"ilike", "ILIKE", LM_OPS_POSTGRES}, {"not ilike", "NOT ILIKE", LM_OPS_POSTGRES},
  {"~", "~", LM_OPS_POSTGRES}, {"~*", "~*", LM_OPS_POSTGRES},
  {"!~", "!~", LM_OPS_POSTGRES}, {"!~*", "!~*", LM_OPS_POSTGRES},
  {"similar to", "SIMILAR TO", LM_OPS_POSTGRES},
  {"not similar to", "NOT SIMILAR TO", LM_OPS_POSTGRES},
  {"is distinct from", "IS DISTINCT FROM", LM_OPS_POSTGRES},
  {"is not distinct from", "IS NOT DISTINCT FROM", LM_OPS_POSTGRES},
  {"@>", "@>", LM_OPS_POSTGRES}, {"<@", "<@", LM_OPS_POSTGRES},
  {"&&", "&&", LM_OPS_POSTGRES}, {"||", "||", LM_OPS_POSTGRES},
  {"@@", "@@", LM_OPS_POSTGRES}, {"#", "#", LM_OPS_POSTGRES},
  {"#-", "#-", LM_OPS_POSTGRES}, {"?", "?", LM_OPS_POSTGRES},
  {"?|", "?|", LM_OPS_POSTGRES}, {"?&", "?&", LM_OPS_POSTGRES},
  /* MySQL */
  {"<=>", "<=>", LM_OPS_MYSQL}, {"^", "^", LM_OPS_MYSQL | OP_BITWISE},
  {"regexp", "REGEXP", LM_OPS_MYSQL}, {"not regexp", "NOT REGEXP", LM_OPS_MYSQL},
  {"rlike", "RLIKE", LM_OPS_MYSQL}, {"not rlike", "NOT RLIKE", LM_OPS_MYSQL},
  {"like binary", "LIKE BINARY", LM_OPS_MYSQL},
  {"sounds like", "SOUNDS LIKE", LM_OPS_MYSQL}
};

#define NOPS  (sizeof(operators) / sizeof(operators[0]))

/* the index of 'op' among the operators, or -1 */
static int findop (const char *op) {
  size_t i;
  for (i = 0; i < NOPS; i++)
    if (lm_iequal(op, operators[i].op)) return (int)i;
  return -1;
}

/* the index of the operator 'op' of the dialect; raises for another */
int lmq_checkoperator (Q *q, const char *op) {
  int i = (op != NULL) ? findop(op) : -1;
  if (i < 0) lmq_error(q->s, "unknown operator '%s'", op ? op : "(none)");
  if (!(operators[i].in & q->s->qg->ops))
    lmq_error(q->s, "operator '%s' is not supported on %s", op, q->s->g->name);
  return i;
}

/* whether a condition of operator i is written (c op v)::bool (lm_QueryGrammar) */
int lmq_bitwisebool (Q *q, int i) {
  return (operators[i].in & OP_BITWISE) && q->s->qg->bitwise_bool;
}

void lmq_writeoperator (Q *q, int i) {
  const char *p;
  for (p = operators[i].sql; *p; p++) {
    if (*p == '?' && (q->s->g->sql->flags & LM_SQL_QQ)) luaL_addchar(B(q), '?');
    luaL_addchar(B(q), *p);
  }
}

/*
** g:query_operators() -> { [op] = true } of this dialect, { [op] = true }
** of every dialect: what where() checks its operator against
*/
int lmq_operators (lua_State *L) {
  const lm_Grammar *g = lm_checkgrammar(L, 1);
  size_t i;
  lua_createtable(L, 0, (int)NOPS);
  lua_createtable(L, 0, (int)NOPS);
  for (i = 0; i < NOPS; i++) {
    lua_pushboolean(L, 1);
    lua_setfield(L, -2, operators[i].op);
    if (operators[i].in & g->query->ops) {
      lua_pushboolean(L, 1);
      lua_setfield(L, -3, operators[i].op);
    }
  }
  return 2;
}

/* }====================================================== */
