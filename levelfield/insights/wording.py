"""Numbers in words inside Ibis expressions, the same on DuckDB and Spark: whole pounds with
thousands separators, percentages, "1 day" / "2 days". (Casting a double to text differs
between engines past 10 million, so amounts are rounded to whole numbers first.)"""

import ibis


def whole(x) -> ibis.Expr:
    """A number rounded to a whole one, as text with thousands separators ("1,234,567")."""
    n = x.round().cast("int64")
    a = n.abs()
    millions = (a // 1_000_000).cast("string")
    thousands = ((a // 1000) % 1000).cast("string")
    units = (a % 1000).cast("string")
    text = ibis.ifelse(
        a >= 1_000_000,
        millions + "," + thousands.lpad(3, "0") + "," + units.lpad(3, "0"),
        ibis.ifelse(a >= 1000, thousands + "," + units.lpad(3, "0"), units),
    )
    return ibis.ifelse(n < 0, "-" + text, text)


def pounds(x) -> ibis.Expr:
    """£1,234 (negative amounts as -£1,234)."""
    text = whole(x.abs())
    return ibis.ifelse(x.round() < 0, "-£" + text, "£" + text)


def percent(ratio) -> ibis.Expr:
    """0.125 as "12.5%", 0.5 as "50%" (one decimal place, a trailing .0 dropped)."""
    text = (ratio * 100).round(1).cast("string").re_replace(r"\.0$", "")
    return text + "%"


def percent_of(ratio: float) -> str:
    """The same wording for a Python number (thresholds)."""
    text = f"{round(ratio * 100, 1)}"
    return (text[:-2] if text.endswith(".0") else text) + "%"


def count(n, singular: str, plural: str | None = None) -> ibis.Expr:
    """ "1 day", "2 days"."""
    plural = plural or singular + "s"
    return n.cast("int64").cast("string") + ibis.ifelse(
        n.cast("int64") == 1, " " + singular, " " + plural
    )
