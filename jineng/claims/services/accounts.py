"""The persons' subsidy accounts and the bulk writes behind judging: the judged lines saved, the
accounts created if missing and locked in digest order at submission, a reserved grant per eligible
line (released by a return, a rejection or a withdrawal), the claim's judged total; on PostgreSQL
the big arrays go as binary parameters (``_pg_execute``, ``_pg_fetch``)."""

from __future__ import annotations

import datetime as dt
import json

from django.db import connection
from django.db.models import Sum

from jineng.claims.models import Claim, ClaimLine, SubsidyAccount, SubsidyGrant
from jineng.claims.services.common import CENT, ZERO
from jineng.projects.models import Project

JUDGED_FIELDS = ["status", "judged_amount", "payee", "payer_region", "reason", "reason_clause", "trace", "judged_at",
                 "judged_at_submission"]


_PG_SAVE = """
UPDATE claims_claimline AS l SET status = v.status, judged_amount = v.amount, payee = v.payee,
       payer_region = v.payer_region, reason = v.reason, reason_clause = v.clause, trace = v.trace::jsonb,
       judged_at = v.judged_at, judged_at_submission = v.sub
  FROM unnest(%b::bigint[], %b::text[], %b::numeric[], %b::text[], %b::text[], %b::text[], %b::text[], %b::text[],
              %b::timestamptz[], %b::bool[]) AS v(id, status, amount, payee, payer_region, reason, clause, trace,
                                                   judged_at, sub)
 WHERE l.id = v.id
"""


def _pg_execute(sql: str, params: list) -> None:
    """Run ``sql`` with server-side parameter binding and ``%b`` (binary) placeholders: big arrays
    go as binary parameters, neither quoted into the SQL text nor escaped element by element
    (Django's client-side binding spends seconds escaping them)."""
    import psycopg

    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params)


def _pg_fetch(sql: str, params: list) -> list[tuple]:
    import psycopg

    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _save_judgements(lines: list[ClaimLine]) -> None:
    """Save the judged fields of many lines. On PostgreSQL one ``UPDATE … FROM unnest(arrays)``
    per 5,000 lines (``bulk_update``'s CASE expressions cost seconds per thousand lines)."""
    if connection.vendor != "postgresql":
        ClaimLine.objects.bulk_update(lines, JUDGED_FIELDS, batch_size=500)
        return
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    for start in range(0, len(lines), 5000):
        chunk = lines[start:start + 5000]
        _pg_execute(_PG_SAVE, [
            [x.pk for x in chunk], [x.status for x in chunk], [x.judged_amount for x in chunk],
            [x.payee for x in chunk], [x.payer_region for x in chunk], [x.reason for x in chunk],
            [x.reason_clause for x in chunk], [dumps(x.trace) for x in chunk], [x.judged_at for x in chunk],
            [x.judged_at_submission for x in chunk],
        ])


def _digest(line: ClaimLine) -> str:
    digest = getattr(line, "digest", None)
    return digest if digest is not None else line.person.id_number_digest


_PG_CREATE_ACCOUNTS = """
INSERT INTO claims_subsidyaccount (person_digest, person_id)
SELECT * FROM unnest(%b::varchar[], %b::bigint[]) ON CONFLICT (person_digest) DO NOTHING
"""
_PG_LOCK_ACCOUNTS = """
SELECT id, person_digest FROM claims_subsidyaccount WHERE person_digest = ANY(%b::varchar[])
 ORDER BY person_digest FOR UPDATE
"""


def _lock_accounts(persons: dict[str, int]) -> dict[str, int]:
    """Create the persons' subsidy accounts if missing (digest → person id), then lock them in
    digest order (the same order in every transaction, so two submissions never deadlock).
    Returns digest → account id."""
    digests = sorted(persons)
    if connection.vendor == "postgresql":
        _pg_execute(_PG_CREATE_ACCOUNTS, [digests, [persons[d] for d in digests]])
        rows = _pg_fetch(_PG_LOCK_ACCOUNTS, [digests])
        return {digest: pk for pk, digest in rows}
    SubsidyAccount.objects.bulk_create([SubsidyAccount(person_digest=d, person_id=persons[d]) for d in digests],
                                       ignore_conflicts=True, batch_size=2000)
    locked = (SubsidyAccount.objects.select_for_update().filter(person_digest__in=digests)
              .order_by("person_digest").values_list("person_digest", "pk"))
    return dict(locked)


_PG_RESERVE = """
INSERT INTO claims_subsidygrant (account_id, claim_line_id, policy, subsidy, occupation, level, start, "end", amount,
                                 status, source, created_at)
SELECT v.account_id, v.line_id, %b, %b, %b, %b, %b, %b, v.amount, 'reserved', '', %b
  FROM unnest(%b::bigint[], %b::bigint[], %b::numeric[]) AS v(account_id, line_id, amount)
"""


def _reserve(claim: Claim, lines: list[ClaimLine], accounts: dict[str, int], project: Project,
             now: dt.datetime) -> None:
    """A reserved grant per eligible line: it counts in every later judgement until released or paid.
    The claim's earlier reservations (released by a return, or reserved for the projected amount of
    an advance) are replaced: a line has one grant."""
    SubsidyGrant.objects.filter(claim_line__claim=claim).exclude(status=SubsidyGrant.Status.PAID).delete()
    eligible = [line for line in lines if line.status == ClaimLine.Status.ELIGIBLE]
    if connection.vendor == "postgresql":
        for start in range(0, len(eligible), 10000):
            chunk = eligible[start:start + 10000]
            _pg_execute(_PG_RESERVE, [
                claim.policy, claim.subsidy, project.occupation.code, project.level, project.start_date,
                project.end_date, now, [accounts[_digest(x)] for x in chunk], [x.pk for x in chunk],
                [x.judged_amount for x in chunk]])
        return
    SubsidyGrant.objects.bulk_create([
        SubsidyGrant(account_id=accounts[_digest(line)], claim_line=line, policy=claim.policy,
                     subsidy=claim.subsidy, occupation=project.occupation.code, level=project.level,
                     start=project.start_date, end=project.end_date, amount=line.judged_amount,
                     status=SubsidyGrant.Status.RESERVED, created_at=now)
        for line in lines if line.status == ClaimLine.Status.ELIGIBLE
    ], batch_size=2000)


def _release(claim: Claim) -> int:
    return SubsidyGrant.objects.filter(claim_line__claim=claim, status=SubsidyGrant.Status.RESERVED).update(
        status=SubsidyGrant.Status.RELEASED)


def _totals(claim: Claim) -> None:
    total = claim.lines.filter(status=ClaimLine.Status.ELIGIBLE).aggregate(s=Sum("judged_amount"))["s"]
    claim.judged_total = (total or ZERO).quantize(CENT)
