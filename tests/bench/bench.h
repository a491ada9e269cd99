// What the parts of repro_bench share: medians, timing a command, and the benchmarks that
// live in their own files (peers.cc, scale.cc).
#pragma once

#include <sys/resource.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace repro_bench {

namespace fs = std::filesystem;

inline double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

inline double CpuSeconds(const struct rusage& r) {
  return static_cast<double>(r.ru_utime.tv_sec + r.ru_stime.tv_sec) +
         static_cast<double>(r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
}

// How one command went: its wall time, and its resource usage with its children's.
struct Timed {
  double seconds = 0;
  struct rusage usage {};
  int exit_code = -1;  // -1: killed by a signal, or could not start
  bool ok() const { return exit_code == 0; }
  double peak_mb() const { return static_cast<double>(usage.ru_maxrss) / 1024; }
};

// Gives the heap's free pages back to the kernel (malloc_trim): a forked child's peak RSS
// starts at what this process holds, and the parses of ManifestBench leave much of it free
// but resident (the memory figures read 520 MB for a repro that peaks at 18 MB).
void ReleaseFreeMemory();

// Runs "args" (args[0] looked up on PATH) in "cwd", output discarded, and times it.
// fork, not posix_spawn: a CLONE_VM child would carry this process's peak RSS; a forked one
// still carries what this process holds at the fork, so measure memory while it is small.
Timed RunTimed(const std::vector<std::string>& args, const fs::path& cwd);
inline Timed RunShell(const std::string& line, const fs::path& cwd) { return RunTimed({"/bin/sh", "-c", line}, cwd); }

// True when "name" is an executable on PATH.
bool OnPath(const std::string& name);

// "ok" or "MISSED", as every target line says.
inline const char* Verdict(bool met) { return met ? "ok" : "MISSED"; }

// repro against xargs, GNU parallel and Snakemake on one grid (peers.cc).
void PeersBench(const fs::path& repro, const fs::path& dir);

// Longest first against the manifest's order and the ideal packing (makespan.cc).
void MakespanBench(const fs::path& repro, const fs::path& dir);

// repro's everyday commands over a store of 10,000 runs x 100 points (scale.cc).
void ScaleBench(const fs::path& repro, const fs::path& dir);

}  // namespace repro_bench
