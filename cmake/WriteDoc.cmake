# cmake -DBIN=lmigrate -DWHAT=man|bash|zsh -DOUT=file -P WriteDoc.cmake
# Writes what the built lmigrate prints for WHAT (help --man, completion
# bash|zsh) into OUT; a failing run fails the build, and no partial OUT is
# left behind.
if(WHAT STREQUAL "man")
  set(args help --man)
else()
  set(args completion ${WHAT})
endif()
get_filename_component(dir ${OUT} DIRECTORY)
file(MAKE_DIRECTORY ${dir})
# no colour, no DATABASE_URL and no lmigrate.lua: what is written depends on
# the command table alone
execute_process(COMMAND ${CMAKE_COMMAND} -E env --unset=DATABASE_URL --unset=LMIGRATE_DEV
                        ${BIN} ${args}
                WORKING_DIRECTORY ${dir}
                OUTPUT_FILE ${OUT}.tmp RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  file(REMOVE ${OUT}.tmp)
  message(FATAL_ERROR "${BIN} ${args} failed (${rc}): ${err}")
endif()
file(RENAME ${OUT}.tmp ${OUT})
