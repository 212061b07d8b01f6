# What `cmake --install` puts where. Two layouts:
#
# - the default: bin/lmigrate (the self-contained executable),
#   share/man/man1/lmigrate.1, and the bash and zsh completions, written at
#   build time by the built lmigrate itself (`help --man`, `completion
#   bash|zsh`) from its command table, so the installed files are what the
#   installed binary prints;
# - a LuaRocks build (lmigrate-scm-1.rockspec sets LMIGRATE_ROCK_LUADIR,
#   _LIBDIR and _BINDIR to the rock's folders): the module lmigrate.core,
#   the lua/ tree and bin/lmigrate, the Lua launcher of the CLI. The
#   executable is not built there.
include(GNUInstallDirs)

if(LMIGRATE_ROCK_LUADIR)
  set_target_properties(lmigrate PROPERTIES EXCLUDE_FROM_ALL ON)
  install(TARGETS lmigrate_core LIBRARY DESTINATION ${LMIGRATE_ROCK_LIBDIR}/lmigrate)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/lua/ DESTINATION ${LMIGRATE_ROCK_LUADIR}
          FILES_MATCHING PATTERN "*.lua")
  install(PROGRAMS ${PROJECT_SOURCE_DIR}/bin/lmigrate DESTINATION ${LMIGRATE_ROCK_BINDIR})
  return()
endif()

# WHAT (man, bash, zsh) -> OUT, written by the built binary
set(LMIGRATE_DOCS "")
foreach(what man bash zsh)
  if(what STREQUAL "man")
    set(out ${CMAKE_BINARY_DIR}/share/man/man1/lmigrate.1)
  elseif(what STREQUAL "bash")
    set(out ${CMAKE_BINARY_DIR}/share/bash-completion/completions/lmigrate)
  else()
    set(out ${CMAKE_BINARY_DIR}/share/zsh/site-functions/_lmigrate)
  endif()
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DBIN=$<TARGET_FILE:lmigrate> -DWHAT=${what} -DOUT=${out}
            -P ${PROJECT_SOURCE_DIR}/cmake/WriteDoc.cmake
    DEPENDS lmigrate ${PROJECT_SOURCE_DIR}/cmake/WriteDoc.cmake
    COMMENT "Writing ${out}" VERBATIM)
  list(APPEND LMIGRATE_DOCS ${out})
endforeach()
add_custom_target(lmigrate_docs ALL DEPENDS ${LMIGRATE_DOCS})

install(TARGETS lmigrate RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${CMAKE_BINARY_DIR}/share/man/man1/lmigrate.1
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${CMAKE_BINARY_DIR}/share/bash-completion/completions/lmigrate
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
install(FILES ${CMAKE_BINARY_DIR}/share/zsh/site-functions/_lmigrate
        DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/site-functions)
