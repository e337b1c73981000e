"""Access: the SME and VCSE share of bids and of wins, per tender and per category, and how
their win rate compares with their bid rate ("SMEs made 40% of bids and won 25% of awards").

Read from BIDS; for a procurement whose bids are not published, its wins come from AWARDS (the
suppliers of its active awards) and its bids are unknown (counted nowhere). So:
- `bids`, `sme_bids`, `vcse_bids` count bids made (not withdrawn, not only invited) on the
  procurements whose bids are published (`tenders_with_bids` of `tenders`);
- `wins`, `sme_wins`, `vcse_wins` count winning bids there and active awards' suppliers
  elsewhere (one a supplier, a consortium's members each);
- shares divide by all bids or all wins: a tenderer whose size is not published (null) counts
  as neither SME nor large, and `sme_unknown_bids` says how many;
- `bid_wins`/`sme_bid_wins` count winning bids only, so `win_rate` (bid_wins / bids) and
  `sme_win_rate` (sme_bid_wins / sme_bids) compare like with like;
- `sme_win_to_bid` is sme_win_share / sme_bid_share: below 1, SMEs win less than they bid.
Shares and rates are per cent (as measures.py), null where there is nothing to divide by."""

import ibis

from .flags import NOT_SUBMITTED

TENDER_KEYS = ("source", "ocid", "buyer_id", "main_category", "cpv_division")
CATEGORY_KEYS = ("main_category", "cpv_division")


def participation(tables) -> ibis.Table:
    """One row per bid made, and per active award's supplier of a procurement without
    published bids: source, ocid, buyer_id, main_category, cpv_division, party_id, sme, vcse,
    is_bid, won."""
    bids, awards = tables["bids"], tables["awards"]
    made = bids.filter(bids.status.isnull() | ~bids.status.isin(NOT_SUBMITTED))
    from_bids = made.select(
        *TENDER_KEYS,
        party_id=made.tenderer_id,
        sme=made.sme,
        vcse=made.vcse,
        is_bid=ibis.literal(True),
        won=made.won.fill_null(False),
    )
    with_bids = made.select("source", "ocid").distinct()
    active = awards.filter(awards.award_status == "active")
    active = active.anti_join(with_bids, ["source", "ocid"])
    from_awards = active.select(
        *TENDER_KEYS,
        party_id=active.supplier_id,
        sme=active.sme,
        vcse=active.vcse,
        is_bid=ibis.literal(False),
        won=ibis.literal(True),
    )
    return from_bids.union(from_awards)


def _share(part, whole):
    """Per cent, as measures.py gives shares; null where there is nothing to divide by."""
    return part.cast("float64") * 100.0 / whole.nullif(0).cast("float64")


def access_by(tables, by=CATEGORY_KEYS) -> ibis.Table:
    """The counts and shares described above, grouped by the columns `by` (any of
    source, ocid, buyer_id, main_category, cpv_division; empty for the whole)."""
    p = participation(tables)
    sme = p.sme.fill_null(False)
    vcse = p.vcse.fill_null(False)

    def n(condition):
        return condition.cast("int64").sum()

    metrics = dict(
        tenders=p.ocid.nunique(),
        tenders_with_bids=p.ocid.nunique(where=p.is_bid),
        bids=n(p.is_bid),
        sme_bids=n(p.is_bid & sme),
        vcse_bids=n(p.is_bid & vcse),
        sme_unknown_bids=n(p.is_bid & p.sme.isnull()),
        wins=n(p.won),
        sme_wins=n(p.won & sme),
        vcse_wins=n(p.won & vcse),
        bid_wins=n(p.is_bid & p.won),
        sme_bid_wins=n(p.is_bid & p.won & sme),
        vcse_bid_wins=n(p.is_bid & p.won & vcse),
    )
    grouped = p.group_by(list(by)).aggregate(**metrics) if by else p.aggregate(**metrics)
    g = grouped
    g = g.mutate(
        sme_bid_share=_share(g.sme_bids, g.bids),
        sme_win_share=_share(g.sme_wins, g.wins),
        vcse_bid_share=_share(g.vcse_bids, g.bids),
        vcse_win_share=_share(g.vcse_wins, g.wins),
        win_rate=_share(g.bid_wins, g.bids),
        sme_win_rate=_share(g.sme_bid_wins, g.sme_bids),
        vcse_win_rate=_share(g.vcse_bid_wins, g.vcse_bids),
    )
    g = g.mutate(
        sme_win_to_bid=g.sme_win_share / g.sme_bid_share.nullif(0),
        vcse_win_to_bid=g.vcse_win_share / g.vcse_bid_share.nullif(0),
    )
    return g.order_by(list(by)) if by else g


def access_by_tender(tables) -> ibis.Table:
    """Per procurement (source, ocid, buyer_id, main_category, cpv_division)."""
    return access_by(tables, TENDER_KEYS)


def access_by_category(tables, by=CATEGORY_KEYS) -> ibis.Table:
    """Per category: main_category and CPV division by default."""
    return access_by(tables, by)


def access_overall(tables) -> ibis.Table:
    """One row for everything in the tables."""
    return access_by(tables, ())


def access_rows(by=CATEGORY_KEYS, con=None, tables=None) -> list[dict]:
    """access_by on the snapshot (engine.py), as dicts."""
    from . import engine
    from .flags import execute

    con = con if con is not None else engine.connect()
    tables = tables if tables is not None else engine.tables(con)
    return execute(access_by(tables, by), con)
