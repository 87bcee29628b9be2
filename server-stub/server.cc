// server.cc: see server.h. Thin on purpose: read the request, call the pure
// functions, translate the Status once, write the response.
#include "server.h"

#include <httplib.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "decode.h"
#include "forget.h"
#include "ingest.h"
#include "json.h"

namespace collector {
namespace {

using httplib::Request;
using httplib::Response;
using recorder::Status;
using recorder::StatusCode;

constexpr char kBatchPath[] = "/v1/batch";
constexpr char kForgetPath[] = "/v1/forget";

// The routes a browser page calls: they share the site and origin check,
// CORS headers on every answer, and the preflight.
bool IsBrowserRoute(const std::string& path) { return path == kBatchPath || path == kForgetPath; }

// Reasons go into a text body and a log line, so they must stay one line of
// printable ASCII whatever a message or a client-sent path contains.
std::string OneLine(std::string_view s, size_t max = 300) {
  std::string out;
  for (char c : s.substr(0, max)) {
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u >= 0x7F) ? '?' : c;
  }
  if (s.size() > max) out += "...";
  return out;
}

void SetReason(Response& res, int code, std::string_view context, std::string_view message) {
  res.status = code;
  res.set_content(std::to_string(code) + " " + std::string(context) + ": " + OneLine(message),
                  "text/plain; charset=utf-8");
}

void Reject(Response& res, const Status& s, std::string_view context) {
  SetReason(res, HttpStatusFor(s), context, s.message());
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Timestamp() {
  const int64_t ms = NowMs();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

// Compares without an early exit, so response timing does not reveal how
// much of a guessed token was right.
bool SameSecret(std::string_view a, std::string_view b) {
  size_t diff = a.size() ^ b.size();
  for (size_t i = 0; i < a.size(); ++i) {
    const auto other = i < b.size() ? static_cast<unsigned char>(b[i]) : 0u;
    diff |= static_cast<unsigned char>(a[i]) ^ other;
  }
  return diff == 0;
}

std::string DefaultReason(int status) {
  switch (status) {
    case 400: return "bad request";
    case 401: return "unauthorized";
    case 403: return "forbidden";
    case 404: return "not found";
    case 405: return "method not allowed";
    case 413: return "payload too large";
    case 414: return "uri too long";
    case 416: return "range not satisfiable";
    case 500: return "internal error";
    default: return "error";
  }
}

// Reads a browser route's body within `cap`, as the browser sends it: no
// Content-Encoding (httplib inflates gzip and brotli itself, within the
// cap, but a second compression layer is never ours). On a refusal the
// response is written and false returned. The body is read even when it
// will be refused, so the connection stays in step for the client's next
// request; over the cap the connection is closed instead.
bool ReadBody(const Request& req, Response& res, const httplib::ContentReader& read, size_t cap,
              std::string_view context, std::string* body) {
  bool over_cap = false;
  const bool complete = read([&](const char* data, size_t len) {
    if (body->size() + len > cap) {
      over_cap = true;
      return false;
    }
    body->append(data, len);
    return true;
  });
  const std::string encoding = req.get_header_value("Content-Encoding");
  if (!encoding.empty() && encoding != "identity") {
    res.set_header("Connection", "close");
    SetReason(res, 415, context, "Content-Encoding is not accepted");
    return false;
  }
  if (over_cap || res.status == 413) {
    res.set_header("Connection", "close");
    Reject(res, Status::TooLarge("body is over the " + std::to_string(cap) + " byte limit"), context);
    return false;
  }
  if (!complete) {
    Reject(res, Status::Malformed("body could not be read"), context);
    return false;
  }
  return true;
}

}  // namespace

int HttpStatusFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk: return 200;
    case StatusCode::kInvalidArgument:
    case StatusCode::kMalformed: return 400;
    case StatusCode::kTooLarge: return 413;
    case StatusCode::kUnsupported: return 422;
    case StatusCode::kPermissionDenied: return 403;
    case StatusCode::kFailedPrecondition: return 409;
    case StatusCode::kInternal: return 500;
  }
  return 500;
}

CollectorServer::CollectorServer(CollectorConfig config, Store* store)
    : config_(std::move(config)),
      store_(store),
      streams_(config_.streams),
      http_(std::make_unique<httplib::Server>()) {
  Routes();
}

CollectorServer::~CollectorServer() = default;

void CollectorServer::Routes() {
  httplib::Server& http = *http_;
  // httplib's default also sets SO_REUSEPORT, which lets a second collector
  // bind the same port and silently take half the traffic into another
  // database. SO_REUSEADDR alone still allows a quick restart.
  http.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  // httplib refuses a larger Content-Length itself (413) and skips the body,
  // which keeps the connection usable; the batch handler caps bodies without
  // a length (chunked) the same way as they stream in.
  http.set_payload_max_length(config_.limits.max_body_bytes);

  http.Post(kBatchPath, [this](const Request& req, Response& res,
                               const httplib::ContentReader& read) {
    std::string body;
    if (!ReadBody(req, res, read, config_.limits.max_body_bytes, "batch rejected", &body)) return;

    const auto* bytes = reinterpret_cast<const uint8_t*>(body.data());
    const std::string origin = req.get_header_value("Origin");
    ValidBatch batch;
    bool duplicate = false;
    Status s;
    if (req.has_param("stream")) {
      StreamPosition pos;
      const std::string prev = req.get_param_value("prev");
      s = ParseStreamPosition(req.get_param_value("stream"), req.get_param_value("seq"),
                              req.has_param("prev") ? &prev : nullptr, &pos);
      auto sink = [&](const ValidBatch& b, bool known_duplicate, bool* dup) {
        RECORDER_RETURN_IF_ERROR(CheckSiteAccess(config_.sites, b.site_key, origin));
        if (known_duplicate) return Status::Ok();
        return store_->Insert(b, NowMs(), dup);
      };
      if (s.ok()) {
        s = streams_.Ingest(pos, bytes, body.size(), config_.limits, NowMs(), sink, &batch,
                            &duplicate);
      }
    } else {
      s = IngestBatch(bytes, body.size(), config_.limits, &batch);
      if (s.ok()) s = CheckSiteAccess(config_.sites, batch.site_key, origin);
      if (s.ok()) s = store_->Insert(batch, NowMs(), &duplicate);
    }
    if (!s.ok()) return Reject(res, s, "batch rejected");

    JsonWriter j;
    j.BeginObject();
    j.Key("ok");
    j.Bool(true);
    j.Key("session");
    j.String(batch.session_id);
    j.Key("pageView");
    j.String(batch.page_view_id);
    j.Key("seq");
    j.Uint(batch.seq);
    j.Key("duplicate");
    j.Bool(duplicate);
    j.EndObject();
    res.status = 200;
    res.set_content(j.Take(), "application/json");
  });

  http.Post(kForgetPath, [this](const Request& req, Response& res,
                                const httplib::ContentReader& read) {
    std::string body;
    if (!ReadBody(req, res, read, kMaxForgetBodyBytes, "forget rejected", &body)) return;
    ForgetRequest forget;
    Status s = ParseForgetRequest(body, &forget);
    if (s.ok()) s = CheckSiteAccess(config_.sites, forget.site_key, req.get_header_value("Origin"));
    uint64_t deleted = 0;
    if (s.ok()) s = store_->DeleteSessionOfSite(forget.site_key, forget.session_id, &deleted);
    if (!s.ok()) return Reject(res, s, "forget rejected");

    JsonWriter j;
    j.BeginObject();
    j.Key("ok");
    j.Bool(true);
    j.Key("session");
    j.String(forget.session_id);
    j.Key("deletedBatches");
    j.Uint(deleted);
    j.EndObject();
    res.status = 200;
    res.set_content(j.Take(), "application/json");
  });

  // Not needed for the browser's own sends (no Content-Type makes them
  // CORS-simple), but a page that adds a header, or Chrome's private network
  // access check for a loopback collector, preflights first.
  auto preflight = [this](const Request& req, Response& res) {
    const std::string origin = req.get_header_value("Origin");
    if (!origin.empty() && !config_.sites.OriginKnown(origin)) {
      return SetReason(res, 403, "preflight rejected", "origin not allowed");
    }
    res.status = 204;
    res.set_header("Allow", "POST, OPTIONS");
    res.set_header("Access-Control-Allow-Methods", "POST");
    res.set_header("Access-Control-Allow-Headers", "Content-Type");
    res.set_header("Access-Control-Max-Age", "600");
    if (req.get_header_value("Access-Control-Request-Private-Network") == "true") {
      res.set_header("Access-Control-Allow-Private-Network", "true");
    }
  };
  http.Options(kBatchPath, preflight);
  http.Options(kForgetPath, preflight);

  auto authorized = [this](const Request& req, Response& res) {
    if (config_.read_token.empty()) return true;
    if (SameSecret(req.get_header_value("Authorization"), "Bearer " + config_.read_token)) {
      return true;
    }
    res.set_header("WWW-Authenticate", "Bearer");
    SetReason(res, 401, "unauthorized", "a valid bearer token is required");
    return false;
  };

  http.Get("/v1/health", [](const Request&, Response& res) {
    res.set_content("ok", "text/plain; charset=utf-8");
  });

  http.Get("/v1/sessions", [this, authorized](const Request& req, Response& res) {
    if (!authorized(req, res)) return;
    const std::string site = req.get_param_value("site");
    if (!IsValidId(site)) {
      return Reject(res, Status::InvalidArgument("the site parameter must be a site key"),
                    "request failed");
    }
    std::vector<SessionSummary> sessions;
    const Status s = store_->ListSessions(site, &sessions);
    if (!s.ok()) return Reject(res, s, "request failed");
    res.set_content(SessionListJson(sessions), "application/json");
  });

  http.Get(R"(/v1/sessions/([A-Za-z0-9_-]{1,64}))", [this, authorized](const Request& req,
                                                                      Response& res) {
    if (!authorized(req, res)) return;
    std::vector<StoredBatch> batches;
    Status s = store_->ListBatches(req.matches[1].str(), &batches);
    if (!s.ok()) return Reject(res, s, "request failed");
    if (batches.empty()) return SetReason(res, 404, "not found", "unknown session");
    std::string json;
    s = DecodeSessionJson(batches, &json);
    if (!s.ok()) return Reject(res, s, "request failed");
    res.set_content(std::move(json), "application/json");
  });

  // CORS for the browser routes on every response, errors included (httplib
  // calls this for its own 400/413 too), so an allowed page can read the
  // reason.
  http.set_post_routing_handler([this](const Request& req, Response& res) {
    if (!IsBrowserRoute(req.path)) return;
    res.set_header("Vary", "Origin");
    const std::string origin = req.get_header_value("Origin");
    if (config_.sites.OriginKnown(origin)) res.set_header("Access-Control-Allow-Origin", origin);
  });

  // Called for every status >= 400. Handlers that failed already wrote their
  // reason; this fills in httplib's own errors (404, 413, bad requests).
  http.set_error_handler(httplib::Server::HandlerWithResponse([this](const Request& req,
                                                                    Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    if (res.status == 413) {
      SetReason(res, 413,
                req.path == kBatchPath    ? "batch rejected"
                : req.path == kForgetPath ? "forget rejected"
                                          : "payload too large",
                "body is over the " + std::to_string(config_.limits.max_body_bytes) +
                    " byte limit");
    } else {
      // An empty method means httplib could not even parse the request line.
      SetReason(res, res.status, DefaultReason(res.status),
                req.method.empty() ? "unreadable request" : req.method + " " + req.path);
    }
    return httplib::Server::HandlerResponse::Handled;
  }));

  http.set_exception_handler([](const Request&, Response& res, std::exception_ptr) {
    SetReason(res, 500, "internal error", "unexpected exception");
  });

  if (config_.log_requests) {
    http.set_logger([](const Request& req, const Response& res) {
      std::string line = Timestamp() + " " + req.remote_addr + " \"" + OneLine(req.method, 16) +
                         " " + OneLine(req.path, 200) + "\" " + std::to_string(res.status) + " " +
                         std::to_string(res.body.size()) + "B";
      // httplib has compressed the body by now when the client accepts
      // gzip or br (browsers and node's fetch do): the reason is then not text.
      if (res.status >= 400 && !res.has_header("Content-Encoding")) line += " " + OneLine(res.body);
      line += '\n';
      std::fputs(line.c_str(), stderr);  // one call per line keeps threads' lines whole
    });
  }
}

Status CollectorServer::Bind(int* port) {
  int bound = -1;
  if (config_.port == 0) {
    bound = http_->bind_to_any_port(config_.bind);
  } else if (http_->bind_to_port(config_.bind, config_.port)) {
    bound = config_.port;
  }
  if (bound < 0) {
    return Status::FailedPrecondition("cannot listen on " + config_.bind + ":" +
                                      std::to_string(config_.port) +
                                      " (address in use or not local)");
  }
  *port = bound;
  return Status::Ok();
}

Status CollectorServer::Run() {
  if (stop_requested_) return Status::Ok();
  if (!http_->listen_after_bind() && !stop_requested_) {
    return Status::Internal("the HTTP server stopped unexpectedly");
  }
  return Status::Ok();
}

void CollectorServer::Stop() {
  stop_requested_ = true;
  http_->stop();
}

}  // namespace collector
