// batch_fixtures.h: valid and deliberately broken batches for the collector
// tests, built with the generated FlatBuffers API and compressed with zstd
// the way the browser sends them (one frame per batch).
#ifndef COLLECTOR_TESTS_BATCH_FIXTURES_H_
#define COLLECTOR_TESTS_BATCH_FIXTURES_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace collector_test {

using Bytes = std::vector<uint8_t>;

// The string table of the standard batch; decode tests refer to it by index.
const std::vector<std::string>& StandardStrings();

struct BatchSpec {
  uint16_t schema_version = 2;
  std::string site_key = "site_a";
  std::string session_id = "sess_1";
  std::string page_view_id = "pv_1";
  uint32_t seq = 0;
  uint64_t base_time = 1700000000000;
  std::vector<std::string> strings = StandardStrings();
  // One event of every payload type (16 events; see batch_fixtures.cc).
  bool standard_events = true;
  // The standard events' nodes as NodeColumns, as schema version 3 writers
  // send them, instead of [Node] (versions 1 and 2). Same decoded JSON.
  bool node_columns = false;
  // The string table as string_lengths + string_data (version 3) instead of
  // strings. Same decoded JSON.
  bool string_bytes = false;
  // A string table in byte form that verifies but means nothing: 1 lengths
  // that cover 2 bytes less than string_data, 2 lengths that sum to 2^32 (0
  // in 32 bits) over no data, 3 both forms, 4 a first string that is not "".
  int bad_string_bytes = 0;
  // Appended after the standard events when set:
  int raw_event_type = -1;          // an event with this payload type byte, built by hand
  uint32_t input_value_index = 0;   // an Input event whose value is this string index
  bool node_with_id_zero = false;   // a FullSnapshot holding a node with id 0
  uint32_t extra_click_events = 0;  // this many more Click events
  // A schema-2 event that verifies but means nothing: 1 StyleRule without a
  // path, 2 Media at volume 101, 3 AdoptedSheets naming sheet 0,
  // 4 StyleSheet with a rule string index out of range.
  int bad_v2_event = 0;
  // A FullSnapshot whose NodeColumns verify but mean nothing: 1 a column
  // shorter than the others, 2 attribute counts that sum to 2^32 (0 in 32
  // bits) with no attributes, 3 a name string index out of range, 4 node
  // type 12, 5 both [Node] and NodeColumns, 6 an id delta below id 1,
  // 7 a missing column, 8 a parent past the largest id (2^32).
  int bad_columns = 0;
  // Structural damage:
  bool omit_session_id = false;
  std::string file_identifier = "SRB1";
};

// The uncompressed FlatBuffer.
Bytes BuildBatch(const BatchSpec& spec = {});
// One zstd frame with its content size in the header (ZSTD_compress).
Bytes Compress(const Bytes& raw, int level = 3);
// One zstd frame without a content size, as a streaming compressor makes.
Bytes CompressWithoutSize(const Bytes& raw, int level = 3);
// BuildBatch + Compress.
Bytes BuildBody(const BatchSpec& spec = {});

// Rewrites the content size in a frame header (the field must exist and be
// 4 or 8 bytes wide), to make a frame that lies about its size.
Bytes WithDeclaredSize(Bytes frame, uint64_t size);

// A fresh folder under the system temp folder, removed with its contents
// when the object goes away.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// A bad request body with the outcome the collector must give it. Shared by
// ingest_test (Status level) and server_test (HTTP level, nothing stored).
struct BadCase {
  const char* name;
  int http_status;
  const char* reason;  // a substring of the one-line reason
  Bytes (*make)();     // built on demand: some are 64 MiB before compression
};
const std::vector<BadCase>& BadCases();
// Lets GoogleTest print a case by name instead of as raw bytes.
inline void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

}  // namespace collector_test

#endif  // COLLECTOR_TESTS_BATCH_FIXTURES_H_
