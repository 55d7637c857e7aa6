// Keyboard-first review. Queue: j/k move, Enter opens the row (or starts reviewing when no row is
// chosen), x selects. Item: a approve, r reject, 1-9 and 0 reason, the kind's own keys (data-key:
// feedback's sentiments), s skip, e second opinion, b blur, j/k next/previous. Everywhere: Esc
// leaves a text field, ? help.
// Words shown from here come from data-* attributes of the page, in the page's language.
(function () {
  const dialog = document.getElementById("shortcuts");
  document.querySelectorAll("[data-shortcuts]").forEach((button) =>
    button.addEventListener("click", () => dialog && dialog.showModal()));

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }
  function post(url) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true" },
    });
  }

  // Image preview (blurred until revealed, click or b): vakt.js, shared with the QA page.

  // Queue: a cursor over the rows.
  const rows = Array.from(document.querySelectorAll(".queue-row"));
  const startReviewing = document.getElementById("start-reviewing");
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

  // Item: claims. Looking never claims; the first decision key (a reason, a sentiment, the
  // note) does, and the page then keeps the claim alive while it is visible and in use.
  const item = document.getElementById("review-item");
  function claimBar() { return document.getElementById("claim-status"); }
  // The claim request in flight, if any: a decision waits for it, so the two never race (a
  // claim answered 409 after the decision went through would reload over the next page).
  let claiming = null;
  let leaving = false;
  document.addEventListener("submit", () => { leaving = true; });
  function claim() {
    const bar = claimBar();
    if (!item || !item.dataset.claimUrl || !bar || bar.dataset.claim !== "free" || claiming) return;
    claiming = post(item.dataset.claimUrl).then((response) => {
      // Someone was quicker; unless a form is already on its way, whose answer says so.
      if (!response.ok) { if (!leaving) window.location.reload(); return false; }
      return response.text().then((html) => {
        bar.outerHTML = html;
        renewWhileUsed();
        return true;
      });
    }).catch(() => true).finally(() => { claiming = null; });  // offline: the server decides
  }
  let lastUsed = Date.now();
  ["keydown", "pointerdown", "pointermove", "wheel", "scroll", "focusin"].forEach((type) =>
    document.addEventListener(type, () => { lastUsed = Date.now(); }, { capture: true, passive: true }));
  let renewing = null;
  function renewWhileUsed() {
    if (renewing || !item || !item.dataset.renewUrl) return;
    const every = Number(item.dataset.renewSeconds || 30) * 1000;
    const idle = Number(item.dataset.idleSeconds || 600) * 1000;
    renewing = setInterval(() => {
      const bar = claimBar();
      if (!bar || bar.dataset.claim !== "mine") return;
      // A hidden tab or an idle moderator lets the claim go stale, so others may take it over.
      if (document.visibilityState !== "visible" || Date.now() - lastUsed > idle) return;
      post(item.dataset.renewUrl).then((response) => {
        if (response.status === 409) window.location.reload();  // released, taken over, decided
      }).catch(() => {});
    }, every);
  }
  if (claimBar() && claimBar().dataset.claim === "mine") renewWhileUsed();

  // Item: deciding.
  const form = document.getElementById("decide-form");
  const reason = document.getElementById("reason");
  const hint = document.getElementById("decide-hint");
  const note = document.getElementById("note");
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
  // An input the decision needs (data-required-for="approve"): feedback the machine could
  // not classify needs a sentiment. Say so here rather than send a form the server refuses.
  function missingFor(decision) {
    if (!form) return null;
    return Array.from(form.querySelectorAll(`[data-required-for="${decision}"]`)).find((group) =>
      !group.querySelector("input:checked")) || null;
  }
  function submit(decision) {
    if (!form) return;
    if (decision === "reject" && chosenFor() !== "reject") {
      hint.textContent = hint.dataset.rejectHint;
      reason.focus();
      return;
    }
    const missing = missingFor(decision);
    if (missing) {
      hint.textContent = hint.dataset.requiredHint;
      const first = missing.querySelector("input");
      if (first) first.focus();
      return;
    }
    if (decision === "approve" && chosenFor() !== "approve" && reason.dataset.touched !== "1") {
      reason.value = "";  // the server approves with the first approve reason
    }
    const send = () => document.getElementById(decision).click();
    if (claiming) claiming.then((held) => { if (held) send(); });
    else send();
  }
  if (reason) reason.addEventListener("change", () => { reason.dataset.touched = "1"; showGuidance(); claim(); });
  if (note) note.addEventListener("focus", claim);
  if (form) form.querySelectorAll("input[type=radio]").forEach((radio) => radio.addEventListener("change", claim));

  // Item: second opinion, in a dialog with its note.
  const escalateDialog = document.getElementById("escalate-dialog");
  const escalateButton = document.getElementById("escalate");
  const escalateNote = document.getElementById("escalate-note");
  function escalate() {
    if (!escalateDialog) return;
    escalateDialog.showModal();
    if (escalateNote) escalateNote.focus();
  }
  if (escalateButton) escalateButton.addEventListener("click", escalate);

  function go(id) {
    const link = document.getElementById(id);
    if (link) window.location = link.href;
  }
  function click(id) {
    const button = document.getElementById(id);
    if (button) button.click();
  }

  document.addEventListener("keydown", (event) => {
    const target = event.target;
    const typing = ["INPUT", "TEXTAREA"].includes(target.tagName) &&
      !["checkbox", "radio"].includes(target.type);
    if (event.key === "Escape" && (typing || target.tagName === "SELECT")) {
      target.blur();  // leave the field: the next key is a shortcut again, not text
      return;
    }
    if (target === escalateNote && event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      escalateNote.form.requestSubmit();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing) return;
    const key = event.key;
    if (key === "?") { if (dialog) dialog.showModal(); event.preventDefault(); return; }
    if (document.querySelector("dialog[open]")) return;
    if (rows.length || startReviewing) {
      if (key === "j" && rows.length) { moveCursor(1); return; }
      if (key === "k" && rows.length) { moveCursor(-1); return; }
      if (key === "Enter" && cursor >= 0) { window.location = rows[cursor].dataset.href; return; }
      if (key === "Enter" && startReviewing && target === document.body) {
        startReviewing.click();
        event.preventDefault();
        return;
      }
      if (key === "x" && cursor >= 0) {
        const box = rows[cursor].querySelector("input[type=checkbox]");
        box.checked = !box.checked;
        return;
      }
    }
    if (key === "j") { go("next-item"); return; }
    if (key === "k") { go("prev-item"); return; }
    if (key === "a") { submit("approve"); event.preventDefault(); return; }
    if (key === "r") { submit("reject"); event.preventDefault(); return; }
    if (key === "s") { click("skip"); event.preventDefault(); return; }
    if (key === "e") { escalate(); event.preventDefault(); return; }
    if (reason && /^[0-9]$/.test(key)) {
      const index = key === "0" ? 10 : Number(key);  // option 0 is "Choose a reason"
      if (index < reason.options.length) {
        reason.selectedIndex = index;
        reason.dataset.touched = "1";
        showGuidance();
        if (hint) hint.textContent = "";
        claim();
      }
      event.preventDefault();
      return;
    }
    const keyed = form && /^[a-z]$/.test(key) ? form.querySelector(`[data-key="${key}"]`) : null;
    if (keyed) {
      keyed.checked = true;
      if (hint) hint.textContent = "";
      claim();
      event.preventDefault();
    }
  });
})();
