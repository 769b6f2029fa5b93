// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Move focus to the error summary after a failed submit so screen readers announce it.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".error-summary");
    if (summary) {
      summary.focus();
    }
  });

  // "N weitere Antworten anzeigen" loads the next replies of a thread in place. Without this the
  // link opens the thread at those replies as a page (discussions.views.permalink with the cursor
  // `nach`), and on any failure it still does.

  // The cards after the cursor's card on the fetched page: the new replies and, if the thread
  // goes on, its next "weitere Antworten" link. Cards already on this page are left out.
  function newItems(html, after) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var start = doc.getElementById("kommentar-" + after);
    var items = [];
    for (var node = start && start.nextElementSibling; node; node = node.nextElementSibling) {
      if (!node.id || !document.getElementById(node.id)) {
        items.push(document.importNode(node, true));
      }
    }
    return items;
  }

  function load(link) {
    var slot = link.closest("li");
    link.setAttribute("aria-busy", "true");
    fetch(link.href, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.text();
      })
      .then(function (html) {
        var items = newItems(html, link.getAttribute("data-after"));
        if (!items.length) {
          throw new Error("no replies");
        }
        var fragment = document.createDocumentFragment();
        var url = new URL(link.href, window.location.href);
        items.forEach(function (item) {
          // A vote from a loaded card returns to the window that shows it (see the click handler).
          item.setAttribute("data-window", url.pathname + url.search);
          fragment.appendChild(item);
        });
        slot.parentNode.replaceChild(fragment, slot);
        // Keyboard and screen reader users continue at the first reply that appeared.
        var first = items[0];
        first.setAttribute("tabindex", "-1");
        first.focus();
      })
      .catch(function () {
        window.location.href = link.href;
      });
  }

  // The thread's one form sends `next`, the page to return to after a vote. This page does not show
  // replies loaded in place, so a vote from one of them returns to the thread window it came from.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[formaction]") : null;
    var next = button && button.form ? button.form.querySelector("input[name=next]") : null;
    if (!next) {
      return;
    }
    if (!next.hasAttribute("data-page")) {
      next.setAttribute("data-page", next.value);
    }
    var card = button.closest("[data-window]");
    next.value = card ? card.getAttribute("data-window") : next.getAttribute("data-page");
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a.more-replies") : null;
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
      return;
    }
    event.preventDefault();
    if (link.getAttribute("aria-busy") !== "true") {
      load(link);
    }
  });
})();
