// SCORM lessons: the scorm-again run-time (loaded as a file before this module) lives in this page;
// the SCO runs in the same-origin iframe and finds window.API (1.2) or window.API_1484_11 (2004).
// Commits go to /api/learning/scorm/<lesson>/commit with the CSRF header; the terminate commit is
// sent with fetch keepalive so that it survives the page closing.
//
// Packages whose items are all assets (no item calls the run-time, like Rustici's golf samples)
// are run by this page itself, acting as their SCO: it records the items opened (suspend_data), the
// current item (lesson_location), "completed" once every item has been opened, and a quiz score
// reported through the samples' convention `parent.RecordTest(score)`.
import { csrfToken, getJSON } from "./client.js";

let pending = Promise.resolve(); // the terminate commit in flight, if any

const root = document.getElementById("scorm");
if (root) setup(root);

function httpService() {
  return {
    processHttpRequest(url, params, immediate) {
      const body = JSON.stringify(params);
      if (immediate) {
        pending = fetch(url, {
          method: "POST", keepalive: true, credentials: "same-origin", body,
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        }).catch(() => {});
        return { result: "true", errorCode: 0 };
      }
      const xhr = new XMLHttpRequest();
      xhr.open("POST", url, false); // SCORM's Commit is synchronous: the SCO waits for the answer
      xhr.setRequestHeader("Content-Type", "application/json");
      xhr.setRequestHeader("X-CSRFToken", csrfToken());
      try {
        xhr.send(body);
        const data = JSON.parse(xhr.responseText || "{}");
        const ok = xhr.status === 200 && data.result;
        root.dataset.commits = String(Number(root.dataset.commits || 0) + (ok ? 1 : 0));
        return { result: ok ? "true" : "false", errorCode: ok ? 0 : 101 };
      } catch (error) {
        return { result: "false", errorCode: 101 };
      }
    },
    updateSettings() {},
  };
}

async function setup(root) {
  const d = root.dataset;
  const version = d.version;
  const frame = document.getElementById("sco");
  const items = JSON.parse(document.getElementById("scorm-items").textContent);
  const assetsOnly = d.assetsOnly === "true";
  const Api = version === "2004" ? window.Scorm2004API : window.Scorm12API;
  if (!Api) {
    root.dataset.error = "scorm-again 未加载";
    return;
  }
  const settings = {
    autocommit: true,
    autocommitSeconds: 30,
    logLevel: 5,
    lmsCommitUrl: d.commitUrl,
    dataCommitFormat: "json",
    terminateCommitParam: "final",
    httpService: httpService(),
  };
  const loaded = await getJSON(d.runtimeUrl);
  const api = new Api(settings);
  if (loaded.ok) api.loadFromFlattenedJSON(loaded.data, "");
  if (version === "2004") window.API_1484_11 = api;
  else window.API = api;
  window.jinengScorm = api;
  window.jinengScormSettled = () => pending;

  const get = (name) => api.LMSGetValue ? api.LMSGetValue(name) : api.GetValue(name);
  const set = (name, value) => api.LMSSetValue ? api.LMSSetValue(name, String(value)) : api.SetValue(name, String(value));
  const commit = () => api.LMSCommit ? api.LMSCommit("") : api.Commit("");
  const names = version === "2004"
    ? { status: "cmi.completion_status", location: "cmi.location", raw: "cmi.score.raw", min: "cmi.score.min", max: "cmi.score.max" }
    : { status: "cmi.core.lesson_status", location: "cmi.core.lesson_location", raw: "cmi.core.score.raw", min: "cmi.core.score.min", max: "cmi.core.score.max" };

  let visited = [];
  if (assetsOnly) {
    if (api.LMSInitialize) api.LMSInitialize(""); else api.Initialize("");
    try {
      visited = JSON.parse(get("cmi.suspend_data") || "[]");
    } catch (error) {
      visited = [];
    }
    const status = get(names.status);
    if (!status || status === "not attempted" || status === "unknown") set(names.status, "incomplete");
  }

  function showStatus() {
    const status = get(names.status);
    const raw = get(names.raw);
    const node = document.getElementById("scorm-status");
    if (node) node.textContent = `课件状态：${label(status)}${raw ? `，成绩 ${raw}` : ""}`;
    root.dataset.status = status || "";
  }

  function markVisited(item) {
    if (!assetsOnly || !item) return;
    if (!visited.includes(item.id)) visited.push(item.id);
    set("cmi.suspend_data", JSON.stringify(visited));
    set(names.location, item.id);
    const status = get(names.status);
    if (items.every((i) => visited.includes(i.id)) && !["passed", "failed", "completed"].includes(status)) {
      set(names.status, "completed");
    }
    commit();
    showStatus();
  }

  // Rustici's sample quizzes report to their parent frame.
  window.RecordTest = (score) => {
    set(names.raw, Math.round(Number(score)));
    set(names.min, 0);
    set(names.max, 100);
    commit();
    showStatus();
  };
  window.RecordQuestion = () => {};

  function open(item, button) {
    if (!assetsOnly && api.isTerminated && api.isTerminated()) {
      api.reset(settings); // the previous SCO finished: the next one starts a fresh attempt on this API
    }
    frame.src = item ? item.url : d.launchUrl;
    document.querySelectorAll(".toc button").forEach((b) => b.removeAttribute("aria-current"));
    if (button) button.setAttribute("aria-current", "true");
    markVisited(item);
  }

  document.querySelectorAll(".toc button[data-item]").forEach((button) => {
    button.addEventListener("click", () => open(items[Number(button.dataset.item)], button));
  });
  window.addEventListener("pagehide", () => {
    if (api.isInitialized && api.isInitialized() && !(api.isTerminated && api.isTerminated())) {
      if (api.LMSFinish) api.LMSFinish(""); else api.Terminate("");
    }
  });
  const start = items.find((i) => d.launchUrl.startsWith(i.url.split("?")[0])) || items[0];
  const startButton = document.querySelector(`.toc button[data-item="${items.indexOf(start)}"]`);
  open(start, startButton);
  showStatus();
  root.dataset.ready = "1";
}

function label(status) {
  return {
    passed: "已通过", failed: "未通过", completed: "已完成", incomplete: "未完成", browsed: "已浏览",
    "not attempted": "未开始", unknown: "未开始",
  }[status] || status || "未开始";
}
