// Keyboard-first review: j/k move, a approve, r reject, 1-9 reason, b blur, x select, ? help.
// Words shown from here come from data-* attributes of the page, in the page's language.
(function () {
  const dialog = document.getElementById("shortcuts");
  document.querySelectorAll("[data-shortcuts]").forEach((button) =>
    button.addEventListener("click", () => dialog && dialog.showModal()));

  // Image preview: blurred and grey until revealed (click or b).
  // A hash bank match shows both images side by side: one toggle blurs or reveals them all.
  const preview = document.getElementById("preview");
  const toggle = document.getElementById("toggle-blur");
  const previews = Array.from(document.querySelectorAll("figure.preview[data-blurred]"));
  function toggleBlur() {
    if (!preview) return;
    const blurred = preview.classList.toggle("blurred");
    previews.forEach((figure) => {
      figure.classList.toggle("blurred", blurred);
      figure.dataset.blurred = String(blurred);
    });
    if (toggle) toggle.firstChild.textContent = (blurred ? toggle.dataset.reveal : toggle.dataset.blur) + " ";
  }
  previews.forEach((figure) => {
    const image = figure.querySelector("img");
    if (image) image.addEventListener("click", toggleBlur);
  });
  if (toggle) toggle.addEventListener("click", toggleBlur);

  // Queue: a cursor over the rows.
  const rows = Array.from(document.querySelectorAll(".queue-row"));
  let cursor = -1;
  function moveCursor(step) {
    if (!rows.length) return;
    if (cursor >= 0) rows[cursor].classList.remove("cursor");
    cursor = Math.max(0, Math.min(rows.length - 1, cursor + step));
    rows[cursor].classList.add("cursor");
    rows[cursor].focus();
  }
  rows.forEach((row) => row.addEventListener("dblclick", () => { window.location = row.dataset.href; }));
  const selectAll = document.getElementById("select-all");
  if (selectAll) selectAll.addEventListener("change", () =>
    rows.forEach((row) => { row.querySelector("input[type=checkbox]").checked = selectAll.checked; }));

  // Item: deciding.
  const form = document.getElementById("decide-form");
  const reason = document.getElementById("reason");
  const hint = document.getElementById("decide-hint");
  // Each reason belongs to one decision (data-decision); a reject must choose its own.
  const guidance = document.getElementById("reason-guidance");
  function chosenFor() {
    const option = reason.options[reason.selectedIndex];
    return option ? option.dataset.decision || "" : "";
  }
  function showGuidance() {
    const option = reason.options[reason.selectedIndex];
    if (guidance) guidance.textContent = option ? option.dataset.guidance || "" : "";
  }
  function submit(decision) {
    if (!form) return;
    if (decision === "reject" && chosenFor() !== "reject") {
      hint.textContent = hint.dataset.rejectHint;
      reason.focus();
      return;
    }
    if (decision === "approve" && chosenFor() !== "approve" && reason.dataset.touched !== "1") {
      reason.value = "";  // the server approves with the first approve reason
    }
    document.getElementById(decision).click();
  }
  if (reason) reason.addEventListener("change", () => { reason.dataset.touched = "1"; showGuidance(); });

  function go(id) {
    const link = document.getElementById(id);
    if (link) window.location = link.href;
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const typing = ["INPUT", "TEXTAREA"].includes(event.target.tagName) &&
      !["checkbox", "radio"].includes(event.target.type);
    if (typing) return;
    const key = event.key;
    if (key === "?") { if (dialog) dialog.showModal(); event.preventDefault(); return; }
    if (rows.length) {
      if (key === "j") { moveCursor(1); return; }
      if (key === "k") { moveCursor(-1); return; }
      if (key === "Enter" && cursor >= 0) { window.location = rows[cursor].dataset.href; return; }
      if (key === "x" && cursor >= 0) {
        const box = rows[cursor].querySelector("input[type=checkbox]");
        box.checked = !box.checked;
        return;
      }
    }
    if (key === "j") { go("next-item"); return; }
    if (key === "k") { go("prev-item"); return; }
    if (key === "b") { toggleBlur(); return; }
    if (key === "a") { submit("approve"); event.preventDefault(); return; }
    if (key === "r") { submit("reject"); event.preventDefault(); return; }
    if (reason && /^[1-9]$/.test(key) && Number(key) < reason.options.length) {
      reason.selectedIndex = Number(key);  // option 0 is "Choose a reason"
      reason.dataset.touched = "1";
      showGuidance();
      if (hint) hint.textContent = "";
      event.preventDefault();
    }
  });
})();
