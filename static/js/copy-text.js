/*
 * Copy buttons next to text a person pastes elsewhere (an evidence location: a URL or a
 * file-share path, which the portal never turns into a link). Without JavaScript the
 * buttons stay hidden and the text can be selected as usual.
 *
 * The Clipboard API exists only in secure contexts (HTTPS, localhost); a portal reached
 * over plain HTTP inside LGWAN falls back to selecting the text and execCommand("copy").
 */
(function () {
  "use strict";

  function copyBySelection(element) {
    var selection = window.getSelection();
    var range = document.createRange();
    range.selectNodeContents(element);
    selection.removeAllRanges();
    selection.addRange(range);
    var copied = false;
    try {
      copied = document.execCommand("copy");
    } catch (error) {
      copied = false;
    }
    // Left selected when copying failed, so that Ctrl+C still works.
    if (copied) {
      selection.removeAllRanges();
    }
    return copied;
  }

  function setUp(button) {
    var target = document.getElementById(button.getAttribute("data-copy-target"));
    var status = document.getElementById(button.getAttribute("data-copy-status"));
    if (!target || !status) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = target.textContent;
      var done = function () {
        status.textContent = button.getAttribute("data-copied");
      };
      var failed = function () {
        status.textContent = copyBySelection(target)
          ? button.getAttribute("data-copied")
          : button.getAttribute("data-copy-failed");
      };
      status.textContent = "";
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, failed);
      } else {
        failed();
      }
    });
  }

  document.querySelectorAll("button[data-copy-target]").forEach(setUp);
})();
