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

  // <time datetime data-local>: the server writes "YYYY-MM-DD HH:MM UTC"; show the same in
  // the viewer's own zone, named ("2026-12-03 12:49 CET").
  let format = null;
  try {
    format = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
      year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
      hourCycle: "h23", timeZoneName: "short",
    });
  } catch (error) {
    format = null;
  }
  if (format) document.querySelectorAll("time[data-local]").forEach((element) => {
    const when = new Date(element.getAttribute("datetime"));
    if (Number.isNaN(when.getTime())) return;
    const part = {};
    format.formatToParts(when).forEach(({type, value}) => { part[type] = value; });
    element.title = element.textContent.trim();  // the UTC time stays at hand
    element.textContent =
      `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute} ${part.timeZoneName}`;
  });
})();
