// bindings.cc: the only place the recorder core meets JavaScript.
//
// Rules of this boundary (js/src/engine/core.js is the one caller):
//  1. One handle. JS creates one `Session` per page view and owns it: it must
//     call `delete()` when done. Everything else crosses as values.
//  2. One working call per flush. JS asks for `inputBuffer(n)` (a pointer
//     into Wasm memory, owned by the Session), copies its records there with
//     a single HEAPU8.set, then calls `flush(n)`. The cost of a flush is one
//     crossing however many events it holds.
//  3. Memory. The input buffer and the `output()` view belong to the Session
//     and stay valid only until the next call on it; memory may grow during
//     any call, so JS re-reads HEAPU8 after inputBuffer() and copies output()
//     (`.slice()`) before calling again.
//  4. Errors. Nothing throws across the boundary. The constructor records a
//     bad config (see errorCode()); flush() returns a StatusCode number
//     (recorder/status.h, 0 = ok) and errorMessage() explains the last one.
//     JS turns a non-zero code into an Error in exactly one place.
//  5. Types. Node ids are uint32 numbers assigned by JS; times are epoch ms
//     inside the records (records.h); counters come back as doubles (exact up
//     to 2^53) because this Emscripten has no BigInt integration.
#include <emscripten/bind.h>
#include <emscripten/heap.h>
#include <emscripten/val.h>

#include <memory>
#include <string>
#include <vector>

#include "recorder/recorder.h"

namespace {

using recorder::Recorder;
using recorder::Status;

struct SessionConfig {
  std::string siteKey;
  std::string sessionId;
  std::string pageViewId;
  int privacyMode = 0;
  int compressionLevel = 3;
  // Options::allow_query_params as "name,name" ("" keeps none). One string
  // rather than a vector keeps the value_object free of a registered
  // std::vector type; a bad name fails Create like any other bad option.
  // Embind refuses a value_object with a missing field, so JS always passes
  // it, "" included.
  std::string allowQueryParams;
  // Options::checkpoint_interval_ms (0: never).
  double checkpointIntervalMs = 300000;
};

std::vector<std::string> SplitNames(const std::string& joined) {
  std::vector<std::string> names;
  if (joined.empty()) return names;
  size_t pos = 0;
  while (true) {
    size_t comma = joined.find(',', pos);
    names.push_back(joined.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
    if (comma == std::string::npos) return names;
    pos = comma + 1;
  }
}

struct SessionStats {
  double batches = 0;
  double events = 0;
  double recordsBytes = 0;
  double batchBytes = 0;
  double compressedBytes = 0;
  double maskedStrings = 0;
  double checkpoints = 0;
  double mirrorOnly = 0;
  double mirrorDrops = 0;
  double mirrorNodes = 0;
  double mirrorBytes = 0;
  double wasmBytes = 0;  // the module's memory now (it never shrinks)
};

class Session {
 public:
  explicit Session(const SessionConfig& config) {
    recorder::Options o;
    o.site_key = config.siteKey;
    o.session_id = config.sessionId;
    o.page_view_id = config.pageViewId;
    o.privacy_mode = static_cast<recorder::PrivacyMode>(config.privacyMode);
    o.compression_level = config.compressionLevel;
    o.allow_query_params = SplitNames(config.allowQueryParams);
    // Out of range (negative, fractional, huge) fails Create like any other bad option.
    double interval = config.checkpointIntervalMs;
    if (interval >= 0 && interval <= 4294967295.0 && interval == static_cast<double>(static_cast<uint32_t>(interval))) {
      o.checkpoint_interval_ms = static_cast<uint32_t>(interval);
      status_ = Recorder::Create(o, &recorder_);
    } else {
      status_ = Status::InvalidArgument("checkpoint interval must be a whole number of ms, 0 to 2^32-1");
    }
  }

  int errorCode() const { return static_cast<int>(status_.code()); }
  std::string errorMessage() const { return status_.ToString(); }

  // 0 when the size is over the cap or the session is unusable.
  uintptr_t inputBuffer(size_t size) {
    if (!recorder_) return 0;
    uint8_t* p = recorder_->PrepareInput(size);
    if (p == nullptr) {
      status_ = Status::TooLarge("records buffer of " + std::to_string(size) + " bytes is over the cap");
      return 0;
    }
    return reinterpret_cast<uintptr_t>(p);
  }

  int flush(size_t size) {
    if (!recorder_) return errorCode();
    status_ = recorder_->Flush(size);
    return errorCode();
  }

  emscripten::val output() const {
    static const std::vector<uint8_t> kEmpty;
    const std::vector<uint8_t>& out = recorder_ ? recorder_->output() : kEmpty;
    return emscripten::val(emscripten::typed_memory_view(out.size(), out.data()));
  }

  SessionStats stats() const {
    SessionStats s;
    s.wasmBytes = static_cast<double>(emscripten_get_heap_size());
    if (!recorder_) return s;
    const recorder::RecorderStats& r = recorder_->stats();
    s.batches = static_cast<double>(r.batches);
    s.events = static_cast<double>(r.events);
    s.recordsBytes = static_cast<double>(r.records_bytes);
    s.batchBytes = static_cast<double>(r.batch_bytes);
    s.compressedBytes = static_cast<double>(r.compressed_bytes);
    s.maskedStrings = static_cast<double>(r.masked_strings);
    s.checkpoints = static_cast<double>(r.checkpoints);
    s.mirrorOnly = static_cast<double>(r.mirror_only);
    s.mirrorDrops = static_cast<double>(r.mirror_drops);
    s.mirrorNodes = static_cast<double>(r.mirror_nodes);
    s.mirrorBytes = static_cast<double>(r.mirror_bytes);
    return s;
  }

 private:
  std::unique_ptr<Recorder> recorder_;
  Status status_;
};

}  // namespace

EMSCRIPTEN_BINDINGS(recorder_core) {
  emscripten::value_object<SessionConfig>("SessionConfig")
      .field("siteKey", &SessionConfig::siteKey)
      .field("sessionId", &SessionConfig::sessionId)
      .field("pageViewId", &SessionConfig::pageViewId)
      .field("privacyMode", &SessionConfig::privacyMode)
      .field("compressionLevel", &SessionConfig::compressionLevel)
      .field("allowQueryParams", &SessionConfig::allowQueryParams)
      .field("checkpointIntervalMs", &SessionConfig::checkpointIntervalMs);
  emscripten::value_object<SessionStats>("SessionStats")
      .field("batches", &SessionStats::batches)
      .field("events", &SessionStats::events)
      .field("recordsBytes", &SessionStats::recordsBytes)
      .field("batchBytes", &SessionStats::batchBytes)
      .field("compressedBytes", &SessionStats::compressedBytes)
      .field("maskedStrings", &SessionStats::maskedStrings)
      .field("checkpoints", &SessionStats::checkpoints)
      .field("mirrorOnly", &SessionStats::mirrorOnly)
      .field("mirrorDrops", &SessionStats::mirrorDrops)
      .field("mirrorNodes", &SessionStats::mirrorNodes)
      .field("mirrorBytes", &SessionStats::mirrorBytes)
      .field("wasmBytes", &SessionStats::wasmBytes);
  emscripten::class_<Session>("Session")
      .constructor<const SessionConfig&>()
      .function("errorCode", &Session::errorCode)
      .function("errorMessage", &Session::errorMessage)
      .function("inputBuffer", &Session::inputBuffer)
      .function("flush", &Session::flush)
      .function("output", &Session::output)
      .function("stats", &Session::stats);
}
