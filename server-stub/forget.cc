// forget.cc: see forget.h. A tiny scanner for one fixed shape rather than a
// JSON library: the collector accepts nothing else, and every refusal names
// what was wrong.
#include "forget.h"

#include <string>
#include <utility>

#include "ingest.h"

namespace collector {

using recorder::Status;

namespace {

class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}

  void SkipSpace() {
    while (p_ < s_.size() && (s_[p_] == ' ' || s_[p_] == '\t' || s_[p_] == '\n' || s_[p_] == '\r')) ++p_;
  }
  bool Eat(char c) {
    SkipSpace();
    if (p_ < s_.size() && s_[p_] == c) {
      ++p_;
      return true;
    }
    return false;
  }
  bool AtEnd() {
    SkipSpace();
    return p_ == s_.size();
  }
  Status String(std::string* out) {
    if (!Eat('"')) return Status::Malformed("expected a JSON string");
    const size_t start = p_;
    while (p_ < s_.size() && s_[p_] != '"') {
      const auto c = static_cast<unsigned char>(s_[p_]);
      if (c == '\\') return Status::Malformed("escapes are not accepted in site or session");
      if (c < 0x20) return Status::Malformed("control character in a JSON string");
      ++p_;
    }
    if (p_ == s_.size()) return Status::Malformed("unterminated JSON string");
    out->assign(s_.substr(start, p_ - start));
    ++p_;
    return Status::Ok();
  }

 private:
  std::string_view s_;
  size_t p_ = 0;
};

}  // namespace

Status ParseForgetRequest(std::string_view body, ForgetRequest* out) {
  if (body.size() > kMaxForgetBodyBytes) {
    return Status::TooLarge("body is over the " + std::to_string(kMaxForgetBodyBytes) + " byte limit");
  }
  Scanner in(body);
  if (!in.Eat('{')) return Status::Malformed("body must be a JSON object");
  bool have_site = false, have_session = false;
  if (!in.Eat('}')) {
    do {
      std::string key, value;
      RECORDER_RETURN_IF_ERROR(in.String(&key));
      if (!in.Eat(':')) return Status::Malformed("expected ':' after a member name");
      bool* seen = key == "site" ? &have_site : key == "session" ? &have_session : nullptr;
      if (seen == nullptr) return Status::Malformed("only \"site\" and \"session\" are accepted");
      if (*seen) return Status::Malformed("\"" + key + "\" given twice");
      *seen = true;
      RECORDER_RETURN_IF_ERROR(in.String(&value));
      (key == "site" ? out->site_key : out->session_id) = std::move(value);
    } while (in.Eat(','));
    if (!in.Eat('}')) return Status::Malformed("expected ',' or '}' in the object");
  }
  if (!in.AtEnd()) return Status::Malformed("data after the JSON object");
  if (!have_site || !have_session) return Status::Malformed("\"site\" and \"session\" are both required");
  if (!IsValidId(out->site_key)) {
    return Status::InvalidArgument("site must be 1 to 64 characters of A-Z a-z 0-9 _ -");
  }
  if (!IsValidId(out->session_id)) {
    return Status::InvalidArgument("session must be 1 to 64 characters of A-Z a-z 0-9 _ -");
  }
  return Status::Ok();
}

}  // namespace collector
