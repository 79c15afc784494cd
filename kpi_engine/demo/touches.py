"""Demo touches (issue 16.4): a path of marketing touches per lead, so the attribution models differ on the demo.

The step has its own random stream (derived from the seed, independent of every other step's), so adding touches
changes no other demo figure. Every lead gets a touch on its own channel and campaign when it was created (the
touch that converted it into a lead); about half had an earlier touch 1–21 days before, on a discovery channel
(search ads, short video, 小红书); about a third were nurtured afterwards by e-mail or the WeChat account, 1–10
days after their creation (a nurture touch after the lead's win is not made: it could not have helped).
"""

from __future__ import annotations

import numpy as np

DISCOVERY = ("baidu_sem", "douyin_video", "xiaohongshu")  # where people first meet the brand
NURTURE = ("email", "wechat_mp")  # what follows a lead up
EARLIER_SHARE = 0.5
NURTURE_SHARE = 0.35
DAY = 86_400


def make_touches(leads: dict[str, np.ndarray], channel_ids: list[str], seed: int) -> dict[str, np.ndarray]:
    """Touch rows as arrays: ``lead`` (index into the leads), ``at`` (epoch seconds), ``channel`` (index into
    ``channel_ids``), ``campaign`` (index into the campaigns, -1 for none). ``leads`` holds the demo's lead arrays
    (``created_at``, ``won_at`` in seconds, -1 for none; ``channel``, ``campaign`` indexes)."""
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, 20261, 16])))
    created = np.asarray(leads["created_at"], dtype=np.int64)
    won = np.asarray(leads["won_at"], dtype=np.int64)
    n = len(created)
    lead = np.arange(n)
    ok = created >= 0
    discovery = np.array([channel_ids.index(c) for c in DISCOVERY if c in channel_ids], dtype=np.int64)
    nurture = np.array([channel_ids.index(c) for c in NURTURE if c in channel_ids], dtype=np.int64)

    parts = [(lead[ok], created[ok], np.asarray(leads["channel"])[ok], np.asarray(leads["campaign"])[ok])]
    earlier = ok & (rng.random(n) < EARLIER_SHARE)
    if len(discovery):
        before = created - rng.integers(1, 22, n) * DAY - rng.integers(0, DAY, n)
        parts.append((lead[earlier], before[earlier], discovery[rng.integers(0, len(discovery), n)][earlier],
                      np.full(int(earlier.sum()), -1)))
    if len(nurture):
        after = created + rng.integers(1, 11, n) * DAY + rng.integers(0, DAY, n)
        later = ok & (rng.random(n) < NURTURE_SHARE) & ((won < 0) | (after <= won))
        parts.append((lead[later], after[later], nurture[rng.integers(0, len(nurture), n)][later],
                      np.full(int(later.sum()), -1)))
    cols = [np.concatenate([p[i] for p in parts]).astype(np.int64) for i in range(4)]
    order = np.lexsort((cols[1], cols[0]))  # by lead, then time
    return {"lead": cols[0][order], "at": cols[1][order], "channel": cols[2][order], "campaign": cols[3][order]}
