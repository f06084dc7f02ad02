"""Read-aloud in chromium: "Lyssna" buttons appear where the text can be heard, play the recording, stop when
pressed again, and work on a kiosk tablet next to kiosk.js.

The server is started with a folder of recordings (BRUKARENKAT_AUDIO_DIR) holding two of question 1's texts.
Headless chromium on Debian usually has no speech synthesis voices: then only the recorded texts get a button. When
it has a voice of the page's language on the machine, every button shows; the test checks whichever is true.
"""

from __future__ import annotations

import math
import struct
import subprocess
import wave
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import (
    BRUKARENKAT,
    LiveServer,
    free_port,
    server_env,
    stop,
    wait_until_answering,
)
from tests.browser.test_respondent_flow import MIN_TOUCH_TARGET, is_local

IPAD = {"viewport": {"width": 810, "height": 1080}, "has_touch": True, "is_mobile": False, "locale": "sv-SE"}
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True, "locale": "sv-SE"}
RECORDED = ("kontakt", "latt_svart.mycket_latt")
"""Question 1 of ifo@1 and its first option."""
WATCH_PLAYBACK = """
window.__played = [];
const play = HTMLMediaElement.prototype.play;
HTMLMediaElement.prototype.play = function () { window.__played.push(this); return play.apply(this, arguments); };
"""
"""read-aloud.js plays through `new Audio()`, which is in no document: keep every element that is played."""
FAKE_VOICES = """
window.__spoken = [];
const voices = %s;
Object.defineProperty(speechSynthesis, 'getVoices', { value: () => voices });
window.SpeechSynthesisUtterance = function (text) { this.text = text; };
Object.defineProperty(speechSynthesis, 'speak', { value: (u) => {
  window.__spoken.push({ text: u.text, lang: u.lang, voice: u.voice && u.voice.name });
  setTimeout(() => u.onend && u.onend(), 50);
} });
Object.defineProperty(speechSynthesis, 'cancel', { value: () => {} });
"""
"""Speech synthesis with the given voices (a browser's own would need a sound device and a voice to test with)."""
HAS_LOCAL_VOICE = """() => speechSynthesis.getVoices().some(v => v.localService
    && v.lang.replace('_', '-').toLowerCase().split('-')[0] === document.documentElement.lang.split('-')[0])"""


def write_tone(path: Path, seconds: float = 3.0) -> None:
    """A quiet 440 Hz tone: long enough to be caught playing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rate = 8000
    frames = b"".join(
        struct.pack("<h", int(3000 * math.sin(2 * math.pi * 440 * n / rate))) for n in range(int(rate * seconds))
    )
    with wave.open(str(path), "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(rate)
        audio.writeframes(frames)


@pytest.fixture(scope="module")
def audio_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, str]]:
    """The demo round served with recordings of two Swedish texts; also the demo kiosk's link."""
    workdir = tmp_path_factory.mktemp("read-aloud")
    for key in RECORDED:
        write_tone(workdir / "recordings" / "ifo" / "sv" / f"{key}.wav")
    for key in ("title", "intro"):  # the welcome page's one button reads both, one after the other
        write_tone(workdir / "recordings" / "ifo" / "sv" / f"{key}.wav", seconds=0.5)
    port = free_port()
    env = server_env(workdir, port)
    env["BRUKARENKAT_AUDIO_DIR"] = str(workdir / "recordings")
    server = LiveServer(base_url=env["BRUKARENKAT_BASE_URL"], env=env, workdir=workdir, log=workdir / "serve.log")
    demo = server.cli("demo", "--no-serve")
    kiosk = next(line.strip() for line in demo.splitlines() if "/kiosk/" in line)
    with server.log.open("wb") as log:
        process = subprocess.Popen(
            [str(BRUKARENKAT), "serve", "--port", str(port)], env=env, cwd=workdir, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            wait_until_answering(server, process)
            yield server, kiosk
        finally:
            stop(process)


@pytest.fixture
def new_page(browser: Browser) -> Iterator:
    contexts: list[BrowserContext] = []

    def open_page(options: dict[str, object], *scripts: str) -> tuple[Page, list[str]]:
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        for script in (WATCH_PLAYBACK, *scripts):
            context.add_init_script(script)
        contexts.append(context)
        page = context.new_page()
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        return page, requested

    yield open_page
    for context in contexts:
        context.close()


def listen_buttons(page: Page):
    return page.locator("button.listen")


def question_button(page: Page):
    return page.get_by_role("button", name="Lyssna på frågan")


def expect_buttons_for_what_can_be_heard(page: Page) -> None:
    """Recorded texts always get their button; the others only with a local voice of the page's language."""
    page.wait_for_timeout(600)  # read-aloud.js looks for voices again after 500 ms
    expect(question_button(page)).to_be_visible()
    expect(page.get_by_role("button", name="Lyssna på svaret Mycket lätt")).to_be_visible()
    unrecorded = page.get_by_role("button", name="Lyssna på svaret Ganska lätt", include_hidden=True)
    if page.evaluate(HAS_LOCAL_VOICE):
        expect(unrecorded).to_be_visible()
    else:
        expect(unrecorded).to_be_hidden()


def expect_touch_targets(page: Page) -> None:
    for button in listen_buttons(page).all():
        if button.is_visible():
            box = button.bounding_box()
            assert box and box["width"] >= MIN_TOUCH_TARGET and box["height"] >= MIN_TOUCH_TARGET, box


def expect_playing(page: Page, key: str) -> None:
    page.wait_for_function("() => window.__played.length > 0 && window.__played.at(-1).currentTime > 0")
    source, paused = page.evaluate("() => [window.__played.at(-1).src, window.__played.at(-1).paused]")
    assert f"/audio/ifo/sv/{key}.wav?v=" in source
    assert paused is False


@pytest.mark.browser
@pytest.mark.parametrize("device", [IPAD, PHONE], ids=["ipad", "phone"])
def test_a_recorded_question_plays_and_stops_when_pressed_again(audio_server, new_page, device) -> None:
    server, _ = audio_server
    page, requested = new_page(device)
    page.goto(server.issue_link() + "/1")
    expect_buttons_for_what_can_be_heard(page)
    expect_touch_targets(page)
    scroll_width, width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert scroll_width <= width, "the buttons fit beside the options"

    button = question_button(page)
    expect(button).to_have_attribute("aria-pressed", "false")
    button.tap()
    expect(button).to_have_attribute("aria-pressed", "true")
    expect_playing(page, "kontakt")

    button.tap()
    expect(button).to_have_attribute("aria-pressed", "false")
    assert page.evaluate("() => window.__played.at(-1).paused") is True

    # Another button takes over: the question stops, the option plays.
    button.tap()
    option = page.get_by_role("button", name="Lyssna på svaret Mycket lätt")
    option.tap()
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(option).to_have_attribute("aria-pressed", "true")
    expect_playing(page, "latt_svart.mycket_latt")
    assert page.evaluate("() => window.__played.at(-2).paused") is True
    # Listening chooses nothing.
    expect(page.get_by_role("radio", name="Mycket lätt", exact=True)).not_to_be_checked()
    assert all(is_local(url) for url in requested)


@pytest.mark.browser
def test_the_welcome_button_plays_title_and_introduction_in_turn(audio_server, new_page) -> None:
    server, _ = audio_server
    page, _ = new_page(IPAD)
    page.goto(server.issue_link())
    button = page.get_by_role("button", name="Lyssna", exact=True)
    button.tap()
    expect(button).to_have_attribute("aria-pressed", "true")
    page.wait_for_function("() => window.__played.length === 2")  # one element, played twice: fine on iOS too
    assert "/audio/ifo/sv/intro.wav?v=" in page.evaluate("() => window.__played[1].src")
    expect(button).to_have_attribute("aria-pressed", "false", timeout=5_000)  # done by itself


@pytest.mark.browser
def test_without_recording_or_voice_there_is_no_button(audio_server, new_page) -> None:
    server, _ = audio_server
    page, _ = new_page(IPAD)
    page.goto(server.issue_link() + "/3")  # forstaelse: nothing recorded
    page.wait_for_timeout(600)
    if page.evaluate(HAS_LOCAL_VOICE):
        pytest.skip("this chromium has a Swedish voice: speech synthesis reads every text")
    expect(listen_buttons(page)).to_have_count(6)
    for button in listen_buttons(page).all():
        expect(button).to_be_hidden()


@pytest.mark.browser
def test_read_aloud_on_a_kiosk_tablet(audio_server, new_page) -> None:
    """Both scripts on one page: the recording plays, and kiosk.js still carries the respondent on."""
    _, kiosk = audio_server
    page, _ = new_page(IPAD)
    page.goto(kiosk)
    page.get_by_role("link", name="Ekonomiskt bistånd").tap()  # staff choose the area
    page.get_by_role("button", name="Börja").tap()  # the respondent's start screen
    page.get_by_role("link", name="Börja").tap()  # the survey's welcome page
    expect(page.locator("body")).to_have_attribute("data-kiosk", "survey")
    expect(page.get_by_text("Fråga 1 av 8", exact=True)).to_be_visible()
    button = question_button(page)
    button.tap()
    expect_playing(page, "kontakt")
    page.locator("label.option", has_text="Ganska lätt").tap()
    page.get_by_role("button", name="Nästa").tap()
    expect(page.get_by_text("Fråga 2 av 8", exact=True)).to_be_visible()
    page.get_by_role("button", name="Tillbaka").tap()
    expect(page.get_by_role("radio", name="Ganska lätt", exact=True)).to_be_checked()


@pytest.mark.browser
def test_speech_synthesis_reads_in_the_pages_language_with_a_voice_of_this_device(audio_server, new_page) -> None:
    server, _ = audio_server
    voices = """[{ name: 'Google svenska', lang: 'sv-SE', localService: false },
                 { name: 'Alva', lang: 'sv-SE', localService: true }]"""
    page, requested = new_page(IPAD, FAKE_VOICES % voices)
    page.goto(server.issue_link() + "/3")  # forstaelse: nothing recorded
    buttons = listen_buttons(page)
    expect(buttons).to_have_count(6)
    for button in buttons.all():
        expect(button).to_be_visible()
    option = page.get_by_role("button", name="Lyssna på svaret Ganska stor förståelse")
    option.tap()
    page.wait_for_function("() => window.__spoken.length === 1")
    assert page.evaluate("() => window.__spoken[0]") == {
        "text": "Ganska stor förståelse",
        "lang": "sv",
        "voice": "Alva",  # not the network voice
    }
    expect(option).to_have_attribute("aria-pressed", "false")  # done speaking
    assert page.evaluate("() => window.__played.length") == 0
    assert all(is_local(url) for url in requested)


@pytest.mark.browser
def test_a_voice_of_another_language_does_not_read(audio_server, new_page) -> None:
    server, _ = audio_server
    page, _ = new_page(IPAD, FAKE_VOICES % "[{ name: 'Samantha', lang: 'en-US', localService: true }]")
    page.goto(server.issue_link() + "/1")
    expect(question_button(page)).to_be_visible()  # recorded
    page.wait_for_timeout(600)
    expect(page.get_by_role("button", name="Lyssna på svaret Ganska lätt", include_hidden=True)).to_be_hidden()
