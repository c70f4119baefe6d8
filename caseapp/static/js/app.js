// Ask before destructive actions: any form with data-confirm="question" needs a yes.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// An error summary (templates/_macros/forms.html) takes the focus when the page opens, so a keyboard or
// screen-reader user starts at the list of what to correct; its links lead to the fields.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
});
