// ingest.cc: see ingest.h. Every message here is one line without a trailing
// period; server.cc prefixes it with "<code> batch rejected: ".
#include "ingest.h"

#include <zstd.h>
#include <zstd_errors.h>

#include <algorithm>
#include <memory>
#include <utility>

#include "flatbuffers/flatbuffers.h"
#include "recorder/node_view.h"
#include "recorder/records.h"
#include "recorder/wire_strings.h"

namespace collector {
namespace {

using recorder::Status;
using rec::wire::Batch;

std::string Num(uint64_t v) { return std::to_string(v); }

// --- layer 1: transport --------------------------------------------------

struct DCtxDeleter {
  void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
};

// The decoder's window is what it allocates up front, before producing any
// output, so it must be capped too: otherwise a 20-byte header asking for a
// 2 GiB window costs 2 GiB. A window never needs to exceed the content, but
// compressors that did not know the size in advance pick up to 8 MiB
// (windowLog 23, zstd levels <= 19), so allow at least that.
int WindowLogMaxFor(size_t max_batch_bytes) {
  int log = 10;  // ZSTD_WINDOWLOG_ABSOLUTEMIN
  while (log < 27 && (size_t{1} << log) < max_batch_bytes) ++log;
  return std::max(log, 23);
}

Status ZstdError(size_t code, unsigned long long declared) {
  const ZSTD_ErrorCode e = ZSTD_getErrorCode(code);
  if (e == ZSTD_error_frameParameter_windowTooLarge) {
    return Status::TooLarge("zstd frame asks for a decoding window over the limit");
  }
  // zstd sizes its buffer by the declared content size, so a frame that
  // holds more than it declares (a bomb with a small, false header) fails
  // here rather than at our cap.
  if (e == ZSTD_error_dstSize_tooSmall && declared != ZSTD_CONTENTSIZE_UNKNOWN &&
      declared != ZSTD_CONTENTSIZE_ERROR) {
    return Status::TooLarge("zstd frame holds more than the " + Num(declared) +
                            " bytes it declares");
  }
  return Status::Malformed(std::string("zstd frame is corrupt: ") + ZSTD_getErrorName(code));
}

Status Decompress(const uint8_t* body, size_t n, const IngestLimits& limits,
                  std::vector<uint8_t>* out) {
  if (n == 0) return Status::Malformed("empty body");
  if (n > limits.max_body_bytes) {
    return Status::TooLarge("body is " + Num(n) + " bytes, over the " +
                            Num(limits.max_body_bytes) + " byte limit");
  }
  // Only a real frame: skippable frames and legacy formats would let a body
  // pass that holds no batch, or more than one.
  if (n < 4) return Status::Malformed("body is not a zstd frame");
  const uint32_t magic = uint32_t{body[0]} | uint32_t{body[1]} << 8 |
                         uint32_t{body[2]} << 16 | uint32_t{body[3]} << 24;
  if (magic != ZSTD_MAGICNUMBER) return Status::Malformed("body is not a zstd frame");

  // An honest frame that declares too much is refused before any work. A
  // frame whose header is cut short reports ERROR here; the stream below
  // then says "truncated", which is the more useful message.
  const unsigned long long declared = ZSTD_getFrameContentSize(body, n);
  if (declared != ZSTD_CONTENTSIZE_ERROR && declared != ZSTD_CONTENTSIZE_UNKNOWN &&
      declared > limits.max_batch_bytes) {
    return Status::TooLarge("zstd frame declares " + Num(declared) + " bytes, over the " +
                            Num(limits.max_batch_bytes) + " byte limit");
  }

  std::unique_ptr<ZSTD_DCtx, DCtxDeleter> dctx(ZSTD_createDCtx());
  if (!dctx) return Status::Internal("out of memory for a zstd context");
  size_t rc = ZSTD_DCtx_setParameter(dctx.get(), ZSTD_d_windowLogMax,
                                     WindowLogMaxFor(limits.max_batch_bytes));
  if (ZSTD_isError(rc)) return Status::Internal("zstd refused the window limit");

  // Streaming, chunk by chunk, so a frame that lies about (or omits) its size
  // is stopped at the cap having cost at most cap + one chunk of memory.
  out->clear();
  if (declared != ZSTD_CONTENTSIZE_ERROR && declared != ZSTD_CONTENTSIZE_UNKNOWN) {
    out->reserve(static_cast<size_t>(declared));
  }
  std::vector<uint8_t> chunk(ZSTD_DStreamOutSize());
  ZSTD_inBuffer in{body, n, 0};
  for (;;) {
    ZSTD_outBuffer o{chunk.data(), chunk.size(), 0};
    const size_t in_before = in.pos;
    rc = ZSTD_decompressStream(dctx.get(), &o, &in);
    if (ZSTD_isError(rc)) return ZstdError(rc, declared);
    if (out->size() + o.pos > limits.max_batch_bytes) {
      return Status::TooLarge("batch decompresses to more than " +
                              Num(limits.max_batch_bytes) + " bytes");
    }
    out->insert(out->end(), chunk.data(), chunk.data() + o.pos);
    if (rc == 0) break;  // the frame is complete
    // All input used and the output not full: zstd wants bytes we lack.
    if (in.pos == in.size && o.pos < o.size) return Status::Malformed("zstd frame is truncated");
    if (in.pos == in_before && o.pos == 0) return Status::Malformed("zstd frame makes no progress");
  }
  if (in.pos != in.size) {
    return Status::Malformed(Num(in.size - in.pos) + " bytes of trailing data after the zstd frame");
  }
  return Status::Ok();
}

// --- layer 3: meaning ----------------------------------------------------

// Epoch ms beyond this cannot be added to a uint32 offset and still be an
// exact JavaScript number, and the replayer is JavaScript.
constexpr uint64_t kMaxBaseTime = (uint64_t{1} << 53) - 1 - UINT32_MAX;

bool IsIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '_' || c == '-';
}

Status CheckId(const char* field, const flatbuffers::String* s) {
  if (s == nullptr) return Status::Malformed(std::string(field) + " is missing");
  if (!IsValidId(s->string_view())) {
    return Status::Malformed(std::string(field) +
                             " must be 1 to 64 characters of A-Z a-z 0-9 _ -");
  }
  return Status::Ok();
}

// Walks one event's payload. String indexes must name an entry of the
// string table (recorder/wire_strings.h); index 0 always means "absent" and is accepted even when the
// table is empty. Node ids and node references are never 0 (0 is "none").
class EventChecker {
 public:
  EventChecker(uint32_t string_count, uint32_t event_index)
      : strings_(string_count), event_(event_index) {}

  Status Check(const rec::wire::Event& e) const {
    using rec::wire::Payload;
    switch (e.payload_type()) {
      case Payload::PageMeta: {
        const auto* p = e.payload_as_PageMeta();
        if (!p) return Missing();
        RECORDER_RETURN_IF_ERROR(Str(p->url(), "PageMeta.url"));
        RECORDER_RETURN_IF_ERROR(Str(p->referrer(), "PageMeta.referrer"));
        RECORDER_RETURN_IF_ERROR(Str(p->previous_page_view(), "PageMeta.previous_page_view"));
        return Str(p->title(), "PageMeta.title");
      }
      case Payload::FullSnapshot: {
        const auto* p = e.payload_as_FullSnapshot();
        if (!p) return Missing();
        return Nodes(p->nodes(), p->columns(), "FullSnapshot");
      }
      case Payload::Mutation: {
        const auto* p = e.payload_as_Mutation();
        if (!p) return Missing();
        return CheckMutation(*p);
      }
      case Payload::Input: {
        const auto* p = e.payload_as_Input();
        if (!p) return Missing();
        return Str(p->value(), "Input.value");
      }
      case Payload::Navigation: {
        const auto* p = e.payload_as_Navigation();
        if (!p) return Missing();
        return Str(p->url(), "Navigation.url");
      }
      case Payload::StyleSheet: {
        const auto* p = e.payload_as_StyleSheet();
        if (!p) return Missing();
        RECORDER_RETURN_IF_ERROR(NodeRef(p->sheet(), "StyleSheet.sheet"));
        return Strs(p->rules(), "StyleSheet.rules");
      }
      case Payload::StyleRule: {
        const auto* p = e.payload_as_StyleRule();
        if (!p) return Missing();
        RECORDER_RETURN_IF_ERROR(NodeRef(p->sheet(), "StyleRule.sheet"));
        if (!p->path() || p->path()->size() == 0 || p->path()->size() > recorder::kMaxRulePathDepth) {
          return Status::Malformed(Where() + "StyleRule.path must hold 1 to " +
                                   Num(recorder::kMaxRulePathDepth) + " indexes");
        }
        return Str(p->rule(), "StyleRule.rule");
      }
      case Payload::AdoptedSheets: {
        const auto* p = e.payload_as_AdoptedSheets();
        if (!p) return Missing();
        RECORDER_RETURN_IF_ERROR(NodeRef(p->target(), "AdoptedSheets.target"));
        if (const auto* sheets = p->sheets()) {
          for (uint32_t id : *sheets) RECORDER_RETURN_IF_ERROR(NodeRef(id, "AdoptedSheets.sheets"));
        }
        return Status::Ok();
      }
      case Payload::Media: {
        const auto* p = e.payload_as_Media();
        if (!p) return Missing();
        RECORDER_RETURN_IF_ERROR(NodeRef(p->target(), "Media.target"));
        if (p->volume_x100() > 100) return Status::Malformed(Where() + "Media.volume_x100 is over 100");
        return Status::Ok();
      }
      case Payload::ImageSource: {
        const auto* p = e.payload_as_ImageSource();
        if (!p) return Missing();
        RECORDER_RETURN_IF_ERROR(NodeRef(p->target(), "ImageSource.target"));
        return Str(p->url(), "ImageSource.url");
      }
      case Payload::MouseMove:
      case Payload::Click:
      case Payload::Scroll:
      case Payload::Resize:
      case Payload::Visibility:
      case Payload::Focus:
        return e.payload() ? Status::Ok() : Missing();
      default:
        return Status::Internal("unreachable: payload type checked by the caller");
    }
  }

 private:
  std::string Where() const { return "event " + Num(event_) + ": "; }

  Status Missing() const { return Status::Malformed(Where() + "payload is missing"); }

  Status Str(uint32_t index, const char* field) const {
    if (index == 0 || index < strings_) return Status::Ok();
    return Status::Malformed(Where() + field + " string index " + Num(index) +
                             " is out of range (" + Num(strings_) + " strings)");
  }

  Status Strs(const flatbuffers::Vector<uint32_t>* indexes, const char* field) const {
    if (!indexes) return Status::Ok();
    for (uint32_t index : *indexes) RECORDER_RETURN_IF_ERROR(Str(index, field));
    return Status::Ok();
  }

  Status NodeRef(uint32_t id, const char* field) const {
    if (id != 0) return Status::Ok();
    return Status::Malformed(Where() + field + " refers to node id 0");
  }

  // Either wire form (recorder/node_view.h); columns are checked for shape
  // first, so that the reader's values are the writer's.
  Status Nodes(const recorder::NodeReader::NodeVector* nodes, const rec::wire::NodeColumns* columns,
               const char* owner) const {
    if (nodes != nullptr && columns != nullptr) {
      return Status::Malformed(Where() + owner + " has both [Node] and NodeColumns");
    }
    if (columns != nullptr) RECORDER_RETURN_IF_ERROR(CheckColumns(*columns));
    recorder::NodeReader reader(nodes, columns);
    recorder::WireNode node;
    while (reader.Next(&node)) {
      RECORDER_RETURN_IF_ERROR(NodeRef(node.id, "Node.id"));
      if (node.type > static_cast<uint8_t>(rec::wire::NodeType::MAX)) {
        return Status::Malformed(Where() + "node " + Num(node.id) + " has unknown type " + Num(node.type));
      }
      if (node.ns > static_cast<uint8_t>(rec::wire::Namespace::MAX)) {
        return Status::Malformed(Where() + "node " + Num(node.id) + " has unknown namespace " + Num(node.ns));
      }
      RECORDER_RETURN_IF_ERROR(Str(node.name, "Node.name"));
      RECORDER_RETURN_IF_ERROR(Str(node.value, "Node.value"));
      for (const rec::wire::Attr& a : node.attrs) {
        RECORDER_RETURN_IF_ERROR(Str(a.name(), "Attr.name"));
        RECORDER_RETURN_IF_ERROR(Str(a.value(), "Attr.value"));
      }
    }
    return Status::Ok();
  }

  // One entry per node in every per-node column, exactly the attributes the
  // counts announce, and ids, parents and previous siblings that stay in
  // uint32 (computed in 64 bits: no wrap can make a bad id look good).
  Status CheckColumns(const rec::wire::NodeColumns& c) const {
    const uint32_t count = c.id_delta() ? c.id_delta()->size() : 0;
    auto same = [&](uint32_t size, bool present, const char* field) -> Status {
      if (size == count && (present || count == 0)) return Status::Ok();
      return Status::Malformed(Where() + "NodeColumns." + field +
                               (present ? " has " + Num(size) + " entries" : std::string(" is missing")) + " for " +
                               Num(count) + " nodes");
    };
    auto len = [](const auto* v) { return v ? v->size() : 0u; };
    RECORDER_RETURN_IF_ERROR(same(len(c.parent_delta()), c.parent_delta() != nullptr, "parent_delta"));
    RECORDER_RETURN_IF_ERROR(same(len(c.prev_delta()), c.prev_delta() != nullptr, "prev_delta"));
    RECORDER_RETURN_IF_ERROR(same(len(c.type()), c.type() != nullptr, "type"));
    RECORDER_RETURN_IF_ERROR(same(len(c.ns()), c.ns() != nullptr, "ns"));
    RECORDER_RETURN_IF_ERROR(same(len(c.name()), c.name() != nullptr, "name"));
    RECORDER_RETURN_IF_ERROR(same(len(c.value()), c.value() != nullptr, "value"));
    RECORDER_RETURN_IF_ERROR(same(len(c.attr_count()), c.attr_count() != nullptr, "attr_count"));
    // At most 2^32 counts of at most 2^32 - 1 each: the sum fits in 64 bits.
    uint64_t attr_total = 0;
    for (uint32_t i = 0; i < count; ++i) attr_total += c.attr_count()->Get(i);
    if (attr_total != len(c.attrs())) {
      return Status::Malformed(Where() + "NodeColumns.attr_count adds up to " + Num(attr_total) + ", but attrs has " +
                               Num(len(c.attrs())) + " entries");
    }
    constexpr int64_t kMaxId = UINT32_MAX;
    int64_t id = 0;
    for (uint32_t i = 0; i < count; ++i) {
      id += c.id_delta()->Get(i);
      if (id < 1 || id > kMaxId) {
        return Status::Malformed(Where() + "NodeColumns entry " + Num(i) + ": id_delta leads to id " +
                                 std::to_string(id));
      }
      const int64_t parent = id - c.parent_delta()->Get(i);
      if (parent < 0 || parent > kMaxId) {
        return Status::Malformed(Where() + "NodeColumns entry " + Num(i) + ": parent_delta leads to parent " +
                                 std::to_string(parent));
      }
      const int32_t prev_delta = c.prev_delta()->Get(i);
      const int64_t prev = id - prev_delta;
      if (prev_delta != 0 && (prev < 0 || prev > kMaxId)) {
        return Status::Malformed(Where() + "NodeColumns entry " + Num(i) + ": prev_delta leads to prev " +
                                 std::to_string(prev));
      }
    }
    return Status::Ok();
  }

  Status CheckMutation(const rec::wire::Mutation& m) const {
    if (const auto* removes = m.removes()) {
      for (uint32_t id : *removes) RECORDER_RETURN_IF_ERROR(NodeRef(id, "Mutation.removes"));
    }
    RECORDER_RETURN_IF_ERROR(Nodes(m.adds(), m.added(), "Mutation"));
    if (const auto* attrs = m.attrs()) {
      for (const rec::wire::AttrChange* a : *attrs) {
        RECORDER_RETURN_IF_ERROR(NodeRef(a->node(), "AttrChange.node"));
        RECORDER_RETURN_IF_ERROR(Str(a->name(), "AttrChange.name"));
        RECORDER_RETURN_IF_ERROR(Str(a->value(), "AttrChange.value"));
      }
    }
    if (const auto* texts = m.texts()) {
      for (const rec::wire::TextChange* t : *texts) {
        RECORDER_RETURN_IF_ERROR(NodeRef(t->node(), "TextChange.node"));
        RECORDER_RETURN_IF_ERROR(Str(t->value(), "TextChange.value"));
      }
    }
    return Status::Ok();
  }

  uint32_t strings_;
  uint32_t event_;
};

// Either form of the string table (recorder/wire_strings.h), not both; the
// byte form's lengths must cover string_data exactly.
Status CheckStrings(const Batch& b, const recorder::WireStrings& strings) {
  if (strings.columnar()) {
    if (b.strings() != nullptr) return Status::Malformed("batch has both strings and string_lengths/string_data");
    if (strings.total_length() != strings.data_size()) {
      return Status::Malformed("string_lengths add up to " + Num(strings.total_length()) + " bytes, but string_data has " +
                               Num(strings.data_size()));
    }
  }
  if (strings.size() > 0 && !strings.Get(0).empty()) return Status::Malformed("strings[0] must be the empty string");
  return Status::Ok();
}

Status CheckMeaning(const Batch& b, const IngestLimits& limits) {
  const uint16_t version = b.schema_version();
  const auto known = static_cast<uint16_t>(rec::wire::SchemaVersion::Current);
  if (version == 0) return Status::Malformed("missing schema version");
  if (version > known) {
    return Status::Unsupported("schema version " + Num(version) +
                               " is newer than this collector's version " + Num(known));
  }
  RECORDER_RETURN_IF_ERROR(CheckId("site_key", b.site_key()));
  RECORDER_RETURN_IF_ERROR(CheckId("session_id", b.session_id()));
  RECORDER_RETURN_IF_ERROR(CheckId("page_view_id", b.page_view_id()));
  if (b.base_time() > kMaxBaseTime) return Status::Malformed("base_time is out of range");

  const recorder::WireStrings strings(b);
  RECORDER_RETURN_IF_ERROR(CheckStrings(b, strings));
  const uint32_t string_count = strings.size();

  const auto* events = b.events();
  const uint32_t event_count = events ? events->size() : 0;
  if (event_count > limits.max_events) {
    return Status::TooLarge("batch has " + Num(event_count) + " events, over the " +
                            Num(limits.max_events) + " event limit");
  }
  const auto newest = static_cast<unsigned>(rec::wire::Payload::MAX);
  for (uint32_t i = 0; i < event_count; ++i) {
    const rec::wire::Event* e = events->Get(i);
    const auto type = static_cast<unsigned>(e->payload_type());
    // A NONE tag is never valid in any version, so it is malformed; a number
    // past the newest member may be a newer recorder's event, which the
    // generated verifier lets through unverified, so it is refused here.
    if (type == 0) return Status::Malformed("event " + Num(i) + " has no payload type");
    if (type > newest) {
      return Status::Unsupported("event " + Num(i) + " has unknown type " + Num(type) +
                                 " (this collector knows 1 to " + Num(newest) + ")");
    }
    RECORDER_RETURN_IF_ERROR(EventChecker(string_count, i).Check(*e));
  }
  return Status::Ok();
}

}  // namespace

bool IsValidId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), IsIdChar);
}

Status VerifyBatchBytes(const uint8_t* data, size_t n, const IngestLimits& limits,
                        const Batch** batch) {
  if (n > limits.max_batch_bytes || n >= FLATBUFFERS_MAX_BUFFER_SIZE) {
    return Status::TooLarge("batch is " + Num(n) + " bytes, over the " +
                            Num(limits.max_batch_bytes) + " byte limit");
  }
  // Header: root offset (4) + identifier (4). Checked before the verifier so
  // "not ours" and "ours but broken" get different messages.
  if (n < 8) return Status::Malformed("batch is " + Num(n) + " bytes, too short for a FlatBuffer");
  if (!rec::wire::BatchBufferHasIdentifier(data)) {
    return Status::Malformed("batch lacks the SRB1 file identifier");
  }
  flatbuffers::Verifier::Options options;
  options.max_depth = limits.max_depth;
  options.max_tables = limits.max_tables;
  flatbuffers::Verifier verifier(data, n, options);
  if (!rec::wire::VerifyBatchBuffer(verifier)) {
    return Status::Malformed(
        "batch fails FlatBuffers verification (corrupt, or a required field is missing)");
  }
  const Batch* b = rec::wire::GetBatch(data);
  RECORDER_RETURN_IF_ERROR(CheckMeaning(*b, limits));
  *batch = b;
  return Status::Ok();
}

Status DecompressStreamPiece(ZSTD_DCtx* dctx, const uint8_t* body, size_t n,
                             const IngestLimits& limits, std::vector<uint8_t>* out,
                             bool* frame_ended) {
  *frame_ended = false;
  out->clear();
  if (n == 0) return Status::Malformed("empty body");
  if (n > limits.max_body_bytes) {
    return Status::TooLarge("body is " + Num(n) + " bytes, over the " +
                            Num(limits.max_body_bytes) + " byte limit");
  }
  // Same loop as Decompress, except that the end of the input, not the end
  // of the frame, ends the piece: the recorder flushes after every batch, so
  // all of it decodes from the piece's bytes plus the context's history.
  std::vector<uint8_t> chunk(ZSTD_DStreamOutSize());
  ZSTD_inBuffer in{body, n, 0};
  for (;;) {
    ZSTD_outBuffer o{chunk.data(), chunk.size(), 0};
    const size_t in_before = in.pos;
    const size_t rc = ZSTD_decompressStream(dctx, &o, &in);
    if (ZSTD_isError(rc)) return ZstdError(rc, ZSTD_CONTENTSIZE_UNKNOWN);
    if (out->size() + o.pos > limits.max_batch_bytes) {
      return Status::TooLarge("batch decompresses to more than " +
                              Num(limits.max_batch_bytes) + " bytes");
    }
    out->insert(out->end(), chunk.data(), chunk.data() + o.pos);
    if (rc == 0) {
      *frame_ended = true;
      break;
    }
    if (in.pos == in.size && o.pos < o.size) break;  // every byte decoded
    if (in.pos == in_before && o.pos == 0) return Status::Malformed("zstd stream makes no progress");
  }
  if (in.pos != in.size) {
    return Status::Malformed(Num(in.size - in.pos) + " bytes of trailing data after the zstd frame");
  }
  if (out->empty()) return Status::Malformed("body decodes to no batch");
  return Status::Ok();
}

Status CheckDecompressed(std::vector<uint8_t> bytes, size_t compressed_bytes,
                         const IngestLimits& limits, ValidBatch* out) {
  out->bytes = std::move(bytes);
  const Batch* b = nullptr;
  RECORDER_RETURN_IF_ERROR(VerifyBatchBytes(out->bytes.data(), out->bytes.size(), limits, &b));

  out->site_key = b->site_key()->str();
  out->session_id = b->session_id()->str();
  out->page_view_id = b->page_view_id()->str();
  out->seq = b->seq();
  out->base_time = b->base_time();
  out->event_count = b->events() ? b->events()->size() : 0;
  out->end_time = out->base_time;
  if (b->events()) {
    for (const rec::wire::Event* e : *b->events()) {
      out->end_time = std::max(out->end_time, out->base_time + e->t());
    }
  }
  out->compressed_bytes = compressed_bytes;
  return Status::Ok();
}

Status IngestBatch(const uint8_t* body, size_t n, const IngestLimits& limits, ValidBatch* out) {
  std::vector<uint8_t> bytes;
  RECORDER_RETURN_IF_ERROR(Decompress(body, n, limits, &bytes));
  return CheckDecompressed(std::move(bytes), n, limits, out);
}

}  // namespace collector
