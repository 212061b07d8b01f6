# The probes of issue #13 as ctest tests, in their short form (README
# says how to run the long one): the kill -9 harness, the race harness and
# the bad-input corpus of tests/crash, the memory check of tests/memory
# (valgrind in this build, LeakSanitizer in the sanitizer build), the
# Lua-level fuzzer and the libFuzzer target of tests/fuzz. Each Lua probe
# runs through tests/run-probe with the specs' support modules; exit 77
# (no server and no CI) is ctest's "skipped". Each leaves its summary line
# in probes/ of the build, which scripts/test.sh prints.
set(LMIGRATE_PROBES
  tests/crash/race.lua
  tests/crash/corpus.lua
  tests/memory/memcheck.lua
  tests/fuzz/lua_fuzz.lua)
# The kill probes judge what a SIGKILL leaves in the database, which the
# sanitizer cannot see (a killed process reports nothing): they run in the
# plain build only, where they take a third of the time
if(NOT LMIGRATE_SANITIZE)
  list(PREPEND LMIGRATE_PROBES tests/crash/kill.lua tests/crash/backfill.lua)
endif()
foreach(probe ${LMIGRATE_PROBES})
  get_filename_component(name ${probe} NAME_WE)
  add_test(NAME probe_${name}
    COMMAND ${PROJECT_SOURCE_DIR}/tests/run-probe ${LUA54} ${probe}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  # one probe at a time, and none beside the specs that time their runs:
  # a race of 8 processes on 2 cores would make those flaky
  set_tests_properties(probe_${name} PROPERTIES ENVIRONMENT "${LMIGRATE_TEST_ENV}"
                                                TIMEOUT 900 SKIP_RETURN_CODE 77
                                                RESOURCE_LOCK lmigrate_timing)
endforeach()
set_tests_properties(spec/integration/07-lock_spec.lua spec/integration/08-connections_spec.lua
                     PROPERTIES RESOURCE_LOCK lmigrate_timing)

# The libFuzzer target: the core's sources built again by clang with
# -fsanitize=fuzzer,address,undefined (its own sanitizer build, so only
# the plain build makes it). clang and libclang-rt-14-dev are in
# scripts/install-deps.sh; without them the test fails saying so.
if(LMIGRATE_SANITIZE)
  return()
endif()
find_program(LMIGRATE_CLANG NAMES clang-14 clang)
set(LMIGRATE_FUZZ_RUNS 6000 CACHE STRING "inputs the short run of the libFuzzer target tries")
if(NOT LMIGRATE_CLANG)
  lmigrate_missing_tool(fuzz_core clang "clang libclang-rt-14-dev")
  return()
endif()
set(fuzz_flags -g -O1 -std=c99 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
               -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined)
set(fuzz_includes -I${PROJECT_SOURCE_DIR}/src)
foreach(dir ${LUA_INCLUDE_DIRS} ${SQLITE3_INCLUDE_DIRS} ${LIBPQ_INCLUDE_DIRS} ${MARIADB_INCLUDE_DIRS})
  list(APPEND fuzz_includes -I${dir})
endforeach()
set(fuzz_libs)
foreach(lib ${LUA_LINK_LIBRARIES} ${SQLITE3_LINK_LIBRARIES})
  list(APPEND fuzz_libs ${lib})
endforeach()
foreach(lib ${CMAKE_DL_LIBS} m)
  list(APPEND fuzz_libs -l${lib})
endforeach()
add_custom_command(
  OUTPUT ${CMAKE_BINARY_DIR}/fuzz_core
  COMMAND ${LMIGRATE_CLANG} ${fuzz_flags} ${fuzz_includes} ${LMIGRATE_CORE_SRC}
          ${PROJECT_SOURCE_DIR}/tests/fuzz/fuzz_core.c -o ${CMAKE_BINARY_DIR}/fuzz_core
          ${fuzz_libs}
  DEPENDS ${LMIGRATE_CORE_SRC} ${PROJECT_SOURCE_DIR}/tests/fuzz/fuzz_core.c
  COMMENT "Building the libFuzzer target fuzz_core with clang"
  VERBATIM)
add_custom_target(fuzz_core_bin ALL DEPENDS ${CMAKE_BINARY_DIR}/fuzz_core)
add_test(NAME fuzz_core
  COMMAND ${PROJECT_SOURCE_DIR}/tests/fuzz/run-fuzz ${CMAKE_BINARY_DIR}/fuzz_core
          ${LMIGRATE_FUZZ_RUNS} ${CMAKE_BINARY_DIR}
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(fuzz_core PROPERTIES TIMEOUT 900 RESOURCE_LOCK lmigrate_timing)
