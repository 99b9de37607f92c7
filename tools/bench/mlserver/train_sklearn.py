"""Trains the MLServer side of the benchmark: scikit-learn on the same MNIST digits as tools/mnist-trainer.

Usage: python train_sklearn.py TRAIN_JSON OUT_JOBLIB   (TRAIN_JSON = {"x": [[784 floats]...], "y": [labels]})
"""
import json
import sys

import joblib
import numpy as np
from sklearn.linear_model import LogisticRegression

with open(sys.argv[1]) as f:
    data = json.load(f)
x = np.asarray(data["x"], dtype=np.float64)
y = np.asarray(data["y"])
model = LogisticRegression(max_iter=200)
model.fit(x, y)
print(f"sklearn LogisticRegression trained on {len(y)} digits, train accuracy {model.score(x, y):.3f}")
joblib.dump(model, sys.argv[2])
