# Every spec file is one ctest test; C tests live in tests/. Included
# when BUILD_TESTING is on (include(CTest) has enabled testing).
find_program(LUA54 NAMES lua5.4 REQUIRED)
find_program(BUSTED NAMES busted REQUIRED)

set(LMIGRATE_TEST_ENV
  "LMIGRATE_BIN=$<TARGET_FILE:lmigrate>"
  "LMIGRATE_BUILD=${CMAKE_BINARY_DIR}"
  "LMIGRATE_SOURCE=${PROJECT_SOURCE_DIR}")
if(LMIGRATE_SANITIZE)
  # lua5.4 itself is not instrumented: the runtime must be loaded first, and
  # the interpreter's own exit-time allocations are not ours to report
  execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=libasan.so
                  OUTPUT_VARIABLE ASAN_LIB OUTPUT_STRIP_TRAILING_WHITESPACE)
  execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=libubsan.so
                  OUTPUT_VARIABLE UBSAN_LIB OUTPUT_STRIP_TRAILING_WHITESPACE)
  list(APPEND LMIGRATE_TEST_ENV
    "LMIGRATE_SPEC_PRELOAD=${ASAN_LIB}:${UBSAN_LIB}"
    "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")
endif()

file(GLOB_RECURSE LMIGRATE_SPECS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/spec/*_spec.lua)
list(SORT LMIGRATE_SPECS)
# 900 s: a spec file runs on three servers, and the sanitizer build is slow
foreach(spec ${LMIGRATE_SPECS})
  file(RELATIVE_PATH name ${PROJECT_SOURCE_DIR} ${spec})
  add_test(NAME ${name}
    COMMAND ${PROJECT_SOURCE_DIR}/spec/run-spec ${LUA54} ${BUSTED} ${spec}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(${name} PROPERTIES ENVIRONMENT "${LMIGRATE_TEST_ENV}"
                                          TIMEOUT 900)
  # the specs that run the binary on the three servers: scripts/test.sh
  # runs them in the sanitizer build, where they see what the plain one
  # would and more (ctest -LE integration leaves them out)
  if(name MATCHES "^spec/integration/")
    set_tests_properties(${name} PROPERTIES LABELS integration)
  endif()
  # both turn the MariaDB server's local_infile off for a moment (the
  # fallback of db:insert's LOAD DATA) and both check that it loads: never
  # at the same time
  if(name MATCHES "^spec/(unit/bulk|integration/17-seed)_spec[.]lua$")
    set_tests_properties(${name} PROPERTIES RESOURCE_LOCK mysql_local_infile)
  endif()
endforeach()

file(GLOB LMIGRATE_CTESTS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/tests/test_*.c)
foreach(src ${LMIGRATE_CTESTS})
  get_filename_component(name ${src} NAME_WE)
  add_executable(${name} ${src} $<TARGET_OBJECTS:lm_core_obj>)
  target_include_directories(${name} PRIVATE ${LUA_INCLUDE_DIRS} ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${name} PRIVATE PkgConfig::LUA PkgConfig::SQLITE3 m
                                        ${CMAKE_DL_LIBS})
  add_test(NAME ${name} COMMAND ${name})
endforeach()
