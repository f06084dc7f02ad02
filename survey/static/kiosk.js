/* Kiosk mode of a shared tablet: nothing of one respondent may reach the next (DESIGN.md §4).
 *
 * Loaded only on kiosk pages (survey/routes/kiosk_mode.py), which say what to do in data- attributes on <body>;
 * every text it shows is in the page, translated there. The pages work without it; it adds:
 * - navigation that replaces the history entry (forms are posted with fetch, links followed with
 *   location.replace), so Back never leads into an earlier respondent's survey;
 * - on survey pages, an idle timer with a visible warning, then the hidden abandon form is posted (the server
 *   burns the token and deletes its cookies) and the start screen is back;
 * - on the thank-you page, the way back to the start after a few seconds;
 * - on the start screen, Back that stays on the start screen, and empty web storage;
 * - on the start screen, the offline kiosk (kiosk-runner.js, kiosk-store.js, kiosk-sync.js, kiosk-sw.js): "Börja"
 *   runs the survey on the tablet, network or not, and the queue of finished answers is sent when it can be.
 */
(function () {
  "use strict";

  var body = document.body;
  var role = body.getAttribute("data-kiosk");
  var start = body.getAttribute("data-kiosk-start");
  if (!role || !start) {
    return;
  }
  var leaving = false;
  var canPost = "fetch" in window && "URLSearchParams" in window && "FormData" in window;
  var lastSubmitter = null; // for browsers without SubmitEvent.submitter ("Tillbaka" must stay "Tillbaka")
  var offlineReady = null; // on the start screen: resolves true once the survey can run on the tablet

  function runnerActive() {
    return Boolean(window.BrukarenkatKioskRunner && window.BrukarenkatKioskRunner.active());
  }

  function replaceWith(url) {
    leaving = true;
    window.location.replace(url);
  }

  function forgetStorage() {
    try {
      window.sessionStorage.clear();
      window.localStorage.clear();
    } catch (ignored) {
      // Storage may be switched off; then there is nothing in it either.
    }
  }

  function submitNormally(form, submitter) {
    if (submitter && submitter.name) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = submitter.name;
      input.value = submitter.value;
      form.appendChild(input);
    }
    HTMLFormElement.prototype.submit.call(form);
  }

  /* Post a form and show where the server redirects to, in place of the current history entry. */
  function post(form, submitter) {
    leaving = true;
    if (!canPost) {
      submitNormally(form, submitter);
      return;
    }
    var data = new URLSearchParams(new FormData(form));
    if (submitter && submitter.name) {
      data.append(submitter.name, submitter.value);
    }
    window
      .fetch(form.action, { method: "POST", body: data, credentials: "same-origin", redirect: "follow" })
      .then(function (response) {
        if (!response.redirected) {
          throw new Error("not redirected");
        }
        window.location.replace(response.url);
      })
      .catch(function () {
        submitNormally(form, submitter); // the server's own page (an error, or no network) as without script
      });
  }

  document.addEventListener(
    "click",
    function (event) {
      var button = event.target.closest ? event.target.closest("button[type=submit], input[type=submit]") : null;
      if (button) {
        lastSubmitter = button;
      }
    },
    true
  );

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (runnerActive() || !canPost || event.defaultPrevented || (form.getAttribute("method") || "").toLowerCase() !== "post") {
      return;
    }
    event.preventDefault();
    var submitter = event.submitter || (lastSubmitter && lastSubmitter.form === form ? lastSubmitter : null);
    if (leaving) {
      return;
    }
    if (offlineReady && form.classList.contains("kiosk-begin")) {
      leaving = true;
      offlineReady
        .then(function (ready) {
          return ready ? window.BrukarenkatKioskRunner.begin() : false;
        })
        .catch(function () {
          return false;
        })
        .then(function (begun) {
          leaving = false;
          if (!begun) {
            post(form, submitter); // no token or screens on the tablet yet: the server starts the survey
          }
        });
      return;
    }
    post(form, submitter);
  });

  document.addEventListener("click", function (event) {
    if (runnerActive() || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    var link = event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || link.target || link.origin !== window.location.origin) {
      return;
    }
    if (link.hash && link.pathname === window.location.pathname && link.search === window.location.search) {
      return; // "Hoppa till innehållet" and other links within the page
    }
    event.preventDefault();
    if (!leaving) {
      replaceWith(link.href);
    }
  });

  // A page restored from the back/forward cache was not asked of the server: ask it (a used token says so).
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      window.location.reload();
    }
  });

  function trapBack() {
    var here = window.location.href;
    window.history.pushState({ kiosk: "start" }, "", here);
    window.addEventListener("popstate", function () {
      window.history.pushState({ kiosk: "start" }, "", here);
    });
  }

  function returnLater() {
    var after = parseInt(body.getAttribute("data-kiosk-return-after"), 10);
    if (after > 0) {
      window.setTimeout(function () {
        replaceWith(start);
      }, after * 1000);
    }
  }

  /* The idle timer of a survey page: a visible warning, then `onTimeout`. Reads the warning from the page's body
   * as it is now (kiosk-runner.js calls it for each screen it shows); returns a function that stops the timer. */
  function watchIdle(seconds, onTimeout) {
    var page = document.body;
    var warning = page.querySelector("[data-kiosk-warning]");
    if (!(seconds > 0) || !warning || !warning.querySelector("[data-kiosk-continue]")) {
      return function () {};
    }
    var count = warning.querySelector("[data-kiosk-count]");
    var button = warning.querySelector("[data-kiosk-continue]");
    // WCAG 2.2.1: at least 20 s to say "not done yet"; at most 30 s, or a third of a long idle time.
    var warnFor = Math.min(30, Math.max(20, seconds / 3));
    var last = Date.now();
    var shown = false;
    var focusBefore = null;
    var timer = null;

    function setInert(inert) {
      Array.prototype.forEach.call(page.children, function (element) {
        if (element !== warning) {
          element.inert = inert;
        }
      });
    }

    function show() {
      shown = true;
      focusBefore = document.activeElement;
      warning.hidden = false;
      setInert(true);
      button.focus({ preventScroll: true });
    }

    function hide() {
      shown = false;
      warning.hidden = true;
      setInert(false);
      last = Date.now();
      if (focusBefore && focusBefore.focus) {
        focusBefore.focus({ preventScroll: true });
      }
    }

    function activity() {
      if (!shown) {
        last = Date.now();
      }
    }

    function escape(event) {
      if (event.key === "Escape") {
        hide();
      }
    }

    var ACTIVITY = ["pointerdown", "keydown", "input", "touchstart", "scroll"];
    ACTIVITY.forEach(function (type) {
      document.addEventListener(type, activity, { capture: true, passive: true });
    });
    // While the warning shows, only a tap on it (a complete click, so nothing underneath gets the tap) or a
    // key on its button brings the page back.
    warning.addEventListener("click", hide);
    warning.addEventListener("keydown", escape);

    function stop() {
      window.clearInterval(timer);
      ACTIVITY.forEach(function (type) {
        document.removeEventListener(type, activity, { capture: true, passive: true });
      });
    }

    timer = window.setInterval(function () {
      if (leaving) {
        return;
      }
      var left = seconds - (Date.now() - last) / 1000;
      if (left <= 0) {
        stop();
        onTimeout();
      } else if (left <= warnFor) {
        if (!shown) {
          show();
        }
        if (count) {
          count.textContent = String(Math.ceil(left));
        }
      }
    }, 250);
    return stop;
  }

  function watchThisPage() {
    var form = document.querySelector("[data-kiosk-abandon]");
    if (form) {
      watchIdle(parseInt(body.getAttribute("data-kiosk-idle"), 10), function () {
        post(form, null);
      });
    }
  }

  window.BrukarenkatKiosk = { watchIdle: watchIdle };

  var RETRY_MS = 5000;
  var REPORT_EVERY_TICKS = 60; // five minutes

  /* The offline kiosk (kiosk-runner.js): keep the screens and a slice of tokens, send what waits, and let "Börja"
   * start the survey on the tablet. Without those scripts, IndexedDB or a service worker, "Börja" asks the
   * server as before. */
  function offlineStart() {
    var base = body.getAttribute("data-kiosk-offline");
    var runner = window.BrukarenkatKioskRunner;
    var sync = window.BrukarenkatKioskSync;
    var store = window.BrukarenkatKioskStore;
    if (!base || !runner || !sync || !store) {
      return null;
    }
    var area = body.getAttribute("data-kiosk-area");
    var target = parseInt(body.getAttribute("data-kiosk-tokens"), 10) || 0;
    var waitingNote = document.querySelector("[data-kiosk-waiting]");
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker
        .register("/kiosk-sw.js", { scope: "/" })
        .then(function () {
          return navigator.serviceWorker.ready;
        })
        .then(function (registration) {
          registration.active.postMessage({ keep: window.location.href }); // this page came before the worker
        })
        .catch(function () {
          // without it a reload needs the network; the survey itself still runs on the tablet
        });
    }

    function showWaiting(count) {
      if (!waitingNote) {
        return;
      }
      waitingNote.hidden = !(count > 0);
      waitingNote.textContent = (waitingNote.getAttribute("data-label") || "{count}").replace("{count}", count);
    }

    function contact() {
      store.waitingAnswers().then(showWaiting, function () {});
      return sync
        .drain(base)
        .then(showWaiting, function () {})
        .then(function () {
          return sync.topUp(base, area, target);
        })
        .catch(function () {
          // offline: the slice and the queue wait for the network
        });
    }

    var ready = runner
      .prepare({ base: base, area: area, lang: body.getAttribute("data-kiosk-lang"), start: start })
      .then(contact)
      .then(
        function () {
          return true;
        },
        function () {
          return false;
        }
      );
    // The "online" event is not to be relied on (a Wi-Fi that comes back behind a captive portal sends none): while
    // answers wait, try every few seconds; otherwise report in now and then.
    window.addEventListener("online", contact);
    var ticks = 0;
    window.setInterval(function () {
      ticks += 1;
      if (runner.active()) {
        return;
      }
      store.entries().then(function (waiting) {
        if (waiting.length || ticks % REPORT_EVERY_TICKS === 0) {
          contact();
        }
      }, function () {});
    }, RETRY_MS);
    return ready;
  }

  if (role === "start") {
    forgetStorage();
    trapBack();
    offlineReady = offlineStart();
  } else if (role === "choose") {
    forgetStorage();
  } else if (role === "survey") {
    watchThisPage();
  } else if (role === "done") {
    forgetStorage();
    returnLater();
  }
})();
