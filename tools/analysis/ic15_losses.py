#!/usr/bin/env python3
"""Where ICDAR2015 top-100 retrieval loses average precision, and what merging indexes would give.

Usage (from the repository root, after `dotnet build src/Indexer -c Release`):
  python3 tools/analysis/ic15_losses.py --gt ../shared/data/ic15-train/gt --index IDX [--index IDX2 ...]

For the first index: mAP recomputed over `retrieval search --queries --top 1000` results, the recall
ceiling (relevant images scored at all), relevant pairs never scored above 0.5 split into detection
misses (no detected line covers half the word's box) and misreads, and the AP each kind of false
positive costs (the gain if only that kind were removed). With several indexes: each one's mAP and
the mAP of taking every image's best score over them (what a union of detector scales or readings
could give). Queries: the 100 ground-truth words found in the most images, normalized as
`retrieval eval ic15` does. Standard library only.
"""
import argparse, collections, glob, json, os, sqlite3, struct, subprocess, tempfile

def norm(word):
    word = word.strip().lower()
    for c in '.#!&$':
        word = word.replace(c, '')
    return word.strip('"\'')

def load_gt(gt_dir):
    images = collections.defaultdict(list)  # image -> [(text, box, illegible)]
    for path in glob.glob(os.path.join(gt_dir, 'gt_*.txt')):
        image = os.path.basename(path)[3:-4] + '.jpg'
        for line in open(path, encoding='utf-8-sig'):
            parts = line.rstrip('\r\n').split(',', 8)
            if len(parts) < 9:
                continue
            xs, ys = list(map(float, parts[0:8:2])), list(map(float, parts[1:8:2]))
            images[image].append((parts[8], (min(xs), min(ys), max(xs), max(ys)), parts[8] == '###'))
    return images

def top_words(gt, count=100):
    counts = collections.Counter()
    for words in gt.values():
        counts.update({norm(t) for t, _, illegible in words if not illegible and len(norm(t)) > 2})
    return [w for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:count]]

def search(retrieval, index, queries):
    with tempfile.NamedTemporaryFile('w', suffix='.txt', delete=False) as f:
        f.write('\n'.join(queries) + '\n')
    out = subprocess.run(retrieval + ['search', '--queries', f.name, '--index', index, '--top', '1000', '--json'], capture_output=True, text=True).stdout
    os.unlink(f.name)
    return {r['query']: r['results'] for r in (json.loads(l) for l in out.splitlines() if l.strip())}

def ap(ranked, relevant):
    hits = total = 0
    for i, image in enumerate(ranked):
        if image in relevant:
            hits += 1
            total += hits / (i + 1)
    return total / len(relevant)

def area_share(box, other):
    ix = max(0, min(box[2], other[2]) - max(box[0], other[0]))
    iy = max(0, min(box[3], other[3]) - max(box[1], other[1]))
    a = (box[2] - box[0]) * (box[3] - box[1])
    return ix * iy / a if a > 0 else 0

def line_boxes(index):
    db = sqlite3.connect(os.path.join(index, 'index.db'))
    lines = collections.defaultdict(list)
    for quad, path in db.execute('SELECT l.quad, i.path FROM lines l JOIN images i ON i.id = l.image_id'):
        v = struct.unpack('<8f', quad)
        lines[os.path.basename(path)].append((min(v[0::2]), min(v[1::2]), max(v[0::2]), max(v[1::2])))
    return lines

def false_positive_kind(query, result, gt):
    image = os.path.basename(result['path'])
    for text, _, illegible in gt[image]:
        word = norm(text)
        if not illegible and query in word and word != query:
            i = word.index(query)
            before, after = word[i - 1:i], word[i + len(query):i + len(query) + 1]
            return 'ground truth has it inside another word' if before.isalpha() or after.isalpha() else 'ground truth joins it by punctuation or digits'
    for match in result['matches']:
        xs, ys = [p[0] for p in match['quad']], [p[1] for p in match['quad']]
        box = (min(xs), min(ys), max(xs), max(ys))
        if any(illegible and area_share(box, b) > 0.3 for _, b, illegible in gt[image]):
            return 'matched text lies in a ### box'
    return 'other (misreads of other words)'

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--gt', required=True)
    parser.add_argument('--index', action='append', required=True)
    parser.add_argument('--retrieval', default='dotnet src/Indexer/bin/Release/net10.0/retrieval.dll')
    args = parser.parse_args()
    gt = load_gt(args.gt)
    relevant = collections.defaultdict(set)
    for image, words in gt.items():
        for text, _, illegible in words:
            if not illegible:
                relevant[norm(text)].add(image)
    queries = top_words(gt)
    runs = [search(args.retrieval.split(), index, queries) for index in args.index]

    first = runs[0]
    ranked = {q: [os.path.basename(r['path']) for r in first.get(q, [])] for q in queries}
    base = sum(ap(ranked[q], relevant[q]) for q in queries) / len(queries)
    ceiling = sum(len(set(ranked[q]) & relevant[q]) / len(relevant[q]) for q in queries) / len(queries)
    print(f'{args.index[0]}: mAP {100 * base:.2f} (top 1000 per query), recall ceiling {100 * ceiling:.1f}')

    boxes, pairs = line_boxes(args.index[0]), collections.Counter()
    for q in queries:
        scores = {os.path.basename(r['path']): r['score'] for r in first.get(q, [])}
        for image in relevant[q]:
            if scores.get(image, 0) >= 0.5:
                continue
            words = [b for t, b, ill in gt[image] if not ill and norm(t) == q]
            covered = any(area_share(w, b) >= 0.5 for w in words for b in boxes[image])
            pairs[('scored below 0.5' if image in scores else 'never scored') + (', misread' if covered else ', detection miss')] += 1
    print(f'relevant pairs {sum(len(relevant[q]) for q in queries)}; not found or below 0.5: {dict(pairs)}')

    gains = collections.Counter()
    for q in queries:
        kinds = {os.path.basename(r['path']): false_positive_kind(q, r, gt) for r in first.get(q, []) if os.path.basename(r['path']) not in relevant[q]}
        for kind in set(kinds.values()):
            gains[kind] += ap([i for i in ranked[q] if kinds.get(i) != kind], relevant[q]) - ap(ranked[q], relevant[q])
    for kind, gain in gains.most_common():
        print(f'  removing false positives where {kind}: +{100 * gain / len(queries):.2f} mAP')

    if len(runs) > 1:
        best = collections.defaultdict(dict)
        for index, run in zip(args.index, runs):
            m = sum(ap([os.path.basename(r['path']) for r in run.get(q, [])], relevant[q]) for q in queries) / len(queries)
            print(f'{index}: mAP {100 * m:.2f}')
            for q in queries:
                for r in run.get(q, []):
                    image = os.path.basename(r['path'])
                    best[q][image] = max(best[q].get(image, 0), r['score'])
        merged = sum(ap(sorted(best[q], key=lambda i: (-best[q][i], i)), relevant[q]) for q in queries) / len(queries)
        print(f'best score per image over the {len(runs)} indexes: mAP {100 * merged:.2f}')

if __name__ == '__main__':
    main()
