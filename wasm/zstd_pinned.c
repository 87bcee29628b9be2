/* zstd_pinned.c: the browser build's noDict match-finder dispatchers, for the
 * levels and minimum matches recorder/src/compressor.cc pins (see
 * wasm/zstd_fast_only.c, whose weak originals these replace), and the
 * dictionary's hash-table fills, which the recorder never reaches. Anything else
 * means a parameter escaped the pinning, so it traps rather than compress
 * with a finder whose hash table was filled for another minimum match. */
#define ZSTD_STATIC_LINKING_ONLY
#include "compress/zstd_compress_internal.h"

const int recorder_zstd_pinned = 1;  /* referenced by zstd_fast_only.c */

size_t recorder_zstd_fast_min7(ZSTD_matchState_t* ms, seqStore_t* seqStore, U32 rep[ZSTD_REP_NUM],
                               void const* src, size_t srcSize);
size_t recorder_zstd_fast_min6(ZSTD_matchState_t* ms, seqStore_t* seqStore, U32 rep[ZSTD_REP_NUM],
                               void const* src, size_t srcSize);
size_t recorder_zstd_doubleFast_min5(ZSTD_matchState_t* ms, seqStore_t* seqStore, U32 rep[ZSTD_REP_NUM],
                                     void const* src, size_t srcSize);

size_t ZSTD_compressBlock_fast(ZSTD_matchState_t* ms, seqStore_t* seqStore, U32 rep[ZSTD_REP_NUM],
                               void const* src, size_t srcSize) {
  if (ms->cParams.targetLength <= 1) {
    if (ms->cParams.minMatch == 7) return recorder_zstd_fast_min7(ms, seqStore, rep, src, srcSize);
    if (ms->cParams.minMatch == 6) return recorder_zstd_fast_min6(ms, seqStore, rep, src, srcSize);
  }
  __builtin_trap();
}

size_t ZSTD_compressBlock_doubleFast(ZSTD_matchState_t* ms, seqStore_t* seqStore, U32 rep[ZSTD_REP_NUM],
                                     void const* src, size_t srcSize) {
  if (ms->cParams.minMatch == 5) return recorder_zstd_doubleFast_min5(ms, seqStore, rep, src, srcSize);
  __builtin_trap();
}

/* No dictionary, so nothing loads one's content into the hash tables. */
void ZSTD_fillHashTable(ZSTD_matchState_t* ms, const void* const end, ZSTD_dictTableLoadMethod_e dtlm,
                        ZSTD_tableFillPurpose_e tfp) {
  (void)ms; (void)end; (void)dtlm; (void)tfp;
  __builtin_trap();
}

void ZSTD_fillDoubleHashTable(ZSTD_matchState_t* ms, const void* const end, ZSTD_dictTableLoadMethod_e dtlm,
                              ZSTD_tableFillPurpose_e tfp) {
  (void)ms; (void)end; (void)dtlm; (void)tfp;
  __builtin_trap();
}
