// Tests server-stub/json.cc: structure and, above all, string escaping.
#include "json.h"

#include <gtest/gtest.h>

#include <string>

namespace collector {
namespace {

std::string Quote(const std::string& s) {
  std::string out;
  AppendJsonString(s, &out);
  return out;
}

TEST(JsonWriterTest, CommasAndNesting) {
  JsonWriter w;
  w.BeginObject();
  w.Key("a");
  w.Uint(1);
  w.Key("b");
  w.BeginArray();
  w.Int(-2);
  w.Bool(true);
  w.BeginArray();
  w.EndArray();
  w.BeginObject();
  w.EndObject();
  w.String("x");
  w.EndArray();
  w.Key("c");
  w.Bool(false);
  w.EndObject();
  EXPECT_EQ(w.Take(), R"({"a":1,"b":[-2,true,[],{},"x"],"c":false})");
}

TEST(JsonWriterTest, TopLevelArrayAndExtremeNumbers) {
  JsonWriter w;
  w.BeginArray();
  w.Uint(UINT64_MAX);
  w.Int(INT64_MIN);
  w.Uint(0);
  w.EndArray();
  EXPECT_EQ(w.str(), "[18446744073709551615,-9223372036854775808,0]");
}

TEST(JsonEscapeTest, QuoteBackslashAndShortEscapes) {
  EXPECT_EQ(Quote("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(Quote("\b\f\n\r\t"), R"("\b\f\n\r\t")");
  EXPECT_EQ(Quote("</script>"), R"("</script>")");  // '/' needs no escape
}

TEST(JsonEscapeTest, EveryOtherControlCharacterIsUnicodeEscaped) {
  EXPECT_EQ(Quote(std::string("\0", 1)), R"("\u0000")");
  EXPECT_EQ(Quote("\x01\x1f"), R"("\u0001\u001f")");
  EXPECT_EQ(Quote("\x0b"), R"("\u000b")");
  EXPECT_EQ(Quote("\x7f"), "\"\x7f\"");  // DEL is legal in JSON strings
}

TEST(JsonEscapeTest, ValidUtf8PassesThrough) {
  const std::string s = "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xEF\xBF\xBF";
  EXPECT_EQ(Quote(s), "\"" + s + "\"");
}

TEST(JsonEscapeTest, LineAndParagraphSeparatorsAreEscaped) {
  EXPECT_EQ(Quote("a\xE2\x80\xA8" "b\xE2\x80\xA9"), R"("a\u2028b\u2029")");
}

TEST(JsonEscapeTest, InvalidUtf8BecomesReplacementCharacter) {
  const std::string r = "\xEF\xBF\xBD";
  EXPECT_EQ(Quote("\xFF"), "\"" + r + "\"");
  EXPECT_EQ(Quote("a\x80z"), "\"a" + r + "z\"");                 // lone continuation
  EXPECT_EQ(Quote("\xC0\xAF"), "\"" + r + r + "\"");             // overlong '/'
  EXPECT_EQ(Quote("\xE0\x80\xAF"), "\"" + r + r + r + "\"");     // overlong, 3 bytes
  EXPECT_EQ(Quote("\xED\xA0\x80"), "\"" + r + r + r + "\"");     // UTF-16 surrogate
  EXPECT_EQ(Quote("\xF4\x90\x80\x80"), "\"" + r + r + r + r + "\"");  // past U+10FFFF
  EXPECT_EQ(Quote("\xF5"), "\"" + r + "\"");
}

TEST(JsonEscapeTest, TruncatedSequenceIsOneReplacement) {
  // A maximal subpart (a valid prefix cut short) is replaced as a whole, as
  // TextDecoder does, and the byte that broke it is read again.
  const std::string r = "\xEF\xBF\xBD";
  EXPECT_EQ(Quote("\xE2\x82"), "\"" + r + "\"");
  EXPECT_EQ(Quote("\xE2\x82z"), "\"" + r + "z\"");
  EXPECT_EQ(Quote("\xF0\x9F\x98"), "\"" + r + "\"");
  EXPECT_EQ(Quote("\xF0\x9F\x98\""), "\"" + r + "\\\"\"");
  EXPECT_EQ(Quote("\xC3\xC3\xA9"), "\"" + r + "\xC3\xA9\"");
}

TEST(JsonEscapeTest, KeysAreEscapedToo) {
  JsonWriter w;
  w.BeginObject();
  w.Key("a\"\n");
  w.Uint(1);
  w.EndObject();
  EXPECT_EQ(w.str(), R"({"a\"\n":1})");
}

}  // namespace
}  // namespace collector
