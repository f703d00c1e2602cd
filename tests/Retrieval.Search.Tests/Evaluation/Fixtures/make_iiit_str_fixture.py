#!/usr/bin/python3
"""Writes the tiny IIIT-STR style data.mat fixtures the MAT reader and IIIT-STR adapter tests read.

Run with Debian's Python and SciPy (apt-get install -y python3-scipy; SciPy 1.10.1 made the committed
files): /usr/bin/python3 make_iiit_str_fixture.py

Layout of the real IIIT_STR_V1.0/data.mat as the reference evaluation (Gomez et al., ECCV 2018,
eval_STR.py) reads it: a 1xN struct array `data`; field 1 of element i is a 1x1 cell holding the query
string, field 2 an Mx1 cell of relevant image file names relative to imgDatabase/. The real field
names are not known here, so these are made up; the adapter reads fields by position and kind.
Extra variables exercise the reader's numeric, logical and char-matrix paths.
"""
import numpy as np
import scipy.io

QUERIES = [
    ("HOTEL", ["img_000001.jpg", "img_000002.jpg"]),
    ("Caf\u00e9", ["img_000003.jpg"]),
    ("coffee", ["img_000002.jpg", "img_000004.jpg", "img_000005.jpg"]),
]


def cell(items, shape):
    c = np.empty(shape, dtype=object)
    for i, item in enumerate(items):
        c.flat[i] = item
    return c


def build():
    data = np.empty((1, len(QUERIES)), dtype=[("query", object), ("imgs", object), ("count", object)])
    for i, (query, images) in enumerate(QUERIES):
        data[0, i]["query"] = cell([query], (1, 1))
        data[0, i]["imgs"] = cell(images, (len(images), 1))
        data[0, i]["count"] = np.array([[float(len(images))]])
    return {
        "data": data,
        "version": np.array([[7]], dtype=np.int32),
        "weights": np.array([[0.5, -1.25, 3.0]]),
        "flags": np.array([[True, False, True]]),
        "names": np.array(["abc", "def"]),
        "empty": np.zeros((0, 0)),
    }


if __name__ == "__main__":
    scipy.io.savemat("iiit_str_data.mat", build(), do_compression=False, oned_as="row")
    scipy.io.savemat("iiit_str_data_compressed.mat", build(), do_compression=True, oned_as="row")
    back = scipy.io.loadmat("iiit_str_data_compressed.mat")
    for i in range(back["data"].shape[1]):
        print(back["data"][0, i][0][0][0][0], [back["data"][0, i][1][j][0][0] for j in range(len(back["data"][0, i][1]))])
