"""Place matching over the shipped gazetteer. Sentences are written for these tests."""

from __future__ import annotations

import gzip
import math
from pathlib import Path

import pytest

from tasks.extract.places import admin1_of, country_name, find_places, fold_with_offsets, gazetteer

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"


def by_match(text: str, context: tuple[str, ...] = ()) -> dict[str, object]:
    return {m.matched: m for m in find_places(text, context)}


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    dlat, dlon = lat1 - lat2, (lon1 - lon2) * math.cos(math.radians(lat1))
    return 111.2 * math.hypot(dlat, dlon)


def test_gazetteer_loads_once() -> None:
    assert gazetteer() is gazetteer()
    assert len(gazetteer().rows) > 10_000


def test_offsets_point_into_the_original_text() -> None:
    text = "Des hommes armés ont attaqué jeudi le poste de Tillabéri, puis N’Djaména a réagi."
    for m in find_places(text):
        assert text[m.start : m.end] == m.matched
    assert [m.matched for m in find_places(text)] == ["Tillabéri", "N’Djaména"]


def test_folding_keeps_offsets_through_accents_and_separators() -> None:
    folded, origin = fold_with_offsets("Gorom–Gorom,  Ménaka")
    assert folded == "gorom gorom menaka"
    assert origin[folded.index("menaka")] == "Gorom–Gorom,  Ménaka".index("Ménaka")


def test_spelling_variants_reach_the_same_place() -> None:
    a = by_match("Timbuktu and Menaka were calm.")
    b = by_match("Tombouctou et Ménaka étaient calmes.")
    assert a["Timbuktu"].name == b["Tombouctou"].name
    assert a["Menaka"].admin1 == b["Ménaka"].admin1 == "Menaka"
    ndj = by_match("Le convoi est parti de Ndjamena.")["Ndjamena"]
    assert (ndj.country, ndj.admin1) == ("TD", "N'Djamena")


def test_tuareg_names_in_one_word_or_hyphenated() -> None:
    for spelling in ("Tinzaouaten", "Tinzaouatene", "Tin-Zaouatene", "Ti-n-Zaouâtene"):
        m = find_places(f"Des combats ont eu lieu à {spelling} dimanche.")[0]
        assert (m.name, m.country, m.admin1) == ("Tinzaouaten", "ML", "Kidal")


def test_the_press_spelling_is_the_name() -> None:
    nioro = by_match("Attack on Nioro du Sahel repelled.")["Nioro du Sahel"]
    assert (nioro.name, nioro.admin1) == ("Nioro du Sahel", "Kayes")
    assert by_match("Attaque à Aribinda.")["Aribinda"].name == "Arbinda"
    assert by_match("Sept commerçants enlevés près de Macina.")["Macina"].admin1 == "Segou"


def test_the_ends_of_a_road_are_resolved_near_each_other() -> None:
    fada = by_match("Une embuscade sur l'axe Fada-Kantchari a fait trois morts.")["Fada"]
    assert (fada.name, fada.country, fada.admin1) == ("Fada N'Gourma", "BF", "Est")
    macina = by_match("Sept commerçants enlevés sur l'axe Markala-Macina.")["Macina"]
    assert macina.admin1 == "Segou" and km(macina.latitude, macina.longitude, 13.96, -5.36) < 10
    between = by_match("Un car a sauté sur une mine entre Boni et Hombori.")
    assert between["Boni"].admin1 == between["Hombori"].admin1 == "Mopti"


def test_curated_places_the_open_data_lacks() -> None:
    found = by_match("Mbeiket, Intikane, Bomoanga, Bouka Wéré et Tatakarat.")
    expected = {"Mbeiket": ("MR", "Hodh Ech Chargui"), "Intikane": ("NE", "Tahoua"), "Bomoanga": ("NE", "Tillaberi"),
                "Bouka Wéré": ("ML", "Segou"), "Tatakarat": ("ML", "Gao")}  # fmt: skip
    assert {k: (m.country, m.admin1) for k, m in found.items()} == expected


def test_a_region_capital_in_a_kicker_is_the_town() -> None:
    # "Diffa : ..." usually names the region; the matcher says town and lets the caller decide.
    capitals = {"Diffa": "Diffa", "Gao": "Gao", "Mopti": "Mopti", "Ségou": "Segou", "Tahoua": "Tahoua",
                "Tillabéri": "Tillaberi", "Kayes": "Kayes", "Kidal": "Kidal", "Ménaka": "Menaka"}  # fmt: skip
    for name, admin1 in capitals.items():
        m = find_places(f"{name} : des hommes armés tuent cinq civils")[0]
        assert (m.kind in ("town", "hotspot"), m.admin1) == (True, admin1), name


def test_capitals_have_their_own_admin1() -> None:
    found = by_match("Ouagadougou, Niamey, N'Djamena, Nouakchott et Bamako.")
    admin1 = {k: m.admin1 for k, m in found.items()}
    assert admin1 == {"Ouagadougou": "Centre", "Niamey": "Niamey", "N'Djamena": "N'Djamena",
                      "Nouakchott": "Nouakchott Ouest", "Bamako": "Bamako"}  # fmt: skip
    assert found["Bamako"].country == "ML"  # not the Burkinabè hamlet Bamako, though the text names Ouagadougou


def test_country_mentions_and_the_niger_river() -> None:
    found = by_match("Le Mali, le Burkina Faso et le Niger ont quitté la CEDEAO ; le fleuve Niger déborde.")
    assert {m.country for m in found.values() if m.kind == "country"} == {"ML", "BF", "NE"}
    assert len([m for m in find_places("le fleuve Niger déborde à Gao") if m.kind == "country"]) == 0
    state = by_match("Bandits attacked a village in Niger State on Monday.")["Niger State"]
    assert (state.country, state.kind) == ("NG", "admin1")


def test_country_name_beats_a_homonymous_village() -> None:
    m = by_match("Le Togo et le Bénin renforcent leur frontière nord.")
    assert m["Togo"].kind == "country" and m["Bénin"].country == "BJ"


def test_admin1_with_a_cue_and_common_words_without_one() -> None:
    found = by_match("Dans la région de l'Est, à Pama, la situation reste tendue.")
    assert (found["Est"].country, found["Est"].kind) == ("BF", "admin1")
    assert "Est" not in by_match("Est-ce que l'armée reviendra ? Le Sahel entier est touché.")
    lac = by_match("Des militaires ont été tués dans la province du Lac.")["province du Lac"]
    assert (lac.country, lac.kind, lac.admin1) == ("TD", "admin1", "Lac")
    listed = by_match("Les régions du Sahel, du Nord et de l'Est du Burkina Faso sont sous couvre-feu.")
    assert [listed[k].admin1 for k in ("Sahel", "Nord", "Est")] == ["Sahel", "Nord", "Est"]
    assert "Sahel" not in by_match("France keeps troops in the Sahel region.")


def test_admin1_spelled_like_the_gold_convention() -> None:
    hodh = by_match("Trois bergers enlevés dans le Hodh Chargui.")["Hodh Chargui"]
    assert (hodh.kind, hodh.admin1) == ("admin1", "Hodh Ech Chargui")
    assert admin1_of("NE", "région de Tillabéri") == "Tillaberi"
    assert admin1_of("ML", "Tombouctou") == "Timbuktu"
    assert admin1_of("BJ", "Atakora") == "Atacora"
    assert admin1_of("CM", "Extrême-Nord") == "Far North"
    assert admin1_of("ML", "Atlantis") is None


def test_region_cue_prefers_the_region_over_its_capital() -> None:
    region = by_match("Des affrontements ont eu lieu dans la région de Mopti.")
    town = by_match("Un bus a sauté sur une mine près de Mopti.")
    assert [m.kind for m in region.values()] == ["admin1"]
    assert town["Mopti"].kind == "town" and town["Mopti"].admin1 == "Mopti"


def test_country_context_resolves_homonyms() -> None:
    # Koutougou is a village in Burkina Faso's Soum and another in Niger's Tillabéri.
    bf = by_match("Burkina Faso: soldiers killed in Koutougou.")["Koutougou"]
    ne = by_match("Niger : une patrouille attaquée près de Koutougou.")["Koutougou"]
    hinted = by_match("Une patrouille attaquée près de Koutougou.", ("NE",))["Koutougou"]
    assert (bf.country, bf.admin1) == ("BF", "Sahel")
    assert ne.country == hinted.country == "NE"


def test_word_boundaries_and_capitals() -> None:
    assert by_match("Les Maliens et les Nigériens") == {}
    assert "Gao" not in by_match("the gao of the day; Gaoua is elsewhere")
    assert by_match("Gaoua est calme.")["Gaoua"].country == "BF"


def test_common_word_villages_are_not_places() -> None:
    found = by_match("Selon des sources locales, Dans la nuit, Boko Haram a frappé. Police et Fulani herders.")
    assert found == {}
    assert by_match("Here is the Guide to the IPO in San Francisco, More or less.") == {}
    assert by_match("L'armée a repris San, dans la région de Ségou.")["San"].country == "ML"


def test_person_names_are_not_places() -> None:
    found = by_match("Le Premier ministre Boubou Cissé a été arrêté à Bamako.")
    assert list(found) == ["Bamako"]
    found = by_match("Le triple sauteur Hugues Fabrice Zango a remporté le titre. Zango a remercié le public.")
    assert found == {}


def test_names_glued_to_other_words_and_stray_villages() -> None:
    assert by_match("Pope visits Rome. Put kids first, said Pepsi and Coca-Cola; a GaN charger from St. Louis.") == {}
    found = by_match("Rival groups clashed in the Gourma area of northern Mali, in Tatakarat.")
    assert list(found) == ["Mali", "Tatakarat"]  # the Burkinabè village Gourma is not meant


def test_nearby_named_towns_pick_the_homonym() -> None:
    # Three Malian villages are called Bamba; the one by the river in Bourem cercle is meant here.
    m = by_match("Le camp de Bamba, dans le cercle de Bourem, a été attaqué.")["Bamba"]
    assert m.country == "ML" and km(m.latitude, m.longitude, 17.03, -1.40) < 10


def test_a_village_only_in_the_open_data() -> None:
    m = by_match("Des hommes armés ont attaqué Silgadji, dans le Soum.")["Silgadji"]
    assert m.country == "BF" and km(m.latitude, m.longitude, 13.81, -1.32) < 10


def test_a_curated_hotspot() -> None:
    m = by_match("L'attaque du camp militaire d'Inatès a fait des dizaines de morts.")["Inatès"]
    assert (m.kind, m.country, m.admin1) == ("hotspot", "NE", "Tillaberi")
    assert km(m.latitude, m.longitude, 15.23, 1.31) < 5


def test_lake_chad_is_a_region_resolved_by_country() -> None:
    td = by_match("Au Tchad, les îles du lac Tchad restent dangereuses.")["lac Tchad"]
    ne = by_match("In Niger, Boko Haram raided islands on Lake Chad.")["Lake Chad"]
    assert (td.country, td.admin1) == ("TD", "Lac")
    assert (ne.country, ne.admin1) == ("NE", "Diffa")


def test_country_name_helper() -> None:
    assert country_name("ML") == "Mali"
    assert country_name("td") == "Chad"


def test_shipped_file_is_small_and_well_formed() -> None:
    path = REPO / "tasks" / "extract" / "data" / "gazetteer.tsv.gz"
    assert path.stat().st_size < 3_000_000
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        first = fh.readline().rstrip("\n").split("\t")
    assert header == ["name", "variants", "country", "admin1", "admin2", "lat", "lon", "kind", "population"]
    assert len(first) == len(header)


@pytest.mark.slow  # ~15 s of CSV reading, Python-independent: CI runs it on 3.11 only
@pytest.mark.skipif(not (CORPUS / "gazetteer").is_dir(), reason="../shared/corpus is absent")
def test_build_script_reproduces_a_loadable_gazetteer(tmp_path: Path) -> None:
    import subprocess
    import sys

    out = tmp_path / "gazetteer.tsv.gz"
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "build_gazetteer.py"), "--corpus", str(CORPUS), "--out", str(out)],
        check=True,
        cwd=REPO,
        capture_output=True,
        timeout=240,
    )
    from tasks.extract.places import load_gazetteer

    gaz = load_gazetteer(out)
    assert len(gaz.rows) > 10_000 and gaz.admin1_names[("NE", "tillaberi")] == "Tillaberi"


def test_the_region_written_beside_a_town_settles_its_homonyms() -> None:
    text = (
        "Des soldats maliens venus de la forêt de Wagadou sont entrés au village, près de Fassala, "
        "Wilaya du Hodh El Chargui, en Mauritanie."
    )
    assert (by_match(text, ("ML",))["Fassala"].country, by_match(text, ("ML",))["Fassala"].admin1) == (
        "MR", "Hodh Ech Chargui",
    )  # fmt: skip
    beside_a_border = "Gunmen stormed the base at Koutougou, near the border with Mali, on Monday. Burkina Faso mourns."
    assert by_match(beside_a_border, ("BF",))["Koutougou"].country == "BF"
