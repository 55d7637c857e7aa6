// Small behaviours every page may use, kept out of the markup (the Content-Security-Policy
// allows no inline script or event-handler attributes).
(function () {
  // <select data-autosubmit>, <input type=checkbox data-autosubmit>: submit the form on change.
  // A checkbox with data-confirm-uncheck="question" asks first when it is being unticked.
  document.querySelectorAll("[data-autosubmit]").forEach((field) =>
    field.addEventListener("change", () => {
      const question = field.dataset.confirmUncheck;
      if (question && field.type === "checkbox" && !field.checked && !window.confirm(question)) {
        field.checked = true;
        return;
      }
      if (field.form) field.form.submit();
    }));

  // <textarea data-count="id">: keep the element with that id showing the length typed.
  document.querySelectorAll("[data-count]").forEach((field) => {
    const counter = document.getElementById(field.dataset.count);
    if (counter) field.addEventListener("input", () => { counter.textContent = field.value.length; });
  });

  // <time datetime data-local>: the server writes UTC; show the viewer's own zone, named.
  const lang = document.documentElement.lang || undefined;
  let format;
  try {
    format = new Intl.DateTimeFormat(lang, {
      year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
      timeZoneName: "short",
    });
  } catch (error) {
    format = null;
  }
  if (format) document.querySelectorAll("time[data-local]").forEach((element) => {
    const when = new Date(element.getAttribute("datetime"));
    if (Number.isNaN(when.getTime())) return;
    element.title = element.textContent;  // the UTC time stays at hand
    element.textContent = format.format(when);
  });
})();
