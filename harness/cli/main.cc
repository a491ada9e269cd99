// repro: checks published AI results against the code that produced them.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "harness/cli/commands.h"
#include "harness/fingerprint/fingerprint.h"
#include "harness/util/text.h"

namespace {

// A whole number >= "min" (or, with "fraction", any number >= min), with a message that names
// what was given: CLI11's own range check prints the limits of a double, 300 digits long.
CLI::Validator AtLeast(double min, bool fraction = false) {
  std::string what = fraction ? fmt::format("a number >= {}", min) : fmt::format("a whole number >= {}", min);
  return CLI::Validator(
      [min, fraction, what](std::string& text) -> std::string {
        std::optional<double> value = repro::ParseDecimal(text);
        bool whole = value && repro::WholeNumber(*value).has_value();
        if (!value || *value < min || (!fraction && (!whole || text.find_first_of(".eE") != std::string::npos))) {
          return fmt::format("must be {}, got '{}'", what, text);
        }
        return "";
      },
      fraction ? "NUMBER" : "N");
}

// "repro frobnicate" names the word and the commands, rather than "A subcommand is required".
bool ReportUnknownCommand(CLI::App& app, int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') return false;
  std::vector<std::string> names;
  for (const CLI::App* command : app.get_subcommands([](CLI::App*) { return true; })) names.push_back(command->get_name());
  if (std::find(names.begin(), names.end(), argv[1]) != names.end()) return false;
  std::cerr << fmt::format("repro: unknown command '{}'{}; the commands are: {}\n(repro --help says what each does)\n",
                           repro::VisibleText(argv[1]), repro::DidYouMean(argv[1], names), fmt::join(names, ", "));
  return true;
}

// For the commands that plan: the grid is a product, so its size is checked before anything
// is expanded.
void AddMaxRuns(CLI::App& command, int64_t& max_runs) {
  command.add_option("--max-runs", max_runs, "Refuse a manifest that plans more runs than this (a grid is a product: it is counted before anything is expanded)")->capture_default_str()->check(AtLeast(1));
}

void AddCommonOptions(CLI::App& command, repro::cli::CommonOptions& common) {
  AddMaxRuns(command, common.max_runs);
  command.add_option("--results", common.results_dir, "Folder for attempt logs and the database")->capture_default_str();
  command.add_option("--db", common.db, "SQLite database (default: <results>/repro.db)");
  command.add_option("--cache", common.cache, "Cache for cloned sources (default: $REPRO_CACHE or ~/.cache/repro)");
  command.add_option("--source", common.source,
                     "Use this existing checkout instead of the manifest's source; another HEAD or uncommitted changes "
                     "are warned about and reported")
      ->check(CLI::ExistingDirectory);
}

// The part of the manifest a command works on (manifest/selection.h).
void AddSelection(CLI::App& command, repro::cli::CommonOptions& common) {
  command.add_option("--experiment", common.experiments, "Only this experiment's runs and claims (repeatable)");
  command.add_option("--claim", common.claims, "Only this claim and the runs it reads (repeatable)");
  command.add_option("--where", common.where, "Only runs at this grid point, NAME=VALUE (repeatable)");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"repro: checks published AI results against the code that produced them.\n"
               "Exit codes: 0 all claims reproduced, 1 some not, 2 bad input, 3 repro failed, 130 interrupted."};
  // Where its probes and Slurm profiles are, so an installed copy can be checked at a glance.
  app.set_version_flag("--version", fmt::format("repro {} (data: {})", REPRO_VERSION, repro::ConfigDir().string()));
  app.require_subcommand(1);
  repro::cli::CommonOptions common;
  std::string manifest;
  std::vector<std::string> manifests;
  int exit_code = 0;

  CLI::App* validate = app.add_subcommand("validate", "Check manifests and report every problem with its position");
  validate->add_option("manifest", manifests, "Manifest files")->required();
  AddMaxRuns(*validate, common.max_runs);
  validate->callback([&] { exit_code = repro::cli::Validate(manifests, common.max_runs); });

  CLI::App* plan = app.add_subcommand("plan", "List the runs a manifest expands to and which already completed");
  plan->add_option("manifest", manifest, "Manifest file")->required();
  AddCommonOptions(*plan, common);
  AddSelection(*plan, common);
  plan->callback([&] { exit_code = repro::cli::Plan(manifest, common); });

  repro::cli::RunFlags run_flags;
  CLI::App* run = app.add_subcommand("run", "Run what is not yet run, then judge every claim");
  run->add_option("manifest", manifest, "Manifest file")->required();
  run->add_option("-j,--jobs", run_flags.jobs, "Attempts at once (default: one per CPU)")->check(AtLeast(0));
  run->add_flag("--force", run_flags.force, "Run again even runs that already completed");
  run->add_flag("--dry-run", run_flags.dry_run, "Print the runs that would start and their commands; run nothing");
  run->add_option("--isolation", run_flags.isolation,
                  "sandbox: run each attempt under bubblewrap (own PID namespace, no network, only its folder "
                  "writable); none: as a plain process. Overrides the manifest's 'isolation'")
      ->check(CLI::IsMember({"none", "sandbox"}));
  run->add_flag("--keep-work", run_flags.keep_work,
                "Keep each completed attempt's working copy of the source (a failed attempt's is always kept)");
  run->add_option("--kill-grace", run_flags.kill_grace_seconds, "Seconds between SIGTERM and SIGKILL")
      ->capture_default_str()->check(AtLeast(0, /*fraction=*/true));
  run->add_option("--log-cap", run_flags.log_cap, "Largest log kept per stream and attempt (head and tail; 0: no cap)")
      ->capture_default_str();
  run->add_option("--executor", run_flags.executor,
                  "local: attempts run on this machine; slurm: one job array per experiment, followed until every "
                  "attempt ended (an interrupted repro leaves the jobs running; running it again follows them)")
      ->check(CLI::IsMember({"local", "slurm"}))->capture_default_str();
  run->add_option("--slurm-profile", run_flags.slurm_profile,
                  "Partition, account, qos and sbatch options: configs/slurm/NAME.yaml or a file (default: default)");
  bool quiet = false, verbose = false;
  run->add_flag("-q,--quiet", quiet, "Show only failures and the verdicts");
  run->add_flag("-v,--verbose", verbose, "Also show each command as it starts");
  AddCommonOptions(*run, common);
  AddSelection(*run, common);
  run->callback([&] {
    run_flags.verbosity = quiet ? repro::cli::Verbosity::kQuiet : verbose ? repro::cli::Verbosity::kVerbose : repro::cli::Verbosity::kNormal;
    exit_code = repro::cli::Run(manifest, common, run_flags);
  });

  std::string diff_a, diff_b, diff_format = "text";
  std::optional<std::string> diff_manifest;
  std::optional<std::filesystem::path> diff_output;
  CLI::App* diff = app.add_subcommand("diff", "Two reproductions side by side: two databases (with --manifest) or two manifests");
  diff->add_option("a", diff_a, "A database file, or a manifest")->required();
  diff->add_option("b", diff_b, "Another database file, or another manifest")->required();
  diff->add_option("--manifest", diff_manifest, "The manifest whose claims two databases are compared on");
  diff->add_option("--format", diff_format, "text, md or html")->check(CLI::IsMember({"text", "md", "html"}))->capture_default_str();
  diff->add_option("-o,--output", diff_output, "Output file (default: standard output)");
  AddCommonOptions(*diff, common);
  diff->callback([&] { exit_code = repro::cli::Diff(diff_a, diff_b, diff_manifest, common, diff_format, diff_output); });

  std::filesystem::path bundle_output;
  repro::BundleOptions bundle_options;
  CLI::App* bundle = app.add_subcommand("bundle", "Pack manifest, added files, patches, reports, logs and database into one .tar.gz; prints its root digest");
  bundle->add_option("manifest", manifest, "Manifest file")->required();
  bundle->add_option("-o,--output", bundle_output, "The .tar.gz to write")->required();
  bundle->add_option("--sign", bundle_options.sign_key,
                     "Sign SHA256SUMS with this SSH private key (ssh-keygen -Y sign, namespace repro-bundle; with ssh-agent, "
                     "its .pub); the signature is the member SHA256SUMS.sig")
      ->check(CLI::ExistingFile);
  AddCommonOptions(*bundle, common);
  bundle->callback([&] { exit_code = repro::cli::Bundle(manifest, common, bundle_output, bundle_options); });

  std::filesystem::path verify_archive;
  repro::VerifyOptions verify_options;
  CLI::App* verify = app.add_subcommand("verify", "Check every file of a bundle against its SHA256SUMS and its report; names what changed");
  verify->add_option("bundle", verify_archive, "A .tar.gz made by repro bundle")->required();
  verify->add_option("--digest", verify_options.digest, "The root digest published with the review (repro bundle prints it)");
  CLI::Option* signers = verify->add_option("--allowed-signers", verify_options.allowed_signers,
                                            "ssh-keygen allowed_signers file holding the signer's public key")
                             ->check(CLI::ExistingFile);
  CLI::Option* identity = verify->add_option("--identity", verify_options.identity, "Who must have signed, as named in --allowed-signers");
  signers->needs(identity);
  identity->needs(signers);
  verify->callback([&] { exit_code = repro::cli::Verify(verify_archive, verify_options); });

  std::optional<std::string> fingerprint_manifest;
  CLI::App* fingerprint = app.add_subcommand("fingerprint", "Print this machine's environment as repro records it for each attempt");
  fingerprint->add_option("manifest", fingerprint_manifest, "Manifest whose commands' interpreters to describe too");
  fingerprint->callback([&] { exit_code = repro::cli::PrintFingerprint(fingerprint_manifest); });

  CLI::App* fetch = app.add_subcommand("fetch", "Copy or download a manifest's inputs into the cache and verify their sha256");
  fetch->add_option("manifest", manifest, "Manifest file")->required();
  AddCommonOptions(*fetch, common);
  fetch->callback([&] { exit_code = repro::cli::Fetch(manifest, common); });

  bool json = false;
  CLI::App* compare = app.add_subcommand("compare", "Judge every claim from what is stored; runs nothing");
  compare->add_option("manifest", manifest, "Manifest file")->required();
  compare->add_flag("--json", json, "Print the verdicts as JSON (the report's JSON format)");
  bool compare_quiet = false;
  compare->add_flag("-q,--quiet", compare_quiet, "Print only the last line (how many claims reproduced) and errors");
  AddCommonOptions(*compare, common);
  AddSelection(*compare, common);
  compare->callback([&] { exit_code = repro::cli::Compare(manifest, common, json, compare_quiet); });

  std::string format = "md";
  std::optional<std::filesystem::path> output;
  CLI::App* report = app.add_subcommand("report", "Write a reproduction report");
  report->add_option("manifest", manifest, "Manifest file")->required();
  report->add_option("--format", format, "md, html (one self-contained file), pdf (the HTML printed by headless Chromium), json, latex (booktabs) or junit")
      ->check(CLI::IsMember({"md", "html", "pdf", "json", "latex", "junit"}))
      ->capture_default_str();
  report->add_option("-o,--output", output, "Output file (default: standard output)");
  AddCommonOptions(*report, common);
  AddSelection(*report, common);
  report->callback([&] { exit_code = repro::cli::Report(manifest, common, format, output); });

  std::filesystem::path import_source;
  std::vector<std::string> import_tables;
  CLI::App* import = app.add_subcommand("import", "Draft a manifest's claims from where a paper publishes them");
  import->require_subcommand(1);
  CLI::App* latex = import->add_subcommand("latex", "Claims and tables from a paper's LaTeX source (a .tex file, or its folder)");
  latex->add_option("source", import_source, "The main .tex file, or the folder of the paper's source")->required();
  std::filesystem::path import_within;
  latex->add_option("--within", import_within, "The folder \\input may reach (default: the main file's folder)");
  latex->add_option("--table", import_tables, "A table to import, by number (2) or label (tab:main); repeatable (default: all)");
  latex->add_option("-o,--output", output, "The draft manifest to write (default: standard output)");
  latex->callback([&] { exit_code = repro::cli::ImportLatex(import_source, import_within, import_tables, output); });

  std::string run_key;
  int attempt = 0;
  std::string series;
  CLI::App* show = app.add_subcommand("show", "Show how an attempt of a run ended and its metrics");
  show->add_option("run", run_key, "Run key or its first characters (repro plan lists them)")->required();
  show->add_option("--attempt", attempt, "Attempt number (default: the newest)")->check(AtLeast(0));
  show->add_option("--series", series, "Print every point of this metric (tab-separated)");
  AddCommonOptions(*show, common);
  show->callback([&] { exit_code = repro::cli::Show(run_key, common, attempt, series); });

  bool stderr_log = false;
  CLI::App* logs = app.add_subcommand("logs", "Print an attempt's stdout log (or --stderr)");
  logs->add_option("run", run_key, "Run key or its first characters")->required();
  logs->add_option("--attempt", attempt, "Attempt number (default: the newest)")->check(AtLeast(0));
  logs->add_flag("--stderr", stderr_log, "The stderr log instead");
  AddCommonOptions(*logs, common);
  logs->callback([&] { exit_code = repro::cli::Logs(run_key, common, attempt, stderr_log); });

  std::filesystem::path task_file;
  int task = -1;
  CLI::App* attempt_command = app.add_subcommand("attempt", "Job-side: run one task of a Slurm job array (repro run --executor slurm submits it)");
  attempt_command->add_option("tasks", task_file, "The array's tasks.json")->required();
  attempt_command->add_option("--task", task, "The task index (default: $SLURM_ARRAY_TASK_ID)")->check(AtLeast(0));
  attempt_command->callback([&] {
    if (task < 0) {
      const char* index = std::getenv("SLURM_ARRAY_TASK_ID");
      if (index == nullptr) {
        std::cerr << "repro attempt: give --task N (outside a Slurm array task there is no SLURM_ARRAY_TASK_ID)\n";
        exit_code = repro::cli::kExitBadInput;
        return;
      }
      task = std::atoi(index);
    }
    exit_code = repro::cli::Attempt(task_file, task);
  });

  CLI::App* status = app.add_subcommand("status", "Queued, running and finished work of a manifest, with its Slurm jobs");
  status->add_option("manifest", manifest, "Manifest file")->required();
  AddCommonOptions(*status, common);
  status->callback([&] { exit_code = repro::cli::ShowStatus(manifest, common); });

  CLI::App* cancel = app.add_subcommand("cancel", "Cancel a manifest's queued and running Slurm jobs");
  cancel->add_option("manifest", manifest, "Manifest file")->required();
  AddCommonOptions(*cancel, common);
  cancel->callback([&] { exit_code = repro::cli::CancelJobs(manifest, common); });

  if (ReportUnknownCommand(app, argc, argv)) return repro::cli::kExitBadInput;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : repro::cli::kExitBadInput;
  }
  return exit_code;
}
