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
    // A failure listed at the top is hidden with its group, the list with its last entry.
    var listed = 0;
    document.querySelectorAll("section.failures li").forEach(function (item) {
      var group = document.getElementById(item.dataset.group);
      item.hidden = !group || group.hidden;
      if (!item.hidden) { listed += 1; }
    });
    var failures = document.querySelector("section.failures");
    if (failures) { failures.hidden = listed === 0; }
    if (shown) { shown.textContent = count + " of " + groups.length + " groups on this page match."; }
  }
  status.addEventListener("change", apply);
  name.addEventListener("input", apply);
})();
