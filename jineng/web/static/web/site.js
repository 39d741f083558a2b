// Small progressive enhancements; every page works without this file.
document.addEventListener("submit", (event) => {
  const button = event.target.querySelector("button[type=submit]");
  if (button && !button.dataset.busy) {
    button.dataset.busy = "1";
    button.setAttribute("aria-busy", "true");
    setTimeout(() => { button.disabled = true; }, 0);
  }
});
