"""Batched heartbeats → credited segments → class hours, incrementally.

The rules (all numbers in ``services/config.py``):

* **Server time counts.** A batch received at server time ``T`` covers the server time since the
  session's previous batch (``M``): ``G = T − M``. The client's own durations (``dur``) only decide
  how ``G`` is shared among the beats of the batch; no beat is given more than the beat interval
  plus jitter (``beat_cap_ms``), and server time no beat accounts for is an ``idle_gap``.
* A beat's share is credited only if the page was visible **and** focused for the whole interval
  (``hidden`` / ``unfocused``; live lessons are exempt, their room runs in another app), the
  playback rate was ≤ ``MAX_RATE`` (``rate``), the video position is not beyond the furthest
  position really watched plus what the share allows (``seek_ahead``), no presence prompt is
  overdue (``presence_unanswered``), a live lesson is signed in and inside its window
  (``not_signed_in`` / ``outside_live_window``), the session is still the learner's active one
  (``paused_by_other_device``) and the person's Asia/Shanghai day is under the cap (``daily_cap``).
* **Idempotent on (session, seq).** The session row is locked (``select_for_update``) and keeps the
  seen seq ranges; beats already seen are skipped, so a repeated or concurrent delivery of a batch
  changes nothing twice. A unique (session, first_seq) on the evidence row is the second guard.
* Pieces with the same verdict are merged and the first extends the session's open segment.
  Credited milliseconds are added to lesson, module, enrolment and daily totals in the same
  transaction. The new beats are kept as one compact evidence row.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import math
import weakref
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from jineng.common import clock
from jineng.common.errors import DomainError, NotFound
from jineng.courses.models import Lesson
from jineng.identity.models import User
from jineng.learning.models import (
    BeatBatch,
    DailyTotal,
    Enrolment,
    PresenceCheck,
    Reason,
    Segment,
    SignIn,
    StudySession,
)
from jineng.learning.services.common import (
    learner_person,
    ms_between,
    next_shanghai_midnight,
    plus_ms,
    shanghai_day,
)
from jineng.learning.services.config import LearningConfig, learning_config
from jineng.learning.services.evidence import Beat, pack_beats
from jineng.learning.services.sessions import lesson_progress_ensure
from jineng.learning.services.sign_in import sign_in_daily_ensure

MAX_SEQ = 2_000_000_000
MAX_RANGES = 512
CREDITED = ""


class SessionEnded(DomainError):
    status = 409


# ---- seq ranges ------------------------------------------------------------------------

def ranges_contain(ranges: list[list[int]], seq: int) -> bool:
    index = bisect.bisect_right(ranges, [seq, math.inf]) - 1
    return index >= 0 and ranges[index][0] <= seq <= ranges[index][1]


def ranges_add(ranges: list[list[int]], seqs: list[int]) -> list[list[int]]:
    merged: list[list[int]] = []
    for lo, hi in sorted([*map(list, ranges), *([s, s] for s in seqs)]):
        if merged and lo <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return merged


# ---- validation ------------------------------------------------------------------------

def _invalid(index: int, name: str, message: str) -> DomainError:
    return DomainError("invalid_beat", f"第 {index + 1} 个心跳的 {name} {message}", field=f"beats[{index}].{name}")


def validate_beats(beats: list[Beat], cfg: LearningConfig) -> None:
    """Every 4xx before anything changes: the batch is refused whole, naming the first bad field."""
    if not beats:
        raise DomainError("empty_batch", "心跳批次为空", field="beats")
    if len(beats) > cfg.MAX_BEATS_PER_BATCH:
        raise DomainError("batch_too_large", f"一批最多 {cfg.MAX_BEATS_PER_BATCH} 个心跳", field="beats")
    seen: set[int] = set()
    for i, beat in enumerate(beats):
        if not 1 <= beat.seq <= MAX_SEQ:
            raise _invalid(i, "seq", f"应为 1–{MAX_SEQ} 的整数")
        if beat.seq in seen:
            raise _invalid(i, "seq", "在本批中重复")
        seen.add(beat.seq)
        if beat.lesson < 1:
            raise _invalid(i, "lesson", "无效")
        if beat.position is not None and not (math.isfinite(beat.position) and 0 <= beat.position <= 10_000_000):
            raise _invalid(i, "position", "应为 0 以上的秒数")
        if not (math.isfinite(beat.rate) and 0 <= beat.rate <= 16):
            raise _invalid(i, "rate", "应为 0–16 之间的播放速度")
        if beat.dur is not None and not (math.isfinite(beat.dur) and 0 <= beat.dur <= 86_400):
            raise _invalid(i, "dur", "应为 0–86400 秒")


# ---- the fold --------------------------------------------------------------------------

@dataclass
class LessonState:
    lesson_id: int
    module_id: int
    kind: str
    max_position: float
    last_position: float
    live_start: dt.datetime | None = None
    live_end: dt.datetime | None = None
    live_signed_in: bool = True
    credited_ms: int = 0
    touched: bool = False


@dataclass
class Piece:
    lesson_id: int
    module_id: int
    reason: str
    start: int  # ms after M
    end: int
    first_seq: int | None = None
    last_seq: int | None = None
    pos_from: float | None = None
    pos_to: float | None = None
    day: dt.date | None = None

    @property
    def ms(self) -> int:
        return self.end - self.start

    def cut(self, at: int) -> tuple[Piece, Piece]:
        left = Piece(**{**self.__dict__, "end": at})
        right = Piece(**{**self.__dict__, "start": at})
        return left, right

    @property
    def key(self) -> str:
        return f"{self.lesson_id}:{self.reason}:{self.day.isoformat()}"


@dataclass
class BatchResult:
    session: StudySession
    accepted: int
    duplicates: int
    credited_ms: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    day_credited_ms: int | None = None
    presence_id: int | None = None
    presence_deadline: dt.datetime | None = None


def _allocate(beats: list[Beat], gap_ms: int, cfg: LearningConfig) -> tuple[int, list[int]]:
    """Share the server gap among the beats: returns (idle ms before the first beat, ms per beat)."""
    cap = cfg.beat_cap_ms
    weights = [min(max(round(b.dur * 1000) if b.dur is not None else cfg.beat_ms, 0), gap_ms) for b in beats]
    total = sum(weights)
    if total >= gap_ms:
        if total == 0:
            return 0, [0] * len(beats)
        shares = [w * gap_ms // total for w in weights]
        shares[-1] += gap_ms - sum(shares)
        return 0, shares
    # A little more server time than the beats claim is network jitter: share it among the beats
    # (never past a beat's cap). More than that is a real gap the beats do not account for.
    left = gap_ms - total
    rooms = [max(0, cap - w) for w in weights]
    room = sum(rooms)
    if left > max(2000, total // 10) or left > room:
        return left, weights
    extra = [r * left // room for r in rooms]
    remainder = left - sum(extra)
    for i in range(len(extra) - 1, -1, -1):  # the rounding remainder goes to the last beats with room
        give = min(remainder, rooms[i] - extra[i])
        extra[i] += give
        remainder -= give
    return 0, [w + e for w, e in zip(weights, extra, strict=True)]


def _static_reason(beat: Beat, state: LessonState, share_ms: int, paused: bool, cfg: LearningConfig) -> str:
    if paused:
        return Reason.PAUSED_BY_OTHER_DEVICE
    if state.kind != Lesson.Kind.LIVE:
        if not beat.visible:
            return Reason.HIDDEN
        if not beat.focused:
            return Reason.UNFOCUSED
    if beat.rate > cfg.MAX_RATE + 1e-9:
        return Reason.RATE
    if state.kind == Lesson.Kind.VIDEO and beat.position is not None:
        allowed = state.max_position + min(share_ms, cfg.beat_cap_ms) / 1000 * cfg.MAX_RATE + cfg.SEEK_TOLERANCE_SECONDS
        if beat.position > allowed:
            return Reason.SEEK_AHEAD
    return CREDITED


def _offset(base: dt.datetime, moment: dt.datetime | None) -> int | None:
    return None if moment is None else ms_between(base, moment)


def _split_by_windows(piece: Piece, windows: list[tuple[int, int, str]]) -> list[Piece]:
    """Cut a credited piece where any window (start, end, reason) begins or ends; the parts inside
    a window take its reason (the first window listed wins)."""
    cuts = sorted({c for start, end, _ in windows for c in (start, end) if piece.start < c < piece.end})
    parts, rest = [], piece
    for cut in cuts:
        left, rest = rest.cut(cut)
        parts.append(left)
    parts.append(rest)
    for part in parts:
        middle = (part.start + part.end) / 2
        for start, end, reason in windows:
            if start <= middle < end:
                part.reason = reason
                break
    return parts


def _split_days(pieces: list[Piece], base: dt.datetime, gap_ms: int) -> list[Piece]:
    midnights, moment = [], base
    while True:
        moment = next_shanghai_midnight(moment)
        offset = ms_between(base, moment)
        if offset >= gap_ms:
            break
        midnights.append(offset)
    out = []
    for piece in pieces:
        rest = piece
        for cut in midnights:
            if rest.start < cut < rest.end:
                left, rest = rest.cut(cut)
                out.append(left)
        out.append(rest)
    for piece in out:
        piece.day = shanghai_day(plus_ms(base, piece.start))
    return out


def _merge(pieces: list[Piece]) -> list[Piece]:
    merged: list[Piece] = []
    for piece in pieces:
        if piece.ms <= 0:
            continue
        last = merged[-1] if merged else None
        if last is not None and last.key == piece.key and last.end == piece.start:
            last.end = piece.end
            if piece.first_seq is not None:
                last.first_seq = piece.first_seq if last.first_seq is None else min(last.first_seq, piece.first_seq)
                last.last_seq = piece.last_seq if last.last_seq is None else max(last.last_seq, piece.last_seq)
            if last.pos_from is None:
                last.pos_from = piece.pos_from
            if piece.pos_to is not None:
                last.pos_to = piece.pos_to
        else:
            merged.append(piece)
    return merged


def _lesson_states(session: StudySession, lesson_ids: set[int], beats: list[Beat]) -> dict[int, LessonState]:
    states: dict[int, LessonState] = {}
    current = session.lesson_id
    if current in lesson_ids:
        states[current] = LessonState(lesson_id=current, module_id=session.module_id_cached, kind=session.lesson_kind,
                                      max_position=session.lesson_max_position,
                                      last_position=session.lesson_last_position,
                                      live_signed_in=session.live_signed_in)
    others = lesson_ids - states.keys()
    if others:
        lessons = {lesson.pk: lesson for lesson in Lesson.objects.filter(pk__in=others, module__course_id=session.course_id)}
        for i, beat in enumerate(beats):
            if beat.lesson in others and beat.lesson not in lessons:
                raise DomainError("lesson_not_in_course", f"第 {i + 1} 个心跳的课件不属于本课程",
                                  field=f"beats[{i}].lesson")
        for lesson in lessons.values():
            progress = lesson_progress_ensure(enrolment=session.enrolment, lesson=lesson)
            states[lesson.pk] = LessonState(
                lesson_id=lesson.pk, module_id=lesson.module_id, kind=lesson.kind,
                max_position=progress.max_position, last_position=progress.last_position,
                live_signed_in=lesson.kind != Lesson.Kind.LIVE or SignIn.objects.filter(
                    enrolment_id=session.enrolment_id, kind=SignIn.Kind.LIVE, lesson=lesson).exists())
    for state in states.values():
        if state.kind == Lesson.Kind.LIVE:
            lesson = Lesson.objects.only("live_starts_at", "live_ends_at").get(pk=state.lesson_id)
            state.live_start, state.live_end = lesson.live_starts_at, lesson.live_ends_at
            if not state.live_signed_in:
                state.live_signed_in = SignIn.objects.filter(enrolment_id=session.enrolment_id, kind=SignIn.Kind.LIVE,
                                                             lesson_id=state.lesson_id).exists()
    return states


def _fold(session: StudySession, beats: list[Beat], states: dict[int, LessonState], gap_ms: int,
          cfg: LearningConfig) -> list[Piece]:
    base = session.last_beat_at
    paused = session.state == StudySession.State.PAUSED
    presence_windows: list[tuple[int, int, str]] = []
    if session.presence_gap_from and session.presence_gap_to and session.presence_gap_to > base:
        presence_windows.append((_offset(base, session.presence_gap_from), _offset(base, session.presence_gap_to),
                                 Reason.PRESENCE_UNANSWERED))
    if session.presence_deadline is not None:
        presence_windows.append((_offset(base, session.presence_deadline), math.inf, Reason.PRESENCE_UNANSWERED))

    idle, shares = _allocate(beats, gap_ms, cfg)
    first = states[beats[0].lesson]
    pieces = [Piece(first.lesson_id, first.module_id, Reason.IDLE_GAP, 0, idle)]
    cursor = idle
    for beat, share in zip(beats, shares, strict=True):
        state = states[beat.lesson]
        state.touched = True
        reason = _static_reason(beat, state, share, paused, cfg)
        if reason == CREDITED and share > cfg.beat_cap_ms:
            excess = share - cfg.beat_cap_ms
            pieces.append(Piece(state.lesson_id, state.module_id, Reason.IDLE_GAP, cursor, cursor + excess))
            cursor += excess
            share = cfg.beat_cap_ms
        piece = Piece(state.lesson_id, state.module_id, reason, cursor, cursor + share, beat.seq, beat.seq,
                      beat.position, beat.position)
        cursor += share
        if reason == CREDITED:
            windows = list(presence_windows)
            if state.kind == Lesson.Kind.LIVE:
                if not state.live_signed_in:
                    windows.append((-math.inf, math.inf, Reason.NOT_SIGNED_IN))
                windows.append((-math.inf, _offset(base, state.live_start), Reason.OUTSIDE_LIVE_WINDOW))
                windows.append((_offset(base, state.live_end), math.inf, Reason.OUTSIDE_LIVE_WINDOW))
            parts = _split_by_windows(piece, windows)
            pieces.extend(parts)
            if beat.position is not None:  # watched visibly at normal speed, whatever the verdict on the time
                state.max_position = max(state.max_position, beat.position)
        else:
            pieces.append(piece)
        if beat.position is not None:
            state.last_position = beat.position
    return _split_days(pieces, base, gap_ms)


def _apply_daily_cap(pieces: list[Piece], totals: dict[dt.date, int], cap_ms: int) -> list[Piece]:
    out = []
    for piece in pieces:
        if piece.reason != CREDITED or piece.ms <= 0:
            out.append(piece)
            continue
        remaining = cap_ms - totals.get(piece.day, 0)
        if remaining <= 0:
            piece.reason = Reason.DAILY_CAP
            out.append(piece)
            continue
        if piece.ms > remaining:
            left, right = piece.cut(piece.start + remaining)
            right.reason = Reason.DAILY_CAP
            out.extend([left, right])
            totals[piece.day] = totals.get(piece.day, 0) + remaining
        else:
            out.append(piece)
            totals[piece.day] = totals.get(piece.day, 0) + piece.ms
    return out


# ---- the writes: plain SQL on the hot path ------------------------------------------------
#
# One batch costs one locked read of the session (with the day's total) and, on PostgreSQL, one
# statement for all the writes. The statements are written out (portable SQL; values adapted by
# the model fields, as the ORM would) because building them through the ORM cost more than
# running them. On PostgreSQL they go through a server-binding cursor that prepares them: the
# server plans each shape once per connection and the client sends the values without quoting
# them into the text. Every statement still passes Django's cursor wrapper (errors, query log).

_SESSION_FIELDS = [
    "id", "person_id", "user_id", "enrolment_id", "course_id", "lesson_id", "state", "started_at", "device_id",
    "device_label", "ip", "last_beat_at", "seen_ranges", "beats_accepted", "batches_accepted", "credited_ms",
    "uncredited_ms", "open_segment_id", "open_segment_key", "lesson_kind", "module_id_cached",
    "lesson_max_position", "lesson_last_position", "signed_day", "live_signed_in", "presence_next_at",
    "presence_check_id", "presence_deadline", "presence_gap_from", "presence_gap_to",
]
# the session row, locked, with the person's credited time of the study day the batch arrives on
_SELECT_SESSION = (f"SELECT {', '.join('s.' + f for f in _SESSION_FIELDS)}, d.credited_ms AS day_total_ms "  # noqa: S608
                   "FROM learning_studysession s LEFT JOIN learning_dailytotal d "
                   "ON d.person_id = s.person_id AND d.day = %s WHERE s.id = %s AND s.person_id = %s")
_SESSION_UPDATED = [
    "lesson_id", "lesson_kind", "module_id_cached", "lesson_max_position", "lesson_last_position", "live_signed_in",
    "seen_ranges", "last_beat_at", "beats_accepted", "batches_accepted", "credited_ms", "uncredited_ms",
    "open_segment_id", "open_segment_key", "signed_day", "presence_check_id", "presence_deadline", "presence_next_at",
]
_UPDATE_SESSION = (f"UPDATE learning_studysession SET {', '.join(f'{c} = %s' for c in _SESSION_UPDATED)} "  # noqa: S608
                   "WHERE id = %s")
# CAST: a server-bound NULL has no type of its own, and ``x IS NULL`` gives the server none either
_EXTEND_SEGMENT = (
    "UPDATE learning_segment SET ended_at = %s, duration_ms = duration_ms + %s, "
    "first_seq = CASE WHEN CAST(%s AS integer) IS NULL THEN first_seq "
    "WHEN first_seq IS NULL OR first_seq > %s THEN %s ELSE first_seq END, "
    "last_seq = CASE WHEN CAST(%s AS integer) IS NULL THEN last_seq "
    "WHEN last_seq IS NULL OR last_seq < %s THEN %s ELSE last_seq END, "
    "position_from = COALESCE(position_from, %s), position_to = COALESCE(%s, position_to) WHERE id = %s"
)
_INSERT_BATCH = ("INSERT INTO learning_beatbatch (session_id, received_at, mark_from, first_seq, last_seq, beat_count, "
                 "payload, ip) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)")
_UPDATE_LESSON_POSITION = ("UPDATE learning_lessonprogress SET max_position = %s, last_position = %s "
                           "WHERE enrolment_id = %s AND lesson_id = %s")
_UPDATE_LESSON_CREDIT = ("UPDATE learning_lessonprogress SET max_position = %s, last_position = %s, "
                         "credited_ms = credited_ms + %s, last_studied_at = %s, "
                         "first_studied_at = COALESCE(first_studied_at, %s) WHERE enrolment_id = %s AND lesson_id = %s")
_UPDATE_MODULE = "UPDATE learning_moduleprogress SET credited_ms = credited_ms + %s WHERE enrolment_id = %s AND module_id = %s"
_UPDATE_ENROLMENT = ("UPDATE learning_enrolment SET credited_ms = credited_ms + %s, last_studied_at = %s, "
                     "first_studied_at = COALESCE(first_studied_at, %s) WHERE id = %s")
_SELECT_DAYS = "SELECT day, credited_ms FROM learning_dailytotal WHERE person_id = %s AND day IN ({})"
_UPDATE_DAY = "UPDATE learning_dailytotal SET credited_ms = credited_ms + %s WHERE person_id = %s AND day = %s"

_SESSION_UPDATED_FIELDS = [StudySession._meta.get_field(name) for name in _SESSION_UPDATED]
_BATCH_IP_FIELD = BeatBatch._meta.get_field("ip")
# per database connection: (column index, converters, column) for the session row's columns that need them
_row_converters: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _when(db, value: dt.datetime | None):
    return db.ops.adapt_datetimefield_value(value)


def _day(db, value: dt.date):
    return db.ops.adapt_datefield_value(value)


@functools.lru_cache(maxsize=256)
def _numbered(query: str) -> str:
    """``%s`` placeholders as PostgreSQL's own ``$1, $2, …`` (the hot statements have no other ``%``)."""
    parts = query.split("%s")
    return parts[0] + "".join(f"${i}{part}" for i, part in enumerate(parts[1:], 1))


@functools.cache
def _prepared_cursor_class():
    from psycopg import RawCursor

    class PreparedCursor(RawCursor):
        """Server-side binding with PostgreSQL's own placeholders, so psycopg does not parse the text
        on every call, and every statement prepared: the server plans each shape once per connection."""

        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(_numbered(query), params, prepare=True, binary=binary)

    return PreparedCursor


def _hot_cursor(db):
    """A cursor for the batch's statements: on PostgreSQL server-binding and prepared, elsewhere Django's own."""
    if db.vendor != "postgresql":
        return db.cursor()
    db.ensure_connection()
    return db._prepare_cursor(_prepared_cursor_class()(db.connection))  # noqa: SLF001 - Django's wrapper


def _session_converters(db) -> list:
    found = _row_converters.get(db)
    if found is None:
        found = []
        for index, name in enumerate(_SESSION_FIELDS):
            field = StudySession._meta.get_field(name)
            column = field.get_col(StudySession._meta.db_table)
            converters = db.ops.get_db_converters(column) + column.get_db_converters(db)
            if converters:
                found.append((index, converters, column))
        _row_converters[db] = found
    return found


def _locked_session(db, session_id: int, person_id: int, day: dt.date) -> StudySession | None:
    """The session row, locked (``FOR UPDATE OF`` the session only); ``day_total_ms`` is the person's
    credited time on ``day`` or None when there is none yet."""
    features = db.features
    lock = " FOR UPDATE OF s" if features.has_select_for_update_of else " FOR UPDATE" if features.has_select_for_update else ""
    with _hot_cursor(db) as cursor:
        cursor.execute(_SELECT_SESSION + lock, [_day(db, day), session_id, person_id])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for index, converters, column in _session_converters(db):
        for converter in converters:
            values[index] = converter(values[index], column, db)
    session = StudySession.from_db(db.alias, _SESSION_FIELDS, values[:-1])
    session.day_total_ms = values[-1]
    return session


def _read_days(db, person_id: int, days: list[dt.date], known: dict[dt.date, int]) -> dict[dt.date, int]:
    days = [d for d in days if d not in known]
    if not days:
        return dict(known)
    with db.cursor() as cursor:
        cursor.execute(_SELECT_DAYS.format(", ".join(["%s"] * len(days))), [person_id, *(_day(db, d) for d in days)])
        rows = cursor.fetchall()
    return {**known, **{(day if isinstance(day, dt.date) else dt.date.fromisoformat(day)): ms for day, ms in rows}}


def _run_writes(db, writes: list[tuple[str, list]]) -> None:
    """Run the batch's writes. On PostgreSQL they travel as one statement (data-modifying WITH
    clauses: one round trip, one plan); elsewhere one after another. They touch distinct rows."""
    with _hot_cursor(db) as cursor:
        if db.vendor == "postgresql" and len(writes) > 1:
            *heads, (last_sql, last_params) = writes
            sql = "WITH " + ", ".join(f"w{i} AS ({head_sql})" for i, (head_sql, _) in enumerate(heads)) + " " + last_sql
            cursor.execute(sql, [param for _, params in heads for param in params] + last_params)
        else:
            for sql, params in writes:
                cursor.execute(sql, params)


# ---- the service -----------------------------------------------------------------------

def heartbeats_record(*, actor: User, session_id: int, beats: list[Beat], device_id: str | None = None,
                      ip: str | None = None) -> BatchResult:
    """Record one batch of beats for the actor's own session and credit what the rules allow."""
    cfg = learning_config()
    validate_beats(beats, cfg)
    if not getattr(actor, "person_id", None):
        learner_person(actor)  # raises the right error
    person_id = actor.person_id
    db = connections[DEFAULT_DB_ALIAS]
    with transaction.atomic(using=db.alias):
        today = shanghai_day(clock.now())
        session = _locked_session(db, session_id, person_id, today)
        if session is None:
            raise NotFound("学习会话不存在")
        if device_id and device_id != session.device_id:
            raise DomainError("device_mismatch", "心跳来自另一台设备，请刷新页面", field="device")
        new = sorted((b for b in beats if not ranges_contain(session.seen_ranges, b.seq)), key=lambda b: b.seq)
        if not new:
            return BatchResult(session=session, accepted=0, duplicates=len(beats),
                               presence_id=session.presence_check_id, presence_deadline=session.presence_deadline)
        if session.state == StudySession.State.ENDED:
            raise SessionEnded("session_ended", "本次学习已结束，请刷新页面重新开始", field="session")
        seen_ranges = ranges_add(session.seen_ranges, [b.seq for b in new])
        if len(seen_ranges) > MAX_RANGES:
            raise DomainError("seq_fragmented", "心跳序号过于零散，请刷新页面重新开始", field="beats")
        states = _lesson_states(session, {b.lesson for b in new}, new)

        now = clock.now()
        base = session.last_beat_at
        gap_ms = max(0, ms_between(base, now))
        pieces = _fold(session, new, states, gap_ms, cfg)
        days = sorted({p.day for p in pieces if p.reason == CREDITED and p.ms > 0})
        known = {} if session.day_total_ms is None else {today: session.day_total_ms}
        totals = _read_days(db, person_id, days, known)
        totals = {day: totals[day] for day in days if day in totals}
        before = dict(totals)
        pieces = _merge(_apply_daily_cap(pieces, totals, cfg.daily_cap_ms))
        mark = plus_ms(base, gap_ms)

        reasons: dict[str, int] = {}
        credited_by_lesson: dict[int, int] = {}
        credited_by_module: dict[int, int] = {}
        for piece in pieces:
            reasons[piece.reason or "credited"] = reasons.get(piece.reason or "credited", 0) + piece.ms
            if piece.reason == CREDITED:
                credited_by_lesson[piece.lesson_id] = credited_by_lesson.get(piece.lesson_id, 0) + piece.ms
                credited_by_module[piece.module_id] = credited_by_module.get(piece.module_id, 0) + piece.ms
        credited = sum(credited_by_lesson.values())

        # The rare writes first (they return ids or write the audit trail), then the steady ones together.
        writes: list[tuple[str, list]] = []
        open_id, open_key = session.open_segment_id, session.open_segment_key
        to_insert = pieces
        if pieces and open_id and open_key == pieces[0].key:
            head, to_insert = pieces[0], pieces[1:]
            writes.append((_EXTEND_SEGMENT, [
                _when(db, plus_ms(base, head.end)), head.ms,
                head.first_seq, head.first_seq, head.first_seq, head.last_seq, head.last_seq, head.last_seq,
                head.pos_from, head.pos_to, open_id]))
        if to_insert:
            created = Segment.objects.bulk_create([
                Segment(session_id=session.pk, enrolment_id=session.enrolment_id, lesson_id=p.lesson_id,
                        module_id=p.module_id, day=p.day, credited=p.reason == CREDITED, reason=p.reason,
                        started_at=plus_ms(base, p.start), ended_at=plus_ms(base, p.end), duration_ms=p.ms,
                        first_seq=p.first_seq, last_seq=p.last_seq, position_from=p.pos_from, position_to=p.pos_to)
                for p in to_insert
            ])
            open_id, open_key = created[-1].pk, to_insert[-1].key
            if open_id is None:  # a backend that cannot return ids from a bulk insert
                open_id = Segment.objects.filter(session_id=session.pk).order_by("-pk").values_list("pk", flat=True)[0]
        writes.append((_INSERT_BATCH, [session.pk, _when(db, now), _when(db, base), new[0].seq, new[-1].seq, len(new),
                                       pack_beats(new), _BATCH_IP_FIELD.get_db_prep_value(ip or None, db, prepared=False)]))
        for state in states.values():
            if not state.touched:
                continue
            gained = credited_by_lesson.get(state.lesson_id, 0)
            if gained:
                writes.append((_UPDATE_LESSON_CREDIT, [state.max_position, state.last_position, gained, _when(db, mark),
                                                       _when(db, mark), session.enrolment_id, state.lesson_id]))
            else:
                writes.append((_UPDATE_LESSON_POSITION, [state.max_position, state.last_position,
                                                         session.enrolment_id, state.lesson_id]))
        for module_id, gained in credited_by_module.items():  # the rows exist: lesson_progress_ensure made them
            writes.append((_UPDATE_MODULE, [gained, session.enrolment_id, module_id]))
        if credited:
            writes.append((_UPDATE_ENROLMENT, [credited, _when(db, mark), _when(db, mark), session.enrolment_id]))
        for day in days:
            gained = totals.get(day, 0) - before.get(day, 0)
            if gained <= 0:
                continue
            if day in before:
                writes.append((_UPDATE_DAY, [gained, person_id, _day(db, day)]))
            else:
                DailyTotal.objects.create(person_id=person_id, day=day, credited_ms=gained)
            if session.signed_day is None or day > session.signed_day:
                sign_in_daily_ensure(enrolment=Enrolment.objects.get(pk=session.enrolment_id), day=day,
                                     ip=ip or session.ip, device_id=session.device_id,
                                     device_label=session.device_label, actor=actor,
                                     now=plus_ms(base, min(p.start for p in pieces if p.day == day)))
                session.signed_day = day

        if (session.state == StudySession.State.ACTIVE and session.presence_check_id is None
                and session.presence_next_at is not None and now >= session.presence_next_at):
            check = PresenceCheck.objects.create(session_id=session.pk, issued_at=now,
                                                 deadline=now + dt.timedelta(seconds=cfg.PRESENCE_TIMEOUT_SECONDS))
            session.presence_check_id = check.pk
            session.presence_deadline = check.deadline
            session.presence_next_at = None

        current = states[new[-1].lesson]
        session.lesson_id = current.lesson_id
        session.lesson_kind = current.kind
        session.module_id_cached = current.module_id
        session.lesson_max_position = current.max_position
        session.lesson_last_position = current.last_position
        session.live_signed_in = current.live_signed_in
        session.seen_ranges = seen_ranges
        session.last_beat_at = mark
        session.beats_accepted += len(new)
        session.batches_accepted += 1
        session.credited_ms += credited
        session.uncredited_ms += gap_ms - credited
        session.open_segment_id, session.open_segment_key = open_id, open_key
        writes.append((_UPDATE_SESSION, [*(f.get_db_prep_value(getattr(session, f.attname), db, prepared=False)
                                           for f in _SESSION_UPDATED_FIELDS),
                                         session.pk]))
        _run_writes(db, writes)
    return BatchResult(session=session, accepted=len(new), duplicates=len(beats) - len(new), credited_ms=credited,
                       reasons=reasons, day_credited_ms=totals.get(shanghai_day(mark)),
                       presence_id=session.presence_check_id, presence_deadline=session.presence_deadline)
