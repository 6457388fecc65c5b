"""Benchmark of near-duplicate detection (ipdesk.compliance.detection) on generated abstracts.

    .venv/bin/python bench/detect.py [--n 200000] [--seed 7] [--workers 2]

Generates N Chinese patent-style abstracts, plants near-duplicates of a few thousand of them (character
edits, clause reorderings, word substitutions, full-width / punctuation variants), then in the same run:
  * detection: shingles → MinHash → LSH → exact verification (what `ipdesk detect` does), timed;
  * the exact set of pairs with Jaccard ≥ 0.8 on the same shingles (prefix filtering, exact), timed apart.
Prints precision and recall of detection against the exact set and, last,
`recall <r> precision <p> seconds <s>` where seconds is the detection time (shingling included).
"""
import argparse
import os
import random
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from ipdesk.compliance import detection  # noqa: E402

OPENINGS = ["本发明公开了一种", "本实用新型公开了一种", "本发明涉及", "本申请提供了一种", "本发明属于", "本实用新型涉及一种"]
LINKS = ["，包括", "，所述", "，其中", "；所述", "，并且", "，通过", "，用于", "，设置有", "。该", "，使得"]
CLOSINGS = ["。本发明结构简单，成本低。", "。本实用新型使用方便，效率高。", "。该方法提高了检测精度。", "。", "，具有良好的应用前景。"]


def make_vocabulary(rng, size=30000):
    pool = [chr(c) for c in rng.sample(range(0x4E00, 0x9FA5), 3500)]
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(pool) for _ in range(rng.choice((2, 2, 2, 3, 4)))))
    return sorted(words)


class Generator:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.words = make_vocabulary(self.rng)
        # Zipf-like word frequencies: a few words (装置, 连接 …) everywhere, most rare.
        w = 1.0 / np.arange(1, len(self.words) + 1) ** 0.9
        self.cum = np.cumsum(w / w.sum())
        self.np_rng = np.random.default_rng(seed)

    def _words(self, k):
        return [self.words[i] for i in np.searchsorted(self.cum, self.np_rng.random(k))]

    def abstract(self):
        rng = self.rng
        parts = [rng.choice(OPENINGS), "".join(self._words(rng.randint(2, 4)))]
        for _ in range(rng.randint(6, 11)):
            parts.append(rng.choice(LINKS))
            parts.append("".join(self._words(rng.randint(2, 5))))
            if rng.random() < 0.15:
                parts.append(f"{rng.randint(1, 500)}{rng.choice(['mm', 'kg', '℃', 'MPa', '%'])}")
            if rng.random() < 0.05:
                parts.append(f"型号{rng.choice('ABCDEFGH')}{rng.choice('XYZ')}-{rng.randint(10, 999)}")
        parts.append(rng.choice(CLOSINGS))
        return "".join(parts)

    # ---- variants --------------------------------------------------------------------------
    def edit(self, text):
        chars = list(text)
        for _ in range(max(1, int(len(chars) * self.rng.uniform(0.005, 0.02)))):
            pos = self.rng.randrange(len(chars))
            op = self.rng.random()
            if op < 0.4:
                chars[pos] = self.rng.choice(self.words)[0]
            elif op < 0.7:
                del chars[pos]
            else:
                chars.insert(pos, self.rng.choice(self.words)[0])
        return "".join(chars)

    def reorder(self, text):
        import re
        clauses = re.split(r"(?<=[，；。])", text)
        clauses = [c for c in clauses if c]
        if len(clauses) > 3:
            i, j = self.rng.sample(range(1, len(clauses) - 1), 2)
            clauses[i], clauses[j] = clauses[j], clauses[i]
        return "".join(clauses)

    def substitute(self, text):
        for _ in range(self.rng.randint(1, 2)):
            pos = self.rng.randrange(max(1, len(text) - 2))
            text = text[:pos] + self._words(1)[0] + text[pos + 2:]
        return text

    def widths(self, text):
        table = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}
        table.update({"，": ",", "。": ".", "；": ";"})
        return "".join(table.get(ch, ch) if self.rng.random() < 0.8 else ch for ch in text)

    def variant(self, text):
        ops = [self.edit, self.reorder, self.substitute, self.widths]
        for op in self.rng.sample(ops, self.rng.randint(1, 3)):
            text = op(text)
        return text


def generate(n, seed, planted_fraction=0.02):
    gen = Generator(seed)
    texts = [gen.abstract() for _ in range(n)]
    rng = gen.rng
    slots = list(range(n))
    rng.shuffle(slots)
    planted = []
    k = int(n * planted_fraction)
    bases, free = slots[:k], slots[k:]
    cursor = 0
    for base in bases:
        for _ in range(rng.choice((1, 1, 1, 2, 3))):
            if cursor >= len(free):
                break
            target = free[cursor]
            cursor += 1
            texts[target] = gen.variant(texts[base])
            planted.append((min(base, target), max(base, target)))
    return texts, planted



def detect(texts, num_perm, workers):
    t0 = time.perf_counter()
    corpus = detection.ShingledCorpus(texts)
    t1 = time.perf_counter()
    if workers > 1:
        global _CORPUS
        step = -(-num_perm // workers)
        parts = [(lo, min(lo + step, num_perm)) for lo in range(0, num_perm, step)]
        _CORPUS = corpus
        import multiprocessing
        ctx = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=ctx) as pool:
            sig = np.hstack(list(pool.map(_sig_forked, [(num_perm, lo, hi) for lo, hi in parts])))
    else:
        sig = corpus.signatures(num_perm)
    t2 = time.perf_counter()
    pairs, n_candidates = detection.near_duplicate_pairs(corpus, detection.THRESHOLD, num_perm, sig=sig)
    t3 = time.perf_counter()
    print(f"  normalise + shingle {t1 - t0:.1f}s, MinHash {t2 - t1:.1f}s, LSH + exact verification {t3 - t2:.1f}s "
          f"({corpus.stream.size} shingles in the texts)")
    return corpus, pairs, n_candidates


_CORPUS = None


def _sig_forked(args):
    num_perm, lo, hi = args
    return _CORPUS.signatures(num_perm, perm_slice=slice(lo, hi))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--num-perm", type=int, default=detection.NUM_PERM)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    t0 = time.perf_counter()
    texts, planted = generate(args.n, args.seed)
    t_gen = time.perf_counter() - t0
    print(f"generated {len(texts)} abstracts (mean {sum(map(len, texts)) / len(texts):.0f} chars), "
          f"{len(planted)} planted near-duplicate pairs, {t_gen:.1f}s")

    t1 = time.perf_counter()
    corpus, found, n_candidates = detect(texts, args.num_perm, args.workers)
    seconds = time.perf_counter() - t1
    bands, rows = detection.lsh_params(detection.THRESHOLD, args.num_perm)
    print(f"detection: shingle k={detection.SHINGLE_SIZE}, num_perm={args.num_perm}, bands={bands} x rows={rows}, "
          f"workers={args.workers}: {n_candidates} LSH candidate pairs, {len(found)} verified, {seconds:.1f}s")

    t2 = time.perf_counter()
    truth = detection.exact_similar_pairs(corpus, detection.THRESHOLD)
    t_exact = time.perf_counter() - t2
    truth_set = {(i, j) for i, j, _ in truth}
    found_set = {(i, j) for i, j, _ in found}
    planted_set = set(planted)
    print(f"exact: {len(truth_set)} pairs with Jaccard >= {detection.THRESHOLD} "
          f"({len(truth_set & planted_set)} of them planted, {len(truth_set - planted_set)} not planted; "
          f"{len(planted_set - truth_set)} planted pairs fall below the threshold after their edits), {t_exact:.1f}s")
    hit = len(truth_set & found_set)
    recall = hit / len(truth_set) if truth_set else 1.0
    precision = hit / len(found_set) if found_set else 1.0
    planted_recall = len(found_set & planted_set) / len(planted_set) if planted_set else 1.0
    print(f"precision {precision:.4f} ({hit}/{len(found_set)}), recall {recall:.4f} ({hit}/{len(truth_set)}); "
          f"planted pairs found (any similarity): {planted_recall:.4f}")
    print(f"total run {time.perf_counter() - t0:.1f}s")
    print(f"recall {recall:.4f} precision {precision:.4f} seconds {seconds:.1f}")


if __name__ == "__main__":
    main()
