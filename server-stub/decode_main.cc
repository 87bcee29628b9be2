// recorder-decode: prints stored sessions as JSON, reading the collector's
// database without changing it (safe while the collector runs).
//
//   recorder-decode --db PATH --session ID   one session (see decode.h)
//   recorder-decode --db PATH --list [--site KEY]
//
// Exit codes: 0 ok, 1 unknown session or unreadable database, 2 bad arguments.
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "decode.h"
#include "ingest.h"
#include "store.h"

namespace {

constexpr char kUsage[] =
    "usage: recorder-decode --db PATH --session ID\n"
    "       recorder-decode --db PATH --list [--site KEY]\n";

int Fail(int code, const std::string& message) {
  std::fprintf(stderr, "recorder-decode: %s\n", message.c_str());
  if (code == 2) std::fputs(kUsage, stderr);
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  std::string db, session, site;
  bool list = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= argc) return false;
      *out = argv[++i];
      return true;
    };
    if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (arg == "--list") {
      list = true;
    } else if (arg == "--db" || arg == "--session" || arg == "--site") {
      std::string* out = arg == "--db" ? &db : arg == "--session" ? &session : &site;
      if (!value(out) || out->empty()) return Fail(2, std::string(arg) + " needs a value");
    } else {
      return Fail(2, "unknown argument '" + std::string(arg) + "'");
    }
  }
  if (db.empty()) return Fail(2, "--db is required");
  if (list == !session.empty()) return Fail(2, "give exactly one of --session ID and --list");
  if (!session.empty() && !collector::IsValidId(session)) {
    return Fail(2, "--session must be 1 to 64 characters of A-Z a-z 0-9 _ -");
  }
  if (!site.empty() && (!list || !collector::IsValidId(site))) {
    return Fail(2, "--site goes with --list and must be a site key");
  }

  std::unique_ptr<collector::Store> store;
  collector::Store::Options options;
  options.read_only = true;
  recorder::Status s = collector::Store::Open(db, options, &store);
  if (!s.ok()) return Fail(1, s.message());

  std::string json;
  if (list) {
    std::vector<collector::SessionSummary> sessions;
    s = store->ListSessions(site, &sessions);
    if (!s.ok()) return Fail(1, s.message());
    json = collector::SessionListJson(sessions);
  } else {
    std::vector<collector::StoredBatch> batches;
    s = store->ListBatches(session, &batches);
    if (!s.ok()) return Fail(1, s.message());
    if (batches.empty()) return Fail(1, "no session " + session + " in " + db);
    s = collector::DecodeSessionJson(batches, &json);
    if (!s.ok()) return Fail(1, s.message());
  }
  std::fwrite(json.data(), 1, json.size(), stdout);
  std::fputc('\n', stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}
