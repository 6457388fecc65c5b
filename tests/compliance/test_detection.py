"""Detection on small hand-made cases: Chinese text with punctuation and full-width variants."""
import datetime as dt
import itertools
import random

import numpy as np
import pytest
from datasketch import MinHash

from ipdesk.compliance import detection as d

from .conftest import ABSTRACT, ABSTRACT_VARIANT

REORDERED = ("本发明公开了一种智能灌溉装置，所述控制器根据湿度数据控制水泵启停，包括水泵、控制器和土壤湿度传感器，"
             "实现按需灌溉，节约用水，结构简单，成本低廉。")
OTHER = "本实用新型涉及一种汽车座椅调节机构，包括滑轨、锁止块和弹簧，通过手柄带动锁止块脱离滑轨齿槽，调节方便可靠。"


def test_normalize_folds_full_width_and_drops_punctuation_and_spaces():
    assert d.normalize_text("ＡＢＣ１２３，一种 装置。") == "abc123一种装置"
    assert d.normalize_text("（含量５０％）；【权利要求】") == "含量50权利要求"
    assert d.normalize_text(ABSTRACT) == d.normalize_text(ABSTRACT_VARIANT)


def test_shingles_are_character_trigrams_and_short_text_is_one_shingle():
    assert d.shingles("一种装置。") == {"一种装", "种装置"}
    assert d.shingles("夹具") == {"夹具\0"}
    assert d.shingles("，。") == set()


def test_signatures_equal_datasketch_minhash():
    texts = [ABSTRACT, ABSTRACT_VARIANT, REORDERED, OTHER, "夹具", ""]
    sig = d.ShingledCorpus(texts).signatures(32)
    for i, text in enumerate(texts):
        m = MinHash(num_perm=32, seed=d.SEED, hashfunc=d.shingle_hash32)
        for s in d.shingles(text):
            m.update(s)
        assert (m.hashvalues == sig[i]).all()


def test_punctuation_and_width_variants_are_identical_and_reordering_is_near():
    corpus = d.ShingledCorpus([ABSTRACT, ABSTRACT_VARIANT, REORDERED, OTHER])
    pairs, _ = d.near_duplicate_pairs(corpus, 0.8)
    found = {(i, j): s for i, j, s in pairs}
    assert found[(0, 1)] == 1.0
    assert 0.8 <= found[(0, 2)] < 1.0 and (1, 2) in found
    assert not any(3 in p for p in found)
    assert corpus.jaccard(0, 2) == pytest.approx(d.jaccard(d.shingles(ABSTRACT), d.shingles(REORDERED)))


def _corpus(n, seed):
    rng = random.Random(seed)
    chars = [chr(c) for c in range(0x4E00, 0x4E00 + 300)]
    base = ["".join(rng.choice(chars) for _ in range(80)) for _ in range(n)]
    for k in range(0, n - 1, 5):  # plant edited copies
        text = list(base[k])
        for _ in range(rng.randint(0, 6)):
            text[rng.randrange(len(text))] = rng.choice(chars)
        base[k + 1] = "".join(text)
    return base


def test_exact_pairs_equal_brute_force():
    texts = _corpus(60, 1)
    corpus = d.ShingledCorpus(texts)
    sets = [d.shingles(t) for t in texts]
    brute = {(i, j) for i, j in itertools.combinations(range(len(texts)), 2) if d.jaccard(sets[i], sets[j]) >= 0.8}
    assert brute  # the planted copies are there
    assert {(i, j) for i, j, _ in d.exact_similar_pairs(corpus, 0.8)} == brute


def test_lsh_engines_agree_and_find_every_planted_pair():
    corpus = d.ShingledCorpus(_corpus(80, 2))
    sig = corpus.signatures()
    bands, rows = d.lsh_params()
    a = d.lsh_candidate_pairs(sig, bands, rows, engine="numpy", valid=corpus.nonempty)
    b = d.lsh_candidate_pairs(sig, bands, rows, engine="datasketch", valid=corpus.nonempty)
    assert set(a.tolist()) == set(b.tolist())
    truth = {(i, j) for i, j, _ in d.exact_similar_pairs(corpus)}
    found = {(i, j) for i, j, _ in d.near_duplicate_pairs(corpus, sig=sig)[0]}
    assert found == truth


def test_lsh_params_keep_recall_at_the_threshold():
    bands, rows = d.lsh_params(0.8, 64)
    assert bands * rows <= 64
    assert 1 - (1 - 0.8 ** rows) ** bands >= 0.99


def test_disjoint_sets_root_each_group_at_its_least_member_whatever_the_order():
    for order in itertools.permutations([(4, 2), (2, 9), (7, 8)]):
        sets = d.DisjointSets()
        for a, b in order:
            sets.union(a, b)
        assert {x: sets.find(x) for x in (2, 4, 7, 8, 9)} == {2: 2, 4: 2, 9: 2, 7: 7, 8: 7}
    assert d.DisjointSets().find("alone") == "alone"


def test_clusters_group_connected_pairs():
    groups = d.clusters([(0, 1, 0.9), (1, 2, 0.85), (5, 6, 1.0)])
    assert [sorted({i for p in g for i in p[:2]}) for g in groups] == [[0, 1, 2], [5, 6]]


def test_robust_z_and_bursts_against_own_history_and_size():
    history = {"甲公司": [1, 2, 1, 0, 2, 1] * 4, "乙公司": [20, 22, 18, 21] * 6, "丙公司": [0] * 24}
    window = {"甲公司": 30, "乙公司": 63, "丙公司": 4}
    bursts = {b.key: b for b in d.filing_bursts(window, history, window_months=3, sizes={"乙公司": 200})}
    assert "甲公司" in bursts and "history" in bursts["甲公司"].reasons
    assert bursts["甲公司"].evidence()["window_filings"] == 30
    assert "乙公司" not in bursts  # 21 a month is its normal pace, and 200 R&D staff can file 84 a year
    assert "丙公司" not in bursts  # four filings are never a burst
    small = d.filing_bursts({"丁公司": 12}, {"丁公司": [4] * 24}, window_months=3, sizes={"丁公司": 2})
    assert small and small[0].reasons == ["size"] and small[0].per_rd_staff == 24


def test_monthly_history_counts_whole_months_before():
    dates = [dt.date(2022, 12, 5), dt.date(2022, 12, 20), dt.date(2022, 1, 3), dt.date(2023, 1, 2)]
    assert d.monthly_history(dates, dt.date(2023, 1, 1), 12) == [1] + [0] * 10 + [2]


def test_linked_applicants_share_an_address_or_contact():
    filings = []
    for i, name in enumerate(["甲机械厂", "乙商贸部", "丙科技公司"]):
        for k in range(4):
            filings.append({"applicant": name, "address": "山东省枣庄市薛城区 永福路１６号" if i < 2 else "",
                            "contact": "13800000000" if i > 0 else "", "agency": "某代理所", "application_no": f"{i}-{k}"})
    filings.append({"applicant": "丁公司", "address": "山东省", "contact": "", "agency": "", "application_no": "x"})
    groups = d.linked_applicants(filings, min_applicants=3, min_filings=10)
    assert len(groups) == 1
    g = groups[0]
    assert g["applicants"] == {"丙科技公司": 4, "乙商贸部": 4, "甲机械厂": 4} and g["total_filings"] == 12
    assert {s["kind"] for s in g["shared"]} == {"address", "contact"}
    assert g["agencies"] == ["某代理所"]
