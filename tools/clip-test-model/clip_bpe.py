"""CLIP's byte-level BPE tokenizer, written from the published algorithm of OpenAI's simple_tokenizer.py,
plus a small BPE trainer that makes the test vocabulary. Reference for the C# ClipTokenizer.

ftfy is not packaged for Debian, so cleanup is html.unescape (twice), NFC, whitespace collapse and
lower-casing, which is also what the C# tokenizer does.
"""

import html
import unicodedata
from collections import Counter

import regex

CONTEXT = 77
START = "<|startoftext|>"
END = "<|endoftext|>"

PATTERN = regex.compile(
    r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+""",
    regex.IGNORECASE,
)


def bytes_to_unicode():
    """Byte -> printable character, the GPT-2/CLIP table: printable bytes map to themselves."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = list(bs)
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, (chr(c) for c in cs)))


BYTE_ENCODER = bytes_to_unicode()


def clean(text):
    text = html.unescape(html.unescape(text)).strip()
    text = unicodedata.normalize("NFC", text)
    text = regex.sub(r"\s+", " ", text).strip()
    return text.lower()


def pre_tokens(text):
    for piece in PATTERN.findall(clean(text)):
        if piece in (START, END):
            yield piece, True
        else:
            yield "".join(BYTE_ENCODER[b] for b in piece.encode("utf-8")), False


def word_symbols(token):
    return tuple(token[:-1]) + (token[-1] + "</w>",)


def train_merges(corpus, count):
    words = Counter(t for t, special in pre_tokens(corpus) if not special)
    symbols = {w: word_symbols(w) for w in words}
    merges = []
    for _ in range(count):
        pairs = Counter()
        for w, c in words.items():
            s = symbols[w]
            for p in zip(s, s[1:]):
                pairs[p] += c
        if not pairs:
            break
        best, best_count = min(pairs.items(), key=lambda kv: (-kv[1], kv[0]))
        if best_count < 2:
            break
        merges.append(best)
        for w in words:
            symbols[w] = merge_once(symbols[w], best)
    return merges


def merge_once(word, pair):
    out, i = [], 0
    while i < len(word):
        if i < len(word) - 1 and word[i] == pair[0] and word[i + 1] == pair[1]:
            out.append(pair[0] + pair[1])
            i += 2
        else:
            out.append(word[i])
            i += 1
    return tuple(out)


class Tokenizer:
    def __init__(self, merges):
        byte_symbols = list(BYTE_ENCODER.values())
        tokens = byte_symbols + [s + "</w>" for s in byte_symbols] + ["".join(m) for m in merges] + [START, END]
        self.vocab = {t: i for i, t in enumerate(tokens)}
        assert len(self.vocab) == len(tokens), "duplicate vocabulary entries"
        self.ranks = {m: i for i, m in enumerate(merges)}
        self.merges = merges

    def bpe(self, token):
        word = word_symbols(token)
        while len(word) > 1:
            pairs = set(zip(word, word[1:]))
            best = min(pairs, key=lambda p: self.ranks.get(p, float("inf")))
            if best not in self.ranks:
                break
            word = merge_once(word, best)
        return word

    def encode(self, text):
        ids = []
        for token, special in pre_tokens(text):
            ids.extend([self.vocab[token]] if special else [self.vocab[p] for p in self.bpe(token)])
        return ids

    def context(self, text, pad_id):
        ids = [self.vocab[START]] + self.encode(text) + [self.vocab[END]]
        if len(ids) > CONTEXT:
            ids = ids[:CONTEXT]
            ids[-1] = self.vocab[END]
        return ids + [pad_id] * (CONTEXT - len(ids)), len(ids)
