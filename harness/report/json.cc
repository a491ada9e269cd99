#include <cmath>
#include <nlohmann/json.hpp>

#include "harness/report/cells.h"
#include "harness/report/render.h"
#include "harness/util/shell_quote.h"
#include "harness/util/time.h"

namespace repro {
namespace {

using Json = nlohmann::ordered_json;

// JSON escapes control characters itself; bytes that are not UTF-8 (a metric message quoting
// a log line, a label) would make dump() throw, so they become U+FFFD instead of ending repro.
std::string Dump(const Json& json, int indent) { return json.dump(indent, ' ', false, Json::error_handler_t::replace); }

Json Optional(const std::optional<double>& value) { return value ? Json(*value) : Json(); }
Json Optional(const std::optional<int>& value) { return value ? Json(*value) : Json(); }
Json Text(const std::string& text) { return text.empty() ? Json() : Json(text); }
Json NameOf(std::optional<AttemptStatus> status) { return status ? Json(std::string(Name(*status))) : Json(); }

Json ComputeJson(const Compute& c);

Json RunJson(const RunEvidence& run) {
  static const char* const kStates[] = {"not-run", "running", "completed", "unfinished"};
  return Json{{"label", run.label},
              {"seed", run.seed},
              {"replicate", run.replicate ? Json(*run.replicate) : Json()},
              {"commit", Text(run.commit)},
              {"state", kStates[static_cast<int>(run.state)]},
              {"status", NameOf(run.status)},
              {"exit_code", Optional(run.exit_code)},
              {"signal", Optional(run.signal)},
              {"value", Optional(run.value)},
              // A flag says something only of a completed run's value.
              {"flag", run.state == RunEvidence::State::kCompleted ? Json(std::string(Name(run.flag))) : Json()},
              {"message", Text(run.message)},
              {"dir", Text(run.dir)}};
}

const char* ClaimKindName(ClaimKind kind) {
  switch (kind) {
    case ClaimKind::kValue:
      return "value";
    case ClaimKind::kComparison:
      return "comparison";
    case ClaimKind::kRanking:
      return "ranking";
  }
  return "?";
}

Json ClaimJson(const ClaimEvaluation& c) {
  const Claim& claim = *c.claim;
  const Verdict& v = c.verdict;
  Json where = Json::object();
  for (const auto& [name, value] : claim.where) where[name] = value;
  Json summary;
  if (v.summary) {
    const SeedSummary& s = *v.summary;
    summary = Json{{"n", s.n},
                   {"mean", s.mean},
                   {"std", s.n >= 2 ? Json(s.std) : Json()},
                   {"sem", s.n >= 2 ? Json(s.sem) : Json()},
                   {"ci95", s.ci_low ? Json{*s.ci_low, *s.ci_high} : Json()},
                   {"min", s.min},
                   {"max", s.max},
                   {"seeds", v.seeds}};
  }
  Json runs = Json::array();
  for (const RunEvidence& run : c.runs) runs.push_back(RunJson(run));
  Json json{{"id", claim.id}, {"kind", ClaimKindName(claim.kind)}, {"source", Text(claim.source)}, {"where", where}};
  switch (claim.kind) {
    case ClaimKind::kValue:
      json["experiment"] = claim.experiment;
      json["experiments"] = claim.ValueExperiments();
      json["metric"] = claim.metric;
      json["for_all"] = Text(claim.for_all);
      json["reported"] = {
          {"text", claim.reported.text}, {"value", claim.reported.value}, {"std", Optional(claim.reported.std)}};
      json["tolerance"] = {{"abs", Optional(claim.tolerance_abs)},
                           {"rel", Optional(claim.tolerance_rel)},
                           {"sigma", Optional(claim.tolerance_sigma)},
                           {"rounding", claim.rounding},
                           {"allowed", v.allowed}};
      break;
    case ClaimKind::kComparison:
      json["expect"] = claim.comparison->text;
      break;
    case ClaimKind::kRanking:
      json["rank"] = claim.ranking;
      json["metric"] = claim.metric;
      break;
  }
  json["better"] = BetterName(claim.better);
  json["verdict"] = VerdictName(v.kind);
  json["reason"] = v.reason;
  json["environment_notes"] = c.environment_notes;
  json["measured"] = Text(v.measured);
  json["summary"] = summary;
  json["delta"] = Optional(v.delta);
  json["test"] = Text(v.test);
  json["p_value"] = Optional(v.p_value);
  json["interval90"] = v.interval90 ? Json{v.interval90->first, v.interval90->second} : Json();
  json["more_seeds"] = v.more_seeds ? Json(*v.more_seeds) : Json();
  json["parts"] = v.parts;
  json["runs"] = runs;
  json["compute"] = ComputeJson(c.compute);
  return json;
}

}  // namespace

std::string ClaimJsonText(const ClaimEvaluation& claim) { return Dump(ClaimJson(claim), -1); }

namespace {

// Experiments whose command runs through a shell: a reader should know.
Json ShellExperiments(const Manifest& m) {
  Json ids = Json::array();
  for (const Experiment& experiment : m.experiments) {
    if (experiment.shell) ids.push_back(experiment.id);
  }
  return ids;
}

Json ComputeJson(const Compute& c) {
  return Json{{"attempts", c.attempts},
              {"wall_seconds", c.wall_seconds},
              {"cpu_seconds", c.cpu_seconds},
              {"gpu_seconds", c.gpu_seconds},
              {"peak_rss_bytes", static_cast<int64_t>(c.peak_rss_kib) * 1024}};
}

Json TablesJson(const Evaluation& evaluation) {
  Json tables = Json::array();
  for (const PaperTable& table : evaluation.manifest->tables) {
    Json rows = Json::array();
    for (const PaperTable::Row& row : table.rows) {
      Json cells = Json::array();
      for (const std::string& id : row.cells) {
        const ClaimEvaluation* c = id.empty() ? nullptr : evaluation.Find(id);
        cells.push_back(c == nullptr ? Json()
                                     : Json{{"claim", id},
                                            {"reported", ReportedCell(*c->claim)},
                                            {"measured", MeasuredCell(c->verdict)},
                                            {"verdict", VerdictName(c->verdict.kind)}});
      }
      rows.push_back({{"label", row.label}, {"cells", cells}});
    }
    tables.push_back({{"id", table.id}, {"caption", Text(table.caption)}, {"columns", table.columns}, {"rows", rows}});
  }
  return tables;
}

Json ReviewJson(const Evaluation& evaluation) {
  BadgeSuggestion badge = SuggestBadge(evaluation);
  Json summary = Json::object();
  for (const auto& [heading, text] : ChallengeSummary(evaluation)) summary[heading] = text;
  Json integrity = Json::array();
  for (const HashedFile& file : evaluation.integrity)
    integrity.push_back({{"path", file.path}, {"sha256", file.sha256}});
  Json environments = Json::array();
  for (const std::string& environment : evaluation.environments) {
    environments.push_back(Json::parse(environment, nullptr, /*allow_exceptions=*/false));
  }
  return Json{
      {"badge", {{"suggested", Text(badge.badge)}, {"reason", badge.reason}}},
      {"summary", summary},
      {"compute_total", ComputeJson(evaluation.compute)},
      {"elapsed_seconds", evaluation.elapsed_seconds ? Json(std::llround(*evaluation.elapsed_seconds)) : Json()},
      {"integrity", integrity},
      {"environments", environments}};
}

Json ManifestFilesJson(const Evaluation& evaluation) {
  Json files = Json::array();
  for (const ManifestFile& file : evaluation.manifest_files) {
    files.push_back({{"path", file.path}, {"sha256", file.sha256}, {"used_by", file.used_by}});
  }
  return files;
}

Json SetupJson(const Evaluation& evaluation) {
  const SetupReport& setup = evaluation.setup;
  Json steps = Json::array();
  for (const SetupStepView& view : setup.steps) {
    const SetupStepRecord& step = view.record;
    steps.push_back({{"step", step.step},
                     {"command", step.argv},
                     {"command_line", ShellCommandLine(step.argv)},
                     {"status", NameOf(step.status)},
                     {"exit_code", Optional(step.exit_code)},
                     {"signal", Optional(step.signal)},
                     {"wall_seconds", step.wall_seconds},
                     {"cpu_seconds", step.cpu_seconds},
                     {"peak_rss_bytes", static_cast<int64_t>(step.peak_rss_kib) * 1024},
                     {"finished_at", Text(step.finished_at)},
                     {"stdout", step.stdout_path},
                     {"stderr", step.stderr_path},
                     {"stdout_tail", view.stdout_tail},
                     {"stderr_tail", view.stderr_tail}});
  }
  Json declared = Json::array();
  for (const auto& argv : evaluation.manifest->setup) declared.push_back(argv);
  return Json{{"declared", declared},
              {"key", Text(setup.key)},
              {"executions", setup.executions},
              {"steps", steps},
              {"compute", ComputeJson(setup.compute)}};
}

Json CommandsJson(const Evaluation& evaluation) {
  Json commands = Json::array();
  for (const RunCommand& command : evaluation.commands) {
    commands.push_back({{"label", command.label}, {"argv", command.argv}, {"line", ShellCommandLine(command.argv)}});
  }
  return commands;
}

// Stands where the claims go until they are written. It is found with its key at the top
// level, after a raw newline, which no string in the dump can hold: text from a manifest or
// a run cannot move the claims.
constexpr const char* kClaimsPlaceholder = "\x01claims\x01";

// "json" dumped as the whole report indents it at nesting "depth" (two spaces a level).
std::string IndentedAt(const Json& json, int depth) {
  std::string text = Dump(json, 2), indented;
  std::string newline = "\n" + std::string(2 * depth, ' ');
  for (char c : text) {
    if (c == '\n')
      indented += newline;
    else
      indented += c;
  }
  return indented;
}

// The claims array, each claim's tree made, dumped and freed in turn.
std::string ClaimsArrayText(const Evaluation& evaluation) {
  if (evaluation.claims.empty()) return "[]";
  std::string text = "[";
  for (size_t i = 0; i < evaluation.claims.size(); ++i)
    text += (i ? ",\n    " : "\n    ") + IndentedAt(ClaimJson(evaluation.claims[i]), 2);
  return text + "\n  ]";
}

}  // namespace

std::string RenderJson(const Evaluation& evaluation) {
  const Manifest& m = *evaluation.manifest;
  Json summary{{"claims", evaluation.claims.size()}};
  for (VerdictKind kind :
       {VerdictKind::kReproduced, VerdictKind::kBetterThanClaimed, VerdictKind::kNotReproduced,
        VerdictKind::kInconclusive, VerdictKind::kFailed, VerdictKind::kMissing, VerdictKind::kPending}) {
    summary[VerdictName(kind)] = evaluation.Count(kind);
  }
  summary["all_reproduced"] = evaluation.AllSucceeded();
  Json unfinished = Json::array();
  for (const RunEvidence& run : evaluation.unfinished_runs) unfinished.push_back(RunJson(run));
  Json report{{"format", "repro-report"},
              {"version", kReportJsonVersion},
              {"generated_at", NowUtcIso8601()},
              {"repro_version", REPRO_VERSION},
              {"paper",
               {{"title", m.paper.title},
                {"authors", m.paper.authors},
                {"year", m.paper.year ? Json(*m.paper.year) : Json()},
                {"venue", Text(m.paper.venue)},
                {"arxiv", Text(m.paper.arxiv)},
                {"doi", Text(m.paper.doi)},
                {"url", Text(m.paper.url)}}},
              {"manifest", {{"path", m.path.string()}, {"sha256", m.sha256}}},
              {"source",
               {{"description", evaluation.source_description},
                {"git", Text(m.source.git)},
                {"commit", Text(m.source.commit)},
                {"path", m.source.is_git() ? Json() : Json(m.source.path.string())},
                {"deviations", evaluation.deviations},
                {"files_beside_manifest", ManifestFilesJson(evaluation)}}},
              {"shell_experiments", ShellExperiments(m)},
              {"setup", SetupJson(evaluation)},
              {"commands", CommandsJson(evaluation)},
              {"summary", summary},
              {"claims", kClaimsPlaceholder},
              {"tables", TablesJson(evaluation)},
              {"review", ReviewJson(evaluation)},
              {"unfinished_runs", unfinished}};
  // Claims are written one at a time into the place held for them: a lab's report has
  // 10,000 runs in its claims, and their tree all at once took more memory than the rest.
  std::string text = Dump(report, 2);
  std::string placeholder = "\n  \"claims\": " + Dump(Json(kClaimsPlaceholder), -1);
  size_t at = text.find(placeholder);
  std::string claims = ClaimsArrayText(evaluation), out;
  out.reserve(text.size() + claims.size() + 16);
  out.append(text, 0, at).append("\n  \"claims\": ").append(claims);
  claims = std::string();
  out.append(text, at + placeholder.size()).append("\n");
  return out;
}

}  // namespace repro
