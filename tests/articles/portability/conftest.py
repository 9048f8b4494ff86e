from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[3] / "articles" / "sample_data"
