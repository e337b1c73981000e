"""Write UK-shaped OCDS releases (Find a Tender style) as gzipped JSON Lines, for the benchmark.

    .venv/bin/python bench/generate.py                                   # 200k OCIDs, 1M releases
    .venv/bin/python bench/generate.py --ocids 20000 --releases 100000 --out small.jsonl.gz
    .venv/bin/python bench/generate.py --ocids 20000 --per-process 3.3   # 66,000 releases

Deterministic: the same --seed, --ocids and --releases give the same file, byte for byte. Each
contracting process has a tender release, then (depending on how many releases it was given)
tender updates and amendments, an award per lot, a contract per award and contract amendments.
Releases are full notices as Find a Tender publishes them (parties with scale and VCSE details,
lots with suitability, items with CPV codes, values, bid statistics, UK notice types), written in
date order across all processes, as the Find a Tender API serves them.
"""

import argparse
import gzip
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

import orjson

PREFIX = "ocds-h6vhtk-"
START = datetime(2021, 1, 1, tzinfo=UTC)
SPAN_DAYS = 4 * 365
MAX_RELEASES = 12

CPV = [
    ("45000000", "Construction work", "works"),
    ("45233000", "Construction, foundation and surface works for highways, roads", "works"),
    ("45453000", "Overhaul and refurbishment work", "works"),
    ("50700000", "Repair and maintenance services of building installations", "services"),
    ("72000000", "IT services: consulting, software development, Internet and support", "services"),
    ("72212000", "Programming services of application software", "services"),
    ("48000000", "Software package and information systems", "goods"),
    ("30200000", "Computer equipment and supplies", "goods"),
    ("33100000", "Medical equipments", "goods"),
    ("33600000", "Pharmaceutical products", "goods"),
    ("85000000", "Health and social work services", "services"),
    ("85311000", "Social work services with accommodation", "services"),
    ("80000000", "Education and training services", "services"),
    ("90910000", "Cleaning services", "services"),
    ("90500000", "Refuse and waste related services", "services"),
    ("79400000", "Business and management consultancy and related services", "services"),
    ("79620000", "Supply services of personnel including temporary staff", "services"),
    ("60100000", "Road transport services", "services"),
    ("55500000", "Canteen and catering services", "services"),
    ("09310000", "Electricity", "goods"),
    ("34144900", "Electric vehicles", "goods"),
    ("71000000", "Architectural, construction, engineering and inspection services", "services"),
    ("77310000", "Planting and maintenance services of green areas", "services"),
    ("98341000", "Accommodation services", "services"),
]
REGIONS = ["UKC", "UKD", "UKE", "UKF", "UKG", "UKH", "UKI", "UKJ", "UKK", "UKL", "UKM", "UKN"]
PLACES = [
    ("Leeds", "LS1 1UR", "UKE"),
    ("Manchester", "M60 2LA", "UKD"),
    ("Birmingham", "B1 1BB", "UKG"),
    ("Bristol", "BS1 5TR", "UKK"),
    ("Cardiff", "CF10 4UW", "UKL"),
    ("Glasgow", "G2 1DU", "UKM"),
    ("Belfast", "BT1 5GS", "UKN"),
    ("Newcastle upon Tyne", "NE1 8QH", "UKC"),
    ("Norwich", "NR2 1NH", "UKH"),
    ("London", "SW1A 2HQ", "UKI"),
    ("Nottingham", "NG1 5DT", "UKF"),
    ("Reading", "RG1 2LU", "UKJ"),
]
BUYER_KINDS = [
    "{} City Council",
    "{} County Council",
    "{} NHS Foundation Trust",
    "{} Integrated Care Board",
    "{} Police",
    "{} Fire and Rescue Service",
    "{} Housing Association",
    "University of {}",
]
WORDS = [
    "Northfield",
    "Ashby",
    "Brackley",
    "Carden",
    "Dunmore",
    "Elsworth",
    "Fernhill",
    "Greystone",
    "Halbury",
    "Ivybridge",
    "Kelso",
    "Langley",
    "Marston",
    "Newbold",
    "Oakham",
    "Penrith",
    "Quarry",
    "Redhill",
    "Stanford",
    "Thornbury",
    "Upton",
    "Verwood",
    "Westbury",
    "Yarm",
]
SUPPLIER_KINDS = ["Ltd", "Limited", "LLP", "plc", "Community Interest Company", "Trust", "Group"]
TRADES = [
    "Construction",
    "Digital",
    "Care",
    "Facilities",
    "Consulting",
    "Cleaning",
    "Transport",
    "Health",
    "Training",
    "Energy",
    "Catering",
    "Engineering",
    "Recruitment",
    "Software",
]
SCALES = ["micro", "small", "medium", "large"]
NOTICE_TYPE = {
    "tender": "UK4",
    "tenderUpdate": "UK4",
    "tenderAmendment": "UK4",
    "award": "UK6",
    "contract": "UK7",
    "contractAmendment": "UK10",
}
NOTICE_DOCUMENT = {
    "tender": "tenderNotice",
    "tenderUpdate": "tenderNotice",
    "tenderAmendment": "tenderNotice",
    "award": "awardNotice",
    "contract": "contractNotice",
    "contractAmendment": "contractNotice",
}
METHODS = [
    ("open", "Open procedure"),
    ("selective", "Competitive flexible procedure"),
    ("limited", "Direct award"),
]


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@cache
def buyer_party(n: int) -> dict:
    rng = random.Random(n)
    first, second = rng.sample(WORDS, 2)
    name = rng.choice(BUYER_KINDS).format(f"{first} and {second}")
    town, postcode, region = rng.choice(PLACES)
    identifier = f"PBUY-{n:05d}"
    return {
        "id": f"GB-PPON-{identifier}",
        "name": name,
        "identifier": {"scheme": "GB-PPON", "id": identifier},
        "address": {"locality": town, "postalCode": postcode, "region": region, "country": "GB"},
        "roles": ["buyer"],
    }


@cache
def supplier_party(n: int) -> dict:
    rng = random.Random(-n - 1)
    name = f"{rng.choice(WORDS)} {rng.choice(TRADES)} {rng.choice(SUPPLIER_KINDS)}"
    scale = rng.choices(SCALES, weights=[25, 35, 20, 20])[0]
    town, postcode, region = rng.choice(PLACES)
    number = f"{10000000 + n:08d}"
    return {
        "id": f"GB-COH-{number}",
        "name": name,
        "identifier": {"scheme": "GB-COH", "id": number},
        "address": {"locality": town, "postalCode": postcode, "region": region, "country": "GB"},
        "roles": ["supplier"],
        "details": {"scale": scale, "vcse": "Community" in name or rng.random() < 0.05},
    }


class Process:
    """One contracting process, rebuilt from its number whenever one of its releases is due."""

    def __init__(self, seed: int, number: int, count: int):
        rng = random.Random(seed * 1_000_003 + number)
        self.rng = rng
        self.number = number
        self.ocid = f"{PREFIX}{number:06x}"
        self.buyer = buyer_party(rng.randrange(2500))
        self.method = rng.choices(METHODS, weights=[60, 25, 15])[0]
        cpv = rng.choice(CPV)
        self.cpv = cpv
        lots = 1 if rng.random() < 0.85 else rng.randint(2, 3)
        total = round(rng.lognormvariate(11.5, 1.6), 2)
        self.lots = []
        for lot_no in range(1, lots + 1):
            item_cpv = rng.choice([c for c in CPV if c[2] == cpv[2]])
            self.lots.append(
                {
                    "id": str(lot_no),
                    "title": f"Lot {lot_no}: {item_cpv[1]}",
                    "value": {"amount": round(total / lots, 2), "currency": "GBP"},
                    "status": "active",
                    "suitability": {"sme": rng.random() < 0.6, "vcse": rng.random() < 0.2},
                    "cpv": item_cpv,
                    "region": rng.choice(REGIONS),
                    "quantity": rng.randint(1, 50),
                }
            )
        self.total = total
        self.published = START + timedelta(seconds=rng.randrange(SPAN_DAYS * 86400))
        self.deadline = self.published + timedelta(days=rng.randint(25, 60))
        self.kinds = self._kinds(count)
        self.dates = []
        moment = self.published
        for kind in self.kinds:
            if self.dates:
                gap = 90 if kind == "contractAmendment" else 20
                moment += timedelta(days=rng.randint(1, gap), seconds=rng.randrange(86400))
            self.dates.append(moment)
        self.bidders = {
            lot["id"]: [rng.randrange(60000) for _ in range(rng.randint(1, 6))] for lot in self.lots
        }
        self.award_values = {
            lot["id"]: round(lot["value"]["amount"] * rng.uniform(0.75, 1.1), 2)
            for lot in self.lots
        }

    def _kinds(self, count: int) -> list[str]:
        kinds = ["tender"]
        if count == 1:
            return kinds
        if count == 2:
            return kinds + [self.rng.choice(["award", "tenderUpdate"])]
        extra = count - 3
        before = self.rng.randint(0, min(extra, 3))
        after = extra - before
        for _ in range(before):
            kinds.append(self.rng.choice(["tenderUpdate", "tenderAmendment"]))
        return kinds + ["award", "contract"] + ["contractAmendment"] * after

    def release(self, index: int) -> dict:
        """Release `index`: what its notice says, as Find a Tender publishes it (the tender notice
        in full; updates, awards, contracts and changes as the parts they change)."""
        kind = self.kinds[index]
        date = self.dates[index]
        stage = self.kinds[: index + 1]
        notice = {
            "id": f"{self.number}-{index + 1}",
            "documentType": NOTICE_DOCUMENT[kind],
            "noticeType": NOTICE_TYPE[kind],
            "datePublished": iso(date),
        }
        release = {
            "ocid": self.ocid,
            "id": f"{self.number * 16 + index:08d}-{date.year}",
            "date": iso(date),
            "tag": [kind],
            "initiationType": "tender",
            "parties": [self.buyer],
            "buyer": {"id": self.buyer["id"], "name": self.buyer["name"]},
        }
        tender: dict = {"id": self.ocid[len(PREFIX) :]}
        release["tender"] = tender
        if kind == "tender":
            tender.update(self.tender_notice())
        elif kind == "tenderUpdate":
            extended = self.deadline + timedelta(days=7 * stage.count("tenderUpdate"))
            tender["tenderPeriod"] = {"endDate": iso(extended)}
            tender["description"] = "The deadline has been extended."
        elif kind == "tenderAmendment":
            number = stage.count("tenderAmendment")
            tender["amendments"] = [
                {
                    "id": str(number),
                    "date": iso(date),
                    "rationale": "Clarification of the specification",
                }
            ]
        elif kind == "award":
            tender["status"] = "complete"
            tender["lots"] = [{"id": lot["id"], "status": "complete"} for lot in self.lots]
            release["awards"] = []
            release["bids"] = {"statistics": []}
            for lot in self.lots:
                bidders = self.bidders[lot["id"]]
                winner = supplier_party(bidders[0])
                release["parties"].append(winner)
                release["bids"]["statistics"] += [
                    {
                        "id": f"{lot['id']}-bids",
                        "measure": "bids",
                        "value": len(bidders),
                        "relatedLot": lot["id"],
                    },
                    {
                        "id": f"{lot['id']}-smeBids",
                        "measure": "smeBids",
                        "value": sum(1 for b in bidders if b % 3),
                        "relatedLot": lot["id"],
                    },
                ]
                release["awards"].append(
                    {
                        "id": f"{self.number}-award-{lot['id']}",
                        "status": "pending",
                        "date": iso(date),
                        "value": {"amount": self.award_values[lot["id"]], "currency": "GBP"},
                        "suppliers": [{"id": winner["id"], "name": winner["name"]}],
                        "relatedLots": [lot["id"]],
                    }
                )
        elif kind == "contract":
            release["awards"] = [
                {"id": f"{self.number}-award-{lot['id']}", "status": "active"} for lot in self.lots
            ]
            release["contracts"] = [
                {
                    "id": f"{self.number}-contract-{lot['id']}",
                    "awardID": f"{self.number}-award-{lot['id']}",
                    "status": "active",
                    "value": {"amount": self.award_values[lot["id"]], "currency": "GBP"},
                    "dateSigned": iso(date),
                    "period": {
                        "startDate": iso(date + timedelta(days=14)),
                        "endDate": iso(date + timedelta(days=14 + 730)),
                    },
                }
                for lot in self.lots
            ]
        else:  # contractAmendment: the first lot's contract grows by 5% a time
            number = stage.count("contractAmendment")
            lot = self.lots[0]
            amount = round(self.award_values[lot["id"]] * (1 + 0.05 * number), 2)
            release["contracts"] = [
                {
                    "id": f"{self.number}-contract-{lot['id']}",
                    "value": {"amount": amount, "currency": "GBP"},
                    "amendments": [
                        {
                            "id": str(number),
                            "date": iso(date),
                            "rationale": "Increase in volumes",
                            "description": f"Modification {number}: value increased by 5%.",
                        }
                    ],
                }
            ]
        tender["documents"] = [notice]
        return release

    def tender_notice(self) -> dict:
        return {
            "title": self.cpv[1],
            "status": "active",
            "classification": {"scheme": "CPV", "id": self.cpv[0], "description": self.cpv[1]},
            "mainProcurementCategory": self.cpv[2],
            "value": {"amount": self.total, "currency": "GBP"},
            "procurementMethod": self.method[0],
            "procurementMethodDetails": self.method[1],
            "submissionMethod": ["electronicSubmission"],
            "tenderPeriod": {"startDate": iso(self.published), "endDate": iso(self.deadline)},
            "lots": [
                {k: v for k, v in lot.items() if k not in {"cpv", "region", "quantity"}}
                for lot in self.lots
            ],
            "items": [
                {
                    "id": f"{lot['id']}-1",
                    "relatedLot": lot["id"],
                    "quantity": lot["quantity"],
                    "classification": {"scheme": "CPV", "id": lot["cpv"][0]},
                    "deliveryAddresses": [{"region": lot["region"], "country": "GB"}],
                }
                for lot in self.lots
            ],
            "awardCriteria": {
                "criteria": [
                    {"type": "price", "name": "Price", "numbers": [{"number": 40}]},
                    {"type": "quality", "name": "Quality", "numbers": [{"number": 60}]},
                ]
            },
        }


def release_counts(seed: int, ocids: int, releases: int) -> list[int]:
    """How many releases each process gets: one each, the rest spread at random (capped)."""
    if releases < ocids:
        raise SystemExit("--releases must be at least --ocids (every process has a tender)")
    if releases > ocids * MAX_RELEASES:
        raise SystemExit(f"--releases must be at most {MAX_RELEASES} x --ocids")
    rng = random.Random(seed)
    counts = [1] * ocids
    left = releases - ocids
    while left:
        n = rng.randrange(ocids)
        if counts[n] < MAX_RELEASES:
            counts[n] += 1
            left -= 1
    return counts


def generate(out: Path, *, seed: int, ocids: int, releases: int, level: int = 6) -> None:
    started = time.monotonic()
    counts = release_counts(seed, ocids, releases)
    schedule = []
    for number, count in enumerate(counts):
        process = Process(seed, number, count)
        for index, moment in enumerate(process.dates):
            schedule.append((moment, number, index))
    schedule.sort()
    out.parent.mkdir(parents=True, exist_ok=True)
    cache: dict[int, Process] = {}
    remaining = counts[:]
    with gzip.open(out, "wb", compresslevel=level) as stream:
        for done, (_, number, index) in enumerate(schedule, 1):
            process = cache.get(number)
            if process is None:
                process = cache[number] = Process(seed, number, counts[number])
            stream.write(orjson.dumps(process.release(index)) + b"\n")
            remaining[number] -= 1
            if not remaining[number]:
                del cache[number]
            if done % 100_000 == 0:
                print(f"{done:,} releases written", file=sys.stderr)
    seconds = time.monotonic() - started
    print(
        f"wrote {releases:,} releases of {ocids:,} processes to {out} "
        f"({out.stat().st_size / 1e6:.1f} MB gzipped) in {seconds:.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ocids", type=int, default=200_000)
    parser.add_argument("--releases", type=int, default=1_000_000)
    parser.add_argument(
        "--per-process",
        type=float,
        default=None,
        help="releases per process on average, instead of --releases (e.g. 3.3, as the data the"
        " import was first measured on: fewer releases a process than the default 5)",
    )
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--level", type=int, default=6, help="gzip compression level")
    parser.add_argument("--out", type=Path, default=None, help="default: var/bench/<size>.jsonl.gz")
    args = parser.parse_args()
    if args.per_process is not None:
        args.releases = round(args.ocids * args.per_process)
    out = args.out or Path("var/bench") / f"releases-{args.ocids}-{args.releases}.jsonl.gz"
    generate(out, seed=args.seed, ocids=args.ocids, releases=args.releases, level=args.level)


if __name__ == "__main__":
    main()
