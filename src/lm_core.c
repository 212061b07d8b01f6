/*
** lm_core.c
** luaopen_lmigrate_core: builds every metatable and returns the module
** table shared by the executable and the busted specs.
*/
#include "lmigrate.h"

LM_API int luaopen_lmigrate_core (lua_State *L) {
  lua_newtable(L);
  lm_pushnull(L);
  lua_setfield(L, -2, "null");
  lua_pushliteral(L, LM_VERSION);
  lua_setfield(L, -2, "version");
  lm_open_util(L);
  lm_open_sql(L);
  lm_open_schema(L);
  lm_open_alter(L);
  lm_open_column(L);
  lm_open_add_column(L);
  lm_open_foreign(L);
  lm_open_safety(L);
  lm_open_describe(L);
  lm_open_grammar(L);
  lm_open_query(L);
  lm_open_query_build(L);
  lm_open_driver(L);
  lm_open_hash(L);
  lm_open_str(L);
  lm_open_digest(L);
  return 1;
}
