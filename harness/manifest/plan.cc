#include "harness/manifest/plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "harness/util/config_dir.h"
#include "harness/util/hash.h"
#include "harness/util/shell_quote.h"

namespace repro {
namespace {

// Length-prefixed fields make the identity text unambiguous whatever the values contain.
class IdentityText {
 public:
  void Add(std::string_view field, std::string_view value) {
    text_ += fmt::format("{}:{}:{}\n", field, value.size(), value);
  }
  std::string Digest() const { return Sha256Hex(text_); }

 private:
  std::string text_ = "repro-run-identity-v1\n";
};

std::vector<NamedValues> GridPoints(const std::vector<Param>& params) {
  std::vector<NamedValues> points = {{}};
  for (const Param& param : params) {
    std::vector<NamedValues> next;
    for (const NamedValues& point : points) {
      for (const std::string& value : param.values) {
        NamedValues extended = point;
        extended.emplace_back(param.name, value);
        next.push_back(std::move(extended));
      }
    }
    points = std::move(next);
  }
  return points;
}

// Digests of files beside the manifest, each read once however many runs name it.
using FileDigests = std::map<std::string, std::string>;

void AddManifestScopedFiles(const Manifest& manifest, const std::vector<std::string>& argv, IdentityText& identity,
                            FileDigests& digests) {
  std::string prefix = manifest.dir.string() + "/";
  for (const std::string& arg : argv) {
    if (arg.rfind(prefix, 0) != 0) continue;
    auto [it, fresh] = digests.emplace(arg, "");
    if (fresh) {
      std::error_code ec;
      Result<std::string> digest = std::filesystem::is_regular_file(arg, ec) ? Sha256File(arg) : Error::NotFound("-");
      it->second = digest ? *digest : ec || digest.IsNotFound() ? "-" : "unreadable";
    }
    if (it->second == "-") continue;  // not a file
    identity.Add("manifest-file", arg.substr(prefix.size()));
    identity.Add("manifest-file-sha256", it->second);
  }
}

// A run count for people: exact while it is, then as a power of ten.
std::string DescribeCount(double log10_count, int64_t exact) {
  if (log10_count < 15) return std::to_string(exact);
  int exponent = static_cast<int>(std::floor(log10_count + 1e-9));
  double mantissa = std::pow(10.0, log10_count - exponent);
  if (mantissa < 1.05) return fmt::format("10^{}", exponent);
  return fmt::format("{:.1f} x 10^{}", mantissa, exponent);
}

// "20 parameters: 10 x 10 x ... values, 3 seeds": where a grid's size comes from.
std::string DescribeGrid(const Experiment& experiment) {
  std::string counts;
  size_t shown = 0;
  for (const Param& param : experiment.params) {
    if (param.values.size() < 2) continue;
    if (++shown > 6) {
      counts += " x ...";
      break;
    }
    counts += fmt::format("{}{}", counts.empty() ? "" : " x ", param.values.size());
  }
  return fmt::format("{} parameter{}{}, {} seed{}", experiment.params.size(), experiment.params.size() == 1 ? "" : "s",
                     counts.empty() ? "" : ": " + counts + " values", experiment.seeds.size(),
                     experiment.seeds.size() == 1 ? "" : "s");
}

std::string Where(const Manifest& manifest, const Experiment& experiment) {
  return fmt::format("{}:{}:{}", manifest.path.string(), experiment.line, experiment.column);
}

// Runs of one experiment, saturated at max_runs + 1; "log10" gets the exact magnitude.
int64_t ExperimentRuns(const Experiment& experiment, int64_t max_runs, double& log10) {
  int64_t runs = std::min(static_cast<int64_t>(experiment.seeds.size()), max_runs + 1);
  log10 = std::log10(static_cast<double>(std::max<size_t>(experiment.seeds.size(), 1)));
  for (const Param& param : experiment.params) {
    auto values = static_cast<int64_t>(param.values.size());
    log10 += std::log10(static_cast<double>(values));
    runs = runs > (max_runs + 1) / std::max<int64_t>(values, 1) ? max_runs + 1 : runs * values;
  }
  return std::min(runs, max_runs + 1);
}

// Bytes of command text one run of "experiment" expands to, at most.
int64_t RunBytes(const Experiment& experiment) {
  int64_t bytes = 256;  // the key, label and bookkeeping
  for (const std::string& arg : experiment.command) bytes += static_cast<int64_t>(arg.size());
  for (const Param& param : experiment.params) {
    size_t longest = 0;
    for (const std::string& value : param.values) longest = std::max(longest, value.size());
    bytes += 2 * static_cast<int64_t>(longest + param.name.size());  // in the command and in the label
  }
  return bytes;
}

void AddCommon(const Manifest& manifest, const std::string& source_identity, IdentityText& identity) {
  identity.Add("source", source_identity);
  for (const auto& step : manifest.setup) {
    identity.Add("setup-step", std::to_string(step.size()));
    for (const std::string& arg : step) identity.Add("arg", arg);
  }
  for (const auto& [name, value] : manifest.env) identity.Add("env:" + name, value);
}

void AddMetrics(const Experiment& experiment, IdentityText& identity) {
  for (const MetricSpec& metric : experiment.metrics) {
    identity.Add("metric", metric.name);
    identity.Add("metric-source", MetricSourceName(metric.source));
    identity.Add("metric-pattern", metric.pattern);
    identity.Add("metric-file", metric.file);
    identity.Add("metric-stream", metric.stream);
    identity.Add("metric-selector", metric.selector);
    identity.Add("metric-step", metric.step_field);
    identity.Add("metric-reduce", DescribeReducer(metric.reduce));
    identity.Add("metric-scale", fmt::format("{}", metric.scale));
    if (metric.replicates) identity.Add("metric-replicates", "true");  // only when set: older identities stay
  }
}

}  // namespace

Result<int64_t> CountRuns(const Manifest& manifest, int64_t max_runs) {
  constexpr const char* kRaise = "raise it with --max-runs N";
  max_runs = std::clamp<int64_t>(max_runs, 0, int64_t{1} << 40);  // so that max_runs + 1 and sums cannot overflow
  int64_t total = 0, bytes = 0;
  std::string parts;
  for (const Experiment& experiment : manifest.experiments) {
    double log10 = 0;
    int64_t runs = ExperimentRuns(experiment, max_runs, log10);
    if (runs > max_runs) {
      return Error{fmt::format("{}: experiment '{}': {} runs ({}) exceeds the limit of {}; {}",
                               Where(manifest, experiment), experiment.id, DescribeCount(log10, runs),
                               DescribeGrid(experiment), max_runs, kRaise)};
    }
    int64_t run_bytes = RunBytes(experiment);
    if (runs > 0 && run_bytes > kMaxPlanBytes / runs) {
      return Error{
          fmt::format("{}: experiment '{}': {} runs of {} bytes of command each exceed the {} bytes a plan may hold; "
                      "shorten the command or its parameter values",
                      Where(manifest, experiment), experiment.id, runs, run_bytes, kMaxPlanBytes)};
    }
    total += runs;
    bytes += runs * run_bytes;
    if (&experiment - manifest.experiments.data() < 6) {
      parts += fmt::format("{}{} {}", parts.empty() ? "" : ", ", experiment.id, runs);
    } else if (&experiment - manifest.experiments.data() == 6) {
      parts += ", ...";
    }
  }
  if (manifest.experiments.empty()) return total;
  std::string where = Where(manifest, manifest.experiments.front());
  if (total > max_runs) {
    return Error{fmt::format("{}: the experiments plan {} runs in total ({}), over the limit of {}; {}", where, total,
                             parts, max_runs, kRaise)};
  }
  if (bytes > kMaxPlanBytes) {
    return Error{
        fmt::format("{}: the plan's commands would take {} bytes, more than the {} a plan may hold; shorten the "
                    "commands or their parameter values",
                    where, bytes, kMaxPlanBytes)};
  }
  return total;
}

const std::string& CodeIdentities::Of(const Experiment& experiment) const {
  auto it = own.find(experiment.id);
  return it == own.end() ? base : it->second;
}

Result<std::vector<RunSpec>> PlanRuns(const Manifest& manifest, const CodeIdentities& code, int64_t max_runs) {
  Result<int64_t> count = CountRuns(manifest, max_runs);
  if (!count) return Error{count.error()};
  std::vector<RunSpec> runs;
  runs.reserve(static_cast<size_t>(*count));
  FileDigests digests;
  const std::string runner = NotebookRunnerPath().string();
  for (const Experiment& experiment : manifest.experiments) {
    for (const NamedValues& point : GridPoints(experiment.params)) {
      for (int64_t seed : experiment.seeds) {
        RunSpec run;
        run.experiment = &experiment;
        run.params = point;
        run.seed = seed;
        for (const auto& [name, value] : point) run.bindings[name] = value;
        run.bindings["seed"] = std::to_string(seed);
        run.bindings["manifest_dir"] = manifest.dir.string();
        if (!experiment.notebook.empty()) run.bindings[kNotebookRunnerPlaceholder] = runner;
        // The attempt folder is not known yet and must not change the identity.
        Result<std::vector<std::string>> argv = ExpandCommand(run, "{out}");
        if (!argv) return Error{fmt::format("experiment '{}': {}", experiment.id, argv.error())};
        IdentityText identity;
        AddCommon(manifest, code.Of(experiment), identity);
        // Only an experiment's own variables are added: runs without any keep their identity.
        for (const auto& [name, value] : experiment.env) identity.Add("experiment-env:" + name, value);
        for (const std::string& arg : *argv) {
          // Paths beside the manifest are identified by content, not by where the manifest sits.
          std::string portable = arg;
          if (portable.rfind(manifest.dir.string(), 0) == 0)
            portable.replace(0, manifest.dir.string().size(), "{manifest_dir}");
          // Where repro is installed is not part of what runs.
          if (!experiment.notebook.empty() && arg == runner) portable = "{notebook_runner}";
          identity.Add("argv", portable);
        }
        AddManifestScopedFiles(manifest, *argv, identity, digests);
        // The seed reaches the program as REPRO_SEED even when the command does not name it.
        identity.Add("seed", std::to_string(seed));
        if (experiment.shell) identity.Add("shell", "true");
        AddMetrics(experiment, identity);
        run.key = identity.Digest();
        run.label = experiment.id;
        for (const auto& [name, value] : point) run.label += fmt::format(" {}={}", name, value);
        run.label += fmt::format(" seed={}", seed);
        runs.push_back(std::move(run));
      }
    }
  }
  return runs;
}

std::vector<std::string> RunKeys(const std::vector<RunSpec>& runs) {
  std::vector<std::string> keys;
  keys.reserve(runs.size());
  for (const RunSpec& run : runs) keys.push_back(run.key);
  return keys;
}

std::vector<const RunSpec*> RunsFor(const std::vector<RunSpec>& runs, const std::string& experiment,
                                    const NamedValues& where) {
  std::vector<const RunSpec*> selected;
  for (const RunSpec& run : runs) {
    if (run.experiment->id != experiment) continue;
    bool matches = std::all_of(where.begin(), where.end(), [&](const auto& pick) {
      bool has_param =
          std::any_of(run.params.begin(), run.params.end(), [&](const auto& p) { return p.first == pick.first; });
      return !has_param || std::find(run.params.begin(), run.params.end(), pick) != run.params.end();
    });
    if (matches) selected.push_back(&run);
  }
  return selected;
}

Result<std::vector<std::string>> ExpandCommand(const RunSpec& run, const std::string& out_dir) {
  Bindings bindings = run.bindings;
  bindings["out"] = out_dir;
  if (run.experiment->shell) {
    // Every value becomes one single-quoted shell word: it cannot end the quote or run code.
    for (auto& [name, value] : bindings) value = ShellQuote(value);
    Result<std::string> script = ExpandTemplate(run.experiment->command.front(), bindings);
    if (!script) return Error{script.error()};
    return std::vector<std::string>{"/bin/sh", "-c", *script};
  }
  std::vector<std::string> argv;
  for (const std::string& arg : run.experiment->command) {
    Result<std::string> expanded = ExpandTemplate(arg, bindings);
    if (!expanded) return Error{expanded.error()};
    argv.push_back(std::move(expanded).value());
  }
  return argv;
}

}  // namespace repro
