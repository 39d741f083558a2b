// The lesson player's time-on-task: samples a beat every BEAT_SECONDS (position, playback rate, and
// whether the page stayed visible and focused for the whole interval), posts the pending beats every
// BATCH_SECONDS, and retries a failed post with the same seq numbers — the server counts each
// (session, seq) once and credits server time only. Shows the presence prompt and the
// "paused: you opened another device" notice the server answers with.
import { deviceId, errorMessage, postJSON } from "./client.js";

function Player(root) {
  const d = root.dataset;
  this.root = root;
  this.api = d.api;
  this.lesson = Number(d.lesson);
  this.kind = d.kind;
  this.beatMs = Number(d.beatSeconds) * 1000;
  this.batchMs = Number(d.batchSeconds) * 1000;
  this.maxRate = Number(d.maxRate);
  this.seekTolerance = Number(d.seekTolerance);
  this.video = root.querySelector("video");
  this.device = deviceId();
  this.session = null;
  this.state = "starting";
  this.seq = 0;
  this.queue = [];
  this.sending = false;
  this.failures = 0;
  this.serverMax = Number(d.maxPosition) || 0;
  this.localMax = this.serverMax;
  this.lastPosition = Number(d.lastPosition) || 0;
  this.timers = [];
  this.el = (id) => document.getElementById(id);
  this.resetInterval();
  this.bind();
}

Player.prototype.isVisible = function () {
  return document.visibilityState === "visible";
};

Player.prototype.hasFocus = function () {
  return document.hasFocus(); // true while focus is inside the SCORM iframe too
};

Player.prototype.rate = function () {
  return this.video ? this.video.playbackRate : 1;
};

Player.prototype.position = function () {
  return this.video ? Math.round(this.video.currentTime * 100) / 100 : null;
};

Player.prototype.resetInterval = function () {
  this.intervalStart = performance.now();
  this.visibleAll = this.isVisible();
  this.focusedAll = this.hasFocus();
  this.rateMax = this.rate();
};

// Anything that breaks a rule during the interval marks the whole interval.
Player.prototype.watch = function () {
  if (!this.isVisible()) this.visibleAll = false;
  if (!this.hasFocus()) this.focusedAll = false;
  this.rateMax = Math.max(this.rateMax, this.rate());
};

Player.prototype.allowedMax = function () {
  return Math.max(this.serverMax, this.localMax) + this.seekTolerance;
};

Player.prototype.sample = function () {
  if (!this.session || this.state !== "active") return;
  this.watch();
  const now = performance.now();
  const beat = {
    seq: ++this.seq,
    lesson: this.lesson,
    position: this.position(),
    rate: this.rateMax,
    visible: this.visibleAll,
    focused: this.focusedAll,
    dur: Math.round(now - this.intervalStart) / 1000,
  };
  this.queue.push(beat);
  if (beat.position !== null && beat.visible && beat.focused && beat.rate <= this.maxRate
      && beat.position <= this.allowedMax()) {
    this.localMax = Math.max(this.localMax, beat.position);
  }
  this.resetInterval();
};

Player.prototype.begin = async function () {
  this.stopTimers();
  this.status("正在开始学习…");
  let result;
  try {
    result = await postJSON(`${this.api}/sessions`, { lesson: this.lesson, device: this.device });
  } catch (error) {
    this.status("网络连接失败，正在重试…", "error");
    this.timers.push(setTimeout(() => this.begin(), 3000));
    return;
  }
  if (!result.ok) {
    if (result.status >= 500 || result.status === 409) {
      this.status("服务器繁忙，正在重试…", "warn");
      this.timers.push(setTimeout(() => this.begin(), 2000));
      return;
    }
    this.status(errorMessage(result, "无法开始学习，请刷新页面重试"), "error");
    return;
  }
  const data = result.data;
  this.session = data.session;
  this.beatToken = data.beat_token;
  this.state = "active";
  this.seq = 0;
  this.queue = [];
  this.beatMs = data.beat_seconds * 1000;
  this.batchMs = data.batch_seconds * 1000;
  this.maxRate = data.max_rate;
  this.seekTolerance = data.seek_tolerance_seconds;
  this.serverMax = Math.max(this.serverMax, data.max_position);
  this.lastPosition = data.last_position;
  this.root.dataset.session = String(this.session);
  this.hide("paused");
  this.hide("ended");
  this.text("lesson-minutes", data.lesson_credited_minutes);
  if (data.signed_in_at) {
    this.text("signed-at", new Date(data.signed_in_at).toLocaleTimeString("zh-CN", { hour12: false }));
  }
  this.status("学习中：页面在前台、正常速度播放时计入学时", "ok");
  this.resetInterval();
  this.timers.push(setInterval(() => this.watch(), 1000));
  this.timers.push(setInterval(() => this.sample(), this.beatMs));
  this.timers.push(setInterval(() => this.flush(), this.batchMs));
  this.root.dispatchEvent(new CustomEvent("learning:session", { detail: data }));
};

Player.prototype.stopTimers = function () {
  this.timers.forEach((t) => { clearInterval(t); clearTimeout(t); });
  this.timers = [];
};

Player.prototype.flush = function (options = {}) {
  if (this.sending || !this.queue.length || !this.session) return this.inflight || Promise.resolve();
  this.sending = true;
  this.inflight = this.post(options);
  return this.inflight;
};

Player.prototype.post = async function ({ keepalive = false } = {}) {
  const session = this.session;
  const batch = this.queue.slice(0, 200);
  try {
    const result = await postJSON(`${this.api}/heartbeats`, { session, beats: batch, device: this.device },
      { keepalive, headers: this.beatToken ? { "X-Beat-Token": this.beatToken } : {} });
    if (session !== this.session) return; // a new session began meanwhile
    if (result.ok) {
      this.queue.splice(0, batch.length);
      this.failures = 0;
      this.handle(result.data);
    } else if (result.status === 409) {
      this.queue = [];
      this.end("本次学习已结束。如需继续，请刷新页面。");
    } else if (result.status >= 400 && result.status < 500) {
      this.queue.splice(0, batch.length); // the server refused these beats for good: do not resend them
      this.status(errorMessage(result, "心跳数据有误，已丢弃"), "error");
    } else {
      this.offline();
    }
  } catch (error) {
    this.offline(); // kept in the queue: the next post sends the same seq numbers again
  } finally {
    this.sending = false;
  }
};

Player.prototype.offline = function () {
  this.failures += 1;
  this.status(`网络中断，学习记录将在恢复后补传（已暂存 ${this.queue.length} 条）`, "warn");
};

Player.prototype.handle = function (data) {
  this.serverMax = Math.max(this.serverMax, data.max_position || 0);
  this.text("session-minutes", data.session_credited_minutes);
  if (data.day_credited_minutes !== null && data.day_credited_minutes !== undefined) {
    this.text("day-minutes", data.day_credited_minutes);
  }
  this.root.dataset.lastBatch = JSON.stringify(data.reasons);
  if (data.state === "paused") {
    this.pause();
    return;
  }
  const reasons = data.reasons || {};
  const notes = {
    rate: `倍速播放不计入学时：请以不超过 ${this.maxRate} 倍的速度播放`,
    hidden: "页面不在前台时不计入学时",
    unfocused: "窗口未激活时不计入学时：请回到本页面学习",
    seek_ahead: "跳过未学的内容不计入学时：请从上次学到的位置继续观看",
    presence_unanswered: "未按时回应在线确认，确认之前不计入学时",
    daily_cap: "今日学时已达上限，明天再来学习吧",
    not_signed_in: "直播课请先签到",
    outside_live_window: "不在直播时间内，不计入学时",
  };
  const shown = Object.keys(notes).filter((k) => reasons[k]);
  if (shown.length) this.status(shown.map((k) => notes[k]).join("；"), "warn");
  else if (reasons.credited) this.status("学习中：本段学习已计入", "ok");
  if (data.presence) this.ask(data.presence);
  else this.hide("presence");
};

Player.prototype.ask = function (presence) {
  const box = this.el("presence");
  if (!box || box.dataset.check === String(presence.id)) return;
  box.dataset.check = String(presence.id);
  box.hidden = false;
  let left = presence.seconds_left;
  this.text("presence-left", left);
  clearInterval(this.presenceTimer);
  this.presenceTimer = setInterval(() => {
    left = Math.max(0, left - 1);
    this.text("presence-left", left);
    if (!left) this.text("presence-hint", "已超时：回应之后才继续计入学时");
  }, 1000);
  document.title = "【请确认在线】" + document.title.replace(/^【请确认在线】/, "");
};

Player.prototype.answer = async function () {
  const box = this.el("presence");
  const check = Number(box.dataset.check);
  try {
    const result = await postJSON(`${this.api}/presence`, { session: this.session, check });
    if (result.ok || result.status === 404) {
      box.hidden = true;
      delete box.dataset.check;
      clearInterval(this.presenceTimer);
      this.text("presence-hint", "");
      document.title = document.title.replace(/^【请确认在线】/, "");
      this.status(result.ok && !result.data.in_time ? "已确认。超时期间的学习不计入学时" : "已确认，继续学习", "ok");
    }
  } catch (error) {
    this.status("网络中断，请稍后再点“我在学习”", "warn");
  }
};

Player.prototype.pause = function () {
  this.state = "paused";
  this.stopTimers();
  this.queue = [];
  if (this.video) this.video.pause();
  this.show("paused");
  this.status("已在其他设备开始学习，本页已暂停计时", "warn");
};

Player.prototype.end = function (message) {
  this.state = "ended";
  this.stopTimers();
  if (this.video) this.video.pause();
  this.text("ended-message", message);
  this.show("ended");
  this.status(message, "warn");
};

// Leaving the page: send what is pending and end the session (keepalive: survives the page).
// Returns a promise that settles when both are answered (the browser tests wait for it).
Player.prototype.leave = async function () {
  if (!this.session || this.state !== "active") return;
  this.sample();
  this.state = "left";
  this.stopTimers();
  const session = this.session;
  try {
    await this.inflight;
    await this.flush({ keepalive: true });
  } catch (error) {
    // nothing more can be done for these beats
  }
  await postJSON(`${this.api}/sessions/${session}/end`, {}, { keepalive: true }).catch(() => {});
};

Player.prototype.bind = function () {
  document.addEventListener("visibilitychange", () => {
    // close the interval at the change, so the visible part and the hidden part are separate beats
    this.watch();
    this.sample();
    if (!this.isVisible()) this.flush();
  });
  window.addEventListener("pagehide", () => this.leave());
  this.root.addEventListener("learning:flush", () => { this.sample(); this.flush(); });
  const yes = this.el("presence-yes");
  if (yes) yes.addEventListener("click", () => this.answer());
  const resume = this.el("resume-here");
  if (resume) resume.addEventListener("click", () => this.begin());
  const video = this.video;
  if (!video) return;
  video.addEventListener("loadedmetadata", () => {
    if (this.lastPosition > 1 && this.lastPosition < video.duration - 2) video.currentTime = this.lastPosition;
  });
  video.addEventListener("ratechange", () => {
    this.watch();
    if (video.playbackRate > this.maxRate) this.status(`倍速播放不计入学时：请以不超过 ${this.maxRate} 倍的速度播放`, "warn");
  });
  video.addEventListener("seeking", () => {
    const limit = this.allowedMax();
    if (video.currentTime > limit + 0.5) {
      video.currentTime = limit;
      this.status("请按顺序学习：不能跳到还没有学过的内容", "warn");
    }
  });
};

Player.prototype.text = function (id, value) {
  const node = this.el(id);
  if (node) node.textContent = String(value);
};

Player.prototype.show = function (id) {
  const node = this.el(id);
  if (node) node.hidden = false;
};

Player.prototype.hide = function (id) {
  const node = this.el(id);
  if (node) node.hidden = true;
};

Player.prototype.status = function (message, tone = "") {
  const node = this.el("player-status");
  if (!node) return;
  node.textContent = message;
  node.dataset.tone = tone;
};

const root = document.getElementById("player");
if (root) {
  const player = new Player(root);
  window.jinengPlayer = player; // for the browser tests and for curious support staff
  player.begin();
}
