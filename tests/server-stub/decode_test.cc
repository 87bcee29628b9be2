// Tests server-stub/decode.cc: the JSON of every event type, pinned exactly,
// whole sessions, and escaping of page text.
#include "decode.h"

#include <gtest/gtest.h>

#include "batch_fixtures.h"
#include "ingest.h"
#include "store.h"

namespace collector {
namespace {

using collector_test::BatchSpec;
using collector_test::Bytes;

std::string EventsJson(const Bytes& raw) {
  JsonWriter j;
  j.BeginArray();
  const auto s = AppendBatchEvents(raw.data(), raw.size(), &j);
  EXPECT_TRUE(s.ok()) << s.ToString();
  j.EndArray();
  return j.Take();
}

StoredBatch Stored(const BatchSpec& spec) {
  StoredBatch b;
  b.site_key = spec.site_key;
  b.session_id = spec.session_id;
  b.page_view_id = spec.page_view_id;
  b.seq = spec.seq;
  b.base_time = spec.base_time;
  b.batch = collector_test::BuildBatch(spec);
  return b;
}

// The standard fixture batch (batch_fixtures.cc), one line per event. A
// change here is a change of the documented JSON format.
constexpr char kStandardEvents[] =
    R"([)"
    R"({"pageView":"pv_1","seq":0,"time":1700000000000,"type":"PageMeta","url":"https://example.test/home","referrer":"https://ref.test/","title":"Home page","viewportW":1280,"viewportH":720,"screenW":1920,"screenH":1080,"dprX100":200,"device":1,"previousPageView":""},)"
    R"({"pageView":"pv_1","seq":0,"time":1700000000005,"type":"FullSnapshot","nodes":[)"
    R"({"id":1,"parent":0,"prev":0,"type":9,"ns":0,"name":"","value":"","attrs":[]},)"
    R"({"id":2,"parent":1,"prev":0,"type":1,"ns":0,"name":"html","value":"","attrs":[]},)"
    R"({"id":3,"parent":2,"prev":0,"type":1,"ns":0,"name":"body","value":"","attrs":[["class","main"]]},)"
    R"({"id":4,"parent":3,"prev":0,"type":3,"ns":0,"name":"","value":"Hi \"you\"\n\t\\ <b>","attrs":[]}],"scrollX":0,"scrollY":40,"checkpoint":false},)"
    R"({"pageView":"pv_1","seq":0,"time":1700000000010,"type":"Mutation","removes":[4],)"
    R"("adds":[{"id":5,"parent":3,"prev":0,"type":3,"ns":0,"name":"","value":"changed","attrs":[]}],)"
    R"("attrs":[{"node":3,"name":"data-x","value":"main","removed":false},{"node":3,"name":"class","value":"","removed":true}],)"
    R"("texts":[{"node":5,"value":"Hi \"you\"\n\t\\ <b>"}]},)"
    R"({"pageView":"pv_1","seq":0,"time":1700000000020,"type":"MouseMove","points":[{"dt":0,"x":10,"y":20},{"dt":16,"x":11,"y":-22}]},)"
    R"({"pageView":"pv_1","seq":0,"time":1700000000030,"type":"Click","target":3,"x":100,"y":200,"ex":5,"ey":6,"button":0},)"
    R"({"pageView":"pv_1","seq":0,"time":1700000000040,"type":"Scroll","target":1,"x":0,"y":300},)"
    R"({"pageView":"pv_1","seq":0,"time":1700000000050,"type":"Input","target":3,"value":"****","checked":true},)"
    R"({"pageView":"pv_1","seq":0,"time":1700000000060,"type":"Resize","width":800,"height":600},)"
    R"({"pageView":"pv_1","seq":0,"time":1700000000070,"type":"Visibility","state":2},)"
    R"({"pageView":"pv_1","seq":0,"time":1700000000080,"type":"Focus","target":3,"focused":false},)"
    R"({"pageView":"pv_1","seq":0,"time":1700000000090,"type":"Navigation","kind":1,"url":"https://example.test/next"},)"
    R"({"pageView":"pv_1","seq":0,"time":1700000000091,"type":"StyleSheet","sheet":40,"owner":0,"disabled":true,"rules":["class","main"]},)"
    R"({"pageView":"pv_1","seq":0,"time":1700000000092,"type":"StyleRule","sheet":40,"op":0,"path":[1,0],"rule":"main"},)"
    R"({"pageView":"pv_1","seq":0,"time":1700000000093,"type":"AdoptedSheets","target":1,"sheets":[40]},)"
    R"({"pageView":"pv_1","seq":0,"time":1700000000094,"type":"Media","target":3,"action":3,"timeMs":1500,"rateX100":100,"volumeX100":50,"muted":false,"paused":true,"loop":true},)"
    R"({"pageView":"pv_1","seq":0,"time":1700000000094,"type":"ImageSource","target":3,"url":"https://example.test/next"})"
    R"(])";

TEST(DecodeTest, EveryEventTypeMatchesTheDocumentedJson) {
  EXPECT_EQ(EventsJson(collector_test::BuildBatch()), kStandardEvents);
}

// Schema version 3 sends nodes as columns and strings as lengths and bytes;
// the JSON must not tell, whichever of the two a batch uses.
TEST(DecodeTest, NodeColumnsAndStringBytesDecodeToTheSameJsonAsVersion2) {
  for (int form = 1; form <= 3; ++form) {
    BatchSpec spec;
    spec.schema_version = 3;
    spec.node_columns = (form & 1) != 0;
    spec.string_bytes = (form & 2) != 0;
    const collector_test::Bytes raw = collector_test::BuildBatch(spec);
    EXPECT_NE(raw, collector_test::BuildBatch());
    EXPECT_EQ(EventsJson(raw), kStandardEvents) << "form " << form;
  }
}

TEST(DecodeTest, PageViewSeqAndTimeComeFromTheBatch) {
  BatchSpec spec;
  spec.page_view_id = "pv_x";
  spec.seq = 42;
  spec.base_time = 5;
  const std::string json = EventsJson(collector_test::BuildBatch(spec));
  EXPECT_NE(json.find(R"({"pageView":"pv_x","seq":42,"time":5,"type":"PageMeta")"), std::string::npos);
  EXPECT_NE(json.find(R"("time":95,"type":"Navigation")"), std::string::npos);
}

TEST(DecodeTest, PageTextIsEscapedAndInvalidUtf8Replaced) {
  BatchSpec spec;
  spec.strings[9] = std::string("a\"b\\c\x01\n\xFFz\xE2\x80\xA8</script>", 21);
  const std::string json = EventsJson(collector_test::BuildBatch(spec));
  EXPECT_NE(json.find(R"("value":"a\"b\\c\u0001\n)" "\xEF\xBF\xBD" R"(z\u2028</script>","checked":true)"),
            std::string::npos)
      << json;
}

TEST(DecodeTest, RefusesBytesThatDoNotVerify) {
  Bytes raw = collector_test::BuildBatch();
  raw.resize(raw.size() - 9);
  JsonWriter j;
  j.BeginArray();
  EXPECT_EQ(AppendBatchEvents(raw.data(), raw.size(), &j).code(), recorder::StatusCode::kMalformed);
}

TEST(DecodeTest, SessionDocumentListsPageViewsInStorageOrder) {
  BatchSpec early = collector_test::BatchSpec();
  early.page_view_id = "pv_b";
  early.base_time = 1000;
  early.standard_events = false;
  early.raw_event_type = static_cast<int>(rec::wire::Payload::Click);
  BatchSpec early2 = early;
  early2.seq = 1;
  early2.base_time = 2000;
  BatchSpec late = early;
  late.page_view_id = "pv_a";
  late.base_time = 3000;
  std::string json;
  ASSERT_TRUE(DecodeSessionJson({Stored(early), Stored(early2), Stored(late)}, &json).ok());
  const std::string click = R"(,"type":"Click","target":3,"x":1,"y":2,"ex":0,"ey":0,"button":0})";
  EXPECT_EQ(json, std::string(R"({"session":"sess_1","site":"site_a","pageViews":["pv_b","pv_a"],)"
                              R"("batches":3,"events":[)") +
                      R"({"pageView":"pv_b","seq":0,"time":1095)" + click + "," +
                      R"({"pageView":"pv_b","seq":1,"time":2095)" + click + "," +
                      R"({"pageView":"pv_a","seq":0,"time":3095)" + click + "]}");
}

TEST(DecodeTest, EmptySessionIsAnError) {
  std::string json = "untouched";
  EXPECT_FALSE(DecodeSessionJson({}, &json).ok());
  EXPECT_EQ(json, "untouched");
}

TEST(DecodeTest, DamagedStoredBatchNamesItself) {
  StoredBatch b = Stored(BatchSpec());
  b.seq = 4;
  b.batch[0] ^= 0x40;
  std::string json;
  const auto s = DecodeSessionJson({b}, &json);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.message().rfind("stored batch pv_1/4: ", 0), 0u) << s.message();
}

TEST(DecodeTest, SessionListJson) {
  SessionSummary s;
  s.session_id = "s1";
  s.site_key = "k";
  s.page_views = 2;
  s.batches = 3;
  s.first_time = 10;
  s.last_time = 20;
  s.bytes = 30;
  s.raw_bytes = 40;
  EXPECT_EQ(SessionListJson({s}),
            R"([{"session":"s1","site":"k","pageViews":2,"batches":3,"firstTime":10,)"
            R"("lastTime":20,"bytes":30,"rawBytes":40}])");
  EXPECT_EQ(SessionListJson({}), "[]");
}

// Round trip through every layer: compressed body -> IngestBatch -> Store ->
// ListBatches -> DecodeSessionJson.
TEST(DecodeTest, RoundTripThroughIngestAndStore) {
  collector_test::TempDir dir;
  std::unique_ptr<Store> store;
  ASSERT_TRUE(Store::Open(dir.File("c.db"), {}, &store).ok());
  const Bytes body = collector_test::BuildBody();
  ValidBatch v;
  ASSERT_TRUE(IngestBatch(body.data(), body.size(), {}, &v).ok());
  bool duplicate = true;
  ASSERT_TRUE(store->Insert(v, 1, &duplicate).ok());
  std::vector<StoredBatch> rows;
  ASSERT_TRUE(store->ListBatches("sess_1", &rows).ok());
  std::string json;
  ASSERT_TRUE(DecodeSessionJson(rows, &json).ok());
  EXPECT_EQ(json, std::string(R"({"session":"sess_1","site":"site_a","pageViews":["pv_1"],)"
                              R"("batches":1,"events":)") +
                      kStandardEvents + "}");
}

}  // namespace
}  // namespace collector
