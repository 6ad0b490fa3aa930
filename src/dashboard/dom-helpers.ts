/**
 * The DOM helpers both embedded page scripts use (the Service Registry Dashboard's and
 * the operations page's), as browser JavaScript source spliced into each: `el(tag,
 * attrs, ...children)` builds an element (text only through textContent), `setText(id,
 * text)` changes a node's text only when it differs. Each script defines `$` first.
 */

/** The helpers' source. */
export const DOM_HELPERS_JS = String.raw`  function el(tag, attrs) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k]; else node.setAttribute(k, attrs[k]);
    });
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }
  function setText(id, text) { var node = $(id); if (node && node.textContent !== String(text)) node.textContent = String(text); }`
