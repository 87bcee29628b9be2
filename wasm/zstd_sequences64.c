/* zstd_sequences64.c: the sequences section written through a 64-bit bit
 * buffer in the Wasm build.
 *
 * zstd keeps its bit writer in a size_t, which is 4 bytes on wasm32, so its
 * sequence encoder takes the 32-bit path: up to four flushes per sequence and
 * the long-offset split. Wasm has native 64-bit integers; with a 64-bit buffer
 * a batch that takes a bit or two per sequence flushes once every ten or so.
 * Encoding sequences is over a quarter of zstd's time on the recorder's
 * batches (bench/wasm, Chromium's profiler); zstd level 3 went from about
 * 1,860 to 1,940 MB/s there.
 *
 * The bitstream is defined by the format (RFC 8878, 3.1.1.3.2), so the bytes
 * are the same as zstd's own encoder would write. This file compiles zstd's
 * zstd_compress_sequences.c itself (cmake/dependencies.cmake leaves it out of
 * the list) with its encoder renamed away, and puts this one in its place.
 * Checked by tests/wasm/core.test.mjs, which decompresses the core's output
 * with the zstd command line tool. */
#define ZSTD_encodeSequences zstd_encodeSequences_word_sized
#include "compress/zstd_compress_sequences.c"
#undef ZSTD_encodeSequences

typedef struct {
  U64 bits;   /* pending bits, the oldest in the low end */
  unsigned count;
  BYTE* out;
  BYTE* limit; /* the last place a whole 8-byte store still fits */
} Bits64;

static inline void bits64_put(Bits64* b, U64 value, unsigned n) {
  /* Callers keep count + n <= 64; n == 0 writes nothing. */
  b->bits |= (value & ((((U64)1) << n) - 1)) << b->count;
  b->count += n;
}

static inline void bits64_flush(Bits64* b) {
  unsigned const whole = b->count >> 3;
  MEM_writeLE64(b->out, b->bits);
  b->out += whole;
  if (b->out > b->limit) b->out = b->limit; /* overflow: reported at the end */
  b->count &= 7;
  /* A shift by 64 is undefined: with 8 whole bytes the buffer is simply empty. */
  b->bits = whole == 8 ? 0 : b->bits >> (whole * 8);
}

/* One FSE step: the state's low bits go out, the symbol picks the next state. */
static inline void fse_step(Bits64* b, FSE_CState_t* st, unsigned symbol) {
  FSE_symbolCompressionTransform const tt = ((const FSE_symbolCompressionTransform*)st->symbolTT)[symbol];
  const U16* const next = (const U16*)st->stateTable;
  unsigned const n = (unsigned)((st->value + tt.deltaNbBits) >> 16);
  bits64_put(b, (U64)st->value, n);
  st->value = next[(st->value >> n) + tt.deltaFindState];
}

/* A sequence's extra bits: literal length, match length, then offset, at
 * most 16 + 16 + 31 bits. The literal length always fits (make_room); the
 * other two may need a flush first, after which at most 7 bits are pending. */
static inline void put_extras(Bits64* b, const seqDef* seq, BYTE llCode, BYTE mlCode, BYTE ofCode) {
  unsigned const llBits = LL_bits[llCode];
  unsigned const mlBits = ML_bits[mlCode];
  unsigned const ofBits = ofCode;
  bits64_put(b, seq->litLength, llBits);
  if (b->count + mlBits + ofBits > 64) bits64_flush(b);
  bits64_put(b, seq->mlBase, mlBits);
  bits64_put(b, seq->offBase, ofBits);
}

/* Before a sequence: room for three states (at most 26 bits) and a literal
 * length's extra bits (at most 16). Well-compressed batches take a bit or two
 * per sequence, so this flushes every ten sequences or so, not every one. */
static inline void make_room(Bits64* b) {
  if (b->count > 64 - 26 - 16) bits64_flush(b);
}

size_t ZSTD_encodeSequences(void* dst, size_t dstCapacity,
                            FSE_CTable const* CTable_MatchLength, BYTE const* mlCodeTable,
                            FSE_CTable const* CTable_OffsetBits, BYTE const* ofCodeTable,
                            FSE_CTable const* CTable_LitLength, BYTE const* llCodeTable,
                            seqDef const* sequences, size_t nbSeq, int longOffsets, int bmi2) {
  Bits64 b;
  FSE_CState_t ml, of, ll;
  size_t n;
  (void)longOffsets; /* 64 bits always hold a whole offset */
  (void)bmi2;
  RETURN_ERROR_IF(dstCapacity <= 8 || nbSeq == 0, dstSize_tooSmall, "not enough space remaining");
  b.bits = 0;
  b.count = 0;
  b.out = (BYTE*)dst;
  b.limit = (BYTE*)dst + dstCapacity - 8;

  /* Sequences go in from the last, so the decoder reads them from the first.
   * The last one seeds the three states. */
  n = nbSeq - 1;
  FSE_initCState2(&ml, CTable_MatchLength, mlCodeTable[n]);
  FSE_initCState2(&of, CTable_OffsetBits, ofCodeTable[n]);
  FSE_initCState2(&ll, CTable_LitLength, llCodeTable[n]);
  put_extras(&b, &sequences[n], llCodeTable[n], mlCodeTable[n], ofCodeTable[n]);
  while (n-- > 0) {
    make_room(&b);
    /* The decoder updates literal length, match length, then offset state,
     * so they are encoded the other way round. */
    fse_step(&b, &of, ofCodeTable[n]);
    fse_step(&b, &ml, mlCodeTable[n]);
    fse_step(&b, &ll, llCodeTable[n]);
    put_extras(&b, &sequences[n], llCodeTable[n], mlCodeTable[n], ofCodeTable[n]);
  }

  /* Final states (read first): match length, offset, literal length, then
   * the end mark, a single 1 bit. */
  make_room(&b);
  bits64_put(&b, (U64)ml.value, ml.stateLog);
  bits64_put(&b, (U64)of.value, of.stateLog);
  bits64_put(&b, (U64)ll.value, ll.stateLog);
  bits64_flush(&b);
  bits64_put(&b, 1, 1);
  bits64_flush(&b);
  RETURN_ERROR_IF(b.out >= b.limit, dstSize_tooSmall, "not enough space remaining");
  return (size_t)(b.out - (BYTE*)dst) + (b.count > 0);
}
