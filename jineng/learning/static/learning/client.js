// Shared by the learning pages: the CSRF token from its cookie, this browser's device id, JSON calls.

export function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

function randomId() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "");
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

// One id per browser, kept in localStorage: "another device" means another browser.
export function deviceId() {
  const key = "jineng.device";
  let id = "";
  try {
    id = localStorage.getItem(key) || "";
    if (!/^[A-Za-z0-9_-]{8,64}$/.test(id)) {
      id = "d" + randomId().slice(0, 31);
      localStorage.setItem(key, id);
    }
  } catch (error) {
    id = window.__jinengDevice || (window.__jinengDevice = "d" + randomId().slice(0, 31));
  }
  return id;
}

// POST JSON; resolves {ok, status, data}; rejects only on network failure (the caller retries).
export async function postJSON(url, body, { keepalive = false, headers = {} } = {}) {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    keepalive,
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), ...headers },
    body: JSON.stringify(body),
  });
  let data = null;
  try {
    data = await response.json();
  } catch (error) {
    data = null;
  }
  return { ok: response.ok, status: response.status, data };
}

export async function getJSON(url) {
  const response = await fetch(url, { credentials: "same-origin" });
  return { ok: response.ok, status: response.status, data: response.ok ? await response.json() : null };
}

export function errorMessage(result, fallback) {
  const error = result && result.data && result.data.error;
  if (error && error.message) return error.message;
  return fallback;
}
