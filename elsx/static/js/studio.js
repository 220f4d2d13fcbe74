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
      button.closest("[data-item]").remove();
    } else if (action === "cancel") {
      notify("cancel");
      return;
    } else {
      return;
    }
    groupRadios();
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    common.clearError(root);
    notify("save", {state: "start", message: text.saving || gettext("Saving")});
    common.post(runtime, element, "studio_submit", collect()).then(function (result) {
      if (result.ok) {
        common.region(root, "saved").textContent = text.saved || gettext("Saved.");
        notify("save", {state: "end"});
      } else {
        var message = (result.body && result.body.error) || text.failed || gettext("The topic could not be saved.");
        common.showError(root, message);
        notify("error", {title: text.failed || gettext("The topic could not be saved."), message: message});
      }
    }, function () {
      common.showError(root, text.offline || gettext("The topic could not be saved. Check your connection and try again."));
      notify("error", {title: text.failed || gettext("The topic could not be saved."), message: ""});
    });
  });

  groupRadios();
}
