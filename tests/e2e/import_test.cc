// repro import, through the built binary, as a user meets it (#16): a model card's scores
// become claims, an experiment runs "lm_eval" (here a stand-in that writes the results file
// lm-evaluation-harness 0.4 writes) and compare reads its task, metric and stderr.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "tests/test_util.h"

namespace repro {
namespace {

using testing::RunRepro;
using testing::ScopedTempDir;
using testing::WriteText;

const char* kCard = R"md(---
license: apache-2.0
model-index:
- name: tiny-model
  results:
  - task: {type: text-generation}
    dataset: {name: AI2 Reasoning Challenge (25-Shot), type: ai2_arc, config: ARC-Challenge, split: test}
    metrics:
    - {type: acc_norm, value: 36.09}
  - task: {type: text-generation}
    dataset: {name: HellaSwag (10-Shot), type: hellaswag}
    metrics:
    - {type: acc_norm, value: 61.10}
---
# tiny-model
)md";

// What lm_eval --output_path OUT writes: OUT/<model>/results_<time>.json.
const char* kLmEval = R"sh(#!/bin/sh
out="$1"
mkdir -p "$out/tiny-model"
cat > "$out/tiny-model/results_2026-12-02T05-00-00.json" <<'JSON'
{"results": {"arc_challenge": {"alias": "arc_challenge", "acc_norm,none": 0.3612, "acc_norm_stderr,none": 0.0140},
             "hellaswag": {"alias": "hellaswag", "acc_norm,none": 0.5514, "acc_norm_stderr,none": 0.0050}},
 "n-samples": {"arc_challenge": {"original": 1172, "effective": 1172}, "hellaswag": {"original": 10042, "effective": 10042}}}
JSON
)sh";

const char* kExperiment = R"yaml(experiments:
  - id: lm-eval
    command: [/bin/sh, lm_eval.sh, "{out}"]
    metrics:
      ai2_arc_arc_challenge_acc_norm: {file: "{out}/*/results_*.json", lm_eval: "arc_challenge/acc_norm,none", scale: 100}
      hellaswag_acc_norm: {file: "{out}/*/results_*.json", lm_eval: "hellaswag/acc_norm,none", scale: 100})yaml";

TEST(ImportTest, AModelCardsScoresAreCheckedAgainstLmEvalResults) {
  ScopedTempDir dir;
  WriteText(dir.path() / "card/README.md", kCard);
  WriteText(dir.path() / "code/lm_eval.sh", kLmEval, /*executable=*/true);
  testing::CommandResult import = RunRepro({"import", "model-card", "card/README.md", "-o", "card.yaml"}, dir.path());
  ASSERT_EQ(import.exit_code, 0) << import.err;
  EXPECT_NE(import.err.find("wrote card.yaml"), std::string::npos) << import.err;

  // What validate says of the draft as written: the experiment the claims name is the user's to write.
  testing::CommandResult draft = RunRepro({"validate", "card.yaml"}, dir.path());
  EXPECT_EQ(draft.exit_code, 2) << draft.out << draft.err;
  EXPECT_NE(draft.err.find("unknown experiment 'lm-eval'"), std::string::npos) << draft.err;

  // The user fills in the experiment and the code; lm-eval's stderr is a sampling error of
  // the benchmark, so "the same score" needs a declared tolerance.
  std::string manifest = testing::ReadText(dir.path() / "card.yaml");
  size_t at = manifest.find("experiments: []");
  ASSERT_NE(at, std::string::npos) << manifest;
  manifest.replace(at, manifest.find('\n', at) - at, kExperiment);
  manifest.replace(manifest.find("source: {path: .}"), 17, "source: {path: code}");
  for (const char* reported : {"    reported: \"36.09\"\n", "    reported: \"61.10\"\n"}) {
    size_t line = manifest.find(reported);
    ASSERT_NE(line, std::string::npos) << manifest;
    manifest.insert(line + std::string(reported).size(), "    tolerance: {abs: 3}\n");
  }
  WriteText(dir.path() / "card.yaml", manifest);
  testing::CommandResult run = RunRepro({"run", "card.yaml"}, dir.path());
  std::map<std::string, std::string> reasons = testing::ReasonsByClaim(run.out);
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  const std::string& arc = reasons["ai2-reasoning-challenge-25-shot/acc-norm"];
  EXPECT_NE(arc.find("measured 36.12"), std::string::npos) << run.out;
  EXPECT_NE(arc.find("the code printed ± "), std::string::npos) << "the stderr is the run's spread: " << run.out;
  EXPECT_NE(arc.find(": reproduced"), std::string::npos) << run.out;
  EXPECT_NE(reasons["hellaswag-10-shot/acc-norm"].find(": not-reproduced"), std::string::npos) << run.out;
}

}  // namespace
}  // namespace repro
