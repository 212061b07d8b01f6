# The static checks, each one ctest test, so that the test command runs
# them: cppcheck and clang-tidy over src/ (clang-tidy reads the
# compile_commands.json of this build and src/.clang-tidy), luacheck over
# lua/, spec/ and the probes of tests/ (.luacheckrc). Every suppression says why where it is:
# src/.clang-tidy, an inline NOLINT(check) or cppcheck-suppress comment.
# A tool that is missing fails its test, with what to install.
#
# They read the sources, not what the build made: the sanitizer build of
# scripts/test.sh does not run them a second time.
if(LMIGRATE_SANITIZE)
  return()
endif()

find_program(CPPCHECK NAMES cppcheck)
find_program(CLANG_TIDY NAMES clang-tidy)
find_program(LUACHECK NAMES luacheck)

# a test that fails, saying which package scripts/install-deps.sh installs
function(lmigrate_missing_tool test tool package)
  add_test(NAME ${test} COMMAND ${CMAKE_COMMAND} -E echo
    "${tool} not found: install ${package} (scripts/install-deps.sh does)")
  set_tests_properties(${test} PROPERTIES WILL_FAIL ON)
endfunction()

if(CPPCHECK)
  # -D__GNUC__: the configuration gcc builds, where LM_NORETURN tells
  # cppcheck that lm_error does not return; the cfg files say the same of
  # luaL_error and know the POSIX and SQLite calls
  add_test(NAME lint_cppcheck
    COMMAND ${CPPCHECK} --quiet --error-exitcode=1 --std=c99
            --enable=warning,portability,performance --inline-suppr
            --library=posix --library=lua --library=sqlite3
            -D__GNUC__ -I ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/src)
else()
  lmigrate_missing_tool(lint_cppcheck cppcheck cppcheck)
endif()

if(CLANG_TIDY)
  # three tests, so that ctest -j runs them side by side (one took four
  # minutes): src/driver, src/grammar, and every other folder of src
  foreach(dir driver grammar)
    add_test(NAME lint_clang_tidy_${dir}
      COMMAND ${CMAKE_COMMAND} -DCLANG_TIDY=${CLANG_TIDY} -DBUILD=${CMAKE_BINARY_DIR}
              -DSRC=${PROJECT_SOURCE_DIR}/src/${dir} -P ${PROJECT_SOURCE_DIR}/cmake/ClangTidy.cmake)
  endforeach()
  add_test(NAME lint_clang_tidy
    COMMAND ${CMAKE_COMMAND} -DCLANG_TIDY=${CLANG_TIDY} -DBUILD=${CMAKE_BINARY_DIR}
            -DSRC=${PROJECT_SOURCE_DIR}/src -DEXCLUDE=driver,grammar
            -P ${PROJECT_SOURCE_DIR}/cmake/ClangTidy.cmake)
else()
  lmigrate_missing_tool(lint_clang_tidy clang-tidy clang-tidy)
endif()

if(LUACHECK)
  add_test(NAME lint_luacheck COMMAND ${LUACHECK} --no-color lua spec tests
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
else()
  lmigrate_missing_tool(lint_luacheck luacheck lua-check)
endif()
