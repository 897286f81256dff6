// The run page's filter, live: hides the groups already on the page that do not match the
// status and name as you type. Without JavaScript the same form filters on the server.
(function () {
  "use strict";
  var form = document.getElementById("group-filter");
  var groups = document.querySelectorAll("#groups details.group");
  if (!form || !groups.length) { return; }
  var status = form.elements.namedItem("status");
  var name = form.elements.namedItem("name");
  var shown = document.getElementById("shown");
  function apply() {
    var wanted = status.value, text = name.value.trim().toLowerCase(), count = 0;
    groups.forEach(function (group) {
      var match = (!wanted || group.dataset.status === wanted) &&
        (!text || group.dataset.name.indexOf(text) !== -1);
      group.hidden = !match;
      if (match) { count += 1; }
    });
    if (shown) { shown.textContent = count + " of " + groups.length + " groups on this page match."; }
  }
  status.addEventListener("change", apply);
  name.addEventListener("input", apply);
})();
