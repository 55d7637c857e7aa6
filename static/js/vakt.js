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

  // An image preview (#preview, figure.preview[data-blurred]) is blurred and grey until revealed:
  // a click on it, the Reveal toggle or the b key. A hash bank match shows two images side by
  // side; one toggle blurs or reveals them all.
  const preview = document.getElementById("preview");
  if (preview) {
    const toggle = document.getElementById("toggle-blur");
    const previews = Array.from(document.querySelectorAll("figure.preview[data-blurred]"));
    const toggleBlur = () => {
      const blurred = preview.classList.toggle("blurred");
      previews.forEach((figure) => {
        figure.classList.toggle("blurred", blurred);
        figure.dataset.blurred = String(blurred);
      });
      if (toggle) toggle.setAttribute("aria-pressed", String(!blurred));
    };
    previews.forEach((figure) => {
      const image = figure.querySelector("img");
      if (image) image.addEventListener("click", toggleBlur);
    });
    if (toggle) toggle.addEventListener("click", toggleBlur);
    document.addEventListener("keydown", (event) => {
      const target = event.target;
      const typing = ["INPUT", "TEXTAREA"].includes(target.tagName) &&
        !["checkbox", "radio"].includes(target.type);
      if (event.key !== "b" || typing || event.ctrlKey || event.metaKey || event.altKey) return;
      if (document.querySelector("dialog[open]")) return;
      toggleBlur();
    });
  }
})();
