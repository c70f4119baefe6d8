// Ask before destructive actions: any form with data-confirm="question" needs a yes.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// A table wider than the screen scrolls sideways inside its .table-responsive box: keyboard users must be
// able to reach that box to scroll it (WCAG 2.1.1), so a box that does scroll joins the tab order, named
// after its table's caption or the heading above it. Checked again when the window changes size.
function reachableScrollingTables() {
  document.querySelectorAll(".table-responsive").forEach(function (box) {
    if (box.scrollWidth > box.clientWidth + 1) {
      box.setAttribute("tabindex", "0");
      var caption = box.querySelector("caption");
      var heading = caption;
      for (var node = box.previousElementSibling; !heading && node; node = node.previousElementSibling) {
        if (/^H[1-6]$/.test(node.tagName)) { heading = node; }
      }
      if (heading) {
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", heading.textContent.trim());
      }
    } else if (box.getAttribute("tabindex") === "0") {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
    }
  });
}
reachableScrollingTables();
window.addEventListener("resize", reachableScrollingTables);

// A list row shows two lines of a title (static/css/app.css, .case-line): a title cut there ends in "…", so
// the reader knows there is more (the whole title is the link's tooltip and on the case's page). CSS alone
// cannot tell a cut title from one that ends on its second line; the link's own height can.
function markCutTitles() {
  document.querySelectorAll(".table-list a.case-title").forEach(function (link) {
    link.classList.toggle("is-cut", link.scrollHeight > link.clientHeight + 1);
  });
}
markCutTitles();
window.addEventListener("resize", markCutTitles);

// An error summary (templates/_macros/forms.html) takes the focus when the page opens, so a keyboard or
// screen-reader user starts at the list of what to correct; its links lead to the fields.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
});

// The report form (templates/intake/edit_report.html). It works without JavaScript; this only adds the
// live last day to submit to the Committee on the remedies step: the server's engine answers
// (intake.one_year_limit), so the page never computes a date of its own.
(function () {
  var panel = document.querySelector("[data-one-year-url]");
  var form = document.querySelector("[data-report-form]");
  if (!panel || !form) {
    return;
  }
  var output = document.getElementById("one-year-limit");
  var reason = document.getElementById("one-year-reason");
  var shown = reason ? reason.querySelector("input[name=one_year_reason_shown]") : null;
  var pending = null;

  function refresh() {
    var data = new FormData(form);
    fetch(panel.getAttribute("data-one-year-url"), {method: "POST", body: data, credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) {
        if (!answer || !answer.html) {
          return;  // dates not valid yet: keep what the page says
        }
        output.innerHTML = answer.html;  // markup rendered by the server's own template
        if (reason && answer.ask_reason) {
          reason.hidden = false;
          shown.value = "1";
        }
      })
      .catch(function () { /* offline: the step shows the date once saved */ });
  }

  function changed(event) {
    if (event.target.name && event.target.name.indexOf("remedies-") === 0) {
      window.clearTimeout(pending);
      pending = window.setTimeout(refresh, 150);
    }
  }
  form.addEventListener("change", changed);
  form.addEventListener("input", changed);
})();
