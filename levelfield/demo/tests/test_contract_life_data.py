"""The demo's year of contract figures is plain data, apart from the player that puts it
through the actions; the figures agree with what the player's docstring promises."""

import ast
import itertools
from decimal import Decimal
from pathlib import Path

from levelfield.demo import contract_life, contract_life_data


def test_the_data_module_calls_no_actions():
    tree = ast.parse(Path(contract_life_data.__file__).read_text())
    imported = {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }
    # demo.spec is the records' type alone (a type alias), which calls nothing
    assert imported == {"decimal", "levelfield.contracts.models", "levelfield.demo.spec"}
    assert not [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef)]


def test_the_player_uses_the_data_modules_figures():
    assert contract_life.KPIS is contract_life_data.KPIS
    assert len(contract_life_data.INVOICES) == 13
    assert [days for _, days, _ in contract_life_data.INVOICES].count(None) == 1
    # Change 1 moves the £2.5m by 4%, change 2 by a further 12%: 16% in all, over s.75's 10%.
    values = [Decimal("2500000")] + [c[3] for c in contract_life_data.CHANGES]
    moved = [(b - a) * 100 / values[0] for a, b in itertools.pairwise(values)]
    assert moved == [Decimal("4"), Decimal("12")]
