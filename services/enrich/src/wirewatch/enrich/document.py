"""Turn raw article input into the text enrichment analyses, with the offset basis of the contract.

Entity and place offsets point into ``title + "\\n\\n" + text`` (see ``wirewatch.contracts.Entity``). Cleaning
therefore never changes lengths: control characters and lone surrogates are replaced one-for-one, and a long
body is analysed only up to a window so one huge page cannot stall the hop.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

SEPARATOR = "\n\n"

# C0/C1 controls except tab/newline/CR, and lone UTF-16 surrogates (which cannot be encoded as UTF-8 for BSON).
_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Below this share of letters and spaces a body is binary or markup debris rather than prose.
_MIN_PROSE_SHARE = 0.6
_NOT_PROSE = re.compile(r"[^\w\s]|[\d_]")  # neither a letter nor whitespace


@dataclass(slots=True)
class Document:
    """One article ready for analysis.

    ``basis`` is the full offset basis; ``analysed`` is its prefix the NLP steps look at (the whole basis unless
    the text was capped or dropped as garbage). ``title_end`` is where the title stops within both.
    """

    title: str
    text: str
    basis: str
    analysed: str
    title_end: int
    warnings: list[str] = field(default_factory=list)

    @property
    def body(self) -> str:
        """The analysed part of the body (after the title and separator)."""
        return self.analysed[self.title_end + len(SEPARATOR) :]

    def in_title(self, start: int) -> bool:
        return start < self.title_end


def _safe(value: str) -> str:
    return _UNSAFE.sub(" ", value)


def prose_share(text: str) -> float:
    """Share of letters and whitespace in ``text`` (1.0 for empty text)."""
    if not text:
        return 1.0
    sample = text[:20_000]
    return 1 - len(_NOT_PROSE.findall(sample)) / len(sample)


def prepare_document(title: str, text: str, *, max_chars: int) -> Document:
    """Clean ``title`` and ``text`` and decide how much of them to analyse; problems become warnings."""
    warnings: list[str] = []
    clean_title = _safe(title or "")
    clean_text = _safe(text or "")
    if clean_title != (title or "") or clean_text != (text or ""):
        warnings.append("control characters or invalid code points were replaced by spaces before analysis")
    basis = f"{clean_title}{SEPARATOR}{clean_text}"
    title_end = len(clean_title)
    analysed = basis
    if not clean_text.strip():
        warnings.append("no body text: enrichment is based on the title only")
    elif prose_share(text) < _MIN_PROSE_SHARE:  # the raw text: cleaning turns control bytes into spaces
        warnings.append("body text looks like binary or non-text data and was not analysed; title only")
        analysed = basis[: title_end + len(SEPARATOR)]
    elif len(basis) > max_chars:
        cut = max(max_chars, title_end + len(SEPARATOR))
        # Cut at a whitespace so no word (or entity) is analysed half.
        space = basis.rfind(" ", title_end + len(SEPARATOR), cut)
        analysed = basis[: space if space > 0 else cut]
        warnings.append(
            f"text is {len(clean_text)} characters; only the first {len(analysed)} characters were analysed"
        )
    if not clean_title.strip():
        warnings.append("empty title")
    return Document(clean_title, clean_text, basis, analysed, title_end, warnings)
