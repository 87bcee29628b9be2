# Emscripten link settings for the recorder core, in one place.
#  - ES6 module, web + worker only (an ES6 build that includes node breaks in
#    node's ESM loader; tests pass the .wasm bytes themselves).
#  - DYNAMIC_EXECUTION=0: Embind must not use new Function, so pages can keep
#    a CSP of script-src 'self' 'wasm-unsafe-eval'.
#  - No filesystem; memory starts small and grows with the batch; emmalloc
#    (a few KB smaller than dlmalloc; the core allocates per flush, not per
#    event, so its speed does not show).
#  - The loader is minified by Closure when npm's google-closure-compiler is
#    installed (package.json pins the one version that works with this
#    Emscripten; Debian's is too old). Only the module options core.js and
#    the tests pass are accepted (INCOMING_MODULE_JS_API).
set(RECORDER_DIST_DIR "${CMAKE_SOURCE_DIR}/dist" CACHE PATH "Where the site-servable files go")
set(RECORDER_WASM_OPT "-O3" CACHE STRING "Optimisation flag for the Wasm link (binaryen passes)")
# The recorder core and the bindings (parser, gate, PII detector, FlatBuffers
# builder) at -Oz: 7.6 KB gzip (34 KB raw) less .wasm than -O3. Its hot loops
# run at about half the MB/s (bench/wasm: a 10,000-node snapshot's flush takes
# ~5 ms in place of ~2.6), but a page view pays less CPU in all: V8's
# top-tier compile of the module on pool threads fell from 150-190 ms to
# 100-115 ms on the static workload, and did not run at all on the form one,
# while the Worker's own time rose ~10 ms on the static page and fell ~6 ms on
# the form. zstd keeps its own flag (RECORDER_ZSTD_OPT,
# cmake/dependencies.cmake): its speed is a target.
# (Named apart from an earlier RECORDER_CORE_OPT whose -Oz default stays in
# existing caches.)
set(RECORDER_WASM_CORE_OPT "-Oz" CACHE STRING "Optimisation flag for the recorder core in the Wasm build")
set(RECORDER_CLOSURE_COMPILER "${CMAKE_SOURCE_DIR}/node_modules/google-closure-compiler-linux/compiler"
    CACHE FILEPATH "Closure Compiler for the loader (empty or missing: the loader is not minified by Closure)")

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
  -sMALLOC=emmalloc
  -sDYNAMIC_EXECUTION=0
  # Strings come back through TextDecoder, which every browser and Worker
  # the recorder runs in has: no JS UTF-8 decoder in the loader (0.2 KB gzip).
  -sTEXTDECODER=2
  -sEXPORTED_RUNTIME_METHODS=['HEAPU8']
  -sINCOMING_MODULE_JS_API=['instantiateWasm','wasmBinary']
  # V8's compile hint as the loader's first line (wasm/compile-hint.js, kept
  # outside the module and Closure): its functions compile in the background
  # when it is imported, not lazily on the thread that first calls them (the
  # page's unload path makes its core with them, js/src/engine/load.js).
  "SHELL:--extern-pre-js ${CMAKE_SOURCE_DIR}/wasm/compile-hint.js"
  ${RECORDER_WASM_OPT}
)

# recorder_wasm_link(target): the link options above, plus Closure when found.
# Emscripten finds Closure through the environment, so the link runs under
# `cmake -E env EM_CLOSURE_COMPILER=...`.
function(recorder_wasm_link target)
  target_link_options(${target} PRIVATE ${RECORDER_WASM_LINK_OPTIONS})
  set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS "${CMAKE_SOURCE_DIR}/wasm/compile-hint.js")
  target_compile_options(${target} PRIVATE ${RECORDER_WASM_CORE_OPT})
  if(RECORDER_CLOSURE_COMPILER AND EXISTS "${RECORDER_CLOSURE_COMPILER}")
    target_link_options(${target} PRIVATE --closure 1)
    set_target_properties(${target} PROPERTIES CXX_LINKER_LAUNCHER
      "${CMAKE_COMMAND};-E;env;EM_CLOSURE_COMPILER=${RECORDER_CLOSURE_COMPILER}")
  else()
    message(WARNING "Closure Compiler not found at '${RECORDER_CLOSURE_COMPILER}' (npm ci installs it): "
                    "the Wasm loader is built unminified by Closure, about 4 KB gzip larger")
  endif()
endfunction()
