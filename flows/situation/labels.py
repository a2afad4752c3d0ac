"""The situation page's words in English and French, and its colours.

Event and sub-event types stay ACLED's English names in the data (and in exports); the page shows them through
these tables. Country names in French come from pycountry's ISO 3166 translations.
"""

from __future__ import annotations

import gettext
from functools import cache

import pycountry

LANGUAGES = ("en", "fr")

# ACLED's six event types, in the order of the legend; colours from Tableau 10 (distinct for colour-blind readers).
EVENT_TYPES = {
    "Battles": ("#e15759", "Affrontements"),
    "Violence against civilians": ("#b07aa1", "Violences contre les civils"),
    "Explosions/Remote violence": ("#f28e2b", "Explosions/Violences à distance"),
    "Riots": ("#edc948", "Émeutes"),
    "Protests": ("#4e79a7", "Manifestations"),
    "Strategic developments": ("#59a14f", "Développements stratégiques"),
}
OTHER_COLOUR = "#79706e"

SUB_EVENT_TYPES_FR = {
    "Armed clash": "Affrontement armé",
    "Government regains territory": "Reprise de territoire par le gouvernement",
    "Non-state actor overtakes territory": "Prise de territoire par un acteur non étatique",
    "Chemical weapon": "Arme chimique",
    "Air/drone strike": "Frappe aérienne ou de drone",
    "Suicide bomb": "Attentat-suicide",
    "Shelling/artillery/missile attack": "Bombardement, artillerie ou missile",
    "Remote explosive/landmine/IED": "Engin explosif, mine ou EEI",
    "Grenade": "Grenade",
    "Sexual violence": "Violences sexuelles",
    "Attack": "Attaque",
    "Abduction/forced disappearance": "Enlèvement ou disparition forcée",
    "Peaceful protest": "Manifestation pacifique",
    "Protest with intervention": "Manifestation réprimée",
    "Excessive force against protesters": "Force excessive contre des manifestants",
    "Violent demonstration": "Manifestation violente",
    "Mob violence": "Violence collective",
    "Agreement": "Accord",
    "Arrests": "Arrestations",
    "Change to group/activity": "Changement de groupe ou d'activité",
    "Disrupted weapons use": "Usage d'armes empêché",
    "Headquarters or base established": "Quartier général ou base établi",
    "Looting/property destruction": "Pillage ou destruction de biens",
    "Non-violent transfer of territory": "Transfert non violent de territoire",
    "Other": "Autre",
}

TEXT = {
    "en": {
        "title": "Sahel situation",
        "period": "Period",
        "events": "events",
        "fatalities": "fatalities",
        "shown": "shown",
        "of": "of",
        "feeds": "feeds polled",
        "health_ok": "ok",
        "health_failing": "failing",
        "health_dead": "dead",
        "last_run": "Last run",
        "no_run": "no run yet",
        "generated": "Page generated",
        "country": "Country",
        "type": "Event type",
        "from": "From",
        "to": "To",
        "reset": "Show all",
        "map": "Map",
        "timeline": "Timeline",
        "events_per_day": "Events per day",
        "deaths_per_day": "Fatalities per day",
        "table": "Events",
        "date": "Date",
        "place": "Place",
        "admin1": "Admin 1",
        "actors": "Actors",
        "deaths": "Fatalities",
        "outlets": "Outlets",
        "details": "Sources & evidence",
        "sources": "Sources",
        "evidence": "Evidence",
        "notes": "Summary",
        "approximate": "approximate place",
        "exact": "named place",
        "approximate_long": "approximate (near a town, or a region)",
        "no_events": "No event matches the filters.",
        "show_in_table": "Show in table",
        "no_coordinates": "without coordinates, not on the map",
        "wounded": "wounded",
        "abducted": "abducted",
        "version": "revision",
        "role_origin": "first report",
        "role_source": "further report",
        "role_duplicate": "syndicated copy",
        "fields": "fields",
        "licences": "Licences",
        "outlines": "Country outlines: Natural Earth (public domain), via world-atlas.",
        "made_with": "Made with",
        "all": "all",
        "size_legend": "size: fatalities",
        "no_date": "no date",
        "filter_hint": "Click to filter; none selected shows all.",
        "field_event_date": "date",
        "field_event_type": "type",
        "field_actors": "actors",
        "field_location": "place",
        "field_fatalities": "fatalities",
        "field_wounded": "wounded",
        "field_abducted": "abducted",
        "vs": "vs",
        "error": "The page could not be drawn:",
        "show_more": "Show 200 more",
        "show_all_rows": "Show all",
        "run_completed": "completed",
        "run_running": "running",
        "run_failed": "failed",
    },
    "fr": {
        "title": "Situation au Sahel",
        "period": "Période",
        "events": "événements",
        "fatalities": "morts",
        "shown": "affichés",
        "of": "sur",
        "feeds": "flux interrogés",
        "health_ok": "en service",
        "health_failing": "en échec",
        "health_dead": "hors service",
        "last_run": "Dernière exécution",
        "no_run": "aucune exécution",
        "generated": "Page produite",
        "country": "Pays",
        "type": "Type d'événement",
        "from": "Du",
        "to": "Au",
        "reset": "Tout afficher",
        "map": "Carte",
        "timeline": "Chronologie",
        "events_per_day": "Événements par jour",
        "deaths_per_day": "Morts par jour",
        "table": "Événements",
        "date": "Date",
        "place": "Lieu",
        "admin1": "Région",
        "actors": "Acteurs",
        "deaths": "Morts",
        "outlets": "Médias",
        "details": "Sources et preuves",
        "sources": "Sources",
        "evidence": "Phrases sources",
        "notes": "Résumé",
        "approximate": "lieu approximatif",
        "exact": "lieu nommé",
        "approximate_long": "approximatif (près d'une ville, ou une région)",
        "no_events": "Aucun événement ne correspond aux filtres.",
        "show_in_table": "Voir dans le tableau",
        "no_coordinates": "sans coordonnées, absents de la carte",
        "wounded": "blessés",
        "abducted": "enlevés",
        "version": "révision",
        "role_origin": "premier article",
        "role_source": "autre article",
        "role_duplicate": "copie reprise",
        "fields": "champs",
        "licences": "Licences",
        "outlines": "Frontières : Natural Earth (domaine public), via world-atlas.",
        "made_with": "Réalisé avec",
        "all": "tous",
        "size_legend": "taille : nombre de morts",
        "no_date": "sans date",
        "filter_hint": "Cliquer pour filtrer ; sans sélection, tout est affiché.",
        "field_event_date": "date",
        "field_event_type": "type",
        "field_actors": "acteurs",
        "field_location": "lieu",
        "field_fatalities": "morts",
        "field_wounded": "blessés",
        "field_abducted": "enlevés",
        "vs": "contre",
        "error": "La page n'a pas pu être dessinée :",
        "show_more": "200 de plus",
        "show_all_rows": "Tout afficher",
        "run_completed": "terminée",
        "run_running": "en cours",
        "run_failed": "en échec",
    },
}


@cache
def _french():
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])


def country_name(code: str | None, lang: str, fallback: str | None = None) -> str | None:
    """The country's name in `lang` from its ISO2 or numeric code; `fallback` (ACLED's English name) in English."""
    if not code:
        return fallback
    country = pycountry.countries.get(numeric=code) if code.isdigit() else pycountry.countries.get(alpha_2=code)
    if country is None:
        return fallback or code
    if lang == "fr":
        return _french().gettext(country.name)
    return fallback or getattr(country, "common_name", None) or country.name


def alpha2(numeric: str) -> str | None:
    """ISO 3166 numeric code (Natural Earth's feature id) → alpha-2."""
    country = pycountry.countries.get(numeric=numeric)
    return country.alpha_2 if country else None


def type_label(event_type: str, lang: str) -> str:
    return EVENT_TYPES[event_type][1] if lang == "fr" and event_type in EVENT_TYPES else event_type


def sub_type_label(sub_type: str | None, lang: str) -> str | None:
    return SUB_EVENT_TYPES_FR.get(sub_type, sub_type) if lang == "fr" and sub_type else sub_type


def type_colour(event_type: str) -> str:
    return EVENT_TYPES[event_type][0] if event_type in EVENT_TYPES else OTHER_COLOUR
