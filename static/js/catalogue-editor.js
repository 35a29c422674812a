/*
 * Catalogue editor: on the indicator form, show only the sections that the
 * chosen answer type uses (rubric for maturity, choices for choice, unit and
 * full score for count). Without JavaScript every section stays visible and
 * the server ignores the ones that do not apply.
 */
(function () {
  "use strict";

  function setUp(form) {
    var sections = form.querySelectorAll("[data-answer-types]");

    function update() {
      var checked = form.querySelector('input[name="answer_type"]:checked');
      var type = checked ? checked.value : "";
      sections.forEach(function (section) {
        var types = section.getAttribute("data-answer-types").split(" ");
        section.hidden = type !== "" && types.indexOf(type) === -1;
      });
    }

    form.addEventListener("change", function (event) {
      if (event.target.name === "answer_type") {
        update();
      }
    });
    update();
  }

  document.querySelectorAll("form[data-indicator-form]").forEach(setUp);
})();
