// Where repro's own data is: the fingerprint probes, the Slurm profiles and the notebook
// runner (configs/ in the source tree, <prefix>/share/repro when installed).
#pragma once

#include <filesystem>
#include <vector>

namespace repro {

// $REPRO_CONFIG_DIR; else, beside the binary, <prefix>/share/repro (installed) or
// <binary>/../configs (a build folder inside the source tree); else the configs/ folder of the
// source tree it was built from.
std::filesystem::path ConfigDir();

// Where ConfigDir() looks when REPRO_CONFIG_DIR is not set, in that order.
std::vector<std::filesystem::path> ConfigDirCandidates();
// REPRO_CONFIG_DIR when it is set and not empty, else nullptr.
const char* ConfigDirVariable();

// The script that runs a notebook experiment: ConfigDir()/notebook/run_notebook.py.
std::filesystem::path NotebookRunnerPath();

}  // namespace repro
