#include "batch_builder.h"

#include <algorithm>
#include <cstring>

namespace recorder {

void NodeColumnsBuilder::Clear() {
  last_id_ = 0;
  id_delta_.clear();
  parent_delta_.clear();
  prev_delta_.clear();
  type_.clear();
  ns_.clear();
  name_.clear();
  value_.clear();
  attr_count_.clear();
  attrs_.clear();
}

// Deltas are taken in uint32 and stored as their two's complement int32, so
// a reader adding them back in uint32 gets the ids exactly.
void NodeColumnsBuilder::Add(uint32_t id, uint32_t parent, uint32_t prev, uint8_t type, uint8_t ns,
                             uint32_t name, uint32_t value) {
  id_delta_.push_back(static_cast<int32_t>(id - last_id_));
  last_id_ = id;
  parent_delta_.push_back(static_cast<int32_t>(id - parent));
  prev_delta_.push_back(prev == 0 ? 0 : static_cast<int32_t>(id - prev));
  type_.push_back(type);
  ns_.push_back(ns);
  name_.push_back(name);
  value_.push_back(value);
  attr_count_.push_back(0);
}

void NodeColumnsBuilder::AddAttr(uint32_t name, uint32_t value) {
  attrs_.emplace_back(name, value);
  ++attr_count_.back();
}

flatbuffers::Offset<rec::wire::NodeColumns> NodeColumnsBuilder::Finish(
    flatbuffers::FlatBufferBuilder& fbb) const {
  auto id = fbb.CreateVector(id_delta_);
  auto parent = fbb.CreateVector(parent_delta_);
  auto prev = fbb.CreateVector(prev_delta_);
  auto type = fbb.CreateVector(type_);
  auto ns = fbb.CreateVector(ns_);
  auto name = fbb.CreateVector(name_);
  auto value = fbb.CreateVector(value_);
  auto attr_count = fbb.CreateVector(attr_count_);
  auto attrs = fbb.CreateVectorOfStructs(attrs_);
  return rec::wire::CreateNodeColumns(fbb, id, parent, prev, type, ns, name, value, attr_count, attrs);
}

BatchBuilder::BatchBuilder() : fbb_(16 * 1024) { Reset(); }

void BatchBuilder::Reset() {
  fbb_.Clear();
  index_.clear();
  strings_.clear();
  events_.clear();
  has_snapshot_ = false;
  ClearGroup();
  // Index 0 is the empty string, so 0 also means "absent" on the wire.
  strings_.push_back(std::string_view());
  index_.emplace(std::string_view(), 0);
}

void BatchBuilder::ClearGroup() {
  nodes_.Clear();
  removes_.clear();
  attr_changes_.clear();
  text_changes_.clear();
}

uint32_t BatchBuilder::Intern(const GatedString& s) {
  auto [it, inserted] = index_.emplace(s.view(), static_cast<uint32_t>(strings_.size()));
  if (inserted) strings_.push_back(s.view());
  return it->second;
}

uint32_t BatchBuilder::Intern(const MirroredString& s) {
  auto [it, inserted] = index_.emplace(s.view(), static_cast<uint32_t>(strings_.size()));
  if (inserted) strings_.push_back(s.view());
  return it->second;
}

MirroredString BatchBuilder::Mirror(uint32_t index) const {
  if (index >= strings_.size()) return MirroredString();
  return MirroredString(MirroredString::FromTable{}, strings_[index]);
}

void BatchBuilder::MoveLastToFront(size_t n) {
  n = std::min(n, events_.size());
  std::rotate(events_.begin(), events_.end() - static_cast<ptrdiff_t>(n), events_.end());
}

void BatchBuilder::AddEvent(uint32_t t, rec::wire::Payload type, flatbuffers::Offset<void> payload) {
  if (type == rec::wire::Payload::FullSnapshot) has_snapshot_ = true;
  events_.push_back(rec::wire::CreateEvent(fbb_, t, type, payload));
}

void BatchBuilder::Finish(const BatchHeader& header) {
  // The table as lengths and one byte run (recorder.fbs, version 3).
  std::vector<uint32_t> lengths;
  lengths.reserve(strings_.size());
  size_t total = 0;
  for (std::string_view s : strings_) {
    lengths.push_back(static_cast<uint32_t>(s.size()));
    total += s.size();
  }
  auto lengths_vec = fbb_.CreateVector(lengths);
  uint8_t* dst = nullptr;
  auto data_vec = fbb_.CreateUninitializedVector(total, &dst);
  for (std::string_view s : strings_) {
    if (!s.empty()) std::memcpy(dst, s.data(), s.size());
    dst += s.size();
  }
  auto events_vec = fbb_.CreateVector(events_);
  auto site = fbb_.CreateString(header.site_key.view().data(), header.site_key.view().size());
  auto session = fbb_.CreateString(header.session_id.view().data(), header.session_id.view().size());
  auto page_view = fbb_.CreateString(header.page_view_id.view().data(), header.page_view_id.view().size());
  auto batch = rec::wire::CreateBatch(fbb_, static_cast<uint16_t>(rec::wire::SchemaVersion::Current),
                                      site, session, page_view, header.seq, header.base_time,
                                      /*strings=*/0, events_vec, lengths_vec, data_vec);
  rec::wire::FinishBatchBuffer(fbb_, batch);
}

}  // namespace recorder
