// repro against what a user would run instead (issue #20): one grid of 300 trivial Python
// attempts, 2 at a time, through repro, xargs -P2, GNU parallel -j2 and Snakemake -j2,
// interleaved round by round so that drift (and the other load of a shared machine) hits all
// alike; then the same again with everything done, through the two that know what is done.
// Each attempt gets its seed as an argument (the script ignores it), and every peer keeps each
// attempt's output in a file of its own, as a user would to read the metric later; repro also
// keeps stderr, a working copy, a cgroup and durable rows. The interpreter's start dominates
// every tool's time (Python takes ~65 ms of CPU to start on this 2-vCPU VM).
// A peer that is not installed, or fails, is left out: no figure without its peer.
//
//   goals: repro at most GNU parallel's time (ratio <= 1), at most half Snakemake's (<= 0.5);
//          all done: keep repro's lead over Snakemake (taken as the same <= 0.5).
#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <optional>

#include "harness/util/shell_quote.h"
#include "tests/bench/bench.h"

namespace repro_bench {
namespace {

constexpr int kAttempts = 300;
constexpr int kRounds = 3;
constexpr const char* kScript = R"(print("acc=0.5"))";

// Debian's interpreter when there is one: a pyenv shim first on PATH is a bash script that
// adds its own tens of milliseconds to every attempt, for every tool alike, and hides the
// differences this bench is about.
std::string Python() { return fs::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3"; }

// One way of running the grid: how to start from nothing, the command, how to check that it
// did run every attempt (a peer that silently failed would otherwise look fast).
struct Peer {
  std::string name;
  fs::path dir;
  std::string command;  // a shell line, run in "dir"
  std::vector<double> fresh{}, again{};
  bool failed = false;
};

int CountFiles(const fs::path& dir) {
  int n = 0;
  if (fs::is_directory(dir))
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir)) ++n;
  return n;
}

std::string Seeds() {
  std::string seeds;
  for (int i = 0; i < kAttempts; ++i) seeds += (i ? ", " : "") + std::to_string(i);
  return seeds;
}

Peer ReproPeer(const fs::path& repro, const fs::path& dir) {
  fs::create_directories(dir / "code");
  std::ofstream(dir / "m.yaml") << fmt::format(
      "paper: {{title: bench peers}}\nsource: {{path: code}}\nexperiments:\n  - id: py\n    command: [{}, -c, "
      "'{}', \"{{seed}}\"]\n    seeds: [{}]\n    metrics: {{acc: {{stdout: 'acc=(?<value>[0-9.]+)'}}}}\nclaims:\n  - "
      "{{id: c, "
      "experiment: py, metric: acc, reported: \"0.5\"}}\n",
      Python(), kScript, Seeds());
  std::string line = repro::ShellCommandLine(
      {repro.string(), "run", "m.yaml", "-j", "2", "-q", "--results", "results", "--cache", "cache"});
  return {.name = "repro", .dir = dir, .command = line};
}

// The shell line one attempt is to a peer that runs shell lines: "{}" is the seed.
std::string AttemptLine() { return repro::ShellCommandLine({Python(), "-c", kScript}) + " {} > out/{}.log"; }

Peer XargsPeer(const fs::path& dir) {
  fs::create_directories(dir);
  // xargs runs no shell: the redirection to a file per attempt needs one, as a user's would.
  return {
      .name = "xargs -P2",
      .dir = dir,
      .command = fmt::format("seq 0 {} | xargs -P 2 -I{{}} sh -c {}", kAttempts - 1, repro::ShellQuote(AttemptLine()))};
}

Peer ParallelPeer(const fs::path& dir) {
  fs::create_directories(dir);
  return {.name = "GNU parallel -j2",
          .dir = dir,
          .command =
              fmt::format("seq 0 {} | parallel --will-cite -j 2 {}", kAttempts - 1, repro::ShellQuote(AttemptLine()))};
}

// Snakemake as its users write it: a rule with a wildcard, and a target asking for every output.
Peer SnakemakePeer(const fs::path& dir) {
  fs::create_directories(dir);
  std::ofstream(dir / "Snakefile") << fmt::format(
      "rule all:\n    input: expand(\"out/{{seed}}.log\", seed=range({}))\n\nrule attempt:\n    output: "
      "\"out/{{seed}}.log\"\n    shell: r\"\"\"{} {{wildcards.seed}} > {{output}}\"\"\"\n",
      kAttempts, repro::ShellCommandLine({Python(), "-c", kScript}));
  return {.name = "Snakemake -j2", .dir = dir, .command = "snakemake -j 2 -q -s Snakefile"};
}

// Removes what an earlier round of "peer" left, so that it starts from nothing.
void StartFresh(const Peer& peer) {
  for (const char* name : {"out", "results", "cache", ".snakemake"}) fs::remove_all(peer.dir / name);
  fs::create_directories(peer.dir / "out");
}

// Runs the grid through "peer" once and records its time, or that it failed.
void TimeOnce(Peer& peer, std::vector<double>& into) {
  if (peer.failed) return;
  Timed timed = RunShell(peer.command, peer.dir);
  // repro exits 1 when a claim is not reproduced: 300 bit-identical values are inconclusive.
  bool complete = peer.name == "repro" ? timed.exit_code == 0 || timed.exit_code == 1
                                       : timed.ok() && CountFiles(peer.dir / "out") == kAttempts;
  if (!complete) {
    std::printf("peers       %s failed (exit %d, %d of %d outputs): left out\n", peer.name.c_str(), timed.exit_code,
                CountFiles(peer.dir / "out"), kAttempts);
    peer.failed = true;
    return;
  }
  into.push_back(timed.seconds);
}

// "repro / peer" with its goal, when there is one; nothing when the peer did not run.
void PrintRatio(double repro, const Peer& peer, const std::vector<double>& times, std::optional<double> goal) {
  if (peer.failed || times.empty()) return;
  double ratio = repro / Median(times);
  std::string verdict = goal ? fmt::format(" (goal <= {:.2f}) {}", *goal, Verdict(ratio <= *goal)) : " (no goal)";
  std::printf("            %-17s %6.2f s: repro / it %.2f%s\n", peer.name.c_str(), Median(times), ratio,
              verdict.c_str());
}

}  // namespace

void PeersBench(const fs::path& repro, const fs::path& dir) {
  fs::path root = dir / "peers";
  fs::remove_all(root);
  Peer ours = ReproPeer(repro, root / "repro");
  std::vector<Peer> peers = {XargsPeer(root / "xargs"), ParallelPeer(root / "parallel"),
                             SnakemakePeer(root / "snakemake")};
  for (auto [peer, tool] : {std::pair{&peers[1], "parallel"}, std::pair{&peers[2], "snakemake"}}) {
    if (OnPath(tool)) continue;
    std::printf("peers       %s skipped: no %s on PATH (scripts/bench installs it)\n", peer->name.c_str(), tool);
    peer->failed = true;
  }
  for (int round = 0; round < kRounds; ++round) {
    StartFresh(ours);
    TimeOnce(ours, ours.fresh);
    for (Peer& peer : peers) {
      StartFresh(peer);
      TimeOnce(peer, peer.fresh);
    }
  }
  // The last round's outputs are all there: each that knows what is done is asked again.
  for (int round = 0; round < kRounds; ++round) {
    TimeOnce(ours, ours.again);
    TimeOnce(peers[2], peers[2].again);
  }
  if (ours.failed) return;
  double fresh = Median(ours.fresh), again = Median(ours.again);
  std::printf("peers       %d trivial Python attempts, 2 at a time (median of %d): repro %.2f s\n", kAttempts, kRounds,
              fresh);
  PrintRatio(fresh, peers[0], peers[0].fresh, std::nullopt);
  PrintRatio(fresh, peers[1], peers[1].fresh, 1.0);
  PrintRatio(fresh, peers[2], peers[2].fresh, 0.5);
  if (peers[2].failed) return;  // the rerun figure has only this peer
  std::printf("peers       the same again, all done (median of %d): repro %.3f s\n", kRounds, again);
  PrintRatio(again, peers[2], peers[2].again, 0.5);
}

}  // namespace repro_bench
