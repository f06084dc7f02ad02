"""Draft audio for read-aloud: every text of a questionnaire spoken by espeak-ng, in the folder convention of
survey/audio.py, so that read-aloud works on devices without a voice of the language until real recordings exist.

espeak-ng (Debian package `espeak-ng`) writes WAV; with ffmpeg installed the WAV becomes MP3 (small, and the one
compressed format every browser plays, Safari on older iPads included), else the WAV stays. Files that are already
there are never overwritten: a municipality's recordings are safe from a second run.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from questionnaires import Questionnaire
from questionnaires.extract import translatable_texts
from survey.audio import FORMATS, text_key
from survey.i18n import SOURCE_LOCALE, Catalogs, Language

ESPEAK = "espeak-ng"
FFMPEG = "ffmpeg"
TIMEOUT = 60
DRAFT_NOTE = "README.txt"
_VOICE_LINE = re.compile(r"^\s*\d+\s+(\S+)\s+\S+\s+\S+\s+(\S+)\s*(.*)$")


class SpeechUnavailable(Exception):
    """espeak-ng is not installed."""


def espeak_voices(espeak: str = ESPEAK) -> set[str]:
    """The language names espeak-ng answers to (`sv`, `en`, `en-gb`, `fa`, …), from `espeak-ng --voices`.
    MBROLA voices are left out: they need a separate package and fail without it."""
    if shutil.which(espeak) is None:
        raise SpeechUnavailable(f"{espeak} is not installed (Debian: apt-get install espeak-ng)")
    listing = subprocess.run(  # noqa: S603 - a fixed program and arguments
        [espeak, "--voices"], capture_output=True, text=True, check=True, timeout=TIMEOUT
    ).stdout
    voices: set[str] = set()
    for line in listing.splitlines()[1:]:
        match = _VOICE_LINE.match(line)
        if not match or match.group(2).startswith("mb/"):
            continue
        voices.add(match.group(1).lower())
        voices.update(name.lower() for name in re.findall(r"\(([\w-]+) \d+\)", match.group(3)))
    return voices


def voice_for(language: Language, voices: set[str]) -> str | None:
    """The espeak-ng voice for a language: its exact tag (`fa-af`) or its language (`fa`); None when espeak-ng
    does not speak it (Somali, Tigrinya, Northern Sami in espeak-ng 1.51)."""
    tag = language.tag.lower()
    for candidate in (tag, tag.split("-")[0]):
        if candidate in voices:
            return candidate
    return None


def spoken_texts(questionnaire: Questionnaire, catalogs: Catalogs, code: str) -> list[tuple[str, str]]:
    """(text key, text in this language) for everything the respondent pages can read aloud: title, intro,
    questions, help texts and options. Area names (for staff) and report labels are left out."""
    read_aloud = {"title", "intro"}
    for question in questionnaire.questions:
        read_aloud |= {question.key, f"{question.key}.help"}
    for scale in questionnaire.scales:
        read_aloud |= {f"{scale.key}.{option.key}" for option in scale.options}
    translations = catalogs.questionnaire_gettext(code)
    return [
        (text_key(context), msgid if code == SOURCE_LOCALE else translations.pgettext(context, msgid))
        for context, msgid in translatable_texts(questionnaire)
        if text_key(context) in read_aloud
    ]


@dataclass
class LanguageResult:
    code: str
    folder: Path | None = None
    voice: str | None = None
    written: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    skipped: str | None = None
    """Why nothing was generated for this language."""


def generate(
    questionnaire: Questionnaire,
    catalogs: Catalogs,
    codes: list[str],
    out: Path,
    *,
    espeak: str = ESPEAK,
    ffmpeg: str | None = FFMPEG,
    progress: Callable[[LanguageResult], None] | None = None,
) -> list[LanguageResult]:
    """Draft audio for each language in `codes` into `out/<questionnaire key>/<code>/`."""
    voices = espeak_voices(espeak)
    encoder = shutil.which(ffmpeg) if ffmpeg else None
    offered = {language.code for language in catalogs.offered_for(questionnaire)}
    results = []
    for code in codes:
        result = LanguageResult(code)
        language = catalogs.languages.get(code)
        if language is None:
            result.skipped = f"not a language of the platform (enabled: {', '.join(catalogs.languages)})"
        elif code not in offered:
            result.skipped = f"{questionnaire.ident} is not fully translated into {language.name}"
        elif (voice := voice_for(language, voices)) is None:
            result.skipped = f"espeak-ng has no voice for {language.name} ({language.tag})"
        else:
            result.voice = voice
            result.folder = out / questionnaire.key / code
            _speak_language(questionnaire, catalogs, result, espeak=espeak, encoder=encoder)
        results.append(result)
        if progress:
            progress(result)
    return results


def _speak_language(
    questionnaire: Questionnaire, catalogs: Catalogs, result: LanguageResult, *, espeak: str, encoder: str | None
) -> None:
    assert result.folder is not None and result.voice is not None
    result.folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        for key, text in spoken_texts(questionnaire, catalogs, result.code):
            existing = [result.folder / f"{key}{suffix}" for suffix in FORMATS]
            if any(path.exists() for path in existing):
                result.kept.append(key)
                continue
            wav = Path(scratch) / f"{key}.wav"
            subprocess.run(  # noqa: S603 - our program, the text on stdin
                [espeak, "-v", result.voice, "-b", "1", "--stdin", "-w", str(wav)],
                input=text.encode("utf-8"),
                capture_output=True,
                check=True,
                timeout=TIMEOUT,
            )
            target = result.folder / (f"{key}.mp3" if encoder else f"{key}.wav")
            if encoder:
                subprocess.run(  # noqa: S603 - ffmpeg with our own file names
                    [encoder, "-nostdin", "-loglevel", "error", "-i", str(wav), "-codec:a", "libmp3lame", "-q:a", "6",
                     str(target)],
                    capture_output=True,
                    check=True,
                    timeout=TIMEOUT,
                )  # fmt: skip
            else:
                shutil.move(wav, target)
            result.written.append(target.name)
    if result.written:
        _note_drafts(result, questionnaire)


def _note_drafts(result: LanguageResult, questionnaire: Questionnaire) -> None:
    """README.txt in the language folder: which files are machine speech (appended to on every run)."""
    note = result.folder / DRAFT_NOTE  # type: ignore[operator]
    header = (
        "DRAFT AUDIO: MACHINE SPEECH, NOT RECORDINGS\n\n"
        "The files listed below were generated by `brukarenkat audio generate` with espeak-ng so that read-aloud\n"
        "works on devices without a voice for this language. Replace each with a recording by a person who speaks\n"
        "the language: same name (the text key), .mp3 preferred; delete the draft if the recording has another\n"
        "suffix. Then restart brukarenkat. Files not listed here are recordings; a later run never overwrites a\n"
        "file that exists.\n"
    )
    section = f"\n{questionnaire.ident}, language {result.code}, espeak-ng voice {result.voice}:\n" + "".join(
        f"  {name}\n" for name in result.written
    )
    with note.open("a", encoding="utf-8") as handle:
        if handle.tell() == 0:
            handle.write(header)
        handle.write(section)
