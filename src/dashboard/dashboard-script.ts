/**
 * The pages' script, embedded so the binary serves it with no build step and no CDN.
 * Plain browser JavaScript: it keeps the live parts current (polling the JSON API every
 * `data-refresh-ms`, and the feed over Server-Sent Events), and sends the manager
 * actions with the operator key kept in sessionStorage. It writes text with
 * textContent only, never markup, so registry contents cannot inject any.
 */

import { DOM_HELPERS_JS } from "./dom-helpers.ts"
import { NO_MEMBERS_YET } from "./service-page.ts"

/** Served at `/dashboard/assets/dashboard.js`. */
export const DASHBOARD_JS = String.raw`"use strict";
(function () {
  var body = document.body;
  var page = body.dataset.page;
  var serviceId = body.dataset.serviceId || "";
  var refreshMs = Number(body.dataset.refreshMs) || 2000;
  var $ = function (id) { return document.getElementById(id); };
  var KEY = "gateway.dashboard.operatorKey";
  var keyInput = $("operator-key");
  keyInput.value = sessionStorage.getItem(KEY) || "";
  keyInput.addEventListener("input", function () { sessionStorage.setItem(KEY, keyInput.value.trim()); });

${DOM_HELPERS_JS}
  var NO_MEMBERS_YET = ${JSON.stringify(NO_MEMBERS_YET)};
  function apiPath(id) { return "/api/dashboard/services/" + encodeURIComponent(id); }

  async function getJson(url) {
    var res = await fetch(url, { headers: { accept: "application/json" } });
    var json = await res.json();
    if (!res.ok) throw new Error(res.status + " " + (json.message || res.statusText));
    return json;
  }

  function describeError(status, json) {
    var text = status + " " + (json.error || "error") + ": " + (json.message || "");
    if (json.field) text += " [field: " + json.field + "]";
    if (json.rule) text += " [rule: " + json.rule + "]";
    return text;
  }

  async function act(method, url, payload, out) {
    out.dataset.state = "pending";
    out.textContent = "sending… (waiting for the registry to confirm)";
    var headers = { accept: "application/json" };
    if (payload !== undefined) headers["content-type"] = "application/json";
    var key = keyInput.value.trim();
    if (key) headers.authorization = "Bearer " + key;
    try {
      var res = await fetch(url, { method: method, headers: headers, body: payload === undefined ? undefined : JSON.stringify(payload) });
      var json = await res.json().catch(function () { return {}; });
      if (!res.ok) { out.dataset.state = "error"; out.textContent = describeError(res.status, json); return false; }
      out.dataset.state = "ok";
      out.textContent = "done: " + json.action + " in block " + json.block_number + " (tx " + json.tx_hash + ")";
      refresh();
      return true;
    } catch (e) {
      out.dataset.state = "error";
      out.textContent = "could not reach the gateway: " + e.message;
      return false;
    }
  }

  document.querySelectorAll("form[data-action]").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var payload = {};
      new FormData(form).forEach(function (v, k) { payload[k] = String(v); });
      var out = form.querySelector(".result");
      act(form.dataset.method || "POST", form.dataset.url, payload, out).then(function (ok) {
        if (ok && form.dataset.reset === "true") form.reset();
        if (ok && form.id === "location-form") form.querySelector("[name=epoch]").dataset.touched = "";
      });
    });
  });
  document.addEventListener("click", function (ev) {
    var button = ev.target.closest ? ev.target.closest("button[data-remove-manager]") : null;
    if (!button) return;
    act("DELETE", button.dataset.url, undefined, $("managers-result"));
  });
  var epochInput = document.querySelector("#location-form [name=epoch]");
  if (epochInput) epochInput.addEventListener("input", function () { epochInput.dataset.touched = "true"; });

  function renderServices(list) {
    var tbody = $("services-body");
    var rows = list.services.map(function (s) {
      var link = el("a", { href: "/dashboard/services/" + encodeURIComponent(s.service_id), text: s.service_id });
      return el("tr", { "data-service": s.service_id }, el("td", {}, link), el("td", {}, el("code", { text: s.location })),
        el("td", { text: s.epoch }), el("td", { text: String(s.managers.length) }));
    });
    tbody.replaceChildren.apply(tbody, rows);
    $("services-empty").hidden = list.services.length > 0;
    $("list-error").hidden = true;
  }

  function renderReplication(r, registryEpoch) {
    if (!r || !$("replicas-body") || (page === "service" && r.service !== serviceId)) return;
    setText("leader-node", r.self.leader ? r.self.leader.node : "(none elected)");
    setText("leader-location", r.self.leader ? r.self.leader.location : "-");
    setText("self-role", r.self.role);
    setText("self-lpi", r.self.lpi);
    setText("self-log-size", r.self.log_size);
    setText("leader-epoch", r.self.epoch === null ? "(known to the leader)" : r.self.epoch);
    if (registryEpoch !== undefined) setText("registry-epoch", registryEpoch);
    var tbody = $("replicas-body");
    tbody.replaceChildren.apply(tbody, r.replicas.map(function (p) {
      return el("tr", { "data-node": p.node }, el("td", { text: p.node }), el("td", { text: p.leader ? "leader" : "follower" }),
        el("td", { text: String(p.lpi) }), el("td", { text: String(p.lag) }));
    }));
    setText("replicas-error", r.replicas_error || "");
  }

  function renderService(d) {
    var s = d.service;
    setText("location", s.location);
    setText("epoch", s.epoch);
    setText("info", s.info);
    var next = (BigInt(s.epoch) + 1n).toString();
    if (epochInput && epochInput.dataset.touched !== "true" && document.activeElement !== epochInput) epochInput.value = next;
    var ul = $("managers");
    var current = Array.prototype.map.call(ul.children, function (li) { return li.dataset.account; }).join(",");
    if (current !== s.managers.join(",")) {
      ul.replaceChildren.apply(ul, s.managers.map(function (m) {
        return el("li", { "data-account": m }, el("code", { text: m }), m === d.signer ? " (this gateway) " : " ",
          el("button", { type: "button", "data-remove-manager": m, "data-url": apiPath(s.service_id) + "/managers/" + m, text: "Remove" }));
      }));
    }
    renderMembers(d);
    renderReplication(d.replication, s.epoch);
  }

  // The replica set the leader published, redrawn only when it changed.
  function renderMembers(d) {
    var cell = $("members-cell");
    if (!cell || d.members === undefined) return;
    var shown = d.members === null ? "error " + d.members_error : d.members.join(",");
    if (cell.dataset.shown === shown) return;
    cell.dataset.shown = shown;
    if (d.members === null) cell.replaceChildren(el("p", { class: "banner", id: "members-error", text: d.members_error }));
    else if (d.members.length === 0) cell.replaceChildren(el("span", { id: "members", class: "hint", text: NO_MEMBERS_YET }));
    else cell.replaceChildren(el.apply(null, ["ul", { id: "members" }].concat(d.members.map(function (url) { return el("li", {}, el("code", { text: url })); }))));
  }

  var refreshing = false;
  async function refresh() {
    if (refreshing) return;
    refreshing = true;
    try {
      if (page === "services") {
        try { renderServices(await getJson("/api/dashboard/services")); }
        catch (e) { $("list-error").hidden = false; setText("list-error", "could not list the services: " + e.message); }
        renderReplication((await getJson("/api/dashboard/replication")).replication);
      } else if (page === "service") {
        renderService(await getJson(apiPath(serviceId)));
      }
    } catch (e) {
      console.warn("dashboard refresh failed", e);
    } finally {
      refreshing = false;
    }
  }

  function feedItem(f) {
    var what = f.kind === "location"
      ? [el("b", { text: f.service_id }), " moved to ", el("code", { text: f.location }), " at epoch ", el("b", { text: f.epoch })]
      : [el("b", { text: f.service_id }), ": ", el("code", { text: f.claimant }), " claims ", el("code", { text: f.location }), " does not answer"];
    var li = el("li", { "data-id": f.id, "data-kind": f.kind, "data-service": f.service_id, "data-removed": String(f.removed) },
      el("span", { "class": "tag " + f.kind, text: f.kind }), " ");
    what.forEach(function (part) { li.appendChild(typeof part === "string" ? document.createTextNode(part) : part); });
    li.appendChild(el("span", { "class": "pending", text: " block " + f.block_number + (f.confirmed ? "" : " · unconfirmed") + (f.removed ? " · reorged out" : "") }));
    return li;
  }
  function showEntry(f, atTop) {
    if (page === "service" && f.service_id !== serviceId) return;
    var feed = $("feed");
    var fresh = feedItem(f);
    var old = feed.querySelector('li[data-id="' + CSS.escape(f.id) + '"]');
    if (old) feed.replaceChild(fresh, old); else if (atTop) feed.insertBefore(fresh, feed.firstChild); else feed.appendChild(fresh);
    while (feed.children.length > 200) feed.removeChild(feed.lastChild);
  }

  if ($("feed") && window.EventSource) {
    var source = new EventSource("/api/dashboard/feed/stream");
    source.addEventListener("open", function () { setText("feed-state", "live"); });
    source.addEventListener("error", function () { setText("feed-state", "reconnecting…"); });
    source.addEventListener("snapshot", function (ev) {
      $("feed").replaceChildren();
      JSON.parse(ev.data).forEach(function (f) { showEntry(f, false); });
      setText("feed-state", "live");
    });
    source.addEventListener("entry", function (ev) {
      var f = JSON.parse(ev.data);
      showEntry(f, true);
      if (f.kind === "location") refresh();
    });
  }

  setInterval(refresh, refreshMs);
})();
`
