#include "harness/slurm/states.h"

#include <charconv>
#include <map>

namespace repro::slurm {
namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

std::optional<int> Integer(std::string_view text) {
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

JobRow Row(std::string job_id, std::optional<int> task) {
  JobRow row;
  row.job_id = std::move(job_id);
  row.task = task;
  return row;
}

// "4242", "4242_7" or "4242_[3-5,9]" (possibly "%4" throttles): the rows it stands for.
std::vector<JobRow> ExpandJobId(std::string_view id) {
  size_t underscore = id.find('_');
  if (underscore == std::string_view::npos) return {Row(std::string(id), std::nullopt)};
  std::string job(id.substr(0, underscore));
  std::string_view tasks = id.substr(underscore + 1);
  if (tasks.empty()) return {};
  if (tasks.front() != '[') {
    std::optional<int> task = Integer(tasks);
    if (!task) return {};
    return {Row(job, *task)};
  }
  std::vector<JobRow> rows;
  tasks = tasks.substr(1, tasks.find(']') == std::string_view::npos ? std::string_view::npos : tasks.find(']') - 1);
  tasks = tasks.substr(0, tasks.find('%'));
  for (std::string_view range : Split(tasks, ',')) {
    size_t dash = range.find('-');
    std::optional<int> first = Integer(range.substr(0, dash));
    std::optional<int> last = dash == std::string_view::npos ? first : Integer(range.substr(dash + 1));
    if (!first || !last || *last < *first || *last - *first > 1000000) continue;
    for (int task = *first; task <= *last; ++task) rows.push_back(Row(job, task));
  }
  return rows;
}

// A row per job or task for lines of "JobID|State[|ExitCode]".
std::vector<JobRow> ParseRows(std::string_view text, bool with_exit_code) {
  std::vector<JobRow> rows;
  for (std::string_view line : Split(text, '\n')) {
    line = Trim(line);
    if (line.empty()) continue;
    std::vector<std::string_view> fields = Split(line, '|');
    if (fields.size() < 2) continue;
    std::string_view id = Trim(fields[0]);
    if (id.find('.') != std::string_view::npos) continue;  // a step: .batch, .extern, .0
    for (JobRow row : ExpandJobId(id)) {
      row.raw_state = std::string(Trim(fields[1]));
      row.state = ParseState(row.raw_state);
      if (with_exit_code && fields.size() >= 3) {
        std::vector<std::string_view> code = Split(Trim(fields[2]), ':');
        if (code.size() == 2) {
          row.exit_code = Integer(code[0]);
          std::optional<int> signal = Integer(code[1]);
          if (signal && *signal != 0) row.signal = signal;
        }
      }
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

}  // namespace

State ParseState(std::string_view text) {
  text = Trim(text);
  text = text.substr(0, text.find(' '));  // "CANCELLED by 1000"
  static const std::map<std::string_view, State> kStates = {
      {"PENDING", State::kPending},
      {"PD", State::kPending},
      {"CONFIGURING", State::kConfiguring},
      {"CF", State::kConfiguring},
      {"REQUEUED", State::kRequeued},
      {"RQ", State::kRequeued},
      {"REQUEUE_HOLD", State::kRequeued},
      {"RH", State::kRequeued},
      {"REQUEUE_FED", State::kRequeued},
      {"RF", State::kRequeued},
      {"RUNNING", State::kRunning},
      {"R", State::kRunning},
      {"SIGNALING", State::kRunning},
      {"SI", State::kRunning},
      {"STAGE_OUT", State::kRunning},
      {"SO", State::kRunning},
      {"RESIZING", State::kRunning},
      {"RS", State::kRunning},
      {"SUSPENDED", State::kSuspended},
      {"S", State::kSuspended},
      {"STOPPED", State::kSuspended},
      {"ST", State::kSuspended},
      {"COMPLETING", State::kCompleting},
      {"CG", State::kCompleting},
      {"COMPLETED", State::kCompleted},
      {"CD", State::kCompleted},
      {"FAILED", State::kFailed},
      {"F", State::kFailed},
      {"TIMEOUT", State::kTimeout},
      {"TO", State::kTimeout},
      {"OUT_OF_MEMORY", State::kOutOfMemory},
      {"OOM", State::kOutOfMemory},
      {"CANCELLED", State::kCancelled},
      {"CA", State::kCancelled},
      {"NODE_FAIL", State::kNodeFail},
      {"NF", State::kNodeFail},
      {"PREEMPTED", State::kPreempted},
      {"PR", State::kPreempted},
      {"BOOT_FAIL", State::kBootFail},
      {"BF", State::kBootFail},
      {"DEADLINE", State::kDeadline},
      {"DL", State::kDeadline},
  };
  auto found = kStates.find(text);
  return found == kStates.end() ? State::kUnknown : found->second;
}

const char* StateName(State state) {
  switch (state) {
    case State::kUnknown:
      return "UNKNOWN";
    case State::kPending:
      return "PENDING";
    case State::kConfiguring:
      return "CONFIGURING";
    case State::kRequeued:
      return "REQUEUED";
    case State::kRunning:
      return "RUNNING";
    case State::kSuspended:
      return "SUSPENDED";
    case State::kCompleting:
      return "COMPLETING";
    case State::kCompleted:
      return "COMPLETED";
    case State::kFailed:
      return "FAILED";
    case State::kTimeout:
      return "TIMEOUT";
    case State::kOutOfMemory:
      return "OUT_OF_MEMORY";
    case State::kCancelled:
      return "CANCELLED";
    case State::kNodeFail:
      return "NODE_FAIL";
    case State::kPreempted:
      return "PREEMPTED";
    case State::kBootFail:
      return "BOOT_FAIL";
    case State::kDeadline:
      return "DEADLINE";
  }
  return "UNKNOWN";
}

bool IsFinal(State state) { return state >= State::kCompleted; }

State Advance(State known, State observed) {
  if (observed == State::kUnknown) return known;
  if (observed == State::kRequeued) return observed;  // the job starts over as a new attempt
  // Slurm makes an ended job pending again only by requeueing it (a requeued job can show
  // FAILED or CANCELLED for a moment first); a late RUNNING, though, is stale news.
  if (IsFinal(known) && observed == State::kPending) return observed;
  if (IsFinal(known)) return known;  // a final state is kept
  bool between_running_and_suspended = (known == State::kRunning || known == State::kSuspended) &&
                                       (observed == State::kRunning || observed == State::kSuspended);
  return observed > known || between_running_and_suspended ? observed : known;
}

std::vector<JobRow> ParseSacct(std::string_view text) { return ParseRows(text, /*with_exit_code=*/true); }
std::vector<JobRow> ParseSqueue(std::string_view text) { return ParseRows(text, /*with_exit_code=*/false); }

}  // namespace repro::slurm
