# ctest probe_linkin_package: install the probe's package into a temporary prefix, build the linked
# app against it with find_package, run it under `taskscope launch --headless` and check that its
# explicit span, instant and counter reached the trace.
#   -DBUILD_DIR= -DSOURCE_DIR=(this folder) -DWORK_DIR= -DTASKSCOPE= -DGENERATOR=
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
set(prefix "${WORK_DIR}/prefix")

function(run)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(NOT result EQUAL 0)
        message(FATAL_ERROR "failed (${result}): ${ARGN}\n${out}\n${err}")
    endif()
endfunction()

run(${CMAKE_COMMAND} --install "${BUILD_DIR}" --component probe --prefix "${prefix}")
foreach(file include/taskscope/probe.h lib/cmake/Taskscope/TaskscopeConfig.cmake)
    if(NOT EXISTS "${prefix}/${file}")
        file(GLOB_RECURSE installed RELATIVE "${prefix}" "${prefix}/*")
        message(FATAL_ERROR "${file} was not installed; installed: ${installed}")
    endif()
endforeach()
run(${CMAKE_COMMAND} -S "${SOURCE_DIR}" -B "${WORK_DIR}/build" -G "${GENERATOR}" -DCMAKE_BUILD_TYPE=Release
    "-DCMAKE_PREFIX_PATH=${prefix}")
run(${CMAKE_COMMAND} --build "${WORK_DIR}/build")
file(GLOB_RECURSE library "${prefix}/*/libtaskscope_probe.so")
set(ENV{TASKSCOPE_PROBE_LIBRARY} "${library}")
set(ENV{QT_QPA_PLATFORM} offscreen)
run("${TASKSCOPE}" launch --headless --quiet --report "${WORK_DIR}/report.json" --trace "${WORK_DIR}/trace.json"
    -- "${WORK_DIR}/build/linkedapp")
file(READ "${WORK_DIR}/trace.json" trace)
foreach(name "linked parse" "linked fetch across co_await" "linked reply arrived" "linked queue length")
    string(FIND "${trace}" "\"${name}\"" at)
    if(at EQUAL -1)
        message(FATAL_ERROR "\"${name}\" is not in the trace ${WORK_DIR}/trace.json")
    endif()
endforeach()
message(STATUS "the linked app's span, coroutine span, instant and counter are in the trace")
