// Small behaviours every page may use, kept out of the markup (the Content-Security-Policy
// allows no inline script or event-handler attributes).
(function () {
  // <select data-autosubmit>, <input type=checkbox data-autosubmit>: submit the form on change.
  document.querySelectorAll("[data-autosubmit]").forEach((field) =>
    field.addEventListener("change", () => field.form && field.form.submit()));

  // <textarea data-count="id">: keep the element with that id showing the length typed.
  document.querySelectorAll("[data-count]").forEach((field) => {
    const counter = document.getElementById(field.dataset.count);
    if (counter) field.addEventListener("input", () => { counter.textContent = field.value.length; });
  });
})();
