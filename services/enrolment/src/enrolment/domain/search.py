"""Finding a participant by name as staff type it: any case, with or without Polish diacritics."""

from __future__ import annotations

import re
import unicodedata

#: Letters that Unicode does not decompose into a base letter and a mark.
_FOLDED = str.maketrans({"ł": "l", "Ł": "l", "ß": "ss", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d"})
_SEPARATORS = re.compile(r"[\s\-']+")


def normalised(text: str) -> str:
    """``text`` without case or diacritics ("Łódź" and "lodz" are the same)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLDED))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text: str) -> list[str]:
    return [w for w in _SEPARATORS.split(normalised(text)) if w]


def name_prefixes(first_name: str, last_name: str) -> list[str]:
    """Every beginning of every word of the names, sorted, each once: a query word that is one of
    them begins a word of the names, so "every word of the query is among them" is :func:`name_matches`."""
    return sorted({word[:end] for word in words(f"{first_name} {last_name}") for end in range(1, len(word) + 1)})


def name_matches(query: str, first_name: str, last_name: str) -> bool:
    """Every word of ``query`` begins a word of the first or last name (a double surname's too)."""
    wanted = words(query)
    names = words(f"{first_name} {last_name}")
    return bool(wanted) and all(any(name.startswith(w) for name in names) for w in wanted)
