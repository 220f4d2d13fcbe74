/* Studio editor for the topic block: collects the form into JSON for the studio_submit handler. */
function ElsxTopicStudio(runtime, element, args) {
  "use strict";
  var common = window.ElsxCommon;
  var gettext = window.gettext || function (text) { return text; };
  /* Translated on the server (args.text); the gettext() calls are the fallback, with the LMS/Studio JS catalog. */
  var text = (args && args.text) || {};
  var root = common.domElement(element).querySelector(".elsx-studio") || common.domElement(element);
  var form = root.querySelector("form");
  var counter = 0;

  function notify(name, data) {
    if (runtime.notify) { runtime.notify(name, data || {}); }
  }
  function children(parent, selector) {
    return Array.prototype.filter.call(parent.children, function (child) { return child.matches(selector); });
  }
  function field(item, name) {
    var input = item.querySelector('[data-field="' + name + '"]');
    return input ? input.value : "";
  }
  /* Radios of one question share a name, so the browser keeps exactly one checked. */
  function groupRadios() {
    root.querySelectorAll('[data-item="question"]').forEach(function (question) {
      var name = root.id + "-correct-" + (question.dataset.group || (question.dataset.group = String(++counter)));
      question.querySelectorAll('[data-field="correct"]').forEach(function (radio) { radio.name = name; });
    });
  }
  function fromTemplate(name) {
    var template = root.querySelector('template[data-template="' + name + '"]');
    return template.content.firstElementChild.cloneNode(true);
  }
  function topValue(input) {
    if (input.dataset.type === "int") { return input.value === "" ? "" : Number(input.value); }
    if (input.dataset.type === "lines") {
      return input.value.split("\n").map(function (line) { return line.trim(); })
        .filter(function (line) { return line; });
    }
    return input.value;
  }
  function collect() {
    var data = {};
    root.querySelectorAll("[data-name]").forEach(function (input) { data[input.dataset.name] = topValue(input); });
    data.sections = children(root.querySelector('[data-list="sections"]'), '[data-item="section"]')
      .map(function (item) {
        return {id: field(item, "id"), title: field(item, "title"), body_html: field(item, "body_html")};
      });
    data.questions = children(root.querySelector('[data-list="questions"]'), '[data-item="question"]')
      .map(function (item) {
        var options = children(item.querySelector('[data-list="options"]'), '[data-item="option"]')
          .map(function (option) {
            return {id: field(option, "id"), text: field(option, "text"),
                    correct: option.querySelector('[data-field="correct"]').checked};
          });
        return {id: field(item, "id"), prompt: field(item, "prompt"), explanation: field(item, "explanation"),
                options: options};
      });
    data.scenarios = children(root.querySelector('[data-list="scenarios"]'), '[data-item="scenario"]')
      .map(function (item) { return field(item, "xml"); })
      .filter(function (text) { return text.trim(); });
    return data;
  }

  root.addEventListener("click", function (event) {
    var button = event.target.closest("[data-action]");
    if (!button || !root.contains(button)) { return; }
    var action = button.dataset.action;
    if (action === "add-section") {
      root.querySelector('[data-list="sections"]').appendChild(fromTemplate("section"));
    } else if (action === "add-question") {
      var question = fromTemplate("question");
      var options = question.querySelector('[data-list="options"]');
      options.appendChild(fromTemplate("option"));
      options.appendChild(fromTemplate("option"));
      root.querySelector('[data-list="questions"]').appendChild(question);
    } else if (action === "add-scenario") {
      root.querySelector('[data-list="scenarios"]').appendChild(fromTemplate("scenario"));
    } else if (action === "add-option") {
      button.parentNode.querySelector('[data-list="options"]').appendChild(fromTemplate("option"));
    } else if (action === "remove") {
      // Out of the form at once, but one click brings it back where it was.
      var item = button.closest("[data-item]");
      var placeholder = fromTemplate("removed");
      placeholder.querySelector('[data-region="removed-what"]').textContent = button.dataset.removedLabel || "";
      placeholder.removedItem = item;
      item.replaceWith(placeholder);
      placeholder.querySelector('[data-action="undo"]').focus();
    } else if (action === "undo") {
      var slot = button.closest(".elsx-studio__removed");
      slot.replaceWith(slot.removedItem);
      slot.removedItem.querySelector("input, textarea, select, button").focus();
    } else if (action === "save-anyway") {
      save(true);
      return;
    } else if (action === "cancel") {
      notify("cancel");
      return;
    } else {
      return;
    }
    groupRadios();
  });

  var returned = common.region(root, "returned");
  function list(name, items) {
    var target = common.region(root, name);
    target.textContent = "";
    items.forEach(function (item) {
      var li = document.createElement("li");
      if (item.severity) { li.className = "elsx-studio__problem elsx-studio__problem--" + item.severity; }
      li.textContent = item.message || item;
      target.appendChild(li);
    });
    return items.length;
  }
  /* Every problem the server returned and everything the sanitizer removed, beside the Save button. */
  function showReturned(body, needsConfirmation) {
    var problems = list("returned-problems", (body && body.problems) || []);
    var removed = list("returned-removed", (body && body.removed) || []);
    common.region(root, "returned-removed-intro").hidden = !removed;
    root.querySelector('[data-action="save-anyway"]').hidden = !needsConfirmation;
    returned.hidden = !(problems || removed || needsConfirmation);
    return !returned.hidden;
  }
  function save(confirmed) {
    common.clearError(root);
    var saved = common.region(root, "saved");
    saved.textContent = "";
    var data = collect();
    if (confirmed) { data.confirm = true; }
    notify("save", {state: "start", message: text.saving || gettext("Saving")});
    common.post(runtime, element, "studio_submit", data).then(function (result) {
      if (result.ok) {
        saved.textContent = text.saved || gettext("Saved.");
        if (showReturned(result.body, false)) { returned.focus(); }
        notify("save", {state: "end"});
      } else if (result.status === 409 && result.body && result.body.needs_confirmation) {
        common.showError(root, result.body.error);
        showReturned(result.body, true);
        root.querySelector('[data-action="save-anyway"]').focus();
        notify("save", {state: "end"});
      } else {
        var message = (result.body && result.body.error) || text.failed || gettext("The topic could not be saved.");
        showReturned(result.body, false);
        common.showError(root, message);
        notify("error", {title: text.failed || gettext("The topic could not be saved."), message: message});
      }
    }, function () {
      common.showError(root, text.offline || gettext("The topic could not be saved. Check your connection and try again."));
      notify("error", {title: text.failed || gettext("The topic could not be saved."), message: ""});
    });
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    save(false);
  });

  groupRadios();
}
