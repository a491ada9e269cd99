#include "harness/runner/attempt.h"

#include <fmt/format.h>

#include <charconv>
#include <fstream>
#include <nlohmann/json.hpp>

#include "harness/exec/environment.h"
#include "harness/exec/sandbox.h"
#include "harness/runner/runner.h"
#include "harness/source/source.h"
#include "harness/util/atomic_file.h"
#include "harness/util/read_file.h"
#include "harness/util/regular_file.h"

namespace repro {
namespace {

using Json = nlohmann::ordered_json;

Json Optional(const std::optional<double>& value) { return value ? Json(*value) : Json(); }
Json Optional(const std::optional<int>& value) { return value ? Json(*value) : Json(); }

// A status or flag read back from a record by its name; a name this repro does not know makes
// the record unreadable, never a guess.
template <typename Enum>
Enum NameFromJson(const Json& json, std::optional<Enum> (*parse)(std::string_view)) {
  std::optional<Enum> value = parse(json.get<std::string>());
  if (!value) throw Json::other_error::create(501, fmt::format("unknown name '{}'", json.get<std::string>()), &json);
  return *value;
}

Json MetricsJson(const std::vector<MetricRecord>& metrics) {
  Json out = Json::object();
  for (const MetricRecord& metric : metrics) {
    out[metric.name] = {{"value", Optional(metric.value)},
                        {"std", Optional(metric.std)},
                        {"unit", metric.unit},
                        {"flag", Name(metric.flag)},
                        {"points", metric.points},
                        {"message", metric.message},
                        {"count", metric.count ? Json(*metric.count) : Json()}};
  }
  return out;
}

std::vector<MetricRecord> MetricsFromJson(const Json& json) {
  std::vector<MetricRecord> metrics;
  for (const auto& [name, m] : json.items()) {
    MetricRecord metric;
    metric.name = name;
    if (m.at("value").is_number()) metric.value = m.at("value").get<double>();
    if (m.at("std").is_number()) metric.std = m.at("std").get<double>();
    metric.unit = m.at("unit").get<std::string>();
    metric.flag = NameFromJson(m.at("flag"), ParseValueFlag);
    metric.points = m.at("points").get<int64_t>();
    metric.message = m.at("message").get<std::string>();
    if (m.contains("count") && m.at("count").is_number_integer()) metric.count = m.at("count").get<int64_t>();
    metrics.push_back(std::move(metric));
  }
  return metrics;
}

template <typename T>
std::optional<T> ParseNumber(std::string_view text) {
  if (text.empty()) return std::nullopt;
  T value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

// The end of an attempt, as attempt.json and result.json both carry it (nlohmann finds these
// by argument-dependent lookup).
void to_json(Json& json, const AttemptEnd& end) {
  json = {{"status", Name(end.status)},         {"exit_code", Optional(end.exit_code)},
          {"signal", Optional(end.signal)},     {"wall_seconds", end.wall_seconds},
          {"cpu_seconds", end.cpu_seconds},     {"peak_rss_kib", end.peak_rss_kib},
          {"finished_at", end.finished_at},     {"message", end.message},
          {"metrics", MetricsJson(end.metrics)}};
}

void from_json(const Json& json, AttemptEnd& end) {
  end.status = NameFromJson(json.at("status"), ParseAttemptStatus);
  if (json.at("exit_code").is_number()) end.exit_code = json.at("exit_code").get<int>();
  if (json.at("signal").is_number()) end.signal = json.at("signal").get<int>();
  end.wall_seconds = json.at("wall_seconds").get<double>();
  end.cpu_seconds = json.at("cpu_seconds").get<double>();
  end.peak_rss_kib = json.at("peak_rss_kib").get<long>();
  end.finished_at = json.at("finished_at").get<std::string>();
  end.message = json.at("message").get<std::string>();
  end.metrics = MetricsFromJson(json.at("metrics"));
}

Result<AttemptRequest> PrepareAttempt(const Manifest& manifest, const RunSpec& run, const std::filesystem::path& dir,
                                      int attempt_number, const AttemptSettings& settings) {
  std::filesystem::path out = dir / "out", work = dir / "work";
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  if (ec) return Error{fmt::format("cannot create {}: {}", out.string(), ec.message())};
  Result<std::vector<std::string>> argv = ExpandCommand(run, out.string());
  if (!argv) return Error{argv.error()};
  // A folder left by an attempt that was killed with its runner is stale: start afresh.
  std::filesystem::remove_all(work, ec);
  if (Result<uint64_t> copied = MakeWorkingCopy(settings.source_dir, work); !copied) return Error{copied.error()};
  AttemptRequest request;
  const Resources& resources = run.experiment->resources;
  request.resources = ResourceRequest{resources.cpus, resources.memory_bytes, resources.gpus};
  request.process.argv = settings.sandbox ? SandboxCommand(*argv, work, dir) : *argv;
  request.process.cwd = work;
  request.process.env =
      BuildChildEnvironment(manifest.EnvOf(*run.experiment), {{"REPRO_SEED", std::to_string(run.seed)},
                                                              {"REPRO_OUT", out.string()},
                                                              {"REPRO_RUN_KEY", run.key},
                                                              {"REPRO_ATTEMPT", std::to_string(attempt_number)}});
  request.process.stdout_path = dir / "stdout.log";
  request.process.stderr_path = dir / "stderr.log";
  request.process.timeout_seconds = run.experiment->timeout_seconds;
  request.process.kill_grace_seconds = settings.kill_grace_seconds;
  request.process.log_cap_bytes = settings.log_cap_bytes;
  request.process.memory_limit_bytes = resources.memory_bytes;
  request.process.max_processes = resources.processes > 0 ? resources.processes : kDefaultMaxProcesses;
  request.metrics = run.experiment->metrics;
  Bindings bindings = run.bindings;
  bindings["out"] = out.string();
  request.metric_file = [bindings, work](const MetricSpec& spec) {
    Result<std::string> path = ExpandTemplate(spec.file, bindings);
    return work / (path ? *path : spec.file);
  };
  request.metric_root = dir;
  // A result file shipped with the code (results/result.txt) that the run appends to: what it
  // holds now is no result of this attempt. Recorded here, where the copy is made, so that a
  // Slurm task, which prepares its attempt on the node, skips it as a local run does.
  request.files_before = RecordFilesBefore(request.metrics, request.metric_file, dir);
  request.command = std::move(argv).value();
  return request;
}

void TakeOutcome(const AttemptOutcome& outcome, AttemptRecord& attempt) {
  const ProcessResult& process = outcome.process;
  static_cast<ProcessEndRecord&>(attempt) = EndOfProcess(process);
  attempt.message = process.message;
  attempt.metrics = ToRecords(outcome.metrics);
}

std::string ParamsJson(const RunSpec& run) {
  Json params = Json::object();
  for (const auto& [name, value] : run.params) params[name] = value;
  return params.dump();
}

std::vector<MetricRecord> ToRecords(const std::vector<MetricValue>& values) {
  std::vector<MetricRecord> records;
  for (const MetricValue& v : values) {
    records.push_back({v.name, v.value, v.std, v.flag, v.message, v.unit, v.points, v.count});
  }
  return records;
}

std::string DescribeFailure(const AttemptRecord& attempt, const std::vector<std::string>& argv) {
  std::string text =
      argv.empty() ? "" : fmt::format("  command: {}\n", ShellCommandLine(argv));  // empty: it never started
  if (!attempt.message.empty()) text += fmt::format("  note: {}\n", attempt.message);
  std::string tail;
  // The child may have replaced its log with a symlink or a FIFO: only a regular file is read.
  for (const std::string& line : LastLinesOfRegularFile(std::filesystem::path(attempt.dir) / "stderr.log", 5))
    tail += "    | " + line + "\n";
  if (!tail.empty()) text += "  last lines of stderr:\n" + tail;
  text += fmt::format("  logs: {}", attempt.dir);
  return text;
}

std::string DescribeMetrics(const std::vector<MetricRecord>& metrics) {
  std::vector<std::string> values;
  for (const MetricRecord& metric : metrics) {
    values.push_back(metric.value ? fmt::format("{}={:.6g}", metric.name, *metric.value)
                                  : fmt::format("{} {}", metric.name, Name(metric.flag)));
  }
  return fmt::format("{}", fmt::join(values, ", "));
}

void WriteAttemptRecord(const AttemptRecord& attempt, const RunSpec& run, const std::vector<std::string>& argv,
                        bool sandboxed) {
  Json record;
  record["schema"] = 1;
  record["run_key"] = run.key;
  record["label"] = run.label;
  record["experiment"] = run.experiment->id;
  record["params"] = Json::parse(ParamsJson(run));
  record["seed"] = run.seed;
  record["attempt"] = attempt.number;
  record["argv"] = argv;
  record["cwd"] = (std::filesystem::absolute(attempt.dir) / "work").string();
  record["isolation"] = sandboxed ? "sandbox" : "none";
  record["environment"] = attempt.environment;
  if (!attempt.job.empty()) record["slurm_job"] = attempt.job;
  record["started_at"] = attempt.started_at;
  record.update(Json(attempt.end()));
  // A record that cannot be written is not fatal, and it need not survive a power cut: the
  // database holds the same facts durably.
  (void)WriteFileAtomically(std::filesystem::path(attempt.dir) / "attempt.json", record.dump(2) + "\n",
                            /*durable=*/false);
}

void SeriesBuffer::Add(const std::string& metric, const Observation& o) {
  int64_t& seq = next_seq_[metric];
  Add({metric, seq++, o.step, o.flag == ValueFlag::kOk ? std::optional<double>(o.value) : std::nullopt, o.std, o.flag});
}

void SeriesBuffer::Add(SeriesPoint point) {
  pending_.push_back(std::move(point));
  if (pending_.size() >= kBatch) (void)Flush();  // a failure is kept and reported when the attempt ends
}

Status SeriesBuffer::Flush() {
  if (!pending_.empty() && failure_.ok()) failure_ = store_.AppendSeries(attempt_id_, pending_);
  pending_.clear();
  return failure_;
}

Status WriteJobResult(const std::filesystem::path& dir, const JobResult& result) {
  Json record;
  record["schema"] = 1;
  record["run_key"] = result.attempt.run_key;
  record["attempt"] = result.attempt.number;
  record["job"] = result.job;
  record["node"] = result.node;
  record["restart"] = result.restart;
  record["argv"] = result.argv;
  record.update(Json(result.attempt.end()));
  record["series_points"] = result.series_points;
  // The fingerprint's own text, so that its sha256 is the same here as in a local run.
  record["environment"] = result.attempt.environment;
  record["environment_json"] = result.environment_json;
  return WriteFileAtomically(dir / kJobResultFile, record.dump(2) + "\n", /*durable=*/true);
}

Result<JobResult> ReadJobResult(const std::filesystem::path& dir) {
  std::filesystem::path path = dir / kJobResultFile;
  Result<std::string> text = ReadFile(path);
  if (!text) return Error{text.error()};
  try {
    Json json = Json::parse(*text);
    if (json.at("schema").get<int>() != 1) return Error{fmt::format("{}: written by a newer repro", path.string())};
    JobResult result;
    result.attempt.run_key = json.at("run_key").get<std::string>();
    result.attempt.number = json.at("attempt").get<int>();
    result.job = json.at("job").get<std::string>();
    result.node = json.at("node").get<std::string>();
    result.restart = json.at("restart").get<int>();
    result.argv = json.at("argv").get<std::vector<std::string>>();
    result.attempt.end() = json.get<AttemptEnd>();
    result.series_points = json.at("series_points").get<int64_t>();
    result.attempt.environment = json.at("environment").get<std::string>();
    result.environment_json = json.at("environment_json").get<std::string>();
    return result;
  } catch (const Json::exception& e) {
    return Error{fmt::format("{} is not a result record repro can read: {}", path.string(), e.what())};
  }
}

std::string SeriesLine(const std::string& metric, int64_t seq, const Observation& o) {
  std::string line = fmt::format("{}\t{}\t", metric, seq);
  if (o.step) line += std::to_string(*o.step);
  line += '\t';
  if (o.flag == ValueFlag::kOk) line += fmt::format("{}", o.value);
  line += '\t';
  if (o.std) line += fmt::format("{}", *o.std);
  return fmt::format("{}\t{}\n", line, Name(o.flag));
}

Status ReadSeriesFile(const std::filesystem::path& path, const std::function<Status(std::vector<SeriesPoint>&)>& sink) {
  std::ifstream in(path);
  if (!in) return Error{fmt::format("cannot read {}", path.string())};
  std::vector<SeriesPoint> batch;
  std::string line;
  int64_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    std::vector<std::string_view> fields;
    for (size_t start = 0;;) {
      size_t tab = line.find('\t', start);
      fields.emplace_back(
          std::string_view(line).substr(start, tab == std::string::npos ? std::string::npos : tab - start));
      if (tab == std::string::npos) break;
      start = tab + 1;
    }
    std::optional<int64_t> seq = fields.size() == 6 ? ParseNumber<int64_t>(fields[1]) : std::nullopt;
    std::optional<ValueFlag> flag = fields.size() == 6 ? ParseValueFlag(fields[5]) : std::nullopt;
    if (!seq || !flag) return Error{fmt::format("{}:{}: not a series line", path.string(), number)};
    batch.push_back({std::string(fields[0]), *seq, ParseNumber<int64_t>(fields[2]), ParseNumber<double>(fields[3]),
                     ParseNumber<double>(fields[4]), *flag});
    if (batch.size() >= SeriesBuffer::kBatch) {
      if (Status s = sink(batch); !s) return s;
      batch.clear();
    }
  }
  if (!batch.empty()) return sink(batch);
  return Status::Ok();
}

}  // namespace repro
