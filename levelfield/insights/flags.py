"""Red flags on compiled releases, ours and imported: Cardinal's indicators (cardinal.py holds
their codes, titles, rules and thresholds), as Ibis expressions over the snapshot tables.

`red_flags(tables)` gives one row per flag fired: source, ocid, buyer_id, buyer_name,
procurement (its title), code, title, value (the indicator's value: days, a ratio, a count),
why (the reason in words with its numbers), link (our public tender page for our own
procurements, the notice's page for an imported one when the snapshot has it, else null: show
the ocid) and version (of the thresholds). Each `rNNN(tables, indicator)` gives source, ocid,
code, value and why for one indicator.

What the snapshot gives: the tender period, method, number of tenderers and awards come from
AWARDS (a procurement with no award has no tender period in the snapshot, so R003 sees only
awarded procurements); bids, their status, value, date and whether they won from BIDS."""

import ibis

from . import cardinal
from .wording import count, percent, percent_of, pounds

KEY = ("source", "ocid")
#: Bid statuses that are not a bid made (OCDS bidStatus).
NOT_SUBMITTED = ("invited", "withdrawn")
TENDER_URL = "/opportunities/{reference}/"


def _submitted(bids):
    return bids.filter(bids.status.isnull() | ~bids.status.isin(NOT_SUBMITTED))


def _won(t):
    return t.won.fill_null(False)


def processes(tables) -> ibis.Table:
    """One row per procurement (source, ocid) with what the awards and bids say of it."""
    awards, bids = tables["awards"], tables["bids"]
    notice = awards.notice_url if "notice_url" in awards.columns else ibis.null("string")
    from_awards = awards.group_by(KEY).aggregate(
        a_buyer_id=awards.buyer_id.max(),
        buyer_name=awards.buyer_name.max(),
        procurement=awards.title.max(),
        a_method=awards.procurement_method.max(),
        tender_start=awards.tender_start.min(),
        tender_end=awards.tender_end.max(),
        number_of_tenderers=awards.number_of_tenderers.max(),
        active_awards=awards.award_id.nunique(where=awards.award_status == "active"),
        award_suppliers=awards.supplier_id.nunique(where=awards.award_status == "active"),
        pending_awards=awards.award_id.nunique(where=awards.award_status == "pending"),
        notice_url=notice.max(),
    )
    submitted = _submitted(bids)
    from_bids = submitted.group_by(KEY).aggregate(
        b_buyer_id=submitted.buyer_id.max(),
        b_method=submitted.procurement_method.max(),
        bid_tenderers=submitted.tenderer_id.nunique(),
        bids=submitted.count(),
    )
    keys = awards.select(*KEY).union(bids.select(*KEY)).distinct().filter(ibis._.ocid.notnull())
    joined = keys.left_join(from_awards, list(KEY)).left_join(from_bids, list(KEY))
    return joined.select(
        *KEY,
        buyer_id=ibis.coalesce(joined.a_buyer_id, joined.b_buyer_id),
        buyer_name=joined.buyer_name,
        procurement=joined.procurement,
        procurement_method=ibis.coalesce(joined.a_method, joined.b_method),
        tender_start=joined.tender_start,
        tender_end=joined.tender_end,
        tenderers=ibis.coalesce(joined.number_of_tenderers, joined.bid_tenderers),
        active_awards=joined.active_awards.fill_null(0),
        award_suppliers=joined.award_suppliers.fill_null(0),
        pending_awards=joined.pending_awards.fill_null(0),
        bids=joined.bids.fill_null(0),
        notice_url=joined.notice_url,
    )


def _row(t, indicator, value, why):
    return t.select(
        *KEY,
        code=ibis.literal(indicator.code),
        value=value.cast("float64"),
        why=why.cast("string"),
    )


def r003(tables, indicator=cardinal.R003, procs=None):
    """Short submission period: an open procedure's tender period under the minimum days."""
    p = processes(tables) if procs is None else procs
    s = indicator.settings
    p = p.filter(
        p.procurement_method.isin(s["procurement_methods"]),
        p.tender_start.notnull(),
        p.tender_end.notnull(),
    )
    seconds = p.tender_end.epoch_seconds() - p.tender_start.epoch_seconds()
    p = p.mutate(days=(seconds / 86400).floor().cast("int64"))
    p = p.filter(p.days < s["minimum_days"])
    why = (
        count(p.days, "day")
        + " between the tender period's start and end in an "
        + p.procurement_method
        + f" procedure; the minimum is {s['minimum_days']} days"
    )
    return _row(p, indicator, p.days, why)


def r018(tables, indicator=cardinal.R018, procs=None):
    """Single bid received in a competitive procedure."""
    p = processes(tables) if procs is None else procs
    p = p.filter(
        p.procurement_method.isin(indicator.settings["procurement_methods"]), p.tenderers == 1
    )
    why = "1 tenderer bid in an " + p.procurement_method + " procedure"
    why = why.re_replace(r"^1 tenderer bid in an s", "1 tenderer bid in a s")
    return _row(p, indicator, ibis.literal(1), why)


def _per_tenderer(tables):
    bids = _submitted(tables["bids"])
    return bids.group_by(*KEY, "tenderer_id").aggregate(
        name=bids.tenderer_name.max(),
        valid=(bids.status == "valid").any(),
        disqualified=(bids.status == "disqualified").any(),
        won=_won(bids).any(),
    )


def r035(tables, indicator=cardinal.R035, procs=None):
    """All except the winning bid disqualified."""
    p = processes(tables) if procs is None else procs
    t = _per_tenderer(tables)
    per = t.group_by(KEY).aggregate(
        valid=t.valid.cast("int64").sum(),
        winners=t.won.cast("int64").sum(),
        valid_winners=(t.valid & t.won).cast("int64").sum(),
        others=(t.disqualified & ~t.valid).cast("int64").sum(),
        winner=t.name.max(where=t.valid & t.won),
    )
    per = per.join(p.select(*KEY, "pending_awards"), list(KEY))
    per = per.filter(
        per.valid == 1,
        per.valid_winners == 1,
        per.winners == 1,
        per.others >= indicator.settings["threshold"],
        per.pending_awards == 0,
    )
    why = (
        count(per.others, "other tenderer")
        + " had their bids disqualified; only the bid of "
        + per.winner.fill_null("the winner")
        + " was valid, and it won"
    )
    why = why.re_replace(r"^1 other tenderer had their bids", "1 other tenderer had its bid")
    return _row(per, indicator, per.others, why)


def r036(tables, indicator=cardinal.R036, procs=None):
    """The lowest submitted bid disqualified, in a process with an award."""
    p = processes(tables) if procs is None else procs
    bids = _submitted(tables["bids"])
    bids = bids.filter(bids.value.notnull())
    disq = bids.status == "disqualified"
    per = bids.group_by(KEY).aggregate(
        lowest_disq=bids.value.min(where=disq),
        lowest_other=bids.value.min(where=~disq | bids.status.isnull()),
        won=_won(bids).any(),
    )
    per = per.join(p.select(*KEY, "active_awards"), list(KEY))
    per = per.filter(
        per.won | (per.active_awards > 0),
        per.lowest_disq.notnull(),
        per.lowest_other.isnull() | (per.lowest_disq < per.lowest_other),
    )
    why = (
        "the lowest bid, "
        + pounds(per.lowest_disq)
        + ", was disqualified"
        + ibis.ifelse(
            per.lowest_other.isnull(),
            "",
            "; the lowest bid not disqualified was " + pounds(per.lowest_other),
        )
    )
    return _row(per, indicator, ibis.literal(1), why)


def _winner_and_second(tables, procs):
    """Per process where one bid won and it is the lowest valid bid: the winning bid's value
    and the second-lowest valid bid's value. Cardinal's exclusions for R024 and R058: a
    pending award, more than one active award, an award to more than one supplier."""
    bids = _submitted(tables["bids"])
    winners = bids.group_by(KEY).aggregate(winners=_won(bids).cast("int64").sum())
    valid = bids.filter(bids.status == "valid", bids.value.notnull())
    valid = valid.mutate(won_=_won(valid).cast("int64"))
    rank = ibis.row_number().over(
        group_by=[valid.source, valid.ocid], order_by=[valid.value, ibis.desc(valid.won_)]
    )
    valid = valid.mutate(rank=rank)
    per = valid.group_by(KEY).aggregate(
        winner=valid.value.max(where=(valid.rank == 0) & (valid.won_ == 1)),
        second=valid.value.max(where=valid.rank == 1),
    )
    per = per.join(winners, list(KEY)).join(
        procs.select(*KEY, "active_awards", "award_suppliers", "pending_awards"), list(KEY)
    )
    per = per.filter(
        per.winners == 1,
        per.active_awards <= 1,
        per.award_suppliers <= 1,
        per.pending_awards == 0,
        per.winner.notnull(),
        per.winner > 0,
        per.second.notnull(),
    )
    return per.mutate(gap=(per.second - per.winner) / per.winner)


def _second_why(per, threshold, word):
    return (
        "the second-lowest valid bid, "
        + pounds(per.second)
        + ", is "
        + percent(per.gap)
        + " above the winning bid of "
        + pounds(per.winner)
        + f"; flagged at {percent_of(threshold)} {word}"
    )


def r024(tables, indicator=cardinal.R024, procs=None):
    """Price close to the winning bid."""
    p = processes(tables) if procs is None else procs
    threshold = indicator.settings["threshold"]
    per = _winner_and_second(tables, p)
    per = per.filter(per.gap <= threshold)
    return _row(per, indicator, per.gap, _second_why(per, threshold, "or less"))


def r058(tables, indicator=cardinal.R058, procs=None):
    """Heavily discounted bid: the winning bid far below the second-lowest valid bid."""
    p = processes(tables) if procs is None else procs
    threshold = indicator.settings["threshold"]
    per = _winner_and_second(tables, p)
    per = per.filter(per.gap >= threshold)
    return _row(per, indicator, per.gap, _second_why(per, threshold, "or more"))


def r028(tables, indicator=cardinal.R028, procs=None):
    """Identical bid prices from different tenderers."""
    bids = _submitted(tables["bids"])
    bids = bids.filter(bids.value.notnull(), bids.tenderer_id.notnull())
    shared = bids.group_by(*KEY, "value").aggregate(tenderers=bids.tenderer_id.nunique())
    shared = shared.filter(shared.tenderers >= 2)
    w = ibis.window(group_by=[shared.source, shared.ocid], order_by=shared.value)
    shared = shared.mutate(
        rank=ibis.row_number().over(w),
        prices=shared.value.count().over(ibis.window(group_by=[shared.source, shared.ocid])),
    )
    first = shared.filter(shared.rank == 0)
    why = (
        first.tenderers.cast("string")
        + " tenderers bid the same price, "
        + pounds(first.value)
        + ibis.ifelse(
            first.prices > 1,
            "; " + count(first.prices - 1, "more price") + " shared by different tenderers",
            "",
        )
    )
    return _row(first, indicator, ibis.literal(1), why)


def r030(tables, indicator=cardinal.R030, procs=None):
    """A valid bid received after the submission deadline won."""
    p = processes(tables) if procs is None else procs
    bids = _submitted(tables["bids"])
    late = bids.filter(bids.status == "valid", _won(bids), bids.date.notnull())
    late = late.join(p.filter(p.tender_end.notnull()).select(*KEY, "tender_end"), list(KEY))
    late = late.mutate(late_by=late.date.epoch_seconds() - late.tender_end.epoch_seconds()).filter(
        ibis._.late_by > 0
    )
    per = late.group_by(KEY).aggregate(late_by=late.late_by.max(), winner=late.tenderer_name.max())
    minutes = (per.late_by / 60).ceil().cast("int64")
    hours = (per.late_by / 3600).floor().cast("int64")
    days = (per.late_by / 86400).floor().cast("int64")
    after = ibis.ifelse(
        per.late_by < 3600,
        count(minutes, "minute"),
        ibis.ifelse(per.late_by < 2 * 86400, count(hours, "hour"), count(days, "day")),
    )
    why = (
        "the winning bid of "
        + per.winner.fill_null("the winner")
        + " was received "
        + after
        + " after the submission deadline"
    )
    return _row(per, indicator, per.late_by / 86400, why)


def r038(tables, indicator=cardinal.R038, procs=None):
    """Excessive disqualified bids by a buyer; each of its procurements with a disqualified
    bid is listed (Cardinal's map of ocids to flagged buyers)."""
    s = indicator.settings
    bids = _submitted(tables["bids"]).filter(ibis._.buyer_id.notnull())
    disq = (bids.status == "disqualified").cast("int64")
    bids = bids.mutate(disq=disq)
    buyers = bids.group_by("source", "buyer_id").aggregate(
        b_submitted=bids.count(),
        b_disq=bids.disq.sum(),
        b_processes=bids.ocid.nunique(),
    )
    buyers = buyers.mutate(ratio=buyers.b_disq / buyers.b_submitted)
    buyers = buyers.filter(
        buyers.b_processes >= s["minimum_contracting_processes"],
        buyers.ratio >= s["threshold"],
    )
    per = bids.group_by(*KEY, "buyer_id").aggregate(submitted=bids.count(), disq=bids.disq.sum())
    per = per.filter(per.disq > 0).join(buyers, ["source", "buyer_id"])
    why = (
        "the buyer disqualified "
        + per.b_disq.cast("string")
        + " of "
        + count(per.b_submitted, "bid")
        + " ("
        + percent(per.ratio)
        + ") across "
        + count(per.b_processes, "procurement")
        + f"; the threshold is {percent_of(s['threshold'])}; here "
        + per.disq.cast("string")
        + " of "
        + count(per.submitted, "bid")
        + ibis.ifelse(per.disq == 1, " was", " were")
        + " disqualified"
    )
    return _row(per, indicator, per.ratio, why)


FUNCTIONS = {
    "R003": r003,
    "R018": r018,
    "R024": r024,
    "R028": r028,
    "R030": r030,
    "R035": r035,
    "R036": r036,
    "R038": r038,
    "R058": r058,
}


def red_flags(
    tables,
    *,
    ocid_prefix: str = "ocds-lvlfld",
    tender_url: str = TENDER_URL,
    version: str = cardinal.CURRENT,
    codes=None,
) -> ibis.Table:
    """Every flag fired (or those of `codes`), with the procurement's buyer and link, ordered
    by source, ocid and code. `tender_url` is our public tender page with "{reference}" where
    the tender's reference goes (the ocid after "<ocid_prefix>-")."""
    indicators = cardinal.indicators(version)
    procs = processes(tables)
    parts = [
        FUNCTIONS[code](tables, indicator, procs)
        for code, indicator in indicators.items()
        if codes is None or code in codes
    ]
    if not parts:
        raise ValueError("no indicators chosen")
    fired = parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0]
    titles = ibis.memtable(
        {"code": list(indicators), "title": [i.title for i in indicators.values()]}
    )
    fired = fired.join(titles, "code").left_join(procs, list(KEY))
    before, after = tender_url.split("{reference}")
    start = len(ocid_prefix) + 1
    ours = (fired.source == "platform") & fired.ocid.startswith(ocid_prefix + "-")
    link = ibis.ifelse(ours, before + fired.ocid.substr(start) + after, fired.notice_url)
    return fired.select(
        "source",
        "ocid",
        fired.buyer_id,
        fired.buyer_name,
        fired.procurement,
        "code",
        "title",
        "value",
        "why",
        link=link,
        version=ibis.literal(version),
    ).order_by(["source", "ocid", "code"])


def flag_counts(tables, by=("source", "code"), **kwargs) -> ibis.Table:
    """How many procurements each flag fired on, by `by` (e.g. buyer_id, code)."""
    fired = red_flags(tables, **kwargs)
    return fired.group_by(list(by)).aggregate(procurements=fired.ocid.nunique()).order_by(list(by))


def tender_url() -> str:
    """Our public tender page, with "{reference}" where the reference goes."""
    from django.urls import reverse

    return reverse("public:opportunity", kwargs={"reference": "REFERENCE"}).replace(
        "REFERENCE", "{reference}"
    )


def execute(expr, con=None) -> list[dict]:
    """Run an expression (on `con`, else on its tables' backend); rows as dicts."""
    return (con.to_pyarrow(expr) if con is not None else expr.to_pyarrow()).to_pylist()


def flag_rows(con=None, tables=None, **kwargs) -> list[dict]:
    """The red flags on the snapshot (engine.py), linked to our tender pages."""
    from django.conf import settings

    from . import engine

    con = con if con is not None else engine.connect()
    tables = tables if tables is not None else engine.tables(con)
    kwargs.setdefault("ocid_prefix", settings.LEVELFIELD_OCID_PREFIX)
    kwargs.setdefault("tender_url", tender_url())
    return execute(red_flags(tables, **kwargs), con)
