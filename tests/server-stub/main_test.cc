// Tests server-stub/main.cc: the recorder-collector executable as a process.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <string>

#include "batch_fixtures.h"
#include "subprocess.h"

namespace {

using collector_test::Subprocess;

constexpr char kCollector[] = COLLECTOR_BIN;

// Starts the collector on a free port and returns the port from its one
// stdout line, or 0.
int StartAndReadPort(Subprocess& p) {
  std::string line;
  if (!p.ReadLine(&line, 10000)) return 0;
  std::smatch m;
  static const std::regex kLine(R"(listening on http://127\.0\.0\.1:(\d+))");
  if (!std::regex_match(line, m, kLine)) {
    ADD_FAILURE() << "unexpected first line: " << line;
    return 0;
  }
  return std::stoi(m[1].str());
}

TEST(CollectorMainTest, ListensServesAndStopsCleanlyOnSigterm) {
  collector_test::TempDir dir;
  const std::string db = dir.File("nested/folder/c.db");
  Subprocess p({kCollector, "--db", db, "--port", "0", "--site", "site_a=https://good.test"},
               dir.File("stderr.txt"));
  ASSERT_TRUE(p.started());
  const int port = StartAndReadPort(p);
  ASSERT_GT(port, 0);
  EXPECT_TRUE(std::filesystem::exists(db));  // parent folders were created

  httplib::Client client("127.0.0.1", port);
  const auto body = collector_test::BuildBody();
  auto res = client.Post("/v1/batch", reinterpret_cast<const char*>(body.data()), body.size(), "");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  res = client.Get("/v1/health");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body, "ok");

  ASSERT_EQ(kill(p.pid(), SIGTERM), 0);
  EXPECT_EQ(p.Wait(10000), 0);
  std::string rest;
  EXPECT_FALSE(p.ReadLine(&rest, 1000)) << "more stdout: " << rest;  // exactly one line
}

TEST(CollectorMainTest, SigintAlsoStopsCleanly) {
  collector_test::TempDir dir;
  Subprocess p({kCollector, "--db", dir.File("c.db"), "--port", "0"}, dir.File("stderr.txt"));
  ASSERT_GT(StartAndReadPort(p), 0);
  ASSERT_EQ(kill(p.pid(), SIGINT), 0);
  EXPECT_EQ(p.Wait(10000), 0);
}

TEST(CollectorMainTest, LogsOneLinePerRequestToStderr) {
  collector_test::TempDir dir;
  const std::string err = dir.File("stderr.txt");
  Subprocess p({kCollector, "--db", dir.File("c.db"), "--port", "0"}, err);
  const int port = StartAndReadPort(p);
  ASSERT_GT(port, 0);
  httplib::Client client("127.0.0.1", port);
  ASSERT_TRUE(client.Get("/v1/health"));
  ASSERT_TRUE(client.Post("/v1/batch", "junk", 4, ""));
  kill(p.pid(), SIGTERM);
  ASSERT_EQ(p.Wait(10000), 0);
  std::ifstream in(err);
  const std::string log((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(log.find("no --site given"), std::string::npos) << log;
  EXPECT_TRUE(std::regex_search(log, std::regex(R"(\n\S+Z 127\.0\.0\.1 "GET /v1/health" 200 2B\n)")))
      << log;
  EXPECT_NE(log.find(R"("POST /v1/batch" 400 )"), std::string::npos) << log;
  EXPECT_NE(log.find("400 batch rejected: body is not a zstd frame\n"), std::string::npos) << log;
}

TEST(CollectorMainTest, BadArgumentsExitWith2) {
  collector_test::TempDir dir;
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{kCollector, "--port", "http"},
        std::vector<std::string>{kCollector, "--site", "x=ftp:/bad/"},
        std::vector<std::string>{kCollector, "--frobnicate"}}) {
    const auto r = collector_test::Run(args, dir.path());
    EXPECT_EQ(r.exit_code, 2) << args[1];
    EXPECT_NE(r.err.find("recorder-collector: "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("usage:"), std::string::npos);
    EXPECT_TRUE(r.out.empty());
  }
}

TEST(CollectorMainTest, HelpExits0) {
  collector_test::TempDir dir;
  const auto r = collector_test::Run({kCollector, "--help"}, dir.path());
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("--max-batch"), std::string::npos);
}

TEST(CollectorMainTest, PortInUseExits1) {
  collector_test::TempDir dir;
  Subprocess first({kCollector, "--db", dir.File("a.db"), "--port", "0"}, dir.File("a.txt"));
  const int port = StartAndReadPort(first);
  ASSERT_GT(port, 0);
  const auto r = collector_test::Run(
      {kCollector, "--db", dir.File("b.db"), "--port", std::to_string(port)}, dir.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("cannot listen on 127.0.0.1:" + std::to_string(port)), std::string::npos)
      << r.err;
}

}  // namespace
