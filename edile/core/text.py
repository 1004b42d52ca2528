"""Control characters: refused nowhere, stripped everywhere text is stored or exported."""

from __future__ import annotations

import re

# C0 controls but tab, line feed and carriage return; DEL; C1 controls. None of them belongs
# in a name or a note, and XML 1.0 (IATI, DCAT) and XLSX refuse most of them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile("[\t\n\r]+")
# Characters XML 1.0 cannot hold at all (surrogates and U+FFFE/U+FFFF included).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def strip_control(value: str, *, multiline: bool = True) -> str:
    """`value` without control characters; one-line text also loses tabs and line breaks."""
    value = _CONTROL.sub("", value)
    if not multiline:
        value = _LINE_BREAKS.sub(" ", value)
    return value


def xml_safe(value: str) -> str:
    """`value` with only the characters XML 1.0 allows (for XML and XLSX exports)."""
    return _NOT_XML.sub("", _CONTROL.sub("", value))
