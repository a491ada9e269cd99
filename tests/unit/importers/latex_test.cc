#include "harness/importers/latex.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <nlohmann/json.hpp>

#include "harness/importers/draft.h"
#include "harness/manifest/parser.h"
#include "tests/test_util.h"

namespace repro {
namespace {

using testing::ScopedTempDir;
using testing::WriteText;

// Numeric cells of the real fixtures read right when this test was last raised.
constexpr int kCellsReadToday = 565;

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
  EXPECT_EQ(main.columns, (std::vector<std::string>{"CIFAR / 10", "CIFAR / 100", "ImageNet Top-1 (%)"}))
      << "a group over two columns is 'Group / Sub'; a header wrapped onto two rows is one text";
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

// A float of two subtables is one table: both tabulars are read, a column is found by its
// name, and each row says which tabular it is in. The float's caption and label are its own,
// not a subtable's.
TEST(LatexImportTest, ReadsEverySubtableOfAFloat) {
  LatexPaper paper = ParseLatexPaper(R"tex(\begin{table}
\begin{subtable}{\linewidth}
\begin{tabular}{lcc} Method & Acc & F1 \\ \hline A & 1.5 & 2.5 \\ B & 3.5 & 4.5 \\ \end{tabular}
\caption{On X.}\label{tab:x}
\end{subtable}
\begin{subtable}{\linewidth}
\begin{tabular}{lcc} Method & Acc & Time \\ \hline A & 5.5 & 6.5 \\ \end{tabular}
\caption{On Y.}\label{tab:y}
\end{subtable}
\caption{Two datasets.}\label{tab:both}
\end{table})tex",
                                     "p.tex");
  ASSERT_EQ(paper.tables.size(), 1u);
  const LatexTable& table = paper.tables[0];
  EXPECT_EQ(table.caption, "Two datasets.");
  EXPECT_EQ(table.label, "tab:both");
  EXPECT_EQ(table.columns, (std::vector<std::string>{"Acc", "F1", "Time"}));
  ASSERT_EQ(table.rows.size(), 3u);
  EXPECT_EQ(table.rows[0].tabular, 1);
  EXPECT_EQ(table.rows[0].cells.size(), 3u) << "a column of a later tabular pads the rows before it";
  const LatexTable::Row& second = table.rows[2];
  EXPECT_EQ(second.tabular, 2);
  EXPECT_EQ(second.label, "A");
  ASSERT_EQ(second.cells.size(), 3u);
  ASSERT_TRUE(second.cells[0].number.has_value());
  EXPECT_EQ(second.cells[0].number->text, "5.5") << "'Acc' found by its name";
  EXPECT_FALSE(second.cells[1].number.has_value()) << "no F1 in the second tabular";
  EXPECT_EQ(second.cells[2].number->text, "6.5");
}

// A tabular inside a cell is part of that cell: its \\ and its \end do not end the table.
TEST(LatexImportTest, ATabularInACellIsPartOfTheCell) {
  LatexPaper paper = ParseLatexPaper(R"tex(\begin{table}\begin{tabular}{ll}
Dataset & Ours \\ \hline
X & \begin{tabular}{l} a: 1 \\ b: 2 \end{tabular} \\
Y & 0.5 \\
\end{tabular}\end{table})tex",
                                     "p.tex");
  ASSERT_EQ(paper.tables.size(), 1u);
  ASSERT_EQ(paper.tables[0].rows.size(), 2u);
  EXPECT_EQ(paper.tables[0].rows[0].cells[0].text, "a: 1 b: 2") << "the inner tabular's spec is no text";
  EXPECT_EQ(paper.tables[0].rows[1].label, "Y");
  EXPECT_EQ(paper.tables[0].rows[1].cells[0].number->text, "0.5");
}

// Without rules the header is the leading rows that hold no number: a header wrapped onto a
// second row (of citations or a second word) is one header, not a row of results. A title
// across the whole table starts the rows.
TEST(LatexImportTest, AHeaderWithoutRulesEndsAtTheFirstNumber) {
  LatexPaper paper = ParseLatexPaper(R"tex(\begin{table}\begin{tabular}{lcc}
 & raw & GradCAM \\
 & attention & \cite{grad} \\
\multicolumn{3}{c}{ImageNet} \\
mIoU & 46.37 & 40.82 \\
mAP & 80.24 & 71.60 \\
\end{tabular}\end{table})tex",
                                     "p.tex");
  ASSERT_EQ(paper.tables.size(), 1u);
  const LatexTable& table = paper.tables[0];
  EXPECT_EQ(table.columns, (std::vector<std::string>{"raw attention", "GradCAM"}));
  ASSERT_EQ(table.rows.size(), 3u);
  EXPECT_EQ(table.rows[0].label, "ImageNet") << "a title of rows, not a third header row";
  EXPECT_EQ(table.rows[1].label, "mIoU");
  EXPECT_EQ(table.rows[1].cells[0].number->text, "46.37");
}

// Of the leading text columns, rows are named by the fewest that tell them apart: a text
// column that only describes the row ("Based on") is a column, not part of the name.
TEST(LatexImportTest, RowsAreNamedByTheFewestTextColumnsThatTellThemApart) {
  LatexPaper paper = ParseLatexPaper(R"tex(\begin{table}\begin{tabular}{llc}
Dataset & Based on & Images \\ \hline
BFW & VGGFace2 & 19,766 \\
RFW & MS-Celeb & 40,467 \\
\end{tabular}\end{table}
\begin{table}\begin{tabular}{llc}
Model & Data & Acc \\ \hline
A & X & 1.5 \\
A & Y & 2.5 \\
\end{tabular}\end{table}
\begin{table}\begin{tabular}{llc}
 & & AUC \\ \hline
 & Mean & 53.1 \\
Ours & Mean & 55.0 \\
\end{tabular}\end{table})tex",
                                     "p.tex");
  ASSERT_EQ(paper.tables.size(), 3u);
  const LatexTable& described = paper.tables[0];
  EXPECT_EQ(described.columns, (std::vector<std::string>{"Based on", "Images"}));
  ASSERT_EQ(described.rows.size(), 2u);
  EXPECT_EQ(described.rows[0].label, "BFW");
  ASSERT_EQ(described.rows[0].cells.size(), 2u);
  EXPECT_EQ(described.rows[0].cells[1].number->text, "19,766");
  const LatexTable& named = paper.tables[1];
  EXPECT_EQ(named.columns, (std::vector<std::string>{"Acc"})) << "'A' alone names two rows";
  ASSERT_EQ(named.rows.size(), 2u);
  EXPECT_EQ(named.rows[1].label, "A / Y");
  const LatexTable& later = paper.tables[2];
  ASSERT_EQ(later.rows.size(), 2u);
  EXPECT_EQ(later.rows[0].label, "Mean") << "a row labelled only in the second column needs it";
  EXPECT_EQ(later.rows[1].label, "Ours / Mean");
}

// A group label written once above blank cells (no \multirow) names the rows below it that
// are labelled in a later column.
TEST(LatexImportTest, AGroupLabelWrittenOnceNamesTheRowsBelowIt) {
  LatexPaper paper = ParseLatexPaper(R"tex(\begin{table}\begin{tabular}{llc}
 & & AUC \\ \hline
Negative & Predicted & 53.1 \\
 & Target & 55.0 \\
Positive & Predicted & 20.1 \\
 & Target & 16.4 \\
\end{tabular}\end{table})tex",
                                     "p.tex");
  ASSERT_EQ(paper.tables.size(), 1u);
  const LatexTable& table = paper.tables[0];
  ASSERT_EQ(table.rows.size(), 4u);
  EXPECT_EQ(table.rows[1].label, "Negative / Target");
  EXPECT_EQ(table.rows[3].label, "Positive / Target");
}

// colortbl's \arrayrulecolor before a rule is no text of the row after it.
TEST(LatexImportTest, ARuleColourIsNoText) {
  LatexPaper paper = ParseLatexPaper(R"tex(\begin{table}\begin{tabular}{lc}
Model & Acc \\ \arrayrulecolor{gray}\hline
A & 1.5 \\
\arrayrulecolor{black}\hline
\end{tabular}\end{table})tex",
                                     "p.tex");
  ASSERT_EQ(paper.tables.size(), 1u);
  ASSERT_EQ(paper.tables[0].rows.size(), 1u);
  EXPECT_EQ(paper.tables[0].rows[0].label, "A");
  EXPECT_EQ(paper.tables[0].columns, (std::vector<std::string>{"Acc"}));
}

// A tabular with no number of its own that holds tabulars in its cells lays out sub-tables
// side by side: the tabulars inside are read, each as a tabular of the float.
TEST(LatexImportTest, ATabularThatLaysOutTabularsIsReadAsThem) {
  LatexPaper paper = ParseLatexPaper(R"tex(\begin{table}\begin{tabular}{cc}
\begin{tabular}{lc} & wd=0.05 \\ \midrule lr=1e-3 & 28.07 \\ \end{tabular} &
\begin{tabular}{lc} & wd=0.05 \\ \midrule lr=1e-3 & 13.75 \\ \end{tabular} \\
depth 2 & depth 3 \\
\end{tabular}\end{table})tex",
                                     "p.tex");
  ASSERT_EQ(paper.tables.size(), 1u);
  const LatexTable& table = paper.tables[0];
  EXPECT_EQ(table.columns, (std::vector<std::string>{"wd=0.05"}));
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_EQ(table.rows[0].label, "lr=1e-3");
  EXPECT_EQ(table.rows[0].cells[0].number->text, "28.07");
  EXPECT_EQ(table.rows[1].tabular, 2);
  EXPECT_EQ(table.rows[1].cells[0].number->text, "13.75");
}

TEST(LatexImportTest, CellNumbers) {
  struct Case {
    const char* cell;
    const char* text;
    const char* std;
    bool percent;
  };
  for (const Case& c : std::vector<Case>{{"93.2", "93.2", "", false},
                                         {"-0.49 ± 0.02", "-0.49", "0.02", false},
                                         {"71.3%", "71.3", "", true},
                                         {"1e-3", "1e-3", "", false},
                                         {"0.87*", "0.87", "", false},
                                         {"12.0 +- 1.5 %", "12.0", "1.5", true},
                                         {"19,766", "19,766", "", false},
                                         {"0.783 (±0.186)", "0.783", "0.186", false}}) {
    std::optional<CellNumber> number = ParseCellNumber(c.cell);
    ASSERT_TRUE(number.has_value()) << c.cell;
    EXPECT_EQ(number->text, c.text) << c.cell;
    EXPECT_EQ(number->std_text, c.std) << c.cell;
    EXPECT_EQ(number->percent, c.percent) << c.cell;
  }
  for (const char* text : {"ResNet", "--", "1,23", "93.2 / 94.1", "", "n/a", "10^6"})
    EXPECT_FALSE(ParseCellNumber(text)) << text;
}

// A paper split into files: the table is \input from a folder of the source, and a path
// leading out of the source's folder is refused and named.
TEST(LatexImportTest, InputFilesStayBeneathTheSourceFolder) {
  ScopedTempDir dir;
  WriteText(dir / "outside.tex",
            "\\begin{table}\\caption{stolen}\\begin{tabular}{ll}a & 1 \\\\ \\end{tabular}\\end{table}");
  WriteText(dir / "src/main.tex",
            "\\documentclass{article}\n\\begin{document}\n\\input{tables/results}\n\\input{../outside}\n"
            "\\input{self}\n\\end{document}\n");
  WriteText(dir / "src/tables/results.tex",
            "% the results\n\\begin{table}\n\\caption{Results}\n\\begin{tabular}{lc}\n"
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
  LatexPaper paper = ParseLatexPaper(
      "\\def\\a{\\a\\a}\\begin{table}\\begin{tabular}{ll}x & \\a \\\\ y & 2 \\\\ \\end{tabular}\\end{table}", "p.tex");
  ASSERT_EQ(paper.tables.size(), 1u);
  EXPECT_FALSE(paper.problems.empty());
}

// A stranger's source: an unclosed group and a megabyte-long cell are read in bounded time
// and stack (no regex runs over them).
TEST(LatexImportTest, HostileSourcesAreBounded) {
  std::string text = "\\newcommand{\\x}{" + std::string(1 << 20, '{') +
                     "\\begin{table}\\begin{tabular}{ll}Name & Value \\\\ \\hline x & " + std::string(1 << 20, '9') +
                     " \\\\ y & 2 \\\\ \\end{tabular}\\end{table}";
  LatexPaper paper = ParseLatexPaper(text, "p.tex");
  ASSERT_EQ(paper.tables.size(), 1u);
  ASSERT_EQ(paper.tables[0].rows.size(), 2u);
  EXPECT_FALSE(paper.tables[0].rows[0].cells[0].number.has_value()) << "a million digits is no printed number";
  EXPECT_EQ(paper.tables[0].rows[1].cells[0].number->text, "2");
}

// A float of a stranger's source with thousands of tabulars: 64 are read, and the rest are
// named as not read.
TEST(LatexImportTest, TabularsOfOneFloatAreBounded) {
  std::string text = "\\begin{table}";
  for (int t = 0; t < 1000; ++t) text += "\\begin{tabular}{lc} Model & Acc \\\\ \\hline A & 1.5 \\\\ \\end{tabular}";
  LatexPaper paper = ParseLatexPaper(text + "\\end{table}", "p.tex");
  ASSERT_EQ(paper.tables.size(), 1u);
  EXPECT_EQ(paper.tables[0].rows.size(), 64u);
  ASSERT_EQ(paper.problems.size(), 1u);
  EXPECT_NE(paper.problems[0].find("more than 64 tabulars"), std::string::npos) << paper.problems[0];
}

// import -> write -> parse gives the same claims and tables the importer read.
TEST(LatexImportTest, TheDraftParsesBackToWhatWasRead) {
  ScopedTempDir dir;
  LatexPaper paper = ParseLatexPaper(kPaper, "paper.tex");
  std::string draft = DraftManifest(paper, {}, "paper.tex");
  // The user's part: the experiments the commented placeholders suggest.
  std::string experiments = "experiments:\n";
  for (const char* id : {"cnn-resnet-50", "cnn-wrn", "vit-ours", "1", "2"}) {
    experiments += fmt::format(
        "  - {{id: \"{}\", command: [prog], metrics: {{cifar_10: {{stdout: 'a (?<value>\\S+)'}}, "
        "cifar_100: {{stdout: 'b (?<value>\\S+)'}}, imagenet_top_1: {{stdout: 'c (?<value>\\S+)'}}, "
        "loss: {{stdout: 'd (?<value>\\S+)'}}}}}}\n",
        id);
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

// Two subtables with the same rows (one method on two datasets) draft two experiments, each
// named by its subtable's letter, so no claim is silently merged into another's run.
TEST(LatexImportTest, RowsOfSubtablesWithOneLabelDraftApart) {
  const char* paper = R"tex(\documentclass{article}
\begin{document}
\begin{table}
\caption{Time (s) on two graphs.}\label{tab:time}
\begin{subtable}{0.5\linewidth}\begin{tabular}{lc}
Order & Time \\ \hline
Original & 1.5 \\
\end{tabular}\end{subtable}
\begin{subtable}{0.5\linewidth}\begin{tabular}{lc}
Order & Time \\ \hline
Original & 2.5 \\
\end{tabular}\end{subtable}
\end{table}
\end{document}
)tex";
  LatexPaper read = ParseLatexPaper(paper, "p.tex");
  ASSERT_EQ(read.tables.size(), 1u);
  ASSERT_EQ(read.tables[0].rows.size(), 2u);
  std::string draft = DraftManifest(read, {}, "p.tex");
  EXPECT_NE(draft.find("id: table1/original-a/time\n    source: \"Table 1 (tab:time) (a), row 'Original', column "
                       "'Time'\"\n    experiment: original-a\n"),
            std::string::npos)
      << draft;
  EXPECT_NE(draft.find("experiment: original-b\n    metric: time\n    reported: \"2.5\""), std::string::npos) << draft;
}

// Real tables of 8 CC BY papers (tests/fixtures/latex/README.md), their numeric cells checked by
// hand: the share read with the right value, digits, ± and place (row and column).
struct FixtureScore {
  int cells = 0, right = 0;
  std::vector<std::string> wrong;
};

const std::vector<LatexTable::Row> kNoRows;

FixtureScore ScoreFixture(const std::string& name, const std::string& main_file) {
  std::filesystem::path dir = std::filesystem::path(REPRO_SOURCE_DIR) / "tests/fixtures/latex" / name;
  FixtureScore score;
  nlohmann::json expected = nlohmann::json::parse(testing::ReadText(dir / "expected.json"));
  Result<LatexPaper> paper = ReadLatexPaper(dir / main_file, dir);
  for (const nlohmann::json& table : expected["tables"]) {
    if (!table["number"].is_number()) continue;  // a tabular outside any float has no number to find it by
    const LatexTable* found = nullptr;
    for (size_t t = 0; paper && t < paper->tables.size(); ++t) {
      if (paper->tables[t].number == table["number"].get<int>()) found = &paper->tables[t];
    }
    for (const nlohmann::json& cell : table["cells"]) {
      ++score.cells;
      std::string want = fmt::format("{} table {} row '{}' column '{}': {}", name, table["number"].get<int>(),
                                     cell["row"].get<std::string>(), cell["column"].get<std::string>(),
                                     cell["text"].get<std::string>());
      const LatexCell* got = nullptr;
      for (const LatexTable::Row& row : found != nullptr ? found->rows : kNoRows) {
        // Subtables repeat their row and column names: the cell names its tabular.
        if (cell.contains("tabular") && row.tabular != cell["tabular"].get<int>()) continue;
        for (size_t c = 0; c < row.cells.size() && c < found->columns.size(); ++c) {
          if (row.label == cell["row"] && found->columns[c] == cell["column"] && row.cells[c].number)
            got = &row.cells[c];
        }
      }
      std::string std_text = cell.contains("std") ? fmt::format("{}", cell["std"].get<double>()) : "";
      bool right =
          got != nullptr && got->number->text == cell["text"].get<std::string>() &&
          (std_text.empty()
               ? got->number->std_text.empty()
               : std::fabs(std::strtod(got->number->std_text.c_str(), nullptr) - cell["std"].get<double>()) < 1e-12);
      if (right) {
        ++score.right;
      } else {
        score.wrong.push_back(want + (got ? " read as " + got->number->text +
                                                (got->number->std_text.empty() ? "" : " ± " + got->number->std_text)
                                          : " not found"));
      }
    }
  }
  return score;
}

TEST(LatexImportTest, RealTablesOfPublishedPapers) {
  const std::vector<std::pair<std::string, std::string>> fixtures = {
      {"gorder", "paper/article.tex"},     {"mae-small-scale", "article.tex"}, {"jme-fairness", "article.tex"},
      {"faircal", "article.tex"},          {"label-free-xai", "article.tex"},  {"caption-bias", "article.tex"},
      {"vit-wsss", "journal/article.tex"}, {"stylex", "journal/article.tex"}};
  int cells = 0, right = 0;
  std::vector<std::string> wrong;
  for (const auto& [name, main_file] : fixtures) {
    FixtureScore score = ScoreFixture(name, main_file);
    std::cout << fmt::format("{}: {} of {} cells right\n", name, score.right, score.cells);
    cells += score.cells;
    right += score.right;
    wrong.insert(wrong.end(), score.wrong.begin(), score.wrong.end());
  }
  std::cout << fmt::format("latex import: {} of {} numeric cells right ({:.1f}%)\n", right, cells,
                           100.0 * right / std::max(cells, 1));
  for (size_t i = 0; i < std::min<size_t>(wrong.size(), 200); ++i) std::cout << "  " << wrong[i] << "\n";
  EXPECT_GT(cells, 500);
  // A floor at what is read today, so that no change reads fewer; the goal is every cell.
  EXPECT_GE(right, kCellsReadToday) << "fewer real cells read right than before";
}

}  // namespace
}  // namespace repro
