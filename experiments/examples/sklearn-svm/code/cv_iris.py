"""Cross-validated accuracy of a linear SVM on the iris data set.

Follows the scikit-learn User Guide, section 3.1.1 "Computing cross-validated metrics":
SVC(kernel='linear', C=1) scored with 5-fold cross-validation. The guide uses unshuffled
folds (one fixed split); here the folds are shuffled with --seed, so that several seeds
show how much the number moves with the split.
"""
import argparse
import json
import os

from sklearn import datasets, svm
from sklearn.model_selection import StratifiedKFold, cross_val_score


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    X, y = datasets.load_iris(return_X_y=True)
    clf = svm.SVC(kernel="linear", C=1, random_state=42)
    folds = StratifiedKFold(n_splits=args.folds, shuffle=True, random_state=args.seed)
    scores = cross_val_score(clf, X, y, cv=folds)
    for k, score in enumerate(scores):
        print(f"fold {k} accuracy {score:.4f}", flush=True)
    print(f"mean accuracy: {scores.mean():.4f} (std {scores.std():.4f})", flush=True)

    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "scores.json"), "w") as f:
        json.dump({"accuracy": {"mean": scores.mean(), "std": scores.std(), "folds": list(scores)}}, f)


if __name__ == "__main__":
    main()
