#include "harness/manifest/parser.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <unordered_set>

#include "harness/manifest/claim_parser.h"
#include "harness/manifest/metric_parser.h"
#include "harness/manifest/names.h"
#include "harness/manifest/paths.h"
#include "harness/manifest/template.h"
#include "harness/manifest/yaml_precheck.h"
#include "harness/manifest/yaml_reader.h"
#include "harness/util/hash.h"
#include "harness/util/read_file.h"
#include "harness/util/text.h"

namespace repro {
namespace {

using yaml::Diagnostics;
using yaml::MapReader;

// Placeholders every command may use besides its parameters.
const std::vector<std::string> kBuiltinPlaceholders = {"seed", "out", "manifest_dir"};

bool IsIdentifier(const std::string& name) { return IsName(name, "_", "_", /*digit_first=*/false); }

bool IsValidId(const std::string& id, bool allow_slash) {
  return IsName(id, "", allow_slash ? "_./-" : "_.-", /*digit_first=*/true);
}

struct Defaults {
  double timeout_seconds = kDefaultTimeoutSeconds;
  std::vector<int64_t> seeds = {0};
  Resources resources;
  bool deterministic = false;
  bool seed_from_env = false;
};

class Parser {
 public:
  Parser(Manifest& manifest, Diagnostics& diagnostics) : m_(manifest), d_(diagnostics) {}

  void ParseTop(const YAML::Node& root) {
    MapReader top(root, "at top level",
                  {"schema", "paper", "source", "inputs", "setup", "env", "isolation", "defaults", "experiments",
                   "claims", "tables"},
                  d_);
    if (!top.is_map()) return;
    if (std::optional<int64_t> schema = top.Integer("schema", 1); schema && *schema != 1) {
      d_.Add(*top.Find("schema"), fmt::format("schema {} is not supported; this repro reads schema 1", *schema));
    }
    if (const YAML::Node* paper = top.Require("paper")) ParsePaper(*paper);
    if (const YAML::Node* source = top.Require("source")) ParseSource(*source);
    if (const YAML::Node* inputs = top.Find("inputs")) ParseInputs(*inputs);
    if (const YAML::Node* setup = top.Find("setup")) ParseSetup(*setup);
    if (const YAML::Node* env = top.Find("env")) ParseEnv(*env, "", m_.env);
    m_.sandbox = top.Choice("isolation", {"none", "sandbox"}).value_or("none") == "sandbox";
    if (const YAML::Node* defaults = top.Find("defaults")) ParseDefaults(*defaults);
    if (const YAML::Node* experiments = top.Require("experiments")) ParseExperiments(*experiments);
    if (const YAML::Node* claims = top.Require("claims")) ParseClaims(*claims, m_, d_);
    std::set<std::string> deterministic;  // a set: a manifest may have thousands of experiments and claims
    for (const Experiment& e : m_.experiments) {
      if (e.deterministic) deterministic.insert(e.id);
    }
    for (Claim& claim : m_.claims) claim.deterministic = ReadsOnlyDeterministic(claim, deterministic);
    if (const YAML::Node* tables = top.Find("tables")) ParseTables(*tables);
  }

 private:
  void ParsePaper(const YAML::Node& node) {
    MapReader paper(node, "in paper", {"title", "authors", "year", "arxiv", "doi", "url", "venue", "environment"}, d_);
    Paper& p = m_.paper;
    p.title = paper.String("title", /*required=*/true).value_or("");
    p.authors = paper.StringList("authors").value_or(std::vector<std::string>{});
    if (std::optional<int64_t> year = paper.Integer("year", 1000, false, 9999)) p.year = static_cast<int>(*year);
    p.arxiv = paper.String("arxiv").value_or("");
    p.doi = paper.String("doi").value_or("");
    p.url = paper.String("url").value_or("");
    p.venue = paper.String("venue").value_or("");
    if (const YAML::Node* environment = paper.Find("environment")) {
      if (!environment->IsMap()) {
        d_.Add(*environment,
               "'environment' in paper must map names to what the paper states, like {gpu: V100, torch: \"1.13\"}");
        return;
      }
      for (const auto& item : *environment) {
        std::optional<std::string> name = yaml::ScalarText(item.first, "a name in paper.environment", d_);
        std::optional<std::string> value = yaml::ScalarText(item.second, "a value in paper.environment", d_);
        if (name && value) p.environment.emplace_back(*name, *value);
      }
    }
  }

  void ParseSource(const YAML::Node& node) {
    MapReader source(node, "in source", {"path", "git", "commit", "submodules", "files", "patches", "authors_code"},
                     d_);
    if (!source.is_map()) return;
    std::optional<std::string> path = source.String("path");
    std::optional<std::string> git = source.String("git");
    if (path && git) {
      d_.Add(node, "source has both 'path' and 'git'; keep one");
    } else if (!path && !git && !source.Find("path") && !source.Find("git")) {
      d_.Add(node, "source needs 'path' (a folder beside the manifest) or 'git' and 'commit'");
    }
    if (path) ParseSourcePath(*path, *source.Find("path"));
    if (git) {
      m_.source.git = *git;
      std::optional<std::string> commit = source.String("commit", /*required=*/true);
      if (commit) CheckCommit(*commit, *source.Find("commit"));
    } else if (source.Find("commit") && !git) {
      d_.Add(*source.Find("commit"), "'commit' in source needs 'git' beside it");
    }
    m_.source.submodules = source.Choice("submodules", {"true", "false"}).value_or("false") == "true";
    m_.source.authors_code = source.Choice("authors_code", {"true", "false"}).value_or("true") == "true";
    if (const YAML::Node* files = source.Find("files")) ParseAddedFiles(*files);
    if (const YAML::Node* patches = source.Find("patches")) {
      for (const std::string& patch : source.StringList("patches").value_or(std::vector<std::string>{})) {
        if (std::optional<std::filesystem::path> file = BesideManifest(patch, *patches, "patch"))
          m_.source.patches.push_back(*file);
      }
    }
  }

  // A file named relative to the manifest's folder that must exist.
  std::optional<std::filesystem::path> BesideManifest(const std::string& name, const YAML::Node& at,
                                                      const std::string& what) {
    std::filesystem::path file = (m_.dir / name).lexically_normal();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec)) {
      d_.Add(at, fmt::format("{} '{}' (resolved to {}) is not a file; paths are relative to the manifest's folder",
                             what, name, file.string()));
      return std::nullopt;
    }
    return file;
  }

  // A path inside the code's working copy: relative, without "..": a file copied or linked
  // there must not land in the cache, another attempt or the user's home.
  bool CheckInsidePath(const std::string& path, const YAML::Node& at, const std::string& what) {
    if (std::optional<std::string> problem = InsidePathProblem(path)) {
      d_.Add(at, fmt::format("{} '{}' {}; it must be a path inside the code's folder, like data/train.csv", what,
                             yaml::Brief(path), *problem));
      return false;
    }
    return true;
  }

  // A file copied into the code must be the manifest's own: one outside its folder (by
  // name, by "..", or through a symlink) would carry /etc/shadow into a bundle or a run.
  bool CheckBesideManifest(const std::filesystem::path& file, const std::string& name, const YAML::Node& at) {
    if (ResolvesInside(file, m_.dir)) return true;
    d_.Add(at, fmt::format(
                   "file '{}' (resolved to {}) is outside the manifest's folder {}; copy it into that folder and "
                   "name it relative to it",
                   yaml::Brief(name), yaml::Brief(std::filesystem::weakly_canonical(file).string()), m_.dir.string()));
    return false;
  }

  // A control character reaches the program unseen, and a NUL cuts the argument short at
  // exec: refused, except tab and newline.
  void CheckControlCharacters(const std::string& text, const YAML::Node& at, const std::string& what) {
    for (size_t i = 0; i < text.size(); ++i) {
      auto c = static_cast<unsigned char>(text[i]);
      if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f) {
        d_.Add(at, fmt::format("{} has the control character \\x{:02x} at character {}; remove it", what, c, i + 1));
        return;
      }
    }
  }

  void ParseAddedFiles(const YAML::Node& node) {
    if (!node.IsSequence()) {
      d_.Add(node, "'files' in source must be a list of {from: FILE_BESIDE_THE_MANIFEST, to: PATH_IN_THE_CODE}");
      return;
    }
    for (const YAML::Node& item : node) {
      MapReader file(item, "in a file of source", {"from", "to"}, d_);
      if (!file.is_map()) continue;
      std::optional<std::string> from = file.String("from", /*required=*/true),
                                 to = file.String("to", /*required=*/true);
      if (!from || !to) continue;
      std::optional<std::filesystem::path> found = BesideManifest(*from, *file.Find("from"), "file");
      if (found && !CheckBesideManifest(*found, *from, *file.Find("from"))) found.reset();
      if (CheckInsidePath(*to, *file.Find("to"), "'to'") && found) m_.source.files.push_back({*found, *to});
    }
  }

  void ParseTables(const YAML::Node& node) {
    for (const Claim& claim : m_.claims) {
      claim_ids_.push_back(claim.id);
      known_claims_.insert(claim.id);
    }
    yaml::ReadUniqueList(node, "table", "'tables' must be a list of tables, each with an 'id', 'columns' and 'rows'",
                         d_, m_.tables,
                         [&](const YAML::Node& item, PaperTable& table) { return ParseTable(item, table); });
  }

  bool ParseTable(const YAML::Node& item, PaperTable& table) {
    MapReader reader(item, "in a table", {"id", "caption", "columns", "rows"}, d_);
    if (!reader.is_map()) return false;
    table.id = reader.String("id", /*required=*/true).value_or("");
    table.line = yaml::LineOf(item);
    table.caption = reader.String("caption").value_or("");
    table.columns = reader.StringList("columns").value_or(std::vector<std::string>{});
    if (table.columns.empty())
      d_.Add(item, fmt::format("table '{}' needs 'columns': the column headings, in order", table.id));
    const YAML::Node* rows = reader.Require("rows");
    if (rows == nullptr) return false;
    if (!rows->IsSequence()) {
      d_.Add(*rows, fmt::format("'rows' of table '{}' must be a list of {{label, cells: [claim ids]}}", table.id));
      return false;
    }
    for (const YAML::Node& row_node : *rows) {
      MapReader row(row_node, fmt::format("in a row of table '{}'", yaml::Brief(table.id)), {"label", "cells"}, d_);
      if (!row.is_map()) continue;
      PaperTable::Row parsed;
      parsed.label = row.String("label", /*required=*/true).value_or("");
      const YAML::Node* cells = row.Require("cells");
      if (cells == nullptr || !cells->IsSequence()) {
        if (cells != nullptr)
          d_.Add(*cells, "'cells' must be a list of claim ids, one per column (null for an empty cell)");
        continue;
      }
      for (const YAML::Node& cell : *cells) {
        std::string id = cell.IsNull() ? "" : yaml::ScalarText(cell, "a cell", d_).value_or("");
        if (!id.empty() && known_claims_.count(id) == 0) {
          d_.Add(cell, fmt::format("table '{}' names unknown claim '{}'{}", yaml::Brief(table.id), id,
                                   d_.DidYouMean(id, claim_ids_)));
        }
        parsed.cells.push_back(id);
      }
      if (parsed.cells.size() != table.columns.size()) {
        d_.Add(*cells, fmt::format("row '{}' of table '{}' has {} cells for {} columns", parsed.label, table.id,
                                   parsed.cells.size(), table.columns.size()));
      }
      table.rows.push_back(std::move(parsed));
    }
    return true;
  }

  void ParseInputs(const YAML::Node& node) {
    if (!node.IsSequence()) {
      d_.Add(node, "'inputs' must be a list of {path, sha256, url or from}");
      return;
    }
    for (const YAML::Node& item : node) {
      MapReader reader(item, "in an input", {"path", "sha256", "url", "from"}, d_);
      if (!reader.is_map()) continue;
      Input input;
      input.line = yaml::LineOf(item);
      input.path = reader.String("path", /*required=*/true).value_or("");
      if (!input.path.empty() && !CheckInsidePath(input.path, *reader.Find("path"), "input path")) continue;
      input.sha256 = reader.String("sha256", /*required=*/true).value_or("");
      if (!input.sha256.empty() && !IsHex(input.sha256, 64)) {
        d_.Add(*reader.Find("sha256"),
               fmt::format("sha256 '{}' of input '{}' is not 64 hex digits (sha256sum FILE prints it)", input.sha256,
                           input.path));
        continue;
      }
      std::transform(input.sha256.begin(), input.sha256.end(), input.sha256.begin(), ::tolower);
      input.url = reader.String("url").value_or("");
      std::optional<std::string> from = reader.String("from");
      if (from) input.from = (m_.dir / *from).lexically_normal();  // may not exist yet: checked when fetched
      if (from) input.from_written = *from;
      if (input.url.empty() == !from.has_value()) {
        d_.Add(item, fmt::format("input '{}' needs exactly one of 'url' (to download it) and 'from' (a local file)",
                                 input.path));
        continue;
      }
      if (!input.path.empty() && !input.sha256.empty()) m_.inputs.push_back(std::move(input));
    }
  }

  void ParseSourcePath(const std::string& path, const YAML::Node& at) {
    std::filesystem::path resolved = m_.dir / path;  // an absolute "path" replaces the base
    resolved = resolved.lexically_normal();
    std::error_code ec;
    if (!std::filesystem::is_directory(resolved, ec)) {
      d_.Add(at, fmt::format("source path '{}' (resolved to {}) is not a folder", path, resolved.string()));
    }
    m_.source.path = resolved;
  }

  // A full hash pins the code. A short hash, a branch or a tag is accepted as a ref that
  // `repro run` resolves (and warns about: it can move).
  void CheckCommit(std::string commit, const YAML::Node& at) {
    // git check-ref-format's rules, in short: no spaces, controls, ~^:?*[\ or "..".
    if (IsHex(commit, 40)) {
      std::transform(commit.begin(), commit.end(), commit.begin(), ::tolower);
      m_.source.commit = commit;
    } else if (IsName(commit, "_", "_./+-", /*digit_first=*/true) && commit.find("..") == std::string::npos &&
               commit.back() != '/' && commit.back() != '.') {
      m_.source.ref = commit;
    } else {
      d_.Add(at, fmt::format("commit '{}' in source is neither a commit hash nor a branch or tag name; "
                             "pin the full 40-hex hash (git rev-parse HEAD prints it)",
                             commit));
    }
  }

  void ParseSetup(const YAML::Node& node) {
    if (!node.IsSequence()) {
      d_.Add(node,
             fmt::format("'setup' must be a list of commands, each a list of arguments, not {}", yaml::KindName(node)));
      return;
    }
    for (size_t i = 0; i < node.size(); ++i) {
      std::string what = fmt::format("setup step {}", i + 1);
      if (auto argv = yaml::Argv(node[i], what, d_)) {
        for (size_t k = 0; k < argv->size(); ++k)
          CheckControlCharacters((*argv)[k], node[i][k], fmt::format("argument {} of {}", k + 1, what));
        m_.setup.push_back(*argv);
      }
    }
  }

  // The manifest's env ("context" empty) or an experiment's ("in experiment 'x'"), which its
  // errors name.
  void ParseEnv(const YAML::Node& node, const std::string& context, NamedValues& env) {
    std::string in = context.empty() ? "" : " " + context;
    if (!node.IsMap()) {
      d_.Add(node,
             fmt::format("'env'{} must be a mapping of variable names to values, not {}", in, yaml::KindName(node)));
      return;
    }
    std::set<std::string> seen;
    for (auto it = node.begin(); it != node.end(); ++it) {
      std::optional<std::string> name = yaml::ScalarText(it->first, "a variable name in env" + in, d_);
      std::optional<std::string> value =
          yaml::ScalarText(it->second, fmt::format("env variable '{}'{}", name.value_or("?"), in), d_);
      if (!name || !value) continue;
      if (!IsIdentifier(*name)) {
        d_.Add(it->first, fmt::format("'{}' in env{} is not a valid variable name", *name, in));
      } else if (!seen.insert(*name).second) {
        d_.Add(it->first, fmt::format("duplicate key '{}' in env{}", *name, in));
      } else {
        CheckControlCharacters(*value, it->second, fmt::format("env variable '{}'{}", *name, in));
        env.emplace_back(*name, *value);
      }
    }
  }

  Resources ParseResources(const YAML::Node& node, const std::string& context, Resources resources) {
    MapReader reader(node, context, {"cpus", "memory", "gpus", "processes"}, d_);
    if (auto cpus = reader.Integer("cpus", 1, false, 1 << 20)) resources.cpus = static_cast<int>(*cpus);
    if (auto memory = reader.Bytes("memory")) resources.memory_bytes = *memory;
    if (auto gpus = reader.Integer("gpus", 0, false, 1 << 20)) resources.gpus = static_cast<int>(*gpus);
    if (auto processes = reader.Integer("processes", 1)) resources.processes = *processes;
    return resources;
  }

  std::optional<std::vector<int64_t>> ParseSeeds(const MapReader& reader) {
    const YAML::Node* node = reader.Find("seeds");
    if (node == nullptr) return std::nullopt;
    if (!node->IsSequence() || node->size() == 0) {
      d_.Add(*node,
             fmt::format("{} must be a non-empty list of whole numbers such as [0, 1, 2]", reader.Describe("seeds")));
      return std::nullopt;
    }
    std::vector<int64_t> seeds;
    std::unordered_set<int64_t> listed;  // a list of a million seeds must not be scanned per seed
    for (const YAML::Node& item : *node) {
      std::optional<double> number = item.IsScalar() ? ParseDecimal(item.Scalar()) : std::nullopt;
      std::optional<int64_t> seed = number ? WholeNumber(*number) : std::nullopt;
      if (!seed || *seed < 0) {
        d_.Add(item, fmt::format("seed {} is not a whole number >= 0", yaml::KindName(item)));
        continue;
      }
      if (!listed.insert(*seed).second) {
        d_.Add(item, fmt::format("seed {} is listed twice", item.Scalar()));
        continue;
      }
      seeds.push_back(*seed);
    }
    return seeds;
  }

  void ParseDefaults(const YAML::Node& node) {
    MapReader defaults(node, "in defaults", {"timeout", "seeds", "resources", "deterministic", "seed_from_env"}, d_);
    if (auto timeout = defaults.Duration("timeout")) defaults_.timeout_seconds = *timeout;
    defaults_.deterministic = defaults.Choice("deterministic", {"true", "false"}).value_or("false") == "true";
    defaults_.seed_from_env = defaults.Choice("seed_from_env", {"true", "false"}).value_or("false") == "true";
    if (auto seeds = ParseSeeds(defaults)) defaults_.seeds = *seeds;
    if (const YAML::Node* resources = defaults.Find("resources")) {
      defaults_.resources = ParseResources(*resources, "in resources of defaults", defaults_.resources);
    }
  }

  void ParseExperiments(const YAML::Node& node) {
    yaml::ReadUniqueList(
        node, "experiment", "'experiments' must be a non-empty list of experiments, each with an 'id' and a 'command'",
        d_, m_.experiments, [&](const YAML::Node& item, Experiment& e) { return ParseExperiment(item, e); });
  }

  std::string IdOf(const YAML::Node& item, const std::string& kind, bool allow_slash) {
    if (!item.IsMap() || !item["id"] || !item["id"].IsScalar()) return "";
    std::string id = item["id"].Scalar();
    if (!IsValidId(id, allow_slash)) {
      d_.Add(item["id"],
             fmt::format("{} id '{}' may only use letters, digits and _ . -{}", kind, id, allow_slash ? " /" : ""));
    }
    return id;
  }

  bool ParseExperiment(const YAML::Node& item, Experiment& e) {
    std::string id = IdOf(item, "experiment", false);
    std::string context = id.empty() ? "in an experiment" : fmt::format("in experiment '{}'", yaml::Brief(id));
    MapReader reader(
        item, context,
        {"id", "command", "notebook", "parameters", "kernel", "python", "shell", "params", "seeds", "timeout",
         "typical_duration", "resources", "deterministic", "seed_from_env", "metrics", "source", "env"},
        d_);
    if (!reader.is_map()) return false;
    reader.String("id", /*required=*/true);
    e.id = id;
    e.line = yaml::LineOf(item);
    e.column = item.Mark().is_null() ? 0 : item.Mark().column + 1;
    e.seeds = ParseSeeds(reader).value_or(defaults_.seeds);
    e.timeout_seconds = reader.Duration("timeout").value_or(defaults_.timeout_seconds);
    e.typical_seconds = reader.Duration("typical_duration").value_or(0);
    if (e.typical_seconds > e.timeout_seconds) {
      d_.Add(*reader.Find("typical_duration"),
             fmt::format("'typical_duration' {} is longer than its timeout ({} s): every attempt would time out",
                         context, e.timeout_seconds));
    }
    e.resources = defaults_.resources;
    e.deterministic =
        reader.Choice("deterministic", {"true", "false"}).value_or(defaults_.deterministic ? "true" : "false") ==
        "true";
    e.seed_from_env =
        reader.Choice("seed_from_env", {"true", "false"}).value_or(defaults_.seed_from_env ? "true" : "false") ==
        "true";
    if (const YAML::Node* resources = reader.Find("resources")) {
      e.resources = ParseResources(*resources, "in resources of experiment '" + yaml::Brief(id) + "'", e.resources);
    }
    if (const YAML::Node* params = reader.Find("params")) ParseParams(*params, context, e);
    if (const YAML::Node* source = reader.Find("source")) ParseExperimentSource(*source, context, e);
    if (const YAML::Node* env = reader.Find("env")) ParseEnv(*env, context, e.env);
    Placeholders placeholders{kBuiltinPlaceholders, {kBuiltinPlaceholders.begin(), kBuiltinPlaceholders.end()}};
    for (const Param& param : e.params) {
      placeholders.names.push_back(param.name);
      placeholders.known.insert(param.name);
    }
    e.shell = reader.Choice("shell", {"true", "false"}).value_or("false") == "true";
    const YAML::Node* command = reader.Find("command");
    if (const YAML::Node* notebook = reader.Find("notebook")) {
      if (command != nullptr) {
        d_.Add(*notebook, fmt::format("both 'command' and 'notebook' {}; keep one: 'command' runs a program, "
                                      "'notebook' executes a .ipynb file of the code",
                                      context));
      } else {
        ParseNotebook(reader, *notebook, context, placeholders, e);
      }
    } else {
      if (command == nullptr) {
        d_.Add(item, fmt::format("missing key 'command' or 'notebook' {}: 'command' is an argv list such as "
                                 "[python3, train.py], 'notebook' a .ipynb file of the code such as "
                                 "notebooks/train.ipynb",
                                 context));
      }
      for (const char* key : {"parameters", "kernel", "python"}) {
        if (const YAML::Node* stray = reader.Find(key)) {
          d_.Add(*stray, fmt::format("'{}' {} goes with 'notebook', and the experiment has none{}", key, context,
                                     std::string(key) == "parameters" ? "; a command's grid is 'params'" : ""));
        }
      }
    }
    if (command != nullptr) {
      if (e.shell) {
        ParseShellCommand(*command, context, placeholders, e);
      } else if (auto argv = yaml::Argv(*command, reader.Describe("command"), d_)) {
        e.command = *argv;
        for (size_t i = 0; i < e.command.size(); ++i) {
          CheckPlaceholders(e.command[i], (*command)[i], placeholders, context, d_);
          CheckControlCharacters(e.command[i], (*command)[i],
                                 fmt::format("argument {} of 'command' {}", i + 1, context));
        }
      }
    }
    if (const YAML::Node* metrics = reader.Require("metrics")) ParseMetrics(*metrics, e, placeholders, d_);
    WarnIfSeedsAreRepetitions(e);
    return !id.empty();
  }

  // `notebook: PATH.ipynb` becomes a command: repro's runner (configs/notebook/run_notebook.py,
  // bound at plan time) started by `python` (default python3), which executes the notebook
  // with a kernel and injects each of `parameters` as "--parameter NAME=VALUE" (one argument
  // each, so a value needs no quoting; the runner types it).
  void ParseNotebook(const MapReader& reader, const YAML::Node& node, const std::string& context,
                     const Placeholders& placeholders, Experiment& e) {
    if (e.shell) d_.Add(*reader.Find("shell"), fmt::format("'shell' {} does not go with 'notebook'", context));
    std::optional<std::string> notebook = yaml::ScalarText(node, reader.Describe("notebook"), d_);
    if (!notebook) return;
    if (notebook->size() < 7 || notebook->compare(notebook->size() - 6, 6, ".ipynb") != 0) {
      d_.Add(node, fmt::format("'notebook' {} must name a .ipynb file relative to the code's root, like "
                               "notebooks/train.ipynb, got '{}'; a script goes in 'command'",
                               context, yaml::Brief(*notebook)));
    } else if (CheckInsidePath(*notebook, node, "'notebook' " + context)) {
      CheckPlaceholders(*notebook, node, placeholders, context, d_);
      CheckControlCharacters(*notebook, node, "'notebook' " + context);
    }
    std::string python = reader.String("python").value_or("python3");
    std::string kernel = reader.String("kernel").value_or("python3");
    if (python.empty() || python.find_first_of("{}") != std::string::npos) {
      d_.Add(
          *reader.Find("python"),
          fmt::format("'python' {} must be an interpreter with nbclient, like python3 or /usr/bin/python3", context));
    }
    if (!IsValidId(kernel, false)) {
      d_.Add(*reader.Find("kernel"), fmt::format("'kernel' {} must be a Jupyter kernel name such as python3, got '{}'",
                                                 context, yaml::Brief(kernel)));
    }
    e.notebook = *notebook;
    e.command = {python,       fmt::format("{{{}}}", kNotebookRunnerPlaceholder),
                 "--notebook", *notebook,
                 "--out",      "{out}",
                 "--kernel",   kernel};
    const YAML::Node* parameters = reader.Find("parameters");
    if (parameters == nullptr) return;
    if (!parameters->IsMap()) {
      d_.Add(*parameters, fmt::format("'parameters' {} must map names to values, like {{seed: \"{{seed}}\", epochs: "
                                      "10}}",
                                      context));
      return;
    }
    std::set<std::string> seen;
    for (auto it = parameters->begin(); it != parameters->end(); ++it) {
      std::optional<std::string> name = yaml::ScalarText(it->first, "a name in 'parameters' " + context, d_);
      if (!name) continue;
      if (!IsIdentifier(*name)) {
        d_.Add(it->first, fmt::format("'{}' in 'parameters' {} is not a Python variable name (letters, digits and "
                                      "'_', not starting with a digit)",
                                      yaml::Brief(*name), context));
        continue;
      }
      if (!seen.insert(*name).second) {
        d_.Add(it->first, fmt::format("duplicate key '{}' in 'parameters' {}", *name, context));
        continue;
      }
      YAML::Node value = it->second;  // a copy: yaml-cpp's iterator yields temporaries
      std::string what = fmt::format("parameter '{}' of the notebook {}", *name, context);
      std::optional<std::string> text = yaml::ScalarText(value, what, d_);
      if (!text) continue;
      CheckPlaceholders(*text, value, placeholders, context, d_);
      CheckControlCharacters(*text, value, "the value of " + what);
      e.command.insert(e.command.end(), {"--parameter", *name + "=" + *text});
    }
  }

  // An experiment may run the manifest's repository at another full commit, or with other
  // patches; everything else about the code (repository, files, inputs) is the manifest's.
  void ParseExperimentSource(const YAML::Node& node, const std::string& context, Experiment& e) {
    MapReader reader(node, "in 'source' " + context, {"commit", "patches"}, d_);
    if (!reader.is_map()) return;
    SourceOverride own;
    if (std::optional<std::string> commit = reader.String("commit")) {
      const YAML::Node& at = *reader.Find("commit");
      if (!m_.source.is_git()) {
        d_.Add(at, fmt::format("'commit' in 'source' {} needs the manifest's source to be a git repository ('git' and "
                               "'commit')",
                               context));
      } else if (!IsHex(*commit, 40)) {
        d_.Add(at, fmt::format(
                       "'commit' in 'source' {} must be a full 40-hex commit (git rev-parse {} prints it), got '{}'",
                       context, yaml::Brief(*commit), yaml::Brief(*commit)));
      } else {
        own.commit = *commit;
        std::transform(own.commit.begin(), own.commit.end(), own.commit.begin(), ::tolower);
      }
    }
    if (const YAML::Node* patches = reader.Find("patches")) {
      own.patches.emplace();
      for (const std::string& patch : reader.StringList("patches").value_or(std::vector<std::string>{})) {
        if (std::optional<std::filesystem::path> file = BesideManifest(patch, *patches, "patch"))
          own.patches->push_back(*file);
      }
    }
    // Asked of the keys, not of what was kept: a commit that was refused above has its error.
    if (!reader.Find("commit") && !own.patches) {
      d_.Add(node,
             fmt::format("'source' {} must set 'commit' (a full hash) or 'patches' (a list, [] for none)", context));
      return;
    }
    e.source = std::move(own);
  }

  // Several seeds of code that never receives the seed give one result several times; a
  // verdict would count them as independent runs. Only a warning: the code may read the
  // seed some way repro cannot see.
  void WarnIfSeedsAreRepetitions(const Experiment& e) {
    if (e.seeds.size() < 2 || e.command.empty() || SeedReachesCode(e, m_.EnvOf(e))) return;
    m_.warnings.push_back(
        {m_.path.string(), e.line, e.column,
         fmt::format(
             "experiment '{}' runs {} seeds, but the seed reaches its code nowhere ('{{seed}}' is in no argument "
             "and no env value): its runs would be repetitions, not replicates; pass '{{seed}}' to the code, or "
             "declare 'seed_from_env: true' if it reads REPRO_SEED, or 'deterministic: true' with one seed",
             yaml::Brief(e.id), e.seeds.size())});
  }

  // Whether every experiment a claim reads is declared deterministic.
  static bool ReadsOnlyDeterministic(const Claim& claim, const std::set<std::string>& deterministic) {
    std::vector<std::string> ids;
    switch (claim.kind) {
      case ClaimKind::kValue:
        ids = claim.ValueExperiments();
        break;
      case ClaimKind::kComparison:
        if (claim.comparison) ids = {claim.comparison->left.experiment, claim.comparison->right.experiment};
        break;
      case ClaimKind::kRanking:
        ids = claim.ranking;
        break;
    }
    if (ids.empty()) return false;
    for (const std::string& id : ids) {
      if (deterministic.count(id) == 0) return false;
    }
    return true;
  }

  // With shell: true the command is one string for /bin/sh -c. repro quotes every value it
  // substitutes, so a placeholder the author put inside quotes would end up quoted twice
  // (and a value could close the author's quote): that is refused.
  void ParseShellCommand(const YAML::Node& node, const std::string& context, const Placeholders& placeholders,
                         Experiment& e) {
    if (!node.IsScalar()) {
      d_.Add(node,
             fmt::format("'command' {} has shell: true, so it must be one string such as \"python train.py | tee log\"",
                         context));
      return;
    }
    e.command = {node.Scalar()};
    CheckPlaceholders(node.Scalar(), node, placeholders, context, d_);
    CheckControlCharacters(node.Scalar(), node, fmt::format("'command' {}", context));
    char quote = 0;
    const std::string& text = node.Scalar();
    for (size_t i = 0; i < text.size(); ++i) {
      char c = text[i];
      if (quote == 0 && c == '\\') {
        ++i;
      } else if (quote == 0 && (c == '\'' || c == '"')) {
        quote = c;
      } else if (c == quote) {
        quote = 0;
      } else if (quote != 0 && c == '{' && i + 1 < text.size() && text[i + 1] != '{') {
        d_.Add(node,
               fmt::format("placeholder at position {} of the shell command {} is inside quotes; write it bare: repro "
                           "quotes every value it substitutes",
                           i + 1, context));
        return;
      }
    }
  }

  void ParseParams(const YAML::Node& node, const std::string& context, Experiment& e) {
    if (!node.IsMap()) {
      d_.Add(node, fmt::format("'params' {} must be a mapping of names to a value or a list of values", context));
      return;
    }
    std::set<std::string> seen;
    for (auto it = node.begin(); it != node.end(); ++it) {
      std::optional<std::string> name = yaml::ScalarText(it->first, "a parameter name", d_);
      if (!name) continue;
      if (!IsIdentifier(*name)) {
        d_.Add(it->first, fmt::format("parameter name '{}' {} may only use letters, digits and '_'", *name, context));
        continue;
      }
      if (std::find(kBuiltinPlaceholders.begin(), kBuiltinPlaceholders.end(), *name) != kBuiltinPlaceholders.end()) {
        d_.Add(it->first, fmt::format("parameter name '{}' {} is reserved; rename it", *name, context));
        continue;
      }
      if (!seen.insert(*name).second) {
        d_.Add(it->first, fmt::format("duplicate key '{}' in params {}", *name, context));
        continue;
      }
      Param param{*name, {}};
      YAML::Node values = it->second;  // a copy: yaml-cpp's iterator yields temporaries
      std::string what = fmt::format("parameter '{}' {}", yaml::Brief(*name), context);
      if (values.IsSequence()) {
        for (const YAML::Node& value : values) {
          if (auto text = yaml::ScalarText(value, "each value of " + what, d_)) {
            CheckControlCharacters(*text, value, "a value of " + what);
            param.values.push_back(*text);
          }
        }
        if (values.size() == 0) d_.Add(values, what + " has an empty list of values");
      } else if (auto text = yaml::ScalarText(values, what, d_)) {
        CheckControlCharacters(*text, values, "the value of " + what);
        param.values.push_back(*text);
      }
      if (!param.values.empty()) e.params.push_back(std::move(param));
    }
  }

  Manifest& m_;
  Diagnostics& d_;
  Defaults defaults_;
  std::vector<std::string> claim_ids_;            // for tables: in order, for did-you-means ...
  std::unordered_set<std::string> known_claims_;  // ... and hashed, for a lookup per cell
};

// Line and column (1-based) of byte "offset" in "text".
std::pair<int, int> PositionOf(std::string_view text, size_t offset) {
  int line = 1, column = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

// Offset of the first byte that is not valid UTF-8, or npos.
size_t FirstInvalidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    size_t length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (length == 0 || i + length > text.size()) return i;
    for (size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) >> 6) != 0x2) return i;
    }
    i += length;
  }
  return std::string_view::npos;
}

bool RejectBadBytes(const std::string& text, Diagnostics& diagnostics) {
  if (size_t nul = text.find('\0'); nul != std::string::npos) {
    auto [line, column] = PositionOf(text, nul);
    diagnostics.AddAt(line, column, "the manifest contains a NUL byte; save it as UTF-8 text");
    return true;
  }
  if (size_t bad = FirstInvalidUtf8(text); bad != std::string_view::npos) {
    auto [line, column] = PositionOf(text, bad);
    diagnostics.AddAt(line, column, "the manifest is not valid UTF-8 here; save it as UTF-8 text");
    return true;
  }
  return false;
}

}  // namespace

ManifestLoad ParseManifest(std::string text, const std::filesystem::path& display_path,
                           const std::filesystem::path& dir) {
  ManifestLoad load;
  Manifest& manifest = load.manifest;
  manifest.path = display_path;
  manifest.dir = dir;
  manifest.sha256 = Sha256Hex(text);
  Diagnostics diagnostics(display_path.string());
  if (text.size() > kMaxManifestBytes) {
    diagnostics.AddAt(
        1, 1,
        fmt::format("the manifest is {} bytes; manifests over {} bytes are refused", text.size(), kMaxManifestBytes));
  } else if (RejectBadBytes(text, diagnostics)) {
  } else if (std::optional<TextProblem> problem = PrecheckYaml(text)) {
    diagnostics.AddAt(problem->line, problem->column, problem->message);
  } else {
    // A UTF-8 byte-order mark is harmless; yaml-cpp accepts it.
    try {
      YAML::Node root = YAML::Load(text);
      Parser(manifest, diagnostics).ParseTop(root);
    } catch (const YAML::ParserException& e) {
      diagnostics.AddAt(e.mark.line + 1, e.mark.column + 1, "YAML syntax error: " + e.msg);
    } catch (const YAML::Exception& e) {
      diagnostics.AddAt(e.mark.is_null() ? 1 : e.mark.line + 1, e.mark.is_null() ? 1 : e.mark.column + 1,
                        "cannot read YAML: " + e.msg);
    }
  }
  manifest.text = std::move(text);
  load.errors = std::move(diagnostics.list());
  std::stable_sort(load.errors.begin(), load.errors.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
  });
  return load;
}

ManifestLoad LoadManifest(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {  // reading it would yield nothing, and "found nothing" misleads
    ManifestLoad load;
    load.errors.push_back({path.string(), 0, 0,
                           fmt::format("{} is a directory; give the manifest file, e.g. {}", path.string(),
                                       (path / "repro.yaml").string())});
    return load;
  }
  auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > kMaxManifestBytes) {
    ManifestLoad load;
    load.errors.push_back(
        {path.string(), 1, 1,
         fmt::format("the manifest is {} bytes; manifests over {} bytes are refused", size, kMaxManifestBytes)});
    return load;
  }
  Result<std::string> text = ReadFile(path);
  if (!text) {
    ManifestLoad load;
    load.errors.push_back({path.string(), 0, 0, text.error()});
    return load;
  }
  std::filesystem::path dir = std::filesystem::absolute(path, ec).parent_path();
  return ParseManifest(std::move(text).value(), path, dir);
}

}  // namespace repro
