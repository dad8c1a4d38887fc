// Small behaviours the templates ask for with data- attributes, because the
// Content-Security-Policy runs no inline event handler (onchange=, onclick=).
(function () {
  // <select data-submit-on-change>: choosing an option applies the filter at once.
  document.addEventListener("change", function (event) {
    var field = event.target.closest("[data-submit-on-change]");
    if (field && field.form) field.form.submit();
  });

  // [data-print]: opens the browser's print dialogue (print or save as PDF). On a page it is a
  // link to the page's print view, which is where it leads without JavaScript; on a print view
  // it is a button, hidden until now because without JavaScript it could do nothing.
  document.addEventListener("click", function (event) {
    if (!event.target.closest("[data-print]")) return;
    event.preventDefault();
    window.print();
  });
  document.querySelectorAll("button[data-print][hidden]").forEach(function (button) {
    button.hidden = false;
  });
  document.querySelectorAll("[data-print-hint]").forEach(function (hint) {
    hint.hidden = true;
  });

  // <input type="range" data-value-shown-in="id">: the element with that id shows the value as
  // it moves, with two decimals.
  document.addEventListener("input", function (event) {
    var shownIn = event.target.dataset && event.target.dataset.valueShownIn;
    var display = shownIn && document.getElementById(shownIn);
    if (display) display.textContent = Number(event.target.value).toFixed(2);
  });

  // <input type="hidden" data-value-from="id">: takes the value of the field with that id when
  // its form is sent, for a form that saves what another form on the page is showing.
  document.addEventListener("submit", function (event) {
    event.target.querySelectorAll("[data-value-from]").forEach(function (input) {
      var source = document.getElementById(input.dataset.valueFrom);
      if (source) input.value = source.value;
    });
  });

  // [data-error-summary]: a form sent back with errors opens on its summary of them, so a
  // keyboard or screen-reader user starts where the problems are listed (GOV.UK's pattern).
  var errorSummary = document.querySelector("[data-error-summary]");
  if (errorSummary) errorSummary.focus();
})();
