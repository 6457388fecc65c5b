"""Detection of abnormal filings before the province finds them (非正常专利申请线索发现).

Pure functions, no database: the management command and the job feed them rows and store what they
return as `Candidate`s for an officer to review. Nothing here contacts an applicant.

Near-duplicates (重复/拼凑申请) ----------------------------------------------------------------
1. `normalize_text`: NFKC (full-width letters, digits and punctuation become half-width), lower
   case, and every punctuation mark, symbol and space removed, so "一种，装置" and "一种,装置 " match.
2. Character k-gram shingles (k=3 by default): Chinese has no spaces, so characters, not words, are
   the unit; 3-grams keep enough order to tell recombined text from shared vocabulary.
3. MinHash signatures, computed for a whole corpus at once with numpy but bit-for-bit those of
   `datasketch.MinHash(num_perm, seed, hashfunc=shingle_hash32)` (scheme affine32) — a test checks
   it — then banded LSH: `datasketch.MinHashLSH` for the officers' runs, or the same banding in
   numpy (`engine="numpy"`) for corpora of hundreds of thousands of texts.
4. Every LSH candidate pair is verified by its exact Jaccard similarity on the shingle sets, so a
   reported pair is a true pair; `exact_similar_pairs` (prefix filtering, exact) finds every pair
   above the threshold and is what the benchmark measures recall against.

Filing patterns (异常集中申请 / 分散申请) ------------------------------------------------------
`filing_bursts`: one applicant's or agency's filings in the window against its own monthly history
(robust z-score: median and MAD) and against its size (filings per R&D staff).
`linked_applicants`: applicants tied together by a shared address or contact (and agency), whose
filings together are many while each alone looks ordinary.
"""
from __future__ import annotations

import math
import re
import statistics
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

SHINGLE_SIZE = 3
NUM_PERM = 64
SEED = 1
THRESHOLD = 0.8

_M64 = (1 << 64) - 1
_CP_BITS = 21  # every Unicode code point fits in 21 bits, so a 3-gram packs into 63 bits exactly


# ---- Text ------------------------------------------------------------------------------------
_NOT_WORD = re.compile(r"[\W_]+")  # punctuation, symbols, spaces: everything but letters and digits


def normalize_text(text):
    """NFKC + lower case, punctuation, symbols and whitespace removed (全角/半角、标点不影响比对)."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text or "").lower())


def shingles(text, k=SHINGLE_SIZE, normalized=False):
    """The set of character k-grams of the normalized text; a text shorter than k is one shingle."""
    t = text if normalized else normalize_text(text)
    if not t:
        return set()
    if len(t) < k:
        return {t + "\0" * (k - len(t))}  # padded as in ShingledCorpus, so both hash alike
    return {t[i:i + k] for i in range(len(t) - k + 1)}


def jaccard(a, b):
    if not a and not b:
        return 0.0
    return len(a & b) / len(a | b)


def _pack(shingle):
    code = 0
    for ch in shingle:
        code = (code << _CP_BITS) | ord(ch)
    return code


def _splitmix64(x):
    x = (x + 0x9E3779B97F4A7C15) & _M64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _M64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _M64
    return x ^ (x >> 31)


def shingle_hash32(shingle):
    """32-bit hash of a shingle (a str): its code points packed into 63 bits, then splitmix64.
    Used as datasketch's `hashfunc`; `_hash32_array` is the same function over numpy arrays."""
    return _splitmix64(_pack(shingle)) & 0xFFFFFFFF


def _hash32_array(codes):
    x = codes.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    x = x ^ (x >> np.uint64(31))
    return (x & np.uint64(0xFFFFFFFF)).astype(np.uint32)


def _sorted_unique(values):
    """np.unique without its hash-table path (much slower than a sort on tens of millions of ints)."""
    values = np.sort(values)
    if values.size == 0:
        return values
    keep = np.empty(values.size, dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


# ---- A corpus as arrays ----------------------------------------------------------------------
class ShingledCorpus:
    """Texts as one stream of packed k-gram codes (`stream`, with `stream_offsets` per document).

    MinHash needs only that stream (a repeated shingle cannot change a minimum), so building it is a
    few vectorised passes. Exact Jaccard uses the set of shingles of the two texts at hand; the
    global index of distinct shingle ids (`index()`, CSR `offsets`/`tokens`) is built only for
    `exact_similar_pairs`. Empty texts have no shingles and never match.
    """

    def __init__(self, texts, k=SHINGLE_SIZE, normalized=False):
        self.k = k
        norm = list(texts) if normalized else [normalize_text(t) for t in texts]
        # A text shorter than k is one shingle, padded with NUL (as `shingles` does).
        self.norm = norm = [t + "\0" * (k - len(t)) if 0 < len(t) < k else t for t in norm]
        self.n = n = len(norm)
        lengths = np.fromiter((len(t) for t in norm), dtype=np.int64, count=n)
        cps = np.frombuffer("".join(norm).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        total = cps.size
        self.counts = np.maximum(lengths - k + 1, 0)
        self.nonempty = self.counts > 0
        self.stream_offsets = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(self.counts, out=self.stream_offsets[1:])
        if total < k:
            self.stream = np.zeros(0, dtype=np.uint64)
        else:
            codes = cps[:total - k + 1].copy()
            for j in range(1, k):
                codes <<= np.uint64(_CP_BITS)
                codes |= cps[j:total - k + 1 + j]
            # Drop the k−1 windows that start in one text and end in the next.
            keep = np.ones(total - k + 1, dtype=bool)
            ends = np.cumsum(lengths)[self.nonempty]
            for j in range(1, k):
                pos = ends - j
                keep[pos[pos < keep.size]] = False
            self.stream = codes[keep]
        self._sets = {}
        self._index = None

    def token_set(self, i):
        s = self._sets.get(i)
        if s is None:
            t = self.norm[i]
            s = self._sets[i] = frozenset(t[p:p + self.k] for p in range(len(t) - self.k + 1))
        return s

    def jaccard(self, i, j):
        a, b = self.token_set(i), self.token_set(j)
        if not a or not b:
            return 0.0
        inter = len(a & b)
        return inter / (len(a) + len(b) - inter)

    def index(self):
        """(codes, tokens, offsets, sizes): distinct shingle ids per document, sorted (CSR)."""
        if self._index is None:
            codes, inv = np.unique(self.stream, return_inverse=True)
            doc = np.repeat(np.arange(self.n, dtype=np.int64), self.counts)
            key = _sorted_unique((doc << np.int64(32)) | inv.astype(np.int64))
            tokens = (key & np.int64(0xFFFFFFFF)).astype(np.int32)
            sizes = np.bincount(key >> np.int64(32), minlength=self.n).astype(np.int64)
            offsets = np.zeros(self.n + 1, dtype=np.int64)
            np.cumsum(sizes, out=offsets[1:])
            self._index = (codes, tokens, offsets, sizes)
        return self._index

    def signatures(self, num_perm=NUM_PERM, seed=SEED, perm_slice=None):
        """MinHash signatures (n × num_perm, uint32), equal to datasketch's affine32 MinHash with
        `hashfunc=shingle_hash32`. Empty documents keep the all-ones sentinel."""
        from datasketch import MinHash
        from datasketch.minhash import _fmix
        a, b = MinHash(num_perm=num_perm, seed=seed).permutations
        cols = range(num_perm) if perm_slice is None else range(*perm_slice.indices(num_perm))
        sig = np.full((self.n, len(cols)), np.uint32(0xFFFFFFFF), dtype=np.uint32)
        starts = self.stream_offsets[:-1][self.nonempty]
        # Hash every shingle occurrence once, then per permutation a streaming multiply-add (uint32
        # wraps: the affine32 scheme) and a segmented minimum — no random access per permutation.
        hvt = _fmix(_hash32_array(self.stream), 32)
        tmp = np.empty_like(hvt)
        for out, c in enumerate(cols):
            np.multiply(hvt, a[c], out=tmp)
            np.add(tmp, b[c], out=tmp)
            sig[self.nonempty, out] = np.minimum.reduceat(tmp, starts)
        return sig


# ---- LSH ---------------------------------------------------------------------------------------
def lsh_params(threshold=THRESHOLD, num_perm=NUM_PERM, min_recall=0.99):
    """(bands, rows) for banded LSH. Every candidate is verified exactly, so a false positive costs
    only a set intersection while a false negative is a missed pair: require the probability that a
    pair at exactly the threshold becomes a candidate, 1 − (1 − t^r)^b, to be ≥ `min_recall`, and
    among those choose the banding with the fewest expected candidates below the threshold.
    (datasketch's own `_optimal_param` weighs both errors alike and would miss ~60% at t=0.8.)"""
    best = None
    for r in range(1, num_perm + 1):
        for b in range(1, num_perm // r + 1):
            if 1 - (1 - threshold ** r) ** b < min_recall:
                continue
            fp = sum(1 - (1 - (threshold * x / 200) ** r) ** b for x in range(200))
            if best is None or fp < best[0]:
                best = (fp, b, r)
    if best is None:
        return num_perm, 1
    return best[1], best[2]


def lsh_candidate_pairs(sig, bands, rows, engine="numpy", valid=None):
    """Pairs (i < j) of documents that agree on all rows of at least one band, as an int64 array of
    i * n + j. `engine="datasketch"` uses MinHashLSH; "numpy" does the same banding with sorts."""
    n = sig.shape[0]
    valid = np.ones(n, dtype=bool) if valid is None else valid
    if engine == "datasketch":
        from datasketch import LeanMinHash, MinHashLSH
        lsh = MinHashLSH(num_perm=sig.shape[1], params=(bands, rows))
        found = set()
        hashes = {}
        for i in np.flatnonzero(valid):
            m = LeanMinHash(seed=SEED, hashvalues=sig[i], scheme="affine32")
            for j in lsh.query(m):
                found.add((j, int(i)))
            lsh.insert(int(i), m)
            hashes[i] = m
        return np.array(sorted(a * n + b for a, b in found), dtype=np.int64)
    idx = np.flatnonzero(valid)
    out = []
    for band in range(bands):
        block = np.ascontiguousarray(sig[idx, band * rows:(band + 1) * rows])
        key = np.zeros(idx.size, dtype=np.uint64)
        for c in range(rows):
            key = (key * np.uint64(0x100000001B3)) ^ block[:, c].astype(np.uint64)
            key = key ^ (key >> np.uint64(29))
        order = np.argsort(key, kind="stable")
        ks = key[order]
        same = ks[1:] == ks[:-1]
        if not same.any():
            continue
        # Runs of equal keys: every pair inside a run is a candidate (runs are tiny except for clones).
        bounds = np.flatnonzero(np.diff(np.concatenate(([0], same.astype(np.int8), [0]))))
        for s, e in zip(bounds[0::2], bounds[1::2] + 1):
            members = np.sort(idx[order[s:e]])
            # Equal 64-bit band keys with different rows are rare; the exact check drops them later.
            ii, jj = np.triu_indices(members.size, 1)
            out.append(members[ii] * n + members[jj])
    if not out:
        return np.zeros(0, dtype=np.int64)
    return _sorted_unique(np.concatenate(out))


def verify_pairs(corpus, pairs, threshold=THRESHOLD):
    """Keep the pairs whose exact Jaccard on shingles is ≥ threshold: [(i, j, similarity)]."""
    n = corpus.n
    found = []
    for p in pairs.tolist():
        i, j = divmod(p, n)
        s = corpus.jaccard(i, j)
        if s >= threshold:
            found.append((i, j, s))
    return found


def near_duplicate_pairs(corpus, threshold=THRESHOLD, num_perm=NUM_PERM, engine="numpy", sig=None):
    """Verified near-duplicate pairs: MinHash → LSH candidates → exact Jaccard."""
    bands, rows = lsh_params(threshold, num_perm)
    if sig is None:
        sig = corpus.signatures(num_perm)
    candidates = lsh_candidate_pairs(sig, bands, rows, engine=engine, valid=corpus.nonempty)
    return verify_pairs(corpus, candidates, threshold), int(candidates.size)


def exact_similar_pairs(corpus, threshold=THRESHOLD):
    """Every pair with Jaccard ≥ threshold, exactly (prefix filtering, Chaudhuri et al. 2006 /
    Bayardo et al. 2007): order shingles rarest first; two sets with J ≥ t must share a token among
    the first |x| − ⌈t·|x|⌉ + 1 of each; candidates also pass the length filter, then are verified."""
    n = corpus.n
    t = Fraction(threshold).limit_denominator(10000)
    codes, tokens, offsets, sizes = corpus.index()
    df = np.bincount(tokens, minlength=codes.size)
    rank = np.empty(df.size, dtype=np.int64)
    rank[np.lexsort((np.arange(df.size), df))] = np.arange(df.size)
    doc = np.repeat(np.arange(n, dtype=np.int64), sizes)
    key = np.sort((doc << np.int64(32)) | rank[tokens])
    prefix = sizes - (t.numerator * sizes + t.denominator - 1) // t.denominator + 1
    within = np.arange(key.size, dtype=np.int64) - np.repeat(offsets[:-1], sizes)
    take = within < np.repeat(prefix, sizes)
    pdoc = doc[take]
    ptok = key[take] & np.int64(0xFFFFFFFF)
    order = np.lexsort((pdoc, ptok))
    ptok, pdoc = ptok[order], pdoc[order]
    same = ptok[1:] == ptok[:-1]
    out = []
    if same.any():
        bounds = np.flatnonzero(np.diff(np.concatenate(([0], same.astype(np.int8), [0]))))
        starts, ends = bounds[0::2], bounds[1::2] + 1
        # Group by run length so all runs of one size expand to pairs in one vectorised step.
        lengths = ends - starts
        for size in np.unique(lengths):
            sel = starts[lengths == size]
            members = pdoc[sel[:, None] + np.arange(size)[None, :]]
            ii, jj = np.triu_indices(int(size), 1)
            a, b = members[:, ii].ravel(), members[:, jj].ravel()
            sa, sb = sizes[a], sizes[b]
            lo, hi = np.minimum(sa, sb), np.maximum(sa, sb)
            ok = lo * t.denominator >= hi * t.numerator  # length filter: |x| ≥ t·|y|
            out.append(a[ok] * n + b[ok])
    if not out:
        return []
    return verify_pairs(corpus, _sorted_unique(np.concatenate(out)), threshold)


class DisjointSets:
    """Union-find (并查集) with path halving; the smaller key becomes the root, so a group's root is its
    least member, whatever order the unions came in."""

    def __init__(self):
        self.parent = {}

    def find(self, x):
        parent = self.parent
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def clusters(pairs):
    """Connected groups of documents from verified pairs: [[(i, j, s), ...], ...] per group."""
    sets = DisjointSets()
    for i, j, _ in pairs:
        sets.union(i, j)
    groups = defaultdict(list)
    for p in pairs:
        groups[sets.find(p[0])].append(p)
    return [sorted(g, key=lambda p: -p[2]) for _, g in sorted(groups.items())]


# ---- Filing patterns -----------------------------------------------------------------------------
BURST_Z = 3.5          # Iglewicz & Hoaglin's cut-off for the modified z-score
BURST_MIN_FILINGS = 10  # a handful of filings is never a burst, whatever the history
FILINGS_PER_RD_STAFF = 2.0  # filings per R&D staff member per year beyond which capacity is doubtful


@dataclass
class Burst:
    key: str
    window_count: int
    monthly_rate: float
    history_median: float
    history_mad: float
    z: float
    rd_staff: int | None = None
    per_rd_staff: float | None = None
    reasons: list = field(default_factory=list)

    def evidence(self):
        return {"subject": self.key, "window_filings": self.window_count, "window_monthly_rate": round(self.monthly_rate, 2),
                "history_monthly_median": self.history_median, "history_monthly_mad": self.history_mad,
                "robust_z": round(self.z, 2) if math.isfinite(self.z) else None, "rd_staff": self.rd_staff,
                "filings_per_rd_staff": None if self.per_rd_staff is None else round(self.per_rd_staff, 2),
                "reasons": self.reasons}


def robust_z(value, history):
    """Modified z-score 0.6745·(x − median)/MAD (Iglewicz & Hoaglin 1993); MAD floored at 0.5 so a flat
    history (all zeros) does not make every filing infinitely unusual."""
    if not history:
        return float("inf") if value > 0 else 0.0, 0.0, 0.0
    med = statistics.median(history)
    mad = statistics.median(abs(h - med) for h in history)
    return 0.6745 * (value - med) / max(mad, 0.5), med, mad


def filing_bursts(window_counts, history, window_months, sizes=None, z_cut=BURST_Z, min_filings=BURST_MIN_FILINGS,
                  per_staff=FILINGS_PER_RD_STAFF):
    """Applicants (or agencies) whose filings in the window are out of line with their own history
    or their size. `window_counts`: key → filings in the window; `history`: key → list of monthly
    counts before the window (zeros included); `sizes`: key → R&D staff (or None)."""
    sizes = sizes or {}
    found = []
    for key, count in window_counts.items():
        if count < min_filings:
            continue
        rate = count / max(window_months, 1)
        z, med, mad = robust_z(rate, history.get(key, []))
        staff = sizes.get(key)
        # Annualised filings per R&D staff member: real R&D capacity bounds how much can be invented.
        ratio = count * 12 / max(window_months, 1) / staff if staff else None
        reasons = []
        if z >= z_cut:
            reasons.append("history")
        if ratio is not None and ratio > per_staff:
            reasons.append("size")
        if reasons:
            found.append(Burst(key, count, rate, med, mad, z, staff, ratio, reasons))
    return sorted(found, key=lambda b: -b.window_count)


def monthly_history(dates, before, months):
    """Monthly counts of `dates` in the `months` whole months before `before` (oldest first)."""
    counts = [0] * months
    for d in dates:
        delta = (before.year - d.year) * 12 + (before.month - d.month)
        if 1 <= delta <= months:
            counts[months - delta] += 1
    return counts


def _norm_key(value):
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", value or "").lower())


def linked_applicants(filings, min_applicants=3, min_filings=BURST_MIN_FILINGS, link_on=("address", "contact")):
    """Groups of applicants tied by a shared address or contact (分散申请的关联申请人).

    `filings`: dicts with applicant, address, contact, agency, application_no. Returns groups whose
    members are ≥ `min_applicants` and whose filings together are ≥ `min_filings`, each with its
    evidence: members and their counts, the shared values that tie them, the agencies used."""
    sets = DisjointSets()
    find = sets.find
    by_value = defaultdict(set)
    per_applicant = defaultdict(list)
    for f in filings:
        name = (f.get("applicant") or "").strip()
        if not name:
            continue
        find(name)
        per_applicant[name].append(f)
        for attr in link_on:
            value = _norm_key(f.get(attr))
            if len(value) >= 4:  # "山东" alone ties nobody together
                by_value[(attr, value)].add(name)
    links = [(key, sorted(names)) for key, names in by_value.items() if len(names) >= 2]
    for _, names in links:
        for other in names[1:]:
            sets.union(names[0], other)
    shared = defaultdict(set)
    for key, names in links:  # after every union, so each tie lands on its group's final root
        shared[find(names[0])].add(key)
    groups = defaultdict(list)
    for name in per_applicant:
        groups[find(name)].append(name)
    out = []
    for root, names in groups.items():
        total = sum(len(per_applicant[n]) for n in names)
        if len(names) < min_applicants or total < min_filings:
            continue
        ties = sorted(shared.get(root, set()))
        agencies = sorted({f.get("agency") for n in names for f in per_applicant[n] if f.get("agency")})
        out.append({
            "applicants": {n: len(per_applicant[n]) for n in sorted(names)},
            "total_filings": total,
            "shared": [{"kind": attr, "value": value} for attr, value in ties],
            "agencies": agencies,
            "application_nos": sorted(f["application_no"] for n in names for f in per_applicant[n]),
        })
    return sorted(out, key=lambda g: -g["total_filings"])
