# Emscripten link settings for the recorder core, in one place.
#  - ES6 module, web + worker only (an ES6 build that includes node breaks in
#    node's ESM loader; tests pass the .wasm bytes themselves).
#  - DYNAMIC_EXECUTION=0: Embind must not use new Function, so pages can keep
#    a CSP of script-src 'self' 'wasm-unsafe-eval'.
#  - No filesystem; memory starts small and grows with the batch.
set(RECORDER_DIST_DIR "${CMAKE_SOURCE_DIR}/dist" CACHE PATH "Where the site-servable files go")
set(RECORDER_WASM_OPT "-O3" CACHE STRING "Optimisation flag for the Wasm link (binaryen passes)")

set(RECORDER_WASM_LINK_OPTIONS
  -lembind
  -sMODULARIZE=1
  -sEXPORT_ES6=1
  -sEXPORT_NAME=createRecorderCore
  -sENVIRONMENT=web,worker
  -sALLOW_MEMORY_GROWTH=1
  -sINITIAL_MEMORY=2MB
  -sTOTAL_STACK=128KB
  -sFILESYSTEM=0
  -sDYNAMIC_EXECUTION=0
  -sEXPORTED_RUNTIME_METHODS=['HEAPU8']
  -sINCOMING_MODULE_JS_API=['locateFile','instantiateWasm','wasmBinary','print','printErr','onAbort']
  ${RECORDER_WASM_OPT}
)
