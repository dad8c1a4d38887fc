// Small behaviours the templates ask for with data- attributes, because the
// Content-Security-Policy runs no inline event handler (onchange=, onclick=).
(function () {
  // <select data-submit-on-change>: choosing an option applies the filter at once.
  document.addEventListener("change", function (event) {
    var field = event.target.closest("[data-submit-on-change]");
    if (field && field.form) field.form.submit();
  });

  // <button data-print>: opens the browser's print dialogue (print or save as PDF).
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
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
})();
