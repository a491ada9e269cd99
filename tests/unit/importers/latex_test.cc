#include "harness/importers/latex.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "harness/importers/draft.h"
#include "harness/manifest/parser.h"
#include "tests/test_util.h"

namespace repro {
namespace {

using testing::ScopedTempDir;
using testing::WriteText;

// Every construct of the issue in two tables: booktabs rules, a two-level header from
// \multicolumn, \cmidrule, a \multirow group, row spacing, bold, underline, emphasis, colour,
// math-mode numbers with \pm, \%, a macro with an argument, comments.
const char* kPaper = R"tex(\documentclass{article}
\newcommand{\best}[1]{\textbf{#1}}
\newcommand\ours{\textsc{Ours}}
\title{Tables as \emph{Papers} Print Them}
\author{Ada Lovelace\thanks{x} \\ Somewhere \and Alan Turing}
\begin{document}
\begin{table*}[t]
  \caption{Accuracy (\%) $\uparrow$ on two benchmarks.}
  \label{tab:main}
  \begin{tabularx}{\textwidth}{ll cc c}
    \toprule
    & & \multicolumn{2}{c}{CIFAR} & ImageNet \\
    \cmidrule(lr){3-4}
    Group & Method & 10 $\uparrow$ & 100 & Top-1 (\%) \\
    \midrule
    \multirow{2}{*}{CNN} & ResNet-50 & 93.20 & $71.3 \pm 0.4$ & \underline{76.1} \\[2pt]
                         & WRN & \best{95.8} & \textcolor{blue}{79.5} & -- \\ % WRN on ImageNet: not run
    \cellcolor{gray!20}\emph{ViT} & \ours & $96.1$ & 81.2\% & \textbf{$80.3_{\pm 0.2}$} \\
    \bottomrule
  \end{tabularx}
\end{table*}
\begin{longtable}{lr}
\caption{Loss $\downarrow$ per epoch.}\label{tab:loss}\\
\hline Epoch & Loss \\ \hline \endfirsthead
Epoch & Loss \\ \hline \endhead
1 & 2.5 \\
2 & 1.9 (0.1) \\
\end{longtable}
\end{document}
)tex";

TEST(LatexImportTest, ReadsTheTablesAPaperPrints) {
  LatexPaper paper = ParseLatexPaper(kPaper, "paper.tex");
  EXPECT_EQ(paper.title, "Tables as Papers Print Them");
  EXPECT_EQ(paper.authors, (std::vector<std::string>{"Ada Lovelace", "Alan Turing"}));
  ASSERT_EQ(paper.tables.size(), 2u);
  const LatexTable& main = paper.tables[0];
  EXPECT_EQ(main.number, 1);
  EXPECT_EQ(main.label, "tab:main");
  EXPECT_EQ(main.caption, "Accuracy (%) ↑ on two benchmarks.");
  EXPECT_EQ(main.where, "paper.tex:7");
  EXPECT_EQ(main.columns, (std::vector<std::string>{"CIFAR / 10", "CIFAR / 100", "ImageNet / Top-1 (%)"}));
  EXPECT_EQ(main.better, (std::vector<std::string>{"higher", "", ""}));
  ASSERT_EQ(main.rows.size(), 3u);
  EXPECT_EQ(main.rows[0].label, "CNN / ResNet-50");
  EXPECT_EQ(main.rows[0].where, "paper.tex:16");
  EXPECT_EQ(main.rows[1].label, "CNN / WRN") << "the \\multirow label is carried down";
  EXPECT_EQ(main.rows[2].label, "ViT / Ours");
  const LatexCell& resnet10 = main.rows[0].cells[0];
  ASSERT_TRUE(resnet10.number.has_value());
  EXPECT_EQ(resnet10.number->text, "93.20") << "digits kept as printed";
  EXPECT_EQ(main.rows[0].cells[1].number->std_text, "0.4");
  EXPECT_EQ(main.rows[0].cells[2].number->text, "76.1");
  EXPECT_TRUE(main.rows[1].cells[0].bold) << "through the \\best macro";
  EXPECT_EQ(main.rows[1].cells[1].number->text, "79.5") << "the colour is not the text";
  EXPECT_FALSE(main.rows[1].cells[2].number.has_value()) << "'--' is no number";
  EXPECT_TRUE(main.rows[2].cells[1].number->percent);
  EXPECT_EQ(main.rows[2].cells[2].number->text, "80.3");
  EXPECT_EQ(main.rows[2].cells[2].number->std_text, "0.2");
  EXPECT_TRUE(main.rows[2].cells[2].bold);

  const LatexTable& loss = paper.tables[1];
  EXPECT_EQ(loss.number, 2);
  EXPECT_EQ(loss.label, "tab:loss");
  EXPECT_EQ(loss.columns, (std::vector<std::string>{"Loss"}));
  ASSERT_EQ(loss.rows.size(), 2u) << "the repeated head of a longtable is not a row";
  EXPECT_EQ(loss.rows[1].label, "2");
  EXPECT_EQ(loss.rows[1].cells[0].number->std_text, "0.1") << "a std printed in parentheses";
}

TEST(LatexImportTest, CellNumbers) {
  struct Case {
    const char* cell;
    const char* text;
    const char* std;
    bool percent;
  };
  for (const Case& c : std::vector<Case>{{"93.2", "93.2", "", false}, {"-0.49 ± 0.02", "-0.49", "0.02", false},
                                          {"71.3%", "71.3", "", true}, {"1e-3", "1e-3", "", false},
                                          {"0.87*", "0.87", "", false}, {"12.0 +- 1.5 %", "12.0", "1.5", true}}) {
    std::optional<CellNumber> number = ParseCellNumber(c.cell);
    ASSERT_TRUE(number.has_value()) << c.cell;
    EXPECT_EQ(number->text, c.text) << c.cell;
    EXPECT_EQ(number->std_text, c.std) << c.cell;
    EXPECT_EQ(number->percent, c.percent) << c.cell;
  }
  for (const char* text : {"ResNet", "--", "1,234", "93.2 / 94.1", "", "n/a"}) EXPECT_FALSE(ParseCellNumber(text)) << text;
}

// A paper split into files: the table is \input from a folder of the source, and a path
// leading out of the source's folder is refused and named.
TEST(LatexImportTest, InputFilesStayBeneathTheSourceFolder) {
  ScopedTempDir dir;
  WriteText(dir / "outside.tex", "\\begin{table}\\caption{stolen}\\begin{tabular}{ll}a & 1 \\\\ \\end{tabular}\\end{table}");
  WriteText(dir / "src/main.tex", "\\documentclass{article}\n\\begin{document}\n\\input{tables/results}\n\\input{../outside}\n"
                                  "\\input{self}\n\\end{document}\n");
  WriteText(dir / "src/tables/results.tex", "% the results\n\\begin{table}\n\\caption{Results}\n\\begin{tabular}{lc}\n"
                                            "Model & Acc \\\\\n\\hline\nA & 0.5 \\\\\nB & x & y \\\\\n\\end{tabular}\n\\end{table}\n");
  WriteText(dir / "src/self.tex", "\\input{self}\n");  // endless: bounded
  Result<LatexPaper> paper = ReadLatexPaper(dir / "src");
  ASSERT_TRUE(paper.ok()) << paper.error();
  ASSERT_EQ(paper->tables.size(), 1u);
  EXPECT_EQ(paper->tables[0].caption, "Results");
  EXPECT_EQ(paper->tables[0].where, "tables/results.tex:2");
  EXPECT_EQ(paper->tables[0].rows[0].cells[0].number->text, "0.5");
  bool outside = false, nested = false;
  for (const std::string& problem : paper->problems) {
    outside = outside || problem.rfind("../outside.tex:", 0) == 0;
    nested = nested || problem.find("nested deeper than 16") != std::string::npos;
  }
  EXPECT_TRUE(outside) << ::testing::PrintToString(paper->problems);
  EXPECT_TRUE(nested) << ::testing::PrintToString(paper->problems);
}

TEST(LatexImportTest, MacrosThatNeverEndAreBounded) {
  LatexPaper paper = ParseLatexPaper("\\def\\a{\\a\\a}\\begin{table}\\begin{tabular}{ll}x & \\a \\\\ y & 2 \\\\ \\end{tabular}\\end{table}", "p.tex");
  ASSERT_EQ(paper.tables.size(), 1u);
  EXPECT_FALSE(paper.problems.empty());
}

// import -> write -> parse gives the same claims and tables the importer read.
TEST(LatexImportTest, TheDraftParsesBackToWhatWasRead) {
  ScopedTempDir dir;
  LatexPaper paper = ParseLatexPaper(kPaper, "paper.tex");
  std::string draft = DraftManifest(paper, {}, "paper.tex");
  // The user's part: the experiments the commented placeholders suggest.
  std::string experiments = "experiments:\n";
  for (const char* id : {"cnn-resnet-50", "cnn-wrn", "vit-ours", "1", "2"}) {
    experiments += fmt::format("  - {{id: \"{}\", command: [prog], metrics: {{cifar_10: {{stdout: 'a (?<value>\\S+)'}}, "
                               "cifar_100: {{stdout: 'b (?<value>\\S+)'}}, imagenet_top_1: {{stdout: 'c (?<value>\\S+)'}}, "
                               "loss: {{stdout: 'd (?<value>\\S+)'}}}}}}\n", id);
  }
  size_t at = draft.find("experiments: []");
  ASSERT_NE(at, std::string::npos);
  draft.replace(at, draft.find('\n', at) - at, experiments);
  std::filesystem::create_directories(dir.path());
  ManifestLoad load = ParseManifest(draft, "draft.yaml", dir.path());
  ASSERT_TRUE(load.ok()) << load.errors.front().ToString() << "\n" << draft;
  const Manifest& m = load.manifest;
  EXPECT_EQ(m.paper.title, paper.title);
  EXPECT_EQ(m.paper.authors, paper.authors);
  ASSERT_EQ(m.claims.size(), 10u);
  const Claim* resnet = m.FindClaim("table1/cnn-resnet-50/cifar-100");
  ASSERT_NE(resnet, nullptr);
  EXPECT_EQ(resnet->reported.text, "71.3");
  EXPECT_EQ(resnet->reported.std, 0.4);
  EXPECT_EQ(resnet->source, "Table 1 (tab:main), row 'CNN / ResNet-50', column 'CIFAR / 100'");
  EXPECT_EQ(m.FindClaim("table1/cnn-resnet-50/cifar-10")->better, Better::kHigher);
  EXPECT_EQ(m.FindClaim("table2/2/loss")->reported.std, 0.1);
  ASSERT_EQ(m.tables.size(), 2u);
  EXPECT_EQ(m.tables[0].columns, paper.tables[0].columns);
  EXPECT_EQ(m.tables[0].rows[1].label, "CNN / WRN");
  EXPECT_EQ(m.tables[0].rows[1].cells[2], "") << "no number, no claim";
}

}  // namespace
}  // namespace repro
