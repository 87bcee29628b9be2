# Generates the C++ reader/writer for the wire schema at build time; the
# generated header is never committed. Targets link `recorder_schema` to get it.
set(RECORDER_SCHEMA "${CMAKE_SOURCE_DIR}/recorder/schema/recorder.fbs")
set(RECORDER_GEN_DIR "${CMAKE_BINARY_DIR}/gen")
set(RECORDER_SCHEMA_HEADER "${RECORDER_GEN_DIR}/recorder_generated.h")

add_custom_command(
  OUTPUT "${RECORDER_SCHEMA_HEADER}"
  COMMAND "${FLATC}" --cpp --scoped-enums -o "${RECORDER_GEN_DIR}" "${RECORDER_SCHEMA}"
  DEPENDS "${RECORDER_SCHEMA}"
  COMMENT "flatc: recorder.fbs"
  VERBATIM)
add_custom_target(recorder_schema_gen DEPENDS "${RECORDER_SCHEMA_HEADER}")

add_library(recorder_schema INTERFACE)
add_dependencies(recorder_schema recorder_schema_gen)
target_include_directories(recorder_schema INTERFACE "${RECORDER_GEN_DIR}")
target_link_libraries(recorder_schema INTERFACE ${RECORDER_FB_TARGET})
