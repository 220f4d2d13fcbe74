/* Review queue in the cohort dashboard: open a submission, score the rubric, accept or return. */
window.ElsxReviewQueue = function (runtime, node) {
  "use strict";
  var common = window.ElsxCommon;
  var root = node.querySelector('[data-region="commission"]');
  if (!root) { return; }
  var detail = common.region(root, "review-detail");
  var notice = common.region(root, "review-notice");
  var busy = false;
  var verdict = "";

  function send(handler, data, onDone) {
    if (busy) { return; }
    busy = true;
    common.post(runtime, node, handler, data).then(function (reply) {
      busy = false;
      if (!reply.ok) { notice.textContent = reply.body.error || ""; return; }
      onDone(reply.body);
    }, function () { busy = false; });
  }

  root.addEventListener("click", function (event) {
    var open = event.target.closest("[data-review-open]");
    if (open) {
      send("review_detail", {submission: parseInt(open.getAttribute("data-review-open"), 10)}, function (body) {
        detail.innerHTML = body.html;  // rendered and escaped on the server
        var title = detail.querySelector("h4");
        if (title) { title.focus(); }
      });
    }
    var button = event.target.closest("button[name=verdict]");
    if (button) { verdict = button.value; }
  });

  root.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.getAttribute("data-region") !== "review-form") { return; }
    event.preventDefault();
    var rubric = {};
    Array.prototype.forEach.call(form.querySelectorAll("fieldset[data-criterion]"), function (fieldset) {
      var checked = fieldset.querySelector("input:checked");
      rubric[fieldset.getAttribute("data-criterion")] = checked ? parseInt(checked.value, 10) : null;
    });
    send("review_decide", {submission: parseInt(form.getAttribute("data-submission"), 10), verdict: verdict,
                           rubric: rubric, comment: form.elements.comment.value}, function (body) {
      common.fill(root, "review-list", "").outerHTML = body.queue_html;
      detail.innerHTML = "";
      notice.textContent = body.message;
    });
  });
};
