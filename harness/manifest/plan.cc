#include "harness/manifest/plan.h"

#include <algorithm>

#include <fmt/format.h>

#include "harness/util/hash.h"

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

void AddManifestScopedFiles(const Manifest& manifest, const std::vector<std::string>& argv, IdentityText& identity) {
  std::string prefix = manifest.dir.string() + "/";
  for (const std::string& arg : argv) {
    std::error_code ec;
    if (arg.rfind(prefix, 0) != 0 || !std::filesystem::is_regular_file(arg, ec)) continue;
    Result<std::string> digest = Sha256File(arg);
    identity.Add("manifest-file", arg.substr(prefix.size()));
    identity.Add("manifest-file-sha256", digest ? *digest : "unreadable");
  }
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
  }
}

}  // namespace

Result<std::vector<RunSpec>> PlanRuns(const Manifest& manifest, const std::string& source_identity) {
  std::vector<RunSpec> runs;
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
        // The attempt folder is not known yet and must not change the identity.
        Result<std::vector<std::string>> argv = ExpandCommand(run, "{out}");
        if (!argv) return Error{fmt::format("experiment '{}': {}", experiment.id, argv.error())};
        IdentityText identity;
        AddCommon(manifest, source_identity, identity);
        for (const std::string& arg : *argv) {
          // Paths beside the manifest are identified by content, not by where the manifest sits.
          std::string portable = arg;
          if (portable.rfind(manifest.dir.string(), 0) == 0) portable.replace(0, manifest.dir.string().size(), "{manifest_dir}");
          identity.Add("argv", portable);
        }
        AddManifestScopedFiles(manifest, *argv, identity);
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

std::vector<const RunSpec*> RunsFor(const std::vector<RunSpec>& runs, const std::string& experiment, const NamedValues& where) {
  std::vector<const RunSpec*> selected;
  for (const RunSpec& run : runs) {
    if (run.experiment->id != experiment) continue;
    bool matches = std::all_of(where.begin(), where.end(), [&](const auto& pick) {
      bool has_param = std::any_of(run.params.begin(), run.params.end(), [&](const auto& p) { return p.first == pick.first; });
      return !has_param || std::find(run.params.begin(), run.params.end(), pick) != run.params.end();
    });
    if (matches) selected.push_back(&run);
  }
  return selected;
}

std::string ShellQuote(const std::string& value) {
  std::string quoted = "'";
  for (char c : value) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
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
