/* Agency readiness: every form posts its fields as JSON to the handler it names, then shows the
   server's re-rendered (autoescaped) HTML. The learner's identity is the runtime's, never sent. */
function ElsxReadiness(runtime, element) {
  "use strict";
  var C = window.ElsxCommon;
  var root = C.domElement(element);
  var gettext = window.gettext || function (text) { return text; };

  function value(input) {
    if (input.getAttribute("data-type") === "bool") { return input.checked; }
    if (input.getAttribute("data-type") === "int") {
      return /^[0-9]{1,9}$/.test(input.value) ? parseInt(input.value, 10) : input.value;
    }
    return input.value;
  }
  function fields(form) {
    var data = {};
    Array.prototype.forEach.call(form.querySelectorAll("input[name], select[name], textarea[name]"), function (input) {
      data[input.name] = value(input);
    });
    return data;
  }
  // The staff table's filters and page: kept across reviews and merges, which re-render it.
  var view = {page: 1};
  function payload(form, submitter) {
    var handler = form.getAttribute("data-handler");
    var data = fields(form);
    if (handler === "attest") { return {criterion: form.getAttribute("data-criterion"), evidence: data}; }
    if (handler === "agencies") {
      view = {state: data.state, kind: data.kind, readiness: data.readiness, page: 1};
      return view;
    }
    if (handler === "review") {
      return {agency: parseInt(form.getAttribute("data-agency"), 10), criterion: form.getAttribute("data-criterion"),
              version: parseInt(form.getAttribute("data-version"), 10),
              accept: !submitter || submitter.value !== "return", comment: data.comment, view: view};
    }
    if (handler === "merge" || handler === "membership") { data.view = view; }
    return data;
  }
  var busy = false;
  root.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-handler]");
    if (!form) { return; }
    event.preventDefault();
    if (busy) { return; }
    busy = true;
    C.clearError(root);
    var handler = form.getAttribute("data-handler");
    var sent;
    if (handler === "upload_policy") {
      var input = form.querySelector('input[type="file"]');
      if (!input.files.length) { busy = false; C.showError(root, gettext("Choose a file to upload.")); return; }
      sent = C.postFile(runtime, element, handler, input.name, input.files[0]);
    } else {
      sent = C.post(runtime, element, handler, payload(form, event.submitter));
    }
    sent.then(function (result) {
      busy = false;
      if (!result.ok) { C.showError(root, result.body.error); return; }
      var target = handler === "link" || handler === "attest" || handler === "upload_policy" ? "body" : "rows";
      C.fill(root, target, result.body.html);
      C.region(root, "status").textContent = gettext("Saved.");
    }, function () { busy = false; C.showError(root); });
  });
  root.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-page]");
    if (!button || busy) { return; }
    busy = true;
    C.clearError(root);
    var next = {};
    Object.keys(view).forEach(function (key) { next[key] = view[key]; });
    next.page = parseInt(button.getAttribute("data-page"), 10);
    C.post(runtime, element, "agencies", next).then(function (result) {
      busy = false;
      if (!result.ok) { C.showError(root, result.body.error); return; }
      view = next;
      C.fill(root, "rows", result.body.html);
    }, function () { busy = false; C.showError(root); });
  });
  var timer = null;
  root.addEventListener("input", function (event) {
    if (event.target.name !== "agency" || !C.region(root, "suggestions")) { return; }
    clearTimeout(timer);
    timer = setTimeout(function () {
      var form = event.target.form;
      C.post(runtime, element, "suggest", {agency: event.target.value, state: form.state.value}).then(function (result) {
        var list = C.region(root, "suggestions");
        if (!result.ok || !list) { return; }
        list.textContent = "";
        result.body.suggestions.forEach(function (name) {
          var option = document.createElement("option");
          option.value = name;
          list.appendChild(option);
        });
      });
    }, 300);
  });
}
