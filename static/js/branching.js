// Progressive enhancement for survey branching: questions that depend on an answer on the same page
// appear and disappear live; a "Sonstiges" text field appears only while "Sonstiges" is chosen.
// Without this file the server decides per page (participation/surveys/answering/services.py), and it
// decides what is stored in any case: this only mirrors participation/surveys/conditions.py `holds`.
// Inputs of a hidden question are disabled, so they are not sent; its `_hidden` marker is sent instead.
(function () {
  "use strict";

  function enabledFields(form, name) {
    return Array.prototype.filter.call(form.querySelectorAll("[name]"), function (el) {
      return el.name === name && !el.disabled;
    });
  }

  function values(form, name) {
    var result = [];
    enabledFields(form, name).forEach(function (el) {
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) {
          result.push(el.value);
        }
      } else if (el.value.trim() !== "") {
        result.push(el.value.trim());
      }
    });
    return result;
  }

  function fieldsStartingWith(form, prefix) {
    var names = {};
    Array.prototype.forEach.call(form.querySelectorAll("[name]"), function (el) {
      if (el.name.indexOf(prefix) === 0 && !el.disabled) {
        names[el.name] = true;
      }
    });
    return Object.keys(names);
  }

  function number(text, decimal) {
    var clean = text.replace(/\s/g, "");
    if (decimal) {
      clean = clean.replace(",", ".");
    }
    if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(clean)) {
      return null;
    }
    var result = parseFloat(clean);
    if (!decimal && Math.floor(result) !== result) {
      return null;
    }
    return result;
  }

  function isoDate(text) {
    var german = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(text);
    if (german) {
      return german[3] + "-" + ("0" + german[2]).slice(-2) + "-" + ("0" + german[1]).slice(-2);
    }
    return /^\d{4}-\d{2}-\d{2}$/.test(text) ? text : null;
  }

  // The source's value as the server would parse it; null when unanswered or not acceptable.
  function valueOf(form, rule) {
    var list = values(form, rule.field);
    var first = list.length ? list[0] : null;
    switch (rule.type) {
      case "multiple":
        // What is chosen counts even while the number of choices or a "Sonstiges" text is not right yet.
        return list.length ? list : null;
      case "number": {
        if (first === null) {
          return null;
        }
        var n = number(first, rule.decimal);
        var low = rule.min !== undefined ? parseFloat(String(rule.min)) : null;
        var high = rule.max !== undefined ? parseFloat(String(rule.max)) : null;
        if (n === null || (low !== null && n < low) || (high !== null && n > high)) {
          return null;
        }
        return n;
      }
      case "date": {
        var day = first === null ? null : isoDate(first);
        if (day === null || (rule.min_date && day < rule.min_date) || (rule.max_date && day > rule.max_date)) {
          return null;
        }
        return day;
      }
      case "matrix":
      case "ranking": {
        var parts = fieldsStartingWith(form, rule.field + "_").filter(function (name) {
          // Only the rows (_r<id>) or ranks (_o<id>), not a "hidden" marker or "Sonstiges" text.
          return /_[ro]\d+$/.test(name) && values(form, name).length > 0;
        });
        if (!parts.length || (rule.type === "matrix" && rule.mandatory && parts.length < rule.parts)) {
          return null;
        }
        if (rule.type === "ranking") {
          var ranks = parts.map(function (name) { return values(form, name)[0]; }).sort();
          var expected = [];
          for (var i = 1; i <= rule.parts; i += 1) {
            expected.push(String(i));
          }
          if (ranks.join(",") !== expected.sort().join(",")) {
            return null;
          }
        }
        return parts;
      }
      default:
        return first;
    }
  }

  function compare(op, actual, expected) {
    switch (op) {
      case "eq": return actual === expected;
      case "ne": return actual !== expected;
      case "lt": return actual < expected;
      case "le": return actual <= expected;
      case "gt": return actual > expected;
      case "ge": return actual >= expected;
    }
    return false;
  }

  function holds(form, rule) {
    if (rule.fixed !== undefined) {
      return rule.fixed;
    }
    var value = valueOf(form, rule);
    if (rule.op === "answered") {
      return value !== null;
    }
    if (rule.op === "not_answered") {
      return value === null;
    }
    if (value === null) {
      return false;
    }
    switch (rule.type) {
      case "single": {
        var same = value === rule.option;
        return rule.op === "eq" || rule.op === "contains" ? same : !same;
      }
      case "multiple":
        return value.indexOf(rule.option) !== -1;
      case "yesno":
        return compare(rule.op, value === "ja", rule.value === "ja");
      case "scale":
        if (value === "dk") {
          return rule.op === "ne";
        }
        return compare(rule.op, parseFloat(value), number(String(rule.value || ""), true));
      case "number": {
        var expected = number(String(rule.value || ""), true);
        return expected !== null && compare(rule.op, value, expected);
      }
      case "date": {
        var day = isoDate(String(rule.value || ""));
        return day !== null && compare(rule.op, value, day);
      }
      default:
        return compare(rule.op, String(value).toLowerCase(), String(rule.value || "").toLowerCase());
    }
  }

  function applies(form, spec) {
    var results = spec.rules.map(function (rule) { return holds(form, rule); });
    return spec.mode === "any" ? results.indexOf(true) !== -1 : results.indexOf(false) === -1;
  }

  function setShown(block, shown) {
    block.hidden = !shown;
    Array.prototype.forEach.call(block.querySelectorAll("input, select, textarea"), function (el) {
      // The marker says "was hidden when sent": the opposite of the answer fields.
      el.disabled = el.hasAttribute("data-branch-mark") ? shown : !shown;
    });
  }

  function update(form, announce) {
    var appeared = 0;
    var vanished = 0;
    // In page order: a hidden question counts as unanswered for the questions after it.
    Array.prototype.forEach.call(form.querySelectorAll("[data-branch]"), function (block) {
      var shown = applies(form, JSON.parse(block.getAttribute("data-branch")));
      if (shown === block.hidden) {
        if (shown) {
          appeared += 1;
        } else {
          vanished += 1;
        }
      }
      setShown(block, shown);
    });
    Array.prototype.forEach.call(form.querySelectorAll("[data-other-of]"), function (box) {
      var name = box.getAttribute("data-other-of");
      var chosen = values(form, name).indexOf(box.getAttribute("data-other-option")) !== -1;
      box.hidden = !chosen;
      box.querySelector("input").disabled = !chosen;
    });
    var status = document.getElementById("branching-status");
    if (announce && status && (appeared || vanished)) {
      status.textContent = form.getAttribute(appeared ? "data-msg-shown" : "data-msg-hidden");
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-branching]");
    if (!form) {
      return;
    }
    update(form, false);
    form.addEventListener("change", function () { update(form, true); });
    form.addEventListener("input", function () { update(form, true); });
  });
})();
