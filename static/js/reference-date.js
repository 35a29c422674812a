/*
 * The open-round and survey forms' 基準日 follows the chosen fiscal year: while it still holds the
 * default of the year chosen before (4月1日), choosing another year moves it to that year's
 * 4月1日. A day the coordinator typed stays. Without JavaScript the server fills an empty
 * 基準日 with the same default (assessments.rounds.default_reference_date).
 */
(function () {
  "use strict";

  function firstDay(year) {
    return year + "-04-01";
  }

  function wire() {
    var year = document.getElementById("id_fiscal_year");
    var day = document.getElementById("id_reference_date");
    if (!year || !day) {
      return;
    }
    var chosen = year.value;
    year.addEventListener("change", function () {
      if (day.value === "" || day.value === firstDay(chosen)) {
        day.value = firstDay(year.value);
      }
      chosen = year.value;
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wire);
  } else {
    wire();
  }
})();
