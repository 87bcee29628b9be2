// wire_strings.h: a batch's string table, whichever wire form carries it.
//
// Schema version 3 writers send Batch.string_lengths + string_data; versions
// 1 and 2 sent Batch.strings ([string]). Readers (the collector's checks and
// JSON decoder, tests) look strings up through WireStrings only.
//
// Header-only, like node_view.h, for the collector.
#ifndef RECORDER_INCLUDE_RECORDER_WIRE_STRINGS_H_
#define RECORDER_INCLUDE_RECORDER_WIRE_STRINGS_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "recorder_generated.h"

namespace recorder {

class WireStrings {
 public:
  // The byte form wins when a batch carries both (the collector refuses
  // such a batch). Memory-safe on any verified FlatBuffer: a string that
  // would run past string_data reads as "".
  explicit WireStrings(const rec::wire::Batch& b) : table_(b.strings()) {
    const auto* lengths = b.string_lengths();
    if (lengths == nullptr && b.string_data() == nullptr) return;
    table_ = nullptr;
    columnar_ = true;
    data_ = b.string_data();
    const uint32_t count = lengths ? lengths->size() : 0;
    starts_.reserve(size_t{count} + 1);
    // Summed in 64 bits, stored saturated in 32 (a buffer is under 2 GiB, so
    // a saturated start is past string_data and reads as "").
    uint64_t at = 0;
    for (uint32_t i = 0; i < count; ++i) {
      starts_.push_back(Saturated(at));
      at += lengths->Get(i);
    }
    starts_.push_back(Saturated(at));
    total_ = at;
  }

  bool columnar() const { return columnar_; }
  uint32_t size() const {
    if (columnar_) return static_cast<uint32_t>(starts_.size() - 1);
    return table_ ? table_->size() : 0;
  }
  // The sum of string_lengths (64 bits: it cannot wrap); 0 for [string].
  uint64_t total_length() const { return total_; }
  uint32_t data_size() const { return data_ ? data_->size() : 0; }

  // String `i`; "" when out of range (or, unchecked, past string_data).
  std::string_view Get(uint32_t i) const {
    if (i >= size()) return {};
    if (!columnar_) return table_->Get(i)->string_view();
    const uint32_t begin = starts_[i], end = starts_[size_t{i} + 1];
    if (end > data_size()) return {};
    return std::string_view(reinterpret_cast<const char*>(data_->data()) + begin, end - begin);
  }

 private:
  const flatbuffers::Vector<flatbuffers::Offset<flatbuffers::String>>* table_ = nullptr;
  const flatbuffers::Vector<uint8_t>* data_ = nullptr;
  bool columnar_ = false;
  static uint32_t Saturated(uint64_t v) { return v > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(v); }

  std::vector<uint32_t> starts_;  // count + 1 entries
  uint64_t total_ = 0;
};

}  // namespace recorder

#endif  // RECORDER_INCLUDE_RECORDER_WIRE_STRINGS_H_
