// record_writer.h: writes records.h bytes from tests, the way js/src/records.js
// does in the page. Kept minimal: one method per encoding plus record helpers.
#ifndef RECORDER_TESTS_RECORD_WRITER_H_
#define RECORDER_TESTS_RECORD_WRITER_H_

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "recorder/records.h"

namespace recorder::testing {

class RecordWriter {
 public:
  explicit RecordWriter(uint32_t seq = 0, uint64_t time_base = 1700000000000ULL, uint32_t flags = 0) {
    bytes_.push_back(kRecordsFormatVersion);
    U(seq);
    U(time_base);
    U(flags);
  }

  RecordWriter& Byte(uint8_t b) { bytes_.push_back(b); return *this; }
  RecordWriter& Tag(RecordTag t) { return Byte(static_cast<uint8_t>(t)); }
  RecordWriter& U(uint64_t v) {
    do {
      uint8_t b = v & 0x7F;
      v >>= 7;
      bytes_.push_back(v ? (b | 0x80) : b);
    } while (v);
    return *this;
  }
  RecordWriter& I(int32_t v) {
    return U((static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31));
  }
  RecordWriter& S(std::string_view s) {
    U(static_cast<uint64_t>(s.size()) << 1);
    bytes_.insert(bytes_.end(), s.begin(), s.end());
    return *this;
  }
  // A value the glue masked without reading.
  RecordWriter& Masked(uint32_t length_class) { return U((uint64_t{length_class} << 1) | 1); }

  RecordWriter& Meta(uint32_t dt, std::string_view url, std::string_view title) {
    Tag(RecordTag::kMeta).U(dt).S(url).S("").S(title);
    return U(1280).U(720).U(1920).U(1080).U(100).U(1).S("");
  }
  RecordWriter& Node(uint32_t id, uint32_t parent, uint32_t prev, uint32_t type, std::string_view name,
                     std::string_view value,
                     std::vector<std::pair<std::string_view, std::string_view>> attrs = {},
                     uint32_t flags = 0) {
    Tag(RecordTag::kNode).U(id).U(parent).U(prev).U(type).U(0).U(flags).S(name).S(value).U(attrs.size());
    for (auto& [n, v] : attrs) S(n).S(v);
    return *this;
  }
  RecordWriter& Click(uint32_t dt, uint32_t target, int32_t x, int32_t y) {
    return Tag(RecordTag::kClick).U(dt).U(target).I(x).I(y).I(3).I(4).U(0);
  }

  const std::vector<uint8_t>& bytes() const { return bytes_; }

 private:
  std::vector<uint8_t> bytes_;
};

}  // namespace recorder::testing

#endif  // RECORDER_TESTS_RECORD_WRITER_H_
