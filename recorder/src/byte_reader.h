// byte_reader.h: a bounds-checked cursor over the glue's record bytes.
// Every read reports failure instead of running past the end, so malformed
// input from the page can only ever produce a Status, never a crash.
#ifndef RECORDER_SRC_BYTE_READER_H_
#define RECORDER_SRC_BYTE_READER_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace recorder {

// A string field as the glue wrote it (records.h, encoding `s`).
struct RawString {
  std::string_view text;      // empty when masked_by_glue
  bool masked_by_glue = false;
  uint32_t length_class = 0;  // kLength* when masked_by_glue
  bool unmasked = false;      // records.h kNodeFlagUnmasked
};

class ByteReader {
 public:
  ByteReader(const uint8_t* data, size_t size) : p_(data), begin_(data), end_(data + size) {}

  bool AtEnd() const { return p_ == end_; }
  size_t offset() const { return static_cast<size_t>(p_ - begin_); }

  bool ReadByte(uint8_t* out) {
    if (p_ == end_) return false;
    *out = *p_++;
    return true;
  }

  // Unsigned LEB128 of at most 64 bits.
  bool ReadVarint(uint64_t* out) {
    uint64_t result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ == end_) return false;
      uint8_t b = *p_++;
      result |= static_cast<uint64_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        *out = result;
        return true;
      }
    }
    return false;  // more than 10 bytes: not a varint we wrote
  }

  bool ReadU32(uint32_t* out) {
    uint64_t v;
    if (!ReadVarint(&v) || v > UINT32_MAX) return false;
    *out = static_cast<uint32_t>(v);
    return true;
  }

  // Zigzag-encoded signed 32-bit value.
  bool ReadI32(int32_t* out) {
    uint32_t z;
    if (!ReadU32(&z)) return false;
    *out = static_cast<int32_t>((z >> 1) ^ (~(z & 1) + 1));
    return true;
  }

  bool ReadString(RawString* out) {
    uint64_t h;
    if (!ReadVarint(&h)) return false;
    if (h & 1) {
      if ((h >> 1) > 0xFF) return false;
      *out = RawString{{}, true, static_cast<uint32_t>(h >> 1)};
      return true;
    }
    uint64_t len = h >> 1;
    if (len > static_cast<uint64_t>(end_ - p_)) return false;
    *out = RawString{std::string_view(reinterpret_cast<const char*>(p_), len), false, 0};
    p_ += len;
    return true;
  }

 private:
  const uint8_t* p_;
  const uint8_t* begin_;
  const uint8_t* end_;
};

}  // namespace recorder

#endif  // RECORDER_SRC_BYTE_READER_H_
