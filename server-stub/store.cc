// store.cc: see store.h. Every SQLite result code is checked and becomes a
// kInternal Status naming the operation, so a 500 in the log says what failed.
#include "store.h"

#include <sqlite3.h>

#include <cstdlib>
#include <utility>

namespace collector {

using recorder::Status;

namespace {

// Bumped when the table layout changes; Open refuses newer files.
constexpr int kDbVersion = 1;

constexpr const char* kCreateSql = R"sql(
CREATE TABLE IF NOT EXISTS batches (
  session_id       TEXT    NOT NULL,
  page_view_id     TEXT    NOT NULL,
  seq              INTEGER NOT NULL,
  site_key         TEXT    NOT NULL,
  base_time        INTEGER NOT NULL,
  end_time         INTEGER NOT NULL,
  received_at      INTEGER NOT NULL,
  event_count      INTEGER NOT NULL,
  compressed_bytes INTEGER NOT NULL,
  batch            BLOB    NOT NULL,
  PRIMARY KEY (session_id, page_view_id, seq)
);
CREATE INDEX IF NOT EXISTS batches_by_site ON batches (site_key, session_id);
)sql";

constexpr const char* kInsertSql =
    "INSERT OR IGNORE INTO batches (session_id, page_view_id, seq, site_key, base_time,"
    " end_time, received_at, event_count, compressed_bytes, batch)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

constexpr const char* kSiteOfSessionSql =
    "SELECT site_key FROM batches WHERE session_id = ?1 LIMIT 1";

constexpr const char* kListBatchesSql =
    "SELECT b.site_key, b.session_id, b.page_view_id, b.seq, b.base_time, b.end_time,"
    " b.received_at, b.event_count, b.compressed_bytes, b.batch"
    " FROM batches b JOIN (SELECT page_view_id, MIN(base_time) AS start FROM batches"
    "   WHERE session_id = ?1 GROUP BY page_view_id) p ON p.page_view_id = b.page_view_id"
    " WHERE b.session_id = ?1 ORDER BY p.start, b.page_view_id, b.seq";

#define SESSION_COLUMNS                                                         \
  "SELECT session_id, MIN(site_key), COUNT(DISTINCT page_view_id), COUNT(*),"   \
  " MIN(base_time), MAX(end_time), SUM(compressed_bytes), SUM(LENGTH(batch))"   \
  " FROM batches "
constexpr const char* kSessionsOfSiteSql =
    SESSION_COLUMNS "WHERE site_key = ?1 GROUP BY session_id ORDER BY MIN(base_time), session_id";
constexpr const char* kAllSessionsSql =
    SESSION_COLUMNS "GROUP BY session_id ORDER BY MIN(base_time), session_id";
#undef SESSION_COLUMNS

constexpr const char* kDeleteSessionSql = "DELETE FROM batches WHERE session_id = ?1";
constexpr const char* kCountSql = "SELECT COUNT(*) FROM batches";

Status SqlError(sqlite3* db, const std::string& what) {
  return Status::Internal("sqlite: " + what + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

// Resets a statement when a method returns, whatever path it took, so the
// next call starts clean and no read transaction is left open.
class ScopedReset {
 public:
  explicit ScopedReset(sqlite3_stmt* s) : s_(s) {}
  ~ScopedReset() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  ScopedReset(const ScopedReset&) = delete;
  ScopedReset& operator=(const ScopedReset&) = delete;

 private:
  sqlite3_stmt* s_;
};

Status BindText(sqlite3* db, sqlite3_stmt* s, int i, std::string_view v) {
  if (sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT) != SQLITE_OK) {
    return SqlError(db, "bind");
  }
  return Status::Ok();
}

Status BindInt(sqlite3* db, sqlite3_stmt* s, int i, int64_t v) {
  if (sqlite3_bind_int64(s, i, v) != SQLITE_OK) return SqlError(db, "bind");
  return Status::Ok();
}

std::string ColumnText(sqlite3_stmt* s, int i) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
  return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(s, i))) : std::string();
}

uint64_t ColumnU64(sqlite3_stmt* s, int i) {
  return static_cast<uint64_t>(sqlite3_column_int64(s, i));
}

Status Exec(sqlite3* db, const char* sql, const std::string& what) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errmsg(db);
    sqlite3_free(err);
    return Status::Internal("sqlite: " + what + ": " + msg);
  }
  return Status::Ok();
}

// Runs a one-row, one-column query such as a PRAGMA and returns the text.
Status QueryText(sqlite3* db, const char* sql, std::string* out) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) != SQLITE_OK) return SqlError(db, sql);
  const int rc = sqlite3_step(s);
  if (rc == SQLITE_ROW) *out = ColumnText(s, 0);
  sqlite3_finalize(s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return SqlError(db, sql);
  return Status::Ok();
}

Status Configure(sqlite3* db, bool read_only) {
  RECORDER_RETURN_IF_ERROR(Exec(db, "PRAGMA busy_timeout = 5000", "busy_timeout"));
  std::string version;
  RECORDER_RETURN_IF_ERROR(QueryText(db, "PRAGMA user_version", &version));
  if (std::strtol(version.c_str(), nullptr, 10) > kDbVersion) {
    return Status::Unsupported("database was written by a newer collector (layout version " +
                               version + ")");
  }
  if (read_only) return Status::Ok();

  std::string mode;
  RECORDER_RETURN_IF_ERROR(QueryText(db, "PRAGMA journal_mode = WAL", &mode));
  // An in-memory database (tests) answers "memory"; anything else means WAL
  // could not be enabled and the durability promise would be false.
  if (mode != "wal" && mode != "memory") {
    return Status::Internal("sqlite: could not enable WAL (journal_mode is " + mode + ")");
  }
  RECORDER_RETURN_IF_ERROR(Exec(db, "PRAGMA synchronous = FULL", "synchronous"));
  RECORDER_RETURN_IF_ERROR(Exec(db, "PRAGMA secure_delete = ON", "secure_delete"));
  RECORDER_RETURN_IF_ERROR(Exec(db, kCreateSql, "create tables"));
  return Exec(db, ("PRAGMA user_version = " + std::to_string(kDbVersion)).c_str(), "user_version");
}

}  // namespace

struct Store::Statements {
  sqlite3_stmt* insert = nullptr;
  sqlite3_stmt* site_of_session = nullptr;
  sqlite3_stmt* list_batches = nullptr;
  sqlite3_stmt* sessions_of_site = nullptr;
  sqlite3_stmt* all_sessions = nullptr;
  sqlite3_stmt* delete_session = nullptr;
  sqlite3_stmt* count = nullptr;

  ~Statements() {
    for (sqlite3_stmt* s : {insert, site_of_session, list_batches, sessions_of_site,
                            all_sessions, delete_session, count}) {
      sqlite3_finalize(s);  // no-op on nullptr
    }
  }

  Status Prepare(sqlite3* db) {
    const std::pair<sqlite3_stmt**, const char*> all[] = {
        {&insert, kInsertSql},
        {&site_of_session, kSiteOfSessionSql},
        {&list_batches, kListBatchesSql},
        {&sessions_of_site, kSessionsOfSiteSql},
        {&all_sessions, kAllSessionsSql},
        {&delete_session, kDeleteSessionSql},
        {&count, kCountSql},
    };
    for (const auto& [slot, sql] : all) {
      if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, slot, nullptr) != SQLITE_OK) {
        return SqlError(db, "prepare");
      }
    }
    return Status::Ok();
  }
};

Store::Store(sqlite3* db, std::unique_ptr<Statements> statements)
    : db_(db), st_(std::move(statements)) {}

Store::~Store() {
  st_.reset();  // statements must be finalized before the connection closes
  sqlite3_close(db_);
}

Status Store::Open(const std::string& path, const Options& options, std::unique_ptr<Store>* out) {
  const int flags = (options.read_only ? SQLITE_OPEN_READONLY
                                       : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                    SQLITE_OPEN_NOMUTEX;  // our own mutex serialises access
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    Status s = SqlError(db, "open " + path);
    sqlite3_close(db);
    return s;
  }
  auto statements = std::make_unique<Statements>();
  Status s = Configure(db, options.read_only);
  if (s.ok()) s = statements->Prepare(db);
  if (!s.ok()) {
    statements.reset();
    sqlite3_close(db);
    return s;
  }
  out->reset(new Store(db, std::move(statements)));
  return Status::Ok();
}

Status Store::Insert(const ValidBatch& b, int64_t received_at_ms, bool* duplicate) {
  std::lock_guard<std::mutex> lock(mu_);
  {
    sqlite3_stmt* s = st_->site_of_session;
    ScopedReset reset(s);
    RECORDER_RETURN_IF_ERROR(BindText(db_, s, 1, b.session_id));
    const int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW && ColumnText(s, 0) != b.site_key) {
      return Status::PermissionDenied("session id belongs to another site key");
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return SqlError(db_, "look up session");
  }
  sqlite3_stmt* s = st_->insert;
  ScopedReset reset(s);
  RECORDER_RETURN_IF_ERROR(BindText(db_, s, 1, b.session_id));
  RECORDER_RETURN_IF_ERROR(BindText(db_, s, 2, b.page_view_id));
  RECORDER_RETURN_IF_ERROR(BindInt(db_, s, 3, b.seq));
  RECORDER_RETURN_IF_ERROR(BindText(db_, s, 4, b.site_key));
  RECORDER_RETURN_IF_ERROR(BindInt(db_, s, 5, static_cast<int64_t>(b.base_time)));
  RECORDER_RETURN_IF_ERROR(BindInt(db_, s, 6, static_cast<int64_t>(b.end_time)));
  RECORDER_RETURN_IF_ERROR(BindInt(db_, s, 7, received_at_ms));
  RECORDER_RETURN_IF_ERROR(BindInt(db_, s, 8, b.event_count));
  RECORDER_RETURN_IF_ERROR(BindInt(db_, s, 9, static_cast<int64_t>(b.compressed_bytes)));
  // SQLITE_STATIC: the bytes outlive the step, and copying 8 MiB is waste.
  if (sqlite3_bind_blob64(s, 10, b.bytes.data(), b.bytes.size(), SQLITE_STATIC) != SQLITE_OK) {
    return SqlError(db_, "bind batch");
  }
  if (sqlite3_step(s) != SQLITE_DONE) return SqlError(db_, "insert batch");
  *duplicate = sqlite3_changes(db_) == 0;
  return Status::Ok();
}

Status Store::ListBatches(std::string_view session_id, std::vector<StoredBatch>* out) {
  std::lock_guard<std::mutex> lock(mu_);
  out->clear();
  sqlite3_stmt* s = st_->list_batches;
  ScopedReset reset(s);
  RECORDER_RETURN_IF_ERROR(BindText(db_, s, 1, session_id));
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    StoredBatch b;
    b.site_key = ColumnText(s, 0);
    b.session_id = ColumnText(s, 1);
    b.page_view_id = ColumnText(s, 2);
    b.seq = static_cast<uint32_t>(sqlite3_column_int64(s, 3));
    b.base_time = ColumnU64(s, 4);
    b.end_time = ColumnU64(s, 5);
    b.received_at = sqlite3_column_int64(s, 6);
    b.event_count = static_cast<uint32_t>(sqlite3_column_int64(s, 7));
    b.compressed_bytes = ColumnU64(s, 8);
    const auto* blob = static_cast<const uint8_t*>(sqlite3_column_blob(s, 9));
    const int n = sqlite3_column_bytes(s, 9);
    if (blob && n > 0) b.batch.assign(blob, blob + n);
    out->push_back(std::move(b));
  }
  if (rc != SQLITE_DONE) return SqlError(db_, "list batches");
  return Status::Ok();
}

Status Store::ListSessions(std::string_view site_key, std::vector<SessionSummary>* out) {
  std::lock_guard<std::mutex> lock(mu_);
  out->clear();
  sqlite3_stmt* s = site_key.empty() ? st_->all_sessions : st_->sessions_of_site;
  ScopedReset reset(s);
  if (!site_key.empty()) RECORDER_RETURN_IF_ERROR(BindText(db_, s, 1, site_key));
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    SessionSummary x;
    x.session_id = ColumnText(s, 0);
    x.site_key = ColumnText(s, 1);
    x.page_views = static_cast<uint32_t>(sqlite3_column_int64(s, 2));
    x.batches = static_cast<uint32_t>(sqlite3_column_int64(s, 3));
    x.first_time = ColumnU64(s, 4);
    x.last_time = ColumnU64(s, 5);
    x.bytes = ColumnU64(s, 6);
    x.raw_bytes = ColumnU64(s, 7);
    out->push_back(std::move(x));
  }
  if (rc != SQLITE_DONE) return SqlError(db_, "list sessions");
  return Status::Ok();
}

Status Store::DeleteSession(std::string_view session_id, uint64_t* deleted) {
  std::lock_guard<std::mutex> lock(mu_);
  sqlite3_stmt* s = st_->delete_session;
  ScopedReset reset(s);
  RECORDER_RETURN_IF_ERROR(BindText(db_, s, 1, session_id));
  if (sqlite3_step(s) != SQLITE_DONE) return SqlError(db_, "delete session");
  *deleted = static_cast<uint64_t>(sqlite3_changes(db_));
  return Status::Ok();
}

Status Store::DeleteSessionOfSite(std::string_view site_key, std::string_view session_id,
                                  uint64_t* deleted) {
  std::lock_guard<std::mutex> lock(mu_);
  *deleted = 0;
  {
    // Under the same lock as the delete, so no insert for another site can
    // slip in between the check and the delete.
    sqlite3_stmt* s = st_->site_of_session;
    ScopedReset reset(s);
    RECORDER_RETURN_IF_ERROR(BindText(db_, s, 1, session_id));
    const int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE) return Status::Ok();
    if (rc != SQLITE_ROW) return SqlError(db_, "look up session");
    if (ColumnText(s, 0) != site_key) {
      return Status::PermissionDenied("session belongs to another site key");
    }
  }
  sqlite3_stmt* s = st_->delete_session;
  ScopedReset reset(s);
  RECORDER_RETURN_IF_ERROR(BindText(db_, s, 1, session_id));
  if (sqlite3_step(s) != SQLITE_DONE) return SqlError(db_, "delete session");
  *deleted = static_cast<uint64_t>(sqlite3_changes(db_));
  return Status::Ok();
}

Status Store::CountBatches(uint64_t* count) {
  std::lock_guard<std::mutex> lock(mu_);
  sqlite3_stmt* s = st_->count;
  ScopedReset reset(s);
  if (sqlite3_step(s) != SQLITE_ROW) return SqlError(db_, "count batches");
  *count = ColumnU64(s, 0);
  return Status::Ok();
}

}  // namespace collector
