// batch_fixtures.cc: see batch_fixtures.h.
#include "batch_fixtures.h"

#include <zstd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <system_error>

#include "flatbuffers/flatbuffers.h"
#include "recorder_generated.h"

namespace collector_test {
namespace {

namespace w = rec::wire;
using flatbuffers::FlatBufferBuilder;
using flatbuffers::Offset;

// Nodes given as absolute values, written as NodeColumns. Deltas are worked
// out here, independently of the core's writer (batch_builder.cc).
struct PlainNode {
  uint32_t id, parent, prev;
  w::NodeType type;
  uint32_t name, value;
  std::vector<w::Attr> attrs;
};

Offset<w::NodeColumns> Columns(FlatBufferBuilder& fbb, const std::vector<PlainNode>& nodes) {
  std::vector<int32_t> id, parent, prev;
  std::vector<uint8_t> type, ns;
  std::vector<uint32_t> name, value, attr_count;
  std::vector<w::Attr> attrs;
  int64_t last = 0;
  for (const PlainNode& n : nodes) {
    id.push_back(static_cast<int32_t>(n.id - last));
    last = n.id;
    parent.push_back(static_cast<int32_t>(int64_t{n.id} - n.parent));
    prev.push_back(n.prev == 0 ? 0 : static_cast<int32_t>(int64_t{n.id} - n.prev));
    type.push_back(static_cast<uint8_t>(n.type));
    ns.push_back(0);
    name.push_back(n.name);
    value.push_back(n.value);
    attr_count.push_back(static_cast<uint32_t>(n.attrs.size()));
    attrs.insert(attrs.end(), n.attrs.begin(), n.attrs.end());
  }
  return w::CreateNodeColumns(fbb, fbb.CreateVector(id), fbb.CreateVector(parent), fbb.CreateVector(prev),
                              fbb.CreateVector(type), fbb.CreateVector(ns), fbb.CreateVector(name),
                              fbb.CreateVector(value), fbb.CreateVector(attr_count),
                              fbb.CreateVectorOfStructs(attrs));
}

// Two valid nodes (a document and its <html>) with one column damaged as
// BatchSpec::bad_columns says.
Offset<w::FullSnapshot> BadColumnsSnapshot(FlatBufferBuilder& fbb, int which) {
  std::vector<int32_t> id{1, 1}, parent{1, 1}, prev{0, 0};
  std::vector<uint8_t> type{9, 1}, ns{0, 0};
  std::vector<uint32_t> name{0, 4}, value{0, 0}, attr_count{0, 0};
  std::vector<w::Attr> attrs;
  switch (which) {
    case 1: parent.pop_back(); break;
    case 2: attr_count = {0xFFFFFFFFu, 1}; break;
    case 3: name[1] = 999; break;
    case 4: type[0] = 12; break;
    case 6: id[1] = -2; break;
    case 8:  // ids 2^31 - 1 and 2^32 - 2; the parent 2 past the second
      id = {0x7FFFFFFF, 0x7FFFFFFF};
      parent = {0x7FFFFFFF, -2};
      break;
    default: break;
  }
  auto columns = w::CreateNodeColumns(
      fbb, fbb.CreateVector(id), fbb.CreateVector(parent), fbb.CreateVector(prev), fbb.CreateVector(type),
      which == 7 ? 0 : fbb.CreateVector(ns), fbb.CreateVector(name), fbb.CreateVector(value),
      fbb.CreateVector(attr_count), fbb.CreateVectorOfStructs(attrs));
  Offset<flatbuffers::Vector<Offset<w::Node>>> nodes = 0;
  if (which == 5) {
    std::vector<Offset<w::Node>> both{w::CreateNode(fbb, 1, 0, 0, w::NodeType::Document)};
    nodes = fbb.CreateVector(both);
  }
  return w::CreateFullSnapshot(fbb, nodes, 0, 0, false, columns);
}

// The standard batch: one event of each payload type, touching every string
// index field, so the decode test can pin the JSON of all of them.
//   t=0  PageMeta      t=5  FullSnapshot  t=10 Mutation  t=20 MouseMove
//   t=30 Click         t=40 Scroll        t=50 Input     t=60 Resize
//   t=70 Visibility    t=80 Focus         t=90 Navigation t=91 StyleSheet
//   t=92 StyleRule     t=93 AdoptedSheets t=94 Media      t=94 ImageSource
void AddStandardEvents(FlatBufferBuilder& fbb, bool node_columns, std::vector<Offset<w::Event>>* events) {
  auto add = [&](uint32_t t, w::Payload type, Offset<void> payload) {
    events->push_back(w::CreateEvent(fbb, t, type, payload));
  };
  add(0, w::Payload::PageMeta,
      w::CreatePageMeta(fbb, 1, 2, 3, 1280, 720, 1920, 1080, 200, w::DeviceClass::Desktop).Union());

  if (node_columns) {
    const std::vector<PlainNode> nodes{
        {1, 0, 0, w::NodeType::Document, 0, 0, {}},
        {2, 1, 0, w::NodeType::Element, 4, 0, {}},
        {3, 2, 0, w::NodeType::Element, 5, 0, {w::Attr(6, 7)}},
        {4, 3, 0, w::NodeType::Text, 0, 8, {}},
    };
    add(5, w::Payload::FullSnapshot, w::CreateFullSnapshot(fbb, 0, 0, 40, false, Columns(fbb, nodes)).Union());
  }
  std::vector<w::Attr> body_attrs{w::Attr(6, 7)};
  std::vector<Offset<w::Node>> nodes{
      w::CreateNode(fbb, 1, 0, 0, w::NodeType::Document),
      w::CreateNode(fbb, 2, 1, 0, w::NodeType::Element, w::Namespace::HTML, 4),
      w::CreateNode(fbb, 3, 2, 0, w::NodeType::Element, w::Namespace::HTML, 5, 0,
                    fbb.CreateVectorOfStructs(body_attrs)),
      w::CreateNode(fbb, 4, 3, 0, w::NodeType::Text, w::Namespace::HTML, 0, 8),
  };
  if (!node_columns) {
    add(5, w::Payload::FullSnapshot, w::CreateFullSnapshot(fbb, fbb.CreateVector(nodes), 0, 40).Union());
  }

  std::vector<uint32_t> removes{4};
  std::vector<Offset<w::Node>> adds{
      w::CreateNode(fbb, 5, 3, 0, w::NodeType::Text, w::Namespace::HTML, 0, 12)};
  std::vector<w::AttrChange> attr_changes{w::AttrChange(3, 11, 7, false),
                                          w::AttrChange(3, 6, 0, true)};
  std::vector<w::TextChange> text_changes{w::TextChange(5, 8)};
  const std::vector<PlainNode> added{{5, 3, 0, w::NodeType::Text, 0, 12, {}}};
  add(10, w::Payload::Mutation,
      w::CreateMutation(fbb, fbb.CreateVector(removes), node_columns ? 0 : fbb.CreateVector(adds),
                        fbb.CreateVectorOfStructs(attr_changes),
                        fbb.CreateVectorOfStructs(text_changes), node_columns ? Columns(fbb, added) : 0)
          .Union());

  std::vector<w::MovePoint> points{w::MovePoint(0, 10, 20), w::MovePoint(16, 11, -22)};
  add(20, w::Payload::MouseMove, w::CreateMouseMove(fbb, fbb.CreateVectorOfStructs(points)).Union());
  add(30, w::Payload::Click, w::CreateClick(fbb, 3, 100, 200, 5, 6, 0).Union());
  add(40, w::Payload::Scroll, w::CreateScroll(fbb, 1, 0, 300).Union());
  add(50, w::Payload::Input, w::CreateInput(fbb, 3, 9, true).Union());
  add(60, w::Payload::Resize, w::CreateResize(fbb, 800, 600).Union());
  add(70, w::Payload::Visibility, w::CreateVisibility(fbb, w::VisibilityState::Hidden).Union());
  add(80, w::Payload::Focus, w::CreateFocus(fbb, 3, false).Union());
  add(90, w::Payload::Navigation,
      w::CreateNavigation(fbb, w::NavigationKind::PushState, 10).Union());
  std::vector<uint32_t> rules{6, 7};
  add(91, w::Payload::StyleSheet, w::CreateStyleSheet(fbb, 40, 0, fbb.CreateVector(rules), true).Union());
  std::vector<uint32_t> path{1, 0};
  add(92, w::Payload::StyleRule,
      w::CreateStyleRule(fbb, 40, w::RuleOp::Insert, fbb.CreateVector(path), 7).Union());
  std::vector<uint32_t> sheets{40};
  add(93, w::Payload::AdoptedSheets, w::CreateAdoptedSheets(fbb, 1, fbb.CreateVector(sheets)).Union());
  add(94, w::Payload::Media,
      w::CreateMedia(fbb, 3, w::MediaAction::Seeked, 1500, 100, 50, false, true, true).Union());
  add(94, w::Payload::ImageSource, w::CreateImageSource(fbb, 3, 10).Union());
}

Bytes Zeros64MiB() { return Bytes(size_t{64} << 20, 0); }

Bytes Body(const BatchSpec& spec) { return BuildBody(spec); }

Bytes StringBytesBody(int which) {
  BatchSpec s;
  s.schema_version = 3;
  s.string_bytes = true;
  s.bad_string_bytes = which;
  return Body(s);
}

Bytes ColumnsBody(int which) {
  BatchSpec s;
  s.schema_version = 3;
  s.node_columns = true;
  s.bad_columns = which;
  return Body(s);
}

}  // namespace

const std::vector<std::string>& StandardStrings() {
  static const std::vector<std::string> strings{
      "",                            // 0
      "https://example.test/home",   // 1
      "https://ref.test/",           // 2
      "Home page",                   // 3
      "html",                        // 4
      "body",                        // 5
      "class",                       // 6
      "main",                        // 7
      "Hi \"you\"\n\t\\ <b>",        // 8
      "****",                        // 9
      "https://example.test/next",   // 10
      "data-x",                      // 11
      "changed",                     // 12
  };
  return strings;
}

Bytes BuildBatch(const BatchSpec& spec) {
  FlatBufferBuilder fbb;
  Offset<flatbuffers::Vector<Offset<flatbuffers::String>>> strings_vec = 0;
  Offset<flatbuffers::Vector<uint32_t>> lengths_vec = 0;
  Offset<flatbuffers::Vector<uint8_t>> data_vec = 0;
  const int bad = spec.bad_string_bytes;
  if (!spec.string_bytes || bad == 3) {
    std::vector<Offset<flatbuffers::String>> strings;
    for (const std::string& s : spec.strings) strings.push_back(fbb.CreateString(s));
    strings_vec = fbb.CreateVector(strings);
  }
  if (spec.string_bytes) {
    std::vector<uint32_t> lengths;
    std::string data;
    for (const std::string& s : spec.strings) {
      lengths.push_back(static_cast<uint32_t>(s.size()));
      data += s;
    }
    if (bad == 1) data += "xy";
    if (bad == 2) {
      lengths = {0, 0xFFFFFFFFu, 1};
      data.clear();
    }
    if (bad == 4) {
      lengths.insert(lengths.begin(), 1);
      data.insert(0, "x");
    }
    lengths_vec = fbb.CreateVector(lengths);
    data_vec = fbb.CreateVector(reinterpret_cast<const uint8_t*>(data.data()), data.size());
  }

  std::vector<Offset<w::Event>> events;
  if (spec.standard_events) AddStandardEvents(fbb, spec.node_columns, &events);
  if (spec.raw_event_type >= 0) {
    // The generated CreateEvent would do, but building by hand shows the
    // point: the verifier has no idea what type 200 is.
    const auto payload = w::CreateClick(fbb, 3, 1, 2).Union();
    w::EventBuilder eb(fbb);
    eb.add_t(95);
    eb.add_payload_type(static_cast<w::Payload>(spec.raw_event_type));
    eb.add_payload(payload);
    events.push_back(eb.Finish());
  }
  if (spec.input_value_index != 0) {
    events.push_back(w::CreateEvent(fbb, 96, w::Payload::Input,
                                    w::CreateInput(fbb, 3, spec.input_value_index).Union()));
  }
  if (spec.node_with_id_zero) {
    std::vector<Offset<w::Node>> nodes{w::CreateNode(fbb, 0, 0, 0, w::NodeType::Element)};
    events.push_back(w::CreateEvent(fbb, 97, w::Payload::FullSnapshot,
                                    w::CreateFullSnapshot(fbb, fbb.CreateVector(nodes)).Union()));
  }
  if (spec.bad_v2_event != 0) {
    Offset<void> payload;
    w::Payload type = w::Payload::StyleRule;
    switch (spec.bad_v2_event) {
      case 1:
        payload = w::CreateStyleRule(fbb, 40, w::RuleOp::Delete).Union();
        break;
      case 2:
        type = w::Payload::Media;
        payload = w::CreateMedia(fbb, 3, w::MediaAction::VolumeChange, 0, 100, 101).Union();
        break;
      case 3: {
        type = w::Payload::AdoptedSheets;
        std::vector<uint32_t> sheets{40, 0};
        payload = w::CreateAdoptedSheets(fbb, 1, fbb.CreateVector(sheets)).Union();
        break;
      }
      default: {
        type = w::Payload::StyleSheet;
        std::vector<uint32_t> rules{6, 999};
        payload = w::CreateStyleSheet(fbb, 40, 0, fbb.CreateVector(rules)).Union();
        break;
      }
    }
    events.push_back(w::CreateEvent(fbb, 98, type, payload));
  }
  if (spec.bad_columns != 0) {
    events.push_back(w::CreateEvent(fbb, 99, w::Payload::FullSnapshot,
                                    BadColumnsSnapshot(fbb, spec.bad_columns).Union()));
  }
  for (uint32_t i = 0; i < spec.extra_click_events; ++i) {
    events.push_back(w::CreateEvent(fbb, 98, w::Payload::Click, w::CreateClick(fbb, 3).Union()));
  }
  const auto events_vec = fbb.CreateVector(events);
  const auto site = fbb.CreateString(spec.site_key);
  const auto session = fbb.CreateString(spec.session_id);
  const auto page_view = fbb.CreateString(spec.page_view_id);

  // By hand rather than BatchBuilder, whose Finish() asserts the required
  // fields in debug builds: the missing-session_id case must be buildable.
  const auto start = fbb.StartTable();
  fbb.AddElement<uint64_t>(w::Batch::VT_BASE_TIME, spec.base_time, 0);
  fbb.AddOffset(w::Batch::VT_EVENTS, events_vec);
  fbb.AddOffset(w::Batch::VT_STRINGS, strings_vec);
  fbb.AddOffset(w::Batch::VT_STRING_LENGTHS, lengths_vec);
  fbb.AddOffset(w::Batch::VT_STRING_DATA, data_vec);
  fbb.AddElement<uint32_t>(w::Batch::VT_SEQ, spec.seq, 0);
  fbb.AddOffset(w::Batch::VT_PAGE_VIEW_ID, page_view);
  if (!spec.omit_session_id) fbb.AddOffset(w::Batch::VT_SESSION_ID, session);
  fbb.AddOffset(w::Batch::VT_SITE_KEY, site);
  fbb.AddElement<uint16_t>(w::Batch::VT_SCHEMA_VERSION, spec.schema_version, 0);
  const Offset<w::Batch> root(fbb.EndTable(start));
  fbb.Finish(root, spec.file_identifier.size() == 4 ? spec.file_identifier.c_str() : nullptr);
  return Bytes(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
}

Bytes Compress(const Bytes& raw, int level) {
  Bytes out(ZSTD_compressBound(raw.size()));
  const size_t n = ZSTD_compress(out.data(), out.size(), raw.data(), raw.size(), level);
  if (ZSTD_isError(n)) throw std::runtime_error(ZSTD_getErrorName(n));
  out.resize(n);
  return out;
}

Bytes CompressWithoutSize(const Bytes& raw, int level) {
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 0);
  Bytes out(ZSTD_compressBound(raw.size()));
  const size_t n = ZSTD_compress2(cctx, out.data(), out.size(), raw.data(), raw.size());
  ZSTD_freeCCtx(cctx);
  if (ZSTD_isError(n)) throw std::runtime_error(ZSTD_getErrorName(n));
  out.resize(n);
  return out;
}

Bytes BuildBody(const BatchSpec& spec) { return Compress(BuildBatch(spec)); }

Bytes WithDeclaredSize(Bytes frame, uint64_t size) {
  // Frame header (RFC 8878 3.1.1.1): magic(4) FHD(1) [window(1)] [dict id]
  // [content size]. FHD bits: 7-6 size field flag, 5 single segment, 1-0
  // dictionary id flag.
  const uint8_t fhd = frame.at(4);
  const unsigned size_flag = fhd >> 6;
  const bool single_segment = (fhd >> 5) & 1;
  static const size_t kDictIdBytes[] = {0, 1, 2, 4};
  const size_t offset = 5 + (single_segment ? 0 : 1) + kDictIdBytes[fhd & 3];
  const size_t width = size_flag == 2 ? 4 : size_flag == 3 ? 8 : 0;
  if (width == 0) throw std::runtime_error("frame has no 4- or 8-byte content size field");
  for (size_t i = 0; i < width; ++i) frame.at(offset + i) = static_cast<uint8_t>(size >> (8 * i));
  return frame;
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "collector-test-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

const std::vector<BadCase>& BadCases() {
  static const std::vector<BadCase> cases{
      {"GarbageBytes", 400, "not a zstd frame",
       [] {
         const char text[] = "GET / HTTP/1.1 this is certainly not a zstd frame";
         return Bytes(text, text + sizeof text - 1);
       }},
      {"EmptyBody", 400, "empty body", [] { return Bytes(); }},
      {"TruncatedFrame", 400, "zstd frame is truncated",
       [] {
         Bytes b = Body({});
         b.resize(b.size() / 2);
         return b;
       }},
      {"TrailingGarbage", 400, "trailing data after the zstd frame",
       [] {
         Bytes b = Body({});
         for (char c : std::string("junk")) b.push_back(static_cast<uint8_t>(c));
         return b;
       }},
      {"SecondFrameAppended", 400, "trailing data after the zstd frame",
       [] {
         Bytes b = Body({});
         const Bytes again = Body({});
         b.insert(b.end(), again.begin(), again.end());
         return b;
       }},
      {"SkippableFrame", 400, "not a zstd frame",
       [] { return Bytes{0x50, 0x2A, 0x4D, 0x18, 4, 0, 0, 0, 1, 2, 3, 4}; }},
      {"BodyOverCap", 413, "over the 1048576 byte limit",
       [] {
         Bytes b = Body({});
         b.resize((size_t{1} << 20) + 1, 0);
         return b;
       }},
      {"ZipBombDeclaringItsSize", 413, "declares 67108864 bytes",
       [] { return Compress(Zeros64MiB(), 1); }},
      {"ZipBombWithoutSize", 413, "decompresses to more than 8388608 bytes",
       [] { return CompressWithoutSize(Zeros64MiB(), 1); }},
      {"ZipBombLyingAboutSize", 413, "zstd frame holds more than the 1000 bytes it declares",
       [] { return WithDeclaredSize(Compress(Zeros64MiB(), 1), 1000); }},
      {"NotAFlatBuffer", 400, "lacks the SRB1 file identifier",
       [] {
         const char text[] = "{\"this\":\"is JSON, not a FlatBuffer\"}";
         return Compress(Bytes(text, text + sizeof text - 1));
       }},
      {"TooShortForAFlatBuffer", 400, "too short", [] { return Compress(Bytes{1, 2, 3}); }},
      {"CorruptFlatBuffer", 400, "fails FlatBuffers verification",
       [] {
         Bytes raw = BuildBatch({});
         raw[0] = 0xF0;  // root offset now points far past the end
         raw[1] = 0xFF;
         return Compress(raw);
       }},
      {"WrongFileIdentifier", 400, "lacks the SRB1 file identifier",
       [] {
         BatchSpec s;
         s.file_identifier = "SRB9";
         return Body(s);
       }},
      {"MissingSessionId", 400, "fails FlatBuffers verification",
       [] {
         BatchSpec s;
         s.omit_session_id = true;
         return Body(s);
       }},
      {"SchemaVersionZero", 400, "missing schema version",
       [] {
         BatchSpec s;
         s.schema_version = 0;
         return Body(s);
       }},
      {"SchemaVersion99", 422, "schema version 99 is newer than this collector's version 3",
       [] {
         BatchSpec s;
         s.schema_version = 99;
         return Body(s);
       }},
      {"UnknownEventType200", 422, "event 16 has unknown type 200",
       [] {
         BatchSpec s;
         s.raw_event_type = 200;
         return Body(s);
       }},
      {"EventTypeNone", 400, "event 16 has no payload type",
       [] {
         BatchSpec s;
         s.raw_event_type = 0;
         return Body(s);
       }},
      {"StringIndexOutOfRange", 400, "Input.value string index 999 is out of range (13 strings)",
       [] {
         BatchSpec s;
         s.input_value_index = 999;
         return Body(s);
       }},
      {"FirstStringNotEmpty", 400, "strings[0] must be the empty string",
       [] {
         BatchSpec s;
         s.strings[0] = "x";
         return Body(s);
       }},
      {"BadSessionIdCharacters", 400, "session_id must be 1 to 64 characters",
       [] {
         BatchSpec s;
         s.session_id = "sess 1/../x";
         return Body(s);
       }},
      {"BadSiteKeyCharacters", 400, "site_key must be 1 to 64 characters",
       [] {
         BatchSpec s;
         s.site_key = "site\"a";
         return Body(s);
       }},
      {"PageViewIdTooLong", 400, "page_view_id must be 1 to 64 characters",
       [] {
         BatchSpec s;
         s.page_view_id = std::string(65, 'p');
         return Body(s);
       }},
      {"EmptySessionId", 400, "session_id must be 1 to 64 characters",
       [] {
         BatchSpec s;
         s.session_id = "";
         return Body(s);
       }},
      {"NodeIdZero", 400, "Node.id refers to node id 0",
       [] {
         BatchSpec s;
         s.node_with_id_zero = true;
         return Body(s);
       }},
      {"StyleRuleWithoutPath", 400, "event 16: StyleRule.path must hold 1 to 32 indexes",
       [] {
         BatchSpec s;
         s.bad_v2_event = 1;
         return Body(s);
       }},
      {"MediaVolumeOver100", 400, "event 16: Media.volume_x100 is over 100",
       [] {
         BatchSpec s;
         s.bad_v2_event = 2;
         return Body(s);
       }},
      {"AdoptedSheetZero", 400, "event 16: AdoptedSheets.sheets refers to node id 0",
       [] {
         BatchSpec s;
         s.bad_v2_event = 3;
         return Body(s);
       }},
      {"StyleSheetRuleOutOfRange", 400, "event 16: StyleSheet.rules string index 999 is out of range (13 strings)",
       [] {
         BatchSpec s;
         s.bad_v2_event = 4;
         return Body(s);
       }},
      {"ColumnsLengthMismatch", 400, "event 16: NodeColumns.parent_delta has 1 entries for 2 nodes",
       [] { return ColumnsBody(1); }},
      {"ColumnsAttrCountOverflow", 400,
       "event 16: NodeColumns.attr_count adds up to 4294967296, but attrs has 0 entries",
       [] { return ColumnsBody(2); }},
      {"ColumnsStringIndexOutOfRange", 400, "event 16: Node.name string index 999 is out of range (13 strings)",
       [] { return ColumnsBody(3); }},
      {"ColumnsUnknownNodeType", 400, "event 16: node 1 has unknown type 12", [] { return ColumnsBody(4); }},
      {"ColumnsAndNodesBoth", 400, "event 16: FullSnapshot has both [Node] and NodeColumns",
       [] { return ColumnsBody(5); }},
      {"ColumnsIdBelowOne", 400, "event 16: NodeColumns entry 1: id_delta leads to id -1",
       [] { return ColumnsBody(6); }},
      {"ColumnsMissingColumn", 400, "event 16: NodeColumns.ns is missing for 2 nodes",
       [] { return ColumnsBody(7); }},
      {"ColumnsParentPastMaxId", 400, "event 16: NodeColumns entry 1: parent_delta leads to parent 4294967296",
       [] { return ColumnsBody(8); }},
      {"StringBytesNotCovered", 400, "string_lengths add up to 125 bytes, but string_data has 127",
       [] { return StringBytesBody(1); }},
      {"StringLengthsOverflow", 400, "string_lengths add up to 4294967296 bytes, but string_data has 0",
       [] { return StringBytesBody(2); }},
      {"StringTableInBothForms", 400, "batch has both strings and string_lengths/string_data",
       [] { return StringBytesBody(3); }},
      {"StringBytesFirstNotEmpty", 400, "strings[0] must be the empty string",
       [] { return StringBytesBody(4); }},
      {"TooManyEvents", 413, "100016 events, over the 100000 event limit",
       [] {
         BatchSpec s;
         s.extra_click_events = 100000;
         return Body(s);
       }},
  };
  return cases;
}

}  // namespace collector_test
