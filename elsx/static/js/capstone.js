/* Capstone block: the Community Action Plan builder (save a draft, submit, withdraw). */
function ElsxCapstone(runtime, element) {
  "use strict";
  var common = window.ElsxCommon;
  var handlerElement = common.domElement(element);
  var root = handlerElement.querySelector(".elsx-capstone") || handlerElement;
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

  function value(scope, name) {
    var input = scope.querySelector('[data-field="' + name + '"]');
    return input ? input.value : "";
  }
  function collect(form) {
    var readiness = {};
    form.querySelectorAll("fieldset[data-criterion]").forEach(function (set) {
      readiness[set.getAttribute("data-criterion")] = {
        status: value(set, "status"), evidence: value(set, "evidence"), gap: value(set, "gap")};
    });
    var goals = Array.prototype.map.call(form.querySelectorAll("fieldset[data-goal]"), function (set) {
      var goal = {};
      ["goal", "owner", "timeline", "resources", "partners", "measure"].forEach(function (name) {
        goal[name] = value(set, name);
      });
      return goal;
    });
    var part = form.querySelector('fieldset[data-part="communication"]');
    var communication = {};
    ["personnel", "partners", "community", "first_review"].forEach(function (name) {
      communication[name] = value(part, name);
    });
    return {readiness: readiness, goals: goals, communication: communication};
  }
  function showPlan(reply) {
    if (!reply) { return; }
    var message = common.region(root, "plan-message");
    if (!reply.ok) {
      if (message && reply.body.missing) {
        message.textContent = "";
        var list = document.createElement("ul");
        reply.body.missing.forEach(function (item) {
          var li = document.createElement("li");
          li.textContent = item;
          list.appendChild(li);
        });
        message.appendChild(list);
      }
      return;
    }
    common.fill(root, "plan", reply.body.plan_html);
    var fresh = common.region(root, "plan-message");
    if (fresh) { fresh.focus(); }
  }
  var plan = common.region(root, "plan");
  if (!plan) { return; }
  plan.addEventListener("submit", function (event) {
    event.preventDefault();
    send("save_plan", collect(event.target)).then(showPlan);
  });
  plan.addEventListener("click", function (event) {
    var button = event.target.closest("[data-plan-action]");
    if (!button) { return; }
    var action = button.getAttribute("data-plan-action");
    var form = plan.querySelector("form");
    if (action === "submit") {
      /* The plan as on screen is saved and submitted in one request: all or nothing. */
      send("submit_plan", collect(form)).then(showPlan);
    } else if (action === "withdraw") {
      send("withdraw_plan", {}).then(showPlan);
    }
  });
}
