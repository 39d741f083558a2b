// The organiser's big screen: refresh the sign-in QR from the server every few seconds and
// count down to the next code. The server decides the minute (its clock), never this page.

const root = document.getElementById("qr-display");
const REFRESH_MS = 3000;

if (root) {
  const image = document.getElementById("qr-image");
  const box = root.querySelector(".qr-box");
  const countdown = document.getElementById("qr-countdown");
  const count = document.getElementById("signed-count");
  const roster = document.getElementById("roster-size");
  const message = document.getElementById("display-message");
  const link = document.getElementById("sign-in-link");
  let secondsLeft = Number(root.dataset.secondsLeft || 0);
  let fetchedAt = Date.now();

  function show(data) {
    root.dataset.open = data.open ? "1" : "0";
    root.dataset.minute = String(data.minute);
    count.textContent = String(data.signed_count);
    roster.textContent = String(data.roster_size);
    message.textContent = data.message;
    message.classList.toggle("closed", !data.open);
    box.hidden = !data.open;
    if (data.open && root.dataset.url !== data.url) {
      image.src = data.qr;
      image.alt = `签到二维码：${data.url}`;
      link.href = data.url;
      link.textContent = data.url;
      root.dataset.url = data.url;
    } else if (!data.open) {
      root.dataset.url = "";
      link.removeAttribute("href");
      link.textContent = "";
    }
    secondsLeft = data.seconds_left;
    fetchedAt = Date.now();
    tick();
  }

  function tick() {
    const left = Math.max(0, secondsLeft - Math.floor((Date.now() - fetchedAt) / 1000));
    countdown.textContent = String(left);
  }

  async function refresh() {
    try {
      const response = await fetch(root.dataset.codeUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.ok) {
        show(await response.json());
        root.dataset.error = "";
      } else {
        root.dataset.error = String(response.status);
        message.textContent = response.status === 403 ? "登录已失效或没有权限，请重新登录后打开签到大屏" : "暂时无法获取二维码，正在重试…";
      }
    } catch (error) {
      root.dataset.error = "network";
      message.textContent = "网络中断，正在重试…";
    }
  }

  setInterval(tick, 1000);
  setInterval(refresh, REFRESH_MS);
  // also fetch right after the minute turns, so the new code shows at once
  setInterval(() => { if (Date.now() - fetchedAt >= secondsLeft * 1000) refresh(); }, 500);
}
