"""`brukarenkat audio generate`: draft read-aloud audio with espeak-ng (survey/speech.py)."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from survey.cli_support import questionnaire_version, settings_from_env
from survey.i18n import Catalogs
from survey.services.errors import InvalidInput
from survey.speech import LanguageResult, SpeechUnavailable, generate


def cmd_audio_generate(args: argparse.Namespace) -> int:
    questionnaire = questionnaire_version(args.questionnaire, args.version)
    catalogs = Catalogs()
    if args.locale:
        by_lower = {code.lower(): code for code in catalogs.languages}
        codes = [by_lower.get(code.replace("-", "_").lower(), code) for code in args.locale]
    else:
        codes = [language.code for language in catalogs.offered_for(questionnaire)]
    out = Path(args.out or settings_from_env().audio_dir)

    def report(result: LanguageResult) -> None:
        if result.skipped:
            print(f"{result.code}: skipped: {result.skipped}", file=sys.stderr)
            return
        kept = f"; kept {len(result.kept)} that exist" if result.kept else ""
        print(f"{result.code}: {len(result.written)} files in {result.folder} (espeak-ng voice {result.voice}){kept}")

    try:
        results = generate(questionnaire, catalogs, codes, out, progress=report)
    except SpeechUnavailable as error:
        raise InvalidInput(str(error)) from error
    except subprocess.CalledProcessError as error:
        detail = (error.stderr or b"").decode("utf-8", "replace").strip()
        raise InvalidInput(f"{error.cmd[0]} failed: {detail or error.returncode}") from error
    if any(result.written for result in results):
        print("These are drafts (machine speech): see README.txt in each folder, and README, Read-aloud.")
    # Languages asked for by name must all have been spoken; without --locale, skipping some is expected.
    return 1 if args.locale and any(result.skipped for result in results) else 0
