// Forms that sign in (签到) send this browser's device id with them.
import { deviceId } from "./client.js";

for (const input of document.querySelectorAll("input[name=device]")) {
  input.value = deviceId();
}
