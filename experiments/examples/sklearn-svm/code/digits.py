"""An RBF SVM on the 8x8 digits, as in the scikit-learn example
"Recognizing hand-written digits" (plot_digits_classification.py): SVC(gamma=0.001),
trained on the first half of the images and tested on the second half (shuffle=False).
"""
import argparse

from sklearn import datasets, svm
from sklearn.model_selection import train_test_split


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--gamma", type=float, required=True)
    args = parser.parse_args()

    digits = datasets.load_digits()
    data = digits.images.reshape((len(digits.images), -1))
    X_train, X_test, y_train, y_test = train_test_split(data, digits.target, test_size=0.5, shuffle=False)
    clf = svm.SVC(gamma=args.gamma).fit(X_train, y_train)
    print(f"test accuracy = {(clf.predict(X_test) == y_test).mean():.4f}")


if __name__ == "__main__":
    main()
