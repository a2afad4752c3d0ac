"""The operator's files, checked whole before anything runs: the feeds file and the alert rules file.

    path → read_yaml (UTF-8, YAML with its line) → pydantic model (every key known, every value its type)
         → a plain document, or one ConfigError line naming the file, the entry and the key

pydantic does the checking (unknown keys, strict booleans, numbers, nested shapes) so that both files are held to
the same rules and give the same kind of message; the stages then build their frozen records from the checked
document.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Annotated, Any

import pycountry
import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, ValidationError, field_validator

from tasks.errors import ConfigError


def read_yaml(path: Path, what: str) -> Any:
    """The parsed YAML of an operator's file; a missing file, bad bytes or bad YAML is one line with the line."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{what} file not found: {path}") from None
    except OSError as exc:
        raise ConfigError(f"cannot read {what} file {path}: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(f"{what} file {path} line {line}: not UTF-8 text (byte 0x{raw[exc.start]:02x})") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1} column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None)
        raise ConfigError(f"{what} file {path}{where}: not valid YAML" + (f" ({problem})" if problem else "")) from None


def _known_keys(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def _describe(error: dict, doc: Any, models: dict[tuple, type[BaseModel]], name_of) -> str:
    """One pydantic error as `where: what`, e.g. `feed #3 (Maliweb), key 'enabled': expected true or false`."""
    loc = tuple(error["loc"])
    where = name_of(loc, doc)
    key = loc[-1] if loc else None
    if error["type"] == "extra_forbidden":
        parent = models.get(loc[0] if len(loc) > 1 else None)
        close = difflib.get_close_matches(str(key), _known_keys(parent), n=1) if parent else []
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        known = f"; known keys: {', '.join(_known_keys(parent))}" if parent and not close else ""
        return f"{where}unknown key {key!r}{hint}{known}"
    if error["type"] == "missing":
        return f"{where}key {key!r} is missing"
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "bool_type":
        message = "expected true or false"
    value = error.get("input")
    shown = f", got {value!r}" if not isinstance(value, dict | list) and repr(value) not in message else ""
    return f"{where}{_key_label(loc)}{message}{shown}"[:300]


def _key_label(loc: tuple) -> str:
    """`key 'countries' item 2: ` for ('feeds', 1, 'countries', 1); `key 'url': ` for ('feeds', 1, 'url')."""
    names = [p for p in loc[1:] if isinstance(p, str)] or [p for p in loc if isinstance(p, str)]
    if not names:
        return ""
    item = f" item {loc[-1] + 1}" if isinstance(loc[-1], int) and len(loc) > 2 else ""
    return f"key {names[-1]!r}{item}: "


def validate(model: type[BaseModel], doc: Any, path: Path, what: str, models: dict, name_of) -> BaseModel:
    """`doc` checked against `model`, or a ConfigError for its first problem."""
    if not isinstance(doc, dict):
        shape = "empty" if doc is None else f"a {type(doc).__name__}"
        raise ConfigError(
            f"{what} file {path}: expected a mapping with `{'`, `'.join(_known_keys(model))}`, got {shape}"
        )
    try:
        return model.model_validate(doc)
    except ValidationError as exc:
        raise ConfigError(f"{path}: {_describe(exc.errors()[0], doc, models, name_of)}") from None


# --- shared field types -------------------------------------------------------------------------------------


def _listed(value: Any) -> Any:
    """A single string where a list is expected is a list of one."""
    return [value] if isinstance(value, str | int | float) and not isinstance(value, bool) else value


def _country(code: Any) -> str:
    text = str(code).strip().upper()
    if len(text) != 2 or pycountry.countries.get(alpha_2=text) is None:
        raise ValueError(f"unknown country code {code!r} (ISO 3166-1 alpha-2, e.g. ML, BF, NE)")
    return text


Names = Annotated[list[str], BeforeValidator(_listed)]
Countries = Annotated[list[Annotated[str, BeforeValidator(_country)]], BeforeValidator(_listed)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- feeds file -----------------------------------------------------------------------------------------------


class FeedEntry(_Strict):
    name: str = Field(min_length=1)
    url: str
    language: str | None = None
    countries: Countries = []
    enabled: StrictBool = True

    @field_validator("url")
    @classmethod
    def _http(cls, url: str) -> str:
        if not url.strip().lower().startswith(("http://", "https://", "{{base}}")):
            raise ValueError("the url must start with http:// or https://")
        if any(ord(ch) < 33 or ord(ch) == 127 for ch in url.strip()):
            raise ValueError("the url contains a space or a control character")
        return url.strip()


class FeedsFile(_Strict):
    feeds: list[FeedEntry]


def _feed_where(loc: tuple, doc: dict) -> str:
    if len(loc) >= 2 and loc[0] == "feeds" and isinstance(loc[1], int):
        item = (doc.get("feeds") or [])[loc[1]]
        name = f" ({item['name']})" if isinstance(item, dict) and item.get("name") else ""
        return f"feed #{loc[1] + 1}{name}, " if len(loc) > 2 else f"feed #{loc[1] + 1}{name}: "
    return ""


def check_feeds(path: Path) -> FeedsFile:
    """The feeds file, checked whole."""
    doc = read_yaml(path, "feeds")
    return validate(FeedsFile, doc, Path(path), "feeds", {"feeds": FeedEntry, None: FeedsFile}, _feed_where)


# --- alert rules file -----------------------------------------------------------------------------------------


class RuleSpec(_Strict):
    channels: Names
    countries: Countries = []
    admin1: Names = []
    places: Names = []
    event_types: Names = []
    sub_event_types: Names = []
    actors: Names = []
    min_fatalities: int | None = Field(None, ge=0)
    min_confidence: float | None = Field(None, ge=0, le=1)
    digest: StrictBool = False
    on_revision: StrictBool = True


class Options(_Strict):
    max_age_hours: float = Field(72, gt=0)
    max_attempts: int = Field(10, ge=1)
    timeout: float = Field(5, gt=0)


class RulesFile(_Strict):
    channels: dict[str, str] = {}
    rules: dict[str, RuleSpec] = {}
    ops: Names = []
    options: Options = Options()

    @field_validator("channels", "rules", "options", mode="before")
    @classmethod
    def _empty(cls, value: Any) -> Any:
        return {} if value is None else value


def _rule_where(loc: tuple, doc: dict) -> str:
    if len(loc) >= 2 and loc[0] == "rules":
        return f"rule {loc[1]!r}, " if len(loc) > 2 else f"rule {loc[1]!r}: "
    if len(loc) >= 2 and loc[0] in ("channels", "options"):
        return f"{loc[0]}: "
    return ""


def check_rules(path: Path) -> RulesFile:
    """The alert rules file, checked whole."""
    doc = read_yaml(path, "alert rules")
    models = {"rules": RuleSpec, "options": Options, None: RulesFile}
    return validate(RulesFile, doc, Path(path), "alert rules", models, _rule_where)
