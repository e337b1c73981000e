"""The import's fast compile (`importing/fastmerge.py`) gives exactly ocdsmerge's compiled release.

An analyst comparing our compiled releases with `ocdskit compile` must find them the same, so the
fast merge is checked against ocdsmerge (with our merge rules) on the inputs where a nested merge
could go wrong: arrays merged by identifier (string and integer ids, objects without ids),
whole-list fields (parties' roles, buyers' additional identifiers, delivery addresses, related
lots), nulls that remove a field, empty objects and arrays, releases sharing a date (kept in the
order given), and releases with no date, a null date or a date of the wrong type.

Every test runs twice: on the module as installed (compiled by Cython where setup.py could build
it) and on its Python source, which is what runs where it could not."""

import copy
import importlib.util
import warnings
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from levelfield.opendata.importing import fastmerge
from levelfield.opendata.merge import compile_releases as ocdsmerge_compile

ROOT = Path(__file__).resolve().parents[3]
SOURCE = ROOT / "levelfield" / "opendata" / "importing" / "fastmerge.py"
COMPILED = not fastmerge.__file__.endswith(".py")


def interpreted_source():
    """fastmerge.py itself, interpreted, as a module of its own (beside the installed one)."""
    spec = importlib.util.spec_from_file_location(
        "levelfield.opendata.importing.fastmerge_source", SOURCE
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(autouse=True, params=["installed", "source"])
def implementation(request, monkeypatch):
    """The module the tests below call `fastmerge`: as installed, or its interpreted source."""
    if request.param == "installed":
        if not COMPILED:
            pytest.skip("fastmerge is not compiled here (no C compiler when it was installed)")
        module = fastmerge
    else:
        module = interpreted_source()
    monkeypatch.setitem(globals(), "fastmerge", module)
    return module


def ocdsmerge_or_error(releases: list[dict]):
    """(compiled release, None) or (None, the exception ocdsmerge raises)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ocdsmerge_compile(copy.deepcopy(releases)), None
        except Exception as exc:  # noqa: BLE001 - the fast compile must fail the same way
            return None, exc


def assert_same_as_ocdsmerge(releases: list[dict]) -> None:
    snapshot = copy.deepcopy(releases)
    expected, error = ocdsmerge_or_error(releases)
    texts = [orjson.dumps(release) for release in releases]
    if error is not None:
        with pytest.raises(type(error)):
            fastmerge.compile_releases(releases)
        with pytest.raises(type(error)):
            fastmerge.compile_json(texts)
        return
    got = fastmerge.compile_releases(releases)
    assert releases == snapshot  # the input is left alone
    assert orjson.dumps(got) == orjson.dumps(expected)  # same values, same key order
    assert fastmerge.compile_json(texts) == (orjson.dumps(expected), expected)


@pytest.fixture
def no_fallback(implementation, monkeypatch):
    """The fast path must do these merges itself, not hand them to ocdsmerge."""

    def refuse(releases):
        raise AssertionError("fell back to ocdsmerge")

    monkeypatch.setattr(implementation, "_ocdsmerge", refuse)


# -- chosen cases, merged by the fast path itself ----------------------------------------------


def base(date: str, **fields) -> dict:
    return {"ocid": "ocds-x-1", "id": f"r-{date}", "date": date, "tag": ["tender"], **fields}


def compile_both(releases: list[dict]) -> dict:
    expected, error = ocdsmerge_or_error(releases)
    assert error is None
    got = fastmerge.compile_releases(copy.deepcopy(releases))
    assert orjson.dumps(got) == orjson.dumps(expected)
    texts = [orjson.dumps(release) for release in releases]
    assert fastmerge.compile_json(texts)[0] == orjson.dumps(expected)
    return got


def test_arrays_of_objects_merge_by_identifier(no_fallback):
    compiled = compile_both(
        [
            base(
                "2024-01-01T00:00:00Z",
                awards=[{"id": "1", "status": "pending", "value": {"amount": 10}}, {"id": 2}],
            ),
            base(
                "2024-02-01T00:00:00Z",
                awards=[{"id": 2, "status": "active"}, {"id": "1", "status": "active"}],
            ),
        ]
    )
    assert compiled["awards"] == [
        {"id": "1", "status": "active", "value": {"amount": 10}},
        {"id": 2, "status": "active"},
    ]


def test_whole_list_fields_are_replaced_not_merged(no_fallback):
    compiled = compile_both(
        [
            base(
                "2024-01-01T00:00:00Z",
                parties=[{"id": "GB-1", "roles": ["buyer", "payer"]}],
                buyer={"id": "GB-1", "additionalIdentifiers": [{"scheme": "A", "id": "1"}]},
                awards=[{"id": "a", "relatedLots": ["1", "2"]}],
                tender={"items": [{"id": "i", "deliveryAddresses": [{"region": "UKC"}]}]},
            ),
            base(
                "2024-02-01T00:00:00Z",
                parties=[{"id": "GB-1", "roles": ["buyer"]}],
                buyer={"id": "GB-1", "additionalIdentifiers": [{"scheme": "B", "id": "2"}]},
                awards=[{"id": "a", "relatedLots": ["3"]}],
                tender={"items": [{"id": "i", "deliveryAddresses": [{"country": "GB"}]}]},
            ),
        ]
    )
    assert compiled["parties"] == [{"id": "GB-1", "roles": ["buyer"]}]
    assert compiled["buyer"]["additionalIdentifiers"] == [{"scheme": "B", "id": "2"}]
    assert compiled["awards"] == [{"id": "a", "relatedLots": ["3"]}]
    assert compiled["tender"]["items"][0]["deliveryAddresses"] == [{"country": "GB"}]


def test_a_null_removes_a_field_and_a_later_value_puts_it_back(no_fallback):
    compiled = compile_both(
        [
            base("2024-01-01T00:00:00Z", tender={"title": "A", "description": "B", "value": 1}),
            base("2024-02-01T00:00:00Z", tender={"title": None, "value": None}),
            base("2024-03-01T00:00:00Z", tender={"value": 3}),
        ]
    )
    assert compiled["tender"] == {"description": "B", "value": 3}


def test_releases_of_the_same_date_merge_in_the_order_given(no_fallback):
    compiled = compile_both(
        [
            base("2024-02-01T00:00:00Z", tender={"title": "later"}),
            base("2024-01-01T00:00:00Z", tender={"title": "first"}),
            base("2024-02-01T00:00:00Z", tender={"title": "last of the same date"}),
        ]
    )
    assert compiled["tender"]["title"] == "last of the same date"
    assert compiled["id"] == "ocds-x-1-2024-02-01T00:00:00Z"


@pytest.mark.parametrize(
    "dates",
    [
        ["2024-01-01T00:00:00Z", "missing"],
        ["2024-01-01T00:00:00Z", None],
        ["2024-01-01T00:00:00Z", 20240101],
        ["missing"],
        [None],
    ],
)
def test_releases_without_a_proper_date_fail_or_merge_as_ocdsmerge_does(dates):
    releases = []
    for number, date in enumerate(dates):
        release = base("2024-01-01T00:00:00Z", tender={"title": str(number)})
        if date == "missing":
            del release["date"]
        else:
            release["date"] = date
        releases.append(release)
    assert_same_as_ocdsmerge(releases)


# -- generated releases -------------------------------------------------------------------------

text = st.sampled_from(["a", "b", "", "1"])
amounts = st.one_of(st.none(), st.integers(0, 3), st.sampled_from([0.5, 1.0, 2.25]))
identifiers = st.sampled_from(["1", "2", "x"]) | st.integers(1, 2)


def optional(**fields) -> st.SearchStrategy:
    """An object with any of these fields (each may also be null)."""
    return st.fixed_dictionaries({}, optional={k: st.none() | v for k, v in fields.items()})


values = optional(amount=amounts, currency=st.just("GBP"))
ids_list = st.lists(optional(scheme=text, id=text), max_size=2)


def with_id(**fields) -> st.SearchStrategy:
    """An object of an array merged by identifier; now and then one without an id."""
    return st.one_of(
        st.builds(lambda i, rest: {"id": i, **rest}, identifiers, optional(**fields)),
        optional(**fields),
    )


items = st.lists(
    with_id(
        description=text,
        quantity=amounts,
        deliveryAddresses=st.lists(optional(region=text, country=text), max_size=2),
        additionalClassifications=ids_list,
    ),
    max_size=3,
)
release_bodies = optional(
    title=text,
    parties=st.lists(
        with_id(
            name=text,
            roles=st.lists(st.sampled_from(["buyer", "supplier", "payer"]), max_size=2),
            additionalIdentifiers=ids_list,
            details=optional(scale=text, vcse=st.booleans()),
        ),
        max_size=3,
    ),
    buyer=optional(id=text, name=text, additionalIdentifiers=ids_list),
    tender=optional(
        title=text,
        status=text,
        value=values,
        items=items,
        submissionMethod=st.lists(text, max_size=2),
        lots=st.lists(with_id(title=text, value=values), max_size=2),
    ),
    awards=st.lists(
        with_id(
            status=text,
            value=values,
            relatedLots=st.lists(text, max_size=2),
            suppliers=st.lists(with_id(name=text, additionalIdentifiers=ids_list), max_size=2),
            items=items,
        ),
        max_size=3,
    ),
    contracts=st.lists(
        with_id(
            awardID=identifiers,
            value=values,
            amendments=st.lists(with_id(rationale=text, date=text), max_size=2),
        ),
        max_size=2,
    ),
)
# mostly proper dates, several the same; now and then none, a null or a number
proper_dates = st.sampled_from(["2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z"])
odd_dates = st.sampled_from(["missing", None, 7])


@st.composite
def processes(draw) -> list[dict]:
    releases = []
    for number in range(draw(st.integers(1, 5))):
        release = {"ocid": "ocds-x-1", "id": f"r{number}", "tag": ["update"]}
        date = draw(odd_dates) if draw(st.integers(0, 19)) == 19 else draw(proper_dates)
        if date != "missing":
            release["date"] = date
        release.update(draw(release_bodies))
        releases.append(release)
    return releases


@settings(max_examples=600, deadline=None)
@given(processes())
def test_the_fast_compile_equals_ocdsmerge_on_generated_processes(releases):
    assert_same_as_ocdsmerge(releases)


# -- any JSON shapes, and the benchmark's releases ----------------------------------------------

keys = st.sampled_from(
    ["awards", "items", "id", "tender", "value", "amount", "parties", "roles", "buyer", "x"]
    + ["additionalIdentifiers", "title", "lots", "suppliers", "relatedLots"]
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-2, 2),
    st.sampled_from([0.0, -0.0, 1.0, 2.5]),
    st.sampled_from(["a", "b", "1"]),
)
ids = st.one_of(st.sampled_from(["1", "2", "a"]), st.integers(1, 2), st.none(), st.just(1.0))


def objects(children):
    return st.dictionaries(keys, children, max_size=4)


def items_with_ids(children):
    return st.one_of(
        st.fixed_dictionaries({"id": ids}, optional={"title": scalars, "value": children}),
        objects(children),
    )


values = st.recursive(
    scalars,
    lambda children: st.one_of(
        objects(children), st.lists(children, max_size=3), st.lists(items_with_ids(children))
    ),
    max_leaves=12,
)
merge_releases = st.lists(
    st.builds(
        lambda body, date: {**body, "ocid": "o", "id": "r", "date": date, "tag": ["tender"]},
        objects(values),
        st.sampled_from(["2020-01-01T00:00:00Z", "2020-01-02T00:00:00Z"]),
    ),
    min_size=1,
    max_size=4,
)


@settings(max_examples=400, deadline=None)
@given(merge_releases)
def test_the_fast_compile_equals_ocdsmerge_byte_for_byte(releases):
    snapshot = copy.deepcopy(releases)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            expected = ocdsmerge_compile(copy.deepcopy(releases))
        except Exception as exc:  # noqa: BLE001 - the fast compile must fail the same way
            with pytest.raises(type(exc)):
                fastmerge.compile_releases(releases)
            return
        got = fastmerge.compile_releases(releases)
    assert releases == snapshot  # the input is left alone
    assert orjson.dumps(got) == orjson.dumps(expected)
    texts = [orjson.dumps(r) for r in releases]
    assert fastmerge.compile_json(texts)[0] == orjson.dumps(expected)


def test_the_fast_compile_equals_ocdsmerge_on_benchmark_data():
    """Releases from bench/generate.py: tenders, updates, amendments, awards, contracts."""
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    if spec is None or not (ROOT / "bench" / "generate.py").exists():
        pytest.skip("needs bench/generate.py")
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    counts = generate.release_counts(7, 150, 900)
    for number, count in enumerate(counts):
        process = generate.Process(7, number, count)
        texts = [orjson.dumps(process.release(i)) for i in range(count)]
        expected = ocdsmerge_compile([orjson.loads(text) for text in texts])
        assert fastmerge.compile_json(texts) == (orjson.dumps(expected), expected)
