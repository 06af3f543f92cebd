"""Functions the Spark integration tests run over batches (shipped with SparkContext.addFile)."""

import os
import time

_model = None


def identity(df):
    return df


def row_sums(df):
    out = df[["a", "b", "c", "d"]].copy()
    out["total"] = out["a"] + out["b"] + out["c"] + out["d"]
    return out


def fail(df):
    raise ValueError(f"bad batch of {len(df)} rows")


def wrong_type(df):
    return df.assign(score=["high"] * len(df))[["id", "score"]]


def missing_column(df):
    return df[["id"]]


def die_once(df):
    """Kills its worker the first time it is called (per marker file), as a crash would."""
    marker = df["marker"].iloc[0]
    if not os.path.exists(marker):
        with open(marker, "w") as f:
            f.write(f"died in pid {os.getpid()}\n")
        os._exit(3)
    return df[["id"]]


def slow(df):
    """Runs until cancelled, saying when it started and when it stopped."""
    folder = df["marker"].iloc[0]
    with open(os.path.join(folder, "started"), "w") as f:
        f.write(str(os.getpid()))
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            time.sleep(0.05)
        return df[["id"]]
    finally:
        with open(os.path.join(folder, "stopped"), "w") as f:
            f.write(str(os.getpid()))


def _linear_model():
    """A scikit-learn model fitted once per worker: y = 2a - 3b + 0.5c + 1."""
    global _model
    if _model is None:
        import numpy as np
        from sklearn.linear_model import LinearRegression

        rng = np.random.default_rng(7)
        x = rng.normal(size=(1000, 3))
        y = 2 * x[:, 0] - 3 * x[:, 1] + 0.5 * x[:, 2] + 1
        _model = LinearRegression().fit(x, y)
    return _model


def score(df):
    prediction = _linear_model().predict(df[["a", "b", "c"]].to_numpy())
    return df[["id"]].assign(score=prediction)
