"""Raw beats as compact append-only evidence, and their purge after the retention period.

One ``BeatBatch`` row per received batch holds that batch's new beats packed column-wise:
a contiguous seq run is two numbers, a lesson or rate shared by every beat is one, and the
visible/focused flags are one character per beat. Six beats of a video take ~90 bytes.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass

from django.db import transaction

from jineng.audit.services import audit_record
from jineng.common import clock
from jineng.learning.models import BeatBatch
from jineng.learning.services.config import learning_config

FORMAT_VERSION = 1


@dataclass(frozen=True)
class Beat:
    """One sample from the player: where it was and what the page looked like over the last interval."""

    seq: int
    lesson: int
    position: float | None
    rate: float
    visible: bool
    focused: bool
    dur: float | None = None  # client-measured seconds since the previous beat: only weights server time


def _column(values: list):
    """One value when every beat has the same (of the same type: 1 and 1.0 print differently), else the list."""
    first = values[0]
    kind = type(first)
    return first if all(type(v) is kind and v == first for v in values) else values


def _round(value: float | None) -> float | int | None:
    if value is None:
        return None
    rounded = round(value, 2)
    return int(rounded) if float(rounded).is_integer() else rounded


def pack_beats(beats: list[Beat]) -> str:
    seqs = [b.seq for b in beats]
    contiguous = seqs == list(range(seqs[0], seqs[0] + len(seqs)))
    data: dict = {
        "v": FORMAT_VERSION,
        "n": len(beats),
        "q": [seqs[0], len(seqs)] if contiguous else seqs,
        "qc": 1 if contiguous else 0,
        "l": _column([b.lesson for b in beats]),
        "p": [_round(b.position) for b in beats],
        "r": _column([_round(b.rate) for b in beats]),
        "f": "".join(str(int(b.visible) | int(b.focused) << 1) for b in beats),
    }
    if any(b.dur is not None for b in beats):
        data["d"] = [_round(b.dur) for b in beats]
    return json.dumps(data, separators=(",", ":"))


def unpack_beats(payload: str) -> list[Beat]:
    data = json.loads(payload)
    if data.get("v") != FORMAT_VERSION:
        raise ValueError(f"unknown beat evidence format {data.get('v')!r}")
    n = data["n"]
    seqs = list(range(data["q"][0], data["q"][0] + data["q"][1])) if data["qc"] else data["q"]

    def column(key):
        value = data.get(key)
        return value if isinstance(value, list) else [value] * n

    lessons, rates, durs = column("l"), column("r"), column("d")
    return [
        Beat(seq=seqs[i], lesson=lessons[i], position=None if data["p"][i] is None else float(data["p"][i]),
             rate=float(rates[i]), visible=bool(int(data["f"][i]) & 1), focused=bool(int(data["f"][i]) & 2),
             dur=None if durs[i] is None else float(durs[i]))
        for i in range(n)
    ]


def beat_is_finite(beat: Beat) -> bool:
    return all(v is None or math.isfinite(v) for v in (beat.position, beat.rate, beat.dur))


def evidence_purge(*, now: dt.datetime | None = None, batch_size: int = 5000) -> int:
    """Delete raw beat batches received before the retention period (default 5 years). Segments,
    sessions and totals stay: they are the learning record; only the raw samples go. Returns the
    number of batches deleted; writes one audit entry when any were."""
    now = now or clock.now()
    cutoff = now - dt.timedelta(days=learning_config().EVIDENCE_RETENTION_DAYS)
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(BeatBatch.objects.filter(received_at__lt=cutoff).order_by("pk")
                       .values_list("pk", flat=True)[:batch_size])
            if not ids:
                break
            deleted += BeatBatch.objects.filter(pk__in=ids).delete()[0]
    if deleted:
        with transaction.atomic():
            audit_record(actor=None, action="learning.evidence.purge", target_type="learning.beatbatch",
                         summary={"cutoff": cutoff.isoformat(), "deleted_batches": deleted,
                                  "retention_days": learning_config().EVIDENCE_RETENTION_DAYS})
    return deleted
