"""Driver for "Scaling down deep learning with MNIST-1D" (Greydanus & Kobak, 2020).

The paper's benchmark table comes from notebook cells (notebooks/mnist1d-classification.ipynb),
which cannot be run unattended. This script does what those cells do, with the released
modules, and prints the result: load mnist1d_data.pkl, optionally shuffle the spatial
dimension with np.random.seed(42) as the notebook does, train one model with
get_model_args() and total_steps=6000, print the final test accuracy.
Run it from the repository's root (repro does).
"""
import argparse
import json
import os
import pickle
import random
import sys

import numpy as np
import torch

sys.path.insert(0, os.getcwd())
sys.path.insert(0, os.path.join(os.getcwd(), "notebooks"))
from models import ConvBase, GRUBase, LinearBase, MLPBase  # noqa: E402  (the paper's notebooks/models.py)
from train import get_model_args, train_model  # noqa: E402  (the paper's notebooks/train.py)


def build(name, args):
    if name == "logistic":
        return LinearBase(args.input_size, args.output_size)
    if name == "mlp":
        return MLPBase(args.input_size, args.output_size)
    if name == "cnn":
        return ConvBase(output_size=args.output_size)
    if name == "gru":
        return GRUBase(input_size=1, output_size=args.output_size)
    raise SystemExit(f"unknown model {name}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True, choices=["logistic", "mlp", "cnn", "gru"])
    parser.add_argument("--shuffle", type=int, default=0)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--out", required=True)
    cli = parser.parse_args()

    with open("mnist1d_data.pkl", "rb") as f:
        data = pickle.load(f)
    if cli.shuffle:
        np.random.seed(42)
        order = np.random.permutation(data["x"].shape[1])
        data = dict(data, x=data["x"][:, order], x_test=data["x_test"][:, order])

    args = get_model_args()
    args.total_steps = 6000
    args.seed = cli.seed
    # train.set_seed uses `random` without importing it, so seed here instead.
    random.seed(cli.seed)
    np.random.seed(cli.seed)
    torch.manual_seed(cli.seed)

    results = train_model(data, build(cli.model, args), args)
    print(f"final test_acc {results['test_acc'][-1]:.2f}", flush=True)
    os.makedirs(cli.out, exist_ok=True)
    with open(os.path.join(cli.out, "curves.json"), "w") as f:
        json.dump({k: [float(v) for v in results[k]] for k in ("train_acc", "test_acc", "test_losses")}, f)


if __name__ == "__main__":
    main()
