// forget.h: the body of POST /v1/forget, the browser's request to delete a
// session after the visitor revoked consent.
//
// The body is UTF-8 JSON with exactly two string members, in any order:
//   {"site":"KEY","session":"ID"}
// Both must be ids (1..64 of A-Z a-z 0-9 _ -), so their JSON never needs an
// escape; a backslash is refused rather than decoded. A pure function, so
// the rules are tested without sockets (tests/server-stub/forget_test.cc).
#ifndef COLLECTOR_FORGET_H_
#define COLLECTOR_FORGET_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "recorder/status.h"

namespace collector {

// Largest body accepted; the real one is well under 200 bytes.
inline constexpr size_t kMaxForgetBodyBytes = 1024;

struct ForgetRequest {
  std::string site_key;
  std::string session_id;
};

// kMalformed for anything but the object above (one-line reason);
// kInvalidArgument for a member that is not an id; kTooLarge over the cap.
recorder::Status ParseForgetRequest(std::string_view body, ForgetRequest* out);

}  // namespace collector

#endif  // COLLECTOR_FORGET_H_
