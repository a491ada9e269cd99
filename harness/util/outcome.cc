#include "harness/util/outcome.h"

#include <fmt/format.h>

#include <array>
#include <utility>

namespace repro {
namespace {

constexpr std::array<std::pair<AttemptStatus, std::string_view>, 17> kStatusNames{{
    {AttemptStatus::kRunning, "running"},
    {AttemptStatus::kCompleted, "completed"},
    {AttemptStatus::kFailed, "failed"},
    {AttemptStatus::kKilled, "killed"},
    {AttemptStatus::kTimeout, "timeout"},
    {AttemptStatus::kOutOfMemory, "out-of-memory"},
    {AttemptStatus::kResourceLimit, "resource-limit"},
    {AttemptStatus::kInterrupted, "interrupted"},
    {AttemptStatus::kStartFailed, "start-failed"},
    {AttemptStatus::kSetupFailed, "setup-failed"},
    {AttemptStatus::kFailedNoResult, "failed-no-result"},
    {AttemptStatus::kCancelled, "cancelled"},
    {AttemptStatus::kNodeFailed, "node-failed"},
    {AttemptStatus::kPreempted, "preempted"},
    {AttemptStatus::kBootFailed, "boot-failed"},
    {AttemptStatus::kDeadline, "deadline"},
    {AttemptStatus::kLost, "lost"},
}};

constexpr std::array<std::pair<ValueFlag, std::string_view>, 4> kFlagNames{{
    {ValueFlag::kOk, "ok"},
    {ValueFlag::kNonFinite, "non-finite"},
    {ValueFlag::kUnparseable, "unparseable"},
    {ValueFlag::kMissing, "missing"},
}};

template <typename Enum, size_t N>
std::string_view NameIn(const std::array<std::pair<Enum, std::string_view>, N>& table, Enum value) {
  for (const auto& [each, name] : table)
    if (each == value) return name;
  return "?";
}

template <typename Enum, size_t N>
std::optional<Enum> ParseIn(const std::array<std::pair<Enum, std::string_view>, N>& table, std::string_view name) {
  for (const auto& [each, each_name] : table)
    if (each_name == name) return each;
  return std::nullopt;
}

}  // namespace

std::string_view Name(AttemptStatus status) { return NameIn(kStatusNames, status); }
std::optional<AttemptStatus> ParseAttemptStatus(std::string_view name) { return ParseIn(kStatusNames, name); }
std::string_view Name(ValueFlag flag) { return NameIn(kFlagNames, flag); }
std::optional<ValueFlag> ParseValueFlag(std::string_view name) { return ParseIn(kFlagNames, name); }

std::string Describe(AttemptStatus status, std::optional<int> exit_code, std::optional<int> signal) {
  std::string text(Name(status));
  if (exit_code && status != AttemptStatus::kCompleted) text += fmt::format(" (exit {})", *exit_code);
  if (signal) text += fmt::format(" (signal {})", *signal);
  return text;
}

}  // namespace repro
