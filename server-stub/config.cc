// config.cc: see config.h.
#include "config.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

namespace collector {
namespace {

using recorder::Status;

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// scheme "://" host [":" port], nothing else: what browsers put in Origin.
bool IsOriginSyntax(std::string_view o) {
  const size_t sep = o.find("://");
  if (sep == std::string_view::npos || sep == 0) return false;
  for (char c : o.substr(0, sep)) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
      return false;
    }
  }
  const std::string_view rest = o.substr(sep + 3);
  if (rest.empty()) return false;
  return std::all_of(rest.begin(), rest.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' ||
           c == '[' || c == ']' || c == '_';
  });
}

Status ParseSize(std::string_view flag, std::string_view v, size_t* out) {
  size_t i = 0;
  uint64_t n = 0;
  while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) {
    n = n * 10 + static_cast<uint64_t>(v[i] - '0');
    if (n > (uint64_t{1} << 40)) break;
    ++i;
  }
  const std::string unit = Lower(v.substr(i));
  uint64_t mult = 1;
  if (unit == "k" || unit == "kib") {
    mult = uint64_t{1} << 10;
  } else if (unit == "m" || unit == "mib") {
    mult = uint64_t{1} << 20;
  } else if (!unit.empty()) {
    mult = 0;
  }
  const uint64_t bytes = n * mult;
  if (i == 0 || mult == 0 || bytes == 0 || bytes > (uint64_t{1} << 30)) {
    return Status::InvalidArgument(std::string(flag) +
                                   " wants a size from 1 byte to 1024M, such as 1048576 or 8M");
  }
  *out = static_cast<size_t>(bytes);
  return Status::Ok();
}

Status ParsePort(std::string_view v, int* out) {
  if (v.empty() || v.size() > 5 ||
      !std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return Status::InvalidArgument("--port wants a number from 0 to 65535");
  }
  int port = 0;
  for (char c : v) port = port * 10 + (c - '0');
  if (port > 65535) return Status::InvalidArgument("--port wants a number from 0 to 65535");
  *out = port;
  return Status::Ok();
}

// A whole number from lo to hi, for flags that are counts or seconds.
Status ParseCount(std::string_view flag, std::string_view v, int64_t lo, int64_t hi, int64_t* out) {
  int64_t n = 0;
  const bool digits = !v.empty() && v.size() <= 12 &&
                      std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (digits) {
    for (char c : v) n = n * 10 + (c - '0');
  }
  if (!digits || n < lo || n > hi) {
    return Status::InvalidArgument(std::string(flag) + " wants a number from " + std::to_string(lo) +
                                   " to " + std::to_string(hi));
  }
  *out = n;
  return Status::Ok();
}

}  // namespace

Status SitePolicy::AddFromFlag(std::string_view spec) {
  const size_t eq = spec.find('=');
  if (eq == std::string_view::npos) {
    return Status::InvalidArgument("--site wants KEY=ORIGIN[,ORIGIN...]");
  }
  const std::string key(spec.substr(0, eq));
  if (!IsValidId(key)) {
    return Status::InvalidArgument("--site key must be 1 to 64 characters of A-Z a-z 0-9 _ -");
  }
  std::vector<std::string> origins;
  std::string_view rest = spec.substr(eq + 1);
  while (true) {
    const size_t comma = rest.find(',');
    const std::string_view one = rest.substr(0, comma);
    if (one != "*" && !IsOriginSyntax(one)) {
      return Status::InvalidArgument("--site origin '" + std::string(one) +
                                     "' is not scheme://host[:port] (no path, no trailing /) or *");
    }
    origins.push_back(Lower(one));
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  auto& list = sites_[key];
  for (auto& o : origins) {
    if (std::find(list.begin(), list.end(), o) == list.end()) list.push_back(std::move(o));
  }
  return Status::Ok();
}

bool SitePolicy::HasSite(std::string_view site_key) const {
  return sites_.find(site_key) != sites_.end();
}

bool SitePolicy::OriginAllowed(std::string_view site_key, std::string_view origin) const {
  const auto it = sites_.find(site_key);
  if (it == sites_.end()) return false;
  if (origin.empty()) return true;
  const std::string o = Lower(origin);
  return std::any_of(it->second.begin(), it->second.end(),
                     [&](const std::string& allowed) { return allowed == "*" || allowed == o; });
}

bool SitePolicy::OriginKnown(std::string_view origin) const {
  if (origin.empty()) return false;
  return std::any_of(sites_.begin(), sites_.end(),
                     [&](const auto& site) { return OriginAllowed(site.first, origin); });
}

Status CheckSiteAccess(const SitePolicy& policy, std::string_view site_key,
                       std::string_view origin) {
  if (!policy.HasSite(site_key)) return Status::PermissionDenied("unknown site key");
  if (!policy.OriginAllowed(site_key, origin)) {
    return Status::PermissionDenied("origin not allowed for this site key");
  }
  return Status::Ok();
}

Status ParseCollectorArgs(int argc, const char* const* argv, CollectorConfig* config) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      config->show_help = true;
      continue;
    }
    if (arg.substr(0, 2) != "--") {
      return Status::InvalidArgument("unexpected argument '" + std::string(arg) + "'");
    }
    std::string_view name = arg;
    std::string_view value;
    bool has_value = false;
    if (const size_t eq = arg.find('='); eq != std::string_view::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      has_value = true;
    }
    static const char* const kKnown[] = {"--db",        "--bind",      "--port",      "--site",
                                         "--max-body",  "--max-batch", "--read-token",
                                         "--stream-window-log", "--max-streams", "--stream-idle"};
    if (std::find(std::begin(kKnown), std::end(kKnown), name) == std::end(kKnown)) {
      return Status::InvalidArgument("unknown flag " + std::string(name) + " (see --help)");
    }
    if (!has_value) {
      if (i + 1 >= argc) return Status::InvalidArgument(std::string(name) + " needs a value");
      value = argv[++i];
    }
    if (name == "--db") {
      if (value.empty()) return Status::InvalidArgument("--db needs a path");
      config->db_path = std::string(value);
    } else if (name == "--bind") {
      if (value.empty()) return Status::InvalidArgument("--bind needs an address");
      config->bind = std::string(value);
    } else if (name == "--port") {
      RECORDER_RETURN_IF_ERROR(ParsePort(value, &config->port));
    } else if (name == "--site") {
      RECORDER_RETURN_IF_ERROR(config->sites.AddFromFlag(value));
    } else if (name == "--max-body") {
      RECORDER_RETURN_IF_ERROR(ParseSize(name, value, &config->limits.max_body_bytes));
    } else if (name == "--max-batch") {
      RECORDER_RETURN_IF_ERROR(ParseSize(name, value, &config->limits.max_batch_bytes));
    } else if (name == "--stream-window-log") {
      int64_t n = 0;
      RECORDER_RETURN_IF_ERROR(ParseCount(name, value, 10, 23, &n));
      config->streams.window_log_max = static_cast<int>(n);
    } else if (name == "--max-streams") {
      int64_t n = 0;
      RECORDER_RETURN_IF_ERROR(ParseCount(name, value, 1, 1000000, &n));
      config->streams.max_streams = static_cast<size_t>(n);
    } else if (name == "--stream-idle") {
      int64_t n = 0;
      RECORDER_RETURN_IF_ERROR(ParseCount(name, value, 1, 86400, &n));
      config->streams.idle_ms = n * 1000;
    } else if (name == "--read-token") {
      if (value.empty()) return Status::InvalidArgument("--read-token must not be empty");
      config->read_token = std::string(value);
    }
  }
  return Status::Ok();
}

std::string CollectorUsage() {
  return R"(usage: recorder-collector [flags]
  --db PATH               SQLite file (default ./var/collector.db; folder is created)
  --bind ADDR             address to listen on (default 127.0.0.1)
  --port N                port (default 8787; 0 picks a free port)
  --site KEY=ORIGIN[,...] accept batches for site KEY from these page origins
                          (repeatable; * allows any origin, for local demos only)
  --max-body SIZE         largest compressed body (default 1M)
  --max-batch SIZE        largest decompressed batch (default 8M)
  --stream-window-log N   largest zstd window of a page view's stream, 2^N bytes
                          (default 17; 10..23)
  --max-streams N         page view streams kept at once, least recently used
                          dropped first (default 256)
  --stream-idle SECONDS   drop a stream unused this long (default 600)
  --read-token TOKEN      GET endpoints require "Authorization: Bearer TOKEN"
  -h, --help              this text
Prints "listening on http://ADDR:PORT" once ready; stops on SIGINT/SIGTERM.
)";
}

}  // namespace collector
