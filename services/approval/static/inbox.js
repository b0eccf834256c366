// Approval inbox: live list refresh and the decision buttons. No build step, no framework.
"use strict";

const POLL_MS = 2000;

async function post(url, body) {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: {"Content-Type": "application/json", "X-Inbox": "1"},
    body: JSON.stringify(body || {}),
  });
  let data = {};
  try { data = await response.json(); } catch (e) { data = {}; }
  return {ok: response.ok, status: response.status, data: data};
}

function show(el, text, kind) {
  el.textContent = text;
  el.className = kind;
}

function startList(section) {
  const rows = document.getElementById("rows");
  const count = document.getElementById("count");
  const live = document.getElementById("live");
  async function refresh() {
    try {
      const response = await fetch(section.dataset.rows, {credentials: "same-origin"});
      if (response.status === 401) { window.location.assign("/inbox/login"); return; }
      if (!response.ok) throw new Error("HTTP " + response.status);
      const html = await response.text();
      if (rows.innerHTML !== html) rows.innerHTML = html;
      count.textContent = String(rows.querySelectorAll("tr[data-action-id]").length);
      live.textContent = "Live: updated " + new Date().toLocaleTimeString();
    } catch (e) {
      live.textContent = "Live updates paused (" + e.message + "), retrying";
    }
  }
  setInterval(refresh, POLL_MS);
}

function startItem(section) {
  const base = "/inbox/items/" + section.dataset.actionId;
  const result = document.getElementById("result");
  const reply = document.getElementById("reply");
  const approve = document.getElementById("approve");
  const reject = document.getElementById("reject");
  function done(answer, verb) {
    if (answer.ok) {
      show(result, answer.data.message, "ok");
      approve.disabled = true;
      reject.disabled = true;
    } else {
      const error = answer.data.error || {message: "HTTP " + answer.status};
      show(result, "Refused: " + error.message, "error");
    }
  }
  approve.addEventListener("click", async () => {
    const body = {};
    if (reply && reply.value !== reply.dataset.original) body.reply = reply.value;
    done(await post(base + "/approve", body), "approved");
  });
  reject.addEventListener("click", async () => {
    const reason = document.getElementById("reason").value.trim();
    if (!reason) { show(result, "Give a reason for rejecting.", "error"); return; }
    done(await post(base + "/reject", {reason: reason}), "rejected");
  });
  document.getElementById("reveal").addEventListener("click", async () => {
    const answer = await post(base + "/reveal");
    const out = document.getElementById("reveal-result");
    if (answer.ok && answer.data.text) document.getElementById("ticket-text").textContent = answer.data.text;
    show(out, answer.ok ? answer.data.message : "Refused: " + (answer.data.error || {}).message, "hint");
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const list = document.querySelector("[data-page=list]");
  if (list) startList(list);
  const item = document.querySelector("[data-page=item]");
  if (item) startItem(item);
});
