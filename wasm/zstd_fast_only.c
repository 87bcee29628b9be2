/* zstd_fast_only.c: the browser build compresses only at levels 1..3, with no
 * dictionary and no long-distance matching, so the Wasm build carries only
 * the match finders those need and traps the rest (cmake/dependencies.cmake
 * leaves the replaced sources out). Reaching a trap means a level above 3 or
 * a dictionary slipped through, which recorder.cc refuses at Create.
 *  - zstd_lazy.c, zstd_opt.c: the lazy and optimal finders (levels >= 4),
 *    a third of the compressor.
 *  - zstd_ldm.c: long-distance matching, only on at levels >= 16 with huge
 *    windows. The two size queries and the "skip" helper are reached with it
 *    off and must answer "nothing" there, as the originals do.
 *  - the dictMatchState variants of the fast and double-fast finders, only
 *    used with an attached CDict (a dictionary). They are a third of the
 *    remaining finder code; the files are compiled here with those entry
 *    points renamed away, so the linker drops them. The extDict variants
 *    stay: a streaming context whose window wraps uses them. */
/* Match lengths: zstd counts in size_t words, which are 4 bytes on wasm32
 * although Wasm has native 64-bit loads and ctz. The finders compiled here
 * count 8 bytes per step instead (the same result, checked against zstd's
 * own counter by tests/recorder's round trips and the collector's decoder).
 * The header's version keeps its name for the code outside this file. */
#define ZSTD_count zstd_count_word_sized
#include "compress/zstd_compress_internal.h"
#undef ZSTD_count

static inline size_t ZSTD_count(const BYTE* in, const BYTE* match, const BYTE* const in_limit) {
  const BYTE* const start = in;
  if (in_limit - in >= 8) {
    const BYTE* const last8 = in_limit - 8;  /* the last place a whole word fits */
    for (;;) {
      U64 const differ = MEM_read64(in) ^ MEM_read64(match);
      if (differ != 0) return (size_t)(in - start) + ((unsigned)__builtin_ctzll(differ) >> 3);
      in += 8;
      match += 8;
      if (in > last8) break;
    }
  }
  while (in < in_limit && *in == *match) {
    ++in;
    ++match;
  }
  return (size_t)(in - start);
}

/* zstd's own dispatchers pick one of four copies of each finder by the
 * minimum match (4..7), and for the fast one by whether it steps. The
 * recorder's compressor pins each level's strategy and minimum match
 * (recorder/src/compressor.cc: fast 7 and 6 for levels 1 and 2, double-fast
 * 5 for level 3, with no target length), so the browser build needs only
 * those copies. zstd's dispatchers are made weak here: the strong ones in
 * wasm/zstd_pinned.c, which reach only the copies exported below, replace
 * them at link time, also where zstd's window-wrapped finders fall back to
 * them, and the other copies are left unreferenced for the linker to drop. */
#pragma weak ZSTD_compressBlock_fast
#pragma weak ZSTD_compressBlock_doubleFast
/* Likewise the hash-table fills, which only a dictionary's content reaches
 * (zstd_compress.c's ZSTD_loadDictionaryContent); zstd_pinned.c traps. */
#pragma weak ZSTD_fillHashTable
#pragma weak ZSTD_fillDoubleHashTable
#define ZSTD_compressBlock_fast_dictMatchState recorder_unused_fast_dictMatchState
#define ZSTD_compressBlock_doubleFast_dictMatchState recorder_unused_doubleFast_dictMatchState
#include "compress/zstd_fast.c"
#include "compress/zstd_double_fast.c"
#undef ZSTD_compressBlock_fast_dictMatchState
#undef ZSTD_compressBlock_doubleFast_dictMatchState

#define RECORDER_PINNED_FINDER(name, copy)                                           \
  size_t name(ZSTD_matchState_t* ms, seqStore_t* seqStore, U32 rep[ZSTD_REP_NUM],   \
              void const* src, size_t srcSize) {                                    \
    return copy(ms, seqStore, rep, src, srcSize);                                   \
  }
RECORDER_PINNED_FINDER(recorder_zstd_fast_min7, ZSTD_compressBlock_fast_noDict_7_0)
RECORDER_PINNED_FINDER(recorder_zstd_fast_min6, ZSTD_compressBlock_fast_noDict_6_0)
RECORDER_PINNED_FINDER(recorder_zstd_doubleFast_min5, ZSTD_compressBlock_doubleFast_noDict_5)

/* A reference into zstd_pinned.c, so that the linker loads it from the
 * archive along with this file: it resolves the dispatchers here first, and
 * would otherwise never look for the strong ones. */
extern const int recorder_zstd_pinned;
__attribute__((used)) static const int* const recorder_zstd_pull_pinned = &recorder_zstd_pinned;

#include "compress/zstd_lazy.h"
#include "compress/zstd_opt.h"
#include "compress/zstd_ldm.h"

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
RECORDER_UNUSED_BLOCK_COMPRESSOR(ZSTD_compressBlock_fast_dictMatchState)
RECORDER_UNUSED_BLOCK_COMPRESSOR(ZSTD_compressBlock_doubleFast_dictMatchState)

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

/* Long-distance matching: off means no table, no sequences, nothing to skip. */
size_t ZSTD_ldm_getTableSize(ldmParams_t params) {
  if (params.enableLdm == ZSTD_ps_enable) __builtin_trap();
  return 0;
}
size_t ZSTD_ldm_getMaxNbSeq(ldmParams_t params, size_t maxChunkSize) {
  (void)maxChunkSize;
  if (params.enableLdm == ZSTD_ps_enable) __builtin_trap();
  return 0;
}
void ZSTD_ldm_skipSequences(rawSeqStore_t* rawSeqStore, size_t srcSize, U32 const minMatch) {
  (void)minMatch;
  if (srcSize > 0 && rawSeqStore->pos < rawSeqStore->size) __builtin_trap();
}
void ZSTD_ldm_skipRawSeqStoreBytes(rawSeqStore_t* rawSeqStore, size_t nbBytes) {
  (void)nbBytes;
  if (rawSeqStore->pos < rawSeqStore->size) __builtin_trap();
}
void ZSTD_ldm_adjustParameters(ldmParams_t* params, ZSTD_compressionParameters const* cParams) {
  (void)params; (void)cParams;
  __builtin_trap();
}
void ZSTD_ldm_fillHashTable(ldmState_t* state, const BYTE* ip, const BYTE* iend, ldmParams_t const* params) {
  (void)state; (void)ip; (void)iend; (void)params;
  __builtin_trap();
}
size_t ZSTD_ldm_generateSequences(ldmState_t* ldms, rawSeqStore_t* sequences, ldmParams_t const* params,
                                  void const* src, size_t srcSize) {
  (void)ldms; (void)sequences; (void)params; (void)src; (void)srcSize;
  __builtin_trap();
}
size_t ZSTD_ldm_blockCompress(rawSeqStore_t* rawSeqStore, ZSTD_matchState_t* ms, seqStore_t* seqStore,
                              U32 rep[ZSTD_REP_NUM], ZSTD_paramSwitch_e useRowMatchFinder,
                              void const* src, size_t srcSize) {
  (void)rawSeqStore; (void)ms; (void)seqStore; (void)rep; (void)useRowMatchFinder; (void)src; (void)srcSize;
  __builtin_trap();
}
