#!/usr/bin/python3
"""Writes sklearn_ap_cases.json: random retrieval cases with scikit-learn's average precision, the
golden values RetrievalMetricsTests compares AveragePrecision against.

Run with Debian's Python (apt-get install -y python3-sklearn; scikit-learn 1.2.1 made the committed
file): /usr/bin/python3 make_sklearn_ap_cases.py

Each case: a gallery g0..g{n-1}, the relevant images, and the ranking the searcher returned (scores
rounded to one decimal so that ties are common). Images not returned get one score below all others,
as in the scene-text retrieval papers' evaluation code.
"""
import json
import random

from sklearn.metrics import average_precision_score

random.seed(7)
cases = []
for _ in range(60):
    n = random.randint(2, 30)
    gallery = [f"g{i}" for i in range(n)]
    relevant = random.sample(gallery, random.randint(1, n))
    returned = random.sample(gallery, random.randint(0, n))
    scores = sorted((round(random.random(), 1) for _ in returned), reverse=True)
    ranking = list(zip(returned, scores))
    by_image = dict(ranking)
    y_true = [1 if g in relevant else 0 for g in gallery]
    y_score = [by_image.get(g, -1.0) for g in gallery]
    cases.append({
        "gallerySize": n,
        "relevant": relevant,
        "ranking": [[image, score] for image, score in ranking],
        "averagePrecision": float(average_precision_score(y_true, y_score)),
    })

with open("sklearn_ap_cases.json", "w") as f:
    json.dump(cases, f, indent=None, separators=(",", ":"))
    f.write("\n")
