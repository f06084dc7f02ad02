"""Read-aloud: the folder convention for recordings, serving them, the pages that point at them, and the
`brukarenkat audio generate` command that speaks draft audio with espeak-ng."""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import wave
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient

from survey.app import create_app
from survey.audio import AudioIndex, text_key
from survey.cli import main
from survey.config import Settings
from survey.i18n import Catalogs, Language
from survey.platform import Platform
from survey.speech import espeak_voices, generate, spoken_texts, voice_for
from tests.factories import IFO, IFO_WITH_FREE_TEXT, open_round, tokens

HAS_ESPEAK = shutil.which("espeak-ng") is not None
needs_espeak = pytest.mark.skipif(
    not HAS_ESPEAK and not os.environ.get("CI"), reason="espeak-ng is missing: apt-get install espeak-ng"
)


def write_wav(path: Path, seconds: float = 0.2) -> Path:
    """A short silent WAV: a real file a browser can open."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(8000)
        audio.writeframes(b"\0\0" * int(8000 * seconds))
    return path


# --- the folder convention ----------------------------------------------------------------------


def test_text_keys_are_the_questionnaire_msgctxt_after_the_colon():
    assert text_key("ifo:kontakt") == "kontakt"
    assert text_key("ifo:latt_svart.mycket_latt") == "latt_svart.mycket_latt"
    assert text_key("ifo:title") == "title"


def test_the_index_finds_recordings_by_questionnaire_language_and_text_key(tmp_path: Path):
    write_wav(tmp_path / "ifo" / "sv" / "kontakt.wav")
    (tmp_path / "ifo" / "sv" / "kontakt.mp3").write_bytes(b"ID3 not really")
    (tmp_path / "ifo" / "fa_AF" / "latt_svart.mycket_latt.ogg").parent.mkdir(parents=True)
    (tmp_path / "ifo" / "fa_AF" / "latt_svart.mycket_latt.ogg").write_bytes(b"OggS")
    # Not recordings: a note, an empty file, an unknown format, a name outside the convention, a nested folder.
    (tmp_path / "ifo" / "sv" / "README.txt").write_text("drafts")
    (tmp_path / "ifo" / "sv" / "intro.mp3").write_bytes(b"")
    (tmp_path / "ifo" / "sv" / "title.flac").write_bytes(b"fLaC")
    (tmp_path / "ifo" / "sv" / "bad name.mp3").write_bytes(b"ID3")
    write_wav(tmp_path / "ifo" / "sv" / "deeper" / "nojd.wav")

    index = AudioIndex.scan(tmp_path)

    urls = index.urls("ifo", "sv", "kontakt")
    assert [re.sub(r"\?v=\w+$", "", url) for url in urls] == ["/audio/ifo/sv/kontakt.mp3", "/audio/ifo/sv/kontakt.wav"]
    assert index.urls_for_context("fa_AF", "ifo:latt_svart.mycket_latt")[0].startswith(
        "/audio/ifo/fa_AF/latt_svart.mycket_latt.ogg?v="
    )
    for key in ("intro", "title", "bad name", "nojd", "README"):
        assert index.urls("ifo", "sv", key) == []
    assert index.urls("ifo", "en", "kontakt") == [], "a recording is never borrowed from another language"
    found = index.file("ifo", "sv", "kontakt.wav")
    assert found is not None and found.media_type == "audio/wav"
    assert index.file("ifo", "sv", "README.txt") is None


def test_a_missing_audio_folder_means_no_recordings(tmp_path: Path):
    index = AudioIndex.scan(tmp_path / "nowhere")
    assert index.urls("ifo", "sv", "kontakt") == []
    assert AudioIndex.scan(None).files == {}


def test_a_changed_recording_gets_a_new_url(tmp_path: Path):
    path = write_wav(tmp_path / "ifo" / "sv" / "kontakt.wav", seconds=0.1)
    before = AudioIndex.scan(tmp_path).urls("ifo", "sv", "kontakt")
    write_wav(path, seconds=0.3)
    assert AudioIndex.scan(tmp_path).urls("ifo", "sv", "kontakt") != before


# --- serving and the pages ------------------------------------------------------------------------


@pytest.fixture
def audio_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "audio"
    write_wav(folder / "ifo" / "sv" / "kontakt.wav")
    write_wav(folder / "ifo" / "sv" / "latt_svart.vet_inte.wav")
    write_wav(folder / "ifo" / "sv" / "title.wav")
    return folder


@pytest.fixture
def audio_settings(settings: Settings, audio_dir: Path) -> Settings:
    return dataclasses.replace(settings, audio_dir=str(audio_dir))


@pytest.fixture
async def audio_client(audio_settings: Settings) -> AsyncIterator[AsyncTestClient]:
    async with AsyncTestClient(app=create_app(audio_settings), base_url="http://testserver.local") as test_client:
        test_client.follow_redirects = False
        yield test_client


@pytest.fixture
async def audio_platform(audio_settings: Settings) -> AsyncIterator[Platform]:
    built = Platform.build(audio_settings)
    yield built
    await built.engine.dispose()


async def test_a_recording_is_served_inline_cacheable_and_only_if_listed(audio_client, audio_dir: Path):
    reply = await audio_client.get("/audio/ifo/sv/kontakt.wav")
    assert reply.status_code == 200
    assert reply.content == (audio_dir / "ifo" / "sv" / "kontakt.wav").read_bytes()
    assert reply.headers["content-type"].startswith("audio/wav")
    assert reply.headers["content-disposition"].startswith("inline")
    assert "max-age" in reply.headers["cache-control"] and "no-store" not in reply.headers["cache-control"]
    assert reply.headers["content-security-policy"].startswith("default-src 'self'")

    (audio_dir / "ifo" / "sv" / "nojd.wav").write_bytes(b"RIFF")  # after start-up: not in the index
    for path in [
        "/audio/ifo/sv/nojd.wav",
        "/audio/ifo/en/kontakt.wav",
        "/audio/ifo/sv/..%2F..%2F..%2Fetc%2Fpasswd",
        "/audio/ifo/sv/README.txt",
    ]:
        assert (await audio_client.get(path)).status_code == 404, path


async def test_byte_ranges_are_answered_as_safari_needs_for_media(audio_client, audio_dir: Path):
    whole = (audio_dir / "ifo" / "sv" / "kontakt.wav").read_bytes()
    url = "/audio/ifo/sv/kontakt.wav"
    assert (await audio_client.get(url)).headers["accept-ranges"] == "bytes"

    probe = await audio_client.get(url, headers={"Range": "bytes=0-1"})  # Safari's first request
    assert probe.status_code == 206
    assert probe.content == whole[:2]
    assert probe.headers["content-range"] == f"bytes 0-1/{len(whole)}"

    rest = await audio_client.get(url, headers={"Range": "bytes=100-"})
    assert (rest.status_code, rest.content) == (206, whole[100:])
    tail = await audio_client.get(url, headers={"Range": "bytes=-10"})
    assert (tail.status_code, tail.content) == (206, whole[-10:])
    beyond = await audio_client.get(url, headers={"Range": f"bytes={len(whole)}-"})
    assert beyond.status_code == 416
    assert beyond.headers["content-range"] == f"bytes */{len(whole)}"
    several = await audio_client.get(url, headers={"Range": "bytes=0-1,5-6"})
    assert (several.status_code, several.content) == (200, whole)


async def test_the_question_page_points_at_a_recording_where_one_exists(audio_client, audio_platform, session):
    await open_round(session)
    [token] = await tokens(audio_platform, session)

    first = (await audio_client.get(f"/s/{token}/1")).text  # kontakt, scale latt_svart
    assert re.search(r'<h1 id="question-text" data-audio="/audio/ifo/sv/kontakt\.wav\?v=\w+">', first)
    assert re.search(r'<span id="option-vet_inte" data-audio="/audio/ifo/sv/latt_svart\.vet_inte\.wav\?v=\w+">', first)
    assert '<span id="option-mycket_latt">' in first, "no recording, no data-audio: speech synthesis reads it"
    assert '<script src="/static/read-aloud.js" defer></script>' in first

    second = (await audio_client.get(f"/s/{token}/2")).text  # information: same scale, the option is shared
    assert '<h1 id="question-text">' in second
    assert second.count("data-audio") == 1
    third = (await audio_client.get(f"/s/{token}/3")).text  # forstaelse, another scale: nothing recorded
    assert "data-audio" not in third

    welcome = (await audio_client.get(f"/s/{token}")).text
    assert re.search(r'<h1 id="survey-title" data-audio="/audio/ifo/sv/title\.wav\?v=\w+">', welcome)
    assert 'data-read="survey-title survey-intro"' in welcome


async def test_every_text_gets_a_hidden_listen_button_with_a_name(client, platform, session):
    """Without recordings the buttons are still there, hidden: read-aloud.js shows them when a voice can read."""
    await open_round(session)
    [token] = await tokens(platform, session)
    page = (await client.get(f"/s/{token}/1")).text
    assert "data-audio" not in page
    buttons = re.findall(r"<button type=\"button\" class=\"listen[^>]*>", page)
    assert len(buttons) == 1 + len(IFO.questions[0].scale.options)
    assert all(" hidden" in button for button in buttons)
    assert 'data-read="question-text" aria-label="Lyssna på frågan"' in page
    assert 'data-read="option-ganska_latt" aria-label="Lyssna på svaret Ganska lätt"' in page
    assert re.search(r"<span>Lyssna</span>\s*</button>", page)


# --- draft audio with espeak-ng -------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_voices_are_matched_by_tag_then_language():
    voices = {"sv", "en", "en-gb", "fa", "ar"}
    assert voice_for(Language("sv", "Svenska", "ltr"), voices) == "sv"
    assert voice_for(Language("sv_lattlast", "Lättläst svenska", "ltr", locale="sv"), voices) == "sv"
    assert voice_for(Language("fa_AF", "دری", "rtl"), voices) == "fa"
    assert voice_for(Language("en_GB", "English", "ltr"), voices) == "en-gb"
    assert voice_for(Language("ti", "ትግርኛ", "ltr"), voices) is None


def test_the_spoken_texts_are_what_the_respondent_pages_show():
    keys = [key for key, _ in spoken_texts(IFO_WITH_FREE_TEXT, Catalogs(), "sv")]
    assert keys[:3] == ["title", "intro", "kontakt"]
    assert {"latt_svart.mycket_latt", "ovrigt", "ovrigt.help"} <= set(keys)
    assert not [key for key in keys if key.startswith("area.")], "area names are for staff"
    assert len(keys) == len(set(keys))
    assert dict(spoken_texts(IFO, Catalogs(), "sv"))["kontakt"] == IFO.questions[0].text


@needs_espeak
def test_espeak_ng_speaks_swedish_and_lacks_tigrinya():
    voices = espeak_voices()
    assert "sv" in voices and "ar" in voices
    assert "ti" not in voices


@needs_espeak
def test_audio_generate_speaks_every_swedish_text_into_the_folder_convention(capsys, tmp_path: Path):
    code, out, err = run(capsys, "audio", "generate", "--questionnaire", "ifo", "--version", "1", "--locale", "sv",
                         "--out", str(tmp_path))  # fmt: skip
    assert code == 0, err
    folder = tmp_path / "ifo" / "sv"
    expected = {key for key, _ in spoken_texts(IFO, Catalogs(), "sv")}
    audio = {path.stem: path for path in folder.iterdir() if path.suffix in {".wav", ".mp3"}}
    assert set(audio) == expected
    assert all(path.stat().st_size > 1000 for path in audio.values())
    if audio["kontakt"].suffix == ".wav":  # MP3 when ffmpeg is installed
        with wave.open(str(audio["kontakt"])) as spoken:
            assert spoken.getnframes() > spoken.getframerate() // 2, "half a second or more of speech"
    note = (folder / "README.txt").read_text(encoding="utf-8")
    assert "MACHINE SPEECH" in note and "kontakt." in note
    assert f"sv: {len(expected)} files in {folder}" in out

    # The app finds them by the same convention.
    assert AudioIndex.scan(tmp_path).urls("ifo", "sv", "latt_svart.mycket_latt")

    # A recording put in place of a draft is never overwritten by a second run.
    recording = write_wav(audio["kontakt"].with_suffix(".wav"), seconds=1.0)
    audio["kontakt"].with_suffix(".mp3").unlink(missing_ok=True)
    before = recording.read_bytes()
    code, out, _ = run(capsys, "audio", "generate", "--questionnaire", "ifo", "--locale", "sv", "--out", str(tmp_path))
    assert code == 0
    assert recording.read_bytes() == before
    assert "kept" in out


@needs_espeak
def test_a_language_espeak_ng_lacks_is_reported_not_crashed(capsys, tmp_path: Path):
    code, _, err = run(capsys, "audio", "generate", "--questionnaire", "ifo", "--locale", "ti", "--locale", "xx",
                         "--out", str(tmp_path))  # fmt: skip
    assert code == 1
    assert "ti: skipped:" in err
    assert "xx: skipped: not a language of the platform" in err
    assert not (tmp_path / "ifo" / "ti").exists()


@needs_espeak
def test_drafts_become_mp3_when_ffmpeg_is_there(tmp_path: Path):
    """ffmpeg's part, with a stand-in that records its arguments and copies the WAV."""
    fake = tmp_path / "ffmpeg"
    fake.write_text('#!/bin/sh\necho "$@" >> "$(dirname "$0")/calls"\nfor last; do :; done\ncp "$5" "$last"\n')
    fake.chmod(0o755)
    out = tmp_path / "audio"
    [result] = generate(IFO, Catalogs(), ["sv"], out, ffmpeg=str(fake))
    assert result.written and all(name.endswith(".mp3") for name in result.written)
    assert "libmp3lame" in (tmp_path / "calls").read_text()
    assert (out / "ifo" / "sv" / "kontakt.mp3").stat().st_size > 1000


def test_audio_generate_says_what_to_install_without_espeak_ng(capsys, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no espeak-ng on it
    code, _, err = run(capsys, "audio", "generate", "--questionnaire", "ifo", "--locale", "sv", "--out", str(tmp_path))
    assert code == 1
    assert "espeak-ng is not installed" in err
