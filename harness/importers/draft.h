// Writes what an importer read as a manifest draft: the paper block, one claim per numeric
// cell with its place in the paper, the tables, and commented placeholders for what only the
// user can say (the code, the experiments). `repro validate` on the draft names what is left.
#pragma once

#include <string>
#include <vector>

#include "harness/importers/latex.h"
#include "harness/importers/model_card.h"

namespace repro {

// The draft for "tables" of "paper" (all of them when empty), read from "from".
std::string DraftManifest(const LatexPaper& paper, const std::vector<const LatexTable*>& tables,
                          const std::string& from);

// The draft for the scores a model card claims, read from "from": one claim per score and a
// commented lm-evaluation-harness experiment that would measure them.
std::string DraftManifest(const ModelCard& card, const std::string& from);

// "ResNet-50 (ours)" -> "resnet-50-ours": lowercase letters, digits and '-'.
std::string IdSlug(const std::string& text);

}  // namespace repro
