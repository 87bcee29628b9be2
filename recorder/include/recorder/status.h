// status.h: the result of an operation that can fail.
//
// The core never throws and never returns an unreported null: every fallible
// function returns a Status (or fills an out-parameter and returns one). Each
// edge translates it exactly once: wasm/ into a numbered code plus message for
// JS, server-stub/ into an HTTP status with a one-line reason.
//
// Codes are part of the JS-visible contract: their numbers never change and
// are never reused. A Status is a small value type, cheap to copy when OK.
#ifndef RECORDER_STATUS_H_
#define RECORDER_STATUS_H_

#include <string>
#include <string_view>
#include <utility>

namespace recorder {

enum class StatusCode : int {
  kOk = 0,
  kInvalidArgument = 1,    // the caller passed something that can never work
  kMalformed = 2,          // input bytes do not follow the format
  kTooLarge = 3,           // a size cap was hit
  kUnsupported = 4,        // a version or feature this build does not know
  kFailedPrecondition = 5, // the object is not in a state that allows this
  kInternal = 6,           // a library we call failed unexpectedly
  kPermissionDenied = 7,   // the caller may not do this (unknown site, foreign origin)
};

class Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message)
      : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
  static Status Malformed(std::string m) { return {StatusCode::kMalformed, std::move(m)}; }
  static Status TooLarge(std::string m) { return {StatusCode::kTooLarge, std::move(m)}; }
  static Status Unsupported(std::string m) { return {StatusCode::kUnsupported, std::move(m)}; }
  static Status FailedPrecondition(std::string m) { return {StatusCode::kFailedPrecondition, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
  static Status PermissionDenied(std::string m) { return {StatusCode::kPermissionDenied, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "malformed: <message>", or "ok".
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

std::string_view StatusCodeName(StatusCode code);

}  // namespace recorder

// Returns from the enclosing function if `expr` yields a non-OK Status.
#define RECORDER_RETURN_IF_ERROR(expr)                 \
  do {                                                 \
    ::recorder::Status recorder_status_ = (expr);      \
    if (!recorder_status_.ok()) return recorder_status_; \
  } while (0)

#endif  // RECORDER_STATUS_H_
