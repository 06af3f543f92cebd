# scoring.py
import pandas as pd


def score(df: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"id": df["id"], "score": 0.5 * df["a"] - df["b"]})
