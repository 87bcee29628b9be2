// server.h: the collector's HTTP edge on cpp-httplib.
//
// Routes (see README.md):
//   POST    /v1/batch            one zstd frame -> IngestBatch -> site check -> Store;
//                                with ?stream=&seq=[&prev=] one piece of a page
//                                view's stream -> StreamTable (streams.h) -> same
//   OPTIONS /v1/batch            CORS preflight
//   POST    /v1/forget           {"site","session"} -> site check -> delete the session
//   OPTIONS /v1/forget           CORS preflight
//   GET     /v1/sessions?site=K  session list (JSON array)
//   GET     /v1/sessions/<id>    one decoded session (JSON)
//   GET     /v1/health           "ok"
//
// This is the one place where a recorder::Status becomes an HTTP status and a
// one-line text reason (HttpStatusFor, below). The route handlers hold no
// batch logic: that lives in ingest.cc, store.cc and decode.cc.
//
// Threading: httplib serves requests on a thread pool; the handlers share
// only the immutable config and the Store, which serialises itself.
#ifndef COLLECTOR_SERVER_H_
#define COLLECTOR_SERVER_H_

#include <atomic>
#include <memory>

#include "config.h"
#include "recorder/status.h"
#include "store.h"
#include "streams.h"

namespace httplib {
class Server;
}

namespace collector {

// 400 malformed/invalid, 413 too large, 422 unsupported, 403 not allowed
// (PermissionDenied: unknown site, origin, session of another site), 409
// (FailedPrecondition: a stream continuation this collector cannot decode),
// 500 internal.
int HttpStatusFor(const recorder::Status& status);

class CollectorServer {
 public:
  // `store` must outlive the server.
  CollectorServer(CollectorConfig config, Store* store);
  ~CollectorServer();
  CollectorServer(const CollectorServer&) = delete;
  CollectorServer& operator=(const CollectorServer&) = delete;

  // Binds config.bind:config.port and starts listening (connections queue
  // until Run). With port 0 the system picks one. *port gets the real port.
  recorder::Status Bind(int* port);

  // Accepts and serves until Stop(). Blocks.
  recorder::Status Run();

  // The live page view streams (for tests and figures).
  StreamStats stream_stats() { return streams_.Stats(); }

  // Makes Run return. Safe from any thread. A Stop that races the very start
  // of Run can be missed, so callers that cannot order the two (signal
  // handling) repeat it until Run has returned.
  void Stop();

 private:
  void Routes();

  CollectorConfig config_;
  Store* store_;
  StreamTable streams_;
  std::unique_ptr<httplib::Server> http_;
  std::atomic<bool> stop_requested_{false};
};

}  // namespace collector

#endif  // COLLECTOR_SERVER_H_
