// config.h: the collector's settings, its command line, and the site policy
// (which site keys exist and which page origins may send for each).
//
// Kept apart from server.cc so the flag parser and the origin rules are
// plain functions that tests call directly.
#ifndef COLLECTOR_CONFIG_H_
#define COLLECTOR_CONFIG_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ingest.h"
#include "streams.h"
#include "recorder/status.h"

namespace collector {

// Site key -> allowed origins. An Origin header is what a browser attaches to
// a cross-origin fetch; requests without one (curl, tests, server-to-server)
// are not browser pages acting for a user, so no origin rule applies to them.
class SitePolicy {
 public:
  // Adds a "KEY=ORIGIN[,ORIGIN...]" flag value. ORIGIN is scheme://host[:port]
  // with no path, compared case-insensitively, or "*" for any origin (local
  // demos only). Repeating a key adds origins to it.
  recorder::Status AddFromFlag(std::string_view spec);

  bool empty() const { return sites_.empty(); }
  bool HasSite(std::string_view site_key) const;
  // True if `origin` may send batches for `site_key`; an empty origin (no
  // header) is allowed for any configured site.
  bool OriginAllowed(std::string_view site_key, std::string_view origin) const;
  // True if `origin` is allowed for at least one site. Such an origin gets
  // CORS headers on every /v1/batch response, errors included, so the page
  // can read why a batch was refused; other origins learn nothing.
  bool OriginKnown(std::string_view origin) const;

 private:
  std::map<std::string, std::vector<std::string>, std::less<>> sites_;
};

// The access decision for one accepted batch: FailedPrecondition (HTTP 403)
// for an unknown site key or an origin not allowed for it.
recorder::Status CheckSiteAccess(const SitePolicy& policy, std::string_view site_key,
                                 std::string_view origin);

struct CollectorConfig {
  std::string db_path = "./var/collector.db";
  std::string bind = "127.0.0.1";  // loopback unless asked otherwise
  int port = 8787;                 // 0: any free port
  SitePolicy sites;
  IngestLimits limits;
  StreamLimits streams;
  std::string read_token;  // non-empty: GET endpoints need "Bearer <token>"
  bool log_requests = true;
  bool show_help = false;
};

// Parses recorder-collector's arguments (argv[0] is skipped). Flags take
// their value as the next argument or after '='. Sizes accept a K or M
// suffix (KiB, MiB). Unknown flags and bad values are InvalidArgument.
recorder::Status ParseCollectorArgs(int argc, const char* const* argv, CollectorConfig* config);

std::string CollectorUsage();

}  // namespace collector

#endif  // COLLECTOR_CONFIG_H_
