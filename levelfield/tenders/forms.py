"""Forms for the buyer's tender pages. They turn what a person typed into the values the
actions take (UK times into aware UTC datetimes, CPV text into a list, scale text into levels);
the rules themselves live in the actions."""

import re
from datetime import UTC, date, datetime, time
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from levelfield.core.clock import UK
from levelfield.core.display import uk_local
from levelfield.core.money import money_problem, to_money
from levelfield.core.numbers import is_digits, read_number
from levelfield.suppliers.models import Region

from .criteria import MAX_SCALE_SCORE, SCORE_TOO_BIG, check_scale, check_word_limit
from .dates import TENDER_DATES, out_of_range
from .models import (
    CPV_CODE,
    PriceFormula,
    Question,
    RequiredCertificate,
    ReservedParticipation,
    TenderDocument,
    TieBreak,
)

# -- small fields -------------------------------------------------------------------------------


class DateInputWidget(forms.MultiWidget):
    """The GOV.UK date input: day, month and year boxes. Rendered by
    tenders/buyer/_date_input.html, which knows the GOV.UK markup."""

    def __init__(self, attrs=None):
        numeric = {"inputmode": "numeric"}
        super().__init__(
            {
                "day": forms.TextInput(attrs=numeric),
                "month": forms.TextInput(attrs=numeric),
                "year": forms.TextInput(attrs=numeric),
            },
            attrs,
        )

    def decompress(self, value):
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovukDateField(forms.MultiValueField):
    """A date typed into day, month and year boxes, with GOV.UK error messages."""

    widget = DateInputWidget

    def __init__(self, **kwargs):
        parts = (
            forms.CharField(required=False),
            forms.CharField(required=False),
            forms.CharField(required=False),
        )
        kwargs.setdefault("help_text", "For example, 27 3 2026")
        super().__init__(parts, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        if not data_list or not any(str(part or "").strip() for part in data_list):
            return None
        day, month, year = (str(part or "").strip() for part in data_list)
        name = (self.label or "The date")[0].upper() + (self.label or "The date")[1:]
        for value, unit in ((day, "day"), (month, "month"), (year, "year")):
            if not value:
                raise ValidationError(f"{name} must include a {unit}", code="incomplete")
        # ASCII digits of a size a date can have: "²" (which int() refuses), "٣" (which it
        # reads as 3) and a day of forty digits (which date() cannot hold) are no date.
        day_number, month_number = read_number(day, most=31), read_number(month, most=12)
        if day_number is None or month_number is None or len(year) != 4 or not is_digits(year):
            raise ValidationError(f"{name} must be a real date", code="invalid")
        try:
            return date(int(year), month_number, day_number)
        except ValueError as exc:
            raise ValidationError(f"{name} must be a real date", code="invalid") from exc


_TIME = re.compile(r"^([0-9]{1,2})(?:[:.]([0-9]{2}))?\s*(am|pm)?$")


def parse_uk_time(text: str) -> time:
    """'17:00', '5pm', '9:30am', 'midday' or 'midnight' as a time of day."""
    value = text.strip().lower().replace(" ", "")
    if value in {"midday", "noon", "12noon"}:
        return time(12, 0)
    if value == "midnight":
        return time(0, 0)
    match = _TIME.match(value)
    if not match:
        raise ValueError(text)
    hour, minute, half = int(match[1]), int(match[2] or 0), match[3]
    if half:
        if not 1 <= hour <= 12:
            raise ValueError(text)
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif match[2] is None:
        # A bare number like "17" is too easy to misread; ask for 17:00 or 5pm.
        raise ValueError(text)
    return time(hour, minute)


def format_uk_time(moment: datetime) -> tuple[date, str]:
    """An aware datetime as the UK date and the 24-hour time a person would type back."""
    local = uk_local(moment)[0]
    return local.date(), local.strftime("%H:%M")


def uk_to_utc(day: date, clock_time: time) -> datetime:
    """A UK wall-clock date and time as an aware UTC datetime.

    Raises ValueError for a time that does not exist in the UK (the hour the clocks go
    forward in March)."""
    local = datetime.combine(day, clock_time, tzinfo=UK)
    moment = local.astimezone(UTC)
    if moment.astimezone(UK).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise ValueError("nonexistent")
    return moment


def plain_number(value: Decimal | None) -> str:
    """40.00 -> '40', 12.50 -> '12.5'; what a person would type."""
    if value is None:
        return ""
    value = Decimal(value)
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return str(value.normalize())


class _PlainNumberInput:
    """A number field that shows a stored Decimal as a person would type it: 40, not 40.00."""

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return plain_number(value)
        return value


class MoneyField(_PlainNumberInput, forms.CharField):
    """Pounds, with or without £ and commas, rounded to the penny.

    Unlike core.forms.PoundsField (search filters and bid prices), a third decimal place is
    rounded rather than refused: this is for estimated values."""

    def __init__(self, *, noun: str, **kwargs):
        """`noun` names the amount in the money rule's words ("the {noun} must be less than")."""
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)
        self.noun = noun

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            amount = to_money(value)
        except ValueError as exc:
            raise ValidationError(
                f"{self.label} must be an amount of money, like 250000 or £250,000.50",
                code="invalid",
            ) from exc
        if amount < 0:
            raise ValidationError(f"{self.label} cannot be negative", code="negative")
        # The one rule for an amount (core.money): it must fit the columns.
        if problem := money_problem(amount, self.noun, zero_allowed=True):
            raise ValidationError(problem, code="invalid")
        return amount


class PercentField(_PlainNumberInput, forms.DecimalField):
    """A weight or threshold between 0 and 100, typed as a plain number."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 100)
        kwargs.setdefault("max_digits", 5)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)
        label = self.label or "The value"
        # A validator's message is %-formatted with its params, so the "%" of a label like
        # "Weight (%)" is written "%%" in those; "invalid" and "required" have no params.
        escaped = label.replace("%", "%%")
        self.error_messages.update(
            {
                "invalid": f"{label} must be a number, like 40 or 12.5",
                "required": f"Enter the {label[0].lower() + label[1:]}",
                "max_decimal_places": f"{escaped} can have at most 2 decimal places",
                "max_digits": f"{escaped} must be 100 or less",
                "max_whole_digits": f"{escaped} must be 100 or less",
                "min_value": f"{escaped} must be 0 or more",
                "max_value": f"{escaped} must be 100 or less",
            }
        )

    def to_python(self, value):
        """The number, refusing NaN and Infinity here, with "invalid" and no params (Django's
        own check of them, in validate(), %-formats "invalid" with the value)."""
        number = super().to_python(value)
        if number is not None and not number.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


# -- the tender ---------------------------------------------------------------------------------

# Each deadline is typed as a date (<name>_date) and a UK time (<name>_time); together they make
# the tender's <name>_deadline.
DEADLINES = ("clarification", "submission")


class TenderForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={"required": "Enter a title"},
    )
    description = forms.CharField(
        label="Description",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="What you are buying, where and for whom. Suppliers see this first.",
        error_messages={"required": "Enter a description"},
    )
    cpv_codes = forms.CharField(
        label="CPV codes",
        required=False,
        help_text="Common Procurement Vocabulary codes, separated by commas or spaces. "
        "Each has 8 digits and may end with a check digit, like 85300000 or 85300000-2.",
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    estimated_value = MoneyField(
        label="Estimated value (£)",
        noun="estimated value",
        required=False,
        help_text="The total value of the contract, excluding VAT",
    )
    region = forms.ChoiceField(
        label="Region (optional)",
        required=False,
        choices=[("", "Not one region"), *Region.choices],
    )
    suitable_for_sme = forms.BooleanField(label="Suitable for SMEs", required=False)
    suitable_for_vcse = forms.BooleanField(
        label="Suitable for VCSEs (voluntary, community and social enterprises)", required=False
    )
    clarification_date = GovukDateField(label="Clarification deadline date", required=False)
    clarification_time = forms.CharField(
        label="Clarification deadline time (UK time)",
        required=False,
        help_text="For example, 5pm or 17:00",
    )
    submission_date = GovukDateField(label="Submission deadline date", required=False)
    submission_time = forms.CharField(
        label="Submission deadline time (UK time)",
        required=False,
        help_text="For example, 12pm or 12:00",
    )
    expected_award_date = GovukDateField(label="Expected award date", required=False)
    contract_start = GovukDateField(label="Contract start date", required=False)
    contract_end = GovukDateField(label="Contract end date", required=False)
    # What bidders must hold, and who may bid. Checked for barriers to small organisations.
    reserved_participation = forms.ChoiceField(
        label="Is the contract reserved for a kind of organisation?",
        required=False,
        choices=ReservedParticipation.choices,
        widget=forms.RadioSelect,
        help_text="Below the thresholds a contract may be reserved for SMEs and VCSEs; some "
        "health, social and education services for public service mutuals (Procurement Act "
        "2023 s.33).",
    )
    minimum_turnover = MoneyField(
        label="Minimum annual turnover (£) (optional)",
        noun="minimum annual turnover",
        required=False,
        help_text="Leave empty if you do not ask for one. More than twice the contract value "
        "keeps small firms out.",
    )
    insurance_before_award = forms.TypedChoiceField(
        label="Must bidders hold the insurance before the contract is awarded?",
        required=False,
        choices=[
            ("no", "No: the winner must hold it from the contract start"),
            ("yes", "Yes: every bidder must hold it before award"),
        ],
        coerce=lambda value: value == "yes",
        # Django returns any empty_value as it is; django-stubs allow only str or None
        empty_value=False,  # type: ignore[arg-type]
        widget=forms.RadioSelect,
    )
    insurance_cover = forms.CharField(
        label="Insurance cover required (optional)",
        required=False,
        max_length=300,
        help_text="For example, £5m public liability and £5m employer's liability",
    )
    certificates_required = forms.MultipleChoiceField(
        label="Certificates bidders must hold",
        required=False,
        choices=RequiredCertificate.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply. Leave all unselected if you ask for none.",
    )
    lots_not_divided_reason = forms.CharField(
        label="If the contract is not divided into lots, why not? (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The Procurement Act 2023 (s.18) asks you to consider lots and to give your "
        "reasons if you do not use them. Published with the tender.",
    )

    @classmethod
    def initial_for(cls, tender) -> dict:
        """The form's starting values from a tender, with deadlines back in UK time."""
        initial = {
            "title": tender.title,
            "description": tender.description,
            "cpv_codes": ", ".join(c.code for c in tender.cpv_codes.all()),
            "estimated_value": tender.estimated_value,
            "region": tender.region,
            "suitable_for_sme": tender.suitable_for_sme,
            "suitable_for_vcse": tender.suitable_for_vcse,
            "expected_award_date": tender.expected_award_date,
            "contract_start": tender.contract_start,
            "contract_end": tender.contract_end,
            "reserved_participation": tender.reserved_participation,
            "minimum_turnover": tender.minimum_turnover,
            "insurance_before_award": "yes" if tender.insurance_before_award else "no",
            "insurance_cover": tender.insurance_cover,
            "certificates_required": list(tender.certificates_required or []),
            "lots_not_divided_reason": tender.lots_not_divided_reason,
        }
        for name in DEADLINES:
            moment = getattr(tender, f"{name}_deadline")
            if moment:
                initial[f"{name}_date"], initial[f"{name}_time"] = format_uk_time(moment)
        return initial

    def clean_cpv_codes(self) -> list[str]:
        codes = []
        for code in re.split(r"[\s,;]+", self.cleaned_data["cpv_codes"].strip()):
            if not code:
                continue
            try:
                CPV_CODE(code)
            except ValidationError as exc:
                raise ValidationError(
                    f"{code} is not a CPV code. Enter 8 digits, like 85300000 or 85300000-2",
                    code="cpv",
                ) from exc
            if code not in codes:
                codes.append(code)
        return codes

    def clean(self):
        cleaned = super().clean()
        for name in DEADLINES:
            if f"{name}_date" not in self.errors:
                cleaned[f"{name}_deadline"] = self._deadline(name)
        # The range every tender date keeps (dates.py), shown beside the date typed.
        for name, label in TENDER_DATES:
            field = name.replace("_deadline", "_date")
            problem = out_of_range(cleaned.get(name), label)
            if problem and field not in self.errors:
                self.add_error(field, problem)
        return cleaned

    def _deadline(self, name: str) -> datetime | None:
        """The deadline typed as a date and a UK time, as an aware UTC datetime. None when both
        are empty, or when one is missing or wrong: that gets an error beside it."""
        day_field, time_field, label = f"{name}_date", f"{name}_time", f"{name} deadline"
        day = self.cleaned_data.get(day_field)
        typed = (self.cleaned_data.get(time_field) or "").strip()
        if day is None and not typed:
            return None
        if day is None:
            self.add_error(day_field, f"Enter the date of the {label}")
            return None
        if not typed:
            self.add_error(time_field, f"Enter the time of the {label}, like 5pm or 17:00")
            return None
        try:
            clock_time = parse_uk_time(typed)
        except ValueError:
            self.add_error(
                time_field,
                f"The time of the {label} must be a real time, like 9:30am, 5pm or 17:00",
            )
            return None
        try:
            return uk_to_utc(day, clock_time)
        except ValueError:
            self.add_error(
                time_field,
                f"{typed} does not exist on {day.day} {day:%B %Y} because the clocks go "
                "forward; choose another time",
            )
            return None

    def action_fields(self) -> dict:
        """Keyword arguments for create_tender / update_tender."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "description": data["description"],
            "cpv_codes": data["cpv_codes"],
            "estimated_value": data["estimated_value"],
            "region": data["region"],
            "suitable_for_sme": data["suitable_for_sme"],
            "suitable_for_vcse": data["suitable_for_vcse"],
            "clarification_deadline": data["clarification_deadline"],
            "submission_deadline": data["submission_deadline"],
            "expected_award_date": data["expected_award_date"],
            "contract_start": data["contract_start"],
            "contract_end": data["contract_end"],
            "reserved_participation": data["reserved_participation"],
            "minimum_turnover": data["minimum_turnover"],
            "insurance_before_award": bool(data["insurance_before_award"]),
            "insurance_cover": data["insurance_cover"],
            "certificates_required": list(data["certificates_required"]),
            "lots_not_divided_reason": data["lots_not_divided_reason"],
        }


# -- lots and award criteria --------------------------------------------------------------------


class LotForm(forms.Form):
    title = forms.CharField(
        label="Lot title", max_length=200, error_messages={"required": "Enter a lot title"}
    )
    description = forms.CharField(
        label="Description (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    estimated_value = MoneyField(
        label="Estimated value of this lot (£)", noun="estimated value of the lot", required=False
    )
    price_weight = PercentField(
        label="Price weight (%)",
        help_text="The share of the total score given to price. Price, quality and social value "
        "weights must total 100.",
    )
    price_formula = forms.ChoiceField(
        label="How price is scored",
        choices=PriceFormula.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how price is scored"},
    )
    quality_threshold = PercentField(
        label="Quality threshold (%) (optional)",
        required=False,
        help_text="A bid scoring below this percentage of the quality points available is "
        "disqualified before price is considered. Leave empty for no threshold.",
    )
    tie_break = forms.ChoiceField(
        label="If two bids score the same",
        choices=TieBreak.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how a tie is broken"},
    )

    @classmethod
    def initial_for(cls, lot) -> dict:
        return {
            "title": lot.title,
            "description": lot.description,
            "estimated_value": lot.estimated_value,
            "price_weight": lot.price_weight,
            "price_formula": lot.price_formula,
            "quality_threshold": lot.quality_threshold,
            "tie_break": lot.tie_break,
        }

    def details(self) -> dict:
        """What add_lot takes."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "description": data["description"],
            "estimated_value": data["estimated_value"],
        }

    def criteria(self) -> dict:
        """The award criteria settings update_lot takes."""
        data = self.cleaned_data
        return {
            "price_weight": data["price_weight"],
            "price_formula": data["price_formula"],
            "quality_threshold": data["quality_threshold"],
            "tie_break": data["tie_break"],
        }


def scale_to_text(scale) -> str:
    """[{"score": 0, "descriptor": "..."}] or ScaleLevel objects as 'score: descriptor' lines."""
    lines = []
    for level in scale:
        if isinstance(level, dict):
            lines.append(f"{level['score']}: {level['descriptor']}")
        else:
            lines.append(f"{level.score}: {level.descriptor}")
    return "\n".join(lines)


def parse_scale(text: str) -> list[dict]:
    """'score: descriptor' lines into [{"score": int, "descriptor": str}], in the order given."""
    levels = []
    errors = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        score, sep, descriptor = line.partition(":")
        score = score.strip()
        # ASCII digits: str.isdigit took "²" and 5,000 digits, which int() refused (a server
        # error), and read "٥٠" as 50
        if not sep or not is_digits(score):
            errors.append(
                f"Line {number} of the scoring scale must start with a whole-number score, then "
                "a colon, then what the score means, like '50: Satisfactory'"
            )
            continue
        if not descriptor.strip():
            errors.append(f"Line {number} of the scoring scale needs a descriptor after the colon")
            continue
        value = read_number(score, most=MAX_SCALE_SCORE)
        if value is None:
            errors.append(SCORE_TOO_BIG)
            continue
        levels.append({"score": value, "descriptor": descriptor.strip()})
    if errors:
        raise ValidationError(errors)
    return levels


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(
        label="Type of question",
        choices=Question.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose quality or social value"},
    )
    text = forms.CharField(
        label="Question",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the question"},
    )
    guidance = forms.CharField(
        label="Guidance for bidders (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What a good answer covers, word limits, evidence to include",
    )
    weight = PercentField(
        label="Weight (%)",
        help_text="This question's share of the total score",
    )
    word_limit = forms.IntegerField(
        label="Word limit (optional)",
        required=False,
        help_text="The most words an answer may have, like 500. Bidders see a word count as "
        "they type; an answer over the limit cannot be submitted. Leave empty for no limit.",
        error_messages={"invalid": "Enter the word limit as a whole number, like 500"},
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    scale = forms.CharField(
        label="Scoring scale",
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text="One level per line: the score, a colon, then what the score means. "
        "For example, 50: Satisfactory.",
        error_messages={"required": "Enter the scoring scale, one level per line"},
    )

    def clean_weight(self):
        weight = self.cleaned_data["weight"]
        if weight is not None and weight <= 0:
            raise ValidationError("Weight (%) must be more than 0", code="min_value")
        return weight

    def clean_word_limit(self):
        limit = self.cleaned_data["word_limit"]
        if problems := check_word_limit(limit):
            raise ValidationError(problems)
        return limit

    def clean_scale(self) -> list[dict]:
        levels = parse_scale(self.cleaned_data["scale"])
        problems = check_scale(levels)
        if problems:
            raise ValidationError(problems)
        return levels

    @classmethod
    def initial_for(cls, question) -> dict:
        return {
            "kind": question.kind,
            "text": question.text,
            "guidance": question.guidance,
            "weight": question.weight,
            "word_limit": question.word_limit,
            "scale": scale_to_text(question.scale),
        }


# -- documents and cancelling -----------------------------------------------------------------


class DocumentForm(forms.Form):
    title = forms.CharField(
        label="Document title",
        max_length=200,
        error_messages={"required": "Enter the document's title"},
    )
    doc_type = forms.ChoiceField(
        label="Type of document",
        choices=TenderDocument.DocType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the type of document"},
    )
    file = forms.FileField(
        label="Upload a file",
        help_text="PDF, DOCX, XLSX, ODT, ODS, CSV or TXT",
        error_messages={
            "required": "Choose a file to upload",
            "empty": "The selected file is empty",
            "invalid": "Choose a file to upload",
        },
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Why are you cancelling this tender?",
        help_text="The reason is recorded in the audit trail and published with the "
        "procurement termination notice.",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Give the reason for cancelling"},
    )


class BarrierReasonForm(forms.Form):
    """Why the buyer goes ahead despite one barrier check. The page shows one per finding, each
    with the finding's code as its prefix."""

    reason = forms.CharField(
        label="Why are you going ahead?",
        help_text="Recorded in the tender's history with your name.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give your reason for going ahead"},
    )

    def __init__(self, *args, finding_title: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if finding_title:
            # Each finding's form has its own label, so no two boxes on the page share one.
            self.fields["reason"].label = f"Why are you going ahead? ({finding_title})"
