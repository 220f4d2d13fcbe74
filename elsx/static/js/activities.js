/* Topic block: case-study decisions, one stage at a time. Called by ElsxTopic (topic.js). */
window.ElsxTopicActivities = function (runtime, element, root) {
  "use strict";
  var common = window.ElsxCommon;
  var handlerElement = common.domElement(element);
  var busy = false;

  function send(handler, data) {
    if (busy) { return Promise.resolve(null); }
    busy = true;
    common.clearError(root);
    return common.post(runtime, handlerElement, handler, data).then(function (reply) {
      busy = false;
      if (!reply.ok) { common.showError(root, reply.body.error); }
      return reply;
    }, function () {
      busy = false;
      common.showError(root, null);
      return null;
    });
  }

  /* Case studies: one decision per stage; the server returns the case with that stage's consequence. */
  root.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-scenario-form]");
    if (!form) { return; }
    event.preventDefault();
    var scenarioId = form.getAttribute("data-scenario-form");
    var stageId = form.getAttribute("data-stage-id");
    var chosen = form.querySelector("input[type=radio]:checked");
    if (!chosen) { common.showError(root, form.getAttribute("data-choose-message")); return; }
    send("choose_scenario", {scenario: scenarioId, stage: stageId, choice: chosen.value}).then(function (reply) {
      if (!reply || !reply.ok) { return; }
      var region = common.fill(root, "scenario-" + scenarioId, reply.body.scenario_html);
      var heading = region && region.querySelector('[data-stage-id="' + stageId + '"] h4');
      if (heading) { heading.focus(); }
    });
  });
};
