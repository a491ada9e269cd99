// A Slurm profile: how `repro run --executor slurm` submits on one cluster (partition,
// account, qos, extra sbatch options, polling). configs/slurm/NAME.yaml, chosen with
// --slurm-profile NAME or a path. Read here because this module owns yaml-cpp.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "harness/manifest/diagnostic.h"

namespace repro {

struct SlurmProfile {
  std::string partition, account, qos;                 // empty: the cluster's default
  std::vector<std::string> extra;                      // more sbatch options, as written ("--constraint=a100")
  int max_running = 0;                                 // tasks of one array at once; 0: no limit
  int warning_seconds = 90;                            // --signal=B:USR2@N before the time limit
  double poll_min_seconds = 1, poll_max_seconds = 30;  // squeue/sacct backoff
  double lost_after_seconds = 600;                     // a task no command knows for this long is lost
  double record_grace_seconds = 30;                    // a result record may reach this host late (NFS)
  double settle_seconds = 3;  // a job's end must hold this long: a requeue can follow a brief FAILED
  // Short attempts share array tasks, since Slurm's start of a task costs seconds: an attempt
  // whose last completed run took under pack_below_seconds joins others in one task, up to
  // pack_seconds of expected work (and half the experiment's timeout). 0: never pack.
  double pack_below_seconds = 60;
  double pack_seconds = 300;
};

struct SlurmProfileLoad {
  SlurmProfile profile;
  std::vector<Diagnostic> errors;
};

SlurmProfileLoad LoadSlurmProfile(const std::filesystem::path& path);

}  // namespace repro
