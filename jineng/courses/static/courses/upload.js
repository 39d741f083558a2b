// Upload forms with a progress bar. Forms marked data-upload-progress are sent with
// XMLHttpRequest so that the browser reports upload progress; without this script (or an old
// browser) they submit as ordinary forms. The server answers {"redirect": url} on success and
// the page again, with the errors beside the fields, when something must be fixed.

const percent = (loaded, total) => (total ? Math.floor((loaded / total) * 100) : 0);
const megabytes = (bytes) => (bytes / 1024 / 1024).toFixed(1);

function replaceMain(html) {
  const doc = new DOMParser().parseFromString(html, "text/html");
  const incoming = doc.querySelector("main");
  const current = document.querySelector("main");
  if (!incoming || !current) {
    return false;
  }
  current.replaceChildren(...incoming.childNodes);
  const error = current.querySelector(".has-error input, .has-error textarea, .form-errors");
  if (error) {
    error.scrollIntoView({ block: "center" });
    if (error.focus) error.focus();
  }
  return true;
}

function send(form) {
  const box = form.querySelector(".upload-progress");
  const bar = box && box.querySelector("progress");
  const status = box && box.querySelector(".upload-status");
  const button = form.querySelector("button[type=submit]");
  const xhr = new XMLHttpRequest();
  xhr.open("POST", form.action || window.location.href);
  xhr.setRequestHeader("X-Upload-Progress", "1");
  if (box) box.hidden = false;
  xhr.upload.addEventListener("progress", (event) => {
    if (!event.lengthComputable || !bar) return;
    const value = percent(event.loaded, event.total);
    bar.value = value;
    status.textContent = `已上传 ${value}%（${megabytes(event.loaded)} / ${megabytes(event.total)} MB）`;
    if (value >= 100) status.textContent = "上传完成，正在检查文件，请稍候…";
  });
  const fail = (message) => {
    if (status) status.textContent = message;
    if (button) {
      button.disabled = false;
      button.removeAttribute("aria-busy");
      delete button.dataset.busy;
    }
  };
  xhr.addEventListener("load", () => {
    const type = xhr.getResponseHeader("Content-Type") || "";
    if (type.includes("application/json")) {
      const data = JSON.parse(xhr.responseText);
      if (data.redirect) {
        window.location.assign(data.redirect);
        return;
      }
    }
    if (type.includes("text/html") && replaceMain(xhr.responseText)) {
      return;
    }
    fail(`上传失败（${xhr.status}），请稍后重试`);
  });
  xhr.addEventListener("error", () => fail("网络中断，上传失败。请检查网络后重新提交"));
  xhr.addEventListener("abort", () => fail("上传已取消"));
  xhr.send(new FormData(form));
}

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-upload-progress")) return;
  if (typeof XMLHttpRequest === "undefined" || typeof FormData === "undefined") return;
  event.preventDefault();
  send(form);
});
