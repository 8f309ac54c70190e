"""Money and counts of a release.

Reads: prose sentences (masked of quoted titles), organisation spans.  Sets: ``NewsDocument.money`` (amount,
ISO currency, purpose, text as printed) and ``NewsDocument.counts`` (value, what, approximate, direct); numbers
inside sums of money, dates or organisation names are not counts.
"""

from __future__ import annotations

from kb.ingest.news import dates, quantities
from kb.ingest.news import patterns as pat
from kb.ingest.news.document import Context
from kb.model import CountRecord, MoneyRecord, NewsDocument


def money(ctx: Context, doc: NewsDocument) -> None:
    for s in ctx.prose():
        for hit in quantities.find_money(s.masked):
            start, end = s.span
            doc.money.append(MoneyRecord(hit.amount, hit.currency, quantities.money_purpose(s.masked, hit), hit.text,
                                         s.text, start, end))


def counts(ctx: Context, doc: NewsDocument) -> None:
    for s in ctx.prose():
        taken = [(h.start, h.end) for h in quantities.find_money(s.masked)] + \
                [(h.start, h.end) for h in dates.find_dates(s.masked)]
        for hit in quantities.find_counts(s.masked):
            if any(a < hit.end and hit.start < b for a, b in taken) or s.inside(hit.start):
                continue
            direct = pat.directness(s.masked, hit.start, hit.end) if hit.person else None
            start, end = s.span
            doc.counts.append(CountRecord(hit.value, hit.what, hit.approximate, direct, s.text, start, end))
