// Tests server-stub/config.cc: flags and the site/origin policy.
#include "config.h"

#include <gtest/gtest.h>

#include <vector>

namespace collector {
namespace {

using recorder::StatusCode;

recorder::Status Parse(std::vector<const char*> args, CollectorConfig* c) {
  args.insert(args.begin(), "recorder-collector");
  return ParseCollectorArgs(static_cast<int>(args.size()), args.data(), c);
}

TEST(ConfigTest, Defaults) {
  CollectorConfig c;
  ASSERT_TRUE(Parse({}, &c).ok());
  EXPECT_EQ(c.db_path, "./var/collector.db");
  EXPECT_EQ(c.bind, "127.0.0.1");
  EXPECT_EQ(c.port, 8787);
  EXPECT_EQ(c.limits.max_body_bytes, size_t{1} << 20);
  EXPECT_EQ(c.limits.max_batch_bytes, size_t{8} << 20);
  EXPECT_TRUE(c.read_token.empty());
  EXPECT_TRUE(c.sites.empty());
}

TEST(ConfigTest, EveryFlagInBothForms) {
  CollectorConfig c;
  ASSERT_TRUE(Parse({"--db", "/tmp/x.db", "--bind=0.0.0.0", "--port", "0", "--site",
                     "k1=https://a.test,http://b.test:8080", "--site=k2=*", "--max-body", "64K",
                     "--max-batch=2M", "--read-token", "s3cret"},
                    &c)
                  .ok());
  EXPECT_EQ(c.db_path, "/tmp/x.db");
  EXPECT_EQ(c.bind, "0.0.0.0");
  EXPECT_EQ(c.port, 0);
  EXPECT_EQ(c.limits.max_body_bytes, 65536u);
  EXPECT_EQ(c.limits.max_batch_bytes, size_t{2} << 20);
  EXPECT_EQ(c.read_token, "s3cret");
  EXPECT_TRUE(c.sites.HasSite("k1"));
  EXPECT_TRUE(c.sites.HasSite("k2"));
  EXPECT_FALSE(c.sites.HasSite("k3"));
}

TEST(ConfigTest, BadArgumentsAreInvalidArgument) {
  const std::vector<std::vector<const char*>> bad = {
      {"--nope"},          {"positional"},       {"--port"},           {"--port", "65536"},
      {"--port", "-1"},    {"--port", "80x"},    {"--max-body", "0"},  {"--max-body", "1G"},
      {"--max-batch", "M"}, {"--max-body", "2048M"}, {"--site", "k"},  {"--site", "bad key=*"},
      {"--site", "k=https://a.test/"}, {"--site", "k=a.test"}, {"--site", "k=https://a.test/x"},
      {"--site", "k="},    {"--read-token="},    {"--db="},
  };
  for (const auto& args : bad) {
    CollectorConfig c;
    const auto s = Parse(args, &c);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << args[0] << " " << (args.size() > 1 ? args[1] : "");
    EXPECT_FALSE(s.message().empty());
  }
}

TEST(ConfigTest, Help) {
  CollectorConfig c;
  ASSERT_TRUE(Parse({"--help"}, &c).ok());
  EXPECT_TRUE(c.show_help);
  EXPECT_NE(CollectorUsage().find("--read-token"), std::string::npos);
}

TEST(SitePolicyTest, OriginRules) {
  SitePolicy p;
  ASSERT_TRUE(p.AddFromFlag("shop=https://shop.test,https://www.shop.test").ok());
  ASSERT_TRUE(p.AddFromFlag("shop=http://localhost:3000").ok());  // repeat adds
  ASSERT_TRUE(p.AddFromFlag("demo=*").ok());
  EXPECT_TRUE(p.OriginAllowed("shop", "https://shop.test"));
  EXPECT_TRUE(p.OriginAllowed("shop", "HTTPS://Shop.Test"));
  EXPECT_TRUE(p.OriginAllowed("shop", "https://www.shop.test"));
  EXPECT_TRUE(p.OriginAllowed("shop", "http://localhost:3000"));
  EXPECT_TRUE(p.OriginAllowed("shop", ""));  // no Origin header: not a browser page
  EXPECT_FALSE(p.OriginAllowed("shop", "http://shop.test"));
  EXPECT_FALSE(p.OriginAllowed("shop", "https://shop.test.evil.test"));
  EXPECT_FALSE(p.OriginAllowed("shop", "null"));
  EXPECT_FALSE(p.OriginAllowed("nope", ""));
  EXPECT_TRUE(p.OriginAllowed("demo", "https://anything.test"));
  EXPECT_TRUE(p.OriginAllowed("demo", "null"));

  EXPECT_TRUE(p.OriginKnown("https://shop.test"));
  EXPECT_TRUE(p.OriginKnown("https://evil.test"));  // because of demo=*
  EXPECT_FALSE(p.OriginKnown(""));
}

TEST(SitePolicyTest, OriginKnownWithoutWildcard) {
  SitePolicy p;
  ASSERT_TRUE(p.AddFromFlag("a=https://a.test").ok());
  ASSERT_TRUE(p.AddFromFlag("b=https://b.test").ok());
  EXPECT_TRUE(p.OriginKnown("https://b.test"));
  EXPECT_FALSE(p.OriginKnown("https://c.test"));
}

TEST(SitePolicyTest, CheckSiteAccess) {
  SitePolicy p;
  ASSERT_TRUE(p.AddFromFlag("a=https://a.test").ok());
  EXPECT_TRUE(CheckSiteAccess(p, "a", "https://a.test").ok());
  EXPECT_TRUE(CheckSiteAccess(p, "a", "").ok());
  const auto unknown = CheckSiteAccess(p, "b", "");
  EXPECT_EQ(unknown.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(unknown.message(), "unknown site key");
  const auto origin = CheckSiteAccess(p, "a", "https://b.test");
  EXPECT_EQ(origin.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(origin.message(), "origin not allowed for this site key");
}

}  // namespace
}  // namespace collector
