// streams.h: the collector's side of the recorder's one zstd stream per page
// view (recorder/src/compressor.h).
//
// A page view's batches share one zstd frame; each body is one batch,
// flushed, so it decodes completely given the frame's earlier bodies. The
// browser says where a body sits in its stream with query parameters of
// POST /v1/batch (no custom header, so the page-exit request stays simple):
//
//   stream=TOKEN  a fresh random id the recorder picks for every new frame
//   seq=N         the batch's sequence number (must match the batch)
//   prev=P        only on a continuation: the seq of the previous body of
//                 the same frame, which this collector must have decoded
//
// StreamTable keeps one decoder per live stream, carrying the frame's
// history. It is bounded three ways: the window a frame may ask for
// (ZSTD_d_windowLogMax), the number of live streams (least recently used
// evicted first) and idle time. A continuation this collector cannot decode
// (gap, reorder, evicted state, restart) is refused with FailedPrecondition
// (HTTP 409) and nothing is stored; the recorder then re-sends that batch as
// a new frame. A body of a seq the stream has already decoded is a duplicate
// (a retry whose answer was lost): accepted, nothing stored again. Each
// stored batch is the decompressed FlatBuffer, so storage never depends on
// the stream.
//
// Thread safety: all methods may be called from any thread. Bodies of one
// stream are decoded one at a time; different streams in parallel.
#ifndef COLLECTOR_STREAMS_H_
#define COLLECTOR_STREAMS_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "ingest.h"
#include "recorder/status.h"

namespace collector {

struct StreamLimits {
  // Largest window a stream's frame may use, as a power of two. A live
  // stream's decoder holds about 220 KiB of zstd's own plus three times the
  // window (input block, window, output block): 606 KiB at 17, 270 KiB at
  // 14 (streams_test prints the figure). Default 17 (128 KiB): the
  // recorder's default.
  int window_log_max = 17;
  // Most streams kept at once; the least recently used goes first.
  // Default 256 (about 150 MiB at window 17).
  size_t max_streams = 256;
  // A stream unused this long is dropped. Default 10 minutes: a page view
  // sends at least every few seconds while it is visible, and a hidden tab
  // that comes back after longer pays one 409 and a new frame.
  int64_t idle_ms = 10 * 60 * 1000;
};

// Where a body sits in its stream (the query parameters above).
struct StreamPosition {
  std::string token;
  uint32_t seq = 0;
  bool continuation = false;
  uint32_t prev = 0;
};

// Parses the query parameters; `prev` may be null. InvalidArgument (400) for
// a malformed value.
recorder::Status ParseStreamPosition(std::string_view token, std::string_view seq,
                                     const std::string* prev, StreamPosition* out);

struct StreamStats {
  size_t live = 0;          // streams kept
  size_t memory_bytes = 0;  // their decoders, as zstd counts them
  uint64_t evicted = 0;     // dropped for the cap or idleness, ever
};

class StreamTable {
 public:
  // Called once a body's batch passed every check (or, with
  // known_duplicate, for a seq the stream already decoded: then `batch`
  // holds only the ids and seq). Stores it and sets *duplicate; a non-ok
  // Status refuses the body. Runs with the stream's lock held.
  using Sink = std::function<recorder::Status(const ValidBatch& batch, bool known_duplicate,
                                              bool* duplicate)>;

  explicit StreamTable(StreamLimits limits);
  ~StreamTable();
  StreamTable(const StreamTable&) = delete;
  StreamTable& operator=(const StreamTable&) = delete;

  // Decodes `body` at `pos`, checks it like IngestBatch, and hands it to
  // `sink`. On success *out is the batch and *duplicate what the sink said.
  // Any failure after decoding started drops the stream: its history is no
  // longer known to match the recorder's.
  recorder::Status Ingest(const StreamPosition& pos, const uint8_t* body, size_t n,
                          const IngestLimits& limits, int64_t now_ms, const Sink& sink,
                          ValidBatch* out, bool* duplicate);

  StreamStats Stats();

 private:
  struct Stream;
  std::shared_ptr<Stream> Find(const std::string& token, int64_t now_ms);
  void Keep(const std::shared_ptr<Stream>& stream, int64_t now_ms);
  void Drop(const std::shared_ptr<Stream>& stream);
  void EvictLocked(int64_t now_ms);
  recorder::Status Start(const StreamPosition& pos, const uint8_t* body, size_t n,
                         const IngestLimits& limits, int64_t now_ms, const Sink& sink,
                         ValidBatch* out, bool* duplicate);
  recorder::Status Continue(const StreamPosition& pos, const uint8_t* body, size_t n,
                            const IngestLimits& limits, int64_t now_ms, const Sink& sink,
                            ValidBatch* out, bool* duplicate);

  const StreamLimits limits_;
  std::mutex mu_;  // guards everything below
  std::unordered_map<std::string, std::shared_ptr<Stream>> streams_;
  std::list<std::shared_ptr<Stream>> lru_;  // most recently used first
  uint64_t evicted_ = 0;
};

}  // namespace collector

#endif  // COLLECTOR_STREAMS_H_
