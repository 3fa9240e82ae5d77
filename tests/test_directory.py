"""The official municipality directory: the shipped file, the import and the search."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from advisory.directory import SHIPPED_FILE, read_compact, read_destatis
from advisory.extensions import db
from advisory.models import Municipality
from advisory.services.municipalities import import_municipalities, search_municipalities

SHARED_CSV = Path(__file__).resolve().parents[2] / "shared" / "data" / "destatis-gv-auszug.csv"


def test_the_shipped_file_holds_all_11004_municipalities():
    records = list(read_compact(SHIPPED_FILE))
    assert len(records) == 11004
    munich = next(r for r in records if r.ags == "09162000")
    assert munich.name == "München, Landeshauptstadt"
    assert munich.population == 1_484_226 and munich.district_free
    assert munich.postal_code == "80313" and munich.urbanisation == 1
    albisheim = next(r for r in records if r.ags == "07333001")
    assert albisheim.association_name == "Göllheim" and not albisheim.district_free


@pytest.mark.skipif(not SHARED_CSV.exists(), reason="the Destatis source is only beside a checkout")
def test_the_shipped_file_is_exactly_the_destatis_extract():
    assert list(read_destatis(SHARED_CSV)) == list(read_compact(SHIPPED_FILE))


def test_import_is_idempotent(app):
    with app.app_context():
        counts = import_municipalities(db.session)
        assert counts == {"added": 0, "updated": 0, "unchanged": 11004, "associations": 0}
        assert db.session.scalar(select(func.count()).select_from(Municipality)) == 11004


@pytest.mark.parametrize(
    "query", ["München", "Muenchen", "munchen", "MÜNCHEN, Stadt", "80313", "09162000"]
)
def test_search_finds_munich_first(app, query):
    with app.app_context():
        results = search_municipalities(db.session, query)
        assert results[0].ags == "09162000"


def test_search_ranks_exact_then_prefix_then_contains(app):
    with app.app_context():
        names = [m.name for m in search_municipalities(db.session, "Ulm", limit=10)]
    assert names[0] == "Ulm, Universitätsstadt"
    assert any(n.startswith("Ulmen") for n in names)
    first_contains = next(i for i, n in enumerate(names) if not n.lower().startswith("ulm"))
    assert all(n.lower().startswith("ulm") for n in names[:first_contains])


def test_search_leaves_out_uninhabited_areas_and_tolerates_nonsense(app):
    with app.app_context():
        assert search_municipalities(db.session, "Gutsbezirk Münsingen") == []
        assert search_municipalities(db.session, "%_'\";--") == []
        assert search_municipalities(db.session, "   ") == []


def test_cli_import_reports_counts(runner):
    result = runner.invoke(args=["import-municipalities"])
    assert result.exit_code == 0
    assert "0 added, 0 updated, 11004 unchanged" in result.output


def test_cli_import_names_the_problem_in_a_broken_file(runner, tmp_path):
    broken = tmp_path / "broken.csv"
    broken.write_text("ags,name\n1,x\n", encoding="utf-8")
    result = runner.invoke(args=["import-municipalities", str(broken)])
    assert result.exit_code != 0
    assert "broken.csv" in result.output and "unexpected columns" in result.output
