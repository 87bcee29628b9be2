// streams.cc: see streams.h. Messages are one line without a trailing
// period; server.cc prefixes them with "<code> batch rejected: ".
#include "streams.h"

#include <zstd.h>

#include <atomic>
#include <charconv>
#include <utility>
#include <vector>

namespace collector {

using recorder::Status;

namespace {

std::string Num(uint64_t v) { return std::to_string(v); }

struct DCtxDeleter {
  void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
};

bool ParseU32(std::string_view s, uint32_t* out) {
  if (s.empty() || s.size() > 10) return false;
  uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v > UINT32_MAX) return false;
  *out = static_cast<uint32_t>(v);
  return true;
}

Status NotLive(const StreamPosition& pos, std::string_view why) {
  return Status::FailedPrecondition("seq " + Num(pos.seq) + " continues stream " + pos.token +
                                    " after seq " + Num(pos.prev) + ", but " + std::string(why) +
                                    "; send it as a new frame");
}

}  // namespace

struct StreamTable::Stream {
  std::mutex mu;  // held while a body of this stream is decoded
  std::unique_ptr<ZSTD_DCtx, DCtxDeleter> dctx;
  std::string token;
  std::string site_key;
  std::string session_id;
  std::string page_view_id;
  uint32_t last_seq = 0;
  bool ended = false;
  // Set once the table no longer holds it (evicted or failed): a request
  // that found it just before must not continue it.
  std::atomic<bool> dead{false};
  std::atomic<size_t> memory{0};
  // Guarded by the table's mutex.
  int64_t last_used = 0;
  bool in_table = false;
  std::list<std::shared_ptr<Stream>>::iterator lru_pos;
};

Status ParseStreamPosition(std::string_view token, std::string_view seq, const std::string* prev,
                           StreamPosition* out) {
  if (!IsValidId(token)) {
    return Status::InvalidArgument("stream must be 1 to 64 characters of A-Z a-z 0-9 _ -");
  }
  out->token = std::string(token);
  if (!ParseU32(seq, &out->seq)) return Status::InvalidArgument("seq must be a number");
  out->continuation = prev != nullptr;
  out->prev = 0;
  if (prev != nullptr) {
    if (!ParseU32(*prev, &out->prev)) return Status::InvalidArgument("prev must be a number");
    if (out->prev >= out->seq) return Status::InvalidArgument("prev must be lower than seq");
  }
  return Status::Ok();
}

StreamTable::StreamTable(StreamLimits limits) : limits_(limits) {}

StreamTable::~StreamTable() = default;

void StreamTable::EvictLocked(int64_t now_ms) {
  while (!lru_.empty()) {
    const std::shared_ptr<Stream>& oldest = lru_.back();
    const bool over_cap = streams_.size() > limits_.max_streams;
    if (!over_cap && now_ms - oldest->last_used <= limits_.idle_ms) break;
    oldest->dead = true;
    oldest->in_table = false;
    streams_.erase(oldest->token);
    lru_.pop_back();
    ++evicted_;
  }
}

std::shared_ptr<StreamTable::Stream> StreamTable::Find(const std::string& token, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  EvictLocked(now_ms);
  auto it = streams_.find(token);
  if (it == streams_.end()) return nullptr;
  std::shared_ptr<Stream> s = it->second;
  s->last_used = now_ms;
  lru_.splice(lru_.begin(), lru_, s->lru_pos);
  return s;
}

void StreamTable::Keep(const std::shared_ptr<Stream>& stream, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  stream->last_used = now_ms;
  if (stream->in_table) {
    lru_.splice(lru_.begin(), lru_, stream->lru_pos);
    return;
  }
  auto it = streams_.find(stream->token);
  if (it != streams_.end()) {  // a new frame under a token in use replaces it
    it->second->dead = true;
    it->second->in_table = false;
    lru_.erase(it->second->lru_pos);
    streams_.erase(it);
  }
  lru_.push_front(stream);
  stream->lru_pos = lru_.begin();
  stream->in_table = true;
  stream->dead = false;
  streams_.emplace(stream->token, stream);
  EvictLocked(now_ms);
}

void StreamTable::Drop(const std::shared_ptr<Stream>& stream) {
  std::lock_guard<std::mutex> lock(mu_);
  stream->dead = true;
  if (!stream->in_table) return;
  stream->in_table = false;
  lru_.erase(stream->lru_pos);
  streams_.erase(stream->token);
}

StreamStats StreamTable::Stats() {
  std::lock_guard<std::mutex> lock(mu_);
  StreamStats st;
  st.live = streams_.size();
  for (const auto& s : lru_) st.memory_bytes += s->memory;
  st.evicted = evicted_;
  return st;
}

Status StreamTable::Ingest(const StreamPosition& pos, const uint8_t* body, size_t n,
                           const IngestLimits& limits, int64_t now_ms, const Sink& sink,
                           ValidBatch* out, bool* duplicate) {
  *duplicate = false;
  return pos.continuation ? Continue(pos, body, n, limits, now_ms, sink, out, duplicate)
                          : Start(pos, body, n, limits, now_ms, sink, out, duplicate);
}

namespace {

// Decodes one piece with `dctx` and checks the batch, including that it is
// the batch the query named.
Status DecodePiece(ZSTD_DCtx* dctx, const StreamPosition& pos, const uint8_t* body, size_t n,
                   const IngestLimits& limits, ValidBatch* out, bool* ended) {
  std::vector<uint8_t> bytes;
  RECORDER_RETURN_IF_ERROR(DecompressStreamPiece(dctx, body, n, limits, &bytes, ended));
  RECORDER_RETURN_IF_ERROR(CheckDecompressed(std::move(bytes), n, limits, out));
  if (out->seq != pos.seq) {
    return Status::Malformed("batch has seq " + Num(out->seq) + " but the request says " +
                             Num(pos.seq));
  }
  return Status::Ok();
}

}  // namespace

Status StreamTable::Start(const StreamPosition& pos, const uint8_t* body, size_t n,
                          const IngestLimits& limits, int64_t now_ms, const Sink& sink,
                          ValidBatch* out, bool* duplicate) {
  // Only a real frame start: a continuation sent without prev would decode
  // as garbage or not at all, and a skippable frame holds no batch.
  if (n < 4 || (uint32_t{body[0]} | uint32_t{body[1]} << 8 | uint32_t{body[2]} << 16 |
                uint32_t{body[3]} << 24) != ZSTD_MAGICNUMBER) {
    return Status::Malformed("body is not the start of a zstd frame (a continuation needs prev)");
  }
  auto stream = std::make_shared<Stream>();
  stream->dctx.reset(ZSTD_createDCtx());
  if (!stream->dctx) return Status::Internal("out of memory for a zstd context");
  if (ZSTD_isError(ZSTD_DCtx_setParameter(stream->dctx.get(), ZSTD_d_windowLogMax,
                                          limits_.window_log_max))) {
    return Status::Internal("zstd refused the window limit");
  }
  bool ended = false;
  RECORDER_RETURN_IF_ERROR(DecodePiece(stream->dctx.get(), pos, body, n, limits, out, &ended));

  // A retried start of a stream that has moved on since: stored again
  // (idempotently) but the live stream keeps its history.
  bool replay = false;
  if (std::shared_ptr<Stream> live = Find(pos.token, now_ms)) {
    std::lock_guard<std::mutex> lock(live->mu);
    replay = live->session_id == out->session_id && live->page_view_id == out->page_view_id &&
             pos.seq <= live->last_seq;
  }
  RECORDER_RETURN_IF_ERROR(sink(*out, false, duplicate));
  if (replay) return Status::Ok();

  stream->token = pos.token;
  stream->site_key = out->site_key;
  stream->session_id = out->session_id;
  stream->page_view_id = out->page_view_id;
  stream->last_seq = pos.seq;
  stream->ended = ended;
  stream->memory = ZSTD_sizeof_DCtx(stream->dctx.get());
  Keep(stream, now_ms);
  return Status::Ok();
}

Status StreamTable::Continue(const StreamPosition& pos, const uint8_t* body, size_t n,
                             const IngestLimits& limits, int64_t now_ms, const Sink& sink,
                             ValidBatch* out, bool* duplicate) {
  std::shared_ptr<Stream> stream = Find(pos.token, now_ms);
  if (stream == nullptr) {
    return NotLive(pos, "that stream is not live here (never started, evicted, or the collector restarted)");
  }
  std::lock_guard<std::mutex> lock(stream->mu);
  if (stream->dead) return NotLive(pos, "that stream was dropped");
  if (pos.seq <= stream->last_seq) {
    // Decoded before: its answer was lost and the recorder retried.
    out->site_key = stream->site_key;
    out->session_id = stream->session_id;
    out->page_view_id = stream->page_view_id;
    out->seq = pos.seq;
    out->compressed_bytes = n;
    Status s = sink(*out, true, duplicate);
    *duplicate = true;
    return s;
  }
  if (stream->ended) return NotLive(pos, "that stream's frame has ended");
  if (stream->last_seq != pos.prev) {
    return NotLive(pos, "this collector's last batch of it is seq " + Num(stream->last_seq));
  }

  bool ended = false;
  Status s = DecodePiece(stream->dctx.get(), pos, body, n, limits, out, &ended);
  if (s.ok() && (out->session_id != stream->session_id ||
                 out->page_view_id != stream->page_view_id || out->site_key != stream->site_key)) {
    s = Status::Malformed("a continuation must belong to the stream's site, session and page view");
  }
  if (s.ok()) s = sink(*out, false, duplicate);
  if (!s.ok()) {
    Drop(stream);
    return s;
  }
  stream->last_seq = pos.seq;
  stream->ended = ended;
  stream->memory = ZSTD_sizeof_DCtx(stream->dctx.get());
  Keep(stream, now_ms);
  return Status::Ok();
}

}  // namespace collector
