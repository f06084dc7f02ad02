/* The offline kiosk's contact with the server: send what waits in the queue (oldest first), keep the slice of
 * tokens topped up, and report the waiting count for the staff's round page. Every step is safe to repeat: an
 * answer carries its submission key, so a resend after a lost reply is stored once (survey/services/responses.py).
 *
 * An entry leaves the queue only on the server's final word: stored (201), or refused for good (a 4xx: the link
 * was used by another submission, the round closed). A network error or a 5xx leaves it for the next try.
 */
(function () {
  "use strict";

  var store = window.BrukarenkatKioskStore;
  if (!store) {
    return;
  }
  var REQUEST_TIMEOUT_MS = 10000;
  var running = null;
  var skip = null; // the queue entry of the respondent now at the tablet: not to be burned under them

  function request(url, options) {
    var controller = "AbortController" in window ? new AbortController() : null;
    var timer = controller
      ? window.setTimeout(function () {
          controller.abort();
        }, REQUEST_TIMEOUT_MS)
      : null;
    options.credentials = "same-origin";
    options.cache = "no-store";
    if (controller) {
      options.signal = controller.signal;
    }
    return window.fetch(url, options).finally(function () {
      if (timer !== null) {
        window.clearTimeout(timer);
      }
    });
  }

  function json(url, body) {
    return request(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  }

  /* true: the server has had its say on this entry (delete it); false: try again later. */
  function send(entry) {
    var token = encodeURIComponent(entry.token);
    var sent =
      entry.kind === "answer"
        ? json("/api/v1/survey/" + token, { answers: entry.answers, submission_key: entry.key })
        : request("/s/" + token + "/abandon", {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body: "",
            redirect: "manual",
          });
    return sent.then(
      function (response) {
        return response.type === "opaqueredirect" || response.status < 500;
      },
      function () {
        return false;
      }
    );
  }

  function drainFrom(list, index) {
    if (index >= list.length) {
      return Promise.resolve(true);
    }
    var entry = list[index];
    if (skip !== null && entry.id === skip) {
      return drainFrom(list, index + 1);
    }
    return send(entry).then(function (done) {
      if (!done) {
        return false; // the network is gone again: keep the order, stop here
      }
      return store.remove(entry.id).then(function () {
        return drainFrom(list, index + 1);
      });
    });
  }

  /* Send everything that waits, then report how many answers are still waiting; one run at a time. */
  function drain(base) {
    if (running) {
      return running;
    }
    running = store
      .entries()
      .then(function (list) {
        return drainFrom(list, 0);
      })
      .then(function () {
        return store.waitingAnswers();
      })
      .then(function (waiting) {
        return json(base + "/sync", { waiting: waiting }).then(
          function () {
            return waiting;
          },
          function () {
            return waiting;
          }
        );
      })
      .finally(function () {
        running = null;
      });
    return running;
  }

  /* Fetch tokens while online until the tablet holds `target` for this area. */
  function topUp(base, area, target) {
    return store.sliceCount(base, area).then(function (have) {
      if (have >= target) {
        return have;
      }
      return json(base + "/tokens", { area: area, count: target - have })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("tokens refused: " + response.status);
          }
          return response.json();
        })
        .then(function (data) {
          return store.addTokens(base, area, data.tokens || []);
        })
        .then(function () {
          return store.sliceCount(base, area);
        });
    });
  }

  window.BrukarenkatKioskSync = {
    drain: drain,
    topUp: topUp,
    skip: function (id) {
      skip = id;
    },
  };
})();
