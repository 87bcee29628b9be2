// mirrored_string.h: a gated string the core keeps beyond its flush.
//
// The node mirror (tree_mirror.h) copies strings out of finished batches so
// that a later checkpoint can put them on the wire again. The one-gate rule
// still holds: a MirroredString is made only from a GatedString, or by the
// BatchBuilder from its own string table (which holds nothing else), and the
// builder takes it back through its own Intern overload. No raw page string
// can become one.
#ifndef RECORDER_SRC_MIRRORED_STRING_H_
#define RECORDER_SRC_MIRRORED_STRING_H_

#include <string>
#include <string_view>

#include "masking_gate.h"

namespace recorder {

class MirroredString {
 public:
  MirroredString() = default;  // "": index 0 of every string table
  explicit MirroredString(const GatedString& s) : value_(s.view()) {}

  std::string_view view() const { return value_; }
  size_t size() const { return value_.size(); }
  bool operator==(const MirroredString& o) const { return value_ == o.value_; }

 private:
  friend class BatchBuilder;
  struct FromTable {};
  MirroredString(FromTable, std::string_view v) : value_(v) {}
  std::string value_;
};

}  // namespace recorder

#endif  // RECORDER_SRC_MIRRORED_STRING_H_
