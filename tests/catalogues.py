"""
The desk's translation catalogues (locale/<code>/LC_MESSAGES/django.po) read
as messages: a small reader of the PO format, enough for the catalogues
`makemessages` writes, so that the suite needs no gettext tools to check them.
"""

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])? (\".*\")$")


@dataclass
class Message:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict = field(default_factory=dict)  # None or the plural index -> text
    flags: set = field(default_factory=set)

    @property
    def key(self):
        return (self.msgctxt, self.msgid)

    @property
    def translations(self):
        return list(self.msgstr.values())


def catalogue_path(language):
    return ROOT / "locale" / language / "LC_MESSAGES" / "django.po"


def read_catalogue(path):
    """Every message of the PO file at `path`, the header (msgid "") first."""
    messages, current, last = [], None, None
    for line in [*Path(path).read_text(encoding="utf-8").splitlines(), ""]:
        line = line.strip()
        if not line:
            if current is not None:
                messages.append(current)
            current = last = None
            continue
        if current is None:
            current = Message()
        if line.startswith("#,"):
            current.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            text = ast.literal_eval(line)
            if last[0] == "msgstr":
                current.msgstr[last[1]] += text
            else:
                setattr(current, last[0], getattr(current, last[0]) + text)
        else:
            keyword, index, text = KEYWORD.match(line).groups()
            text = ast.literal_eval(text)
            if keyword == "msgstr":
                last = ("msgstr", None if index is None else int(index))
                current.msgstr[last[1]] = text
            else:
                last = (keyword,)
                setattr(current, keyword, text)
    return messages


PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{\}")


def placeholders(text):
    """The named %-placeholders and {} slots of `text`, as a sorted list."""
    return sorted(match.group(0) for match in PLACEHOLDER.finditer(text))
