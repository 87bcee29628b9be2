// store.h: the collector's embedded storage, one SQLite file.
//
// One row per accepted batch, keyed by (session_id, page_view_id, seq), with
// the verified, decompressed FlatBuffer as a BLOB. Inserting a key that is
// already there stores nothing and reports a duplicate: the browser retries a
// batch whose response it never saw, and that retry must be harmless.
//
// Durability: WAL journal with synchronous=FULL, so a 200 means the batch
// survives a power cut. secure_delete is on, so DeleteSession (consent
// revocation) overwrites the data instead of leaving it in free pages.
//
// Thread safety: every method may be called from any thread; calls are
// serialised by one mutex (one connection, prepared statements reused).
// Several processes may open the same file (the collector plus
// recorder-decode); SQLite's locking and a busy timeout handle that.
#ifndef COLLECTOR_STORE_H_
#define COLLECTOR_STORE_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "ingest.h"
#include "recorder/status.h"

struct sqlite3;

namespace collector {

struct StoredBatch {
  std::string site_key;
  std::string session_id;
  std::string page_view_id;
  uint32_t seq = 0;
  uint64_t base_time = 0;
  uint64_t end_time = 0;
  int64_t received_at = 0;  // epoch ms, collector clock
  uint32_t event_count = 0;
  uint64_t compressed_bytes = 0;
  std::vector<uint8_t> batch;  // verified decompressed FlatBuffer
};

struct SessionSummary {
  std::string session_id;
  std::string site_key;
  uint32_t page_views = 0;
  uint32_t batches = 0;
  uint64_t first_time = 0;  // earliest base_time, epoch ms
  uint64_t last_time = 0;   // latest event time, epoch ms
  uint64_t bytes = 0;       // compressed bytes received
  uint64_t raw_bytes = 0;   // decompressed bytes stored
};

class Store {
 public:
  struct Options {
    // Read-only opens an existing file and never creates or alters it
    // (recorder-decode uses this so a typo in --db makes no new file).
    bool read_only = false;
  };

  // Opens (and unless read-only, creates and migrates) the database at
  // `path`. The parent folder must exist.
  static recorder::Status Open(const std::string& path, const Options& options,
                               std::unique_ptr<Store>* out);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Stores `batch`. *duplicate is set when the key was already stored (then
  // nothing changes). Refuses with kPermissionDenied a session id already
  // stored under another site key, so one site cannot append to another's
  // sessions.
  recorder::Status Insert(const ValidBatch& batch, int64_t received_at_ms, bool* duplicate);

  // A session's batches ordered by (earliest base_time of their page view,
  // page_view_id, seq): page views in the order they began, each in sequence.
  // An unknown session yields an empty list.
  recorder::Status ListBatches(std::string_view session_id, std::vector<StoredBatch>* out);

  // Sessions of one site (all sites if `site_key` is empty), oldest first.
  recorder::Status ListSessions(std::string_view site_key, std::vector<SessionSummary>* out);

  // Removes every batch of a session; *deleted is how many.
  recorder::Status DeleteSession(std::string_view session_id, uint64_t* deleted);

  // Same, for a request made on behalf of `site_key` (consent revocation):
  // kPermissionDenied, and nothing deleted, when the session is stored under
  // another site key. An unknown session deletes nothing and is not an error.
  recorder::Status DeleteSessionOfSite(std::string_view site_key, std::string_view session_id,
                                       uint64_t* deleted);

  // Total number of stored batches.
  recorder::Status CountBatches(uint64_t* count);

 private:
  struct Statements;
  Store(sqlite3* db, std::unique_ptr<Statements> statements);

  std::mutex mu_;
  sqlite3* db_;
  std::unique_ptr<Statements> st_;
};

}  // namespace collector

#endif  // COLLECTOR_STORE_H_
