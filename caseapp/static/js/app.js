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
