#include "harness/manifest/slurm_profile.h"

#include "harness/manifest/yaml_reader.h"
#include "harness/util/read_file.h"

namespace repro {

SlurmProfileLoad LoadSlurmProfile(const std::filesystem::path& path) {
  SlurmProfileLoad load;
  yaml::Diagnostics diagnostics(path.string());
  Result<std::string> text = ReadFile(path);
  if (!text) {
    load.errors.push_back({path.string(), 0, 0, text.error() + " (a profile is configs/slurm/NAME.yaml or a path)"});
    return load;
  }
  SlurmProfile& profile = load.profile;
  try {
    YAML::Node root = YAML::Load(*text);
    if (root.IsNull()) return load;  // an empty profile: every default
    yaml::MapReader top(root, "the Slurm profile",
                        {"partition", "account", "qos", "sbatch", "max_running", "warning", "poll", "lost_after",
                         "record_grace", "settle", "pack"},
                        diagnostics);
    if (top.is_map()) {
      profile.partition = top.String("partition").value_or("");
      profile.account = top.String("account").value_or("");
      profile.qos = top.String("qos").value_or("");
      profile.extra = top.StringList("sbatch").value_or(std::vector<std::string>{});
      for (const std::string& option : profile.extra) {
        if (option.rfind("--", 0) != 0)
          diagnostics.Add(*top.Find("sbatch"), "each 'sbatch' option starts with --, got '" + option + "'");
      }
      profile.max_running = static_cast<int>(top.Integer("max_running", 0, false, 1 << 30).value_or(0));
      profile.warning_seconds = static_cast<int>(top.Duration("warning").value_or(profile.warning_seconds));
      profile.lost_after_seconds = top.Duration("lost_after").value_or(profile.lost_after_seconds);
      profile.record_grace_seconds = top.Duration("record_grace").value_or(profile.record_grace_seconds);
      profile.settle_seconds = top.Duration("settle").value_or(profile.settle_seconds);
      if (const YAML::Node* pack = top.Find("pack")) {
        yaml::MapReader reader(*pack, "'pack' in the Slurm profile", {"below", "up_to"}, diagnostics);
        if (reader.is_map()) {
          profile.pack_below_seconds = reader.Duration("below").value_or(profile.pack_below_seconds);
          profile.pack_seconds = reader.Duration("up_to").value_or(profile.pack_seconds);
        }
      }
      if (const YAML::Node* poll = top.Find("poll")) {
        yaml::MapReader reader(*poll, "'poll' in the Slurm profile", {"min", "max"}, diagnostics);
        if (reader.is_map()) {
          profile.poll_min_seconds = reader.Duration("min").value_or(profile.poll_min_seconds);
          profile.poll_max_seconds = reader.Duration("max").value_or(profile.poll_max_seconds);
          if (profile.poll_max_seconds < profile.poll_min_seconds) {
            diagnostics.Add(*poll, "'poll: max' must not be shorter than 'poll: min'");
          }
        }
      }
    }
  } catch (const YAML::Exception& e) {
    diagnostics.AddAt(e.mark.is_null() ? 1 : e.mark.line + 1, e.mark.is_null() ? 1 : e.mark.column + 1,
                      "YAML syntax error: " + e.msg);
  }
  load.errors = std::move(diagnostics.list());
  return load;
}

}  // namespace repro
