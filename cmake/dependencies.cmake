# Where each dependency comes from. Natively everything is a Debian package
# found through CMake or pkg-config. Under Emscripten host libraries cannot be
# linked, so zstd is compiled from Debian's source package (fetched by
# scripts/setup into third_party/zstd) and FlatBuffers is header-only.

# flatc is a host program in both builds (Emscripten's toolchain file leaves
# program look-ups to the host).
find_program(FLATC flatc REQUIRED)

if(EMSCRIPTEN)
  set(RECORDER_ZSTD_SRC "${CMAKE_SOURCE_DIR}/third_party/zstd/lib" CACHE PATH
      "zstd's lib/ folder from Debian's source package")
  if(NOT EXISTS "${RECORDER_ZSTD_SRC}/zstd.h")
    message(FATAL_ERROR "zstd sources missing at ${RECORDER_ZSTD_SRC}; run scripts/setup")
  endif()
  # The recorder only compresses: common/ and compress/ are all it needs, and
  # at levels 1..3, single-threaded, without a dictionary, not the lazy/optimal
  # or long-distance finders nor the multithreading code. wasm/zstd_fast_only.c
  # compiles the fast finders itself and stands in for the rest, and
  # wasm/zstd_pinned.c keeps only the finder copies the pinned levels use;
  # wasm/zstd_sequences64.c compiles the sequence encoder with a 64-bit bit
  # buffer in place of zstd's size_t one (4 bytes on wasm32).
  file(GLOB ZSTD_WASM_SOURCES "${RECORDER_ZSTD_SRC}/common/*.c" "${RECORDER_ZSTD_SRC}/compress/*.c")
  list(FILTER ZSTD_WASM_SOURCES EXCLUDE REGEX "/(zstd_(lazy|opt|ldm|fast|double_fast|compress_sequences)|zstdmt_compress|pool|threading)\\.c$")
  add_library(zstd_wasm STATIC ${ZSTD_WASM_SOURCES} "${CMAKE_SOURCE_DIR}/wasm/zstd_fast_only.c"
    "${CMAKE_SOURCE_DIR}/wasm/zstd_sequences64.c" "${CMAKE_SOURCE_DIR}/wasm/zstd_pinned.c")
  target_compile_definitions(zstd_wasm INTERFACE RECORDER_ZSTD_FAST_ONLY)
  target_include_directories(zstd_wasm SYSTEM PUBLIC "${RECORDER_ZSTD_SRC}")
  target_compile_definitions(zstd_wasm PRIVATE
    ZSTD_LEGACY_SUPPORT=0 ZSTD_STRIP_ERROR_STRINGS DEBUGLEVEL=0)   # no ZSTD_MULTITHREAD: zstd tests #ifdef
  # zstd's speed lives in its match finders and its sequence, Huffman and
  # histogram loops (wasm/zstd_*.c, huf_compress.c, hist.c): keep them fast
  # unless asked. The frame, block and parameter code, the entropy tables
  # built once per block and common/ are built for size: 4.5 KB gzip less,
  # and bench/wasm's zstd figure did not move (3 alternated runs each: best
  # 1,899 MB/s both ways, medians within 1%).
  set(RECORDER_ZSTD_OPT "-O3" CACHE STRING "Optimisation flag for zstd's per-byte code in the Wasm build")
  set(RECORDER_ZSTD_COLD_OPT "-Oz" CACHE STRING "Optimisation flag for zstd's per-frame and per-block code in the Wasm build")
  target_compile_options(zstd_wasm PRIVATE ${RECORDER_ZSTD_OPT})
  set(zstd_cold common/entropy_common.c common/error_private.c common/zstd_common.c common/xxhash.c
    common/debug.c common/fse_decompress.c compress/zstd_compress.c compress/zstd_compress_literals.c
    compress/zstd_compress_superblock.c compress/fse_compress.c)
  list(TRANSFORM zstd_cold PREPEND "${RECORDER_ZSTD_SRC}/")
  # Source options come after the target's on the command line, so they win.
  set_source_files_properties(${zstd_cold} PROPERTIES COMPILE_OPTIONS "${RECORDER_ZSTD_COLD_OPT}")
  set(RECORDER_ZSTD_TARGET zstd_wasm)

  # Only flatbuffers/ may be on the include path: -I/usr/include would pull in
  # glibc headers and break em++ (see shared TOOLCHAIN.md).
  set(RECORDER_FB_INCLUDE "${CMAKE_BINARY_DIR}/fbinc")
  file(MAKE_DIRECTORY "${RECORDER_FB_INCLUDE}")
  if(NOT EXISTS "${RECORDER_FB_INCLUDE}/flatbuffers")
    file(CREATE_LINK /usr/include/flatbuffers "${RECORDER_FB_INCLUDE}/flatbuffers" SYMBOLIC)
  endif()
  add_library(flatbuffers_headers INTERFACE)
  target_include_directories(flatbuffers_headers SYSTEM INTERFACE "${RECORDER_FB_INCLUDE}")
  set(RECORDER_FB_TARGET flatbuffers_headers)
else()
  find_package(zstd REQUIRED)
  find_package(FlatBuffers REQUIRED)
  find_package(SQLite3 REQUIRED)
  find_package(PkgConfig REQUIRED)
  # Debian builds cpp-httplib as a library; its .pc carries the ABI defines.
  pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
  if(RECORDER_BUILD_TESTS)
    find_package(GTest REQUIRED)
  endif()
  if(RECORDER_BUILD_BENCH)
    find_package(benchmark REQUIRED)
  endif()
  if(TARGET zstd::libzstd_shared)
    set(RECORDER_ZSTD_TARGET zstd::libzstd_shared)
  else()
    set(RECORDER_ZSTD_TARGET zstd::libzstd_static)
  endif()
  set(RECORDER_FB_TARGET flatbuffers::flatbuffers)
endif()
