// Metric extraction from a program's output: regexes and JSON Lines over stdout and stderr
// fed in chunks of the fuzzer's choosing. Besides crashes, checks MetricCollector's promise
// that OnOutput (which searches runs of clean lines whole) finds exactly what searching each
// line alone finds: every input is also split by a LineSplitter and handed to OnLine of a
// second collector, and the two series must be equal.
//
// First byte: bit 0 picks one of two sets of metric specs, bits 1-3 the chunk size
// (0: the whole input at once, else 2^n - 1 bytes), bit 4 sends stdout's chunks in a
// different size than stderr's.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "harness/metrics/extract.h"
#include "harness/metrics/lines.h"
#include "tests/fuzz/fuzz_util.h"

namespace {

using namespace repro;

MetricSpec Regex(const std::string& name, MetricSource source, const std::string& pattern,
                 ReducerSpec::Kind reduce = ReducerSpec::Kind::kLast) {
  MetricSpec spec;
  spec.name = name;
  spec.source = source;
  spec.pattern = pattern;
  spec.reduce.kind = reduce;
  return spec;
}

MetricSpec JsonLines(const std::string& name, const std::string& stream, const std::string& field,
                     const std::string& step) {
  MetricSpec spec;
  spec.name = name;
  spec.source = MetricSource::kJsonLines;
  spec.stream = stream;
  spec.selector = field;
  spec.step_field = step;
  spec.reduce.kind = ReducerSpec::Kind::kMeanLast;
  spec.reduce.count = 3;
  return spec;
}

std::vector<MetricSpec> Specs(int set) {
  if (set == 0) {
    MetricSpec loss = Regex("{name}_loss", MetricSource::kStdout,
                            R"((?<name>train|test) loss:\s*(?<value>[^ ]+)(?: \+/- (?<std>\S+))?)");
    loss.scale = 100;
    MetricSpec best = Regex("lr", MetricSource::kStdout, R"(^step (?<step>\d+) .*lr=(?<value>[-+.0-9eE]+)$)",
                            ReducerSpec::Kind::kAtBest);
    best.reduce.other = "acc";
    return {Regex("acc", MetricSource::kStdout, R"(acc=(?<value>\S+))", ReducerSpec::Kind::kMax), loss, best,
            Regex("err", MetricSource::kStderr, R"(err (?<value>\S+))", ReducerSpec::Kind::kMean),
            JsonLines("j", "stderr", "acc", "step")};
  }
  return {Regex("acc", MetricSource::kStdout, R"(acc[=:]\s*(?<value>\S+))", ReducerSpec::Kind::kMin),
          Regex("x{name}", MetricSource::kStdout, R"((?<name>\w+)=(?<value>\d+)(?:\s*±\s*(?<stderr>\S+))?)"),
          Regex("val", MetricSource::kStderr, R"((?<=val )(?<value>\d+\.\d+))"),
          JsonLines("j", "stderr", "/eval/acc", "epoch")};
}

using SeriesMap = std::map<std::string, std::vector<Observation>>;

bool SameDouble(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

bool Same(const Observation& a, const Observation& b) {
  if (a.step != b.step || a.flag != b.flag || a.text != b.text || a.std.has_value() != b.std.has_value()) return false;
  if (a.std && !SameDouble(*a.std, *b.std)) return false;
  return a.flag != ValueFlag::kOk || SameDouble(a.value, b.value);
}

void Feed(MetricCollector& collector, StreamId stream, std::string_view text, size_t chunk) {
  if (chunk == 0) chunk = text.size();
  for (size_t at = 0; at < text.size(); at += chunk) collector.OnOutput(stream, text.substr(at, chunk));
  collector.OnOutput(stream, {});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Split in = fuzz::SplitFirstByte(data, size);
  int set = static_cast<int>(in.selector & 1);
  unsigned shift = (in.selector >> 1) & 7;
  size_t chunk = shift == 0 ? 0 : (size_t{1} << shift) - 1;
  size_t err_chunk = (in.selector & 16) ? (chunk == 0 ? 1 : chunk * 2 + 1) : chunk;

  SeriesMap chunked, by_line;
  auto sink_into = [](SeriesMap& map) {
    return [&map](const std::string& metric, const Observation& o) {
      fuzz::CheckObservation(o);
      map[metric].push_back(o);
    };
  };
  MetricCollector collector(Specs(set), sink_into(chunked));
  Feed(collector, StreamId::kStdout, in.rest, chunk);
  Feed(collector, StreamId::kStderr, in.rest, err_chunk);
  (void)collector.AttemptNotes();
  std::vector<MetricValue> values = collector.Finish(
      [](const MetricSpec&) { return std::filesystem::path("/nonexistent/repro-fuzz"); }, "/nonexistent");

  MetricCollector reference(Specs(set), sink_into(by_line));
  for (StreamId stream : {StreamId::kStdout, StreamId::kStderr}) {
    LineSplitter lines([&](std::string_view line) { reference.OnLine(stream, line); });
    lines.Feed(in.rest);
    lines.Finish();
  }

  fuzz::Check(chunked.size() == by_line.size(), "OnOutput and OnLine found different metrics");
  for (const auto& [metric, series] : chunked) {
    const std::vector<Observation>& expected = by_line[metric];
    fuzz::Check(series.size() == expected.size(), "OnOutput and OnLine found a different number of values");
    for (size_t i = 0; i < series.size(); ++i) {
      fuzz::Check(Same(series[i], expected[i]), "OnOutput and OnLine found different values");
    }
  }
  return 0;
}
