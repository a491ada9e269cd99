// How a command ends: the exit codes, and CliError, a failure that carries its exit code and
// what it says. Commands return CliResult<T> and propagate the error as a value; only the
// dispatcher (app.cc) turns it into output and the process's exit code.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace repro::cli {

// Exit codes, as documented in README.md.
inline constexpr int kExitAllReproduced = 0;
inline constexpr int kExitNotReproduced = 1;  // some claim not reproduced, failed, missing or pending
inline constexpr int kExitBadInput = 2;       // bad manifest or usage
inline constexpr int kExitHarnessError = 3;   // repro itself could not work (database, disk, clone)
inline constexpr int kExitInterrupted = 130;

// "repro: MESSAGE\n". Messages quote manifests, stores and logs: control characters are
// shown, never sent to the terminal.
std::string ReproLine(std::string_view message);

// A command's failure: the exit code the process ends with, and the text written to stderr.
struct CliError {
  int code = kExitHarnessError;
  std::string text;  // written as it is; empty when the command already said why

  static CliError Say(int code, std::string_view message) { return {code, ReproLine(message)}; }
  static CliError BadInput(std::string_view message) { return Say(kExitBadInput, message); }
  static CliError Harness(std::string_view message) { return Say(kExitHarnessError, message); }
  // The command wrote its reasons as it went (every manifest's errors, every input that failed).
  static CliError AlreadySaid(int code) { return {code, ""}; }
};

// A value, or the CliError that ends the command.
template <typename T>
class [[nodiscard]] CliResult {
 public:
  CliResult(T value) : state_(std::move(value)) {}         // NOLINT: implicit by design
  CliResult(CliError error) : state_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<T>(state_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<T>(state_);
  }
  T&& value() && {
    assert(ok());
    return std::get<T>(std::move(state_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const CliError& error() const {
    assert(!ok());
    return std::get<CliError>(state_);
  }

 private:
  std::variant<T, CliError> state_;
};

// A command's end: the exit code it chose (all reproduced or not), or its failure.
using ExitCode = CliResult<int>;

}  // namespace repro::cli
