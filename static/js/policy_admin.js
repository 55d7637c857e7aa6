// The admin's policy editor: a preview lands below a long form, so bring it into view (and
// focus, for screen readers) once the page shows one.
(function () {
  const preview = document.getElementById("preview");
  if (!preview) return;
  preview.scrollIntoView({block: "start"});
  preview.focus({preventScroll: true});
})();
