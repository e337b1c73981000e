"""Social value model files: read and check one, and store it.

A model file is JSON (see data/ppn-002.json): the model's code, version, validity and the policy
version whose weight rule goes with it, then themes -> outcomes -> criteria -> sub-criteria and
metrics, each with a code, its text and optionally its own `valid_from` / `valid_to`.

`store` takes the model classes as arguments so that the data migration that loads the shipped
files can give it the historical models; everything else calls `actions.load_model`.
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

FORMAT = "levelfield-social-value-model/1"
DATA_DIR = Path(__file__).with_name("data")
SHIPPED_FILES = ("ppn-06-20.json", "ppn-002.json")
GOAL_PREFIXES = ("economic", "environmental", "social")


class ModelFileError(ValueError):
    """A model file that cannot be loaded; `problems` names each thing wrong with it."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class Element:
    code: str
    text: str
    valid_from: date | None = None
    valid_to: date | None = None
    unit: str = ""
    goal: str = ""
    children: dict[str, list["Element"]] = field(default_factory=dict)


@dataclass
class ModelSpec:
    code: str
    version: str
    title: str
    summary: str
    policy_code: str
    valid_from: date
    valid_to: date | None
    mandatory_from: date | None
    source: str
    notes: str
    themes: list[Element]
    sha256: str


def _date(value, where: str, problems: list[str], *, required: bool = False) -> date | None:
    if value in (None, ""):
        if required:
            problems.append(f"{where}: a date is needed, like 2025-02-24")
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        problems.append(f"{where}: {value!r} is not a date like 2025-02-24")
        return None


def _text(data: dict, key: str, where: str, problems: list[str], *, required=True) -> str:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.append(f"{where}: {key} is missing")
        return ""
    if not isinstance(value, str):
        problems.append(f"{where}: {key} must be text")
        return ""
    return value.strip()


# The levels below a theme: (key in the file, what one is called, the key of its children).
LEVELS = {
    "themes": ("theme", ("outcomes",)),
    "outcomes": ("policy outcome", ("criteria",)),
    "criteria": ("award criterion", ("sub_criteria", "metrics")),
    "sub_criteria": ("sub-criterion", ()),
    "metrics": ("reporting metric", ()),
}


def _elements(items, key: str, where: str, problems: list[str], codes: set) -> list[Element]:
    label, child_keys = LEVELS[key]
    if not isinstance(items, list) or not items:
        problems.append(f"{where}: needs at least one {label} in {key!r}")
        return []
    elements = []
    for index, item in enumerate(items):
        here = f"{where}{key}[{index}]"
        if not isinstance(item, dict):
            problems.append(f"{here}: must be an object")
            continue
        code = _text(item, "code", here, problems)
        if code:
            here = f"{label} {code}"
            if code in codes:
                problems.append(f"{here}: the code is used twice in the model")
            codes.add(code)
        element = Element(
            code=code,
            text=_text(item, "text", here, problems),
            valid_from=_date(item.get("valid_from"), f"{here} valid_from", problems),
            valid_to=_date(item.get("valid_to"), f"{here} valid_to", problems),
        )
        if element.valid_from and element.valid_to and element.valid_to < element.valid_from:
            problems.append(f"{here}: valid_to is before valid_from")
        if key == "metrics":
            element.unit = _text(item, "unit", here, problems)
        if key == "outcomes":
            goal = _text(item, "sustainability_goal", here, problems, required=False)
            if goal and goal.split(".")[0] not in GOAL_PREFIXES:
                problems.append(
                    f"{here}: sustainability_goal must start with one of "
                    f"{', '.join(GOAL_PREFIXES)} (the OCDS sustainabilityGoal codelist)"
                )
            element.goal = goal
        for child_key in child_keys:
            if child_key == "sub_criteria" and not item.get(child_key):
                element.children[child_key] = []
                continue
            element.children[child_key] = _elements(
                item.get(child_key), child_key, f"{here}: ", problems, codes
            )
        elements.append(element)
    return elements


def parse(raw: bytes | str) -> ModelSpec:
    """Check a model file and return what it holds; ModelFileError lists every problem."""
    if isinstance(raw, str):
        raw = raw.encode()
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ModelFileError([f"The file is not valid JSON: {exc}"]) from exc
    if not isinstance(data, dict):
        raise ModelFileError(["The file must hold one JSON object"])
    problems: list[str] = []
    if data.get("format") != FORMAT:
        problems.append(f'format must be "{FORMAT}"')
    code = _text(data, "code", "model", problems)
    version = _text(data, "version", "model", problems)
    title = _text(data, "title", "model", problems)
    policy_code = _text(data, "policy_code", "model", problems)
    valid_from = _date(data.get("valid_from"), "model valid_from", problems, required=True)
    valid_to = _date(data.get("valid_to"), "model valid_to", problems)
    mandatory_from = _date(data.get("mandatory_from"), "model mandatory_from", problems)
    if valid_from and valid_to and valid_to < valid_from:
        problems.append("model: valid_to is before valid_from")
    if len(code) > 40 or len(version) > 20 or len(title) > 200 or len(policy_code) > 20:
        problems.append("model: code, version, title or policy_code is too long")
    if policy_code:
        from levelfield.core.policy import policy_by_code

        try:
            policy_by_code(policy_code)
        except LookupError:
            problems.append(f"model: policy_code {policy_code!r} is not a policy levelfield knows")
    themes = _elements(data.get("themes"), "themes", "", problems, set())
    if problems:
        raise ModelFileError(problems)
    assert valid_from is not None  # required: its absence is a problem, refused above
    return ModelSpec(
        code=code,
        version=version,
        title=title,
        summary=_text(data, "summary", "model", [], required=False),
        policy_code=policy_code,
        valid_from=valid_from,
        valid_to=valid_to,
        mandatory_from=mandatory_from,
        source=_text(data, "source", "model", [], required=False),
        notes=_text(data, "notes", "model", [], required=False),
        themes=themes,
        sha256=hashlib.sha256(raw).hexdigest(),
    )


def shipped_specs() -> list[ModelSpec]:
    return [parse((DATA_DIR / name).read_bytes()) for name in SHIPPED_FILES]


def store(spec: ModelSpec, *, classes: dict, loaded_at, loaded_by=None):
    """Write a checked model and everything in it. `classes` maps the names SocialValueModel,
    Theme, PolicyOutcome, AwardCriterion, SubCriterion and ReportingMetric to model classes."""
    model = classes["SocialValueModel"].objects.create(
        code=spec.code,
        version=spec.version,
        title=spec.title,
        summary=spec.summary,
        policy_code=spec.policy_code,
        valid_from=spec.valid_from,
        valid_to=spec.valid_to,
        mandatory_from=spec.mandatory_from,
        source=spec.source,
        notes=spec.notes,
        loaded_at=loaded_at,
        loaded_by=loaded_by,
        sha256=spec.sha256,
    )

    def common(element: Element, position: int) -> dict:
        return {
            "code": element.code,
            "text": element.text,
            "valid_from": element.valid_from,
            "valid_to": element.valid_to,
            "position": position,
        }

    for t, theme in enumerate(spec.themes):
        theme_row = classes["Theme"].objects.create(model=model, **common(theme, t))
        for o, outcome in enumerate(theme.children["outcomes"]):
            outcome_row = classes["PolicyOutcome"].objects.create(
                theme=theme_row, sustainability_goal=outcome.goal, **common(outcome, o)
            )
            for c, criterion in enumerate(outcome.children["criteria"]):
                criterion_row = classes["AwardCriterion"].objects.create(
                    outcome=outcome_row, **common(criterion, c)
                )
                for s, sub in enumerate(criterion.children["sub_criteria"]):
                    classes["SubCriterion"].objects.create(
                        criterion=criterion_row, **common(sub, s)
                    )
                for m, metric in enumerate(criterion.children["metrics"]):
                    classes["ReportingMetric"].objects.create(
                        criterion=criterion_row, unit=metric.unit, **common(metric, m)
                    )
    return model


MODEL_CLASS_NAMES = (
    "SocialValueModel",
    "Theme",
    "PolicyOutcome",
    "AwardCriterion",
    "SubCriterion",
    "ReportingMetric",
)
