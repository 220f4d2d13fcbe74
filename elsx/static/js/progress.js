/* Progress block: refreshes itself when a topic on the same page changes. */
function ElsxProgress(runtime, element) {
  "use strict";
  var common = window.ElsxCommon;
  var node = common.domElement(element);
  var root = node.querySelector(".elsx-progress") || node;
  document.addEventListener("elsx:progress", function () {
    common.post(runtime, node, "refresh", {}).then(function (reply) {
      if (reply.ok) { common.fill(root, "body", reply.body.html); }
    });
  });
}
