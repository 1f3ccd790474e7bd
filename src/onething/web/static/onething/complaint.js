// The complaint form (/complaints/new): 匿名 hides the name and phone rows (without
// script they stay, and the server ignores them when 匿名 is ticked); after a refused
// filing, the list of problems takes focus.
(function () {
  "use strict";
  var anonymous = document.getElementById("c-anonymous");
  if (anonymous) {
    var rows = document.querySelectorAll("#complaint-form [data-contact]");
    var showContact = function () {
      rows.forEach(function (row) { row.hidden = anonymous.checked; });
    };
    anonymous.addEventListener("change", showContact);
    showContact();
  }
  var problems = document.getElementById("complaint-errors");
  if (problems) { problems.focus(); }
})();
