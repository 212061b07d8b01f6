# cmake -DCLANG_TIDY=... -DBUILD=<build dir> -DSRC=<src dir> [-DEXCLUDE=<dir,dir>] -P ClangTidy.cmake
# Runs clang-tidy on each C file of SRC (its folders but those of
# EXCLUDE, folders of SRC separated by commas, which other runs check) with the
# compile commands of BUILD and fails when any finding is reported
# (src/.clang-tidy makes every warning an error). One run per file: clang-tidy 14 checking several
# files in one run reports "va_arg() is called on an uninitialized
# va_list" in grammar.c's vaddf unless grammar.c comes first, a false
# positive the same file checked alone does not have.
file(GLOB_RECURSE files ${SRC}/*.c)
string(REPLACE "," ";" EXCLUDE "${EXCLUDE}")
foreach(dir ${EXCLUDE})
  list(FILTER files EXCLUDE REGEX "^${SRC}/${dir}/")
endforeach()
list(SORT files)
set(failed "")
foreach(f ${files})
  execute_process(COMMAND ${CLANG_TIDY} -p ${BUILD} --quiet ${f}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message("${out}")
    list(APPEND failed ${f})
  endif()
endforeach()
if(failed)
  string(REPLACE ";" "\n  " failed "${failed}")
  message(FATAL_ERROR "clang-tidy findings in:\n  ${failed}")
endif()
list(LENGTH files n)
message("clang-tidy: ${n} files, no findings")
