# ctest driver for one C++ example: a short run from scratch, then a second
# one with --resume from the checkpoint the first wrote, in a scratch folder
# under the build tree. Checks the exit codes, the progress bar, the files
# written, that the second run says it resumed where the first stopped, and
# that both print the final accuracy line.
#
#   cmake -DEXAMPLE=<exe> -DWORK_DIR=<dir> -DFIRST="--quick" -DSECOND="--quick|--resume|--epochs|3"
#         -DRESUMED="at epoch 2" -DFINAL="test accuracy: [0-9.]+%" -P run_example_test.cmake
# (FIRST and SECOND separate arguments with "|").
foreach(v EXAMPLE WORK_DIR FIRST SECOND RESUMED FINAL)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "run_example_test.cmake: -D${v}=... is missing")
  endif()
endforeach()
string(REPLACE "|" ";" first_args "${FIRST}")
string(REPLACE "|" ";" second_args "${SECOND}")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
set(ck "${WORK_DIR}/ckpt.safetensors")

function(run_example out_var)
  execute_process(COMMAND "${EXAMPLE}" ${ARGN} --checkpoint "${ck}" WORKING_DIRECTORY "${WORK_DIR}"
                  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc TIMEOUT 60)
  string(JOIN " " shown ${ARGN})
  message("$ ${EXAMPLE} ${shown} --checkpoint ${ck}\n${out}${err}")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "exit status ${rc}")
  endif()
  set(${out_var} "${out}" PARENT_SCOPE)
endfunction()

function(expect text regex what)
  if(NOT text MATCHES "${regex}")
    message(FATAL_ERROR "expected ${what} (/${regex}/) in the output")
  endif()
endfunction()

run_example(out1 ${first_args})
expect("${out1}" "${FINAL}" "the final accuracy line")
expect("${out1}" "\r[^\n]* samples/s" "a progress bar redrawn with \\r")
if(out1 MATCHES "resumed from")
  message(FATAL_ERROR "the first run resumed: the scratch folder was not empty")
endif()
foreach(f "${ck}" "${WORK_DIR}/ckpt_loss.csv")
  if(NOT EXISTS "${f}")
    message(FATAL_ERROR "the first run did not write ${f}")
  endif()
endforeach()

run_example(out2 ${second_args})
expect("${out2}" "resumed from [^\n]*ckpt.safetensors ${RESUMED}" "the resume line")
expect("${out2}" "${FINAL}" "the final accuracy line")
