// The exam paper: a countdown from the server's remaining seconds, and each answer saved as it is
// given. The server is the judge of time: it refuses answers after the deadline and submits the
// attempt itself; this countdown only hands the paper in when it reaches zero.

const timer = document.getElementById("exam-timer");

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  if (match) return decodeURIComponent(match[1]);
  const field = document.querySelector("input[name=csrfmiddlewaretoken]");
  return field ? field.value : "";
}

function format(seconds) {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const mm = String(m).padStart(2, "0");
  const ss = String(s).padStart(2, "0");
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

if (timer) {
  const clock = document.getElementById("exam-timer-clock");
  const status = document.getElementById("exam-save-status");
  const paper = document.getElementById("paper");
  const form = paper || document.getElementById("confirm-form");
  let base = Number(timer.dataset.secondsLeft) || 0;
  let since = performance.now();
  let handedIn = false;

  const left = () => Math.max(0, Math.ceil(base - (performance.now() - since) / 1000));

  function handIn() {
    if (handedIn) return;
    handedIn = true;
    status.textContent = "考试时间到，正在交卷…";
    if (form) {
      form.action = timer.dataset.submitUrl;
      form.submit();
    } else {
      window.location.reload();
    }
  }

  function tick() {
    const seconds = left();
    clock.textContent = format(seconds);
    timer.classList.toggle("urgent", seconds <= 300);
    timer.dataset.remaining = String(seconds);
    if (seconds <= 0) handIn();
  }

  tick();
  window.setInterval(tick, 1000);

  if (paper) {
    const pending = new Map();

    function answerOf(position) {
      const inputs = paper.querySelectorAll(`[name="q${position}"]`);
      if (inputs.length === 1 && inputs[0].type === "text") return inputs[0].value;
      return Array.from(inputs).filter((input) => input.checked).map((input) => input.value);
    }

    function countAnswered() {
      const count = Array.from(paper.querySelectorAll("fieldset[data-position]")).filter((fieldset) => {
        const answer = answerOf(fieldset.dataset.position);
        return Array.isArray(answer) ? answer.length > 0 : answer.trim() !== "";
      }).length;
      const counter = document.getElementById("answered-count");
      if (counter) counter.textContent = String(count);
    }

    async function save(position) {
      pending.delete(position);
      if (handedIn) return;
      status.textContent = "正在保存…";
      try {
        const response = await fetch(timer.dataset.saveUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
          body: JSON.stringify({ position: Number(position), answer: answerOf(position) }),
        });
        const data = await response.json().catch(() => null);
        if (response.ok && data) {
          base = data.seconds_left;
          since = performance.now();
          status.textContent = `第 ${position} 题已保存`;
          timer.dataset.saved = String(Number(timer.dataset.saved || 0) + 1);
        } else if (response.status === 409 || (data && data.error && data.error.code === "attempt_submitted")) {
          handedIn = true;
          window.location.reload();
        } else {
          status.textContent = (data && data.error && data.error.message) || "保存失败，交卷时会再次提交";
        }
      } catch (error) {
        status.textContent = "网络中断，答案未保存；交卷时会一并提交";
      }
    }

    paper.addEventListener("change", (event) => {
      const fieldset = event.target.closest("fieldset[data-position]");
      if (!fieldset) return;
      countAnswered();
      save(fieldset.dataset.position);
    });
    paper.addEventListener("input", (event) => {
      const fieldset = event.target.closest("fieldset[data-position]");
      if (!fieldset || event.target.type !== "text") return;
      const position = fieldset.dataset.position;
      window.clearTimeout(pending.get(position));
      pending.set(position, window.setTimeout(() => save(position), 1200));
    });
  }
}
