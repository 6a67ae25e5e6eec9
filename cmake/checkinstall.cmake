# ctest tst_install: `cmake --install` into a scratch prefix inside the build tree, then checks that
# every installed piece is in its standard place and that the installed programs run from there
# (the scenarios and speech data are compiled in; nothing is read from the source or build tree).
#   cmake -D BUILD_DIR=... -D PREFIX=... -P checkinstall.cmake
file(REMOVE_RECURSE ${PREFIX})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${PREFIX}
                RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "cmake --install failed: ${err}")
endif()

set(expected
    bin/taskscope bin/taskscope-server
    share/applications/taskscope.desktop
    share/metainfo/org.taskscope.Taskscope.metainfo.xml
    share/icons/hicolor/scalable/apps/taskscope.svg
    share/man/man1/taskscope.1.gz share/man/man1/taskscope-server.1.gz
    share/taskscope/scenarios/live-transcription.json
    share/doc/taskscope/copyright share/doc/taskscope/changelog.gz)
foreach(size 16 22 24 32 48 64 128 256)
    list(APPEND expected share/icons/hicolor/${size}x${size}/apps/taskscope.png)
endforeach()
foreach(path IN LISTS expected)
    if(NOT EXISTS ${PREFIX}/${path})
        message(FATAL_ERROR "not installed: ${path}")
    endif()
endforeach()

# Run from a folder outside both trees, as an installed program would be.
execute_process(COMMAND ${PREFIX}/bin/taskscope --headless --list-scenarios WORKING_DIRECTORY ${PREFIX}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "live-transcription" OR NOT out MATCHES "chat-stream")
    message(FATAL_ERROR "installed taskscope --headless --list-scenarios (exit ${rc}):\n${out}${err}")
endif()
execute_process(COMMAND ${PREFIX}/bin/taskscope-server --help WORKING_DIRECTORY ${PREFIX}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "Usage: taskscope-server")
    message(FATAL_ERROR "installed taskscope-server --help (exit ${rc}):\n${out}${err}")
endif()
file(REMOVE_RECURSE ${PREFIX})
