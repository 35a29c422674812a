/*
 * Autosave for the answer forms of an area page (templates/assessments/answering/area.html).
 *
 * htmx posts one indicator's form (hx-trigger="submit, autosave"); this file decides when,
 * and makes sure nothing typed is lost:
 *  - When: 800 ms after the last keystroke in a text field or the last change of a choice
 *    (arrow keys step through a radio group one change at a time; only where the person
 *    settles is saved, as one change in the history), and at once when they leave the
 *    field or the group, hide the tab or leave the page.
 *  - From the first change until the server has acknowledged it, the form's values and the
 *    answer version they are based on are kept in localStorage, per user, questionnaire and
 *    indicator. After a reload (or a crash, or closing the tab) the page puts them back into
 *    the fields, says so and saves them; if the answer changed meanwhile, the server answers
 *    with the conflict view.
 *  - 400 (invalid) and 409 (conflict, locked) responses are swapped in: htmx 2 ignores 4xx
 *    by default. A response without the portal's DX-Answer-State header is never used: no
 *    swap, no HX-Redirect.
 *  - django-htmx's debug script (DEBUG=1, `make run`) puts any 400/403/404/500 response in
 *    place of the whole document; the responses of the requests handled here never reach it.
 *  - Signed out (401 from accounts/background.py: idle time-out, absolute lifetime): the page
 *    stays, a notice asks to sign in again in another tab, and accounts:session is asked
 *    every few seconds. Once the same person is signed in, the waiting saves go out with the
 *    fresh CSRF token it hands out. A stale token (403 csrf-failed: signed in again in
 *    another tab) is refreshed the same way.
 *  - Network errors, time-outs and 5xx leave the form as typed, say so next to the
 *    indicator and retry with backoff (2, 4, 8, 16, then every 30 s) until a save succeeds.
 *    The server treats a retry of a save that did go through as success, not a conflict.
 *  - A response never overwrites what was typed while it was on its way: the new version is
 *    taken from its header and the newer input is saved next.
 *  - Leaving the page while something is unsaved asks first (beforeunload).
 * Without JavaScript every form has a 保存 button and the server redirects back (PRG).
 */
(function () {
  "use strict";

  if (!window.htmx) {
    return;
  }

  var TEXT_DELAY = 800;
  var CHOICE_DELAY = 800;
  var SESSION_POLL = 3000;
  var BACKOFF = [2000, 4000, 8000, 16000, 30000];
  var CSRF_RETRIES = 2; // with a fresh token each time; then it is a failure like any other
  var BACKGROUND_HEADER = "DX-Background";
  var words = document.getElementById("autosave-text");
  var states = {};
  var session = { waiting: false, alerted: false, checking: false, poll: null };

  function word(name) {
    return (words && words.getAttribute("data-" + name)) || "";
  }

  // Per indicator: `edits` counts changes, `sent` the edits the request in flight carries,
  // `saved` the edits known to be stored. Kept by key because swaps replace the elements.
  function stateOf(key) {
    if (!states[key]) {
      states[key] = {
        edits: 0,
        sent: 0,
        saved: 0,
        inFlight: false,
        action: "save",
        failures: 0,
        csrfFailures: 0,
        timer: null,
        retry: null,
        locked: false,
      };
    }
    return states[key];
  }

  function formOf(key) {
    return document.querySelector('form[data-autosave][data-answer="' + key + '"]');
  }

  function setStatus(key, message) {
    var status = document.getElementById("status-" + key);
    if (status) {
      status.textContent = message;
    }
  }

  function mark(key, value) {
    var wrapper = document.getElementById("indicator-" + key);
    if (wrapper) {
      wrapper.setAttribute("data-autosave-state", value);
    }
  }

  function notice(message) {
    var element = document.getElementById("autosave-notice");
    if (element) {
      element.textContent = message;
    }
  }

  function isTyping(element) {
    return element.matches("textarea, input[type=text], input[type=url], input:not([type])");
  }

  function isChoice(element) {
    return element.type === "radio" || element.tagName === "SELECT";
  }

  function keyOf(element) {
    return element && element.getAttribute ? element.getAttribute("data-answer") : null;
  }

  function requestElt(detail) {
    return (detail.requestConfig && detail.requestConfig.elt) || detail.elt;
  }

  // The answer forms, the conflict view's buttons and the evidence forms.
  function handledHere(elt) {
    return !!(elt && elt.hasAttribute && (elt.hasAttribute("data-answer") || elt.hasAttribute("data-evidence")));
  }

  // --- kept in this browser until the server has it ----------------------------------------

  var storePrefix = "dxportal.autosave:" + word("user") + ":" + word("questionnaire") + ":";
  var store = null;
  try {
    store = window.localStorage;
  } catch (e) {
    store = null; // storage refused: the page itself still holds the input
  }

  function baseOf(form) {
    return form.querySelector('input[name="base_version"]');
  }

  // The answer's fields by name; `asServed` reads what the server put in the page rather
  // than what is in the fields now (which the browser may have restored on a reload).
  function fieldsOf(form, asServed) {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (field) {
      var name = field.name;
      if (!name || name === "csrfmiddlewaretoken" || name === "base_version") {
        return;
      }
      if (field.type === "radio") {
        if (!(name in values)) {
          values[name] = "";
        }
        if (asServed ? field.defaultChecked : field.checked) {
          values[name] = field.value;
        }
      } else if (field.type === "checkbox") {
        values[name] = asServed ? field.defaultChecked : field.checked;
      } else if (field.tagName === "SELECT") {
        values[name] = asServed ? servedOption(field) : field.value;
      } else {
        values[name] = asServed ? field.defaultValue : field.value;
      }
    });
    return values;
  }

  // A select has no defaultValue: what the server chose is the option marked selected
  // (the browser shows the first when none is).
  function servedOption(select) {
    var served = Array.prototype.find.call(select.options, function (option) {
      return option.defaultSelected;
    });
    return served ? served.value : select.options.length ? select.options[0].value : "";
  }

  function putFields(form, values) {
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!(field.name in values) || field.name === "base_version") {
        return;
      }
      var value = values[field.name];
      if (field.type === "radio") {
        field.checked = field.value === value;
      } else if (field.type === "checkbox") {
        field.checked = value === true;
      } else {
        field.value = value;
      }
      var details = value !== "" && value !== false && field.closest("details");
      if (details) {
        details.open = true; // 補足: show what was put back
      }
    });
  }

  function sameFields(a, b) {
    return Object.keys(a)
      .concat(Object.keys(b))
      .every(function (name) {
        return a[name] === b[name];
      });
  }

  function keep(key) {
    var form = formOf(key);
    if (!store || !form) {
      return;
    }
    var entry = { base: baseOf(form).value, fields: fieldsOf(form, false), at: Date.now() };
    try {
      store.setItem(storePrefix + key, JSON.stringify(entry));
    } catch (e) {
      // full or refused: the page still holds the input
    }
  }

  function kept(key) {
    try {
      return JSON.parse(store.getItem(storePrefix + key));
    } catch (e) {
      return null;
    }
  }

  function drop(key) {
    try {
      store.removeItem(storePrefix + key);
    } catch (e) {
      // nothing kept
    }
  }

  // After a reload: put back what never reached the server, and save it.
  function restoreKept() {
    var restored = 0;
    document.querySelectorAll("form[data-autosave][data-answer]").forEach(function (form) {
      var key = keyOf(form);
      var entry = kept(key);
      if (!entry || !entry.fields) {
        return;
      }
      if (sameFields(fieldsOf(form, true), entry.fields)) {
        drop(key); // it did get there (a save whose answer was lost, or the one sent on leaving)
        return;
      }
      putFields(form, entry.fields);
      baseOf(form).value = entry.base;
      stateOf(key).edits += 1;
      mark(key, "dirty");
      setStatus(key, word("restored"));
      restored += 1;
      schedule(key, 0);
    });
    if (restored) {
      notice(word("restored-page"));
    }
  }

  // --- the session: signed out, a stale CSRF token ------------------------------------------

  var signedOutText = document.getElementById("autosave-signed-out-text");
  var signedOutWords = signedOutText ? signedOutText.textContent : "";

  function showSignedOut(otherUser) {
    var box = document.getElementById("autosave-signed-out");
    if (!box) {
      return;
    }
    if (signedOutText) {
      signedOutText.textContent = otherUser ? signedOutText.getAttribute("data-other-user") : signedOutWords;
    }
    box.hidden = false;
    session.alerted = true;
    Object.keys(states).forEach(function (key) {
      var s = states[key];
      if (!s.locked && s.edits !== s.saved && formOf(key)) {
        mark(key, "signed-out");
        setStatus(key, word("signed-out"));
      }
    });
  }

  function csrfToken() {
    var input = document.querySelector('input[name="csrfmiddlewaretoken"]');
    return input ? input.value : "";
  }

  // Every form posts its csrfmiddlewaretoken field (which Django reads before the header)
  // and htmx sends base.html's hx-headers: both get the token.
  function useToken(token) {
    if (!token) {
      return;
    }
    document.querySelectorAll('input[name="csrfmiddlewaretoken"]').forEach(function (input) {
      input.value = token;
    });
    var headers = {};
    try {
      headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
    } catch (e) {
      headers = {};
    }
    headers["X-CSRFToken"] = token;
    document.body.setAttribute("hx-headers", JSON.stringify(headers));
  }

  // No save goes out until checkSession finds the same person signed in.
  function waitForSession() {
    session.waiting = true;
    if (!session.poll) {
      session.poll = setInterval(checkSession, SESSION_POLL);
    }
    checkSession();
  }

  function signedOut() {
    showSignedOut(false);
    waitForSession();
  }

  function checkSession() {
    if (session.checking) {
      return;
    }
    session.checking = true;
    var headers = { Accept: "application/json" };
    headers[BACKGROUND_HEADER] = "1";
    fetch(word("session-url"), { credentials: "same-origin", cache: "no-store", headers: headers })
      .then(function (response) {
        return response.json();
      })
      .then(function (body) {
        session.checking = false;
        if (body && body.state === "signed-in" && String(body.user) === word("user")) {
          resume(body.csrf_token);
        } else if (body && (body.state === "signed-in" || body.state === "signed-out")) {
          showSignedOut(body.state === "signed-in");
        }
      })
      .catch(function () {
        session.checking = false; // offline, or not an answer of the portal: next poll
      });
  }

  function resume(token) {
    useToken(token);
    session.waiting = false;
    clearInterval(session.poll);
    session.poll = null;
    if (session.alerted) {
      session.alerted = false;
      document.getElementById("autosave-signed-out").hidden = true;
      notice(word("signed-in-again"));
    }
    Object.keys(states).forEach(function (key) {
      var s = states[key];
      if (!s.locked && !s.inFlight && s.edits !== s.saved) {
        clearTimeout(s.retry);
        s.retry = null;
        s.failures = 0;
        save(key);
      }
    });
  }

  // Back in this tab after signing in in another: ask at once rather than at the next poll.
  window.addEventListener("focus", function () {
    if (session.waiting) {
      checkSession();
    }
  });

  // --- saving ---------------------------------------------------------------------------------

  function save(key) {
    var s = stateOf(key);
    clearTimeout(s.timer);
    s.timer = null;
    if (s.inFlight || s.locked || s.edits === s.saved) {
      return; // a request in flight sends the rest when it is done
    }
    if (session.waiting) {
      if (session.alerted) {
        mark(key, "signed-out");
        setStatus(key, word("signed-out"));
      }
      return; // resume() sends it
    }
    var form = formOf(key);
    if (!form) {
      return;
    }
    // A form swapped in moments ago gets its htmx listeners only when htmx settles it
    // (20 ms later): process it now, and if no request started, try again shortly.
    htmx.process(form);
    htmx.trigger(form, "autosave");
    if (!s.inFlight) {
      s.starts = (s.starts || 0) + 1;
      if (s.starts > 50) {
        s.starts = 0;
        failed(key, s);
        return;
      }
      s.timer = setTimeout(function () {
        s.timer = null;
        save(key);
      }, 100);
    } else {
      s.starts = 0;
    }
  }

  function schedule(key, delay) {
    var s = stateOf(key);
    clearTimeout(s.timer);
    s.timer = setTimeout(function () {
      s.timer = null;
      save(key);
    }, delay);
  }

  // A change waiting for its delay goes now.
  function flush(key) {
    if (stateOf(key).timer) {
      save(key);
    }
  }

  function edited(event, delay) {
    var form = event.target.closest && event.target.closest("form[data-autosave]");
    if (!form) {
      return;
    }
    var key = keyOf(form);
    stateOf(key).edits += 1;
    keep(key);
    mark(key, "dirty");
    schedule(key, delay);
  }

  document.addEventListener("input", function (event) {
    if (isTyping(event.target)) {
      edited(event, TEXT_DELAY);
    }
  });

  // A text field left: save now (its input events counted the edit; Chrome also fires
  // change when a swap removes the focused field). A choice: when the person settles on
  // it. A checkbox: now.
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (isTyping(field)) {
      var key = keyOf(field.form);
      if (key) {
        flush(key);
      }
      return;
    }
    edited(event, isChoice(field) ? CHOICE_DELAY : 0);
  });

  // Leaving a radio group (not moving within it) saves where it settled.
  document.addEventListener("focusout", function (event) {
    var field = event.target;
    if (!isChoice(field) || !field.form) {
      return;
    }
    var next = event.relatedTarget;
    if (next && next.type === "radio" && next.name === field.name && next.form === field.form) {
      return;
    }
    var key = keyOf(field.form);
    if (key) {
      flush(key);
    }
  });

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      Object.keys(states).forEach(flush);
    } else if (session.waiting) {
      checkSession();
    }
  });

  // The page goes away: send what is unsaved with a request that outlives it. Its answer is
  // never read; what it carries stays in localStorage until the next visit finds it stored.
  // Not while saves are failing or the session has ended: it would fail too.
  window.addEventListener("pagehide", function () {
    if (session.waiting || !navigator.onLine) {
      return;
    }
    Object.keys(states).forEach(function (key) {
      var s = states[key];
      var form = formOf(key);
      if (s.locked || s.failures > 0 || s.edits === s.saved || !form) {
        return;
      }
      var headers = { "HX-Request": "true", "X-CSRFToken": csrfToken() };
      headers[BACKGROUND_HEADER] = "1";
      try {
        fetch(form.getAttribute("action"), {
          method: "POST",
          body: new FormData(form),
          credentials: "same-origin",
          headers: headers,
          keepalive: true,
        }).catch(function () {
          // kept in localStorage
        });
      } catch (e) {
        // larger than a keepalive request may be: kept in localStorage
      }
    });
  });

  // --- htmx requests and responses --------------------------------------------------------------

  document.addEventListener("htmx:configRequest", function (event) {
    if (handledHere(event.detail.elt)) {
      event.detail.headers[BACKGROUND_HEADER] = "1"; // a 401/403 status instead of a sign-in page
    }
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    var key = keyOf(elt);
    if (!key) {
      return;
    }
    var s = stateOf(key);
    clearTimeout(s.timer);
    s.timer = null;
    clearTimeout(s.retry);
    s.retry = null;
    s.inFlight = true;
    s.sent = s.edits;
    s.action = elt.getAttribute("data-answer-action") || "save";
    mark(key, "saving");
  });

  // Capturing on window runs before any listener on document, where django-htmx's debug
  // script waits to replace the page with a 400/403/404/500 response.
  window.addEventListener(
    "htmx:beforeOnLoad",
    function (event) {
      var detail = event.detail;
      var elt = requestElt(detail);
      if (!handledHere(elt)) {
        return;
      }
      event.stopPropagation();
      var xhr = detail.xhr;
      var usable =
        elt.getAttribute("data-answer-action") === "reload"
          ? xhr.status === 200 // the area page, of which hx-select takes this indicator
          : !!xhr.getResponseHeader("DX-Answer-State");
      if (!usable) {
        event.preventDefault(); // htmx then neither swaps nor follows an HX-Redirect
      }
    },
    true
  );

  var typing = null;
  var openDetails = [];

  // A swap must not close a <details> the person opened (補足, ファイルを添付する).
  function rememberOpenDetails(target) {
    openDetails = [];
    if (target && target.querySelectorAll) {
      target.querySelectorAll("details[open][id]").forEach(function (details) {
        openDetails.push(details.id);
      });
    }
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    var xhr = detail.xhr;
    var fromPortal = xhr.getResponseHeader("DX-Answer-State");
    var key = keyOf(detail.requestConfig && detail.requestConfig.elt);
    if (!key) {
      // Evidence blocks: a refused upload comes back as 400/409 with its message.
      if (fromPortal && (xhr.status === 400 || xhr.status === 409)) {
        detail.shouldSwap = true;
        detail.isError = false;
      }
      return;
    }
    var s = stateOf(key);
    if (s.action === "reload") {
      return;
    }
    if (!fromPortal) {
      detail.shouldSwap = false;
      return;
    }
    if (xhr.status === 409) {
      detail.shouldSwap = true;
      detail.isError = false;
      return;
    }
    if (xhr.status !== 200 && xhr.status !== 400) {
      return;
    }
    if (s.edits !== s.sent) {
      // Typed on while this was on its way: keep the form as it is, take the new version.
      detail.shouldSwap = false;
      var version = xhr.getResponseHeader("DX-Answer-Version");
      var form = formOf(key);
      if (xhr.status === 200 && form && version) {
        baseOf(form).value = version;
      }
      return;
    }
    detail.shouldSwap = true;
    detail.isError = false;
    // The server trims and normalises what it stores; the field being typed in keeps
    // exactly what the person typed (it means the same), so a trailing space survives.
    var active = document.activeElement;
    typing = null;
    if (xhr.status === 200 && active && active.id && isTyping(active)) {
      typing = {
        id: active.id,
        value: active.value,
        start: active.selectionStart,
        end: active.selectionEnd,
      };
    }
  });

  // Registered after the handler above, so it sees whether the response will be swapped.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.shouldSwap) {
      rememberOpenDetails(event.detail.target);
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var swapped = event.target;
    openDetails.forEach(function (id) {
      var details = document.getElementById(id);
      if (details) {
        details.open = true;
      }
    });
    openDetails = [];
    if (typing) {
      var field = document.getElementById(typing.id);
      if (field && field.value !== typing.value && document.activeElement === field) {
        field.value = typing.value;
        try {
          field.setSelectionRange(typing.start, typing.end);
        } catch (e) {
          // type="url" has no selection API
        }
      }
      typing = null;
    }
    // A swap that removed the focused control (conflict view, its buttons) must not drop
    // keyboard users at the top of the page: move focus into the new block.
    var active = document.activeElement;
    if (swapped.id && /^(answer|evidence)-/.test(swapped.id) && (!active || active === document.body)) {
      var target = swapped.querySelector("[data-focus-on-swap]") || swapped;
      target.focus();
    }
    // Evidence: repeat the block's message in the indicator's live status line.
    var evidenceKey = swapped.getAttribute && swapped.getAttribute("data-evidence");
    if (evidenceKey) {
      var message = swapped.querySelector(".evidence__message");
      if (message) {
        setStatus(evidenceKey, message.textContent);
      }
    }
  });

  function failed(key, s) {
    if (s.edits === s.saved) {
      mark(key, "saved"); // nothing was waiting to be saved (a 保存 press without changes)
      return;
    }
    s.failures += 1;
    var delay = BACKOFF[Math.min(s.failures - 1, BACKOFF.length - 1)];
    mark(key, "retrying");
    setStatus(key, word("retry"));
    s.retry = setTimeout(function () {
      s.retry = null;
      save(key);
    }, delay);
  }

  function evidenceAnswered(elt, xhr, sessionState) {
    var evidenceKey = elt && elt.getAttribute && elt.getAttribute("data-evidence");
    if (!evidenceKey) {
      return;
    }
    if (sessionState === "signed-out") {
      signedOut();
      setStatus(evidenceKey, word("upload-signed-out"));
      return;
    }
    if (sessionState === "csrf-failed") {
      waitForSession(); // the next try carries a fresh token
    }
    if (!xhr || !xhr.getResponseHeader("DX-Answer-State")) {
      setStatus(evidenceKey, word("upload-failed"));
    }
  }

  document.addEventListener("htmx:afterRequest", function (event) {
    var detail = event.detail;
    var elt = detail.requestConfig && detail.requestConfig.elt;
    var xhr = detail.xhr;
    var status = xhr ? xhr.status : 0;
    var answerState = xhr ? xhr.getResponseHeader("DX-Answer-State") : null;
    var sessionState = xhr ? xhr.getResponseHeader("DX-Session-State") : null;
    var key = keyOf(elt);
    if (!key) {
      evidenceAnswered(elt, xhr, sessionState);
      return;
    }
    var s = stateOf(key);
    if (!s.inFlight) {
      return; // already handled: htmx repeats the event on a parent when the form was swapped
    }
    s.inFlight = false;

    if (sessionState === "signed-out") {
      mark(key, "signed-out");
      setStatus(key, word("signed-out"));
      signedOut();
      return;
    }
    if (sessionState === "csrf-failed" && s.csrfFailures < CSRF_RETRIES) {
      s.csrfFailures += 1;
      mark(key, "dirty");
      waitForSession();
      return;
    }
    if (answerState) {
      s.csrfFailures = 0;
    }
    if (s.action === "reload") {
      if (status === 200) {
        s.saved = s.edits;
        s.failures = 0;
        drop(key);
        mark(key, "saved");
        setStatus(key, word("reloaded"));
      } else {
        setStatus(key, word("reload-failed"));
      }
      return;
    }
    if (answerState && status === 200) {
      s.failures = 0;
      s.saved = s.sent;
      if (s.edits === s.saved) {
        drop(key);
        mark(key, "saved"); // the status line came with the response
      } else {
        keep(key); // with the version this save made
        if (!s.timer) {
          save(key); // newer input is waiting
        }
      }
      return;
    }
    if (answerState && status === 400) {
      s.failures = 0;
      mark(key, "invalid"); // still kept: it is there after a reload, with its message
      if (s.edits !== s.sent && !s.timer) {
        save(key);
      }
      return;
    }
    if (answerState && status === 409) {
      s.failures = 0;
      if (answerState === "locked") {
        s.locked = true; // it can never be saved: do not hold the person on the page
        s.saved = s.edits;
        drop(key);
      }
      mark(key, answerState);
      return;
    }
    failed(key, s);
  });

  window.addEventListener("beforeunload", function (event) {
    var unsaved = Object.keys(states).some(function (key) {
      var s = states[key];
      return !s.locked && (s.inFlight || s.edits !== s.saved);
    });
    if (unsaved) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // After htmx has set itself up (it starts on DOMContentLoaded too, registered first).
  if (document.readyState === "complete") {
    restoreKept();
  } else {
    document.addEventListener("DOMContentLoaded", restoreKept);
  }
})();
