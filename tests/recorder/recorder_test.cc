// End-to-end tests of the core: records in, one verified, compressed batch out.
#include "recorder/recorder.h"

#include <gtest/gtest.h>
#include <zstd.h>

#include <string>
#include <vector>

#include "record_writer.h"
#include "recorder/node_view.h"
#include "recorder/wire_strings.h"
#include "recorder_generated.h"

namespace recorder {
namespace {

using testing::RecordWriter;
namespace wire = rec::wire;

Options TestOptions(PrivacyMode mode = PrivacyMode::kRelaxed) {
  Options o;
  o.site_key = "site-1";
  o.session_id = "sess_A";
  o.page_view_id = "pv-1";
  o.privacy_mode = mode;
  return o;
}

std::unique_ptr<Recorder> Make(const Options& o) {
  std::unique_ptr<Recorder> r;
  Status s = Recorder::Create(o, &r);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return r;
}

// Decompresses the first batch of a page view's stream: a new frame, flushed
// but never ended, so it declares no content size and decodes by streaming.
std::string Decompress(const std::vector<uint8_t>& frame) {
  EXPECT_EQ(ZSTD_getFrameContentSize(frame.data(), frame.size()), ZSTD_CONTENTSIZE_UNKNOWN);
  ZSTD_DCtx* d = ZSTD_createDCtx();
  std::string out;
  std::vector<char> chunk(ZSTD_DStreamOutSize());
  ZSTD_inBuffer in{frame.data(), frame.size(), 0};
  for (;;) {
    ZSTD_outBuffer o{chunk.data(), chunk.size(), 0};
    size_t rc = ZSTD_decompressStream(d, &o, &in);
    EXPECT_FALSE(ZSTD_isError(rc));
    out.append(chunk.data(), o.pos);
    if (ZSTD_isError(rc) || (in.pos == in.size && o.pos < o.size)) break;
  }
  ZSTD_freeDCtx(d);
  return out;
}

const wire::Batch* Verified(const std::string& bytes) {
  flatbuffers::Verifier v(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  EXPECT_TRUE(wire::VerifyBatchBuffer(v));
  return wire::GetBatch(bytes.data());
}

std::string Str(const wire::Batch* b, uint32_t i) { return std::string(WireStrings(*b).Get(i)); }

std::vector<WireNode> ReadNodes(NodeReader reader) {
  std::vector<WireNode> out;
  for (WireNode n; reader.Next(&n);) out.push_back(n);
  return out;
}

TEST(Recorder, RejectsBadOptions) {
  std::unique_ptr<Recorder> r;
  Options o = TestOptions();
  o.session_id = "has space";
  EXPECT_EQ(Recorder::Create(o, &r).code(), StatusCode::kInvalidArgument);
  o = TestOptions();
  o.site_key = "";
  EXPECT_EQ(Recorder::Create(o, &r).code(), StatusCode::kInvalidArgument);
  o = TestOptions();
  o.compression_level = 30;
  EXPECT_EQ(Recorder::Create(o, &r).code(), StatusCode::kInvalidArgument);
  o = TestOptions();
  o.privacy_mode = static_cast<PrivacyMode>(7);
  EXPECT_EQ(Recorder::Create(o, &r).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r, nullptr);
}

TEST(Recorder, ValidatesAllowedQueryParamNames) {
  std::unique_ptr<Recorder> r;
  for (const char* bad : {"", "has space", "a=b", "x&y", "caf\xC3\xA9"}) {
    Options o = TestOptions();
    o.allow_query_params = {"page", bad};
    EXPECT_EQ(Recorder::Create(o, &r).code(), StatusCode::kInvalidArgument) << bad;
  }
  Options o = TestOptions();
  o.allow_query_params = {std::string(65, 'a')};
  EXPECT_EQ(Recorder::Create(o, &r).code(), StatusCode::kInvalidArgument);
  o.allow_query_params = {std::string(64, 'a'), "utm_source", "v1.2", "a-b"};
  EXPECT_TRUE(Recorder::Create(o, &r).ok());
}

TEST(Recorder, AllowedQueryParamsAndPersonalDataOnTheWire) {
  Options o = TestOptions(PrivacyMode::kBalanced);
  o.allow_query_params = {"page", "q"};
  auto r = Make(o);
  RecordWriter w;
  w.Meta(0, "https://x.test/s?page=2&token=abc&q=jane%40x.test#frag", "Jane's orders");
  w.Tag(RecordTag::kSnapshotBegin).U(0).I(0).I(0).U(0);
  w.Node(1, 0, 0, 9, "", "");
  w.Node(2, 1, 0, 1, "P", "", {{"class", "row"}});
  w.Node(3, 2, 0, 3, "", "Call +1 415 555 2671 or write to jane@x.test");
  w.Tag(RecordTag::kSnapshotEnd);
  ASSERT_TRUE(r->FlushBytes(w.bytes().data(), w.bytes().size()).ok());
  const std::string bytes = Decompress(r->output());
  EXPECT_NE(bytes.find("https://x.test/s?page=2&q=[email]"), std::string::npos);
  EXPECT_NE(bytes.find("Call [phone] or write to [email]"), std::string::npos);
  EXPECT_EQ(bytes.find("token"), std::string::npos);
  EXPECT_EQ(bytes.find("frag"), std::string::npos);
  EXPECT_EQ(bytes.find("jane"), std::string::npos);
  EXPECT_EQ(bytes.find("415"), std::string::npos);
}

TEST(Recorder, EncodesEveryEventTypeAndRoundTrips) {
  auto r = Make(TestOptions());
  RecordWriter w(/*seq=*/7, /*time_base=*/1700000000000ULL);
  w.Meta(5, "https://shop.test/cart?id=9#x", "Cart");
  w.Tag(RecordTag::kSnapshotBegin).U(1).I(0).I(120).U(0);
  w.Node(1, 0, 0, 9, "", "");
  w.Node(2, 1, 0, 10, "html", "");
  w.Node(3, 1, 2, 1, "HTML", "", {{"lang", "en"}});
  w.Node(4, 3, 0, 1, "BODY", "", {{"class", "page"}, {"href", "/a?b=c"}});
  w.Node(5, 4, 0, 3, "", "Hello");
  w.Tag(RecordTag::kSnapshotEnd);
  w.Tag(RecordTag::kMutationBegin).U(10);
  w.Tag(RecordTag::kRemove).U(5);
  w.Node(6, 4, 0, 1, "P", "");
  w.Tag(RecordTag::kAttr).U(4).U(0).S("class").U(0).S("page busy");
  w.Tag(RecordTag::kAttr).U(4).U(0).S("hidden").U(1);
  w.Tag(RecordTag::kText).U(6).U(0).S("World");
  w.Tag(RecordTag::kMutationEnd);
  w.Tag(RecordTag::kMove).U(3).U(2).U(0).I(10).I(-20).U(16).I(12).I(-18);
  w.Click(4, 6, 100, 200);
  w.Tag(RecordTag::kScroll).U(1).U(1).I(0).I(300);
  w.Tag(RecordTag::kInput).U(1).U(6).U(0).S("typed").U(0);
  w.Tag(RecordTag::kResize).U(1).U(800).U(600);
  w.Tag(RecordTag::kVisibility).U(1).U(2);
  w.Tag(RecordTag::kFocus).U(1).U(6).U(1);
  w.Tag(RecordTag::kNavigation).U(1).U(1).S("/next?q=1");

  ASSERT_TRUE(r->FlushBytes(w.bytes().data(), w.bytes().size()).ok());
  std::string bytes = Decompress(r->output());
  ASSERT_EQ(bytes.size(), r->last_batch().size());
  const wire::Batch* b = Verified(bytes);

  EXPECT_EQ(b->schema_version(), 3);
  EXPECT_EQ(b->site_key()->str(), "site-1");
  EXPECT_EQ(b->session_id()->str(), "sess_A");
  EXPECT_EQ(b->page_view_id()->str(), "pv-1");
  EXPECT_EQ(b->seq(), 7u);
  EXPECT_EQ(b->base_time(), 1700000000005ULL);  // the first timed record
  EXPECT_EQ(Str(b, 0), "");
  ASSERT_EQ(b->events()->size(), 11u);

  auto ev = [&](int i) { return b->events()->Get(i); };
  auto* meta = ev(0)->payload_as_PageMeta();
  ASSERT_NE(meta, nullptr);
  EXPECT_EQ(ev(0)->t(), 0u);
  EXPECT_EQ(Str(b, meta->url()), "https://shop.test/cart");
  EXPECT_EQ(Str(b, meta->title()), "Cart");
  EXPECT_EQ(meta->viewport_w(), 1280);
  EXPECT_EQ(meta->device(), wire::DeviceClass::Desktop);

  auto* snap = ev(1)->payload_as_FullSnapshot();
  ASSERT_NE(snap, nullptr);
  EXPECT_EQ(ev(1)->t(), 1u);
  EXPECT_EQ(snap->scroll_y(), 120);
  EXPECT_EQ(snap->nodes(), nullptr);  // version 3: columns only
  std::vector<WireNode> nodes = ReadNodes(NodeReader::Of(*snap));
  ASSERT_EQ(nodes.size(), 5u);
  const WireNode& body = nodes[3];
  EXPECT_EQ(body.id, 4u);
  EXPECT_EQ(body.parent, 3u);
  EXPECT_EQ(Str(b, body.name), "BODY");
  ASSERT_EQ(body.attrs.size(), 2u);
  EXPECT_EQ(Str(b, body.attrs[1].value()), "/a");
  EXPECT_EQ(Str(b, nodes[4].value), "Hello");
  EXPECT_EQ(nodes[4].type, static_cast<uint8_t>(wire::NodeType::Text));

  auto* mut = ev(2)->payload_as_Mutation();
  ASSERT_NE(mut, nullptr);
  EXPECT_EQ(ev(2)->t(), 11u);
  EXPECT_EQ(mut->removes()->Get(0), 5u);
  EXPECT_EQ(mut->adds(), nullptr);
  ASSERT_EQ(ReadNodes(NodeReader::Of(*mut)).size(), 1u);
  EXPECT_EQ(ReadNodes(NodeReader::Of(*mut))[0].id, 6u);
  ASSERT_EQ(mut->attrs()->size(), 2u);
  EXPECT_EQ(Str(b, mut->attrs()->Get(0)->value()), "page busy");
  EXPECT_TRUE(mut->attrs()->Get(1)->removed());
  EXPECT_EQ(Str(b, mut->texts()->Get(0)->value()), "World");

  auto* move = ev(3)->payload_as_MouseMove();
  ASSERT_NE(move, nullptr);
  ASSERT_EQ(move->points()->size(), 2u);
  EXPECT_EQ(move->points()->Get(1)->dt(), 16u);
  EXPECT_EQ(move->points()->Get(0)->y(), -20);

  auto* click = ev(4)->payload_as_Click();
  ASSERT_NE(click, nullptr);
  EXPECT_EQ(click->target(), 6u);
  EXPECT_EQ(click->x(), 100);
  EXPECT_EQ(click->ey(), 4);
  EXPECT_EQ(ev(5)->payload_as_Scroll()->y(), 300);
  EXPECT_EQ(Str(b, ev(6)->payload_as_Input()->value()), "typed");
  EXPECT_EQ(ev(7)->payload_as_Resize()->width(), 800);
  EXPECT_EQ(ev(8)->payload_as_Visibility()->state(), wire::VisibilityState::Hidden);
  EXPECT_TRUE(ev(9)->payload_as_Focus()->focused());
  auto* nav = ev(10)->payload_as_Navigation();
  EXPECT_EQ(nav->kind(), wire::NavigationKind::PushState);
  EXPECT_EQ(Str(b, nav->url()), "/next");

  EXPECT_EQ(r->stats().batches, 1u);
  EXPECT_EQ(r->stats().events, 11u);
  EXPECT_EQ(r->stats().compressed_bytes, r->output().size());
}

TEST(Recorder, EncodesStylesMediaImagesAndPageViewChain) {
  auto r = Make(TestOptions());
  RecordWriter w;
  w.Tag(RecordTag::kMeta).U(0).S("https://x.test/b").S("").S("B").U(1280).U(720).U(1920).U(1080).U(100).U(1);
  w.S("pv-0");
  w.Tag(RecordTag::kSnapshotBegin).U(1).I(0).I(0).U(kSnapshotFlagCheckpoint);
  w.Node(1, 0, 0, 9, "", "");
  w.Node(2, 1, 0, 1, "DIV", "");
  w.Node(3, 2, 0, 11, "", "");  // DIV's shadow root
  w.Tag(RecordTag::kSnapshotEnd);
  w.Tag(RecordTag::kSheet).U(1).U(40).U(0).U(kSheetFlagDisabled).U(2)
      .S(".a { color: red; }").S(".b::after { content: \"jane@x.test\"; }");
  w.Tag(RecordTag::kRule).U(1).U(40).U(0).U(2).U(1).U(0).S(".c { top: 0; }");
  w.Tag(RecordTag::kRule).U(1).U(40).U(1).U(1).U(3);
  w.Tag(RecordTag::kAdopt).U(1).U(3).U(2).U(40).U(41);
  w.Tag(RecordTag::kMedia).U(1).U(2).U(3).U(12500).U(150).U(80).U(kMediaFlagMuted | kMediaFlagPaused);
  w.Tag(RecordTag::kImageSource).U(1).U(2).S("https://cdn.test/a-2x.png?sig=secret");
  ASSERT_TRUE(r->FlushBytes(w.bytes().data(), w.bytes().size()).ok()) << r->FlushBytes(w.bytes().data(), w.bytes().size()).ToString();
  std::string bytes = Decompress(r->output());
  const wire::Batch* b = Verified(bytes);
  ASSERT_EQ(b->events()->size(), 8u);
  auto ev = [&](int i) { return b->events()->Get(i); };
  EXPECT_EQ(Str(b, ev(0)->payload_as_PageMeta()->previous_page_view()), "pv-0");
  EXPECT_TRUE(ev(1)->payload_as_FullSnapshot()->checkpoint());
  EXPECT_EQ(ReadNodes(NodeReader::Of(*ev(1)->payload_as_FullSnapshot()))[2].type,
            static_cast<uint8_t>(wire::NodeType::Fragment));

  auto* sheet = ev(2)->payload_as_StyleSheet();
  ASSERT_NE(sheet, nullptr);
  EXPECT_EQ(sheet->sheet(), 40u);
  EXPECT_EQ(sheet->owner(), 0u);
  EXPECT_TRUE(sheet->disabled());
  ASSERT_EQ(sheet->rules()->size(), 2u);
  EXPECT_EQ(Str(b, sheet->rules()->Get(0)), ".a { color: red; }");
  // Rules are CSS: personal data in generated content is tokenized.
  EXPECT_EQ(Str(b, sheet->rules()->Get(1)).find("jane"), std::string::npos);

  auto* ins = ev(3)->payload_as_StyleRule();
  ASSERT_NE(ins, nullptr);
  EXPECT_EQ(ins->op(), wire::RuleOp::Insert);
  ASSERT_EQ(ins->path()->size(), 2u);
  EXPECT_EQ(ins->path()->Get(0), 1u);
  EXPECT_EQ(Str(b, ins->rule()), ".c { top: 0; }");
  auto* del = ev(4)->payload_as_StyleRule();
  EXPECT_EQ(del->op(), wire::RuleOp::Delete);
  EXPECT_EQ(del->rule(), 0u);
  EXPECT_EQ(del->path()->Get(0), 3u);

  auto* adopt = ev(5)->payload_as_AdoptedSheets();
  ASSERT_NE(adopt, nullptr);
  EXPECT_EQ(adopt->target(), 3u);
  ASSERT_EQ(adopt->sheets()->size(), 2u);
  EXPECT_EQ(adopt->sheets()->Get(1), 41u);

  auto* media = ev(6)->payload_as_Media();
  ASSERT_NE(media, nullptr);
  EXPECT_EQ(media->action(), wire::MediaAction::Seeked);
  EXPECT_EQ(media->time_ms(), 12500u);
  EXPECT_EQ(media->rate_x100(), 150);
  EXPECT_EQ(media->volume_x100(), 80);
  EXPECT_TRUE(media->muted());
  EXPECT_TRUE(media->paused());
  EXPECT_FALSE(media->loop());

  auto* img = ev(7)->payload_as_ImageSource();
  ASSERT_NE(img, nullptr);
  EXPECT_EQ(Str(b, img->url()), "https://cdn.test/a-2x.png");  // query dropped
}

TEST(Recorder, UnmaskedValuesReadAsRelaxedWithDetectorsStillOn) {
  auto r = Make(TestOptions(PrivacyMode::kStrict));
  RecordWriter w;
  w.Tag(RecordTag::kSnapshotBegin).U(0).I(0).I(0).U(0);
  w.Node(1, 0, 0, 9, "", "");
  w.Node(2, 1, 0, 1, "P", "", {{"title", "Shipping help"}}, kNodeFlagUnmasked);
  w.Node(3, 2, 0, 3, "", "Free shipping over 50, ask jane@x.test", {}, kNodeFlagUnmasked);
  w.Node(4, 2, 3, 3, "", "Secret plan");  // no flag: masked
  w.Tag(RecordTag::kSnapshotEnd);
  w.Tag(RecordTag::kMutationBegin).U(1);
  w.Tag(RecordTag::kText).U(3).U(kNodeFlagUnmasked).S("Delivery in 2 days");
  w.Tag(RecordTag::kAttr).U(2).U(kNodeFlagUnmasked).S("aria-label").U(0).S("Help box");
  w.Tag(RecordTag::kMutationEnd);
  w.Tag(RecordTag::kInput).U(1).U(2).U(kNodeFlagUnmasked).S("size M").U(0);
  w.Tag(RecordTag::kInput).U(1).U(2).U(kNodeFlagUnmasked).Masked(kLengthShort).U(0);  // glue withheld
  ASSERT_TRUE(r->FlushBytes(w.bytes().data(), w.bytes().size()).ok());
  std::string bytes = Decompress(r->output());
  EXPECT_NE(bytes.find("Free shipping over 50, ask [email]"), std::string::npos);
  EXPECT_EQ(bytes.find("jane"), std::string::npos);
  EXPECT_NE(bytes.find("Shipping help"), std::string::npos);
  EXPECT_NE(bytes.find("Delivery in 2 days"), std::string::npos);
  EXPECT_NE(bytes.find("Help box"), std::string::npos);
  EXPECT_NE(bytes.find("size M"), std::string::npos);
  EXPECT_EQ(bytes.find("Secret plan"), std::string::npos);
}

TEST(Recorder, StyleTextChangesAreGatedAsCss) {
  auto r = Make(TestOptions(PrivacyMode::kStrict));
  RecordWriter w;
  w.Tag(RecordTag::kMutationBegin).U(1);
  w.Tag(RecordTag::kText).U(3).U(kNodeFlagStyleText).S(".x{color:red}");
  w.Tag(RecordTag::kMutationEnd);
  ASSERT_TRUE(r->FlushBytes(w.bytes().data(), w.bytes().size()).ok());
  EXPECT_NE(Decompress(r->output()).find(".x{color:red}"), std::string::npos);
}

TEST(Recorder, StringTableDeduplicates) {
  auto r = Make(TestOptions());
  RecordWriter w;
  w.Tag(RecordTag::kSnapshotBegin).U(0).I(0).I(0).U(0);
  for (uint32_t id = 1; id <= 50; ++id) w.Node(id, id == 1 ? 0 : 1, 0, 1, "LI", "", {{"class", "item"}});
  w.Tag(RecordTag::kSnapshotEnd);
  ASSERT_TRUE(r->FlushBytes(w.bytes().data(), w.bytes().size()).ok());
  const wire::Batch* b = Verified(Decompress(r->output()));
  EXPECT_EQ(b->strings(), nullptr);  // version 3: lengths and bytes
  EXPECT_EQ(WireStrings(*b).size(), 4u);  // "", LI, class, item
  EXPECT_EQ(b->string_data()->size(), 11u);
}

TEST(Recorder, StrictModeMasksEveryPathToTheWire) {
  auto r = Make(TestOptions(PrivacyMode::kStrict));
  RecordWriter w;
  w.Meta(0, "https://x.test/u/?email=jane@x.test", "Jane's orders");
  w.Tag(RecordTag::kSnapshotBegin).U(0).I(0).I(0).U(0);
  w.Node(1, 0, 0, 9, "", "");
  w.Node(2, 1, 0, 1, "P", "", {{"title", "Jane Doe"}});
  w.Node(3, 2, 0, 3, "", "jane@x.test");
  w.Node(4, 2, 3, 8, "", "comment by Jane");
  w.Node(5, 2, 4, 3, "", ".card{}", {}, kNodeFlagStyleText);
  w.Tag(RecordTag::kSnapshotEnd);
  w.Tag(RecordTag::kMutationBegin).U(1);
  w.Tag(RecordTag::kText).U(3).U(0).S("Jane again");
  w.Tag(RecordTag::kAttr).U(2).U(0).S("data-name").U(0).S("Jane");
  w.Tag(RecordTag::kMutationEnd);
  w.Tag(RecordTag::kInput).U(1).U(2).U(0).S("4111 1111 1111 1111").U(0);
  ASSERT_TRUE(r->FlushBytes(w.bytes().data(), w.bytes().size()).ok());
  std::string bytes = Decompress(r->output());
  EXPECT_EQ(bytes.find("jane"), std::string::npos);
  EXPECT_EQ(bytes.find("Jane"), std::string::npos);
  EXPECT_EQ(bytes.find("4111"), std::string::npos);
  // CSS outside its string literals is not page text; it is kept.
  EXPECT_NE(bytes.find(".card{}"), std::string::npos);
  EXPECT_GE(r->stats().masked_strings, 7u);
}

TEST(Recorder, EmptyFlushProducesNothing) {
  auto r = Make(TestOptions());
  RecordWriter w;
  ASSERT_TRUE(r->FlushBytes(w.bytes().data(), w.bytes().size()).ok());
  EXPECT_TRUE(r->output().empty());
  // A mutation whose changes all coalesced away is not an event either.
  RecordWriter w2;
  w2.Tag(RecordTag::kMutationBegin).U(0).Tag(RecordTag::kMutationEnd);
  ASSERT_TRUE(r->FlushBytes(w2.bytes().data(), w2.bytes().size()).ok());
  EXPECT_TRUE(r->output().empty());
  EXPECT_EQ(r->stats().batches, 0u);
}

TEST(Recorder, InputBufferAndCaps) {
  Options o = TestOptions();
  o.max_records_bytes = 64;
  auto r = Make(o);
  EXPECT_EQ(r->PrepareInput(65), nullptr);
  RecordWriter w;
  w.Click(0, 2, 1, 1);
  uint8_t* in = r->PrepareInput(w.bytes().size());
  ASSERT_NE(in, nullptr);
  std::copy(w.bytes().begin(), w.bytes().end(), in);
  ASSERT_TRUE(r->Flush(w.bytes().size()).ok());
  EXPECT_FALSE(r->output().empty());
  EXPECT_EQ(r->Flush(1000).code(), StatusCode::kFailedPrecondition);
  std::vector<uint8_t> big(100, 0);
  EXPECT_EQ(r->FlushBytes(big.data(), big.size()).code(), StatusCode::kTooLarge);
}

TEST(Recorder, BatchCapIsEnforced) {
  Options o = TestOptions();
  o.max_batch_bytes = 200;
  auto r = Make(o);
  RecordWriter w;
  w.Tag(RecordTag::kSnapshotBegin).U(0).I(0).I(0).U(0);
  for (uint32_t id = 1; id <= 40; ++id) w.Node(id, 0, 0, 3, "", "text " + std::to_string(id));
  w.Tag(RecordTag::kSnapshotEnd);
  Status s = r->FlushBytes(w.bytes().data(), w.bytes().size());
  EXPECT_EQ(s.code(), StatusCode::kTooLarge);
  EXPECT_NE(s.message().find("flush more often"), std::string::npos);
  EXPECT_TRUE(r->output().empty());
}

TEST(Recorder, FailureLeavesTheRecorderUsable) {
  auto r = Make(TestOptions());
  std::vector<uint8_t> junk = {1, 0, 0, 0xEE};
  EXPECT_FALSE(r->FlushBytes(junk.data(), junk.size()).ok());
  EXPECT_TRUE(r->output().empty());
  RecordWriter w(3);
  w.Click(0, 9, 5, 5);
  ASSERT_TRUE(r->FlushBytes(w.bytes().data(), w.bytes().size()).ok());
  const wire::Batch* b = Verified(Decompress(r->output()));
  EXPECT_EQ(b->seq(), 3u);
  EXPECT_EQ(b->events()->Get(0)->payload_as_Click()->target(), 9u);
}

}  // namespace
}  // namespace recorder
