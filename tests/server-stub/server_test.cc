// Tests server-stub/server.cc: the real HTTP server, in-process on a free
// loopback port, driven with httplib::Client.
#include "server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "batch_fixtures.h"
#include "store.h"

namespace collector {
namespace {

using collector_test::BadCase;
using collector_test::BatchSpec;
using collector_test::Bytes;

constexpr char kGood[] = "https://good.test";

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(Store::Open(dir_.File("c.db"), {}, &store_).ok());
    CollectorConfig config;
    config.port = 0;
    ASSERT_TRUE(config.sites.AddFromFlag(std::string("site_a=") + kGood).ok());
    ASSERT_TRUE(config.sites.AddFromFlag("site_b=https://other.test").ok());
    Start(std::move(config));
  }

  void Start(CollectorConfig config) {
    Stop();
    server_ = std::make_unique<CollectorServer>(std::move(config), store_.get());
    ASSERT_TRUE(server_->Bind(&port_).ok());
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { EXPECT_TRUE(server_->Run().ok()); });
  }

  void Stop() {
    if (!server_) return;
    server_->Stop();
    thread_.join();
    server_.reset();
  }

  void TearDown() override { Stop(); }

  httplib::Client Client() {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(10, 0);
    return c;
  }

  // As the browser sends it: no Content-Type.
  httplib::Result Post(const Bytes& body, const httplib::Headers& headers = {}) {
    return Client().Post("/v1/batch", headers, reinterpret_cast<const char*>(body.data()),
                         body.size(), "");
  }

  httplib::Result Forget(const std::string& body, const httplib::Headers& headers = {}) {
    return Client().Post("/v1/forget", headers, body.data(), body.size(), "");
  }

  static std::string ForgetBody(const std::string& site, const std::string& session) {
    return R"({"site":")" + site + R"(","session":")" + session + R"("})";
  }

  uint64_t Count() {
    uint64_t n = 0;
    EXPECT_TRUE(store_->CountBatches(&n).ok());
    return n;
  }

  // An error body is exactly one line: "<code> <context>: <reason>".
  static void ExpectOneLineReason(const httplib::Response& res, const std::string& prefix) {
    EXPECT_EQ(res.body.rfind(std::to_string(res.status) + " " + prefix, 0), 0u) << res.body;
    EXPECT_EQ(res.body.find('\n'), std::string::npos) << res.body;
    EXPECT_EQ(res.get_header_value("Content-Type").rfind("text/plain", 0), 0u);
  }

  collector_test::TempDir dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<CollectorServer> server_;
  std::thread thread_;
  int port_ = 0;
};

TEST(HttpStatusForTest, EachCodeHasItsClass) {
  using recorder::Status;
  EXPECT_EQ(HttpStatusFor(Status::Ok()), 200);
  EXPECT_EQ(HttpStatusFor(Status::Malformed("x")), 400);
  EXPECT_EQ(HttpStatusFor(Status::InvalidArgument("x")), 400);
  EXPECT_EQ(HttpStatusFor(Status::TooLarge("x")), 413);
  EXPECT_EQ(HttpStatusFor(Status::Unsupported("x")), 422);
  EXPECT_EQ(HttpStatusFor(Status::PermissionDenied("x")), 403);
  EXPECT_EQ(HttpStatusFor(Status::FailedPrecondition("x")), 409);
  EXPECT_EQ(HttpStatusFor(Status::Internal("x")), 500);
}

TEST_F(ServerTest, PostValidBatchReturnsOkJsonAndStoresIt) {
  auto res = Post(collector_test::BuildBody());
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, R"({"ok":true,"session":"sess_1","pageView":"pv_1","seq":0,"duplicate":false})");
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(Count(), 1u);
}

TEST_F(ServerTest, ResendIsReportedAsDuplicateAndStoredOnce) {
  BatchSpec spec;
  spec.seq = 3;
  const Bytes body = collector_test::BuildBody(spec);
  ASSERT_EQ(Post(body)->status, 200);
  auto res = Post(body);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, R"({"ok":true,"session":"sess_1","pageView":"pv_1","seq":3,"duplicate":true})");
  EXPECT_EQ(Count(), 1u);
}

class ServerBadBodyTest : public ServerTest, public ::testing::WithParamInterface<BadCase> {};

TEST_P(ServerBadBodyTest, RefusedWithOneLineReasonAndNothingStored) {
  const BadCase& c = GetParam();
  auto res = Post(c.make());
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, c.http_status) << res->body;
  ExpectOneLineReason(*res, "batch rejected: ");
  EXPECT_NE(res->body.find(c.reason), std::string::npos) << res->body;
  EXPECT_EQ(Count(), 0u);
}

INSTANTIATE_TEST_SUITE_P(AllBadCases, ServerBadBodyTest,
                         ::testing::ValuesIn(collector_test::BadCases()),
                         [](const auto& info) { return std::string(info.param.name); });

TEST_F(ServerTest, UnknownSiteKeyIs403AndNothingStored) {
  BatchSpec spec;
  spec.site_key = "site_zz";
  auto res = Post(collector_test::BuildBody(spec));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);
  EXPECT_EQ(res->body, "403 batch rejected: unknown site key");
  EXPECT_EQ(Count(), 0u);
}

TEST_F(ServerTest, DisallowedOriginIs403WithoutCorsAndNothingStored) {
  auto res = Post(collector_test::BuildBody(), {{"Origin", "https://evil.test"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);
  EXPECT_EQ(res->body, "403 batch rejected: origin not allowed for this site key");
  EXPECT_FALSE(res->has_header("Access-Control-Allow-Origin"));
  EXPECT_EQ(res->get_header_value("Vary"), "Origin");
  EXPECT_EQ(Count(), 0u);
}

TEST_F(ServerTest, AllowedOriginGetsCorsHeadersOnSuccessAndOnError) {
  auto ok = Post(collector_test::BuildBody(), {{"Origin", kGood}});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(ok->get_header_value("Access-Control-Allow-Origin"), kGood);
  EXPECT_EQ(ok->get_header_value("Vary"), "Origin");

  const Bytes garbage{1, 2, 3, 4, 5};
  auto bad = Post(garbage, {{"Origin", kGood}});
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(bad->get_header_value("Access-Control-Allow-Origin"), kGood);
  EXPECT_EQ(bad->get_header_value("Vary"), "Origin");
  EXPECT_EQ(Count(), 1u);
}

TEST_F(ServerTest, OriginOfAnotherSiteIsRefusedButMayReadTheReason) {
  auto res = Post(collector_test::BuildBody(), {{"Origin", "https://other.test"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);
  EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"), "https://other.test");
  EXPECT_EQ(Count(), 0u);
}

TEST_F(ServerTest, CorsHeadersEvenOnOversizedBody) {
  Bytes big((size_t{1} << 20) + 10, 0);
  auto res = Post(big, {{"Origin", kGood}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"), kGood);
  EXPECT_EQ(Count(), 0u);
}

TEST_F(ServerTest, PreflightForAllowedOriginOnly) {
  httplib::Headers h{{"Origin", kGood},
                     {"Access-Control-Request-Method", "POST"},
                     {"Access-Control-Request-Headers", "content-type"}};
  auto res = Client().Options("/v1/batch", h);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 204);
  EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"), kGood);
  EXPECT_EQ(res->get_header_value("Access-Control-Allow-Methods"), "POST");
  EXPECT_EQ(res->get_header_value("Access-Control-Allow-Headers"), "Content-Type");

  h = {{"Origin", "https://evil.test"}, {"Access-Control-Request-Method", "POST"}};
  res = Client().Options("/v1/batch", h);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);
  EXPECT_FALSE(res->has_header("Access-Control-Allow-Origin"));
}

TEST_F(ServerTest, ContentEncodingIsRefused) {
  auto res = Post(collector_test::BuildBody(), {{"Content-Encoding", "gzip"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 415);
  ExpectOneLineReason(*res, "batch rejected: ");
  EXPECT_EQ(Count(), 0u);
}

TEST_F(ServerTest, ChunkedBodyIsAcceptedUnderTheCapAndCutOffOverIt) {
  const Bytes good = collector_test::BuildBody();
  auto res = Client().Post(
      "/v1/batch",
      [&](size_t, httplib::DataSink& sink) {
        sink.write(reinterpret_cast<const char*>(good.data()), good.size());
        sink.done();
        return true;
      },
      "");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(Count(), 1u);

  // 2 MiB in 64 KiB chunks. The server stops reading at 1 MiB; the client
  // sees either the 413 or a broken connection. Either way nothing is stored
  // and the server keeps serving.
  const std::string chunk(64 * 1024, 'x');
  int sent = 0;
  res = Client().Post(
      "/v1/batch",
      [&](size_t, httplib::DataSink& sink) {
        if (sent++ < 32) return sink.write(chunk.data(), chunk.size());
        sink.done();
        return true;
      },
      "");
  if (res) {
    EXPECT_EQ(res->status, 413);
  }
  EXPECT_EQ(Count(), 1u);
  auto health = Client().Get("/v1/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->body, "ok");
}

TEST_F(ServerTest, GetSessionReturnsDecodedJson) {
  BatchSpec second;
  second.seq = 1;
  second.base_time += 1000;
  ASSERT_EQ(Post(collector_test::BuildBody())->status, 200);
  ASSERT_EQ(Post(collector_test::BuildBody(second))->status, 200);
  auto res = Client().Get("/v1/sessions/sess_1");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(res->body.rfind(R"({"session":"sess_1","site":"site_a","pageViews":["pv_1"],"batches":2,"events":[{"pageView":"pv_1","seq":0,"time":1700000000000,"type":"PageMeta","url":"https://example.test/home")", 0),
            0u)
      << res->body.substr(0, 300);
  EXPECT_NE(res->body.find(R"({"pageView":"pv_1","seq":1,"time":1700000001094,"type":"ImageSource","target":3,"url":"https://example.test/next"}]})"),
            std::string::npos);
}

TEST_F(ServerTest, UnknownOrInvalidSessionIs404) {
  auto res = Client().Get("/v1/sessions/nobody");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(res->body, "404 not found: unknown session");
  res = Client().Get("/v1/sessions/bad.id");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  ExpectOneLineReason(*res, "not found: ");
}

TEST_F(ServerTest, ListSessionsOfSite) {
  ASSERT_EQ(Post(collector_test::BuildBody())->status, 200);
  auto res = Client().Get("/v1/sessions?site=site_a");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body.rfind(R"([{"session":"sess_1","site":"site_a","pageViews":1,"batches":1,"firstTime":1700000000000,"lastTime":1700000000094,"bytes":)", 0),
            0u)
      << res->body;
  res = Client().Get("/v1/sessions?site=site_b");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body, "[]");
  res = Client().Get("/v1/sessions");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  ExpectOneLineReason(*res, "request failed: ");
}

TEST_F(ServerTest, HealthAndUnknownRoutes) {
  auto res = Client().Get("/v1/health");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "ok");
  res = Client().Get("/nope");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(res->body, "404 not found: GET /nope");
}

TEST_F(ServerTest, ReadTokenGuardsReadEndpointsOnly) {
  CollectorConfig config;
  config.port = 0;
  config.read_token = "s3cret";
  ASSERT_TRUE(config.sites.AddFromFlag("site_a=*").ok());
  Start(std::move(config));

  ASSERT_EQ(Post(collector_test::BuildBody())->status, 200);  // writes need no token
  auto res = Client().Get("/v1/sessions/sess_1");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  EXPECT_EQ(res->get_header_value("WWW-Authenticate"), "Bearer");
  ExpectOneLineReason(*res, "unauthorized: ");
  res = Client().Get("/v1/sessions?site=site_a", {{"Authorization", "Bearer s3creT"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  res = Client().Get("/v1/sessions/sess_1", {{"Authorization", "Bearer s3cret"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  res = Client().Get("/v1/health");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
}

TEST_F(ServerTest, WildcardSiteAcceptsAnyOrigin) {
  CollectorConfig config;
  config.port = 0;
  ASSERT_TRUE(config.sites.AddFromFlag("site_a=*").ok());
  Start(std::move(config));
  auto res = Post(collector_test::BuildBody(), {{"Origin", "http://localhost:5173"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"), "http://localhost:5173");
}

TEST_F(ServerTest, ForgetDeletesEveryBatchOfTheSessionAndIsIdempotent) {
  BatchSpec second;
  second.seq = 1;
  BatchSpec other_page;
  other_page.page_view_id = "pv_2";
  BatchSpec other_session;
  other_session.session_id = "sess_2";
  for (const BatchSpec& spec : {BatchSpec{}, second, other_page, other_session}) {
    ASSERT_EQ(Post(collector_test::BuildBody(spec))->status, 200);
  }
  ASSERT_EQ(Count(), 4u);

  auto res = Forget(ForgetBody("site_a", "sess_1"), {{"Origin", kGood}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(res->body, R"({"ok":true,"session":"sess_1","deletedBatches":3})");
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"), kGood);
  EXPECT_EQ(res->get_header_value("Vary"), "Origin");
  EXPECT_EQ(Count(), 1u);
  std::vector<StoredBatch> left;
  ASSERT_TRUE(store_->ListBatches("sess_1", &left).ok());
  EXPECT_TRUE(left.empty());
  EXPECT_EQ(Client().Get("/v1/sessions/sess_1")->status, 404);

  // Again, and for a session never seen: nothing to do, still a success.
  res = Forget(ForgetBody("site_a", "sess_1"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, R"({"ok":true,"session":"sess_1","deletedBatches":0})");
  res = Forget(ForgetBody("site_a", "never_seen"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, R"({"ok":true,"session":"never_seen","deletedBatches":0})");
  EXPECT_EQ(Count(), 1u);
}

TEST_F(ServerTest, ForgetForAnotherSitesSessionIs403AndDeletesNothing) {
  ASSERT_EQ(Post(collector_test::BuildBody())->status, 200);  // sess_1 of site_a
  auto res = Forget(ForgetBody("site_b", "sess_1"), {{"Origin", "https://other.test"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);
  EXPECT_EQ(res->body, "403 forget rejected: session belongs to another site key");
  EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"), "https://other.test");
  EXPECT_EQ(Count(), 1u);

  // The right site key from an origin not allowed for it.
  res = Forget(ForgetBody("site_a", "sess_1"), {{"Origin", "https://evil.test"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);
  EXPECT_EQ(res->body, "403 forget rejected: origin not allowed for this site key");
  EXPECT_FALSE(res->has_header("Access-Control-Allow-Origin"));
  // An unknown site key.
  res = Forget(ForgetBody("site_zz", "sess_1"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);
  EXPECT_EQ(res->body, "403 forget rejected: unknown site key");
  EXPECT_EQ(Count(), 1u);
}

TEST_F(ServerTest, ForgetWithABadBodyIs400WithOneLineReasonAndCors) {
  ASSERT_EQ(Post(collector_test::BuildBody())->status, 200);
  for (const std::string& body : {std::string(""), std::string("sess_1"), std::string(R"({"session":"sess_1"})"),
                                 std::string(R"({"site":"site_a","session":"sess 1"})"),
                                 std::string(R"({"site":"site_a","session":"sess_1","x":"y"})")}) {
    auto res = Forget(body, {{"Origin", kGood}});
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400) << body;
    ExpectOneLineReason(*res, "forget rejected: ");
    EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"), kGood);
  }
  // Over the 1 KiB cap.
  auto res = Forget(ForgetBody("site_a", "sess_1") + std::string(2000, ' '), {{"Origin", kGood}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  ExpectOneLineReason(*res, "forget rejected: ");
  EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"), kGood);
  EXPECT_EQ(Count(), 1u);
}

TEST_F(ServerTest, ForgetPreflightLikeBatch) {
  httplib::Headers h{{"Origin", kGood}, {"Access-Control-Request-Method", "POST"}};
  auto res = Client().Options("/v1/forget", h);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 204);
  EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"), kGood);
  EXPECT_EQ(res->get_header_value("Access-Control-Allow-Methods"), "POST");
  h = {{"Origin", "https://evil.test"}, {"Access-Control-Request-Method", "POST"}};
  res = Client().Options("/v1/forget", h);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);
  EXPECT_FALSE(res->has_header("Access-Control-Allow-Origin"));
}

TEST_F(ServerTest, ConcurrentPostsAreAllStored) {
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (uint32_t i = 0; i < 10; ++i) {
        BatchSpec spec;
        spec.page_view_id = "pv_" + std::to_string(t);
        spec.seq = i;
        auto res = Post(collector_test::BuildBody(spec));
        if (res && res->status == 200) ++ok;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 40);
  EXPECT_EQ(Count(), 40u);
}

}  // namespace
}  // namespace collector
