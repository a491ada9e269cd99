// A paper's reproduction manifest as plain data: what to run and what the paper claims.
// Produced by ParseManifest (parser.h), which guarantees every invariant noted here.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "harness/manifest/diagnostic.h"
#include "harness/manifest/expect.h"
#include "harness/manifest/reported.h"
#include "harness/metrics/spec.h"

namespace repro {

// Ordered name/value pairs; order is the manifest's, which keeps labels stable.
using NamedValues = std::vector<std::pair<std::string, std::string>>;

struct Paper {
  std::string title;
  std::vector<std::string> authors;
  std::optional<int> year;
  std::string arxiv, doi, url, venue;
  NamedValues environment;  // what the paper says it ran on: {gpu: V100, torch: "1.13", python: "3.8"}
};

// A file beside the manifest copied into the code (a driver, a fixed config): a deviation
// from the released code, shown in every report with its hash.
struct AddedFile {
  std::filesystem::path from;  // absolute
  std::string to;              // relative to the code's root
};

struct Source {
  std::filesystem::path path;  // absolute; set when the code is a local folder
  std::string git;             // set when the code is a git repository ...
  std::string commit;          // ... at this full 40-hex commit (resolved from "ref" when that is set)
  std::string ref;             // a short hash, branch or tag as written; resolved by `repro run`
  bool submodules = false;     // also check out the repository's submodules
  bool authors_code = true;    // the paper's authors' code (an ACM "reproduced" badge), else a replication
  std::vector<AddedFile> files;
  std::vector<std::filesystem::path> patches;  // absolute; unified diffs applied with git apply, in order
  // Absolute paths of what repro itself writes (results folder, database, cache), set by
  // the command: never part of a local folder's code, even when they lie inside it.
  std::vector<std::filesystem::path> outputs;
  bool is_git() const { return !git.empty(); }
  bool modified() const { return !files.empty() || !patches.empty(); }
};

// A file the code needs (a dataset, a checkpoint), verified by its hash before any run and
// placed at "path" in every attempt's working copy.
struct Input {
  std::string path;            // relative to the code's root
  std::string sha256;          // lowercase hex
  std::string url;             // where to download it from, or ...
  std::filesystem::path from;  // ... a local file (absolute)
  std::string from_written;    // "from" as the manifest writes it, for messages and reports
  int line = 0;
};

struct Resources {
  int cpus = 1;
  int64_t memory_bytes = 0;  // 0: not declared
  int gpus = 0;
  int64_t processes = 0;  // processes and threads at once; 0: kDefaultMaxProcesses
};

// Contains a fork bomb without troubling real code: a PyTorch job with data loader
// workers runs a few hundred threads.
inline constexpr int64_t kDefaultMaxProcesses = 16384;

struct Param {
  std::string name;
  std::vector<std::string> values;  // as written in the manifest, never empty
};

// An experiment's own code: the manifest's git source at another commit, or with other
// patches (a README claim true at the commit it was written for, false at the latest).
struct SourceOverride {
  std::string commit;                                         // full 40-hex; empty: the manifest's
  std::optional<std::vector<std::filesystem::path>> patches;  // absolute; replace the manifest's when set
};

struct Experiment {
  std::string id;
  std::vector<std::string> command;  // argv template; placeholders checked against params
  // A notebook experiment (`notebook: PATH.ipynb`, a template relative to the code's root):
  // "command" is then repro's notebook runner with the notebook, its parameters and kernel
  // (kNotebookRunnerPlaceholder below). Empty for a command experiment.
  std::string notebook;
  bool shell = false;  // command[0] is one string for /bin/sh -c (explicit opt-in)
  std::vector<Param> params;
  std::vector<MetricSpec> metrics;
  std::vector<int64_t> seeds;  // defaults applied; never empty
  double timeout_seconds = 0;  // defaults applied
  // How long an attempt takes, as the manifest's author expects it (0: not said): before any
  // run completed, it orders the longest first and lets Slurm pack short attempts.
  double typical_seconds = 0;
  Resources resources;
  // The computation gives the same number every time (an exact fit, a fixed evaluation of
  // released weights): the printed digits are then the band, and one run decides.
  bool deterministic = false;
  // The code reads its seed from REPRO_SEED, so seeds reach it without "{seed}" in the command.
  bool seed_from_env = false;
  std::optional<SourceOverride> source;  // its own commit or patches; else the manifest's source
  NamedValues env;                       // added to the manifest's env, replacing a variable of the same name
  int line = 0;
  int column = 0;
};

// The placeholder a notebook experiment's command names repro's runner by
// (configs/notebook/run_notebook.py): bound when runs are planned, never written by a manifest.
inline constexpr const char* kNotebookRunnerPlaceholder = "notebook_runner";

// Whether the seed reaches the code: "{seed}" or REPRO_SEED in an argument (or the shell
// string), "{seed}" in an env value, or seed_from_env. Seeds that do not reach it are not
// replicates, only repetitions.
bool SeedReachesCode(const Experiment& experiment, const NamedValues& env);

enum class Better { kHigher, kLower, kEither };
const char* BetterName(Better better);

// A value claim ("the MLP reaches 68"), a comparison ("the CNN beats the MLP by 10") or a
// ranking ("CNN > GRU > MLP by test accuracy").
enum class ClaimKind { kValue, kComparison, kRanking };

struct Claim {
  std::string id;
  std::string source;  // where in the paper, e.g. "Table 1, row MLP"
  ClaimKind kind = ClaimKind::kValue;
  std::string experiment;  // value claims: an experiment id of this manifest (the first, when several)
  // Value claims naming several experiments ('experiment: [latest, as-written]'): each is
  // judged as a part, side by side. Empty when one is named.
  std::vector<std::string> experiments;
  std::string metric;      // value and ranking claims: a metric of the experiment(s)
  ReportedValue reported;  // value claims
  std::optional<double> tolerance_abs;
  std::optional<double> tolerance_rel;
  std::optional<double> tolerance_sigma;  // times reported.std
  bool rounding = true;                   // the printed precision of 'reported' counts as tolerance
  Better better = Better::kEither;
  NamedValues where;                     // picks one grid point (of each experiment involved)
  std::string for_all;                   // value claims: holds at every value of this parameter
  std::optional<Comparison> comparison;  // comparison claims
  std::vector<std::string> ranking;      // ranking claims: experiment ids, best first
  bool deterministic = false;            // every experiment the claim reads is declared deterministic
  int line = 0;

  // Value claims: the experiments it is judged against, in order ('experiment', or its list).
  std::vector<std::string> ValueExperiments() const {
    return experiments.empty() ? std::vector<std::string>{experiment} : experiments;
  }
};

// One of the paper's tables, rebuilt in every report with the reproduced values beside
// the reported ones: rows of claim ids, one per column ("" for an empty cell).
struct PaperTable {
  std::string id;
  std::string caption;
  std::vector<std::string> columns;
  struct Row {
    std::string label;
    std::vector<std::string> cells;
  };
  std::vector<Row> rows;
  int line = 0;
};

struct Manifest {
  std::filesystem::path path;  // as given by the user, for messages
  std::filesystem::path dir;   // absolute folder holding the manifest
  std::string text;
  std::string sha256;
  int schema = 1;
  Paper paper;
  Source source;
  std::vector<std::vector<std::string>> setup;
  NamedValues env;
  std::vector<Input> inputs;
  bool sandbox = false;  // isolation: sandbox (exec/sandbox.h)
  std::vector<Experiment> experiments;
  std::vector<Claim> claims;
  std::vector<PaperTable> tables;
  // Problems that do not stop a run but weaken what it shows (seeds that never reach the
  // code); `validate` prints them and still succeeds.
  std::vector<Diagnostic> warnings;

  const Experiment* FindExperiment(const std::string& id) const;
  // The code "experiment" runs: the manifest's source with the experiment's override applied.
  Source SourceOf(const Experiment& experiment) const;
  // The environment variables of its runs: the manifest's, then the experiment's own.
  NamedValues EnvOf(const Experiment& experiment) const;
  const Claim* FindClaim(const std::string& id) const;
};

// Which code an experiment's runs use when it names its own, for their labels in plans and
// reports: " @<first 12 hex of its commit>", " (its own patches)", or "" for the manifest's.
std::string OwnCodeSuffix(const Experiment& experiment);

}  // namespace repro
