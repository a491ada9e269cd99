#include "harness/importers/model_card.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "harness/importers/draft.h"
#include "harness/manifest/parser.h"
#include "tests/test_util.h"

namespace repro {
namespace {

using testing::ScopedTempDir;

// The front matter of a model card as the Open LLM Leaderboard wrote them into many cards
// (the Hugging Face model-index format: task, dataset with config/split/args, metrics, source),
// with two entries a reader must not guess at.
const char* kCard = R"md(---
language:
- en
license: apache-2.0
model-index:
- name: tiny-llama-chat
  results:
  - task:
      type: text-generation
      name: Text Generation
    dataset:
      name: AI2 Reasoning Challenge (25-Shot)
      type: ai2_arc
      config: ARC-Challenge
      split: test
      args:
        num_few_shot: 25
    metrics:
    - type: acc_norm
      value: 36.09
      name: normalized accuracy
    source:
      url: https://huggingface.co/spaces/open-llm-leaderboard
      name: Open LLM Leaderboard
  - task:
      type: text-generation
    dataset:
      name: WikiText
      type: wikitext
    metrics:
    - type: perplexity
      value: 7.50
    - type: bits_per_byte
      value: N/A
  - task:
      type: text-generation
    dataset:
      name: GSM8k (5-shot)
---
# tiny-llama-chat

A model card's text, which is not read.
)md";

TEST(ModelCardTest, ReadsEveryScoreOfTheModelIndexAsWritten) {
  Result<ModelCard> card = ParseModelCard(kCard, "README.md");
  ASSERT_TRUE(card) << card.error();
  EXPECT_EQ(card->model, "tiny-llama-chat");
  ASSERT_EQ(card->scores.size(), 2u);
  const CardScore& arc = card->scores[0];
  EXPECT_EQ(arc.dataset, "AI2 Reasoning Challenge (25-Shot)");
  EXPECT_EQ(arc.dataset_type, "ai2_arc");
  EXPECT_EQ(arc.config, "ARC-Challenge");
  EXPECT_EQ(arc.split, "test");
  EXPECT_EQ(arc.few_shot, "25");
  EXPECT_EQ(arc.metric, "acc_norm");
  EXPECT_EQ(arc.value, "36.09");
  EXPECT_EQ(arc.source, "Open LLM Leaderboard");
  EXPECT_EQ(arc.task, "Text Generation");
  EXPECT_EQ(card->scores[1].value, "7.50") << "digits kept as written, so the rounding band is right";
  EXPECT_EQ(card->scores[1].where, "model-index[0].results[1].metrics[0]");
  EXPECT_EQ(card->problems,
            (std::vector<std::string>{"model-index[0].results[1].metrics[1]: the value 'N/A' of bits_per_byte is not a "
                                      "number (skipped)",
                                      "model-index[0].results[2]: no metrics (skipped)"}));
}

TEST(ModelCardTest, WhatIsNotAModelCardIsNamed) {
  auto error = [](const std::string& text) {
    Result<ModelCard> card = ParseModelCard(text, "README.md");
    return card ? std::string("read") : card.error();
  };
  EXPECT_EQ(error("# A model\nno front matter\n"), "README.md has no YAML front matter (a first line '---')");
  EXPECT_EQ(error("---\nlicense: mit\n---\n"),
            "README.md: the front matter has no 'model-index' (the card claims no scores in a form a program can "
            "read)");
  EXPECT_EQ(error("---\nlicense: mit\nmodel-index: [\n---\n"),
            "README.md:4:1: YAML syntax error: end of sequence flow not found")
      << "the line is the file's, not the front matter's";
  EXPECT_EQ(error("---\nmodel-index:\n- name: m\n  results:\n  - dataset: {name: d}\n---\n"),
            "README.md: model-index[0].results[0]: no metrics (skipped)");
}

TEST(ModelCardTest, HostileFrontMatterIsBounded) {
  // Ten levels of anchors, each naming the one before ten times: 10^10 nodes when walked.
  std::string bomb = "---\nmodel-index:\n- name: m\n  results:\n  - &a0 {metrics: [{type: acc, value: 1}]}\n";
  for (int level = 1; level <= 10; ++level) {
    bomb += fmt::format("  - &a{} [", level);
    for (int i = 0; i < 10; ++i) bomb += fmt::format("{}*a{}", i ? ", " : "", level - 1);
    bomb += "]\n";
  }
  bomb += "---\n";
  Result<ModelCard> card = ParseModelCard(bomb, "README.md");
  ASSERT_FALSE(card);
  EXPECT_NE(card.error().find("more than 1000000 YAML nodes"), std::string::npos) << card.error();
  std::string deep = "---\nmodel-index: " + std::string(100000, '[') + "\n---\n";
  ASSERT_FALSE(ParseModelCard(deep, "README.md"));
  ScopedTempDir dir;
  ASSERT_EQ(::mkfifo((dir.path() / "README.md").c_str(), 0600), 0);
  EXPECT_FALSE(ReadModelCard(dir.path() / "README.md")) << "a FIFO is refused, not waited on";
}

TEST(ModelCardTest, WhichWayIsBetter) {
  EXPECT_EQ(BetterOfMetric("acc_norm"), "higher");
  EXPECT_EQ(BetterOfMetric("pass@1"), "higher");
  EXPECT_EQ(BetterOfMetric("perplexity"), "lower");
  EXPECT_EQ(BetterOfMetric("word_perplexity"), "lower");
  EXPECT_EQ(BetterOfMetric("WER"), "lower");
  EXPECT_EQ(BetterOfMetric("score"), "");
}

// import -> write -> parse: the manifest parser reads back every claim as the card wrote it.
TEST(ModelCardTest, TheDraftParsesBackToWhatWasRead) {
  Result<ModelCard> card = ParseModelCard(kCard, "README.md");
  ASSERT_TRUE(card) << card.error();
  std::string draft = DraftManifest(*card, "README.md");
  EXPECT_NE(draft.find("lm_eval: \"TODO-TASK/acc_norm,none\", scale: 100"), std::string::npos) << draft;
  std::string experiment =
      "experiments:\n  - id: lm-eval\n    command: [lm_eval, --output_path, \"{out}\"]\n    metrics:\n"
      "      ai2_arc_arc_challenge_acc_norm: {file: \"{out}/*/results_*.json\", lm_eval: arc_challenge/acc_norm, "
      "scale: 100}\n      wikitext_perplexity: {file: \"{out}/*/results_*.json\", lm_eval: wikitext/word_perplexity}\n";
  size_t at = draft.find("experiments: []");
  ASSERT_NE(at, std::string::npos);
  draft.replace(at, draft.find('\n', at) - at, experiment);
  ScopedTempDir dir;
  ManifestLoad load = ParseManifest(draft, "draft.yaml", dir.path());
  ASSERT_TRUE(load.ok()) << load.errors.front().ToString() << "\n" << draft;
  const Manifest& m = load.manifest;
  EXPECT_EQ(m.paper.title, "Model card of tiny-llama-chat");
  ASSERT_EQ(m.claims.size(), 2u);
  const Claim* arc = m.FindClaim("ai2-reasoning-challenge-25-shot/acc-norm");
  ASSERT_NE(arc, nullptr) << draft;
  EXPECT_EQ(arc->source, "model card, model-index: AI2 Reasoning Challenge (25-Shot) acc_norm");
  EXPECT_EQ(arc->reported.text, "36.09");
  EXPECT_EQ(arc->metric, "ai2_arc_arc_challenge_acc_norm");
  EXPECT_EQ(arc->better, Better::kHigher);
  const Claim* ppl = m.FindClaim("wikitext/perplexity");
  ASSERT_NE(ppl, nullptr) << draft;
  EXPECT_EQ(ppl->reported.text, "7.50");
  EXPECT_EQ(ppl->better, Better::kLower);
}

}  // namespace
}  // namespace repro
