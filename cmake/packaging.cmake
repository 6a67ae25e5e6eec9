# `cpack -G DEB` (scripts/package): a Debian package of what `cmake --install` installs, its library
# dependencies computed by dpkg-shlibdeps from the real binaries.
set(TASKSCOPE_PACKAGE_MAINTAINER "Taskscope maintainers <maintainers@users.noreply.h-seed-2220d5c2.example>"
    CACHE STRING "Maintainer field of the Debian package")

# The programs link only system libraries: no $ORIGIN search path in the installed binaries.
set_target_properties(taskscope taskscope-server PROPERTIES INSTALL_RPATH "")

# Debian wants a copyright file and a compressed changelog in /usr/share/doc/<package> (changelog.gz:
# a native package, no separate upstream changelog).
string(TIMESTAMP TASKSCOPE_CHANGELOG_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)
configure_file(${CMAKE_CURRENT_LIST_DIR}/deb/changelog.in ${CMAKE_BINARY_DIR}/deb/changelog @ONLY)
add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/deb/changelog.gz
    COMMAND gzip -9 -n -c ${CMAKE_BINARY_DIR}/deb/changelog > ${CMAKE_BINARY_DIR}/deb/changelog.gz
    DEPENDS ${CMAKE_BINARY_DIR}/deb/changelog VERBATIM)
add_custom_target(taskscope_deb_changelog ALL DEPENDS ${CMAKE_BINARY_DIR}/deb/changelog.gz)
install(FILES ${CMAKE_CURRENT_LIST_DIR}/deb/copyright ${CMAKE_BINARY_DIR}/deb/changelog.gz
        DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/taskscope)

set(CPACK_PACKAGE_NAME taskscope)
set(CPACK_PACKAGE_VENDOR Taskscope)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "threads and coroutines on one live timeline, with a UI watchdog")
set(CPACK_PACKAGE_INSTALL_DIRECTORY /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR DEB)
set(CPACK_DEB_COMPONENT_INSTALL OFF)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${TASKSCOPE_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The extended description (CPack indents it and writes the empty line as " .").
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
"Taskscope runs audio-streaming and request workloads (live transcription,
text to speech, token streaming, request bursts) in four execution models:
QThread workers, coroutines on the UI thread, coroutines that offload
blocking work to a pool, and plain blocking calls. It draws every thread,
coroutine and task on a live timeline, and its watchdog catches, explains
and records every moment the UI thread is blocked.

A built-in loopback service (also installed as taskscope-server) does real
speech recognition with pocketsphinx and synthesis with espeak-ng, so every
workload runs offline.")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# What dpkg-shlibdeps cannot see: the recognizer's model (data), the window's platform plugins and
# the SVG icon plugin (loaded at run time).
set(CPACK_DEBIAN_PACKAGE_DEPENDS "pocketsphinx-en-us, qt6-qpa-plugins")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libqt6svg6")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)

if(BUILD_TESTING)
    add_test(NAME tst_install COMMAND ${CMAKE_COMMAND} -D BUILD_DIR=${CMAKE_BINARY_DIR}
             -D PREFIX=${CMAKE_BINARY_DIR}/install-check -P ${CMAKE_CURRENT_LIST_DIR}/checkinstall.cmake)
endif()
