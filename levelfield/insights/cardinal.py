"""The red flags we compute: the Open Contracting Partnership's Cardinal indicators, their codes,
titles and the thresholds we take, in one versioned place (flags.py reads nothing else).

Codes and titles are Cardinal's (https://cardinal.readthedocs.io, "Red flags"; R035 was called
NF035 in early Cardinal releases). Where Cardinal's default is an outlier fence worked out over
the whole data set (Q1 - 1.5 IQR or Q3 + 1.5 IQR: R024, R038, R058), we take a fixed threshold,
as Cardinal's `threshold` setting allows: a fence moves with every import, and quantiles are
approximate on Spark, so the same data would be flagged differently on DuckDB and Spark.

Change a threshold by adding a new version below (keep the old ones: a published flag says
which version fired it) and pointing CURRENT at it."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Indicator:
    code: str
    title: str
    rule: str  # the rule in words, as a page shows it
    settings: dict = field(default_factory=dict)
    basis: str = ""  # where each setting comes from


R003 = Indicator(
    "R003",
    "Short submission period",
    "The tender period of an open procedure (start to end of tender.tenderPeriod, in whole "
    "days) is shorter than the minimum.",
    {"minimum_days": 15, "procurement_methods": ("open",)},
    "Cardinal's default threshold (15 days) and scope (open procedures). For comparison, the "
    "Procurement Act 2023 s.54 sets 25 days for an open procedure with electronic tenders, "
    "10 days at the shortest (a qualifying planned procurement notice, or urgency).",
)
R018 = Indicator(
    "R018",
    "Single bid received",
    "Only one tenderer bid in a competitive procedure (open or selective).",
    {"procurement_methods": ("open", "selective")},
    "Cardinal's default competitive methods (open|selective). The number of tenderers is "
    "tender.numberOfTenderers, else the distinct tenderers of the published bids.",
)
R024 = Indicator(
    "R024",
    "Price close to winning bid",
    "The second-lowest valid bid is within the threshold of the winning bid, "
    "(second - winner) / winner, where the lowest valid bid won and there is one winner.",
    {"threshold": 0.02},
    "Cardinal's default is the lower fence Q1 - 1.5 IQR over all processes; we take a fixed "
    "2%, the fence in Cardinal's worked example.",
)
R028 = Indicator(
    "R028",
    "Identical bid prices",
    "Different tenderers submitted bids with the same price.",
    {},
    "Cardinal (not configurable). Bids withdrawn or only invited are left out; processes "
    "whose prices the buyer set cannot be told apart in the data.",
)
R030 = Indicator(
    "R030",
    "Late bid won",
    "A valid bid received after the submission deadline (tender.tenderPeriod.endDate) won.",
    {},
    "Cardinal (not configurable).",
)
R035 = Indicator(
    "R035",
    "All except winning bid disqualified",
    "Exactly one tenderer's bids were valid, it is the supplier of the awards, and at least "
    "the threshold number of other tenderers had their bids disqualified.",
    {"threshold": 1},
    "Cardinal's default threshold (1 other tenderer).",
)
R036 = Indicator(
    "R036",
    "Lowest bid disqualified",
    "The lowest submitted bid was disqualified and the process has an award.",
    {},
    "Cardinal (not configurable). Cardinal means it for price-only award criteria; the "
    "snapshot does not say the criteria, so read the flag with them.",
)
R038 = Indicator(
    "R038",
    "Excessive disqualified bids",
    "The buyer disqualified at least the threshold share of the bids it received across its "
    "procurements; each of its procurements with a disqualified bid is listed.",
    {"threshold": 0.5, "minimum_contracting_processes": 2},
    "Cardinal's default is the upper fence Q3 + 1.5 IQR over buyers; we take a fixed 50% "
    "(Cardinal's documented threshold setting) and its default minimum of 2 processes.",
)
R058 = Indicator(
    "R058",
    "Heavily discounted bid",
    "The winning bid is lower than the second-lowest valid bid by at least the threshold, "
    "(second - winner) / winner.",
    {"threshold": 0.5},
    "Cardinal's default is the upper fence Q3 + 1.5 IQR; we take a fixed 50% (Cardinal's "
    "documented threshold setting).",
)

#: Cardinal indicators the snapshot does not support: tenderer-level measures (R025 excessive
#: unsuccessful bids, R048 heterogeneous supplier) do not point at one procurement, and R044
#: (business similarities between suppliers) needs addresses and contact points.
NOT_COMPUTED = ("R025", "R044", "R048")

VERSIONS: dict[str, dict[str, Indicator]] = {
    "2026-12-1": {i.code: i for i in (R003, R018, R024, R028, R030, R035, R036, R038, R058)},
}
CURRENT = "2026-12-1"


def indicators(version: str = CURRENT) -> dict[str, Indicator]:
    return VERSIONS[version]
