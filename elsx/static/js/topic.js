/* Topic block: marks sections read, submits the knowledge check, saves the reflection. */
function ElsxTopic(runtime, element, args) {
  "use strict";
  var common = window.ElsxCommon;
  var root = common.domElement(element).querySelector(".elsx-topic") || common.domElement(element);
  var handlerElement = common.domElement(element);
  var gettext = window.gettext || function (text) { return text; };
  var readLabel = (args && args.readLabel) || gettext("Read");
  var busy = false;

  function apply(body) {
    common.fill(root, "status", body.status_html);
    common.fill(root, "checklist", body.checklist_html);
    common.announceProgress();
  }

  function send(handler, data, onDone) {
    if (busy) { return; }
    busy = true;
    common.clearError(root);
    common.post(runtime, handlerElement, handler, data).then(function (reply) {
      busy = false;
      if (!reply.ok) { common.showError(root, reply.body.error); return; }
      apply(reply.body);
      if (onDone) { onDone(reply.body); }
    }, function () {
      busy = false;
      common.showError(root, null);
    });
  }

  Array.prototype.forEach.call(root.querySelectorAll("details.elsx-section"), function (details) {
    details.addEventListener("toggle", function () {
      if (!details.open || details.getAttribute("data-viewed") === "true") { return; }
      var id = details.getAttribute("data-section-id");
      send("view_section", {section: id}, function () {
        details.setAttribute("data-viewed", "true");
        var mark = common.region(root, "read-" + id);
        if (mark) { mark.innerHTML = '<span aria-hidden="true">✓</span> '; mark.appendChild(document.createTextNode(readLabel)); }
      });
    });
  });

  var check = common.region(root, "check");
  check.addEventListener("submit", function (event) {
    event.preventDefault();
    var answers = {};
    Array.prototype.forEach.call(check.querySelectorAll("fieldset[data-question-id]"), function (fieldset) {
      var chosen = fieldset.querySelector("input[type=radio]:checked");
      if (chosen) { answers[fieldset.getAttribute("data-question-id")] = chosen.value; }
    });
    send("submit_check", {answers: answers}, function (body) {
      Object.keys(body.feedback_html || {}).forEach(function (qid) {
        common.fill(root, "feedback-" + qid, body.feedback_html[qid]);
      });
      var result = common.fill(root, "result", body.result_html);
      if (result) { result.focus(); }
    });
  });

  var reflection = common.region(root, "reflection");
  var textarea = reflection.querySelector("textarea");
  var counter = common.region(root, "count");
  var words = common.region(root, "word-count");
  function count() {
    if (counter) { counter.textContent = "(" + textarea.value.length + ")"; }
    // Same rule as elsx.reflection.count: runs of non-space characters.
    if (words) {
      var n = textarea.value.split(/\s+/).filter(Boolean).length;
      words.textContent = words.getAttribute("data-template").replace("__N__", String(n));
    }
  }
  textarea.addEventListener("input", count);
  count();
  reflection.addEventListener("submit", function (event) {
    event.preventDefault();
    send("save_reflection", {text: textarea.value}, function (body) {
      if (body.review_html) { common.fill(root, "review", body.review_html); }
      var saved = common.fill(root, "saved", body.saved_html);
      if (saved) { saved.focus(); }
    });
  });
}
