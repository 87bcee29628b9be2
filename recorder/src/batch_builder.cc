#include "batch_builder.h"

#include <algorithm>

namespace recorder {

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
  nodes_.clear();
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
  std::vector<flatbuffers::Offset<flatbuffers::String>> strings;
  strings.reserve(strings_.size());
  for (std::string_view s : strings_) strings.push_back(fbb_.CreateString(s.data(), s.size()));
  auto strings_vec = fbb_.CreateVector(strings);
  auto events_vec = fbb_.CreateVector(events_);
  auto site = fbb_.CreateString(header.site_key.view().data(), header.site_key.view().size());
  auto session = fbb_.CreateString(header.session_id.view().data(), header.session_id.view().size());
  auto page_view = fbb_.CreateString(header.page_view_id.view().data(), header.page_view_id.view().size());
  auto batch = rec::wire::CreateBatch(fbb_, static_cast<uint16_t>(rec::wire::SchemaVersion::Current),
                                      site, session, page_view, header.seq, header.base_time,
                                      strings_vec, events_vec);
  rec::wire::FinishBatchBuffer(fbb_, batch);
}

}  // namespace recorder
