#include "harness/metrics/extract.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>

#include "harness/metrics/files.h"
#include "harness/metrics/lines.h"
#include "harness/metrics/tensorboard.h"
#include "tests/test_util.h"

namespace repro {
namespace {

using testing::ScopedTempDir;
using testing::WriteText;

MetricSpec Regex(const std::string& name, const std::string& pattern,
                 ReducerSpec::Kind reduce = ReducerSpec::Kind::kLast) {
  MetricSpec spec;
  spec.name = name;
  spec.pattern = pattern;
  spec.reduce.kind = reduce;
  return spec;
}

MetricSpec FileSpec(const std::string& name, MetricSource source, const std::string& file, const std::string& selector,
                    const std::string& step = "") {
  MetricSpec spec;
  spec.name = name;
  spec.source = source;
  spec.file = file;
  spec.selector = selector;
  spec.step_field = step;
  return spec;
}

std::vector<MetricValue> Collect(std::vector<MetricSpec> specs, const std::vector<std::string>& lines,
                                 const std::filesystem::path& dir = "/nonexistent") {
  MetricCollector collector(std::move(specs));
  for (const std::string& line : lines) collector.OnLine(StreamId::kStdout, line);
  return collector.Finish([&](const MetricSpec& spec) { return dir / spec.file; }, dir);
}

std::vector<Observation> Observations(std::vector<std::string> texts) {
  std::vector<Observation> series;
  for (size_t i = 0; i < texts.size(); ++i) {
    series.push_back(ParseObservedNumber(texts[i]));
    series.back().step = static_cast<int64_t>(i);
  }
  return series;
}

ReducerSpec R(ReducerSpec::Kind kind, int64_t count = 0) {
  ReducerSpec spec;
  spec.kind = kind;
  spec.count = count;
  return spec;
}

MetricValue Reduced(ReducerSpec spec, std::vector<std::string> texts) {
  Accumulator accumulator(spec);
  for (const Observation& o : Observations(texts)) accumulator.Add(o);
  return accumulator.Result("m");
}

TEST(ParseObservedNumberTest, FlagsWhatIsNotAFiniteNumber) {
  EXPECT_EQ(ParseObservedNumber("0.93").flag, ValueFlag::kOk);
  EXPECT_EQ(ParseObservedNumber("-0").value, 0.0);
  for (const char* text : {"nan", "NaN", "inf", "-inf", "Infinity", "1e309"}) {
    EXPECT_EQ(ParseObservedNumber(text).flag, ValueFlag::kNonFinite) << text;
  }
  for (const char* text : {"0,93", "abc", "", "0.9.3"}) {
    EXPECT_EQ(ParseObservedNumber(text).flag, ValueFlag::kUnparseable) << text;
  }
}

TEST(ReducerTest, EachReducer) {
  using Kind = ReducerSpec::Kind;
  EXPECT_EQ(Reduced(R(Kind::kLast), {"1", "3", "2"}).value, 2.0);
  EXPECT_EQ(Reduced(R(Kind::kFirst), {"1", "3", "2"}).value, 1.0);
  EXPECT_EQ(Reduced(R(Kind::kMin), {"1", "3", "2"}).value, 1.0);
  EXPECT_EQ(Reduced(R(Kind::kMax), {"1", "3", "2"}).value, 3.0);
  EXPECT_EQ(Reduced(R(Kind::kMean), {"1", "3", "2"}).value, 2.0);
  EXPECT_EQ(Reduced(R(Kind::kMeanLast, 2), {"1", "3", "2"}).value, 2.5);
  ReducerSpec at_step = R(Kind::kAtStep);
  at_step.step = 1;
  EXPECT_EQ(Reduced(at_step, {"1", "3", "2"}).value, 3.0);
  at_step.step = 7;
  MetricValue absent = Reduced(at_step, {"1", "3", "2"});
  EXPECT_EQ(absent.flag, ValueFlag::kMissing);
  EXPECT_EQ(absent.message, "no value at step 7 (steps 0..2 seen)");
  EXPECT_EQ(Reduced(R(Kind::kLast), {}).flag, ValueFlag::kMissing);
  EXPECT_EQ(Reduced(R(Kind::kLast), {"1", "3"}).points, 2);
}

TEST(ReducerTest, NonFiniteValuesAreNeverHidden) {
  using Kind = ReducerSpec::Kind;
  MetricValue diverged = Reduced(R(Kind::kMin), {"0.5", "nan", "0.4"});
  EXPECT_EQ(diverged.flag, ValueFlag::kNonFinite);
  EXPECT_FALSE(diverged.value.has_value());
  EXPECT_EQ(diverged.message, "value 'nan' is non-finite");
  EXPECT_EQ(Reduced(R(Kind::kMean), {"1", "0,5"}).flag, ValueFlag::kUnparseable);
  EXPECT_EQ(Reduced(R(Kind::kLast), {"nan", "0.4"}).value, 0.4) << "last looks only at the last value";
  EXPECT_EQ(Reduced(R(Kind::kMeanLast, 2), {"nan", "1", "2"}).value, 1.5) << "nor mean_last before its window";
}

TEST(MetricCollectorTest, ValueAtTheStepWhereAnotherMetricIsBest) {
  MetricSpec val = Regex("val_acc", R"(epoch (?<step>\d+) val (?<value>\S+))");
  MetricSpec test = Regex("test_acc", R"(epoch (?<step>\d+) .*test (?<value>\S+))");
  test.reduce = R(ReducerSpec::Kind::kAtBest);
  test.reduce.other = "val_acc";
  std::vector<MetricValue> values =
      Collect({val, test}, {"epoch 1 val 0.80 test 0.79", "epoch 2 val 0.90 test 0.85", "epoch 3 val 0.85 test 0.88"});
  EXPECT_EQ(values[1].value, 0.85) << "test accuracy at the best validation epoch, not its own best";
  test.reduce.other = "absent";
  EXPECT_EQ(Collect({val, test}, {"epoch 1 val 0.8 test 0.7"})[1].message,
            "'absent' (whose best step picks the value) was not found");
}

TEST(MetricCollectorTest, RegexGroupsForStepsStdAndNames) {
  MetricSpec named = Regex("{name}_loss", R"(Final (?<name>train|test) loss (?<value>\S+) \+/- (?<std>\S+))");
  std::vector<MetricValue> values =
      Collect({named}, {"Final train loss 0.25 +/- 0.01", "Final test loss 0.40 +/- 0.03"});
  ASSERT_EQ(values.size(), 2u);
  EXPECT_EQ(values[0].name, "test_loss");
  EXPECT_EQ(values[0].value, 0.40);
  EXPECT_EQ(values[0].std, 0.03);
  EXPECT_EQ(values[1].name, "train_loss");
  MetricValue none = Collect({named}, {"nothing"})[0];
  EXPECT_EQ(none.name, "{name}_loss");
  EXPECT_EQ(none.flag, ValueFlag::kMissing);
}

// A boosting paper's script prints its spread over data splits: "RMSE 0.17 +/- 0.004 (n=5)".
TEST(MetricCollectorTest, AGroupNCountsTheValuesAPrintedSpreadSummarises) {
  std::vector<MetricValue> values =
      Collect({Regex("rmse", R"(RMSE (?<value>\S+) \+/- (?<std>\S+) \(n=(?<n>\d+)\))"),
               Regex("mae", R"(MAE (?<value>\S+) \+/- (?<stderr>\S+) over (?<n>\d+))"),
               Regex("r2", R"(R2 (?<value>\S+) \+/- (?<stderr>\S+))"),
               Regex("acc", R"(acc (?<value>\S+) \+/- (?<std>\S+)(?: n=(?<n>\S+))?)")},
              {"RMSE 0.17 +/- 0.004 (n=5)", "MAE 0.5 +/- 0.01 over 4", "R2 0.9 +/- 0.02", "acc 0.8 +/- 0.1 n=2.5"});
  ASSERT_EQ(values.size(), 4u);
  EXPECT_EQ(values[0].name, "rmse");
  EXPECT_EQ(values[0].std, 0.004);
  EXPECT_EQ(values[0].count, 5);
  // A standard error over n values is stored as the standard deviation it implies: 0.01 * sqrt(4).
  EXPECT_EQ(values[1].count, 4);
  EXPECT_DOUBLE_EQ(*values[1].std, 0.02);
  // Without n a standard error stays as printed, and nothing counts it.
  EXPECT_EQ(values[2].std, 0.02);
  EXPECT_FALSE(values[2].count.has_value());
  EXPECT_FALSE(values[3].count.has_value()) << "a count must be a whole number";
}

// A regex that captured the word "at" names itself: the fix is in the manifest.
TEST(MetricCollectorTest, ACaptureThatIsNotANumberNamesTheExtractorAndTheText) {
  std::vector<MetricValue> values = Collect(
      {Regex("loss", R"(loss (?<value>\S+))"), Regex("nan", R"(val (?<value>\S+))")}, {"loss at step 3", "val nan"});
  EXPECT_EQ(values[0].flag, ValueFlag::kUnparseable);
  EXPECT_EQ(values[0].message, R"(the regex /loss (?<value>\S+)/ on stdout captured 'at', which is not a number)");
  // nan is what the code printed: its own result, not the extractor's mistake.
  EXPECT_EQ(values[1].flag, ValueFlag::kNonFinite);
  EXPECT_EQ(values[1].message, "value 'nan' is non-finite");
}

// scikit-learn's classification report printed as a dict: every match of the line counts.
TEST(MetricCollectorTest, EveryMatchOfALineCountsInOrder) {
  MetricSpec named = Regex("{name}", R"('(?<name>\w+)': (?<value>[-0-9.e]+))");
  std::vector<MetricValue> values = Collect({named}, {"{'precision': 0.91, 'recall': 0.88, 'f1': 0.89}"});
  ASSERT_EQ(values.size(), 3u);
  EXPECT_EQ(values[0].name, "f1");
  EXPECT_EQ(values[0].value, 0.89);
  EXPECT_EQ(values[1].name, "precision");
  EXPECT_EQ(values[2].name, "recall");
  EXPECT_EQ(values[2].value, 0.88);
  // A plain metric printed twice on a line: both are observations, in order, the last one last.
  MetricValue both = Collect({Regex("acc", R"(acc=(?<value>\S+))")}, {"train acc=0.99 val acc=0.91"})[0];
  EXPECT_EQ(both.points, 2);
  EXPECT_EQ(both.value, 0.91);
  // A pattern that can match the empty string ends, once per position.
  EXPECT_EQ(Collect({Regex("e", R"((?<value>\d*))")}, {"ab"})[0].points, 3);
}

// Code that appends its results to a text file: the same regex groups as on stdout, the
// same line cleaning, the file's glob, and the limits of any metric file.
TEST(FileMetricsTest, ARegexOverATextFile) {
  ScopedTempDir dir;
  WriteText(dir / "out/result.txt",
            "epoch 1 acc 0.5\n\x1b[1mepoch 2 acc 0.75 +/- 0.02 (n=4)\x1b[0m\n 50%|##\repoch 3 acc 0.8\n");
  WriteText(dir / "out/seed-0.log", "{'precision': 0.91, 'recall': 0.88}\n");
  WriteText(dir / "out/seed-1.log", "{'precision': 0.93, 'recall': 0.86}\n");
  MetricSpec acc = FileSpec("acc", MetricSource::kTextFile, "out/result.txt", "");
  acc.pattern = R"(epoch (?<step>\d+) acc (?<value>[0-9.]+)(?: \+/- (?<std>\S+) \(n=(?<n>\d+)\))?)";
  acc.reduce.kind = ReducerSpec::Kind::kAtStep;
  acc.reduce.step = 2;
  MetricSpec last = acc;
  last.name = "acc_last";
  last.reduce = R(ReducerSpec::Kind::kLast);
  MetricSpec named = FileSpec("{name}", MetricSource::kTextFile, "out/seed-*.log", "");
  named.pattern = R"('(?<name>\w+)': (?<value>[-0-9.e]+))";
  named.reduce.kind = ReducerSpec::Kind::kMean;
  std::vector<MetricValue> v = Collect({acc, last, named}, {}, dir.path());
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v[0].value, 0.75);
  EXPECT_EQ(v[0].std, 0.02);
  EXPECT_EQ(v[0].count, 4);
  EXPECT_EQ(v[1].value, 0.8) << "the progress bar before it was overwritten by '\\r'";
  EXPECT_EQ(v[1].points, 3);
  EXPECT_EQ(v[2].name, "precision");
  EXPECT_DOUBLE_EQ(*v[2].value, 0.92);
  EXPECT_EQ(v[3].name, "recall");

  MetricSpec absent = FileSpec("x", MetricSource::kTextFile, "out/absent.txt", "");
  absent.pattern = "x (?<value>\\d+)";
  EXPECT_EQ(Collect({absent}, {}, dir.path())[0].message,
            "not found: looked in lines of " + (dir / "out/absent.txt").string() +
                " matching /x (?<value>\\d+)/ (no file matches " + (dir / "out/absent.txt").string() +
                " (it was not written, or the path is wrong))");
  // A symlink out of the attempt's folder is not followed.
  std::filesystem::create_symlink("/etc/hostname", dir / "out/link.txt");
  MetricSpec link = FileSpec("x", MetricSource::kTextFile, "out/link.txt", "");
  link.pattern = "(?<value>.+)";
  MetricValue refused = Collect({link}, {}, dir.path())[0];
  EXPECT_EQ(refused.flag, ValueFlag::kMissing);
  EXPECT_NE(refused.message.find("link.txt"), std::string::npos) << refused.message;
}

// A result file shipped with the code ("Test RMSE: 0.99") that the run appends to: the bytes
// there before the run are skipped while the file still begins with them; a file the run
// rewrote (shorter, or changed at its start) is read whole; a file that was not there, or that
// matched no pattern before, is read whole with no note.
TEST(FileMetricsTest, ATextFileIsReadFromWhereItEndedBeforeTheRun) {
  ScopedTempDir dir;
  const std::string stale = "Test RMSE: 0.99\n";
  MetricSpec rmse = FileSpec("rmse", MetricSource::kTextFile, "work/results/*.txt", "");
  rmse.pattern = R"(Test RMSE: (?<value>\S+))";
  rmse.reduce.kind = ReducerSpec::Kind::kFirst;
  auto resolve = [&](const MetricSpec& spec) { return dir / spec.file; };
  auto collect = [&](const FilesBefore& before) {
    MetricCollector collector({rmse});
    return collector.Finish(resolve, dir.path(), before)[0];
  };

  WriteText(dir / "work/results/appended.txt", stale);
  WriteText(dir / "work/results/rewritten.txt", stale);
  WriteText(dir / "work/results/truncated.txt", stale + stale);
  FilesBefore before = RecordFilesBefore({rmse}, resolve, dir.path());
  ASSERT_EQ(before.size(), 3u);
  EXPECT_EQ(before[(dir / "work/results/appended.txt").lexically_normal()].size, stale.size());

  // Appended: only the run's own line.
  std::filesystem::path appended = dir / "work/results/appended.txt";
  std::filesystem::remove(dir / "work/results/rewritten.txt");
  std::filesystem::remove(dir / "work/results/truncated.txt");
  WriteText(appended, stale + "Test RMSE: 0.37\n");
  MetricValue value = collect(before);
  EXPECT_EQ(value.value, 0.37);
  EXPECT_EQ(value.points, 1);
  EXPECT_EQ(value.message, "note: " + appended.string() + ": 16 bytes present before the run were skipped");
  // Without the record, the stale line is the first.
  EXPECT_EQ(collect({}).value, 0.99);
  // Nothing appended: nothing measured, and the message says why.
  WriteText(appended, stale);
  value = collect(before);
  EXPECT_EQ(value.flag, ValueFlag::kMissing);
  EXPECT_NE(value.message.find("16 bytes present before the run were skipped"), std::string::npos) << value.message;
  std::filesystem::remove(appended);

  // Rewritten with as many bytes or more, but other ones ("w" mode): read whole.
  std::filesystem::path rewritten = dir / "work/results/rewritten.txt";
  WriteText(rewritten, "Test RMSE: 0.41\nTest RMSE: 0.42\n");
  value = collect(before);
  EXPECT_EQ(value.value, 0.41);
  EXPECT_EQ(value.message, "note: " + rewritten.string() +
                               ": rewritten during the run (it no longer begins with the 16 bytes present before), "
                               "read whole");
  std::filesystem::remove(rewritten);

  // Truncated to fewer bytes than it held: read whole.
  WriteText(dir / "work/results/truncated.txt", "Test RMSE: 0.5\n");
  value = collect(before);
  EXPECT_EQ(value.value, 0.5);
  EXPECT_NE(value.message.find("rewritten during the run"), std::string::npos) << value.message;
}

TEST(MetricCollectorTest, ScaleAndUnit) {
  MetricSpec acc = Regex("acc", R"(acc=(?<value>\S+) \+- (?<std>\S+))");
  acc.scale = 100;
  acc.unit = "%";
  MetricValue value = Collect({acc}, {"acc=0.9312 +- 0.002"})[0];
  EXPECT_DOUBLE_EQ(*value.value, 93.12);
  EXPECT_DOUBLE_EQ(*value.std, 0.2);
  EXPECT_EQ(value.unit, "%");
}

TEST(MetricCollectorTest, StreamsEveryObservationToTheSink) {
  std::vector<std::pair<std::string, int64_t>> seen;
  MetricCollector collector(
      {Regex("acc", R"(acc=(?<value>\S+))")},
      [&](const std::string& metric, const Observation& o) { seen.emplace_back(metric, *o.step); });
  collector.OnLine(StreamId::kStdout, "acc=1");
  collector.OnLine(StreamId::kStderr, "acc=2");  // wrong stream
  collector.OnLine(StreamId::kStdout, "acc=3");
  EXPECT_EQ(seen, (std::vector<std::pair<std::string, int64_t>>{{"acc", 0}, {"acc", 1}}));
}

TEST(MetricCollectorTest, MissingMetricSaysWhereItLooked) {
  EXPECT_EQ(Collect({Regex("acc", R"(acc=(?<value>\S+))")}, {"nothing here"})[0].message,
            "not found: looked in stdout lines matching /acc=(?<value>\\S+)/");
  ScopedTempDir dir;
  MetricValue file = Collect({FileSpec("acc", MetricSource::kJson, "out/m.json", "/acc")}, {}, dir.path())[0];
  EXPECT_EQ(file.message, "not found: looked in " + (dir / "out/m.json").string() + " at /acc (no file matches " +
                              (dir / "out/m.json").string() + " (it was not written, or the path is wrong))");
}

TEST(MetricCollectorTest, InvalidUtf8DoesNotHideTheMetricOnTheSameLine) {
  EXPECT_EQ(Collect({Regex("acc", "acc=(?<value>[0-9.]+)")}, {"caf\xe9 acc=0.5"})[0].value, 0.5);
}

TEST(MetricCollectorTest, JsonLinesOnAStream) {
  MetricSpec spec;
  spec.name = "acc";
  spec.source = MetricSource::kJsonLines;
  spec.stream = "stdout";
  spec.selector = "acc";
  spec.step_field = "step";
  spec.reduce.kind = ReducerSpec::Kind::kMax;
  MetricValue value = Collect({spec}, {R"({"step": 10, "acc": 0.5})", "not json", R"({"step": 20, "loss": 1})",
                                       R"(  {"step": 30, "acc": 0.75})"})[0];
  EXPECT_EQ(value.value, 0.75);
  EXPECT_EQ(value.points, 2);
}

TEST(FileMetricsTest, JsonJsonLinesCsvTsvAndGlobs) {
  ScopedTempDir dir;
  WriteText(dir / "out/m.json", R"({"test": {"acc": [0.5, 0.8]}, "nan": "NaN"})");
  WriteText(dir / "out/log.jsonl",
            "{\"epoch\": 1, \"eval\": {\"acc\": 0.7}}\n{\"epoch\": 2, \"eval\": {\"acc\": 0.9}}\n");
  WriteText(dir / "out/log.csv", "epoch,\"val acc\",loss\n1,0.5,2\n2,\"0.6\",1.5\n3,,1\n");
  WriteText(dir / "out/log.tsv", "step\tacc\n5\t0.25\n");
  WriteText(dir / "out/seed-0/r.json", R"({"acc": 1})");
  WriteText(dir / "out/seed-1/r.json", R"({"acc": 3})");
  MetricSpec json = FileSpec("json", MetricSource::kJson, "out/m.json", "/test/acc");
  json.reduce.kind = ReducerSpec::Kind::kMax;
  MetricSpec jsonl = FileSpec("jsonl", MetricSource::kJsonLines, "out/log.jsonl", "/eval/acc", "epoch");
  MetricSpec csv = FileSpec("csv", MetricSource::kCsv, "out/log.csv", "val acc", "epoch");
  MetricSpec tsv = FileSpec("tsv", MetricSource::kCsv, "out/log.tsv", "acc");
  MetricSpec glob = FileSpec("glob", MetricSource::kJson, "out/seed-*/r.json", "/acc");
  glob.reduce.kind = ReducerSpec::Kind::kMean;
  MetricSpec nan = FileSpec("nan", MetricSource::kJson, "out/m.json", "/nan");
  std::vector<MetricValue> v = Collect({json, jsonl, csv, tsv, glob, nan}, {}, dir.path());
  EXPECT_EQ(v[0].value, 0.8);
  EXPECT_EQ(v[1].value, 0.9);
  EXPECT_EQ(v[2].value, 0.6);
  EXPECT_EQ(v[2].points, 2) << "the empty cell is skipped";
  EXPECT_EQ(v[3].value, 0.25);
  EXPECT_EQ(v[4].value, 2.0);
  EXPECT_EQ(v[5].flag, ValueFlag::kNonFinite);

  MetricSpec bad_column = FileSpec("x", MetricSource::kCsv, "out/log.csv", "val_acc");
  EXPECT_EQ(Collect({bad_column}, {}, dir.path())[0].message,
            "not found: looked in column 'val_acc' of " + (dir / "out/log.csv").string() + " (" +
                (dir / "out/log.csv").string() +
                ": no column 'val_acc' in the header (columns: epoch, val acc, loss) (did you mean 'val acc'?))");
}

// ---- TensorBoard -------------------------------------------------------------------

std::string Varint(uint64_t value) {
  std::string out;
  while (value >= 0x80) {
    out += static_cast<char>((value & 0x7f) | 0x80);
    value >>= 7;
  }
  out += static_cast<char>(value);
  return out;
}
std::string Key(int field, int wire) { return Varint(static_cast<uint64_t>(field) << 3 | static_cast<uint64_t>(wire)); }
std::string Bytes(int field, const std::string& payload) { return Key(field, 2) + Varint(payload.size()) + payload; }
template <typename T>
std::string Raw(T value) {
  return std::string(reinterpret_cast<const char*>(&value), sizeof(T));
}

// An Event with one scalar, in the simple_value encoding or as a scalar float tensor.
std::string ScalarEvent(int64_t step, const std::string& tag, float value, bool as_tensor) {
  std::string summary_value = Bytes(1, tag);
  if (as_tensor) {
    std::string tensor = Key(1, 0) + Varint(1) /* DT_FLOAT */ + Bytes(5, Raw(value)) /* packed float_val */;
    summary_value += Bytes(8, tensor);
  } else {
    summary_value += Key(2, 5) + Raw(value);
  }
  return Key(1, 1) + Raw(1.7e9) + Key(2, 0) + Varint(static_cast<uint64_t>(step)) + Bytes(5, Bytes(1, summary_value));
}

std::string Record(const std::string& data) {
  std::string length = Raw(static_cast<uint64_t>(data.size()));
  return length + Raw(MaskedCrc32c(length)) + data + Raw(MaskedCrc32c(data));
}

// lm-evaluation-harness 0.4's results file, trimmed to the parts repro reads (the format of
// lm_eval/loggers/evaluation_tracker.py: "results", "n-samples", ...).
const char* kLmEvalResults = R"json({
  "results": {
    "arc_challenge": {"alias": "arc_challenge", "acc,none": 0.5324232081911263, "acc_stderr,none": 0.014580637569995421,
                      "acc_norm,none": 0.5691126279863481, "acc_norm_stderr,none": 0.014471133392642473},
    "hellaswag": {"alias": "hellaswag", "acc,none": 0.6131248755228043, "acc_stderr,none": "N/A"},
    "old_task": {"acc": 0.25, "acc_stderr": 0.01, "sample_len": 400}
  },
  "higher_is_better": {"arc_challenge": {"acc": true, "acc_norm": true}},
  "n-samples": {"arc_challenge": {"original": 1172, "effective": 1172}, "hellaswag": {"original": 10042, "effective": 10042}},
  "config": {"model": "hf", "model_args": "pretrained=EleutherAI/pythia-160m"}
})json";

TEST(LmEvalResultsTest, ReadsATaskMetricAndItsStderrAsTheRunsSpread) {
  std::vector<Observation> seen;
  auto emit = [&](Observation o) { seen.push_back(std::move(o)); };
  ASSERT_TRUE(ReadLmEvalResults(kLmEvalResults, "arc_challenge/acc_norm,none", emit));
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_DOUBLE_EQ(seen[0].value, 0.5691126279863481);
  ASSERT_TRUE(seen[0].std && seen[0].count);
  EXPECT_EQ(*seen[0].count, 1172) << "n-samples effective";
  EXPECT_NEAR(*seen[0].std / std::sqrt(1172.0), 0.014471133392642473, 1e-15) << "stderr x sqrt(n)";

  seen.clear();
  ASSERT_TRUE(ReadLmEvalResults(kLmEvalResults, "arc_challenge/acc", emit)) << "the filter defaults to none";
  EXPECT_DOUBLE_EQ(seen.at(0).value, 0.5324232081911263);
  seen.clear();
  ASSERT_TRUE(ReadLmEvalResults(kLmEvalResults, "hellaswag/acc", emit));
  EXPECT_FALSE(seen.at(0).std.has_value()) << "a stderr of N/A is no spread";
  seen.clear();
  ASSERT_TRUE(ReadLmEvalResults(kLmEvalResults, "old_task/acc", emit)) << "older files have no filters";
  EXPECT_EQ(seen.at(0).count, 400) << "sample_len when there is no n-samples";

  Status no_task = ReadLmEvalResults(kLmEvalResults, "arc_easy/acc", emit);
  ASSERT_FALSE(no_task);
  EXPECT_EQ(no_task.error(), "no task 'arc_easy' in the results (tasks: arc_challenge, hellaswag, old_task)");
  Status no_metric = ReadLmEvalResults(kLmEvalResults, "arc_challenge/f1", emit);
  ASSERT_FALSE(no_metric);
  EXPECT_EQ(no_metric.error(), "task 'arc_challenge' has no metric 'f1' (its metrics: acc,none, acc_norm,none)");
  EXPECT_FALSE(ReadLmEvalResults(R"({"acc": 1})", "a/acc", emit)) << "not a results file";
  EXPECT_FALSE(ReadLmEvalResults(std::string(100000, '['), "a/acc", emit)) << "bounded depth";
}

TEST(LmEvalResultsTest, ThroughTheCollectorFromTheFileLmEvalWrites) {
  ScopedTempDir dir;
  WriteText(dir.path() / "out/EleutherAI__pythia-160m/results_2026-12-02T05-10-11.json", kLmEvalResults);
  MetricSpec spec = FileSpec("arc", MetricSource::kLmEval, "out/*/results_*.json", "arc_challenge/acc_norm,none");
  spec.scale = 100;
  MetricValue value = Collect({spec}, {}, dir.path())[0];
  ASSERT_EQ(value.flag, ValueFlag::kOk) << value.message;
  EXPECT_NEAR(*value.value, 56.91126279863481, 1e-9);
  EXPECT_EQ(value.count, 1172);
  MetricValue missing =
      Collect({FileSpec("x", MetricSource::kLmEval, "out/*/results_*.json", "arc_easy/acc")}, {}, dir.path())[0];
  EXPECT_EQ(missing.flag, ValueFlag::kMissing);
  EXPECT_NE(missing.message.find("no task 'arc_easy'"), std::string::npos) << missing.message;
}

TEST(TensorBoardTest, Crc32cMatchesTheStandardCheckValue) { EXPECT_EQ(Crc32c("123456789"), 0xE3069283u); }

TEST(TensorBoardTest, ReadsBothScalarEncodingsAndStopsAtDamage) {
  std::string file = Record(Bytes(3, "brain.Event:2")) + Record(ScalarEvent(10, "val/acc", 0.5f, false)) +
                     Record(ScalarEvent(20, "val/acc", 0.75f, true)) + Record(ScalarEvent(20, "loss", 2.0f, false));
  std::vector<std::pair<int64_t, double>> seen;
  auto emit = [&](Observation o) { seen.emplace_back(*o.step, o.value); };
  EventFileResult result = ReadEventFile(file, "val/acc", emit);
  EXPECT_EQ(result.records, 4);
  EXPECT_EQ(result.warning, "");
  EXPECT_EQ(seen, (std::vector<std::pair<int64_t, double>>{{10, 0.5}, {20, 0.75}}));

  std::string corrupt = file;
  corrupt[corrupt.size() - 10] ^= 0x01;  // a byte inside the last record's data
  seen.clear();
  EXPECT_NE(ReadEventFile(corrupt, "val/acc", emit).warning.find("record data CRC mismatch"), std::string::npos);
  EXPECT_EQ(seen.size(), 2u) << "records before the damage are kept";

  seen.clear();
  EventFileResult truncated = ReadEventFile(file.substr(0, file.size() - 7), "val/acc", emit);
  EXPECT_NE(truncated.warning.find("truncated record"), std::string::npos) << truncated.warning;
  EXPECT_EQ(seen.size(), 2u);
}

TEST(TensorBoardTest, AFolderOfEventFilesIsReadInOrder) {
  ScopedTempDir dir;
  WriteText(dir / "tb/events.out.tfevents.1700000002.host", Record(ScalarEvent(2, "acc", 0.9f, false)));
  WriteText(dir / "tb/events.out.tfevents.1700000001.host", Record(ScalarEvent(1, "acc", 0.5f, false)));
  WriteText(dir / "tb/notes.txt", "not an event file");
  MetricSpec spec = FileSpec("acc", MetricSource::kTensorBoard, "tb", "acc");
  MetricValue value = Collect({spec}, {}, dir.path())[0];
  EXPECT_FLOAT_EQ(static_cast<float>(*value.value), 0.9f);
  EXPECT_EQ(value.points, 2);
}

// ---- lines ---------------------------------------------------------------------------

TEST(LineSplitterTest, CleansProgressBarsAndColours) {
  std::vector<std::string> lines;
  LineSplitter splitter([&](std::string_view line) { lines.emplace_back(line); });
  splitter.Feed("10%|#   \r50%|##  \r100%|####\r\n\x1b[32macc=0.9\x1b[0m\npart");
  splitter.Feed("ial");
  splitter.Finish();
  EXPECT_EQ(lines, (std::vector<std::string>{"100%|####", "acc=0.9", "partial"}));
}

TEST(LineSplitterTest, OverlongLinesAreCutAndMemoryStaysBounded) {
  std::vector<std::string> lines;
  LineSplitter splitter([&](std::string_view line) { lines.emplace_back(line); }, /*max_line=*/16);
  splitter.Feed("acc=1 " + std::string(1000, 'x'));
  splitter.Feed(std::string(1000, 'y') + "\nnext\n" + std::string(40, 'z') + "\n");
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "acc=1 xxxxxxxxxx");
  EXPECT_EQ(lines[1], "next");
  EXPECT_EQ(lines[2], std::string(16, 'z'));
  EXPECT_EQ(splitter.overlong_lines(), 2u);
}

}  // namespace
}  // namespace repro

namespace repro {
namespace {

// Every observation a collector hands its sink, as "metric step value" text in arrival order
// per metric (the order between metrics is free).
std::map<std::string, std::vector<std::string>> SeenBy(const std::vector<MetricSpec>& specs,
                                                       const std::function<void(MetricCollector&)>& feed) {
  std::map<std::string, std::vector<std::string>> seen;
  MetricCollector collector(specs, [&](const std::string& metric, const Observation& o) {
    seen[metric].push_back(fmt::format("{} {} {}", o.step.value_or(-1), o.value, o.std.value_or(-1)));
  });
  feed(collector);
  return seen;
}

TEST(OutputScanTest, ChunkedScanningFindsExactlyWhatLineByLineSearchFinds) {
  // Lines that trip a whole-run search: matches that would run across a line end, two
  // matches in one line, anchors, progress bars, colours, CRLF, invalid UTF-8, empty lines.
  const std::vector<std::string> lines = {"epoch 1 acc=0.5 loss 0.9",
                                          "loss",
                                          "0.25 is not a loss line",
                                          "acc=0.6 val_acc=0.7",
                                          " 10%|###   | 1/10\r100%|#####| acc=0.8",
                                          "\x1b[32macc=0.9\x1b[0m",
                                          "",
                                          "acc=0.1\r\n",
                                          "\xff\xfe acc=0.2",
                                          "acc=",
                                          "final acc=0.95 +- 0.01 at step 7",
                                          "Final train loss 0.3 +/- 0.1",
                                          "Final test loss 0.4 +/- 0.2",
                                          "loss   ",
                                          "   0.125",
                                          "acc=nan"};
  std::string text;
  for (int repeat = 0; repeat < 40; ++repeat) {
    for (const std::string& line : lines) text += line + (line.ends_with("\r\n") ? "" : "\n");
  }
  text += "acc=0.77 (no newline at the end)";
  std::vector<MetricSpec> specs = {
      Regex("acc", R"(acc=(?<value>\S+))"),
      Regex("anchored", R"(^acc=(?<value>[0-9.]+)$)"),
      Regex("spanning", R"(loss\s+(?<value>\S+))"),
      Regex("final", R"(final acc=(?<value>\S+) \+- (?<std>\S+) at step (?<step>\d+))"),
      Regex("{name}_loss", R"(Final (?<name>train|test) loss (?<value>\S+) \+/- (?<std>\S+))"),
      Regex("behind", R"((?<=val_)acc=(?<value>\S+))"),  // not line-local: searched line by line
  };
  auto by_line = SeenBy(specs, [&](MetricCollector& c) {
    LineSplitter splitter([&](std::string_view line) { c.OnLine(StreamId::kStdout, line); });
    splitter.Feed(text);
    splitter.Finish();
  });
  ASSERT_EQ(by_line["spanning"].size(), 160u) << "4 lines of each repeat; 'loss' then '0.25' is no match";
  ASSERT_EQ(by_line["acc"].size(), 361u) << "9 matches in 8 lines of each repeat: every match of a line";
  ASSERT_EQ(by_line["acc"].back(), "360 0.77 -1");
  std::mt19937 rng(7);
  for (size_t chunk : {size_t{1}, size_t{3}, size_t{64}, size_t{4096}, text.size()}) {
    auto chunked = SeenBy(specs, [&](MetricCollector& c) {
      for (size_t at = 0; at < text.size(); at += chunk)
        c.OnOutput(StreamId::kStdout, std::string_view(text).substr(at, chunk));
      c.OnOutput(StreamId::kStdout, {});
    });
    EXPECT_EQ(chunked, by_line) << "chunks of " << chunk;
  }
  auto random = SeenBy(specs, [&](MetricCollector& c) {
    for (size_t at = 0; at < text.size();) {
      size_t n = std::uniform_int_distribution<size_t>(1, 300)(rng);
      c.OnOutput(StreamId::kStdout, std::string_view(text).substr(at, n));
      at += n;
    }
    c.OnOutput(StreamId::kStdout, {});
  });
  EXPECT_EQ(random, by_line) << "random chunks";
}

TEST(OutputScanTest, PatternsThatSeePastALineAreNotLineLocal) {
  EXPECT_TRUE(Regex::Compile(R"(acc=(?<value>\S+))")->line_local());
  EXPECT_TRUE(Regex::Compile(R"((?i)^ACC=(?<value>\S+)$)")->line_local());
  EXPECT_FALSE(Regex::Compile(R"((?<=val_)acc=(?<value>\S+))")->line_local());
  EXPECT_FALSE(Regex::Compile(R"(acc=(?<value>\S+)(?!\s))")->line_local());
  EXPECT_FALSE(Regex::Compile(R"(\Aacc=(?<value>\S+))")->line_local());
  EXPECT_FALSE(Regex::Compile(R"((?-m)acc=(?<value>\S+)$)")->line_local());
}

}  // namespace
}  // namespace repro
