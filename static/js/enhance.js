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

  // The moderation queue (moderation/queue_views.py): a decision taken in a row replaces that row in
  // place. Without this the form posts and the queue page comes back without the decided row; on any
  // failure here the form is sent the ordinary way.
  function say(text) {
    var status = document.getElementById("queue-status");
    if (status) {
      status.textContent = "";
      window.setTimeout(function () { status.textContent = text; }, 50);
    }
  }

  function focusHeading(row) {
    var heading = row && row.querySelector("h3, h4, [tabindex='-1']");
    if (heading) {
      heading.focus();
    }
  }

  function showDone(row, doc) {
    var flashes = doc.querySelectorAll(".flash");
    var message = document.createElement("p");
    message.className = flashes.length ? flashes[0].className + " queue-done" : "flash queue-done";
    message.setAttribute("tabindex", "-1");
    message.textContent = Array.prototype.map.call(flashes, function (f) { return f.textContent.trim(); }).join(" ");
    var article = row.querySelector("article") || row;
    var heading = article.querySelector("h3");
    while (article.lastChild && article.lastChild !== heading) {
      article.removeChild(article.lastChild);
    }
    article.appendChild(message);
    row.removeAttribute("data-queue-row");
    row.classList.add("queue-item-done");
    say(message.textContent);
    var next = row.nextElementSibling;
    while (next && !next.hasAttribute("data-queue-row")) {
      next = next.nextElementSibling;
    }
    if (next) {
      focusHeading(next);
    } else {
      message.focus();
    }
  }

  function showConfirmation(row, form, doc) {
    var step = doc.querySelector(".confirm-step");
    var box = document.createElement("div");
    box.className = "queue-confirm";
    var title = document.createElement("h4");
    title.setAttribute("tabindex", "-1");
    title.textContent = doc.querySelector("h1") ? doc.querySelector("h1").textContent : "";
    box.appendChild(title);
    Array.prototype.forEach.call(step.children, function (child) {
      // The step's h2 become h5 so the row's outline stays in order.
      box.appendChild(document.importNode(child, true));
    });
    Array.prototype.forEach.call(box.querySelectorAll("h2"), function (h2) {
      var h5 = document.createElement("h5");
      h5.textContent = h2.textContent;
      h2.parentNode.replaceChild(h5, h2);
    });
    // The mistakes shown before are corrected now; a stale summary would also break the heading order.
    Array.prototype.forEach.call(row.querySelectorAll(".error-summary"), function (summary) {
      summary.parentNode.removeChild(summary);
    });
    form.parentNode.replaceChild(box, form);
    title.focus();
  }

  function decideInPlace(form, submitter) {
    var row = form.closest("[data-queue-row]");
    var data = new FormData(form);
    if (submitter && submitter.name) {
      data.append(submitter.name, submitter.value);
    }
    row.setAttribute("aria-busy", "true");
    // getAttribute: the form's buttons are named "action", which shadows form.action.
    fetch(form.getAttribute("action"), { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok && response.status !== 400) {
          throw new Error(String(response.status));
        }
        return response.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        row.removeAttribute("aria-busy");
        var fresh = doc.getElementById(row.id);
        if (fresh && fresh.querySelector("form")) {
          // Still waiting: something to correct (errors beside the fields) or a newer version.
          var node = document.importNode(fresh, true);
          row.parentNode.replaceChild(node, row);
          var target = node.querySelector(".error-summary") || node.querySelector("h3");
          target.focus();
          say(doc.querySelector(".flash") ? doc.querySelector(".flash").textContent.trim() : "");
        } else if (doc.querySelector(".confirm-step")) {
          showConfirmation(row, form, doc);
        } else {
          showDone(row, doc);
        }
      })
      .catch(function () {
        form.setAttribute("data-plain-submit", "true");
        if (form.requestSubmit) {
          form.requestSubmit(submitter || undefined);
        } else {
          form.submit();
        }
      });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.closest || !form.closest("[data-queue-row]") || form.getAttribute("data-plain-submit")) {
      return;
    }
    event.preventDefault();
    if (form.closest("[aria-busy='true']")) {
      return;
    }
    decideInPlace(form, event.submitter);
  });

  // J and K move between the queue's items (announced on the page); never while typing.
  document.addEventListener("keydown", function (event) {
    var key = event.key;
    if ((key !== "j" && key !== "k") || event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    var active = document.activeElement;
    if (active && (/^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName) || active.isContentEditable)) {
      return;
    }
    var rows = Array.prototype.slice.call(document.querySelectorAll("[data-queue-row]"));
    if (!rows.length) {
      return;
    }
    var current = active && active.closest ? active.closest(".queue-item") : null;
    var all = Array.prototype.slice.call(document.querySelectorAll(".queue-item"));
    var index = current ? all.indexOf(current) : -1;
    var step = key === "j" ? 1 : -1;
    for (var i = index + step; i >= 0 && i < all.length; i += step) {
      if (all[i].hasAttribute("data-queue-row")) {
        event.preventDefault();
        focusHeading(all[i]);
        return;
      }
    }
  });
})();
