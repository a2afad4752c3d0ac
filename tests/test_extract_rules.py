"""Rule tables: each row states the input phrasing and the output it must give (FR and EN)."""

from __future__ import annotations

from datetime import UTC, date

import pytest

from tasks.extract import extract
from tasks.extract.dates import find_dates, on_or_after, parse_published, reference_day, year_floor
from tasks.extract.fatalities import casualties, tally
from tasks.extract.sentences import split_sentences

# (language, title, text, expected event_type, expected sub_event_type) — published Friday 2024-03-15
SUB_EVENTS = [
    (
        "fr",
        "Djibo : affrontements entre l'armée et des jihadistes",
        "Des affrontements ont opposé mercredi l'armée à des jihadistes à Djibo.",
        "Battles",
        "Armed clash",
    ),
    (
        "en",
        "Army clashes with militants in Djibo",
        "Soldiers clashed with militants in Djibo on Wednesday, the army said.",
        "Battles",
        "Armed clash",
    ),
    (
        "fr",
        "Mali : l'armée reprend le contrôle de Léré",
        "L'armée malienne a repris le contrôle de Léré mercredi, selon l'état-major.",
        "Battles",
        "Government regains territory",
    ),
    (
        "en",
        "Malian troops retake Lere",
        "Malian troops took control of the town of Lere on Wednesday, the army said.",
        "Battles",
        "Government regains territory",
    ),
    (
        "fr",
        "Des jihadistes s'emparent du camp de Boni",
        "Des jihadistes se sont emparés mercredi du camp militaire de Boni après des combats avec les soldats.",
        "Battles",
        "Non-state actor overtakes territory",
    ),
    (
        "en",
        "Militants overrun army camp in Boni",
        "Militants overran the army camp in Boni on Wednesday and took control of the town after killing two soldiers.",
        "Battles",
        "Non-state actor overtakes territory",
    ),
    (
        "fr",
        "Frappe de drone près de Kidal",
        "Une frappe de drone a tué cinq civils mercredi près de Kidal.",
        "Explosions/Remote violence",
        "Air/drone strike",
    ),
    (
        "en",
        "Drone strike kills five near Kidal",
        "A drone strike killed five civilians near Kidal on Wednesday.",
        "Explosions/Remote violence",
        "Air/drone strike",
    ),
    (
        "fr",
        "Attentat-suicide à Diffa",
        "Un kamikaze s'est fait exploser mercredi sur un marché de Diffa, tuant quatre civils.",
        "Explosions/Remote violence",
        "Suicide bomb",
    ),
    (
        "en",
        "Suicide bomber kills four in Diffa",
        "A suicide bomber blew himself up at a market in Diffa on Wednesday, killing four civilians.",
        "Explosions/Remote violence",
        "Suicide bomb",
    ),
    (
        "fr",
        "Tirs d'obus sur le camp de Gao",
        "Des obus de mortier ont visé mercredi le camp militaire de Gao, sans faire de victime.",
        "Explosions/Remote violence",
        "Shelling/artillery/missile attack",
    ),
    (
        "en",
        "Rockets fired at Gao camp",
        "Militants fired rockets at the army camp in Gao on Wednesday, causing no casualties.",
        "Explosions/Remote violence",
        "Shelling/artillery/missile attack",
    ),
    (
        "fr",
        "Un engin explosif tue trois civils près de Dori",
        "Trois civils ont été tués mercredi lorsque leur véhicule a sauté sur un engin explosif près de Dori.",
        "Explosions/Remote violence",
        "Remote explosive/landmine/IED",
    ),
    (
        "en",
        "IED kills three near Dori",
        "Three civilians were killed on Wednesday when their vehicle struck an explosive device near Dori.",
        "Explosions/Remote violence",
        "Remote explosive/landmine/IED",
    ),
    (
        "fr",
        "Attaque à la grenade à Niamey",
        "Une grenade a été lancée mercredi contre un bar de Niamey, blessant deux civils.",
        "Explosions/Remote violence",
        "Grenade",
    ),
    (
        "en",
        "Grenade attack in Niamey",
        "A grenade was thrown into a bar in Niamey on Wednesday, wounding two civilians.",
        "Explosions/Remote violence",
        "Grenade",
    ),
    (
        "fr",
        "Dix villageois tués à Solhan",
        "Des hommes armés ont tué dix villageois mercredi à Solhan.",
        "Violence against civilians",
        "Attack",
    ),
    (
        "en",
        "Gunmen kill ten villagers in Solhan",
        "Gunmen killed ten villagers in Solhan on Wednesday, residents said.",
        "Violence against civilians",
        "Attack",
    ),
    (
        "fr",
        "Trois enseignants enlevés à Djibo",
        "Trois enseignants ont été enlevés mercredi à Djibo par des hommes armés.",
        "Violence against civilians",
        "Abduction/forced disappearance",
    ),
    (
        "en",
        "Three teachers kidnapped in Djibo",
        "Gunmen kidnapped three teachers in Djibo on Wednesday.",
        "Violence against civilians",
        "Abduction/forced disappearance",
    ),
    (
        "fr",
        "Marche contre l'insécurité à Kaya",
        "Des centaines de personnes ont manifesté mercredi à Kaya contre l'insécurité. La marche s'est déroulée dans le calme.",
        "Protests",
        "Peaceful protest",
    ),
    (
        "en",
        "Protest against insecurity in Kaya",
        "Hundreds of people protested peacefully in Kaya on Wednesday against insecurity.",
        "Protests",
        "Peaceful protest",
    ),
    (
        "fr",
        "Manifestation dispersée à Bamako",
        "La police a dispersé mercredi à coups de gaz lacrymogène une manifestation à Bamako.",
        "Protests",
        "Protest with intervention",
    ),
    (
        "en",
        "Police use tear gas on Bamako protest",
        "Police fired tear gas to disperse demonstrators in Bamako on Wednesday.",
        "Protests",
        "Protest with intervention",
    ),
    (
        "fr",
        "Des manifestants saccagent une mairie à Kaya",
        "Des manifestants en colère ont saccagé et incendié la mairie de Kaya mercredi.",
        "Riots",
        "Violent demonstration",
    ),
    (
        "en",
        "Protesters ransack town hall in Kaya",
        "Angry protesters ransacked and torched the town hall in Kaya on Wednesday.",
        "Riots",
        "Violent demonstration",
    ),
    (
        "fr",
        "Des antennes incendiées à Coalla",
        "Des hommes armés ont incendié mercredi les antennes de téléphonie de Coalla.",
        "Strategic developments",
        "Looting/property destruction",
    ),
    (
        "en",
        "Telecom masts torched in Coalla",
        "Gunmen torched telecom masts in Coalla on Wednesday.",
        "Strategic developments",
        "Looting/property destruction",
    ),
    (
        "fr",
        "Barkhane quitte Gossi",
        "La force française Barkhane a quitté mercredi sa base de Gossi, remise à l'armée malienne.",
        "Strategic developments",
        "Change to group/activity",
    ),
    (
        "en",
        "French troops withdraw from Gossi",
        "French troops withdrew from their base in Gossi on Wednesday, handing it over to the Malian army.",
        "Strategic developments",
        "Change to group/activity",
    ),
    (
        "fr",
        "Coup d'Etat à Niamey",
        "Des militaires ont renversé le président mercredi à Niamey lors d'un coup d'Etat.",
        "Strategic developments",
        "Other",
    ),
    (
        "en",
        "Coup in Niamey",
        "Soldiers seized power in Niamey on Wednesday in a coup.",
        "Strategic developments",
        "Other",
    ),
    (
        "en",
        "Jihadists hit Sevare army camp with armed drones",
        "Jihadist fighters attacked the Malian army's camp in Sevare with explosive-laden drones on Wednesday.",
        "Explosions/Remote violence",
        "Air/drone strike",
    ),
    (
        "fr",
        "Des drones kamikazes frappent le camp de Sévaré",
        "Des jihadistes ont attaqué mercredi le camp de Sévaré avec des drones kamikazes.",
        "Explosions/Remote violence",
        "Air/drone strike",
    ),
    (
        "fr",
        "Tombouctou : Africa Corps remet le camp de Ber aux FAMa",
        "Le camp de Ber est désormais placé sous le contrôle exclusif des Forces armées maliennes (FAMa). Les éléments "
        "d'Africa Corps l'ont quitté mercredi lors d'une cérémonie de passation.",
        "Strategic developments",
        "Non-violent transfer of territory",
    ),
    (
        "en",
        "Russian forces hand Ber camp to Malian army",
        "Russian Africa Corps troops left the Ber camp on Wednesday, which is now under the control of the Malian army.",
        "Strategic developments",
        "Non-violent transfer of territory",
    ),
]


@pytest.mark.parametrize("lang,title,text,etype,sub", SUB_EVENTS, ids=[f"{r[0]}-{r[4]}" for r in SUB_EVENTS])
def test_sub_event_type(lang: str, title: str, text: str, etype: str, sub: str) -> None:
    result = extract(title, text, "2024-03-15", lang)
    assert result.relevant
    main = result.events[0]
    assert (main.event_type, main.sub_event_type) == (etype, sub)
    assert main.event_date == "2024-03-13"


# (language, title, text, actor1, actor2) — published Friday 2024-03-15
ACTORS = [
    (
        "en",
        "Jihadists hit Sevare army camp with armed drones",
        "Jihadist fighters attacked the Malian army's camp in Sevare with explosive-laden drones on Wednesday. "
        "JNIM said on Wednesday that its fighters had used modified commercial drones.",
        "JNIM",
        "Military Forces of Mali",
    ),
    (
        "fr",
        "Burkina : l'armée annonce des frappes près d'Arbinda",
        "L'armée burkinabè a affirmé jeudi avoir neutralisé une cinquantaine de jihadistes de l'EIGS lors de frappes "
        "aériennes menées mercredi près d'Arbinda.",
        "Military Forces of Burkina Faso",
        "ISSP",
    ),
    (
        "en",
        "Drone strike kills civilians near Tinzaouaten, rebels say",
        "A drone strike near Tinzaouaten killed at least eight civilians on Wednesday, the FLA rebels said.",
        "Military Forces of Mali",
        "Civilians",
    ),
    (
        "fr",
        "Tombouctou : Africa Corps remet le camp de Ber aux FAMa",
        "Le camp de Ber est désormais placé sous le contrôle exclusif des Forces armées maliennes (FAMa). Les éléments "
        "d'Africa Corps l'ont quitté mercredi lors d'une cérémonie de passation.",
        "Africa Corps",
        "Military Forces of Mali",
    ),
    (
        "fr",
        "Un car saute sur un engin explosif près de Boni",
        "Neuf passagers ont été tués mercredi lorsque leur car a sauté sur un engin explosif près de Boni. "
        "L'attaque n'a pas été revendiquée.",
        "Unidentified Armed Group",
        "Civilians",
    ),
    (
        "en",
        "",
        "On 2 March 2024, soldiers accompanied by VDP killed 9 civilians in a hamlet near Djibasso.",
        "Military Forces of Burkina Faso",
        "Civilians",
    ),
    (
        "en",
        "",
        "Three Koglweogo members were killed when unidentified gunmen attacked their checkpoint near Kaya on Monday.",
        "Unidentified Armed Group",
        "Koglweogo",
    ),
    (
        "en",
        "",
        "On 6 March 2024, Nigerien troops arrested 11 people accused of collaborating with ISSP in Ayorou.",
        "Military Forces of Niger",
        "Civilians",
    ),
    (
        "en",
        "",
        "On 10 March 2024, village elders of Sofara concluded a local truce with JNIM, who lifted the blockade.",
        "JNIM",
        "Civilians",
    ),
    (
        "fr",
        "",
        "Le 4 mars 2024, une milice peule a attaqué un poste de Dan Na Ambassagou près de Bankass, tuant trois chasseurs.",
        "Fulani Ethnic Militia (Mali)",
        "Dan Na Ambassagou",
    ),
]


@pytest.mark.parametrize("lang,title,text,actor1,actor2", ACTORS, ids=[(r[1] or r[2])[:40] for r in ACTORS])
def test_actors(lang: str, title: str, text: str, actor1: str, actor2: str) -> None:
    main = extract(title, text, "2024-03-15", lang).events[0]
    assert (main.actor1, main.actor2) == (actor1, actor2)


# (language, sentence(s), fatalities, low, high)
FATALITIES = [
    ("fr", ["Dix personnes ont été tuées et trente-sept blessées."], 10, None, None),
    ("en", ["Gunmen killed 14 people and wounded 20."], 14, None, None),
    ("fr", ["Au moins vingt-cinq militaires ont été tués."], 25, 25, None),
    ("en", ["At least 134 people were killed."], 134, 134, None),
    ("fr", ["Plus de 30 civils ont été tués."], 30, 30, None),
    ("en", ["More than 30 civilians were killed."], 30, 30, None),
    ("fr", ["Une dizaine de soldats ont été tués."], 10, None, None),
    ("fr", ["Une vingtaine de militaires auraient été tués."], 20, None, None),
    ("en", ["Dozens of villagers were killed."], 12, None, None),
    ("en", ["Tens of soldiers were killed."], 10, None, None),
    ("en", ["Hundreds of people were killed."], 100, None, None),
    ("fr", ["Des dizaines de civils ont été tués."], 12, None, None),
    (
        "fr",
        ["Quatre militaires et trois gendarmes ont perdu la vie.", "L'armée affirme avoir neutralisé 80 terroristes."],
        87,
        None,
        None,
    ),
    (
        "en",
        ["Eight soldiers were killed and 11 injured.", "The army said 48 of the assailants were killed."],
        56,
        None,
        None,
    ),
    (
        "fr",
        ["Les autorités évoquent au moins 25 morts, tandis que la société civile avance le chiffre de 54 victimes."],
        25,
        25,
        54,
    ),
    # the armed group's claim only raises the high figure (compared per party kind, so 35 here, not 18 + 35)
    (
        "en",
        [
            "Residents said 18 ISGS fighters and 10 JNIM fighters were killed.",
            "The Islamic State said its men had killed 35 JNIM fighters.",
        ],
        28,
        28,
        35,
    ),
    (
        "fr",
        ["Trente-cinq personnes, dont vingt-quatre enfants, ont été tuées, et non 95 comme annoncé lundi."],
        35,
        None,
        None,
    ),
    ("en", ["Five civilians were wounded and two abducted."], 0, None, None),
    ("fr", ["Un militaire a été tué et un autre blessé."], 1, None, None),
    ("en", ["A French soldier was killed when his vehicle struck a mine."], 1, None, None),
    # a count binds to a person noun or a kill verb; vehicles, livestock, buildings, attacks are never people
    ("en", ["Militants set fire to about 30 fuel tankers and killed three drivers."], 3, None, None),
    ("fr", ["Les assaillants ont incendié une trentaine de camions-citernes et tué trois chauffeurs."], 3, None, None),
    ("en", ["Gunmen stole 200 head of cattle, burned 40 houses and killed four herders."], 4, None, None),
    ("fr", ["Des hommes armés à bord de 30 motos ont tué cinq soldats."], 5, None, None),
    ("fr", ["L'armée a reconnu une attaque terroriste complexe, sans donner de bilan."], 0, None, None),
    ("en", ["Gunmen attacked the village on 3 March, killing 12."], 12, None, None),
    ("fr", ["Des hommes armés ont attaqué le village, tuant 12."], 12, None, None),
    ("fr", ["L'attaque a fait 12 tués et 5 blessés."], 12, None, None),
    ("en", ["The attack left 12 killed and 5 wounded."], 12, None, None),
    ("fr", ["Le bilan s'élève à 12."], 12, None, None),
    ("en", ["The death toll rose to 12."], 12, None, None),
    ("fr", ["Une source hospitalière fait état d'une quinzaine de blessés."], 0, None, None),
    # sources are not victims; a total is not summed with its own breakdown
    (
        "en",
        ["Militants killed at least a dozen soldiers, according to two officials and a local resident."],
        12,
        None,
        None,
    ),
    ("en", ["Twelve people were killed: eight civilians and four soldiers."], 12, None, None),
    ("en", ["Gunmen killed 35 people, 31 of them women."], 35, None, None),
    ("en", ["Three U.S. special operations soldiers and four Nigerien soldiers were killed."], 7, None, None),
    ("fr", ["Une trentaine de « terroristes » ont été neutralisés."], 30, None, None),
    ("en", ["The army reported 5 soldiers and several dozen assailants killed.", "Fatalities coded as 17."], 17, None, None),
    ("en", ["Soldiers reportedly killed between 20 and 40 Fulani civilians near Nouna."], 20, 20, 40),
    ("fr", ["Entre 20 et 40 civils ont été tués."], 20, 20, 40),
    ("en", ["A suicide bomber blew herself up at the market, killing 3 civilians and herself."], 4, None, None),
    ("en", ["JNIM claimed more than 100 soldiers killed; local sources reported at least 30 soldiers killed."], 30, 30, 100),
    ("en", ['"The first strike hit the animals," said a herder who lost two cousins.'], 0, None, None),
]


@pytest.mark.parametrize("lang,sentences,fatalities,low,high", FATALITIES, ids=[r[1][0][:40] for r in FATALITIES])
def test_fatalities(lang: str, sentences: list[str], fatalities: int, low: int | None, high: int | None) -> None:
    result = tally([casualties(s, lang) for s in sentences])
    assert (result.fatalities, result.low, result.high) == (fatalities, low, high)


def test_killed_wounded_abducted_kept_apart() -> None:
    result = tally([casualties("Dix-huit civils ont été tués, deux autres blessés et dix femmes enlevées.", "fr")])
    assert (result.fatalities, result.wounded, result.abducted) == (18, 2, 10)


# (sentence, publication date, expected day, precision)
DATES = [
    ("L'attaque a eu lieu mercredi.", "2024-03-15", "2024-03-13", 1),
    ("The attack took place on Wednesday.", "2024-03-15", "2024-03-13", 1),
    ("Il a été enlevé dans la nuit de samedi à dimanche.", "2024-03-15", "2024-03-09", 1),
    ("He was seized overnight from Saturday to Sunday.", "2024-03-15", "2024-03-09", 1),
    ("Les faits se sont produits hier.", "2024-03-15", "2024-03-14", 1),
    ("It happened yesterday.", "2024-03-15", "2024-03-14", 1),
    ("Ils ont frappé vendredi dernier.", "2024-03-15", "2024-03-08", 1),
    ("They struck last Friday.", "2024-03-15", "2024-03-08", 1),
    ("L'attaque a eu lieu la semaine dernière.", "2024-03-15", "2024-03-08", 2),
    ("The attack happened last week.", "2024-03-15", "2024-03-08", 2),
    ("L'attaque du 4 mars a fait dix morts.", "2024-03-15", "2024-03-04", 1),
    ("The March 4 attack killed ten.", "2024-03-15", "2024-03-04", 1),
    ("On Oct. 4, 2017 a patrol was ambushed.", None, "2017-10-04", 1),
    ("Le 28 décembre, des hommes armés ont attaqué.", "2024-01-05", "2023-12-28", 1),
    ("The attack began on Tuesday and the assailants stayed until Thursday.", "2024-03-15", "2024-03-13", 2),
    ("Les troupes ont quitté le pays le mois dernier.", "2024-03-15", "2024-02-15", 3),
]


@pytest.mark.parametrize("sentence,published,day,precision", DATES, ids=[r[0][:40] for r in DATES])
def test_relative_dates(sentence: str, published: str | None, day: str, precision: int) -> None:
    found = [d for d in find_dates(sentence, parse_published(published)) if d.kind != "year"]
    assert found, sentence
    assert (found[0].day, found[0].precision) == (date.fromisoformat(day), precision)


def test_year_floor_is_the_latest_past_month_or_year_named() -> None:
    text = "Depuis 2015, le pays est frappé. En février 2022 commença le blocus. Les élections de 2031 sont prévues."
    assert year_floor(text, today=date(2026, 12, 5)) == date(2022, 2, 1)
    assert year_floor("Des hommes armés ont attaqué mardi.", today=date(2026, 12, 5)) is None


def test_a_day_without_its_year_falls_on_or_after_the_floor() -> None:
    for sentence, floor, day in [
        ("Le 17 février, une embuscade.", date(2025, 12, 1), date(2026, 2, 17)),
        ("Le 5 décembre, une embuscade.", date(2025, 12, 1), date(2025, 12, 5)),
        ("On November 30 gunmen attacked.", date(2025, 12, 1), date(2026, 11, 30)),
    ]:
        mention = next(d for d in find_dates(sentence, None) if d.kind == "explicit")
        assert on_or_after(mention, sentence, floor) == day, sentence


def test_a_month_only_publication_date_takes_the_day_the_text_writes_in_it() -> None:
    text = "Ce 27 juillet, vers 23h30, l'armée a annoncé la dissolution du gouvernement."
    assert reference_day("2023-07", None, text) == (date(2023, 7, 27), True)
    assert reference_day("2023-07", None, "L'armée a annoncé mardi la dissolution.") == (date(2023, 7, 15), False)


def test_weekday_without_publication_date_is_unresolved() -> None:
    assert find_dates("Gunmen attacked on Wednesday.", None)[0].day is None


def test_page_noise_is_flagged() -> None:
    text = "Accueil | Politique | Sport\nDes hommes armés ont attaqué Djibo.\nLire aussi :\n- Un autre article\nPartager : Facebook | X"
    flags = [(s.text, s.noise) for s in split_sentences(text)]
    assert flags == [
        ("Accueil | Politique | Sport", True),
        ("Des hommes armés ont attaqué Djibo.", False),
        ("- Un autre article", True),
        ("Partager : Facebook | X", True),
    ]


def test_sentence_offsets_point_into_the_text() -> None:
    text = "NIAMEY — Three soldiers were killed on Monday. Two others were wounded.\n\nRelated Articles\n- Niger: more"
    for s in split_sentences(text):
        assert text[s.start : s.end] == s.text


def test_a_business_deal_is_no_agreement_between_conflict_actors() -> None:
    from tasks.extract.event_types import cues

    assert "agreement" not in cues("The government and a mining company signed an agreement on a gold mine.")
    assert "agreement" in cues("The army and the CSP signed an agreement on the release of prisoners.")
    assert "agreement" in cues("Community leaders concluded a local truce with JNIM.")


def test_cameroons_anglophone_conflict_is_outside_the_region() -> None:
    note = "On 3 May 2024, Ambazonian fighters ambushed soldiers at Ndop (Ngo-Ketunjia, North-West, Cameroon), killing 3."
    far_north = "On 3 May 2024, Boko Haram fighters ambushed soldiers at Kolofata (Mayo-Sava, Far North), killing 3."
    assert not extract(None, note, None, None, "en").relevant
    assert extract(None, far_north, None, None, "en").relevant


def test_an_undated_article_takes_the_day_the_pipeline_found_it() -> None:
    from datetime import datetime

    from tasks.events import safe_extract

    row = {"title": "Burkina : cinq soldats tués près de Djibo", "text": "Cinq soldats ont été tués lundi dans une "
           "embuscade près de Djibo, selon des sources sécuritaires.", "published": None, "language": "fr",
           "canonical_url": "http://example.org/article", "fetched_at": datetime(2024, 6, 5, 9, 30, tzinfo=UTC)}
    extraction, skip = safe_extract(row)
    assert skip is None and extraction.events[0].event_date == "2024-06-03"  # the Monday before Wednesday 5 June
    extraction, _ = safe_extract({**row, "fetched_at": None})
    assert extraction.events[0].event_date is None


def test_collapses_and_returns_to_an_old_attack_are_no_events() -> None:
    mine = ("Au moins 40 orpailleurs ont péri lorsqu'une galerie s'est effondrée sur un site d'orpaillage près de "
            "Kéniéba, selon des sources locales.")
    hotel = ("Six mois après l'attaque, le marché de Kaya a rouvert. Le 3 janvier dernier, des hommes armés y avaient "
             "tué douze commerçants.")
    assert not extract(None, mine, "2024-03-10", "fr").relevant
    assert not extract("Kaya, six mois après l'attaque", hotel, "2024-07-10", "fr").relevant


def test_an_assault_on_the_presidency_is_a_battle_and_riot_police_are_police() -> None:
    palace = ("Des hommes armés ont attaqué mercredi soir le palais présidentiel à N'Djamena, faisant 12 morts "
              "selon le gouvernement.")
    riot = ("At least 9 people were killed on Thursday in Kaédi when riot police clashed with demonstrators "
            "protesting against the election results.")
    main = extract(None, palace, "2024-05-10", "fr").events[0]
    assert (main.event_type, main.actor2) == ("Battles", "Military Forces of Chad")
    main = extract(None, riot, "2024-07-05", "en").events[0]
    assert (main.event_type, main.sub_event_type, main.actor2) == ("Riots", "Violent demonstration",
                                                                   "Police Forces of Mauritania")


def test_the_capital_named_by_its_country() -> None:
    text = "At least 12 people were killed on Thursday when police clashed with demonstrators in the Chadian capital."
    main = extract(None, text, "2024-05-10", "en").events[0]
    assert (main.country, main.location) == ("TD", "N'Djamena")


def test_a_foiled_plot_with_officers_arrested_is_arrests_by_the_government() -> None:
    text = ("Cinq officiers ont été interpellés au Niger, soupçonnés d'être impliqués dans un complot, après que le "
            "gouvernement a affirmé mardi avoir déjoué une tentative de coup d'État.")
    main = extract(None, text, "2024-05-10", "fr").events[0]
    assert (main.sub_event_type, main.actor1, main.actor2) == ("Arrests", "Government of Niger", "Military Forces of Niger")


def test_residents_attacked_are_the_scene_and_sources_reached_elsewhere_are_not() -> None:
    text = ("Vers 2h du matin samedi, les habitants de Nadiagou ont été attaqués par des hommes armés qui ont tué huit "
            "personnes. Des sources locales jointes à Pama ont confirmé l'incident.")
    main = extract(None, text, "2024-05-13", "fr").events[0]
    assert main.location == "Nadiagou"
