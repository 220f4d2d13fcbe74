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
  // One request at a time, in the order asked: a click while another is on its way waits, never drops.
  var queue = Promise.resolve();
  function enqueue(send) {
    queue = queue.then(send, send).then(null, function () { return {ok: false, body: {}}; });
    return queue;
  }
  root.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-handler]");
    if (!form) { return; }
    event.preventDefault();
    var submitter = event.submitter;
    var handler = form.getAttribute("data-handler");
    if (handler === "upload_policy" && !form.querySelector('input[type="file"]').files.length) {
      C.showError(root, gettext("Choose a file to upload."));
      return;
    }
    // The payload is read when the request goes, so it carries the staff table's latest view.
    enqueue(function () {
      C.clearError(root);
      if (handler === "upload_policy") {
        var input = form.querySelector('input[type="file"]');
        return C.postFile(runtime, element, handler, input.name, input.files[0]);
      }
      return C.post(runtime, element, handler, payload(form, submitter));
    }).then(function (result) {
      if (!result.ok) { C.showError(root, result.body.error); return; }
      var target = handler === "link" || handler === "attest" || handler === "upload_policy" ? "body" : "rows";
      C.fill(root, target, result.body.html);
      C.region(root, "status").textContent = gettext("Saved.");
    });
  });
  root.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-page]");
    if (!button) { return; }
    // Next and Previous step from the page shown when the request goes, so two quick presses go two pages.
    var page = button.getAttribute("data-page");
    var step = button.getAttribute("data-step");
    enqueue(function () {
      C.clearError(root);
      var next = {};
      Object.keys(view).forEach(function (key) { next[key] = view[key]; });
      next.page = Math.max(1, step ? (view.page || 1) + parseInt(step, 10) : parseInt(page, 10));
      return C.post(runtime, element, "agencies", next).then(function (result) {
        if (result.ok) { view = next; view.page = result.body.page || next.page; }
        return result;
      });
    }).then(function (result) {
      if (!result.ok) { C.showError(root, result.body.error); return; }
      C.fill(root, "rows", result.body.html);
      // The pressed button was replaced, so focus fell to the body: it goes to the new page's count.
      var count = root.querySelector('[data-region="rows-count"]');
      if (count && (!document.activeElement || document.activeElement === document.body)) { count.focus(); }
    });
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
