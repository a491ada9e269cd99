// Result<T> and Status: expected failures as values, with a message a user can act on and a
// code a caller can test (LevelDB's IsNotFound()), so no caller matches an error's text.
// Library code returns these instead of throwing or printing; the CLI decides what to show.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace repro {

// What kind of failure, for callers that act on some kinds; most errors are kFailed.
enum class ErrorCode {
  kFailed,       // anything not named below
  kNotFound,     // the thing asked for does not exist (a missing file, a job Slurm does not know)
  kUnavailable,  // a service cannot answer here (Slurm accounting without slurmdbd)
};

// "Error{message}" stays the usual way to fail; the named constructors set a code.
struct Error {
  std::string message;
  ErrorCode code = ErrorCode::kFailed;

  static Error NotFound(std::string message) { return {std::move(message), ErrorCode::kNotFound}; }
  static Error Unavailable(std::string message) { return {std::move(message), ErrorCode::kUnavailable}; }
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : state_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }

  const T& value() const& {
    assert(ok());
    return std::get<T>(state_);
  }
  T& value() & {
    assert(ok());
    return std::get<T>(state_);
  }
  T&& value() && {
    assert(ok());
    return std::get<T>(std::move(state_));
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  const std::string& error() const { return failure().message; }
  // The error with its code, to pass on unchanged: "return result.failure();".
  const Error& failure() const {
    assert(!ok());
    return std::get<Error>(state_);
  }
  bool IsNotFound() const { return !ok() && failure().code == ErrorCode::kNotFound; }
  bool IsUnavailable() const { return !ok() && failure().code == ErrorCode::kUnavailable; }

  T value_or(T fallback) const& { return ok() ? value() : std::move(fallback); }

 private:
  std::variant<T, Error> state_;
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), failed_(true) {}  // NOLINT
  static Status Ok() { return {}; }

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const std::string& error() const { return error_.message; }
  const Error& failure() const { return error_; }
  bool IsNotFound() const { return failed_ && error_.code == ErrorCode::kNotFound; }
  bool IsUnavailable() const { return failed_ && error_.code == ErrorCode::kUnavailable; }

 private:
  Error error_;
  bool failed_ = false;
};

}  // namespace repro
