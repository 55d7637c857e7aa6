// Drag and drop onto the upload form; the form still works without this script.
(function () {
  const form = document.getElementById("upload-form");
  const input = document.getElementById("id_image");
  if (!form || !input) return;
  const label = form.querySelector(".dropzone-label strong");
  const show = () => { if (input.files.length) label.textContent = input.files[0].name; };
  input.addEventListener("change", show);
  ["dragenter", "dragover"].forEach((type) => form.addEventListener(type, (event) => {
    event.preventDefault();
    form.classList.add("dragging");
  }));
  ["dragleave", "drop"].forEach((type) => form.addEventListener(type, (event) => {
    event.preventDefault();
    form.classList.remove("dragging");
  }));
  form.addEventListener("drop", (event) => {
    if (!event.dataTransfer.files.length) return;
    input.files = event.dataTransfer.files;
    show();
    form.requestSubmit();
  });
})();
