#include "record_parser.h"

#include <string>
#include <vector>

#include "byte_reader.h"
#include "recorder/records.h"

namespace recorder {
namespace {

using flatbuffers::Offset;
namespace wire = rec::wire;

// Timestamps inside one batch are stored as uint32 ms after the base; a
// batch spanning more than this is not something the glue produces.
constexpr uint64_t kMaxBatchSpanMs = uint64_t{7} * 24 * 3600 * 1000;
// Epoch ms of the year 3000: any later time base is corrupt.
constexpr uint64_t kMaxEpochMs = uint64_t{32503680000000};

const char* TagName(uint8_t tag) {
  switch (static_cast<RecordTag>(tag)) {
    case RecordTag::kMeta: return "META";
    case RecordTag::kSnapshotBegin: return "SNAP_BEGIN";
    case RecordTag::kSnapshotEnd: return "SNAP_END";
    case RecordTag::kMutationBegin: return "MUT_BEGIN";
    case RecordTag::kMutationEnd: return "MUT_END";
    case RecordTag::kNode: return "NODE";
    case RecordTag::kRemove: return "REMOVE";
    case RecordTag::kAttr: return "ATTR";
    case RecordTag::kText: return "TEXT";
    case RecordTag::kMove: return "MOVE";
    case RecordTag::kClick: return "CLICK";
    case RecordTag::kScroll: return "SCROLL";
    case RecordTag::kInput: return "INPUT";
    case RecordTag::kResize: return "RESIZE";
    case RecordTag::kVisibility: return "VISIBILITY";
    case RecordTag::kFocus: return "FOCUS";
    case RecordTag::kNavigation: return "NAV";
    case RecordTag::kSheet: return "SHEET";
    case RecordTag::kRule: return "RULE";
    case RecordTag::kAdopt: return "ADOPT";
    case RecordTag::kMedia: return "MEDIA";
    case RecordTag::kImageSource: return "IMGSRC";
  }
  return "unknown";
}

enum class Group { kNone, kSnapshot, kMutation };

class Parser {
 public:
  Parser(const uint8_t* data, size_t size, MaskingGate& gate, BatchBuilder& b)
      : in_(data, size), gate_(gate), b_(b) {}

  Status Run(ParsedHeader* header);

 private:
  // Reads that fail turn into one Status naming the record being read.
  Status Truncated(const char* what) const {
    return Status::Malformed(std::string("record ") + std::to_string(record_index_) + " (" +
                             TagName(tag_) + ") at byte " + std::to_string(record_offset_) +
                             ": bad or truncated " + what);
  }
  Status Invalid(const std::string& why) const {
    return Status::Malformed(std::string("record ") + std::to_string(record_index_) + " (" +
                             TagName(tag_) + ") at byte " + std::to_string(record_offset_) + ": " + why);
  }

  Status U32(uint32_t* v, const char* what) { return in_.ReadU32(v) ? Status::Ok() : Truncated(what); }
  Status I32(int32_t* v, const char* what) { return in_.ReadI32(v) ? Status::Ok() : Truncated(what); }
  // `flags`: the record's value flags (kNodeFlag*).
  Status Str(uint32_t* index, FieldKind kind, const char* what, std::string_view attr = {},
             uint32_t flags = 0) {
    RawString raw;
    if (!in_.ReadString(&raw)) return Truncated(what);
    raw.unmasked = (flags & kNodeFlagUnmasked) != 0;
    *index = b_.Intern(gate_.Apply(raw, kind, attr));
    return Status::Ok();
  }
  Status ValueFlags(uint32_t* flags) {
    RECORDER_RETURN_IF_ERROR(U32(flags, "flags"));
    if ((*flags & ~kNodeKnownFlags) != 0) return Invalid("unknown flags " + std::to_string(*flags));
    return Status::Ok();
  }
  Status Time(uint32_t* t);
  Status Enum(uint32_t* v, uint32_t max, const char* what) {
    RECORDER_RETURN_IF_ERROR(U32(v, what));
    if (*v > max) return Invalid(std::string(what) + " " + std::to_string(*v) + " is out of range");
    return Status::Ok();
  }
  Status NonZeroId(uint32_t* v, const char* what) {
    RECORDER_RETURN_IF_ERROR(U32(v, what));
    if (*v == 0) return Invalid(std::string(what) + " must not be 0");
    return Status::Ok();
  }

  Status Record();
  Status Meta();
  Status Node();
  Status Attr();
  Status Move();
  Status Click();
  Status Sheet();
  Status Rule();
  Status Adopt();
  Status Media();
  Status EndGroup(Group expected);

  ByteReader in_;
  MaskingGate& gate_;
  BatchBuilder& b_;
  uint64_t time_base_ = 0;   // from the buffer header
  uint64_t clock_ = 0;       // absolute ms of the last timed record
  uint64_t batch_base_ = 0;  // absolute ms of the first timed record
  bool have_time_ = false;
  Group group_ = Group::kNone;
  uint32_t group_t_ = 0;
  int32_t scroll_x_ = 0, scroll_y_ = 0;
  bool checkpoint_ = false;
  size_t record_index_ = 0;
  size_t record_offset_ = 0;
  uint8_t tag_ = 0;
  std::vector<wire::Attr> attrs_;
  std::vector<wire::MovePoint> points_;
  std::vector<uint32_t> ids_;  // rule strings, index paths, sheet ids
};

Status Parser::Time(uint32_t* t) {
  uint64_t dt = 0;
  if (!in_.ReadVarint(&dt)) return Truncated("time");
  if (dt > kMaxBatchSpanMs) return Invalid("time step of more than 7 days");
  if (!have_time_) {
    clock_ = time_base_ + dt;
    batch_base_ = clock_;
    have_time_ = true;
  } else {
    clock_ += dt;
  }
  if (clock_ - batch_base_ > kMaxBatchSpanMs) return Invalid("time is more than 7 days after the batch start");
  *t = static_cast<uint32_t>(clock_ - batch_base_);
  return Status::Ok();
}

Status Parser::Run(ParsedHeader* header) {
  uint8_t version;
  if (!in_.ReadByte(&version)) return Status::Malformed("records buffer is empty");
  if (version != kRecordsFormatVersion) {
    return Status::Unsupported("records format version " + std::to_string(version) +
                               " (this core reads " + std::to_string(kRecordsFormatVersion) + ")");
  }
  uint32_t seq = 0;
  if (!in_.ReadU32(&seq)) return Status::Malformed("records header: bad sequence number");
  if (!in_.ReadVarint(&time_base_) || time_base_ > kMaxEpochMs) {
    return Status::Malformed("records header: bad time base");
  }
  uint32_t flags = 0;
  if (!in_.ReadU32(&flags)) return Status::Malformed("records header: bad flags");
  if ((flags & ~kRecordsKnownFlags) != 0) {
    return Status::Unsupported("records header: unknown flags " + std::to_string(flags & ~kRecordsKnownFlags));
  }
  while (!in_.AtEnd()) {
    record_offset_ = in_.offset();
    RECORDER_RETURN_IF_ERROR(Record());
    ++record_index_;
  }
  if (group_ != Group::kNone) {
    return Status::Malformed(group_ == Group::kSnapshot ? "records end inside a snapshot (no SNAP_END)"
                                                         : "records end inside a mutation (no MUT_END)");
  }
  header->seq = seq;
  header->flags = flags;
  header->base_time = have_time_ ? batch_base_ : time_base_;
  return Status::Ok();
}

Status Parser::Record() {
  if (!in_.ReadByte(&tag_)) return Truncated("tag");
  auto tag = static_cast<RecordTag>(tag_);
  bool structural = tag == RecordTag::kNode || tag == RecordTag::kRemove || tag == RecordTag::kAttr ||
                    tag == RecordTag::kText || tag == RecordTag::kSnapshotEnd || tag == RecordTag::kMutationEnd;
  if (structural && group_ == Group::kNone) return Invalid("structural record outside a snapshot or mutation");
  if (!structural && group_ != Group::kNone) return Invalid("timed record inside an open snapshot or mutation");

  auto& fbb = b_.fbb();
  uint32_t t = 0;
  switch (tag) {
    case RecordTag::kMeta:
      return Meta();
    case RecordTag::kSnapshotBegin:
      RECORDER_RETURN_IF_ERROR(Time(&group_t_));
      RECORDER_RETURN_IF_ERROR(I32(&scroll_x_, "scroll x"));
      RECORDER_RETURN_IF_ERROR(I32(&scroll_y_, "scroll y"));
      {
        uint32_t flags = 0;
        RECORDER_RETURN_IF_ERROR(Enum(&flags, kSnapshotFlagCheckpoint, "snapshot flags"));
        checkpoint_ = (flags & kSnapshotFlagCheckpoint) != 0;
      }
      group_ = Group::kSnapshot;
      b_.ClearGroup();
      return Status::Ok();
    case RecordTag::kMutationBegin:
      RECORDER_RETURN_IF_ERROR(Time(&group_t_));
      group_ = Group::kMutation;
      b_.ClearGroup();
      return Status::Ok();
    case RecordTag::kSnapshotEnd:
      return EndGroup(Group::kSnapshot);
    case RecordTag::kMutationEnd:
      return EndGroup(Group::kMutation);
    case RecordTag::kNode:
      return Node();
    case RecordTag::kRemove: {
      if (group_ != Group::kMutation) return Invalid("REMOVE inside a snapshot");
      uint32_t id = 0;
      RECORDER_RETURN_IF_ERROR(NonZeroId(&id, "node id"));
      b_.removes().push_back(id);
      return Status::Ok();
    }
    case RecordTag::kAttr:
      return Attr();
    case RecordTag::kText: {
      if (group_ != Group::kMutation) return Invalid("TEXT inside a snapshot");
      uint32_t id = 0, flags = 0, value = 0;
      RECORDER_RETURN_IF_ERROR(NonZeroId(&id, "node id"));
      RECORDER_RETURN_IF_ERROR(ValueFlags(&flags));
      FieldKind kind = (flags & kNodeFlagStyleText) ? FieldKind::kCssText : FieldKind::kText;
      RECORDER_RETURN_IF_ERROR(Str(&value, kind, "text", {}, flags));
      b_.text_changes().emplace_back(id, value);
      return Status::Ok();
    }
    case RecordTag::kMove:
      return Move();
    case RecordTag::kClick:
      return Click();
    case RecordTag::kScroll: {
      uint32_t target = 0;
      int32_t x = 0, y = 0;
      RECORDER_RETURN_IF_ERROR(Time(&t));
      RECORDER_RETURN_IF_ERROR(NonZeroId(&target, "target"));
      RECORDER_RETURN_IF_ERROR(I32(&x, "x"));
      RECORDER_RETURN_IF_ERROR(I32(&y, "y"));
      b_.AddEvent(t, wire::Payload::Scroll, wire::CreateScroll(fbb, target, x, y).Union());
      return Status::Ok();
    }
    case RecordTag::kInput: {
      uint32_t target = 0, flags = 0, value = 0, checked = 0;
      RECORDER_RETURN_IF_ERROR(Time(&t));
      RECORDER_RETURN_IF_ERROR(NonZeroId(&target, "target"));
      RECORDER_RETURN_IF_ERROR(ValueFlags(&flags));
      RECORDER_RETURN_IF_ERROR(Str(&value, FieldKind::kInputValue, "value", {}, flags));
      RECORDER_RETURN_IF_ERROR(Enum(&checked, 1, "checked"));
      b_.AddEvent(t, wire::Payload::Input, wire::CreateInput(fbb, target, value, checked != 0).Union());
      return Status::Ok();
    }
    case RecordTag::kResize: {
      uint32_t w = 0, h = 0;
      RECORDER_RETURN_IF_ERROR(Time(&t));
      RECORDER_RETURN_IF_ERROR(Enum(&w, 0xFFFF, "width"));
      RECORDER_RETURN_IF_ERROR(Enum(&h, 0xFFFF, "height"));
      b_.AddEvent(t, wire::Payload::Resize,
                  wire::CreateResize(fbb, static_cast<uint16_t>(w), static_cast<uint16_t>(h)).Union());
      return Status::Ok();
    }
    case RecordTag::kVisibility: {
      uint32_t state = 0;
      RECORDER_RETURN_IF_ERROR(Time(&t));
      RECORDER_RETURN_IF_ERROR(Enum(&state, static_cast<uint32_t>(wire::VisibilityState::MAX), "state"));
      if (state == 0) return Invalid("visibility state 0");
      b_.AddEvent(t, wire::Payload::Visibility,
                  wire::CreateVisibility(fbb, static_cast<wire::VisibilityState>(state)).Union());
      return Status::Ok();
    }
    case RecordTag::kFocus: {
      uint32_t target = 0, focused = 0;
      RECORDER_RETURN_IF_ERROR(Time(&t));
      RECORDER_RETURN_IF_ERROR(NonZeroId(&target, "target"));
      RECORDER_RETURN_IF_ERROR(Enum(&focused, 1, "focused"));
      b_.AddEvent(t, wire::Payload::Focus, wire::CreateFocus(fbb, target, focused != 0).Union());
      return Status::Ok();
    }
    case RecordTag::kNavigation: {
      uint32_t kind = 0, url = 0;
      RECORDER_RETURN_IF_ERROR(Time(&t));
      RECORDER_RETURN_IF_ERROR(Enum(&kind, static_cast<uint32_t>(wire::NavigationKind::MAX), "kind"));
      RECORDER_RETURN_IF_ERROR(Str(&url, FieldKind::kUrl, "url"));
      b_.AddEvent(t, wire::Payload::Navigation,
                  wire::CreateNavigation(fbb, static_cast<wire::NavigationKind>(kind), url).Union());
      return Status::Ok();
    }
    case RecordTag::kSheet:
      return Sheet();
    case RecordTag::kRule:
      return Rule();
    case RecordTag::kAdopt:
      return Adopt();
    case RecordTag::kMedia:
      return Media();
    case RecordTag::kImageSource: {
      uint32_t target = 0, url = 0;
      RECORDER_RETURN_IF_ERROR(Time(&t));
      RECORDER_RETURN_IF_ERROR(NonZeroId(&target, "target"));
      RECORDER_RETURN_IF_ERROR(Str(&url, FieldKind::kUrl, "url"));
      b_.AddEvent(t, wire::Payload::ImageSource, wire::CreateImageSource(fbb, target, url).Union());
      return Status::Ok();
    }
  }
  return Invalid("unknown record tag " + std::to_string(tag_));
}

Status Parser::Meta() {
  uint32_t t = 0, url = 0, referrer = 0, title = 0, vw = 0, vh = 0, sw = 0, sh = 0, dpr = 0, device = 0,
           previous = 0;
  RECORDER_RETURN_IF_ERROR(Time(&t));
  RECORDER_RETURN_IF_ERROR(Str(&url, FieldKind::kUrl, "url"));
  RECORDER_RETURN_IF_ERROR(Str(&referrer, FieldKind::kUrl, "referrer"));
  RECORDER_RETURN_IF_ERROR(Str(&title, FieldKind::kTitle, "title"));
  RECORDER_RETURN_IF_ERROR(Enum(&vw, 0xFFFF, "viewport width"));
  RECORDER_RETURN_IF_ERROR(Enum(&vh, 0xFFFF, "viewport height"));
  RECORDER_RETURN_IF_ERROR(Enum(&sw, 0xFFFF, "screen width"));
  RECORDER_RETURN_IF_ERROR(Enum(&sh, 0xFFFF, "screen height"));
  RECORDER_RETURN_IF_ERROR(Enum(&dpr, 0xFFFF, "device pixel ratio"));
  RECORDER_RETURN_IF_ERROR(Enum(&device, static_cast<uint32_t>(wire::DeviceClass::MAX), "device class"));
  {
    // An id the glue made, never page content: refused unless it looks like one.
    RawString raw;
    if (!in_.ReadString(&raw)) return Truncated("previous page view");
    bool ok = !raw.masked_by_glue && raw.text.size() <= 64;
    for (char c : raw.text) {
      ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                  c == '_');
    }
    if (!ok) return Invalid("previous page view is not an id");
    previous = b_.Intern(gate_.Apply(raw, FieldKind::kIdentifier));
  }
  auto meta = wire::CreatePageMeta(b_.fbb(), url, referrer, title, static_cast<uint16_t>(vw),
                                   static_cast<uint16_t>(vh), static_cast<uint16_t>(sw),
                                   static_cast<uint16_t>(sh), static_cast<uint16_t>(dpr),
                                   static_cast<wire::DeviceClass>(device), previous);
  b_.AddEvent(t, wire::Payload::PageMeta, meta.Union());
  return Status::Ok();
}

Status Parser::Node() {
  uint32_t id = 0, parent = 0, prev = 0, type = 0, ns = 0, flags = 0, name = 0, value = 0, attr_count = 0;
  RECORDER_RETURN_IF_ERROR(NonZeroId(&id, "node id"));
  RECORDER_RETURN_IF_ERROR(U32(&parent, "parent id"));
  RECORDER_RETURN_IF_ERROR(U32(&prev, "previous sibling id"));
  RECORDER_RETURN_IF_ERROR(Enum(&type, 11, "node type"));
  RECORDER_RETURN_IF_ERROR(Enum(&ns, static_cast<uint32_t>(wire::Namespace::MAX), "namespace"));
  RECORDER_RETURN_IF_ERROR(ValueFlags(&flags));
  RECORDER_RETURN_IF_ERROR(Str(&name, FieldKind::kTagName, "name"));
  FieldKind value_kind = FieldKind::kText;
  if (type == static_cast<uint32_t>(wire::NodeType::Comment)) value_kind = FieldKind::kComment;
  if (flags & kNodeFlagStyleText) value_kind = FieldKind::kCssText;
  RECORDER_RETURN_IF_ERROR(Str(&value, value_kind, "value", {}, flags));
  RECORDER_RETURN_IF_ERROR(U32(&attr_count, "attribute count"));
  attrs_.clear();
  for (uint32_t i = 0; i < attr_count; ++i) {
    RawString raw_name;
    if (!in_.ReadString(&raw_name)) return Truncated("attribute name");
    GatedString attr_name = gate_.Apply(raw_name, FieldKind::kAttrName);
    uint32_t value_index = 0;
    RECORDER_RETURN_IF_ERROR(
        Str(&value_index, FieldKind::kAttrValue, "attribute value", attr_name.view(), flags));
    attrs_.emplace_back(b_.Intern(attr_name), value_index);
  }
  auto& nodes = b_.nodes();
  nodes.Add(id, parent, prev, static_cast<uint8_t>(type), static_cast<uint8_t>(ns), name, value);
  for (const wire::Attr& a : attrs_) nodes.AddAttr(a.name(), a.value());
  return Status::Ok();
}

Status Parser::Attr() {
  if (group_ != Group::kMutation) return Invalid("ATTR inside a snapshot");
  uint32_t id = 0, flags = 0, removed = 0, value = 0;
  RECORDER_RETURN_IF_ERROR(NonZeroId(&id, "node id"));
  RECORDER_RETURN_IF_ERROR(ValueFlags(&flags));
  RawString raw_name;
  if (!in_.ReadString(&raw_name)) return Truncated("attribute name");
  GatedString name = gate_.Apply(raw_name, FieldKind::kAttrName);
  RECORDER_RETURN_IF_ERROR(Enum(&removed, 1, "removed flag"));
  if (!removed) {
    RECORDER_RETURN_IF_ERROR(Str(&value, FieldKind::kAttrValue, "attribute value", name.view(), flags));
  }
  b_.attr_changes().emplace_back(id, b_.Intern(name), value, removed != 0);
  return Status::Ok();
}

Status Parser::Move() {
  uint32_t t = 0, count = 0;
  RECORDER_RETURN_IF_ERROR(Time(&t));
  RECORDER_RETURN_IF_ERROR(U32(&count, "point count"));
  // Points are read one by one (no reserve), so a count that lies about the
  // size fails on truncation instead of allocating.
  if (count == 0) return Invalid("MOVE with no points");
  points_.clear();
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t dt = 0;
    int32_t x = 0, y = 0;
    RECORDER_RETURN_IF_ERROR(U32(&dt, "point time"));
    RECORDER_RETURN_IF_ERROR(I32(&x, "point x"));
    RECORDER_RETURN_IF_ERROR(I32(&y, "point y"));
    points_.emplace_back(dt, x, y);
  }
  auto& fbb = b_.fbb();
  auto points = fbb.CreateVectorOfStructs(points_);
  b_.AddEvent(t, wire::Payload::MouseMove, wire::CreateMouseMove(fbb, points).Union());
  return Status::Ok();
}

Status Parser::Click() {
  uint32_t t = 0, target = 0, button = 0;
  int32_t x = 0, y = 0, ex = 0, ey = 0;
  RECORDER_RETURN_IF_ERROR(Time(&t));
  RECORDER_RETURN_IF_ERROR(NonZeroId(&target, "target"));
  RECORDER_RETURN_IF_ERROR(I32(&x, "x"));
  RECORDER_RETURN_IF_ERROR(I32(&y, "y"));
  RECORDER_RETURN_IF_ERROR(I32(&ex, "element x"));
  RECORDER_RETURN_IF_ERROR(I32(&ey, "element y"));
  RECORDER_RETURN_IF_ERROR(Enum(&button, 0xFF, "button"));
  b_.AddEvent(t, wire::Payload::Click,
              wire::CreateClick(b_.fbb(), target, x, y, ex, ey, static_cast<uint8_t>(button)).Union());
  return Status::Ok();
}

Status Parser::Sheet() {
  uint32_t t = 0, sheet = 0, owner = 0, flags = 0, count = 0;
  RECORDER_RETURN_IF_ERROR(Time(&t));
  RECORDER_RETURN_IF_ERROR(NonZeroId(&sheet, "sheet id"));
  RECORDER_RETURN_IF_ERROR(U32(&owner, "owner id"));
  RECORDER_RETURN_IF_ERROR(Enum(&flags, kSheetFlagDisabled, "sheet flags"));
  RECORDER_RETURN_IF_ERROR(U32(&count, "rule count"));
  // Read one by one (no reserve): a lying count fails on truncation.
  ids_.clear();
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t rule = 0;
    RECORDER_RETURN_IF_ERROR(Str(&rule, FieldKind::kCssText, "rule"));
    ids_.push_back(rule);
  }
  auto& fbb = b_.fbb();
  auto rules = fbb.CreateVector(ids_);
  b_.AddEvent(t, wire::Payload::StyleSheet,
              wire::CreateStyleSheet(fbb, sheet, owner, rules, (flags & kSheetFlagDisabled) != 0).Union());
  return Status::Ok();
}

Status Parser::Rule() {
  uint32_t t = 0, sheet = 0, op = 0, depth = 0, rule = 0;
  RECORDER_RETURN_IF_ERROR(Time(&t));
  RECORDER_RETURN_IF_ERROR(NonZeroId(&sheet, "sheet id"));
  RECORDER_RETURN_IF_ERROR(Enum(&op, static_cast<uint32_t>(wire::RuleOp::MAX), "rule op"));
  RECORDER_RETURN_IF_ERROR(U32(&depth, "path depth"));
  if (depth == 0 || depth > kMaxRulePathDepth) {
    return Invalid("rule path depth " + std::to_string(depth) + " is not 1 to " +
                   std::to_string(kMaxRulePathDepth));
  }
  ids_.clear();
  for (uint32_t i = 0; i < depth; ++i) {
    uint32_t index = 0;
    RECORDER_RETURN_IF_ERROR(U32(&index, "rule index"));
    ids_.push_back(index);
  }
  if (op == static_cast<uint32_t>(wire::RuleOp::Insert)) {
    RECORDER_RETURN_IF_ERROR(Str(&rule, FieldKind::kCssText, "rule"));
  }
  auto& fbb = b_.fbb();
  auto path = fbb.CreateVector(ids_);
  b_.AddEvent(t, wire::Payload::StyleRule,
              wire::CreateStyleRule(fbb, sheet, static_cast<wire::RuleOp>(op), path, rule).Union());
  return Status::Ok();
}

Status Parser::Adopt() {
  uint32_t t = 0, target = 0, count = 0;
  RECORDER_RETURN_IF_ERROR(Time(&t));
  RECORDER_RETURN_IF_ERROR(NonZeroId(&target, "target"));
  RECORDER_RETURN_IF_ERROR(U32(&count, "sheet count"));
  ids_.clear();
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t sheet = 0;
    RECORDER_RETURN_IF_ERROR(NonZeroId(&sheet, "sheet id"));
    ids_.push_back(sheet);
  }
  auto& fbb = b_.fbb();
  auto sheets = fbb.CreateVector(ids_);
  b_.AddEvent(t, wire::Payload::AdoptedSheets, wire::CreateAdoptedSheets(fbb, target, sheets).Union());
  return Status::Ok();
}

Status Parser::Media() {
  uint32_t t = 0, target = 0, action = 0, time_ms = 0, rate = 0, volume = 0, flags = 0;
  RECORDER_RETURN_IF_ERROR(Time(&t));
  RECORDER_RETURN_IF_ERROR(NonZeroId(&target, "target"));
  RECORDER_RETURN_IF_ERROR(Enum(&action, static_cast<uint32_t>(wire::MediaAction::MAX), "media action"));
  RECORDER_RETURN_IF_ERROR(U32(&time_ms, "media time"));
  RECORDER_RETURN_IF_ERROR(Enum(&rate, 0xFFFF, "playback rate"));
  RECORDER_RETURN_IF_ERROR(Enum(&volume, 100, "volume"));
  RECORDER_RETURN_IF_ERROR(Enum(&flags, kMediaFlagMuted | kMediaFlagPaused | kMediaFlagLoop, "media flags"));
  auto media = wire::CreateMedia(b_.fbb(), target, static_cast<wire::MediaAction>(action), time_ms,
                                 static_cast<uint16_t>(rate), static_cast<uint8_t>(volume),
                                 (flags & kMediaFlagMuted) != 0, (flags & kMediaFlagPaused) != 0,
                                 (flags & kMediaFlagLoop) != 0);
  b_.AddEvent(t, wire::Payload::Media, media.Union());
  return Status::Ok();
}

Status Parser::EndGroup(Group expected) {
  if (group_ != expected) return Invalid("end tag does not match the open group");
  auto& fbb = b_.fbb();
  if (expected == Group::kSnapshot) {
    auto columns = b_.nodes().Finish(fbb);
    b_.AddEvent(group_t_, wire::Payload::FullSnapshot,
                wire::CreateFullSnapshot(fbb, 0, scroll_x_, scroll_y_, checkpoint_, columns).Union());
  } else {
    bool empty = b_.removes().empty() && b_.nodes().empty() && b_.attr_changes().empty() &&
                 b_.text_changes().empty();
    // An all-empty mutation (e.g. everything coalesced away) costs nothing.
    if (!empty) {
      auto removes = b_.removes().empty() ? 0 : fbb.CreateVector(b_.removes());
      auto added = b_.nodes().empty() ? 0 : b_.nodes().Finish(fbb);
      auto attrs = b_.attr_changes().empty() ? 0 : fbb.CreateVectorOfStructs(b_.attr_changes());
      auto texts = b_.text_changes().empty() ? 0 : fbb.CreateVectorOfStructs(b_.text_changes());
      b_.AddEvent(group_t_, wire::Payload::Mutation,
                  wire::CreateMutation(fbb, removes, 0, attrs, texts, added).Union());
    }
  }
  b_.ClearGroup();
  group_ = Group::kNone;
  return Status::Ok();
}

}  // namespace

Status ParseRecords(const uint8_t* data, size_t size, MaskingGate& gate, BatchBuilder& builder,
                    ParsedHeader* header) {
  return Parser(data, size, gate, builder).Run(header);
}

}  // namespace recorder
