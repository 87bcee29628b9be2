// recorder.h: one page view's recorder core.
//
// The glue hands over one buffer of records per flush (format: records.h).
// Flush parses it, passes every string through the masking gate, encodes one
// FlatBuffers batch (recorder.fbs) with the sequence number the glue gave in
// the buffer header, and compresses it as the next piece of the page view's
// zstd stream (compressor.h): a new frame on the first batch and whenever the
// header has kRecordsFlagNewStream, otherwise a continuation that only a
// decoder holding the earlier pieces of the frame can read.
//
// Threading: a Recorder is used from one thread at a time (the Worker, or the
// main thread's idle callbacks). Ownership: the Recorder owns its input and
// output buffers; pointers and views into them are valid only until the next
// call on the Recorder.
#ifndef RECORDER_RECORDER_H_
#define RECORDER_RECORDER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "recorder/options.h"
#include "recorder/status.h"

namespace recorder {

// What a Recorder has done so far (cumulative over its life).
struct RecorderStats {
  uint64_t batches = 0;           // compressed batches produced
  uint64_t frames = 0;            // of which began a new zstd frame
  uint64_t events = 0;            // events encoded
  uint64_t records_bytes = 0;     // record bytes received from the glue
  uint64_t batch_bytes = 0;       // encoded FlatBuffers bytes, before zstd
  uint64_t compressed_bytes = 0;  // compressed bytes produced
  uint64_t masked_strings = 0;    // strings the gate replaced
  uint64_t checkpoints = 0;       // checkpoints written (Options::checkpoint_interval_ms)
  uint64_t checkpoints_skipped = 0;  // left out: the batch would have gone over max_batch_bytes
  uint64_t mirror_only = 0;       // kRecordsFlagMirrorOnly buffers applied
  uint64_t mirror_drops = 0;      // times the node mirror went over a cap
  uint64_t mirror_nodes = 0;      // nodes in the mirror now
  uint64_t mirror_bytes = 0;      // its estimated memory now
};

class Recorder {
 public:
  // Validates `options`; on success `*out` holds a ready Recorder.
  static Status Create(const Options& options, std::unique_ptr<Recorder>* out);

  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;
  ~Recorder();

  // A writable buffer of at least `size` bytes for the next Flush's records.
  // Returns nullptr when size exceeds options.max_records_bytes.
  uint8_t* PrepareInput(size_t size);

  // Encodes and compresses the first `size` bytes of the input buffer. On
  // success output() holds the compressed batch; on failure output() is empty
  // and the Recorder stays usable for the next flush, whose output then
  // begins a new frame.
  Status Flush(size_t size);

  // Same as PrepareInput + Flush for callers that own their bytes (tests).
  Status FlushBytes(const uint8_t* data, size_t size);

  // The last successful Flush's compressed batch. An empty buffer (no events)
  // is valid output of a flush with no records: nothing to send.
  const std::vector<uint8_t>& output() const;
  // Whether output() begins a new zstd frame (then it starts with the zstd
  // magic number and decodes without any earlier batch).
  bool output_began_frame() const;
  // The last successful Flush's encoded batch, before compression.
  const std::vector<uint8_t>& last_batch() const;

  const RecorderStats& stats() const;
  const Options& options() const;

 private:
  struct Impl;
  explicit Recorder(std::unique_ptr<Impl> impl);
  size_t MaybeCheckpoint(uint64_t base_time);
  void UpdateMirrorStats();
  std::unique_ptr<Impl> impl_;
};

}  // namespace recorder

#endif  // RECORDER_RECORDER_H_
