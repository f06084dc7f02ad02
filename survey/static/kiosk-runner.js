/* The survey on an offline-capable kiosk tablet: the same screens as the server's pages, run on the tablet.
 *
 * With JavaScript, a kiosk's respondent never waits on the network. The start screen keeps the survey's screens
 * (rendered by the server's own templates, survey/routes/kiosk_offline.py) and a slice of tokens; "Börja" takes
 * a token and shows the screens one after the other in this page, with the answers in this page's memory only.
 * "Skicka in" puts token, answers and a fresh submission key into the queue (kiosk-store.js), which
 * kiosk-sync.js sends now or when the network is back. After the thank-you screen, or when the tablet is left
 * idle, the page is loaded anew: the previous respondent's answers are gone with the page, and a token taken but
 * not answered is burned at the next sync. Used by kiosk.js through window.BrukarenkatKioskRunner.
 */
(function () {
  "use strict";

  var store = window.BrukarenkatKioskStore;
  var sync = window.BrukarenkatKioskSync;
  if (!store || !sync || !("DOMParser" in window) || !("caches" in window) || !("Promise" in window)) {
    return;
  }
  var CACHE = "brukarenkat-kiosk-screens";
  var PREFIX = "/s/offline";
  var SEND_WAIT_MS = 3000;

  var config = null; // {base, area, lang, start}
  var screens = {}; // language code -> screens
  var run = null; // the respondent now at the tablet: {entry, lang, answers, key, here, before, stopIdle}

  function screensUrl(lang) {
    return config.base + "/screens/" + encodeURIComponent(lang);
  }

  /* A language's screens: from the server when it answers (kept for later), else as kept last time. */
  function loadScreens(lang) {
    if (screens[lang]) {
      return Promise.resolve(screens[lang]);
    }
    var url = screensUrl(lang);
    return window
      .fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("screens: " + response.status);
        }
        var copy = response.clone();
        return window.caches
          .open(CACHE)
          .then(function (cache) {
            return cache.put(url, copy);
          })
          .then(function () {
            return response.json();
          });
      })
      .catch(function () {
        return window.caches.open(CACHE).then(function (cache) {
          return cache.match(url).then(function (kept) {
            if (!kept) {
              throw new Error("no screens kept for " + lang);
            }
            return kept.json();
          });
        });
      })
      .then(function (data) {
        // Each question's key, in order, as the review screen names them: read once per language.
        var review = new DOMParser().parseFromString(data.review, "text/html");
        data.keys = Array.prototype.map.call(review.querySelectorAll("[data-review]"), function (row) {
          return row.getAttribute("data-review");
        });
        screens[lang] = data;
        return data;
      });
  }

  /* Ready to run without the network: the screens of the start language, and the other languages kept too. */
  function prepare(options) {
    config = options;
    return loadScreens(config.lang).then(function (data) {
      (data.languages || []).forEach(function (lang) {
        if (lang !== config.lang) {
          loadScreens(lang).catch(function () {
            // kept when the network allows; the language picker falls back to what is kept
          });
        }
      });
      return data;
    });
  }

  function randomKey() {
    var bytes = new Uint8Array(24);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map
      .call(bytes, function (b) {
        return ("0" + b.toString(16)).slice(-2);
      })
      .join("");
  }

  /* Put a rendered page's body in place of this one's, with its language, direction and title. */
  function show(html, here) {
    if (run.stopIdle) {
      run.stopIdle();
      run.stopIdle = null;
    }
    window.dispatchEvent(new Event("pagehide")); // read-aloud stops what it was reading
    var doc = new DOMParser().parseFromString(html, "text/html");
    var root = document.documentElement;
    root.setAttribute("lang", doc.documentElement.getAttribute("lang") || "");
    root.setAttribute("dir", doc.documentElement.getAttribute("dir") || "ltr");
    document.title = doc.title;
    var body = document.adoptNode(doc.body);
    root.replaceChild(body, document.body);
    run.here = here;
    window.scrollTo(0, 0);
    if (body.querySelector("button[data-read]")) {
      var script = document.createElement("script");
      script.src = "/static/read-aloud.js";
      body.appendChild(script);
    }
    var main = document.getElementById("main");
    if (main) {
      main.focus({ preventScroll: true });
    }
    var kiosk = window.BrukarenkatKiosk;
    var idle = parseInt(body.getAttribute("data-kiosk-idle"), 10);
    if (kiosk && idle > 0) {
      run.stopIdle = kiosk.watchIdle(idle, leave);
    }
    var after = parseInt(body.getAttribute("data-kiosk-return-after"), 10);
    if (after > 0) {
      window.setTimeout(leave, after * 1000);
    }
  }

  function current() {
    return screens[run.lang];
  }

  function showWelcome() {
    show(current().welcome, { screen: "welcome" });
  }

  function showQuestion(number) {
    var all = current().questions;
    if (number < 1) {
      showWelcome();
      return;
    }
    if (number > all.length) {
      showReview();
      return;
    }
    show(all[number - 1], { screen: "question", number: number });
    var form = document.querySelector("form.question");
    var key = questionKey(number);
    var value = run.answers[key];
    if (!form || value === undefined) {
      return;
    }
    var box = form.querySelector("textarea[name=answer]");
    if (box) {
      box.value = value;
      return;
    }
    Array.prototype.forEach.call(form.querySelectorAll("input[name=answer]"), function (input) {
      input.checked = input.value === value;
    });
  }

  function questionKey(number) {
    return current().keys[number - 1] || String(number);
  }

  /* The review screen holds every possible answer; what stays is the respondent's, the rest is removed. */
  function showReview() {
    show(current().review, { screen: "review" });
    Array.prototype.forEach.call(document.querySelectorAll("[data-review]"), function (cell) {
      var value = run.answers[cell.getAttribute("data-review")];
      var answered = false;
      Array.prototype.slice.call(cell.querySelectorAll("[data-option], [data-text]")).forEach(function (shown) {
        var mine = value !== undefined && (shown.hasAttribute("data-text") || shown.getAttribute("data-option") === value);
        if (mine && !answered) {
          if (shown.hasAttribute("data-text")) {
            shown.textContent = value;
          }
          shown.hidden = false;
          answered = true;
        } else {
          shown.remove();
        }
      });
      var none = cell.querySelector("[data-none]");
      if (answered && none) {
        none.remove();
      }
    });
  }

  function showStatement() {
    run.before = run.here;
    show(current().statement, { screen: "statement" });
  }

  function showAgain(here) {
    if (!here || here.screen === "welcome") {
      showWelcome();
    } else if (here.screen === "question") {
      showQuestion(here.number);
    } else {
      showReview();
    }
  }

  function switchLanguage(lang) {
    loadScreens(lang).then(
      function () {
        run.lang = lang;
        showWelcome();
      },
      function () {
        showWelcome(); // not kept on this tablet: stay in the language it has
      }
    );
  }

  /* Back to the start screen, loaded anew: nothing of this respondent stays in the page. */
  function leave() {
    run = null;
    window.location.replace(config.start);
  }

  function submit() {
    var finished = run;
    finished.done = true;
    store
      .queueAnswer(finished.entry, finished.answers, finished.key, config.base)
      .then(function () {
        sync.skip(null);
        var wait = new Promise(function (resolve) {
          window.setTimeout(resolve, SEND_WAIT_MS);
        });
        return Promise.race([sync.drain(config.base), wait]);
      })
      .then(
        function () {
          show(current().thanks, { screen: "thanks" });
        },
        function () {
          show(current().thanks, { screen: "thanks" });
        }
      );
  }

  function onClick(event) {
    if (!run || event.defaultPrevented || event.button !== 0) {
      return;
    }
    var link = event.target.closest ? event.target.closest("a[href]") : null;
    if (!link) {
      return;
    }
    var href = link.getAttribute("href");
    if (href.charAt(0) === "#") {
      return; // "Hoppa till innehållet"
    }
    event.preventDefault();
    if (run.done) {
      leave(); // the thank-you screen's "Klar"
      return;
    }
    var url = new URL(href, window.location.href);
    var lang = url.searchParams.get("lang");
    var rest = url.pathname.indexOf(PREFIX) === 0 ? url.pathname.slice(PREFIX.length) : null;
    if (lang && run.here.screen === "welcome") {
      switchLanguage(lang);
    } else if (rest === "" || rest === "/") {
      showAgain(run.before); // the statement's way back
    } else if (rest !== null && /^\/\d+$/.test(rest)) {
      showQuestion(parseInt(rest.slice(1), 10));
    } else if (rest === "/review") {
      showReview();
    } else if (rest !== null && rest.indexOf("/tillganglighet") === 0) {
      showStatement();
    }
  }

  function onSubmit(event) {
    if (!run) {
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
    var form = event.target;
    if (run.done) {
      return;
    }
    if (form.classList.contains("question")) {
      var number = run.here.number;
      var data = new FormData(form);
      var value = String(data.get("answer") || "").trim();
      var key = questionKey(number);
      if (value) {
        run.answers[key] = value;
      } else {
        delete run.answers[key];
      }
      var submitter = event.submitter || null;
      var back = submitter && submitter.name === "nav" && submitter.value === "back";
      showQuestion(back ? number - 1 : number + 1);
    } else if ((form.getAttribute("action") || "").indexOf(PREFIX + "/submit") === 0) {
      submit();
    }
  }

  /* "Börja": a token from the slice, and the survey's welcome screen. Resolves false when there is no token. */
  function begin() {
    return store.takeToken(config.base, config.area).then(function (entry) {
      if (!entry) {
        return false;
      }
      sync.skip(entry.id);
      run = { entry: entry, lang: config.lang, answers: {}, key: randomKey(), here: null, before: null };
      document.addEventListener("click", onClick);
      document.addEventListener("submit", onSubmit, true);
      showWelcome();
      return true;
    });
  }

  window.BrukarenkatKioskRunner = {
    prepare: prepare,
    begin: begin,
    active: function () {
      return run !== null;
    },
  };
})();
