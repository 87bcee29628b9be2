#include "recorder/recorder.h"

#include <algorithm>
#include <string>

#include "batch_builder.h"
#include "compressor.h"
#include "masking_gate.h"
#include "record_parser.h"
#include "tree_mirror.h"
#include "recorder/records.h"

namespace recorder {
namespace {

Status ValidateIdentifier(const std::string& value, const char* field) {
  if (value.empty() || value.size() > 64) {
    return Status::InvalidArgument(std::string(field) + " must be 1 to 64 characters");
  }
  for (char c : value) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '-';
    if (!ok) return Status::InvalidArgument(std::string(field) + " may hold only A-Z a-z 0-9 _ -");
  }
  return Status::Ok();
}

Status ValidateQueryParamName(const std::string& name) {
  if (name.empty() || name.size() > 64) {
    return Status::InvalidArgument("allowed query parameter names must be 1 to 64 characters");
  }
  for (char c : name) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '.' || c == '-';
    if (!ok) {
      return Status::InvalidArgument("allowed query parameter names may hold only A-Z a-z 0-9 _ . -");
    }
  }
  return Status::Ok();
}

}  // namespace

struct Recorder::Impl {
  explicit Impl(const Options& o)
      : options(o),
        gate(o.privacy_mode, o.allow_query_params),
        compressor(o.compression_level, o.window_log),
        mirror(o.mirror_max_nodes, o.mirror_max_bytes) {}

  Options options;
  MaskingGate gate;
  BatchBuilder builder;
  Compressor compressor;
  TreeMirror mirror;
  std::vector<uint8_t> input;
  std::vector<uint8_t> batch;
  std::vector<uint8_t> output;
  RecorderStats stats;
  // A NEW_STREAM request on a flush with nothing to send still applies to
  // the next batch that is sent.
  bool new_frame_pending = false;
  // The highest seq the mirror has applied (-1: none). The glue may encode
  // a seq again (a new frame after a refusal, the page-exit path) or send it
  // MIRROR_ONLY after the worker already had it: applied once only.
  int64_t mirror_seq = -1;
};

Status Recorder::Create(const Options& options, std::unique_ptr<Recorder>* out) {
  RECORDER_RETURN_IF_ERROR(ValidateIdentifier(options.site_key, "site key"));
  RECORDER_RETURN_IF_ERROR(ValidateIdentifier(options.session_id, "session id"));
  RECORDER_RETURN_IF_ERROR(ValidateIdentifier(options.page_view_id, "page view id"));
  int mode = static_cast<int>(options.privacy_mode);
  if (mode < 0 || mode > 2) return Status::InvalidArgument("privacy mode must be 0, 1 or 2");
  if (options.compression_level < 1 || options.compression_level > Compressor::kMaxLevel) {
    return Status::InvalidArgument("compression level must be 1 to " + std::to_string(Compressor::kMaxLevel));
  }
  for (const std::string& name : options.allow_query_params) {
    RECORDER_RETURN_IF_ERROR(ValidateQueryParamName(name));
  }
  if (options.window_log < Compressor::kMinWindowLog || options.window_log > Compressor::kMaxWindowLog) {
    return Status::InvalidArgument("window log must be " + std::to_string(Compressor::kMinWindowLog) +
                                   " to " + std::to_string(Compressor::kMaxWindowLog));
  }
  if (options.max_records_bytes == 0 || options.max_batch_bytes == 0 || options.mirror_max_nodes == 0 ||
      options.mirror_max_bytes == 0) {
    return Status::InvalidArgument("size caps must be positive");
  }
  out->reset(new Recorder(std::make_unique<Impl>(options)));
  return Status::Ok();
}

Recorder::Recorder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Recorder::~Recorder() = default;

uint8_t* Recorder::PrepareInput(size_t size) {
  if (size > impl_->options.max_records_bytes) return nullptr;
  if (impl_->input.size() < size) impl_->input.resize(size);
  return impl_->input.data();
}

Status Recorder::Flush(size_t size) {
  if (size > impl_->input.size()) {
    return Status::FailedPrecondition("flush of " + std::to_string(size) +
                                      " bytes without a PrepareInput of that size");
  }
  return FlushBytes(impl_->input.data(), size);
}

Status Recorder::FlushBytes(const uint8_t* data, size_t size) {
  Impl& m = *impl_;
  m.output.clear();
  m.batch.clear();
  if (size > m.options.max_records_bytes) {
    return Status::TooLarge("records buffer of " + std::to_string(size) + " bytes is over the cap of " +
                            std::to_string(m.options.max_records_bytes));
  }
  m.gate.BeginFlush();
  m.builder.Reset();
  ParsedHeader header;
  if (Status parsed = ParseRecords(data, size, m.gate, m.builder, &header); !parsed.ok()) {
    // A lost batch: the mirror cannot follow the page past it.
    m.mirror.Drop();
    UpdateMirrorStats();
    return parsed;
  }
  m.stats.records_bytes += size;
  bool mirror_only = (header.flags & kRecordsFlagMirrorOnly) != 0;
  if ((header.flags & kRecordsFlagNewStream) != 0 && !mirror_only) m.new_frame_pending = true;
  if (m.builder.event_count() == 0) return Status::Ok();  // nothing to send
  // Without checkpoints the mirror has no use: it is not kept at all.
  bool fresh = m.options.checkpoint_interval_ms != 0 && static_cast<int64_t>(header.seq) > m.mirror_seq;
  size_t checkpoint = mirror_only || !fresh ? 0 : MaybeCheckpoint(header.base_time);

  RawString site{m.options.site_key, false, 0};
  RawString session{m.options.session_id, false, 0};
  RawString page_view{m.options.page_view_id, false, 0};
  BatchHeader bh{m.gate.Apply(site, FieldKind::kIdentifier), m.gate.Apply(session, FieldKind::kIdentifier),
                 m.gate.Apply(page_view, FieldKind::kIdentifier), header.seq, header.base_time};
  m.builder.Finish(bh);
  const uint8_t* encoded = m.builder.fbb().GetBufferPointer();
  size_t encoded_size = m.builder.fbb().GetSize();
  if (encoded_size > m.options.max_batch_bytes && checkpoint > 0) {
    // The checkpoint made the batch too large: the batch goes without it.
    m.stats.checkpoints -= 1;
    m.stats.checkpoints_skipped += 1;
    m.gate.BeginFlush();
    m.builder.Reset();
    RECORDER_RETURN_IF_ERROR(ParseRecords(data, size, m.gate, m.builder, &header));
    checkpoint = 0;
    m.builder.Finish(bh);
    encoded = m.builder.fbb().GetBufferPointer();
    encoded_size = m.builder.fbb().GetSize();
  }
  if (encoded_size > m.options.max_batch_bytes) {
    // The batch is lost; the mirror cannot follow the page past it.
    m.mirror.Drop();
    UpdateMirrorStats();
    return Status::TooLarge("encoded batch of " + std::to_string(encoded_size) +
                            " bytes is over the cap of " + std::to_string(m.options.max_batch_bytes) +
                            "; flush more often");
  }
  if (mirror_only) {
    if (fresh) m.mirror.Apply(*rec::wire::GetBatch(encoded), m.builder);
    m.mirror_seq = std::max<int64_t>(m.mirror_seq, header.seq);
    m.stats.mirror_only += 1;
    UpdateMirrorStats();
    return Status::Ok();
  }
  m.batch.assign(encoded, encoded + encoded_size);
  Status compressed = m.compressor.Compress(m.batch.data(), m.batch.size(), m.new_frame_pending, &m.output);
  if (!compressed.ok()) {
    m.mirror.Drop();
    UpdateMirrorStats();
    return compressed;
  }
  m.new_frame_pending = false;
  if (fresh) m.mirror.Apply(*rec::wire::GetBatch(m.batch.data()), m.builder, checkpoint);
  m.mirror_seq = std::max<int64_t>(m.mirror_seq, header.seq);
  UpdateMirrorStats();

  m.stats.batches += 1;
  if (m.compressor.began_frame()) m.stats.frames += 1;
  m.stats.events += m.builder.event_count();
  m.stats.batch_bytes += m.batch.size();
  m.stats.compressed_bytes += m.output.size();
  m.stats.masked_strings = m.gate.masked_count();
  return Status::Ok();
}

// Writes a checkpoint into the builder when one is due; returns its event
// count. Due: the interval has passed since the last full snapshot, the
// mirror holds a page, and the batch has no snapshot of the glue's own.
size_t Recorder::MaybeCheckpoint(uint64_t base_time) {
  Impl& m = *impl_;
  uint32_t interval = m.options.checkpoint_interval_ms;
  if (interval == 0 || !m.mirror.valid() || m.builder.has_snapshot()) return 0;
  if (base_time < m.mirror.last_snapshot_ms() + interval) return 0;
  size_t n = m.mirror.WriteCheckpoint(m.builder, 0, base_time);
  m.builder.MoveLastToFront(n);
  m.mirror.NoteCheckpoint(base_time);
  m.stats.checkpoints += 1;
  return n;
}

void Recorder::UpdateMirrorStats() {
  Impl& m = *impl_;
  m.stats.mirror_drops = m.mirror.drops();
  m.stats.mirror_nodes = m.mirror.node_count();
  m.stats.mirror_bytes = m.mirror.bytes();
}

const std::vector<uint8_t>& Recorder::output() const { return impl_->output; }
bool Recorder::output_began_frame() const {
  return !impl_->output.empty() && impl_->compressor.began_frame();
}
const std::vector<uint8_t>& Recorder::last_batch() const { return impl_->batch; }
const RecorderStats& Recorder::stats() const { return impl_->stats; }
const Options& Recorder::options() const { return impl_->options; }

}  // namespace recorder
