"""The municipality directory: Destatis' GV-Auszug, the shipped compact file, search keys."""

from __future__ import annotations

import csv
import gzip
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, fields
from pathlib import Path

SHIPPED_FILE = Path(__file__).parent / "data" / "municipalities.csv.gz"
# Kind (Textkennzeichen) of each association of the shipped directory, taken from the GV-Auszug.
SHIPPED_ASSOCIATION_KINDS = Path(__file__).parent / "data" / "association-kinds.csv"
ATTRIBUTION = "© Statistisches Bundesamt (Destatis), dl-de/by-2-0"

# Gemeindeverband kinds (satzart 50) that are a real association; 50 is "verbandsfrei".
_ASSOCIATION_KINDS = {"51", "52", "53", "54", "55", "56", "57", "58"}
_DISTRICT_FREE_KINDS = {"61", "62"}


class DirectoryError(ValueError):
    """A directory file cannot be read; the message names file, line and what is wrong."""


@dataclass(frozen=True)
class MunicipalityRecord:
    ags: str
    name: str
    state_code: str
    state_name: str
    district_code: str
    district_name: str
    association_code: str
    association_name: str | None
    district_free: bool
    population: int
    area_km2: float
    urbanisation: int | None
    postal_code: str | None
    latitude: float | None
    longitude: float | None


_COLUMNS = [f.name for f in fields(MunicipalityRecord)]


def _number(text: str) -> str:
    return text.replace(" ", "").replace("\u00a0", "").strip()


def read_destatis(path: Path) -> Iterator[MunicipalityRecord]:
    """Yield every municipality (satzart 60) of a Destatis GV-Auszug CSV with its context."""
    states: dict[str, str] = {}
    districts: dict[str, str] = {}
    associations: dict[str, tuple[str, str]] = {}
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for line_no, row in enumerate(csv.DictReader(handle), start=2):
            try:
                kind = row["satzart"]
                land, rb, kreis = row["land"], row["rb"], row["kreis"]
                if kind == "10":
                    states[land] = row["gemeindename"]
                elif kind == "40":
                    districts[land + rb + kreis] = row["gemeindename"]
                elif kind == "50":
                    associations[land + rb + kreis + row["vb"]] = (
                        row["textkennzeichen"],
                        row["gemeindename"],
                    )
                elif kind == "60":
                    yield _municipality(row, states, districts, associations)
            except (KeyError, ValueError) as error:
                raise DirectoryError(
                    f"{path}, line {line_no}: cannot read row ({error})"
                ) from error


def read_association_kinds(path: Path) -> dict[str, str]:
    """Return association code -> kind (51 Amt, 52 Samtgemeinde, ...) of a GV-Auszug or kinds file.

    A compact directory file carries no kinds: the shipped kinds file is read instead.
    """
    if path.suffix == ".gz" or not _is_destatis(path):
        path = SHIPPED_ASSOCIATION_KINDS
        with open(path, encoding="utf-8", newline="") as handle:
            return {row["association_code"]: row["kind"] for row in csv.DictReader(handle)}
    kinds = {}
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if row.get("satzart") == "50" and row.get("textkennzeichen") in _ASSOCIATION_KINDS:
                code = row["land"] + row["rb"] + row["kreis"] + row["vb"]
                kinds[code] = row["textkennzeichen"]
    return kinds


def _is_destatis(path: Path) -> bool:
    with open(path, encoding="utf-8-sig") as handle:
        return handle.readline().startswith("satzart")


def _municipality(row, states, districts, associations) -> MunicipalityRecord:
    land, rb, kreis, vb = row["land"], row["rb"], row["kreis"], row["vb"]
    district = land + rb + kreis
    association_code = district + vb
    association_kind, association_name = associations.get(association_code, ("50", ""))
    lat, lon = _number(row["breitengrad"]), _number(row["laengengrad"])
    urbanisation = row["verstaedterungschluessel"].strip()
    return MunicipalityRecord(
        ags=district + row["gemeinde"],
        name=row["gemeindename"].strip(),
        state_code=land,
        state_name=states.get(land, ""),
        district_code=district,
        district_name=districts.get(district, ""),
        association_code=association_code,
        association_name=association_name if association_kind in _ASSOCIATION_KINDS else None,
        district_free=row["textkennzeichen"] in _DISTRICT_FREE_KINDS,
        population=int(_number(row["bevoelkerung"]) or 0),
        area_km2=float(_number(row["flaeche"]) or 0),
        urbanisation=int(urbanisation) if urbanisation else None,
        postal_code=row["postleitzahl"].strip() or None,
        latitude=float(lat.replace(",", ".")) if lat else None,
        longitude=float(lon.replace(",", ".")) if lon else None,
    )


def write_compact(records: Iterable[MunicipalityRecord], path: Path) -> int:
    """Write records as the compact gzip CSV shipped with the app; return how many."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=_COLUMNS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for record in records:
        writer.writerow(asdict(record))
        count += 1
    # mtime=0 keeps the file byte-identical between runs.
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as handle:
        handle.write(buffer.getvalue().encode("utf-8"))
    return count


def read_compact(path: Path) -> Iterator[MunicipalityRecord]:
    """Yield the records of a compact directory file."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != _COLUMNS:
            raise DirectoryError(
                f"{path}: unexpected columns {reader.fieldnames}; expected {_COLUMNS}"
            )
        for line_no, row in enumerate(reader, start=2):
            try:
                yield _from_compact(row)
            except ValueError as error:
                raise DirectoryError(f"{path}, line {line_no}: {error}") from error


def _from_compact(row: dict[str, str]) -> MunicipalityRecord:
    def optional(key, convert):
        return convert(row[key]) if row[key] else None

    return MunicipalityRecord(
        ags=row["ags"],
        name=row["name"],
        state_code=row["state_code"],
        state_name=row["state_name"],
        district_code=row["district_code"],
        district_name=row["district_name"],
        association_code=row["association_code"],
        association_name=row["association_name"] or None,
        district_free=row["district_free"] == "True",
        population=int(row["population"]),
        area_km2=float(row["area_km2"]),
        urbanisation=optional("urbanisation", int),
        postal_code=row["postal_code"] or None,
        latitude=optional("latitude", float),
        longitude=optional("longitude", float),
    )


def read_any(path: Path) -> Iterator[MunicipalityRecord]:
    """Read either a Destatis GV-Auszug CSV or a compact directory file."""
    if path.suffix == ".gz":
        return read_compact(path)
    if _is_destatis(path):
        return read_destatis(path)
    return read_compact(path)


_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_PLAIN = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})


def _fold(text: str, table: dict) -> str:
    text = text.lower().translate(table)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def base_name(name: str) -> str:
    """Drop the official suffix: 'München, Landeshauptstadt' becomes 'München'."""
    return name.split(",", 1)[0].strip()


def search_keys(text: str) -> tuple[str, str]:
    """Return the two spellings a name is matched by: umlauts as 'ae' and as plain 'a'."""
    return _fold(text, _UMLAUTS), _fold(text, _PLAIN)
