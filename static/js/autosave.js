/*
 * Autosave for the answer forms of an area page (templates/assessments/answering/area.html).
 *
 * htmx posts one indicator's form (hx-trigger="submit, autosave"); this file decides when
 * (at once after a choice, 800 ms after the last keystroke in a text field) and makes sure
 * nothing typed is lost:
 *  - 400 (invalid) and 409 (conflict, locked) responses are swapped in: htmx 2 ignores 4xx
 *    by default. Anything without the portal's DX-Answer-State header (a sign-in page after
 *    a time-out, a proxy's error page) is never swapped.
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
  var BACKOFF = [2000, 4000, 8000, 16000, 30000];
  var words = document.getElementById("autosave-text");
  var states = {};

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

  function isTyping(element) {
    return element.matches("textarea, input[type=text], input[type=url], input:not([type])");
  }

  function keyOf(element) {
    return element && element.getAttribute ? element.getAttribute("data-answer") : null;
  }

  function save(key) {
    var s = stateOf(key);
    clearTimeout(s.timer);
    s.timer = null;
    if (s.inFlight || s.locked || s.edits === s.saved) {
      return; // a request in flight sends the rest when it is done
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

  function edited(event, delay) {
    var form = event.target.closest && event.target.closest("form[data-autosave]");
    if (!form) {
      return;
    }
    var key = keyOf(form);
    stateOf(key).edits += 1;
    mark(key, "dirty");
    schedule(key, delay);
  }

  document.addEventListener("input", function (event) {
    if (isTyping(event.target)) {
      edited(event, TEXT_DELAY);
    }
  });

  // Radios, checkboxes, and text fields when they lose focus: save now.
  document.addEventListener("change", function (event) {
    edited(event, 0);
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

  var restore = null;
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
      return; // the area page, of which hx-select takes this indicator
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
        form.querySelector('input[name="base_version"]').value = version;
      }
      return;
    }
    detail.shouldSwap = true;
    detail.isError = false;
    // The server trims and normalises what it stores; the field being typed in keeps
    // exactly what the person typed (it means the same), so a trailing space survives.
    var active = document.activeElement;
    restore = null;
    if (xhr.status === 200 && active && active.id && isTyping(active)) {
      restore = {
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
    if (restore) {
      var field = document.getElementById(restore.id);
      if (field && field.value !== restore.value && document.activeElement === field) {
        field.value = restore.value;
        try {
          field.setSelectionRange(restore.start, restore.end);
        } catch (e) {
          // type="url" has no selection API
        }
      }
      restore = null;
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

  document.addEventListener("htmx:afterRequest", function (event) {
    var detail = event.detail;
    var elt = detail.requestConfig && detail.requestConfig.elt;
    var key = keyOf(elt);
    if (!key) {
      var evidenceKey = elt && elt.getAttribute && elt.getAttribute("data-evidence");
      if (evidenceKey && (!detail.xhr || !detail.xhr.getResponseHeader("DX-Answer-State"))) {
        setStatus(evidenceKey, word("upload-failed"));
      }
      return;
    }
    var s = stateOf(key);
    if (!s.inFlight) {
      return; // already handled: htmx repeats the event on a parent when the form was swapped
    }
    s.inFlight = false;
    var xhr = detail.xhr;
    var status = xhr ? xhr.status : 0;
    var answerState = xhr ? xhr.getResponseHeader("DX-Answer-State") : null;

    if (s.action === "reload") {
      if (status === 200) {
        s.saved = s.edits;
        s.failures = 0;
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
        mark(key, "saved"); // the status line came with the response
      } else if (!s.timer) {
        save(key); // newer input is waiting
      }
      return;
    }
    if (answerState && status === 400) {
      s.failures = 0;
      mark(key, "invalid");
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
})();
