"""Tender building blocks: the shipped texts validate, conditions shape the requirement list."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from recommendations import default_content_dir, load_catalogue
from recommendations.catalogue import CATEGORIES, CatalogueError
from recommendations.procurement import (
    building_blocks,
    default_procurement_dir,
    load_procurement,
)

CONTENT = default_procurement_dir() / "procurement" / "1.0.0.yaml"


@pytest.fixture(scope="module")
def requirements():
    return load_catalogue(default_content_dir()).requirements


@pytest.fixture(scope="module")
def texts(requirements):
    return load_procurement(default_procurement_dir(), requirements)


def test_every_catalogue_category_has_exactly_one_solution_type(texts) -> None:
    covered = [c for t in texts.types for c in t.categories]
    assert sorted(covered) == sorted(CATEGORIES)


def test_award_weights_of_every_type_add_up_to_100(texts) -> None:
    assert {t.id: sum(c.weight for c in t.award_criteria) for t in texts.types} == {
        t.id: 100 for t in texts.types
    }


def test_cloud_security_is_a_must_only_for_a_cloud_service(texts, requirements) -> None:
    cloud = building_blocks(texts, requirements, "collaboration_cloud", ["saas"])
    on_premises = building_blocks(texts, requirements, "collaboration_cloud", [])
    assert "B4" in [r.number for r in cloud.must]
    assert "B4" not in [r.number for r in on_premises.requirements]
    assert any("C5" in r.title.get("de") for r in cloud.references)


def test_open_source_becomes_a_should_when_not_publicly_funded(texts, requirements) -> None:
    funded = building_blocks(texts, requirements, "participation", ["publicly_funded"])
    unfunded = building_blocks(texts, requirements, "participation", [])
    assert "B9" in [r.number for r in funded.must]
    assert "B9" in [r.number for r in unfunded.should]


def test_domain_standards_follow_the_type_not_the_choice(texts, requirements) -> None:
    council = building_blocks(texts, requirements, "council_information", [])
    security = building_blocks(texts, requirements, "security_management", [])
    assert "domain_standard_exists" in council.conditions and "oparl" in council.standards
    assert "B7" in [r.number for r in council.must]
    assert "B7" not in [r.number for r in security.requirements]


def test_contract_types_are_evb_it_and_in_house_award_names_its_conditions(texts) -> None:
    for kind in texts.types:
        assert kind.contracts and all(c.startswith("evb_it_") for c in kind.contracts)
    in_house = texts.reference("gwb_108").note.get("de")
    assert "80 Prozent" in in_house and "Kapitalbeteiligung" in in_house


def test_unknown_type_raises_key_error(texts, requirements) -> None:
    with pytest.raises(KeyError):
        building_blocks(texts, requirements, "teleportation")


def _broken(tmp_path: Path, change) -> Path:
    target = tmp_path / "procurement"
    target.mkdir()
    data = yaml.safe_load(CONTENT.read_text(encoding="utf-8"))
    change(data)
    (target / "1.0.0.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return tmp_path


def _problems(root: Path, requirements) -> set[tuple[str, str]]:
    with pytest.raises(CatalogueError) as error:
        load_procurement(root, requirements)
    return {(p.file, p.path) for p in error.value.problems}


def test_wrong_weights_are_refused_with_file_and_key(tmp_path, requirements) -> None:
    root = _broken(tmp_path, lambda d: d["types"][0]["award_criteria"][0].update(weight=1))
    assert ("procurement/1.0.0.yaml", "types[0].award_criteria") in _problems(root, requirements)


def test_missing_requirement_text_and_unverified_reference_without_note_are_refused(
    tmp_path, requirements
) -> None:
    def change(data):
        del data["requirement_texts"]["exit"]
        data["references"][0]["verified"] = False
        del data["references"][0]["note"]

    problems = _problems(_broken(tmp_path, change), requirements)
    assert ("procurement/1.0.0.yaml", "requirement_texts.exit") in problems
    assert ("procurement/1.0.0.yaml", "references[0].note") in problems


def test_uncovered_category_is_refused(tmp_path, requirements) -> None:
    root = _broken(tmp_path, lambda d: d["types"][0]["categories"].remove("defect_reporting"))
    assert ("procurement/1.0.0.yaml", "types") in _problems(root, requirements)


def test_copy_of_shipped_content_loads(tmp_path, requirements) -> None:
    shutil.copytree(CONTENT.parent, tmp_path / "procurement")
    assert load_procurement(tmp_path, requirements).version == "1.0.0"
