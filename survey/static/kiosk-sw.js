/* The kiosk tablet's service worker: the start screen, the scripts, styles and fonts stay on the tablet, so that
 * a reload or a restart without network still shows the start screen (DESIGN.md §4). Registered by kiosk.js on a
 * kiosk's start screen only, so a respondent's own phone never gets it.
 *
 * Network first, always: what the server says wins whenever it answers (a revoked kiosk, a new version); the
 * copy is for when it does not. It keeps pages of kiosk links and static files, never a survey page, a token's
 * page or an API answer: those hold a respondent's place in a survey. A survey page asked for without network
 * (a reload in the middle of a survey) gets the last kiosk start screen instead, which is where the tablet goes
 * after every respondent anyway. The survey's own screens are kept by kiosk-runner.js.
 */
"use strict";

var CACHE = "brukarenkat-kiosk-pages-v1";
var TIMEOUT_MS = 5000;
var LAST_START = "/__kiosk_last_start";
var SHELL = [
  "/static/survey.css",
  "/static/kiosk.js",
  "/static/kiosk-store.js",
  "/static/kiosk-sync.js",
  "/static/kiosk-runner.js",
  "/static/read-aloud.js",
  "/static/fonts/NotoNaskhArabic-Regular.woff2",
  "/static/fonts/NotoNaskhArabic-Bold.woff2",
  "/static/fonts/NotoSansEthiopic-Regular.woff2",
  "/static/fonts/NotoSansEthiopic-Bold.woff2",
];

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches
      .open(CACHE)
      .then(function (cache) {
        return cache.addAll(SHELL);
      })
      .then(function () {
        return self.skipWaiting();
      })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

function isKioskPage(url) {
  // /kiosk/<link> and /kiosk/<link>?area=… (the start screens), not the JSON endpoints below a link
  return /^\/kiosk\/[^/]+$/.test(url.pathname);
}

function fromNetwork(request) {
  var controller = new AbortController();
  var timer = setTimeout(function () {
    controller.abort();
  }, TIMEOUT_MS);
  return fetch(request, { signal: controller.signal }).finally(function () {
    clearTimeout(timer);
  });
}

function keep(key, response) {
  if (response.ok && response.type === "basic") {
    var copy = response.clone();
    return caches.open(CACHE).then(function (cache) {
      return cache.put(key, copy);
    });
  }
  return Promise.resolve();
}

function kept(key) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(key);
  });
}

/* The start screen from the server, kept (and remembered as the last one) for when the server does not answer. */
function kioskPage(request, url) {
  return fromNetwork(request).then(
    function (response) {
      return keepStart(url, response);
    },
    function () {
      return kept(url.href).then(function (page) {
        return page || toLastStart();
      });
    }
  );
}

function keepStart(url, response) {
      var keeping = keep(url.href, response);
      if (response.ok) {
        keeping = keeping.then(function () {
          return caches.open(CACHE).then(function (cache) {
            return cache.put(LAST_START, new Response(url.href));
          });
        });
      }
      return keeping.then(
        function () {
          return response;
        },
        function () {
          return response;
        }
      );
}

/* The start screen that registered this worker was loaded before the worker was there: kiosk.js asks for it to be
 * kept now. Only a kiosk page of this origin is fetched. */
self.addEventListener("message", function (event) {
  var href = event.data && event.data.keep;
  if (typeof href !== "string") {
    return;
  }
  var url = new URL(href, self.location.origin);
  if (url.origin === self.location.origin && isKioskPage(url)) {
    event.waitUntil(
      fromNetwork(new Request(url.href, { credentials: "same-origin" })).then(function (response) {
        return keepStart(url, response);
      }, function () {})
    );
  }
});

function toLastStart() {
  return kept(LAST_START).then(function (last) {
    return last
      ? last.text().then(function (href) {
          return Response.redirect(href, 303);
        })
      : Response.error();
  });
}

function staticFile(request, url) {
  return fromNetwork(request).then(
    function (response) {
      return keep(url.pathname, response).then(function () {
        return response;
      });
    },
    function () {
      return kept(url.pathname).then(function (file) {
        return file || Response.error();
      });
    }
  );
}

function surveyPage(request) {
  return fromNetwork(request).catch(toLastStart);
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate" && isKioskPage(url)) {
    event.respondWith(kioskPage(request, url));
  } else if (url.pathname.indexOf("/static/") === 0 || url.pathname.indexOf("/audio/") === 0) {
    event.respondWith(staticFile(request, url));
  } else if (request.mode === "navigate" && url.pathname.indexOf("/s/") === 0) {
    event.respondWith(surveyPage(request));
  }
});
