// json.h: a minimal streaming JSON writer for the collector's read side.
//
// Why not a library: the collector only ever writes JSON, always from data it
// has verified, and the one hard part, string escaping, has to follow our own
// rule anyway: text from the page may hold any bytes, so invalid UTF-8 becomes
// U+FFFD (one per maximal ill-formed subsequence, as browsers' TextDecoder
// does) instead of producing a document that JSON.parse rejects.
//
// The writer inserts commas itself; callers only say what comes next. It does
// not check nesting: a mismatched End*() is a bug in the caller, caught by the
// decode tests, not something input data can cause.
//
// Usage:
//   JsonWriter w;
//   w.BeginObject(); w.Key("ok"); w.Bool(true); w.EndObject();
//   std::string s = w.Take();   // {"ok":true}
#ifndef COLLECTOR_JSON_H_
#define COLLECTOR_JSON_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace collector {

class JsonWriter {
 public:
  void BeginObject();
  void EndObject();
  void BeginArray();
  void EndArray();
  void Key(std::string_view key);
  void String(std::string_view s);
  void Int(int64_t v);
  void Uint(uint64_t v);
  void Bool(bool v);

  const std::string& str() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void BeforeValue();

  std::string out_;
  // One entry per open container: true once it holds an element, so the next
  // one needs a comma.
  std::vector<bool> has_element_;
  bool after_key_ = false;
};

// Appends `s` as a quoted JSON string: escapes quote, backslash and control
// characters, writes U+2028/U+2029 as escapes (they end lines in older
// JavaScript), and replaces invalid UTF-8 with U+FFFD.
void AppendJsonString(std::string_view s, std::string* out);

}  // namespace collector

#endif  // COLLECTOR_JSON_H_
