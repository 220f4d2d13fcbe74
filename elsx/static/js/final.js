/* Final assessment block: start an attempt, submit its answers, staff grants. */
function ElsxFinal(runtime, element) {
  "use strict";
  var common = window.ElsxCommon;
  var handlerElement = common.domElement(element);
  var root = handlerElement.querySelector(".elsx-final") || handlerElement;
  var busy = false;

  function send(form, handler, data, onDone) {
    if (busy) { return; }
    busy = true;
    common.clearError(root);
    var button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = true; }
    common.post(runtime, handlerElement, handler, data).then(function (reply) {
      busy = false;
      if (button) { button.disabled = false; }
      if (!reply.ok) { common.showError(root, reply.body.error); return; }
      onDone(reply.body);
    }, function () {
      busy = false;
      if (button) { button.disabled = false; }
      common.showError(root, null);
    });
  }

  function refill(body) {
    var target = common.fill(root, "body", body.html);
    var focus = target && target.querySelector("legend, [role=status], p");
    if (focus) { focus.setAttribute("tabindex", "-1"); focus.focus(); }
    common.announceProgress();
  }

  root.addEventListener("submit", function (event) {
    var form = event.target;
    var region = form.getAttribute("data-region");
    if (region === "final-start") {
      event.preventDefault();
      send(form, "start", {}, refill);
    } else if (region === "final-form") {
      event.preventDefault();
      var answers = {};
      Array.prototype.forEach.call(form.querySelectorAll("fieldset[data-question-id]"), function (fieldset) {
        var checked = fieldset.querySelector("input[type=radio]:checked");
        answers[fieldset.getAttribute("data-question-id")] = checked ? checked.value : "";
      });
      send(form, "submit", {draw_id: form.getAttribute("data-draw-id"), answers: answers}, refill);
    } else if (region === "grant") {
      event.preventDefault();
      send(form, "grant_attempt", {learner_id: form.elements.learner_id.value, reason: form.elements.reason.value},
        function (body) {
          common.fill(form, "grant-status", "").textContent = body.message;
          common.fill(root, "grant-log", body.grants_html);
          form.reset();
        });
    }
  });
}
