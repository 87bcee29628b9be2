/* zstd_fast_only.c: the browser build compresses only at levels 1..3, which
 * use zstd's "fast" and "double fast" match finders for every input size
 * (lib/compress/clevels.h). The lazy and optimal finders (zstd_lazy.c,
 * zstd_opt.c) are a third of the compressor's code, so the Wasm build leaves
 * them out and defines their entry points here as traps: reaching one means
 * a level above 3 slipped through, which recorder.cc refuses at Create. */
#include "compress/zstd_compress_internal.h"
#include "compress/zstd_lazy.h"
#include "compress/zstd_opt.h"

#define RECORDER_UNUSED_BLOCK_COMPRESSOR(name)                                        \
  size_t name(ZSTD_matchState_t* ms, seqStore_t* seqStore, U32 rep[ZSTD_REP_NUM],   \
              void const* src, size_t srcSize) {                                    \
    (void)ms; (void)seqStore; (void)rep; (void)src; (void)srcSize;                  \
    __builtin_trap();                                                               \
  }

#define RECORDER_FAMILY(base)                                   \
  RECORDER_UNUSED_BLOCK_COMPRESSOR(base)                        \
  RECORDER_UNUSED_BLOCK_COMPRESSOR(base##_dictMatchState)       \
  RECORDER_UNUSED_BLOCK_COMPRESSOR(base##_extDict)

#define RECORDER_ROW_FAMILY(base)                                       \
  RECORDER_FAMILY(base)                                                 \
  RECORDER_UNUSED_BLOCK_COMPRESSOR(base##_row)                          \
  RECORDER_UNUSED_BLOCK_COMPRESSOR(base##_dictMatchState_row)           \
  RECORDER_UNUSED_BLOCK_COMPRESSOR(base##_extDict_row)                  \
  RECORDER_UNUSED_BLOCK_COMPRESSOR(base##_dedicatedDictSearch)          \
  RECORDER_UNUSED_BLOCK_COMPRESSOR(base##_dedicatedDictSearch_row)

RECORDER_ROW_FAMILY(ZSTD_compressBlock_greedy)
RECORDER_ROW_FAMILY(ZSTD_compressBlock_lazy)
RECORDER_ROW_FAMILY(ZSTD_compressBlock_lazy2)
RECORDER_FAMILY(ZSTD_compressBlock_btlazy2)
RECORDER_FAMILY(ZSTD_compressBlock_btopt)
RECORDER_FAMILY(ZSTD_compressBlock_btultra)
RECORDER_UNUSED_BLOCK_COMPRESSOR(ZSTD_compressBlock_btultra2)

void ZSTD_dedicatedDictSearch_lazy_loadDictionary(ZSTD_matchState_t* ms, const BYTE* const ip) {
  (void)ms; (void)ip;
  __builtin_trap();
}
U32 ZSTD_insertAndFindFirstIndex(ZSTD_matchState_t* ms, const BYTE* ip) {
  (void)ms; (void)ip;
  __builtin_trap();
}
void ZSTD_row_update(ZSTD_matchState_t* const ms, const BYTE* ip) {
  (void)ms; (void)ip;
  __builtin_trap();
}
void ZSTD_updateTree(ZSTD_matchState_t* ms, const BYTE* ip, const BYTE* iend) {
  (void)ms; (void)ip; (void)iend;
  __builtin_trap();
}
