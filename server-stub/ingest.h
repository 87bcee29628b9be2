// ingest.h: the collector's batch checker, a pure function from request bytes
// to either a verified batch or a Status saying why it was refused.
//
// Nothing here knows about HTTP, sockets or storage, so the whole checker can
// be unit tested and fuzzed in-process. server.cc translates the Status into
// an HTTP status exactly once (see HttpStatusFor there).
//
// A body is accepted only if all three layers pass, in this order:
//   1. transport: exactly one zstd frame, decompressed under a hard cap;
//   2. structure: the FlatBuffers verifier, with the "SRB1" identifier;
//   3. meaning:   the checks the verifier cannot make (versions, ids, string
//      indexes, union member numbers, counts).
// After that, every read of the batch (decode.cc) is safe without further
// bounds checks beyond what the schema promises.
//
// Thread safety: IngestBatch keeps no state; call it from any thread.
#ifndef COLLECTOR_INGEST_H_
#define COLLECTOR_INGEST_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "recorder/status.h"
#include "recorder_generated.h"

struct ZSTD_DCtx_s;

namespace collector {

struct IngestLimits {
  // Largest compressed request body accepted. The browser sends batches of a
  // few KiB, and fetch keepalive caps bodies at 64 KiB anyway. Default 1 MiB.
  size_t max_body_bytes = size_t{1} << 20;
  // Largest decompressed batch. Decompression stops as soon as output would
  // pass this, whatever the frame claims. Default 8 MiB.
  size_t max_batch_bytes = size_t{8} << 20;
  // Most events in one batch. Default 100k.
  uint32_t max_events = 100000;
  // FlatBuffers verifier bounds. The schema nests at most Batch > Event >
  // payload > Node, so 16 is generous; the table cap bounds verifier work.
  uint32_t max_depth = 16;
  uint32_t max_tables = 1000000;
};

// A batch that passed every check. `bytes` is the decompressed FlatBuffer;
// the other fields are copies of its header, so callers need not re-parse.
struct ValidBatch {
  std::vector<uint8_t> bytes;
  std::string site_key;
  std::string session_id;
  std::string page_view_id;
  uint32_t seq = 0;
  uint64_t base_time = 0;  // epoch ms
  uint64_t end_time = 0;   // epoch ms of the latest event (base_time if none)
  uint32_t event_count = 0;
  size_t compressed_bytes = 0;  // size of the request body
};

// Decompresses, verifies and checks one request body. On success fills *out;
// on failure *out is left in an unspecified state and the Status is one of:
//   kMalformed   - not one complete zstd frame, not a valid batch, bad ids;
//   kTooLarge    - a size cap was hit (body, decompressed size, window, events);
//   kUnsupported - newer schema version or an unknown event type.
recorder::Status IngestBatch(const uint8_t* body, size_t n,
                             const IngestLimits& limits, ValidBatch* out);

// Layer 1 for one piece of a page view's zstd stream (streams.h): decodes all
// of `body` with `dctx`, which holds the frame's earlier pieces (or is fresh,
// for the piece that starts a frame), under the body and batch caps of
// `limits`; the caller has set the context's window limit. *frame_ended is
// set when the piece ends the frame. On failure the context's state is
// unknown and must not be used again.
recorder::Status DecompressStreamPiece(ZSTD_DCtx_s* dctx, const uint8_t* body, size_t n,
                                       const IngestLimits& limits, std::vector<uint8_t>* out,
                                       bool* frame_ended);

// Layers 2 and 3 on already decompressed bytes, then the header copy: what
// IngestBatch does after decompressing. `compressed_bytes` is the body size.
recorder::Status CheckDecompressed(std::vector<uint8_t> bytes, size_t compressed_bytes,
                                   const IngestLimits& limits, ValidBatch* out);

// Layers 2 and 3 alone, for bytes that are already decompressed (decode.cc
// re-checks what it reads back from storage with this). On success *batch
// points into `data`.
recorder::Status VerifyBatchBytes(const uint8_t* data, size_t n,
                                  const IngestLimits& limits,
                                  const rec::wire::Batch** batch);

// True if `id` is 1..64 characters of [A-Za-z0-9_-]: the rule for site keys,
// session ids and page view ids, which end up in URLs, SQL keys and logs.
bool IsValidId(std::string_view id);

}  // namespace collector

#endif  // COLLECTOR_INGEST_H_
