/**
 * The operations pages' script, embedded so the binary serves it with no build step and
 * no CDN. Plain browser JavaScript: on `/ops` it polls the overview (no key) and swaps in
 * the chart, and with the operator key (kept in sessionStorage, sent as a Bearer token)
 * lists what is stuck, failed or dead-lettered; on `/ops/requests/{id}` it reads the
 * request with `GET /v1/requests/{id}`. Text goes in with textContent only, never as
 * markup, so a reason or a sender cannot inject any; the chart is the server's own SVG.
 */

import { DOM_HELPERS_JS } from "../dom-helpers.ts"

/** Served at `/ops/assets/ops.js`. */
export const OPS_JS = String.raw`"use strict";
(function () {
  var body = document.body;
  var page = body.dataset.page;
  var refreshMs = Number(body.dataset.refreshMs) || 2000;
  var stuckAfterS = body.dataset.stuckAfterS || "";
  var $ = function (id) { return document.getElementById(id); };
  var KEY = "gateway.ops.operatorKey";
  var keyInput = $("operator-key");
  keyInput.value = sessionStorage.getItem(KEY) || "";
  function key() { return keyInput.value.trim(); }
  // The server's own hints (they name the variable the keys come from), shown again when the key is cleared.
  var hints = {};
  ["attention-state", "request-state"].forEach(function (id) { if ($(id)) hints[id] = $(id).cloneNode(true); });
  function showHint(id) { var node = $(id); if (node && hints[id]) node.replaceChildren.apply(node, Array.prototype.map.call(hints[id].childNodes, function (c) { return c.cloneNode(true); })); }

${DOM_HELPERS_JS}
  function num(text, cls) { return el("td", { "class": "num" + (cls ? " " + cls : ""), text: String(text) }); }
  function latency(ms) { return ms === null ? "–" : ms + " ms"; }
  function age(ms) {
    var s = Math.floor(ms / 1000);
    if (s < 60) return s + " s";
    if (s < 3600) return Math.floor(s / 60) + " min " + (s % 60) + " s";
    return Math.floor(s / 3600) + " h " + Math.floor((s % 3600) / 60) + " min";
  }
  function iso(ms) { return new Date(ms).toISOString(); }

  async function getJson(url, withKey) {
    var headers = { accept: "application/json" };
    if (withKey && key()) headers.authorization = "Bearer " + key();
    var res = await fetch(url, { headers: headers, cache: "no-store" });
    var json = await res.json().catch(function () { return {}; });
    if (!res.ok) { var e = new Error(res.status + " " + (json.message || res.statusText)); e.status = res.status; throw e; }
    return json;
  }

  function renderOverview(o) {
    setText("backlog-total", o.backlog.total);
    setText("backlog-read-at", o.backlog.read_at === null ? "not read yet" : "read " + iso(o.backlog.read_at));
    var tbody = $("backlog-body");
    tbody.replaceChildren.apply(tbody, o.backlog.partitions.map(function (p) {
      return el("tr", { "data-partition": String(p.partition), "data-backlog": String(p.backlog) },
        el("td", { text: String(p.partition) }), num(p.end), num(p.committed < 0 ? "–" : p.committed), num(p.backlog, "backlog"));
    }));
    var nodes = $("nodes-body");
    nodes.replaceChildren.apply(nodes, o.nodes.map(function (n) {
      var source = n.host === null ? "this process" : n.host + " (pid " + n.pid + "), " + age(Math.max(0, o.at - n.reported_at)) + " ago";
      return el("tr", { "data-node": n.name, "data-chain": n.chain, "data-breaker": n.breaker, "data-host": n.host || "" },
        el("td", { text: n.name }), el("td", { "class": "source", text: source }), el("td", { text: n.chain }), num(n.in_flight, "in-flight"), num(n.limit, "limit"),
        num(n.cap + (n.adaptive ? "" : " (fixed)"), "cap"), num(latency(n.latency_ms), "latency"),
        el("td", { "class": "breaker", text: n.breaker }), num(n.calls, "calls"), num(n.failures, "failures"));
    }));
    $("nodes-empty").hidden = o.nodes.length > 0;
    var elsewhere = $("nodes-elsewhere");
    elsewhere.hidden = o.nodes_elsewhere.length === 0;
    setText("nodes-elsewhere", o.nodes_elsewhere.length === 0 ? "" : "Neither throttled by this process nor reported by another, so not shown: " +
      o.nodes_elsewhere.map(function (n) { return n.name + " (" + n.chain + ", cap " + n.cap + ", called by " + (n.hosts.length === 0 ? "no host" : n.hosts.join(", ")) + ")"; }).join(", ") +
      ". Consumer processes report through etcd; none has reported these (not running, or etcd unreachable).");
    setText("event-loop", o.event_loop === null ? "This process does not watch its event loop." :
      "This process's event loop ran a 20 ms timer up to " + o.event_loop.max_ms + " ms late over the last " + o.event_loop.window_s + " s (p99 " + o.event_loop.p99_ms +
      " ms). Late by more than a few ms means this host is short of CPU: every latency above then reads high with it, whatever the node does.");
    setText("dlq-messages", o.dlq.messages === null ? "?" : o.dlq.messages);
    var legend = $("chart-legend");
    Object.keys(o.counts).forEach(function (status) {
      var item = legend.querySelector('li[data-status="' + status + '"] b');
      if (item) item.textContent = String(o.counts[status]);
    });
  }

  var chartShownTo = null;
  async function refreshChart(to) {
    if (to === chartShownTo) return;
    var res = await fetch("/ops/chart.svg", { cache: "no-store" });
    if (!res.ok) return;
    var doc = new DOMParser().parseFromString(await res.text(), "image/svg+xml");
    var svg = doc.documentElement;
    if (svg.nodeName !== "svg") return;
    $("chart-box").replaceChildren(document.importNode(svg, true));
    chartShownTo = to;
  }

  function requestRow(r) {
    var link = el("a", { href: "/ops/requests/" + encodeURIComponent(r.id), text: r.id });
    return el("tr", { "data-id": r.id, "data-status": r.status },
      el("td", {}, el("code", {}, link)), el("td", { "class": "status-" + r.status, text: r.status }), el("td", { text: r.chain }),
      el("td", {}, el("code", { text: r.sender })), num(r.partition), num(age(r.age_ms)), el("td", { "class": "reason", text: r.reason || "" }));
  }
  function renderList(id, items, total) {
    var tbody = $(id + "-body");
    tbody.replaceChildren.apply(tbody, items.map(requestRow));
    setText(id + "-count", total === undefined ? "(" + items.length + ")" : "(" + items.length + " of this key's shown; " + total + " in all, of every key)");
  }
  async function refreshAttention() {
    if (!key()) {
      // No key, no request on the page: a cleared key takes the lists away too.
      ["stuck", "failed", "dlq"].forEach(function (id) { $(id + "-body").replaceChildren(); setText(id + "-count", ""); });
      showHint("attention-state");
      return;
    }
    try {
      var a = await getJson("/ops/api/attention" + (stuckAfterS ? "?stuck_after_s=" + encodeURIComponent(stuckAfterS) : ""), true);
      setText("stuck-after", a.stuck_after_s);
      renderList("stuck", a.stuck);
      renderList("failed", a.failed, a.totals.failed);
      renderList("dlq", a.dlq, a.totals.dlq);
      setText("attention-state", "Lists read " + iso(a.at) + ".");
    } catch (e) {
      setText("attention-state", e.status === 401 ? "The key was refused: " + e.message : "Could not read the lists: " + e.message);
    }
  }

  function renderRequest(r) {
    setText("request-status", r.status);
    $("request-status").className = "status-" + r.status;
    setText("request-chain", r.chain);
    setText("request-sender", r.sender);
    setText("request-partition", r.partition);
    setText("request-txid", r.txid || "–");
    setText("request-node", r.node || "–");
    setText("request-reason", r.reason || "–");
    var tbody = $("history-body");
    tbody.replaceChildren.apply(tbody, (r.history || []).map(function (t) {
      return el("tr", { "data-status": t.status }, el("td", { "class": "when", text: iso(t.at) }), el("td", { "class": "status-" + t.status, text: t.status }),
        num(t.rev), el("td", { "class": "reason", text: t.reason || "" }), el("td", {}, el("code", { text: t.txid || "" })));
    }));
  }
  async function refreshRequest() {
    var id = body.dataset.requestId;
    if (!key()) { showHint("request-state"); return; }
    try {
      renderRequest(await getJson("/v1/requests/" + encodeURIComponent(id), true));
      $("request-error").hidden = true;
      setText("request-state", "Read " + iso(Date.now()) + "; read again every " + refreshMs / 1000 + " s.");
    } catch (e) {
      $("request-error").hidden = false;
      setText("request-error", e.message);
    }
  }

  var refreshing = false;
  async function refresh() {
    if (refreshing) return;
    refreshing = true;
    try {
      if (page === "ops") {
        var o = await getJson("/ops/api/overview", false);
        renderOverview(o);
        await refreshChart(o.series.to);
        await refreshAttention();
      } else if (page === "request") {
        await refreshRequest();
      }
    } catch (e) {
      console.warn("operations refresh failed", e);
    } finally {
      refreshing = false;
    }
  }

  keyInput.addEventListener("input", function () { sessionStorage.setItem(KEY, key()); refresh(); });
  refresh();
  setInterval(refresh, refreshMs);
})();
`
