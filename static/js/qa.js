// QA of a machine decision. Keys as on the review page: a approve, r reject — here the outcome
// you stand for, so on an approval a is "machine was right" and r overturns it, and the other
// way round on a rejection (each button's data-key). 1-9 choose a reason, the kind's own keys
// (data-key on its inputs: feedback's sentiments), Esc leaves a text field; b (blur) is vakt.js's.
(function () {
  const form = document.getElementById("qa-form");
  const reason = document.getElementById("reason");
  const hint = document.getElementById("qa-hint");
  const overturn = document.getElementById("qa-overturn");
  // An overturn needs a reason: say so here rather than send a form the server refuses.
  if (overturn) {
    overturn.addEventListener("click", (event) => {
      if (reason && !reason.value) {
        event.preventDefault();
        if (hint) hint.textContent = hint.dataset.reasonHint;
        reason.focus();
      }
    });
  }

  document.addEventListener("keydown", (event) => {
    const target = event.target;
    const typing = ["INPUT", "TEXTAREA"].includes(target.tagName) &&
      !["checkbox", "radio"].includes(target.type);
    if (event.key === "Escape" && (typing || target.tagName === "SELECT")) {
      target.blur();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing) return;
    const key = event.key;
    if (!form) return;
    const button = form.querySelector(`button[data-key="${key}"]`);
    if (button) { button.click(); event.preventDefault(); return; }
    if (reason && /^[1-9]$/.test(key)) {
      if (Number(key) < reason.options.length) reason.selectedIndex = Number(key);
      if (hint) hint.textContent = "";
      event.preventDefault();
      return;
    }
    const keyed = /^[a-z]$/.test(key) ? form.querySelector(`input[data-key="${key}"]`) : null;
    if (keyed) { keyed.checked = true; event.preventDefault(); }
  });
})();
