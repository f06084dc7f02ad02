"""Recorded audio for read-aloud: the folder convention, and the index of what is there.

    <audio_dir>/<questionnaire key>/<language code>/<text key>.<mp3|m4a|ogg|opus|wav>

The text key is the questionnaires domain's msgctxt after the colon (`title`, `intro`, `kontakt`,
`latt_svart.mycket_latt`), and the language code is the catalogs folder's (`sv`, `sv_lattlast`, `fa_AF`). The folder
is read once when the app starts: pages know whether a recording exists without touching the disk, and only files
in the index are ever served. A missing folder is no error: the browser's speech synthesis reads instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

FORMATS = {
    ".ogg": "audio/ogg",
    ".opus": "audio/ogg",
    ".m4a": "audio/mp4",
    ".mp3": "audio/mpeg",
    ".wav": "audio/wav",
}
"""Formats a recording may have, in the order a page offers them when a text has more than one (the browser plays
the first it can: Safari on older iPads plays no Ogg, but every browser plays MP3 and WAV)."""

NAME = re.compile(r"[A-Za-z0-9_]+")
"""Questionnaire keys and language codes."""
TEXT_KEY = re.compile(r"[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*")
URL_PREFIX = "/audio"


def text_key(context: str) -> str:
    """`ifo:latt_svart.mycket_latt` -> `latt_svart.mycket_latt`: the file name of a text, without its suffix."""
    return context.partition(":")[2]


@dataclass(frozen=True, slots=True)
class Recording:
    path: Path
    media_type: str
    version: str
    """Changes when the file does (size and modification time), so URLs can be cached for long."""


@dataclass(frozen=True, slots=True)
class AudioIndex:
    root: Path | None = None
    files: dict[tuple[str, str, str], Recording] = field(default_factory=dict)
    """(questionnaire key, language code, file name) -> the recording."""
    by_text: dict[tuple[str, str, str], tuple[str, ...]] = field(default_factory=dict)
    """(questionnaire key, language code, text key) -> its file names, in the order of FORMATS."""

    @classmethod
    def scan(cls, root: str | Path | None) -> AudioIndex:
        """Every recording under `root` that follows the convention; anything else (a README, a stray folder) is
        left out."""
        if root is None or not Path(root).is_dir():
            return cls(root=Path(root) if root is not None else None)
        base = Path(root)
        files: dict[tuple[str, str, str], Recording] = {}
        names: dict[tuple[str, str, str], list[str]] = {}
        for questionnaire in sorted(p for p in base.iterdir() if p.is_dir() and NAME.fullmatch(p.name)):
            for language in sorted(p for p in questionnaire.iterdir() if p.is_dir() and NAME.fullmatch(p.name)):
                for path in sorted(language.iterdir()):
                    suffix = path.suffix.lower()
                    if suffix not in FORMATS or not TEXT_KEY.fullmatch(path.stem) or not path.is_file():
                        continue
                    stat = path.stat()
                    if stat.st_size == 0:
                        continue
                    version = f"{stat.st_size:x}{stat.st_mtime_ns:x}"
                    files[(questionnaire.name, language.name, path.name)] = Recording(path, FORMATS[suffix], version)
                    names.setdefault((questionnaire.name, language.name, path.stem), []).append(path.name)
        order = list(FORMATS)
        by_text = {
            key: tuple(sorted(found, key=lambda name: order.index(Path(name).suffix.lower())))
            for key, found in names.items()
        }
        return cls(root=base, files=files, by_text=by_text)

    def file(self, questionnaire: str, language: str, name: str) -> Recording | None:
        return self.files.get((questionnaire, language, name))

    def urls(self, questionnaire: str, language: str, key: str) -> list[str]:
        """The URLs of a text's recordings (best format first); empty when there is none."""
        return [
            f"{URL_PREFIX}/{questionnaire}/{language}/{name}?v={self.files[(questionnaire, language, name)].version}"
            for name in self.by_text.get((questionnaire, language, key), ())
        ]

    def urls_for_context(self, language: str, context: str) -> list[str]:
        """The same for a questionnaires msgctxt (`ifo:kontakt`), as the templates name texts."""
        questionnaire, _, key = context.partition(":")
        return self.urls(questionnaire, language, key)
