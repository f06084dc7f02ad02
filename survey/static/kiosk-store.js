/* What an offline kiosk tablet keeps in IndexedDB, and nothing else (README, Privacy: "Offline kiosk").
 *
 * - `slice`: single-use tokens fetched while online, for respondents who start while the network is down. A
 *   token is taken out of the slice when a respondent presses "Börja".
 * - `queue`: what the server has yet to hear, oldest first. A taken token waits here as a `burn` (the
 *   respondent walked away: the server is to burn it); submitting turns the same entry into an `answer` (token,
 *   answers, submission key). An entry is deleted as soon as the server has acknowledged it.
 *
 * Nothing of a respondent's answers is stored before they press "Skicka in", and nothing here is shown on a
 * respondent's screen: the start screen shows staff only how many answers are waiting. Used by kiosk.js and
 * kiosk-runner.js through window.BrukarenkatKioskStore.
 */
(function () {
  "use strict";

  var NAME = "brukarenkat-kiosk";
  var VERSION = 1;
  var opening = null;

  function open() {
    if (!opening) {
      opening = new Promise(function (resolve, reject) {
        if (!("indexedDB" in window)) {
          reject(new Error("no IndexedDB"));
          return;
        }
        var request = window.indexedDB.open(NAME, VERSION);
        request.onupgradeneeded = function () {
          var db = request.result;
          var slice = db.createObjectStore("slice", { keyPath: "token" });
          slice.createIndex("place", "place");
          db.createObjectStore("queue", { keyPath: "id", autoIncrement: true });
        };
        request.onsuccess = function () {
          resolve(request.result);
        };
        request.onerror = function () {
          reject(request.error);
        };
      });
      opening.catch(function () {
        opening = null;
      });
    }
    return opening;
  }

  /* Run `work(stores)` in one transaction over `names`; resolves with what `work` left in `result.value`. */
  function transaction(names, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(names, mode);
        var result = { value: undefined };
        var stores = {};
        names.forEach(function (name) {
          stores[name] = tx.objectStore(name);
        });
        work(stores, result);
        tx.oncomplete = function () {
          resolve(result.value);
        };
        tx.onerror = tx.onabort = function () {
          reject(tx.error || new Error("transaction aborted"));
        };
      });
    });
  }

  function place(base, area) {
    return base + "|" + area;
  }

  function sliceCount(base, area) {
    return transaction(["slice"], "readonly", function (stores, result) {
      stores.slice.index("place").count(place(base, area)).onsuccess = function (event) {
        result.value = event.target.result;
      };
    });
  }

  function addTokens(base, area, tokens) {
    return transaction(["slice"], "readwrite", function (stores) {
      tokens.forEach(function (token) {
        stores.slice.put({ token: token, place: place(base, area) });
      });
    });
  }

  /* Take one token out of the slice and queue it as a `burn`, in one transaction: {id, token}, or null. */
  function takeToken(base, area) {
    return transaction(["slice", "queue"], "readwrite", function (stores, result) {
      result.value = null;
      stores.slice.index("place").openCursor(place(base, area)).onsuccess = function (event) {
        var cursor = event.target.result;
        if (!cursor) {
          return;
        }
        var token = cursor.value.token;
        cursor.delete();
        stores.queue.add({ kind: "burn", token: token, base: base }).onsuccess = function (added) {
          result.value = { id: added.target.result, token: token };
        };
      };
    });
  }

  /* The respondent pressed "Skicka in": their entry becomes an answer, keeping its place in the queue. */
  function queueAnswer(entry, answers, submissionKey, base) {
    return transaction(["queue"], "readwrite", function (stores) {
      stores.queue.put({
        id: entry.id,
        kind: "answer",
        token: entry.token,
        answers: answers,
        key: submissionKey,
        base: base,
      });
    });
  }

  function entries() {
    return transaction(["queue"], "readonly", function (stores, result) {
      var all = [];
      result.value = all;
      stores.queue.openCursor().onsuccess = function (event) {
        var cursor = event.target.result;
        if (cursor) {
          all.push(cursor.value);
          cursor.continue();
        }
      };
    });
  }

  function remove(id) {
    return transaction(["queue"], "readwrite", function (stores) {
      stores.queue.delete(id);
    });
  }

  function waitingAnswers() {
    return entries().then(function (all) {
      return all.filter(function (entry) {
        return entry.kind === "answer";
      }).length;
    });
  }

  window.BrukarenkatKioskStore = {
    open: open,
    sliceCount: sliceCount,
    addTokens: addTokens,
    takeToken: takeToken,
    queueAnswer: queueAnswer,
    entries: entries,
    remove: remove,
    waitingAnswers: waitingAnswers,
  };
})();
