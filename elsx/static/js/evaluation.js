/* Course evaluation block: sends the ratings and comments once. */
function ElsxEvaluation(runtime, element) {
  "use strict";
  var common = window.ElsxCommon;
  var handlerElement = common.domElement(element);
  var root = handlerElement.querySelector(".elsx-evaluation") || handlerElement;
  var busy = false;

  root.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.getAttribute("data-region") !== "evaluation") { return; }
    event.preventDefault();
    if (busy) { return; }
    var ratings = {};
    var comments = {};
    Array.prototype.forEach.call(form.querySelectorAll("fieldset[data-item-id]"), function (fieldset) {
      var checked = fieldset.querySelector("input[type=radio]:checked");
      ratings[fieldset.getAttribute("data-item-id")] = checked ? Number(checked.value) : "";
    });
    Array.prototype.forEach.call(form.querySelectorAll("textarea"), function (area) {
      comments[area.name] = area.value;
    });
    busy = true;
    common.clearError(root);
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    common.post(runtime, handlerElement, "submit", {ratings: ratings, comments: comments}).then(function (reply) {
      busy = false;
      button.disabled = false;
      if (!reply.ok) {
        common.showError(root, reply.body.error);
        var first = reply.body.field && form.querySelector('[name="' + reply.body.field + '"]');
        if (first) { first.focus(); }
        return;
      }
      var target = common.fill(root, "body", reply.body.html);
      var done = target && target.querySelector('[data-region="done"]');
      if (done) { done.focus(); }
      common.announceProgress();
    }, function () {
      busy = false;
      button.disabled = false;
      common.showError(root, null);
    });
  });
}
