"use strict";
// The API documentation (templates/api/swagger_ui.html): Swagger UI writes its own words in
// English. The page gives their translations in a data block; each text and label Swagger UI
// draws, now or later (it draws as the reader opens operations), is replaced by its
// translation when it has one. Texts are matched whole, without their surrounding spaces.
// A few of its controls have no name for a screen reader, and its code blocks scroll out of
// a keyboard's reach: those are given a name and a tab stop as they are drawn.
(function () {
  const data = document.getElementById("swagger-ui-texts");
  const root = document.getElementById("swagger-ui");
  if (!data || !root) return;
  const texts = JSON.parse(data.textContent);
  const ATTRIBUTES = ["aria-label", "title", "placeholder"];

  function translated(value) {
    const key = value.trim();
    if (!key || !Object.prototype.hasOwnProperty.call(texts, key)) return null;
    return value.replace(key, texts[key]);
  }

  function translateText(node) {
    const value = translated(node.nodeValue);
    if (value !== null && value !== node.nodeValue) node.nodeValue = value;
  }

  function translateAttributes(element) {
    for (const name of ATTRIBUTES) {
      const current = element.getAttribute(name);
      const value = current === null ? null : translated(current);
      if (value !== null && value !== current) element.setAttribute(name, value);
    }
  }

  function repair(element) {
    const within = function (selector) {
      return element.matches(selector) ? [element] : element.querySelectorAll(selector);
    };
    within("pre.microlight:not([tabindex])").forEach(function (code) {
      code.tabIndex = 0;
    });
    within("tr[data-param-name] select:not([aria-label])").forEach(function (select) {
      select.setAttribute("aria-label", select.closest("tr").dataset.paramName);
    });
    within("button.close-modal:not([aria-label])").forEach(function (button) {
      button.setAttribute("aria-label", texts.Close || "Close");
    });
  }

  function translateTree(node) {
    if (node.nodeType === Node.TEXT_NODE) {
      translateText(node);
      return;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    repair(node);
    translateAttributes(node);
    const walker = document.createTreeWalker(node, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (let current = walker.nextNode(); current; current = walker.nextNode()) {
      if (current.nodeType === Node.TEXT_NODE) translateText(current);
      else translateAttributes(current);
    }
  }

  new MutationObserver(function (records) {
    for (const record of records) {
      if (record.type === "characterData") translateText(record.target);
      else if (record.type === "attributes") translateAttributes(record.target);
      else record.addedNodes.forEach(translateTree);
    }
  }).observe(root, {childList: true, subtree: true, characterData: true, attributes: true,
                    attributeFilter: ATTRIBUTES});
})();
