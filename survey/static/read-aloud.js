/* Read-aloud: the "Lyssna" buttons of the respondent pages (DESIGN.md §4).
 *
 * A button names the elements it reads in data-read (ids, read in order). An element with data-audio has recordings
 * of its text (URLs, best format first; the server lists them, survey/audio.py): the first this browser can play is
 * played. Otherwise the browser's speech synthesis reads the element's text in the page's language (<html lang>),
 * with a voice of that language on this device. The buttons are rendered hidden and shown only when every text they
 * read can be heard: a recording, or a voice of the language; reading Arabic with a Swedish voice helps no one.
 * Pressing a button again stops it; another button, or leaving the page, stops it too.
 * Works next to kiosk.js: these are type="button" buttons, which kiosk mode leaves alone.
 */
(function () {
  "use strict";

  var buttons = Array.prototype.slice.call(document.querySelectorAll("button[data-read]"));
  if (!buttons.length) {
    return;
  }
  var pageLang = document.documentElement.getAttribute("lang") || "";
  var lang = pageLang.toLowerCase();
  var synth = "speechSynthesis" in window && "SpeechSynthesisUtterance" in window ? window.speechSynthesis : null;
  var probe = document.createElement("audio");
  var TYPES = {
    ogg: "audio/ogg",
    opus: 'audio/ogg; codecs="opus"',
    m4a: "audio/mp4",
    mp3: "audio/mpeg",
    wav: "audio/wav",
  };
  var voice = null;
  var current = null; // the press being heard: {button, parts, index, audio, attempt, speaking}

  function playable(url) {
    var suffix = url.split("?")[0].split(".").pop().toLowerCase();
    return Boolean(TYPES[suffix] && probe.canPlayType && probe.canPlayType(TYPES[suffix]) !== "");
  }

  function partsOf(button) {
    return button
      .getAttribute("data-read")
      .split(/\s+/)
      .map(function (id) {
        return document.getElementById(id);
      })
      .filter(Boolean)
      .map(function (element) {
        var sources = (element.getAttribute("data-audio") || "").split(/\s+/).filter(Boolean).filter(playable);
        return { text: element.textContent.replace(/\s+/g, " ").trim(), sources: sources };
      });
  }

  /* A voice for the page's language, the exact tag (fa-AF) before the same language (fa). Only voices of this
   * device: a network voice (Chrome's "Google …" voices) would send the survey's texts to another host. */
  function findVoice() {
    if (!synth || !lang) {
      return null;
    }
    var primary = lang.split("-")[0];
    var exact = null;
    var same = null;
    synth.getVoices().forEach(function (candidate) {
      var tag = (candidate.lang || "").replace(/_/g, "-").toLowerCase();
      if (!candidate.localService) {
        return;
      }
      if (tag === lang) {
        exact = exact || candidate;
      } else if (tag.split("-")[0] === primary) {
        same = same || candidate;
      }
    });
    return exact || same;
  }

  function audible(part) {
    return part.sources.length > 0 || (voice !== null && part.text !== "");
  }

  function reveal() {
    voice = findVoice();
    buttons.forEach(function (button) {
      var parts = partsOf(button);
      if (parts.length && parts.every(audible)) {
        if (!button.hasAttribute("aria-pressed")) {
          button.setAttribute("aria-pressed", "false");
        }
        button.hidden = false;
      }
    });
  }

  function setPlaying(button, playing) {
    button.setAttribute("aria-pressed", playing ? "true" : "false");
  }

  function stop() {
    var run = current;
    if (!run) {
      return;
    }
    current = null;
    run.attempt = null;
    if (run.audio) {
      run.audio.pause();
    }
    if (synth && run.speaking) {
      synth.cancel();
    }
    setPlaying(run.button, false);
  }

  function next(run) {
    if (run !== current) {
      return;
    }
    if (run.index >= run.parts.length) {
      stop();
      return;
    }
    var part = run.parts[run.index];
    run.index += 1;
    if (part.sources.length) {
      play(run, part, 0);
    } else {
      speak(run, part);
    }
  }

  /* The part's recordings in turn; when none plays, its text through speech synthesis (or on to the next).
   * One audio element per press, reused for every part: iOS lets an element that a tap started play again
   * without a tap, but not a new one. */
  function play(run, part, source) {
    if (source >= part.sources.length) {
      if (voice) {
        speak(run, part);
      } else {
        next(run);
      }
      return;
    }
    var audio = run.audio || (run.audio = new Audio());
    var attempt = {};
    run.attempt = attempt;
    function fail() {
      if (run === current && run.attempt === attempt) {
        run.attempt = null;
        play(run, part, source + 1);
      }
    }
    audio.onended = function () {
      if (run.attempt === attempt) {
        next(run);
      }
    };
    audio.onerror = fail;
    audio.src = part.sources[source];
    var started = audio.play();
    if (started && started.catch) {
      started.catch(function (error) {
        if (run !== current || run.attempt !== attempt) {
          return; // stopped, or moved on, meanwhile
        }
        if (error && error.name === "NotAllowedError") {
          stop(); // the browser wants a tap first: the next press will do
        } else {
          fail();
        }
      });
    }
  }

  function speak(run, part) {
    if (!synth || !voice) {
      next(run);
      return;
    }
    var utterance = new window.SpeechSynthesisUtterance(part.text);
    utterance.lang = pageLang;
    utterance.voice = voice;
    utterance.onend = function () {
      next(run);
    };
    utterance.onerror = function () {
      next(run);
    };
    run.speaking = true;
    synth.cancel(); // a queue left over (or stuck, as in some Chrome versions) would delay this one
    synth.speak(utterance);
  }

  buttons.forEach(function (button) {
    button.addEventListener("click", function () {
      if (current && current.button === button) {
        stop();
        return;
      }
      stop();
      current = { button: button, parts: partsOf(button), index: 0, audio: null, attempt: null, speaking: false };
      setPlaying(button, true);
      next(current);
    });
  });

  // Nothing goes on speaking on the next page, or for the next respondent on a kiosk tablet.
  window.addEventListener("pagehide", stop);

  reveal();
  if (synth) {
    // Voices load after the page in most browsers; some never fire voiceschanged, so look again a little later.
    if (synth.addEventListener) {
      synth.addEventListener("voiceschanged", reveal);
    }
    window.setTimeout(reveal, 500);
    window.setTimeout(reveal, 2000);
  }
})();
